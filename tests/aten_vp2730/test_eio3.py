"""The Engine.IO 3 (Socket.IO 2.x) client: handshakes and packet shapes it must understand."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from aiohttp import web
import pytest
from yarl import URL

from custom_components.proav.devices.aten_vp2730.eio3 import Eio3Client, Eio3Mismatch, Eio3Refused
from tests.emulators.aten_vp2730 import AtenEmulator


def _client(
    session: aiohttp.ClientSession, url: str, token: str | None = None
) -> tuple[Eio3Client, list[tuple[str, Any]], list[bool]]:
    events: list[tuple[str, Any]] = []
    closed: list[bool] = []
    client = Eio3Client(
        session,
        URL(url),
        token=token,
        ssl=False,
        on_event=lambda event, payload: events.append((event, payload)),
        on_close=lambda: closed.append(True),
    )
    return client, events, closed


def test_packets(session: aiohttp.ClientSession) -> None:
    """Events with a namespace or an ack id, pongs, noise; a disconnect ends the connection."""
    client, events, _ = _client(session, "http://127.0.0.1:1")
    assert client._packet('42["/api/v2.0/video/golive",{"golive":[]}]')
    assert client._packet('42/admin,["/x",1]')
    assert client._packet('4217["/y"]')
    assert client._packet("42not json")
    assert client._packet('42{"not": "a list"}')
    assert client._packet("6")
    assert client._packet("3")
    assert events == [("/api/v2.0/video/golive", {"golive": []}), ("/x", 1), ("/y", None)]
    assert not client._packet("41")
    assert not client._packet("44")
    assert not client._packet("1")


@pytest.mark.parametrize(("eio3", "legacy"), [(False, False), (False, True)])
async def test_servers_of_another_generation_are_a_mismatch(
    emulator: AtenEmulator, session: aiohttp.ClientSession, eio3: bool, legacy: bool
) -> None:
    """An Engine.IO 4 server (400) or a handshake-only one: not Engine.IO 3."""
    emulator.eio3, emulator.legacy_socketio = eio3, legacy
    client, _, _ = _client(session, emulator.url)
    with pytest.raises(Eio3Mismatch):
        await client.connect()


async def test_refused_credential(emulator: AtenEmulator, session: aiohttp.ClientSession) -> None:
    """A credential the device does not know: 44, refused."""
    emulator.eio3 = True
    client, _, closed = _client(session, emulator.url, token="stale")
    with pytest.raises(Eio3Refused):
        await client.connect()
    assert closed == [True]
    assert emulator.socket_count() == 0


async def test_events_and_close(emulator: AtenEmulator, session: aiohttp.ClientSession) -> None:
    """A connection receives the device's events and leaves cleanly."""
    emulator.eio3 = True
    emulator.strict_socket = False
    client, events, closed = _client(session, emulator.url)
    await client.connect()
    arrived = asyncio.Event()
    client._on_event = lambda event, payload: (events.append((event, payload)), arrived.set())
    assert emulator.socket_count() == 1
    await emulator.set_route("0", "4")
    async with asyncio.timeout(5):
        await arrived.wait()
    assert events[0][0] == "/api/v2.0/video/connections"
    await client.close()
    await client.close()
    assert closed == [True]


OPEN = '0{"sid": "s", "pingInterval": 25000, "pingTimeout": 5000}'


@pytest.mark.parametrize(
    ("frames", "connects"),
    [
        (["0not json"], False),
        (['0{"no": "sid"}'], False),
        (["hello"], False),
        ([OPEN, '42["too early"]'], False),
        ([OPEN, "6", "40/admin,"], True),
        ([OPEN, '40{"sid": "x"}'], True),
    ],
)
async def test_handshake_shapes(
    emulator: AtenEmulator,
    session: aiohttp.ClientSession,
    monkeypatch: pytest.MonkeyPatch,
    frames: list[str],
    connects: bool,
) -> None:
    """Odd open packets are a mismatch; a namespace or a sid after 40 is a connection."""
    emulator.eio3 = True

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        for frame in frames:
            await ws.send_str(frame)
        async for _ in ws:
            pass
        return ws

    monkeypatch.setattr(emulator, "_eio3_socket", handler)
    client, _, _ = _client(session, emulator.url)
    if connects:
        await client.connect()
        await client.close()
    else:
        with pytest.raises(Eio3Mismatch):
            await client.connect()


async def test_no_open_packet_in_time(
    emulator: AtenEmulator, session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A websocket that says nothing is not an Engine.IO 3 server."""
    emulator.eio3 = True

    async def silent(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for _ in ws:
            pass
        return ws

    monkeypatch.setattr(emulator, "_eio3_socket", silent)
    client, _, _ = _client(session, emulator.url)
    client._open_timeout = 0.05
    with pytest.raises(Eio3Mismatch):
        await client.connect()
