"""The config flow for exacqVision: one entry per server behind a web service."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from tests.emulators.exacqvision import ExacqVisionEmulator

from .conftest import PASSWORD, SERIAL, USER, entry_data


def _form(emulator: ExacqVisionEmulator, password: str = PASSWORD) -> dict[str, Any]:
    """Return what a user types into the exacqVision form."""
    return {
        "host": emulator.host,
        "port": emulator.port,
        "ssl": False,
        "verify_ssl": False,
        "username": USER,
        "password": password,
    }


async def _start(hass: HomeAssistant) -> str:
    """Open the flow and choose exacqVision from the menu; return the flow id."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "exacqvision"}
    )
    assert result["step_id"] == "exacqvision"
    return str(result["flow_id"])


async def test_single_server(hass: HomeAssistant, emulator: ExacqVisionEmulator) -> None:
    """One server behind the web service: the entry is created at once."""
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Server 1 (exacqVision)"
    assert result["result"].unique_id == SERIAL
    assert result["data"] == entry_data(emulator)
    # the probe signed out again before the entry's own login
    assert emulator.command_names()[:3] == ["login", "logout", "login"]


async def test_several_servers_pick_one(hass: HomeAssistant, socket_enabled: None) -> None:
    """Several servers: the flow asks which; configured ones are not offered again."""
    async with ExacqVisionEmulator(servers=3, cameras=1) as emulator:
        MockConfigEntry(domain=DOMAIN, unique_id=SERIAL, data=entry_data(emulator)).add_to_hass(
            hass
        )
        flow_id = await _start(hass)
        result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "pick_device"
        options = result["data_schema"].schema["serial"].config["options"]
        assert [o["label"] for o in options] == ["Server 2", "Server 3"]
        result = await hass.config_entries.flow.async_configure(flow_id, {"serial": "186266324EB1"})
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["title"] == "Server 3 (exacqVision)"
        assert result["data"]["server_id"] == "2"


async def test_all_servers_configured(hass: HomeAssistant, socket_enabled: None) -> None:
    """When every server already has an entry, the flow aborts."""
    async with ExacqVisionEmulator(servers=2, cameras=1) as emulator:
        for serial, server_id in (("186266324EAF", "0"), ("186266324EB0", "1")):
            MockConfigEntry(
                domain=DOMAIN, unique_id=serial, data=entry_data(emulator, server_id)
            ).add_to_hass(hass)
        flow_id = await _start(hass)
        result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "already_configured"


async def test_wrong_password_then_right(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """Rejected credentials show invalid_auth; the user can correct them."""
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator, "wrong"))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_cannot_connect(hass: HomeAssistant, emulator: ExacqVisionEmulator) -> None:
    """An unreachable or broken web service shows cannot_connect."""
    flow_id = await _start(hass)
    await emulator.set_down(True)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
    assert result["errors"] == {"base": "cannot_connect"}
    await emulator.set_down(False)
    emulator.faults.malformed = True
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
    assert result["errors"] == {"base": "cannot_connect"}
    emulator.faults.malformed = False
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_reauth(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, entry: MockConfigEntry
) -> None:
    """Reauth asks for the credentials again and stores the new password."""
    emulator.users[USER] = "new-password"
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"username": USER, "password": "new-password"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["password"] == "new-password"
    assert entry.data["server_id"] == "0"


async def test_reconfigure(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, entry: MockConfigEntry
) -> None:
    """Reconfigure changes the address of the same server."""
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": emulator.host, "port": emulator.port, "ssl": False, "verify_ssl": False},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"


async def test_options_tune_both_intervals(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, entry: MockConfigEntry
) -> None:
    """The options offer the live-state and inventory intervals; the entry uses them."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert set(result["data_schema"].schema) == {"status_interval", "inventory_interval"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"status_interval": 10, "inventory_interval": 900}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    runtime = entry.runtime_data
    assert runtime.status.update_interval.total_seconds() == 10
    assert runtime.inventory.update_interval.total_seconds() == 900


async def test_https_with_self_signed_certificate(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Over HTTPS with the certificate check off, a self-signed web service is reached."""
    async with ExacqVisionEmulator(tls=True, cameras=1) as emulator:
        form = {**_form(emulator), "ssl": True, "verify_ssl": False}
        flow_id = await _start(hass)
        result = await hass.config_entries.flow.async_configure(flow_id, form)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        entry = result["result"]
        assert hass.states.get("camera.camera_1") is not None
        assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize("unknown", ["404", "redirect"])
async def test_web_service_without_server_list(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, unknown: str
) -> None:
    """No ``servers.web``: the login alone names the server (id, name, serial)."""
    emulator.unknown_answer = unknown
    emulator.missing = {"servers.web"}
    emulator.session_id_keys = ("sessionId",)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Server 1 (exacqVision)"
    assert result["result"].unique_id == SERIAL
    assert result["data"]["server_id"] == "0"
    assert emulator.open_sessions == 1  # the probe's own session was logged out


async def test_not_an_exacqvision_web_service(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """A web server without any exacqVision route shows cannot_connect, not invalid_auth."""
    emulator.missing = {"servers.web", "login.web"}
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
    assert result["errors"] == {"base": "cannot_connect"}
