"""Fixtures shared by every test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from unittest.mock import AsyncMock, patch

import aiohttp
import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/proav in every test."""


@pytest.fixture(autouse=True)
def auto_mock_discovery_integrations(mock_bluetooth: None) -> Generator[None]:
    """Let the manifest's dependencies (bluetooth_adapters, ssdp) load without radios or sockets.

    The Bluetooth matcher makes ``bluetooth_adapters`` (and so ``bluetooth``) load with the
    integration, the SSDP matcher ``ssdp``: both would otherwise start a scanner or bind multicast
    sockets in every test. The adapters and the bleak scanner are mocked (phcc's
    ``mock_bluetooth``); SSDP keeps its matchers and dispatching but listens on nothing.
    """
    with (
        patch(
            "homeassistant.components.ssdp.Scanner._async_start_ssdp_listeners",
            AsyncMock(),
        ),
        patch(
            "homeassistant.components.ssdp.Server._async_start_upnp_servers",
            AsyncMock(),
        ),
    ):
        yield


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Give a client under test a plain aiohttp session (closed after the test)."""
    async with aiohttp.ClientSession() as session:
        yield session
