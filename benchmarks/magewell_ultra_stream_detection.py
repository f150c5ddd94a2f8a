"""Ultra Stream: how fast a change made on the box reaches Home Assistant, and what idling costs.

Runs the real integration (config entry, coordinators, ping probe) inside a test Home Assistant
against the emulator over real sockets, in real time:

- detection latency: REC is pressed on the box at a random moment; the time until the
  ``switch.*_recording`` state turns on is measured (median, p95 over ``--trials``);
- idle cost: HTTP requests the box receives per minute while nothing happens.

Target (issue 4): median under 1.5 s at no more than 1 probe per second.

    .venv/bin/python -m benchmarks.magewell_ultra_stream_detection --trials 20 --idle 60
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from unittest.mock import AsyncMock, patch

from homeassistant import loader
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import Event, EventStateChangedData, HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_test_home_assistant

import custom_components.proav  # noqa: F401 - registers our custom_components package first
from custom_components.proav.const import CONF_DEVICE_TYPE, DOMAIN
from tests.emulators.magewell_ultra_stream import PASSWORD, SERIAL, USER, UltraStreamEmulator

SWITCH = "switch.ultra_stream_recording"


async def _setup(hass: HomeAssistant, box: UltraStreamEmulator) -> MockConfigEntry:
    """Set the integration up for the emulated box."""
    hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        title="Ultra Stream",
        data={
            CONF_DEVICE_TYPE: "magewell_ultra_stream",
            CONF_HOST: box.host,
            CONF_PORT: box.port,
            CONF_USERNAME: USER,
            CONF_PASSWORD: PASSWORD,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _detection(hass: HomeAssistant, box: UltraStreamEmulator, trials: int) -> list[float]:
    """Press REC at random moments; return the seconds until Home Assistant shows it."""
    latencies: list[float] = []
    for _ in range(trials):
        await asyncio.sleep(random.uniform(0.5, 2.5))  # a random phase against the probe
        turned_on = asyncio.Event()

        def _changed(event: Event[EventStateChangedData], flag: asyncio.Event = turned_on) -> None:
            new = event.data["new_state"]
            if event.data["entity_id"] == SWITCH and new is not None and new.state == "on":
                flag.set()

        unsub = hass.bus.async_listen("state_changed", _changed)
        start = time.perf_counter()
        box.press_rec()
        await asyncio.wait_for(turned_on.wait(), timeout=30)
        latencies.append(time.perf_counter() - start)
        unsub()
        box.press_rec()  # stop again, and let Home Assistant see it
        await asyncio.sleep(2.5)
    return latencies


async def _idle(box: UltraStreamEmulator, seconds: float) -> tuple[float, float]:
    """Return HTTP requests per minute, and pings per second, while nothing happens."""
    box.requests.clear()
    await asyncio.sleep(seconds)
    pings = sum("method=ping" in request for request in box.requests)
    return len(box.requests) * 60 / seconds, pings / seconds


async def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--idle", type=float, default=60.0, help="idle window in seconds")
    args = parser.parse_args()
    with (
        # No radios or SSDP sockets: the manifest's discovery dependencies load but stay quiet.
        patch("homeassistant.components.ssdp.Scanner._async_start_ssdp_listeners", AsyncMock()),
        patch("homeassistant.components.ssdp.Server._async_start_upnp_servers", AsyncMock()),
        patch("habluetooth.scanner.OriginalBleakScanner.start", AsyncMock()),
    ):
        async with UltraStreamEmulator() as box, async_test_home_assistant() as hass:
            entry = await _setup(hass, box)
            latencies = await _detection(hass, box, args.trials)
            per_minute, pings_per_second = await _idle(box, args.idle)
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_stop(force=True)
    latencies.sort()
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(
        f"recording start detected: median {statistics.median(latencies):.2f} s, "
        f"p95 {p95:.2f} s, max {latencies[-1]:.2f} s over {len(latencies)} trials"
    )
    print(f"idle: {per_minute:.1f} HTTP requests per minute ({pings_per_second:.2f} pings/s)")


if __name__ == "__main__":
    asyncio.run(main())
