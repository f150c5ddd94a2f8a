"""Fixtures: an exacqVision web service emulator and a config entry pointing at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.exacqvision.client import ExacqVisionClient
from tests.emulators.exacqvision import ExacqVisionEmulator

SERIAL = "186266324EAF"
USER, PASSWORD = "admin", "admin256"
# One poll later (the coordinators add a little jitter to their schedule).
STATUS_POLL = timedelta(seconds=6)
INVENTORY_POLL = timedelta(seconds=601)


@pytest.fixture
async def emulator(socket_enabled: None) -> AsyncIterator[ExacqVisionEmulator]:
    """Start an emulated web service with one server: 4 cameras (1 PTZ), 2 soft triggers."""
    async with ExacqVisionEmulator() as emulator:
        yield emulator


@pytest.fixture
def client(emulator: ExacqVisionEmulator, session: aiohttp.ClientSession) -> ExacqVisionClient:
    """Return a client for the emulator's first server."""
    return ExacqVisionClient(
        session, emulator.host, port=emulator.port, username=USER, password=PASSWORD
    )


def entry_data(emulator: ExacqVisionEmulator, server_id: str = "0") -> dict[str, Any]:
    """Return config entry data for one of the emulator's servers."""
    return {
        "device_type": "exacqvision",
        "host": emulator.host,
        "port": emulator.port,
        "ssl": False,
        "verify_ssl": False,
        "username": USER,
        "password": PASSWORD,
        "server_id": server_id,
        "event_monitoring": False,
        "large_server_cameras": 64,
    }


@pytest.fixture
def entry(hass: HomeAssistant, emulator: ExacqVisionEmulator) -> MockConfigEntry:
    """Return a config entry for the emulator's first server (added to hass)."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=SERIAL, title="Server 1", data=entry_data(emulator)
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry
) -> MockConfigEntry:
    """Return the entry, set up (with time frozen first, so only ``poll`` moves it)."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta = STATUS_POLL
) -> None:
    """Let time pass so the coordinators poll (and timers fire)."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def state(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state (it must exist)."""
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return current.state


@pytest.fixture
async def monitored(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, emulator: ExacqVisionEmulator
) -> MockConfigEntry:
    """Return an entry with event monitoring chosen (it writes a profile), set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        title="Server 1",
        data={**entry_data(emulator), "event_monitoring": True},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry
