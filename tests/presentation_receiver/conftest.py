"""Fixtures: the receiver emulator, a client on it, and a config entry for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from unittest.mock import PropertyMock, patch

import aiohttp
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_API_KEY,
    CONF_HOST,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import CONF_DEVICE_TYPE, DOMAIN
from custom_components.proav.devices.presentation_receiver.client import PresentationReceiverClient
from custom_components.proav.devices.presentation_receiver.models import ApiKey
from tests.emulators.presentation_receiver import PresentationReceiverEmulator

TOKEN = "0123456789abcdef"
SERIAL = "EMU0000000001"


@pytest.fixture
async def emulator(socket_enabled: None) -> AsyncIterator[PresentationReceiverEmulator]:
    """Run the emulator on 127.0.0.1."""
    async with PresentationReceiverEmulator() as emulator:
        yield emulator


@pytest.fixture
def client(
    emulator: PresentationReceiverEmulator, session: aiohttp.ClientSession
) -> PresentationReceiverClient:
    """Return a client that uses the emulator's default key."""
    return PresentationReceiverClient(
        session,
        emulator.host,
        port=emulator.port,
        ssl=False,
        username="admin",
        api_key=ApiKey(token=TOKEN, expires=-1, scope="full"),
    )


def receiver_data(emulator: PresentationReceiverEmulator) -> dict[str, Any]:
    """Return the data of an entry that uses the emulator's default key."""
    return {
        CONF_DEVICE_TYPE: "presentation_receiver",
        CONF_HOST: emulator.host,
        CONF_PORT: emulator.port,
        CONF_SSL: False,
        CONF_VERIFY_SSL: False,
        CONF_USERNAME: "admin",
        CONF_API_KEY: TOKEN,
        "key_expires": -1,
        "key_scope": "full",
        "allow_key_renewal": False,
    }


@pytest.fixture
def entry_data(emulator: PresentationReceiverEmulator) -> dict[str, Any]:
    """Return the data of an entry that uses the emulator's default key."""
    return receiver_data(emulator)


@pytest.fixture
def config_entry(hass: HomeAssistant, entry_data: dict[str, Any]) -> MockConfigEntry:
    """Return a config entry for the emulator (not set up)."""
    entry = MockConfigEntry(
        domain=DOMAIN, title="Room-101", unique_id=SERIAL, data=entry_data, version=1
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
def all_entities_enabled() -> Iterator[None]:
    """Create disabled-by-default entities enabled, so their states can be checked."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    all_entities_enabled: None,
) -> MockConfigEntry:
    """Set the entry up (every entity enabled) and return it."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    return config_entry


def reauth_flows(hass: HomeAssistant) -> list[Any]:
    """Return the reauth flows in progress (other integrations' flows do not count)."""
    return [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"].get("source") == "reauth"
    ]
