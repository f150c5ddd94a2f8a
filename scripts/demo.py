"""The Pro AV demo: five emulated devices and a Home Assistant that uses them.

    .venv/bin/python scripts/demo.py [--config config] [--port 8123] [--base-port 18100]
                                     [--no-activity] [--reset] [--no-demo]

1. Starts the device emulators (``python -m tests.emulators --all``) on 127.0.0.1.
2. Starts Home Assistant with this checkout's integration from the config folder, with
   ``--skip-pip``: it installs nothing into the virtualenv. Its frontend, the one package the demo
   needs beyond the pinned test stack, is installed once into ``config/deps`` (outside the
   virtualenv), in the version Home Assistant's own manifest asks for. The demo's Home Assistant
   uses the loopback interface only (no SSDP on the machine's other networks).
3. Makes it ready through its public HTTP and WebSocket APIs: onboards it with a demo user (or
   signs in as that user when it was onboarded before; the onboarding step that would add Met,
   Radio Browser and others, which need more packages, is marked done beforehand), adds one Pro AV
   entry per device type through the normal config flow, saves the "Pro AV" dashboard with a
   section per device type and exposes the dashboard's entities to Assist.
4. Prints the emulators' accounts, where Home Assistant's log is, and last the address, user and
   password; then runs until interrupted (Ctrl+C or SIGTERM stop Home Assistant, then the
   emulators). Home Assistant's console shows only its warnings and errors; the whole log is
   ``<config>/home-assistant.log``. When Home Assistant restarts (from its UI, or the
   ``homeassistant.restart`` action) it exits with code 100: the demo starts it again and keeps
   the emulators.

``--reset`` starts afresh: it deletes everything in the config folder except
``configuration.yaml`` and ``deps/`` first. ``--no-demo`` runs Home Assistant alone (no emulators,
no provisioning) for real devices. Other arguments go to Home Assistant (``--debug`` ...).
"""

from __future__ import annotations

import argparse
import asyncio
from asyncio.subprocess import Process
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
import importlib.util
import json
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import sys
from typing import Any

import aiohttp

USER, PASSWORD, NAME = "demo", "proav-demo", "Demo"
CLIENT_ID = "http://127.0.0.1:8123/"
DASHBOARD = "proav-demo"
DEVICES_FILE = ".proav_demo_devices.json"  # the form values the emulators wrote
STATE_FILE = ".proav_demo_entries.json"  # device type key -> entry id, so a re-run adds nothing
LOG_FILE = "home-assistant.log"  # Home Assistant's own log file, in the config folder
RESTART_EXIT_CODE = 100  # homeassistant.const.RESTART_EXIT_CODE
# What Home Assistant says at every start of this demo, as expected: not worth a newcomer's look
# (they stay in its log file).
EXPECTED_WARNINGS = (
    "We found a custom integration proav which has not been tested by Home Assistant",
    "Skipping pip installation of required modules",
    # Optional speed-ups that are not part of the pinned stack: zlib_ng/isal, and the system
    # library libturbojpeg (Debian's libturbojpeg0) for camera snapshots.
    "zlib_ng and isal are not available",
    "Error loading libturbojpeg",
    # Newer Home Assistant probes the ffmpeg program (Debian's ffmpeg) at start; the demo does
    # not need it.
    "[haffmpeg.core] FFmpeg fails",
)

# The controls shown first for each device type: (platform, unique id suffix).
MAIN_CONTROLS: dict[str, list[tuple[str, str]]] = {
    "aten_vp2730": [
        ("media_player", ""),
        ("select", "_profile"),
        ("switch", "_go_live"),
        ("select", "_video_source"),
        ("binary_sensor", "_sharing"),
        ("sensor", "_participants"),
        ("switch", "_audio_mute"),
    ],
    "magewell_ultra_stream": [
        ("switch", "_recording"),
        ("switch", "_streaming"),
        ("binary_sensor", "_input_signal"),
        ("sensor", "_recording_duration"),
        ("sensor", "_streaming_bitrate"),
    ],
    "presentation_receiver": [
        ("sensor", "_status"),
        ("binary_sensor", "_sharing"),
        ("sensor", "_login_code"),
        ("switch", "_remote_view"),
        ("update", "_firmware"),
    ],
    "exacqvision": [
        ("button", "_soft_trigger"),
        ("switch", "_soft_trigger_hold"),
        ("select", "_ptz_preset"),
        ("binary_sensor", "_recording"),
        ("camera", ""),
    ],
    "poly_videoos": [
        ("media_player", ""),
        ("binary_sensor", "_in_call"),
        ("switch", "_microphone_mute"),
        ("switch", "_video_mute"),
        ("select", "_camera_preset"),
        ("button", "_hang_up"),
        ("camera", "_snapshot"),
        ("binary_sensor", "_content_sharing"),
    ],
}
TITLES = {
    "aten_vp2730": "ATEN VP2730",
    "magewell_ultra_stream": "Magewell Ultra Stream",
    "presentation_receiver": "Presentation receiver",
    "exacqvision": "exacqVision",
    "poly_videoos": "Poly VideoOS",
}


class Provisioner:
    """Talks to one Home Assistant instance."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Remember where Home Assistant is."""
        self.session = session
        self.url = url.rstrip("/")
        self.token = ""

    @property
    def headers(self) -> dict[str, str]:
        """Return the authorization header."""
        return {"Authorization": f"Bearer {self.token}"}

    async def wait_until_up(self, limit: float = 300, *, onboarded: bool = False) -> None:
        """Wait until the HTTP API answers.

        Before onboarding, ``/api/onboarding`` answers 200 once it is set up; once onboarded,
        Home Assistant drops that view and it answers 404 (``onboarded`` says which to expect:
        on a fresh start a 404 only means that onboarding is not set up yet).
        """
        async with asyncio.timeout(limit):
            while True:
                with contextlib.suppress(aiohttp.ClientError):
                    async with self.session.get(f"{self.url}/api/onboarding") as response:
                        if response.status == 200 or (onboarded and response.status == 404):
                            return
                await asyncio.sleep(0.5)

    async def wait_until_running(self, limit: float = 300) -> dict[str, Any]:
        """Wait until Home Assistant has started (every integration set up or given up).

        Returns its configuration (``/api/config``).
        """
        async with asyncio.timeout(limit):
            while True:
                with contextlib.suppress(aiohttp.ClientError, ValueError):
                    async with self.session.get(
                        f"{self.url}/api/config", headers=self.headers
                    ) as response:
                        if response.status == 200:
                            config: dict[str, Any] = await response.json()
                            if config["state"] == "RUNNING":
                                return config
                await asyncio.sleep(0.5)

    async def wait_until_loaded(self, limit: float = 120) -> list[dict[str, Any]]:
        """Wait until every Pro AV entry is loaded; return the entries."""
        entries: list[dict[str, Any]] = []
        try:
            async with asyncio.timeout(limit):
                while True:
                    entries = await self._get_json("/api/config/config_entries/entry?domain=proav")
                    if all(entry["state"] == "loaded" for entry in entries):
                        return entries
                    await asyncio.sleep(0.5)
        except TimeoutError:
            states = {entry["title"]: entry["state"] for entry in entries}
            raise RuntimeError(f"Pro AV entries not loaded: {states}") from None

    async def sign_in(self) -> None:
        """Onboard with the demo user, or sign in as it."""
        async with self.session.get(f"{self.url}/api/onboarding") as response:
            if response.status == 404:  # onboarded: Home Assistant no longer offers the steps
                steps = dict.fromkeys(("user", "core_config", "analytics", "integration"), True)
            else:
                response.raise_for_status()
                steps = {step["step"]: step["done"] for step in await response.json()}
        if not steps.get("user"):
            code = await self._post_json(
                "/api/onboarding/users",
                {
                    "client_id": CLIENT_ID,
                    "name": NAME,
                    "username": USER,
                    "password": PASSWORD,
                    "language": "en",
                },
                auth=False,
            )
            await self._exchange(code["auth_code"])
        else:
            await self._login()
        for step, body in (
            ("core_config", {}),
            ("analytics", {}),
            ("integration", {"client_id": CLIENT_ID, "redirect_uri": CLIENT_ID}),
        ):
            if not steps.get(step):
                await self._post_json(f"/api/onboarding/{step}", body)

    async def _login(self) -> None:
        flow = await self._post_json(
            "/auth/login_flow",
            {"client_id": CLIENT_ID, "handler": ["homeassistant", None], "redirect_uri": CLIENT_ID},
            auth=False,
        )
        result = await self._post_json(
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": CLIENT_ID, "username": USER, "password": PASSWORD},
            auth=False,
        )
        await self._exchange(result["result"])

    async def _exchange(self, code: str) -> None:
        async with self.session.post(
            f"{self.url}/auth/token",
            data={"grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID},
        ) as response:
            response.raise_for_status()
            self.token = (await response.json())["access_token"]

    async def _post_json(self, path: str, body: Any, *, auth: bool = True) -> Any:
        async with self.session.post(
            f"{self.url}{path}", json=body, headers=self.headers if auth else None
        ) as response:
            if response.status >= 400:
                raise RuntimeError(f"{path}: {response.status} {await response.text()}")
            return await response.json()

    async def _get_json(self, path: str) -> Any:
        async with self.session.get(f"{self.url}{path}", headers=self.headers) as response:
            response.raise_for_status()
            return await response.json()

    async def add_devices(
        self, devices: dict[str, dict[str, Any]], state_file: Path
    ) -> dict[str, str]:
        """Add an entry per device type through the config flow; return key -> entry id."""
        entries = await self._get_json("/api/config/config_entries/entry?domain=proav")
        existing = {entry["entry_id"] for entry in entries}
        known = json.loads(state_file.read_text()) if state_file.exists() else {}
        added = {key: entry_id for key, entry_id in known.items() if entry_id in existing}
        for key, form in devices.items():
            if key in added:
                continue
            flow = await self._post_json("/api/config/config_entries/flow", {"handler": "proav"})
            path = f"/api/config/config_entries/flow/{flow['flow_id']}"
            result = await self._post_json(path, {"next_step_id": key})
            if result.get("type") == "menu":  # a type that offers a network search first
                result = await self._post_json(path, {"next_step_id": f"{key}_manual"})
            result = await self._post_json(path, form["data"])
            if result.get("step_id") == "pick_device":
                result = await self._post_json(path, {"serial": form["pick"]})
            if result.get("type") == "menu":  # advice to accept (Ultra Stream: a dedicated user)
                result = await self._post_json(path, {"next_step_id": result["menu_options"][0]})
            if result.get("type") != "create_entry":
                raise RuntimeError(f"{key}: the flow did not create an entry: {result}")
            added[key] = result["result"]["entry_id"]
            state_file.write_text(json.dumps(added, indent=2) + "\n")
        return added

    @contextlib.asynccontextmanager
    async def websocket(self) -> AsyncIterator[Callable[[dict[str, Any]], Awaitable[Any]]]:
        """Yield a function that sends one WebSocket command and returns its result."""
        async with self.session.ws_connect(f"{self.url}/api/websocket") as ws:
            await ws.receive_json()
            await ws.send_json({"type": "auth", "access_token": self.token})
            await ws.receive_json()
            ids = iter(range(1, 1_000_000))

            async def call(message: dict[str, Any]) -> Any:
                message_id = next(ids)
                await ws.send_json({"id": message_id, **message})
                while True:
                    answer = await ws.receive_json()
                    if answer.get("id") == message_id:
                        if not answer.get("success"):
                            raise RuntimeError(f"{message['type']}: {answer.get('error')}")
                        return answer["result"]

            yield call

    async def save_dashboard(self, entries: dict[str, str]) -> list[str]:
        """Create the Pro AV dashboard with a section per device type; expose it to Assist.

        Returns the dashboard's entity ids: the main controls of each device type, which are
        also the entities Assist (the ``conversation`` agent) may control and read.
        """
        async with self.websocket() as call:
            registry = await call({"type": "config/entity_registry/list"})
            states = await call({"type": "get_states"})
            devices = await call({"type": "config/device_registry/list"})
            names = short_names(states, registry, devices)
            unavailable = {s["entity_id"] for s in states if s["state"] == "unavailable"}
            registry = [e for e in registry if e["entity_id"] not in unavailable]
            dashboards = await call({"type": "lovelace/dashboards/list"})
            if not any(board["url_path"] == DASHBOARD for board in dashboards):
                await call(
                    {
                        "type": "lovelace/dashboards/create",
                        "url_path": DASHBOARD,
                        "title": "Pro AV",
                        "icon": "mdi:projector-screen",
                        "show_in_sidebar": True,
                        "require_admin": False,
                        "mode": "storage",
                    }
                )
            config = dashboard_config(entries, registry, names)
            await call({"type": "lovelace/config/save", "url_path": DASHBOARD, "config": config})
            entity_ids = [
                card["entity"]
                for view in config["views"]
                for section in view["sections"]
                for card in section["cards"]
                if "entity" in card
            ]
            await call(
                {
                    "type": "homeassistant/expose_entity",
                    "assistants": ["conversation"],
                    "entity_ids": entity_ids,
                    "should_expose": True,
                }
            )
        return entity_ids


def dashboard_config(
    entries: dict[str, str], registry: list[dict[str, Any]], names: dict[str, str]
) -> dict[str, Any]:
    """Return a sections view: per device type, its main controls.

    ``names`` maps entity ids to their names without the device's name (the section says which
    device it is).
    """
    sections = []
    for key, entry_id in entries.items():
        entities = [
            e for e in registry if e["config_entry_id"] == entry_id and not e["disabled_by"]
        ]
        main: list[str] = []
        for platform, suffix in MAIN_CONTROLS[key]:
            main.extend(
                e["entity_id"]
                for e in entities
                if e["entity_id"].startswith(f"{platform}.")
                and e["unique_id"].endswith(suffix)
                and e["entity_id"] not in main
            )
        cameras = [entity_id for entity_id in main if entity_id.startswith("camera.")][:2]
        cards: list[dict[str, Any]] = [{"type": "heading", "heading": TITLES[key]}]
        for entity_id in main:
            if entity_id.startswith("camera."):
                if entity_id in cameras:
                    cards.append({"type": "picture-entity", "entity": entity_id})
            elif entity_id.startswith("media_player."):
                cards.append({"type": "media-control", "entity": entity_id})
            else:
                cards.append({"type": "tile", "entity": entity_id, "name": names[entity_id]})
        sections.append({"type": "grid", "cards": cards[:14]})
    return {
        "views": [{"title": "Pro AV", "path": "proav", "type": "sections", "sections": sections}]
    }


def short_names(
    states: list[dict[str, Any]], registry: list[dict[str, Any]], devices: list[dict[str, Any]]
) -> dict[str, str]:
    """Return each entity's name without its device's name in front."""
    # Entities of sub-devices (an exacqVision camera) keep the device's name: it says which one.
    device_names = {
        d["id"]: d["name_by_user"] or d["name"] or "" for d in devices if not d["via_device_id"]
    }
    device_of = {e["entity_id"]: e["device_id"] for e in registry}
    names = {}
    for state in states:
        name = state["attributes"].get("friendly_name", state["entity_id"])
        prefix = device_names.get(device_of.get(state["entity_id"]) or "", "")
        if prefix and name.startswith(f"{prefix} "):
            name = name[len(prefix) + 1 :]
        names[state["entity_id"]] = name[:1].upper() + name[1:]
    return names


REPO = Path(__file__).resolve().parent.parent
DEPS = REPO / "config" / "deps"  # packages the demo needs beyond the pinned test stack
# Marks the instance as past the onboarding step that sets up Met, Radio Browser, Google Translate
# and the shopping list: they need packages outside the pinned stack (and the internet).
ONBOARDING_STORE = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["core_config"]},
}
# The demo's Home Assistant uses the loopback interface only: without this, SSDP (a dependency of
# the integration, for discovery) would search and advertise on every network the machine is on.
NETWORK_STORE = {
    "version": 1,
    "minor_version": 1,
    "key": "core.network",
    "data": {"configured_adapters": ["lo", "lo0"]},  # Linux, macOS
}
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ (?P<level>[A-Z]+) ")


def reset_config(config: Path) -> None:
    """Delete what Home Assistant and the demo stored; keep configuration.yaml and deps/.

    In a config folder other than this checkout's, configuration.yaml was written by the demo
    from this checkout's and goes too (it is written again).
    """
    if not config.is_dir():
        return
    keep = {"deps"}
    if config.resolve() == (REPO / "config").resolve():
        keep.add("configuration.yaml")
    for path in config.iterdir():
        if path.name in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _prepare_config(config: Path, port: int, *, demo: bool) -> None:
    """Give a new config folder the development configuration, on the wanted port.

    The demo keeps to the loopback interface (unless the network settings were changed in Home
    Assistant); Home Assistant alone (``--no-demo``, for real devices) uses the usual networks.
    """
    config.mkdir(parents=True, exist_ok=True)
    target = config / "configuration.yaml"
    if not target.exists():
        template = (REPO / "config" / "configuration.yaml").read_text()
        template = template.replace("server_port: 8123", f"server_port: {port}")
        target.write_text(template.replace("127.0.0.1:8123", f"127.0.0.1:{port}"))
    # Pro AV's sentences for Assist, as a user installs them (kept up to date with the checkout).
    shutil.copytree(REPO / "custom_sentences", config / "custom_sentences", dirs_exist_ok=True)
    storage = config / ".storage"
    storage.mkdir(exist_ok=True)
    if not (storage / "onboarding").exists():
        (storage / "onboarding").write_text(json.dumps(ONBOARDING_STORE, indent=2) + "\n")
    network = storage / "core.network"
    if demo and not network.exists():
        network.write_text(json.dumps(NETWORK_STORE, indent=2) + "\n")
    elif not demo and network.exists():
        with contextlib.suppress(ValueError):
            if json.loads(network.read_text()) == NETWORK_STORE:
                network.unlink()


def _onboarded(config: Path) -> bool:
    """Return whether the demo user exists already (Home Assistant was onboarded)."""
    with contextlib.suppress(OSError, ValueError, KeyError):
        store = json.loads((config / ".storage" / "onboarding").read_text())
        return "user" in store["data"]["done"]
    return False


def frontend_requirement() -> str:
    """Return the frontend package Home Assistant's frontend integration asks for."""
    spec = importlib.util.find_spec("homeassistant")
    assert spec is not None
    assert spec.submodule_search_locations is not None
    core = Path(spec.submodule_search_locations[0])
    manifest = json.loads((core / "components" / "frontend" / "manifest.json").read_text())
    return str(manifest["requirements"][0])


async def ensure_frontend() -> Path:
    """Install Home Assistant's frontend once into DEPS (not into the virtualenv); return it."""
    requirement = frontend_requirement()
    target = DEPS / requirement.replace("==", "-")
    if (target / "hass_frontend").is_dir():
        return target
    print(f"Installing {requirement} into {target} (once)", flush=True)
    partial = target.with_name(f"{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    if importlib.util.find_spec("pip") is not None:
        installer = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check"]
    else:  # a virtualenv made without pip (the Python 3.14 lane): uv from the main one
        uv = shutil.which("uv") or str(REPO / ".venv" / "bin" / "uv")
        installer = [uv, "pip", "install", "--python", sys.executable]
    process = await asyncio.create_subprocess_exec(
        *installer,
        "--quiet",
        "--no-deps",
        "--target",
        str(partial),
        requirement,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"could not install {requirement}:\n{output.decode(errors='replace')}")
    partial.rename(target)
    return target


_BACKGROUND: set[asyncio.Future[None]] = set()


def _drain(process: Process) -> None:
    """Keep reading a child's output so that it never blocks on a full pipe."""

    async def drain() -> None:
        assert process.stdout is not None
        while await process.stdout.read(65536):
            pass

    task = asyncio.ensure_future(drain())
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


async def _start_emulators(args: argparse.Namespace, devices_file: Path) -> Process:
    """Start the emulators; return once they listen."""
    command = [sys.executable, "-m", "tests.emulators", "--all", "--base-port", str(args.base_port)]
    command += ["--devices-file", str(devices_file)]
    if args.no_activity:
        command.append("--no-activity")
    # Their own session: Ctrl+C reaches the demo only, which stops Home Assistant first.
    process = await asyncio.create_subprocess_exec(
        *command, cwd=REPO, stdout=asyncio.subprocess.PIPE, start_new_session=True
    )
    assert process.stdout is not None
    while line := (await process.stdout.readline()).decode():
        if line.startswith("emulators ready"):
            _drain(process)
            return process
    raise RuntimeError("the emulators did not start")


async def _start_home_assistant(
    config: Path, frontend: Path, extra: list[str]
) -> tuple[Process, asyncio.Task[None]]:
    """Start Home Assistant with this checkout's integration; pass on its warnings and errors.

    Returns the process and the task that reads its console (done when it exits).
    """
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO), str(frontend), os.environ.get("PYTHONPATH")])
        ),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "homeassistant",
        "--config",
        str(config),
        "--skip-pip",
        "--log-no-color",
        *extra,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    return process, asyncio.create_task(_pass_on_warnings(process))


async def _pass_on_warnings(process: Process) -> None:
    """Print Home Assistant's console lines of level WARNING and above (with their tracebacks).

    Lines before the first log line (a crash before logging is set up) are printed too.
    """
    assert process.stdout is not None
    show = True
    while raw := await process.stdout.readline():
        line = raw.decode(errors="replace").rstrip()
        if match := LOG_LINE.match(line):
            show = match["level"] not in ("DEBUG", "INFO") and not any(
                text in line for text in EXPECTED_WARNINGS
            )
        if show:
            print(line, flush=True)


async def _stop(process: Process, limit: float) -> None:
    """Ask a child to stop (SIGTERM); kill it when it does not stop in time."""
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        async with asyncio.timeout(limit):
            await process.wait()
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


def accounts(devices: dict[str, dict[str, Any]]) -> list[str]:
    """Return a line per emulated device: what to type into the config flow to add it by hand."""
    lines = []
    for key, form in devices.items():
        data = form["data"]
        fields = [f"host {data['host']}", f"port {data['port']}"]
        if data.get("ssl"):
            fields.append("https")
        fields += [
            f"{field.replace('_', ' ')} {data[field]}"
            for field in ("username", "password", "api_key")
            if field in data
        ]
        if form.get("pick"):
            fields.append(f"then pick {form['pick']}")
        lines.append(f"  {TITLES.get(key, key):22} {'  '.join(fields)}")
    return lines


async def _provision(
    url: str, config: Path, devices: dict[str, dict[str, Any]], *, first: bool
) -> bool:
    """Sign in and wait until the entries are loaded; return False in safe mode.

    On the demo's start (not after a restart of Home Assistant inside it) also add what is
    missing: the entries, the dashboard and the entities exposed to Assist. In safe mode (a
    restart chosen so in Home Assistant's UI) custom integrations are off: nothing to wait for.
    """
    async with aiohttp.ClientSession() as session:
        provisioner = Provisioner(session, url)
        try:
            await provisioner.wait_until_up(onboarded=_onboarded(config))
            await provisioner.sign_in()
            if (await provisioner.wait_until_running()).get("safe_mode"):
                return False
        except TimeoutError:
            raise RuntimeError(
                f"Home Assistant did not start within 5 minutes; its log: {config / LOG_FILE}"
            ) from None
        entries = await provisioner.add_devices(devices, config / STATE_FILE) if first else {}
        await provisioner.wait_until_loaded()
        if first:
            await provisioner.save_dashboard(entries)
    return True


def _check_port_free(port: int) -> None:
    """Fail early when something (a demo still running?) listens on Home Assistant's port."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(
                f"127.0.0.1:{port} is in use (another demo or Home Assistant still running?)"
            )


def _print_ready(url: str, log: Path, devices: dict[str, dict[str, Any]], *, first: bool) -> None:
    """Print the accounts, the log's path and, last, the ready line."""
    if first and devices:
        print(
            "Emulated devices, to add one by hand (Settings > Devices & services > Add integration):"
        )
        print("\n".join(accounts(devices)))
    print(f"Home Assistant's log: {log}")
    if devices:
        print("Stop: Ctrl+C. Start afresh: scripts/develop --reset.")
        again = "" if first else " again (Home Assistant restarted)"
        where = f"{url}/{DASHBOARD} (user '{USER}', password '{PASSWORD}')"
        print(f"Pro AV demo ready{again}: {where}", flush=True)
    else:
        print("Stop: Ctrl+C.")
        print(f"Home Assistant starting on {url}", flush=True)


async def main() -> None:
    """Run the demo until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=Path, default=REPO / "config")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--base-port", type=int, default=18100)
    parser.add_argument("--no-activity", action="store_true")
    parser.add_argument("--reset", action="store_true", help="start afresh (see above)")
    parser.add_argument("--no-demo", action="store_true", help="Home Assistant alone")
    args, hass_args = parser.parse_known_args()  # the rest goes to Home Assistant (--debug ...)
    # Stopping the demo (Ctrl-C, or SIGTERM from a test or a service manager) stops everything.
    main_task = asyncio.current_task()
    assert main_task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    config = args.config.resolve()
    if args.reset:
        reset_config(config)
    _prepare_config(config, args.port, demo=not args.no_demo)
    url = f"http://127.0.0.1:{args.port}"
    log = config / LOG_FILE
    _check_port_free(args.port)
    processes: list[Process] = []  # stopped in reverse order: Home Assistant first
    try:
        frontend = await ensure_frontend()
        devices: dict[str, dict[str, Any]] = {}
        if not args.no_demo:
            processes.append(await _start_emulators(args, config / DEVICES_FILE))
            devices = json.loads((config / DEVICES_FILE).read_text())
        first = True
        while True:
            print(f"Starting Home Assistant (its log: {log})", flush=True)
            hass, console = await _start_home_assistant(config, frontend, hass_args)
            processes.append(hass)
            exited = asyncio.ensure_future(hass.wait())
            if devices:
                provision = asyncio.ensure_future(_provision(url, config, devices, first=first))
                await asyncio.wait({provision, exited}, return_when=asyncio.FIRST_COMPLETED)
                if not provision.done():
                    provision.cancel()
                    await console
                    processes.remove(hass)
                    if hass.returncode == RESTART_EXIT_CODE:  # restarted before it was ready
                        print("Home Assistant is restarting.", flush=True)
                        continue
                    raise RuntimeError(
                        f"Home Assistant stopped while starting (exit code {hass.returncode});"
                        f" its log: {log}"
                    )
                if not provision.result():
                    print("Home Assistant runs in safe mode: Pro AV is off until it restarts.")
            _print_ready(url, log, devices, first=first)
            code = await exited
            await console
            processes.remove(hass)
            if code != RESTART_EXIT_CODE:
                if code:
                    raise RuntimeError(f"Home Assistant stopped (exit code {code}); its log: {log}")
                print("Home Assistant stopped.", flush=True)
                return
            print("Home Assistant is restarting.", flush=True)
            first = False
    finally:
        if processes:
            print("Stopping the demo.", flush=True)
        for process in reversed(processes):
            await _stop(process, 60)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    except RuntimeError as err:
        print(f"demo: {err}", file=sys.stderr)
        sys.exit(1)
