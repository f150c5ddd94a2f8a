"""Optional resources of a device: probed once, kept as capabilities (no Home Assistant imports).

A device type names the few resources setup really needs; every other resource is read through
``Capabilities.async_read``. The first answer decides whether the device has it:

- ``NotSupported`` (404, 302 to a login page, HTML, ``success: false``): the device lacks it.
  It is not asked again until the client is rebuilt, and its entities are not created (or are
  removed if the resource disappears later).
- ``NotPermitted``: this account or mode may not read it; handled like a missing resource.
- anything else but ``InvalidAuth`` (busy, timed out, a 500, an odd answer): failing for now.
  Its entities go unavailable; the rest of the device is untouched.

``InvalidAuth`` always propagates: it is a credentials problem for the whole device.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
import time
from typing import Any

from .errors import InvalidAuth, NotPermitted, NotSupported, ProAVError


class Support(StrEnum):
    """What is known about one optional resource."""

    UNKNOWN = "unknown"
    SUPPORTED = "supported"
    FAILING = "failing"
    NOT_PERMITTED = "not_permitted"
    UNSUPPORTED = "unsupported"


@dataclass(slots=True)
class CapabilityState:
    """One optional resource: what is known, why, and since when (monotonic seconds)."""

    support: Support = Support.UNKNOWN
    reason: str | None = None
    since: float = 0.0
    failures: int = 0
    seen: bool = False  # it worked at least once


class Capabilities:
    """The optional resources of one device and what is known about each."""

    def __init__(self) -> None:
        """Know nothing yet."""
        self._states: dict[str, CapabilityState] = {}

    def state(self, name: str) -> CapabilityState:
        """Return what is known about a resource (UNKNOWN before its first read)."""
        return self._states.get(name) or CapabilityState()

    def exists(self, name: str) -> bool:
        """Return whether the device has the resource: it worked, and is not known to be gone."""
        state = self.state(name)
        return state.seen and state.support in (Support.SUPPORTED, Support.FAILING)

    def available(self, name: str) -> bool:
        """Return whether the resource's last read worked."""
        return self.state(name).support is Support.SUPPORTED

    def lacks(self, name: str) -> bool:
        """Return whether the device lacks the resource (or may not read it)."""
        return self.state(name).support in (Support.UNSUPPORTED, Support.NOT_PERMITTED)

    def mark(self, name: str, support: Support, reason: str | None = None) -> None:
        """Record what a read (or a command) showed about a resource."""
        current = self._states.setdefault(name, CapabilityState())
        if current.support is not support:
            current.since = time.monotonic()
        current.failures = current.failures + 1 if support is Support.FAILING else 0
        current.support, current.reason = support, reason
        current.seen = current.seen or support is Support.SUPPORTED

    async def async_read[T](self, name: str, read: Callable[[], Awaitable[T]]) -> T | None:
        """Read an optional resource; None when the device lacks it or it fails now.

        A resource the device lacks is not asked again. ``InvalidAuth`` propagates.
        """
        if self.lacks(name):
            return None
        try:
            result = await read()
        except InvalidAuth:
            raise
        except NotSupported as err:
            self.mark(name, Support.UNSUPPORTED, _reason(err))
        except NotPermitted as err:
            self.mark(name, Support.NOT_PERMITTED, _reason(err))
        except ProAVError as err:
            # A resource that never worked creates no entities until it does; one that worked
            # keeps its entities, unavailable until it answers again.
            self.mark(name, Support.FAILING, _reason(err))
        else:
            self.mark(name, Support.SUPPORTED)
            return result
        return None

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Return the table for diagnostics."""
        return {
            name: {"support": state.support.value, "reason": state.reason}
            for name, state in sorted(self._states.items())
        }


def _reason(err: ProAVError) -> str:
    """Name an error's kind (and the device's code), never its text (it may quote secrets)."""
    code = getattr(err, "code", None)
    return type(err).__name__ if code is None else f"{type(err).__name__} ({code})"
