"""Setup, unload, entities, commands and diagnostics shared by every device type."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.proav.const import CONF_DEVICE_TYPE, DOMAIN
from custom_components.proav.registry import DEVICE_TYPES

from . import stand_in
from .compat import get_device
from .stand_in import PASSWORD, POLL_INTERVAL, USER, Light, StandInEmulator, StandInRuntime

KEY = "exacqvision"


@pytest.fixture
async def device(socket_enabled: None) -> AsyncGenerator[StandInEmulator]:
    """Run the stand-in device."""
    async with StandInEmulator() as emulator:
        yield emulator


@pytest.fixture
async def entry(hass: HomeAssistant, device: StandInEmulator) -> AsyncGenerator[MockConfigEntry]:
    """Set up a stand-in device entry."""
    with patch.dict(DEVICE_TYPES, {KEY: stand_in.stand_in_type(KEY)}, clear=True):
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id="SN-0001",
            title="Stand-in",
            data={
                CONF_DEVICE_TYPE: KEY,
                "host": device.host,
                "port": device.port,
                "username": USER,
                "password": PASSWORD,
            },
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        yield entry
        await hass.config_entries.async_unload(entry.entry_id)


async def test_setup_creates_entities_and_unload_shuts_down(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The device and its items show up; unloading closes the runtime."""
    assert entry.state is ConfigEntryState.LOADED
    assert "stand_in" in stand_in.registered
    assert hass.states.get("switch.left_light").state == STATE_OFF
    assert hass.states.get("sensor.stand_in_lights_on").state == "0"
    assert hass.states.get("sensor.stand_in_lights_on").attributes["names"] == ["1", "2"]
    hub = get_device(hass, (DOMAIN, "SN-0001"))
    left = get_device(hass, (DOMAIN, "light-1"))
    assert left is not None
    assert hub is not None
    assert left.via_device_id == hub.id

    StandInRuntime.shut_down = False
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert StandInRuntime.shut_down


async def test_setup_retries_while_the_device_is_down(
    hass: HomeAssistant, device: StandInEmulator
) -> None:
    """A device that does not answer at start-up is retried, not failed for good."""
    await device.set_down(True)
    with patch.dict(DEVICE_TYPES, {KEY: stand_in.stand_in_type(KEY)}, clear=True):
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id="SN-0001",
            data={CONF_DEVICE_TYPE: KEY, "host": device.host, "port": device.port},
        )
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        assert entry.state is ConfigEntryState.SETUP_RETRY
        await hass.config_entries.async_unload(entry.entry_id)


async def test_command_shows_its_result_at_once(
    hass: HomeAssistant, entry: MockConfigEntry, device: StandInEmulator
) -> None:
    """Turning a switch on reaches the device and shows without waiting for a poll."""
    await hass.services.async_call(
        "switch", "turn_on", {ATTR_ENTITY_ID: "switch.left_light"}, blocking=True
    )
    assert device.commands[-1].params == {"key": "1", "on": True}
    assert hass.states.get("switch.left_light").state == STATE_ON
    await hass.services.async_call(
        "switch", "turn_off", {ATTR_ENTITY_ID: "switch.left_light"}, blocking=True
    )
    assert hass.states.get("switch.left_light").state == STATE_OFF


@pytest.mark.parametrize(
    ("fault", "translation_key"),
    [
        (409, "device_error"),
        (403, "not_permitted"),
        (404, "not_supported"),
        (429, "device_busy"),
        ("down", "cannot_connect"),
        ("password", "invalid_auth"),
    ],
)
async def test_command_failures_are_translated(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    device: StandInEmulator,
    fault: str | int,
    translation_key: str,
) -> None:
    """Each failure of a command says what it was; only a rejected password asks again.

    Refused, forbidden, unsupported or busy commands and an unreachable device open no flow.
    """
    if isinstance(fault, int):
        device.refuse = fault
    elif fault == "down":
        await device.set_down(True)
    else:
        device.password = "changed"
        device.expire_sessions()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "switch", "turn_on", {ATTR_ENTITY_ID: "switch.left_light"}, blocking=True
        )
    assert err.value.translation_key == translation_key
    assert hass.states.get("switch.left_light").state == STATE_OFF
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert bool(flows) == (fault == "password")


async def test_items_follow_the_device(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    device: StandInEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Items added on the device appear; removed ones vanish with their devices."""
    device.items["3"] = Light("Center", on=True)
    del device.items["1"]
    freezer.tick(POLL_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert hass.states.get("switch.center_light").state == STATE_ON
    assert hass.states.get("switch.left_light") is None
    assert er.async_get(hass).async_get("switch.left_light") is None
    assert get_device(hass, (DOMAIN, "light-1")) is None
    assert hass.states.get("sensor.stand_in_lights_on").state == "1"


async def test_device_down_and_back(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    device: StandInEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Entities go unavailable while the device is away and come back with it."""
    await device.set_down(True)
    freezer.tick(POLL_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("switch.left_light").state == STATE_UNAVAILABLE

    await device.set_down(False)
    device.items["1"].on = True
    freezer.tick(POLL_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("switch.left_light").state == STATE_ON


async def test_diagnostics_redact_secrets(
    hass: HomeAssistant, entry: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """Diagnostics show the state but never the password, user, serial or title."""
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["entry"]["data"]["password"] == "**REDACTED**"
    assert diagnostics["entry"]["data"]["username"] == "**REDACTED**"
    assert diagnostics["entry"]["unique_id"] == "**REDACTED**"
    assert "title" not in diagnostics["entry"]  # titles often carry the serial
    assert diagnostics["device"]["stand_in"]["1"] == {"name": "Left", "on": False}


async def _set_options(
    hass: HomeAssistant, entry: MockConfigEntry, options: dict[str, Any]
) -> None:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    await hass.config_entries.options.async_configure(result["flow_id"], options)
    await hass.async_block_till_done()


async def test_only_changed_options_reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Renaming an entry keeps it running; changed options reload it, the same ones do not."""
    runtime = entry.runtime_data
    hass.config_entries.async_update_entry(entry, title="Renamed")
    await hass.async_block_till_done()
    assert entry.runtime_data is runtime
    await _set_options(hass, entry, {"state_interval": 10})
    assert entry.runtime_data is not runtime
    assert entry.state is ConfigEntryState.LOADED
    runtime = entry.runtime_data
    await _set_options(hass, entry, {"state_interval": 10})
    assert entry.runtime_data is runtime
