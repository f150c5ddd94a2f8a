"""Logins that cannot storm (no Home Assistant imports).

``LoginGate`` runs one login at a time for a client, lets concurrent requests that hit the same
expired session share one re-login, and latches a refused login: after ``InvalidAuth`` no request
logs in again (no probes, no push reconnects, no retries) until the client is rebuilt, which
happens when the reauth flow completes or the entry reloads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from .capabilities import Capabilities
from .captures import RawCaptures
from .errors import InvalidAuth


class LoginGate:
    """Serialise logins; share re-logins; refuse to log in again after a refused login."""

    def __init__(self) -> None:
        """No login yet."""
        self._lock = asyncio.Lock()
        self.refused: InvalidAuth | None = None
        self.generation = 0  # count of successful logins: a session's identity
        self.logins = 0  # attempts, for diagnostics and tests

    def check(self) -> None:
        """Raise the latched refusal, without touching the network."""
        if self.refused is not None:
            raise InvalidAuth("the credentials were refused earlier") from self.refused

    async def async_login(
        self, login: Callable[[], Awaitable[None]], *, expired: int | None = None
    ) -> int:
        """Run ``login`` and return the new generation.

        ``expired`` is the generation of the session a request found expired: when another
        request has already logged in since, no second login is made.
        """
        self.check()
        async with self._lock:
            self.check()
            if expired is not None and expired != self.generation:
                return self.generation
            self.logins += 1
            try:
                await login()
            except InvalidAuth as err:
                self.refused = err
                raise
            self.generation += 1
            return self.generation


class DeviceClient:
    """What every device type's client shares: its capabilities, raw captures and login gate.

    A client subclasses it, records every answer in ``captures``, reads optional resources
    through ``capabilities`` and logs in through ``login_gate``; ``async_close`` signs out.
    """

    def __init__(self) -> None:
        """Start with nothing known about the device."""
        self.capabilities = Capabilities()
        self.captures = RawCaptures()
        self.login_gate = LoginGate()

    async def async_close(self) -> None:
        """Sign out (override where the device keeps a session, token or connection)."""
