"""Run the device emulators as a standalone program (for the demo and for trying things by hand).

    python -m tests.emulators --all [--devices-file devices.json] [--base-port 18100] [--no-activity]

Starts one emulator per device type on 127.0.0.1, prints where each listens and with which
account, and writes the config-flow form values for every device to ``--devices-file`` (read by
``scripts/provision_demo.py``). Unless ``--no-activity`` is given, the devices keep changing so a
dashboard has something to show: a presenter shares, a recording runs, a call comes in, a soft
trigger fires, motion is seen.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from dataclasses import dataclass
import json
from pathlib import Path
import time
import traceback
from typing import Any

from . import aten_vp2730, exacqvision, magewell_ultra_stream, poly_videoos, presentation_receiver
from .base import Emulator


@dataclass
class DemoDevice:
    """One emulated device: how to make it, the form that adds it, what it does by itself."""

    key: str
    make: Callable[[], Emulator]
    form: Callable[[Emulator], dict[str, Any]]
    activity: Callable[[Any], Awaitable[None]]
    pick: str | None = None  # for devices behind one address: which one to add


def _http(emulator: Emulator, **extra: Any) -> dict[str, Any]:
    return {"host": emulator.host, "port": emulator.port, **extra}


async def _aten_activity(device: aten_vp2730.AtenEmulator) -> None:
    """Let a presenter join, share for a while, stop and leave; nudge the volume."""
    while True:
        await asyncio.sleep(10)
        presenter = await device.add_participant("Alex's laptop")
        await asyncio.sleep(5)
        await device.set_share(presenter["id"], ["HDMI"])
        await asyncio.sleep(25)
        await device.set_share(presenter["id"], [])
        await device.set_audio("outputs", "ALL", volume=40 + int(time.time()) % 40)
        await asyncio.sleep(10)
        participants = device.state["system/participants"]["participants"]
        participants[:] = [p for p in participants if p["id"] != presenter["id"]]
        await device.emit("system/participants")


async def _magewell_activity(device: magewell_ultra_stream.UltraStreamEmulator) -> None:
    """Press REC on the box: a recording runs for a minute, then stops."""
    while True:
        await asyncio.sleep(15)
        device.press_rec()
        await asyncio.sleep(60)
        device.press_rec()


async def _receiver_activity(device: presentation_receiver.PresentationReceiverEmulator) -> None:
    """Let a sender connect and present for half a minute."""
    while True:
        await asyncio.sleep(20)
        device.connect_sender()
        await asyncio.sleep(5)
        device.start_sharing()
        await asyncio.sleep(30)
        device.stop_sharing()


async def _exacq_activity(device: exacqvision.ExacqVisionEmulator) -> None:
    """Show motion on the first camera now and then; fire an alarm input and a soft trigger."""
    server = device.server
    first = next(iter(server.cameras))
    trigger = next(iter(server.triggers.values()))
    while True:
        await asyncio.sleep(12)
        device.set_camera(server, first, motion=True)
        await asyncio.sleep(8)
        device.set_camera(server, first, motion=False)
        device.input_alarm(server, first)
        await asyncio.sleep(10)
        device.fire_trigger(server, trigger)  # an operator at the exacqVision client


async def _poly_activity(device: poly_videoos.PolyVideoOSEmulator) -> None:
    """Let a call come in, be answered, share content, and end."""
    while True:
        await asyncio.sleep(20)
        device.incoming_call("sip:alex@example.com", "Alex Example")
        await asyncio.sleep(8)
        device.answer_call()
        await asyncio.sleep(10)
        device.start_content()
        await asyncio.sleep(20)
        device.stop_content()
        await asyncio.sleep(10)
        device.end_call()


DEVICES = [
    DemoDevice(
        key="aten_vp2730",
        make=aten_vp2730.AtenEmulator,
        form=lambda e: _http(
            e,
            ssl=False,
            verify_ssl=False,
            username=aten_vp2730.USERNAME,
            password=aten_vp2730.PASSWORD,
        ),
        activity=_aten_activity,
    ),
    DemoDevice(
        key="magewell_ultra_stream",
        make=magewell_ultra_stream.UltraStreamEmulator,
        form=lambda e: _http(
            e, username=magewell_ultra_stream.USER, password=magewell_ultra_stream.PASSWORD
        ),
        activity=_magewell_activity,
    ),
    DemoDevice(
        key="presentation_receiver",
        make=presentation_receiver.PresentationReceiverEmulator,
        form=lambda e: _http(
            e, ssl=False, verify_ssl=False, username="admin", api_key="0123456789abcdef"
        ),
        activity=_receiver_activity,
    ),
    DemoDevice(
        key="exacqvision",
        make=exacqvision.ExacqVisionEmulator,
        form=lambda e: _http(e, ssl=False, verify_ssl=False, username="admin", password="admin256"),
        activity=_exacq_activity,
        pick="186266324EAF",
    ),
    DemoDevice(
        key="poly_videoos",
        make=poly_videoos.PolyVideoOSEmulator,
        form=lambda e: _http(e, ssl=False, verify_ssl=False, username="admin", password="secret"),
        activity=_poly_activity,
    ),
]


def _report_failure(task: asyncio.Task[None]) -> None:
    """Say so when a device's demo activity stops with an error (it would stay silent)."""
    if not task.cancelled() and (error := task.exception()) is not None:
        traceback.print_exception(error)


async def run(base_port: int, devices_file: Path | None, activity: bool) -> None:
    """Start every emulator, write the forms, keep the demo alive until cancelled."""
    started: list[tuple[DemoDevice, Emulator]] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        for index, device in enumerate(DEVICES, start=1):
            emulator = await device.make().start(base_port + index)
            started.append((device, emulator))
            print(f"{device.key:24} {emulator.url}", flush=True)  # noqa: T201
        forms = {
            device.key: {"data": device.form(emulator), "pick": device.pick}
            for device, emulator in started
        }
        if devices_file is not None:
            devices_file.write_text(json.dumps(forms, indent=2) + "\n")
        if activity:
            tasks = [asyncio.create_task(device.activity(emulator)) for device, emulator in started]
            for task in tasks:
                task.add_done_callback(_report_failure)
        print("emulators ready", flush=True)  # noqa: T201
        await asyncio.Event().wait()
    finally:
        for task in tasks:
            task.cancel()
        for _device, emulator in started:
            with contextlib.suppress(Exception):
                await emulator.stop()


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(prog="python -m tests.emulators", description=__doc__)
    parser.add_argument("--all", action="store_true", required=True, help="start every emulator")
    parser.add_argument("--base-port", type=int, default=18100)
    parser.add_argument("--devices-file", type=Path)
    parser.add_argument("--no-activity", action="store_true")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(args.base_port, args.devices_file, not args.no_activity))


if __name__ == "__main__":
    main()
