"""Ultra Stream multicast discovery (UDP 239.255.255.250:2538), no Home Assistant imports.

The vendor documents the JSON answer (``flag: "ssip"``, serial, name, IPs, status mask) but not
the query. Following the device reference, a scan sends a small JSON datagram to the group and
collects the answers for a while, both those sent back to the querying socket and those sent to
the group (the document does not say which the box does). The group, port and interfaces are
parameters.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
import ipaddress
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


def _group_socket(group: str, port: int, interfaces: tuple[str | None, ...]) -> socket.socket:
    """Return a UDP socket on the discovery port that hears the group (answers sent to it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("", port))
        joined = False
        for interface in interfaces:
            membership = struct.pack(
                "4s4s",
                socket.inet_aton(group),
                socket.inet_aton(interface or "0.0.0.0"),  # noqa: S104 - the default interface
            )
            try:
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
            except OSError as err:
                _LOGGER.debug("Cannot join %s on %s: %s", group, interface, err)
            else:
                joined = True
        if not joined:
            raise OSError("no interface joined the discovery group")
    except OSError:
        sock.close()
        raise
    return sock


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
        if ipaddress.ip_address(group).is_multicast:
            # A box may answer to the group rather than to the sender: listen there too.
            try:
                group_sock = _group_socket(group, port, interfaces)
            except OSError as err:
                _LOGGER.debug("Not listening on the discovery group: %s", err)
            else:
                listener, _ = await loop.create_datagram_endpoint(
                    lambda: _Collector(_keep), sock=group_sock
                )
                transports.append(listener)
        queries = len(transports)
        for interface in interfaces:
            try:
                sock = _query_socket(interface, ttl)
            except OSError as err:
                error = err
                continue
            transport, _ = await loop.create_datagram_endpoint(lambda: _Collector(_keep), sock=sock)
            transports.append(transport)
            transport.sendto(QUERY, (group, port))
        if len(transports) == queries and error is not None:
            raise error
        await asyncio.sleep(seconds)
    finally:
        for open_transport in transports:
            open_transport.close()
    return sorted(found.values(), key=lambda box: box.serial)
