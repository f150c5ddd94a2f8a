"""Fixtures shared by every test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
import logging
from unittest.mock import AsyncMock, patch

import aiohttp
import freezegun
from homeassistant.helpers import frame
import pytest

# Newer aiohttp's access logger (the emulators', Home Assistant's HTTP server) reads the local UTC
# offset from time.localtime() when its cached zone expires (every half hour of the clock it sees);
# freezegun's fake localtime has no offset, so under the freezer it logs a TypeError. It may read
# the real clock.
freezegun.configure(extend_ignore_list=["aiohttp.web_log"])


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


class _Reports(logging.Handler):
    """Collect Home Assistant's reports of deprecated or wrong use by this integration."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "integration 'proav'" in message:
            self.messages.append(message)


@pytest.fixture(autouse=True)
def fail_on_deprecated_use() -> Generator[None]:
    """Fail a test in which Home Assistant reports a deprecated call by the integration.

    Home Assistant logs these (``frame.report_usage``: "Detected that custom integration 'proav'
    ... This will stop working in ..."), it does not warn, so ``filterwarnings`` misses them. It
    logs each call site once per process: forget the earlier ones so every test sees its own.
    """
    getattr(frame, "_REPORTED_INTEGRATIONS", set()).clear()
    reports = _Reports()
    logger = logging.getLogger(frame.__name__)
    logger.addHandler(reports)
    try:
        yield
    finally:
        logger.removeHandler(reports)
    assert not reports.messages, "\n".join(reports.messages)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Give a client under test a plain aiohttp session (closed after the test)."""
    async with aiohttp.ClientSession() as session:
        yield session
