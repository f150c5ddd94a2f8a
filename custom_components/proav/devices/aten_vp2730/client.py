"""HTTPS REST v2.0 client of the ATEN VP2730 (no Home Assistant imports).

Token auth: ``POST /auth/tokens`` with base64("user:pass") returns a credential that goes bare in
the ``Authorization`` header. The device documents no expiry, so a 401 makes one shared re-login
(``LoginGate``) and one retry: a 401 means the device did not run the request, so resending it is
safe. Only the login itself can say the credentials are wrong; a 401 right after a fresh login is
``NotPermitted``. At most ``MAX_IN_FLIGHT`` requests run at once (a small embedded device), every
answer is kept in ``captures``, and ``async_close`` deletes the token (best effort: the sibling
ATEN APIs document ``DELETE /auth/tokens``; this document does not).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterable, Mapping
import contextlib
import json
from typing import Any

import aiohttp
from yarl import URL

from ..errors import (  # noqa: TID252 - the shared errors
    CannotConnect,
    DeviceBusy,
    DeviceError,
    InvalidAuth,
    InvalidResponse,
    NotPermitted,
    NotSupported,
    ProAVError,
)
from ..session import DeviceClient  # noqa: TID252
from .models import (
    API,
    OFF,
    ON,
    REQUIRED,
    RESOURCES,
    Multiview,
    Profile,
    Room,
    State,
    SystemInfo,
    Update,
    VideoConfigs,
    empty_update,
    resource_update,
)

DEFAULT_PORT = 443
REQUEST_TIMEOUT = 10.0
TOKEN_PATH = f"{API}/auth/tokens"
# Requests in flight at once (the device is a small embedded box).
MAX_IN_FLIGHT = 3
# Room verification: Set Room documents 0 off / 1 on, Get Room reads 1 off / 2 on (and every
# sibling ATEN API writes 1/2). The first is tried first; a read-back decides which one works.
VERIFICATION_ENCODINGS: tuple[dict[bool, int], ...] = ({False: 0, True: 1}, {False: 1, True: 2})
# Device codes that mean "this route or field does not exist here" / "not allowed now".
_NOT_SUPPORTED_CODES = {40003, 40400, 40500, 50100}
_NOT_PERMITTED_CODES = {40002, 40300}


class AtenApiError(DeviceError):
    """The device refused a request with a documented ``{code, message}`` error body."""


class AtenUnavailable(CannotConnect):
    """The device answered 5xx (system error, maintenance, recovery)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        """Keep the device's error code."""
        super().__init__(message)
        self.code = code


def _on_off(on: bool) -> int:
    """Return this API's encoding of on/off."""
    return ON if on else OFF


def _raise_for_status(status: int, body: Any, resource: str) -> None:
    """Turn an error status and its ``{code, message}`` body into a typed error.

    Messages name the resource and the code only (never the device's text: it may quote values).
    """
    if status < 400:
        return
    error = body if isinstance(body, Mapping) else {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    message = f"{resource}: HTTP {status}" + (f" ({code})" if code is not None else "")
    if status == 503 and code not in (50301, 50304):
        raise DeviceBusy(message, code)
    if status >= 500 and code != 50100:
        raise AtenUnavailable(message, code)
    if code == 40401:  # an item id the device does not have: a wrong request, not a route
        raise AtenApiError(message, code)
    if status in (404, 405, 501) or code in _NOT_SUPPORTED_CODES:
        raise NotSupported(message, code)
    if status == 403 or code in _NOT_PERMITTED_CODES:
        raise NotPermitted(message, code)
    if status == 401:
        raise NotPermitted(message, code)
    raise AtenApiError(message, code)


class AtenClient(DeviceClient):
    """Talks REST v2.0 to one VP2730; takes its aiohttp session from the caller."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        username: str,
        password: str,
        port: int = DEFAULT_PORT,
        ssl: bool = True,
        verify_ssl: bool = False,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        """Keep where and how to connect (HTTPS with an unverified certificate by default)."""
        super().__init__()
        self.session = session
        self.host = host
        self.base_url = URL.build(scheme="https" if ssl else "http", host=host, port=port)
        self.verify_ssl = verify_ssl
        self._ssl = verify_ssl  # False: accept the self-signed certificate
        self._timeout = request_timeout
        self._authorization = base64.b64encode(f"{username}:{password}".encode()).decode()
        self._token: str | None = None
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        # Which room verification encoding works (index into VERIFICATION_ENCODINGS).
        self.verification_encoding = 0
        # Per-id writes the device refused; the documented bulk form is used for them.
        self.bulk_only: set[str] = set()

    @property
    def token(self) -> str | None:
        """Return the current credential (for the Socket.IO connection)."""
        return self._token

    def invalidate_token(self) -> None:
        """Forget the credential, so the next request signs in again."""
        self._token = None

    async def _login(self) -> None:
        """POST the credentials; keep the token. Only this can raise InvalidAuth."""
        status, body = await self._send(
            "POST", TOKEN_PATH, {"authorization": self._authorization}, None
        )
        error = body if isinstance(body, Mapping) else {}
        code = error.get("code")
        # The document answers a wrong user name or password with 400/40000 (the generic table
        # says 401/40100); other 400s (40003, 40004) are a malformed request, not a password.
        if status == 401 or (status == 400 and code in (40000, 40100, None)):
            raise InvalidAuth("the device rejected the user name or password")
        _raise_for_status(status, body, f"POST {TOKEN_PATH}")
        if not isinstance(body, Mapping) or not isinstance(body.get("credential"), str):
            raise InvalidResponse("the token answer has no credential")
        self._token = body["credential"]

    async def async_login(self) -> str:
        """Get a fresh credential. Raises InvalidAuth on wrong user name or password."""
        await self.login_gate.async_login(self._login)
        assert self._token is not None
        return self._token

    async def async_ensure_token(self) -> str:
        """Return the credential, signing in first if there is none (never after a refusal)."""
        self.login_gate.check()
        if self._token is None:
            await self.login_gate.async_login(self._login, expired=self.login_gate.generation)
        if self._token is None:
            # Another request's login was shared, and its token dropped since: sign in again.
            await self.login_gate.async_login(self._login)
        token = self._token
        assert token is not None
        return token

    async def request(self, method: str, path: str, body: Any = None) -> Any:
        """Send one authenticated request; return its JSON body (None when empty)."""
        token = await self.async_ensure_token()
        generation = self.login_gate.generation
        status, answer = await self._send(method, path, body, token)
        if status == 401:
            # The session expired: one shared re-login, then one retry (a 401 ran nothing).
            if self._token == token:
                self._token = None
            await self.login_gate.async_login(self._login, expired=generation)
            token = await self.async_ensure_token()
            status, answer = await self._send(method, path, body, token)
        _raise_for_status(status, answer, f"{method} {path}")
        return answer

    async def _send(self, method: str, path: str, body: Any, token: str | None) -> tuple[int, Any]:
        """Send a request; map transport failures; record the answer; return status and body."""
        headers = {"Authorization": token} if token else {}
        resource = f"{method} {path}"
        try:
            async with (
                self._in_flight,
                asyncio.timeout(self._timeout),
                self.session.request(
                    method,
                    self.base_url.with_path(path),
                    json=body,
                    headers=headers,
                    ssl=self._ssl,
                ) as response,
            ):
                raw = await response.read()
                status = response.status
                content_type = response.content_type
        except TimeoutError as err:
            raise CannotConnect(f"{resource}: timed out") from err
        except aiohttp.ClientError as err:
            raise CannotConnect(f"{resource}: {type(err).__name__}") from err
        # The token answer is a secret: keep only its shape.
        self.captures.record(
            resource,
            status,
            '{"credential": "…"}' if path == TOKEN_PATH and status < 300 else raw,
            content_type,
        )
        if not raw.strip():
            return status, None
        try:
            return status, json.loads(raw)
        except ValueError as err:
            if status >= 400:
                return status, None
            if content_type == "text/html":
                # A web page where the API should answer: this firmware lacks the route.
                raise NotSupported(f"{resource}: HTML instead of JSON") from err
            raise InvalidResponse(f"{resource}: the answer is not JSON") from err

    async def async_close(self) -> None:
        """Delete the token (best effort; a device without the route lets it lapse)."""
        token, self._token = self._token, None
        if token is None:
            return
        with contextlib.suppress(ProAVError):
            await self._send("DELETE", TOKEN_PATH, None, token)

    # Reading ------------------------------------------------------------------------------

    async def async_get_info(self) -> SystemInfo:
        """Return the system information (identity, firmware, status)."""
        return SystemInfo.parse(await self.request("GET", f"{API}/system/info"))

    async def async_get_body(self, path: str) -> Any:
        """Return a resource's raw body (for field-by-field merging of events)."""
        return await self.request("GET", path)

    async def async_read(self, path: str) -> tuple[Update, Any] | None:
        """Read a resource: the required ones raise, optional ones go through capabilities.

        Returns how the state changes and the raw body, or None when an optional resource is
        missing (its update is then ``empty_update``) or failing now (keep what is known).
        """

        async def read() -> tuple[Update, Any]:
            body = await self.request("GET", path)
            return resource_update(path, body), body

        if path in REQUIRED:
            return await read()
        return await self.capabilities.async_read(path, read)

    async def async_get_state(self) -> State:
        """Read every resource (at most ``MAX_IN_FLIGHT`` at once) and return the whole state."""
        info = await self.async_get_info()
        paths = [path for path in RESOURCES if path != f"{API}/system/info"]
        results = await asyncio.gather(
            *(self.async_read(path) for path in paths), return_exceptions=True
        )
        state = State(info=info)
        for path, result in zip(paths, results, strict=True):
            if isinstance(result, BaseException):
                raise result
            state = (result[0] if result is not None else empty_update(path))(state)
        return state

    async def async_get_thumbnail(self, url: str) -> bytes:
        """Fetch a static picture (thumbnail, QR code); its URL names the device's own IP."""
        path = URL(url).path
        if not path.startswith("/static/"):
            raise InvalidResponse("unexpected thumbnail URL")
        token = await self.async_ensure_token()
        resource = "GET " + "/".join(path.split("/")[:3])  # the folder, not the file
        try:
            async with (
                self._in_flight,
                asyncio.timeout(self._timeout),
                self.session.get(
                    self.base_url.with_path(path), headers={"Authorization": token}, ssl=self._ssl
                ) as response,
            ):
                data = await response.read()
                self.captures.record(resource, response.status, data, response.content_type)
                _raise_for_status(response.status, None, resource)
                return data
        except TimeoutError as err:
            raise CannotConnect(f"{resource}: timed out") from err
        except aiohttp.ClientError as err:
            raise CannotConnect(f"{resource}: {type(err).__name__}") from err

    # Writing ------------------------------------------------------------------------------

    async def async_set_audio(
        self,
        kind: str,
        port_id: str,
        *,
        volume: int | None = None,
        mute: bool | None = None,
        gain: int | None = None,
    ) -> None:
        """Set volume (0-100), mute or gain (0-30) of an audio ``inputs`` or ``outputs`` port."""
        if kind not in ("inputs", "outputs"):
            raise ValueError(kind)
        body: dict[str, Any] = {}
        if volume is not None:
            body["volume"] = max(0, min(100, int(volume)))
        if gain is not None:
            body["gain"] = gain
        if mute is not None:
            body["mute"] = {"value": _on_off(mute)}
        await self.request("PATCH", f"{API}/audio/{kind}/{port_id}", body)

    async def _write_item(self, collection: str, key: str, item_id: str, body: Any) -> None:
        """PATCH one item; where the device refuses the per-id route, use the bulk form.

        Both forms are documented; the only public client that ran on real units uses the bulk
        one. A refused per-id route (404, 405, 40003) is remembered for this client's lifetime.
        """
        path = f"{API}/{collection}"
        if collection not in self.bulk_only:
            try:
                await self.request("PATCH", f"{path}/{item_id}", body)
            except NotSupported:
                self.bulk_only.add(collection)
            else:
                return
        await self.request("PATCH", path, {key: [{"id": item_id, **body}]})

    async def async_set_connection(self, output_id: str, input_id: str) -> None:
        """Route a video input to a video output."""
        await self._write_item(
            "video/connections", "connections", output_id, {"videoInput": input_id}
        )

    async def async_set_connections(self, routes: Mapping[str, str]) -> None:
        """Route several outputs at once (output id -> input id), in one request."""
        await self.request(
            "PATCH",
            f"{API}/video/connections",
            {"connections": [{"id": out, "videoInput": inp} for out, inp in routes.items()]},
        )

    async def async_set_profile(self, profile: Profile) -> None:
        """Recall a video profile (the device wants id, name and multiview together)."""
        await self.request(
            "PATCH",
            f"{API}/video/vpProfiles/now",
            {"id": profile.id, "name": profile.name, "multiview": profile.multiview},
        )

    async def async_set_live(self, output_id: str, live: bool) -> None:
        """Start (POST) or stop (DELETE) going live on a video output."""
        await self.request("POST" if live else "DELETE", f"{API}/video/golive/{output_id}")

    async def async_set_output(self, output_id: str, settings: Mapping[str, Any]) -> None:
        """Change settings of a video output, e.g. ``{"blank": {"value": 2}}``."""
        await self._write_item("video/outputs", "outputs", output_id, dict(settings))

    async def async_set_output_switch(self, output_id: str, field: str, on: bool) -> None:
        """Switch an on/off setting of a video output (blank, freeze, osd, fixHDCP)."""
        await self.async_set_output(output_id, {field: {"value": _on_off(on)}})

    async def async_set_output_choice(self, output_id: str, field: str, value: int) -> None:
        """Choose a value of a video output setting (displayResolution, fitMode)."""
        await self.async_set_output(output_id, {field: {"value": value}})

    async def async_set_output_auto_switch(self, output_id: str, event: str, mode: int) -> None:
        """Set the auto-switch mode on source ``plugin`` or ``plugout`` of an output."""
        await self.async_set_output(output_id, {"autoSwitch": {event: {"mode": {"value": mode}}}})

    async def async_set_input_name(self, input_id: str, name: str) -> None:
        """Rename a video input."""
        await self.request("PATCH", f"{API}/video/inputs/{input_id}", {"name": name})

    async def async_set_osd(
        self,
        *,
        multiview_label: bool | None = None,
        system_event: bool | None = None,
        interactive_event: bool | None = None,
        language: str | None = None,
    ) -> None:
        """Change the global OSD settings."""
        body: dict[str, Any] = {}
        if multiview_label is not None:
            body["multiviewLabel"] = _on_off(multiview_label)
        notification: dict[str, int] = {}
        if system_event is not None:
            notification["systemEvent"] = _on_off(system_event)
        if interactive_event is not None:
            notification["interactiveEvent"] = _on_off(interactive_event)
        if notification:
            body["notification"] = notification
        if language is not None:
            body["language"] = {"value": language}
        await self.request("PATCH", f"{API}/system/osd", body)

    async def async_get_room(self) -> Room:
        """Read the room."""
        return Room.parse(await self.request("GET", f"{API}/system/room"))

    async def async_set_room(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        code: str | None = None,
        moderator: str | None = None,
    ) -> None:
        """Change the room; ``name`` is always sent (Set Room does not mark it optional)."""
        if name is None:
            name = (await self.async_get_room()).name
            if name is None:
                raise InvalidResponse("the room has no name to send back")
        body: dict[str, Any] = {"name": name}
        if description is not None:
            body["description"] = description
        if code is not None:
            body["security"] = {"code": code}
        if moderator is not None:
            body["moderator"] = moderator
        await self.request("PATCH", f"{API}/system/room", body)

    async def async_set_room_verification(self, on: bool) -> None:
        """Switch room code verification, and check by reading back that it took.

        The document writes 0/1 and reads 1/2; the encoding that reads back right is kept. A
        refused value or a wrong read-back tries the other one once.
        """
        for attempt in range(len(VERIFICATION_ENCODINGS)):
            index = (self.verification_encoding + attempt) % len(VERIFICATION_ENCODINGS)
            room = await self.async_get_room()
            if room.name is None:
                raise InvalidResponse("the room has no name to send back")
            try:
                await self.request(
                    "PATCH",
                    f"{API}/system/room",
                    {
                        "name": room.name,
                        "security": {"verification": VERIFICATION_ENCODINGS[index][on]},
                    },
                )
            except (AtenApiError, NotSupported) as err:
                if err.code not in (40000, 40001):
                    raise
                continue
            if (await self.async_get_room()).verification == _on_off(on):
                self.verification_encoding = index
                return
        raise AtenApiError("room verification did not take in either encoding")

    async def async_set_video_configs(
        self,
        current: VideoConfigs,
        *,
        edid: int | None = None,
        input_stream: int | None = None,
    ) -> None:
        """Set the EDID mode (1 ATEN, 2 port 1) and/or input stream (1 static, 2 dynamic).

        Both fields are always sent (neither is optional in Set Video Configs): the one not
        changed keeps its current value.
        """
        body: dict[str, Any] = {}
        for key, new, choice in (
            ("edid", edid, current.edid),
            ("inputStream", input_stream, current.input_stream),
        ):
            value = new if new is not None else (choice.value if choice is not None else None)
            if value is not None:
                body[key] = {"value": value}
        await self.request("PATCH", f"{API}/video/configs", body)

    async def async_set_multiview(self, multiview: Multiview) -> None:
        """Write a whole multiview layout (all views, as the device may replace the list)."""
        await self.request(
            "PATCH",
            f"{API}/video/multiviews/{multiview.id}",
            {
                "id": multiview.id,
                "description": multiview.description,
                "mainView": multiview.main_view,
                "views": [
                    {"id": view.id, "source": view.source, "coordinate": dict(view.coordinate)}
                    for view in multiview.views
                ],
            },
        )

    async def async_snapshot(self, output_id: str, storage: str = "0", path: str = "/") -> None:
        """Take a snapshot of a video output onto a device storage."""
        await self.request(
            "POST",
            f"{API}/video/snapshots/{output_id}",
            {"id": output_id, "storage": storage, "path": path},
        )

    async def async_snapshot_all(
        self, output_ids: Iterable[str], storage: str = "0", path: str = "/"
    ) -> None:
        """Take snapshots of several outputs at once."""
        await self.request(
            "POST",
            f"{API}/video/snapshots",
            {
                "snapshots": [
                    {"id": output_id, "storage": storage, "path": path} for output_id in output_ids
                ]
            },
        )
