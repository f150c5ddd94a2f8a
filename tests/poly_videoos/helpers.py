"""Helpers for the Poly VideoOS Home Assistant tests."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.proav.devices.poly_videoos.coordinator import (
    CALLS_REST_EVERY,
    ROOM_REST_EVERY,
    SYSTEM_REST_EVERY,
)
from custom_components.proav.devices.poly_videoos.device_type import (
    CALLS_INTERVAL,
    ROOM_INTERVAL,
    SYSTEM_INTERVAL,
)

CALLS = timedelta(seconds=CALLS_INTERVAL.default)
ROOM = timedelta(seconds=ROOM_INTERVAL.default)
SYSTEM = timedelta(seconds=SYSTEM_INTERVAL.default)
# While the room is at rest (as after setup), each tier reads the codec on every Nth turn.
REST_EVERY = {CALLS: CALLS_REST_EVERY, ROOM: ROOM_REST_EVERY, SYSTEM: SYSTEM_REST_EVERY}


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the entry and set it up."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, step: timedelta = CALLS
) -> None:
    """Let time pass so the coordinators poll again."""
    freezer.tick(step)
    async_fire_time_changed(hass)
    # Scheduled coordinator refreshes run as background tasks.
    await hass.async_block_till_done(wait_background_tasks=True)


async def tick_at_rest(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, step: timedelta = CALLS
) -> None:
    """Let a resting room's tier (by its interval) come round to reading the codec."""
    for _ in range(REST_EVERY[step]):
        await tick(hass, freezer, step)


def state(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state (failing clearly when it does not exist)."""
    current = hass.states.get(entity_id)
    assert current is not None, f"{entity_id} does not exist"
    return current.state
