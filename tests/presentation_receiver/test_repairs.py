"""The reboot-required repair issue and its "Restart now" fix, through the repairs dialog."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.proav.const import DOMAIN
from tests.emulators.presentation_receiver import PresentationReceiverEmulator as Emu

STRINGS = Path(__file__).parents[2] / "custom_components" / "proav" / "strings.json"
FIX_URL = "/api/repairs/issues/fix"


@pytest.fixture
async def repairs(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Set up the repairs dashboard (the fix dialogs come from there)."""
    assert await async_setup_component(hass, "repairs", {})
    await hass.async_block_till_done()


def _issue_id(entry: MockConfigEntry) -> str:
    return f"{entry.entry_id}_receiver_reboot_required"


async def _reboot_required(hass: HomeAssistant, emulator: Emu, entry: MockConfigEntry) -> None:
    """Let the receiver ask for a restart, and poll it."""
    emulator.reboot_required = True
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


async def _start_fix(hass_client: ClientSessionGenerator, issue_id: str) -> dict[str, Any]:
    """Open the issue's fix dialog (what the Fix button does)."""
    client = await hass_client()
    response = await client.post(FIX_URL, json={"handler": DOMAIN, "issue_id": issue_id})
    assert response.status == 200
    result: dict[str, Any] = await response.json()
    return result


async def _confirm(hass_client: ClientSessionGenerator, flow_id: str) -> dict[str, Any]:
    """Press Submit in the fix dialog."""
    client = await hass_client()
    response = await client.post(f"{FIX_URL}/{flow_id}", json={})
    assert response.status == 200
    result: dict[str, Any] = await response.json()
    return result


@pytest.mark.usefixtures("repairs")
async def test_restart_now_fixes_reboot_required(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The issue offers "Restart now": confirming restarts the receiver and closes the issue."""
    await _reboot_required(hass, emulator, loaded_entry)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, _issue_id(loaded_entry))
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_key == "receiver_reboot_required"

    result = await _start_fix(hass_client, _issue_id(loaded_entry))
    assert result["type"] == "form"
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"] == {"name": "Room-101"}
    assert result["errors"] in ({}, None)
    assert emulator.reboots == []  # nothing happens before the user confirms

    # This unit takes a while to go down: it still says "reboot required" meanwhile.
    real_reboot = emulator.do_reboot
    monkeypatch.setattr(emulator, "do_reboot", lambda: None)
    result = await _confirm(hass_client, result["flow_id"])
    assert result["type"] == "create_entry"
    assert emulator.reboots == [{"delay": 0, "reason": "Home Assistant"}]
    assert ir.async_get(hass).async_get_issue(DOMAIN, _issue_id(loaded_entry)) is None

    # Polled before it went down: the restart is under way, the issue stays closed.
    await loaded_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, _issue_id(loaded_entry)) is None

    real_reboot()
    await loaded_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("binary_sensor.room_101_reboot_required").state == "off"
    assert ir.async_get(hass).async_get_issue(DOMAIN, _issue_id(loaded_entry)) is None


@pytest.mark.usefixtures("repairs")
async def test_refused_restart_keeps_the_issue(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """A receiver that refuses the restart: the dialog says so, the issue stays, no reauth."""
    await _reboot_required(hass, emulator, loaded_entry)
    result = await _start_fix(hass_client, _issue_id(loaded_entry))
    emulator.forbid_writes = True  # HTTP 403 on writes

    result = await _confirm(hass_client, result["flow_id"])
    assert result["type"] == "form"
    assert result["errors"] == {"base": "fix_failed"}
    assert emulator.reboots == []
    assert ir.async_get(hass).async_get_issue(DOMAIN, _issue_id(loaded_entry)) is not None
    assert not [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"].get("source") == "reauth"
    ]

    emulator.forbid_writes = False  # try again
    result = await _confirm(hass_client, result["flow_id"])
    assert result["type"] == "create_entry"
    assert emulator.reboots == [{"delay": 0, "reason": "Home Assistant"}]


@pytest.mark.usefixtures("repairs")
async def test_fix_of_an_entry_that_is_gone(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """An issue whose entry is not loaded any more aborts (nothing is sent anywhere)."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        "stale_reboot_required",
        data={"entry_id": "gone", "fix": "restart"},
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="receiver_reboot_required",
        translation_placeholders={"name": "Room-101"},
    )
    result = await _start_fix(hass_client, "stale_reboot_required")
    assert result["type"] == "abort"
    assert result["reason"] == "not_loaded"
    assert emulator.reboots == []


async def test_unload_withdraws_the_issue(
    hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry
) -> None:
    """The issue goes with its entry (the next setup raises it again if still needed)."""
    await _reboot_required(hass, emulator, loaded_entry)
    assert ir.async_get(hass).async_get_issue(DOMAIN, _issue_id(loaded_entry)) is not None
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, _issue_id(loaded_entry)) is None


def test_fix_dialog_texts() -> None:
    """The dialog, its error and its abort are worded (a fixable issue has no plain text)."""
    issue = json.loads(STRINGS.read_text())["issues"]["receiver_reboot_required"]
    assert "description" not in issue
    flow = issue["fix_flow"]
    assert "{name}" in flow["step"]["confirm"]["description"]
    assert flow["error"]["fix_failed"]
    assert flow["abort"]["not_loaded"]
