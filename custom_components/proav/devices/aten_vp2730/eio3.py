"""A small Socket.IO 2.x (Engine.IO 3) client over a websocket (no Home Assistant imports).

python-socketio 5 speaks only Engine.IO 4; a VP2730 firmware from 2019 most likely runs Socket.IO
2.x (Engine.IO 3). This client speaks just what push needs of that generation:

- connect straight to ``/socket.io/?EIO=3&transport=websocket`` (Socket.IO 2 allows a websocket
  without the polling handshake); the server opens with ``0{"sid", "pingInterval",
  "pingTimeout", ...}`` and then ``40`` (connected to the default namespace) or ``44…`` (refused);
- in Engine.IO 3 the CLIENT pings: ``2`` every ``pingInterval``, and the server answers ``3``; no
  answer within ``pingTimeout`` means the connection is dead;
- events arrive as ``42["event", payload]`` (optionally ``42/namespace,["event", …]`` or with an
  ack id: ``42<id>[…]``), a server disconnect as ``41`` or Engine.IO ``1``;
- Socket.IO 2 has no auth packet: the credential goes in the ``Authorization`` header and the
  ``token`` query parameter (never logged: errors name their kind only).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import json
import logging
from typing import Any

import aiohttp
from yarl import URL

_LOGGER = logging.getLogger(__name__)

OPEN_TIMEOUT = 10.0
# The shortest ping interval and timeout taken from a server (seconds).
MIN_PING = 0.01


class Eio3Mismatch(Exception):
    """The server did not answer as an Engine.IO 3 / Socket.IO 2 server."""


class Eio3Refused(Exception):
    """The server refused the Socket.IO connection (``44``): most likely the credential."""


class Eio3Client:
    """One Engine.IO 3 websocket connection to the default Socket.IO namespace."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: URL,
        *,
        token: str | None,
        ssl: bool,
        on_event: Callable[[str, Any], None],
        on_close: Callable[[], None],
        open_timeout: float = OPEN_TIMEOUT,
    ) -> None:
        """Keep where to connect and whom to tell about events and the end."""
        self._session = session
        query = {"EIO": "3", "transport": "websocket"}
        if token:
            query["token"] = token
        self._url = base_url.with_path("/socket.io/").with_query(query)
        self._headers = {"Authorization": token} if token else {}
        self._ssl = ssl
        self._on_event = on_event
        self._on_close = on_close
        self._open_timeout = open_timeout
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._pong = asyncio.Event()
        self._closed = False
        self.ping_interval = 25.0
        self.ping_timeout = 5.0

    async def connect(self) -> None:
        """Open the websocket and join the default namespace; raise if that fails."""
        try:
            ws = await self._session.ws_connect(
                self._url, headers=self._headers, ssl=self._ssl, autoping=True
            )
        except aiohttp.WSServerHandshakeError as err:
            # 400 "unsupported protocol version" (an Engine.IO 4 server) or no websocket at all.
            raise Eio3Mismatch(f"websocket handshake answered {err.status}") from None
        self._ws = ws
        try:
            async with asyncio.timeout(self._open_timeout):
                self._open(await self._text())
                while (packet := await self._text()) != "40":
                    if packet.startswith("44"):
                        raise Eio3Refused("the server refused the Socket.IO connection")
                    if not packet.startswith(("40", "3", "6")):
                        raise Eio3Mismatch("no Socket.IO connect packet")
                    if packet.startswith("40"):
                        break  # "40/namespace" or "40{…}": connected all the same
        except TimeoutError as err:
            await self.close()
            raise Eio3Mismatch("no Engine.IO 3 open packet in time") from err
        except BaseException:
            await self.close()
            raise
        self._start(self._read(), "aten_vp2730 eio3 reader")
        self._start(self._ping(), "aten_vp2730 eio3 ping")

    def _open(self, packet: str) -> None:
        """Read the Engine.IO open packet (``0{...}``)."""
        if not packet.startswith("0"):
            raise Eio3Mismatch("no Engine.IO open packet")
        try:
            info = json.loads(packet[1:])
        except ValueError:
            raise Eio3Mismatch("the open packet is not JSON") from None
        if not isinstance(info, dict) or "sid" not in info:
            raise Eio3Mismatch("the open packet has no sid")
        with contextlib.suppress(TypeError, ValueError):
            self.ping_interval = max(MIN_PING, float(info.get("pingInterval", 25000)) / 1000)
            self.ping_timeout = max(MIN_PING, float(info.get("pingTimeout", 5000)) / 1000)

    async def _text(self) -> str:
        """Return the next text frame (the connection ending is a mismatch while opening)."""
        assert self._ws is not None
        message = await self._ws.receive()
        if message.type is not aiohttp.WSMsgType.TEXT:
            raise Eio3Mismatch(f"unexpected websocket frame {message.type.name}")
        return str(message.data)

    def _start(self, job: Any, name: str) -> None:
        task = asyncio.get_running_loop().create_task(job, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _read(self) -> None:
        """Hand events over until the connection ends."""
        assert self._ws is not None
        try:
            async for message in self._ws:
                if message.type is not aiohttp.WSMsgType.TEXT:
                    continue
                if not self._packet(str(message.data)):
                    break
        finally:
            self._finish()

    def _packet(self, packet: str) -> bool:
        """Handle one Engine.IO packet; return False when the connection ends."""
        kind, body = packet[:1], packet[1:]
        if kind == "3":
            self._pong.set()
        elif kind == "1":
            return False
        elif kind == "4":
            return self._socketio(body)
        return True

    def _socketio(self, body: str) -> bool:
        """Handle one Socket.IO packet inside an Engine.IO message."""
        kind, rest = body[:1], body[1:]
        if kind in ("1", "4"):  # disconnect, error
            return False
        if kind != "2":
            return True
        if rest.startswith("/"):  # a namespace: "/nsp,[...]"
            _, _, rest = rest.partition(",")
        rest = rest.lstrip("0123456789")  # an ack id
        try:
            data = json.loads(rest)
        except ValueError:
            _LOGGER.debug("Ignoring an Engine.IO 3 event that is not JSON")
            return True
        if isinstance(data, list) and data and isinstance(data[0], str):
            self._on_event(data[0], data[1] if len(data) > 1 else None)
        return True

    async def _ping(self) -> None:
        """Ping every interval; a missing pong within the timeout ends the connection."""
        assert self._ws is not None
        while not self._closed:
            await asyncio.sleep(self.ping_interval)
            self._pong.clear()
            try:
                await self._ws.send_str("2")
                async with asyncio.timeout(self.ping_timeout):
                    await self._pong.wait()
            except (TimeoutError, ConnectionError, aiohttp.ClientError):
                _LOGGER.debug("Engine.IO 3 ping not answered; closing")
                await self.close()
                return

    def _finish(self) -> None:
        """Tell the owner once that the connection ended."""
        if not self._closed:
            self._closed = True
            self._on_close()

    async def close(self) -> None:
        """Leave the namespace and close the websocket; safe to call more than once."""
        ws, self._ws = self._ws, None
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
        if ws is not None and not ws.closed:
            with contextlib.suppress(Exception):
                await ws.send_str("41")
            with contextlib.suppress(Exception):
                await ws.close()
        others = [task for task in self._tasks if task is not current]
        if others:
            await asyncio.gather(*others, return_exceptions=True)
        self._finish()
