"""Every Poly VideoOS entity, read from and driven against the emulator."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.emulators.poly_videoos import PolyVideoOSEmulator

from .helpers import setup, state


async def test_entities_created(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """The contract's entities exist with their initial states."""
    await setup(hass, entry)
    registry = er.async_get(hass)
    ids = sorted(e.entity_id for e in er.async_entries_for_config_entry(registry, entry.entry_id))
    print("\n".join(ids))
    assert state(hass, "media_player.boardroom") == "idle"
