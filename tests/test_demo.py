"""The demo a newcomer runs (scripts/develop): emulators + Home Assistant, every type set up.

One test runs the demo as a user would: start it, use it (dashboard, Assist), restart Home
Assistant from inside it, stop it, start it again on the same config folder, stop it again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
import contextlib
import importlib.metadata
import importlib.util
import json
from pathlib import Path
import random
import re
import signal
import socket
import sys
import sysconfig
from types import ModuleType
from typing import Any

import aiohttp
from packaging.requirements import Requirement
import pytest

REPO = Path(__file__).resolve().parent.parent
KEYS = {
    "aten_vp2730",
    "magewell_ultra_stream",
    "presentation_receiver",
    "exacqvision",
    "poly_videoos",
}
READY = "Pro AV demo ready"


def _free_run(count: int) -> int:
    """Return the first of ``count`` consecutive free ports below the ephemeral range.

    The demo's ports must stay free across its restarts: an ephemeral port (what binding port 0
    gives) could be taken by any outgoing connection meanwhile.
    """
    while True:
        first = random.randrange(20000, 32000 - count)
        try:
            for port in range(first, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first


def _demo_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("proav_demo", REPO / "scripts" / "demo.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _card_entities(config: dict[str, Any]) -> Iterator[str]:
    for view in config["views"]:
        for section in view["sections"]:
            for card in section["cards"]:
                if "entity" in card:
                    yield card["entity"]


def _installed() -> dict[str, str]:
    """Return the virtualenv's packages and their versions."""
    site = sysconfig.get_paths()["purelib"]
    return {
        dist.metadata["Name"].lower(): dist.version
        for dist in importlib.metadata.distributions(path=[site])
    }


def _unmet_requirements(demo: ModuleType, components: list[str]) -> list[str]:
    """Return the requirements of the loaded integrations that the environment does not meet.

    Home Assistant runs with --skip-pip, so an integration whose packages are missing would fail
    or half-work instead of installing them: the demo must load none.
    """
    spec = importlib.util.find_spec("homeassistant")
    assert spec is not None
    assert spec.submodule_search_locations is not None
    core = Path(spec.submodule_search_locations[0]) / "components"
    frontend = demo.DEPS / demo.frontend_requirement().replace("==", "-")
    paths = [sysconfig.get_paths()["purelib"], str(frontend)]
    unmet = []
    for domain in sorted({component.split(".")[0] for component in components}):
        manifest = core / domain / "manifest.json"
        if domain == "proav":
            manifest = REPO / "custom_components" / "proav" / "manifest.json"
        for requirement in json.loads(manifest.read_text()).get("requirements", []):
            wanted = Requirement(requirement)
            found = [
                d.version for d in importlib.metadata.distributions(name=wanted.name, path=paths)
            ]
            if not found or not wanted.specifier.contains(found[0], prereleases=True):
                unmet.append(f"{domain}: {requirement} (found {found})")
    return unmet


class DemoRun:
    """scripts/demo.py running in a subprocess, its console collected line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        """Start reading the console."""
        self.process = process
        self.output: list[str] = []
        self.ready = asyncio.Condition()
        self.ready_lines: list[int] = []  # indexes of the ready lines in output
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, config: Path, port: int, base_port: int) -> DemoRun:
        """Start the demo on these ports, its devices idle (--no-activity)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(REPO / "scripts" / "demo.py"),
            "--config",
            str(config),
            "--port",
            str(port),
            "--base-port",
            str(base_port),
            "--no-activity",
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        return cls(process)

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := (await self.process.stdout.readline()).decode(errors="replace"):
            self.output.append(line.rstrip("\n"))
            if line.startswith(READY):
                async with self.ready:
                    self.ready_lines.append(len(self.output) - 1)
                    self.ready.notify_all()
        async with self.ready:
            self.ready.notify_all()

    async def wait_ready(self, count: int, limit: float) -> str:
        """Wait for the count-th ready line; return it."""
        try:
            async with asyncio.timeout(limit):
                async with self.ready:
                    await self.ready.wait_for(
                        lambda: len(self.ready_lines) >= count or self.reader.done()
                    )
        except TimeoutError:
            pytest.fail("the demo did not get ready:\n" + "\n".join(self.output[-40:]))
        if len(self.ready_lines) < count:
            pytest.fail("the demo ended:\n" + "\n".join(self.output[-40:]))
        return self.output[self.ready_lines[count - 1]]

    async def stop(self) -> int:
        """Stop the demo as a service manager would (SIGTERM); return its exit code."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(90):
                code = await self.process.wait()
        except TimeoutError:
            self.process.kill()
            code = await self.process.wait()
        await self.reader
        return code


@contextlib.asynccontextmanager
async def _signed_in(demo: ModuleType, url: str) -> Any:
    async with aiohttp.ClientSession() as session:
        provisioner = demo.Provisioner(session, url)
        await provisioner.sign_in()
        yield provisioner


def _log_lines(config: Path) -> list[str]:
    """Return the lines of Home Assistant's logs: this run's and the one before."""
    return [
        line
        for name in ("home-assistant.log.1", "home-assistant.log")
        if (config / name).exists()
        for line in (config / name).read_text().splitlines()
    ]


def _unexpected_errors(demo: ModuleType, log: list[str]) -> list[str]:
    """Return the log's ERROR and CRITICAL lines, but for those the demo expects."""
    return [
        line
        for line in log
        if re.match(r"\S+ \S+ (ERROR|CRITICAL) ", line)
        and not any(text in line for text in demo.EXPECTED_WARNINGS)
    ]


async def _check_first_start(demo: ModuleType, run: DemoRun, config: Path, url: str) -> None:
    """Check that the ready line comes last, after the emulators' accounts and the log's path."""
    ready = await run.wait_ready(1, 240)
    assert ready == f"{READY}: {url}/{demo.DASHBOARD} (user 'demo', password 'proav-demo')"
    printed = run.output[: run.ready_lines[0] + 1]
    assert len(printed) < 25, "\n".join(printed)  # not buried under Home Assistant's log
    assert [line for line in printed if re.match(r"\S+ \S+ (ERROR|CRITICAL) ", line)] == []
    assert f"Home Assistant's log: {config / 'home-assistant.log'}" in printed
    devices = json.loads((config / demo.DEVICES_FILE).read_text())
    assert set(devices) == KEYS
    for key, form in devices.items():
        data = form["data"]
        secret = data.get("password", data.get("api_key"))
        assert any(
            line.startswith(f"  {demo.TITLES[key]} ")
            and f"host 127.0.0.1  port {data['port']}  username {data['username']}" in line
            and str(secret) in line
            for line in printed
        ), key


async def _check_dashboard_and_assist(demo: ModuleType, url: str, config: Path) -> None:
    """Every entry is loaded, the dashboard shows live states, Assist switches a recording on."""
    async with _signed_in(demo, url) as provisioner:
        entries = await provisioner._get_json("/api/config/config_entries/entry?domain=proav")
        assert [entry["state"] for entry in entries] == ["loaded"] * len(KEYS)
        components = (await provisioner._get_json("/api/config"))["components"]
        assert {"conversation", "frontend", "proav"} <= set(components)
        assert _unmet_requirements(demo, components) == []

        async with provisioner.websocket() as call:
            dashboard = await call({"type": "lovelace/config", "url_path": demo.DASHBOARD})
            exposed = await call({"type": "homeassistant/expose_entity/list"})
            registry = await call({"type": "config/entity_registry/list"})
            network = await call({"type": "network"})
        # Only the loopback interface: SSDP neither searches nor advertises on other networks.
        enabled = [adapter for adapter in network["adapters"] if adapter["enabled"]]
        assert enabled
        addresses = [ip["address"] for a in enabled for ip in a["ipv4"] + a["ipv6"]]
        assert all(address.startswith("127.") or address == "::1" for address in addresses)
        assert len(dashboard["views"][0]["sections"]) == len(KEYS)
        entity_ids = list(_card_entities(dashboard))
        assert len(entity_ids) >= 20
        for entity_id in entity_ids:
            state = await provisioner._get_json(f"/api/states/{entity_id}")
            assert state["state"] != "unavailable", entity_id
            assert exposed["exposed_entities"][entity_id]["conversation"], entity_id

        # Voice control: the Ultra Stream's recording switch, by the name the UI shows.
        ultra_stream = json.loads((config / demo.STATE_FILE).read_text())["magewell_ultra_stream"]
        (recording,) = [
            entity["entity_id"]
            for entity in registry
            if entity["config_entry_id"] == ultra_stream
            and entity["entity_id"].startswith("switch.")
            and re.fullmatch(r"[^_]+_recording", entity["unique_id"])  # "<serial>_recording"
        ]
        assert recording in entity_ids
        state = await provisioner._get_json(f"/api/states/{recording}")
        assert state["state"] == "off"
        # The demo installs Pro AV's sentences: "turn on recording" needs no device name.
        result = await provisioner._post_json(
            "/api/conversation/process", {"text": "turn on recording", "language": "en"}
        )
        assert result["response"]["response_type"] == "action_done", result
        assert [target["id"] for target in result["response"]["data"]["success"]] == [recording]
        state = await provisioner._get_json(f"/api/states/{recording}")
        assert state["state"] == "on"  # the device confirmed it before Assist answered


async def _restart_home_assistant(demo: ModuleType, run: DemoRun, url: str) -> None:
    """Restart as from the UI: the demo starts Home Assistant again, the emulators keep running."""
    async with _signed_in(demo, url) as provisioner:
        await provisioner._post_json("/api/services/homeassistant/restart", {})
    ready = await run.wait_ready(2, 120)
    assert ready.startswith(f"{READY} again (Home Assistant restarted): {url}/")
    # Nothing was printed after the first ready line while the demo was in use.
    assert run.output[run.ready_lines[0] + 1] == "Home Assistant is restarting."
    async with _signed_in(demo, url) as provisioner:
        entries = await provisioner._get_json("/api/config/config_entries/entry?domain=proav")
        assert [entry["state"] for entry in entries] == ["loaded"] * len(KEYS)


@pytest.mark.timeout(420)
async def test_demo_starts_restarts_and_starts_again(socket_enabled: None, tmp_path: Path) -> None:
    """Start, use, restart Home Assistant inside, stop, start again: each works, and quietly."""
    demo = _demo_module()
    port = _free_run(7)  # Home Assistant, then the emulators on port + 2 ... port + 6
    base_port = port + 1
    url = f"http://127.0.0.1:{port}"
    packages = _installed()

    run = await DemoRun.start(tmp_path, port, base_port)
    try:
        await _check_first_start(demo, run, tmp_path, url)
        await _check_dashboard_and_assist(demo, url, tmp_path)
        await _restart_home_assistant(demo, run, url)
    finally:
        code = await run.stop()
    assert code == 0, "\n".join(run.output[-40:])

    # Both stops (the restart's and the demo's) left no error of the integration's in the log,
    # nor did anything else, and Home Assistant installed nothing (it runs with --skip-pip).
    log = _log_lines(tmp_path)
    assert sum("Home Assistant initialized in" in line for line in log) == 2
    assert [line for line in log if re.search(r" (ERROR|CRITICAL) .*proav", line)] == []
    assert _unexpected_errors(demo, log) == []
    assert [line for line in log if "Attempting install" in line] == []

    # Started again on the same config folder: already onboarded, nothing added twice.
    run = await DemoRun.start(tmp_path, port, base_port)
    try:
        await run.wait_ready(1, 180)
        async with _signed_in(demo, url) as provisioner:
            entries = await provisioner._get_json("/api/config/config_entries/entry?domain=proav")
        assert [entry["state"] for entry in entries] == ["loaded"] * len(KEYS)
    finally:
        code = await run.stop()
    assert code == 0, "\n".join(run.output[-40:])
    log = (tmp_path / "home-assistant.log").read_text().splitlines()
    assert _unexpected_errors(demo, log) == []
    assert _installed() == packages


def test_reset_keeps_the_configuration_and_the_downloads(tmp_path: Path) -> None:
    """--reset empties the config folder but for configuration.yaml (of the checkout) and deps/."""
    demo = _demo_module()
    for name in (".storage/auth", "deps/frontend/x", "home-assistant.log", demo.STATE_FILE):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    (tmp_path / "configuration.yaml").write_text("http:\n")
    demo.reset_config(tmp_path)
    # A config folder of its own: configuration.yaml was written by the demo and is again.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["deps"]
    assert (tmp_path / "deps" / "frontend" / "x").exists()
