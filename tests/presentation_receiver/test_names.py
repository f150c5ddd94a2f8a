"""Names and numbers of a presentation receiver as a user reads them."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from tests.compat import get_device

from .conftest import SERIAL


@pytest.mark.usefixtures("all_entities_enabled", "loaded_entry")
async def test_clock_drift_in_whole_seconds(hass: HomeAssistant) -> None:
    """The clock drift shows whole seconds."""
    state = hass.states.get("sensor.room_101_clock_drift")
    assert state is not None
    assert state.attributes["unit_of_measurement"] == "s"
    entity = er.async_get(hass).async_get("sensor.room_101_clock_drift")
    assert entity is not None
    assert entity.options["sensor"]["suggested_display_precision"] == 0


@pytest.mark.usefixtures("emulator")
async def test_device_named_by_the_receiver(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """The device carries the receiver's own name, not the entry's title with its kind."""
    hass.config_entries.async_update_entry(config_entry, title="Room-101 (Presentation receiver)")
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    device = get_device(hass, (DOMAIN, SERIAL))
    assert device is not None
    assert device.name == "Room-101"
    assert hass.states.get("sensor.room_101_status") is not None
    assert await hass.config_entries.async_unload(config_entry.entry_id)
