"""Async client of the Poly VideoOS REST API (G7500, Studio X30/X50/X70); no Home Assistant.

Sessions, as real clients (AVI-SPL, sifuas, av-bridge) run them against real codecs:

- ``POST /rest/session`` answers with the session id (a ``session_id`` cookie and the body's
  ``session.sessionId``). VideoOS 4.6.2 and later also hand out an XSRF token (an ``XSRF-TOKEN``
  cookie or an ``X-XSRF-TOKEN`` header) that goes back as the ``X-XSRF-Token`` header. The token
  may rotate: every answer that carries one replaces it.
- Real session ids contain ``/`` and ``=``; a cookie jar would send them quoted, which a codec
  refuses. The client writes the ``Cookie`` header itself (``session_id=…; XSRF-TOKEN=…``) and
  wants an ``aiohttp`` session without a cookie jar (it builds one when given none).
- 403 is not always "session expired": partner modes (Teams, Zoom) and policies refuse commands
  with it. Only a read refused with 401/403 leads to a new login (the old session is deleted
  first), once per request. A refused write is never sent again: it raises ``NotPermitted``,
  unless the session turns out dead, then ``DeviceBusy`` (the command did not run; try again).
- A refused login is ``InvalidAuth`` (and latches, see ``LoginGate``); a lockout or a
  ``SessionAlreadyActive`` refusal is not a wrong password: the client reuses the session it
  still holds or backs off (``DeviceBusy``) and tries again later.
- The session is recycled every few hours; ``async_close`` deletes it. A session left behind by
  an earlier run (``previous_session``) is deleted before the first login.
- Requests are serialised (one in flight per codec) over one kept-alive connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import json
import logging
import re
import time
from typing import Any, Final
from urllib.parse import quote

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
    DIAL_ADDRESS_NAMES,
    Audio,
    Camera,
    CameraDirection,
    Conference,
    Connection,
    DialAddresses,
    DialType,
    Favorite,
    MediaStat,
    Meeting,
    Microphone,
    Peripheral,
    Preset,
    ServerState,
    Session,
    SharedMedia,
    Snapshot,
    StatusItem,
    SystemInfo,
    SystemMode,
    TerminalQuality,
    calendar_status,
    content_status,
    count_sessions,
    result_flag,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORT: Final = 443
DEFAULT_RATE: Final = 1920  # kbps, what AVI-SPL dials at; the guide calls the rate required
SESSION_COOKIE: Final = "session_id"
XSRF_COOKIE: Final = "XSRF-TOKEN"
XSRF_HEADER: Final = "X-XSRF-Token"
ACCEPT_JSON: Final = "application/json"
ACCEPT_JPEG: Final = "image/jpeg,*/*"
# A fresh session every few hours instead of one that lives for weeks.
RECYCLE_AFTER: Final = 4 * 3600.0
# How long to leave the codec alone after a lockout or an "already active" refusal.
LOCKOUT_BACKOFF: Final = 300.0
ALREADY_ACTIVE_BACKOFF: Final = 60.0
# After a reboot the codec may refuse logins while it starts (AVI-SPL allows 200 s).
REBOOT_GRACE: Final = 200.0
_AUTH_STATUSES: Final = frozenset({401, 403})
_BUSY_STATUSES: Final = frozenset({409, 423, 429, 503})
_NO_BODY: Final = object()
_BARE_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class NotAvailable(NotSupported):
    """The device answered 404: the resource (a route, a call that ended) is not there."""


class ServerError(CannotConnect):
    """The device answered with a server error (the guide's 500 for unconfigured features)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        """Keep the HTTP status as the error's code."""
        super().__init__(message)
        self.code = code


class MuteLocked(DeviceError):
    """The microphones cannot be unmuted: mute is locked (e.g. by the far end)."""


class LockedOut(DeviceBusy):
    """Too many failed logins: the codec refuses logins for a while (not a wrong password)."""


type SessionListener = Callable[[Session | None], None]


class PolyVideoOSClient(DeviceClient):
    """Talk to one Poly VideoOS codec."""

    def __init__(
        self,
        host: str,
        *,
        username: str,
        password: str,
        port: int = DEFAULT_PORT,
        ssl: bool = True,
        verify_ssl: bool = False,
        session: aiohttp.ClientSession | None = None,
        owns_session: bool = False,
        request_timeout: float = 10.0,
        previous_session: Session | None = None,
        on_session: SessionListener | None = None,
    ) -> None:
        """Keep the connection facts; nothing is sent until the first request.

        ``session`` should have no cookie jar (``aiohttp.DummyCookieJar``); without one the
        client builds its own. ``async_close`` closes the HTTP session the client built, and
        detaches one it was given to own (``owns_session``: a session sharing a connector). ``previous_session`` is a session an earlier run left
        behind: it is deleted before the first login. ``on_session`` hears of every new session
        (None once it is deleted), to remember it for the next run.
        """
        super().__init__()
        self._http = session
        self._own_http = session is None
        self._detach_http = owns_session
        self._verify_ssl = verify_ssl
        self._base = URL.build(scheme="https" if ssl else "http", host=host, port=port)
        self._username = username
        self._password = password
        self._timeout = request_timeout
        self._session: Session | None = None
        self._session_started = 0.0
        self._previous = previous_session
        self._on_session = on_session
        self._blocked_until = 0.0
        self._rebooted_at: float | None = None
        self._login_cookies: dict[str, str] = {}
        self._closed = False
        self._lock = asyncio.Lock()
        # Writes sent (or attempted): anything a user does in the room shows here first.
        self.writes = 0

    @property
    def logged_in(self) -> bool:
        """Return whether the client holds a session."""
        return self._session is not None

    # --- transport -------------------------------------------------------------------------

    def _client_session(self) -> aiohttp.ClientSession:
        """Return the HTTP session (built on first use when none was given)."""
        if self._closed:
            raise CannotConnect("The client was closed")
        if self._http is None or self._http.closed:
            self._own_http = True
            self._http = aiohttp.ClientSession(
                cookie_jar=aiohttp.DummyCookieJar(),
                connector=aiohttp.TCPConnector(limit=1, ssl=bool(self._verify_ssl)),
            )
        return self._http

    def _headers(self, accept: str, session: Session | None) -> dict[str, str]:
        """Return the headers of a request: the raw Cookie header, never quoted."""
        headers = {"Accept": accept}
        if session is not None:
            cookie = f"{SESSION_COOKIE}={session.session_id}"
            if session.xsrf_token:
                cookie += f"; {XSRF_COOKIE}={session.xsrf_token}"
                headers[XSRF_HEADER] = session.xsrf_token
            headers["Cookie"] = cookie
        return headers

    async def _send(
        self,
        method: str,
        path: str,
        *,
        body: Any = _NO_BODY,
        params: Mapping[str, str] | None = None,
        accept: str = ACCEPT_JSON,
        session: Session | None | bool = True,
    ) -> tuple[int, bytes, str]:
        """Send one request; return status, body and content type.

        ``session`` True sends the current session, a ``Session`` that one, None none. A new
        XSRF token in the answer replaces the current one.
        """
        current = self._session if session is True else session or None
        headers = self._headers(accept, current)
        kwargs: dict[str, Any] = {"headers": headers, "params": params, "allow_redirects": False}
        if body is not _NO_BODY:
            kwargs["data"] = json.dumps(body)
            headers["Content-Type"] = "application/json"
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._client_session().request(
                    method, self._base.with_path(path, encoded=True), **kwargs
                ) as response,
            ):
                payload = await response.read()
                status, content_type = response.status, response.content_type
                cookies = _set_cookies(response.headers.getall("Set-Cookie", []))
                token = cookies.get(XSRF_COOKIE) or response.headers.get(XSRF_HEADER)
        except TimeoutError as err:
            raise CannotConnect("Timeout talking to the codec") from err
        except (aiohttp.ClientError, OSError) as err:
            raise CannotConnect(f"Cannot reach the codec ({type(err).__name__})") from err
        if token and self._session is not None and current is self._session:
            self._session = Session(session_id=self._session.session_id, xsrf_token=token)
        self.captures.record(f"{method} {path}", status, payload, content_type)
        if path == "/rest/session" and method == "POST":
            self._login_cookies = cookies | ({XSRF_COOKIE: token} if token else {})
        return status, payload, content_type

    async def _request(
        self,
        method: str,
        path: str,
        *,
        body: Any = _NO_BODY,
        params: Mapping[str, str] | None = None,
        accept: str = ACCEPT_JSON,
        read: bool | None = None,
    ) -> tuple[bytes, str]:
        """Send an authenticated request; return the body and its content type.

        A read (a GET, or a POST that only reads: ``read``) refused with 401/403 logs in again
        once (deleting the old session first); a refused write is never sent again.
        """
        read = method == "GET" if read is None else read
        if not read:
            self.writes += 1
        async with self._lock:
            await self._ensure_session()
            generation = self.login_gate.generation
            status, payload, content_type = await self._send(
                method, path, body=body, params=params, accept=accept
            )
            if status in _AUTH_STATUSES:
                if not read:
                    await self._write_refused(method, path, status, generation)
                _LOGGER.debug("Session refused on %s %s; logging in again", method, path)
                await self.login_gate.async_login(self._login, expired=generation)
                status, payload, content_type = await self._send(
                    method, path, body=body, params=params, accept=accept
                )
                if status in _AUTH_STATUSES:
                    # The login worked, so this is no wrong password: the codec forbids it.
                    raise NotPermitted(f"{method} {path} refused after a fresh login", status)
        _raise_for_status(status, method, path, content_type, accept)
        return payload, content_type

    async def _write_refused(self, method: str, path: str, status: int, generation: int) -> None:
        """Tell a policy refusal of a write from a dead session (never resend the write)."""
        check, _payload, _type = await self._send("GET", "/rest/audio")
        if check not in _AUTH_STATUSES:
            raise NotPermitted(f"{method} {path} refused in the codec's current mode", status)
        await self.login_gate.async_login(self._login, expired=generation)
        raise DeviceBusy(
            f"{method} {path} was refused by an expired session and not sent again",
            code="session_renewed",
        )

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request and decode its JSON answer (bare scalars included)."""
        payload, _content_type = await self._request(method, path, **kwargs)
        return _decode(payload)

    # --- sessions --------------------------------------------------------------------------

    async def _ensure_session(self) -> None:
        """Log in when there is no session, or when it is due for recycling."""
        self.login_gate.check()
        if self._session is None:
            await self.login_gate.async_login(self._login, expired=self.login_gate.generation)
        elif time.monotonic() - self._session_started > RECYCLE_AFTER:
            _LOGGER.debug("Recycling the session of %s", self._base.host)
            await self.login_gate.async_login(self._login, expired=self.login_gate.generation)

    async def _delete_session(self, session: Session) -> bool:
        """Delete a session on the codec; return whether the codec confirmed it."""
        try:
            status, _payload, _type = await self._send("DELETE", "/rest/session", session=session)
        except CannotConnect:
            return False
        return status < 300

    async def _login(self) -> None:
        """Open a session (deleting the one held, or left behind, first)."""
        remaining = self._blocked_until - time.monotonic()
        if remaining > 0:
            raise LockedOut("The codec refuses logins for a while", "locked_out", remaining)
        old = self._session
        old = old or self._previous
        self._previous = None
        self._session = None
        deleted = await self._delete_session(old) if old is not None else True
        self._login_cookies = {}
        status, payload, _type = await self._send(
            "POST",
            "/rest/session",
            body={"user": self._username, "password": self._password},
            session=None,
        )
        data = _decode_lenient(payload)
        if status >= 500:
            raise ServerError(f"Login: HTTP {status}", status)
        reason = data.get("reason") if isinstance(data, dict) else None
        if reason == "SessionAlreadyActive":
            if old is not None and not deleted:
                # The codec still knows the session we hold: keep using it.
                self._adopt(old)
                return
            self._blocked_until = time.monotonic() + ALREADY_ACTIVE_BACKOFF
            raise DeviceBusy("The codec reports a session already active", reason, 60)
        if _locked_out(data):
            self._blocked_until = time.monotonic() + LOCKOUT_BACKOFF
            raise LockedOut("Too many failed logins", "locked_out", LOCKOUT_BACKOFF)
        if status in _AUTH_STATUSES or reason == "SessionRequestInvalid":
            if self._starting():
                raise DeviceBusy("The codec refuses logins while it starts", "starting", 30)
            raise InvalidAuth(f"Login refused (HTTP {status})")
        if status >= 300:
            raise DeviceError(f"Login refused (HTTP {status})", reason or status)
        if isinstance(data, dict) and data.get("success") is False:
            raise InvalidAuth("Login answered without success")
        body_session = data.get("session") if isinstance(data, dict) else None
        session_id = self._login_cookies.get(SESSION_COOKIE) or (
            body_session.get("sessionId") if isinstance(body_session, dict) else None
        )
        if not isinstance(session_id, str) or not session_id:
            raise InvalidResponse("The login answer carries no session id")
        xsrf = self._login_cookies.get(XSRF_COOKIE) or (
            data["xsrfToken"]
            if isinstance(data, dict) and isinstance(data.get("xsrfToken"), str)
            else None
        )
        self._adopt(Session(session_id=session_id, xsrf_token=xsrf))

    def _starting(self) -> bool:
        """Return whether the codec may still be starting after a reboot sent from here."""
        started = self._rebooted_at
        return started is not None and time.monotonic() - started < REBOOT_GRACE

    def _adopt(self, session: Session) -> None:
        """Hold a session; tell the listener its id."""
        self._session = session
        self._session_started = time.monotonic()
        if self._on_session is not None:
            self._on_session(session)

    async def login(self) -> None:
        """Log in now (raises InvalidAuth, DeviceBusy or CannotConnect)."""
        async with self._lock:
            self.login_gate.check()
            await self.login_gate.async_login(self._login)

    async def logout(self) -> None:
        """Delete the session on the codec (best effort: errors are ignored)."""
        async with self._lock:
            session, self._session = self._session, None
            if session is None and self._previous:
                session, self._previous = self._previous, None
            if session is not None:
                if not await self._delete_session(session):
                    _LOGGER.debug("Logout from %s failed; the session will time out", self._base)
                if self._on_session is not None:
                    self._on_session(None)

    async def async_close(self) -> None:
        """Delete the session and close the HTTP session the client built."""
        try:
            await self.logout()
        finally:
            self._closed = True
            if self._http is not None and not self._http.closed:
                if self._own_http:
                    await self._http.close()
                elif self._detach_http:
                    self._http.detach()

    # --- audio -----------------------------------------------------------------------------

    async def audio(self) -> Audio:
        """Read microphone mute, mute lock, volume and microphone count."""
        return Audio.from_json(await self._json("GET", "/rest/audio"))

    async def set_volume(self, volume: int) -> Audio:
        """Set the speaker volume (0-100); return the audio state the device confirms."""
        await self._request("POST", "/rest/audio/volume", body=max(0, min(100, int(volume))))
        return await self.audio()

    async def set_muted(self, muted: bool) -> Audio:
        """Mute or unmute the microphones; raise MuteLocked when the lock refuses it."""
        try:
            await self._request("POST", "/rest/audio/muted", body=muted)
        except (NotPermitted, NotSupported, DeviceBusy):
            raise
        except DeviceError as err:
            if not muted and (await self.audio()).mute_locked:
                raise MuteLocked("Microphone mute is locked") from err
            raise
        audio = await self.audio()
        if audio.muted is not None and audio.muted != muted and audio.mute_locked:
            raise MuteLocked("Microphone mute is locked")
        return audio

    async def send_dtmf(self, digits: str) -> None:
        """Play DTMF tones, one digit per request (to the far end while in a call)."""
        for digit in digits:
            await self._request(
                "POST", "/rest/audio", body={"action": "playDTMF", "dtmfChar": digit}
            )

    # --- conferences -----------------------------------------------------------------------

    async def conferences(self) -> tuple[Conference, ...]:
        """Read the current conferences (empty when idle)."""
        return Conference.list_from_json(await self._json("GET", "/rest/conferences"))

    async def dial(
        self,
        address: str,
        *,
        rate: int | None = None,
        dial_type: DialType = DialType.AUTO,
        password: str | None = None,
    ) -> str | None:
        """Place a call (at 1920 kbps unless told); return the conference id when told."""
        request: dict[str, Any] = {
            "address": address.strip(),
            "dialType": str(dial_type),
            "rate": DEFAULT_RATE if rate is None else rate,
        }
        if password:
            request["password"] = password
        links = await self._json("POST", "/rest/conferences", body=request)
        return _conference_id_from_links(links)

    async def hang_up(self, conference_id: str) -> None:
        """Hang up one conference."""
        await self._request("DELETE", f"/rest/conferences/{_segment(conference_id)}")

    async def connections(self, conference_id: str) -> tuple[Connection, ...]:
        """Read the connections of a conference."""
        raw = await self._json("GET", f"/rest/conferences/{_segment(conference_id)}/connections")
        return Connection.list_from_json(raw)

    async def hang_up_connection(self, conference_id: str, connection_id: str) -> None:
        """Hang up one connection of a conference (also rejects a ringing call)."""
        await self._request(
            "DELETE",
            f"/rest/conferences/{_segment(conference_id)}/connections/{_segment(connection_id)}",
        )

    async def hang_up_all(self) -> None:
        """Hang up every conference."""
        for conference in await self.conferences():
            try:
                await self.hang_up(conference.id)
            except NotAvailable:
                _LOGGER.debug("A conference ended before hang-up")

    async def terminal_quality(self, conference_id: str) -> tuple[TerminalQuality, ...]:
        """Read the quality (0-100) of each terminal of a conference."""
        path = f"/rest/conferences/{_segment(conference_id)}/termmediastats"
        return TerminalQuality.list_from_json(await self._json("GET", path))

    async def media_stats(self, conference_id: str) -> tuple[MediaStat, ...]:
        """Read the statistics of every media stream of a conference."""
        path = f"/rest/conferences/{_segment(conference_id)}/mediastats"
        return MediaStat.list_from_json(await self._json("GET", path))

    # --- content and video -----------------------------------------------------------------

    async def content_status(self) -> str | None:
        """Read the content status (``CONTENT_IDLE`` when nothing is shared).

        Real codecs answer a bare, unquoted word (``CONTENT_IDLE``); the guide a JSON string.
        """
        payload, _content_type = await self._request("GET", "/rest/cameras/contentstatus")
        text = payload.decode(errors="replace").strip()
        if _BARE_WORD.match(text):
            return content_status(text)
        return content_status(_decode(payload))

    async def shared_media(self) -> tuple[SharedMedia, ...]:
        """Read the wireless-casting streams (SysTracker)."""
        return SharedMedia.list_from_json(await self._json("GET", "/rest/mediastats"))

    async def video_muted(self) -> bool | None:
        """Read whether the local video is hidden (video privacy)."""
        return result_flag(await self._json("GET", "/rest/video/local/mute"))

    async def set_video_muted(self, muted: bool) -> bool | None:
        """Hide or show the local video; return the state the device confirms."""
        _check_success(await self._json("POST", "/rest/video/local/mute", body={"mute": muted}))
        return await self.video_muted()

    # --- cameras ---------------------------------------------------------------------------

    async def cameras(self) -> tuple[Camera, ...]:
        """Read every near camera and content source."""
        return Camera.list_from_json(await self._json("GET", "/rest/cameras/near/all"))

    async def presets(self) -> tuple[Preset, ...]:
        """Read the near-camera preset slots."""
        return Preset.list_from_json(await self._json("GET", "/rest/cameras/near/presets/all"))

    async def recall_preset(self, index: int) -> None:
        """Move the selected people camera to a stored preset."""
        await self._preset_action(index, {"action": "activate"})

    async def store_preset(self, index: int) -> None:
        """Store the selected people camera's position in a preset slot."""
        await self._preset_action(index, {"action": "store", "withImage": "Yes"})

    async def clear_preset(self, index: int) -> None:
        """Clear a preset slot."""
        await self._preset_action(index, {"action": "clear"})

    async def _preset_action(self, index: int, action: dict[str, str]) -> None:
        """Send a camera action to a preset slot."""
        await self._request("POST", f"/rest/cameras/near/presets/{int(index)}", body=action)

    async def move_camera(self, direction: CameraDirection) -> None:
        """Start moving the selected people camera (until ``stop_camera``)."""
        await self._request(
            "POST",
            "/rest/cameras/near/selectedpeople",
            body={"action": "moveStart", "direction": str(direction)},
        )

    async def stop_camera(self) -> None:
        """Stop moving the selected people camera."""
        await self._request(
            "POST", "/rest/cameras/near/selectedpeople", body={"action": "moveStop"}
        )

    async def snapshot(self, which: Snapshot = Snapshot.NEAR) -> bytes | None:
        """Return a stored JPEG snapshot, or None when the device has none right now.

        Raises ``NotSupported`` when the codec has no snapshots at all (404).
        """
        try:
            image, content_type = await self._request(
                "GET", f"/rest/cameras/snapshot/{which}", accept=ACCEPT_JPEG
            )
        except (NotSupported, NotPermitted):
            raise
        except DeviceError as err:
            if err.code == 400:
                return None
            raise
        if content_type.startswith(("application/json", "text/")):
            return None
        return bytes(image) or None

    # --- calendar --------------------------------------------------------------------------

    async def calendar_status(self) -> str | None:
        """Read the calendar server's state (``ONLINE``, ``OFFLINE``, ...)."""
        return calendar_status(await self._json("GET", "/rest/calendar"))

    async def meetings(
        self, *, start: int | None = None, end: int | None = None, number: int | None = None
    ) -> tuple[Meeting, ...]:
        """Read meetings: a window (epoch seconds) or the next ``number`` ones."""
        params: dict[str, str] = {}
        if number is not None:
            params["number"] = str(number)
        else:
            if start is not None:
                params["start"] = str(int(start))
            if end is not None:
                params["end"] = str(int(end))
        raw = await self._json("GET", "/rest/calendar/meetings", params=params or None)
        return Meeting.list_from_json(raw)

    async def join_meeting(self, meeting_id: str) -> None:
        """Dial a calendar meeting (its id quoted: Exchange ids contain ``/``)."""
        path = f"/rest/calendar/meetings/{_segment(meeting_id)}"
        _check_success(await self._json("POST", path))

    # --- system ----------------------------------------------------------------------------

    async def system_info(self) -> SystemInfo:
        """Read the codec's identity and state (serial number, name, model, awake or asleep).

        ``GET /rest/system`` is not in the 4.0.0 guide (it comes from the older Polycom REST
        API, and real codecs answer it); firmware without it yields an empty identity.
        """
        try:
            return SystemInfo.from_json(await self._json("GET", "/rest/system"))
        except NotSupported:
            return SystemInfo.from_json(None)

    async def system_status(self) -> tuple[StatusItem, ...]:
        """Read the status of the important areas of the system."""
        return StatusItem.list_from_json(await self._json("GET", "/rest/system/status"))

    async def sip_server(self) -> ServerState | None:
        """Read the SIP registration state (a list on real codecs, an object in the guide)."""
        return ServerState.first_from_json(await self._json("GET", "/rest/system/sipservers"))

    async def favorites(self, limit: int = 20) -> tuple[Favorite, ...]:
        """Read the first favourites (speed dials); the codec's default page is one entry."""
        params = {"start": "1", "limit": str(limit)}
        return Favorite.list_from_json(
            await self._json("GET", "/rest/directory/favorites", params=params)
        )

    async def dial_favorite(self, entry_id: str) -> None:
        """Call a favourite directory entry."""
        path = f"/rest/directory/local/entries/{_segment(entry_id)}"
        await self._request("POST", path, body={"action": "dial"})

    async def microphones(self) -> tuple[Microphone, ...]:
        """Read the microphones and their state."""
        return Microphone.list_from_json(await self._json("GET", "/rest/audio/microphones"))

    async def peripherals(self) -> tuple[Peripheral, ...]:
        """Read the paired devices (touch controllers, cameras); a POST that only reads."""
        path = "/rest/current/devicemanagement/devices"
        return Peripheral.list_from_json(await self._json("POST", path, read=True))

    async def dial_addresses(self) -> DialAddresses:
        """Read the room's own SIP address and H.323 name and extension."""
        body = {"names": list(DIAL_ADDRESS_NAMES)}
        return DialAddresses.from_json(
            await self._json("POST", "/rest/config", body=body, read=True)
        )

    async def session_count(self) -> int | None:
        """Count the sessions open on the codec (ours and everybody else's)."""
        return count_sessions(await self._json("GET", "/rest/current/session/sessions"))

    async def apps(self) -> tuple[str, ...]:
        """Read the names of the provider apps the codec can run (Poly, Teams, Zoom, ...)."""
        raw = await self._json("GET", "/rest/current/system/apps/all")
        names = (
            (item.get("appName") for item in raw if isinstance(item, dict))
            if isinstance(raw, list)
            else ()
        )
        return tuple(name.strip() for name in names if isinstance(name, str) and name.strip())

    async def set_provider(self, app: str) -> None:
        """Switch the provider app (the codec restarts its interface; Poly answers ``noerror``)."""
        answer = await self._json("POST", "/rest/current/system/mode", body={"enabledapps": [app]})
        error = answer.get("error") if isinstance(answer, dict) else None
        if isinstance(error, str) and error.lower() != "noerror":
            raise DeviceError("The codec refused the provider change", error)
        _check_success(answer)

    async def system_mode(self) -> SystemMode:
        """Read the provider mode (Poly, Teams, Zoom, ...) of the codec."""
        return SystemMode.from_json(await self._json("GET", "/rest/system/mode"))

    async def device_mode(self) -> bool | None:
        """Read whether Device Mode runs."""
        return result_flag(await self._json("GET", "/rest/system/mode/device"))

    async def set_device_mode(self, on: bool) -> bool | None:
        """Start or stop Device Mode; return the state the device confirms."""
        await self._mode("device", on)
        return await self.device_mode()

    async def signage_mode(self) -> bool | None:
        """Read whether Digital Signage runs."""
        return result_flag(await self._json("GET", "/rest/system/mode/signage"))

    async def set_signage_mode(self, on: bool) -> bool | None:
        """Start or stop Digital Signage; return the state the device confirms."""
        await self._mode("signage", on)
        return await self.signage_mode()

    async def _mode(self, mode: str, on: bool) -> None:
        """Start (POST) or stop (DELETE) a system mode; it answers success in the body."""
        path = f"/rest/system/mode/{mode}"
        _check_success(await self._json("POST" if on else "DELETE", path))

    async def reboot(self) -> None:
        """Reboot the codec (the session ends with it)."""
        await self._request("POST", "/rest/system/reboot", body={"action": "reboot"})
        self._rebooted_at = time.monotonic()
        self._session = None
        if self._on_session is not None:
            self._on_session(None)


def _segment(value: str) -> str:
    """Quote an id for a path segment (``/`` included)."""
    return quote(str(value), safe="")


def _set_cookies(headers: list[str]) -> dict[str, str]:
    """Read cookie names and values from Set-Cookie headers, as sent (quotes stripped)."""
    cookies: dict[str, str] = {}
    for header in headers:
        name, _, rest = header.partition("=")
        value = rest.split(";", 1)[0].strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if name.strip() and value:
            cookies[name.strip()] = value
    return cookies


def _decode(payload: bytes) -> Any:
    """Decode a JSON body; bare scalars (``true``, ``62``) are valid answers."""
    if not payload.strip():
        return None
    try:
        return json.loads(payload)
    except (ValueError, UnicodeDecodeError) as err:
        raise InvalidResponse("The device answered with malformed JSON") from err


def _decode_lenient(payload: bytes) -> Any:
    """Decode a JSON body, or None (login refusals may come without one)."""
    try:
        return _decode(payload)
    except InvalidResponse:
        return None


def _locked_out(data: Any) -> bool:
    """Return whether a login answer reports a lockout."""
    if not isinstance(data, dict):
        return False
    login_status = data.get("loginStatus")
    result = login_status.get("loginResult") if isinstance(login_status, dict) else None
    return data.get("reason") == "SessionPortLockout" or result not in (None, "NOLOCKOUT")


def _raise_for_status(
    status: int, method: str, path: str, content_type: str, accept: str = ACCEPT_JSON
) -> None:
    """Turn an HTTP status into the error model (the guide's reason phrases vary)."""
    if status < 300:
        if accept == ACCEPT_JSON and content_type == "text/html":
            raise NotSupported(f"{method} {path}: a web page instead of JSON", "html")
        return
    if status < 400:
        raise NotSupported(f"{method} {path}: redirected (HTTP {status})", status)
    if status in _AUTH_STATUSES:
        raise NotPermitted(f"{method} {path}: refused (HTTP {status})", status)
    if status == 404:
        raise NotAvailable(f"{method} {path}: not available", 404)
    if status == 501:
        raise NotSupported(f"{method} {path}: not implemented", 501)
    if status in _BUSY_STATUSES:
        raise DeviceBusy(f"{method} {path}: busy (HTTP {status})", status)
    if status >= 500:
        raise ServerError(f"{method} {path}: HTTP {status}", status)
    raise DeviceError(f"{method} {path}: HTTP {status}", status)


def _check_success(data: Any) -> None:
    """Raise when a ``{"success": false, "reason": ...}`` answer reports a failure."""
    if isinstance(data, dict) and data.get("success") is False:
        reason = data.get("reason")
        raise DeviceError("The codec refused the command", reason if reason else "refused")


def _conference_id_from_links(links: Any) -> str | None:
    """Find the conference id in the links a dial answers with (a list or one object)."""
    for link in links if isinstance(links, list) else [links]:
        href = link.get("href") if isinstance(link, dict) else None
        if isinstance(href, str) and "/rest/conferences/" in href:
            rest = href.split("/rest/conferences/", 1)[1]
            if conference_id := rest.split("/", 1)[0]:
                return conference_id
    return None
