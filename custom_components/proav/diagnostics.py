"""Diagnostics: what a support request needs, with every secret and identifier redacted.

Besides the state, the download holds each device's capability table and the last raw answer
per resource (``raw``), redacted by the same rules, so a report from a real device becomes a
test fixture in one step. The entry's serial is removed from keys and texts as well as values.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.core import HomeAssistant

from .const import TO_REDACT
from .devices.base import ProAVConfigEntry


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ProAVConfigEntry
) -> dict[str, Any]:
    """Return the entry's settings and the device's last known state, redacted."""
    data = async_redact_data(
        {
            "entry": {
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "device": entry.runtime_data.diagnostics(),
        },
        TO_REDACT,
    )
    return _scrub(data, entry.unique_id) if entry.unique_id else data


def _scrub(value: Any, secret: str) -> Any:
    """Replace ``secret`` wherever it appears: in keys, in texts and as a value."""
    if isinstance(value, dict):
        return {_scrub(key, secret): _scrub(item, secret) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, secret) for item in value]
    if isinstance(value, str):
        return value.replace(secret, REDACTED)
    return value
