"""Setting up and unloading a VP2730, and the contract entities it brings."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from tests.compat import get_device
from tests.emulators.aten_vp2730 import SERIAL, AtenEmulator

from .conftest import coordinator_of


async def test_setup_creates_the_contract_entities(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    """Every entity the contract names exists with the emulator's state."""
    player = hass.states.get("media_player.vp2730")
    assert player is not None
    assert player.state == "on"
    assert player.attributes["volume_level"] == 1.0
    assert player.attributes["is_volume_muted"] is False
    assert player.attributes["source"] == "Source 1"
    assert player.attributes["source_list"] == [f"Source {n}" for n in range(1, 8)]

    for output, source in (("display_a", "Source 1"), ("display_b", "Source 2")):
        assert hass.states.get(f"switch.vp2730_{output}_go_live").state == "off"
        assert hass.states.get(f"select.vp2730_{output}_source").state == source
    # Output C cannot go live (golive status 0): no switch that could never work.
    assert hass.states.get("switch.vp2730_display_c_go_live") is None

    assert hass.states.get("switch.vp2730_stream_audio_mute").state == "off"
    assert hass.states.get("switch.vp2730_master_mute").state == "off"
    assert hass.states.get("number.vp2730_stream_audio_volume").state == "100"
    assert hass.states.get("number.vp2730_audio_in_1_volume").state == "80"
    assert hass.states.get("number.vp2730_master_volume").state == "100"

    profile = hass.states.get("select.vp2730_profile")
    assert profile.state == "Profile 0"
    assert profile.attributes["options"] == [f"Profile {n}" for n in range(4)]
    assert hass.states.get("binary_sensor.vp2730_sharing").state == "off"
    participants = hass.states.get("sensor.vp2730_participants")
    assert participants.state == "1"
    assert participants.attributes["names"] == ["join name"]


async def test_setup_creates_the_mapping_table_entities(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    """The rest of the mapping: output settings, signals, status, diagnostics."""
    assert hass.states.get("switch.vp2730_display_a_blank").state == "off"
    assert hass.states.get("switch.vp2730_display_a_freeze").state == "off"
    assert hass.states.get("switch.vp2730_display_a_osd").state == "off"
    assert hass.states.get("switch.vp2730_display_a_fixed_hdcp").state == "on"
    resolution = hass.states.get("select.vp2730_display_a_resolution")
    assert resolution.state == "1920x1080@60"
    assert len(resolution.attributes["options"]) == 16
    fit = hass.states.get("select.vp2730_display_a_fit_mode")
    assert fit.state == "scale"
    assert fit.attributes["options"] == ["scale", "fit_resolution", "cut_resolution"]
    assert hass.states.get("select.vp2730_display_a_auto_switch_on_unplug").state == "off"
    assert hass.states.get("binary_sensor.vp2730_display_a_connected").state == "on"
    assert hass.states.get("binary_sensor.vp2730_source_1_signal").state == "on"
    assert hass.states.get("binary_sensor.vp2730_source_7_signal").state == "off"
    assert hass.states.get("binary_sensor.vp2730_stream_audio_connected").state == "on"
    assert hass.states.get("sensor.vp2730_system_status").state == "normal"
    assert hass.states.get("sensor.vp2730_display_a_live_status").state == "stopped"
    assert hass.states.get("sensor.vp2730_display_c_live_status") is None
    assert hass.states.get("sensor.vp2730_last_boot") is not None
    assert hass.states.get("select.vp2730_osd_language").state == "en_US"
    assert hass.states.get("select.vp2730_edid_mode").state == "aten"
    assert hass.states.get("switch.vp2730_room_code_verification").state == "off"
    assert hass.states.get("text.vp2730_room_name").state == "VP2730"
    assert hass.states.get("number.vp2730_audio_in_1_gain").state == "10"
    assert hass.states.get("camera.vp2730_source_1_thumbnail") is not None
    assert hass.states.get("button.vp2730_display_a_snapshot") is not None

    entity_registry = er.async_get(hass)
    # A gain-less port has no gain entity; the room code is a secret: disabled by default.
    assert entity_registry.async_get("number.vp2730_stream_audio_gain") is None
    room_code = entity_registry.async_get("sensor.vp2730_room_code")
    assert room_code is not None
    assert room_code.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert room_code.unique_id == f"{SERIAL}_room_code"
    hdcp = entity_registry.async_get("sensor.vp2730_source_1_hdcp")
    assert hdcp is not None
    assert hdcp.disabled_by is er.RegistryEntryDisabler.INTEGRATION

    device = get_device(hass, (DOMAIN, SERIAL))
    assert device is not None
    assert (device.manufacturer, device.model, device.sw_version) == (
        "ATEN",
        "VP2730",
        "1.2.111 (19120568)",
    )
    assert device.serial_number == SERIAL


async def test_unload_closes_the_socket(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Unloading stops push and every task; the entry can be set up again."""
    push = coordinator_of(loaded).push
    assert push.connected
    assert await hass.config_entries.async_unload(loaded.entry_id)
    await hass.async_block_till_done()
    assert loaded.state is ConfigEntryState.NOT_LOADED
    assert not push.connected
    assert await hass.config_entries.async_setup(loaded.entry_id)
    await hass.async_block_till_done()
    assert loaded.state is ConfigEntryState.LOADED


async def test_setup_retries_while_the_device_is_down(
    hass: HomeAssistant, entry: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """A device that does not answer makes setup retry later."""
    await emulator.set_down(True)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_with_a_wrong_password_starts_reauth(
    hass: HomeAssistant, entry: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Rejected credentials at setup fail the entry and ask the user to sign in again."""
    emulator.password = "changed"
    assert not await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
