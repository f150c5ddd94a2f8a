"""The emulated device types: how to make the n-th device and the config-flow form that adds it.

Every device gets its own serial number (so twenty of a kind are twenty config entries). When an
emulator does not take a serial argument (it changed on another branch), the default is used and
only one device of that kind can be added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.emulators import (
    aten_vp2730,
    exacqvision,
    magewell_ultra_stream,
    poly_videoos,
    presentation_receiver,
)

ROOM_TYPES = ("aten_vp2730", "magewell_ultra_stream", "presentation_receiver", "poly_videoos")
TITLES = {
    "aten_vp2730": "ATEN VP2730",
    "magewell_ultra_stream": "Magewell Ultra Stream",
    "presentation_receiver": "Presentation receiver",
    "poly_videoos": "Poly VideoOS",
    "exacqvision": "exacqVision",
}
# Anchors: what other control systems ask of the same devices (requests per minute).
ANCHORS = {
    "aten_vp2730": "Crestron VP2730 library: 2 requests every 3 s = 40 req/min",
    "magewell_ultra_stream": (
        "Companion Ultra Stream: get-status every 5 s = 12 req/min "
        "(earlier versions: two full reads a second ≈ 240 req/min)"
    ),
}


def _make(factory: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return factory(**kwargs)
    except TypeError:  # the emulator's arguments changed: take its defaults
        return factory()


def _http(emulator: Any, **extra: Any) -> dict[str, Any]:
    return {"host": emulator.host, "port": emulator.port, **extra}


@dataclass(frozen=True)
class Kind:
    """One device type as the benchmarks use it."""

    key: str
    make: Callable[[int], Any]
    form: Callable[[Any], dict[str, Any]]
    # For several devices behind one address (exacqVision servers): the serials to pick.
    picks: Callable[[Any], list[str | None]] = lambda _emulator: [None]


def _exacq(index: int, *, servers: int = 1, cameras: int = 8) -> Any:
    return exacqvision.ExacqVisionEmulator(
        servers=servers, cameras=cameras, ptz_cameras=max(1, cameras // 10), triggers=4
    )


def exacq_picks(emulator: Any) -> list[str | None]:
    """Return the serial of every server behind an exacqVision web service."""
    return [server.serial for server in emulator.servers.values()]


KINDS: dict[str, Kind] = {
    "aten_vp2730": Kind(
        "aten_vp2730",
        lambda n: _make(aten_vp2730.AtenEmulator, serial=f"VP2730EMU{n:04d}"),
        lambda e: _http(
            e,
            ssl=False,
            verify_ssl=False,
            username=aten_vp2730.USERNAME,
            password=aten_vp2730.PASSWORD,
        ),
    ),
    "magewell_ultra_stream": Kind(
        "magewell_ultra_stream",
        lambda n: _make(magewell_ultra_stream.UltraStreamEmulator, serial=f"C3011812{n:05d}"),
        lambda e: _http(
            e, username=magewell_ultra_stream.USER, password=magewell_ultra_stream.PASSWORD
        ),
    ),
    "presentation_receiver": Kind(
        "presentation_receiver",
        lambda n: _make(
            presentation_receiver.PresentationReceiverEmulator, serial=f"EMU{n + 1:010d}"
        ),
        lambda e: _http(
            e, ssl=False, verify_ssl=False, username="admin", api_key="0123456789abcdef"
        ),
    ),
    "poly_videoos": Kind(
        "poly_videoos",
        lambda n: _make(poly_videoos.PolyVideoOSEmulator, serial=f"8G20415A2F{n:04d}"),
        lambda e: _http(e, ssl=False, verify_ssl=False, username="admin", password="secret"),
    ),
    "exacqvision": Kind(
        "exacqvision",
        _exacq,
        lambda e: _http(e, ssl=False, verify_ssl=False, username="admin", password="admin256"),
        exacq_picks,
    ),
}
