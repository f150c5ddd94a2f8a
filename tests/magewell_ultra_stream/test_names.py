"""Names, states and numbers of an Ultra Stream as a user reads them."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.proav.const import DOMAIN
from tests.compat import get_device
from tests.emulators.magewell_ultra_stream import SERIAL, UltraStreamEmulator

# entity -> (unit shown, decimals shown)
NUMBERS = {
    "sensor.ultra_stream_streaming_bitrate": ("Mbit/s", 2),
    "sensor.ultra_stream_recording_bitrate": ("Mbit/s", 2),
    "sensor.ultra_stream_live_bitrate_studio_rtmp": ("Mbit/s", 2),
    "sensor.ultra_stream_recording_duration": ("s", 0),
    "sensor.ultra_stream_streaming_duration": ("s", 0),
    "sensor.ultra_stream_usb_drive_free_space": ("GB", 1),
    "sensor.ultra_stream_sd_card_free_space": ("GB", 1),
    "sensor.ultra_stream_usb_drive_recording_time_left": ("h", 1),
    "sensor.ultra_stream_usb_drive_usage": ("%", 0),
    "sensor.ultra_stream_usb_drive_files": (None, 0),
    "sensor.ultra_stream_cpu_usage": ("%", 0),
    "sensor.ultra_stream_input_frame_rate": ("fps", 2),
}


@pytest.mark.usefixtures("loaded")
async def test_every_number_has_its_unit_and_decimals(hass: HomeAssistant) -> None:
    """No "24.997614388 GB" or "0.000000 Mbit/s": each number says how to show it."""
    registry = er.async_get(hass)
    for entity_id, (unit, decimals) in NUMBERS.items():
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        assert state.attributes.get("unit_of_measurement") == unit, entity_id
        entity = registry.async_get(entity_id)
        assert entity is not None
        assert entity.options["sensor"]["suggested_display_precision"] == decimals, entity_id


@pytest.mark.usefixtures("loaded")
async def test_bitrate_in_decimal_megabits(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """A 4096 kbit/s encode reads 4.096 Mbit/s (bytes per second from the box, base 1000)."""
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.ultra_stream_streaming"}, blocking=True
    )
    box.advance(10)
    freezer.tick(timedelta(seconds=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    state = hass.states.get("sensor.ultra_stream_streaming_bitrate")
    assert state is not None
    assert float(state.state) == pytest.approx(4.096)
    assert state.attributes["unit_of_measurement"] == "Mbit/s"


@pytest.mark.usefixtures("loaded")
async def test_factory_named_box_is_named_without_its_serial(hass: HomeAssistant) -> None:
    """A box still called "Ultra Stream <serial>" is "Ultra Stream" in Home Assistant."""
    device = get_device(hass, (DOMAIN, SERIAL))
    assert device is not None
    assert device.name == "Ultra Stream"
    assert SERIAL not in str(hass.states.get("switch.ultra_stream_recording").attributes)
    # The box's own name stays readable and writable as it is.
    assert hass.states.get("text.ultra_stream_device_name").state == f"Ultra Stream {SERIAL}"


async def test_named_box_is_named_by_its_name(
    hass: HomeAssistant, box: UltraStreamEmulator, entry: MockConfigEntry
) -> None:
    """A box the user named "Studio" is the device "Studio", whatever the entry is called."""
    box.settings["name"] = "Studio"
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    device = get_device(hass, (DOMAIN, SERIAL))
    assert device is not None
    assert device.name == "Studio"
    recording = hass.states.get("switch.studio_recording")
    assert recording is not None
    assert recording.attributes["friendly_name"] == "Studio Recording"
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.usefixtures("loaded")
async def test_renamed_box_renames_its_device(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """Naming the box from Home Assistant names its device; entity ids stay as they were."""
    await hass.services.async_call(
        "text",
        "set_value",
        {"entity_id": "text.ultra_stream_device_name", "value": "Studio"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert box.settings["name"] == "Studio"
    device = get_device(hass, (DOMAIN, SERIAL))
    assert device is not None
    assert device.name == "Studio"
    recording = hass.states.get("switch.ultra_stream_recording")
    assert recording is not None
    assert recording.attributes["friendly_name"] == "Studio Recording"
