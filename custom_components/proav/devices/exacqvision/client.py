"""exacqVision Web Service API v1 client (no Home Assistant imports).

Routes follow the project's route table (docs/devices/exacqvision.md §4.0), all under ``/v1``.
The session id is passed as the ``s`` parameter on every call (query for reads, form body for
writes), as the vendor document shows; bearer / cookie ``token`` auth belongs to the service
configuration API, which this client does not need. A rejected session (401/403, a redirect to
the login page, an HTML page where JSON was expected, ``"success": false``) triggers one
re-login - with the single-use token of the last login when there is one, else the credentials -
and one retry; a rejected re-login raises ``InvalidAuth``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
import logging
from typing import Any, Literal

import aiohttp
import orjson
from yarl import URL

from ..errors import (  # noqa: TID252 - the shared errors, the one import allowed
    CannotConnect,
    DeviceError,
    InvalidAuth,
    InvalidResponse,
)
from ..session import DeviceClient  # noqa: TID252
from .models import (
    ActiveEvent,
    Camera,
    LoginResult,
    PtzPreset,
    ServerList,
    ServerStatus,
    SoftTrigger,
    SystemInfo,
    TriggeredEvent,
    parse_active_events,
    parse_cameras,
    parse_presets,
    parse_profile_names,
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

type Params = Sequence[tuple[str, str]]


class _SessionRejected(Exception):
    """The web service did not accept the session id (internal: triggers a re-login)."""


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
        self._session_id: str | None = None
        self._token: str | None = None
        self._csrf: tuple[str, str] | None = None
        self._login_lock = asyncio.Lock()
        self.request_count = 0

    @property
    def base_url(self) -> str:
        """Return the web service's address (its web client lives there)."""
        return str(self._base)

    @property
    def logged_in(self) -> bool:
        """Return whether a session is open."""
        return self._session_id is not None

    # --- transport ---------------------------------------------------------------------------

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
    ) -> aiohttp.ClientResponse:
        """Send a request and return the response with its body unread."""
        self.request_count += 1
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._session.request(
                    method,
                    self._base.with_path(f"/v1/{path}"),
                    params=list(params),
                    data=list(data) if data is not None else None,
                    headers=self._headers(method),
                    cookies=dict([self._csrf]) if self._csrf and method != "GET" else None,
                    allow_redirects=False,
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

    @staticmethod
    def _check_status(response: aiohttp.ClientResponse, body: bytes = b"") -> None:
        """Raise for a rejected session, a server failure or a refused request."""
        if (
            response.status == 401
            or (response.status == 403 and INVALID_REQUEST not in body)
            or (
                response.status in (301, 302, 303, 307)
                and "login" in response.headers.get("Location", "")
            )
        ):
            raise _SessionRejected
        if response.status >= 500:
            raise CannotConnect(f"HTTP {response.status}")
        if response.status >= 400:
            message = body.decode(errors="replace").strip()[:200] or f"HTTP {response.status}"
            raise DeviceError(message, code=response.status)

    @staticmethod
    def _decode(body: bytes, response: aiohttp.ClientResponse) -> Any:
        """Decode a JSON body; an HTML page instead means the session was not accepted."""
        if response.content_type == "text/html" or body.lstrip().startswith(b"<"):
            raise _SessionRejected
        if not body.strip():
            return None
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as err:
            raise InvalidResponse("The web service sent a body that is not JSON") from err

    async def _call(
        self,
        method: Literal["GET", "POST", "PUT", "DELETE"],
        path: str,
        params: Params = (),
        *,
        read: Literal["json", "bytes", "none"] = "json",
    ) -> Any:
        """Call a session route: add ``s``, re-login once if the session was rejected."""
        for attempt in (1, 2):
            session_id = await self._ensure_session()
            with_session = [("s", session_id), *params]
            path_now = path.replace("{s}", session_id)
            response = await (
                self._open(method, path_now, params=with_session)
                if method == "GET"
                else self._open(method, path_now, data=with_session)
            )
            try:
                body = await self._read(response)
                self._check_status(response, body)
                if read == "bytes" and not response.content_type.startswith(
                    ("text/", "application/json")
                ):
                    return body
                # JSON or a page (for a picture too: the login page, an error) - decode it.
                decoded = self._decode_answer(body, response, tolerant=read != "json")
                if isinstance(decoded, Mapping) and decoded.get("success") is False:
                    if method == "GET":
                        raise _SessionRejected
                    raise DeviceError(f"{path}: the server refused the request")
                if read == "bytes":
                    raise InvalidResponse(f"{path}: expected a picture")
            except _SessionRejected:
                if attempt == 2:
                    raise InvalidAuth(
                        "The web service rejected the session after a new login"
                    ) from None
                await self._relogin(session_id)
                continue
            return decoded
        raise AssertionError("unreachable")  # pragma: no cover

    def _decode_answer(
        self, body: bytes, response: aiohttp.ClientResponse, *, tolerant: bool
    ) -> Any:
        """Decode an answer; a write's answer may be anything (the document shows ``null``)."""
        try:
            return self._decode(body, response)
        except InvalidResponse:
            if tolerant:
                return None
            raise

    async def _call_json(self, path: str, params: Params = ()) -> Mapping[str, Any]:
        """GET a session route whose answer must be a JSON object."""
        decoded = await self._call("GET", path, params)
        if not isinstance(decoded, Mapping):
            raise InvalidResponse(f"{path}: expected a JSON object")
        return decoded

    # --- sessions ----------------------------------------------------------------------------

    async def list_servers(self) -> ServerList:
        """List the exacqVision servers behind the web service (no login needed)."""
        response = await self._open("GET", "servers.web", params=[("output", "json")])
        body = await self._read(response)
        try:
            self._check_status(response, body)
            decoded = self._decode(body, response)
        except _SessionRejected as err:
            raise CannotConnect("This is not an exacqVision web service") from err
        if not isinstance(decoded, Mapping):
            raise InvalidResponse("servers.web: expected a JSON object")
        return ServerList.from_dict(decoded)

    async def login(self) -> LoginResult:
        """Log in with the credentials; ask for a single-use token for the next login."""
        return await self._login([("u", self._username), ("p", self._password)], credentials=True)

    async def login_with_token(self, token: str) -> LoginResult:
        """Log in with a single-use token from an earlier login (consumes it)."""
        return await self._login([("token", token)], credentials=False)

    async def _login(self, secret: Params, *, credentials: bool) -> LoginResult:
        """Post a login; keep the new session id and token."""
        form = [("s", self.server_id), *secret, ("responseVersion", "2"), ("save", "1")]
        response = await self._open("POST", "login.web", data=form)
        body = await self._read(response)
        try:
            self._check_status(response, body)
            decoded = self._decode(body, response)
        except _SessionRejected as err:
            raise InvalidAuth("The web service rejected the login") from err
        if not isinstance(decoded, Mapping):
            raise InvalidResponse("login.web: expected a JSON object")
        result = LoginResult.from_dict(decoded)
        if decoded.get("success") is False or not result.session_id:
            if credentials:
                raise InvalidAuth("The web service rejected the login")
            raise _TokenRejected
        self._session_id = result.session_id
        self._token = result.token
        _LOGGER.debug("Logged in to server %s of %s", self.server_id, self._base.host)
        return result

    async def _ensure_session(self) -> str:
        """Return the open session id, logging in first when there is none."""
        if self._session_id is None:
            async with self._login_lock:
                if self._session_id is None:
                    await self.login()
        assert self._session_id is not None
        return self._session_id

    async def _relogin(self, rejected: str) -> None:
        """Replace a rejected session (once, however many calls saw it rejected)."""
        async with self._login_lock:
            if self._session_id not in (rejected, None):
                return  # another call already logged in again
            self._session_id = None
            _LOGGER.debug("Session of server %s expired; logging in again", self.server_id)
            if self._token is not None:
                token, self._token = self._token, None
                try:
                    await self.login_with_token(token)
                except (_TokenRejected, InvalidAuth):
                    pass
                else:
                    return
            await self.login()

    async def logout(self) -> None:
        """End the session (a 302 to the login page is the documented answer)."""
        session_id, self._session_id = self._session_id, None
        if session_id is None:
            return
        response = await self._open("POST", "logout.web", data=[("s", session_id)])
        response.release()

    # --- inventory ---------------------------------------------------------------------------

    async def system_info(self) -> SystemInfo:
        """Return the server's system information."""
        return SystemInfo.from_dict(await self._call_json("server.web/system"))

    async def cameras(self) -> list[Camera]:
        """Return the server's cameras."""
        return parse_cameras(await self._call_json("config.web", [("output", "json")]))

    async def presets(self, camera_id: str) -> list[PtzPreset]:
        """Return a camera's mechanical PTZ presets (none for a fixed camera)."""
        return parse_presets(await self._call_json("ptz.web", [("camera", camera_id)]))

    async def soft_triggers(self) -> list[SoftTrigger]:
        """Return the soft triggers the user may use."""
        return parse_triggers(await self._call_json("softtriggers.web"))

    # --- state -------------------------------------------------------------------------------

    async def status(self) -> ServerStatus:
        """Return the cameras and triggers in an important state: one request for all."""
        return ServerStatus.from_dict(await self._call_json("status.web"), self.server_id)

    async def active_events(self) -> tuple[ActiveEvent, ...]:
        """Return the events active on the server now."""
        return parse_active_events(await self._call_json("events.web"))

    async def event_profiles(self) -> set[str]:
        """Return the names of the event monitoring profiles."""
        return parse_profile_names(await self._call_json("eventmonitor.web"))

    async def create_event_profile(self, name: str, links: Sequence[Mapping[str, str]]) -> None:
        """Create an event monitoring profile with its links (any source of each type)."""
        first, *rest = links
        profile = [("name", name), ("type", "0"), ("showEventsList", "false")]
        await self._call("POST", "eventmonitor.web", [*profile, *self._link(first)], read="none")
        for link in rest:
            await self._call("POST", f"eventmonitor.web/{name}", self._link(link), read="none")

    async def delete_event_profile(self, name: str) -> None:
        """Delete an event monitoring profile (and its links)."""
        await self._call("DELETE", "eventmonitor.web", [("name", name)], read="none")

    def _link(self, link: Mapping[str, str]) -> Params:
        """Return the form fields of an event monitoring link on this session's server."""
        session_id = self._session_id or ""
        return [
            *link.items(),
            ("eventSourceServer", session_id),
            ("eventTargetServer", session_id),
            ("eventTargetType", "5"),  # log message: the harmless client action
        ]

    async def triggered_events(self, profile: str, duration: int) -> tuple[TriggeredEvent, ...]:
        """Return the links of a profile that fired in the last ``duration`` seconds (≤ 60)."""
        data = await self._call_json(
            f"eventmonitor.web/{profile}/triggered", [("duration", str(min(duration, 60)))]
        )
        return parse_triggered(data)

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

    # --- video -------------------------------------------------------------------------------

    async def snapshot(
        self,
        camera: Camera,
        width: int | None = None,
        height: int | None = None,
        quality: int | None = None,
    ) -> bytes:
        """Return one JPEG frame of a camera, at the requested size where one is given."""
        fmt = camera.jpeg_format
        if fmt is None:
            body = await self._call(
                "GET", "thumbnail.web", [("camera", camera.id), ("size", "2")], read="bytes"
            )
        elif width is None and height is None and quality is None:
            container = "transcoded" if fmt == 6 else "native"
            body = await self._call("GET", f"video.web/{{s}}/{camera.id}/{container}", read="bytes")
        else:
            sizes = [
                (key, str(value))
                for key, value in (("w", width), ("h", height), ("q", quality))
                if value is not None
            ]
            body = await self._call(
                "GET",
                "video.web",
                [("camera", camera.id), ("format", str(fmt)), *sizes],
                read="bytes",
            )
        if not body.startswith(_JPEG_MAGIC):
            raise InvalidResponse("The web service sent a snapshot that is not a JPEG")
        return bytes(body)

    async def open_mjpeg(self, camera_id: str) -> aiohttp.ClientResponse | None:
        """Open a camera's MJPEG stream; None when the web service offers none.

        The vendor document names no MJPEG route; some web service versions serve one for
        ``fmt=mjpg``. The caller reads the open response and must release it.
        """
        for attempt in (1, 2):
            session_id = await self._ensure_session()
            response = await self._open(
                "GET",
                "video.web",
                params=[("s", session_id), ("camera", camera_id), ("fmt", "mjpg")],
            )
            if response.status in (401, 403):
                response.release()
                if attempt == 2:
                    raise InvalidAuth(
                        "The web service rejected the session after a new login"
                    ) from None
                await self._relogin(session_id)
                continue
            if response.status == 200 and response.content_type.startswith("multipart/"):
                return response
            response.release()
            return None
        return None  # pragma: no cover


class _TokenRejected(Exception):
    """A single-use login token was not accepted (internal: fall back to the credentials)."""
