"""Fixes for repair issues: the entry's runtime offers the fix, the dialog confirms it.

A fixable issue's data names its config entry and a fix (``issues.fix_data``); the fix flow
finds the entry's runtime (``ProAVRuntime.repair_fix``), asks the user to confirm, then applies
the fix.
The texts are the issue's own (``issues.<translation_key>.fix_flow`` in strings.json: step
``confirm``, error ``fix_failed``, abort ``not_loaded``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import voluptuous as vol

from .const import DOMAIN
from .devices.base import ProAVConfigEntry
from .issues import ATTR_ENTRY_ID, ATTR_FIX


class ConfirmFixFlow(RepairsFlow):
    """Ask to confirm, then apply the fix the entry's runtime offers."""

    def __init__(self, entry_id: str, fix: str) -> None:
        """Remember which entry offers which fix (looked up again when applied)."""
        self._entry_id = entry_id
        self._fix = fix

    def _apply(self) -> Callable[[], Awaitable[None]] | None:
        """Return what applies the fix, while the entry is loaded and offers it."""
        entry: ProAVConfigEntry | None = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
            return None
        return entry.runtime_data.repair_fix(self._fix)

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Explain the fix; apply it once confirmed (a failure leaves the issue open)."""
        if (apply := self._apply()) is None:
            return self.async_abort(reason="not_loaded")
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                await apply()
            except HomeAssistantError:
                errors["base"] = "fix_failed"
            else:
                return self.async_create_entry(data={})
        issue = ir.async_get(self.hass).async_get_issue(DOMAIN, self.issue_id)
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            errors=errors,
            description_placeholders=issue.translation_placeholders if issue else None,
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Create the fix flow of a fixable issue (its data names the entry and the fix)."""
    data = data or {}
    return ConfirmFixFlow(str(data.get(ATTR_ENTRY_ID, "")), str(data.get(ATTR_FIX, "")))
