"""A building in one Home Assistant: every room's devices and the video servers, all at once.

The devices run in another process (``benchmarks.suite.fleet``); Home Assistant (the test
harness's, real integration, real sockets on 127.0.0.1) adds them all through the config flow,
one device type after the other (the flows of one type run at the same time). Measured:

- time until every entry is loaded (the sum of the phases);
- resident memory (RSS, after a garbage collection) without Pro AV, with Pro AV loaded and no
  device, and after each phase, which gives the memory per device of each type;
- CPU use of the Home Assistant process (all its threads) at rest, over a real-time window;
- the longest event-loop block (the longest single callback or task step, as asyncio's
  slow-callback detection times it), while adding and at rest; beside it the loop lag, from a
  probe (a task that asks to wake every 10 ms and records how late it wakes), which also counts
  every callback that was ready in the same turn.

    .venv/bin/python -m benchmarks.suite.building [--quick] [--rooms N] [--cameras N]
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
import gc
import json
import sys
import time
from typing import Any

from .common import (
    Collected,
    LoopLag,
    Row,
    SlowCallbacks,
    add_through_flow,
    cpu_seconds,
    home_assistant,
    quiet_logs,
    rss_mib,
    wait_loaded,
)
from .devices import ROOM_TYPES, TITLES

SECTION = "Building"
ORDER = (*ROOM_TYPES, "exacqvision")


def _arg(name: str, default: int) -> int:
    argv = sys.argv[1:]
    if name in argv:
        return int(argv[argv.index(name) + 1])
    return default


async def _fleet(rooms: int, servers: int, cameras: int) -> tuple[Any, dict[str, Any]]:
    command = [sys.executable, "-m", "benchmarks.suite.fleet", "--rooms", str(rooms)]
    command += ["--servers", str(servers), "--cameras", str(cameras)]
    process = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    async with asyncio.timeout(300):
        while line := (await process.stdout.readline()).decode():
            if line.startswith("FLEET "):
                return process, json.loads(line[len("FLEET ") :])
    raise RuntimeError("the emulators did not start")


async def _stop_fleet(process: Any) -> None:
    if process.returncode is None:
        with suppress(Exception):
            process.stdin.close()
        try:
            async with asyncio.timeout(30):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()


async def run(quick: bool) -> list[Row]:
    """Build the building and measure it; return the rows."""
    rooms = _arg("--rooms", 20)
    servers = 2
    cameras = _arg("--cameras", 250)
    rest_seconds = _arg("--rest", 30 if quick else 300)
    out = Collected(SECTION)
    process, forms = await _fleet(rooms, servers, cameras)
    try:
        async with home_assistant() as hass:
            await _measure(hass, forms, out, rooms, servers, cameras, rest_seconds)
    finally:
        await _stop_fleet(process)
    return out.rows


async def _phase(hass: Any, key: str, items: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Add every device of one type at once; return how many loaded and the errors."""

    async def add(item: dict[str, Any]) -> None:
        entry = await add_through_flow(hass, key, item["form"], item["pick"])
        await wait_loaded(hass, entry, limit=300)

    results = await asyncio.gather(*(add(item) for item in items), return_exceptions=True)
    errors = [repr(r)[:100] for r in results if isinstance(r, BaseException)]
    return len(items) - len(errors), errors


async def _measure(
    hass: Any,
    forms: dict[str, Any],
    out: Collected,
    rooms: int,
    servers: int,
    cameras: int,
    rest_seconds: float,
) -> None:
    from homeassistant.setup import async_setup_component

    await hass.async_block_till_done()
    gc.collect()
    without = rss_mib()
    lag = LoopLag().start()
    slow = SlowCallbacks().start()
    await async_setup_component(hass, "proav", {})
    await hass.async_block_till_done()
    # Figures are read before each garbage collection of our own, which is left out.
    setup_lag, setup_block, block_where = lag.max_lag, slow.longest, slow.where
    slow.skip_current()
    gc.collect()
    loaded_empty = rss_mib()
    described = (
        f"{rooms} rooms (ATEN VP2730, Ultra Stream, presentation receiver, Poly VideoOS each) + "
        f"{servers} exacqVision servers x {cameras} cameras"
    )
    phases: list[str] = []
    per_device: list[str] = []
    total = 0.0
    added = 0
    failures: list[str] = []
    before = loaded_empty
    for key in ORDER:
        items = forms.get(key, [])
        if not items:
            continue
        start = time.perf_counter()
        lag.reset()
        slow.reset()
        count, errors = await _phase(hass, key, items)
        await hass.async_block_till_done()
        seconds = time.perf_counter() - start
        setup_lag = max(setup_lag, lag.max_lag)
        if slow.longest > setup_block:
            setup_block, block_where = slow.longest, f"{TITLES[key]}: {slow.where}"
        total += seconds
        added += count
        failures += errors
        slow.skip_current()
        gc.collect()
        after = rss_mib()
        phases.append(f"{TITLES[key]} {seconds:.1f} s, block {slow.longest * 1000:.0f} ms")
        if count:
            unit = "server" if key == "exacqvision" else "device"
            per_device.append(f"{TITLES[key]} {(after - before) / count:.1f} MiB/{unit}")
        before = after
    expected = rooms * len(ROOM_TYPES) + servers
    entities = len(hass.states.async_all())
    what = (
        f"Building, {described}, all through the config flow: time until every entry is loaded "
        "(per phase: time, longest event-loop block)"
    )
    figure = (
        f"{total:.1f} s for {added}/{expected} entries, {entities} entities ({'; '.join(phases)})"
    )
    if failures:
        figure += f"; failed: {failures[0]}"
    out.add(what, figure, "< 60 s, every entry loaded", total < 60 and added == expected)
    out.add(
        "Building: Home Assistant memory (RSS after GC) without Pro AV → Pro AV loaded, no device"
        " → with the building",
        f"{without:.0f} MiB → {loaded_empty:.0f} MiB → {before:.0f} MiB "
        f"(+{before - without:.0f} MiB)",
        "reported",
    )
    out.add(
        "Building: memory per device, by type (RSS growth of each phase / devices added)",
        ", ".join(per_device) or "n/a",
        "reported",
    )
    # At rest: let the first polls after setup pass; measure the CPU with the probes stopped
    # (a probe waking 100 times a second costs CPU of its own), then the blocks.
    slow.stop()
    await lag.stop()
    await asyncio.sleep(5)
    cpu, wall = cpu_seconds(), time.perf_counter()
    await asyncio.sleep(rest_seconds)
    share = (cpu_seconds() - cpu) / (time.perf_counter() - wall) * 100
    lag.reset()
    slow.reset()
    lag.start()
    slow.start()
    await asyncio.sleep(min(rest_seconds, 60))
    rest_lag, rest_block = lag.max_lag, slow.longest
    slow.stop()
    await lag.stop()
    out.add(
        f"Building: CPU of the Home Assistant process at rest over {rest_seconds:.0f} s "
        "(all its threads; the devices run in another process), % of one core",
        f"{share:.1f} %",
        "< 2 % of one core",
        share < 2,
    )
    out.add(
        "Building: longest event-loop block (one callback or task step that does not yield, as "
        f"asyncio's slow-callback detection times it) while adding / at rest "
        f"({min(rest_seconds, 60):.0f} s after the CPU window); beside it the "
        "loop lag (loop-lag probe, 10 ms period: every callback ready in the same turn, so "
        "the devices of one type added at once add up)",
        f"{setup_block * 1000:.0f} ms ({block_where}) / {rest_block * 1000:.0f} ms; "
        f"loop lag {setup_lag * 1000:.0f} ms / {rest_lag * 1000:.0f} ms",
        "no block > 50 ms",
        setup_block <= 0.05 and rest_block <= 0.05,
    )


def main() -> None:
    """Run the section and print its rows."""
    quick = "--quick" in sys.argv[1:]
    with quiet_logs():
        rows = asyncio.run(run(quick))
    for row in rows:
        row.emit()


if __name__ == "__main__":
    main()
