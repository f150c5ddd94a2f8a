"""HTTP client of the Magewell Ultra Stream ``usapi`` (no Home Assistant imports).

Every call is ``GET http://host/usapi?method=<name>&...``; the answer is JSON with an integer
``result``. Login sends the MD5 of the password and the device answers with a ``sid`` cookie.
The client keeps that cookie itself and sends it as a header: aiohttp's cookie jar drops cookies
of IP hosts, and a shared jar would mix the sessions of several boxes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import hashlib
from http.cookies import SimpleCookie
import json
from typing import Any

import aiohttp

from ..errors import (  # noqa: TID252 - the shared errors, the one import allowed
    CannotConnect,
    DeviceError,
    InvalidAuth,
    InvalidResponse,
)
from ..session import DeviceClient  # noqa: TID252
from .models import (
    ACCEPTED,
    FLAG_SETTERS,
    LOGIN_REJECTED,
    Info,
    Json,
    MediaFiles,
    RecControl,
    Result,
    Settings,
    Status,
    result_text,
)

DEFAULT_PORT = 80
DEFAULT_USERNAME = "Admin"
REQUEST_TIMEOUT = 10.0


class UltraStreamError(DeviceError):
    """The device refused a request; ``code`` is its ``result``."""

    def __init__(self, method: str, code: int) -> None:
        """Name the method and what the code means."""
        super().__init__(f"{method}: {result_text(code)}", code)
        self.method = method


def password_hash(password: str) -> str:
    """Return the password as the device expects it: lowercase hex MD5 of its UTF-8 bytes."""
    return hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()


class UltraStreamClient(DeviceClient):
    """Talk to one Ultra Stream box."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        port: int = DEFAULT_PORT,
        username: str = DEFAULT_USERNAME,
        password: str = "",
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        """Keep where the box is and how to sign in; nothing is sent yet."""
        super().__init__()
        self._session = session
        self._url = f"http://{host}:{port}/usapi"
        self._username = username
        self._password = password
        self._timeout = request_timeout
        self._sid: str | None = None
        self._login_lock = asyncio.Lock()
        self.requests = 0  # HTTP requests sent, for diagnostics and benchmarks

    @property
    def logged_in(self) -> bool:
        """Return whether the client holds a session."""
        return self._sid is not None

    async def _request(
        self, method: str, params: Mapping[str, Any] | None = None, body: Json | None = None
    ) -> Json:
        """Send one request; map transport failures and bad bodies to the shared errors."""
        query = {"method": method, **{key: _param(value) for key, value in (params or {}).items()}}
        headers = {"Cookie": f"sid={self._sid}"} if self._sid else {}
        self.requests += 1
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._session.request(
                    "POST" if body is not None else "GET",
                    self._url,
                    params=query,
                    json=body,
                    headers=headers,
                ) as response,
            ):
                if response.status in (401, 403):
                    return {"result": Result.ERR_NEED_AUTH}
                if response.status >= 500:
                    raise CannotConnect(f"{method}: HTTP {response.status}")
                if response.status != 200:
                    raise DeviceError(f"{method}: HTTP {response.status}", response.status)
                self._keep_sid(response)
                text = await response.text()
        except TimeoutError as err:
            raise CannotConnect(f"{method}: timed out") from err
        except aiohttp.ClientError as err:
            raise CannotConnect(f"{method}: {err}") from err
        return _decode(method, text)

    def _keep_sid(self, response: aiohttp.ClientResponse) -> None:
        """Take the session id from a Set-Cookie header, if the answer has one."""
        for header in response.headers.getall("Set-Cookie", []):
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(header)
            except ValueError:
                continue
            if "sid" in cookie and cookie["sid"].value:
                self._sid = cookie["sid"].value

    async def login(self) -> None:
        """Sign in and keep the session cookie; InvalidAuth when the box refuses."""
        self._sid = None
        body = await self._request(
            "login", {"id": self._username, "pass": password_hash(self._password)}
        )
        code = _result(body)
        if code in LOGIN_REJECTED or code == Result.ERR_NEED_AUTH:  # the latter: HTTP 401/403
            raise InvalidAuth("the device rejected the user name or password")
        if code != Result.SUCCEED:
            raise UltraStreamError("login", code)
        if self._sid is None:
            raise InvalidResponse("login: the device sent no session cookie")

    async def logout(self) -> None:
        """End the session (best effort)."""
        if self._sid is not None:
            try:
                await self._request("logout")
            finally:
                self._sid = None

    async def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        body: Json | None = None,
    ) -> Json:
        """Call an authenticated method; sign in (again) when the session is missing or expired."""
        for attempt in range(2):
            if self._sid is None or attempt:
                sid = self._sid
                async with self._login_lock:
                    if self._sid == sid:  # nobody renewed it meanwhile
                        await self.login()
            answer = await self._request(method, params, body)
            code = _result(answer)
            if code != Result.ERR_NEED_AUTH:
                break
        if code == Result.ERR_NEED_AUTH:
            raise InvalidAuth(f"{method}: the device keeps asking for authentication")
        if code not in ACCEPTED:
            raise UltraStreamError(method, code)
        return answer

    async def ping(self) -> int:
        """Return the status mask; needs no login (the cheap change detector)."""
        answer = await self._request("ping")
        code = _result(answer)
        if code != Result.SUCCEED:
            raise UltraStreamError("ping", code)
        mask = answer.get("cur-status")
        if not isinstance(mask, int) or isinstance(mask, bool):
            raise InvalidResponse("ping: no status mask")
        return mask

    async def get_info(self) -> Info:
        """Read identity, firmware and the allowed values of settings."""
        return Info.from_json(await self.call("get-info"))

    async def get_status(self) -> Status:
        """Read the working state."""
        return Status.from_json(await self.call("get-status"))

    async def get_settings(self) -> Settings:
        """Read the configuration."""
        return Settings.from_json(await self.call("get-settings"))

    async def get_media_files(self, disk_type: int, start: int = 0, count: int = 20) -> MediaFiles:
        """Read a page of recordings on the USB drive (0) or SD card (1)."""
        answer = await self.call(
            "get-media-files", {"disk-type": disk_type, "start": start, "count": count}
        )
        return MediaFiles.from_json(answer)

    async def set_recording(self, on: bool) -> None:
        """Start or stop recording."""
        await self.call("start-rec" if on else "stop-rec")

    async def set_streaming(self, on: bool) -> None:
        """Start or stop live streaming (to every enabled server)."""
        await self.call("start-live" if on else "stop-live")

    async def enable_server(self, server_id: int, on: bool) -> None:
        """Enable or disable one live server."""
        await self.call("enable-server", {"id": server_id, "is-use": on})

    async def set_flag(self, key: str, on: bool) -> None:
        """Set one boolean setting, named by its get-settings key (see FLAG_SETTERS)."""
        method, param = FLAG_SETTERS[key]
        await self.call(method, {param: on})

    async def set_name(self, name: str) -> None:
        """Rename the device."""
        await self.call("set-name", {"name": name})

    async def set_sync_offset(self, offset_ms: int) -> None:
        """Set the audio delay (-200..200 ms)."""
        await self.call("set-sync-offset", {"audio-sync-offset": offset_ms})

    async def set_audio_kbps(self, kbps: int) -> None:
        """Set the audio bitrate."""
        await self.call("set-audio", {"kbps": kbps})

    async def set_video(self, stream: int, values: Mapping[str, Any]) -> None:
        """Set an encoder's parameters (always the full set, read from the settings)."""
        await self.call("set-video", {"stream": stream, **values})

    async def set_rec_control(self, control: RecControl) -> None:
        """Set where and how recordings are written (always the full set)."""
        await self.call(
            "set-rec-control",
            {
                "usb-option": control.usb_option,
                "sd-option": control.sd_option,
                "mime-type": control.mime_type,
                "root-folder": control.root_folder,
                "time-unit": control.time_unit,
            },
        )

    async def reboot(self) -> None:
        """Restart the device (the session ends)."""
        await self.call("reboot")
        self._sid = None

    async def check_firmware(self) -> None:
        """Ask the device to look for new firmware online."""
        await self.call("online-update-check")

    async def install_firmware(self) -> None:
        """Download and install the firmware the online check found."""
        await self.call("update", {"mode": "online"})


def _param(value: Any) -> Any:
    """Encode a query parameter the way the device wants it (booleans as 0/1)."""
    if isinstance(value, bool):
        return int(value)
    return value


def _decode(method: str, text: str) -> Json:
    """Parse a JSON object answer."""
    try:
        answer = json.loads(text)
    except ValueError as err:
        raise InvalidResponse(f"{method}: the answer is not JSON") from err
    if not isinstance(answer, dict):
        raise InvalidResponse(f"{method}: the answer is not a JSON object")
    return answer


def _result(answer: Json) -> int:
    """Return an answer's result code (``status`` in upload answers)."""
    code = answer.get("result", answer.get("status"))
    if not isinstance(code, int) or isinstance(code, bool):
        raise InvalidResponse("the answer has no result code")
    return code
