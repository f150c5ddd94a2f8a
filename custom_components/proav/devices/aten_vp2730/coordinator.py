"""The ATEN VP2730 coordinator: Socket.IO push first, REST polling as a safety net."""

from __future__ import annotations

from collections.abc import Awaitable, Coroutine
from datetime import datetime, timedelta
import logging
from typing import Any, override

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from custom_components.proav.const import DOMAIN
from custom_components.proav.coordinator import ProAVCoordinator
from custom_components.proav.devices.base import ProAVConfigEntry, ScanInterval

from .client import AtenClient
from .models import State
from .push import AtenPush

_LOGGER = logging.getLogger(__name__)

# While Socket.IO delivers every change, a slow full read only guards against missed events.
PUSH_INTERVAL = ScanInterval(key="push_safety_interval", default=300, minimum=60)
# While the socket is down (or the device cannot push), everything is polled.
POLL_INTERVAL = ScanInterval(key="poll_interval", default=15, minimum=5)
# A boot time that moves by less than this between reads is the same boot (uptime jitter).
BOOT_TOLERANCE = timedelta(seconds=90)


def push_issue_id(entry_id: str) -> str:
    """Return the repair issue id of an entry whose device cannot push."""
    return f"aten_vp2730_push_unsupported_{entry_id}"


class AtenCoordinator(ProAVCoordinator[State]):
    """Holds the whole device state; fed by Socket.IO events and safety-net polls."""

    def __init__(self, hass: HomeAssistant, entry: ProAVConfigEntry, client: AtenClient) -> None:
        """Poll at the short interval until the socket is up."""
        super().__init__(hass, entry, f"aten_vp2730 {entry.title}", POLL_INTERVAL.of(entry))
        self.client = client
        self.boot_time: datetime | None = None
        self.push = AtenPush(
            client,
            get_state=lambda: self.data,
            set_state=self._async_push_state,
            on_connect=self._async_push_connected,
            on_disconnect=self._async_push_disconnected,
            on_unsupported=self._async_push_unsupported,
        )

    @override
    async def _async_fetch(self) -> State:
        """Read every resource over REST."""
        state = await self.client.async_get_state()
        self._track_boot(state.info.uptime)
        return state

    def _track_boot(self, uptime: int) -> None:
        """Keep the boot time steady across reads; move it only on a reboot."""
        boot = dt_util.utcnow().replace(microsecond=0) - timedelta(seconds=uptime)
        if self.boot_time is None or abs(boot - self.boot_time) > BOOT_TOLERANCE:
            self.boot_time = boot

    @callback
    def async_start_push(self) -> None:
        """Start the Socket.IO connection (after the first refresh)."""
        self.push.start()

    async def async_shutdown(self) -> None:
        """Stop push and the polls."""
        await self.push.stop()
        # The repair belongs to this run of the entry: a reload (or removal) starts over.
        ir.async_delete_issue(self.hass, DOMAIN, push_issue_id(self.config_entry.entry_id))
        await super().async_shutdown()

    @callback
    def _async_push_state(self, state: State) -> None:
        """Apply a state an event produced; write entities only when something changed.

        ``async_set_updated_data`` is not used: it would postpone the safety-net poll on every
        event, so a chatty device would never be re-read.
        """
        if state != self.data:
            self.data = state
            self.async_update_listeners()

    @callback
    def _async_push_connected(self) -> None:
        """Socket up: events may have been missed, so read everything; poll slowly from now."""
        self.update_interval = PUSH_INTERVAL.of(self.config_entry)
        ir.async_delete_issue(self.hass, DOMAIN, push_issue_id(self.config_entry.entry_id))
        self._async_background(self.async_refresh(), "refresh after Socket.IO connect")

    @callback
    def _async_push_disconnected(self) -> None:
        """Socket down: poll at the short interval, starting now (the device may be gone)."""
        self.update_interval = POLL_INTERVAL.of(self.config_entry)
        self._async_background(self.async_request_refresh(), "refresh after Socket.IO loss")

    @callback
    def _async_push_unsupported(self, reason: str) -> None:
        """Say once that the device speaks an older Socket.IO; keep polling."""
        _LOGGER.warning(
            "%s does not speak a Socket.IO protocol this integration supports (%s); "
            "changes made on the device show after the next poll instead of at once",
            self.config_entry.title,
            reason,
        )
        self.update_interval = POLL_INTERVAL.of(self.config_entry)
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            push_issue_id(self.config_entry.entry_id),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="aten_vp2730_push_unsupported",
            translation_placeholders={"name": self.config_entry.title},
        )

    @callback
    def _async_background(self, job: Coroutine[Any, Any, None], name: str) -> None:
        """Run a job tied to the entry (cancelled on unload)."""
        self.config_entry.async_create_background_task(self.hass, job, name)

    async def async_write(self, command: Awaitable[None], path: str) -> None:
        """Send a command, then read back the resource it changed and show it at once.

        Writes answer 204 without a body; the read-back shows what the device really did (it
        may clamp or refuse parts), even when its Socket.IO event is late or never comes.
        """
        await command
        update = await self.client.async_get_update(path)
        self._async_push_state(update(self.data))
