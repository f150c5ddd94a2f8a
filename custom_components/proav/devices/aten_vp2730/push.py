"""Socket.IO push channel of the ATEN VP2730 (no Home Assistant imports).

The device names its events after REST paths (``/api/v2.0/video/connections``) on the default
namespace. Their payloads are not documented: one that parses as the REST body of its resource is
applied at once; anything else only invalidates that resource, which is then re-read over REST
(debounced, so a burst of events costs one read). Every (re)connect asks for a full re-read,
because events may have been missed while the socket was down. The connection is kept up forever
with exponential backoff until ``stop``.

A device that answers the handshake in an older Engine.IO framing (Socket.IO 2.x firmware, which
python-socketio 5 cannot speak) is reported once through ``on_unsupported`` and push stops; the
caller keeps polling.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import logging
from typing import Any

import aiohttp
import socketio
from socketio import exceptions as sio_exceptions

from ..errors import (  # noqa: TID252 - the shared errors, the one import allowed
    InvalidAuth,
    InvalidResponse,
    ProAVError,
)
from .client import AtenClient
from .models import EVENTS, RESOURCES, State, Update, event_update, same_items

_LOGGER = logging.getLogger(__name__)

DEBOUNCE = 0.25
BACKOFF_MIN = 1.0
BACKOFF_MAX = 60.0
# A handshake answer in another framing this many times in a row means an older protocol.
MISMATCH_LIMIT = 3
CONNECT_TIMEOUT = 10.0
# python-engineio's messages when the handshake answer is not Engine.IO 4 framing.
_MISMATCH_MESSAGES = (
    "Unexpected response from server",
    "OPEN packet not returned by server",
    "no OPEN packet",
)


class ProtocolMismatch(Exception):
    """The device answered the Socket.IO handshake, but not in a protocol we speak."""


def _is_mismatch(err: sio_exceptions.ConnectionError) -> bool:
    """Return whether a failed connect means the device speaks an older Socket.IO."""
    text = " ".join(str(arg) for arg in err.args)
    if any(message in text for message in _MISMATCH_MESSAGES):
        return True
    # Socket.IO 3+/4 servers refuse an unknown protocol version with code 5.
    return "Unexpected status code 400" in text and "protocol" in text.lower()


class AtenPush:
    """Keeps a Socket.IO connection to the device and turns its events into state."""

    def __init__(
        self,
        client: AtenClient,
        *,
        get_state: Callable[[], State | None],
        set_state: Callable[[State], None],
        on_connect: Callable[[], None],
        on_disconnect: Callable[[], None],
        on_unsupported: Callable[[str], None],
    ) -> None:
        """Keep the client and the callbacks (all called in the event loop)."""
        self._client = client
        self._get_state = get_state
        self._set_state = set_state
        self._on_connect = on_connect
        self._on_disconnect = on_disconnect
        self._on_unsupported = on_unsupported
        self._sio: socketio.AsyncClient | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = asyncio.Event()
        self._up = asyncio.Event()
        self._handshake_done = asyncio.Event()
        self._handshake_done.set()
        self._pending: dict[str, asyncio.TimerHandle] = {}
        self._fetches: set[asyncio.Task[None]] = set()
        self.connected = False
        self.unsupported = False
        self._stopping = False
        self.events_received = 0

    def start(self) -> None:
        """Start keeping the connection up (in the background)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name="aten_vp2730 socket.io"
            )

    async def async_wait_connected(self) -> None:
        """Wait until the socket is up (callers bound the wait with a timeout)."""
        await self._up.wait()

    async def stop(self) -> None:
        """Disconnect and cancel everything started; safe to call more than once."""
        self._stopping = True
        if not self._handshake_done.is_set():
            # Cancelling python-engineio inside its polling handshake leaks an open response:
            # let the handshake finish (it is bounded by its own timeout) and close it after.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(CONNECT_TIMEOUT):
                    await self._handshake_done.wait()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._close_socket()
        for handle in self._pending.values():
            handle.cancel()
        self._pending.clear()
        for task in list(self._fetches):
            task.cancel()
        if self._fetches:
            await asyncio.gather(*self._fetches, return_exceptions=True)
        self._fetches.clear()

    async def _close_socket(self) -> None:
        """Close the current Socket.IO client, if any, without raising."""
        sio, self._sio = self._sio, None
        if sio is None:
            return
        with contextlib.suppress(Exception):
            await sio.disconnect()
        # After a transport error python-engineio leaves its websocket (and the HTTP response
        # under it) open; close it so nothing leaks across reconnects.
        ws = getattr(sio.eio, "ws", None)
        if ws is not None and not ws.closed:
            with contextlib.suppress(Exception):
                await ws.close()
        with contextlib.suppress(Exception):
            await sio.eio._reset()  # releases a half-open handshake too
        if self.connected:
            self.connected = False
            self._up.clear()
            if not self._stopping:
                self._on_disconnect()

    async def _run(self) -> None:
        """Connect, wait for the connection to end, back off, repeat - until cancelled."""
        delay, mismatches = BACKOFF_MIN, 0
        while not self._stopping:
            try:
                await self._connect()
            except ProtocolMismatch as err:
                mismatches += 1
                if mismatches >= MISMATCH_LIMIT:
                    self.unsupported = True
                    self._on_unsupported(str(err))
                    return
            except InvalidAuth:
                # Rejected credentials: the coordinator starts reauth; do not hammer the login
                # (devices may lock the account), retry only at the slowest pace.
                mismatches, delay = 0, BACKOFF_MAX
                _LOGGER.debug("Socket.IO: %s rejected the credentials", self._client.base_url)
            except (ProAVError, sio_exceptions.SocketIOError, aiohttp.ClientError, OSError) as err:
                mismatches = 0
                _LOGGER.debug("Socket.IO connection to %s failed: %s", self._client.base_url, err)
            else:
                mismatches, delay = 0, BACKOFF_MIN
                await self._closed.wait()
                await self._close_socket()
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    async def _connect(self) -> None:
        """Open one Socket.IO connection with the current credential."""
        # A cheap authenticated read first: it renews an expired token (a refused handshake
        # cannot tell a stale token from a wrong one, and python-engineio leaks the upgrade
        # response of a refused handshake) and skips the handshake while the device is away.
        await self._client.async_get_info()
        token = await self._client.async_ensure_token()
        sio = socketio.AsyncClient(
            reconnection=False,
            handle_sigint=False,
            http_session=self._client.session,
            # TLS follows the caller's session; an explicit context would be built in the loop.
            websocket_extra_options={} if self._client.verify_ssl else {"ssl": False},
        )
        for event in EVENTS:
            sio.on(event, handler=self._event_handler(event))
        sio.on("*", handler=self._any_event)
        sio.on("disconnect", handler=self._disconnected)
        self._sio = sio
        self._closed.clear()
        self._handshake_done.clear()
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                await sio.connect(
                    str(self._client.base_url),
                    headers={"Authorization": token},
                    auth={"token": token},
                    wait_timeout=CONNECT_TIMEOUT,
                )
        except sio_exceptions.ConnectionError as err:
            await self._close_socket()
            if _is_mismatch(err):
                raise ProtocolMismatch(" ".join(str(arg) for arg in err.args)) from err
            if "namespaces failed to connect" in str(err):
                # The device refused the credential: sign in again before the next attempt.
                self._client.invalidate_token()
            raise
        except BaseException:
            await self._close_socket()
            raise
        finally:
            self._handshake_done.set()
        if self._stopping:
            return  # stop() closes this socket
        self.connected = True
        self._up.set()
        _LOGGER.debug("Socket.IO connected to %s", self._client.base_url)
        self._on_connect()

    async def _disconnected(self, reason: Any = None) -> None:
        """Note that the connection ended (device gone, network cut, server closed it)."""
        _LOGGER.debug("Socket.IO disconnected from %s: %s", self._client.base_url, reason)
        self._closed.set()

    def _event_handler(self, event: str) -> Callable[[Any], Any]:
        """Return the handler of one documented event."""

        async def handle(payload: Any = None, *_: Any) -> None:
            self._handle(event, payload)

        return handle

    async def _any_event(self, event: str, payload: Any = None, *_: Any) -> None:
        """Handle an undocumented event: re-read its resource if it names one we know."""
        self.events_received += 1
        if event not in RESOURCES:
            _LOGGER.debug("Ignoring unknown Socket.IO event %s", event)
            return
        self._schedule_fetch(event)

    def _handle(self, event: str, payload: Any) -> None:
        """Apply an event's payload, or re-read the resource it invalidates."""
        self.events_received += 1
        state = self._get_state()
        path = EVENTS[event]
        try:
            if state is None:
                raise InvalidResponse("no state yet")
            new = event_update(event, payload)(state)
        except InvalidResponse as err:
            _LOGGER.debug("Event %s not applied (%s); re-reading", event, err)
            if path is not None:
                self._schedule_fetch(path)
            return
        if path is not None and not same_items(state, new, path):
            # Payloads are undocumented: a list that gained or lost items may be a partial
            # list rather than a real change, so let REST confirm before entities go away.
            self._schedule_fetch(path)
            return
        self._set_state(new)

    def _schedule_fetch(self, path: str) -> None:
        """Re-read a resource soon; later requests for the same resource join this one."""
        if path in self._pending:
            return
        loop = asyncio.get_running_loop()
        self._pending[path] = loop.call_later(DEBOUNCE, self._start_fetch, path)

    def _start_fetch(self, path: str) -> None:
        """Start the debounced re-read of one resource."""
        self._pending.pop(path, None)
        task = asyncio.get_running_loop().create_task(self._fetch(path))
        self._fetches.add(task)
        task.add_done_callback(self._fetches.discard)

    async def _fetch(self, path: str) -> None:
        """Re-read one resource and apply it."""
        try:
            update: Update = await self._client.async_get_update(path)
        except InvalidAuth:
            _LOGGER.debug("Re-reading %s: credentials rejected", path)
            return
        except ProAVError as err:
            _LOGGER.debug("Re-reading %s failed: %s", path, err)
            return
        if (state := self._get_state()) is not None:
            self._set_state(update(state))
