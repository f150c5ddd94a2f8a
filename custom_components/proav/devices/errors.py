"""Errors every device client raises (no Home Assistant imports).

One error model for every device type, so the integration maps them the same way everywhere:

- ``InvalidAuth``: a login (or key check) itself refused the credentials. Nothing else is a wrong
  password: the same refusal right after a fresh, successful login is ``NotPermitted``. It is the
  only error that starts a reauth flow; after it a client logs in no more until it is rebuilt.
- ``NotPermitted``: the device forbids this request now (a mode, a policy, a permission tier).
- ``NotSupported``: the device lacks this route or feature (404, 302 to a login page, HTML, …).
- ``DeviceBusy``: the device is busy or rate limited; try again later.
- ``CannotConnect``: no answer at all (refused, timed out, TLS failure) or a server error.
- ``DeviceError`` / ``InvalidResponse``: any other refusal, or an answer that does not parse.

Messages are for logs and tests; what users see is translated from the error's type (and
``code``), never built from the message, which may quote the device.
"""

from __future__ import annotations


class ProAVError(Exception):
    """Base class of every client error."""


class CannotConnect(ProAVError):
    """The device did not answer (refused, timed out, TLS failure, HTTP 5xx)."""


class InvalidAuth(ProAVError):
    """A login or key check refused the credentials (the only reason for a reauth flow)."""


class DeviceError(ProAVError):
    """The device answered, but refused the request or answered nonsense."""

    def __init__(self, message: str, code: str | int | None = None) -> None:
        """Keep the device's own code beside the message."""
        super().__init__(message)
        self.code = code


class InvalidResponse(DeviceError):
    """The device answered with a body that does not parse as documented."""


class NotPermitted(DeviceError):
    """The device forbids this request now: its mode, a policy or the account's permissions."""


class NotSupported(DeviceError):
    """The device lacks this route or feature (its firmware, model or configuration)."""


class DeviceBusy(DeviceError):
    """The device is busy or rate limited; ``retry_after`` seconds when it said so."""

    def __init__(
        self, message: str, code: str | int | None = None, retry_after: float | None = None
    ) -> None:
        """Keep how long the device asked us to wait."""
        super().__init__(message, code)
        self.retry_after = retry_after
