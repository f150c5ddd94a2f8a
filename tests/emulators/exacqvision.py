"""An exacqVision Web Service (API v1) emulator with several exacqVision servers behind it.

It follows the project's reference (docs/devices/exacqvision.md §9): routes under ``/v1`` (and the
same routes without the prefix), the session id as the ``s`` parameter, JSON shapes and key
capitalisation as documented (``Cameras``, ``Presets``, ``Triggers``, ``sessionID``), soft triggers
that fall back off 3 s after the last ``on``, event monitoring profiles whose links record
occurrences for 60 s, and a Servers Response of ``status.web`` listing only the items in an
important state. Routes the integration does not use are mounted and answer 501.

Field variants (switches of this emulator, set before or during a test):

- ``unknown_answer``: how a route the web service does not have answers: ``"404"`` or
  ``"redirect"`` (302 to the login page, as the vendor document says the web service does).
- ``missing``: routes this web service lacks (e.g. ``{"softtriggers.web", "ptz.web"}``: a server
  without soft triggers or PTZ; ``{"video.web/path"}``: no path-form snapshots;
  ``{"video.web/query"}``: no ``format=`` snapshots; ``{"v1"}``: an old web service with no
  ``/v1`` prefix).
- ``broken``: routes that answer a body that does not parse (a route failing for a while).
- ``login_refusal``: how wrong credentials are answered (``"401"``, ``"success_false"``).
- ``session_id_keys``: which keys carry the session id in the login answer (``("sessionId",)``
  as real servers send, ``("sessionID",)`` as the document shows).
- ``user_ptz``: False for a user without PTZ permission (``user_permissions.ptz`` false, PTZ
  routes answer 403).
- ``fixed_presets``: how a fixed camera's preset list answers: ``"empty"`` or
  ``"success_false"``.

``open_sessions`` counts the sessions of ours the web service holds.

Run it standalone for a demo::

    python -m tests.emulators.exacqvision --cameras 8 --servers 2 --port 8080
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
import json
import time
from typing import Any
import uuid

from aiohttp import web
from multidict import MultiDict

from .base import Emulator, pattern_image, self_signed_context

CAMERA_ID_BASE = 0x460A00  # sample camera id 4590080: structured, not 1..N
TRIGGER_ID_BASE = 0x470100
INVALID = "Invalid Request"
# EM source type -> the camera flag whose rising edge fires it
_EDGE_SOURCES = {"motion": 5, "loss": 4}


@lru_cache(maxsize=32)
def jpeg(width: int, height: int, label: str = "exacqVision") -> bytes:
    """Return a camera frame: a test pattern with the camera's name and the time."""
    return pattern_image(width, height, label)


def sized(width: int | None, height: int | None, native: tuple[int, int]) -> tuple[int, int]:
    """Apply the documented 4:3 rule: give one side, the other follows."""
    if width and height:
        return width, height
    if width:
        return width, width * 3 // 4
    if height:
        return height * 4 // 3, height
    return native


@dataclass
class EmuCamera:
    """A camera of an emulated server."""

    id: str
    name: str
    formats: list[int] = field(default_factory=lambda: [0, 6])
    presets: list[dict[str, Any]] = field(default_factory=list)
    motion: bool = False
    loss: bool = False
    connected: bool = True
    recording: bool = True
    disabled: bool = False
    last_preset: str | None = None
    moves: list[dict[str, str]] = field(default_factory=list)


@dataclass
class EmuTrigger:
    """A soft trigger of an emulated server."""

    id: int
    name: str
    on_until: float = 0.0


@dataclass
class EmuServer:
    """An exacqVision server behind the web service."""

    id: str
    name: str
    serial: str
    cameras: dict[str, EmuCamera] = field(default_factory=dict)
    triggers: dict[str, EmuTrigger] = field(default_factory=dict)
    alarms: dict[int, str] = field(default_factory=dict)  # active event type -> source id
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    triggered: list[dict[str, Any]] = field(default_factory=list)
    days_recorded_video: int = 30
    version: str = "24.09.1.0"
    license_info: dict[str, Any] = field(
        default_factory=lambda: {"expirationDate": "2027-06-30T00:00:00Z", "expired": False}
    )
    model: str = "exacqVision Z-Series"

    def summary(self) -> dict[str, Any]:
        """Return the List Servers / Login object of this server."""
        return {
            "canAutoLogin": False,
            "daysRecordedVideo": self.days_recorded_video,
            "managedFeatures": [],
            "address": "127.0.0.1",
            "user_permissions": {"ptz": True, "live": True, "event_monitor": True},
            "serial": self.serial,
            "login": False,
            "group": {},
            "name": self.name,
            "licenseInfo": self.license_info,
            "restricted": False,
            "admin_access_permissions": {},
            "id": self.id,
            "port": 22609,
            "version": self.version,
            "model": self.model,
        }


@dataclass
class Session:
    """A login session."""

    server: str
    last_used: float


class ExacqVisionEmulator(Emulator):
    """An exacqVision web service fronting one or more servers."""

    def __init__(
        self,
        *,
        servers: int = 1,
        cameras: int = 4,
        ptz_cameras: int = 1,
        triggers: int = 2,
        username: str = "admin",
        password: str = "admin256",  # noqa: S107 - the emulated device's demo account
        tls: bool = False,
        strict: bool = False,
    ) -> None:
        """Create the servers with their cameras (the first ``ptz_cameras`` have presets)."""
        self.users = {username: password}
        self.servers: dict[str, EmuServer] = {}
        self.sessions: dict[str, Session] = {}
        self.tokens: dict[str, str] = {}  # single-use login token -> server id
        self.session_idle = 1800.0
        self.trigger_hold = 3.0
        self.csrf = True
        self.csrf_strict = False  # refuse writes without Origin and the login's CSRF token
        self.csrf_tokens: set[str] = set()
        # How an expired session is answered: "401" (documented proposal), "redirect" (to the
        # login page), "html" (the login page itself) or "success_false" (HTTP 200).
        self.expired_answer = "401"
        self.mjpeg_enabled = True
        self.mjpeg_frames = 3
        self.mjpeg_interval = 0.0  # seconds between frames (a live stream is slow and long)
        self.event_monitoring = True  # False: the user may not use event monitoring (400)
        self.unknown_answer = "404"
        # How a refused login answers: "401", "success_false" (HTTP 200) or "400".
        self.login_refusal = "401"
        self.exports: dict[str, dict[str, Any]] = {}  # export id -> camera, times, progress
        self.export_steps = 2  # status reads until an export is complete
        self.bookmarks: list[dict[str, Any]] = []
        self.searches: set[str] = set()  # open search ids (ended by logout.web)
        self.missing: set[str] = set()
        self.broken: set[str] = set()
        self.session_id_keys: tuple[str, ...] = ("sessionID",)
        self.user_ptz = True
        self.fixed_presets = "empty"
        self.clock_offset = 0.0
        self._epoch = time.clock_gettime(time.CLOCK_REALTIME) - self.now()
        self.camera_formats = True  # False: config.web lists no ``formats`` per camera
        if strict:
            self.strict_real()
        super().__init__()
        self.app.middlewares.append(self._variants)
        if tls:  # HTTPS with a self-signed certificate, as web services without ACME serve
            self.ssl_context = self_signed_context("exacqvision")
        for index in range(servers):
            server = EmuServer(
                id=str(index),
                name=f"Server {index + 1}",
                serial=f"18-62-66-32-4E-{0xAF + index:02X}",
            )
            for number in range(cameras):
                self.add_camera(server, number, ptz=number < ptz_cameras)
            for number in range(triggers):
                self.add_trigger(server, number)
            self.servers[server.id] = server

    # --- state helpers for tests -------------------------------------------------------------

    def now(self) -> float:
        """Return the emulator's clock (monotonic, advanced by tests).

        Read straight from the OS so that tests freezing Home Assistant's time do not move it.
        """
        return time.clock_gettime(time.CLOCK_MONOTONIC) + self.clock_offset

    def wall_time(self) -> str:
        """Return the emulator's clock as an RFC 3339 time (for event records)."""
        return datetime.fromtimestamp(self._epoch + self.now(), UTC).isoformat(
            timespec="milliseconds"
        )

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward (soft trigger release, event retention)."""
        self.clock_offset += seconds

    @property
    def server(self) -> EmuServer:
        """Return the first server."""
        return self.servers["0"]

    def add_camera(self, server: EmuServer, number: int, *, ptz: bool = False) -> EmuCamera:
        """Add a camera (id from the structured sample range)."""
        camera_id = str(CAMERA_ID_BASE + int(server.id) * 0x10000 + number * 0x100)
        camera = EmuCamera(id=camera_id, name=f"Camera {number + 1}")
        if ptz:
            camera.presets = [
                {"id": 1, "name": "Entrance"},
                {"id": 2, "name": "Parking"},
                {"id": 3, "name": "Gate"},
            ]
        server.cameras[camera_id] = camera
        return camera

    def add_trigger(self, server: EmuServer, number: int) -> EmuTrigger:
        """Add a soft trigger."""
        trigger = EmuTrigger(id=TRIGGER_ID_BASE + number, name=f"Trigger {number + 1}")
        server.triggers[str(trigger.id)] = trigger
        return trigger

    def set_camera(self, server: EmuServer, camera_id: str, **flags: bool) -> None:
        """Change a camera's motion / loss / connected / recording; edges fire EM links."""
        camera = server.cameras[camera_id]
        for flag, value in flags.items():
            rising = value and not getattr(camera, flag)
            setattr(camera, flag, value)
            if rising and flag in _EDGE_SOURCES:
                self._fire(server, _EDGE_SOURCES[flag], camera_id)
            if flag == "connected" and not value:
                self._fire(server, 13, camera_id)

    def input_alarm(self, server: EmuServer, input_id: str) -> None:
        """Let an alarm input (a camera's or the server's own) fire its EM links."""
        self._fire(server, 3, input_id)

    def fire_trigger(self, server: EmuServer, trigger: EmuTrigger) -> None:
        """Set a soft trigger (from any client: the web UI, a keypad, Home Assistant)."""
        if not self.trigger_on(trigger):
            self._fire(server, 1, str(trigger.id))
        trigger.on_until = self.now() + self.trigger_hold

    def trigger_on(self, trigger: EmuTrigger) -> bool:
        """Return whether a soft trigger is on now."""
        return self.now() < trigger.on_until

    def _fire(self, server: EmuServer, source_type: int, source_id: str) -> None:
        """Record an occurrence for every EM link that matches the source."""
        for profile in server.profiles.values():
            for guid, link in profile["links"].items():
                if int(link.get("eventSourceType", 0)) != source_type:
                    continue
                if link.get("eventSourceAny") not in ("true", "1", True) and str(
                    link.get("eventSourceId")
                ) != str(source_id):
                    continue
                server.triggered.append(
                    {
                        "guid": guid,
                        "time": self.wall_time(),
                        "at": self.now(),
                        "profile": profile["name"],
                        "server": server.id,
                        "eventSourceType": source_type,
                        "eventSourceId": int(source_id),
                        "eventMessage": link.get("eventMessage", ""),
                        "eventPriority": int(link.get("eventPriority", 5)),
                        "eventTargetType": int(link.get("eventTargetType", 5)),
                        "eventTargetValue": link.get("eventTargetValue", ""),
                    }
                )

    def strict_real(self) -> None:
        """Answer as real web services are seen to: the field behaviours the review lists.

        Unknown routes redirect to the login page, expired sessions too, the login names the
        session ``sessionId``, cameras list no ``formats``, a fixed camera's presets answer
        ``success: false``, and there are no path-form snapshots.
        """
        self.unknown_answer = "redirect"
        self.expired_answer = "redirect"
        self.session_id_keys = ("sessionId",)
        self.camera_formats = False
        self.fixed_presets = "success_false"
        self.missing = {*self.missing, "video.web/path"}

    @property
    def open_sessions(self) -> int:
        """Return how many sessions are open (idle ones count until they time out)."""
        return len(self.sessions)

    def _unknown(self) -> web.Response:
        """Answer a route this web service does not have."""
        if self.unknown_answer == "redirect":
            return web.Response(
                status=302, headers={"Location": "/login.web"}, text="login.web",
                content_type="text/html",
            )  # fmt: skip
        return web.Response(status=404, text="Not Found", content_type="text/plain")

    @web.middleware
    async def _variants(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Answer routes this variant lacks as the web service answers unknown routes."""
        path = request.path
        if "v1" in self.missing and path.startswith("/v1/"):
            return self._unknown()
        route = path.removeprefix("/v1").lstrip("/")
        if route.split("/")[0] in self.missing or route in self.missing:
            return self._unknown()
        if route.startswith("video.web/") and "video.web/path" in self.missing:
            return self._unknown()
        if route.split("/")[0] in self.broken:
            return web.Response(body=b"{broken", content_type="application/json")
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return self._unknown()

    def expire_sessions(self) -> None:
        """Invalidate every session and login token."""
        self.sessions.clear()
        self.tokens.clear()

    # --- plumbing ----------------------------------------------------------------------------

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        """Mount the route table under /v1 and without the prefix."""
        routes = [
            ("GET", "/servers.web", self._servers),
            ("POST", "/login.web", self._login),
            ("POST", "/logout.web", self._logout),
            ("GET", "/logout.web", self._logout),
            ("GET", "/server.web/system", self._system),
            ("GET", "/server.web/eventstatus", self._event_status),
            ("GET", "/config.web", self._config),
            ("GET", "/video.web", self._video),
            ("GET", "/video.web/{session}/{camera}/{container}", self._video_path),
            ("GET", "/thumbnail.web", self._thumbnail),
            ("GET", "/ptz.web", self._ptz_list),
            ("POST", "/ptz.web", self._ptz_action),
            ("GET", "/softtriggers.web", self._trigger_list),
            ("POST", "/softtriggers.web", self._trigger_set),
            ("GET", "/status.web", self._status),
            ("GET", "/events.web", self._events),
            ("GET", "/eventmonitor.web", self._profiles),
            ("POST", "/eventmonitor.web", self._profile_create),
            ("DELETE", "/eventmonitor.web", self._profile_delete),
            ("POST", "/eventmonitor.web/{profile}", self._link_create),
            ("GET", "/eventmonitor.web/{profile}/triggered", self._triggered),
            ("GET", "/service.web/info", self._service_info),
            ("GET", "/export.web", self._export),
            ("GET", "/search.web", self._search),
            ("GET", "/bookmarks.web", self._bookmarks),
            ("POST", "/bookmarks.web", self._bookmark_create),
        ]
        unused = [
            "/server.web/users", "/server.web/plugins", "/server.web/serial", "/server.web/devices",
            "/server.web/devices/types", "/server.web/archive", "/camera.web", "/image.web",
            "/dptz.web", "/views.web", "/tours.web", "/groups.web", "/maps.web", "/associations.web",
            "/associations.web/camera", "/security.web/devices", "/security.web/sensors",
            "/security.web/action", "/security.web/login", "/security.web/verify",
            "/security.web/logout", "/service.web/login", "/service.web/logout",
            "/service.web/status", "/auth.web", "/auth.web/logout", "/push.web", "/push.web/key",
            "/search.web/status", "/search.web/metadata", "/search.web/image",
            "/search.web/frame", "/search.web/thumbnails", "/timestamp.web", "/playspeed.web",
            "/step.web/{steps}", "/videopush.web", "/users.web",
            "/cases.web", "/serial.web", "/analytics.web/rules", "/audio.web",
            # the rest of the route table's families (service admin, push, video push, ...)
            "/service.web/{tail:.+}", "/push.web/{tail:.+}", "/videopush.web/{tail:.+}",
            "/users.web/{tail:.+}", "/bookmarks.web/{tail:.+}", "/serial.web/{tail:.+}",
            "/playspeed.web/{tail:.+}", "/search.web/{tail:.+}",
        ]  # fmt: skip
        for prefix in ("/v1", ""):
            for method, path, handler in routes:
                router.add_route(method, prefix + path, handler)
            for path in unused:
                router.add_route("*", prefix + path, self._not_emulated)

    @staticmethod
    async def _params(request: web.Request) -> MultiDict[str]:
        """Merge query and form body (repeated keys stay repeated)."""
        params: MultiDict[str] = MultiDict(request.query)
        if request.method != "GET" and request.can_read_body:
            params.extend(await request.post())  # type: ignore[arg-type]
        return params

    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        """Answer JSON."""
        return web.Response(status=status, text=json.dumps(data), content_type="application/json")

    @staticmethod
    def _invalid(status: int = 400) -> web.Response:
        """Answer the documented plain-text error."""
        return web.Response(status=status, text=INVALID, content_type="text/plain")

    def _session(self, params: MultiDict[str], session_id: str | None = None) -> EmuServer | None:
        """Return the server of a valid session (refreshing its idle timer)."""
        session = self.sessions.get(session_id or params.get("s", ""))
        if session is None or self.now() - session.last_used > self.session_idle:
            return None
        session.last_used = self.now()
        return self.servers.get(session.server)

    def _csrf_refused(self, request: web.Request) -> bool:
        """In strict mode, refuse writes from another origin or without the CSRF token."""
        if not self.csrf_strict or request.method == "GET":
            return False
        origin = request.headers.get("Origin") or request.headers.get("Referer", "")
        if request.host not in origin:
            return True
        return request.headers.get("X-CSRF-Token") not in self.csrf_tokens

    async def _authed(
        self, request: web.Request
    ) -> tuple[EmuServer, MultiDict[str]] | web.Response:
        """Return the session's server and the params, or the 401 / 403 answer."""
        params = await self._params(request)
        if self._csrf_refused(request):
            return self._invalid(403)
        server = self._session(params, request.match_info.get("session"))
        if server is None:
            return self._session_refused()
        return server, params

    def _session_refused(self) -> web.Response:
        """Answer a request with an unknown or expired session, as configured."""
        if self.expired_answer == "redirect":
            return web.Response(status=302, headers={"Location": "/login.web"}, text="login.web")
        if self.expired_answer == "html":
            return web.Response(text="<html>login</html>", content_type="text/html")
        if self.expired_answer == "success_false":
            return self._json({"success": False})
        return self._json({"success": False}, 401)

    # --- sessions ----------------------------------------------------------------------------

    async def _servers(self, request: web.Request) -> web.Response:
        """List Servers (no auth)."""
        if request.query.get("output") != "json":
            return self._invalid()
        servers = [server.summary() for server in self.servers.values()]
        return self._json({"list": servers, "CSRF": self.csrf})

    async def _login(self, request: web.Request) -> web.Response:
        """Login with credentials, or with a single-use token."""
        params = await self._params(request)
        if params.get("responseVersion") != "2" or "s" not in params:
            return self._invalid()
        server = self.servers.get(params["s"])
        token = params.get("token")
        if token is not None:
            valid = server is not None and self.tokens.pop(token, None) == server.id
        else:
            valid = self.users.get(params.get("u", "")) == params.get("p")
        if server is None or not valid:
            self.log("login_refused")
            if self.login_refusal == "success_false":
                return self._json({"success": False})
            if self.login_refusal == "400":
                return self._invalid()
            return self._json({"success": False}, 401)
        session_id = str(uuid.uuid4())
        self.sessions[session_id] = Session(server=server.id, last_used=self.now())
        self.log("login", server=server.id, token=token is not None)
        body: dict[str, Any] = {"success": True, **server.summary()}
        body["user_permissions"] = {**body["user_permissions"], "ptz": self.user_ptz}
        for key in self.session_id_keys:
            body[key] = session_id
        if params.get("save") == "1":
            body["token"] = new_token = str(uuid.uuid4())
            body["canAutoLogin"] = True
            self.tokens[new_token] = server.id
        response = self._json(body)
        if self.csrf_strict:
            self.csrf_tokens.add(csrf_token := uuid.uuid4().hex)
            response.set_cookie("csrf_token", csrf_token)
        return response

    async def _logout(self, request: web.Request) -> web.Response:
        """Logout: always a redirect to the login page."""
        params = await self._params(request)
        if self.sessions.pop(params.get("s", ""), None) is not None:
            self.log("logout")
        elif params.get("s", "") in self.searches:
            self.searches.discard(params["s"])
            self.log("search_logout")
        return web.Response(
            status=302,
            text="login.web",
            content_type="text/html",
            headers={"Location": "/login.web"},
        )

    async def _service_info(self, request: web.Request) -> web.Response:
        """Get Service Info (no auth)."""
        return self._json(
            {"success": True, "name": "Internal web service API", "version": {"major": 24}}
        )

    async def _not_emulated(self, request: web.Request) -> web.Response:
        """Answer 501 on a documented route the integration does not use."""
        return web.Response(status=501, text="Not emulated", content_type="text/plain")

    # --- inventory ---------------------------------------------------------------------------

    async def _system(self, request: web.Request) -> web.Response:
        """Get System Info."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, _ = auth
        return self._json(
            {
                "success": True,
                "bios": "American Megatrends Inc. 0314 08/22/2014",
                "modelNumber": server.model,
                "motherboard": "ASUSTeK COMPUTER INC. Q87M-A/TYCO/SI",
                "os": "Ubuntu 22.04",
                "processor": "Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz",
                "serialNumber": server.serial,
                "systemName": "exacqVision Hybrid Server",
                "totalMemory": 8192,
                "utf8Enabled": True,
            }
        )

    async def _config(self, request: web.Request) -> web.Response:
        """List Cameras (key ``Cameras``, no ``success``)."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, params = auth
        if params.get("output") != "json":
            return self._invalid()
        cameras = [
            {"id": c.id, "name": c.name, "state": 0 if c.connected else 1,
             "disabled": int(c.disabled),
             **({"formats": c.formats} if self.camera_formats else {})}
            for c in server.cameras.values()
        ]  # fmt: skip
        return self._json(
            {"timezone": -4, "name": server.name, "restricted": False, "Cameras": cameras}
        )

    async def _ptz_list(self, request: web.Request) -> web.Response:
        """List Mechanical PTZ Presets (empty for a fixed camera)."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, params = auth
        if not self.user_ptz:
            return self._json({"success": False}, 403)
        camera = server.cameras.get(params.get("camera", ""))
        if camera is None:
            return self._json({"success": False}, 404)
        self.log("ptz_presets", camera=camera.id)
        if not camera.presets and self.fixed_presets == "success_false":
            return self._json({"success": False})
        return self._json({"Presets": camera.presets})

    async def _ptz_action(self, request: web.Request) -> web.Response:
        """Perform Mechanical PTZ Action: preset, speeds, or a direction. Empty 200."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, params = auth
        if not self.user_ptz:
            return self._json({"success": False}, 403)
        camera = server.cameras.get(params.get("camera", ""))
        if camera is None:
            return self._json({"success": False}, 404)
        if "preset" in params:
            if not any(str(p["id"]) == params["preset"] for p in camera.presets):
                return self._invalid()
            camera.last_preset = params["preset"]
            self.log("preset", camera=camera.id, preset=params["preset"])
        elif "direction" in params or any(k in params for k in ("pspeed", "tspeed", "zspeed")):
            move = {
                k: params[k] for k in ("direction", "pspeed", "tspeed", "zspeed") if k in params
            }
            camera.moves.append(move)
            self.log("ptz", camera=camera.id, **move)
        else:
            return self._invalid()
        return web.Response(status=200)

    async def _trigger_list(self, request: web.Request) -> web.Response:
        """List Soft Triggers (key ``Triggers``)."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, _ = auth
        triggers = [
            {"id": t.id, "name": t.name, "state": "on" if self.trigger_on(t) else "off"}
            for t in server.triggers.values()
        ]
        return self._json({"Triggers": triggers})

    async def _trigger_set(self, request: web.Request) -> web.Response:
        """Set Soft Trigger State: on lasts ``trigger_hold`` seconds unless re-sent."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, params = auth
        trigger = server.triggers.get(params.get("tid", ""))
        state = params.get("state")
        if trigger is None or state not in ("on", "off"):
            return self._invalid()
        if state == "on":
            self.fire_trigger(server, trigger)
        else:
            trigger.on_until = 0.0
        self.log("soft_trigger", tid=str(trigger.id), state=state)
        return self._json({"success": True})

    # --- state -------------------------------------------------------------------------------

    def _camera_item(self, server: EmuServer, camera: EmuCamera) -> dict[str, Any]:
        """Return a camera's status item."""
        return {"type": "camera", "id": camera.id, "server": server.id, "motion": camera.motion,
                "loss": camera.loss, "recording": camera.recording, "connected": camera.connected}  # fmt: skip

    async def _status(self, request: web.Request) -> web.Response:
        """Get Status: an Items Response for named items, else a Servers Response."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, params = auth
        if "camera" in params or "trigger" in params or "map" in params:
            cameras = [
                server.cameras[c] for c in params.getall("camera", []) if c in server.cameras
            ]
            triggers = [
                server.triggers[t] for t in params.getall("trigger", []) if t in server.triggers
            ]
            return self._json(
                {
                    "success": True,
                    "camera": [self._camera_item(server, c) for c in cameras],
                    "trigger": [
                        {"id": t.id, "server": server.id, "state": "on" if self.trigger_on(t) else "off"}
                        for t in triggers
                    ],
                    "map": [],
                }
            )  # fmt: skip
        items = [
            self._camera_item(server, c)
            for c in server.cameras.values()
            if c.motion or c.loss or not c.recording or not c.connected
        ]
        items += [
            {"type": "trigger", "id": t.id, "server": server.id, "state": "on"}
            for t in server.triggers.values()
            if self.trigger_on(t)
        ]
        return self._json(
            {
                "success": True,
                "servers": [{"id": server.id, "session": params["s"], "items": items}],
            }
        )

    def _active(self, server: EmuServer) -> list[dict[str, Any]]:
        """Return the active events of a server."""
        events: list[dict[str, Any]] = []
        for camera in server.cameras.values():
            for flag, kind in (("motion", 1), ("loss", 2)):
                if getattr(camera, flag):
                    events.append({"type": kind, "server": server.id, "sourceId": camera.id,
                                   "sourceName": camera.name, "start": "2026-11-21T12:00:00Z"})  # fmt: skip
            if not camera.connected:
                events.append({"type": 21, "server": server.id, "sourceId": camera.id,
                               "sourceName": camera.name, "start": "2026-11-21T12:00:00Z"})  # fmt: skip
        events += [
            {"type": 22, "server": server.id, "sourceId": str(t.id), "sourceName": t.name}
            for t in server.triggers.values()
            if self.trigger_on(t)
        ]
        events += [
            {"type": kind, "server": server.id, "sourceId": source, "sourceName": ""}
            for kind, source in server.alarms.items()
        ]
        return events

    async def _events(self, request: web.Request) -> web.Response:
        """List Active Events (``filter`` restricts the types)."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, params = auth
        events = self._active(server)
        if kinds := {int(k) for k in params.getall("filter", []) if k.isdigit() and k != "0"}:
            events = [e for e in events if e["type"] in kinds]
        return self._json({"success": True, "events": events})

    async def _event_status(self, request: web.Request) -> web.Response:
        """Get Event Status."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, _ = auth
        active = self._active(server)
        status = {"server": server.id, "activeEvents": len(active), "alarm": bool(server.alarms)}
        return self._json({"statuses": [status], "success": True})

    # --- event monitoring --------------------------------------------------------------------

    async def _profiles(self, request: web.Request) -> web.Response:
        """List Event Monitoring Profiles."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        if not self.event_monitoring:
            return self._invalid()
        server, _ = auth
        profiles = [
            {
                "name": p["name"],
                "type": p["type"],
                "links": [{"guid": g, **link} for g, link in p["links"].items()],
            }
            for p in server.profiles.values()
        ]
        return self._json({"profiles": profiles, "success": True})

    def _add_link(self, profile: dict[str, Any], params: MultiDict[str]) -> str:
        """Add a link to a profile; return its GUID."""
        guid = str(uuid.uuid4())
        profile["links"][guid] = {key: params[key] for key in params if key.startswith("event")}
        return guid

    async def _profile_create(self, request: web.Request) -> web.Response:
        """Create Event Monitoring Profile (with its first link)."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        if not self.event_monitoring:
            return self._invalid()
        server, params = auth
        if not params.get("name") or "eventSourceType" not in params or "type" not in params:
            return self._invalid()
        profile = {"name": params["name"], "type": int(params["type"]), "links": {}}
        guid = self._add_link(profile, params)
        server.profiles[params["name"]] = profile
        self.log("profile_create", profile=params["name"])
        return self._json({"profile": {"name": params["name"], "links": [guid]}, "success": True})

    async def _profile_delete(self, request: web.Request) -> web.Response:
        """Delete Event Monitoring Profile (by name)."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, params = auth
        if server.profiles.pop(params.get("name", ""), None) is None:
            return self._invalid()
        self.log("profile_delete", profile=params["name"])
        return self._json({"success": True})

    async def _link_create(self, request: web.Request) -> web.Response:
        """Create Event Monitoring Link."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        if not self.event_monitoring:
            return self._invalid()
        server, params = auth
        profile = server.profiles.get(request.match_info["profile"])
        if profile is None or "eventSourceType" not in params:
            return self._invalid()
        guid = self._add_link(profile, params)
        return self._json({"success": True, "event": {"guid": guid}})

    async def _triggered(self, request: web.Request) -> web.Response:
        """List Triggered Event Links of the last ``duration`` (≤ 60, default 5) seconds."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        if not self.event_monitoring:
            return self._invalid()
        server, params = auth
        now = self.now()
        server.triggered = [t for t in server.triggered if now - t["at"] <= 60]
        duration = min(float(params.get("duration", 5)), 60)
        name = request.match_info["profile"]
        events = [
            {k: v for k, v in t.items() if k not in ("at", "profile")}
            for t in server.triggered
            if t["profile"] == name and now - t["at"] <= duration
        ]
        return self._json({"success": True, "triggeredEvents": events})

    # --- recordings --------------------------------------------------------------------------

    async def _export(self, request: web.Request) -> web.StreamResponse:
        """Export Video: create (camera, start, end, format), status, download, finish."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, params = auth
        export_id = params.get("export")
        if export_id is None:
            if (
                not {"camera", "start", "end"} <= set(params)
                or params["camera"] not in server.cameras
            ):
                return self._invalid()
            export_id = str(uuid.uuid4())
            self.exports[export_id] = {"camera": params["camera"], "start": params["start"],
                                       "end": params["end"], "format": params.get("format"),
                                       "reads": 0}  # fmt: skip
            self.log("export", **{k: v for k, v in self.exports[export_id].items() if k != "reads"})
            return self._json({"success": True, "export_id": export_id})
        export = self.exports.get(export_id)
        if export is None:
            return self._invalid()
        action = params.get("action")
        if action == "finish":
            self.exports.pop(export_id)
            self.log("export_finish")
            return self._json({"success": True})
        if action == "download":
            if export["reads"] < self.export_steps:
                return self._invalid()
            return web.Response(
                body=b"\x00\x00\x00\x18ftypmp42" + export["camera"].encode(),
                content_type="video/mp4",
                headers={"Content-Disposition": 'attachment; filename="Export.mp4"'},
            )
        export["reads"] += 1
        progress = min(100, 100 * export["reads"] // self.export_steps)
        return self._json({"success": True, "progress": progress})

    async def _search(self, request: web.Request) -> web.Response:
        """Create a Search: each camera's clips in the window.

        Every 3 h a 10-minute clip; a short window ("now") is covered while the camera records.
        """
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, params = auth
        cameras = params.getall("camera", [])
        try:
            start = datetime.fromisoformat(params["start"]).astimezone(UTC)
            end = datetime.fromisoformat(params["end"]).astimezone(UTC)
        except (KeyError, ValueError):
            return self._invalid()
        if not cameras or any(camera not in server.cameras for camera in cameras):
            return self._invalid()
        video_info = []
        for camera in cameras:
            clips = []
            at = start.replace(hour=start.hour - start.hour % 3, minute=0, second=0, microsecond=0)
            while at < end:
                clip_end = at + timedelta(minutes=10)
                if clip_end > start:
                    clips.append((max(at, start), min(clip_end, end)))
                at += timedelta(hours=3)
            if end - start <= timedelta(minutes=10):  # a short window "now"
                clips = [(start, end)] if server.cameras[camera].recording else []
            video_info.append({"camera": camera, "clips": [
                {"startTime": f"{a:%Y-%m-%dT%H:%M:%SZ}", "endTime": f"{b:%Y-%m-%dT%H:%M:%SZ}"}
                for a, b in clips
            ]})  # fmt: skip
        search_id = f"0x{uuid.uuid4().hex[:8]}"
        self.searches.add(search_id)
        self.log("search", camera=",".join(cameras), start=params["start"], end=params["end"])
        return self._json({"success": True, "search_id": search_id, "videoInfo": video_info})

    async def _bookmarks(self, request: web.Request) -> web.Response:
        """List Bookmarks."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        return self._json({"success": True, "bookmarks": self.bookmarks})

    async def _bookmark_create(self, request: web.Request) -> web.Response:
        """Create Bookmark (name, start, end, itemType, itemId)."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        _, params = auth
        keys = ("name", "start", "end", "itemType", "itemId")
        if not all(params.get(key) for key in keys):
            return self._invalid()
        bookmark = {"guid": str(uuid.uuid4()), **{key: params[key] for key in keys}}
        self.bookmarks.append(bookmark)
        self.log("bookmark", camera=params["itemId"], title=params["name"])
        return self._json({"success": True, "bookmark": bookmark})

    # --- video -------------------------------------------------------------------------------

    def _frame(self, camera: EmuCamera, params: MultiDict[str]) -> bytes:
        """Return a JPEG frame of a camera at the requested size."""
        width = int(params["w"]) if params.get("w", "").isdigit() else None
        height = int(params["h"]) if params.get("h", "").isdigit() else None
        return jpeg(*sized(width, height, (320, 240)), camera.name)

    async def _video(self, request: web.Request) -> web.StreamResponse:
        """Get Video (Legacy): one JPEG frame, or an MJPEG stream for ``fmt=mjpg``."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, params = auth
        camera = server.cameras.get(params.get("camera", ""))
        if camera is None:
            return self._json({"success": False}, 404)
        if params.get("fmt") == "mjpg":
            if not self.mjpeg_enabled:
                return self._invalid()
            return await self._mjpeg(request, camera, params)
        if params.get("fmt") == "jpg":
            if "video.web/fmt" in self.missing:
                return self._invalid()
            self.log("snapshot", camera=camera.id, w=params.get("w"), h=params.get("h"))
            return web.Response(body=self._frame(camera, params), content_type="image/jpeg")
        if "video.web/query" in self.missing:
            return self._invalid()
        if "time" in params:  # Retrieve Single Recorded Frame
            self.log("recorded_frame", camera=camera.id, time=params["time"])
            return web.Response(body=self._frame(camera, params), content_type="image/jpeg")
        fmt = int(params.get("format", 6))
        if fmt not in camera.formats:
            return self._invalid()
        if fmt not in (0, 6):
            return web.Response(status=501, text="Not emulated")
        self.log("snapshot", camera=camera.id, w=params.get("w"), h=params.get("h"))
        return web.Response(body=self._frame(camera, params), content_type="image/jpeg")

    async def _video_path(self, request: web.Request) -> web.StreamResponse:
        """Get Video with session, camera and container in the path: one JPEG frame."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, params = auth
        camera = server.cameras.get(request.match_info["camera"])
        if camera is None:
            return self._json({"success": False}, 404)
        if request.match_info["container"] not in ("native", "transcoded"):
            return self._invalid()
        self.log("snapshot", camera=camera.id, w=None, h=None)
        return web.Response(body=self._frame(camera, params), content_type="image/jpeg")

    async def _thumbnail(self, request: web.Request) -> web.Response:
        """Get Thumbnail Preview: a square of 80, 128 or 200 px."""
        if isinstance(auth := await self._authed(request), web.Response):
            return auth
        server, params = auth
        camera = server.cameras.get(params.get("camera", ""))
        if camera is None:
            return self._json({"success": False}, 404)
        side = {"0": 80, "1": 128, "2": 200}.get(params.get("size", "1"), 128)
        return web.Response(body=jpeg(side, side, camera.name), content_type="image/jpeg")

    async def _mjpeg(
        self, request: web.Request, camera: EmuCamera, params: MultiDict[str]
    ) -> web.StreamResponse:
        """Stream ``mjpeg_frames`` JPEG frames as multipart/x-mixed-replace."""
        response = web.StreamResponse(
            headers={"Content-Type": "multipart/x-mixed-replace; boundary=frame"}
        )
        await response.prepare(request)
        self.log("mjpeg", camera=camera.id)
        for _ in range(self.mjpeg_frames):
            if self.mjpeg_interval:
                await asyncio.sleep(self.mjpeg_interval)
            frame = jpeg(320, 240, camera.name)
            await response.write(
                b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
                + str(len(frame)).encode()
                + b"\r\n\r\n"
                + frame
                + b"\r\n"
            )
        await response.write_eof()
        return response


async def _main() -> None:
    """Run the emulator until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--cameras", type=int, default=8)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    emulator = await ExacqVisionEmulator(servers=args.servers, cameras=args.cameras).start(
        args.port
    )
    print(f"exacqVision web service emulator on {emulator.url} (admin / admin256)")  # noqa: T201
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


if __name__ == "__main__":
    asyncio.run(_main())
