"""Emulator of a Poly VideoOS codec (G7500 / Studio X) REST API, after the 4.0.0 reference guide.

What the guide leaves open follows docs/devices/poly_videoos.md (its [decision] notes):
- ``POST /rest/session`` sets a ``session_id`` cookie; with ``require_xsrf`` (VideoOS 4.6.2+) it
  also hands out an ``XSRF-TOKEN`` cookie and ``X-XSRF-TOKEN`` header, and every other request
  must echo the token in an ``X-XSRF-Token`` header. Missing/expired sessions or a wrong token get
  403 (``auth_failure_status`` makes it 401). ``DELETE /rest/session`` logs out.
- Sessions expire after ``session_timeout`` idle seconds or when a test calls ``expire_sessions``.
- Calls: ``POST /rest/conferences`` dials (connected at once unless ``auto_connect`` is off, then
  ``CONNECTING`` until ``connect_call``); ``incoming_call`` rings from the far end, ``answer_call``
  answers it on the room's touch panel; ``DELETE`` ends them, ``end_call`` ends them from afar.
  Only ``CONNECTED`` and ``INACTIVE`` are documented states: ``CONNECTING`` and ``RINGING`` (an
  incoming, answerable connection) are invented interim states.
- ``GET /rest/system`` (identity with a serial number) is not in the 4.0.0 guide; it follows the
  older Polycom REST API family and is flagged as an extension.
- Content: ``start_content`` / ``stop_content`` switch the content status (``CONTENT_SENDING`` is
  an invented value; only ``CONTENT_IDLE`` is documented).
- Unmuting while mute is locked answers 200 and leaves the microphones muted
  (``mute_lock_status = 405`` refuses it instead).

Field variants (switches of this one emulator), after what real codecs do (the field review):
- session ids look like real ones (base64 with ``/``, ``+`` and ``=``), go out in a raw
  ``Set-Cookie`` and must come back unquoted: ``reject_quoted_cookies`` (on by default) refuses a
  quoted ``session_id`` as no session; ``rotate_xsrf`` hands out a new XSRF token with every
  answer and refuses the old one;
- ``partner`` ("teams", "zoom"): a partner app runs the room; writes in ``POLICY_PATHS`` answer
  403 (policy), and ``GET /rest/system/mode`` names the app;
- ``overrides`` answers one "METHOD /path" with a fixed status, type and body;
- ``unconfigured`` / ``missing`` / ``forbidden``: paths that answer 500 (the guide's answer for
  calendar, SIP or presets that are not configured), 404, or 403 (a policy);
- ``real_shapes``: the shapes captured from a Studio X30 (AVI-SPL fixtures): a bare, unquoted
  ``CONTENT_IDLE`` and ``sipservers`` as a list with state ``UP``;
- logins: a login that carries a live session answers 400 ``SessionAlreadyActive`` (as real
  codecs do), ``login_reason`` answers every login 400 with that reason, ``refusal`` chooses how
  wrong credentials are refused (403, or 200 with ``success: false``), ``lockout_reason`` makes a
  lockout a 400 ``SessionPortLockout``;
- ``system_state`` (``READY`` / ``ASLEEP``), ``reboot_needed`` and ``lan_state`` in ``/rest/system``.
``sessions`` holds the open sessions (ours included); ``connections_seen`` the client connections.

Run standalone for a demo (HTTPS, self-signed): ``python -m tests.emulators.poly_videoos [port]``.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import itertools
import json
import secrets
import sys
import time
from typing import Any

from aiohttp import web

from .base import Emulator, pattern_image, self_signed_context

JSON = Any
SESSION_COOKIE = "session_id"
XSRF_COOKIE = "XSRF-TOKEN"
XSRF_HEADER = "X-XSRF-Token"
DIAL_TYPES = frozenset(
    {
        "LOOPBACK", "AUTO", "VIDEO", "VOICE", "H320", "H323", "SIP", "GATEWAY", "POTS",
        "ISDN_VOICE", "SIP_SPEAKERPHONE", "POTS_SPEAKERPHONE", "VOICE_H323", "VOICE_SIP",
        "VOICE_GATEWAY",
    }
)  # fmt: skip
DIRECTIONS = frozenset(
    {
        "MOVE_LEFT", "MOVE_RIGHT", "MOVE_UP", "MOVE_DOWN", "MOVE_ZOOMIN", "MOVE_ZOOMOUT",
        "MOVE_FOCUSNEAR", "MOVE_FOCUSFAR",
    }
)  # fmt: skip
PRESET_SLOTS = range(10)
# Writes a partner app (Teams, Zoom) refuses with 403.
POLICY_PATHS = frozenset(
    {
        "/rest/audio/muted",
        "/rest/audio/volume",
        "/rest/conferences",
        "/rest/system/reboot",
        "/rest/video/local/mute",
    }
)
PARTNER_APPS = {"teams": "Microsoft Teams", "zoom": "Zoom Rooms"}
SYSTEM_STATUS = [
    ("PRIMARY_NETWORK_HEADING", "system.status.ipnetwork", "up"),
    ("SIP_SERVER_HEADING", "system.status.sipserver", "up"),
    ("GATEKEEPER_HEADING", "system.status.gatekeeper", "up"),
    ("CALENDAR_SERVICE_HEADING", "system.status.calendar", "up"),
    ("MICROPHONES_HEADING", "system.status.mr.audio", "all_up"),
    ("CAMERAS_HEADING", "system.status.mr.camera", "none_up"),
]


def _jpeg() -> bytes:
    """Return the near camera's stored snapshot: a test pattern with the room's name."""
    return pattern_image(320, 180, "Boardroom", clock=False)


def _camera(index: int, name: str, model: str, source: str, *, connected: bool) -> dict[str, Any]:
    """Build a camera object as the guide's examples show it."""
    ptz = model != ""
    return {
        "cameraIndex": index, "iconName": None, "model": model, "name": name, "sessionID": 0,
        "sourceType": source, "stateAutoFocus": "off", "stateFreeze": "off", "stateMarker": "off",
        "connected": connected, "hasAutoFocus": False, "hasFocus": False, "hasFreeze": False,
        "hasMarker": False, "hasPan": ptz, "hasTilt": ptz, "hasZoom": ptz, "nearCamera": True,
        "ptzcapable": ptz, "selected": ptz, "trackable": ptz,
    }  # fmt: skip


@dataclass
class EmuSession:
    """One logged-in session."""

    xsrf: str
    last_used: float


@dataclass
class EmuCall:
    """One conference with a single connection and terminal."""

    conf_id: str
    conn_id: str
    address: str
    rate: int
    dial_type: str
    incoming: bool
    state: str
    start_ms: int
    name: str = ""
    quality: int = 100
    packet_loss: float = 0.0

    def connection(self) -> dict[str, Any]:
        """Return the connection object."""
        return {
            "address": self.address, "answerable": self.incoming and self.state != "CONNECTED",
            "authState": "NONE", "callInfo": self.dial_type, "callType": self.dial_type,
            "canAddVideo": False, "causeCode": 0, "duration": self.duration(), "encrypted": True,
            "groupname": "", "grouptype": "NONE", "id": self.conn_id, "incoming": self.incoming,
            "mediaCount": 0, "mediaType": "AUDIOVIDEO", "parentConfId": self.conf_id,
            "percentConnected": 100 if self.state == "CONNECTED" else 0, "rate": self.rate,
            "referredBy": "", "startTime": self.start_ms, "state": self.state,
            "terminals": [{"href": f"/rest/conferences/{self.conf_id}/terminals/", "rel": "item"}],
            "type": "ENDPOINT", "videoEscalationState": "NONE",
        }  # fmt: skip

    def terminal(self) -> dict[str, Any]:
        """Return the far end's terminal object (addresses padded as the device does)."""
        return {
            "address": f"{self.address} ", "callerID": f"{self.address} ",
            "canSupportMediaStatus": False, "fullDescription": False, "holdState": "NOTHELD",
            "id": "1", "mediaServerType": "MediaUnknown", "muteLocked": False, "muted": False,
            "name": self.name, "parentConfId": self.conf_id, "parentConnectionId": self.conn_id,
            "streamsState": "AVC", "systemID": "bridge_identification", "termType": "REAL",
        }  # fmt: skip

    def duration(self) -> int:
        """Return the seconds since the call started."""
        return max(0, int(time.time() - self.start_ms / 1000))

    def conference(self, muted: bool) -> dict[str, Any]:
        """Return the conference object."""
        return {
            "capabilities": {"canHangupConference": True, "canLeaveConference": True},
            "connections": [self.connection()], "duration": self.duration(), "holdStartTime": 0,
            "holdState": "NOTHELD", "id": self.conf_id, "isActive": True, "isHolding": False,
            "isMute": muted, "isSvcConference": False, "isWaitingInLobby": False,
            "mediaServerControlEvent": "MediaServerUnknown", "mediaServerType": "MediaUnknown",
            "startTime": self.start_ms, "terminals": [self.terminal()],
        }  # fmt: skip


@dataclass
class PolyState:
    """Everything the emulated codec remembers."""

    muted: bool = False
    mute_locked: bool = False
    volume: int = 62
    mics: int = 1
    video_muted: bool = False
    content: str = "CONTENT_IDLE"
    shared_media: list[dict[str, Any]] = field(default_factory=list)
    presets: dict[int, bool] = field(
        default_factory=lambda: {i: i in (1, 2, 3) for i in PRESET_SLOTS}
    )
    recalled_preset: int | None = None
    moving: str | None = None
    device_mode: bool = False
    signage_mode: bool = False
    calendar_status: str = "ONLINE"
    meetings: list[dict[str, Any]] = field(default_factory=list)
    calls: dict[str, EmuCall] = field(default_factory=dict)
    sip_state: str = "ON"
    status: list[tuple[str, str, str]] = field(default_factory=lambda: list(SYSTEM_STATUS))
    dtmf: list[str] = field(default_factory=list)
    # Favourites directory: entry id -> (display name, address).
    favorites: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {
            "local:fav/1": ("Lisbon office", "lisbon@example.com"),
            "local:fav/2": ("Help desk", "helpdesk@example.com"),
        }
    )
    failed_logins: int = 0


class PolyVideoOSEmulator(Emulator):
    """A Poly VideoOS codec on 127.0.0.1."""

    def __init__(
        self,
        *,
        username: str = "admin",
        password: str = "secret",  # noqa: S107
        serial: str = "8G20415A2F1CD2",
        require_xsrf: bool = True,
        tls: bool = False,
    ) -> None:
        """Create the codec with the guide's example state and one meeting in an hour.

        ``tls`` serves HTTPS with a self-signed certificate, as the real codecs do.
        """
        self.username = username
        self.password = password
        self.serial = serial
        self.require_xsrf = require_xsrf
        self.auth_failure_status = 403
        self.session_timeout = 900.0
        self.lockout_after = 5
        self.auto_connect = True
        self.mute_lock_status = 200
        self.reboot_downtime = 0.0
        # Answer every JSON request with valid JSON of the wrong shape.
        self.odd_shapes = False
        # Firmware without the (undocumented) identity endpoint GET /rest/system.
        self.identity_endpoint = True
        # Field variants (see the module's docstring).
        self.reject_quoted_cookies = True
        self.rotate_xsrf = False
        self.partner: str | None = None
        self.unconfigured: set[str] = set()
        self.missing: set[str] = set()
        self.forbidden: set[str] = set()
        # "METHOD /path" -> (status, content type, body): answered as is, session or not.
        self.overrides: dict[str, tuple[int, str, str]] = {}
        self.real_shapes = False
        self.login_reason: str | None = None
        self.refusal = "403"
        self.lockout_reason = False
        self.system_state = "READY"
        self.reboot_needed = False
        self.lan_state = "LAN_UP"
        self.mic_state = "MIC_STATE_GREEN"
        self.booted_at = time.time() - 693845.31
        self.touch_state = "CONNECTED"
        self.sip_address = "boardroom@example.com"
        self.mac = "00:e0:db:53:42:9a"
        self.quoted_cookies_seen = 0
        self.connections_seen: set[int] = set()
        self.accept_headers: dict[str, str] = {}
        self.deleted_sessions: list[str] = []
        self.state = PolyState()
        self.sessions: dict[str, EmuSession] = {}
        self.logins = 0
        self.login_attempts = 0
        self.logouts = 0
        self.connection_headers: list[str | None] = []
        self.snapshot_jpeg = _jpeg()
        self._ids = itertools.count()
        self._tasks: set[asyncio.Task[None]] = set()
        now = int(time.time())
        self.add_meeting("m1", "Weekly sync", start=now + 3600, duration=1800)
        super().__init__()
        self.app.middlewares.append(self._auth_middleware)
        if tls:
            self.ssl_context = self_signed_context("Poly Studio X50")

    # --- test controls ---------------------------------------------------------------------

    def session_id(self) -> str:
        """Return a new session id shaped like a real one (``/``, ``+`` and ``=`` in it)."""
        while True:
            value = base64.b64encode(secrets.token_bytes(28)).decode()
            if "/" in value:
                return value

    def expire_sessions(self) -> None:
        """Invalidate every session handed out."""
        self.sessions.clear()

    @property
    def open_connections(self) -> int:
        """Return how many client connections are still open."""
        server = self._runner.server if self._runner is not None else None
        return len(server.connections) if server is not None else 0

    def add_meeting(self, meeting_id: str, subject: str, *, start: int, duration: int) -> None:
        """Put a meeting into the room calendar (start in epoch seconds)."""
        self.state.meetings.append(
            {
                "actions": [f"sip:{meeting_id}@meet.example.com", ""], "body": "",
                "canDial": True, "canceled": False, "duration": duration, "id": meeting_id,
                "inCall": False, "location": "Room 4.01", "optionalAttendees": [],
                "organizer": "Alex", "privateMeeting": False, "recurring": False,
                "requiredAttendees": ["alex@example.com"], "startTime": start,
                "subject": subject, "lastSyncTime": int(time.time()),
            }
        )  # fmt: skip
        self.state.meetings.sort(key=lambda meeting: meeting["startTime"])

    def incoming_call(self, address: str, name: str = "") -> EmuCall:
        """Let a far end call the room (ringing until answered)."""
        return self._new_call(address, 2048, "SIP", incoming=True, state="RINGING", name=name)

    def answer_call(self, conf_id: str | None = None) -> None:
        """Answer a ringing call on the room's touch panel."""
        self.connect_call(conf_id)

    def connect_call(self, conf_id: str | None = None) -> None:
        """Connect a call that is ringing or connecting."""
        for call in self._calls(conf_id):
            call.state = "CONNECTED"
            call.start_ms = int(time.time() * 1000)

    def end_call(self, conf_id: str | None = None) -> None:
        """End a call from the far end (all calls without an id)."""
        for call in self._calls(conf_id):
            self.state.calls.pop(call.conf_id, None)

    def start_content(self) -> None:
        """Start sharing content in the room."""
        self.state.content = "CONTENT_SENDING"

    def stop_content(self) -> None:
        """Stop sharing content."""
        self.state.content = "CONTENT_IDLE"

    def _calls(self, conf_id: str | None) -> list[EmuCall]:
        """Return one call or all."""
        if conf_id is None:
            return list(self.state.calls.values())
        return [self.state.calls[conf_id]] if conf_id in self.state.calls else []

    def _new_call(
        self, address: str, rate: int, dial_type: str, *, incoming: bool, state: str, name: str = ""
    ) -> EmuCall:
        """Create a conference with one connection."""
        conf_id, conn_id = str(next(self._ids)), str(next(self._ids))
        call = EmuCall(
            conf_id, conn_id, address, rate, dial_type, incoming, state,
            int(time.time() * 1000), name,
        )  # fmt: skip
        self.state.calls[conf_id] = call
        return call

    async def on_stop(self) -> None:
        """Cancel a pending reboot."""
        for task in self._tasks:
            task.cancel()

    # --- middleware ------------------------------------------------------------------------

    @web.middleware
    async def _auth_middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Track connections; require a live session (and XSRF token) outside the login."""
        self.connection_headers.append(request.headers.get("Connection"))
        self.accept_headers[request.path] = request.headers.get("Accept", "")
        peer = request.transport.get_extra_info("peername") if request.transport else None
        if peer:
            self.connections_seen.add(int(peer[1]))
        if (override := self.overrides.get(f"{request.method} {request.path}")) is not None:
            status, content_type, text = override
            return web.Response(status=status, content_type=content_type, text=text)
        if request.path == "/rest/session" and request.method == "POST":
            return await handler(request)
        session_id = self._session_cookie(request)
        session = self.sessions.get(session_id or "")
        now = time.monotonic()
        if session is None or now - session.last_used > self.session_timeout:
            return _error(self.auth_failure_status, "SessionNoActiveSession")
        if self.require_xsrf and request.headers.get(XSRF_HEADER) != session.xsrf:
            return _error(self.auth_failure_status, "XsrfTokenInvalid")
        session.last_used = now
        if request.path in self.unconfigured:
            return _error(500, "NotConfigured")
        if request.path in self.missing:
            return _error(404, "Unavailable")
        if request.path in self.forbidden:
            return _error(403, "Forbidden")
        if self.partner and request.method != "GET" and request.path in POLICY_PATHS:
            return _error(403, "NotAllowedInCurrentMode")
        response = await handler(request)
        if self.odd_shapes and response.content_type == "application/json":
            response = web.json_response([{"unexpected": None}, 7, "text", {"id": {"x": 1}}])
        if self.rotate_xsrf and self.require_xsrf and session_id in self.sessions:
            session.xsrf = secrets.token_urlsafe(12) + "/="
            response.headers.add("Set-Cookie", f"{XSRF_COOKIE}={session.xsrf}; Path=/")
        return response

    def _session_cookie(self, request: web.Request) -> str | None:
        """Read the session cookie as sent (a quoted one is refused: real codecs do)."""
        for part in request.headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name != SESSION_COOKIE:
                continue
            if value.startswith('"'):
                self.quoted_cookies_seen += 1
                if self.reject_quoted_cookies:
                    return None
                value = value.strip('"')
            return value
        return None

    # --- routes ----------------------------------------------------------------------------

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        """Register the REST routes (literal paths before variable ones)."""
        routes: list[tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]] = [
            ("POST", "/rest/session", self._login),
            ("DELETE", "/rest/session", self._logout),
            ("GET", "/rest/audio", self._get_audio),
            ("POST", "/rest/audio", self._audio_action),
            ("GET", "/rest/audio/muted", self._get_muted),
            ("POST", "/rest/audio/muted", self._set_muted),
            ("GET", "/rest/audio/volume", self._get_volume),
            ("POST", "/rest/audio/volume", self._set_volume),
            ("GET", "/rest/calendar", self._calendar),
            ("GET", "/rest/calendar/meetings", self._meetings),
            ("GET", "/rest/calendar/meetings/{id}", self._meeting),
            ("POST", "/rest/calendar/meetings/{id}", self._join_meeting),
            ("GET", "/rest/cameras/contentstatus", self._content_status),
            ("GET", "/rest/cameras/near/all", self._cameras),
            ("GET", "/rest/cameras/near/selectedpeople", self._selected_people),
            ("POST", "/rest/cameras/near/selectedpeople", self._move_selected),
            ("GET", "/rest/cameras/near/presets/all", self._presets),
            ("GET", "/rest/cameras/near/presets/{index}", self._preset),
            ("POST", "/rest/cameras/near/presets/{index}", self._preset_action),
            ("GET", "/rest/cameras/snapshot/{id}", self._snapshot),
            ("GET", "/rest/conferences", self._conferences),
            ("POST", "/rest/conferences", self._dial),
            ("GET", "/rest/conferences/{id}", self._conference),
            ("DELETE", "/rest/conferences/{id}", self._hang_up),
            ("GET", "/rest/conferences/{id}/connections", self._connections),
            ("DELETE", "/rest/conferences/{id}/connections/{conn}", self._hang_up_connection),
            ("GET", "/rest/conferences/{id}/termmediastats", self._term_quality),
            ("GET", "/rest/conferences/{id}/mediastats", self._media_stats),
            ("GET", "/rest/mediastats", self._shared_media),
            ("GET", "/rest/system", self._system),
            ("GET", "/rest/system/status", self._system_status),
            ("GET", "/rest/system/sipservers", self._sip),
            ("GET", "/rest/system/mode", self._system_mode),
            ("GET", "/rest/audio/microphones", self._microphones),
            ("GET", "/rest/directory/favorites", self._favorites),
            ("POST", "/rest/directory/local/entries/{id}", self._entry_action),
            ("POST", "/rest/current/devicemanagement/devices", self._peripherals),
            ("POST", "/rest/config", self._config),
            ("GET", "/rest/current/session/sessions", self._session_list),
            ("GET", "/rest/current/system/apps/all", self._apps),
            ("POST", "/rest/current/system/mode", self._switch_app),
            ("GET", "/rest/system/mode/{mode}", self._get_mode),
            ("POST", "/rest/system/mode/{mode}", self._set_mode),
            ("DELETE", "/rest/system/mode/{mode}", self._set_mode),
            ("POST", "/rest/system/reboot", self._reboot),
            ("GET", "/rest/video/local/mute", self._get_video_mute),
            ("POST", "/rest/video/local/mute", self._set_video_mute),
        ]
        for method, path, handler in routes:
            router.add_route(method, path, handler)

    # --- session ---------------------------------------------------------------------------

    async def _login(self, request: web.Request) -> web.StreamResponse:
        """Log in: session cookie, and the XSRF token on 4.6.2+."""
        body = await _json(request)
        self.login_attempts += 1
        if not isinstance(body, dict):
            return _error(400, "SessionRequestInvalid")
        if self.login_reason is not None:
            return _error(400, self.login_reason)
        if self._session_cookie(request) in self.sessions:
            return _error(400, "SessionAlreadyActive")
        locked = self.state.failed_logins >= self.lockout_after
        if locked and self.lockout_reason:
            return _error(400, "SessionPortLockout")
        if locked or body.get("user") != self.username or body.get("password") != self.password:
            self.state.failed_logins += 1
            return web.json_response(
                {
                    "success": False,
                    "loginStatus": {
                        "loginResult": "LOCKOUT" if locked else "NOLOCKOUT",
                        "failedLogins": self.state.failed_logins,
                    },
                },
                status=200 if self.refusal == "success_false" else 403,
                reason=None if self.refusal == "success_false" else "LOG-IN ATTEMPT FAILED",
            )
        self.state.failed_logins = 0
        self.logins += 1
        session_id, xsrf = self.session_id(), secrets.token_urlsafe(12) + "/="
        self.sessions[session_id] = EmuSession(xsrf=xsrf, last_used=time.monotonic())
        response = web.json_response(
            {
                "success": True,
                "loginStatus": {"loginResult": "NOLOCKOUT", "failedLogins": 0},
                "session": {
                    "sessionId": session_id, "role": "ADMIN", "clientType": "WEB",
                    "userId": self.username, "isAuthenticated": True, "isStale": False,
                    "isNew": True, "isConnected": False,
                },
            }
        )  # fmt: skip
        # Written raw, as the codec does (a cookie library would quote the id).
        response.headers.add(
            "Set-Cookie", f"{SESSION_COOKIE}={session_id}; Path=/; Secure; HttpOnly"
        )
        if self.require_xsrf:
            response.headers.add("Set-Cookie", f"{XSRF_COOKIE}={xsrf}; Path=/")
            response.headers["X-XSRF-TOKEN"] = xsrf
        return response

    async def _logout(self, request: web.Request) -> web.StreamResponse:
        """Log out (an extension the guide does not list)."""
        session_id = self._session_cookie(request) or ""
        self.sessions.pop(session_id, None)
        self.deleted_sessions.append(session_id)
        self.logouts += 1
        return web.json_response({"success": True})

    # --- audio -----------------------------------------------------------------------------

    async def _get_audio(self, _request: web.Request) -> web.StreamResponse:
        s = self.state
        return web.json_response(
            {"muteLocked": s.mute_locked, "muted": s.muted, "numOfMicsConnected": s.mics,
             "volume": s.volume}
        )  # fmt: skip

    async def _get_muted(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response(self.state.muted)

    async def _set_muted(self, request: web.Request) -> web.StreamResponse:
        value = await _json(request)
        if not isinstance(value, bool):
            return _error(400, "InvalidValue")
        self.log("mute", muted=value)
        if self.state.mute_locked and not value:
            if self.mute_lock_status != 200:
                return _error(self.mute_lock_status, "MuteLocked")
            return web.Response()
        self.state.muted = value
        return web.Response()

    async def _get_volume(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response(self.state.volume)

    async def _set_volume(self, request: web.Request) -> web.StreamResponse:
        value = await _json(request)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            return _error(400, "InvalidValue")
        self.log("volume", volume=value)
        self.state.volume = value
        return web.Response()

    async def _audio_action(self, request: web.Request) -> web.StreamResponse:
        body = await _json(request)
        if not isinstance(body, dict) or body.get("action") not in {
            "start", "playDTMF", "playTestTone", "stopPlayingTestTone", "itpSegmentDetection",
        }:  # fmt: skip
            return _error(400, "InvalidAction")
        if body["action"] == "playDTMF":
            digits = body.get("dtmfChar")
            if not isinstance(digits, str) or not digits:
                return _error(400, "InvalidDtmf")
            self.state.dtmf.append(digits)
            self.log("dtmf", digits=digits)
        return web.Response()

    # --- calendar --------------------------------------------------------------------------

    async def _calendar(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response({"Status": self.state.calendar_status})

    async def _meetings(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        if "number" in query and ("start" in query or "end" in query):
            return _error(400, "InvalidQuery")
        try:
            now = int(time.time())
            start = int(query.get("start", now))
            end = int(query.get("end", start + 86400))
            number = int(query["number"]) if "number" in query else None
        except ValueError:
            return _error(400, "InvalidQuery")
        meetings = [m for m in self.state.meetings if m["startTime"] + m["duration"] > start]
        if number is not None:
            meetings = meetings[:number]
        else:
            meetings = [m for m in meetings if m["startTime"] < end]
        return web.json_response(meetings)

    def _find_meeting(self, request: web.Request) -> dict[str, Any] | None:
        return next((m for m in self.state.meetings if m["id"] == request.match_info["id"]), None)

    async def _meeting(self, request: web.Request) -> web.StreamResponse:
        meeting = self._find_meeting(request)
        return web.json_response(meeting) if meeting else _error(404, "Unavailable")

    async def _join_meeting(self, request: web.Request) -> web.StreamResponse:
        meeting = self._find_meeting(request)
        if meeting is None or not meeting["canDial"]:
            return _error(404, "Unavailable")
        address = next(a.strip() for a in meeting["actions"] if a.strip())
        call = self._new_call(address, 2048, "SIP", incoming=False, state="CONNECTED")
        self.log("join_meeting", id=meeting["id"])
        return web.json_response({"connectionId": int(call.conn_id), "success": True})

    # --- cameras ---------------------------------------------------------------------------

    async def _content_status(self, _request: web.Request) -> web.StreamResponse:
        if self.real_shapes:  # a Studio X30 answers a bare, unquoted word (labelled JSON)
            return web.Response(text=self.state.content, content_type="application/json")
        return web.json_response(self.state.content)

    def _camera_list(self) -> list[dict[str, Any]]:
        return [
            _camera(1, "Main", "", "SRC_PEOPLE", connected=False),
            _camera(2, "Aux", "", "SRC_CONTENT", connected=False),
            _camera(3, "EagleEye Cube USB", "EAGLEEYE_CUBE_USB", "SRC_PEOPLE", connected=True),
        ]

    async def _cameras(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response(self._camera_list())

    async def _selected_people(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response(self._camera_list()[2])

    async def _move_selected(self, request: web.Request) -> web.StreamResponse:
        body = await _json(request)
        action = body.get("action") if isinstance(body, dict) else None
        if action == "moveStart" and body.get("direction") in DIRECTIONS:
            self.state.moving = body["direction"]
        elif action == "moveStop":
            self.state.moving = None
        else:
            return _error(400, "InvalidAction")
        self.state.recalled_preset = None
        self.log(action, direction=body.get("direction"))
        return web.Response()

    async def _presets(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response([self._preset_object(i) for i in PRESET_SLOTS])

    def _preset_object(self, index: int) -> dict[str, Any]:
        stored = self.state.presets[index]
        return {
            "imageLocation": f"/presets/{index}.jpg" if stored else "", "index": index,
            "sessionId": 0, "near": True, "stored": stored,
        }  # fmt: skip

    def _preset_index(self, request: web.Request) -> int | None:
        try:
            index = int(request.match_info["index"])
        except ValueError:
            return None
        return index if index in PRESET_SLOTS else None

    async def _preset(self, request: web.Request) -> web.StreamResponse:
        index = self._preset_index(request)
        return (
            _error(400, "InvalidIndex")
            if index is None
            else web.json_response(self._preset_object(index))
        )

    async def _preset_action(self, request: web.Request) -> web.StreamResponse:
        index = self._preset_index(request)
        body = await _json(request)
        action = body.get("action") if isinstance(body, dict) else None
        if index is None or action not in {"store", "clear", "activate"}:
            return _error(400, "InvalidRequest")
        if action == "activate":
            if not self.state.presets[index]:
                return _error(400, "PresetNotStored")
            self.state.recalled_preset = index
        else:
            self.state.presets[index] = action == "store"
        self.log(f"preset_{action}", index=index)
        return web.Response()

    async def _snapshot(self, request: web.Request) -> web.StreamResponse:
        which = request.match_info["id"]
        if which == "near_image_1.jpg" or (which == "far_image_1.jpg" and self.state.calls):
            return web.Response(body=self.snapshot_jpeg, content_type="image/jpeg")
        return _error(400, "NoImage")

    # --- conferences -----------------------------------------------------------------------

    async def _conferences(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response(
            [call.conference(self.state.muted) for call in self.state.calls.values()]
        )

    async def _dial(self, request: web.Request) -> web.StreamResponse:
        body = await _json(request)
        if not isinstance(body, dict) or not isinstance(body.get("address"), str):
            return _error(415, "Error")
        dial_type = body.get("dialType", "AUTO")
        rate = body.get("rate", 2048)
        if dial_type not in DIAL_TYPES or not isinstance(rate, int) or not body["address"].strip():
            return _error(415, "Error")
        state = "CONNECTED" if self.auto_connect else "CONNECTING"
        call = self._new_call(body["address"].strip(), rate, dial_type, incoming=False, state=state)
        self.log("dial", address=call.address, rate=rate, dial_type=dial_type)
        return web.json_response([{"rel": "self", "href": f"/rest/conferences/{call.conf_id}"}])

    async def _conference(self, request: web.Request) -> web.StreamResponse:
        call = self.state.calls.get(request.match_info["id"])
        return (
            web.json_response(call.conference(self.state.muted))
            if call
            else _error(404, "Unavailable")
        )

    async def _hang_up(self, request: web.Request) -> web.StreamResponse:
        conf_id = request.match_info["id"]
        if self.state.calls.pop(conf_id, None) is None:
            return _error(404, "Unavailable")
        self.log("hang_up", id=conf_id)
        return web.json_response(0)

    async def _connections(self, request: web.Request) -> web.StreamResponse:
        call = self.state.calls.get(request.match_info["id"])
        return web.json_response([call.connection()]) if call else _error(404, "Unavailable")

    async def _hang_up_connection(self, request: web.Request) -> web.StreamResponse:
        call = self.state.calls.get(request.match_info["id"])
        if call is None or call.conn_id != request.match_info["conn"]:
            return _error(404, "Unavailable")
        # The conference ends with its last connection.
        self.state.calls.pop(call.conf_id)
        self.log("hang_up_connection", id=call.conf_id, connection=call.conn_id)
        return web.json_response(0)

    async def _term_quality(self, request: web.Request) -> web.StreamResponse:
        call = self.state.calls.get(request.match_info["id"])
        if call is None:
            return _error(404, "Unavailable")
        return web.json_response([{"id": "1", "quality": call.quality}])

    async def _media_stats(self, request: web.Request) -> web.StreamResponse:
        call = self.state.calls.get(request.match_info["id"])
        if call is None:
            return _error(404, "Unavailable")
        return web.json_response(
            [
                {"mediaStream": stream, "mediaType": kind, "mediaDirection": direction,
                 "connectionID": call.conn_id, "bitRate": 64 if kind == "AUDIO" else 1984,
                 "percentPacketLoss": call.packet_loss if direction == "RX" else 0.0, "jitter": 0, "latency": 126, "quality": call.quality}
                for stream, kind, direction in (
                    ("audioTx", "AUDIO", "TX"), ("audioRx", "AUDIO", "RX"),
                    ("videoTx", "VIDEO", "TX"), ("videoRx", "VIDEO", "RX"),
                )
            ]
        )  # fmt: skip

    async def _shared_media(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response({"vars": self.state.shared_media})

    # --- system ----------------------------------------------------------------------------

    async def _system(self, _request: web.Request) -> web.StreamResponse:
        if not self.identity_endpoint:
            return _error(404, "Unavailable")
        return web.json_response(
            {
                "serialNumber": self.serial, "systemName": "Boardroom", "model": "Studio X50",
                "softwareVersion": "4.6.2-410020", "hardwareVersion": "8",
                "build": "410020", "state": self.system_state,
                "uptime": round(time.time() - self.booted_at, 2),
                "rebootNeeded": self.reboot_needed,
                "lanStatus": {"duplex": "FULL", "speedMbps": 1000, "state": self.lan_state},
            }
        )  # fmt: skip

    async def _system_status(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response(
            [
                {"langtag": tag, "name": name, "stateList": [state]}
                for tag, name, state in self.state.status
            ]
        )

    async def _sip(self, _request: web.Request) -> web.StreamResponse:
        if self.real_shapes:  # a list, state UP (Studio X30, firmware 3.12)
            up = self.state.sip_state == "ON"
            return web.json_response(
                [{"state": "UP" if up else "DOWN", "address": "sip.example.com", "port": 5061}]
            )
        return web.json_response(
            {
                "state": self.state.sip_state,
                "address": "sip.example.com",
                "version": "",
                "model": "",
            }
        )

    async def _system_mode(self, _request: web.Request) -> web.StreamResponse:
        app = PARTNER_APPS.get(self.partner or "", "Poly")
        return web.json_response(
            {"activePersona": "ROOM", "app": app, "appLocked": False,
             "mode": "PARTNER" if self.partner else "NATIVE"}
        )  # fmt: skip

    async def _favorites(self, request: web.Request) -> web.StreamResponse:
        try:  # the guide: start is 1-based, limit defaults to 1
            start = int(request.query.get("start", "1"))
            limit = int(request.query.get("limit", "1"))
        except ValueError:
            return _error(400, "InvalidQuery")
        entries = [
            {"index": index, "displayName": name, "firstName": "", "lastName": "",
             "id": entry_id, "serverId": "local",
             "link": {"rel": "self", "href": f"/rest/directory/local/entries/{entry_id}"}}
            for index, (entry_id, (name, _address)) in enumerate(self.state.favorites.items(), 1)
        ][start - 1 : start - 1 + limit]  # fmt: skip
        return web.json_response({"entries": entries})

    async def _entry_action(self, request: web.Request) -> web.StreamResponse:
        entry = self.state.favorites.get(request.match_info["id"])
        body = await _json(request)
        if entry is None:
            return _error(404, "Unavailable")
        if not isinstance(body, dict) or body.get("action") != "dial":
            return _error(400, "InvalidAction")
        call = self._new_call(entry[1], 1920, "AUTO", incoming=False, state="CONNECTED")
        self.log("dial_entry", id=request.match_info["id"], address=call.address)
        return web.Response(status=204)

    async def _microphones(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response(
            [{"hwVersion": "NA", "mute": 0, "number": 0, "parentID": 0, "state": self.mic_state,
              "swVersion": "NA", "type": 84, "typeInString": "Polycom Kitten Mic"}]
        )  # fmt: skip

    async def _peripherals(self, _request: web.Request) -> web.StreamResponse:
        def device(category: str, kind: str, state: str, name: str) -> dict[str, Any]:
            return {
                "connectionType": "Unknown", "deviceCategory": category, "deviceState": state,
                "deviceType": kind, "ip": "", "macAddress": "", "networkInterface": "",
                "productName": name, "serialNumber": "", "softwareVersion": "",
                "systemName": name, "uid": f"local-{kind.lower()}",
            }  # fmt: skip

        return web.json_response(
            [
                device("SYSTEM", "CODEC", "CONNECTED", "StudioX50") | {"macAddress": self.mac},
                device("MODULE", "TOUCHCONTROL", self.touch_state, "Poly TC8"),
                device("CAMERA", "CAMERA", "PAIRED", ""),
                device("REMOTE", "UNKNOWN", "PAIRED", ""),
            ]
        )

    async def _config(self, request: web.Request) -> web.StreamResponse:
        body = await _json(request)
        names = body.get("names") if isinstance(body, dict) else None
        if not isinstance(names, list):
            return _error(400, "InvalidRequest")
        values = {
            "comm.nics.sipnic.sipusername": self.sip_address,
            "comm.nics.h323nic.h323name": "Boardroom",
            "comm.nics.h323nic.h323extension": "7771991048",
        }
        return web.json_response(
            {"vars": [
                {"name": name, "result": "NOERROR" if name in values else "ERROR",
                 "value": values.get(name, ""), "isEditable": True, "isHidden": False,
                 "isSecure": False}
                for name in names
            ]}
        )  # fmt: skip

    async def _session_list(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response(
            {"sessionList": [
                {"clientType": "WEB", "isAuthenticated": True, "location": "127.0.0.1",
                 "role": "ADMIN", "sessionId": session_id, "userId": self.username}
                for session_id in self.sessions
            ]}
        )  # fmt: skip

    async def _apps(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response([{"appName": name} for name in ("Poly", *PARTNER_APPS.values())])

    async def _switch_app(self, request: web.Request) -> web.StreamResponse:
        body = await _json(request)
        apps = body.get("enabledapps") if isinstance(body, dict) else None
        if not isinstance(apps, list) or len(apps) != 1:
            return web.json_response({"error": "INVALID"})
        partner = {name: key for key, name in PARTNER_APPS.items()}
        if apps[0] != "Poly" and apps[0] not in partner:
            return web.json_response({"error": "UNKNOWNAPP"})
        self.partner = partner.get(apps[0])
        self.log("provider", app=apps[0])
        return web.json_response({"error": "noerror"})

    async def _get_mode(self, request: web.Request) -> web.StreamResponse:
        mode = request.match_info["mode"]
        if mode not in ("device", "signage"):
            return _error(404, "Unavailable")
        return web.json_response({"result": getattr(self.state, f"{mode}_mode")})

    async def _set_mode(self, request: web.Request) -> web.StreamResponse:
        mode = request.match_info["mode"]
        if mode not in ("device", "signage"):
            return _error(404, "Unavailable")
        on = request.method == "POST"
        if on and mode == "device" and self.state.calls:
            return web.json_response({"success": False, "reason": "InCall"})
        setattr(self.state, f"{mode}_mode", on)
        self.log(f"{mode}_mode", on=on)
        return web.json_response({"success": True, "reason": ""})

    async def _reboot(self, request: web.Request) -> web.StreamResponse:
        body = await _json(request)
        if not isinstance(body, dict) or body.get("action") != "reboot":
            return _error(400, "InvalidAction")
        self.log("reboot")
        self.sessions.clear()
        self.state.calls.clear()
        if self.reboot_downtime:
            task = asyncio.get_running_loop().create_task(self._reboot_cycle())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return web.Response()

    async def _reboot_cycle(self) -> None:
        """Go off the network for a while, then come back."""
        await asyncio.sleep(0)
        await self.set_down(True)
        await asyncio.sleep(self.reboot_downtime)
        await self.set_down(False)

    async def _get_video_mute(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response({"result": self.state.video_muted})

    async def _set_video_mute(self, request: web.Request) -> web.StreamResponse:
        body = await _json(request)
        if not isinstance(body, dict) or not isinstance(body.get("mute"), bool):
            return web.json_response({"success": False, "reason": "InvalidValue"})
        self.state.video_muted = body["mute"]
        self.log("video_mute", muted=body["mute"])
        return web.json_response({"success": True, "reason": ""})


async def _json(request: web.Request) -> JSON:
    """Parse a request body leniently (bare scalars are valid); None when unparsable."""
    try:
        return json.loads(await request.text())
    except ValueError:
        return None


def _error(status: int, reason: str) -> web.Response:
    """Answer an error the way the emulator documents it."""
    phrases = {404: "Unavailable", 405: "Not Allowed", 415: "Error"}
    return web.json_response(
        {"success": False, "reason": reason}, status=status, reason=phrases.get(status)
    )


async def _main(port: int) -> None:
    """Run the emulator (HTTPS, self-signed) until interrupted."""
    emulator = await PolyVideoOSEmulator(tls=True).start(port)
    print(f"Poly VideoOS emulator on {emulator.url} (admin / secret)")  # noqa: T201
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


if __name__ == "__main__":
    asyncio.run(_main(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
