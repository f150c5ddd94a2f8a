"""A poll costs the same few requests however many cameras; only changed items are written."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from tests.emulators.exacqvision import ExacqVisionEmulator

from .conftest import SERIAL, entry_data, poll, state


async def _set_up(hass: HomeAssistant, emulator: ExacqVisionEmulator) -> MockConfigEntry:
    """Add the emulated server and set it up."""
    entry = MockConfigEntry(domain=DOMAIN, unique_id=SERIAL, data=entry_data(emulator))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_poll_cost_is_constant_and_writes_only_changes(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> None:
    """40 cameras: two requests a poll; a change on one camera rewrites only its entities."""
    async with ExacqVisionEmulator(cameras=40, ptz_cameras=0) as emulator:
        entry = await _set_up(hass, emulator)
        assert len(hass.states.async_entity_ids("camera")) == 40
        untouched = hass.states.get("binary_sensor.camera_1_recording")
        assert untouched is not None
        server = emulator.server
        camera_id = list(server.cameras)[1]  # Camera 2
        emulator.set_camera(server, camera_id, recording=False)
        before = len(emulator.requests)
        await poll(hass, freezer)
        assert len(emulator.requests) - before == 2  # status + active events
        assert state(hass, "binary_sensor.camera_2_recording") == "off"
        after = hass.states.get("binary_sensor.camera_1_recording")
        assert after is not None
        assert after.last_reported == untouched.last_reported  # not written again
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_hundreds_of_cameras_arrive_in_batches(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """250 cameras (added a batch per loop turn): every entity is there after setup."""
    async with ExacqVisionEmulator(cameras=250, ptz_cameras=0) as emulator:
        entry = await _set_up(hass, emulator)
        assert len(hass.states.async_entity_ids("camera")) == 250
        assert hass.states.get("camera.camera_250") is not None
        assert await hass.config_entries.async_unload(entry.entry_id)
