"""Ultra Stream multicast discovery (UDP 239.255.255.250:2538), no Home Assistant imports.

The vendor documents the JSON answer (``flag: "ssip"``, serial, name, IPs, status mask) but not
the query. Following the device reference, a scan sends a small JSON datagram to the group and
collects the answers for a while; a listener joins the group and reports every answer it hears
(announcements, or answers to other hosts' queries where the box sends them to the group). The
group, port and interface are parameters so tests can use loopback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
import json
import logging
import socket
import struct
from typing import Any

from .models import DeviceStatus, decode_status

_LOGGER = logging.getLogger(__name__)

GROUP = "239.255.255.250"
PORT = 2538
QUERY = json.dumps({"version": "1.0", "flag": "ssip"}).encode()
SCAN_SECONDS = 2.0


@dataclass(frozen=True, kw_only=True)
class DiscoveredBox:
    """A box that answered: who it is and where."""

    serial: str
    name: str
    eth_ip: str
    wifi_ip: str
    status: DeviceStatus

    @property
    def host(self) -> str | None:
        """Return the address to reach the box at (wired first; not its own soft AP's)."""
        soft_ap = DeviceStatus.SOFT_AP in self.status
        return self.eth_ip or (None if soft_ap else self.wifi_ip) or None

    @classmethod
    def from_datagram(cls, data: bytes) -> DiscoveredBox | None:
        """Parse an answer; None for anything that is not an Ultra Stream's."""
        try:
            answer = json.loads(data)
        except ValueError:
            return None
        if not isinstance(answer, Mapping) or answer.get("flag") != "ssip":
            return None
        serial = str(answer.get("serialnumber") or "").strip()
        if not serial or not str(answer.get("product", "")).startswith("Ultra Stream"):
            return None
        status = answer.get("status")
        return cls(
            serial=serial,
            name=str(answer.get("boxname") or f"Ultra Stream {serial}"),
            eth_ip=_ip(answer.get("ethip")),
            wifi_ip=_ip(answer.get("wifiip")),
            status=decode_status(status if isinstance(status, int) else 0),
        )


def _ip(value: Any) -> str:
    """Return an address field, "" when missing or unset."""
    text = str(value or "").strip()
    return "" if text in ("", "0.0.0.0") else text  # noqa: S104 - "unset", not a binding


class _Collector(asyncio.DatagramProtocol):
    """Hand each box that answers to a callback."""

    def __init__(self, on_box: Callable[[DiscoveredBox], None]) -> None:
        """Report boxes to ``on_box``."""
        self._on_box = on_box

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        """Parse one datagram."""
        if (box := DiscoveredBox.from_datagram(data)) is not None:
            self._on_box(box)

    def error_received(self, exc: Exception) -> None:
        """Ignore ICMP errors (nobody listening on a target)."""
        _LOGGER.debug("Discovery socket error: %s", exc)


def _query_socket(interface: str | None, ttl: int) -> socket.socket:
    """Return a UDP socket to send the query from (on one interface when given)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
        if interface:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface))
        sock.bind((interface or "", 0))
    except OSError:
        sock.close()
        raise
    return sock


async def async_scan(
    *,
    group: str = GROUP,
    port: int = PORT,
    interfaces: tuple[str | None, ...] = (None,),
    seconds: float = SCAN_SECONDS,
    ttl: int = 2,
) -> list[DiscoveredBox]:
    """Send the query on each interface and return the boxes that answer within ``seconds``.

    An interface that cannot be used (no such address, sockets refused) is skipped; when none
    can be used, OSError is raised.
    """
    loop = asyncio.get_running_loop()
    found: dict[str, DiscoveredBox] = {}
    transports: list[asyncio.DatagramTransport] = []
    error: OSError | None = None

    def _keep(box: DiscoveredBox) -> None:
        found.setdefault(box.serial, box)

    try:
        for interface in interfaces:
            try:
                sock = _query_socket(interface, ttl)
            except OSError as err:
                error = err
                continue
            transport, _ = await loop.create_datagram_endpoint(lambda: _Collector(_keep), sock=sock)
            transports.append(transport)
            transport.sendto(QUERY, (group, port))
        if not transports and error is not None:
            raise error
        await asyncio.sleep(seconds)
    finally:
        for open_transport in transports:
            open_transport.close()
    return sorted(found.values(), key=lambda box: box.serial)


class DiscoveryListener:
    """Listen on the discovery port and report every box heard."""

    def __init__(
        self,
        on_box: Callable[[DiscoveredBox], None],
        *,
        group: str | None = GROUP,
        port: int = PORT,
        interface: str = "0.0.0.0",  # noqa: S104 - join the group on the default interface
    ) -> None:
        """Report boxes to ``on_box``; ``group=None`` listens unicast (tests)."""
        self._on_box = on_box
        self._group, self._port, self._interface = group, port, interface
        self._transport: asyncio.BaseTransport | None = None

    async def async_start(self) -> None:
        """Open the socket (joining the multicast group)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if hasattr(socket, "SO_REUSEPORT"):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            if self._group is None:
                sock.bind((self._interface, self._port))
            else:
                sock.bind(("", self._port))
                membership = struct.pack(
                    "4s4s", socket.inet_aton(self._group), socket.inet_aton(self._interface)
                )
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
        except OSError:
            sock.close()
            raise
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_datagram_endpoint(
            lambda: _Collector(self._on_box), sock=sock
        )

    def stop(self) -> None:
        """Close the socket."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
