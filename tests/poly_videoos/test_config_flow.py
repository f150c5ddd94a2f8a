"""Adding, reauthenticating, reconfiguring and tuning a Poly VideoOS codec through the UI flows."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_DHCP, SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from tests.compat import get_device
from tests.emulators.poly_videoos import PolyVideoOSEmulator

from .conftest import entry_data
from .helpers import setup


def _form(emulator: PolyVideoOSEmulator, **changes: object) -> dict[str, object]:
    """Return what a user types into the form."""
    data = entry_data(emulator, **changes)
    data.pop("device_type")
    return data


async def _open_form(hass: HomeAssistant) -> str:
    """Open the menu and choose the Poly codec; return the flow id."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert "poly_videoos" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "poly_videoos"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "poly_videoos"
    return str(result["flow_id"])


async def test_user_flow_creates_entry(hass: HomeAssistant, emulator: PolyVideoOSEmulator) -> None:
    """The form logs in, reads the serial and creates the entry; the probe logs out."""
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Boardroom (Poly VideoOS)"
    assert result["result"].unique_id == emulator.serial
    assert result["data"] == entry_data(emulator)
    assert emulator.logouts >= 1
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


async def test_user_flow_errors_then_success(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator
) -> None:
    """Wrong password and an unreachable codec show errors; fixing them finishes."""
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _form(emulator, password="wrong")
    )
    assert result["errors"] == {"base": "invalid_auth"}
    await emulator.set_down(True)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
    assert result["errors"] == {"base": "cannot_connect"}
    await emulator.set_down(False)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_without_serial(hass: HomeAssistant, emulator: PolyVideoOSEmulator) -> None:
    """Firmware that does not tell its serial number cannot be told apart: the form says so."""
    emulator.identity_endpoint = False
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_serial"}
    assert emulator.logouts == 1


async def test_user_flow_already_configured(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """The same codec (same serial) cannot be added twice."""
    entry.add_to_hass(hass)
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(emulator))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """A changed password is entered again through reauth; the entry reloads."""
    emulator.password = "new-secret"
    await setup(hass, entry)
    flows = [
        f for f in hass.config_entries.flow.async_progress() if f["context"]["source"] == "reauth"
    ]
    assert len(flows) == 1
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"username": "admin", "password": "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"username": "admin", "password": "new-secret"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["password"] == "new-secret"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """The address can change; a different codec at the new address is refused."""
    await setup(hass, entry)
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert set(result["data_schema"].schema) == {"host", "port", "ssl", "verify_ssl"}
    other = PolyVideoOSEmulator(serial="OTHER0001")
    async with other:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {"host": other.host, "port": other.port, "ssl": False, "verify_ssl": False},
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": emulator.host, "port": emulator.port, "ssl": False, "verify_ssl": True},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["verify_ssl"] is True
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_options_scan_intervals(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """The three polling tiers can be tuned; the entry reloads with them."""
    await setup(hass, entry)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert set(result["data_schema"].schema) == {
        "calls_interval",
        "room_interval",
        "system_interval",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"calls_interval": 5, "room_interval": 30, "system_interval": 600}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.runtime_data.calls.update_interval.total_seconds() == 5
    assert entry.runtime_data.room.interval.total_seconds() == 30
    assert entry.runtime_data.system.interval.total_seconds() == 600


async def test_dhcp_discovery_opens_the_form(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator
) -> None:
    """A codec seen by DHCP (Poly's 00:E0:DB prefix) opens the form with its address."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_DHCP},
        data=DhcpServiceInfo(ip=emulator.host, hostname="studiox50", macaddress="00e0db53429a"),
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "poly_videoos"
    form = _form(emulator)
    assert result["data_schema"]({"password": "x"})["host"] == emulator.host
    form.pop("host")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": emulator.host, **form}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == emulator.serial  # the serial, not the MAC
    await hass.async_block_till_done()


async def test_dhcp_known_codec_gets_its_new_address(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """A configured codec (known by the MAC its device list names) gets its new address."""
    await setup(hass, entry)
    device = get_device(hass, (DOMAIN, emulator.serial))
    assert device is not None
    assert (dr.CONNECTION_NETWORK_MAC, "00:e0:db:53:42:9a") in device.connections
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_DHCP},
        data=DhcpServiceInfo(ip="localhost", hostname="studiox50", macaddress="00e0db53429a"),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data["host"] == "localhost"
    await hass.async_block_till_done()
