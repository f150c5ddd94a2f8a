"""HTTPS REST v2.0 client of the ATEN VP2730 (no Home Assistant imports).

Token auth: ``POST /auth/tokens`` with base64("user:pass") returns a credential that goes bare in
the ``Authorization`` header. The device documents no expiry, so a 401 triggers one re-login and
one retry; a second rejection is ``InvalidAuth``.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterable, Mapping
import json
from typing import Any

import aiohttp
from yarl import URL

from ..errors import (  # noqa: TID252 - the shared errors, the one import allowed
    CannotConnect,
    DeviceError,
    InvalidAuth,
    InvalidResponse,
)
from ..session import DeviceClient  # noqa: TID252
from .models import (
    API,
    OFF,
    ON,
    RESOURCES,
    ROOM_VERIFICATION_WRITE,
    Multiview,
    Profile,
    State,
    SystemInfo,
    Update,
    resource_update,
)

DEFAULT_PORT = 443
REQUEST_TIMEOUT = 10.0
TOKEN_PATH = f"{API}/auth/tokens"


class AtenApiError(DeviceError):
    """The device refused a request with a documented ``{code, message}`` error body."""


class AtenUnavailable(CannotConnect):
    """The device answered 5xx (system error, overloaded, maintenance, recovery)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        """Keep the device's error code."""
        super().__init__(message)
        self.code = code


def _on_off(on: bool) -> int:
    """Return this API's encoding of on/off."""
    return ON if on else OFF


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
        self.base_url = URL.build(scheme="https" if ssl else "http", host=host, port=port)
        self.verify_ssl = verify_ssl
        self._ssl = verify_ssl  # False: accept the self-signed certificate
        self._timeout = request_timeout
        self._authorization = base64.b64encode(f"{username}:{password}".encode()).decode()
        self._token: str | None = None
        self._login_lock = asyncio.Lock()

    @property
    def token(self) -> str | None:
        """Return the current credential (for the Socket.IO connection)."""
        return self._token

    def invalidate_token(self) -> None:
        """Forget the credential, so the next request signs in again."""
        self._token = None

    async def async_login(self) -> str:
        """Get a fresh credential. Raises InvalidAuth on wrong user name or password."""
        status, body = await self._send(
            "POST", TOKEN_PATH, {"authorization": self._authorization}, None
        )
        if status in (400, 401, 403):
            raise InvalidAuth("the device rejected the user name or password")
        self._raise_for_status(status, body, TOKEN_PATH)
        if not isinstance(body, Mapping) or not isinstance(body.get("credential"), str):
            raise InvalidResponse("the token answer has no credential")
        token: str = body["credential"]
        self._token = token
        return token

    async def async_ensure_token(self) -> str:
        """Return the credential, signing in first if there is none."""
        async with self._login_lock:
            if self._token is None:
                await self.async_login()
            token = self._token
            assert token is not None
            return token

    async def _relogin(self, rejected: str | None) -> None:
        """Sign in again unless a concurrent request already replaced the rejected token."""
        async with self._login_lock:
            if self._token == rejected:
                await self.async_login()

    async def request(self, method: str, path: str, body: Any = None) -> Any:
        """Send one authenticated request; return its JSON body (None when empty)."""
        token = await self.async_ensure_token()
        status, answer = await self._send(method, path, body, token)
        if status == 401:
            await self._relogin(token)
            status, answer = await self._send(method, path, body, self._token)
            if status == 401:
                self._token = None
                raise InvalidAuth("the device rejected a fresh credential")
        self._raise_for_status(status, answer, path)
        return answer

    async def _send(self, method: str, path: str, body: Any, token: str | None) -> tuple[int, Any]:
        """Send a request; map transport failures; return the status and parsed body."""
        headers = {"Authorization": token} if token else {}
        try:
            async with asyncio.timeout(self._timeout):
                async with self.session.request(
                    method,
                    self.base_url.with_path(path),
                    json=body,
                    headers=headers,
                    ssl=self._ssl,
                ) as response:
                    raw = await response.read()
                    status = response.status
        except TimeoutError as err:
            raise CannotConnect(f"{method} {path}: timed out") from err
        except aiohttp.ClientError as err:
            raise CannotConnect(f"{method} {path}: {err}") from err
        if not raw.strip():
            return status, None
        try:
            return status, json.loads(raw)
        except ValueError as err:
            if status >= 400:
                return status, None
            raise InvalidResponse(f"{method} {path}: the answer is not JSON") from err

    @staticmethod
    def _raise_for_status(status: int, body: Any, path: str) -> None:
        """Turn an error status and its ``{code, message}`` body into a typed error."""
        if status < 400:
            return
        error = body if isinstance(body, Mapping) else {}
        code = error.get("code") if isinstance(error.get("code"), int) else None
        message = str(error.get("message") or f"HTTP {status}")
        if status >= 500:
            raise AtenUnavailable(f"{path}: {message}", code)
        if status == 401:
            raise InvalidAuth(message)
        raise AtenApiError(message, code)

    # Reading ------------------------------------------------------------------------------

    async def async_get_info(self) -> SystemInfo:
        """Return the system information (identity, firmware, status)."""
        return SystemInfo.parse(await self.request("GET", f"{API}/system/info"))

    async def async_get_update(self, path: str) -> Update:
        """Read one resource of ``RESOURCES``; return how it changes the state."""
        return resource_update(path, await self.request("GET", path))

    async def async_get_state(self) -> State:
        """Read every resource (concurrently) and return the whole state."""
        info = await self.async_get_info()
        paths = [path for path, resource in RESOURCES.items() if resource.field != "info"]
        updates = await asyncio.gather(*(self.async_get_update(path) for path in paths))
        state = State(info=info)
        for update in updates:
            state = update(state)
        return state

    async def async_get_thumbnail(self, url: str) -> bytes:
        """Fetch an input thumbnail; the URL names the device's own IP, so use our address."""
        path = URL(url).path
        if not path.startswith("/static/"):
            raise InvalidResponse(f"unexpected thumbnail URL {url}")
        token = await self.async_ensure_token()
        try:
            async with asyncio.timeout(self._timeout):
                async with self.session.get(
                    self.base_url.with_path(path), headers={"Authorization": token}, ssl=self._ssl
                ) as response:
                    if response.status >= 400:
                        raise AtenApiError(f"thumbnail: HTTP {response.status}", response.status)
                    return await response.read()
        except TimeoutError as err:
            raise CannotConnect("thumbnail: timed out") from err
        except aiohttp.ClientError as err:
            raise CannotConnect(f"thumbnail: {err}") from err

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

    async def async_set_connection(self, output_id: str, input_id: str) -> None:
        """Route a video input to a video output."""
        await self.request(
            "PATCH", f"{API}/video/connections/{output_id}", {"videoInput": input_id}
        )

    async def async_set_connections(self, routes: Mapping[str, str]) -> None:
        """Route several outputs at once (output id -> input id)."""
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
        await self.request("PATCH", f"{API}/video/outputs/{output_id}", dict(settings))

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

    async def async_set_room(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        code: str | None = None,
        verification: bool | None = None,
        moderator: str | None = None,
    ) -> None:
        """Change the room (verification is written 0/1 as Set Room documents it)."""
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = name
        if description is not None:
            body["description"] = description
        security: dict[str, Any] = {}
        if code is not None:
            security["code"] = code
        if verification is not None:
            security["verification"] = ROOM_VERIFICATION_WRITE[verification]
        if security:
            body["security"] = security
        if moderator is not None:
            body["moderator"] = moderator
        await self.request("PATCH", f"{API}/system/room", body)

    async def async_set_video_configs(
        self, *, edid: int | None = None, input_stream: int | None = None
    ) -> None:
        """Set the EDID mode (1 ATEN, 2 port 1) or input stream (1 static, 2 dynamic)."""
        body: dict[str, Any] = {}
        if edid is not None:
            body["edid"] = {"value": edid}
        if input_stream is not None:
            body["inputStream"] = {"value": input_stream}
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
