"""Fixtures: an exacqVision web service emulator and a config entry pointing at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from tests.emulators.exacqvision import ExacqVisionEmulator

SERIAL = "186266324EAF"


@pytest.fixture
async def emulator(socket_enabled: None) -> AsyncIterator[ExacqVisionEmulator]:
    """Start an emulated web service with one server: 4 cameras (1 PTZ), 2 soft triggers."""
    async with ExacqVisionEmulator() as emulator:
        yield emulator


@pytest.fixture
def entry(emulator: ExacqVisionEmulator) -> MockConfigEntry:
    """Return a config entry for the emulator's first server."""
    return MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        title="Server 1",
        data={
            "device_type": "exacqvision",
            "host": emulator.host,
            "port": emulator.port,
            "ssl": False,
            "verify_ssl": False,
            "username": "admin",
            "password": "admin256",
            "server_id": "0",
        },
    )
