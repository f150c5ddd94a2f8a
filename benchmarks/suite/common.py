"""What every benchmark section shares: rows, a Home Assistant, emulator meters, flows, entities.

Nothing here knows entity ids: entities are found through the entity registry by config entry,
platform and unique id pattern, so renamed entities do not break a benchmark. Whatever cannot be
measured (an entity, an emulator switch or a runtime attribute that is missing) becomes a row
marked "n/a" instead of an exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
import json
import os
import re
import statistics
import sys
import time
from typing import Any
from unittest.mock import AsyncMock, patch
import weakref

from aiohttp import web

ROW_PREFIX = "BENCH-ROW "
OK, REGRESSION, NA, INFO = "ok", "REGRESSION", "n/a", ""


@dataclass
class Row:
    """One line of the table: what was measured, our figure, the target or anchor, the verdict."""

    section: str
    what: str
    ours: str
    target: str = ""
    verdict: str = INFO

    def emit(self) -> None:
        """Print the row for the orchestrator (one JSON object per line)."""
        print(ROW_PREFIX + json.dumps(asdict(self)), flush=True)


def verdict(ok: bool | None) -> str:
    """Turn a target check into a verdict (None: nothing to check)."""
    if ok is None:
        return NA
    return OK if ok else REGRESSION


def na_row(section: str, what: str, why: str, target: str = "") -> Row:
    """Return a row for something that could not be measured, saying why."""
    return Row(section, what, f"n/a ({why})", target, NA)


def percentile(samples: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of the samples."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


def median(samples: list[float]) -> float:
    """Return the median of the samples."""
    return statistics.median(samples)


def fmt_ms(seconds: float) -> str:
    """Format seconds as milliseconds (or seconds when large)."""
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def fmt_s(seconds: float) -> str:
    """Format seconds with a sensible precision."""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def rss_mib() -> float:
    """Return this process's resident memory in MiB (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        resident = int(statm.read().split()[1])
    return resident * os.sysconf("SC_PAGE_SIZE") / 2**20


def cpu_seconds() -> float:
    """Return the CPU time (user + system) of this process so far, all threads."""
    times = os.times()
    return times.user + times.system


# --- emulator meters ----------------------------------------------------------------------------

# Requests that log in or out, per device type: (method or "*", path regex, query regex or "").
LOGIN_PATTERNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "aten_vp2730": (("POST", r"auth/tokens/?$", ""),),
    "magewell_ultra_stream": (("*", r"/usapi", r"method=login\b"),),
    "poly_videoos": (("POST", r"/rest/session/?$", ""),),
    "presentation_receiver": (("PUT", r"/admin/apikey$", ""),),
    "exacqvision": (("*", r"login\.web$", ""),),
}
LOGOUT_PATTERNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "aten_vp2730": (("DELETE", r"auth/tokens", ""),),
    "magewell_ultra_stream": (("*", r"/usapi", r"method=logout\b"),),
    "poly_videoos": (("DELETE", r"/rest/session/?$", ""),),
    "presentation_receiver": (),
    "exacqvision": (("*", r"logout\.web$", ""),),
}
# Long-lived requests (push channels) are not "requests in flight": they are counted apart.
PUSH_PATH = re.compile(r"^/socket\.io")


def _matches(patterns: Iterable[tuple[str, str, str]], request: web.Request) -> bool:
    return any(
        (method in ("*", request.method))
        and re.search(path, request.path)
        and (not query or re.search(query, request.query_string))
        for method, path, query in patterns
    )


@dataclass
class Counts:
    """What a meter counted up to one moment."""

    at: float = 0.0
    requests: int = 0
    push_requests: int = 0
    connections: int = 0
    logins: int = 0
    refused_logins: int = 0
    logouts: int = 0
    probes: int = 0


@dataclass
class Window:
    """The difference between two counts, with the largest number of requests in flight."""

    seconds: float
    requests: int
    push_requests: int
    connections: int
    logins: int
    refused_logins: int
    probes: int
    max_in_flight: int
    held: int = 0

    def per_minute(self, value: int) -> float:
        """Return a count as a rate per minute over the window."""
        return value * 60 / self.seconds if self.seconds else 0.0


class Meter:
    """Counts what one emulated device receives (an aiohttp middleware on the emulator's app).

    A login counts when the device accepts it (an HTTP status below 400); refused attempts are
    counted apart.

    New TCP connections are counted as the distinct transports that carried a request (a
    connection that never sends a request is not seen).
    """

    def __init__(self, key: str, probe: str | None = None) -> None:
        """Count for a device type (its login and logout requests); ``probe`` is a query regex."""
        self.key = key
        self.counts = Counts()
        self.in_flight = 0
        self.max_in_flight = 0
        self._probe = re.compile(probe) if probe else None
        self._transports: weakref.WeakSet[Any] = weakref.WeakSet()
        self._emulator: Any = None

    def attach(self, emulator: Any) -> Meter:
        """Put the meter in front of the emulator's app (before the app starts)."""
        emulator.app.middlewares.insert(0, self._middleware)
        self._emulator = emulator
        return self

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        counts = self.counts
        transport = request.transport
        if transport is not None and transport not in self._transports:
            self._transports.add(transport)
            counts.connections += 1
        if PUSH_PATH.match(request.path):
            counts.push_requests += 1
            return await handler(request)
        counts.requests += 1
        login = _matches(LOGIN_PATTERNS.get(self.key, ()), request)
        if _matches(LOGOUT_PATTERNS.get(self.key, ()), request):
            counts.logouts += 1
        if self._probe is not None and self._probe.search(request.query_string):
            counts.probes += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as err:
            status = err.status
            raise
        finally:
            self.in_flight -= 1
            if login and status < 400:
                counts.logins += 1
            elif login:  # refused (HTTP status): an attempt, not a session
                counts.refused_logins += 1

    def open_connections(self) -> int:
        """Return the connections that carried a request and are still open."""
        return sum(1 for t in list(self._transports) if not t.is_closing())

    def mark(self) -> Counts:
        """Return the counts now and start a new in-flight maximum."""
        self.max_in_flight = self.in_flight
        return Counts(**{**asdict(self.counts), "at": time.perf_counter()})

    def since(self, start: Counts) -> Window:
        """Return what happened since a mark."""
        now = self.counts
        return Window(
            seconds=time.perf_counter() - start.at,
            requests=now.requests - start.requests,
            push_requests=now.push_requests - start.push_requests,
            connections=now.connections - start.connections,
            logins=now.logins - start.logins,
            refused_logins=now.refused_logins - start.refused_logins,
            probes=now.probes - start.probes,
            max_in_flight=self.max_in_flight,
            held=self.sessions_held,
        )

    @property
    def sessions_held(self) -> int:
        """Return the sessions the device holds.

        Logins minus logouts, or the device's own count when that is lower (it dropped expired
        sessions); the device's count alone can be too high (an emulator that keeps a session
        after its logout).
        """
        opened = self.counts.logins - self.counts.logouts
        for name in ("sessions", "tokens"):
            held = getattr(self._emulator, name, None)
            if isinstance(held, (dict, set, list)):
                return min(opened, len(held))
        return opened


# --- Home Assistant -----------------------------------------------------------------------------


def _discovery_patches() -> list[Any]:
    """Let bluetooth and ssdp load without radios or multicast sockets (as the tests do)."""
    from habluetooth import scanner as bluetooth_scanner

    bluetooth_scanner.OriginalBleakScanner.stop = AsyncMock()  # type: ignore[method-assign]
    return [
        patch("homeassistant.components.ssdp.Scanner._async_start_ssdp_listeners", AsyncMock()),
        patch("homeassistant.components.ssdp.Server._async_start_upnp_servers", AsyncMock()),
        patch.object(bluetooth_scanner.OriginalBleakScanner, "start", AsyncMock()),
        patch.object(bluetooth_scanner, "HaScanner"),
        patch("bluetooth_auto_recovery.recover_adapter"),
        patch("bluetooth_adapters.systems.platform.system", return_value="Linux"),
        patch("bluetooth_adapters.systems.linux.LinuxAdapters.refresh"),
        patch(
            "bluetooth_adapters.systems.linux.LinuxAdapters.adapters",
            {
                "hci0": {
                    "address": "00:00:00:00:00:01",
                    "hw_version": "usb:v1D6Bp0246d053F",
                    "passive_scan": False,
                    "sw_version": "homeassistant",
                    "manufacturer": "ACME",
                    "product": "Bluetooth Adapter 5.0",
                    "product_id": "aa01",
                    "vendor_id": "cc01",
                },
            },
        ),
    ]


@asynccontextmanager
async def home_assistant() -> AsyncIterator[Any]:
    """Run a real Home Assistant (the test harness's) with Pro AV loadable from this checkout."""
    import aiohttp
    from homeassistant import loader
    from homeassistant.helpers import aiohttp_client
    from pytest_homeassistant_custom_component.common import async_test_home_assistant

    # Import this checkout's package first: Home Assistant then finds Pro AV in it.
    import custom_components.proav  # noqa: F401

    with ExitStack() as stack:
        for item in _discovery_patches():
            stack.enter_context(item)
        # Home Assistant's connector resolves through zeroconf, which is not set up here.
        stack.enter_context(
            patch.object(
                aiohttp_client, "_async_make_resolver", lambda _: aiohttp.ThreadedResolver()
            )
        )
        async with async_test_home_assistant() as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            with suppress(Exception):
                from homeassistant.helpers import frame

                frame.async_setup(hass)
            try:
                yield hass
            finally:
                with suppress(Exception):
                    await hass.async_stop(force=True)


async def add_through_flow(
    hass: Any, key: str, form: dict[str, Any], pick: str | None = None
) -> Any:
    """Add a device through the user config flow as a person would; return its config entry."""
    from homeassistant.data_entry_flow import FlowResultType

    flow = hass.config_entries.flow
    result = await flow.async_init("proav", context={"source": "user"})
    result = await flow.async_configure(result["flow_id"], {"next_step_id": key})
    if result["type"] is FlowResultType.MENU:  # a type that offers a network search first
        option = next(o for o in result["menu_options"] if str(o).endswith("manual"))
        result = await flow.async_configure(result["flow_id"], {"next_step_id": option})
    result = await flow.async_configure(result["flow_id"], form)
    if result.get("step_id") == "pick_device":
        result = await flow.async_configure(result["flow_id"], {"serial": _pick(result, pick)})
    if result["type"] is FlowResultType.MENU:  # advice (e.g. a dedicated user): go on anyway
        option = next(o for o in result["menu_options"] if str(o).endswith("keep_user"))
        result = await flow.async_configure(result["flow_id"], {"next_step_id": option})
    if result["type"] is not FlowResultType.CREATE_ENTRY:
        raise RuntimeError(f"{key}: the flow ended with {result.get('errors') or result}")
    return result["result"]


def _pick(result: Any, wanted: str | None) -> str | None:
    """Return the offered choice that is the wanted serial (the flow may write it differently)."""

    def plain(value: Any) -> str:
        return re.sub(r"[^0-9A-Z]", "", str(value).upper())

    offered: list[str] = []
    with suppress(Exception):
        for key, selector in result["data_schema"].schema.items():
            if str(key) == "serial":
                offered = [option["value"] for option in selector.config["options"]]
    for value in offered:
        if wanted is None or plain(value) == plain(wanted):
            return value
    return wanted


async def wait_loaded(hass: Any, entry: Any, limit: float = 120) -> None:
    """Wait until an entry is loaded (a flow sets it up in the background)."""
    from homeassistant.config_entries import ConfigEntryState

    async with asyncio.timeout(limit):
        while entry.state is not ConfigEntryState.LOADED:
            if entry.state in (ConfigEntryState.SETUP_ERROR, ConfigEntryState.FAILED_UNLOAD):
                raise RuntimeError(f"{entry.title}: {entry.state}")
            await asyncio.sleep(0.05)


def find_entities(hass: Any, entry: Any, platform: str, unique_id: str) -> list[str]:
    """Return the entity ids of an entry on a platform whose unique id matches a regex."""
    from homeassistant.helpers import entity_registry as er

    pattern = re.compile(unique_id)
    return [
        item.entity_id
        for item in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if item.domain == platform and pattern.search(item.unique_id) and not item.disabled_by
    ]


def fast_interval(entry: Any) -> float | None:
    """Return the shortest polling interval of an entry's coordinators, in seconds."""
    runtime = getattr(entry, "runtime_data", None)
    intervals = [
        c.update_interval.total_seconds()
        for c in getattr(runtime, "coordinators", []) or []
        if getattr(c, "update_interval", None)
    ]
    return min(intervals) if intervals else None


async def state_latency(
    hass: Any,
    entity_ids: list[str],
    change: Callable[[], Awaitable[None] | None],
    limit: float,
) -> float | None:
    """Apply a device change; return the seconds until one of the entities' states changes."""
    from homeassistant.core import callback
    from homeassistant.helpers.event import async_track_state_change_event

    seen: asyncio.Future[float] = hass.loop.create_future()

    @callback
    def _changed(event: Any) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        if (
            new is not None
            and new.state not in ("unavailable", "unknown")
            and (old is None or old.state != new.state)
            and not seen.done()
        ):
            seen.set_result(time.perf_counter())

    unsub = async_track_state_change_event(hass, entity_ids, _changed)
    try:
        start = time.perf_counter()
        outcome = change()
        if outcome is not None:
            await outcome
        try:
            return await asyncio.wait_for(seen, limit) - start
        except TimeoutError:
            return None
    finally:
        unsub()


POLLING_MODULES = (
    "homeassistant.helpers.update_coordinator",
    "homeassistant.helpers.event",
    "homeassistant.helpers.debounce",
    "custom_components.proav",
)


def _is_polling_timer(handle: asyncio.TimerHandle) -> bool:
    """Return whether a loop timer is a poll's (a coordinator, a tracked interval or delay)."""
    callback = handle._callback  # what the harness time helper looks at too
    while hasattr(callback, "func"):  # functools.partial
        callback = callback.func
    module = getattr(getattr(callback, "__func__", callback), "__module__", "") or ""
    return module.startswith(POLLING_MODULES)


def _refreshing() -> list[asyncio.Task[Any]]:
    return [
        task
        for task in asyncio.all_tasks()
        if not task.done() and task.get_name().endswith(" - refresh")
    ]


async def advance_polls(hass: Any, seconds: float, step: float = 1.0) -> float:
    """Let ``seconds`` of polling time pass at once; return the real seconds it took.

    Like the harness's ``async_fire_time_changed`` (the same patched time trackers, the timers'
    own callbacks run), but only the polls' timers are fired (coordinators, tracked intervals
    and delays, debouncers): firing every timer of the loop would also time out client requests
    and push channels' pings. A timer set while simulated time runs is due when simulated time
    has moved on by its delay (the loop's clock does not move with it, so each timer remembers
    how far simulated time was ahead when it was first seen). Each step waits until the polls
    it started are answered (other tasks they started: up to 0.5 s). The devices' own clocks (session expiry) keep real time.
    """
    from homeassistant.helpers import event

    loop = hass.loop
    started = time.perf_counter()
    born: dict[int, tuple[asyncio.TimerHandle, float]] = {}
    ahead = 0.0  # how far simulated time is ahead of the loop's clock
    elapsed = 0.0
    while elapsed < seconds:
        elapsed = min(seconds, elapsed + step)
        previous, ahead = ahead, elapsed - (time.perf_counter() - started)
        scheduled = [h for h in list(loop._scheduled) if not h.cancelled()]  # type: ignore[attr-defined]
        live = {id(h) for h in scheduled}
        born = {key: value for key, value in born.items() if key in live}
        before = asyncio.all_tasks()
        for handle in scheduled:
            if not _is_polling_timer(handle):
                continue
            _handle, offset = born.setdefault(id(handle), (handle, previous))
            # Half a step of slack: a timer due within this step runs in it.
            if loop.time() + ahead + step / 2 < handle.when() + offset:
                continue
            target = time.time() + ahead
            with (
                patch.object(
                    event, "time_tracker_utcnow", return_value=datetime.fromtimestamp(target, UTC)
                ),
                patch.object(event, "time_tracker_timestamp", return_value=target),
            ):
                handle._run()
                handle.cancel()
        await asyncio.sleep(0)
        if pending := _refreshing():
            with suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*pending, return_exceptions=True), 30)
        # Other work the timers started (a probe): wait a little for it, not for long-lived tasks.
        if started_now := [t for t in asyncio.all_tasks() - before if not t.done()]:
            await asyncio.wait(started_now, timeout=0.5)
        await hass.async_block_till_done()
    return time.perf_counter() - started


class LoopLag:
    """A loop-lag probe: a task that asks to wake every 10 ms and records how late it wakes."""

    def __init__(self, period: float = 0.01) -> None:
        """Prepare the probe (start it with ``start``)."""
        self.period = period
        self.max_lag = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> LoopLag:
        """Start probing on the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def reset(self) -> None:
        """Forget the largest lag seen so far."""
        self.max_lag = 0.0

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.period)
            self.max_lag = max(self.max_lag, time.perf_counter() - before - self.period)

    async def stop(self) -> None:
        """Stop probing."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task


class SlowCallbacks:
    """The longest single event-loop callback (one step of a task, or a plain callback).

    This is what asyncio's slow-callback detection (debug mode, ``slow_callback_duration``, which
    Home Assistant's debug mode turns on) reports: code that does not yield. A loop-lag probe
    sees more: every callback that was ready in the same turn of the loop (twenty config flows
    at once make it late without any one of them blocking). The benchmark's own steps that
    collect garbage and read memory are left out (``skip_current``).
    """

    def __init__(self) -> None:
        """Prepare the meter (start it with ``start``)."""
        self.longest = 0.0
        self.where = ""
        self._running: Any = None
        self._skip: Any = None
        self._original: Any = None

    def start(self) -> SlowCallbacks:
        """Time every callback the loop runs from now on."""
        original = asyncio.events.Handle._run
        meter = self

        def timed(handle: asyncio.Handle) -> None:
            outer, meter._running = meter._running, handle
            start = time.perf_counter()
            try:
                original(handle)
            finally:
                took = time.perf_counter() - start
                meter._running = outer
                if took > meter.longest and meter._skip is not handle:
                    meter.longest, meter.where = took, _describe(handle)

        self._original = original
        asyncio.events.Handle._run = timed  # type: ignore[method-assign]
        return self

    def reset(self) -> None:
        """Forget the longest callback seen so far."""
        self.longest, self.where = 0.0, ""

    def skip_current(self) -> None:
        """Leave the callback running now out (the benchmark's own measuring)."""
        self._skip = self._running

    def stop(self) -> None:
        """Stop timing callbacks."""
        if self._original is not None:
            asyncio.events.Handle._run = self._original  # type: ignore[method-assign]
            self._original = None


def _describe(handle: asyncio.Handle) -> str:
    """Return what a callback ran: a task's name and coroutine, or the callback."""
    callback = getattr(handle, "_callback", None)
    task = getattr(callback, "__self__", None)
    if isinstance(task, asyncio.Task):
        coro = task.get_coro()
        return getattr(coro, "__qualname__", None) or task.get_name()
    return getattr(callback, "__qualname__", None) or repr(callback)[:80]


@contextmanager
def quiet_logs() -> Iterator[None]:
    """Keep Home Assistant's warnings on stderr and out of the way of the rows on stdout."""
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    yield


def section_main(run: Callable[[bool], Awaitable[list[Row]]]) -> None:
    """Run a section (``--quick`` or not) and print its rows."""
    quick = "--quick" in sys.argv[1:]
    with quiet_logs():
        rows = asyncio.run(run(quick))
    for row in rows:
        row.emit()


@dataclass
class Collected:
    """Rows of a section, added as they are measured, so that a failure keeps the others."""

    section: str
    rows: list[Row] = field(default_factory=list)

    def add(self, what: str, ours: str, target: str = "", ok: bool | None = None) -> None:
        """Add a measured row (``ok`` None: no target)."""
        self.rows.append(Row(self.section, what, ours, target, INFO if ok is None else verdict(ok)))

    def na(self, what: str, why: str, target: str = "") -> None:
        """Add a row that could not be measured."""
        self.rows.append(na_row(self.section, what, why, target))
