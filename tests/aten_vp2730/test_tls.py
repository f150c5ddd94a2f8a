"""HTTPS with the device's self-signed certificate, REST and Socket.IO alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import ssl
from typing import Any

import aiohttp
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.aten_vp2730.client import AtenClient
from custom_components.proav.devices.errors import CannotConnect
from tests.emulators.aten_vp2730 import PASSWORD, SERIAL, USERNAME, AtenEmulator
from tests.emulators.base import self_signed_context

from .conftest import TIMEOUT, coordinator_of, entry_data, state_is, wait_for_state


@pytest.fixture(scope="module")
def certificate() -> ssl.SSLContext:
    """Make the self-signed certificate once (outside the event loop: it writes files)."""
    return self_signed_context("VP2730")


@pytest.fixture
async def tls_emulator(
    socket_enabled: None, certificate: ssl.SSLContext
) -> AsyncIterator[AtenEmulator]:
    """Run the emulator over HTTPS."""
    emulator = AtenEmulator()
    emulator.ssl_context = certificate
    async with emulator:
        yield emulator


async def _setup(hass: HomeAssistant, emulator: AtenEmulator, verify: bool) -> MockConfigEntry:
    data = entry_data(emulator) | {"ssl": True, "verify_ssl": verify}
    entry = MockConfigEntry(domain=DOMAIN, title="VP2730", unique_id=SERIAL, data=data)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_self_signed_certificate_accepted_by_default(
    hass: HomeAssistant, tls_emulator: AtenEmulator
) -> None:
    """verify_ssl off (the default): REST and push both work over TLS."""
    entry = await _setup(hass, tls_emulator, verify=False)
    assert entry.state is ConfigEntryState.LOADED
    async with asyncio.timeout(TIMEOUT):
        await coordinator_of(entry).push.async_wait_connected()
    await hass.async_block_till_done(wait_background_tasks=True)
    await tls_emulator.set_route("0", "2")
    await wait_for_state(hass, "select.vp2730_display_a_source", state_is("Source 3"))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def test_verification_rejects_a_self_signed_certificate(
    tls_emulator: AtenEmulator, session: aiohttp.ClientSession
) -> None:
    """verify_ssl on: the untrusted certificate is a connection failure."""
    # The emulator's side of the refused handshake goes to the loop's exception handler, which
    # the hass fixture counts as an error of the test: let just that one message through (the
    # hass fixture puts its own handler back when the test ends).
    loop = asyncio.get_running_loop()
    original = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message", "").startswith("Error on transport creation"):
            return
        if original is not None:
            original(loop, context)

    loop.set_exception_handler(handler)
    client = AtenClient(
        session,
        tls_emulator.host,
        port=tls_emulator.port,
        verify_ssl=True,
        username=USERNAME,
        password=PASSWORD,
    )
    with pytest.raises(CannotConnect):
        await client.async_login()
    insecure = AtenClient(
        session, tls_emulator.host, port=tls_emulator.port, username=USERNAME, password=PASSWORD
    )
    assert (await insecure.async_get_info()).serial_number == SERIAL
