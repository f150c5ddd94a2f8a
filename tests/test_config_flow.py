"""The config flow machinery every device type shares, run against a stand-in device."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from unittest.mock import patch

from bleak.backends.scanner import AdvertisementData
from homeassistant.components.bluetooth import BluetoothServiceInfoBleak
from homeassistant.config_entries import (
    SOURCE_BLUETOOTH,
    SOURCE_INTEGRATION_DISCOVERY,
    SOURCE_SSDP,
    SOURCE_USER,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import CONF_DEVICE_TYPE, DOMAIN
from custom_components.proav.devices.base import DeviceType
from custom_components.proav.registry import DEVICE_TYPES

from .compat import ble_device
from .stand_in import PASSWORD, USER, StandInEmulator, stand_in_type

KEYS = [
    "aten_vp2730",
    "magewell_ultra_stream",
    "presentation_receiver",
    "exacqvision",
    "poly_videoos",
]
# What the integration page calls each kind of device (in entry titles).
KINDS = {
    "aten_vp2730": "ATEN VP2730",
    "magewell_ultra_stream": "Magewell Ultra Stream",
    "presentation_receiver": "Presentation receiver",
    "exacqvision": "exacqVision",
    "poly_videoos": "Poly VideoOS",
}


@pytest.fixture
async def registry(hass: HomeAssistant) -> AsyncGenerator[dict[str, DeviceType]]:
    """Put the stand-in in the registry under every device type key."""
    types = {key: stand_in_type(key, polls=key != "aten_vp2730") for key in KEYS}
    with patch.dict(DEVICE_TYPES, types, clear=True):
        yield types
        # Flows that end in a reload schedule it: let it finish before unloading.
        await hass.async_block_till_done()
        for entry in hass.config_entries.async_entries(DOMAIN):
            await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


@pytest.fixture
async def device(socket_enabled: None) -> AsyncGenerator[StandInEmulator]:
    """Run the stand-in device."""
    async with StandInEmulator() as emulator:
        yield emulator


def _form(device: StandInEmulator, password: str = PASSWORD) -> dict[str, object]:
    return {
        CONF_HOST: device.host,
        CONF_PORT: device.port,
        CONF_USERNAME: USER,
        CONF_PASSWORD: password,
    }


def _entry(device: StandInEmulator, key: str = "exacqvision", **data: object) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        unique_id="SN-0001",
        title="Stand-in",
        data={CONF_DEVICE_TYPE: key, **_form(device), **data},
    )


@pytest.mark.usefixtures("registry")
async def test_user_step_is_a_menu_of_device_types(hass: HomeAssistant) -> None:
    """The first step lists every device type key."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == KEYS


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize("key", KEYS)
async def test_each_type_form_creates_an_entry(
    hass: HomeAssistant, device: StandInEmulator, key: str
) -> None:
    """Each menu option opens that type's form; a working device becomes an entry."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": key}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == key
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _form(device))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"Stand-in ({KINDS[key]})"  # the integration page says the kind
    assert result["result"].unique_id == "SN-0001"
    assert result["data"] == {CONF_DEVICE_TYPE: key, **_form(device), "index": 0}


async def _open_form(hass: HomeAssistant, key: str = "exacqvision") -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": key}
    )
    return str(result["flow_id"])


@pytest.mark.usefixtures("registry")
async def test_errors_are_shown_and_the_user_can_fix_them(
    hass: HomeAssistant, device: StandInEmulator
) -> None:
    """Wrong password, unreachable device, and a device without a serial each say so."""
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(device, "wrong"))
    assert result["errors"] == {"base": "invalid_auth"}

    await device.set_down(True)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(device))
    assert result["errors"] == {"base": "cannot_connect"}
    await device.set_down(False)

    device.devices = [{"serial": "0000000", "name": "Nameless"}]
    result = await hass.config_entries.flow.async_configure(flow_id, _form(device))
    assert result["errors"] == {"base": "no_serial"}

    device.devices = [{"serial": "SN-0001", "name": "Stand-in"}]
    result = await hass.config_entries.flow.async_configure(flow_id, _form(device))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unexpected_error_is_unknown(
    hass: HomeAssistant, device: StandInEmulator, registry: dict[str, DeviceType]
) -> None:
    """A bug in a probe shows `unknown` and logs the traceback, not a crashed flow."""
    flow_id = await _open_form(hass)

    async def broken(*_: object) -> list[object]:
        raise RuntimeError("bug")

    with patch.dict(
        DEVICE_TYPES,
        {"exacqvision": DeviceType(**{**registry["exacqvision"].__dict__, "async_probe": broken})},
    ):
        result = await hass.config_entries.flow.async_configure(flow_id, _form(device))
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(flow_id, _form(device))
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("registry")
async def test_known_device_at_new_address_updates_the_entry(
    hass: HomeAssistant, device: StandInEmulator
) -> None:
    """Adding a device again aborts, but remembers the address it has now."""
    entry = _entry(device, host="127.0.0.9")
    entry.add_to_hass(hass)
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(device))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == device.host


@pytest.mark.usefixtures("registry")
async def test_several_devices_behind_one_address(
    hass: HomeAssistant, device: StandInEmulator
) -> None:
    """Several devices at one address: the user picks one not configured yet."""
    device.devices = [
        {"serial": "SN-0001", "name": "Server A"},
        {"serial": "SN-0002", "name": "Server B"},
        {"serial": "SN-0003", "name": "Server C"},
    ]
    _entry(device).add_to_hass(hass)
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(device))
    assert result["step_id"] == "pick_device"
    options = result["data_schema"].schema["serial"].config["options"]
    assert [option["value"] for option in options] == ["SN-0002", "SN-0003"]
    result = await hass.config_entries.flow.async_configure(flow_id, {"serial": "SN-0003"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Server C (exacqVision)"
    assert result["data"]["index"] == 2


@pytest.mark.usefixtures("registry")
async def test_several_devices_all_configured_aborts(
    hass: HomeAssistant, device: StandInEmulator
) -> None:
    """When every device at the address is set up already, the flow says so."""
    device.devices = [{"serial": "SN-0001", "name": "A"}, {"serial": "0", "name": "no serial"}]
    device.devices.append({"serial": "SN-0001", "name": "A again"})
    _entry(device).add_to_hass(hass)
    flow_id = await _open_form(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(device))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.usefixtures("registry")
async def test_reauth_asks_for_credentials_only(
    hass: HomeAssistant, device: StandInEmulator
) -> None:
    """Reauth shows the credential fields, rejects wrong ones, and stores working ones."""
    device.password = "new-secret"
    entry = _entry(device)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert set(result["data_schema"].schema) == {CONF_USERNAME, CONF_PASSWORD}
    assert result["description_placeholders"] == {"name": "Stand-in"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USER, CONF_PASSWORD: "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USER, CONF_PASSWORD: "new-secret"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_PASSWORD] == "new-secret"


@pytest.mark.usefixtures("registry")
async def test_reconfigure_changes_the_address(
    hass: HomeAssistant, device: StandInEmulator
) -> None:
    """Reconfigure shows the connection fields and moves the entry to a new address."""
    entry = _entry(device, host="127.0.0.9", port=1)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert set(result["data_schema"].schema) == {CONF_HOST, CONF_PORT}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: device.host, CONF_PORT: device.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert (entry.data[CONF_HOST], entry.data[CONF_PORT]) == (device.host, device.port)
    assert entry.data[CONF_PASSWORD] == PASSWORD


@pytest.mark.usefixtures("registry")
async def test_reconfigure_to_another_device_is_refused(
    hass: HomeAssistant, device: StandInEmulator
) -> None:
    """Pointing an entry at a different device aborts and changes nothing."""
    entry = _entry(device, host="127.0.0.9")
    entry.add_to_hass(hass)
    device.devices = [{"serial": "SN-9999", "name": "Other"}]
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: device.host, CONF_PORT: device.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    assert entry.data[CONF_HOST] == "127.0.0.9"


@pytest.mark.usefixtures("registry")
async def test_options_set_the_scan_intervals(hass: HomeAssistant, device: StandInEmulator) -> None:
    """A polling type offers its intervals; a type without them offers no options."""
    entry = _entry(device)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.supports_options
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert "state_interval" in result["data_schema"].schema
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"state_interval": 12}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options == {"state_interval": 12}
    assert entry.runtime_data.coordinators[0].update_interval.total_seconds() == 12

    push_entry = _entry(device, key="aten_vp2730")
    push_entry.add_to_hass(hass)
    assert not push_entry.supports_options


def _ble(name: str, address: str = "127.0.0.5") -> BluetoothServiceInfoBleak:
    return BluetoothServiceInfoBleak(
        name=name,
        address=address,
        rssi=-60,
        manufacturer_data={},
        service_data={},
        service_uuids=[],
        source="local",
        device=ble_device(address, name),
        advertisement=AdvertisementData(name, {}, {}, [], None, -60, ()),
        connectable=True,
        time=0,
        tx_power=None,
    )


@pytest.mark.usefixtures("registry")
async def test_bluetooth_discovery_prefills_the_form(
    hass: HomeAssistant, device: StandInEmulator
) -> None:
    """A device type that claims an advertisement gets its form, pre-filled."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=_ble("STAND-7", device.host)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "aten_vp2730"
    schema = result["data_schema"].schema
    host_key = next(key for key in schema if key == CONF_HOST)
    assert host_key.default() == device.host

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=_ble("OTHER")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"


@pytest.mark.usefixtures("registry")
async def test_ssdp_discovery_of_a_known_device_updates_its_address(
    hass: HomeAssistant, device: StandInEmulator
) -> None:
    """A configured device seen at a new address gets that address; unknown ones are offered."""
    entry = _entry(device, host="127.0.0.9")
    entry.add_to_hass(hass)
    info = SsdpServiceInfo(ssdp_usn="SN-0001", ssdp_st="urn:stand-in", upnp={})
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=info
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert (entry.data[CONF_HOST], entry.data[CONF_PORT]) == ("127.0.0.1", 8080)

    other = SsdpServiceInfo(ssdp_usn="x", ssdp_st="urn:other", upnp={})
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=other
    )
    assert result["reason"] == "not_supported"


@pytest.mark.usefixtures("registry")
async def test_integration_discovery_leads_to_an_entry(
    hass: HomeAssistant, device: StandInEmulator
) -> None:
    """A device found by our own scan is offered with its address filled in."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_INTEGRATION_DISCOVERY},
        data={
            CONF_DEVICE_TYPE: "magewell_ultra_stream",
            "serial": "SN-0001",
            "name": "Stand-in",
            CONF_HOST: device.host,
            CONF_PORT: device.port,
        },
    )
    assert result["step_id"] == "magewell_ultra_stream"
    flow = hass.config_entries.flow.async_get(result["flow_id"])
    assert flow["context"]["title_placeholders"] == {"name": "Stand-in"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _form(device))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_DEVICE_TYPE] == "magewell_ultra_stream"
