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


@callback
def async_set_issue(
    hass: HomeAssistant,
    issue_id: str,
    active: bool,
    translation_key: str,
    placeholders: dict[str, str],
    fix: dict[str, str | int | float | None] | None = None,
) -> None:
    """Create (or keep) a warning repair issue while ``active``; delete it otherwise.

    ``fix``: the data of a fixable issue (``fix_data``).
    """
    if active:
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            data=fix,
            is_fixable=fix is not None,
            severity=ir.IssueSeverity.WARNING,
            translation_key=translation_key,
            translation_placeholders=placeholders,
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, issue_id)


def _issue_id(entry: ProAVConfigEntry, feature: str) -> str:
    return f"{entry.entry_id}_{feature}_unavailable"


@callback
def async_feature_unavailable(
    hass: HomeAssistant, entry: ProAVConfigEntry, feature: str, label: str, reason: str
) -> None:
    """Say in plain words that a feature the user configured is not available on the device."""
    async_set_issue(
        hass,
        _issue_id(entry, feature),
        True,
        "capability_unavailable",
        {"name": entry.title, "feature": label, "reason": reason},
    )


@callback
def async_feature_available(hass: HomeAssistant, entry: ProAVConfigEntry, feature: str) -> None:
    """Withdraw the issue once the feature works (or the entry goes away)."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(entry, feature))
