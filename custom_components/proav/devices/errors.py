"""Errors every device client raises (no Home Assistant imports).

Each client raises these (or subclasses of them), so the integration maps them the same way for
every device type: a config flow shows ``cannot_connect`` / ``invalid_auth``, a coordinator marks
entities unavailable or starts reauth, an action raises a translated error.
"""

from __future__ import annotations


class ProAVError(Exception):
    """Base class of every client error."""


class CannotConnect(ProAVError):
    """The device did not answer (refused, timed out, TLS failure, HTTP 5xx)."""


class InvalidAuth(ProAVError):
    """The device rejected the credentials, key or token (after one re-login)."""


class DeviceError(ProAVError):
    """The device answered, but refused the request or answered nonsense."""

    def __init__(self, message: str, code: str | int | None = None) -> None:
        """Keep the device's own code beside the message."""
        super().__init__(message)
        self.code = code


class InvalidResponse(DeviceError):
    """The device answered with a body that does not parse as documented."""
