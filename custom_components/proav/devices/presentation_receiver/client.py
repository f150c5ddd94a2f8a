"""Async client of the presentation receiver REST API v1 (no Home Assistant imports).

Conventions the device reference settles (docs/devices/presentation_receiver.md):
- every parameter travels in the query string, ``username`` on every call; files go as
  multipart form fields (``fileName``, ``wallpaperImage``);
- API key auth sends the raw key as ``Authorization: Basic <key>``; creating a key (1.2) needs
  real Basic auth (``username:password``); changing the password (1.1) takes either;
- HTTP 200 answers carry ``errorCode`` (0 = success, the only success signal).

What the document does not settle is read cautiously (the field review):
- only HTTP 401 refuses the key; HTTP 403 and every non-zero ``errorCode`` (whose meanings the
  document does not give) are that one call's failure: never a reason to renew the key;
- a key is renewed (with a stored password) only after a 401, through the login gate, at most
  once per ``RENEW_THROTTLE``; creating a key revokes the account's previous one, so every
  renewal counts;
- redirects are never followed (an http -> https redirect would turn a POST into a GET and drop
  the Authorization header): ``HttpsRequired`` tells the user to switch to HTTPS.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
import json
import time
from typing import IO, Any, Final

import aiohttp
from yarl import URL

from ..errors import (  # noqa: TID252
    CannotConnect,
    DeviceBusy,
    DeviceError,
    InvalidAuth,
    InvalidResponse,
    NotPermitted,
    NotSupported,
)
from ..session import DeviceClient  # noqa: TID252
from .models import (
    LANGUAGES,
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
    as_choice,
    as_int,
    as_str,
    as_text,
    decode_data,
    normalize_mac,
    parse_time,
)

API: Final = "/api/v1/device"
TIMEOUT: Final = 10.0
FIRMWARE_CHECK_TIMEOUT: Final = 30.0  # the check asks the vendor's OTA server
UPLOAD_TIMEOUT: Final = 120.0  # at least; grows with the file's size
UPLOAD_RATE: Final = 100_000  # bytes per second a slow receiver still takes
# A key refused again this soon after the last renewal is not renewed again: every new key
# revokes the previous one, so a renewal loop would lock out every other user of the account.
RENEW_THROTTLE: Final = 300.0
NOT_OFFERED: Final = (404, 405, 501)
# Answers that hold secrets beyond the redacted keys: recorded by size only.
SECRET_BODIES: Final = frozenset({"GET /admin/configuration"})
# Answers whose whole ``data`` is an identifier, and fields that are one under names the shared
# redaction does not know: masked before they are recorded.
PRIVATE_DATA: Final = frozenset(
    {"GET /network/ethernet/macaddress", "GET /network/wifi/macaddress"}
)
PRIVATE_FIELDS: Final = frozenset({"ethMacAddress", "wifiMacAddress", "macAddress"})
MASK: Final = "**REDACTED**"

# How a key may be sent: the document's only example is "Authorization: Basic <api_key>"; the
# page that named the key's header or parameter was lost from the PDF. Tried in this order in
# the config flow only (a refusal there changes nothing on the device), then stored.
KEY_STYLE_BASIC: Final = "basic"  # Authorization: Basic <key>
KEY_STYLES: Final = (KEY_STYLE_BASIC, "basic_base64", "bearer", "x_api_key", "query")

type Params = Mapping[str, str | int | bool | None]


class HttpsRequired(NotSupported):
    """The device redirects plain HTTP to HTTPS: the entry must use HTTPS."""

    # The config flow shows this form error instead of cannot_connect.
    flow_error = "receiver_use_https"


class FirmwareUnavailable(DeviceError):
    """No newer firmware, or the update server is unreachable (1200)."""


# What the non-zero codes are taken for (the document lists them without meanings): each one
# fails only the call that got it.
_ERRORS: Final[dict[int, type[DeviceError]]] = {
    1003: NotPermitted,
    1004: NotPermitted,
    1005: DeviceBusy,
    1200: FirmwareUnavailable,
}


@dataclass(frozen=True, kw_only=True)
class FilePart:
    """A file sent as one multipart form field: bytes, or an open file streamed from disk."""

    field: str
    content: bytes | IO[bytes]
    filename: str
    content_type: str = "application/octet-stream"
    size: int = 0

    def form(self) -> aiohttp.FormData:
        """Return a fresh form holding the file (a stream starts again from its beginning)."""
        if not isinstance(self.content, bytes):
            self.content.seek(0)
        form = aiohttp.FormData()
        form.add_field(
            self.field, self.content, filename=self.filename, content_type=self.content_type
        )
        return form

    @property
    def time_limit(self) -> float:
        """Return how long the upload may take (longer for bigger files)."""
        size = len(self.content) if isinstance(self.content, bytes) else self.size
        return max(UPLOAD_TIMEOUT, size / UPLOAD_RATE)


def _object(data: Any, what: str) -> dict[str, Any]:
    """Return ``data`` if it is an object; anything else is a broken answer."""
    if not isinstance(data, dict):
        raise InvalidResponse(f"{what}: data is not an object")
    return data


def _capture(what: str, body: bytes) -> Any:
    """Return an answer as recorded for diagnostics: identifiers the shared rules miss masked."""
    if what in SECRET_BODIES:
        return f"<{len(body)} bytes>"
    try:
        raw = json.loads(body)
    except ValueError:
        return body
    if isinstance(raw, dict):
        if what in PRIVATE_DATA and "data" in raw:
            raw["data"] = MASK
        data = decode_data(raw.get("data"))
        if isinstance(data, dict):
            raw["data"] = {key: MASK if key in PRIVATE_FIELDS else v for key, v in data.items()}
    return raw


def _query_value(value: str | int | bool) -> str:
    """Render a query value: booleans in lower case, numbers in decimal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class PresentationReceiverClient(DeviceClient):
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
        renew_throttle: float = RENEW_THROTTLE,
        key_style: str = KEY_STYLE_BASIC,
        renewed_at: float | None = None,
    ) -> None:
        """Keep the address and credentials; ``password`` enables key renewal after a 401.

        ``renewed_at`` (monotonic seconds) is when an earlier client of the same entry last
        made a key, so the throttle holds across reloads and setup retries.
        """
        super().__init__()
        self._session = session
        self._base = URL.build(scheme="https" if ssl else "http", host=host, port=port)
        self.username = username
        self.api_key = api_key
        self._password = password
        self._on_new_key = on_new_key
        self._lock = asyncio.Lock()
        self._renewed_at = renewed_at  # monotonic time of the last key creation
        self._renew_throttle = renew_throttle
        self.key_style = key_style if key_style in KEY_STYLES else KEY_STYLE_BASIC
        # Latched from any answer's rebootRequired; the caller clears it after a reboot.
        self.reboot_required = False
        self.model = ""

    @property
    def base_url(self) -> str:
        """Return the device's base URL."""
        return str(self._base)

    @property
    def keys_created(self) -> int:
        """Return how many keys this client created (each one revoked the previous key)."""
        return self.login_gate.logins

    def use_key(self, key: ApiKey) -> None:
        """Use a key created elsewhere (a config flow that found this device configured)."""
        self.api_key = key

    async def async_close(self) -> None:
        """Sign out: nothing to do. The API key is no session; it must outlive a restart."""

    async def _request(
        self,
        method: str,
        path: str,
        params: Params | None = None,
        *,
        file: FilePart | None = None,
        time_limit: float = TIMEOUT,
    ) -> Any:
        """Send one request with the key; after a 401, renew it once if allowed."""
        async with self._lock:
            sent_with = self.api_key
            try:
                return await self._send(method, path, params, file, time_limit, basic=False)
            except InvalidAuth as err:
                if self.api_key is not None and self.api_key is not sent_with:
                    # A new key arrived while this request was under way (a config flow made
                    # one for this account): the refusal was of the old key. Use the new one.
                    return await self._send(method, path, params, file, time_limit, basic=False)
                if not self._password:
                    raise  # the key itself was refused: only the user can give a new one
                self.login_gate.check()  # the password was refused before: the user must act
                if (
                    self._renewed_at is not None
                    and time.monotonic() - self._renewed_at < self._renew_throttle
                ):
                    # A key created minutes ago refused again: another key would not help.
                    raise NotPermitted(
                        f"{method} {path or '/'}: refused soon after a new key", 401
                    ) from err
            # The 401 means the device did not run the request: sending it again is safe.
            await self.login_gate.async_login(self._renew_key)
            try:
                return await self._send(method, path, params, file, time_limit, basic=False)
            except InvalidAuth as err:
                # The key the password just created is refused: not a wrong password.
                raise NotPermitted(f"{method} {path or '/'}: refused with a new key", 401) from err

    async def _get_object(
        self, path: str, params: Params | None = None, *, time_limit: float = TIMEOUT
    ) -> dict[str, Any]:
        """GET an endpoint whose ``data`` is documented as an object."""
        return _object(await self._request("GET", path, params, time_limit=time_limit), path)

    async def _renew_key(self) -> None:
        """Create a new key with the stored password and hand it to the owner."""
        self._renewed_at = time.monotonic()
        data = await self._send("PUT", "/admin/apikey", None, None, TIMEOUT, basic=True)
        self._set_key(ApiKey.from_data(_object(data, "/admin/apikey")))

    def _set_key(self, key: ApiKey) -> None:
        """Use a new key from now on; tell the owner so it can store it."""
        if not key.token:
            raise InvalidResponse("The device created an empty API key")
        self.api_key = key
        if self._on_new_key is not None:
            self._on_new_key(key)

    def _auth(self, *, basic: bool) -> tuple[dict[str, str], dict[str, str]]:
        """Return the headers and query parameters that authenticate a request.

        Basic user:password creates keys; everything else carries the key in its style.
        """
        if basic:
            if not self._password:
                raise InvalidAuth("A password is needed to create an API key")
            # As aiohttp.BasicAuth encoded it (deprecated in newer aiohttp; its replacement,
            # encode_basic_auth, is newer than Home Assistant 2025.4's aiohttp).
            credentials = f"{self.username}:{self._password}".encode("latin1")
            return {"Authorization": f"Basic {base64.b64encode(credentials).decode('ascii')}"}, {}
        if self.api_key is None:
            raise InvalidAuth("No API key")
        token = self.api_key.token
        match self.key_style:
            case "basic_base64":
                return {"Authorization": f"Basic {base64.b64encode(token.encode()).decode()}"}, {}
            case "bearer":
                return {"Authorization": f"Bearer {token}"}, {}
            case "x_api_key":
                return {"X-API-Key": token}, {}
            case "query":
                return {}, {"apikey": token}
        return {"Authorization": f"Basic {token}"}, {}

    async def async_find_key_style(self) -> Device:
        """Find how the device wants the key (config flow only); return the device.

        Each style is tried with the key (a refusal changes nothing on the device); only if
        every style refuses it, and a password is known, one new key is created and tried.
        """
        async with self._lock:
            if self.api_key is not None and (device := await self._async_try_styles()):
                return device
            if not self._password:
                raise InvalidAuth("The key is refused in every known style")
            await self.login_gate.async_login(self._renew_key)
            if device := await self._async_try_styles():
                return device
        # A key the password has just made is refused in every style: not the password.
        raise NotPermitted("The device refuses its new key in every known style", 401)

    async def _async_try_styles(self) -> Device | None:
        """Read the device with the key in each style; keep the first style that works.

        Some units refuse a key they cannot find with 403 rather than 401: here (and only here,
        where a refusal changes nothing) both mean "not this style".
        """
        for style in KEY_STYLES:
            self.key_style = style
            try:
                data = await self._send("GET", "", None, None, TIMEOUT, basic=False)
            except InvalidAuth:
                continue
            except NotPermitted as err:
                if err.code != 403:
                    raise
                continue
            return Device.from_data(_object(data, "/"))
        self.key_style = KEY_STYLE_BASIC
        return None

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
        headers, auth_query = self._auth(basic=basic)
        query = {"username": self.username} | {
            key: _query_value(value) for key, value in (params or {}).items() if value is not None
        }
        query |= auth_query
        form = file.form() if file is not None else None  # a form can be sent only once
        url = self._base.with_path(f"{API}{path}").with_query(query)
        what = f"{method} {path or '/'}"
        try:
            async with asyncio.timeout(time_limit):
                async with self._session.request(
                    method, url, data=form, headers=headers, allow_redirects=False
                ) as response:
                    status = response.status
                    location = response.headers.get("Location", "")
                    content_type = response.content_type
                    body = await response.read()
        except (TimeoutError, aiohttp.ClientError, OSError) as err:
            # Parameters travel in the query string (codes, Wi-Fi passwords) and an error's text
            # may quote the URL: name the error's kind only.
            raise CannotConnect(f"{what}: {type(err).__name__}") from err
        self.captures.record(what, status, _capture(what, body), content_type)
        return self._unwrap(status, body, content_type, location, what)

    def _unwrap(self, status: int, body: bytes, content_type: str, location: str, what: str) -> Any:
        """Check the HTTP status and the envelope; return ``data``."""
        if 300 <= status < 400:
            if URL(location).scheme == "https" and self._base.scheme == "http":
                raise HttpsRequired(f"{what}: redirected to HTTPS", status)
            raise NotSupported(f"{what}: redirected", status)
        if status == 401:
            raise InvalidAuth(f"{what}: HTTP 401")
        if status == 403:
            raise NotPermitted(f"{what}: HTTP 403", 403)
        if status in NOT_OFFERED:
            raise NotSupported(f"{what}: HTTP {status}", status)
        if status == 429:
            raise DeviceBusy(f"{what}: HTTP 429", status)
        if status >= 500:
            raise CannotConnect(f"{what}: HTTP {status}")
        try:
            raw = json.loads(body)
        except ValueError:
            raw = None
        if not isinstance(raw, dict):
            if "html" in content_type:
                raise NotSupported(f"{what}: HTML instead of JSON", status)
            raise InvalidResponse(f"{what}: the answer is not a JSON object")
        envelope = Envelope.from_data(raw)
        if status != 200:
            raise DeviceError(f"{what}: HTTP {status}", status)
        self.model = envelope.model or self.model
        if envelope.reboot_required:
            self.reboot_required = True
        if not envelope.success:
            code = envelope.error_code
            error = _ERRORS.get(code, DeviceError) if code is not None else InvalidResponse
            raise error(f"{what}: error {code}", code)
        return envelope.data

    # 1. Administration

    async def create_api_key(self) -> ApiKey:
        """Create a new key for the account with its password (revokes its previous key)."""
        async with self._lock:
            await self.login_gate.async_login(self._renew_key)
        assert self.api_key is not None
        return self.api_key

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
        """Return the installed firmware; with ``check``, ask for a newer one too.

        errorCode 1200 on a check is "no newer firmware" (or the vendor's server is out of
        reach): not an error, just nothing new.
        """
        if not check:
            return Firmware.from_data(await self._get_object("/admin/firmware"))
        try:
            data = await self._get_object(
                "/admin/firmware", {"hasNew": True}, time_limit=FIRMWARE_CHECK_TIMEOUT
            )
        except FirmwareUnavailable:
            return Firmware(current="", new=None)
        return Firmware.from_data(data)

    async def update_firmware(self, file: FilePart | None = None) -> None:
        """Install firmware: the uploaded file (field ``fileName``), or the newer one online."""
        time_limit = file.time_limit if file is not None else UPLOAD_TIMEOUT
        await self._request("POST", "/admin/firmware", file=file, time_limit=time_limit)

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

    async def get_name(self) -> str | None:
        """Return the device name."""
        return as_text(await self._request("GET", "/general/name"))

    async def set_name(self, value: str) -> None:
        """Set the device name (letters, digits and "-", up to 16)."""
        await self._request("PUT", "/general/name", {"value": value})

    async def get_language(self) -> int | None:
        """Return the on-screen language (0 English, 1 Traditional, 2 Simplified Chinese).

        The document types it as a string: a number or a name ("English") both read.
        """
        return as_choice(await self._request("GET", "/general/language"), LANGUAGES)

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

    async def get_wallpaper(self) -> int | None:
        """Return the active wallpaper slot (0-5; None if unreadable)."""
        return as_int(await self._request("GET", "/general/wallpaper"))

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
            "PUT", f"/general/wallpaper/{slot}", file=file, time_limit=file.time_limit
        )

    async def delete_wallpaper(self, slot: int) -> None:
        """Delete the image in a custom slot (2-5)."""
        await self._request("DELETE", f"/general/wallpaper/{slot}")

    # 5. Network

    async def get_ethernet_mac(self) -> str:
        """Return the Ethernet MAC address."""
        return normalize_mac(await self._request("GET", "/network/ethernet/macaddress"))

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
        return normalize_mac(await self._request("GET", "/network/wifi/macaddress"))

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

    async def get_time_zone(self) -> str | None:
        """Return the device's time zone."""
        return as_text(await self._request("GET", "/time/zone"))

    async def set_time_zone(self, zone: str) -> None:
        """Set the device's time zone (one of models.TIME_ZONES)."""
        await self._request("PUT", "/time/zone", {"value": zone})

    async def get_time(self, zone: str | None = None) -> datetime | None:
        """Return the device's clock (None if unreadable); a time without offset is in ``zone``."""
        return parse_time(await self._request("GET", "/time"), zone)

    async def set_time(self, local: datetime) -> None:
        """Set the clock to a wall-clock time in the device's own time zone."""
        await self._request("PUT", "/time", {"value": local.strftime("%Y-%m-%dT%H:%M:%S")})
