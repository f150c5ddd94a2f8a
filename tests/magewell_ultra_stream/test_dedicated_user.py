"""The config flow recommends a user of Home Assistant's own (the box signs shared accounts out)."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.proav.const import CONF_DEVICE_TYPE, DOMAIN
from custom_components.proav.devices.magewell_ultra_stream import flow
from tests.emulators.magewell_ultra_stream import PASSWORD, SERIAL, USER, UltraStreamEmulator

from .conftest import KEY


def _form(box: UltraStreamEmulator, user: str, password: str) -> dict[str, object]:
    return {CONF_HOST: box.host, CONF_PORT: box.port, CONF_USERNAME: user, CONF_PASSWORD: password}


async def _open_form(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": KEY}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": flow.STEP_MANUAL}
    )
    assert result["step_id"] == KEY
    return str(result["flow_id"])


async def test_dedicated_user_needs_no_extra_step(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """A general user made for Home Assistant: the entry is made at once, no advice shown."""
    box.add_user("homeassistant", "ha-secret")
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _form(box, "homeassistant", "ha-secret")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_USERNAME] == "homeassistant"
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_default_admin_is_advised_against_and_can_be_kept(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """The box's own Admin: the advice shows; continuing anyway creates the entry."""
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(box, USER, PASSWORD))
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == flow.STEP_DEFAULT_ADMIN
    assert result["menu_options"] == [flow.STEP_KEEP_USER, flow.STEP_OTHER_USER]
    assert result["description_placeholders"] == {"username": USER}
    assert hass.config_entries.async_entries(DOMAIN) == []  # nothing made before the answer
    assert (box.logins, box.open_sessions) == (1, 0)  # the connection test signed out

    result = await hass.config_entries.flow.async_configure(
        flow_id, {"next_step_id": flow.STEP_KEEP_USER}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SERIAL
    assert result["data"] == {CONF_DEVICE_TYPE: KEY, **_form(box, USER, PASSWORD)}
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_only_admin_is_advised_against_and_another_user_entered(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """A renamed sole administrator: the advice shows; "another user" returns to the form."""
    box.users = {}
    box.admins = set()
    box.add_user("boss", "boss-secret", admin=True)
    box.add_user("homeassistant", "ha-secret")
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _form(box, "boss", "boss-secret")
    )
    assert result["step_id"] == flow.STEP_ONLY_ADMIN
    assert result["description_placeholders"] == {"username": "boss"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {"next_step_id": flow.STEP_OTHER_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == KEY
    filled = result["data_schema"]({CONF_USERNAME: "homeassistant", CONF_PASSWORD: "ha-secret"})
    assert (filled[CONF_HOST], filled[CONF_PORT]) == (box.host, box.port)  # the address kept
    result = await hass.config_entries.flow.async_configure(flow_id, filled)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_USERNAME] == "homeassistant"
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_a_second_admin_is_not_advised_against(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """An administrator of Home Assistant's own, next to Admin, is a dedicated account."""
    box.add_user("homeassistant", "ha-secret", admin=True)
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _form(box, "homeassistant", "ha-secret")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_users_list_failing_does_not_block_setup(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """A firmware without get-users (or a busy box): the entry is made, no advice, no error."""
    box.users = {}
    box.admins = set()
    box.add_user("boss", "boss-secret", admin=True)
    box.missing_methods.add("get-users")
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _form(box, "boss", "boss-secret")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_busy_users_list_does_not_block_setup(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    box.add_user("homeassistant", "ha-secret", admin=True)
    box.next_result["get-users"] = -9
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _form(box, "homeassistant", "ha-secret")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.config_entries.async_unload(result["result"].entry_id)
