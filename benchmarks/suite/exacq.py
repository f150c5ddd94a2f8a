"""exacqVision at 8, 100 and 500 cameras: setup time, memory, event-loop time, requests per poll.

For each size a fresh Home Assistant (the test harness's) adds the server through the config
flow. The emulator runs in a thread with its own event loop, so the event-loop time measured
(CPU time of Home Assistant's loop thread) does not include the emulated server's work. Then:

- setup: the entry is unloaded and set up again; wall time, loop-thread CPU time, requests;
- memory: the same again under tracemalloc (growth of Python allocations across the setup);
- polls: the live-state coordinator (the entry's shortest interval) is refreshed repeatedly, every
  other time with a camera changing; loop-thread CPU per poll and requests per poll.

    .venv/bin/python -m benchmarks.suite.exacq [--quick] [--sizes 8,100,500]
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import gc
import statistics
import sys
import threading
import time
import tracemalloc
from typing import Any

from .common import (
    Collected,
    Meter,
    Row,
    add_through_flow,
    home_assistant,
    section_main,
    wait_loaded,
)
from .devices import KINDS, _exacq

SECTION = "exacqVision scale"


class EmulatorThread:
    """An exacqVision emulator (with a meter) on its own event loop in a thread."""

    def __init__(self, cameras: int) -> None:
        """Start the emulator."""
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.emulator = _exacq(0, cameras=cameras)
        self.meter = Meter("exacqvision").attach(self.emulator)
        self.run(self.emulator.start())

    def run(self, coro: Awaitable[Any]) -> Any:
        """Run a coroutine on the emulator's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()  # type: ignore[arg-type]

    def call(self, fn: Callable[[], Any]) -> None:
        """Call a function on the emulator's loop."""

        async def _do() -> None:
            fn()

        self.run(_do())

    def stop(self) -> None:
        """Stop the emulator and its loop."""
        try:
            self.run(self.emulator.stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)


def _status_coordinator(entry: Any) -> Any:
    coordinators = [
        c
        for c in getattr(entry.runtime_data, "coordinators", [])
        if getattr(c, "update_interval", None)
    ]
    return min(coordinators, key=lambda c: c.update_interval) if coordinators else None


async def _setup(hass: Any, entry: Any) -> tuple[float, float]:
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    gc.collect()
    wall, cpu = time.perf_counter(), time.thread_time()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return time.perf_counter() - wall, time.thread_time() - cpu


async def _measure_size(cameras: int, polls: int) -> dict[str, Any]:
    server = EmulatorThread(cameras)
    figures: dict[str, Any] = {}
    try:
        async with home_assistant() as hass:
            kind = KINDS["exacqvision"]
            entry = await add_through_flow(
                hass, "exacqvision", kind.form(server.emulator), kind.picks(server.emulator)[0]
            )
            await wait_loaded(hass, entry)
            await hass.async_block_till_done()
            figures["entities"] = len(hass.states.async_all())
            mark = server.meter.mark()
            figures["setup_s"], figures["setup_cpu_s"] = await _setup(hass, entry)
            figures["setup_requests"] = server.meter.since(mark).requests
            tracemalloc.start()
            try:
                assert await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_block_till_done()
                gc.collect()
                before = tracemalloc.take_snapshot()
                assert await hass.config_entries.async_setup(entry.entry_id)
                await hass.async_block_till_done()
                gc.collect()
                after = tracemalloc.take_snapshot()
            finally:
                tracemalloc.stop()
            figures["memory_mib"] = (
                sum(s.size_diff for s in after.compare_to(before, "filename")) / 2**20
            )
            figures.update(await _polls(hass, entry, server, polls))
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()
    finally:
        server.stop()
    return figures


async def _polls(hass: Any, entry: Any, server: EmulatorThread, polls: int) -> dict[str, Any]:
    coordinator = _status_coordinator(entry)
    if coordinator is None:
        return {}
    emulator = server.emulator
    first = next(iter(emulator.servers.values()))
    camera = next(iter(first.cameras))
    quiet: list[float] = []
    changed: list[float] = []
    requests: list[int] = []
    for index in range(polls):
        change = index % 2 == 1
        if change:
            on = index % 4 == 1
            server.call(lambda on=on: emulator.set_camera(first, camera, motion=on, recording=on))
        mark = server.meter.mark()
        cpu = time.thread_time()
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        (changed if change else quiet).append(time.thread_time() - cpu)
        requests.append(server.meter.since(mark).requests)
    return {
        "poll_ms": statistics.median(quiet) * 1000,
        "poll_changed_ms": statistics.median(changed) * 1000 if changed else float("nan"),
        "poll_requests": max(requests),
        "interval_s": coordinator.update_interval.total_seconds(),
    }


def _sizes() -> list[int]:
    argv = sys.argv[1:]
    if "--sizes" in argv:
        return [int(size) for size in argv[argv.index("--sizes") + 1].split(",")]
    return [8, 100, 500]


async def run(quick: bool) -> list[Row]:
    """Measure every size; return the rows."""
    out = Collected(SECTION)
    polls = 6 if quick else 20
    per_poll: dict[int, int] = {}
    for cameras in _sizes():
        what = (
            f"exacqVision, {cameras} cameras: setup (unload + set up again) wall time · "
            "event-loop CPU · Python memory growth (tracemalloc) · event-loop CPU per live-state "
            "poll (quiet / with a change) · requests per poll"
        )
        target = "500 cameras set up < 5 s; poll < 50 ms of event-loop time; requests O(1)"
        try:
            figures = await _measure_size(cameras, polls)
        except Exception as err:  # noqa: BLE001
            out.na(what, f"failed: {err!r}"[:150], target)
            continue
        if "poll_ms" not in figures:
            out.na(what, "no polling coordinator found", target)
            continue
        per_poll[cameras] = figures["poll_requests"]
        figure = (
            f"{figures['setup_s']:.2f} s · {figures['setup_cpu_s']:.2f} s CPU · "
            f"{figures['memory_mib']:.1f} MiB · {figures['poll_ms']:.1f} / "
            f"{figures['poll_changed_ms']:.1f} ms · {figures['poll_requests']} requests "
            f"({figures['entities']} entities, {figures['setup_requests']} requests to set up)"
        )
        ok = figures["poll_ms"] < 50 and figures["poll_changed_ms"] < 50
        if cameras >= 500:
            ok = ok and figures["setup_s"] < 5
        out.add(what, figure, target, ok)
    if len(per_poll) > 1:
        counts = " / ".join(f"{n}" for n in per_poll.values())
        sizes = " / ".join(f"{c}" for c in per_poll)
        out.add(
            f"exacqVision: requests per live-state poll at {sizes} cameras",
            counts,
            "the same at every size (O(1) in the camera count)",
            len(set(per_poll.values())) == 1,
        )
    return out.rows


def main() -> None:
    """Run the section and print its rows."""
    section_main(run)


if __name__ == "__main__":
    main()
