"""Diagnostics: what a support request needs, with every secret and identifier redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import TO_REDACT
from .devices.base import ProAVConfigEntry


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ProAVConfigEntry
) -> dict[str, Any]:
    """Return the entry's settings and the device's last known state, redacted."""
    return async_redact_data(
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
