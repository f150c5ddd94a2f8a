"""Async client of the Poly VideoOS REST API (G7500, Studio X30/X50/X70); no Home Assistant.

Sessions: ``POST /rest/session`` answers with a ``session_id`` cookie (and the id in its body).
VideoOS 4.6.2 and later also hand out an XSRF token (an ``XSRF-TOKEN`` cookie or an
``X-XSRF-TOKEN`` response header) that must come back as the ``X-XSRF-Token`` header on every
request. The client keeps both itself and sends them explicitly, so it works with any
``aiohttp.ClientSession`` (also one whose cookie jar refuses cookies from bare IP addresses).

These codecs are known to lock up when a client holds HTTP connections open, so every request
asks for ``Connection: close`` (no idle keep-alive socket between polls) and requests are
serialised (one in flight per device).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import json
import logging
from typing import Any, Final

import aiohttp
from yarl import URL

from ..errors import CannotConnect, DeviceError, InvalidAuth, InvalidResponse  # noqa: TID252
from ..session import DeviceClient  # noqa: TID252
from .models import (
    Audio,
    Camera,
    CameraDirection,
    Conference,
    Connection,
    DialType,
    MediaStat,
    Meeting,
    Preset,
    ServerState,
    Session,
    SharedMedia,
    Snapshot,
    StatusItem,
    SystemInfo,
    TerminalQuality,
    calendar_status,
    content_status,
    result_flag,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORT: Final = 443
SESSION_COOKIE: Final = "session_id"
XSRF_COOKIE: Final = "XSRF-TOKEN"
XSRF_HEADER: Final = "X-XSRF-Token"
_AUTH_STATUSES: Final = frozenset({401, 403})
_NO_BODY: Final = object()


class NotAvailable(DeviceError):
    """The device answered 404: the resource or feature is not available right now."""


class MuteLocked(DeviceError):
    """The microphones cannot be unmuted: mute is locked (e.g. by the far end)."""


class LockedOut(InvalidAuth):
    """Too many failed logins: the device locked the account for a while."""


class PolyVideoOSClient(DeviceClient):
    """Talk to one Poly VideoOS codec."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        username: str,
        password: str,
        port: int = DEFAULT_PORT,
        ssl: bool = True,
        request_timeout: float = 10.0,
    ) -> None:
        """Keep the connection facts; nothing is sent until the first request."""
        super().__init__()
        self._http = session
        self._base = URL.build(scheme="https" if ssl else "http", host=host, port=port)
        self._username = username
        self._password = password
        self._timeout = request_timeout
        self._session: Session | None = None
        # A refused login is not retried by itself: every retry would count towards the
        # codec's lockout. A new client (after reauth) or an explicit login() tries again.
        self._auth_error: InvalidAuth | None = None
        self._lock = asyncio.Lock()

    @property
    def logged_in(self) -> bool:
        """Return whether the client holds a session."""
        return self._session is not None

    # --- transport -------------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        path: str,
        *,
        body: Any = _NO_BODY,
        params: Mapping[str, str] | None = None,
    ) -> tuple[int, bytes, dict[str, str]]:
        """Send one request; return status, body and the tokens the device handed out."""
        headers = {"Connection": "close", "Accept": "application/json"}
        cookies: dict[str, str] = {}
        if self._session is not None:
            cookies[SESSION_COOKIE] = self._session.session_id
            if self._session.xsrf_token:
                cookies[XSRF_COOKIE] = self._session.xsrf_token
                headers[XSRF_HEADER] = self._session.xsrf_token
        kwargs: dict[str, Any] = {"headers": headers, "cookies": cookies, "params": params}
        if body is not _NO_BODY:
            kwargs["data"] = json.dumps(body)
            headers["Content-Type"] = "application/json"
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._http.request(method, self._base.with_path(path), **kwargs) as response,
            ):
                payload = await response.read()
                tokens = {name: morsel.value for name, morsel in response.cookies.items()}
                if header := response.headers.get(XSRF_HEADER):
                    tokens.setdefault(XSRF_COOKIE, header)
                return response.status, payload, tokens
        except TimeoutError as err:
            raise CannotConnect(f"Timeout talking to {self._base.host}") from err
        except (aiohttp.ClientError, OSError) as err:
            raise CannotConnect(f"Cannot reach {self._base.host}: {err}") from err

    async def _request(
        self,
        method: str,
        path: str,
        *,
        body: Any = _NO_BODY,
        params: Mapping[str, str] | None = None,
        raw: bool = False,
    ) -> Any:
        """Send an authenticated request (logging in, and once again on 401/403)."""
        async with self._lock:
            if self._session is None:
                await self._login()
            status, payload, _tokens = await self._send(method, path, body=body, params=params)
            if status in _AUTH_STATUSES:
                _LOGGER.debug("Session rejected on %s %s; logging in again", method, path)
                self._session = None
                await self._login()
                status, payload, _tokens = await self._send(method, path, body=body, params=params)
                if status in _AUTH_STATUSES:
                    self._session = None
                    raise InvalidAuth(f"{method} {path} refused after a fresh login")
        _raise_for_status(status, method, path)
        if raw:
            return payload
        return _decode(payload)

    async def _login(self) -> None:
        """Open a session; keep its id and XSRF token (called with the lock held)."""
        if self._auth_error is not None:
            raise self._auth_error
        status, payload, tokens = await self._send(
            "POST", "/rest/session", body={"user": self._username, "password": self._password}
        )
        if status in {400, *_AUTH_STATUSES}:
            self._auth_error = _login_error(status, payload)
            raise self._auth_error
        _raise_for_status(status, "POST", "/rest/session")
        data = _decode(payload)
        body_session = data.get("session") if isinstance(data, dict) else None
        session_id = tokens.get(SESSION_COOKIE) or (
            body_session.get("sessionId") if isinstance(body_session, dict) else None
        )
        if not isinstance(session_id, str) or not session_id:
            raise InvalidResponse("The login answer carries no session id")
        xsrf = tokens.get(XSRF_COOKIE)
        if xsrf is None and isinstance(data, dict) and isinstance(data.get("xsrfToken"), str):
            xsrf = data["xsrfToken"]
        self._session = Session(session_id=session_id, xsrf_token=xsrf)

    async def login(self) -> None:
        """Log in now, even after a refused login (raises InvalidAuth or CannotConnect)."""
        async with self._lock:
            self._auth_error = None
            await self._login()

    async def logout(self) -> None:
        """End the session on the device (best effort: errors are ignored)."""
        async with self._lock:
            if self._session is None:
                return
            try:
                await self._send("DELETE", "/rest/session")
            except CannotConnect:
                _LOGGER.debug("Logout from %s failed; the session will time out", self._base.host)
            self._session = None

    # --- audio -----------------------------------------------------------------------------

    async def audio(self) -> Audio:
        """Read microphone mute, mute lock, volume and microphone count."""
        return Audio.from_json(await self._request("GET", "/rest/audio"))

    async def set_volume(self, volume: int) -> Audio:
        """Set the speaker volume (0-100); return the audio state the device confirms."""
        await self._request("POST", "/rest/audio/volume", body=max(0, min(100, int(volume))))
        return await self.audio()

    async def set_muted(self, muted: bool) -> Audio:
        """Mute or unmute the microphones; raise MuteLocked when the lock refuses it."""
        try:
            await self._request("POST", "/rest/audio/muted", body=muted)
        except NotAvailable:
            raise
        except DeviceError as err:
            if not muted and (await self.audio()).mute_locked:
                raise MuteLocked("Microphone mute is locked") from err
            raise
        audio = await self.audio()
        if audio.muted != muted and audio.mute_locked:
            raise MuteLocked("Microphone mute is locked")
        return audio

    async def send_dtmf(self, digits: str) -> None:
        """Play DTMF tones (to the far end while in a call)."""
        await self._request("POST", "/rest/audio", body={"action": "playDTMF", "dtmfChar": digits})

    # --- conferences -----------------------------------------------------------------------

    async def conferences(self) -> tuple[Conference, ...]:
        """Read the current conferences (empty when idle)."""
        return Conference.list_from_json(await self._request("GET", "/rest/conferences"))

    async def dial(
        self,
        address: str,
        *,
        rate: int | None = None,
        dial_type: DialType = DialType.AUTO,
        password: str | None = None,
    ) -> str | None:
        """Place a call; return the new conference's id when the device tells it."""
        request: dict[str, Any] = {"address": address.strip(), "dialType": str(dial_type)}
        if rate is not None:
            request["rate"] = rate
        if password:
            request["password"] = password
        links = await self._request("POST", "/rest/conferences", body=request)
        return _conference_id_from_links(links)

    async def hang_up(self, conference_id: str) -> None:
        """Hang up one conference."""
        await self._request("DELETE", f"/rest/conferences/{conference_id}")

    async def connections(self, conference_id: str) -> tuple[Connection, ...]:
        """Read the connections of a conference."""
        raw = await self._request("GET", f"/rest/conferences/{conference_id}/connections")
        return Connection.list_from_json(raw)

    async def hang_up_connection(self, conference_id: str, connection_id: str) -> None:
        """Hang up one connection of a conference (also rejects a ringing call)."""
        await self._request(
            "DELETE", f"/rest/conferences/{conference_id}/connections/{connection_id}"
        )

    async def hang_up_all(self) -> None:
        """Hang up every conference."""
        for conference in await self.conferences():
            try:
                await self.hang_up(conference.id)
            except NotAvailable:
                _LOGGER.debug("Conference %s ended before hang-up", conference.id)

    async def terminal_quality(self, conference_id: str) -> tuple[TerminalQuality, ...]:
        """Read the quality (0-100) of each terminal of a conference."""
        raw = await self._request("GET", f"/rest/conferences/{conference_id}/termmediastats")
        return TerminalQuality.list_from_json(raw)

    async def media_stats(self, conference_id: str) -> tuple[MediaStat, ...]:
        """Read the statistics of every media stream of a conference."""
        raw = await self._request("GET", f"/rest/conferences/{conference_id}/mediastats")
        return MediaStat.list_from_json(raw)

    # --- content and video -----------------------------------------------------------------

    async def content_status(self) -> str:
        """Read the content status (``CONTENT_IDLE`` when nothing is shared)."""
        return content_status(await self._request("GET", "/rest/cameras/contentstatus"))

    async def shared_media(self) -> tuple[SharedMedia, ...]:
        """Read the wireless-casting streams (SysTracker)."""
        return SharedMedia.list_from_json(await self._request("GET", "/rest/mediastats"))

    async def video_muted(self) -> bool:
        """Read whether the local video is hidden (video privacy)."""
        return result_flag(await self._request("GET", "/rest/video/local/mute"))

    async def set_video_muted(self, muted: bool) -> bool:
        """Hide or show the local video; return the state the device confirms."""
        _check_success(await self._request("POST", "/rest/video/local/mute", body={"mute": muted}))
        return await self.video_muted()

    # --- cameras ---------------------------------------------------------------------------

    async def cameras(self) -> tuple[Camera, ...]:
        """Read every near camera and content source."""
        return Camera.list_from_json(await self._request("GET", "/rest/cameras/near/all"))

    async def presets(self) -> tuple[Preset, ...]:
        """Read the near-camera preset slots."""
        return Preset.list_from_json(await self._request("GET", "/rest/cameras/near/presets/all"))

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
        """Return a stored JPEG snapshot, or None when the device has none right now."""
        try:
            image = await self._request("GET", f"/rest/cameras/snapshot/{which}", raw=True)
        except DeviceError as err:
            if err.code in (400, 404):
                return None
            raise
        return bytes(image) or None

    # --- calendar --------------------------------------------------------------------------

    async def calendar_status(self) -> str:
        """Read the calendar server's state (``ONLINE``, ``OFFLINE``, ...)."""
        return calendar_status(await self._request("GET", "/rest/calendar"))

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
        raw = await self._request("GET", "/rest/calendar/meetings", params=params or None)
        return Meeting.list_from_json(raw)

    async def join_meeting(self, meeting_id: str) -> None:
        """Dial a calendar meeting."""
        _check_success(await self._request("POST", f"/rest/calendar/meetings/{meeting_id}"))

    # --- system ----------------------------------------------------------------------------

    async def system_info(self) -> SystemInfo:
        """Read the codec's identity (serial number, name, model, software version).

        ``GET /rest/system`` is not in the 4.0.0 guide (it comes from the older Polycom REST
        API); firmware without it yields an empty identity instead of an error.
        """
        try:
            return SystemInfo.from_json(await self._request("GET", "/rest/system"))
        except NotAvailable:
            return SystemInfo.from_json(None)

    async def system_status(self) -> tuple[StatusItem, ...]:
        """Read the status of the important areas of the system."""
        return StatusItem.list_from_json(await self._request("GET", "/rest/system/status"))

    async def sip_server(self) -> ServerState | None:
        """Read the SIP registration state."""
        return ServerState.first_from_json(await self._request("GET", "/rest/system/sipservers"))

    async def device_mode(self) -> bool:
        """Read whether Device Mode runs."""
        return result_flag(await self._request("GET", "/rest/system/mode/device"))

    async def set_device_mode(self, on: bool) -> bool:
        """Start or stop Device Mode; return the state the device confirms."""
        await self._mode("device", on)
        return await self.device_mode()

    async def signage_mode(self) -> bool:
        """Read whether Digital Signage runs."""
        return result_flag(await self._request("GET", "/rest/system/mode/signage"))

    async def set_signage_mode(self, on: bool) -> bool:
        """Start or stop Digital Signage; return the state the device confirms."""
        await self._mode("signage", on)
        return await self.signage_mode()

    async def _mode(self, mode: str, on: bool) -> None:
        """Start (POST) or stop (DELETE) a system mode; it answers success in the body."""
        path = f"/rest/system/mode/{mode}"
        _check_success(await self._request("POST" if on else "DELETE", path))

    async def reboot(self) -> None:
        """Reboot the codec (the session ends with it)."""
        await self._request("POST", "/rest/system/reboot", body={"action": "reboot"})
        self._session = None


def _decode(payload: bytes) -> Any:
    """Decode a JSON body; bare scalars (``true``, ``62``) are valid answers."""
    if not payload.strip():
        return None
    try:
        return json.loads(payload)
    except (ValueError, UnicodeDecodeError) as err:
        raise InvalidResponse("The device answered with malformed JSON") from err


def _raise_for_status(status: int, method: str, path: str) -> None:
    """Turn an HTTP status into the client's errors (the doc's reason phrases vary)."""
    if status < 300:
        return
    if status >= 500 and status not in (501, 507):
        raise CannotConnect(f"{method} {path}: HTTP {status}")
    if status == 404:
        raise NotAvailable(f"{method} {path}: not available", code=404)
    raise DeviceError(f"{method} {path}: HTTP {status}", code=status)


def _login_error(status: int, payload: bytes) -> InvalidAuth:
    """Build the error for a refused login, telling a lockout apart."""
    try:
        data = json.loads(payload) if payload.strip() else {}
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    login_status = data.get("loginStatus")
    result = login_status.get("loginResult") if isinstance(login_status, dict) else None
    if data.get("reason") == "SessionPortLockout" or result not in (None, "NOLOCKOUT"):
        return LockedOut("Too many failed logins: the device locked the account")
    return InvalidAuth(f"Login refused (HTTP {status})")


def _check_success(data: Any) -> None:
    """Raise when a ``{"success": false, "reason": ...}`` answer reports a failure."""
    if isinstance(data, dict) and data.get("success") is False:
        raise DeviceError(str(data.get("reason") or "refused"), code="refused")


def _conference_id_from_links(links: Any) -> str | None:
    """Find the conference id in the links a dial answers with (a list or one object)."""
    for link in links if isinstance(links, list) else [links]:
        href = link.get("href") if isinstance(link, dict) else None
        if isinstance(href, str) and "/rest/conferences/" in href:
            rest = href.split("/rest/conferences/", 1)[1]
            if conference_id := rest.split("/", 1)[0]:
                return conference_id
    return None
