"""Run every benchmark against the emulators in a real Home Assistant and print one table.

    scripts/bench [--quick] [--only rooms,exacq,building] [--readme] [--out FILE]

Sections (each in its own process, so that one's memory and failures do not touch another's):

- ``rooms``: latency (device change → Home Assistant state) per device type and update path,
  and politeness per device (benchmarks/suite/rooms.py);
- ``exacq``: exacqVision at 8 / 100 / 500 cameras (benchmarks/suite/exacq.py);
- ``building``: 20 rooms of four devices and 2 exacqVision servers of 250 cameras in one Home
  Assistant (benchmarks/suite/building.py).

``--quick`` (under two minutes) uses shorter windows and fewer changes, and runs ``rooms``
(mostly waiting for polls) beside the other two; the full run (under 15 minutes) runs them one
after the other. ``--readme`` writes the table into README.md between the bench markers.
Section logs go to a temporary folder, printed at the end. A missed target prints as
**REGRESSION**; something that could not be measured as n/a. The exit status is 0 either way
(benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import platform
import re
import subprocess
import sys
import tempfile
import time

from .common import NA, REGRESSION, ROW_PREFIX, Row

REPO = Path(__file__).resolve().parents[2]
SECTIONS = {
    "rooms": ("benchmarks.suite.rooms", "Latency and politeness"),
    "exacq": ("benchmarks.suite.exacq", "exacqVision scale"),
    "building": ("benchmarks.suite.building", "Building"),
}
# Seconds a section may take before it is stopped (quick, full).
LIMITS = {"rooms": (115, 540), "exacq": (60, 240), "building": (100, 600)}
# Whatever is still running then is stopped (and shows as n/a): quick under 2 min, full 15.
QUICK_BUDGET, FULL_BUDGET = 115, 14 * 60
README_BEGIN = "<!-- bench:begin (scripts/bench --readme writes this) -->"
README_END = "<!-- bench:end -->"


@dataclass
class Outcome:
    """What one section process gave."""

    name: str
    rows: list[Row]
    seconds: float
    log: Path
    failure: str = ""


async def _section(name: str, quick: bool, logs: Path, deadline: float) -> Outcome:
    module, _title = SECTIONS[name]
    log = logs / f"{name}.log"
    command = [sys.executable, "-m", module, *(["--quick"] if quick else [])]
    start = time.perf_counter()
    limit = max(5.0, min(LIMITS[name][0 if quick else 1], deadline - start))
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *command, cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=stderr
        )
        failure = ""
        try:
            async with asyncio.timeout(limit):
                stdout, _ = await process.communicate()
        except TimeoutError:
            process.kill()
            stdout, _ = await process.communicate()
            failure = f"stopped after {limit:.0f} s"
    text = stdout.decode(errors="replace")
    with log.open("a", encoding="utf-8") as stdout_log:
        stdout_log.write("\n--- stdout ---\n" + text)
    rows = [
        Row(**json.loads(line[len(ROW_PREFIX) :]))
        for line in text.splitlines()
        if line.startswith(ROW_PREFIX)
    ]
    if not failure and process.returncode:
        failure = f"exit status {process.returncode}"
    return Outcome(name, rows, time.perf_counter() - start, log, failure)


async def _run(names: list[str], quick: bool, logs: Path) -> list[Outcome]:
    deadline = time.perf_counter() + (QUICK_BUDGET if quick else FULL_BUDGET)
    if not quick:
        return [await _section(name, quick, logs, deadline) for name in names]

    async def in_turn(group: list[str]) -> list[Outcome]:
        return [await _section(name, quick, logs, deadline) for name in group]

    waiting = [name for name in names if name == "rooms"]
    busy = [name for name in names if name != "rooms"]
    results = await asyncio.gather(in_turn(waiting), in_turn(busy))
    by_name = {outcome.name: outcome for group in results for outcome in group}
    return [by_name[name] for name in names]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.0f} GiB"
    except OSError:
        pass
    return "? GiB"


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _ha_version() -> str:
    try:
        from homeassistant.const import __version__
    except ImportError:
        return "?"
    return __version__


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(outcomes: list[Outcome], quick: bool, started: datetime, load: tuple[float, ...]) -> str:
    """Return the Markdown: a line saying when and where, the table, a one-line summary."""
    rows: list[Row] = []
    for outcome in outcomes:
        rows += outcome.rows
        if outcome.failure:
            rows.append(
                Row(
                    SECTIONS[outcome.name][1],
                    f"section `{outcome.name}`",
                    f"n/a (it failed: {outcome.failure}; log {outcome.log.name})",
                    "",
                    NA,
                )
            )
    seconds = sum(outcome.seconds for outcome in outcomes)
    caption = (
        f"Measured {started:%Y-%m-%d %H:%M} UTC on {_cpu_model()} ({os.cpu_count()} cores, "
        f"{_memory_gib()}), Python {platform.python_version()}, Home Assistant {_ha_version()}, "
        f"commit {_commit()}; {'`scripts/bench --quick`' if quick else '`scripts/bench`'}, "
        f"load average {load[0]:.1f} at the start."
    )
    if quick:
        caption += (
            " Quick run: shorter windows and fewer changes, and the latency and politeness"
            " section ran beside the other two."
        )
    lines = [
        caption,
        "",
        "| Area | What is measured | Ours | Target / anchor | Verdict |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        mark = {REGRESSION: "**REGRESSION**", NA: "n/a"}.get(row.verdict, row.verdict)
        lines.append(
            f"| {_cell(row.section)} | {_cell(row.what)} | {_cell(row.ours)} | "
            f"{_cell(row.target)} | {mark} |"
        )
    regressions = sum(row.verdict == REGRESSION for row in rows)
    missing = sum(row.verdict == NA for row in rows)
    lines += [
        "",
        f"{regressions} regression(s), {missing} n/a; sections took {seconds:.0f} s of process "
        "time in all.",
    ]
    return "\n".join(lines) + "\n"


def write_readme(table: str) -> bool:
    """Put the table into README.md between the markers; return whether they were found."""
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(README_BEGIN) + r".*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(text):
        return False
    readme.write_text(
        pattern.sub(lambda _m: f"{README_BEGIN}\n{table}{README_END}", text), encoding="utf-8"
    )
    return True


def main() -> None:
    """Parse the arguments, run the sections, print the table."""
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="under two minutes")
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections, comma-separated")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    names = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in names if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}")
    logs = Path(tempfile.mkdtemp(prefix="proav-bench-"))
    started = datetime.now(UTC)
    load = os.getloadavg()
    wall = time.perf_counter()
    print(
        f"scripts/bench: running {', '.join(names)} ({'quick' if args.quick else 'full'}); "
        f"logs in {logs}",
        file=sys.stderr,
        flush=True,
    )
    outcomes = asyncio.run(_run(names, args.quick, logs))
    table = render(outcomes, args.quick, started, load)
    print(table, end="")
    if args.out:
        args.out.write_text(table, encoding="utf-8")
    if args.readme and not write_readme(table):
        print("scripts/bench: README.md has no bench markers", file=sys.stderr)
    print(
        f"scripts/bench: done in {time.perf_counter() - wall:.0f} s; logs in {logs}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
