"""A small shared base for the device emulators.

Every emulator is an aiohttp application listening on 127.0.0.1 on a free port. Tests change its
state directly (it is a plain Python object), read the log of commands it received, and switch
faults on and off:

- ``await emulator.set_down(True)``: the listening socket and every open connection close
  (connection refused), state is kept;
  ``set_down(False)`` listens again on the same port.
- ``emulator.faults.slow = 2.0``: every request waits that many seconds before it is answered.
- ``emulator.faults.malformed = True``: every answer's body is replaced with broken JSON.
- ``emulator.expire_sessions()``: every session or token the device handed out becomes invalid.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
import socket
import ssl
import tempfile
from typing import Any, Self

from aiohttp import web

HOST = "127.0.0.1"
MALFORMED_BODY = b'{"this is": not json'


def self_signed_context(common_name: str = "emulator") -> ssl.SSLContext:
    """Return a TLS server context with a fresh self-signed certificate (as devices ship)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as folder:
        cert_path, key_path = Path(folder, "cert.pem"), Path(folder, "key.pem")
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key_pem)
        context.load_cert_chain(cert_path, key_path)
    return context


# Colour bars, as a video test pattern shows them (75 % SMPTE order).
BARS = (
    (191, 191, 191),
    (191, 191, 0),
    (0, 191, 191),
    (0, 191, 0),
    (191, 0, 191),
    (191, 0, 0),
    (0, 0, 191),
)


def pattern_image(
    width: int, height: int, label: str, *, fmt: str = "JPEG", clock: bool = True
) -> bytes:
    """Return a video test pattern: colour bars, the source's name and the time (as a picture).

    What emulated cameras, inputs and room systems show, so a dashboard shows pictures that say
    where they come from, not blocks of colour.
    """
    import io

    from PIL import Image, ImageDraw, ImageFont

    width, height = max(width, 1), max(height, 1)
    image = Image.new("RGB", (width, height), (16, 16, 16))
    draw = ImageDraw.Draw(image)
    top = int(height * 0.62)
    for index, colour in enumerate(BARS):
        draw.rectangle(
            (index * width // len(BARS), 0, (index + 1) * width // len(BARS), top), fill=colour
        )
    size = max(8, (height - top) // (3 if clock else 2))
    font = ImageFont.load_default(size=size)
    lines = [label, datetime.now().strftime("%H:%M:%S")] if clock else [label]
    step = (height - top) / (len(lines) + 1)
    for number, line in enumerate(lines, start=1):
        draw.text(
            (width / 2, top + step * number), line, fill=(235, 235, 235), font=font, anchor="mm"
        )
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def free_port(kind: socket.SocketKind = socket.SOCK_STREAM) -> int:
    """Return a port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Faults:
    """Fault switches a test can flip."""

    slow: float = 0.0
    malformed: bool = False
    status: int | None = None  # answer every request with this HTTP status


@dataclass
class Command:
    """One command (a state-changing request) the emulator received."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)


class Emulator:
    """Base class: an aiohttp app on 127.0.0.1 with faults and a command log."""

    def __init__(self) -> None:
        """Create the app; subclasses add their routes in ``setup_routes``."""
        self.app = web.Application(middlewares=[self._fault_middleware])
        self.faults = Faults()
        self.commands: list[Command] = []
        self.requests: list[str] = []
        self.port = 0
        self.down = False
        # Set before start() to serve HTTPS (devices that only speak HTTPS).
        self.ssl_context: ssl.SSLContext | None = None
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self.setup_routes(self.app.router)

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        """Add the device's routes (override)."""

    def expire_sessions(self) -> None:
        """Invalidate every session or token handed out (override)."""

    @property
    def host(self) -> str:
        """Return the address the emulator listens on."""
        return HOST

    @property
    def url(self) -> str:
        """Return the base URL."""
        return f"{'https' if self.ssl_context else 'http'}://{HOST}:{self.port}"

    def log(self, name: str, **params: Any) -> None:
        """Record a command the device received."""
        self.commands.append(Command(name, params))

    def command_names(self) -> list[str]:
        """Return the names of the commands received, in order."""
        return [command.name for command in self.commands]

    async def start(self, port: int = 0) -> Self:
        """Start listening (on a free port unless one is given)."""
        if self._runner is None:
            self._runner = web.AppRunner(self.app, handle_signals=False)
            await self._runner.setup()
        self.port = port or self.port or free_port()
        self._site = web.TCPSite(
            self._runner, HOST, self.port, reuse_address=True, ssl_context=self.ssl_context
        )
        await self._site.start()
        self.down = False
        return self

    async def stop(self) -> None:
        """Stop listening and release everything."""
        await self.on_stop()
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = self._site = None

    async def on_stop(self) -> None:
        """Release what a subclass started (override)."""

    async def set_down(self, down: bool) -> None:
        """Take the device off the network (connections refused) or bring it back."""
        if down and not self.down:
            self.down = True
            await self.on_down()
            if self._site is not None:
                await self._site.stop()
                self._site = None
            # A device that goes away also drops the connections clients keep alive.
            if self._runner is not None and self._runner.server is not None:
                for connection in self._runner.server.connections:
                    connection.force_close()
        elif not down and self.down:
            await self.start(self.port)

    async def on_down(self) -> None:
        """Drop open push connections when the device goes down (override)."""

    async def __aenter__(self) -> Self:
        """Start on entering a context."""
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        """Stop on leaving a context."""
        await self.stop()

    @web.middleware
    async def _fault_middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Apply the fault switches to every request."""
        self.requests.append(f"{request.method} {request.path_qs}")
        if self.faults.slow:
            await asyncio.sleep(self.faults.slow)
        if self.faults.status is not None:
            return web.Response(status=self.faults.status, text="fault")
        response = await handler(request)
        if self.faults.malformed and isinstance(response, web.Response):
            return web.Response(
                status=response.status,
                body=MALFORMED_BODY,
                content_type="application/json",
            )
        return response
