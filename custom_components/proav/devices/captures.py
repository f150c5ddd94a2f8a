"""The last raw answer per resource, for field reports (no Home Assistant imports).

Every client records what the device answered, so that a diagnostics download from a real device
becomes a test fixture in one step. Diagnostics redact it with the same rules as the state.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from typing import Any

MAX_TEXT = 8192
MAX_RESOURCES = 64


class RawCaptures:
    """The last answer of each resource (method and path, never the query string)."""

    def __init__(self) -> None:
        """Hold nothing yet."""
        self._last: dict[str, dict[str, Any]] = {}

    def record(
        self, resource: str, status: int | None, body: bytes | str | Any, content_type: str = ""
    ) -> None:
        """Keep one answer: JSON as data, text cut to a few kB, binary as its size."""
        if resource not in self._last and len(self._last) >= MAX_RESOURCES:
            return
        self._last[resource] = {
            "status": status,
            "content_type": content_type or None,
            "body": _plain(body),
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Return every resource's last answer (to be redacted by the caller)."""
        return dict(sorted(self._last.items()))


def _plain(body: bytes | str | Any) -> Any:
    """Return a body as JSON data where it parses, else text or a size."""
    if isinstance(body, bytes):
        try:
            body = body.decode()
        except UnicodeDecodeError:
            return f"<{len(body)} bytes of binary data>"
    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return body if len(body) <= MAX_TEXT else f"{body[:MAX_TEXT]}… ({len(body)} chars)"
    return body
