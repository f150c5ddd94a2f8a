"""Actions of presentation receivers: set the clock and time server, upload files."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from custom_components.proav.const import CONF_DEVICE_TYPE, DOMAIN
from custom_components.proav.entity import async_run_command

from .coordinator import ReceiverCoordinator
from .entities import ReceiverRuntime
from .models import WALLPAPER_UPLOAD_SLOTS

KEY: Final = "presentation_receiver"
ATTR_CONFIG_ENTRY: Final = "config_entry_id"
ATTR_TIME: Final = "time"
ATTR_SERVER: Final = "server"
ATTR_AUTO: Final = "auto"
ATTR_SLOT: Final = "slot"
ATTR_PATH: Final = "path"
ATTR_SHOW: Final = "show"
SERVICE_SET_TIME: Final = "presentation_receiver_set_time"
SERVICE_SET_NTP: Final = "presentation_receiver_set_ntp"
SERVICE_UPLOAD_WALLPAPER: Final = "presentation_receiver_upload_wallpaper"
SERVICE_UPDATE_FIRMWARE: Final = "presentation_receiver_update_firmware"
SERVICE_DELETE_WALLPAPER: Final = "presentation_receiver_delete_wallpaper"
IMAGE_TYPES: Final = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}

_ENTRY: dict[vol.Marker, object] = {vol.Required(ATTR_CONFIG_ENTRY): cv.string}
SET_TIME_SCHEMA = vol.Schema({**_ENTRY, vol.Optional(ATTR_TIME): cv.datetime})
SET_NTP_SCHEMA = vol.Schema(
    {
        **_ENTRY,
        vol.Optional(ATTR_SERVER): cv.string,
        vol.Optional(CONF_PORT): cv.port,
        vol.Optional(ATTR_AUTO): cv.boolean,
    }
)
UPLOAD_WALLPAPER_SCHEMA = vol.Schema(
    {
        **_ENTRY,
        vol.Required(ATTR_SLOT): vol.All(vol.Coerce(int), vol.In(WALLPAPER_UPLOAD_SLOTS)),
        vol.Required(ATTR_PATH): cv.string,
        vol.Optional(ATTR_SHOW, default=False): cv.boolean,
    }
)
UPDATE_FIRMWARE_SCHEMA = vol.Schema({**_ENTRY, vol.Required(ATTR_PATH): cv.string})
DELETE_WALLPAPER_SCHEMA = vol.Schema(
    {**_ENTRY, vol.Required(ATTR_SLOT): vol.All(vol.Coerce(int), vol.In(WALLPAPER_UPLOAD_SLOTS))}
)


def _coordinator(hass: HomeAssistant, call: ServiceCall) -> ReceiverCoordinator:
    """Return the coordinator of the receiver an action targets."""
    entry = hass.config_entries.async_get_entry(call.data[ATTR_CONFIG_ENTRY])
    if entry is None or entry.domain != DOMAIN or entry.data.get(CONF_DEVICE_TYPE) != KEY:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="receiver_not_a_receiver"
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="receiver_not_loaded",
            translation_placeholders={"name": entry.title},
        )
    runtime = entry.runtime_data
    assert isinstance(runtime, ReceiverRuntime)
    return runtime.coordinator


def _read_allowed_file(hass: HomeAssistant, path: str) -> tuple[Path, bytes]:
    """Read a file under the configuration folder that Home Assistant may read (blocking)."""
    config_dir = Path(hass.config.config_dir).resolve()
    file = (config_dir / path).resolve()
    if not file.is_relative_to(config_dir) or not hass.config.is_allowed_path(str(file)):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="receiver_path_not_allowed",
            translation_placeholders={"path": path},
        )
    if not file.is_file():
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="receiver_file_not_found",
            translation_placeholders={"path": path},
        )
    return file, file.read_bytes()


async def _async_read(hass: HomeAssistant, path: str) -> tuple[Path, bytes]:
    """Check and read a file without blocking the event loop."""
    return await hass.async_add_executor_job(_read_allowed_file, hass, path)


async def _async_set_time(hass: HomeAssistant, call: ServiceCall) -> None:
    """Set the device clock: the given time, or now, as wall-clock time in the device's zone."""
    coordinator = _coordinator(hass, call)
    zone = dt_util.get_time_zone(coordinator.data.time_zone) or dt_util.get_default_time_zone()
    wanted: datetime = call.data.get(ATTR_TIME) or dt_util.now()
    if wanted.tzinfo is None:
        wanted = wanted.replace(tzinfo=dt_util.get_default_time_zone())
    local = wanted.astimezone(zone).replace(tzinfo=None)
    await async_run_command(coordinator, coordinator.async_set_time(local))


async def _async_set_ntp(hass: HomeAssistant, call: ServiceCall) -> None:
    """Set the time server and whether the clock follows it."""
    coordinator = _coordinator(hass, call)
    command = coordinator.async_set_ntp(
        server=call.data.get(ATTR_SERVER),
        port=call.data.get(CONF_PORT),
        auto=call.data.get(ATTR_AUTO),
    )
    await async_run_command(coordinator, command)


async def _async_upload_wallpaper(hass: HomeAssistant, call: ServiceCall) -> None:
    """Upload a PNG or JPEG to a custom wallpaper slot, and show it if asked."""
    coordinator = _coordinator(hass, call)
    file, content = await _async_read(hass, call.data[ATTR_PATH])
    content_type = IMAGE_TYPES.get(file.suffix.lower())
    if content_type is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="receiver_not_an_image"
        )
    slot = call.data[ATTR_SLOT]
    upload = coordinator.async_upload_wallpaper(slot, content, file.name, content_type)
    await async_run_command(coordinator, upload)
    if call.data[ATTR_SHOW]:
        await async_run_command(coordinator, coordinator.async_select_wallpaper(slot))


async def _async_delete_wallpaper(hass: HomeAssistant, call: ServiceCall) -> None:
    """Delete the image in a custom wallpaper slot (not the one shown now)."""
    coordinator = _coordinator(hass, call)
    await async_run_command(coordinator, coordinator.async_delete_wallpaper(call.data[ATTR_SLOT]))


async def _async_update_firmware(hass: HomeAssistant, call: ServiceCall) -> None:
    """Install firmware from a file."""
    coordinator = _coordinator(hass, call)
    _file, content = await _async_read(hass, call.data[ATTR_PATH])
    await async_run_command(coordinator, coordinator.async_install_firmware(content))


_SERVICES: Final[
    tuple[tuple[str, vol.Schema, Callable[[HomeAssistant, ServiceCall], Awaitable[None]]], ...]
] = (
    (SERVICE_SET_TIME, SET_TIME_SCHEMA, _async_set_time),
    (SERVICE_SET_NTP, SET_NTP_SCHEMA, _async_set_ntp),
    (SERVICE_UPLOAD_WALLPAPER, UPLOAD_WALLPAPER_SCHEMA, _async_upload_wallpaper),
    (SERVICE_DELETE_WALLPAPER, DELETE_WALLPAPER_SCHEMA, _async_delete_wallpaper),
    (SERVICE_UPDATE_FIRMWARE, UPDATE_FIRMWARE_SCHEMA, _async_update_firmware),
)


def async_register_services(hass: HomeAssistant) -> None:
    """Register the receiver actions."""
    for name, schema, handler in _SERVICES:

        async def handle(
            call: ServiceCall,
            handler: Callable[[HomeAssistant, ServiceCall], Awaitable[None]] = handler,
        ) -> None:
            await handler(hass, call)

        hass.services.async_register(DOMAIN, name, handle, schema=schema)
