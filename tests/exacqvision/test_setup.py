"""Setting up an exacqVision server: devices, entities, unload."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from tests.compat import get_device
from tests.emulators.exacqvision import ExacqVisionEmulator

from .conftest import SERIAL


async def test_setup_creates_hub_and_camera_devices(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, entry: MockConfigEntry
) -> None:
    """The server is a hub; each camera is a device linked to it."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    devices = dr.async_get(hass)
    hub = get_device(hass, (DOMAIN, SERIAL))
    assert hub is not None
    assert hub.name == "Server 1"
    assert hub.manufacturer == "Exacq Technologies"
    cameras = [
        d
        for d in dr.async_entries_for_config_entry(devices, entry.entry_id)
        if d.via_device_id == hub.id
    ]
    assert sorted(d.name for d in cameras) == ["Camera 1", "Camera 2", "Camera 3", "Camera 4"]
    registry = er.async_get(hass)
    camera = registry.async_get("camera.camera_1")
    assert camera is not None
    assert camera.unique_id == f"{SERIAL}_4590080_camera"
    assert (
        registry.async_get("button.server_1_trigger_1").unique_id
        == f"{SERIAL}_4653312_soft_trigger"
    )
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert "logout" in emulator.command_names()


async def test_diagnostics_redact_secrets(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, loaded: MockConfigEntry
) -> None:
    """Diagnostics show the inventory but no serials, sessions or passwords."""
    from custom_components.proav.diagnostics import async_get_config_entry_diagnostics

    diagnostics = await async_get_config_entry_diagnostics(hass, loaded)
    text = str(diagnostics)
    assert "Camera 1" in text
    assert "18-62-66-32-4E-AF" not in text
    assert "admin256" not in text
    assert not any(session in text for session in emulator.sessions)
