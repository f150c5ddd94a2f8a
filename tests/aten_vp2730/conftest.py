"""Fixtures: the VP2730 emulator, a client on it, and the integration set up against it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.helpers.event import async_track_state_change_event
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import CONF_DEVICE_TYPE, DOMAIN
from custom_components.proav.devices.aten_vp2730 import push
from custom_components.proav.devices.aten_vp2730.client import AtenClient
from custom_components.proav.devices.aten_vp2730.coordinator import AtenCoordinator
from tests.emulators.aten_vp2730 import PASSWORD, SERIAL, USERNAME, AtenEmulator

TIMEOUT = 5


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reconnect and debounce quickly: the tests wait on events, not on the clock."""
    monkeypatch.setattr(push, "BACKOFF_MIN", 0.01)
    monkeypatch.setattr(push, "BACKOFF_MAX", 0.05)
    monkeypatch.setattr(push, "DEBOUNCE", 0.01)


@pytest.fixture
async def emulator(socket_enabled: None) -> AsyncIterator[AtenEmulator]:
    """Run the emulator on 127.0.0.1."""
    async with AtenEmulator() as emulator:
        yield emulator


@pytest.fixture
def client(emulator: AtenEmulator, session: aiohttp.ClientSession) -> AtenClient:
    """Return a client on the emulator (plain HTTP)."""
    return AtenClient(
        session, emulator.host, port=emulator.port, ssl=False, username=USERNAME, password=PASSWORD
    )


def entry_data(emulator: AtenEmulator, password: str = PASSWORD) -> dict[str, Any]:
    """Return the data of an entry for the emulator."""
    return {
        CONF_DEVICE_TYPE: "aten_vp2730",
        CONF_HOST: emulator.host,
        CONF_PORT: emulator.port,
        CONF_SSL: False,
        CONF_VERIFY_SSL: False,
        CONF_USERNAME: USERNAME,
        CONF_PASSWORD: password,
    }


@pytest.fixture
def entry(hass: HomeAssistant, emulator: AtenEmulator) -> MockConfigEntry:
    """Return a config entry for the emulator (not set up yet)."""
    entry = MockConfigEntry(
        domain=DOMAIN, title="VP2730", unique_id=SERIAL, data=entry_data(emulator)
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded(
    hass: HomeAssistant, entry: MockConfigEntry, emulator: AtenEmulator
) -> AsyncIterator[MockConfigEntry]:
    """Set the integration up against the emulator; wait for Socket.IO; unload at the end."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    async with asyncio.timeout(TIMEOUT):
        await coordinator_of(entry).push.async_wait_connected()
    # The full re-read that follows every connect runs as a background task.
    await hass.async_block_till_done(wait_background_tasks=True)
    yield entry
    await hass.async_block_till_done(wait_background_tasks=True)  # e.g. a reload under way
    if entry.state is ConfigEntryState.LOADED:
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


def coordinator_of(entry: MockConfigEntry) -> AtenCoordinator:
    """Return the coordinator of a loaded entry."""
    coordinator: AtenCoordinator = entry.runtime_data.coordinator
    return coordinator


async def wait_for_state(
    hass: HomeAssistant, entity_id: str, check: Callable[[State], bool]
) -> State:
    """Wait (by state events, bounded) until an entity's state passes ``check``."""
    current = hass.states.get(entity_id)
    if current is not None and check(current):
        return current
    future: asyncio.Future[State] = hass.loop.create_future()

    @callback
    def changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None and check(new) and not future.done():
            future.set_result(new)

    unsub = async_track_state_change_event(hass, entity_id, changed)
    try:
        async with asyncio.timeout(TIMEOUT):
            return await future
    finally:
        unsub()


async def wait_removed(hass: HomeAssistant, entity_id: str) -> None:
    """Wait (by state events, bounded) until an entity is gone."""
    if hass.states.get(entity_id) is None:
        return
    future: asyncio.Future[None] = hass.loop.create_future()

    @callback
    def changed(event: Event[EventStateChangedData]) -> None:
        if event.data["new_state"] is None and not future.done():
            future.set_result(None)

    unsub = async_track_state_change_event(hass, entity_id, changed)
    try:
        async with asyncio.timeout(TIMEOUT):
            await future
    finally:
        unsub()


def state_is(value: str) -> Callable[[State], bool]:
    """Return a check that an entity's state is ``value``."""
    return lambda state: state.state == value


def attribute_is(name: str, value: Any) -> Callable[[State], bool]:
    """Return a check that an entity's attribute is ``value``."""
    return lambda state: state.attributes.get(name) == value
