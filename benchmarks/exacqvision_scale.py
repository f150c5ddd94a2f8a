"""exacqVision at scale: setup time, memory, per-poll CPU and requests at 8, 100 and 500 cameras.

Runs a real Home Assistant (the test harness's) against the emulator. The emulator runs in a
thread with its own event loop, so the figures for Home Assistant's event loop (thread CPU time
of the main thread) do not include the emulated server's work.

    .venv/bin/python -m benchmarks.exacqvision_scale          # from the repository root
    .venv/bin/python benchmarks/exacqvision_scale.py 8 100 500

Targets: 500 cameras set up in under 5 s; a poll of all cameras under 50 ms of event-loop time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import gc
from pathlib import Path
import statistics
import sys
import threading
import time
import tracemalloc
from typing import Any
from unittest.mock import patch

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from homeassistant import loader
from homeassistant.core import HomeAssistant
from homeassistant.helpers import aiohttp_client, frame
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_test_home_assistant

from custom_components.proav.const import DOMAIN
from tests.emulators.exacqvision import ExacqVisionEmulator

POLLS = 20


class EmulatorThread:
    """The emulator on its own event loop in a thread."""

    def __init__(self, cameras: int) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.emulator = ExacqVisionEmulator(
            cameras=cameras, ptz_cameras=max(1, cameras // 10), triggers=4
        )
        self.run(self.emulator.start())

    def run(self, coro: Awaitable[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()  # type: ignore[arg-type]

    def call(self, fn: Callable[[], Any]) -> None:
        async def _do() -> None:
            fn()

        self.run(_do())

    def stop(self) -> None:
        self.run(self.emulator.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()


def _entry(emulator: ExacqVisionEmulator) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        unique_id="186266324EAF",
        title="Server 1",
        data={
            "device_type": "exacqvision",
            "host": emulator.host,
            "port": emulator.port,
            "ssl": False,
            "verify_ssl": False,
            "username": "admin",
            "password": "admin256",
            "server_id": "0",
        },
    )


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> tuple[float, float]:
    """Set the entry up; return wall seconds and main-thread CPU seconds."""
    entry.add_to_hass(hass)
    wall, cpu = time.perf_counter(), time.thread_time()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return time.perf_counter() - wall, time.thread_time() - cpu


async def _measure(cameras: int, *, memory: bool) -> dict[str, float]:
    # Home Assistant's connector resolves through zeroconf, which is not set up here.
    with patch.object(aiohttp_client, "_async_make_resolver", lambda _: aiohttp.ThreadedResolver()):
        return await _measure_with(cameras, memory=memory)


async def _measure_with(cameras: int, *, memory: bool) -> dict[str, float]:
    server = EmulatorThread(cameras)
    emulator = server.emulator
    try:
        async with async_test_home_assistant() as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
            frame.async_setup(hass)
            # Other device types' discovery dependencies: not what is measured here.
            hass.config.components.update({"ssdp", "bluetooth_adapters"})
            entry = _entry(emulator)
            gc.collect()
            if memory:
                tracemalloc.start()
                before = tracemalloc.take_snapshot()
            setup_wall, setup_cpu = await _setup(hass, entry)
            figures: dict[str, float] = {"setup_s": setup_wall, "setup_cpu_s": setup_cpu}
            if memory:
                gc.collect()
                after = tracemalloc.take_snapshot()
                tracemalloc.stop()
                grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
                figures = {"memory_mib": grown / 2**20}
            else:
                figures["entities"] = len(hass.states.async_all())
                figures.update(await _polls(hass, entry, server))
            assert await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()
            await hass.async_stop(force=True)
            return figures
    finally:
        server.stop()


async def _polls(
    hass: HomeAssistant, entry: MockConfigEntry, server: EmulatorThread
) -> dict[str, float]:
    """Poll the live state repeatedly, half the time with one camera changing."""
    runtime = entry.runtime_data
    status, client = runtime.status, runtime.client
    camera = next(iter(server.emulator.server.cameras))
    quiet: list[float] = []
    changed: list[float] = []
    requests: list[int] = []
    for index in range(POLLS):
        change = index % 2 == 1
        if change:
            server.call(
                lambda on=(index % 4 == 1): server.emulator.set_camera(
                    server.emulator.server, camera, motion=on
                )
            )
        count, cpu = client.request_count, time.thread_time()
        await status.async_refresh()
        await hass.async_block_till_done()
        (changed if change else quiet).append(time.thread_time() - cpu)
        requests.append(client.request_count - count)
        assert status.last_update_success
    count, cpu = client.request_count, time.thread_time()
    await runtime.inventory.async_refresh()
    await hass.async_block_till_done()
    return {
        "poll_cpu_ms": statistics.median(quiet) * 1000,
        "poll_changed_cpu_ms": statistics.median(changed) * 1000,
        "poll_requests": max(requests),
        "inventory_cpu_ms": (time.thread_time() - cpu) * 1000,
        "inventory_requests": client.request_count - count,
    }


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [8, 100, 500]
    print(
        f"{'cameras':>7} {'entities':>8} {'setup s':>8} {'setup cpu s':>11} {'memory MiB':>10} "
        f"{'poll cpu ms':>11} {'poll+change ms':>14} {'req/poll':>8} "
        f"{'inventory ms':>12} {'inv req':>7}"
    )
    for cameras in sizes:
        figures = asyncio.run(_measure(cameras, memory=False))
        figures.update(asyncio.run(_measure(cameras, memory=True)))
        print(
            f"{cameras:>7} {figures['entities']:>8.0f} {figures['setup_s']:>8.2f} "
            f"{figures['setup_cpu_s']:>11.2f} {figures['memory_mib']:>10.1f} "
            f"{figures['poll_cpu_ms']:>11.2f} {figures['poll_changed_cpu_ms']:>14.2f} "
            f"{figures['poll_requests']:>8.0f} {figures['inventory_cpu_ms']:>12.1f} "
            f"{figures['inventory_requests']:>7.0f}"
        )
    print("targets: 500 cameras set up in < 5 s; a poll < 50 ms of event-loop time")


if __name__ == "__main__":
    main()
