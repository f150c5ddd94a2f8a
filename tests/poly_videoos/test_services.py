"""The Poly VideoOS actions: dial, presets, camera moves, DTMF, and their input checks."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from tests.emulators.poly_videoos import PolyVideoOSEmulator

from .helpers import setup, state


@pytest.fixture
async def loaded(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> MockConfigEntry:
    """Set the codec up in Home Assistant."""
    await setup(hass, entry)
    return entry


async def _act(hass: HomeAssistant, entry: MockConfigEntry, service: str, **data: Any) -> None:
    """Run a Poly action against the entry."""
    await hass.services.async_call(
        DOMAIN,
        f"poly_videoos_{service}",
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
    )


async def test_dial(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, loaded: MockConfigEntry
) -> None:
    """Dial reaches the codec with rate and type; the call shows at once."""
    await _act(hass, loaded, "dial", address=" 1001@example.com ", rate=1024, type="sip")
    assert emulator.commands[-1].params == {
        "address": "1001@example.com",
        "rate": 1024,
        "dial_type": "SIP",
    }
    assert state(hass, "binary_sensor.boardroom_in_call") == "on"
    assert state(hass, "media_player.boardroom") == "playing"


async def test_dial_defaults(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, loaded: MockConfigEntry
) -> None:
    """Without rate and type: AUTO at 1920 kbps (the guide calls the rate required)."""
    await _act(hass, loaded, "dial", address="10.0.0.5")
    assert emulator.commands[-1].params["dial_type"] == "AUTO"
    assert emulator.commands[-1].params["rate"] == 1920  # every real client sends a rate


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"address": "  "}, "poly_invalid_address"),
        ({"address": "a@b", "rate": 10}, "poly_invalid_rate"),
        ({"address": "a@b", "type": "telegraph"}, "poly_invalid_dial_type"),
    ],
)
async def test_dial_refuses_bad_input(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    """Bad dial input is refused with a translated error; nothing is dialled."""
    with pytest.raises(ServiceValidationError) as err:
        await _act(hass, loaded, "dial", **data)
    assert err.value.translation_key == key
    assert "dial" not in emulator.command_names()


async def test_store_and_clear_preset(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, loaded: MockConfigEntry
) -> None:
    """Storing and clearing presets changes the preset select's options at once."""
    await _act(hass, loaded, "store_preset", preset=6)
    assert emulator.state.presets[6]
    select = hass.states.get("select.boardroom_camera_preset")
    assert select.attributes["options"] == ["1", "2", "3", "6"]
    await _act(hass, loaded, "clear_preset", preset=1)
    select = hass.states.get("select.boardroom_camera_preset")
    assert select.attributes["options"] == ["2", "3", "6"]


async def test_preset_errors(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, loaded: MockConfigEntry
) -> None:
    """Out of range is refused here; a slot the codec lacks is the codec's error."""
    with pytest.raises(ServiceValidationError) as err:
        await _act(hass, loaded, "store_preset", preset=100)
    assert err.value.translation_key == "poly_invalid_preset"
    with pytest.raises(HomeAssistantError) as err:
        await _act(hass, loaded, "store_preset", preset=42)
    assert err.value.translation_key == "device_error"


async def test_move_camera(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, loaded: MockConfigEntry
) -> None:
    """A move starts, lasts, and stops; the recalled preset is forgotten."""
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.boardroom_camera_preset", "option": "1"},
        blocking=True,
    )
    await _act(hass, loaded, "move_camera", direction="zoom_in", duration=100)
    assert emulator.command_names()[-2:] == ["moveStart", "moveStop"]
    assert emulator.commands[-2].params == {"direction": "MOVE_ZOOMIN"}
    assert emulator.state.moving is None
    assert state(hass, "select.boardroom_camera_preset") == "unknown"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"direction": "sideways"}, "poly_invalid_direction"),
        ({"direction": "left", "duration": 50000}, "poly_invalid_duration"),
    ],
)
async def test_move_camera_refuses_bad_input(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    """Bad move input is refused before the camera moves."""
    with pytest.raises(ServiceValidationError) as err:
        await _act(hass, loaded, "move_camera", **data)
    assert err.value.translation_key == key
    assert "moveStart" not in emulator.command_names()


async def test_send_dtmf(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, loaded: MockConfigEntry
) -> None:
    """DTMF digits reach the codec; anything else is refused."""
    await _act(hass, loaded, "send_dtmf", digits="123#*a")
    assert emulator.state.dtmf == ["1", "2", "3", "#", "*", "A"]
    with pytest.raises(ServiceValidationError) as err:
        await _act(hass, loaded, "send_dtmf", digits="12-34")
    assert err.value.translation_key == "poly_invalid_dtmf"
    assert emulator.state.dtmf == ["1", "2", "3", "#", "*", "A"]


async def test_unknown_or_unloaded_entry(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, loaded: MockConfigEntry
) -> None:
    """An action naming no Poly codec, or one not loaded, says so."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "poly_videoos_send_dtmf",
            {"config_entry_id": "nope", "digits": "1"},
            blocking=True,
        )
    assert err.value.translation_key == "poly_entry_not_found"
    await hass.config_entries.async_unload(loaded.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _act(hass, loaded, "send_dtmf", digits="1")
    assert err.value.translation_key == "poly_entry_not_loaded"


async def test_device_down_during_action(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, loaded: MockConfigEntry
) -> None:
    """A codec that does not answer gives a translated connection error."""
    await emulator.set_down(True)
    with pytest.raises(HomeAssistantError) as err:
        await _act(hass, loaded, "dial", address="1001@example.com")
    assert err.value.translation_key == "cannot_connect"


async def test_hang_up_one_call(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, loaded: MockConfigEntry
) -> None:
    """One call ends; the other keeps running; an unknown id is refused with a clear error."""
    await _act(hass, loaded, "dial", address="1001@example.com")
    await _act(hass, loaded, "dial", address="1002@example.com")
    first, second = list(emulator.state.calls)
    await _act(hass, loaded, "hang_up_call", conference_id=first)
    assert list(emulator.state.calls) == [second]
    assert state(hass, "binary_sensor.boardroom_in_call") == "on"
    with pytest.raises(ServiceValidationError) as err:
        await _act(hass, loaded, "hang_up_call", conference_id="999")
    assert err.value.translation_key == "poly_unknown_call"
