"""Latency (device change → Home Assistant state) and politeness per device type.

One Home Assistant with one device of each type, added through the config flow, plus an ATEN on
Engine.IO 3 framing (when the emulator has a switch for it) and a second Ultra Stream whose probe
is slowed to 60 s so that its Bluetooth advertisements alone carry the change. The emulators run
on Home Assistant's event loop (in-process, 127.0.0.1, free ports); a meter in front of each counts
what the device receives.

1. At rest: nothing changes for a window in real time (all devices at once), then for simulated
   minutes (``common.advance_polls``: Home Assistant's polling timers advanced in 1 s steps, the
   way the harness's ``async_fire_time_changed`` does it) so that the slow polling tiers come
   round too; the meters count.
2. Activity: each device type's change is made again and again (all types at once, each on its
   own device) and the time until Home Assistant's state shows it is measured, in real time;
   the meters count over that window too.
3. Expiry: every device expires its sessions once; the logins it costs over 5 simulated minutes.

Latency is real time only: firing timers early would shorten exactly what is measured.

    .venv/bin/python -m benchmarks.suite.rooms [--quick]
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, replace
import random
import socket
import struct
import time
from typing import Any

from .common import (
    Collected,
    Meter,
    Row,
    Window,
    add_through_flow,
    advance_polls,
    fast_interval,
    find_entities,
    fmt_ms,
    home_assistant,
    median,
    percentile,
    section_main,
    state_latency,
    wait_loaded,
)
from .devices import ANCHORS, KINDS, TITLES

SECTION = "Latency"
POLITE = "Politeness"
PUSH_TARGET = "median < 50 ms, p95 < 100 ms"
ULTRA_TARGET = "median < 1.5 s at ≤ 1 probe/s"
PROBE_QUERY = r"method=ping\b"
EXPIRY_MINUTES = 5  # every polling tier of every type comes round at least once
# Switches an ATEN emulator may offer for Socket.IO 2.x firmware (Engine.IO 3 framing).
# Real Engine.IO 3 first; "legacy_socketio" only makes the handshake answer in the old framing.
EIO3_SWITCHES = ("eio3", "engineio3", "legacy_socketio")


@dataclass
class Device:
    """One emulated device in the benchmark's Home Assistant."""

    key: str
    emulator: Any
    meter: Meter
    entry: Any = None
    setup: Window | None = None


async def _try_start(key: str, index: int, probe: str | None) -> Device | None:
    """Start a device; on failure say so and go on without it (its rows become n/a)."""
    try:
        return await _start(key, index, probe=probe)
    except Exception as err:  # noqa: BLE001
        print(f"rooms: the {key} emulator did not start: {err!r}", flush=True)
        return None


def _absent(key: str) -> Device:
    """Return a stand-in for a device that could not be started (never set up)."""
    return Device(key, None, Meter(key))


async def _start(key: str, index: int, *, probe: str | None = None) -> Device:
    emulator = KINDS[key].make(index)
    meter = Meter(key, probe).attach(emulator)
    await emulator.start()
    return Device(key, emulator, meter)


def _eio3_switch(emulator: Any) -> str | None:
    for name in EIO3_SWITCHES:
        if isinstance(getattr(emulator, name, None), bool):
            return name
    if getattr(emulator, "engineio_version", None) is not None:
        return "engineio_version"
    return None


async def _add(hass: Any, device: Device) -> None:
    kind = KINDS[device.key]
    start = device.meter.mark()
    device.entry = await add_through_flow(
        hass, device.key, kind.form(device.emulator), kind.picks(device.emulator)[0]
    )
    await wait_loaded(hass, device.entry)
    await hass.async_block_till_done()
    device.setup = device.meter.since(start)


def _advertisement(serial: str, mask: int) -> Any:
    """Return an Ultra Stream advertisement carrying a status mask (doc §7.3 layout)."""
    from bleak.backends.device import BLEDevice
    from bleak.backends.scanner import AdvertisementData
    from homeassistant.components.bluetooth import BluetoothServiceInfoBleak

    from custom_components.proav.devices.magewell_ultra_stream import ble

    no_ip = socket.inet_aton("0.0.0.0")
    data = b"\x08\x08\x01\x01\x00" + struct.pack("<I", mask) + no_ip + no_ip
    address = "70:B3:D5:75:D5:FE"
    advertisement = AdvertisementData(
        local_name=serial,
        manufacturer_data={0x2935: data},
        service_data={},
        service_uuids=[ble.SERVICE_UUID],
        tx_power=-127,
        rssi=-60,
        platform_data=(),
    )
    return BluetoothServiceInfoBleak(
        name=serial,
        address=address,
        rssi=-60,
        manufacturer_data=advertisement.manufacturer_data,
        service_data={},
        service_uuids=advertisement.service_uuids,
        source="local",
        device=BLEDevice(address, serial, {}, -60),
        advertisement=advertisement,
        connectable=True,
        time=time.monotonic(),
        tx_power=-127,
    )


@dataclass
class Trial:
    """How one update path is exercised."""

    label: str
    device: Device
    platform: str
    unique_id: str
    change: Callable[[int], Awaitable[None] | None]
    count: int
    timeout: float
    gap: tuple[float, float] = (0.05, 0.15)  # random pause between changes (phase vs. polls)


@dataclass
class Outcome:
    """What one trial series measured."""

    trial: Trial
    samples: list[float | None]
    window: Window | None
    interval: float | None
    why: str = ""


async def _run_trial(hass: Any, trial: Trial) -> Outcome:
    device = trial.device
    interval = fast_interval(device.entry) if device.entry is not None else None
    if device.entry is None:
        return Outcome(trial, [], None, interval, "not set up")
    entities = find_entities(hass, device.entry, trial.platform, trial.unique_id)
    if not entities:
        return Outcome(
            trial, [], None, interval, f"no {trial.platform} entity matching {trial.unique_id}"
        )
    start = device.meter.mark()
    samples: list[float | None] = []
    for n in range(trial.count):
        await asyncio.sleep(random.uniform(*trial.gap))
        samples.append(
            await state_latency(hass, entities, lambda n=n: trial.change(n), trial.timeout)
        )
    return Outcome(trial, samples, device.meter.since(start), interval)


async def _ultra_slow_probe(hass: Any, device: Device) -> None:
    """Slow the second box's probe to 60 s: its advertisements alone carry changes."""
    entry = device.entry
    options = {**entry.options, "ultra_stream_probe_interval": 60}
    hass.config_entries.async_update_entry(entry, options=options)
    await asyncio.sleep(0.5)
    await hass.async_block_till_done()
    await wait_loaded(hass, entry)


async def _wait_push(device: Device, limit: float = 15) -> None:
    """Wait until the ATEN's push channel is connected (best effort)."""
    push = getattr(getattr(device.entry.runtime_data, "coordinator", None), "push", None)
    waiter = getattr(push, "async_wait_connected", None)
    try:
        if waiter is not None:
            await asyncio.wait_for(waiter(), limit)
        else:  # no way to ask: give the channel a few seconds
            await asyncio.sleep(3)
    except TimeoutError:
        pass
    await asyncio.sleep(1)


def _latency_rows(out: Collected, outcome: Outcome, path: str) -> None:
    trial = outcome.trial
    what = f"{trial.label}: device change → HA state"
    polled = path == "poll"
    if polled:
        interval = outcome.interval
        target = (
            f"every change within one fast interval ({interval:.0f} s, +0.5 s for the request)"
            if interval
            else "within one fast interval"
        )
    else:
        target = ULTRA_TARGET if path in ("probe", "ble") else PUSH_TARGET
    if outcome.why:
        out.na(what, outcome.why, target)
        return
    got = [s for s in outcome.samples if s is not None]
    missed = len(outcome.samples) - len(got)
    if not got:
        out.add(what, f"no change seen in {len(outcome.samples)} tries", target, False)
        return
    med, p95, worst = median(got), percentile(got, 0.95), max(got)
    figure = f"median {fmt_ms(med)}, p95 {fmt_ms(p95)}, max {fmt_ms(worst)} (n={len(got)}"
    figure += f", {missed} not seen)" if missed else ")"
    if path == "push":
        ok = med < 0.05 and p95 < 0.1
    elif path in ("probe", "ble"):
        window = outcome.window
        if path == "probe" and window is not None:
            figure += f"; {window.probes} probes in {window.seconds:.0f} s"
        # A window of s seconds holds at most s + 1 probes at one a second.
        ok = med < 1.5 and (
            path == "ble" or (window is not None and window.probes <= window.seconds + 1)
        )
    else:
        ok = outcome.interval is not None and worst <= outcome.interval + 0.5
    out.add(what, figure, target, ok and not missed)


def _setup_row(out: Collected, device: Device) -> None:
    what = (
        f"{TITLES[device.key]}, adding it (config flow + first reads): "
        "requests · new TCP connections · logins · max in flight"
    )
    target = "≤ 1 request in flight"
    window = device.setup
    if window is None:
        out.na(what, "not measured", target)
        return
    figure = (
        f"{window.requests} requests · {window.connections} connections · {window.logins} logins · "
        f"max {window.max_in_flight} in flight, in {window.seconds:.1f} s"
    )
    if window.refused_logins:
        figure += f" (+{window.refused_logins} refused login attempts)"
    out.add(what, figure, target, window.max_in_flight <= 1)


def _expiry_row(out: Collected, device: Device, window: Window | None) -> None:
    what = (
        f"{TITLES[device.key]}, after the device expires every session "
        f"({EXPIRY_MINUTES} simulated minutes): logins · requests"
    )
    target = "≤ 1 login (one per expiry)"
    if window is None:
        out.na(what, "not measured", target)
        return
    figure = f"{window.logins} logins · {window.requests} requests"
    if window.refused_logins:
        figure += f" (+{window.refused_logins} refused login attempts)"
    out.add(what, figure, target, window.logins <= 1)


def _politeness_row(
    out: Collected, device: Device, phase: str, window: Window | None, *, rest: bool
) -> None:
    title = TITLES[device.key]
    what = (
        f"{title}, {phase}: requests/min · new TCP connections/min · logins/h · "
        "max requests in flight · sessions held at the end"
    )
    targets = ["≤ 1 request in flight", "no login after start (none expired)"]
    if device.key == "poly_videoos" and rest:
        targets.insert(0, "≤ 6 req/min on one kept-alive connection")
    target = "; ".join(targets)
    if anchor := ANCHORS.get(device.key):
        target += f". Anchor: {anchor}"
    if window is None or not window.seconds:
        out.na(what, "not measured", target)
        return
    held = window.held
    per_min = window.per_minute(window.requests)
    conns = window.per_minute(window.connections)
    logins_h = window.logins * 3600 / window.seconds
    figure = (
        f"{per_min:.1f} req/min · {conns:.1f} conn/min · {logins_h:.0f} logins/h "
        f"({window.logins} in {window.seconds:.0f} s) · max {window.max_in_flight} in flight · "
        f"{held} held"
    )
    if window.refused_logins:
        figure += f" (+{window.refused_logins} refused login attempts)"
    if window.push_requests:
        figure += f" (+{window.push_requests} push channel requests)"
    ok = window.max_in_flight <= 1 and window.logins == 0
    if device.key == "poly_videoos" and rest:
        ok = ok and per_min <= 6 and window.connections <= 1
    out.add(what, figure, target, ok)


async def _simulated_window(
    hass: Any, devices: dict[str, Device], minutes: int, phase: str
) -> dict[str, Window]:
    """Advance Home Assistant's polling timers by ``minutes``; return what each device received."""
    marks = {key: device.meter.mark() for key, device in devices.items()}
    try:
        await advance_polls(hass, minutes * 60)
    except Exception as err:  # noqa: BLE001
        print(f"rooms: {phase} failed: {err!r}", flush=True)
        return {}
    return {
        key: replace(devices[key].meter.since(mark), seconds=minutes * 60)
        for key, mark in marks.items()
    }


async def run(quick: bool) -> list[Row]:
    """Measure latency and politeness; return the rows."""
    out = Collected(SECTION)
    polite = Collected(POLITE)
    rest_seconds = 15 if quick else 120
    simulated_minutes = 15 if quick else 60
    push_n, ultra_n, polled_n = (20, 5, 3) if quick else (100, 20, 10)
    keys = ("aten_vp2730", "magewell_ultra_stream", "presentation_receiver", "poly_videoos")
    devices: dict[str, Device] = {}
    extra: dict[str, Device] = {}
    switch: str | None = None
    try:
        for key in (*keys, "exacqvision"):
            probe = PROBE_QUERY if key == "magewell_ultra_stream" else None
            if (device := await _try_start(key, 0, probe)) is not None:
                devices[key] = device
        try:
            aten3 = KINDS["aten_vp2730"].make(1)
            switch = _eio3_switch(aten3)
            if switch is not None:
                setattr(aten3, switch, 3 if switch == "engineio_version" else True)
                meter = Meter("aten_vp2730").attach(aten3)
                await aten3.start()
                extra["aten_eio3"] = Device("aten_vp2730", aten3, meter)
        except Exception as err:  # noqa: BLE001
            print(f"rooms: the Engine.IO 3 ATEN did not start: {err!r}", flush=True)
        if (device := await _try_start("magewell_ultra_stream", 1, PROBE_QUERY)) is not None:
            extra["ultra_ble"] = device
        async with home_assistant() as hass:
            await _measure(
                hass,
                devices,
                extra,
                out,
                polite,
                rest_seconds,
                push_n,
                ultra_n,
                polled_n,
                switch,
                simulated_minutes,
            )
    finally:
        for device in [*devices.values(), *extra.values()]:
            with suppress(Exception):
                await device.emulator.stop()
    return out.rows + polite.rows


async def _measure(
    hass: Any,
    devices: dict[str, Device],
    extra: dict[str, Device],
    out: Collected,
    polite: Collected,
    rest_seconds: float,
    push_n: int,
    ultra_n: int,
    polled_n: int,
    switch: str | None,
    simulated_minutes: int,
) -> None:
    for name, device in [*devices.items(), *extra.items()]:
        try:
            await _add(hass, device)
        except Exception as err:  # noqa: BLE001
            print(f"rooms: {name} not added: {err}", flush=True)
    if (ble := extra.get("ultra_ble")) and ble.entry is not None:
        try:
            await _ultra_slow_probe(hass, ble)
        except Exception as err:  # noqa: BLE001
            print(f"rooms: Ultra Stream probe not slowed: {err}", flush=True)
    for device in (devices.get("aten_vp2730"), extra.get("aten_eio3")):
        if device is not None and device.entry is not None:
            await _wait_push(device)
    await hass.async_block_till_done()

    # 1. At rest: in real time, then simulated minutes (every polling tier comes round).
    marks = {key: device.meter.mark() for key, device in devices.items()}
    await asyncio.sleep(rest_seconds)
    rest = {key: devices[key].meter.since(mark) for key, mark in marks.items()}
    simulated = await _simulated_window(hass, devices, simulated_minutes, "simulated rest")

    # 2. Activity: every path at once, each on its own device.
    trials = _trials(devices, extra, push_n, ultra_n, polled_n, hass)
    outcomes = await asyncio.gather(
        *(_run_trial(hass, trial) for trial, _path in trials), return_exceptions=True
    )
    for (trial, path), outcome in zip(trials, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            out.na(f"{trial.label}: device change → HA state", f"failed: {outcome!r}"[:120])
        else:
            _latency_rows(out, outcome, path)
    if switch is None:
        out.na(
            "ATEN VP2730 push on Engine.IO 3 (Socket.IO 2.x firmware): device change → HA state",
            "the emulator has no Engine.IO 3 switch",
            PUSH_TARGET,
        )
    # 3. One session expiry on every device: logins until every polling tier came round.
    for device in devices.values():
        device.emulator.expire_sessions()
    expiry = await _simulated_window(hass, devices, EXPIRY_MINUTES, "the expiry phase")
    activity = {
        trial.device.key: outcome.window
        for (trial, _path), outcome in zip(trials, outcomes, strict=True)
        if not isinstance(outcome, BaseException) and trial.device is devices.get(trial.device.key)
    }
    for key in KINDS:
        device = devices.get(key)
        if device is None or device.entry is None:
            polite.na(f"{TITLES[key]}: politeness", "the device could not be started or added")
            continue
        _setup_row(polite, device)
        _politeness_row(
            polite, device, f"at rest ({rest_seconds:.0f} s real time)", rest[key], rest=True
        )
        _politeness_row(
            polite,
            device,
            f"at rest ({simulated_minutes} simulated minutes: Home Assistant's timers advanced "
            "in 1 s steps)",
            simulated.get(key),
            rest=True,
        )
        _politeness_row(polite, device, "during activity", activity.get(key), rest=False)
        _expiry_row(polite, device, expiry.get(key))


def _trials(
    devices: dict[str, Device],
    extra: dict[str, Device],
    push_n: int,
    ultra_n: int,
    polled_n: int,
    hass: Any,
) -> list[tuple[Trial, str]]:
    trials: list[tuple[Trial, str]] = []
    aten = devices.get("aten_vp2730") or _absent("aten_vp2730")

    def volume(device: Device) -> Callable[[int], Awaitable[None]]:
        return lambda n: device.emulator.set_audio("outputs", "ALL", volume=11 + (n * 37) % 80)

    trials.append(
        (
            Trial(
                "ATEN VP2730 push (Socket.IO 4 / Engine.IO 4)",
                aten,
                "number",
                r"volume",
                volume(aten),
                push_n,
                5,
            ),
            "push",
        )
    )
    if (aten3 := extra.get("aten_eio3")) is not None:
        interval = (fast_interval(aten3.entry) or 15) if aten3.entry else 15
        trials.append(
            (
                Trial(
                    "ATEN VP2730 push on Engine.IO 3 (Socket.IO 2.x firmware)",
                    aten3,
                    "number",
                    r"volume",
                    volume(aten3),
                    max(2, polled_n // 2),
                    interval * 2 + 5,
                    (0.5, 2.0),
                ),
                "push",
            )
        )
    ultra = devices.get("magewell_ultra_stream") or _absent("magewell_ultra_stream")
    trials.append(
        (
            Trial(
                "Ultra Stream fast probe",
                ultra,
                "switch",
                r"(^|_)[0-9A-Z]+_recording$",
                lambda _n: ultra.emulator.press_rec(),
                ultra_n,
                10,
                (0.5, 2.5),
            ),
            "probe",
        )
    )
    if (ble := extra.get("ultra_ble")) is not None:
        from homeassistant.components.bluetooth import async_get_advertisement_callback

        def advertise(_n: int) -> None:
            box = ble.emulator
            box.press_rec()
            serial = ble.entry.unique_id if ble.entry else ""
            async_get_advertisement_callback(hass)(_advertisement(serial, box.cur_status()))

        trials.append(
            (
                Trial(
                    "Ultra Stream Bluetooth advertisement (probe slowed to 60 s)",
                    ble,
                    "switch",
                    r"(^|_)[0-9A-Z]+_recording$",
                    advertise,
                    ultra_n,
                    10,
                    (0.3, 0.6),
                ),
                "ble",
            )
        )
    receiver = devices.get("presentation_receiver") or _absent("presentation_receiver")

    def share(n: int) -> None:
        if n % 2 == 0:
            receiver.emulator.start_sharing()
        else:
            receiver.emulator.stop_sharing()

    poly = devices.get("poly_videoos") or _absent("poly_videoos")

    def call(n: int) -> None:
        if n % 2 == 0:
            poly.emulator.incoming_call("sip:alex@example.com", "Alex Example")
            poly.emulator.answer_call()
        else:
            poly.emulator.end_call()

    exacq = devices.get("exacqvision") or _absent("exacqvision")
    try:
        server = next(iter(exacq.emulator.servers.values()))
        camera = next(iter(server.cameras))
    except (AttributeError, StopIteration):
        server, camera = None, "none"

    def record(n: int) -> None:
        exacq.emulator.set_camera(server, camera, recording=n % 2 == 1)

    for label, device, platform, unique_id, change in (
        ("Presentation receiver poll", receiver, "binary_sensor", r"_sharing$", share),
        ("Poly VideoOS poll", poly, "binary_sensor", r"_in_call$", call),
        ("exacqVision poll", exacq, "binary_sensor", rf"{camera}.*_recording$", record),
    ):
        interval = (fast_interval(device.entry) or 60) if device.entry else 60
        trials.append(
            (
                Trial(
                    label,
                    device,
                    platform,
                    unique_id,
                    change,
                    polled_n,
                    interval * 2 + 5,
                    (0.2, min(3.0, interval)),
                ),
                "poll",
            )
        )
    return trials


def main() -> None:
    """Run the section and print its rows."""
    section_main(run)


if __name__ == "__main__":
    main()
