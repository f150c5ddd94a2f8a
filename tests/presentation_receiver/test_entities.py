"""Entities against the emulator: every command, polling tiers, status, firmware."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache,
)

from tests.emulators.presentation_receiver import PresentationReceiverEmulator

from .conftest import reauth_flows

type Emu = PresentationReceiverEmulator

FAST = timedelta(seconds=11)
MEDIUM = timedelta(seconds=61)
SLOW = timedelta(seconds=901)


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Let time pass and the due polls run."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    # Coordinators refresh in background tasks.
    await hass.async_block_till_done(wait_background_tasks=True)


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


COMMANDS: list[tuple[str, str, str, dict[str, Any], Callable[[Emu], bool], str]] = [
    ("switch", "turn_on", "switch.room_101_remote_view", {}, lambda e: e.remote_view, "on"),
    ("switch", "turn_off", "switch.room_101_display", {}, lambda e: not e.display_on, "off"),
    ("switch", "turn_on", "switch.room_101_display", {}, lambda e: e.display_on, "on"),
    ("switch", "turn_on", "switch.room_101_vga_output", {}, lambda e: e.vga and e.output == 2, "on"),
    ("switch", "turn_off", "switch.room_101_network_time_sync", {}, lambda e: not e.ntp["auto"], "off"),
    ("switch", "turn_off", "switch.room_101_guest_wi_fi", {}, lambda e: e.wifi["mode"] == "OFF", "off"),
    ("switch", "turn_on", "switch.room_101_hide_guest_wi_fi_name", {}, lambda e: e.wifi["hideSSID"], "on"),
    ("select", "select_option", "select.room_101_output_resolution", {"option": "1280x720"}, lambda e: e.output == 3, "1280x720"),
    ("select", "select_option", "select.room_101_language", {"option": "simplified_chinese"}, lambda e: e.language == 2, "simplified_chinese"),
    ("select", "select_option", "select.room_101_login_code_mode", {"option": "no_code"}, lambda e: e.login_type == 1, "no_code"),
    ("select", "select_option", "select.room_101_login_code_mode", {"option": "fixed"}, lambda e: (e.login_type, e.code) == (2, "4821"), "fixed"),
    ("select", "select_option", "select.room_101_wallpaper", {"option": "builtin_2"}, lambda e: e.wallpaper.active == 1, "builtin_2"),
    ("select", "select_option", "select.room_101_power_button", {"option": "suspend"}, lambda e: e.power["mode"] == 1, "suspend"),
    ("select", "select_option", "select.room_101_sleep_after", {"option": "never"}, lambda e: e.power["timeout"] == -1, "never"),
    ("select", "select_option", "select.room_101_time_zone", {"option": "Europe/London"}, lambda e: e.zone == "Europe/London", "Europe/London"),
    ("select", "select_option", "select.room_101_guest_wi_fi_band", {"option": "2_4ghz"}, lambda e: e.wifi["band"] == 0, "2_4ghz"),
    ("select", "select_option", "select.room_101_guest_wi_fi_security", {"option": "none"}, lambda e: e.wifi["security"] == 0, "none"),
    ("select", "select_option", "select.room_101_guest_wi_fi_networking", {"option": "bridge"}, lambda e: e.wifi["networking_mode"] == 1, "bridge"),
    ("select", "select_option", "select.room_101_guest_wi_fi_gatekeeper", {"option": "block_all"}, lambda e: e.wifi["gatekeeper"] == 2, "block_all"),
    ("text", "set_value", "text.room_101_device_name", {"value": "Lobby-2"}, lambda e: e.name == "Lobby-2", "Lobby-2"),
    # Write-only: a fixed code never becomes a state (states are recorded in history).
    ("text", "set_value", "text.room_101_fixed_login_code", {"value": "1234"}, lambda e: (e.login_type, e.code) == (2, "1234"), "unknown"),
]  # fmt: skip


@pytest.mark.usefixtures("loaded_entry")
@pytest.mark.parametrize(
    ("domain", "service", "entity_id", "data", "applied", "expected"),
    COMMANDS,
    ids=[f"{command[2]}-{command[1]}" for command in COMMANDS],
)
async def test_commands(
    hass: HomeAssistant,
    emulator: Emu,
    domain: str,
    service: str,
    entity_id: str,
    data: dict[str, Any],
    applied: Callable[[Emu], bool],
    expected: str,
) -> None:
    """A command reaches the device, and its result shows at once (no poll needed)."""
    await hass.services.async_call(
        domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )
    assert applied(emulator)
    assert _state(hass, entity_id) == expected


@pytest.mark.usefixtures("loaded_entry")
async def test_side_effects_of_commands(hass: HomeAssistant, emulator: Emu) -> None:
    """Display off puts the device to sleep; VGA limits resolutions; suspend hides the timeout."""
    await hass.services.async_call(
        "switch", "turn_off", {ATTR_ENTITY_ID: "switch.room_101_display"}, blocking=True
    )
    assert _state(hass, "sensor.room_101_status") == "sleeping"
    await hass.services.async_call(
        "switch", "turn_on", {ATTR_ENTITY_ID: "switch.room_101_vga_output"}, blocking=True
    )
    resolution = hass.states.get("select.room_101_output_resolution")
    assert resolution.state == "1920x1080"
    assert resolution.attributes["options"] == ["1920x1080", "1280x720", "1024x768"]
    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: "select.room_101_power_button", "option": "suspend"},
        blocking=True,
    )
    assert _state(hass, "select.room_101_sleep_after") == STATE_UNAVAILABLE
    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: "select.room_101_login_code_mode", "option": "random"},
        blocking=True,
    )
    assert emulator.login_type == 0
    assert _state(hass, "sensor.room_101_login_code") == emulator.code


@pytest.mark.usefixtures("loaded_entry")
async def test_refused_commands(hass: HomeAssistant, emulator: Emu) -> None:
    """The device's refusals and invalid input come back as translated errors."""
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "select",
            "select_option",
            {ATTR_ENTITY_ID: "select.room_101_wallpaper", "option": "custom_1"},
            blocking=True,
        )
    assert err.value.translation_key == "not_permitted"  # 1004: an empty slot
    assert _state(hass, "select.room_101_wallpaper") == "builtin_1"
    emulator.login_type = 1  # no code: nothing to keep as the fixed code
    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: "select.room_101_login_code_mode", "option": "no_code"},
        blocking=True,
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            "select",
            "select_option",
            {ATTR_ENTITY_ID: "select.room_101_login_code_mode", "option": "fixed"},
            blocking=True,
        )
    assert err.value.translation_key == "receiver_fixed_code_needed"
    with pytest.raises(ValueError, match="pattern"):
        await hass.services.async_call(
            "text",
            "set_value",
            {ATTR_ENTITY_ID: "text.room_101_device_name", "value": "no spaces!"},
            blocking=True,
        )
    assert emulator.name == "Room-101"


@pytest.mark.usefixtures("loaded_entry")
async def test_restart_clears_reboot_required(
    hass: HomeAssistant, emulator: Emu, freezer: FrozenDateTimeFactory
) -> None:
    """A device asking for a reboot raises a problem until it restarts."""
    emulator.reboot_required = True
    await _tick(hass, freezer, FAST)
    assert _state(hass, "binary_sensor.room_101_reboot_required") == "on"
    boot = _state(hass, "sensor.room_101_last_boot")
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: "button.room_101_restart"}, blocking=True
    )
    assert emulator.reboots == [{"delay": 0, "reason": "Home Assistant"}]
    await _tick(hass, freezer, FAST)
    assert _state(hass, "binary_sensor.room_101_reboot_required") == "off"
    assert _state(hass, "sensor.room_101_last_boot") != boot


@pytest.mark.usefixtures("loaded_entry")
async def test_sender_connects_and_shares(
    hass: HomeAssistant, emulator: Emu, freezer: FrozenDateTimeFactory
) -> None:
    """Status, sharing and the login code follow the device at the fast poll."""
    emulator.connect_sender()
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == "connected"
    assert _state(hass, "binary_sensor.room_101_sender_connected") == "on"
    assert _state(hass, "binary_sensor.room_101_sharing") == "off"
    emulator.start_sharing()
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == "sharing"
    assert _state(hass, "binary_sensor.room_101_sharing") == "on"
    assert hass.states.get("sensor.room_101_status").attributes["all_states"] == [
        "connected",
        "sharing",
    ]
    emulator.stop_sharing()  # the random code rotates when the session ends
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == "standby"
    assert _state(hass, "sensor.room_101_login_code") == emulator.code != "4821"


@pytest.mark.usefixtures("loaded_entry")
async def test_polling_tiers(
    hass: HomeAssistant, emulator: Emu, freezer: FrozenDateTimeFactory
) -> None:
    """Settings are read every minute, network and time every 15 minutes."""
    emulator.remote_view = True
    emulator.ntp["auto"] = False
    await _tick(hass, freezer, FAST)
    assert _state(hass, "switch.room_101_remote_view") == "off"
    await _tick(hass, freezer, MEDIUM)
    assert _state(hass, "switch.room_101_remote_view") == "on"
    assert _state(hass, "switch.room_101_network_time_sync") == "on"
    await _tick(hass, freezer, SLOW)
    assert _state(hass, "switch.room_101_network_time_sync") == "off"


@pytest.mark.usefixtures("loaded_entry")
async def test_firmware_update(
    hass: HomeAssistant, emulator: Emu, freezer: FrozenDateTimeFactory
) -> None:
    """A new firmware shows after the periodic check; installing shows progress."""
    emulator.offer_firmware("1.0.1.0")
    await _tick(hass, freezer, timedelta(hours=12, seconds=1))
    update = hass.states.get("update.room_101_firmware")
    assert update.state == "on"
    assert update.attributes["latest_version"] == "1.0.1.0"
    await hass.services.async_call(
        "update", "install", {ATTR_ENTITY_ID: "update.room_101_firmware"}, blocking=True
    )
    assert emulator.command_names()[-1] == "firmware"
    assert hass.states.get("update.room_101_firmware").attributes["in_progress"] is True
    assert _state(hass, "sensor.room_101_status") == "updating"
    emulator.finish_update()
    await _tick(hass, freezer, FAST)
    update = hass.states.get("update.room_101_firmware")
    assert update.attributes["installed_version"] == "1.0.1.0"
    assert update.attributes["in_progress"] is False


@pytest.mark.usefixtures("loaded_entry")
async def test_device_down_and_back(
    hass: HomeAssistant, emulator: Emu, freezer: FrozenDateTimeFactory
) -> None:
    """Entities go unavailable while the device is away and come back by themselves."""
    await emulator.set_down(True)
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == STATE_UNAVAILABLE
    assert _state(hass, "update.room_101_firmware") == STATE_UNAVAILABLE
    await emulator.set_down(False)
    emulator.remote_view = True  # changed while away: read again at once on return
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == "standby"
    assert _state(hass, "switch.room_101_remote_view") == "on"


@pytest.mark.usefixtures("loaded_entry")
async def test_malformed_answers(
    hass: HomeAssistant, emulator: Emu, freezer: FrozenDateTimeFactory
) -> None:
    """Nonsense in a scalar ``data`` leaves that state unknown; in an object, unavailable."""
    emulator.malformed_paths = {"/general/name", "/general/language", "/general/wallpaper"}
    await _tick(hass, freezer, MEDIUM)
    assert _state(hass, "text.room_101_device_name") == "unknown"
    assert _state(hass, "select.room_101_language") == "unknown"
    assert _state(hass, "select.room_101_wallpaper") == "unknown"
    assert _state(hass, "sensor.room_101_status") == "standby"
    emulator.malformed_paths = {""}
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == STATE_UNAVAILABLE
    emulator.malformed_paths = set()
    emulator.faults.malformed = True  # not even JSON
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == STATE_UNAVAILABLE
    emulator.faults.malformed = False
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == "standby"
    assert _state(hass, "text.room_101_device_name") == "Room-101"


async def test_view_only_key(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emu
) -> None:
    """A refused write (1003) fails that call only: no reauth, no key, controls stay usable."""
    emulator.accounts["admin"].scope = "view_only"
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "switch", "turn_on", {ATTR_ENTITY_ID: "switch.room_101_remote_view"}, blocking=True
        )
    assert err.value.translation_key == "not_permitted"
    await hass.async_block_till_done()
    assert not reauth_flows(hass)
    assert emulator.keys_created == 0
    assert _state(hass, "sensor.room_101_status") == "standby"
    assert _state(hass, "switch.room_101_remote_view") == "off"
    assert "key_scope" not in loaded_entry.data or loaded_entry.data["key_scope"] == "full"
    emulator.accounts["admin"].scope = "full"  # e.g. the administrator widened the key
    await hass.services.async_call(
        "switch", "turn_on", {ATTR_ENTITY_ID: "switch.room_101_remote_view"}, blocking=True
    )
    assert _state(hass, "switch.room_101_remote_view") == "on"


@pytest.mark.usefixtures("loaded_entry")
async def test_restart_after_update_is_not_an_outage(
    hass: HomeAssistant, emulator: Emu, freezer: FrozenDateTimeFactory
) -> None:
    """While a firmware update restarts the device, a few missed polls keep the last state."""
    emulator.offer_firmware("1.0.1.0")
    await _tick(hass, freezer, timedelta(hours=12, seconds=1))
    await hass.services.async_call(
        "update", "install", {ATTR_ENTITY_ID: "update.room_101_firmware"}, blocking=True
    )
    await emulator.set_down(True)
    # Minutes of silence while the new firmware installs keep the last state...
    for _ in range(14):
        await _tick(hass, freezer, timedelta(minutes=1))
        assert _state(hass, "sensor.room_101_status") == "updating"
    # ...until the firmware-update grace (15 minutes) is over.
    await _tick(hass, freezer, timedelta(minutes=1, seconds=30))
    assert _state(hass, "sensor.room_101_status") == STATE_UNAVAILABLE
    emulator.finish_update()
    await emulator.set_down(False)
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == "standby"
    assert hass.states.get("update.room_101_firmware").attributes["installed_version"] == (
        "1.0.1.0"
    )


async def test_display_state_restored(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emu
) -> None:
    """The assumed display state survives a restart of Home Assistant."""
    mock_restore_cache(hass, [State("switch.room_101_display", "off")])
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert _state(hass, "switch.room_101_display") == "off"
    await hass.services.async_call(
        "switch", "turn_on", {ATTR_ENTITY_ID: "switch.room_101_display"}, blocking=True
    )
    assert _state(hass, "switch.room_101_display") == "on"


@pytest.mark.usefixtures("loaded_entry")
async def test_command_asking_for_reboot(hass: HomeAssistant, emulator: Emu) -> None:
    """A command whose answer says a reboot is needed raises the problem at once."""
    emulator.reboot_required_paths.add("/general/language")
    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: "select.room_101_language", "option": "traditional_chinese"},
        blocking=True,
    )
    assert _state(hass, "binary_sensor.room_101_reboot_required") == "on"
