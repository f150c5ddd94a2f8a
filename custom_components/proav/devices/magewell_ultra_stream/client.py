"""HTTP client of the Magewell Ultra Stream ``usapi`` (no Home Assistant imports).

Every call is ``GET http://host/usapi?method=<name>&...``; the answer is JSON with an integer
``result``. Login sends the MD5 of the password and the device answers with a session cookie
(``sid``; other Magewell firmware names it ``sid-<serial>``, so any ``sid*`` name is taken). The
client keeps that cookie itself and sends it as a header: aiohttp's cookie jar drops cookies of
IP hosts, and a shared jar would mix the sessions of several boxes.

Sessions: an expired session is answered with ``-17`` or, on real boxes, ``-1`` (the Bitfocus
Companion module logs in again on both). The client then logs in once (through the shared
``LoginGate``) and repeats the request: the box refused it, so it did not run it. The same answer
right after that fresh login is not a wrong password but another client taking the session (a
shared account): ``DeviceBusy``, and no login for a while (doubling back-off), so two clients on
one account cannot fight every second. Only a refused login is ``InvalidAuth``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import hashlib
from http.cookies import SimpleCookie
import json
import time
from typing import Any

import aiohttp

from ..errors import (  # noqa: TID252 - the shared errors, the one import allowed
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
    ACCEPTED,
    BUSY,
    FLAG_SETTERS,
    FORBIDDEN_NOW,
    LOGIN_REJECTED,
    SESSION_EXPIRED,
    STREAM_TEST_FIELDS,
    Info,
    Json,
    MediaFiles,
    RecControl,
    Result,
    Settings,
    Status,
    User,
    result_text,
    users_from_json,
)

DEFAULT_PORT = 80
DEFAULT_USERNAME = "Admin"
DOWNLOAD_PORT = 8080  # recordings and thumbnails: http://ip:8080/download/<path>/<name>
REQUEST_TIMEOUT = 10.0
# Recordings are listed in pages (``start``/``count``); the document gives no total and no
# largest page, so pages are read until one comes back empty, up to this many files.
MEDIA_PAGE = 100
MEDIA_LIMIT = 5000
# After another client took the session: no login for this long, doubling up to the maximum.
CONFLICT_BACKOFF = 30.0
CONFLICT_BACKOFF_MAX = 600.0


class UltraStreamError(DeviceError):
    """The device refused a request; ``code`` is its ``result``."""

    def __init__(self, method: str, code: int) -> None:
        """Name the method and what the code means (for logs; users see translated text)."""
        super().__init__(f"{method}: {result_text(code)}", code)
        self.method = method


class UltraStreamNotPermitted(UltraStreamError, NotPermitted):
    """The box forbids this now (no signal, live lock, server limits, permission)."""


class UltraStreamBusy(UltraStreamError, DeviceBusy):
    """The box is busy or used by someone else (``-2``, ``-9``)."""

    def __init__(self, method: str, code: int, retry_after: float | None = None) -> None:
        """Keep how long to wait, where known."""
        super().__init__(method, code)
        self.retry_after = retry_after


def refusal(method: str, code: int) -> UltraStreamError:
    """Return the error of a refused request, by the kind of its result code."""
    if code in FORBIDDEN_NOW:
        return UltraStreamNotPermitted(method, code)
    if code in BUSY:
        return UltraStreamBusy(method, code)
    return UltraStreamError(method, code)


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
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Keep where the box is and how to sign in; nothing is sent yet."""
        super().__init__()
        self._session = session
        address = f"[{host}]" if ":" in host and not host.startswith("[") else host
        self._address = address
        self._url = f"http://{address}:{port}/usapi"
        self._username = username
        self._password = password
        self._timeout = request_timeout
        self._clock = clock or _monotonic
        self._cookie: tuple[str, str] | None = None  # (name, value) of the session cookie
        self._conflict_until = 0.0
        self._conflict_backoff = CONFLICT_BACKOFF
        self.cookie_name: str | None = None  # the name the box gave its session cookie
        self.requests = 0  # HTTP requests sent, for diagnostics and benchmarks

    @property
    def logged_in(self) -> bool:
        """Return whether the client holds a session."""
        return self._cookie is not None

    async def _request(
        self, method: str, params: Mapping[str, Any] | None = None, body: Json | None = None
    ) -> Json:
        """Send one request; map transport failures and bad bodies to the shared errors."""
        query = {"method": method, **{key: _param(value) for key, value in (params or {}).items()}}
        headers = {"Cookie": f"{self._cookie[0]}={self._cookie[1]}"} if self._cookie else {}
        verb = "POST" if body is not None else "GET"
        resource = f"{verb} /usapi {method}"  # never the query string: it carries the password
        self.requests += 1
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._session.request(
                    verb, self._url, params=query, json=body, headers=headers
                ) as response,
            ):
                text = await response.text()
                self.captures.record(
                    resource, response.status, text, response.headers.get("Content-Type", "")
                )
                if response.status in (401, 403):
                    return {"result": Result.ERR_NEED_AUTH}
                if response.status >= 500:
                    raise CannotConnect(f"{method}: HTTP {response.status}")
                if response.status == 404:  # a method this firmware lacks
                    raise NotSupported(f"{method}: HTTP 404", response.status)
                if response.status != 200:
                    raise DeviceError(f"{method}: HTTP {response.status}", response.status)
                self._keep_cookie(response)
        except TimeoutError as err:
            raise CannotConnect(f"{method}: timed out") from err
        except aiohttp.ClientError as err:
            raise CannotConnect(f"{method}: {type(err).__name__}") from err
        return _decode(method, text)

    def _keep_cookie(self, response: aiohttp.ClientResponse) -> None:
        """Take the session cookie (``sid`` or any ``sid*`` name) from a Set-Cookie header."""
        for header in response.headers.getall("Set-Cookie", []):
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(header)
            except ValueError:
                continue
            for name, morsel in cookie.items():
                if name.lower().startswith("sid") and morsel.value:
                    self._cookie = (name, morsel.value)
                    self.cookie_name = name

    async def login(self) -> None:
        """Sign in and keep the session cookie; InvalidAuth when the box refuses."""
        self._cookie = None
        body = await self._request(
            "login", {"id": self._username, "pass": password_hash(self._password)}
        )
        code = _result(body)
        if code in LOGIN_REJECTED or code == Result.ERR_NEED_AUTH:  # the latter: HTTP 401/403
            raise InvalidAuth("the device rejected the user name or password")
        if code != Result.SUCCEED:
            raise refusal("login", code)
        if self._cookie is None:
            raise InvalidResponse("login: the device sent no session cookie")

    async def _async_login(self, expired: int) -> None:
        """Log in through the gate; requests that saw the same session gone share one login.

        ``expired``: the gate's generation the request saw (no second login when it moved on).
        """
        if self._clock() < self._conflict_until:
            raise UltraStreamBusy(
                "login", Result.ERR_NEED_AUTH, self._conflict_until - self._clock()
            )
        await self.login_gate.async_login(self.login, expired=expired)

    async def logout(self) -> None:
        """End the session (best effort)."""
        if self._cookie is not None:
            try:
                await self._request("logout")
            finally:
                self._cookie = None

    async def async_close(self) -> None:
        """Sign out: Home Assistant stops, the entry unloads, or a connection test ends."""
        await self.logout()

    async def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        body: Json | None = None,
    ) -> Json:
        """Call an authenticated method; sign in (again, once) when the session is gone.

        An expired session (``-17`` or ``-1``) means the box did not run the request, so it is
        sent once more after the new login. If the fresh session is refused too, another client
        took it: ``DeviceBusy`` and a back-off, never a reauth.
        """
        self.login_gate.check()
        seen = self.login_gate.generation
        fresh = self._cookie is None
        if fresh:
            await self._async_login(seen)
        answer = await self._request(method, params, body)
        code = _result(answer)
        if code in SESSION_EXPIRED and not fresh:
            await self._async_login(seen)
            fresh = True
            answer = await self._request(method, params, body)
            code = _result(answer)
        if code in SESSION_EXPIRED:  # refused right after a good login: a session conflict
            retry_after = self._conflict_backoff
            self._conflict_until = self._clock() + retry_after
            self._conflict_backoff = min(2 * retry_after, CONFLICT_BACKOFF_MAX)
            self._cookie = None
            raise UltraStreamBusy(method, code, retry_after)
        self._conflict_backoff = CONFLICT_BACKOFF
        if code not in ACCEPTED:
            raise refusal(method, code)
        return answer

    async def ping(self) -> int | None:
        """Return the status mask; needs no login (the cheap change detector).

        None: the box answered but sent no mask (no public client reads it from ping; a
        firmware may leave it out). It is alive, but changes must come from get-status.
        """
        answer = await self._request("ping")
        code = _result(answer)
        if code != Result.SUCCEED:
            raise refusal("ping", code)
        mask = answer.get("cur-status")
        if not isinstance(mask, int) or isinstance(mask, bool):
            return None
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

    async def get_users(self) -> tuple[User, ...]:
        """Read the box's accounts (needs an administrator; optional: ``NotPermitted`` else)."""
        return users_from_json(await self.call("get-users"))

    async def get_media_files(self, disk_type: int, start: int = 0, count: int = 20) -> MediaFiles:
        """Read a page of recordings on the USB drive (0) or SD card (1)."""
        answer = await self.call(
            "get-media-files", {"disk-type": disk_type, "start": start, "count": count}
        )
        return MediaFiles.from_json(answer)

    async def get_all_media_files(
        self, disk_type: int, page: int = MEDIA_PAGE, limit: int = MEDIA_LIMIT
    ) -> MediaFiles:
        """Read every recording on the USB drive (0) or SD card (1), page by page.

        Each page starts where the files read so far end (a box may send fewer than asked),
        until a page comes back empty, repeats the one before (a firmware that ignores
        ``start``) or ``limit`` files were read.
        """
        first = await self.get_media_files(disk_type, 0, page)
        files, previous = list(first.files), first.files
        while previous and len(files) < limit:
            more = await self.get_media_files(disk_type, len(files), page)
            if not more.files or more.files == previous:
                break
            files.extend(more.files)
            previous = more.files
        return MediaFiles(path=first.path, thumbnail=first.thumbnail, files=tuple(files[:limit]))

    async def delete_media_files(self, disk_type: int, names: list[str]) -> None:
        """Delete recordings from the USB drive (0) or SD card (1)."""
        await self.call("del-media-files", body={"disk-type": disk_type, "media-files": names})

    def download_url(self, path: str, name: str) -> str:
        """Return where the box serves a file (its download port, 8080)."""
        return f"http://{self._address}:{DOWNLOAD_PORT}/download/{path.strip('/')}/{name}"

    async def start_stream_test(self, server_id: int) -> None:
        """Start the box's 20 s upload test to one configured live server.

        The server's own settings (address, key, credentials) are read fresh and sent back;
        they never leave this method (the models keep no stream keys).
        """
        answer = await self.call("get-settings")
        servers = answer.get("stream-server")
        server = next(
            (
                item
                for item in (servers if isinstance(servers, list) else [])
                if isinstance(item, Mapping) and item.get("id") == server_id
            ),
            None,
        )
        if server is None:
            raise refusal("start-test-server", Result.ERR_NOT_FOUND)
        params = {key: server[key] for key in STREAM_TEST_FIELDS if key in server}
        await self.call("start-test-server", params)

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

    async def set_volume(self, params: Mapping[str, Any]) -> None:
        """Set the audio mutes and gains (every field, see ``Volume.with_channel``)."""
        await self.call("set-volume", params)

    async def set_video(self, stream: int, values: Mapping[str, Any]) -> None:
        """Set an encoder's parameters (always the full set, read from the settings)."""
        await self.call("set-video", {"stream": stream, **values})

    async def set_rec_control(self, control: RecControl) -> None:
        """Set where and how recordings are written (every documented field, as read)."""
        await self.call("set-rec-control", control.as_params())

    async def clear_live(self) -> None:
        """Reset the live status to its initial state (after an error)."""
        await self.call("clear-live")

    async def reboot(self) -> None:
        """Restart the device (the session ends)."""
        await self.call("reboot")
        self._cookie = None

    async def check_firmware(self) -> None:
        """Ask the device to look for new firmware online."""
        await self.call("online-update-check")

    async def install_firmware(self) -> None:
        """Download and install the firmware the online check found."""
        await self.call("update", {"mode": "online"})


def _monotonic() -> float:
    """Return the monotonic clock (looked up at each call)."""
    return time.monotonic()


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
