"""Repair issues every device type shares."""

from __future__ import annotations

from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .devices.base import ProAVConfigEntry

# The data of a fixable issue: which entry's runtime offers which fix (see repairs.py).
ATTR_ENTRY_ID: Final = "entry_id"
ATTR_FIX: Final = "fix"


def fix_data(entry: ProAVConfigEntry, fix: str) -> dict[str, str | int | float | None]:
    """Return the data of an issue whose fix the entry's runtime offers (``repair_fix``)."""
    return {ATTR_ENTRY_ID: entry.entry_id, ATTR_FIX: fix}


def _issue_id(entry: ProAVConfigEntry, feature: str) -> str:
    return f"{entry.entry_id}_{feature}_unavailable"


@callback
def async_feature_unavailable(
    hass: HomeAssistant, entry: ProAVConfigEntry, feature: str, label: str, reason: str
) -> None:
    """Say in plain words that a feature the user configured is not available on the device."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(entry, feature),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="capability_unavailable",
        translation_placeholders={"name": entry.title, "feature": label, "reason": reason},
    )


@callback
def async_feature_available(hass: HomeAssistant, entry: ProAVConfigEntry, feature: str) -> None:
    """Withdraw the issue once the feature works (or the entry goes away)."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(entry, feature))
