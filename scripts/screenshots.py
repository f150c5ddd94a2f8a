"""Take the README's screenshots: the demo's dashboard and the config flow, in headless Chromium.

    .venv/bin/python scripts/screenshots.py [--chromium /usr/bin/chromium] [--out docs]

Starts the demo (scripts/demo.py) in a fresh config folder, signs the browser in through Home
Assistant's own auth callback (a login-flow code in the URL, as after a normal sign-in), and
saves PNGs under docs/. Needs Debian's ``chromium`` package.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
from collections.abc import AsyncIterator
import contextlib
import importlib.util
import json
from pathlib import Path
import sys
import tempfile
from types import ModuleType
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
# Find an element through the frontend's shadow roots and click it.
CLICK = """
(() => {
  const match = (el) => %s;
  const find = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (match(el)) return el;
      if (el.shadowRoot) { const found = find(el.shadowRoot); if (found) return found; }
    }
    return null;
  };
  const el = find(document);
  if (el) el.click();
  return Boolean(el);
})()
"""
OK_BUTTON = 'el.tagName.endsWith("-BUTTON") && el.textContent.trim().toUpperCase() === "OK"'
MENU_ITEM = 'el.tagName.endsWith("LIST-ITEM") && el.textContent.includes("ATEN VP2730")'


def _load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("proav_demo", REPO / "scripts" / "demo.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def _auth_url(demo: ModuleType, session: aiohttp.ClientSession, url: str, path: str) -> str:
    """Return a URL that signs the browser in and opens ``path``."""
    client_id = f"{url}/"
    async with session.post(
        f"{url}/auth/login_flow",
        json={
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": url + path,
        },
    ) as response:
        flow = await response.json()
    async with session.post(
        f"{url}/auth/login_flow/{flow['flow_id']}",
        json={"client_id": client_id, "username": demo.USER, "password": demo.PASSWORD},
    ) as response:
        code = (await response.json())["result"]
    state = base64.b64encode(json.dumps({"hassUrl": url, "clientId": client_id}).encode()).decode()
    separator = "&" if "?" in path else "?"
    return f"{url}{path}{separator}auth_callback=1&code={code}&state={state}"


class Browser:
    """Headless Chromium driven over the DevTools protocol."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Use an open DevTools page connection."""
        self.ws = ws
        self.ids = iter(range(1, 100000))

    async def call(self, method: str, **params: Any) -> Any:
        """Send one DevTools command and return its result."""
        message_id = next(self.ids)
        await self.ws.send_json({"id": message_id, "method": method, "params": params})
        while True:
            answer = await self.ws.receive_json()
            if answer.get("id") == message_id:
                return answer.get("result", {})

    async def open(self, address: str, size: tuple[int, int], settle: float = 6) -> None:
        """Load a page at a window size and let the frontend render."""
        await self.call(
            "Emulation.setDeviceMetricsOverride",
            width=size[0],
            height=size[1],
            deviceScaleFactor=1,
            mobile=False,
        )
        await self.call("Page.navigate", url=address)
        await asyncio.sleep(settle)

    async def click(self, match: str, settle: float = 3) -> bool:
        """Click the first element that matches a JavaScript predicate on ``el``."""
        result = await self.call("Runtime.evaluate", expression=CLICK % match, returnByValue=True)
        await asyncio.sleep(settle)
        return bool(result.get("result", {}).get("value"))

    async def save(self, target: Path) -> None:
        """Save a PNG of the page."""
        shot = await self.call("Page.captureScreenshot", format="png")
        target.write_bytes(base64.b64decode(shot["data"]))
        print(f"saved {target.relative_to(REPO)}", flush=True)


@contextlib.asynccontextmanager
async def _chromium(chromium: str, session: aiohttp.ClientSession) -> AsyncIterator[Browser]:
    port = 9333
    with tempfile.TemporaryDirectory() as profile:
        process = await asyncio.create_subprocess_exec(
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={port}",
            "about:blank",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            async with asyncio.timeout(30):
                while True:
                    with contextlib.suppress(aiohttp.ClientError):
                        async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
                            pages = [t for t in await response.json() if t["type"] == "page"]
                            if pages:
                                break
                    await asyncio.sleep(0.5)
            async with session.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                yield Browser(ws)
        finally:
            process.terminate()
            await process.wait()


async def _take(demo: ModuleType, chromium: str, url: str, out: Path) -> None:
    """Sign in, then photograph the dashboard, the device-type menu, a form, the devices."""
    async with aiohttp.ClientSession() as session, _chromium(chromium, session) as browser:

        async def open_page(path: str, size: tuple[int, int]) -> None:
            # A fresh sign-in code for every page: the frontend keeps no tokens between loads.
            await browser.open(await _auth_url(demo, session, url, path), size, 10)

        await open_page("/proav-demo/proav", (1500, 1250))
        await browser.save(out / "dashboard.png")
        await open_page("/config/integrations/dashboard/add?domain=proav", (1200, 900))
        await browser.click(OK_BUTTON)
        await browser.save(out / "config-flow-menu.png")
        await browser.click(MENU_ITEM)
        await browser.save(out / "config-flow-form.png")
        await open_page("/config/integrations/integration/proav", (1400, 1000))
        await browser.save(out / "integration.png")


async def main() -> None:
    """Start the demo, take the screenshots, stop the demo."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    parser.add_argument("--port", type=int, default=18923)
    args = parser.parse_args()
    demo = _load_demo()
    args.out.mkdir(exist_ok=True)
    url = f"http://127.0.0.1:{args.port}"
    with tempfile.TemporaryDirectory() as config:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(REPO / "scripts" / "demo.py"),
            "--config",
            config,
            "--port",
            str(args.port),
            "--base-port",
            "18900",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        assert process.stdout is not None
        drain: asyncio.Task[bytes] | None = None
        try:
            while line := (await process.stdout.readline()).decode(errors="replace"):
                if "Pro AV demo ready" in line:
                    break
            else:
                raise RuntimeError("the demo did not start")
            drain = asyncio.create_task(process.stdout.read())
            await asyncio.sleep(45)  # let the emulated devices do something worth showing
            await _take(demo, args.chromium, url, args.out)
        finally:
            process.terminate()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(60):
                    await process.wait()
            if drain is not None:
                drain.cancel()


if __name__ == "__main__":
    asyncio.run(main())
