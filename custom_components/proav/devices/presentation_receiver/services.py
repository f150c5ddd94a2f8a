"""Actions of presentation receivers: set the clock and time server, upload files."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, tzinfo
from pathlib import Path
import secrets
import string
from typing import BinaryIO, Final

from homeassistant.const import CONF_PASSWORD, CONF_PORT
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ...actions import loaded_runtime  # noqa: TID252
from ...const import DOMAIN  # noqa: TID252
from .client import FilePart
from .coordinator import BACKUP_FOLDER, ReceiverCoordinator
from .models import WALLPAPER_UPLOAD_SLOTS, image_info, wallpaper_problem, wifi_qr_text
from .runtime import ReceiverRuntime

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
SERVICE_REBOOT: Final = "presentation_receiver_reboot"
SERVICE_GUEST_WIFI_PASSWORD: Final = "presentation_receiver_set_guest_wifi_password"  # noqa: S105
WIFI_PASSWORD_LENGTH: Final = 12
SERVICE_BACKUP: Final = "presentation_receiver_backup_configuration"
SERVICE_RESTORE: Final = "presentation_receiver_restore_configuration"
ATTR_DELAY: Final = "delay"
ATTR_REASON: Final = "reason"

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


ENTRY_SCHEMA = vol.Schema(_ENTRY)
GUEST_WIFI_PASSWORD_SCHEMA = vol.Schema(
    {**_ENTRY, vol.Optional(CONF_PASSWORD): vol.All(cv.string, vol.Match(r"^[A-Za-z0-9]{8,16}$"))}
)
RESTORE_SCHEMA = vol.Schema({**_ENTRY, vol.Required(ATTR_PATH): cv.string})
REBOOT_SCHEMA = vol.Schema(
    {
        **_ENTRY,
        vol.Optional(ATTR_DELAY, default=0): vol.All(vol.Coerce(int), vol.Range(min=0, max=1440)),
        vol.Optional(ATTR_REASON, default="Home Assistant"): vol.All(
            cv.string, vol.Length(min=1, max=64)
        ),
    }
)


def _coordinator(hass: HomeAssistant, call: ServiceCall) -> ReceiverCoordinator:
    """Return the coordinator of the receiver an action targets."""
    runtime = loaded_runtime(
        hass,
        call.data[ATTR_CONFIG_ENTRY],
        KEY,
        ReceiverRuntime,
        not_found="receiver_not_a_receiver",
        not_loaded="receiver_not_loaded",
    )
    return runtime.coordinator


def _allowed_file(hass: HomeAssistant, path: str, *, backups: bool = False) -> Path:
    """Return a file Home Assistant may read (``allowlist_external_dirs``, e.g. /media) (blocking).

    A relative path is taken from the configuration folder; with ``backups``, the private
    backup folder is allowed too.
    """
    file = (Path(hass.config.config_dir) / path).resolve()
    backup_folder = Path(hass.config.path(BACKUP_FOLDER)).resolve()
    own_backup = backups and file.is_relative_to(backup_folder)
    if not own_backup and not hass.config.is_allowed_path(str(file)):
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
    return file


async def _async_read(hass: HomeAssistant, path: str) -> tuple[Path, bytes]:
    """Check and read a (small) file without blocking the event loop."""

    def read() -> tuple[Path, bytes]:
        file = _allowed_file(hass, path)
        return file, file.read_bytes()

    return await hass.async_add_executor_job(read)


async def _async_set_time(hass: HomeAssistant, call: ServiceCall) -> None:
    """Set the device clock: the given time, or now, as wall-clock time in the device's zone."""
    coordinator = _coordinator(hass, call)
    zone: tzinfo | None = None
    if coordinator.data.time_zone:
        zone = await dt_util.async_get_time_zone(coordinator.data.time_zone)
    zone = zone or dt_util.get_default_time_zone()
    wanted: datetime = call.data.get(ATTR_TIME) or dt_util.now()
    if wanted.tzinfo is None:
        wanted = wanted.replace(tzinfo=dt_util.get_default_time_zone())
    local = wanted.astimezone(zone).replace(tzinfo=None)
    await coordinator.async_set_time(local)


async def _async_set_ntp(hass: HomeAssistant, call: ServiceCall) -> None:
    """Set the time server and whether the clock follows it."""
    coordinator = _coordinator(hass, call)
    command = coordinator.async_set_ntp(
        server=call.data.get(ATTR_SERVER),
        port=call.data.get(CONF_PORT),
        auto=call.data.get(ATTR_AUTO),
    )
    await command


async def _async_upload_wallpaper(hass: HomeAssistant, call: ServiceCall) -> None:
    """Upload a PNG or JPEG to a custom wallpaper slot, and show it if asked."""
    coordinator = _coordinator(hass, call)
    slot = call.data[ATTR_SLOT]
    _check_not_shown(coordinator, slot)
    file, content = await _async_read(hass, call.data[ATTR_PATH])
    info = image_info(content)
    if info is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="receiver_not_an_image"
        )
    content_type, width, height = info
    if problem := wallpaper_problem(width, height):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=f"receiver_wallpaper_{problem}",
            translation_placeholders={"width": str(width), "height": str(height)},
        )
    await coordinator.async_upload_wallpaper(slot, content, file.name, content_type)
    if call.data[ATTR_SHOW]:
        await coordinator.async_select_wallpaper(slot)


def _check_not_shown(coordinator: ReceiverCoordinator, slot: int) -> None:
    """Refuse to replace or delete the wallpaper shown now (the document forbids it)."""
    if coordinator.data.wallpaper == slot:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="receiver_wallpaper_active",
            translation_placeholders={"slot": str(slot)},
        )


async def _async_delete_wallpaper(hass: HomeAssistant, call: ServiceCall) -> None:
    """Delete the image in a custom wallpaper slot (not the one shown now)."""
    coordinator = _coordinator(hass, call)
    _check_not_shown(coordinator, call.data[ATTR_SLOT])
    await coordinator.async_delete_wallpaper(call.data[ATTR_SLOT])


async def _async_update_firmware(hass: HomeAssistant, call: ServiceCall) -> None:
    """Install firmware from a file."""
    coordinator = _coordinator(hass, call)

    def open_file() -> tuple[Path, BinaryIO, int]:
        file = _allowed_file(hass, call.data[ATTR_PATH])
        return file, file.open("rb"), file.stat().st_size

    file, stream, size = await hass.async_add_executor_job(open_file)
    try:
        # Streamed from disk (aiohttp reads it in the executor), under its real name.
        part = FilePart(field="fileName", content=stream, filename=file.name, size=size)
        await coordinator.async_install_firmware(part)
    finally:
        await hass.async_add_executor_job(stream.close)


async def _async_set_guest_wifi_password(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Set the guest Wi-Fi password (a fresh random one unless given); answer with the join data.

    The answer (SSID, password and the text a Wi-Fi QR code encodes) reaches only the caller,
    e.g. an automation that shows it on the room's dashboard; it never becomes a state.
    """
    coordinator = _coordinator(hass, call)
    password = call.data.get(CONF_PASSWORD) or "".join(
        secrets.choice(string.ascii_letters + string.digits) for _ in range(WIFI_PASSWORD_LENGTH)
    )
    await coordinator.async_set_wifi(password=password)
    wifi = coordinator.data.wifi
    ssid = (wifi.ssid if wifi else None) or ""
    secured = wifi is None or wifi.security != 0
    hidden = wifi is not None and wifi.hidden is True
    return {
        "ssid": ssid,
        "password": password,
        "qr_text": wifi_qr_text(ssid, password if secured else None, hidden),
    }


async def _async_backup(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Export the receiver's configuration into a private file; answer with its path."""
    coordinator = _coordinator(hass, call)
    path = await coordinator.async_backup_configuration()
    return {"path": str(path)}


async def _async_restore(hass: HomeAssistant, call: ServiceCall) -> None:
    """Import a configuration file (a backup); the receiver then asks for a restart."""
    coordinator = _coordinator(hass, call)

    def read() -> tuple[Path, bytes]:
        file = _allowed_file(hass, call.data[ATTR_PATH], backups=True)
        return file, file.read_bytes()

    file, content = await hass.async_add_executor_job(read)
    await coordinator.async_restore_configuration(content, file.name)


async def _async_reboot(hass: HomeAssistant, call: ServiceCall) -> None:
    """Restart the receiver now or after a delay (minutes), with a reason."""
    coordinator = _coordinator(hass, call)
    await coordinator.async_reboot(call.data[ATTR_DELAY], call.data[ATTR_REASON])


type Handler = Callable[[HomeAssistant, ServiceCall], Awaitable[ServiceResponse | None]]

_SERVICES: Final[tuple[tuple[str, vol.Schema, Handler, SupportsResponse], ...]] = (
    (SERVICE_SET_TIME, SET_TIME_SCHEMA, _async_set_time, SupportsResponse.NONE),
    (SERVICE_SET_NTP, SET_NTP_SCHEMA, _async_set_ntp, SupportsResponse.NONE),
    (
        SERVICE_UPLOAD_WALLPAPER,
        UPLOAD_WALLPAPER_SCHEMA,
        _async_upload_wallpaper,
        SupportsResponse.NONE,
    ),
    (
        SERVICE_DELETE_WALLPAPER,
        DELETE_WALLPAPER_SCHEMA,
        _async_delete_wallpaper,
        SupportsResponse.NONE,
    ),
    (
        SERVICE_UPDATE_FIRMWARE,
        UPDATE_FIRMWARE_SCHEMA,
        _async_update_firmware,
        SupportsResponse.NONE,
    ),
    (SERVICE_REBOOT, REBOOT_SCHEMA, _async_reboot, SupportsResponse.NONE),
    (SERVICE_BACKUP, ENTRY_SCHEMA, _async_backup, SupportsResponse.OPTIONAL),
    (
        SERVICE_GUEST_WIFI_PASSWORD,
        GUEST_WIFI_PASSWORD_SCHEMA,
        _async_set_guest_wifi_password,
        SupportsResponse.OPTIONAL,
    ),
    (SERVICE_RESTORE, RESTORE_SCHEMA, _async_restore, SupportsResponse.NONE),
)


def async_register_services(hass: HomeAssistant) -> None:
    """Register the receiver actions."""
    for name, schema, handler, response in _SERVICES:

        async def handle(call: ServiceCall, handler: Handler = handler) -> ServiceResponse:
            return await handler(hass, call)

        hass.services.async_register(
            DOMAIN, name, handle, schema=schema, supports_response=response
        )
