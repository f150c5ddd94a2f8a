"""The demo a newcomer runs (scripts/develop): emulators + Home Assistant, every type set up."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
import contextlib
import importlib.util
from pathlib import Path
import sys
from types import ModuleType
from typing import Any

import aiohttp
import pytest

from .emulators.base import free_port

REPO = Path(__file__).resolve().parent.parent
KEYS = {
    "aten_vp2730",
    "magewell_ultra_stream",
    "presentation_receiver",
    "exacqvision",
    "poly_videoos",
}


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


@pytest.mark.timeout(400)
async def test_demo_sets_up_every_device_type(socket_enabled: None, tmp_path: Path) -> None:
    """The demo starts, every device type's entry loads, and the dashboard shows live states."""
    demo = _demo_module()
    port, base_port = free_port(), free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "scripts" / "demo.py"),
        "--config",
        str(tmp_path),
        "--port",
        str(port),
        "--base-port",
        str(base_port),
        "--no-activity",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    ready = asyncio.Event()
    output: list[str] = []

    async def read() -> None:
        assert process.stdout is not None
        while line := (await process.stdout.readline()).decode(errors="replace"):
            output.append(line)
            if "Pro AV demo ready" in line:
                ready.set()

    reader = asyncio.create_task(read())
    try:
        async with asyncio.timeout(300):
            await ready.wait()
        url = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            provisioner = demo.Provisioner(session, url)
            await provisioner.sign_in()
            entries = await provisioner._get_json("/api/config/config_entries/entry?domain=proav")
            assert {entry["state"] for entry in entries} == {"loaded"}
            assert len(entries) == len(KEYS)

            async with session.ws_connect(f"{url}/api/websocket") as ws:
                await ws.receive_json()
                await ws.send_json({"type": "auth", "access_token": provisioner.token})
                await ws.receive_json()
                await ws.send_json({"id": 1, "type": "lovelace/config", "url_path": demo.DASHBOARD})
                dashboard = (await ws.receive_json())["result"]
            assert len(dashboard["views"][0]["sections"]) == len(KEYS)
            entity_ids = list(_card_entities(dashboard))
            assert len(entity_ids) >= 20
            for entity_id in entity_ids:
                state = await provisioner._get_json(f"/api/states/{entity_id}")
                assert state["state"] != "unavailable", entity_id
    except TimeoutError:
        pytest.fail("the demo did not get ready:\n" + "".join(output[-40:]))
    finally:
        if process.returncode is None:
            process.terminate()
            async with asyncio.timeout(60):
                await process.wait()
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
