"""Names, states and numbers of a VP2730 as a user reads them."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.aten_vp2730.models import audio_port_words
from tests.emulators.aten_vp2730 import SERIAL, AtenEmulator


def _friendly(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return str(state.attributes["friendly_name"])


@pytest.mark.usefixtures("loaded")
async def test_audio_ports_are_named_in_words(hass: HomeAssistant) -> None:
    """ALL is the master, STM1 the stream's audio, AIN1 audio in 1; unique ids keep the ids."""
    assert _friendly(hass, "switch.vp2730_master_mute") == "VP2730 Master mute"
    assert _friendly(hass, "number.vp2730_master_volume") == "VP2730 Master volume"
    assert _friendly(hass, "switch.vp2730_stream_audio_mute") == "VP2730 Stream audio mute"
    assert _friendly(hass, "number.vp2730_audio_in_1_volume") == "VP2730 Audio in 1 volume"
    assert _friendly(hass, "number.vp2730_audio_in_1_gain") == "VP2730 Audio in 1 gain"
    registry = er.async_get(hass)
    for platform, unique_id in (
        ("switch", f"{SERIAL}_outputs:ALL_audio_mute"),
        ("number", f"{SERIAL}_outputs:ALL_audio_volume"),
        ("switch", f"{SERIAL}_inputs:STM1_audio_mute"),
        ("number", f"{SERIAL}_inputs:AIN1_audio_volume"),
    ):
        assert registry.async_get_entity_id(platform, DOMAIN, unique_id) is not None, unique_id
    for raw in ("switch.vp2730_all_mute", "switch.vp2730_stm1_mute", "number.vp2730_stm1_volume"):
        assert hass.states.get(raw) is None


async def test_a_port_the_user_named_keeps_its_name(
    hass: HomeAssistant, entry: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """A name the user gave a port on the device is its name in Home Assistant too."""
    emulator.state["audio/inputs"]["inputs"][1]["name"] = "Lectern"
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert _friendly(hass, "number.vp2730_lectern_volume") == "VP2730 Lectern volume"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await hass.config_entries.async_unload(entry.entry_id)


def test_port_words() -> None:
    """Port ids of every shape the device uses read as words; unknown shapes stay None."""
    assert audio_port_words("ALL") == "Master"
    assert audio_port_words("STM1") == "Stream audio"
    assert audio_port_words("STM2") == "Stream audio 2"
    assert audio_port_words("AIN1") == "Audio in 1"
    assert audio_port_words("AOUT2") == "Audio out 2"
    assert audio_port_words("X-7") is None


@pytest.mark.usefixtures("loaded")
async def test_outputs_read_without_doubled_words(hass: HomeAssistant) -> None:
    """An output reads "Display A connected", not "Display A display connected"."""
    assert (
        _friendly(hass, "binary_sensor.vp2730_display_a_connected") == "VP2730 Display A connected"
    )


@pytest.mark.usefixtures("loaded")
async def test_no_go_live_where_the_output_cannot(hass: HomeAssistant) -> None:
    """Outputs A and B go live; C (go-live status 0) gets no switch and no live status."""
    registry = er.async_get(hass)
    for output in ("display_a", "display_b"):
        assert hass.states.get(f"switch.vp2730_{output}_go_live") is not None
        assert hass.states.get(f"sensor.vp2730_{output}_live_status") is not None
    assert hass.states.get("switch.vp2730_display_c_go_live") is None
    assert registry.async_get_entity_id("switch", DOMAIN, f"{SERIAL}_2_go_live") is None
    assert hass.states.get("sensor.vp2730_display_c_live_status") is None
    # The output's other controls are there.
    assert hass.states.get("select.vp2730_display_c_source") is not None


@pytest.mark.usefixtures("loaded")
async def test_participants_is_a_whole_number(hass: HomeAssistant) -> None:
    """The participant count shows without decimals and keeps statistics."""
    state = hass.states.get("sensor.vp2730_participants")
    assert state is not None
    assert state.state == "1"
    assert state.attributes["state_class"] == "measurement"
    entity = er.async_get(hass).async_get("sensor.vp2730_participants")
    assert entity is not None
    assert entity.options["sensor"]["suggested_display_precision"] == 0
