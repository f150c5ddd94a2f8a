"""Setting a receiver up: its device, its entities and their first states."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from tests.compat import get_device
from tests.emulators.presentation_receiver import PresentationReceiverEmulator

from .conftest import SERIAL

FIRST_STATES = {
    "sensor.room_101_status": "standby",
    "sensor.room_101_login_code": "4821",
    "sensor.room_101_time_server": "pool.ntp.org",
    "sensor.room_101_ip_address": "192.168.1.50",
    "sensor.room_101_ethernet_mac_address": "02:00:00:00:00:01",
    "sensor.room_101_wi_fi_mac_address": "02:00:00:00:00:02",
    "sensor.room_101_guest_wi_fi_name": "Room-101",
    "binary_sensor.room_101_sharing": "off",
    "binary_sensor.room_101_sender_connected": "off",
    "binary_sensor.room_101_sleeping": "off",
    "binary_sensor.room_101_hdmi_display": "on",
    "binary_sensor.room_101_hdmi_cec": "on",
    "binary_sensor.room_101_reboot_required": "off",
    "binary_sensor.room_101_dhcp": "on",
    "switch.room_101_remote_view": "off",
    "switch.room_101_vga_output": "off",
    "switch.room_101_network_time_sync": "on",
    "switch.room_101_guest_wi_fi": "on",
    "switch.room_101_hide_guest_wi_fi_name": "off",
    "switch.room_101_display": "unknown",
    "select.room_101_output_resolution": "auto",
    "select.room_101_language": "english",
    "select.room_101_login_code_mode": "random",
    "select.room_101_wallpaper": "builtin_1",
    "select.room_101_power_button": "sleep",
    "select.room_101_sleep_after": "15",
    "select.room_101_time_zone": "Asia/Taipei",
    "select.room_101_guest_wi_fi_band": "5ghz",
    "select.room_101_guest_wi_fi_security": "wpa2_psk",
    "select.room_101_guest_wi_fi_networking": "nat",
    "select.room_101_guest_wi_fi_gatekeeper": "internet_only",
    "update.room_101_firmware": "off",
    "text.room_101_device_name": "Room-101",
    "text.room_101_fixed_login_code": "unknown",
    "button.room_101_restart": "unknown",
}
DISABLED_BY_DEFAULT = {
    "sensor.room_101_device_time",
    "sensor.room_101_clock_drift",
    "sensor.room_101_time_server",
    "sensor.room_101_ip_address",
    "sensor.room_101_ethernet_mac_address",
    "sensor.room_101_wi_fi_mac_address",
    "sensor.room_101_guest_wi_fi_name",
    "binary_sensor.room_101_sleeping",
    "binary_sensor.room_101_hdmi_cec",
    "binary_sensor.room_101_dhcp",
    "switch.room_101_guest_wi_fi",
    "switch.room_101_hide_guest_wi_fi_name",
    "select.room_101_time_zone",
    "select.room_101_guest_wi_fi_band",
    "select.room_101_guest_wi_fi_security",
    "select.room_101_guest_wi_fi_networking",
    "select.room_101_guest_wi_fi_gatekeeper",
    "text.room_101_fixed_login_code",
}


async def test_entities_and_device(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Every entity reads its first state from the emulator; the device comes from it too."""
    device = get_device(hass, (DOMAIN, SERIAL))
    assert device is not None
    assert (device.name, device.model, device.sw_version, device.serial_number) == (
        "Room-101",
        "EMU-WPS1",
        "1.0.0.100",
        SERIAL,
    )
    assert device.manufacturer is None  # the vendor is not known: never made up
    assert device.connections == {
        (dr.CONNECTION_NETWORK_MAC, "02:00:00:00:00:01"),
        (dr.CONNECTION_NETWORK_MAC, "02:00:00:00:00:02"),
    }
    entries = er.async_entries_for_config_entry(entity_registry, loaded_entry.entry_id)
    assert {entry.entity_id for entry in entries} == set(FIRST_STATES) | {
        "sensor.room_101_last_boot",
        "sensor.room_101_device_time",
        "sensor.room_101_clock_drift",
        "image.room_101_guest_wi_fi_qr_code",  # its state is a time (test_guest_wifi_qr.py)
    }
    # Keys that never expire (-1) have no expiry sensor.
    assert hass.states.get("sensor.room_101_api_key_expires") is None
    for entity_id, expected in FIRST_STATES.items():
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        assert state.state == expected, entity_id
    status = hass.states.get("sensor.room_101_status")
    assert status is not None
    assert status.attributes["options"] == [
        "offline",
        "standby",
        "connected",
        "sharing",
        "sleeping",
        "updating",
    ]
    assert hass.states.get("switch.room_101_display").attributes["assumed_state"] is True
    firmware = hass.states.get("update.room_101_firmware")
    assert firmware.attributes["installed_version"] == "1.0.0.100"
    assert firmware.attributes["latest_version"] == "1.0.0.100"


async def test_disabled_by_default(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: PresentationReceiverEmulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """Network facts, guest Wi-Fi controls and rarely used settings start disabled."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    disabled = {
        entry.entity_id
        for entry in er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
        if entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    }
    assert disabled == DISABLED_BY_DEFAULT
    assert hass.states.get("sensor.room_101_status").state == "standby"


async def test_unload(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Unloading leaves nothing running."""
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED


async def test_model_without_some_endpoints(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: PresentationReceiverEmulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """A model that lacks Wi-Fi and VGA/HDMI settings still sets up, without those entities."""
    emulator.unsupported_paths = {
        "/network/wifi",
        "/network/wifi/macaddress",
        "/display/resolution",
    }
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    entity_ids = {
        entry.entity_id
        for entry in er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
    }
    assert "select.room_101_guest_wi_fi_band" not in entity_ids
    assert "sensor.room_101_wi_fi_mac_address" not in entity_ids
    assert "select.room_101_output_resolution" not in entity_ids
    assert "binary_sensor.room_101_hdmi_display" not in entity_ids
    assert hass.states.get("sensor.room_101_status").state == "standby"
    assert hass.states.get("text.room_101_device_name").state == "Room-101"
    # Asked once, then remembered as not offered.
    assert (
        sum(request.startswith("GET /api/v1/device/network/wifi?") for request in emulator.requests)
        == 1
    )
