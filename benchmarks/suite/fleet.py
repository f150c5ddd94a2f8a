"""Many emulated devices in one process, for the building benchmark (not in Home Assistant's).

    .venv/bin/python -m benchmarks.suite.fleet --rooms 20 --servers 2 --cameras 250

Starts ``--rooms`` devices of each room type and one exacqVision web service with ``--servers``
servers of ``--cameras`` cameras, all on 127.0.0.1 with free ports, prints one line
``FLEET {json}`` (device type -> list of {"form": ..., "pick": ...}) and runs until its standard
input closes. Running the devices in their own process keeps their CPU time and memory out of
Home Assistant's figures.
"""

from __future__ import annotations

import argparse
import asyncio
from contextlib import suppress
import json
import sys
from typing import Any

from .devices import KINDS, ROOM_TYPES, _exacq


async def run(rooms: int, servers: int, cameras: int) -> None:
    """Start the devices, print their forms, wait for standard input to close."""
    started: list[Any] = []
    forms: dict[str, list[dict[str, Any]]] = {}
    try:
        for key in ROOM_TYPES:
            kind = KINDS[key]
            for index in range(rooms):
                try:
                    emulator = await kind.make(index).start()
                except Exception as err:  # noqa: BLE001 - the building goes on without it
                    print(f"fleet: {key} #{index} did not start: {err!r}", file=sys.stderr)
                    continue
                started.append(emulator)
                forms.setdefault(key, []).append({"form": kind.form(emulator), "pick": None})
        if servers:
            try:
                emulator = await _exacq(0, servers=servers, cameras=cameras).start()
            except Exception as err:  # noqa: BLE001
                print(f"fleet: exacqVision did not start: {err!r}", file=sys.stderr)
            else:
                started.append(emulator)
                kind = KINDS["exacqvision"]
                forms["exacqvision"] = [
                    {"form": kind.form(emulator), "pick": pick} for pick in kind.picks(emulator)
                ]
        print("FLEET " + json.dumps(forms), flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)
    finally:
        for emulator in started:
            with suppress(Exception):
                await emulator.stop()


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--cameras", type=int, default=250)
    args = parser.parse_args()
    with suppress(KeyboardInterrupt):
        asyncio.run(run(args.rooms, args.servers, args.cameras))


if __name__ == "__main__":
    main()
