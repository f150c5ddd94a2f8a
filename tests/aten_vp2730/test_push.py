"""Socket.IO push: changes on the device reach Home Assistant without any poll."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.aten_vp2730 import push
from custom_components.proav.devices.aten_vp2730.coordinator import (
    POLL_INTERVAL,
    PUSH_INTERVAL,
    push_issue_id,
)
from custom_components.proav.devices.aten_vp2730.models import API
from tests.emulators.aten_vp2730 import AtenEmulator

from .conftest import TIMEOUT, attribute_is, coordinator_of, state_is, wait_for_state


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
    assert hass.states.get("number.vp2730_all_volume").state == "35"

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
    sio = emulator.sio
    await sio.emit(f"{API}/video/golive", {"golive": "not a list"})
    await sio.emit(f"{API}/audio/outputs", {"outputs": [{"no": "id"}]})
    await sio.emit(f"{API}/system/participants/share", {"id": "nobody", "share": ["video"]})
    await sio.emit(f"{API}/video/snapshots/state", {"state": "done"})
    await sio.emit(f"{API}/system/sessionConfigs", None)
    await sio.emit("/api/v2.0/unheard/of", [1, 2, 3])
    await sio.emit(f"{API}/video/vpProfiles", {"profiles": []})  # not documented: re-read
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
    """A Socket.IO 2.x device: warned once, repair issue raised, changes come by polling."""
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
