"""The field-ready foundation every device type builds on, run against the stand-in device.

Sessions end when Home Assistant stops, a refused login is the only wrong password and stops
further logins, optional resources come and go without touching the rest of the device, and
diagnostics carry what a field report needs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.proav.const import CONF_DEVICE_TYPE, DOMAIN
from custom_components.proav.devices.capabilities import Capabilities, Support
from custom_components.proav.devices.captures import MAX_TEXT, RawCaptures
from custom_components.proav.devices.errors import (
    CannotConnect,
    InvalidAuth,
    NotPermitted,
    NotSupported,
)
from custom_components.proav.devices.session import LoginGate
from custom_components.proav.registry import DEVICE_TYPES

from . import stand_in
from .stand_in import PASSWORD, POLL_INTERVAL, USER, StandInEmulator, StandInRuntime

KEY = "poly_videoos"
TEMPERATURE = "sensor.stand_in_temperature"


@pytest.fixture
async def device(socket_enabled: None) -> AsyncGenerator[StandInEmulator]:
    """Run the stand-in device."""
    async with StandInEmulator() as emulator:
        yield emulator


@pytest.fixture
async def entry(hass: HomeAssistant, device: StandInEmulator) -> AsyncGenerator[MockConfigEntry]:
    """Add a stand-in entry (the test sets it up, so it can change the device first)."""
    with patch.dict(DEVICE_TYPES, {KEY: stand_in.stand_in_type(KEY)}, clear=True):
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id="SN-0001",
            title="Stand-in SN-0001",
            data={
                CONF_DEVICE_TYPE: KEY,
                "host": device.host,
                "port": device.port,
                "username": USER,
                "password": PASSWORD,
            },
        )
        entry.add_to_hass(hass)
        yield entry


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def _poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(POLL_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_stopping_home_assistant_signs_out(
    hass: HomeAssistant, entry: MockConfigEntry, device: StandInEmulator
) -> None:
    """Home Assistant does not unload entries when it stops; the session still ends."""
    await _setup(hass, entry)
    assert len(device.sessions) == 1
    StandInRuntime.shut_down = False
    await hass.async_stop()
    assert StandInRuntime.shut_down
    assert device.sessions == set()


async def test_unload_signs_out_once(
    hass: HomeAssistant, entry: MockConfigEntry, device: StandInEmulator
) -> None:
    """Unloading ends the session; a later stop of Home Assistant sends nothing more."""
    await _setup(hass, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert device.sessions == set()
    sent = len(device.requests)
    await hass.async_stop()
    assert len(device.requests) == sent


async def test_config_flow_probe_leaves_no_session(
    hass: HomeAssistant, device: StandInEmulator
) -> None:
    """Testing the connection in the flow signs out again."""
    with patch.dict(DEVICE_TYPES, {KEY: stand_in.stand_in_type(KEY)}, clear=True):
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": KEY}
        )
        form = {"host": device.host, "port": device.port, "username": USER}
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {**form, "password": PASSWORD}
        )
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    # The probe's session was closed: only the loaded entry's own session remains.
    assert device.logins == 2
    assert device.sessions == {"session-2"}


async def test_expired_session_logs_in_again_once(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    device: StandInEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An expired session is renewed without the user, with one login for the whole poll."""
    await _setup(hass, entry)
    device.expire_sessions()
    logins = device.logins
    await _poll(hass, freezer)
    assert device.logins == logins + 1
    assert hass.states.get("switch.left_light").state == "off"
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_refused_login_asks_once_and_stops_logging_in(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    device: StandInEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A changed password opens one reauth flow; no poll logs in again until it is done."""
    await _setup(hass, entry)
    device.password = "changed"
    device.expire_sessions()
    await _poll(hass, freezer)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    logins = device.logins
    for _ in range(3):
        await _poll(hass, freezer)
    assert device.logins == logins
    assert hass.states.get("switch.left_light").state == STATE_UNAVAILABLE


async def test_refusal_after_a_fresh_login_is_not_a_wrong_password(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    device: StandInEmulator,
) -> None:
    """The same refusal right after a good login means 'not allowed', not 'wrong password'."""
    await _setup(hass, entry)
    client = entry.runtime_data.client
    device.sessions.clear()

    async def forget_new_sessions() -> None:
        while True:
            device.sessions.clear()
            await asyncio.sleep(0)

    task = asyncio.create_task(forget_new_sessions())
    try:
        with pytest.raises(NotPermitted):
            await client.request("GET", "/state")
    finally:
        task.cancel()
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_optional_resource_missing_creates_no_entity(
    hass: HomeAssistant, entry: MockConfigEntry, device: StandInEmulator
) -> None:
    """A device without the optional resource sets up fully, without that entity."""
    device.extras = None
    await _setup(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(TEMPERATURE) is None
    assert hass.states.get("sensor.stand_in_lights_on").state == "0"
    assert entry.runtime_data.client.capabilities.lacks("extras")


async def test_optional_resource_fails_alone_and_can_disappear(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    device: StandInEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A failing optional resource makes only its entity unavailable; a vanished one removes it."""
    await _setup(hass, entry)
    assert hass.states.get(TEMPERATURE).state == "21"

    device.extras = 500
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.stand_in_lights_on").state == "0"
    assert hass.states.get("switch.left_light").state == "off"

    device.extras = {"temperature": 23}
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE).state == "23"

    device.extras = None
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE) is None
    requests = len([r for r in device.requests if r == "GET /extras"])
    await _poll(hass, freezer)
    assert len([r for r in device.requests if r == "GET /extras"]) == requests


async def test_optional_resource_that_never_worked_waits(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    device: StandInEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A resource failing from the start shows no entity until it answers, then adds it."""
    device.extras = 500
    await _setup(hass, entry)
    assert hass.states.get(TEMPERATURE) is None
    device.extras = {"temperature": 19}
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE).state == "19"


async def test_diagnostics_carry_raw_answers_and_capabilities(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    device: StandInEmulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """A field report holds each resource's last answer and the capability table, redacted."""
    device.extras = None
    await _setup(hass, entry)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    device_part = diagnostics["device"]
    assert device_part["capabilities"] == {
        "extras": {"support": "unsupported", "reason": "NotSupported (404)"}
    }
    assert device_part["raw"]["GET /state"]["body"]["items"]["1"] == {"name": "Left", "on": False}
    assert device_part["raw"]["GET /extras"]["body"] == "<html>Not found</html>"
    assert device_part["raw"]["POST /login"]["body"]["session"] == "**REDACTED**"
    assert "SN-0001" not in str(diagnostics)
    assert PASSWORD not in str(diagnostics)


async def test_login_gate_shares_one_relogin() -> None:
    """Requests that find the same session expired share one login."""
    gate = LoginGate()
    calls = 0

    async def login() -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)

    await gate.async_login(login)
    expired = gate.generation
    await asyncio.gather(*(gate.async_login(login, expired=expired) for _ in range(5)))
    assert calls == 2
    assert gate.generation == 2


async def test_login_gate_latches_a_refusal() -> None:
    """After a refused login nothing logs in again."""
    gate = LoginGate()

    async def refused() -> None:
        raise InvalidAuth

    with pytest.raises(InvalidAuth):
        await gate.async_login(refused)

    async def never() -> None:
        raise AssertionError

    with pytest.raises(InvalidAuth):
        await gate.async_login(never)
    assert gate.logins == 1


async def test_capabilities_table() -> None:
    """Lacking resources are not asked again; InvalidAuth is not swallowed."""
    capabilities = Capabilities()
    asked = 0

    async def missing() -> None:
        nonlocal asked
        asked += 1
        raise NotSupported("404", 404)

    assert await capabilities.async_read("a", missing) is None
    assert await capabilities.async_read("a", missing) is None
    assert asked == 1

    async def down() -> None:
        raise CannotConnect

    assert await capabilities.async_read("b", down) is None
    assert capabilities.state("b").support is Support.FAILING
    assert not capabilities.exists("b")

    async def refused() -> None:
        raise InvalidAuth

    with pytest.raises(InvalidAuth):
        await capabilities.async_read("c", refused)

    async def forbidden() -> None:
        raise NotPermitted("policy")

    assert await capabilities.async_read("d", forbidden) is None
    assert capabilities.lacks("d")
    assert capabilities.as_dict()["d"] == {"support": "not_permitted", "reason": "NotPermitted"}


def test_raw_captures_keep_text_short_and_binary_as_size() -> None:
    """Captures hold data, short text and the size of binary answers."""
    captures = RawCaptures()
    captures.record("GET /a", 200, b'{"x": 1}', "application/json")
    captures.record("GET /b", 200, "y" * (MAX_TEXT + 10))
    captures.record("GET /c", 200, b"\xff\xd8\xff\x00")
    result = captures.as_dict()
    assert result["GET /a"]["body"] == {"x": 1}
    assert result["GET /b"]["body"].endswith(f"({MAX_TEXT + 10} chars)")
    assert result["GET /c"]["body"] == "<4 bytes of binary data>"
