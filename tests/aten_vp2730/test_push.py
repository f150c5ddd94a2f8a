"""Socket.IO push: changes on the device reach Home Assistant without any poll."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.aten_vp2730 import push
from custom_components.proav.devices.aten_vp2730.coordinator import (
    EVENT_WAIT,
    POLL_INTERVAL,
    PUSH_INTERVAL,
    push_issue_id,
)
from custom_components.proav.devices.aten_vp2730.models import API
from custom_components.proav.diagnostics import async_get_config_entry_diagnostics
from tests.emulators.aten_vp2730 import AtenEmulator

from .conftest import TIMEOUT, attribute_is, coordinator_of, state_is, wait_for_state


@pytest.fixture(params=[4, 3], ids=["eio4", "eio3"])
async def emulator(
    request: pytest.FixtureRequest, socket_enabled: None
) -> AsyncIterator[AtenEmulator]:
    """Run every push test against both Socket.IO generations of the device."""
    async with AtenEmulator() as emulator:
        emulator.eio3 = request.param == 3
        yield emulator


def _gets(emulator: AtenEmulator, path: str) -> int:
    """Return how many times a resource was read."""
    return emulator.requests.count(f"GET {API}{path}")


async def test_device_changes_arrive_by_push_without_polling(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Route, volume and mute changed on the device show in HA; no REST read happens."""
    coordinator = coordinator_of(loaded)
    assert coordinator.update_interval == timedelta(seconds=PUSH_INTERVAL.default)
    reads = len([r for r in emulator.requests if r.startswith("GET")])

    await emulator.set_route("0", "4")
    await wait_for_state(hass, "select.vp2730_display_a_source", state_is("Source 5"))
    assert hass.states.get("media_player.vp2730").attributes["source"] == "Source 5"

    await emulator.set_audio("outputs", "ALL", volume=35, mute=True)
    player = await wait_for_state(
        hass, "media_player.vp2730", attribute_is("is_volume_muted", True)
    )
    assert player.attributes["volume_level"] == 0.35
    assert hass.states.get("number.vp2730_master_volume").state == "35"

    await emulator.set_input_signal("6", connected=True)
    await wait_for_state(hass, "binary_sensor.vp2730_source_7_signal", state_is("on"))
    # Everything came through the socket: not a single REST read since setup.
    assert len([r for r in emulator.requests if r.startswith("GET")]) == reads


async def test_participants_and_sharing_by_push(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """A participant joins and shares: the count and the sharing sensor follow."""
    guest = await emulator.add_participant("Guest laptop")
    await wait_for_state(hass, "sensor.vp2730_participants", state_is("2"))
    # participants/share carries only {id, share}: applied to the known participant.
    await emulator.set_share(guest["id"], ["video"])
    await wait_for_state(hass, "binary_sensor.vp2730_sharing", state_is("on"))
    participants = hass.states.get("sensor.vp2730_participants")
    assert participants.attributes["sharing"] == ["Guest laptop"]


async def test_reconnect_signs_in_again_when_the_token_expired(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """The device forgot the token and dropped the socket: the socket refused, then renewed."""
    coordinator = coordinator_of(loaded)
    logins = emulator.logins
    emulator.expire_sessions()
    await emulator.drop_sockets()
    await emulator.set_route("1", "3")
    await wait_for_state(hass, "select.vp2730_display_b_source", state_is("Source 4"))
    async with asyncio.timeout(TIMEOUT):
        await coordinator.push.async_wait_connected()
    assert emulator.logins > logins
    await emulator.set_route("1", "0")
    await wait_for_state(hass, "select.vp2730_display_b_source", state_is("Source 1"))


async def test_maintenance_status_event(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """The maintenance/status event updates the system status sensor."""
    await emulator.set_system_status("fwUpgrading")
    await wait_for_state(hass, "sensor.vp2730_system_status", state_is("fw_upgrading"))


@pytest.mark.parametrize("mode", ["empty", "garbage"])
async def test_unparsable_payloads_make_a_rest_read(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    emulator: AtenEmulator,
    mode: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An event whose payload does not parse re-reads its resource (debounced, once)."""
    monkeypatch.setattr(push, "DEBOUNCE", 0.2)
    emulator.payload_mode = mode
    before = _gets(emulator, "/video/connections")
    await emulator.set_route("1", "6")
    await emulator.set_route("1", "5")  # a burst: one read answers both
    await wait_for_state(hass, "select.vp2730_display_b_source", state_is("Source 6"))
    assert _gets(emulator, "/video/connections") == before + 1


async def test_malformed_payloads_do_not_break_anything(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Wrong shapes, unknown events and half-valid items are survived; state stays right."""
    coordinator = coordinator_of(loaded)
    await emulator.raw_emit(f"{API}/video/golive", {"golive": "not a list"})
    await emulator.raw_emit(f"{API}/audio/outputs", {"outputs": [{"no": "id"}]})
    await emulator.raw_emit(
        f"{API}/system/participants/share", {"id": "nobody", "share": ["video"]}
    )
    await emulator.raw_emit(f"{API}/video/snapshots/state", {"state": "done"})
    await emulator.raw_emit(f"{API}/system/sessionConfigs", None)
    await emulator.raw_emit("/api/v2.0/unheard/of", [1, 2, 3])
    await emulator.raw_emit(f"{API}/video/vpProfiles", {"profiles": []})  # not documented: re-read
    # A valid event after the bad ones still applies.
    await emulator.set_route("2", "3")
    await wait_for_state(hass, "select.vp2730_display_c_source", state_is("Source 4"))
    async with asyncio.timeout(TIMEOUT):
        await emulator.wait_for_requests(f"GET {API}/video/golive", 2)
        await emulator.wait_for_requests(f"GET {API}/video/vpProfiles", 2)
    await hass.async_block_till_done()
    assert coordinator.last_update_success
    assert coordinator.data.golive == {"0": 1, "1": 1, "2": 0}
    assert hass.states.get("switch.vp2730_display_a_go_live").state == "off"
    assert len(coordinator.data.profiles) == 4


async def test_socket_drop_reconnects_and_rereads_everything(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """The device drops the socket: push reconnects, re-reads all, and events flow again."""
    coordinator = coordinator_of(loaded)
    reads = _gets(emulator, "/video/outputs")
    # A change made while the socket is down is only seen by the full re-read on reconnect.
    emulator.state["video/connections"]["connections"][0]["videoInput"] = "2"
    await emulator.drop_sockets()
    await wait_for_state(hass, "select.vp2730_display_a_source", state_is("Source 3"))
    async with asyncio.timeout(TIMEOUT):
        await coordinator.push.async_wait_connected()
        # The reconnect reads everything, the slow tiers too.
        await emulator.wait_for_requests(f"GET {API}/video/outputs", reads + 1)
    assert coordinator.update_interval == timedelta(seconds=PUSH_INTERVAL.default)
    await emulator.set_route("0", "1")
    await wait_for_state(hass, "select.vp2730_display_a_source", state_is("Source 2"))


async def test_old_socketio_falls_back_to_polling_with_a_repair(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    emulator: AtenEmulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A device that speaks neither generation: warned once, repair raised, polled instead."""
    emulator.eio3 = False
    emulator.legacy_socketio = True
    issue_created: asyncio.Future[None] = hass.loop.create_future()

    @callback
    def issue_updated(event: Event) -> None:
        if event.data["action"] == "create" and not issue_created.done():
            issue_created.set_result(None)

    hass.bus.async_listen(ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED, issue_updated)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = coordinator_of(entry)
    issue_id = push_issue_id(entry.entry_id)
    if ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None:
        async with asyncio.timeout(TIMEOUT):
            await issue_created
    assert coordinator.push.unsupported
    assert coordinator.update_interval == timedelta(seconds=POLL_INTERVAL.default)
    assert caplog.text.count("does not speak a Socket.IO protocol") == 1

    await emulator.set_route("0", "6")
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=POLL_INTERVAL.default + 1))
    await wait_for_state(hass, "select.vp2730_display_a_source", state_is("Source 7"))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


def test_mismatch_limit_is_sane() -> None:
    """One odd handshake is not enough to give up on push."""
    assert push.MISMATCH_LIMIT > 1


async def test_partial_events_update_only_their_fields(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """An event with only the mute of ALL keeps the volume (it used to drop it to 0)."""
    emulator.payload_mode = "partial"
    emulator.remember_state()
    reads = len([r for r in emulator.requests if r.startswith("GET")])
    await emulator.set_audio("outputs", "ALL", volume=80)
    await wait_for_state(hass, "number.vp2730_master_volume", state_is("80"))
    assert emulator.emitted[-1][1] == {"outputs": [{"id": "ALL", "volume": 80}]}
    await emulator.set_audio("outputs", "ALL", mute=True)
    player = await wait_for_state(
        hass, "media_player.vp2730", attribute_is("is_volume_muted", True)
    )
    assert emulator.emitted[-1][1] == {"outputs": [{"id": "ALL", "mute": {"value": 2}}]}
    assert player.attributes["volume_level"] == 0.8
    assert hass.states.get("number.vp2730_master_volume").state == "80"
    await emulator.set_route("1", "4")
    await wait_for_state(hass, "select.vp2730_display_b_source", state_is("Source 5"))
    assert hass.states.get("select.vp2730_display_a_source").state == "Source 1"
    # Merged, not re-read.
    assert len([r for r in emulator.requests if r.startswith("GET")]) == reads


async def test_a_poll_never_overwrites_a_newer_event(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    emulator: AtenEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full read that began before an event does not bring back the older routing."""
    coordinator = coordinator_of(loaded)
    original = emulator._dispatch
    answered_old = asyncio.Event()
    release = asyncio.Event()

    async def slow_connections(request: object) -> object:
        response = await original(request)  # type: ignore[arg-type]
        if getattr(request, "path", "") == f"{API}/video/connections" and not release.is_set():
            answered_old.set()
            await release.wait()  # the answer (route 0 -> 0) is held back
        return response

    monkeypatch.setattr(emulator, "_dispatch", slow_connections)
    refresh = hass.async_create_task(coordinator.async_refresh())
    async with asyncio.timeout(TIMEOUT):
        await answered_old.wait()
    await emulator.set_route("0", "3")  # the event arrives while the poll waits
    await wait_for_state(hass, "select.vp2730_display_a_source", state_is("Source 4"))
    release.set()
    await refresh
    await hass.async_block_till_done()
    assert hass.states.get("select.vp2730_display_a_source").state == "Source 4"


async def test_reconnects_back_off_when_the_socket_drops_at_once(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """A device that accepts and drops the socket is not hammered: the backoff keeps growing."""
    coordinator = coordinator_of(loaded)
    emulator.drop_on_connect = True
    connects = coordinator.push.connects
    await emulator.drop_sockets()
    async with asyncio.timeout(TIMEOUT):
        while coordinator.push.retry_delay < push.BACKOFF_MAX:
            await hass.async_block_till_done()
            await asyncio.sleep(0.01)
    assert coordinator.push.connects - connects >= 3  # it connected, and dropped, each time
    emulator.drop_on_connect = False


async def test_silent_socket_is_deaf_and_polls_fast(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """A socket that never brings the events of our own writes: deaf, fast polls, said so."""
    coordinator = coordinator_of(loaded)
    emulator.silent_socket = True
    for value in (0.2, 0.3):
        await hass.services.async_call(
            "media_player",
            "volume_set",
            {"entity_id": "media_player.vp2730", "volume_level": value},
            blocking=True,
        )
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=EVENT_WAIT + 1))
        await hass.async_block_till_done()
    assert coordinator.deaf
    assert coordinator.update_interval == timedelta(seconds=POLL_INTERVAL.default)
    diagnostics = await async_get_config_entry_diagnostics(hass, loaded)
    assert diagnostics["device"]["push"]["deaf"] is True
    # A change on the device now shows at the next fast poll.
    emulator.state["video/connections"]["connections"][0]["videoInput"] = "4"
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=POLL_INTERVAL.default + 1))
    await wait_for_state(hass, "select.vp2730_display_a_source", state_is("Source 5"))
    # Events come again: push is trusted again.
    emulator.silent_socket = False
    await emulator.set_route("1", "5")
    await wait_for_state(hass, "select.vp2730_display_b_source", state_is("Source 6"))
    assert not coordinator.deaf
    assert coordinator.update_interval == timedelta(seconds=PUSH_INTERVAL.default)


async def test_own_writes_with_their_events_do_not_count_as_deaf(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    """The normal case: the event of each write comes, push stays trusted."""
    coordinator = coordinator_of(loaded)
    for value in (0.2, 0.3, 0.4):
        await hass.services.async_call(
            "media_player",
            "volume_set",
            {"entity_id": "media_player.vp2730", "volume_level": value},
            blocking=True,
        )
        await hass.async_block_till_done()
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=EVENT_WAIT + 1))
        await hass.async_block_till_done()
    assert not coordinator.deaf


async def test_socketio_2_device_pushes_over_engineio_3(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Each generation is detected and spoken; diagnostics name the one in use."""
    coordinator = coordinator_of(loaded)
    expected = "Engine.IO 3" if emulator.eio3 else "Engine.IO 4"
    assert coordinator.push.protocol == expected
    assert not coordinator.push.unsupported
    diagnostics = await async_get_config_entry_diagnostics(hass, loaded)
    assert diagnostics["device"]["push"]["protocol"] == expected
    assert ir.async_get(hass).async_get_issue(DOMAIN, push_issue_id(loaded.entry_id)) is None
    if emulator.eio3:
        assert emulator.eio3_connects == 1


async def test_engineio_3_client_pings_and_notices_a_dead_server(
    hass: HomeAssistant, entry: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Engine.IO 3 clients ping; a server that stops answering is left and reconnected."""
    if not emulator.eio3:
        pytest.skip("Engine.IO 4 servers ping, python-socketio answers")
    emulator.eio3_ping_interval = 20  # ms
    emulator.eio3_ping_timeout = 50
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    push_channel = coordinator_of(entry).push
    async with asyncio.timeout(TIMEOUT):
        await push_channel.async_wait_connected()
        await emulator.wait_until(lambda: emulator.eio3_pings >= 2)
    emulator.eio3_answer_pings = False
    async with asyncio.timeout(TIMEOUT):
        # The pong never came: a fresh connection.
        await emulator.wait_until(lambda: emulator.eio3_connects >= 2)
    emulator.eio3_answer_pings = True
    async with asyncio.timeout(TIMEOUT):
        await push_channel.async_wait_connected()
    await emulator.set_route("0", "2")
    await wait_for_state(hass, "select.vp2730_display_a_source", state_is("Source 3"))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert emulator.socket_count() == 0


async def test_participant_and_sharing_events(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Joined, sharing started/stopped and left fire events automations can trigger on."""
    fired: list[tuple[str, str, str]] = []

    @callback
    def changed(event: Event) -> None:
        new = event.data["new_state"]
        if new is not None and new.attributes.get("event_type"):
            fired.append(
                (
                    event.data["entity_id"],
                    new.attributes["event_type"],
                    new.attributes["participant"],
                )
            )

    hass.bus.async_listen("state_changed", changed)
    assert hass.states.get("event.vp2730_participants").state == "unknown"  # none at setup
    guest = await emulator.add_participant("Guest laptop")
    await wait_for_state(hass, "event.vp2730_participants", attribute_is("event_type", "joined"))
    await emulator.set_share(guest["id"], ["video", "audio"])
    sharing = await wait_for_state(
        hass, "event.vp2730_sharing", attribute_is("event_type", "sharing_started")
    )
    assert sharing.attributes["participant"] == "Guest laptop"
    assert sharing.attributes["share"] == ["audio", "video"]
    await emulator.set_share(guest["id"], [])
    await wait_for_state(
        hass, "event.vp2730_sharing", attribute_is("event_type", "sharing_stopped")
    )
    emulator.state["system/participants"]["participants"].pop()
    await emulator.emit("system/participants")
    await wait_for_state(hass, "event.vp2730_participants", attribute_is("event_type", "left"))
    assert fired == [
        ("event.vp2730_participants", "joined", "Guest laptop"),
        ("event.vp2730_sharing", "sharing_started", "Guest laptop"),
        ("event.vp2730_sharing", "sharing_stopped", "Guest laptop"),
        ("event.vp2730_participants", "left", "Guest laptop"),
    ]


async def test_snapshot_result_is_an_event(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """The snapshot button no longer acts silently: its result arrives as an event."""
    entity_id = "event.vp2730_display_b_snapshot"
    assert hass.states.get(entity_id).state == "unknown"
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.vp2730_display_b_snapshot"}, blocking=True
    )
    done = await wait_for_state(hass, entity_id, attribute_is("event_type", "done"))
    assert (done.attributes["storage"], done.attributes["path"]) == ("0", "/")
    assert hass.states.get("event.vp2730_display_a_snapshot").state == "unknown"
    await emulator.raw_emit(
        f"{API}/video/snapshots/state", {"id": "1", "storage": "0", "path": "/", "state": "error"}
    )
    await wait_for_state(hass, entity_id, attribute_is("event_type", "failed"))
    # A state word nobody knows fires nothing.
    await emulator.raw_emit(f"{API}/video/snapshots/state", {"id": "1", "state": "pending"})
    await emulator.set_route("1", "0")  # a later event: the one before was handled
    await wait_for_state(hass, "select.vp2730_display_b_source", state_is("Source 1"))
    assert hass.states.get(entity_id).attributes["event_type"] == "failed"


async def test_writes_that_change_nothing_expect_no_event(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """A device may send no event for a write that changed nothing: that is not deafness."""
    coordinator = coordinator_of(loaded)
    emulator.silent_socket = True
    for _ in range(3):
        await hass.services.async_call(
            "media_player",
            "select_source",
            {"entity_id": "media_player.vp2730", "source": "Source 1"},  # already shown
            blocking=True,
        )
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=EVENT_WAIT + 1))
        await hass.async_block_till_done()
    assert not coordinator.deaf
