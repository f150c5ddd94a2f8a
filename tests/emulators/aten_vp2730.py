"""A faithful ATEN VP2730 emulator: REST v2.0 (token / Basic / room-code auth) plus Socket.IO.

State is kept as the JSON bodies the device documents (reference docs/devices/aten_vp2730.md §4,
§9). Every successful write answers 204 and emits the matching Socket.IO event with the
collection's GET body. Test knobs: ``payload_mode`` ("full", "empty", "garbage", or "partial":
only the ids and the fields that changed, as the document's own PATCH examples look),
``strict_socket`` (socket needs a valid credential), ``eio3`` (a Socket.IO 2.x device: Engine.IO 3
over a websocket, client pings; Engine.IO 4 handshakes get Engine.IO 3 framing), ``drop_on_connect`` (accepts a socket, then
drops it at once), ``legacy_socketio`` (the handshake answers in
Engine.IO 3 framing but no websocket is served: neither generation can connect), ``silent_socket`` (connects, never emits:
events in another form than we listen for), ``token_ttl``, ``expire_sessions()``, and the field
variants the review lists: ``missing`` / ``forbidden`` / ``failing`` (resources answering
404/40400, 403/40300 or 503/50300; ``html_for_missing``: a missing route answers 200 with a web
page instead), ``strict_writes`` (Set Room without ``name`` and Set Video Configs without both
fields answer 400/40000), ``room_verification_write_encoding`` ("0/1" as Set Room documents, or
"1/2" as Get Room and the sibling APIs), ``bulk_only`` (per-id PATCH of connections/outputs
answers 405/40500), ``max_tokens`` (503/50303 past that many open tokens), ``logout_supported``
(``DELETE /auth/tokens``; ``open_tokens()`` counts the tokens handed out and not deleted), and the
base class faults. Run standalone: ``python -m tests.emulators.aten_vp2730 [--port N] [--https]``.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
import copy
import json
import secrets
import string
import time
from typing import Any

from aiohttp import WSMsgType, web
import socketio

from .base import Emulator, pattern_image

API = "/api/v2.0/"
USERNAME, PASSWORD, ROOM_CODE = "administrator", "Vp2730-pass", "1114"
SERIAL = "VP2730EMU0001"
# A 1x1 pixel 24-bit BMP: what the device's /static/thumbnails serve.
BMP = base64.b64decode(
    "Qk06AAAAAAAAADYAAAAoAAAAAQAAAAEAAAABABgAAAAAAAQAAAATCwAAEwsAAAAAAAAAAAAAAAD/AA=="
)
# A 2x2 white PNG: what /static/picture serves (the room's QR code, its photo).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAAAAABX3VL4AAAADklEQVR4nGP8z8DEwAAABQ0BA7hKXG8AAAAASUVORK5CYII="
)

ERRORS = {
    40000: "The value of <{field}> is invalid: {value}.",
    40001: "The value of <{field}> is unsupported: {value}.",
    40002: "The operation on <{field}> is disallowed.",
    40003: "The field cannot be recognized: <{field}>.",
    40004: "No message content found.",
    40100: "User account is unauthorized.",
    40300: "The demand on the resource is refused.",
    40400: "The resource is not found: {field}.",
    40401: "The instance of the resource is not found: {field}.",
    40500: "The operation is disallowed.",
    41300: "The message is too large.",
    50000: "System error.",
    50100: "API version is unsupported.",
    50300: "System is overloaded.",
    50301: "System is down for maintenance.",
    50303: "Maximum is exceeded.",
}


class ApiError(Exception):
    """An error answer of the device."""

    def __init__(self, code: int, field: Any = "", value: Any = "") -> None:
        super().__init__(code)
        self.code = code
        self.message = ERRORS[code].format(field=field, value=value)

    def response(self) -> web.Response:
        return web.json_response(
            {"code": self.code, "message": self.message}, status=self.code // 100
        )


def _on_off(value: int = 1) -> dict[str, Any]:
    return {"valid": [1, 2], "value": value}


def _audio(port_id: str, name: str, kind: str, volume: int, gain: int = -1) -> dict[str, Any]:
    return {
        "id": port_id,
        "name": name,
        "type": kind,
        "idx": -1 if gain == -1 else 1,
        "status": 0,
        "volume": volume,
        "gain": gain,
        "mute": _on_off(),
    }


RESOLUTION_IDS = [17, 19, 29, 53, 73, 77, 89, 91, 97, 101, 109, 113, 127, 137, 145, 149]
# [invented] descriptions: only ids 0 and 1 are documented.
RESOLUTIONS = {0: "1920x1200@85", 1: "1920x1200@75"} | {
    rid: f"{w}x{h}@{hz}"
    for rid, (w, h, hz) in zip(
        RESOLUTION_IDS,
        [
            (1920, 1080, 60),
            (1920, 1080, 50),
            (1280, 720, 60),
            (1280, 720, 50),
            (3840, 2160, 30),
            (3840, 2160, 60),
            (1920, 1200, 60),
            (1680, 1050, 60),
            (1600, 1200, 60),
            (1440, 900, 60),
            (1366, 768, 60),
            (1280, 1024, 60),
            (1280, 800, 60),
            (1024, 768, 60),
            (800, 600, 60),
            (640, 480, 60),
        ],
        strict=True,
    )
}


def _output(out_id: str, name: str) -> dict[str, Any]:
    return {
        "id": out_id,
        "name": name,
        "type": "HDMI",
        "idx": -1,
        "status": 0,
        "displayResolution": {"valid": list(RESOLUTION_IDS), "value": 17},
        "fixHDCP": _on_off(2),
        "osd": _on_off(1),
        "blank": _on_off(1),
        "freeze": _on_off(1),
        "fitMode": {"valid": [2, 3, 4], "value": 2},
        "autoSwitch": {
            "plugout": {"mode": {"valid": [1, 2, 3], "value": 1}},
            "plugin": {"mode": {"valid": [1, 2], "value": 1}},
        },
    }


def _view(view_id: str, source: str, x: float, y: float, w: float, h: float) -> dict[str, Any]:
    return {
        "id": view_id,
        "source": source,
        "coordinate": {"wRatio": w, "hRatio": h, "xRatio": x, "yRatio": y, "zOrder": int(view_id)},
    }


# Collections whose items can be read and patched one by one: path -> list key.
COLLECTIONS = {
    "audio/inputs": "inputs",
    "audio/outputs": "outputs",
    "video/inputs": "inputs",
    "video/outputs": "outputs",
    "video/connections": "connections",
    "video/multiviews": "multiviews",
}
# Which Socket.IO event announces a change of which resource.
EVENT_OF = {
    "system/osd": "system/osd",
    "system/room": "system/room",
    "system/participants": "system/participants",
    "audio/inputs": "audio/inputs",
    "audio/outputs": "audio/outputs",
    "video/configs": "video/config",
    "video/golive": "video/golive",
    "video/inputs": "video/inputs",
    "video/outputs": "video/outputs",
    "video/connections": "video/connections",
    "video/multiviews": "video/multiviews",
    "video/vpProfiles/now": "video/vpProfiles/now",
}
# Read-only fields the device ignores in PATCH bodies (its own examples send them).
READ_ONLY = {"id", "type", "idx", "status", "valid", "hdcp", "thumbnail"}


class AtenEmulator(Emulator):
    """An ATEN VP2730 with 7 video inputs, 3 outputs, 2 audio inputs, 1 audio output, 4 profiles."""

    def __init__(self, serial: str = SERIAL) -> None:
        """Build the documented example state plus [invented] fill-ins."""
        self.sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
        self._server_tasks: set[asyncio.Task[Any]] = set()
        self.legacy_socketio = False
        self.eio3 = False
        self.eio3_ping_interval = 25000
        self.eio3_ping_timeout = 5000
        self.eio3_connects = 0
        self.eio3_pings = 0
        self.eio3_answer_pings = True
        self._eio3_sockets: set[web.WebSocketResponse] = set()
        super().__init__()
        self.username, self.password, self.room_code = USERNAME, PASSWORD, ROOM_CODE
        self.tokens: dict[str, float] = {}
        self.token_ttl: float | None = None
        self.logins = 0
        self.strict_socket = True
        self.payload_mode = "full"
        self.room_verification_write_encoding = "0/1"
        self.silent_socket = False
        self.drop_on_connect = False
        self.missing: set[str] = set()
        self.forbidden: set[str] = set()
        self.failing: set[str] = set()
        self.html_for_missing = False
        self.strict_writes = False
        self.bulk_only = False
        self.max_tokens: int | None = None
        self.logout_supported = True
        self.logouts = 0
        self._last_emitted: dict[str, Any] = {}
        self.emitted: list[tuple[str, Any]] = []
        self.started = time.monotonic()
        self.info = {
            "modelName": "VP2730",
            "deviceName": "VP2730",
            "serialNumber": serial,
            "status": "normal",
            "fwVersion": "1.2.111",
            "fwUpgradeType": 3,
            "boardVersion": "A-05",
            "buildVersion": "19120568",
        }
        self.state: dict[str, Any] = {
            "system/osd": {
                "multiviewLabel": 2,
                "notification": {"systemEvent": 2, "interactiveEvent": 2},
                "language": {
                    "value": "en_US",
                    "valid": [
                        "en_US",
                        "zh_TW",
                        "zh_CN",
                        "ja_JP",
                        "de_DE",
                        "ko_KR",
                        "ru_RU",
                        "fr_FR",
                        "es_ES",
                        "pt_PT",
                        "it_IT",
                    ],
                },
            },
            "system/room": {
                "name": "VP2730",
                "description": "VP2730",
                "security": {"code": ROOM_CODE, "verification": 1},
                "moderator": "",
                "photo": "",
                "qrCode": "https://10.3.56.56:443/static/picture/qrcode.png",
                "linkInfo": 0,
            },
            "system/participants": {
                "participants": [{"id": "3KvfH4n6G6", "name": "join name", "share": []}]
            },
            "audio/inputs": {
                "inputs": [
                    _audio("STM1", "STM1", "digital", 100),
                    _audio("AIN1", "Audio In 1", "analog", 80, gain=10),
                ]
            },
            "audio/outputs": {"outputs": [_audio("ALL", "ALL", "overall", 100)]},
            "video/configs": {
                "edid": {"valid": [1, 2], "value": 1},
                "inputStream": {"valid": [1, 2], "value": 2},
            },
            "video/scalerResolutions": {
                "scalerResolutions": [
                    {"id": rid, "description": text} for rid, text in RESOLUTIONS.items()
                ]
            },
            "video/vpProfiles": {
                "profiles": [
                    {"multiview": n, "id": str(n), "name": f"Profile {n}"} for n in range(4)
                ]
            },
            "video/vpProfiles/now": {"id": "0", "name": "Profile 0", "multiview": "0"},
            "video/multiviews": {
                "multiviews": [
                    {
                        "id": "0",
                        "description": "Layout 0",
                        "mainView": "-1",
                        "views": [
                            _view("0", "0", 0, 0.25, 0.5, 0.5),
                            _view("1", "1", 0.5, 0.25, 0.5, 0.5),
                        ],
                    },
                    {
                        "id": "1",
                        "description": "Full screen",
                        "mainView": "0",
                        "views": [_view("0", "0", 0, 0, 1, 1)],
                    },
                    {
                        "id": "2",
                        "description": "Picture in picture",
                        "mainView": "0",
                        "views": [
                            _view("0", "0", 0, 0, 1, 1),
                            _view("1", "1", 0.7, 0.7, 0.25, 0.25),
                        ],
                    },
                    {
                        "id": "3",
                        "description": "Quad",
                        "mainView": "-1",
                        "views": [
                            _view(str(n), str(n), 0.5 * (n % 2), 0.5 * (n // 2), 0.5, 0.5)
                            for n in range(4)
                        ],
                    },
                ]
            },
            "video/inputs": {
                "inputs": [
                    {
                        "id": str(n),
                        "name": f"Source {n + 1}",
                        "type": "HDMI",
                        "idx": n,
                        "status": 0 if n < 3 else 1,
                        "source": {"valid": ["0"], "value": "0"},
                        "hdcp": {"valid": [2], "value": 2},
                        "thumbnail": f"https://10.3.56.56:443/static/thumbnails/Snapshot{n}.bmp",
                    }
                    for n in range(7)
                ]
            },
            "video/outputs": {
                "outputs": [_output(str(n), f"Display {'ABC'[n]}") for n in range(3)]
            },
            "video/connections": {
                "connections": [{"id": str(n), "videoInput": str(n)} for n in range(3)]
            },
            "video/golive": {
                "golive": [
                    {"id": "0", "status": 1},
                    {"id": "1", "status": 1},
                    {"id": "2", "status": 0},
                ]
            },
        }
        self.protected_inputs: set[str] = set()
        self._answered = asyncio.Condition()
        self.remember_state()

    # Setup -------------------------------------------------------------------------------

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        """Add the API, the static files and Socket.IO."""
        router.add_route("*", "/api/{tail:.*}", self._api)
        router.add_get("/static/thumbnails/{name}", self._thumbnail)
        router.add_get("/static/picture/{name}", self._picture)
        self.app.middlewares.append(self._legacy_middleware)
        self.sio.attach(self.app)
        self.sio.on("connect", self._sio_connect)
        original = self.sio.eio.start_background_task

        def track(target: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
            task = original(target, *args, **kwargs)
            self._server_tasks.add(task)
            task.add_done_callback(self._server_tasks.discard)
            return task

        self.sio.eio.start_background_task = track  # type: ignore[method-assign]

    @web.middleware
    async def _legacy_middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Answer like a Socket.IO 2.x device (EIO 3 framing) when ``eio3`` is set.

        ``legacy_socketio`` answers only the handshake (no websocket): a device whose Socket.IO
        neither generation of the client can speak.
        """
        if (
            self.eio3
            and request.path.startswith("/socket.io")
            and request.query.get("EIO") == "3"
            and request.query.get("transport") == "websocket"
        ):
            return await self._eio3_socket(request)
        if (self.legacy_socketio or self.eio3) and request.path.startswith("/socket.io"):
            open_packet = (
                '0{"sid":"legacy","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}'
            )
            return web.Response(text=f"{len(open_packet)}:{open_packet}2:40")
        try:
            return await handler(request)
        finally:
            async with self._answered:
                self._answered.notify_all()

    async def _eio3_socket(self, request: web.Request) -> web.WebSocketResponse:
        """Serve one Socket.IO 2.x client over a websocket (Engine.IO 3, client pings)."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.eio3_connects += 1
        open_packet = {
            "sid": secrets.token_hex(10),
            "upgrades": [],
            "pingInterval": self.eio3_ping_interval,
            "pingTimeout": self.eio3_ping_timeout,
        }
        await ws.send_str("0" + json.dumps(open_packet))
        token = request.query.get("token") or request.headers.get("Authorization")
        if self.strict_socket and not self._token_valid(token):
            await ws.send_str('44"Not authorized"')
            await ws.close()
            return ws
        await ws.send_str("40")
        self._eio3_sockets.add(ws)
        await self._notify()
        if self.drop_on_connect:
            asyncio.get_running_loop().call_later(0.02, self._start_drop)
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                if message.data == "2":
                    self.eio3_pings += 1
                    await self._notify()
                    if self.eio3_answer_pings:
                        await ws.send_str("3")
                elif message.data in ("41", "1"):
                    break
        finally:
            self._eio3_sockets.discard(ws)
        await ws.close()
        return ws

    async def _notify(self) -> None:
        async with self._answered:
            self._answered.notify_all()

    async def wait_until(self, check: Callable[[], bool]) -> None:
        """Wait until ``check()`` holds (re-checked after every answer, socket and ping)."""
        async with self._answered:
            await self._answered.wait_for(check)

    async def wait_for_requests(self, line: str, count: int) -> None:
        """Wait until a request line (e.g. ``GET /api/v2.0/video/golive``) was answered n times."""
        async with self._answered:
            await self._answered.wait_for(lambda: self.requests.count(line) >= count)

    async def _sio_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        """Accept a socket (with a valid credential in strict mode)."""
        if self.drop_on_connect:
            # Accept, then drop it at once (a flaky network, a device that cannot keep it).
            loop = asyncio.get_running_loop()
            loop.call_later(0.02, self._start_drop)
        if not self.strict_socket:
            return True
        token = auth.get("token") if isinstance(auth, dict) else None
        token = token or environ.get("HTTP_AUTHORIZATION")
        return self._token_valid(token)

    def _start_drop(self) -> None:
        task = asyncio.get_running_loop().create_task(self.drop_sockets())
        self._server_tasks.add(task)
        task.add_done_callback(self._server_tasks.discard)

    async def on_down(self) -> None:
        """Drop the Socket.IO clients as a powered-off device would (HTTP: the base class)."""
        await self.drop_sockets()

    async def on_stop(self) -> None:
        """Disconnect every socket and stop the server's background tasks."""
        await self.drop_sockets()
        await self.sio.shutdown()
        for task in list(self._server_tasks):
            task.cancel()
        await asyncio.gather(*self._server_tasks, return_exceptions=True)

    async def drop_sockets(self) -> None:
        """Close every Socket.IO connection (the device drops its clients)."""
        # Do not wait: a closing polling socket would wait for its client to fetch the close
        # packet, and a client that is gone never does.
        for sid, socket in list(self.sio.eio.sockets.items()):
            await socket.close(wait=False)
            self.sio.eio.sockets.pop(sid, None)
        for ws in list(self._eio3_sockets):
            self._eio3_sockets.discard(ws)
            await ws.close()

    def remember_state(self) -> None:
        """Take the current state as what events were last sent for (for "partial" payloads)."""
        self._last_emitted = copy.deepcopy(self.state)

    def socket_count(self) -> int:
        """Return how many Socket.IO clients are connected."""
        return len(self.sio.eio.sockets) + len(self._eio3_sockets)

    # Auth --------------------------------------------------------------------------------

    def expire_sessions(self) -> None:
        """Invalidate every credential handed out."""
        self.tokens.clear()

    def open_tokens(self) -> int:
        """Return how many credentials are handed out and not deleted (nor expired)."""
        return len(self.tokens)

    def _token_valid(self, token: str | None) -> bool:
        if token is None or token not in self.tokens:
            return False
        if self.token_ttl is not None and time.monotonic() - self.tokens[token] > self.token_ttl:
            del self.tokens[token]
            return False
        return True

    def _tier(self, request: web.Request) -> str | None:
        """Return "full", "room" or None for a request's Authorization header."""
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            return "full" if header[6:] == expected else None
        if header.startswith("roomcode:"):
            return "room" if header[9:] == self.state["system/room"]["security"]["code"] else None
        return "full" if self._token_valid(header) else None

    async def _login(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if body.get("authorization") != expected:
            raise ApiError(40000, "authorization", "***")
        if self.max_tokens is not None and len(self.tokens) >= self.max_tokens:
            raise ApiError(50303)
        token = secrets.token_hex(20)
        self.tokens[token] = time.monotonic()
        self.logins += 1
        return web.json_response({"credential": token})

    # Dispatch ----------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._dispatch(request)
        except ApiError as err:
            return err.response()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path, method = request.path, request.method
        if not path.startswith(API):
            raise ApiError(50100)
        rel = path[len(API) :].rstrip("/")
        if rel == "ping":
            return web.json_response({})
        if rel == "auth/tokens":
            if method == "DELETE" and self.logout_supported:
                token = request.headers.get("Authorization", "")
                if token not in self.tokens:
                    raise ApiError(40100)
                del self.tokens[token]
                self.logouts += 1
                return web.Response(status=204)
            if method != "POST":
                raise ApiError(40500)
            return await self._login(request)
        tier = self._tier(request)
        if tier is None:
            raise ApiError(40100)
        if any(rel == name or rel.startswith(name + "/") for name in self.missing):
            if self.html_for_missing:
                # Some firmwares answer an unknown route with their web page, not a 404.
                return web.Response(
                    text="<html><body>Login</body></html>", content_type="text/html"
                )
            raise ApiError(40400, path)
        if any(rel == name or rel.startswith(name + "/") for name in self.forbidden):
            raise ApiError(40300)
        if rel in self.failing:
            raise ApiError(50300)
        room_tier_ok = rel.startswith("system/participants") or (
            method == "GET" and rel in ("system/room", "system/info")
        )
        if tier == "room" and not room_tier_ok:
            raise ApiError(40300)
        if method == "GET":
            return web.json_response(self._get(rel, path))
        if method == "PATCH":
            await self._patch(rel, path, await self._body(request))
        elif method == "POST":
            answer = await self._post(rel, path, request)
            if answer is not None:
                return web.json_response(answer)
        elif method == "DELETE":
            await self._delete(rel, path)
        else:
            raise ApiError(40500)
        return web.Response(status=204)

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        raw = await request.read()
        if len(raw) > 65536:
            raise ApiError(41300)
        if not raw:
            raise ApiError(40004)
        try:
            body = json.loads(raw)
        except ValueError:
            raise ApiError(40004) from None
        if not isinstance(body, dict):
            raise ApiError(40000, "body", type(body).__name__)
        return body

    def _split(self, rel: str) -> tuple[str, str | None]:
        """Split ``video/outputs/1`` into the collection and the item id."""
        for collection in (
            *COLLECTIONS,
            "system/participants",
            "video/vpProfiles",
            "video/golive",
            "video/snapshots",
        ):
            if rel == collection:
                return collection, None
            if rel.startswith(collection + "/"):
                return collection, rel[len(collection) + 1 :]
        return rel, None

    def _find(self, collection: str, item_id: str) -> dict[str, Any]:
        key = COLLECTIONS.get(collection) or collection.rsplit("/", 1)[-1]
        if collection == "video/vpProfiles":
            key = "profiles"
        for item in self.state[collection][key]:
            if str(item["id"]) == item_id:
                return item  # type: ignore[no-any-return]
        raise ApiError(40401, item_id)

    def _get(self, rel: str, path: str) -> Any:
        if rel == "system/info":
            return self.info | {"uptime": int(time.monotonic() - self.started) + 12834}
        if rel.endswith("/resources") and rel.split("/")[0] in ("system", "audio", "video"):
            group = rel.split("/")[0]
            return {
                "resources": [
                    {"id": str(n), "resource": API + name}
                    for n, name in enumerate(sorted(self.state))
                    if name.startswith(group)
                ]
            }
        if rel in self.state:
            return copy.deepcopy(self.state[rel])
        collection, item_id = self._split(rel)
        if item_id is not None and collection in self.state:
            item = copy.deepcopy(self._find(collection, item_id))
            if collection == "video/vpProfiles":
                item["multiview"] = str(item["multiview"])
            return item
        raise ApiError(40400, path)

    # Writes ------------------------------------------------------------------------------

    async def _patch(self, rel: str, path: str, body: dict[str, Any]) -> None:
        collection, item_id = self._split(rel)
        if collection in COLLECTIONS:
            key = COLLECTIONS[collection]
            if item_id is None:
                items = body.get(key)
                if not isinstance(items, list):
                    raise ApiError(40000, key, items)
                for patch in items:
                    self._patch_item(
                        collection, self._find(collection, str(patch.get("id"))), patch
                    )
            else:
                if self.bulk_only and collection in ("video/connections", "video/outputs"):
                    raise ApiError(40500)
                self._patch_item(collection, self._find(collection, item_id), body)
            self.log(f"patch {collection}", id=item_id, body=body)
            await self.emit(collection)
            return
        handlers = {
            "system/osd": self._patch_osd,
            "system/room": self._patch_room,
            "video/configs": self._patch_configs,
            "video/vpProfiles/now": self._patch_now,
        }
        if rel not in handlers:
            raise ApiError(40500 if rel in self.state or rel == "system/info" else 40400, path)
        handlers[rel](body)
        self.log(f"patch {rel}", body=body)
        await self.emit(rel)

    def _patch_item(self, collection: str, item: dict[str, Any], patch: dict[str, Any]) -> None:
        if collection.startswith("audio/"):
            self._patch_audio(item, patch)
        elif collection == "video/outputs":
            self._patch_choices(
                item, patch, ("displayResolution", "fixHDCP", "osd", "blank", "freeze", "fitMode")
            )
        elif collection == "video/inputs":
            self._patch_video_input(item, patch)
        elif collection == "video/connections":
            self._patch_connection(item, patch)
        else:
            self._patch_multiview(item, patch)

    def _patch_audio(self, port: dict[str, Any], patch: dict[str, Any]) -> None:
        self._unknown(patch, {"volume", "gain", "mute", "name"})
        volume = patch.get("volume", 0)
        if not isinstance(volume, int) or not 0 <= volume <= 100:
            raise ApiError(40000, "volume", volume)
        if "gain" in patch and patch["gain"] != -1:
            if port["gain"] == -1:
                raise ApiError(40002, "gain")
            if not isinstance(patch["gain"], int) or not 0 <= patch["gain"] <= 30:
                raise ApiError(40000, "gain", patch["gain"])
        mute = self._choice(port, patch, "mute") if "mute" in patch else None
        port["volume"] = patch.get("volume", port["volume"])
        if "gain" in patch and patch["gain"] != -1:
            port["gain"] = patch["gain"]
        if mute is not None:
            port["mute"]["value"] = mute

    @staticmethod
    def _unknown(patch: dict[str, Any], known: set[str]) -> None:
        for key in patch:
            if key not in known and key not in READ_ONLY:
                raise ApiError(40003, key)

    @staticmethod
    def _choice(item: dict[str, Any], patch: dict[str, Any], key: str) -> int:
        """Validate ``{key: {"value": n}}`` against the item's valid list; return n."""
        current = item[key]
        value = patch[key].get("value") if isinstance(patch[key], dict) else None
        if not isinstance(value, int):
            raise ApiError(40000, f"{key}.value", value)
        if current["value"] == 0 and value != 0:
            raise ApiError(40002, key)
        if value not in current["valid"]:
            raise ApiError(40001, f"{key}.value", value)
        return value

    def _patch_choices(
        self, item: dict[str, Any], patch: dict[str, Any], keys: tuple[str, ...]
    ) -> None:
        self._unknown(patch, {*keys, "name", "autoSwitch"})
        values = {key: self._choice(item, patch, key) for key in keys if key in patch}
        auto = patch.get("autoSwitch", {})
        modes = {}
        for event in ("plugin", "plugout"):
            if event in auto:
                modes[event] = self._choice(item["autoSwitch"][event], auto[event], "mode")
        if "name" in patch:
            item["name"] = str(patch["name"])
        for key, value in values.items():
            item[key]["value"] = value
        for event, value in modes.items():
            item["autoSwitch"][event]["mode"]["value"] = value

    def _patch_video_input(self, item: dict[str, Any], patch: dict[str, Any]) -> None:
        self._unknown(patch, {"name", "source"})
        if "idx" in patch and patch["idx"] != item["idx"]:
            raise ApiError(40002, "idx")
        source = None
        if "source" in patch:
            source = patch["source"].get("value")
            if source not in item["source"]["valid"]:
                raise ApiError(40001, "source.value", source)
        if "name" in patch:
            item["name"] = str(patch["name"])
        if source is not None:
            item["source"]["value"] = source

    def _patch_connection(self, item: dict[str, Any], patch: dict[str, Any]) -> None:
        self._unknown(patch, {"videoInput"})
        source = patch.get("videoInput")
        if not any(i["id"] == source for i in self.state["video/inputs"]["inputs"]):
            raise ApiError(40000, "videoInput", source)
        item["videoInput"] = source

    def _patch_multiview(self, item: dict[str, Any], patch: dict[str, Any]) -> None:
        self._unknown(patch, {"description", "mainView", "views"})
        for view_patch in patch.get("views", []):
            view = next((v for v in item["views"] if v["id"] == view_patch.get("id")), None)
            if view is None:
                raise ApiError(40401, view_patch.get("id"))
            view.update({k: v for k, v in view_patch.items() if k in ("source", "coordinate")})
        for key in ("description", "mainView"):
            if key in patch:
                item[key] = str(patch[key])

    def _patch_osd(self, body: dict[str, Any]) -> None:
        osd = self.state["system/osd"]
        self._unknown(body, {"multiviewLabel", "notification", "language"})
        if "multiviewLabel" in body:
            if body["multiviewLabel"] not in (1, 2):
                raise ApiError(40001, "multiviewLabel", body["multiviewLabel"])
            osd["multiviewLabel"] = body["multiviewLabel"]
        for key, value in body.get("notification", {}).items():
            if key not in osd["notification"] or value not in (1, 2):
                raise ApiError(40001, f"notification.{key}", value)
            osd["notification"][key] = value
        if "language" in body:
            language = body["language"].get("value")
            if language not in osd["language"]["valid"]:
                raise ApiError(40001, "language.value", language)
            osd["language"]["value"] = language

    def _patch_room(self, body: dict[str, Any]) -> None:
        room = self.state["system/room"]
        if self.strict_writes and "name" not in body:
            raise ApiError(40000, "name", None)
        self._unknown(
            body, {"name", "description", "security", "moderator", "photo", "qrCode", "linkInfo"}
        )
        security = body.get("security", {})
        if "verification" in security:
            allowed = (
                {0: 1, 1: 2} if self.room_verification_write_encoding == "0/1" else {1: 1, 2: 2}
            )
            if security["verification"] not in allowed:
                raise ApiError(40001, "security.verification", security["verification"])
            room["security"]["verification"] = allowed[security["verification"]]
        if "code" in security:
            room["security"]["code"] = str(security["code"])
        if "moderator" in body:
            ids = {p["id"] for p in self.state["system/participants"]["participants"]}
            if body["moderator"] not in ids | {""}:
                raise ApiError(40401, body["moderator"])
            room["moderator"] = body["moderator"]
        for key in ("name", "description"):
            if key in body:
                room[key] = str(body[key])
        if "name" in body:
            self.info["deviceName"] = room["name"]

    def _patch_configs(self, body: dict[str, Any]) -> None:
        configs = self.state["video/configs"]
        self._unknown(body, {"edid", "inputStream"})
        if self.strict_writes and not {"edid", "inputStream"} <= set(body):
            raise ApiError(40000, "inputStream" if "edid" in body else "edid", None)
        values = {
            key: self._choice(configs, body, key) for key in ("edid", "inputStream") if key in body
        }
        for key, value in values.items():
            configs[key]["value"] = value

    def _patch_now(self, body: dict[str, Any]) -> None:
        profile = self._find("video/vpProfiles", str(body.get("id")))
        self.state["video/vpProfiles/now"] = {
            "id": profile["id"],
            "name": profile["name"],
            "multiview": str(profile["multiview"]),
        }

    async def _post(self, rel: str, path: str, request: web.Request) -> Any:
        collection, item_id = self._split(rel)
        if collection == "video/golive" and item_id is not None:
            entry = self._find(collection, item_id)
            if entry["status"] == 0:
                raise ApiError(40002, "golive")
            source = self._route(item_id)
            entry["status"] = 101 if source in self.protected_inputs else 2
            self.log("golive start", id=item_id)
            await self.emit("video/golive")
            return None
        if collection == "video/snapshots":
            body = await self._body(request)
            shots = [body | {"id": item_id}] if item_id is not None else body.get("snapshots", [])
            if item_id is not None and body.get("id", item_id) != item_id:
                raise ApiError(40000, "id", body.get("id"))
            for shot in shots:
                self._find("video/outputs", str(shot.get("id")))
            self.log("snapshot", ids=[shot["id"] for shot in shots])
            for shot in shots:
                await self._emit_event(
                    "video/snapshots/state",
                    {
                        "id": shot["id"],
                        "storage": shot.get("storage", "0"),
                        "path": shot.get("path", "/"),
                        "state": "done",
                    },
                )
            return None
        if rel == "system/participants":
            raw = await request.read()
            name = json.loads(raw).get("name", "join name") if raw else "join name"
            participant = await self.add_participant(name)
            return {"id": participant["id"], "count": len(self.state[rel]["participants"])}
        raise ApiError(40500 if rel in self.state else 40400, path)

    async def _delete(self, rel: str, path: str) -> None:
        collection, item_id = self._split(rel)
        if collection != "video/golive" or item_id is None:
            raise ApiError(40500 if rel in self.state else 40400, path)
        entry = self._find(collection, item_id)
        if entry["status"] == 0:
            raise ApiError(40002, "golive")
        entry["status"] = 1
        self.log("golive stop", id=item_id)
        await self.emit("video/golive")

    def _route(self, output_id: str) -> str | None:
        for connection in self.state["video/connections"]["connections"]:
            if connection["id"] == output_id:
                return str(connection["videoInput"])
        return None

    async def _picture(self, request: web.Request) -> web.Response:
        if self._tier(request) is None:
            raise web.HTTPUnauthorized
        return web.Response(body=PNG, content_type="image/png")

    async def _thumbnail(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if not name.startswith("Snapshot"):
            raise web.HTTPNotFound
        number = name.removeprefix("Snapshot").partition(".")[0]
        label = f"Source {int(number) + 1}" if number.isdigit() else "Source"
        return web.Response(
            body=pattern_image(320, 180, label, fmt="BMP"), content_type="image/bmp"
        )

    # Events ------------------------------------------------------------------------------

    async def emit(self, resource: str) -> None:
        """Announce a change of a resource with its event (payload per ``payload_mode``)."""
        body = copy.deepcopy(self.state[resource])
        previous, self._last_emitted[resource] = self._last_emitted.get(resource), body
        if self.payload_mode == "partial" and previous is not None:
            await self._emit_event(EVENT_OF[resource], _changes(previous, body))
            return
        await self._emit_event(EVENT_OF[resource], copy.deepcopy(body))

    async def raw_emit(self, event: str, payload: Any) -> None:
        """Send any event, as is, to every socket of either generation."""
        await self.sio.emit(event, payload)
        frame = "42" + json.dumps([event, payload])
        for ws in list(self._eio3_sockets):
            await ws.send_str(frame)

    async def _emit_event(self, event: str, payload: Any) -> None:
        if self.silent_socket:
            return
        if self.payload_mode == "empty":
            payload = {}
        elif self.payload_mode == "garbage":
            payload = "<<garbage>>"
        self.emitted.append((API + event, payload))
        await self.sio.emit(API + event, payload)
        frame = "42" + json.dumps([API + event, payload])
        for ws in list(self._eio3_sockets):
            await ws.send_str(frame)

    # Device-side changes (what people in the room do) -----------------------------------

    async def add_participant(self, name: str, share: list[str] | None = None) -> dict[str, Any]:
        """Let a BYOD user join the room."""
        alphabet = string.ascii_letters + string.digits
        participant = {
            "id": "".join(secrets.choice(alphabet) for _ in range(10)),
            "name": name,
            "share": share or [],
        }
        self.state["system/participants"]["participants"].append(participant)
        await self.emit("system/participants")
        return participant

    async def set_share(self, participant_id: str, share: list[str]) -> None:
        """Let a participant start or stop sharing (``participants/share`` event)."""
        self._find("system/participants", participant_id)["share"] = share
        await self._emit_event("system/participants/share", {"id": participant_id, "share": share})

    async def set_audio(self, kind: str, port_id: str, **changes: Any) -> None:
        """Someone turns a knob on the device (front panel, web UI)."""
        port = self._find(f"audio/{kind}", port_id)
        for key, value in changes.items():
            if key == "mute":
                port["mute"]["value"] = 2 if value else 1
            else:
                port[key] = value
        await self.emit(f"audio/{kind}")

    async def set_route(self, output_id: str, input_id: str) -> None:
        """Someone switches an output's source on the device."""
        self._find("video/connections", output_id)["videoInput"] = input_id
        await self.emit("video/connections")

    async def set_input_signal(self, input_id: str, connected: bool) -> None:
        """Plug a source in or out."""
        self._find("video/inputs", input_id)["status"] = 0 if connected else 1
        await self.emit("video/inputs")

    async def set_system_status(self, status: str) -> None:
        """Enter or leave maintenance (``maintenance/status`` event)."""
        self.info["status"] = status
        await self._emit_event("maintenance/status", {"status": status})

    async def add_output(self, output_id: str, name: str) -> None:
        """Add a video output (e.g. another firmware model)."""
        self.state["video/outputs"]["outputs"].append(_output(output_id, name))
        self.state["video/connections"]["connections"].append({"id": output_id, "videoInput": "0"})
        self.state["video/golive"]["golive"].append({"id": output_id, "status": 1})
        for resource in ("video/outputs", "video/connections", "video/golive"):
            await self.emit(resource)

    async def remove_output(self, output_id: str) -> None:
        """Remove a video output."""
        for resource, key in (
            ("video/outputs", "outputs"),
            ("video/connections", "connections"),
            ("video/golive", "golive"),
        ):
            items = self.state[resource][key]
            items[:] = [item for item in items if item["id"] != output_id]
            await self.emit(resource)


def _changes(old: Any, new: Any) -> Any:
    """Return only what changed from ``old`` to ``new``: list items keep their ``id``."""
    if isinstance(old, dict) and isinstance(new, dict):
        changed: dict[str, Any] = {}
        for key, value in new.items():
            if key not in old:
                changed[key] = value
            elif old[key] != value:
                changed[key] = _changes(old[key], value)
        return changed
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and all(isinstance(item, dict) and "id" in item for item in [*old, *new])
    ):
        before = {item["id"]: item for item in old}
        return [
            {"id": item["id"], **_changes(before[item["id"]], item)}
            if item["id"] in before
            else item
            for item in new
        ]
    return new


async def _main() -> None:  # pragma: no cover - a demo helper
    import argparse

    from .base import self_signed_context

    parser = argparse.ArgumentParser(description="ATEN VP2730 emulator")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--https", action="store_true", help="self-signed HTTPS, as shipped")
    args = parser.parse_args()
    emulator = AtenEmulator()
    if args.https:
        emulator.ssl_context = self_signed_context("VP2730")
    await emulator.start(args.port)
    print(f"ATEN VP2730 emulator on {emulator.url} ({USERNAME}/{PASSWORD}); Ctrl-C stops")  # noqa: T201
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


if __name__ == "__main__":  # pragma: no cover
    asyncio.run(_main())
