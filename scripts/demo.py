"""The Pro AV demo: five emulated devices and a Home Assistant that uses them.

    .venv/bin/python scripts/demo.py [--config config] [--port 8123] [--base-port 18100] [--no-activity]

1. Starts the device emulators (``python -m tests.emulators --all``) on 127.0.0.1.
2. Starts Home Assistant with this checkout's integration from the config folder.
3. Makes it ready through its public HTTP and WebSocket APIs: onboards it with a demo user (or
   signs in as that user when it was onboarded before), adds one Pro AV entry per device type
   through the normal config flow, and saves the "Pro AV" dashboard with a section per device
   type.
4. Prints the address, user and password, and runs until interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
from asyncio.subprocess import Process
import contextlib
import json
import os
from pathlib import Path
import signal
import sys
from typing import Any

import aiohttp

USER, PASSWORD, NAME = "demo", "proav-demo", "Demo"
CLIENT_ID = "http://127.0.0.1:8123/"
DASHBOARD = "proav-demo"
DEVICES_FILE = ".proav_demo_devices.json"  # the form values the emulators wrote
STATE_FILE = ".proav_demo_entries.json"  # device type key -> entry id, so a re-run adds nothing

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

    async def wait_until_up(self, limit: float = 300) -> None:
        """Wait until the HTTP API answers."""
        async with asyncio.timeout(limit):
            while True:
                try:
                    async with self.session.get(f"{self.url}/api/onboarding") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(1)

    async def sign_in(self) -> None:
        """Onboard with the demo user, or sign in as it."""
        async with self.session.get(f"{self.url}/api/onboarding") as response:
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
            if result.get("type") != "create_entry":
                raise RuntimeError(f"{key}: the flow did not create an entry: {result}")
            added[key] = result["result"]["entry_id"]
            state_file.write_text(json.dumps(added, indent=2) + "\n")
        return added

    async def save_dashboard(self, entries: dict[str, str]) -> None:
        """Create the Pro AV dashboard with a section per device type."""
        async with self.session.ws_connect(f"{self.url}/api/websocket") as ws:
            await ws.receive_json()
            await ws.send_json({"type": "auth", "access_token": self.token})
            await ws.receive_json()
            ids = iter(range(1, 1000))

            async def call(message: dict[str, Any]) -> Any:
                message_id = next(ids)
                await ws.send_json({"id": message_id, **message})
                while True:
                    answer = await ws.receive_json()
                    if answer.get("id") == message_id:
                        return answer

            registry = (await call({"type": "config/entity_registry/list"}))["result"]
            states = (await call({"type": "get_states"}))["result"]
            devices = (await call({"type": "config/device_registry/list"}))["result"]
            names = short_names(states, registry, devices)
            unavailable = {s["entity_id"] for s in states if s["state"] == "unavailable"}
            registry = [e for e in registry if e["entity_id"] not in unavailable]
            dashboards = (await call({"type": "lovelace/dashboards/list"}))["result"]
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


async def _start_emulators(args: argparse.Namespace, devices_file: Path) -> Process:
    """Start the emulators; return once they listen."""
    command = [sys.executable, "-m", "tests.emulators", "--all", "--base-port", str(args.base_port)]
    command += ["--devices-file", str(devices_file)]
    if args.no_activity:
        command.append("--no-activity")
    process = await asyncio.create_subprocess_exec(
        *command, cwd=REPO, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    while line := (await process.stdout.readline()).decode():
        print(f"  {line.rstrip()}", flush=True)
        if line.startswith("emulators ready"):
            return process
    raise RuntimeError("the emulators did not start")


def _prepare_config(config: Path, port: int) -> None:
    """Give a new config folder the development configuration, on the wanted port."""
    config.mkdir(parents=True, exist_ok=True)
    target = config / "configuration.yaml"
    if not target.exists():
        template = (REPO / "config" / "configuration.yaml").read_text()
        target.write_text(template.replace("server_port: 8123", f"server_port: {port}"))


async def _start_home_assistant(config: Path) -> Process:
    """Start Home Assistant with this checkout's integration."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "homeassistant", "--config", str(config), env=env
    )


async def main() -> None:
    """Run the demo until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=Path, default=REPO / "config")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--base-port", type=int, default=18100)
    parser.add_argument("--no-activity", action="store_true")
    args = parser.parse_args()
    # Stopping the demo (Ctrl-C, or SIGTERM from a test or a service manager) stops everything.
    main_task = asyncio.current_task()
    assert main_task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    config = args.config.resolve()
    _prepare_config(config, args.port)
    url = f"http://127.0.0.1:{args.port}"
    processes: list[Process] = []
    try:
        processes.append(await _start_emulators(args, config / DEVICES_FILE))
        processes.append(hass := await _start_home_assistant(config))
        devices = json.loads((config / DEVICES_FILE).read_text())
        async with aiohttp.ClientSession() as session:
            provisioner = Provisioner(session, url)
            await provisioner.wait_until_up()
            await provisioner.sign_in()
            entries = await provisioner.add_devices(devices, config / STATE_FILE)
            await provisioner.save_dashboard(entries)
        print(
            f"Pro AV demo ready: {url}/{DASHBOARD} (user '{USER}', password '{PASSWORD}')",
            flush=True,
        )
        await hass.wait()
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(30):
                        await process.wait()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    except RuntimeError as err:
        print(f"demo: {err}", file=sys.stderr)
        sys.exit(1)
