"""Emulator of a wireless presentation receiver, REST API v1 (``/api/v1/device/...``).

It follows the device reference's decisions (docs/devices/presentation_receiver.md §2-§5, §10):
every parameter in the query string plus ``username``; the raw API key in
``Authorization: Basic <key>``, real Basic auth for creating a key; HTTP 401 for rejected
credentials; HTTP 200 with a non-zero ``errorCode`` for everything else that fails.

Tests drive it as a plain object: ``connect_sender()``, ``start_sharing()``, ``stop_sharing()``
(a random login code rotates), ``rotate_code()``, ``offer_firmware("1.0.1.0")``,
``finish_update()``, ``expire_sessions()``; ``unsupported_paths`` (a model without some endpoints),
``malformed_paths`` (nonsense ``data``), ``stringify_objects``, ``accounts[...].scope``
("view_only"), ``tls=True`` (HTTPS with a self-signed certificate). Standalone demo:
``python -m tests.emulators.presentation_receiver --port 8080``.

Field variants (what a real unit may do where the document is silent, from the field review):
``key_lifetime`` (seconds a new key lives, on the device's own clock, shifted by
``clock_offset``), ``forbid_writes`` (HTTP 403 to every write but key creation),
``error_codes`` ("METHOD /path" -> a non-zero errorCode, e.g. 1002 whose meaning nobody knows),
``redirect_to_https`` (301 to HTTPS for every request), ``flat_shapes`` (display and network
objects without nesting), ``named_scalars`` (language and remote view as words),
``time_with_offset`` (False: the clock without an offset), ``success_flag`` (``isSuccess``
forced, e.g. false with errorCode 0), ``firmware_check_error`` (a check with nothing newer
answers 1200), ``firmware_check_gate`` (a check hangs until it is set), ``drop_fields``
(fields left out of object answers), ``key_style`` (how the unit wants the key sent), ``missing_style`` (a path the unit lacks
answers 404, an HTML page or a redirect to its login page), ``refuse_status`` (403 instead
of 401 for a refused key). ``keys_created`` counts the
API keys created (each one revokes the previous key).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
import json
import random
import re
import string
import struct
import time
from typing import Any, Final
from zoneinfo import ZoneInfo, available_timezones

from aiohttp import BasicAuth, web

from .base import HOST as HOST_NAME, Emulator, self_signed_context

RE_PASSWORD: Final = re.compile(r"^[A-Za-z0-9]{1,16}$")
RE_NAME: Final = re.compile(r"^[A-Za-z\d\-]{1,16}$")
RE_CODE: Final = re.compile(r"^[0-9]{4}$")
RE_WIFI_PASSWORD: Final = re.compile(r"^[A-Za-z0-9]{8,16}$")
RE_SET_TIME: Final = re.compile(
    r"^(20\d{2}-(0\d|1[0-2])-([0-2]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d)$"
)
RE_IPV4: Final = re.compile(r"^(\d{1,3}\.){3}\d{1,3}$")
TIMEOUTS: Final = (5, 15, 30, 60, -1)
API: Final = "/api/v1/device"

type Handler = Callable[[web.Request], Awaitable[Any]]


class ApiError(Exception):
    """An application error answered with HTTP 200 and a non-zero errorCode."""

    def __init__(self, code: int, message: str) -> None:
        """Keep the code and message."""
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Account:
    """One user account with its API key."""

    password: str
    token: str
    expires: int = -1
    scope: str = "full"


@dataclass
class Slots:
    """Wallpaper slots: 0-1 built in, 2-5 uploads (None = empty)."""

    active: int = 0
    images: dict[int, bytes | None] = field(
        default_factory=lambda: {0: b"builtin", 1: b"builtin", 2: None, 3: None, 4: None, 5: None}
    )


def new_token() -> str:
    """Return a fresh 16-character key."""
    return "".join(random.choices(string.ascii_letters + string.digits, k=16))


def _bool(value: str) -> bool:
    """Read a query boolean (true/false/1/0, any case)."""
    lowered = value.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ApiError(1001, f"not a boolean: {value}")


def _int(value: str, allowed: tuple[int, ...] | range | None = None) -> int:
    """Read a query integer, optionally from a set of allowed values."""
    try:
        number = int(value)
    except ValueError as err:
        raise ApiError(1001, f"not an integer: {value}") from err
    if allowed is not None and number not in allowed:
        raise ApiError(1001, f"not allowed: {number}")
    return number


def image_size(content: bytes) -> tuple[int, int] | None:
    """Return (width, height) of a PNG or JPEG; None for anything else."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if not content.startswith(b"\xff\xd8"):
        return None
    index = 2
    while index + 9 < len(content):
        if content[index] != 0xFF:
            return None
        marker = content[index + 1]
        length = int.from_bytes(content[index + 2 : index + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", content[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None


class PresentationReceiverEmulator(Emulator):
    """A faithful stand-in for a wireless presentation receiver."""

    def __init__(
        self,
        *,
        model: str = "EMU-WPS1",
        serial: str = "EMU0000000001",
        username: str = "admin",
        password: str = "admin",  # noqa: S107
        token: str = "0123456789abcdef",  # noqa: S107
        scope: str = "full",
        firmware: str = "1.0.0.100",
        tls: bool = False,
    ) -> None:
        """Set the documented defaults (INVENTED values, all within the constraints)."""
        super().__init__()
        if tls:  # HTTPS with a self-signed certificate, as such receivers ship
            self.ssl_context = self_signed_context(model)
        self.model = model
        self.serial = serial
        self.accounts = {username: Account(password=password, token=token, scope=scope)}
        self.eth_mac, self.wifi_mac = "02:00:00:00:00:01", "02:00:00:00:00:02"
        self.name = "Room-101"
        self.firmware = firmware
        self.ota_version: str | None = None
        self.boot = time.time() - 3600  # up for an hour
        self.senders = 0
        self.sharing = False
        self.sleeping = False
        self.updating = False
        self.display_on = True
        self.output = 0
        self.hdmi_connected = True
        self.cec = True
        self.vga = False
        self.language = 0
        self.login_type = 0
        self.code = "4821"
        self.remote_view = False
        self.wallpaper = Slots()
        self.ethernet: dict[str, Any] = {
            "enableDHCP": True,
            "setting": {
                "ip": "192.168.1.50",
                "mask": "255.255.255.0",
                "gateway": "192.168.1.1",
                "dns1": "192.168.1.1",
                "dns2": "",
            },
        }
        self.wifi: dict[str, Any] = {
            "mode": "AP",
            "ssid": "Room-101",
            "hideSSID": False,
            "security": 1,
            "password": "abcd1234",
            "band": 1,
            "networking_mode": 0,
            "gatekeeper": 1,
        }
        self.power = {"mode": 0, "timeout": 15}
        self.ntp: dict[str, Any] = {"auto": True, "ip": "pool.ntp.org", "port": 123}
        self.zone = "Asia/Taipei"
        self.clock_offset = 0.0
        self.time_format = "%Y-%m-%dT%H:%M:%S"
        self.reboot_required = False
        self.reboot_required_paths = {"/admin/configuration", "/network/ethernet"}
        self.stringify_objects = False  # send objects as JSON-style strings (§4.4 rule 3)
        # Paths this model does not offer (answered 404, like an unknown path)
        self.unsupported_paths: set[str] = set()
        # GET paths (e.g. "", "/general/name") whose "data" is neither an object nor JSON
        self.malformed_paths: set[str] = set()
        self.firmware_uploads: list[bytes] = []
        self.firmware_names: list[str] = []
        self.reboots: list[dict[str, Any]] = []
        # Field variants (see the module docstring)
        self.key_lifetime = -1
        self.forbid_writes = False
        self.error_codes: dict[str, int] = {}
        self.redirect_to_https = False
        self.flat_shapes = False
        self.named_scalars = False
        self.time_with_offset = True
        self.success_flag: bool | None = None
        self.firmware_check_error = False
        self.drop_fields: set[str] = set()
        # How this unit answers a path it lacks: "404" (the envelope), "html" (a 200 web page),
        # "login_redirect" (302 to its login page)
        self.missing_style = "404"
        # The HTTP status of a refused key or password (some units say 403)
        self.refuse_status = 401
        # How this unit wants the key: basic (Basic <key>), basic_base64, bearer, x_api_key, query
        self.key_style = "basic"
        # Set: a firmware check (it asks the vendor's server) waits until the event is set.
        self.firmware_check_gate: asyncio.Event | None = None

    @property
    def keys_created(self) -> int:
        """Return how many API keys were created (each one revoked the account's last key)."""
        return self.command_names().count("apikey")

    def device_time(self) -> float:
        """Return the device's clock as Unix time (it may be off by ``clock_offset``)."""
        return time.time() + self.clock_offset

    # Test controls

    def connect_sender(self) -> None:
        """Connect a sender app (not yet presenting)."""
        self.senders += 1
        self.sleeping = False

    def start_sharing(self) -> None:
        """Let the connected sender start presenting."""
        if not self.senders:
            self.connect_sender()
        self.sharing = True

    def stop_sharing(self) -> None:
        """Stop presenting and disconnect the sender; a random code rotates."""
        self.sharing = False
        self.senders = 0
        if self.login_type == 0:
            self.rotate_code()

    def rotate_code(self) -> None:
        """Draw a new random login code (random mode only)."""
        if self.login_type == 0:
            self.code = f"{random.randrange(10000):04d}"
            while self.code == "4821":
                self.code = f"{random.randrange(10000):04d}"

    def offer_firmware(self, version: str) -> None:
        """Publish a newer firmware version on the update server."""
        self.ota_version = version

    def finish_update(self) -> None:
        """Complete the running firmware update: new version, rebooted."""
        if self.ota_version:
            self.firmware, self.ota_version = self.ota_version, None
        self.updating = False
        self.do_reboot()

    def do_reboot(self) -> None:
        """Reboot: uptime restarts, senders drop, pending changes apply."""
        self.boot = time.time()
        self.senders, self.sharing, self.sleeping = 0, False, False
        self.display_on = True
        self.reboot_required = False
        self.rotate_code()

    def expire_sessions(self) -> None:
        """Every API key expires."""
        for account in self.accounts.values():
            account.expires = int(self.device_time()) - 1

    def status(self) -> str:
        """Return the comma-joined status tokens."""
        if self.updating:
            return "updating"
        if self.sleeping:
            return "sleeping"
        if self.sharing:
            return "connected,sharing"
        return "connected" if self.senders else "standby"

    # Routing

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        """Register the 36 documented method + path pairs."""
        routes: list[tuple[str, str, Handler]] = [
            ("PUT", "/admin/password", self._put_password),
            ("PUT", "/admin/apikey", self._put_apikey),
            ("GET", "/admin/configuration", self._get_configuration),
            ("POST", "/admin/configuration", self._post_configuration),
            ("GET", "/admin/firmware", self._get_firmware),
            ("POST", "/admin/firmware", self._post_firmware),
            ("GET", "", self._get_device),
            ("POST", "/display", self._post_display),
            ("GET", "/display/resolution", self._get_resolution),
            ("PUT", "/display/resolution", self._put_resolution),
            ("GET", "/general/name", lambda _r: self._scalar(self.name)),
            ("PUT", "/general/name", self._put_name),
            ("GET", "/general/language", self._get_language),
            ("PUT", "/general/language", self._put_language),
            ("GET", "/general/logincode", self._get_logincode),
            ("PUT", "/general/logincode", self._put_logincode),
            ("GET", "/general/remoteview", self._get_remoteview),
            ("PUT", "/general/remoteview", self._put_remoteview),
            ("GET", "/general/wallpaper", lambda _r: self._scalar(str(self.wallpaper.active))),
            ("PUT", "/general/wallpaper/{id}", self._put_wallpaper),
            ("DELETE", "/general/wallpaper/{id}", self._delete_wallpaper),
            ("GET", "/network/ethernet/macaddress", lambda _r: self._scalar(self.eth_mac)),
            ("GET", "/network/ethernet", self._get_ethernet),
            ("PUT", "/network/ethernet", self._put_ethernet),
            ("GET", "/network/wifi/macaddress", lambda _r: self._scalar(self.wifi_mac)),
            ("GET", "/network/wifi", lambda _r: self._object(self.wifi)),
            ("PUT", "/network/wifi", self._put_wifi),
            ("GET", "/power/mode", lambda _r: self._object(self.power)),
            ("PUT", "/power/mode", self._put_power),
            ("POST", "/power/reboot", self._post_reboot),
            ("GET", "/time/ntp", lambda _r: self._object(self.ntp)),
            ("PUT", "/time/ntp", self._put_ntp),
            ("GET", "/time/zone", lambda _r: self._scalar(self.zone)),
            ("PUT", "/time/zone", self._put_zone),
            ("GET", "/time", self._get_time),
            ("PUT", "/time", self._put_time),
        ]
        for method, path, handler in routes:
            router.add_route(method, f"{API}{path}", self._wrap(path, handler))
        self.app.middlewares.append(self._unknown_route_middleware)

    @web.middleware
    async def _unknown_route_middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Answer unknown paths (404) and wrong methods (405) with the default envelope."""
        try:
            return await handler(request)
        except web.HTTPException as err:
            if err.status == 404:
                return self._missing()
            if err.status == 405:
                return self._http_error(err.status, err.reason)
            raise

    def _missing(self) -> web.Response:
        """Answer a path this unit lacks, the way ``missing_style`` says."""
        if self.missing_style == "html":
            page = "<html><body><h1>Page not found</h1></body></html>"
            return web.Response(status=200, text=page, content_type="text/html")
        if self.missing_style == "login_redirect":
            return web.Response(status=302, headers={"Location": "/login.html"})
        return self._http_error(404, "Not Found")

    def _envelope(self, code: int, message: str, data: Any = "") -> dict[str, Any]:
        """Return the documented answer frame."""
        return {
            "errorCode": code,
            "errorMsg": message,
            "data": data,
            "isSuccess": code == 0 if self.success_flag is None else self.success_flag,
            "model": self.model,
            "rebootRequired": self.reboot_required,
        }

    def _http_error(self, status: int, message: str) -> web.Response:
        """Return the "default" 4xx/5xx envelope (no data)."""
        body = self._envelope(status, message)
        del body["data"]
        headers = {"WWW-Authenticate": 'Basic realm="device"'} if status == 401 else None
        return web.json_response(body, status=status, headers=headers)

    def _wrap(self, path: str, handler: Handler) -> Handler:
        """Apply auth, scope, busy rules; turn ApiError into a 200 envelope."""

        async def wrapped(request: web.Request) -> web.Response:
            if self.redirect_to_https:
                location = f"https://{HOST_NAME}:{self.port}{request.path_qs}"
                return web.Response(status=301, headers={"Location": location})
            if path in self.unsupported_paths:
                return self._missing()
            if not self._authorized(request, path):
                if self.refuse_status == 403:
                    return self._http_error(403, "Forbidden")
                return self._http_error(401, "Unauthorized")
            if self.forbid_writes and request.method != "GET" and path != "/admin/apikey":
                return self._http_error(403, "Forbidden")
            if (code := self.error_codes.get(f"{request.method} {path}")) is not None:
                return web.json_response(self._envelope(code, "refused"))
            try:
                if request.method != "GET":
                    self._check_write(request)
                data = await handler(request)
            except ApiError as err:
                return web.json_response(self._envelope(err.code, err.message))
            if request.method != "GET" and path in self.reboot_required_paths:
                self.reboot_required = True
            if isinstance(data, dict) and self.drop_fields:
                data = {key: value for key, value in data.items() if key not in self.drop_fields}
            if request.method == "GET" and path in self.malformed_paths:
                data = "{not json"
            elif self.stringify_objects and isinstance(data, dict):
                data = json.dumps(data)
            return web.json_response(self._envelope(0, "", data))

        return wrapped

    def _authorized(self, request: web.Request, path: str) -> bool:
        """Check the auth rules of §2: Basic user:password for 1.2, the key elsewhere."""
        username = request.query.get("username", "")
        account = self.accounts.get(username)
        header = request.headers.get("Authorization", "")
        if account is None:
            return False
        token = self._key_of(request, header)
        expired = account.expires != -1 and account.expires < self.device_time()
        key_ok = token == account.token and not expired
        if path == "/admin/apikey" or (path == "/admin/password" and not key_ok):
            try:
                basic = BasicAuth.decode(header)
            except ValueError:
                return False
            return basic.login == username and basic.password == account.password
        return key_ok

    def _key_of(self, request: web.Request, header: str) -> str | None:
        """Return the key as this unit reads it (None if it is not sent that way)."""
        match self.key_style:
            case "basic_base64" if header.startswith("Basic "):
                try:
                    return base64.b64decode(header.removeprefix("Basic "), validate=True).decode()
                except ValueError:
                    return None
            case "bearer" if header.startswith("Bearer "):
                return header.removeprefix("Bearer ")
            case "x_api_key":
                return request.headers.get("X-API-Key")
            case "query":
                return request.query.get("apikey")
            case "basic" if header.startswith("Basic "):
                return header.removeprefix("Basic ")
        return None

    def _check_write(self, request: web.Request) -> None:
        """Refuse writes with a read-only key (1003) and while updating (1005)."""
        account = self.accounts[request.query["username"]]
        is_key = request.path != f"{API}/admin/apikey"
        if is_key and account.scope == "view_only":
            raise ApiError(1003, "Permission denied")
        if self.updating:
            raise ApiError(1005, "Device busy")

    @staticmethod
    def _param(request: web.Request, name: str) -> str:
        """Return a required query parameter (1001 when missing)."""
        if name not in request.query:
            raise ApiError(1001, f"missing parameter {name}")
        return request.query[name]

    async def _scalar(self, value: str) -> str:
        """Answer a scalar GET (the document types these as strings)."""
        return value

    async def _object(self, value: dict[str, Any]) -> dict[str, Any]:
        """Answer an object GET with a copy of the state."""
        return json.loads(json.dumps(value))

    # 1. Administration

    async def _put_password(self, request: web.Request) -> str:
        value = self._param(request, "value")
        if not RE_PASSWORD.match(value):
            raise ApiError(1001, "invalid password")
        self.accounts[request.query["username"]].password = value
        self.log("password")
        return ""

    async def _put_apikey(self, request: web.Request) -> dict[str, Any]:
        account = self.accounts[request.query["username"]]
        account.token = new_token()
        lifetime = self.key_lifetime
        account.expires = -1 if lifetime < 0 else int(self.device_time()) + lifetime
        self.log("apikey")
        return {"token": account.token, "expiredTime": account.expires, "scope": account.scope}

    async def _get_configuration(self, _request: web.Request) -> str:
        settings = {"name": self.name, "language": self.language, "zone": self.zone}
        return base64.b64encode(json.dumps(settings).encode()).decode()

    async def _post_configuration(self, request: web.Request) -> str:
        content = await self._file(request, "fileName")
        try:
            settings = json.loads(content or b"")
            self.name, self.language = settings["name"], settings["language"]
        except (ValueError, KeyError, TypeError) as err:
            raise ApiError(1100, "unreadable configuration") from err
        self.log("import_configuration")
        return ""

    async def _get_firmware(self, request: web.Request) -> dict[str, Any]:
        data: dict[str, Any] = {"current": self.firmware}
        if "hasNew" in request.query and _bool(request.query["hasNew"]):
            if self.firmware_check_gate is not None:
                await self.firmware_check_gate.wait()
            if self.ota_version:
                data["new"] = self.ota_version
            elif self.firmware_check_error:
                raise ApiError(1200, "no newer firmware")
        return data

    async def _post_firmware(self, request: web.Request) -> str:
        content = await self._file(request, "fileName", required=False)
        if content is None and not self.ota_version:
            raise ApiError(1200, "no newer firmware")
        if content is not None:
            self.firmware_uploads.append(content)
            form = await request.post()
            upload = form.get("fileName")
            if isinstance(upload, web.FileField):
                self.firmware_names.append(upload.filename)
            major, minor, patch, build = self.firmware.split(".")
            self.ota_version = f"{major}.{minor}.{patch}.{int(build) + 1}"
        self.updating = True
        self.log("firmware", upload=content is not None)
        return ""

    # 2. Device

    async def _get_device(self, _request: web.Request) -> dict[str, Any]:
        return {
            "sn": self.serial,
            "model": self.model,
            "ethMacAddress": self.eth_mac,
            "name": self.name,
            "fwVersion": self.firmware,
            "uptime": int(time.time() - self.boot),
            "status": self.status(),
        }

    # 3. Display

    async def _post_display(self, request: web.Request) -> str:
        self.display_on = _bool(self._param(request, "value"))
        self.sleeping = not self.display_on
        self.log("display", value=self.display_on)
        return ""

    async def _get_resolution(self, _request: web.Request) -> dict[str, Any]:
        if self.flat_shapes:
            return {
                "hdmi": self.output if self.hdmi_connected else -1,
                "cec": self.cec,
                "vga": self.output if self.vga else -1,
                "enableVGA": self.vga,
            }
        return {
            "hdmi": {"resolution": self.output if self.hdmi_connected else -1, "cec": self.cec},
            "vga": {"resolution": self.output if self.vga else -1, "enable": self.vga},
        }

    async def _put_resolution(self, request: web.Request) -> str:
        value = _int(self._param(request, "value"), range(6))
        vga = _bool(request.query["enableVGA"]) if "enableVGA" in request.query else self.vga
        if vga and value not in (2, 3, 4):
            raise ApiError(1001, "VGA allows 1920x1080 at most")
        self.output, self.vga = value, vga
        self.log("resolution", value=value, vga=vga)
        return ""

    # 4. General

    async def _get_language(self, _request: web.Request) -> str:
        if self.named_scalars:
            return ("English", "Traditional Chinese", "Simplified Chinese")[self.language]
        return str(self.language)

    async def _get_remoteview(self, _request: web.Request) -> str:
        if self.named_scalars:
            return "on" if self.remote_view else "off"
        return str(self.remote_view).lower()

    async def _get_ethernet(self, _request: web.Request) -> dict[str, Any]:
        if self.flat_shapes:
            return {"enableDHCP": self.ethernet["enableDHCP"], **self.ethernet["setting"]}
        return await self._object(self.ethernet)

    async def _put_name(self, request: web.Request) -> str:
        value = self._param(request, "value")
        if not RE_NAME.match(value):
            raise ApiError(1001, "invalid name")
        self.name = value
        self.log("name", value=value)
        return ""

    async def _put_language(self, request: web.Request) -> str:
        self.language = _int(self._param(request, "value"), (0, 1, 2))
        self.log("language", value=self.language)
        return ""

    async def _get_logincode(self, _request: web.Request) -> dict[str, Any]:
        return {"type": self.login_type, "code": "" if self.login_type == 1 else self.code}

    async def _put_logincode(self, request: web.Request) -> str:
        code_type = _int(self._param(request, "type"), (0, 1, 2))
        if code_type == 2:
            code = self._param(request, "code")
            if not RE_CODE.match(code):
                raise ApiError(1001, "invalid code")
            self.code = code
        self.login_type = code_type
        if code_type == 0:
            self.rotate_code()
        self.log("logincode", type=code_type, code=request.query.get("code"))
        return ""

    async def _put_remoteview(self, request: web.Request) -> str:
        self.remote_view = _bool(self._param(request, "value"))
        self.log("remoteview", value=self.remote_view)
        return ""

    async def _put_wallpaper(self, request: web.Request) -> str:
        slot = _int(request.match_info["id"], range(6))
        content = await self._file(request, "wallpaperImage", required=False)
        if content is None:
            if self.wallpaper.images[slot] is None:
                raise ApiError(1004, "empty wallpaper slot")
            self.wallpaper.active = slot
            self.log("wallpaper", slot=slot)
            return ""
        if slot < 2 or slot == self.wallpaper.active:
            raise ApiError(1004, "this slot cannot be replaced")
        size = image_size(content)
        if size is None:
            raise ApiError(1100, "only png/jpeg")
        width, height = size
        if width > 3940 or height > 2500 or not 1.5 <= width / max(height, 1) <= 2.0:
            raise ApiError(1100, "wrong size or ratio")
        self.wallpaper.images[slot] = content
        self.log("wallpaper_upload", slot=slot, size=len(content))
        return ""

    async def _delete_wallpaper(self, request: web.Request) -> str:
        slot = _int(request.match_info["id"], range(2, 6))
        if slot == self.wallpaper.active:
            raise ApiError(1004, "the active wallpaper cannot be deleted")
        self.wallpaper.images[slot] = None
        self.log("wallpaper_delete", slot=slot)
        return ""

    async def _file(
        self, request: web.Request, name: str, *, required: bool = True
    ) -> bytes | None:
        """Read one multipart file field (1100 when a required one is missing)."""
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            field_value = form.get(name)
            if isinstance(field_value, web.FileField):
                return field_value.file.read()
        if required:
            raise ApiError(1100, f"missing file {name}")
        return None

    # 5. Network

    async def _put_ethernet(self, request: web.Request) -> str:
        dhcp = _bool(self._param(request, "enableDHCP"))
        setting = dict(self.ethernet["setting"])
        for key in ("ip", "mask", "gateway", "dns1", "dns2"):
            if key in request.query:
                if not RE_IPV4.match(request.query[key]):
                    raise ApiError(1001, f"invalid {key}")
                setting[key] = request.query[key]
        if not dhcp and not ("ip" in request.query and "mask" in request.query):
            raise ApiError(1001, "ip and mask are required without DHCP")
        self.ethernet = {"enableDHCP": dhcp, "setting": setting}
        self.log("ethernet", dhcp=dhcp)
        return ""

    async def _put_wifi(self, request: web.Request) -> str:
        mode = self._param(request, "mode")
        if mode not in ("AP", "OFF"):
            raise ApiError(1001, "mode must be AP or OFF")
        wifi = dict(self.wifi, mode=mode)
        query = request.query
        if "hideSSID" in query:
            wifi["hideSSID"] = _bool(query["hideSSID"])
        for key, allowed in (("security", (0, 1)), ("band", (0, 1)), ("networking_mode", (0, 1))):
            if key in query:
                wifi[key] = _int(query[key], allowed)
        if "gatekeeper" in query:
            wifi["gatekeeper"] = _int(query["gatekeeper"], (0, 1, 2))
        if "password" in query:
            if not RE_WIFI_PASSWORD.match(query["password"]):
                raise ApiError(1001, "invalid Wi-Fi password")
            wifi["password"] = query["password"]
        if wifi["security"] == 1 and not wifi["password"]:
            raise ApiError(1001, "WPA2 needs a password")
        self.wifi = wifi
        self.log("wifi", **{key: value for key, value in query.items() if key != "username"})
        return ""

    # 6. Power

    async def _put_power(self, request: web.Request) -> str:
        mode = _int(self._param(request, "mode"), (0, 1))
        if mode == 0:
            self.power["timeout"] = _int(self._param(request, "timeout"), TIMEOUTS)
        self.power["mode"] = mode
        self.log("power", **self.power)
        return ""

    async def _post_reboot(self, request: web.Request) -> str:
        delay = _int(request.query.get("delay", "0"))
        if delay < 0:
            raise ApiError(1001, "delay must be >= 0")
        self.reboots.append({"delay": delay, "reason": request.query.get("reason")})
        self.log("reboot", delay=delay)
        if delay == 0:
            asyncio.get_running_loop().call_soon(self.do_reboot)
        return ""

    # 7. Time

    async def _put_ntp(self, request: web.Request) -> str:
        ntp = dict(self.ntp)
        if "ip" in request.query:
            ntp["ip"] = request.query["ip"]
        if "port" in request.query:
            ntp["port"] = _int(request.query["port"], range(1, 65536))
        if "auto" in request.query:
            ntp["auto"] = _bool(request.query["auto"])
        self.ntp = ntp
        self.log("ntp", **ntp)
        return ""

    async def _put_zone(self, request: web.Request) -> str:
        value = self._param(request, "value")
        # The device accepts 89 zones of its own list; any real zone will do for the emulator.
        if value not in available_timezones():
            raise ApiError(1001, "unknown time zone")
        self.zone = value
        self.log("zone", value=value)
        return ""

    def _now(self) -> datetime:
        """Return the device clock in its time zone."""
        return datetime.fromtimestamp(self.device_time(), ZoneInfo(self.zone))

    async def _get_time(self, _request: web.Request) -> str:
        if not self.time_with_offset:
            return self._now().strftime("%Y-%m-%dT%H:%M:%S")
        return str(self._now().isoformat(timespec="seconds"))

    async def _put_time(self, request: web.Request) -> str:
        value = self._param(request, "value")
        if not RE_SET_TIME.match(value):
            raise ApiError(1001, "invalid time")
        wanted = datetime.strptime(value, self.time_format).replace(tzinfo=ZoneInfo(self.zone))
        self.clock_offset = wanted.timestamp() - time.time()
        self.log("time", value=value)
        return ""


async def _serve(port: int) -> None:
    """Run the emulator until interrupted (demo mode)."""
    emulator = await PresentationReceiverEmulator().start(port)
    print(f"Presentation receiver emulator on {emulator.url} (user admin, key 0123456789abcdef)")  # noqa: T201
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    asyncio.run(_serve(parser.parse_args().port))
