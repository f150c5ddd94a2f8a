"""The field-ready foundation on a VP2730: errors, capabilities, sessions, diagnostics, setup."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.aten_vp2730 import device_type
from custom_components.proav.devices.aten_vp2730.coordinator import POLL_INTERVAL, PUSH_INTERVAL
from custom_components.proav.devices.aten_vp2730.models import API
from custom_components.proav.diagnostics import async_get_config_entry_diagnostics
from tests.emulators.aten_vp2730 import PASSWORD, ROOM_CODE, SERIAL, AtenEmulator

from .conftest import TIMEOUT, coordinator_of, entry_data, state_is, wait_for_state

SECOND = timedelta(seconds=1)


def _reauth_flows(hass: HomeAssistant) -> list[str]:
    return [
        flow["flow_id"]
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


def _logins(emulator: AtenEmulator) -> int:
    return emulator.requests.count(f"POST {API}/auth/tokens")


async def test_forbidden_and_unsupported_commands_do_not_start_reauth(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """A 403 and a 404 each raise their own translated error; nobody is asked to sign in."""
    emulator.forbidden = {"video/golive"}
    with pytest.raises(HomeAssistantError) as forbidden:
        await hass.services.async_call(
            "switch", "turn_on", {"entity_id": "switch.vp2730_display_a_go_live"}, blocking=True
        )
    assert forbidden.value.translation_key == "not_permitted"
    emulator.missing = {"video/snapshots"}
    with pytest.raises(HomeAssistantError) as unsupported:
        await hass.services.async_call(
            "button", "press", {"entity_id": "button.vp2730_display_a_snapshot"}, blocking=True
        )
    assert unsupported.value.translation_key == "not_supported"
    await hass.async_block_till_done()
    assert not _reauth_flows(hass)
    assert loaded.state is ConfigEntryState.LOADED


async def test_home_assistant_stop_leaves_no_session_open(
    hass: HomeAssistant, entry: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """After Home Assistant stops, the device holds no token and no socket of ours."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    async with asyncio.timeout(TIMEOUT):
        await coordinator_of(entry).push.async_wait_connected()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert emulator.open_tokens() == 1
    assert emulator.socket_count() == 1
    await hass.async_stop()
    assert emulator.open_tokens() == 0
    assert emulator.logouts == 1
    assert emulator.socket_count() == 0


async def test_user_flow_leaves_no_session_open(
    hass: HomeAssistant, emulator: AtenEmulator, socket_enabled: None
) -> None:
    """The connection test of the config flow deletes its token."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "aten_vp2730"}
    )
    form = {k: v for k, v in entry_data(emulator).items() if k != "device_type"}
    emulator.max_tokens = 1  # a device that caps sessions still lets the entry set up
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert emulator.open_tokens() == 1  # the entry's own, not the flow's
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert emulator.open_tokens() == 0


async def test_refused_password_starts_reauth_and_stops_logging_in(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """The password changed: one refused login, a reauth flow, then no login at all.

    Neither push reconnects nor polls try the old password again (a lockout risk).
    """
    emulator.password = "changed"
    emulator.expire_sessions()
    await emulator.drop_sockets()
    async with asyncio.timeout(TIMEOUT):
        while not _reauth_flows(hass):
            await hass.async_block_till_done(wait_background_tasks=True)
            await asyncio.sleep(0.01)
    logins = _logins(emulator)
    for _ in range(3):
        async_fire_time_changed(hass, dt_util.utcnow() + POLL_INTERVAL.of(loaded) + SECOND)
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=120))
        await hass.async_block_till_done(wait_background_tasks=True)
    await asyncio.sleep(0.2)  # push backoff (shortened in tests) would have retried by now
    assert _logins(emulator) == logins
    assert len(_reauth_flows(hass)) == 1
    assert emulator.socket_count() == 0


async def test_optional_resources_missing_create_no_entities(
    hass: HomeAssistant, entry: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """A firmware or account without go-live, participants and profiles: the rest works."""
    emulator.missing = {"video/golive", "video/vpProfiles"}
    emulator.forbidden = {"system/participants"}
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    registry = er.async_get(hass)
    for entity_id in (
        "switch.vp2730_display_a_go_live",
        "sensor.vp2730_display_a_live_status",
        "sensor.vp2730_participants",
        "binary_sensor.vp2730_sharing",
        "event.vp2730_participants",
        "event.vp2730_sharing",
        "select.vp2730_profile",
    ):
        assert registry.async_get(entity_id) is None, entity_id
    assert hass.states.get("select.vp2730_display_a_source").state == "Source 1"
    assert hass.states.get("media_player.vp2730").state == "on"
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    capabilities = diagnostics["device"]["capabilities"]
    assert capabilities[f"{API}/video/golive"]["support"] == "unsupported"
    assert capabilities[f"{API}/system/participants"]["support"] == "not_permitted"
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def test_failing_optional_resource_makes_only_its_entities_unavailable(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Participants answer 503 for a while: their sensor is unavailable, nothing else is."""
    coordinator = coordinator_of(loaded)
    emulator.failing = {"system/participants"}
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.vp2730_participants").state == "unavailable"
    assert hass.states.get("select.vp2730_display_a_source").state == "Source 1"
    assert coordinator.last_update_success
    emulator.failing = set()
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.vp2730_participants").state == "1"


async def test_diagnostics_hold_capabilities_and_raw_answers_without_secrets(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Capabilities and the last raw answer per resource; no password, token, code or serial."""
    diagnostics = await async_get_config_entry_diagnostics(hass, loaded)
    device = diagnostics["device"]
    assert device["capabilities"][f"{API}/video/golive"]["support"] == "supported"
    raw = device["raw"]
    assert raw[f"GET {API}/video/connections"]["body"]["connections"][0]["videoInput"] == "0"
    assert raw[f"GET {API}/system/room"]["body"]["security"]["code"] == "**REDACTED**"
    assert device["push"]["connected"] is True
    assert device["push"]["deaf"] is False
    text = repr(diagnostics)
    tokens = list(emulator.tokens)
    for secret in (PASSWORD, SERIAL, f"'{ROOM_CODE}'", *tokens):
        assert secret not in text
    # Nor the device's own address inside picture URLs, nor the names of people's devices.
    assert "10.3.56.56" not in text
    assert "join name" not in text
    assert raw[f"GET {API}/video/inputs"]["body"]["inputs"][0]["thumbnail"] == (
        "/static/thumbnails/Snapshot0.bmp"
    )


@pytest.mark.parametrize("serial", ["", "0000000000"])
async def test_placeholder_serial_uses_the_mac_address(
    hass: HomeAssistant, socket_enabled: None, monkeypatch: pytest.MonkeyPatch, serial: str
) -> None:
    """The document's own example serial still gives an entry, keyed by the MAC address."""

    async def mac(_hass: HomeAssistant, host: str) -> str:
        assert host == "127.0.0.1"
        return "00:10:74:AB:CD:EF"

    monkeypatch.setattr(device_type, "async_mac_address", mac)
    async with AtenEmulator(serial=serial) as emulator:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "aten_vp2730"}
        )
        form = {k: v for k, v in entry_data(emulator).items() if k != "device_type"}
        result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        entry = result["result"]
        assert entry.unique_id == "00:10:74:ab:cd:ef"
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
        assert hass.states.get("select.vp2730_display_a_source").state == "Source 1"
        registry = er.async_get(hass)
        assert registry.async_get("switch.vp2730_display_a_go_live").unique_id.startswith(
            "00:10:74:ab:cd:ef_"
        )
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


async def test_polls_in_tiers_while_push_is_down(
    hass: HomeAssistant, entry: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Without push: routing, go-live and audio at every poll; settings and lists rarely."""
    emulator.legacy_socketio = True  # push cannot connect
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = coordinator_of(entry)
    assert coordinator.update_interval == POLL_INTERVAL.of(entry)
    before = len(emulator.requests)
    for _ in range(3):
        await coordinator.async_refresh()
    new = emulator.requests[before:]
    assert new.count(f"GET {API}/video/connections") == 3
    assert new.count(f"GET {API}/video/golive") == 3
    assert new.count(f"GET {API}/audio/outputs") == 3
    assert new.count(f"GET {API}/video/multiviews") == 0
    assert new.count(f"GET {API}/video/vpProfiles") == 0
    # A change on the device's routing shows at the next fast poll.
    emulator.state["video/connections"]["connections"][0]["videoInput"] = "5"
    async_fire_time_changed(hass, dt_util.utcnow() + POLL_INTERVAL.of(entry) + SECOND)
    await wait_for_state(hass, "select.vp2730_display_a_source", state_is("Source 6"))
    assert PUSH_INTERVAL.default > POLL_INTERVAL.default
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def test_resource_failing_at_setup_comes_with_its_first_event(
    hass: HomeAssistant, entry: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Go-live was busy at setup: no entities yet; its first event re-reads it, they appear."""
    emulator.failing = {"video/golive"}
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    async with asyncio.timeout(TIMEOUT):
        await coordinator_of(entry).push.async_wait_connected()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("switch.vp2730_display_a_go_live") is None
    assert hass.states.get("select.vp2730_display_a_source").state == "Source 1"
    emulator.failing = set()
    emulator.state["video/golive"]["golive"][0]["status"] = 2
    await emulator.emit("video/golive")
    await wait_for_state(hass, "switch.vp2730_display_a_go_live", state_is("on"))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
