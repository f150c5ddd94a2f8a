"""Fixtures: the receiver emulator, a client on it, and a config entry for it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.proav.devices.presentation_receiver.client import PresentationReceiverClient
from custom_components.proav.devices.presentation_receiver.models import ApiKey
from tests.emulators.presentation_receiver import PresentationReceiverEmulator

TOKEN = "0123456789abcdef"


@pytest.fixture
async def emulator(socket_enabled: None) -> AsyncIterator[PresentationReceiverEmulator]:
    """Run the emulator on 127.0.0.1."""
    async with PresentationReceiverEmulator() as emulator:
        yield emulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Give the client a plain aiohttp session."""
    async with aiohttp.ClientSession() as session:
        yield session


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
