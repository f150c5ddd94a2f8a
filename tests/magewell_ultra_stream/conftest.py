"""Fixtures of the Ultra Stream tests: the emulator, a config entry, the running integration."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import CONF_DEVICE_TYPE, DOMAIN
from custom_components.proav.devices.magewell_ultra_stream.flow import (
    STEP_DEFAULT_ADMIN,
    STEP_KEEP_USER,
)
from tests.emulators.magewell_ultra_stream import PASSWORD, SERIAL, USER, UltraStreamEmulator

KEY = "magewell_ultra_stream"


@pytest.fixture
async def box(socket_enabled: None) -> AsyncGenerator[UltraStreamEmulator]:
    """Run an Ultra Stream emulator on 127.0.0.1."""
    async with UltraStreamEmulator() as emulator:
        yield emulator


def entry_data(box: UltraStreamEmulator, password: str = PASSWORD) -> dict[str, object]:
    """Return the entry data of a box."""
    return {
        CONF_DEVICE_TYPE: KEY,
        CONF_HOST: box.host,
        CONF_PORT: box.port,
        CONF_USERNAME: USER,
        CONF_PASSWORD: password,
    }


@pytest.fixture
def entry(hass: HomeAssistant, box: UltraStreamEmulator) -> MockConfigEntry:
    """Return a config entry for the box (added to hass, not set up)."""
    config_entry = MockConfigEntry(
        domain=DOMAIN, unique_id=SERIAL, title="Ultra Stream", data=entry_data(box)
    )
    config_entry.add_to_hass(hass)
    return config_entry


@pytest.fixture
async def loaded(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> AsyncGenerator[MockConfigEntry]:
    """Set the entry up (with time frozen, so tests move it); unload it at the end."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def keep_admin(hass: HomeAssistant, result: ConfigFlowResult) -> ConfigFlowResult:
    """Go on with the box's default Admin past the advice to use a dedicated user."""
    assert result["step_id"] == STEP_DEFAULT_ADMIN
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": STEP_KEEP_USER}
    )
