"""The exacqVision actions: move a PTZ camera for a while."""

from __future__ import annotations

from datetime import datetime
import logging
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.event import async_call_later
import voluptuous as vol

from ...const import CONF_DEVICE_TYPE, DOMAIN  # noqa: TID252
from ...entity import async_run_command  # noqa: TID252
from ..errors import ProAVError  # noqa: TID252

if TYPE_CHECKING:
    from .runtime import ExacqRuntime

_LOGGER = logging.getLogger(__name__)

SERVICE_PTZ_MOVE = "exacqvision_ptz_move"
ATTR_PAN, ATTR_TILT, ATTR_ZOOM = "pan", "tilt", "zoom"
ATTR_SPEED, ATTR_DURATION = "speed", "duration"
# Each direction's letter in the web service's PTZ vocabulary.
DIRECTIONS = {
    ATTR_PAN: {"left": "l", "right": "r"},
    ATTR_TILT: {"up": "u", "down": "d"},
    ATTR_ZOOM: {"in": "i", "out": "o"},
}
SPEED_KEYS = {ATTR_PAN: "pan_speed", ATTR_TILT: "tilt_speed", ATTR_ZOOM: "zoom_speed"}

PTZ_MOVE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_ENTITY_ID): cv.entity_id,
        vol.Optional(ATTR_PAN): vol.In(list(DIRECTIONS[ATTR_PAN])),
        vol.Optional(ATTR_TILT): vol.In(list(DIRECTIONS[ATTR_TILT])),
        vol.Optional(ATTR_ZOOM): vol.In(list(DIRECTIONS[ATTR_ZOOM])),
        vol.Optional(ATTR_SPEED, default=50): vol.All(vol.Coerce(int), vol.Range(min=1, max=100)),
        vol.Optional(ATTR_DURATION, default=1.0): vol.All(
            vol.Coerce(float), vol.Range(min=0.1, max=30)
        ),
    }
)


def _not_ptz(entity_id: str) -> ServiceValidationError:
    """Return the error for an entity that is not a movable exacqVision camera."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="ptz_not_supported",
        translation_placeholders={"entity_id": entity_id},
    )


def _resolve(hass: HomeAssistant, entity_id: str) -> tuple[ExacqRuntime, str]:
    """Return the runtime and camera id behind a camera entity, or raise."""
    entity = er.async_get(hass).async_get(entity_id)
    if entity is None or entity.platform != DOMAIN or entity.domain != "camera":
        raise _not_ptz(entity_id)
    entry = hass.config_entries.async_get_entry(entity.config_entry_id or "")
    if (
        entry is None
        or entry.data.get(CONF_DEVICE_TYPE) != "exacqvision"
        or entry.state is not ConfigEntryState.LOADED
    ):
        raise _not_ptz(entity_id)
    runtime: ExacqRuntime = entry.runtime_data
    camera_id = entity.unique_id.removeprefix(f"{entry.unique_id}_").removesuffix("_camera")
    # No capability flag exists: a camera that has presets is one the server can move.
    if camera_id not in runtime.inventory.data.presets:
        raise _not_ptz(entity_id)
    return runtime, camera_id


async def _async_ptz_move(call: ServiceCall) -> None:
    """Move a PTZ camera in the given directions, then stop it after the duration."""
    runtime, camera_id = _resolve(call.hass, call.data[ATTR_ENTITY_ID])
    axes = [axis for axis in DIRECTIONS if axis in call.data]
    if not axes:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="ptz_no_direction")
    direction = "".join(DIRECTIONS[axis][call.data[axis]] for axis in axes)
    speeds = {SPEED_KEYS[axis]: call.data[ATTR_SPEED] for axis in axes}
    client = runtime.client

    async def _async_move() -> None:
        await client.ptz_move(camera_id, direction, **speeds)
        runtime.status.touch()  # nothing a poll reads has changed

    await async_run_command(runtime.status, _async_move())
    if cancel := runtime.ptz_stops.pop(camera_id, None):
        cancel()

    async def _async_stop(_now: datetime) -> None:
        runtime.ptz_stops.pop(camera_id, None)
        try:
            await client.ptz_stop(camera_id)
        except ProAVError as err:
            _LOGGER.warning("Could not stop PTZ camera %s: %s", camera_id, err)

    runtime.ptz_stops[camera_id] = async_call_later(
        call.hass, call.data[ATTR_DURATION], _async_stop
    )


@callback
def async_register_services(hass: HomeAssistant) -> None:
    """Register the exacqVision actions."""
    hass.services.async_register(DOMAIN, SERVICE_PTZ_MOVE, _async_ptz_move, schema=PTZ_MOVE_SCHEMA)
