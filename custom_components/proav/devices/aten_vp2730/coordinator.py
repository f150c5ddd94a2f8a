"""The ATEN VP2730 coordinator: Socket.IO push first, tiered REST polling as a safety net.

- While push works, a slow full read only guards against missed events.
- While push is down (or deaf, or the device cannot push), the fast lane (routing, go-live,
  audio) is read at every poll, identity and room state every minute, settings and lists every
  5 minutes (``models.POLL_PERIODS``).
- A poll never overwrites a resource that an event changed after the poll began.
- Push that connects but never delivers the events of our own writes is "deaf": polls go back to
  the fast interval and diagnostics say so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
import logging
import time
from typing import Any, override

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from ...const import DOMAIN  # noqa: TID252
from ...coordinator import ProAVCoordinator  # noqa: TID252
from ..base import ProAVConfigEntry, ScanInterval  # noqa: TID252
from ..errors import ProAVError  # noqa: TID252
from .client import AtenClient
from .models import API, POLL_PERIODS, RESOURCES, State, SystemInfo, Update, empty_update
from .push import AtenPush

_LOGGER = logging.getLogger(__name__)

# While Socket.IO delivers every change, a slow full read only guards against missed events.
PUSH_INTERVAL = ScanInterval(key="push_safety_interval", default=300, minimum=60)
# While the socket is down (or the device cannot push), the fast lane is polled this often.
POLL_INTERVAL = ScanInterval(key="poll_interval", default=5, minimum=5)
# A boot time that moves by less than this between reads is the same boot (uptime jitter).
BOOT_TOLERANCE = timedelta(seconds=90)
# How long the event of one of our own writes may take, and how many may fail to come before
# push counts as deaf.
EVENT_WAIT = 3.0
DEAF_AFTER = 2
INFO = f"{API}/system/info"
SNAPSHOT_STATE = f"{API}/video/snapshots/state"
# The payload is undocumented; these words are taken as a result (others are ignored).
SNAPSHOT_DONE = {"done", "success", "succeeded", "ok", "finished", "complete", "completed"}
SNAPSHOT_FAILED = {"failed", "fail", "failure", "error"}


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
        # The last full body of every resource (events merge into these field by field).
        self.bodies: dict[str, Any] = {}
        self._read_at: dict[str, float] = {}
        # When an event last changed a resource (deaf detection), and when an event or a
        # write's read-back last did (a poll that began before must not overwrite it).
        self._changed_at: dict[str, float] = {}
        self._fresh_at: dict[str, float] = {}
        self.deaf = False
        self._missed_events = 0
        self._expectations: set[CALLBACK_TYPE] = set()
        self.push = AtenPush(
            client,
            bodies=self.bodies,
            get_state=lambda: self.data,
            set_state=self._async_push_state,
            on_connect=self._async_push_connected,
            on_disconnect=self._async_push_disconnected,
            on_unsupported=self._async_push_unsupported,
            on_notice=self._async_push_notice,
        )
        # Who hears of snapshot results: (output id, result, payload) per event.
        self.snapshot_listeners: list[Callable[[str, str, Mapping[str, Any]], None]] = []

    @property
    def _push_working(self) -> bool:
        return self.push.connected and not self.deaf

    @override
    async def _async_fetch(self) -> State:
        """Read the resources that are due over REST (all of them while push works)."""
        started = time.monotonic()
        first = self.data is None
        paths = [
            path
            for path in RESOURCES
            if first
            or self._push_working
            or started - self._read_at.get(path, 0) >= POLL_PERIODS.get(path, 0)
        ]
        if INFO not in paths:
            paths.insert(0, INFO)  # cheap, and proves the device still answers
        # The client keeps at most a few requests in flight; a required resource that fails
        # fails the poll, an optional one only its own entities.
        answers = await asyncio.gather(
            *(self.client.async_read(path) for path in paths), return_exceptions=True
        )
        results: dict[str, tuple[Update, Any] | None] = {}
        for path, answer in zip(paths, answers, strict=True):
            if isinstance(answer, BaseException):
                raise answer
            results[path] = answer
        # The first read starts from nothing; the required info read replaces the placeholder.
        state = self.data if self.data is not None else State(info=SystemInfo.parse({}))
        for path, result in results.items():
            if self._fresh_at.get(path, 0) > started:
                continue  # an event changed it while this poll ran: the event is newer
            if result is None:
                if self.client.capabilities.lacks(path):
                    state = empty_update(path)(state)
                    self.bodies.pop(path, None)
                continue  # failing for now: keep what is known
            update, body = result
            state = update(state)
            self.bodies[path] = body
            self._read_at[path] = started
        capabilities = self.client.capabilities
        failing = frozenset(
            path for path in RESOURCES if capabilities.state(path).support == "failing"
        )
        if failing != state.failing:
            state = replace(state, failing=failing)  # entities hear of it: the data changed
        if state.info.uptime is not None:
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
        for cancel in self._expectations:
            cancel()
        self._expectations.clear()
        await self.push.stop()
        # The repair belongs to this run of the entry: a reload (or removal) starts over.
        ir.async_delete_issue(self.hass, DOMAIN, push_issue_id(self.config_entry.entry_id))
        await super().async_shutdown()

    @callback
    def _async_push_state(self, state: State, path: str | None = None) -> None:
        """Apply a state an event produced; write entities only when something changed.

        ``async_set_updated_data`` is not used: it would postpone the safety-net poll on every
        event, so a chatty device would never be re-read.
        """
        if path is not None:
            self._changed_at[path] = self._fresh_at[path] = time.monotonic()
            if self.deaf:
                _LOGGER.info("%s delivers events again", self.config_entry.title)
                self.deaf = False
                self.update_interval = PUSH_INTERVAL.of(self.config_entry)
            self._missed_events = 0
        if state != self.data:
            self.data = state
            self.async_update_listeners()

    @callback
    def _async_push_notice(self, event: str, payload: Any) -> None:
        """Hand a snapshot's result (``video/snapshots/state``) to whoever listens."""
        if event != SNAPSHOT_STATE or not isinstance(payload, Mapping) or "id" not in payload:
            return
        state = str(payload.get("state", "")).lower()
        result = (
            "done" if state in SNAPSHOT_DONE else "failed" if state in SNAPSHOT_FAILED else None
        )
        if result is None:
            _LOGGER.debug("Snapshot state %s not understood", state)
            return
        for listener in list(self.snapshot_listeners):
            listener(str(payload["id"]), result, payload)

    @callback
    def _async_push_connected(self) -> None:
        """Socket up: events may have been missed, so read everything; poll slowly from now."""
        if not self.deaf:
            self.update_interval = PUSH_INTERVAL.of(self.config_entry)
        ir.async_delete_issue(self.hass, DOMAIN, push_issue_id(self.config_entry.entry_id))
        # A socket that connects and drops at once cannot make this a storm: reconnects back
        # off (the backoff resets only after a connection that lasted).
        self._async_background(self.async_refresh(), "refresh after Socket.IO connect")

    @callback
    def _async_push_disconnected(self) -> None:
        """Socket down: poll at the short interval, starting now (the device may be gone)."""
        self.update_interval = POLL_INTERVAL.of(self.config_entry)
        # Not debounced: the loss may mean the device is gone, which entities show at once.
        # (Reconnects back off, so this cannot storm; the fast lane alone is read.)
        self._async_background(self.async_refresh(), "refresh after Socket.IO loss")

    @callback
    def _async_push_unsupported(self, reason: str) -> None:
        """Say once that the device speaks no Socket.IO we know; keep polling."""
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

    @callback
    def _async_expect_event(self, path: str, written: float) -> None:
        """After one of our writes, expect the device's event for it within ``EVENT_WAIT``."""
        if not self.push.connected or self.deaf:
            return

        @callback
        def check(_now: datetime) -> None:
            self._expectations.discard(cancel)
            if self._changed_at.get(path, 0) >= written or not self.push.connected:
                return
            self._missed_events += 1
            if self._missed_events >= DEAF_AFTER and not self.deaf:
                self.deaf = True
                self.update_interval = POLL_INTERVAL.of(self.config_entry)
                _LOGGER.warning(
                    "%s keeps its Socket.IO connection up but sends no events for changes; "
                    "polling every %s s instead",
                    self.config_entry.title,
                    int(POLL_INTERVAL.of(self.config_entry).total_seconds()),
                )
                # Changes may have been missed; the fast polls start from this read.
                self._async_background(self.async_request_refresh(), "refresh: push is deaf")

        cancel = async_call_later(self.hass, EVENT_WAIT, check)
        self._expectations.add(cancel)

    async def async_write(self, command: Awaitable[Any], path: str) -> None:
        """Send a command, then read back the resource it changed and show it at once.

        Writes answer 204 without a body; the read-back shows what the device really did (it
        may clamp or refuse parts), even when its Socket.IO event is late or never comes. A
        read-back that fails does not turn a done write into an error: a poll follows instead.
        """
        before, written = self.data, time.monotonic()
        await command
        try:
            result = await self.client.async_read(path)
        except ProAVError:
            result = None
        if result is None:
            _LOGGER.debug("Reading %s back failed; refreshing soon", path)
            self._async_expect_event(path, written)
            self._async_background(self.async_request_refresh(), "refresh after a write")
            return
        update, body = result
        if update(before) != before:
            # The write changed something: its event should come (a no-op write may have none).
            self._async_expect_event(path, written)
        self.bodies[path] = body
        self._fresh_at[path] = time.monotonic()
        self._async_push_state(update(self.data))

    @callback
    def push_diagnostics(self) -> dict[str, Any]:
        """Return how push works now (for diagnostics)."""
        push = self.push
        return {
            "connected": push.connected,
            "protocol": push.protocol,
            "unsupported": push.unsupported,
            "deaf": self.deaf,
            "missed_events": self._missed_events,
            "events_received": push.events_received,
            "last_events": dict(push.last_events),
        }
