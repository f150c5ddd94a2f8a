"""Fixtures for the Poly VideoOS tests: the emulator, a client, a config entry."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.poly_videoos.client import PolyVideoOSClient
from tests.emulators.poly_videoos import PolyVideoOSEmulator


@pytest.fixture
async def emulator(socket_enabled: None) -> AsyncIterator[PolyVideoOSEmulator]:
    """Run a Poly codec emulator on 127.0.0.1."""
    async with PolyVideoOSEmulator() as emulator:
        yield emulator


@pytest.fixture
async def client(emulator: PolyVideoOSEmulator) -> AsyncIterator[PolyVideoOSClient]:
    """Return a client talking to the emulator over plain HTTP (its own HTTP session)."""
    client = PolyVideoOSClient(
        emulator.host,
        port=emulator.port,
        ssl=False,
        username=emulator.username,
        password=emulator.password,
    )
    yield client
    await client.async_close()


def entry_data(emulator: PolyVideoOSEmulator, **changes: object) -> dict[str, object]:
    """Return config entry data pointing at the emulator."""
    return {
        "device_type": "poly_videoos",
        "host": emulator.host,
        "port": emulator.port,
        "ssl": False,
        "verify_ssl": False,
        "username": emulator.username,
        "password": emulator.password,
    } | changes


@pytest.fixture
def entry(emulator: PolyVideoOSEmulator) -> MockConfigEntry:
    """Return a config entry for the emulated codec."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Boardroom",
        unique_id=emulator.serial,
        data=entry_data(emulator),
    )
