"""The receiver's config flow: an existing key, or a key created with the password; reauth."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import (
    CONF_API_KEY,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import CONF_DEVICE_TYPE, DOMAIN
from tests.emulators.presentation_receiver import PresentationReceiverEmulator

from .conftest import SERIAL, TOKEN

type Emu = PresentationReceiverEmulator


def _form(emulator: Emu, **fields: Any) -> dict[str, Any]:
    """Return the receiver form filled in for the emulator."""
    return {
        CONF_HOST: emulator.host,
        CONF_PORT: emulator.port,
        CONF_SSL: False,
        CONF_VERIFY_SSL: False,
        CONF_USERNAME: "admin",
        "allow_key_renewal": False,
        **fields,
    }


async def _open_form(hass: HomeAssistant) -> FlowResult:
    """Open the menu and choose the receiver."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "presentation_receiver"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "presentation_receiver"
    return result


async def _finish(hass: HomeAssistant, emulator: Emu, **fields: Any) -> FlowResult:
    """Fill in and submit the form."""
    result = await _open_form(hass)
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(emulator, **fields)
    )


async def test_existing_key(hass: HomeAssistant, emulator: Emu) -> None:
    """An existing key is checked and stored; the device keeps its key."""
    result = await _finish(hass, emulator, api_key=TOKEN)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Room-101 (Presentation receiver)"
    assert result["result"].unique_id == SERIAL
    assert result["data"][CONF_DEVICE_TYPE] == "presentation_receiver"
    assert result["data"][CONF_API_KEY] == TOKEN
    assert CONF_PASSWORD not in result["data"]
    assert "apikey" not in emulator.command_names()
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


async def test_key_created_with_password(hass: HomeAssistant, emulator: Emu) -> None:
    """With only the password a new key is created; the password is not stored."""
    result = await _finish(hass, emulator, password="admin")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    new_key = emulator.accounts["admin"].token
    assert new_key != TOKEN
    assert result["data"][CONF_API_KEY] == new_key
    assert result["data"]["key_expires"] == -1
    assert CONF_PASSWORD not in result["data"]
    assert emulator.command_names() == ["apikey"]


async def test_password_kept_for_renewal(hass: HomeAssistant, emulator: Emu) -> None:
    """Allowing automatic renewal stores the password with the created key."""
    result = await _finish(hass, emulator, password="admin", allow_key_renewal=True)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PASSWORD] == "admin"
    assert result["data"][CONF_API_KEY] == emulator.accounts["admin"].token


async def test_form_warns_about_replacing_the_key(hass: HomeAssistant) -> None:
    """The form offers key, password and renewal, and says a new key replaces the old one."""
    result = await _open_form(hass)
    fields = {str(key) for key in result["data_schema"].schema}
    assert {CONF_API_KEY, CONF_PASSWORD, "allow_key_renewal"} <= fields
    translations = await async_get_translations(hass, "en", "config", [DOMAIN])
    description = translations[f"component.{DOMAIN}.config.step.presentation_receiver.description"]
    assert "replaces the account's existing key" in description


@pytest.mark.parametrize(
    "fields",
    [{"password": "wrong"}, {"api_key": "ffffffffffffffff"}, {}],
    ids=["wrong password", "wrong key", "neither"],
)
async def test_rejected_credentials(hass: HomeAssistant, emulator: Emu, fields: dict) -> None:
    """Wrong credentials show invalid_auth; correcting them creates the entry."""
    result = await _finish(hass, emulator, **fields)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert emulator.accounts["admin"].token == TOKEN  # nothing was replaced
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(emulator, api_key=TOKEN)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_cannot_connect(hass: HomeAssistant, emulator: Emu) -> None:
    """An unreachable receiver shows cannot_connect."""
    await emulator.set_down(True)
    result = await _finish(hass, emulator, api_key=TOKEN)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_already_configured(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry
) -> None:
    """The same serial again aborts (and does not replace the device's key)."""
    result = await _finish(hass, emulator, api_key=TOKEN)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.parametrize(
    "fields",
    [{CONF_PASSWORD: "admin"}, {CONF_API_KEY: "newkey0123456789"}],
    ids=["password", "api key"],
)
async def test_reauth(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    fields: dict[str, str],
) -> None:
    """Reauth asks for a key or the password and stores the working key."""
    emulator.accounts["admin"].token = "newkey0123456789"  # the key was replaced elsewhere
    result = await loaded_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert {str(key) for key in result["data_schema"].schema} == {
        CONF_API_KEY,
        CONF_USERNAME,
        CONF_PASSWORD,
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", **fields}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert loaded_entry.data[CONF_API_KEY] == emulator.accounts["admin"].token
    assert CONF_PASSWORD not in loaded_entry.data  # renewal was not allowed


async def test_reauth_wrong_password(
    hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry
) -> None:
    """A wrong password in reauth shows invalid_auth."""
    emulator.expire_sessions()
    result = await loaded_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "wrong"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}


async def test_reconfigure(
    hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry
) -> None:
    """Reconfigure changes the address and checks it with the stored key."""
    result = await loaded_entry.start_reconfigure_flow(hass)
    assert CONF_API_KEY not in {str(key) for key in result["data_schema"].schema}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: emulator.host,
            CONF_PORT: emulator.port,
            CONF_SSL: False,
            CONF_VERIFY_SSL: False,
            "allow_key_renewal": False,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"


async def test_reconfigure_renewal_off_forgets_password(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry
) -> None:
    """Switching automatic renewal off removes the stored password."""
    hass.config_entries.async_update_entry(
        config_entry,
        data={**config_entry.data, CONF_PASSWORD: "admin", "allow_key_renewal": True},
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: emulator.host,
            CONF_PORT: emulator.port,
            CONF_SSL: False,
            CONF_VERIFY_SSL: False,
            "allow_key_renewal": False,
        },
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert CONF_PASSWORD not in config_entry.data
    assert config_entry.state is ConfigEntryState.LOADED


async def test_options_tune_the_tiers(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """The options flow offers one interval per polling tier."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert {str(key) for key in result["data_schema"].schema} == {
        "receiver_status_interval",
        "receiver_settings_interval",
        "receiver_network_interval",
        "receiver_firmware_interval",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "receiver_status_interval": 5,
            "receiver_settings_interval": 30,
            "receiver_network_interval": 600,
            "receiver_firmware_interval": 86400,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    coordinator = loaded_entry.runtime_data.coordinator
    assert coordinator.update_interval.total_seconds() == 5


async def test_https_with_self_signed_certificate(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """The form's defaults (HTTPS, no certificate check) reach a receiver with its own cert."""
    async with PresentationReceiverEmulator(tls=True) as emulator:
        result = await _finish(hass, emulator, ssl=True, api_key=TOKEN)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        assert hass.states.get("sensor.room_101_status").state == "standby"
        assert await hass.config_entries.async_unload(result["result"].entry_id)


@pytest.mark.parametrize("defaults", [{}, {CONF_PORT: 8443}], ids=["new", "reconfigure"])
def test_form_serializes_for_the_frontend(defaults: dict[str, Any]) -> None:
    """The form (port left to follow HTTPS) serializes as the frontend receives it."""
    from custom_components.proav.devices.presentation_receiver.device_type import _schema
    from tests.compat import serialize_form

    fields = serialize_form(_schema(defaults))
    json.dumps(fields)
    port = next(field for field in fields if field["name"] == CONF_PORT)
    assert port["optional"] is True
    assert port.get("description", {}).get("suggested_value") == defaults.get(CONF_PORT)
