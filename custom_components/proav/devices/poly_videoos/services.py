"""Actions of the Poly VideoOS device type: dial, presets, camera moves, DTMF.

Each action names the codec by its config entry (``config_entry_id``). Input is checked here and
refused with translated errors, so a typo in an automation says what is wrong.
"""

# Home Assistant side of the device type: it builds on the integration's shared modules.
# ruff: noqa: TID252

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
import re
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from ...actions import invalid, loaded_runtime
from ...const import DOMAIN
from ...entity import async_run_command
from .models import CameraDirection, DialType
from .runtime import PolyRuntime

KEY = "poly_videoos"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"
SERVICE_DIAL = "poly_videoos_dial"
SERVICE_STORE_PRESET = "poly_videoos_store_preset"
SERVICE_CLEAR_PRESET = "poly_videoos_clear_preset"
SERVICE_MOVE_CAMERA = "poly_videoos_move_camera"
SERVICE_SEND_DTMF = "poly_videoos_send_dtmf"
SERVICE_HANG_UP_CALL = "poly_videoos_hang_up_call"
RATES = (64, 6144)  # kbps the codecs dial at
PRESETS = (0, 99)  # the guide leaves the slot range open; the device refuses what it lacks
DURATIONS = (100, 10000)  # ms a camera move may last
DTMF = re.compile(r"^[0-9*#A-D]{1,32}$")
DIRECTIONS = {
    "left": CameraDirection.LEFT,
    "right": CameraDirection.RIGHT,
    "up": CameraDirection.UP,
    "down": CameraDirection.DOWN,
    "zoom_in": CameraDirection.ZOOM_IN,
    "zoom_out": CameraDirection.ZOOM_OUT,
}

_BASE: dict[vol.Marker, Any] = {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string}
DIAL_SCHEMA = vol.Schema(
    {
        **_BASE,
        vol.Required("address"): cv.string,
        vol.Optional("rate"): vol.Coerce(int),
        vol.Optional("type", default="auto"): cv.string,
    }
)
PRESET_SCHEMA = vol.Schema({**_BASE, vol.Required("preset"): vol.Coerce(int)})
MOVE_SCHEMA = vol.Schema(
    {
        **_BASE,
        vol.Required("direction"): cv.string,
        vol.Optional("duration", default=500): vol.Coerce(int),
    }
)
DTMF_SCHEMA = vol.Schema({**_BASE, vol.Required("digits"): cv.string})
HANG_UP_SCHEMA = vol.Schema({**_BASE, vol.Required("conference_id"): cv.string})


def _runtime(call: ServiceCall) -> PolyRuntime:
    """Return the runtime of the loaded Poly codec an action names."""
    return loaded_runtime(
        call.hass,
        call.data[ATTR_CONFIG_ENTRY_ID],
        KEY,
        PolyRuntime,
        not_found="poly_entry_not_found",
        not_loaded="poly_entry_not_loaded",
    )


def _in_range(value: int, bounds: tuple[int, int], key: str) -> int:
    """Check a number against its range."""
    if not bounds[0] <= value <= bounds[1]:
        raise invalid(key, value=value, min=bounds[0], max=bounds[1])
    return value


async def _dial(call: ServiceCall) -> None:
    """Place a call."""
    runtime = _runtime(call)
    address = call.data["address"].strip()
    if not address:
        raise invalid("poly_invalid_address")
    rate = call.data.get("rate")
    if rate is not None:
        _in_range(rate, RATES, "poly_invalid_rate")
    try:
        dial_type = DialType(call.data["type"].upper())
    except ValueError as err:
        raise invalid("poly_invalid_dial_type", value=call.data["type"]) from err
    calls = runtime.calls
    command = calls.client.dial(address, rate=rate, dial_type=dial_type)
    await async_run_command(calls, calls.async_dial(command))


async def _preset(call: ServiceCall, *, store: bool) -> None:
    """Store or clear a camera preset."""
    runtime = _runtime(call)
    index = _in_range(call.data["preset"], PRESETS, "poly_invalid_preset")
    room = runtime.room
    await async_run_command(room, room.async_change_preset(index, store=store))


async def _move_camera(call: ServiceCall) -> None:
    """Move the selected camera for a while, then stop it."""
    runtime = _runtime(call)
    direction = DIRECTIONS.get(call.data["direction"].lower())
    if direction is None:
        raise invalid("poly_invalid_direction", value=call.data["direction"])
    duration = _in_range(call.data["duration"], DURATIONS, "poly_invalid_duration")
    room = runtime.room

    async def move() -> None:
        await room.client.move_camera(direction)
        try:
            await asyncio.sleep(duration / 1000)
        finally:
            await room.client.stop_camera()
        await room.async_camera_moved()

    await async_run_command(room, move())


async def _send_dtmf(call: ServiceCall) -> None:
    """Send DTMF tones."""
    runtime = _runtime(call)
    digits = call.data["digits"].strip().upper()
    if not DTMF.match(digits):
        raise invalid("poly_invalid_dtmf", value=call.data["digits"])
    calls = runtime.calls
    await async_run_command(calls, calls.client.send_dtmf(digits))


async def _hang_up_call(call: ServiceCall) -> None:
    """End one call, leave the others."""
    runtime = _runtime(call)
    conference_id = call.data["conference_id"].strip()
    calls = runtime.calls
    if not any(conference.id == conference_id for conference in calls.data.conferences):
        raise invalid("poly_unknown_call", conference_id=conference_id)
    await async_run_command(calls, calls.async_hang_up_one(conference_id))


async def _store(call: ServiceCall) -> None:
    """Store the camera position in a preset."""
    await _preset(call, store=True)


async def _clear(call: ServiceCall) -> None:
    """Clear a preset."""
    await _preset(call, store=False)


type _Handler = Callable[[ServiceCall], Coroutine[Any, Any, None]]
_SERVICES: tuple[tuple[str, _Handler, vol.Schema], ...] = (
    (SERVICE_DIAL, _dial, DIAL_SCHEMA),
    (SERVICE_STORE_PRESET, _store, PRESET_SCHEMA),
    (SERVICE_CLEAR_PRESET, _clear, PRESET_SCHEMA),
    (SERVICE_MOVE_CAMERA, _move_camera, MOVE_SCHEMA),
    (SERVICE_SEND_DTMF, _send_dtmf, DTMF_SCHEMA),
    (SERVICE_HANG_UP_CALL, _hang_up_call, HANG_UP_SCHEMA),
)


@callback
def async_register_services(hass: HomeAssistant) -> None:
    """Register the Poly actions (once, from the integration's setup)."""
    for name, handler, schema in _SERVICES:
        hass.services.async_register(DOMAIN, name, handler, schema=schema)
