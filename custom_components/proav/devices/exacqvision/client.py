"""exacqVision Web Service API v1 client (no Home Assistant imports).

What setup needs is what public clients use against real servers: ``login.web`` (its answer
carries the server's id, name and serial), ``config.web`` (the cameras), ``video.web`` (pictures)
and ``logout.web``. Every other route is optional: the caller reads it through
``self.capabilities``. Routes live under ``/v1``; older web services answer them without the
prefix, which the login finds out once.

The session id is the ``s`` parameter (query for reads, form body for writes). Only a refused
``login.web`` is a wrong password (``InvalidAuth``). Any other route that answers "session
unknown" (401/403, a redirect to the login page, an HTML page, ``"success": false``) gets one
fresh login - the old session logged out first - and one retry; the same answer on a fresh
session means the route is missing (``NotSupported``) or forbidden (``NotPermitted``). Session ids
never appear in error texts, logs or raw captures.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
import logging
import time
from typing import Any, Literal

import aiohttp
import orjson
from yarl import URL

from ..errors import (  # noqa: TID252 - the shared errors
    CannotConnect,
    DeviceError,
    InvalidAuth,
    InvalidResponse,
    NotPermitted,
    NotSupported,
    ProAVError,
)
from ..session import DeviceClient  # noqa: TID252
from .models import (
    ActiveEvent,
    Camera,
    Clip,
    LoginResult,
    PtzPreset,
    ServerList,
    ServerStatus,
    SoftTrigger,
    SystemInfo,
    TriggeredEvent,
    parse_active_events,
    parse_cameras,
    parse_clips,
    parse_presets,
    parse_profile_names,
    parse_recording,
    parse_triggered,
    parse_triggers,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORT = 80
DEFAULT_SSL_PORT = 443
# Sent on state-changing calls so a web service with CSRF protection on accepts them.
_CSRF_HEADERS = {"X-Requested-With": "XMLHttpRequest"}
_JPEG_MAGIC = b"\xff\xd8"
# The web service's plain-text answer to a request it refuses (not a session problem).
INVALID_REQUEST = b"Invalid Request"
# PTZ directions of the move action: the letters Digital PTZ uses (u, d, l, r, i, o).
PTZ_DIRECTIONS = frozenset({"u", "d", "l", "r", "i", "o"})
# Route prefixes, newest first: ``/v1`` (documented), none (older web services).
PREFIXES = ("/v1", "")
# Snapshot forms, in the order they are tried: the documented query form, the ``fmt=jpg`` form
# a 23.09 client uses, and the path form of the vendor document's prose.
SNAPSHOT_FORMS = ("query", "fmt", "path")
# Status items asked for in one request (the per-item answer of ``status.web``).
STATUS_CHUNK = 50
# A long-lived MJPEG read: no total limit, but a stalled stream is given up.
STREAM_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=30)
SCRUBBED = "<session>"
FRESH_SESSION = 2.0  # seconds

type Params = Sequence[tuple[str, str]]
type Signal = Literal["forbidden", "missing", "refused"]


@dataclass(frozen=True, slots=True)
class _Session:
    """A session id, the login generation that created it, and when (monotonic seconds)."""

    id: str
    generation: int
    opened: float


def _str_of(value: Any) -> str:
    """Return an id as a string ("" for None)."""
    return "" if value is None else str(value)


class ExacqVisionClient(DeviceClient):
    """A connection to one exacqVision server through its web service."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        port: int | None = None,
        ssl: bool = False,
        username: str = "",
        password: str = "",
        server_id: str = "0",
        request_timeout: float = 10.0,
    ) -> None:
        """Keep the address and credentials; nothing is sent until the first call."""
        super().__init__()
        self._session = session
        self._base = URL.build(
            scheme="https" if ssl else "http",
            host=host,
            port=port or (DEFAULT_SSL_PORT if ssl else DEFAULT_PORT),
        )
        self._username = username
        self._password = password
        self.server_id = server_id
        self._timeout = request_timeout
        self._current: _Session | None = None
        # The last ids of sessions (and searches) we ended: still scrubbed from texts.
        self._ended: deque[str] = deque(maxlen=32)
        self._csrf: tuple[str, str] | None = None
        self.prefix = PREFIXES[0]
        self.login_result: LoginResult | None = None
        self.snapshot_form: str | None = None  # the form that worked on this server
        self.utc_offset: timedelta | None = None  # the server's time zone (from config.web)
        # A session younger than this cannot have expired: an answer "not with this session"
        # is then about the route (missing or forbidden), and no new login is made.
        self.fresh_window = FRESH_SESSION
        self.request_count = 0

    @property
    def base_url(self) -> str:
        """Return the web service's address (its web client lives there)."""
        return str(self._base)

    @property
    def logged_in(self) -> bool:
        """Return whether a session is open."""
        return self._current is not None

    # --- transport ---------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """Remove every session id of ours from a text."""
        ids = [*self._ended, *([self._current.id] if self._current else [])]
        for session_id in ids:
            text = text.replace(session_id, SCRUBBED)
        return text

    def _headers(self, method: str) -> dict[str, str]:
        """Return the headers of a request (CSRF hints on state-changing ones)."""
        if method == "GET":
            return {}
        origin = str(self._base.origin())
        headers = {**_CSRF_HEADERS, "Origin": origin, "Referer": f"{origin}/"}
        if self._csrf is not None:
            headers["X-CSRF-Token"] = self._csrf[1]
        return headers

    def _keep_csrf(self, response: aiohttp.ClientResponse) -> None:
        """Remember a CSRF cookie the web service set, to echo it on later writes."""
        for name, morsel in response.cookies.items():
            if "csrf" in name.lower():
                self._csrf = (name, morsel.value)

    async def _open(
        self,
        method: str,
        path: str,
        *,
        params: Params = (),
        data: Params | None = None,
        prefix: str | None = None,
    ) -> aiohttp.ClientResponse:
        """Send a request and return the response with its body unread."""
        self.request_count += 1
        url = self._base.with_path(f"{self.prefix if prefix is None else prefix}/{path}")
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._session.request(
                    method,
                    url,
                    params=list(params),
                    data=list(data) if data is not None else None,
                    headers=self._headers(method),
                    cookies=dict([self._csrf]) if self._csrf and method != "GET" else None,
                    allow_redirects=False,
                    # The answer's head is bounded above; a body (an MJPEG stream) may be long.
                    timeout=STREAM_TIMEOUT,
                )
        except TimeoutError as err:
            raise CannotConnect(f"Timeout talking to {self._base.host}") from err
        except aiohttp.ClientError as err:
            # The error's text may carry the URL, and with it the session id: name its kind only.
            raise CannotConnect(f"{type(err).__name__} talking to {self._base.host}") from err
        self._keep_csrf(response)
        return response

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        """Read a response body, mapping transport failures."""
        try:
            async with asyncio.timeout(self._timeout):
                return await response.read()
        except TimeoutError as err:
            raise CannotConnect(f"Timeout reading from {self._base.host}") from err
        except aiohttp.ClientError as err:
            raise CannotConnect(f"{type(err).__name__} reading from {self._base.host}") from err
        finally:
            response.release()

    async def _exchange(
        self,
        method: str,
        path: str,
        *,
        params: Params = (),
        data: Params | None = None,
        prefix: str | None = None,
        resource: str | None = None,
    ) -> tuple[aiohttp.ClientResponse, bytes]:
        """Send a request, read the answer, keep it (scrubbed) for field reports."""
        response = await self._open(method, path, params=params, data=data, prefix=prefix)
        body = await self._read(response)
        kept: bytes | str = body
        if response.content_type.startswith(("text/", "application/json")) or not body:
            kept = self.scrub(body.decode(errors="replace"))
        where = self.prefix if prefix is None else prefix
        self.captures.record(
            f"{method} {where}/{resource or path}", response.status, kept, response.content_type
        )
        return response, body

    @staticmethod
    def _signal(response: aiohttp.ClientResponse, body: bytes) -> Signal | None:
        """Return how an answer says "not with this session" (None: it does not).

        401/403 (but not the plain ``Invalid Request`` refusal) read as "forbidden"; a redirect
        to the login page and an HTML page as "missing"; ``"success": false`` as "refused". Each
        may also mean the session expired, which only a fresh session can tell apart.
        """
        if response.status == 401 or (response.status == 403 and INVALID_REQUEST not in body):
            return "forbidden"
        if response.status in (301, 302, 303, 307, 308):
            return "missing"
        if response.status == 200 and (
            response.content_type == "text/html" or body.lstrip()[:1] == b"<"
        ):
            return "missing"
        if response.status == 200 and body.lstrip()[:1] == b"{":
            try:
                decoded = orjson.loads(body)
            except orjson.JSONDecodeError:
                return None
            if isinstance(decoded, Mapping) and decoded.get("success") is False:
                return "refused"
        return None

    def _check_status(self, response: aiohttp.ClientResponse, body: bytes, path: str) -> None:
        """Raise for a missing route, a server failure or a refused request."""
        if response.status == 404:
            raise NotSupported(f"{path}: not offered by this web service", code=404)
        if response.status >= 500:
            raise CannotConnect(f"HTTP {response.status}")
        if response.status >= 400:
            message = self.scrub(body.decode(errors="replace").strip()[:200])
            raise DeviceError(f"{path}: {message or 'refused'}", code=response.status)

    @staticmethod
    def _decode(body: bytes, path: str) -> Any:
        """Decode a JSON body (None for an empty one)."""
        if not body.strip():
            return None
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as err:
            raise InvalidResponse(f"{path}: the web service sent a body that is not JSON") from err

    async def _call(
        self,
        method: Literal["GET", "POST", "PUT", "DELETE"],
        path: str,
        params: Params = (),
        *,
        read: Literal["json", "bytes", "none"] = "json",
        resource: str | None = None,
    ) -> Any:
        """Call a session route: add ``s``; on "not with this session", log in afresh once.

        A write is sent again only when the web service refused the session (it did not run it).
        """
        for attempt in (1, 2):
            current, fresh = await self._ensure_session()
            fresh = fresh or self._is_fresh(current)
            with_session = [("s", current.id), *params]
            path_now = path.replace("{s}", current.id)
            if method == "GET":
                response, body = await self._exchange(
                    method, path_now, params=with_session, resource=resource or path
                )
            else:
                response, body = await self._exchange(
                    method, path_now, data=with_session, resource=resource or path
                )
            if (signal := self._signal(response, body)) is not None:
                if signal == "refused" and method != "GET":
                    # A write the server answered and refused: not sent again after a login.
                    raise DeviceError(f"{path}: refused by the server")
                if fresh or attempt == 2:
                    # A session that has just been opened is valid: the answer is the route's.
                    if signal == "forbidden":
                        raise NotPermitted(f"{path}: not allowed", code=response.status)
                    raise NotSupported(f"{path}: not offered", code=response.status)
                await self._relogin(current.generation)
                continue
            self._check_status(response, body, path)
            if read == "bytes" and not response.content_type.startswith(
                ("text/", "application/json")
            ):
                return body
            if read == "bytes":
                raise InvalidResponse(f"{path}: expected a picture")
            if read == "none":
                return None
            return self._decode(body, path)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _call_json(self, path: str, params: Params = ()) -> Mapping[str, Any]:
        """GET a session route whose answer must be a JSON object."""
        decoded = await self._call("GET", path, params)
        if not isinstance(decoded, Mapping):
            raise InvalidResponse(f"{path}: expected a JSON object")
        return decoded

    # --- sessions ----------------------------------------------------------------------------

    async def list_servers(self) -> ServerList:
        """List the exacqVision servers behind the web service (optional; no login needed)."""
        response, body = await self._exchange("GET", "servers.web", params=[("output", "json")])
        if self._signal(response, body) is not None:
            raise NotSupported("servers.web: not offered", code=response.status)
        self._check_status(response, body, "servers.web")
        decoded = self._decode(body, "servers.web")
        if not isinstance(decoded, Mapping):
            raise InvalidResponse("servers.web: expected a JSON object")
        return ServerList.from_dict(decoded)

    async def login(self) -> LoginResult:
        """Log in with the credentials (the only call whose refusal is a wrong password)."""
        await self.login_gate.async_login(self._login)
        assert self.login_result is not None
        return self.login_result

    async def _login(self) -> None:
        """Post the credentials; find the route prefix on the first login."""
        form = [
            ("s", self.server_id),
            ("u", self._username),
            ("p", self._password),
            ("responseVersion", "2"),
        ]
        prefixes = [self.prefix, *(p for p in PREFIXES if p != self.prefix)]
        for prefix in prefixes:
            response, body = await self._exchange("POST", "login.web", data=form, prefix=prefix)
            if response.status >= 500:
                raise CannotConnect(f"HTTP {response.status}")
            if response.status == 404 or response.status in (301, 302, 303, 307, 308):
                continue  # not this prefix (older web services redirect unknown routes)
            if response.status in (401, 403):
                raise InvalidAuth("The web service refused the login")
            if response.status >= 400:
                raise DeviceError("login.web: refused the request", code=response.status)
            try:
                decoded = orjson.loads(body)
            except orjson.JSONDecodeError:
                continue  # an HTML page: not the login route of this prefix
            if not isinstance(decoded, Mapping):
                raise InvalidResponse("login.web: expected a JSON object")
            result = LoginResult.from_dict(decoded)
            if decoded.get("success") is False or not result.session_id:
                raise InvalidAuth("The web service refused the login")
            self.prefix = prefix
            self.login_result = result
            self._current = _Session(
                result.session_id, self.login_gate.generation + 1, time.monotonic()
            )
            # Keep the answer without the new session id.
            self.captures.record(
                f"POST {prefix}/login.web",
                response.status,
                self.scrub(body.decode(errors="replace")),
                response.content_type,
            )
            _LOGGER.debug("Logged in to server %s of %s", self.server_id, self._base.host)
            return
        raise CannotConnect("No exacqVision login route answered")

    async def _ensure_session(self) -> tuple[_Session, bool]:
        """Return the open session and whether it was opened for this request (or while waiting)."""
        if (current := self._current) is not None:
            return current, False
        self.login_gate.check()
        await self.login_gate.async_login(self._login, expired=self.login_gate.generation)
        if self._current is None:  # another request logged in and out meanwhile
            await self.login_gate.async_login(self._login, expired=self.login_gate.generation)
        assert self._current is not None
        return self._current, True

    async def _relogin(self, expired: int) -> None:
        """Replace a session the web service did not accept; log the old one out first."""

        async def replace() -> None:
            old, self._current = self._current, None
            if old is not None:
                await self._logout_quietly(old.id)
            _LOGGER.debug("Session of server %s not accepted; logging in again", self.server_id)
            await self._login()

        await self.login_gate.async_login(replace, expired=expired)

    async def _logout_quietly(self, session_id: str) -> None:
        """End a session, ignoring a web service that is gone."""
        self._ended.append(session_id)
        try:
            await self._exchange("POST", "logout.web", data=[("s", session_id)])
        except ProAVError as err:
            _LOGGER.debug("Logout from %s failed: %s", self._base.host, type(err).__name__)

    async def logout(self) -> None:
        """End the session (a 302 to the login page is the documented answer)."""
        current, self._current = self._current, None
        if current is not None:
            await self._logout_quietly(current.id)

    def _is_fresh(self, current: _Session) -> bool:
        """Return whether a session was opened so recently that it cannot have expired."""
        return time.monotonic() - current.opened < self.fresh_window

    async def async_close(self) -> None:
        """Sign out (on unload and when Home Assistant stops)."""
        await self.logout()

    # --- inventory ---------------------------------------------------------------------------

    async def system_info(self) -> SystemInfo:
        """Return the server's system information (optional)."""
        return SystemInfo.from_dict(await self._call_json("server.web/system"))

    async def cameras(self) -> list[Camera]:
        """Return the server's cameras (with their ``state`` and ``disabled`` flags).

        The answer also gives the server's time zone (hours from UTC), kept for recordings.
        """
        decoded = await self._call_json("config.web", [("output", "json")])
        offset = decoded.get("timezone")
        if isinstance(offset, int | float) and not isinstance(offset, bool) and abs(offset) <= 14:
            self.utc_offset = timedelta(hours=offset)
        return parse_cameras(decoded)

    def server_time(self, when: datetime) -> str:
        """Return a time as RFC 3339 in the server's time zone (as real clients send it)."""
        zone = timezone(self.utc_offset) if self.utc_offset is not None else UTC
        return when.astimezone(zone).isoformat(timespec="seconds")

    async def presets(self, camera_id: str) -> list[PtzPreset]:
        """Return a camera's mechanical PTZ presets (optional; none for a fixed camera)."""
        return parse_presets(await self._call_json("ptz.web", [("camera", camera_id)]))

    async def soft_triggers(self) -> list[SoftTrigger]:
        """Return the soft triggers the user may use (optional)."""
        return parse_triggers(await self._call_json("softtriggers.web"))

    # --- state -------------------------------------------------------------------------------

    async def status(
        self, camera_ids: Sequence[str] = (), trigger_ids: Sequence[str] = ()
    ) -> ServerStatus:
        """Return the status of some cameras and triggers (the documented per-item answer)."""
        params = [("camera", c) for c in camera_ids] + [("trigger", t) for t in trigger_ids]
        return ServerStatus.from_dict(await self._call_json("status.web", params), self.server_id)

    async def active_events(self) -> tuple[ActiveEvent, ...]:
        """Return the events active on the server now (optional)."""
        return parse_active_events(await self._call_json("events.web"))

    async def event_profiles(self) -> dict[str, frozenset[str]]:
        """Return the event monitoring profiles: name -> the source types of its links."""
        return parse_profile_names(await self._call_json("eventmonitor.web"))

    async def create_event_profile(self, name: str, links: Sequence[Mapping[str, str]]) -> None:
        """Create an event monitoring profile with its links (any source of each type)."""
        first, *rest = links
        profile = [("name", name), ("type", "0"), ("showEventsList", "false")]
        await self._call("POST", "eventmonitor.web", [*profile, *self._link(first)], read="none")
        for link in rest:
            await self.add_event_link(name, link)

    async def add_event_link(self, name: str, link: Mapping[str, str]) -> None:
        """Add one link to an event monitoring profile."""
        await self._call(
            "POST",
            f"eventmonitor.web/{name}",
            self._link(link),
            read="none",
            resource="eventmonitor.web/{profile}",
        )

    async def delete_event_profile(self, name: str) -> None:
        """Delete an event monitoring profile (and its links)."""
        await self._call("DELETE", "eventmonitor.web", [("name", name)], read="none")

    def _link(self, link: Mapping[str, str]) -> Params:
        """Return the form fields of an event monitoring link on this server."""
        return [
            *link.items(),
            ("eventSourceServer", self.server_id),
            ("eventTargetServer", self.server_id),
            ("eventTargetType", "5"),  # log message: the harmless client action
        ]

    async def triggered_events(self, profile: str, duration: int) -> tuple[TriggeredEvent, ...]:
        """Return the links of a profile that fired in the last ``duration`` seconds (≤ 60)."""
        decoded = await self._call(
            "GET",
            f"eventmonitor.web/{profile}/triggered",
            [("duration", str(min(duration, 60)))],
            resource="eventmonitor.web/{profile}/triggered",
        )
        if not isinstance(decoded, Mapping):
            raise InvalidResponse("triggered events: expected a JSON object")
        return parse_triggered(decoded)

    # --- commands ----------------------------------------------------------------------------

    async def set_soft_trigger(self, trigger_id: str, on: bool) -> None:
        """Set a soft trigger on (it falls back off after ~3 s unless re-sent) or off."""
        await self._call(
            "POST",
            "softtriggers.web",
            [("tid", trigger_id), ("state", "on" if on else "off")],
            read="none",
        )

    async def recall_preset(self, camera_id: str, preset_id: str) -> None:
        """Move a PTZ camera to a preset."""
        await self._call(
            "POST", "ptz.web", [("camera", camera_id), ("preset", preset_id)], read="none"
        )

    async def ptz_move(
        self,
        camera_id: str,
        direction: str,
        *,
        pan_speed: int | None = None,
        tilt_speed: int | None = None,
        zoom_speed: int | None = None,
    ) -> None:
        """Start moving a PTZ camera (``direction``: letters u d l r i o); speeds 1..100."""
        if not direction or set(direction) - PTZ_DIRECTIONS:
            raise ValueError(f"Unknown PTZ direction {direction!r}")
        speeds = [
            (key, str(value))
            for key, value in (
                ("pspeed", pan_speed),
                ("tspeed", tilt_speed),
                ("zspeed", zoom_speed),
            )
            if value is not None
        ]
        if speeds:
            await self._call("POST", "ptz.web", [("camera", camera_id), *speeds], read="none")
        await self._call(
            "POST", "ptz.web", [("camera", camera_id), ("direction", direction)], read="none"
        )

    async def ptz_stop(self, camera_id: str) -> None:
        """Stop a PTZ camera's movement."""
        await self._call(
            "POST", "ptz.web", [("camera", camera_id), ("direction", "stop")], read="none"
        )

    # --- recordings --------------------------------------------------------------------------

    async def search_clips(self, camera_id: str, start: str, end: str) -> list[Clip]:
        """Return a camera's recorded clips between two RFC 3339 times (a search).

        The search is ended afterwards (logout of its id), as the vendor document asks.
        """
        decoded = await self._call_json(
            "search.web",
            [("camera", camera_id), ("start", start), ("end", end), ("output", "json")],
        )
        search_id = _str_of(decoded.get("search_id") or decoded.get("searchId"))
        if search_id:
            await self._logout_quietly(search_id)
        return parse_clips(decoded)

    async def recording(
        self, camera_ids: Sequence[str], since: datetime, until: datetime
    ) -> dict[str, bool]:
        """Return which cameras recorded between two times: one search for many cameras.

        A camera with video in the window records now; the search is ended afterwards.
        """
        decoded = await self._call_json(
            "search.web",
            [
                *(("camera", camera) for camera in camera_ids),
                ("start", self.server_time(since)),
                ("end", self.server_time(until)),
                ("output", "json"),
            ],
        )
        search_id = _str_of(decoded.get("search_id") or decoded.get("searchId"))
        if search_id:
            await self._logout_quietly(search_id)
        return parse_recording(decoded, since + (until - since) / 2)

    async def export_clip(
        self,
        camera_id: str,
        start: str,
        end: str,
        *,
        interval: float = 1.0,
        limit: float = 300.0,
    ) -> bytes:
        """Export a camera's recording between two RFC 3339 times as MP4; return the file.

        As real clients do: create (``export_id``), read ``progress`` until 100, download, and
        always finish (the server frees the export).
        """
        created = await self._call_json(
            "export.web",
            [("camera", camera_id), ("start", start), ("end", end), ("format", "mp4")],
        )
        export_id = _str_of(created.get("export_id") or created.get("exportId"))
        if not export_id:
            raise InvalidResponse("export.web: no export id")
        try:
            async with asyncio.timeout(limit):
                while True:
                    status = await self._call_json("export.web", [("export", export_id)])
                    progress = status.get("progress")
                    if isinstance(progress, int | float | str) and float(progress) >= 100:
                        break
                    await asyncio.sleep(interval)
            body = await self._call(
                "GET",
                "export.web",
                [("export", export_id), ("action", "download")],
                read="bytes",
            )
        except TimeoutError as err:
            raise CannotConnect("The export did not complete in time") from err
        finally:
            try:
                await self._call(
                    "GET", "export.web", [("export", export_id), ("action", "finish")], read="none"
                )
            except ProAVError as err:
                _LOGGER.debug("Could not finish an export: %s", type(err).__name__)
        return bytes(body)

    async def recorded_frame(
        self, camera: Camera, at: str, width: int | None = None, height: int | None = None
    ) -> bytes:
        """Return the recorded JPEG frame closest to an RFC 3339 time (Retrieve Single Frame)."""
        fmt = camera.jpeg_format
        params = [("camera", camera.id), ("time", at), ("format", str(6 if fmt is None else fmt))]
        params += [(key, str(v)) for key, v in (("w", width), ("h", height)) if v is not None]
        body = await self._call("GET", "video.web", params, read="bytes")
        if not body.startswith(_JPEG_MAGIC):
            raise InvalidResponse("The web service sent a frame that is not a JPEG")
        return bytes(body)

    async def create_bookmark(
        self, camera_id: str, name: str, start: str, end: str, description: str = ""
    ) -> None:
        """Create a bookmark of a camera's recording between two RFC 3339 times."""
        params = [
            ("name", name),
            ("start", start),
            ("end", end),
            ("itemType", "0"),  # camera
            ("itemId", camera_id),
        ]
        if description:
            params.append(("description", description))
        decoded = await self._call("POST", "bookmarks.web", params)
        if isinstance(decoded, Mapping) and decoded.get("success") is False:
            raise DeviceError("bookmarks.web: refused")

    # --- video -------------------------------------------------------------------------------

    async def snapshot(
        self,
        camera: Camera,
        width: int | None = None,
        height: int | None = None,
        quality: int | None = None,
    ) -> bytes:
        """Return one JPEG frame of a camera, at the requested size where one is given.

        The query form is tried first, then ``fmt=jpg``, then the path form; the first that
        gives a JPEG is remembered for this server.
        """
        forms = [self.snapshot_form] if self.snapshot_form else list(SNAPSHOT_FORMS)
        failure: ProAVError | None = None
        for form in forms:
            try:
                body = await self._snapshot(form, camera, width, height, quality)
            except DeviceError as err:  # missing, refused or not a JPEG: the next form
                if isinstance(err, NotPermitted):
                    raise
                failure = err
                continue
            if self.snapshot_form is None:
                _LOGGER.debug("Server %s serves snapshots in the %s form", self.server_id, form)
            self.snapshot_form = form
            return body
        assert failure is not None
        raise failure

    async def _snapshot(
        self,
        form: str,
        camera: Camera,
        width: int | None,
        height: int | None,
        quality: int | None,
    ) -> bytes:
        """Ask for one JPEG in one URL form."""
        fmt = camera.jpeg_format
        sizes = [
            (key, str(value))
            for key, value in (("w", width), ("h", height), ("q", quality))
            if value is not None
        ]
        if form == "query":
            params = [("camera", camera.id), ("format", str(6 if fmt is None else fmt)), *sizes]
            body = await self._call("GET", "video.web", params, read="bytes")
        elif form == "fmt":
            params = [("camera", camera.id), ("fmt", "jpg"), *sizes]
            body = await self._call("GET", "video.web", params, read="bytes")
        else:
            container = "native" if fmt == 0 else "transcoded"
            body = await self._call(
                "GET",
                f"video.web/{{s}}/{camera.id}/{container}",
                read="bytes",
                resource="video.web/{s}/{camera}/{container}",
            )
        if not body.startswith(_JPEG_MAGIC):
            raise InvalidResponse("The web service sent a snapshot that is not a JPEG")
        return bytes(body)

    async def open_mjpeg(self, camera_id: str) -> aiohttp.ClientResponse | None:
        """Open a camera's MJPEG stream; None when the web service offers none.

        The vendor document names no MJPEG route; some web service versions serve one for
        ``fmt=mjpg``. The caller reads the open response (no total timeout: the stream is
        long-lived) and must release it.
        """
        for attempt in (1, 2):
            current, fresh = await self._ensure_session()
            response = await self._open(
                "GET",
                "video.web",
                params=[("s", current.id), ("camera", camera_id), ("fmt", "mjpg")],
            )
            if response.status == 200 and response.content_type.startswith("multipart/"):
                return response
            response.release()
            if response.status in (401, 403) and not fresh and attempt == 1:
                await self._relogin(current.generation)
                continue
            return None
        return None  # pragma: no cover
