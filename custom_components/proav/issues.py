"""Repair issues every device type shares."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .devices.base import ProAVConfigEntry


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
