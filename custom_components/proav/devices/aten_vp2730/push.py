"""Socket.IO push channel of the ATEN VP2730 (no Home Assistant imports).

The device names its events after REST paths (``/api/v2.0/video/connections``) on the default
namespace. Their payloads are not documented, and may be partial (the document's own PATCH
examples are): an event is merged field by field into the last full body of its resource, and
applied only when the merge is unambiguous. Anything else (another shape, other items) only
invalidates that resource, which is then re-read over REST (debounced, so a burst of events costs
one read). Every (re)connect asks for a full re-read, because events may have been missed while
the socket was down. The connection is kept up with exponential backoff until ``stop``; the
backoff resets only after a connection that stayed up for ``STABLE_AFTER`` seconds, and a refused
login parks push until the client is rebuilt (reauth or reload).

A device that answers the handshake in an older Engine.IO framing (Socket.IO 2.x firmware, which
python-socketio 5 cannot speak) is spoken to by the small Engine.IO 3 client in ``eio3``; only a
device that answers neither generation is reported through ``on_unsupported``, and push stops
(the caller keeps polling).
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
from .eio3 import Eio3Client, Eio3Mismatch, Eio3Refused
from .models import EVENTS, RESOURCES, State, merge_event, resource_update

_LOGGER = logging.getLogger(__name__)

DEBOUNCE = 0.25
BACKOFF_MIN = 1.0
BACKOFF_MAX = 60.0
# A connection must stay up this long before the backoff starts from the minimum again.
STABLE_AFTER = 60.0
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
        bodies: dict[str, Any],
        get_state: Callable[[], State | None],
        set_state: Callable[[State, str | None], None],
        on_connect: Callable[[], None],
        on_disconnect: Callable[[], None],
        on_unsupported: Callable[[str], None],
        on_notice: Callable[[str, Any], None] | None = None,
    ) -> None:
        """Keep the client and the callbacks (all called in the event loop)."""
        self._client = client
        self._bodies = bodies
        self._get_state = get_state
        self._set_state = set_state
        self._on_connect = on_connect
        self._on_disconnect = on_disconnect
        self._on_unsupported = on_unsupported
        self._on_notice = on_notice
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
        # The last time (monotonic seconds) each resource's event came, for diagnostics.
        self.last_events: dict[str, float] = {}
        self.protocol: str | None = None
        # The Engine.IO generation to speak: 4 (python-socketio 5) or 3 (our own client).
        self.generation = 4
        self._legacy: Eio3Client | None = None
        self.retry_delay = 0.0  # the wait before the last reconnect attempt
        self.connects = 0

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
        legacy, self._legacy = self._legacy, None
        if legacy is not None:
            await legacy.close()
        sio, self._sio = self._sio, None
        if sio is None:
            self._mark_down()
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
        self._mark_down()

    def _mark_down(self) -> None:
        """Note that the connection is down (once) and tell the owner."""
        if self.connected:
            self.connected = False
            self._up.clear()
            if not self._stopping:
                self._on_disconnect()

    async def _run(self) -> None:
        """Connect, wait for the connection to end, back off, repeat - until cancelled."""
        delay, mismatches = BACKOFF_MIN, 0
        loop = asyncio.get_running_loop()
        while not self._stopping:
            try:
                if self.generation == 3:
                    await self._connect_eio3()
                else:
                    await self._connect()
            except ProtocolMismatch as err:
                # The other generation next, at once; give up only when neither answers.
                self.generation = 7 - self.generation
                mismatches += 1
                if mismatches >= 2 * MISMATCH_LIMIT:
                    self.unsupported = True
                    self._on_unsupported(str(err))
                    return
                if mismatches % 2:
                    continue
            except InvalidAuth:
                # Refused credentials: the coordinator starts reauth. No login until the client
                # is rebuilt (devices may lock the account): push parks.
                _LOGGER.debug("Socket.IO: %s refused the credentials", self._client.base_url)
                return
            except (
                ProAVError,
                Eio3Refused,
                sio_exceptions.SocketIOError,
                aiohttp.ClientError,
                OSError,
            ) as err:
                mismatches = 0
                _LOGGER.debug(
                    "Socket.IO connection to %s failed: %s",
                    self._client.base_url,
                    type(err).__name__,
                )
            else:
                mismatches = 0
                connected_at = loop.time()
                await self._closed.wait()
                await self._close_socket()
                if loop.time() - connected_at >= STABLE_AFTER:
                    delay = BACKOFF_MIN  # it was up a while: a new outage starts over
            self.retry_delay = delay
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
        self._connected("Engine.IO 4")

    async def _connect_eio3(self) -> None:
        """Open one Socket.IO 2.x (Engine.IO 3) connection with the current credential."""
        await self._client.async_get_info()  # renews an expired token, as for Engine.IO 4
        token = await self._client.async_ensure_token()
        legacy = Eio3Client(
            self._client.session,
            self._client.base_url,
            token=token,
            ssl=self._client.verify_ssl,
            on_event=self._legacy_event,
            on_close=self._closed.set,
        )
        self._closed.clear()
        try:
            await legacy.connect()
        except Eio3Mismatch as err:
            raise ProtocolMismatch(str(err)) from err
        except Eio3Refused:
            self._client.invalidate_token()  # sign in again before the next attempt
            raise
        if self._stopping:
            await legacy.close()
            return
        self._legacy = legacy
        self._connected("Engine.IO 3")

    def _legacy_event(self, event: str, payload: Any) -> None:
        """Dispatch an event of the Engine.IO 3 client like python-socketio would."""
        if event in EVENTS:
            self._handle(event, payload)
            return
        task = asyncio.get_running_loop().create_task(self._any_event(event, payload))
        self._fetches.add(task)
        task.add_done_callback(self._fetches.discard)

    def _connected(self, protocol: str) -> None:
        """Note that the socket is up and tell the owner."""
        self.connected = True
        self.connects += 1
        self.protocol = protocol
        self._up.set()
        _LOGGER.debug("Socket.IO (%s) connected to %s", protocol, self._client.base_url)
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
        if self._stopping:
            return
        if event not in RESOURCES:
            _LOGGER.debug("Ignoring unknown Socket.IO event %s", event)
            return
        self.last_events[event] = asyncio.get_running_loop().time()
        self._schedule_fetch(event)

    def _handle(self, event: str, payload: Any) -> None:
        """Merge an event's payload into its resource, or re-read the resource."""
        self.events_received += 1
        if self._stopping:
            return
        path = EVENTS[event]
        if path is None:
            # An event that changes no resource (a snapshot's result): for the owner as is.
            self.last_events[event] = asyncio.get_running_loop().time()
            if self._on_notice is not None:
                self._on_notice(event, payload)
            return
        self.last_events[path] = asyncio.get_running_loop().time()
        state = self._get_state()
        merged = merge_event(event, self._bodies.get(path), payload)
        try:
            if state is None or merged is None:
                raise InvalidResponse("not mergeable")
            new = resource_update(path, merged)(state)
        except InvalidResponse as err:
            _LOGGER.debug("Event %s not applied (%s); re-reading", event, err)
            self._schedule_fetch(path)
            return
        self._bodies[path] = merged
        self._set_state(new, path)

    def _schedule_fetch(self, path: str) -> None:
        """Re-read a resource soon; later requests for the same resource join this one."""
        if path in self._pending or self._stopping:
            return
        loop = asyncio.get_running_loop()
        self._pending[path] = loop.call_later(DEBOUNCE, self._start_fetch, path)

    def _start_fetch(self, path: str) -> None:
        """Start the debounced re-read of one resource."""
        self._pending.pop(path, None)
        if self._stopping:
            return
        task = asyncio.get_running_loop().create_task(self._fetch(path))
        self._fetches.add(task)
        task.add_done_callback(self._fetches.discard)

    async def _fetch(self, path: str) -> None:
        """Re-read one resource and apply it."""
        try:
            # Through the capabilities: a resource that failed at setup comes to exist now.
            result = await self._client.async_read(path)
        except ProAVError as err:
            _LOGGER.debug("Re-reading %s failed: %s", path, type(err).__name__)
            return
        if result is None:
            return
        update, body = result
        if (state := self._get_state()) is not None and not self._stopping:
            self._bodies[path] = body
            self._set_state(update(state), path)
