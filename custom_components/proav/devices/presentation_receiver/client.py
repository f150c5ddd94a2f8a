"""Async client of the presentation receiver REST API v1 (no Home Assistant imports).

Conventions the device reference settles (docs/devices/presentation_receiver.md):
- every parameter travels in the query string, ``username`` on every call; files go as
  multipart form fields (``fileName``, ``wallpaperImage``);
- API key auth sends the raw key as ``Authorization: Basic <key>``; creating a key (1.2) needs
  real Basic auth (``username:password``); changing the password (1.1) takes either;
- HTTP 200 answers carry ``errorCode`` (0 = success); 401 (or code 1002) means the key or the
  password was rejected.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
import json
from typing import Any, Final

import aiohttp

from ..errors import CannotConnect, DeviceError, InvalidAuth, InvalidResponse  # noqa: TID252
from .models import (
    ApiKey,
    Device,
    Envelope,
    Ethernet,
    Firmware,
    LoginCode,
    Ntp,
    PowerMode,
    Resolution,
    Wifi,
    as_bool,
    as_str,
    int_or,
    parse_time,
)

API: Final = "/api/v1/device"
TIMEOUT: Final = 10.0
FIRMWARE_CHECK_TIMEOUT: Final = 30.0  # the check asks the vendor's OTA server
UPLOAD_TIMEOUT: Final = 120.0
RENEW_MARGIN: Final = 60.0
NOT_OFFERED: Final = (404, 405, 501)  # renew a stored-password key this long before it expires

type Params = Mapping[str, str | int | bool | None]


class ReceiverError(DeviceError):
    """The device answered with a non-zero ``errorCode`` (or an HTTP error)."""


class NotSupported(ReceiverError):
    """The device does not offer the endpoint (HTTP 404, 405 or 501)."""


class InvalidParameter(ReceiverError):
    """A parameter was missing or out of range (1001)."""


class PermissionDenied(ReceiverError):
    """The key may only read (``view_only`` scope) (1003)."""


class NotAllowed(ReceiverError):
    """The operation is not allowed in the device's current state (1004)."""


class DeviceBusy(ReceiverError):
    """The device is updating or about to reboot (1005)."""


class FileRejected(ReceiverError):
    """An uploaded file was missing, of the wrong type or size (1100)."""


class FirmwareUnavailable(ReceiverError):
    """No newer firmware, or the update server is unreachable (1200)."""


_ERRORS: Final[dict[int, type[ReceiverError]]] = {
    1001: InvalidParameter,
    1003: PermissionDenied,
    1004: NotAllowed,
    1005: DeviceBusy,
    1100: FileRejected,
    1200: FirmwareUnavailable,
}


@dataclass(frozen=True, kw_only=True)
class FilePart:
    """A file sent as one multipart form field."""

    field: str
    content: bytes
    filename: str
    content_type: str = "application/octet-stream"

    def form(self) -> aiohttp.FormData:
        """Return a fresh form holding the file."""
        form = aiohttp.FormData()
        form.add_field(
            self.field, self.content, filename=self.filename, content_type=self.content_type
        )
        return form


def _object(data: Any, what: str) -> dict[str, Any]:
    """Return ``data`` if it is an object; anything else is a broken answer."""
    if not isinstance(data, dict):
        raise InvalidResponse(f"{what}: data is not an object")
    return data


def _query_value(value: str | int | bool) -> str:
    """Render a query value: booleans in lower case, numbers in decimal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class PresentationReceiverClient:
    """Talk to one receiver. Requests are serialized: embedded web servers dislike parallel calls."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        port: int,
        ssl: bool,
        username: str,
        api_key: ApiKey | None = None,
        password: str | None = None,
        on_new_key: Callable[[ApiKey], None] | None = None,
    ) -> None:
        """Keep the address and credentials; ``password`` enables automatic key renewal."""
        self._session = session
        self._base = f"{'https' if ssl else 'http'}://{host}:{port}"
        self.username = username
        self.api_key = api_key
        self._password = password
        self._on_new_key = on_new_key
        self._lock = asyncio.Lock()
        # Latched from any answer's rebootRequired; the caller clears it after a reboot.
        self.reboot_required = False
        self.model = ""

    @property
    def base_url(self) -> str:
        """Return the device's base URL."""
        return self._base

    async def _request(
        self,
        method: str,
        path: str,
        params: Params | None = None,
        *,
        file: FilePart | None = None,
        time_limit: float = TIMEOUT,
    ) -> Any:
        """Send one request with the key (renewing it if allowed); return the decoded ``data``."""
        async with self._lock:
            if self._can_renew() and (
                self.api_key is None or self.api_key.expires_within(RENEW_MARGIN)
            ):
                await self._renew_key()
            try:
                return await self._send(method, path, params, file, time_limit, basic=False)
            except InvalidAuth:
                if not self._can_renew():
                    raise
            await self._renew_key()
            return await self._send(method, path, params, file, time_limit, basic=False)

    async def _get_object(
        self, path: str, params: Params | None = None, *, time_limit: float = TIMEOUT
    ) -> dict[str, Any]:
        """GET an endpoint whose ``data`` is documented as an object."""
        return _object(await self._request("GET", path, params, time_limit=time_limit), path)

    def _can_renew(self) -> bool:
        """Return whether a stored password lets the client create a new key by itself."""
        return bool(self._password)

    async def _renew_key(self) -> None:
        """Create a new key with the stored password and hand it to the owner."""
        data = await self._send("PUT", "/admin/apikey", None, None, TIMEOUT, basic=True)
        self._set_key(ApiKey.from_data(_object(data, "/admin/apikey")))

    def _set_key(self, key: ApiKey) -> None:
        """Use a new key from now on; tell the owner so it can store it."""
        if not key.token:
            raise InvalidResponse("The device created an empty API key")
        self.api_key = key
        if self._on_new_key is not None:
            self._on_new_key(key)

    def _auth_header(self, *, basic: bool) -> str:
        """Return the Authorization header: Basic user:password, or the raw key."""
        if basic:
            if not self._password:
                raise InvalidAuth("A password is needed to create an API key")
            # As aiohttp.BasicAuth encoded it (deprecated in newer aiohttp; its replacement,
            # encode_basic_auth, is newer than Home Assistant 2025.4's aiohttp).
            credentials = f"{self.username}:{self._password}".encode("latin1")
            return f"Basic {base64.b64encode(credentials).decode('ascii')}"
        if self.api_key is None:
            raise InvalidAuth("No API key")
        return f"Basic {self.api_key.token}"

    async def _send(
        self,
        method: str,
        path: str,
        params: Params | None,
        file: FilePart | None,
        time_limit: float,
        *,
        basic: bool,
    ) -> Any:
        """Send one request and unwrap the envelope; map every failure to a typed error."""
        query = {"username": self.username} | {
            key: _query_value(value) for key, value in (params or {}).items() if value is not None
        }
        headers = {"Authorization": self._auth_header(basic=basic)}
        form = file.form() if file is not None else None  # a form can be sent only once
        try:
            async with asyncio.timeout(time_limit):
                async with self._session.request(
                    method, f"{self._base}{API}{path}", params=query, data=form, headers=headers
                ) as response:
                    status = response.status
                    body = await response.read()
        except (TimeoutError, aiohttp.ClientError, OSError) as err:
            # Parameters travel in the query string (codes, Wi-Fi passwords) and an error's text
            # may quote the URL: name the error's kind only.
            raise CannotConnect(f"{method} {path}: {type(err).__name__}") from err
        return self._unwrap(status, body, f"{method} {path}")

    def _unwrap(self, status: int, body: bytes, what: str) -> Any:
        """Check the HTTP status and the envelope; return ``data``."""
        if status in (401, 403):
            raise InvalidAuth(f"{what}: HTTP {status}")
        if status >= 500 and status not in NOT_OFFERED:
            raise CannotConnect(f"{what}: HTTP {status}")
        try:
            raw = json.loads(body)
        except ValueError:
            raw = None
        if status != 200:
            message = Envelope.from_data(raw).error_message if isinstance(raw, dict) else ""
            error = NotSupported if status in NOT_OFFERED else ReceiverError
            raise error(message or f"{what}: HTTP {status}", status)
        if not isinstance(raw, dict):
            raise InvalidResponse(f"{what}: the answer is not a JSON object")
        envelope = Envelope.from_data(raw)
        self.model = envelope.model or self.model
        if envelope.reboot_required:
            self.reboot_required = True
        if envelope.error_code == 1002:
            raise InvalidAuth(envelope.error_message or f"{what}: rejected")
        if not envelope.success:
            error = _ERRORS.get(envelope.error_code, ReceiverError)
            raise error(
                envelope.error_message or f"error {envelope.error_code}", envelope.error_code
            )
        return envelope.data

    # 1. Administration

    async def create_api_key(self) -> ApiKey:
        """Create a new key for the account with its password (revokes its previous key)."""
        async with self._lock:
            data = await self._send("PUT", "/admin/apikey", None, None, TIMEOUT, basic=True)
            key = ApiKey.from_data(_object(data, "/admin/apikey"))
            self._set_key(key)
        return key

    async def change_password(self, value: str) -> None:
        """Change the account's password (with the key)."""
        await self._request("PUT", "/admin/password", {"value": value})
        if self._password:
            self._password = value

    async def export_configuration(self) -> bytes:
        """Return the device's configuration file."""
        data = await self._request("GET", "/admin/configuration")
        try:
            return base64.b64decode(as_str(data), validate=True)
        except ValueError as err:
            raise InvalidResponse("The configuration is not base64") from err

    async def import_configuration(self, content: bytes, filename: str = "device.config") -> None:
        """Import a configuration file (the device then needs a reboot)."""
        file = FilePart(field="fileName", content=content, filename=filename)
        await self._request("POST", "/admin/configuration", file=file, time_limit=UPLOAD_TIMEOUT)

    async def get_firmware(self, *, check: bool = False) -> Firmware:
        """Return the installed firmware; with ``check``, ask for a newer one too."""
        params = {"hasNew": True} if check else None
        time_limit = FIRMWARE_CHECK_TIMEOUT if check else TIMEOUT
        return Firmware.from_data(
            await self._get_object("/admin/firmware", params, time_limit=time_limit)
        )

    async def update_firmware(
        self, content: bytes | None = None, filename: str = "firmware.bin"
    ) -> None:
        """Install firmware: the uploaded file, or (without one) the newer version online."""
        file = None
        if content is not None:
            file = FilePart(field="fileName", content=content, filename=filename)
        await self._request("POST", "/admin/firmware", file=file, time_limit=UPLOAD_TIMEOUT)

    # 2. Device

    async def get_device(self) -> Device:
        """Return the device's facts and status."""
        return Device.from_data(await self._get_object(""))

    # 3. Display

    async def set_display(self, on: bool) -> None:
        """Turn the display output on or off (there is no way to read it back)."""
        await self._request("POST", "/display", {"value": on})

    async def get_resolution(self) -> Resolution:
        """Return the HDMI and VGA output resolutions."""
        return Resolution.from_data(await self._get_object("/display/resolution"))

    async def set_resolution(self, value: int, *, enable_vga: bool | None = None) -> None:
        """Set the output resolution (and VGA on or off)."""
        await self._request("PUT", "/display/resolution", {"value": value, "enableVGA": enable_vga})

    # 4. General

    async def get_name(self) -> str:
        """Return the device name."""
        return as_str(await self._request("GET", "/general/name"))

    async def set_name(self, value: str) -> None:
        """Set the device name (letters, digits and "-", up to 16)."""
        await self._request("PUT", "/general/name", {"value": value})

    async def get_language(self) -> int | None:
        """Return the on-screen language (0 English, 1 Traditional, 2 Simplified Chinese)."""
        return int_or(await self._request("GET", "/general/language"), -1)

    async def set_language(self, value: int) -> None:
        """Set the on-screen language."""
        await self._request("PUT", "/general/language", {"value": value})

    async def get_login_code(self) -> LoginCode:
        """Return the login code and its mode."""
        return LoginCode.from_data(await self._get_object("/general/logincode"))

    async def set_login_code(self, code_type: int, code: str | None = None) -> None:
        """Set the login code mode (0 random, 1 none, 2 fixed with ``code``)."""
        await self._request("PUT", "/general/logincode", {"type": code_type, "code": code})

    async def get_remote_view(self) -> bool | None:
        """Return whether remote view is on."""
        return as_bool(await self._request("GET", "/general/remoteview"))

    async def set_remote_view(self, on: bool) -> None:
        """Turn remote view on or off."""
        await self._request("PUT", "/general/remoteview", {"value": on})

    async def get_wallpaper(self) -> int:
        """Return the active wallpaper slot (0-5; -1 if unreadable)."""
        return int_or(await self._request("GET", "/general/wallpaper"), -1)

    async def select_wallpaper(self, slot: int) -> None:
        """Show the wallpaper in a slot (0-5)."""
        await self._request("PUT", f"/general/wallpaper/{slot}")

    async def upload_wallpaper(
        self, slot: int, content: bytes, filename: str, content_type: str
    ) -> None:
        """Store a PNG or JPEG image in a custom slot (2-5); it is not shown until selected."""
        file = FilePart(
            field="wallpaperImage", content=content, filename=filename, content_type=content_type
        )
        await self._request(
            "PUT", f"/general/wallpaper/{slot}", file=file, time_limit=UPLOAD_TIMEOUT
        )

    async def delete_wallpaper(self, slot: int) -> None:
        """Delete the image in a custom slot (2-5)."""
        await self._request("DELETE", f"/general/wallpaper/{slot}")

    # 5. Network

    async def get_ethernet_mac(self) -> str:
        """Return the Ethernet MAC address."""
        return as_str(await self._request("GET", "/network/ethernet/macaddress")).lower()

    async def get_ethernet(self) -> Ethernet:
        """Return the Ethernet address settings."""
        return Ethernet.from_data(await self._get_object("/network/ethernet"))

    async def set_ethernet(
        self,
        *,
        dhcp: bool,
        ip: str | None = None,
        mask: str | None = None,
        gateway: str | None = None,
        dns1: str | None = None,
        dns2: str | None = None,
    ) -> None:
        """Set the Ethernet address settings (the device needs a reboot)."""
        params = {"enableDHCP": dhcp, "ip": ip, "mask": mask, "gateway": gateway}
        await self._request("PUT", "/network/ethernet", params | {"dns1": dns1, "dns2": dns2})

    async def get_wifi_mac(self) -> str:
        """Return the Wi-Fi MAC address."""
        return as_str(await self._request("GET", "/network/wifi/macaddress")).lower()

    async def get_wifi(self) -> Wifi:
        """Return the guest access point settings."""
        return Wifi.from_data(await self._get_object("/network/wifi"))

    async def set_wifi(self, mode: str, **settings: str | int | bool | None) -> None:
        """Set the access point (AP or OFF) and any of its settings; omitted ones stay.

        Settings: hideSSID, security, password, band, networking_mode, gatekeeper.
        """
        await self._request("PUT", "/network/wifi", {"mode": mode, **settings})

    # 6. Power

    async def get_power_mode(self) -> PowerMode:
        """Return the power button behaviour and sleep timeout."""
        return PowerMode.from_data(await self._get_object("/power/mode"))

    async def set_power_mode(self, mode: int, sleep_after: int | None = None) -> None:
        """Set the power button behaviour (0 sleep needs ``sleep_after`` minutes, -1 never)."""
        await self._request("PUT", "/power/mode", {"mode": mode, "timeout": sleep_after})

    async def reboot(self, delay: int | None = None, reason: str | None = None) -> None:
        """Reboot now or after ``delay`` minutes."""
        await self._request("POST", "/power/reboot", {"delay": delay, "reason": reason})

    # 7. Time

    async def get_ntp(self) -> Ntp:
        """Return the network time settings."""
        return Ntp.from_data(await self._get_object("/time/ntp"))

    async def set_ntp(
        self, *, server: str | None = None, port: int | None = None, auto: bool | None = None
    ) -> None:
        """Set the network time server and whether the clock follows it."""
        await self._request("PUT", "/time/ntp", {"ip": server, "port": port, "auto": auto})

    async def get_time_zone(self) -> str:
        """Return the device's time zone."""
        return as_str(await self._request("GET", "/time/zone"))

    async def set_time_zone(self, zone: str) -> None:
        """Set the device's time zone (one of models.TIME_ZONES)."""
        await self._request("PUT", "/time/zone", {"value": zone})

    async def get_time(self) -> datetime | None:
        """Return the device's clock (None if it sent something unreadable)."""
        return parse_time(await self._request("GET", "/time"))

    async def set_time(self, local: datetime) -> None:
        """Set the clock to a wall-clock time in the device's own time zone."""
        await self._request("PUT", "/time", {"value": local.strftime("%Y-%m-%dT%H:%M:%S")})
