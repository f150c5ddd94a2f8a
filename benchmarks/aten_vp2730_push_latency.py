"""Latency of a VP2730 state change to Home Assistant through Socket.IO (loopback).

Starts the emulator and a Home Assistant test instance with the integration set up against it,
then changes the master volume on the emulator 100 times and measures the time from the change
until Home Assistant's state machine shows it, once per Socket.IO generation the device may
speak (Engine.IO 4, and Engine.IO 3 as Socket.IO 2.x firmware does). ``--raw`` measures the
client + push channel alone (no Home Assistant); ``--eio 3`` or ``--eio 4`` runs one generation.
Target on each: median under 50 ms, p95 under 100 ms.

    .venv/bin/python benchmarks/aten_vp2730_push_latency.py [--count 100] [--raw] [--eio 3|4]
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
import statistics
import sys
import time
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.proav.devices.aten_vp2730.client import AtenClient
from custom_components.proav.devices.aten_vp2730.models import RESOURCES, State
from custom_components.proav.devices.aten_vp2730.push import AtenPush
from tests.emulators.aten_vp2730 import PASSWORD, SERIAL, USERNAME, AtenEmulator

ENTITY = "number.vp2730_all_volume"


def _report(name: str, samples: list[float]) -> None:
    ms = sorted(sample * 1000 for sample in samples)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    print(
        f"{name}: n={len(ms)} median={statistics.median(ms):.2f} ms p95={p95:.2f} ms "
        f"min={ms[0]:.2f} ms max={ms[-1]:.2f} ms"
    )
    met = statistics.median(ms) < 50 and p95 < 100
    print(f"target median < 50 ms, p95 < 100 ms: {'met' if met else 'NOT met'}")


async def _raw(emulator: AtenEmulator, count: int) -> list[float]:
    """Emulator change -> state applied by the push channel (client library only)."""
    async with aiohttp.ClientSession() as session:
        client = AtenClient(
            session,
            emulator.host,
            port=emulator.port,
            ssl=False,
            username=USERNAME,
            password=PASSWORD,
        )
        holder: dict[str, Any] = {"state": await client.async_get_state(), "seen": None}

        def set_state(state: State, _path: str | None = None) -> None:
            holder["state"] = state
            if holder["seen"] is not None and not holder["seen"].done():
                holder["seen"].set_result(time.perf_counter())

        # Events merge into the last full body of their resource.
        bodies = {path: await client.async_get_body(path) for path in RESOURCES}
        push = AtenPush(
            client,
            bodies=bodies,
            get_state=lambda: holder["state"],
            set_state=set_state,
            on_connect=lambda: None,
            on_disconnect=lambda: None,
            on_unsupported=print,
        )
        push.start()
        await asyncio.wait_for(push.async_wait_connected(), 10)
        samples = []
        for n in range(count):
            holder["seen"] = asyncio.get_running_loop().create_future()
            start = time.perf_counter()
            await emulator.set_audio("outputs", "ALL", volume=n % 100)
            samples.append(await asyncio.wait_for(holder["seen"], 5) - start)
        await push.stop()
        await client.async_close()
        return samples


async def _home_assistant(emulator: AtenEmulator, count: int) -> list[float]:
    """Emulator change -> Home Assistant state written (integration set up for real)."""
    from homeassistant import loader
    from homeassistant.core import Event, callback
    from homeassistant.helpers.event import async_track_state_change_event
    from pytest_homeassistant_custom_component.common import (
        MockConfigEntry,
        async_test_home_assistant,
    )

    async with async_test_home_assistant() as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        entry = MockConfigEntry(
            domain="proav",
            title="VP2730",
            unique_id=SERIAL,
            data={
                "device_type": "aten_vp2730",
                "host": emulator.host,
                "port": emulator.port,
                "ssl": False,
                "verify_ssl": False,
                "username": USERNAME,
                "password": PASSWORD,
            },
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        await asyncio.wait_for(entry.runtime_data.coordinator.push.async_wait_connected(), 10)
        await hass.async_block_till_done(wait_background_tasks=True)
        seen: dict[str, asyncio.Future[float]] = {}

        @callback
        def changed(event: Event[Any]) -> None:
            new = event.data["new_state"]
            future = seen.get(new.state) if new is not None else None
            if future is not None and not future.done():
                future.set_result(time.perf_counter())

        unsub = async_track_state_change_event(hass, ENTITY, changed)
        samples = []
        for n in range(count):
            value = (n % 99) + 1 if hass.states.get(ENTITY).state != str((n % 99) + 1) else 0
            seen.clear()
            seen[str(value)] = hass.loop.create_future()
            start = time.perf_counter()
            await emulator.set_audio("outputs", "ALL", volume=value)
            samples.append(await asyncio.wait_for(seen[str(value)], 5) - start)
        unsub()
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
        await hass.async_stop(force=True)
        return samples


async def main() -> None:
    """Run the measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--raw", action="store_true", help="client + push only, no HA")
    parser.add_argument("--eio", type=int, choices=(3, 4), help="one generation only")
    args = parser.parse_args()
    if args.eio is None:
        # One Home Assistant test instance per process: each generation in its own.
        for generation in (4, 3):
            command = [sys.executable, __file__, "--count", str(args.count), "--eio"]
            command += [str(generation), *(["--raw"] if args.raw else [])]
            process = await asyncio.create_subprocess_exec(*command)
            await process.wait()
        return
    for generation in (args.eio,):
        async with AtenEmulator() as emulator:
            emulator.eio3 = generation == 3
            name = f"Engine.IO {generation}"
            samples = await _raw(emulator, args.count)
            _report(f"{name}: client + Socket.IO push", samples)
            if not args.raw:
                samples = await _home_assistant(emulator, args.count)
                _report(f"{name}: emulator -> Home Assistant state", samples)


if __name__ == "__main__":
    asyncio.run(main())
