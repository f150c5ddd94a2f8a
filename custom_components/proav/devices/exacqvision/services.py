"""The exacqVision actions: move a PTZ camera, export a clip as MP4, bookmark a recording."""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    config_validation as cv,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ...const import CONF_DEVICE_TYPE, DOMAIN  # noqa: TID252
from ...entity import async_run_command  # noqa: TID252
from ..errors import ProAVError  # noqa: TID252

if TYPE_CHECKING:
    from .runtime import ExacqRuntime

_LOGGER = logging.getLogger(__name__)

SERVICE_PTZ_MOVE = "exacqvision_ptz_move"
SERVICE_EXPORT_CLIP = "exacqvision_export_clip"
SERVICE_BOOKMARK = "exacqvision_bookmark"
SERVICE_EXPORT_FRAME = "exacqvision_export_frame"
ATTR_TIME, ATTR_WIDTH = "time", "width"
ATTR_START, ATTR_END, ATTR_FILENAME = "start", "end", "filename"
ATTR_NAME, ATTR_DESCRIPTION, ATTR_BEFORE, ATTR_AFTER = "name", "description", "before", "after"
MAX_CLIP = timedelta(hours=1)
MEDIA_FOLDER = "exacqvision"
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


EXPORT_CLIP_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_ENTITY_ID): cv.entity_id,
        vol.Optional(ATTR_START): cv.datetime,
        vol.Optional(ATTR_END): cv.datetime,
        vol.Optional(ATTR_DURATION, default=30): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=int(MAX_CLIP.total_seconds()))
        ),
        vol.Optional(ATTR_FILENAME): cv.string,
    }
)
EXPORT_FRAME_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_ENTITY_ID): cv.entity_id,
        vol.Optional(ATTR_TIME): cv.datetime,
        vol.Optional(ATTR_WIDTH, default=640): vol.All(
            vol.Coerce(int), vol.Range(min=80, max=3840)
        ),
        vol.Optional(ATTR_FILENAME): cv.string,
    }
)
BOOKMARK_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_ENTITY_ID): cv.entity_id,
        vol.Required(ATTR_NAME): vol.All(cv.string, vol.Length(min=1, max=100)),
        vol.Optional(ATTR_DESCRIPTION, default=""): cv.string,
        vol.Optional(ATTR_START): cv.datetime,
        vol.Optional(ATTR_END): cv.datetime,
        vol.Optional(ATTR_BEFORE, default=30): vol.All(vol.Coerce(int), vol.Range(min=0, max=3600)),
        vol.Optional(ATTR_AFTER, default=30): vol.All(vol.Coerce(int), vol.Range(min=0, max=3600)),
    }
)


def _not_camera(entity_id: str) -> ServiceValidationError:
    """Return the error for an entity that is not an exacqVision camera."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="exacqvision_not_a_camera",
        translation_placeholders={"entity_id": entity_id},
    )


def _camera(hass: HomeAssistant, entity_id: str) -> tuple[ExacqRuntime, str]:
    """Return the runtime and camera id behind an exacqVision camera entity, or raise."""
    entity = er.async_get(hass).async_get(entity_id)
    if entity is None or entity.platform != DOMAIN or entity.domain != "camera":
        raise _not_camera(entity_id)
    entry = hass.config_entries.async_get_entry(entity.config_entry_id or "")
    if (
        entry is None
        or entry.data.get(CONF_DEVICE_TYPE) != "exacqvision"
        or entry.state is not ConfigEntryState.LOADED
    ):
        raise _not_camera(entity_id)
    runtime: ExacqRuntime = entry.runtime_data
    camera_id = entity.unique_id.removeprefix(f"{entry.unique_id}_").removesuffix("_camera")
    if camera_id not in runtime.inventory.data.cameras:
        raise _not_camera(entity_id)
    return runtime, camera_id


def _resolve(hass: HomeAssistant, entity_id: str) -> tuple[ExacqRuntime, str]:
    """Return the runtime and camera id behind a camera that can move, or raise."""
    try:
        runtime, camera_id = _camera(hass, entity_id)
    except ServiceValidationError:
        raise _not_ptz(entity_id) from None
    # No capability flag exists: a camera that has presets is one the server can move.
    if camera_id not in runtime.inventory.data.presets:
        raise _not_ptz(entity_id)
    return runtime, camera_id


def _window(data: dict[str, Any], before: timedelta, after: timedelta) -> tuple[datetime, datetime]:
    """Return the start and end an action asks for (times without a zone are local)."""
    now = dt_util.now()
    start = data.get(ATTR_START)
    end = data.get(ATTR_END)
    start = dt_util.as_local(start) if start is not None and start.tzinfo else start
    end = dt_util.as_local(end) if end is not None and end.tzinfo else end
    if start is not None and start.tzinfo is None:
        start = start.replace(tzinfo=dt_util.get_default_time_zone())
    if end is not None and end.tzinfo is None:
        end = end.replace(tzinfo=dt_util.get_default_time_zone())
    if start is None and end is None:
        start, end = now - before, now + after
    elif start is None:
        assert end is not None
        start = end - before - after
    elif end is None:
        end = start + before + after
    if end <= start:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="exacqvision_bad_window"
        )
    return start, end


def _file_name(requested: str | None, camera: str, start: datetime, suffix: str = ".mp4") -> str:
    """Return a safe file name (no folders) for an exported clip or frame."""
    base = Path(requested).name if requested else f"{camera}_{start:%Y%m%d_%H%M%S}"
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "export"
    return base if base.lower().endswith(suffix) else f"{base}{suffix}"


async def _async_save(hass: HomeAssistant, name: str, body: bytes) -> dict[str, str]:
    """Write an export under media/exacqvision; return its path and media id."""
    media = Path(hass.config.media_dirs.get("local") or hass.config.path("media"))
    path = media / MEDIA_FOLDER / name

    def _write() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)

    await hass.async_add_executor_job(_write)
    return {
        "path": str(path),
        "media_content_id": f"media-source://media_source/local/{MEDIA_FOLDER}/{name}",
    }


async def _async_export_frame(call: ServiceCall) -> ServiceResponse:
    """Save the recorded frame at a time (an event's moment) as a JPEG under media."""
    hass = call.hass
    runtime, camera_id = _camera(hass, call.data[ATTR_ENTITY_ID])
    at = call.data.get(ATTR_TIME) or dt_util.now()
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt_util.get_default_time_zone())
    client = runtime.client
    camera = runtime.inventory.data.cameras[camera_id]
    result: list[bytes] = []

    async def _async_frame() -> None:
        result.append(
            await client.recorded_frame(camera, client.server_time(at), call.data[ATTR_WIDTH])
        )

    await async_run_command(runtime.status, _async_frame())
    name = _file_name(call.data.get(ATTR_FILENAME), camera.name, at, ".jpg")
    return {**await _async_save(hass, name, result[0]), "time": at.isoformat()}


async def _async_export_clip(call: ServiceCall) -> ServiceResponse:
    """Export a camera's recording as MP4 under the media folder; return where it is."""
    hass = call.hass
    runtime, camera_id = _camera(hass, call.data[ATTR_ENTITY_ID])
    if runtime.inventory.data.permissions.export_video is False:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="not_permitted",
            translation_placeholders={"code": ""},
        )
    duration = timedelta(seconds=call.data[ATTR_DURATION])
    start, end = _window(dict(call.data), duration, timedelta(0))
    if end - start > MAX_CLIP:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="exacqvision_bad_window"
        )
    client = runtime.client
    camera = runtime.inventory.data.cameras[camera_id]
    result: list[bytes] = []

    async def _async_export() -> None:
        result.append(
            await client.export_clip(camera_id, client.server_time(start), client.server_time(end))
        )

    await async_run_command(runtime.status, _async_export())
    name = _file_name(call.data.get(ATTR_FILENAME), camera.name, start)
    saved = await _async_save(hass, name, result[0])
    return {**saved, "start": start.isoformat(), "end": end.isoformat()}


async def _async_bookmark(call: ServiceCall) -> None:
    """Bookmark a camera's recording around now (or between two times)."""
    runtime, camera_id = _camera(call.hass, call.data[ATTR_ENTITY_ID])
    start, end = _window(
        dict(call.data),
        timedelta(seconds=call.data[ATTR_BEFORE]),
        timedelta(seconds=call.data[ATTR_AFTER]),
    )
    client = runtime.client
    await async_run_command(
        runtime.status,
        client.create_bookmark(
            camera_id,
            call.data[ATTR_NAME],
            client.server_time(start),
            client.server_time(end),
            call.data[ATTR_DESCRIPTION],
        ),
    )


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
            # The camera may keep moving: say so where the user looks, not only in the log.
            _LOGGER.warning("Could not stop PTZ camera %s: %s", camera_id, type(err).__name__)
            ir.async_create_issue(
                call.hass,
                DOMAIN,
                f"{runtime.entry.entry_id}_ptz_stop_{camera_id}",
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="exacqvision_ptz_not_stopped",
                translation_placeholders={
                    "camera": runtime.inventory.data.cameras[camera_id].name
                    if camera_id in runtime.inventory.data.cameras
                    else camera_id
                },
            )
        else:
            ir.async_delete_issue(
                call.hass, DOMAIN, f"{runtime.entry.entry_id}_ptz_stop_{camera_id}"
            )

    runtime.ptz_stops[camera_id] = async_call_later(
        call.hass, call.data[ATTR_DURATION], _async_stop
    )


@callback
def async_register_services(hass: HomeAssistant) -> None:
    """Register the exacqVision actions."""
    hass.services.async_register(DOMAIN, SERVICE_PTZ_MOVE, _async_ptz_move, schema=PTZ_MOVE_SCHEMA)
    hass.services.async_register(
        DOMAIN,
        SERVICE_EXPORT_CLIP,
        _async_export_clip,
        schema=EXPORT_CLIP_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_EXPORT_FRAME,
        _async_export_frame,
        schema=EXPORT_FRAME_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(DOMAIN, SERVICE_BOOKMARK, _async_bookmark, schema=BOOKMARK_SCHEMA)
