"""The Ultra Stream's config flow: form, network search, background scan, SSDP, reauth."""

from __future__ import annotations

import socket

from homeassistant.config_entries import SOURCE_SSDP, SOURCE_USER, ConfigEntryDisabler
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.magewell_ultra_stream import flow
from tests.emulators.base import free_port
from tests.emulators.magewell_ultra_stream import PASSWORD, SERIAL, USER, UltraStreamEmulator

from .conftest import KEY, entry_data, keep_admin


def _form(box: UltraStreamEmulator, password: str = PASSWORD) -> dict[str, object]:
    return {CONF_HOST: box.host, CONF_PORT: box.port, CONF_USERNAME: USER, CONF_PASSWORD: password}


def _loopback(port: int) -> flow.MulticastScanner:
    """Return a scanner that asks on loopback (no multicast routing in tests)."""
    return flow.MulticastScanner(
        group="127.0.0.1", port=port, interfaces=("127.0.0.1",), seconds=0.2
    )


@pytest.fixture
async def multicast(hass: HomeAssistant, box: UltraStreamEmulator) -> int:
    """Let the box answer discovery on loopback, and give Home Assistant a scanner asking there."""
    port = free_port(socket.SOCK_DGRAM)
    await box.start_multicast(port)
    hass.data[flow.SCANNER] = _loopback(port)
    return port


async def _choose_type(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": KEY}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == [flow.STEP_SEARCH, flow.STEP_MANUAL]
    return str(result["flow_id"])


async def test_manual_entry(hass: HomeAssistant, box: UltraStreamEmulator) -> None:
    """Entering the address signs in and creates an entry named after the box."""
    flow_id = await _choose_type(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"next_step_id": flow.STEP_MANUAL}
    )
    assert result["step_id"] == KEY
    result = await hass.config_entries.flow.async_configure(flow_id, _form(box, "wrong"))
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(flow_id, _form(box))
    result = await keep_admin(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Magewell Ultra Stream"  # the factory name has the serial
    assert result["result"].unique_id == SERIAL
    assert result["data"] == entry_data(box)
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_manual_entry_box_down(hass: HomeAssistant, box: UltraStreamEmulator) -> None:
    flow_id = await _choose_type(hass)
    await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": flow.STEP_MANUAL})
    await box.set_down(True)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(box))
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.usefixtures("multicast")
async def test_search_lists_the_boxes_found(hass: HomeAssistant, box: UltraStreamEmulator) -> None:
    """Search the network: the box answers, is listed, and fills the form."""
    flow_id = await _choose_type(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"next_step_id": flow.STEP_SEARCH}
    )
    assert result["step_id"] == flow.STEP_SEARCH
    options = result["data_schema"].schema["serial"].config["options"]
    assert options == [{"value": SERIAL, "label": f"Ultra Stream {SERIAL} ({SERIAL}, 127.0.0.1)"}]
    result = await hass.config_entries.flow.async_configure(flow_id, {"serial": SERIAL})
    assert result["step_id"] == KEY
    assert result["data_schema"]({CONF_PASSWORD: PASSWORD})[CONF_HOST] == "127.0.0.1"
    result = await hass.config_entries.flow.async_configure(flow_id, _form(box))
    result = await keep_admin(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.config_entries.async_unload(result["result"].entry_id)


@pytest.mark.usefixtures("multicast")
async def test_search_leaves_out_configured_boxes(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    MockConfigEntry(domain=DOMAIN, unique_id=SERIAL, data=entry_data(box)).add_to_hass(hass)
    flow_id = await _choose_type(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"next_step_id": flow.STEP_SEARCH}
    )
    assert result["step_id"] == KEY
    assert result["errors"] == {"base": "no_devices_found"}


async def test_no_background_scan_without_an_ultra_stream(
    hass: HomeAssistant, multicast: int, box: UltraStreamEmulator
) -> None:
    """An installation without an Ultra Stream is never scanned unasked."""
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert box.multicast is not None
    assert box.multicast.queries == 0
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []


async def test_background_scan_offers_new_and_moves_known_boxes(
    hass: HomeAssistant, multicast: int, box: UltraStreamEmulator
) -> None:
    """With an Ultra Stream set up, the scan offers a new box; a known box gets its address."""
    async with UltraStreamEmulator(serial="C301190101001") as other:
        known = MockConfigEntry(
            domain=DOMAIN,
            unique_id="C301190101001",
            data={**entry_data(other), CONF_HOST: "192.0.2.10"},
            disabled_by=ConfigEntryDisabler.USER,  # not set up: only its presence counts
        )
        known.add_to_hass(hass)
        assert await async_setup_component(hass, DOMAIN, {})
        await hass.async_block_till_done(wait_background_tasks=True)
        flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        assert [f["context"]["unique_id"] for f in flows] == [SERIAL]
        assert flows[0]["step_id"] == KEY
        hass.config_entries.flow.async_abort(flows[0]["flow_id"])

        port = free_port(socket.SOCK_DGRAM)
        await other.start_multicast(port)
        hass.data[flow.SCANNER] = _loopback(port)
        for found in await flow.async_scan_network(hass):
            flow.async_offer(hass, found)
        await hass.async_block_till_done()
        assert known.data[CONF_HOST] == "127.0.0.1"


async def test_ssdp_discovery(hass: HomeAssistant, box: UltraStreamEmulator) -> None:
    """An SSDP answer from MAGEWELL (matcher unverified on hardware) leads to the form."""
    info = SsdpServiceInfo(
        ssdp_usn=f"uuid:{SERIAL}::upnp:rootdevice",
        ssdp_st="upnp:rootdevice",
        ssdp_location=f"http://127.0.0.1:{box.port}/description.xml",
        upnp={"manufacturer": "MAGEWELL", "friendlyName": "Stage box"},
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=info
    )
    assert result["step_id"] == KEY
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USER, CONF_PASSWORD: PASSWORD}
    )
    result = await keep_admin(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PORT] == box.port
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_ssdp_from_someone_else_is_not_ours(hass: HomeAssistant) -> None:
    info = SsdpServiceInfo(
        ssdp_usn="uuid:x::upnp:rootdevice",
        ssdp_st="upnp:rootdevice",
        ssdp_location="http://192.0.2.1/",
        upnp={"manufacturer": "Other"},
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=info
    )
    assert result["reason"] == "not_supported"


async def test_reauth(
    hass: HomeAssistant, entry: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    """A new password is checked against the box and stored."""
    box.users[USER] = "5ebe2294ecd0e0f08eab7690d2a6ee69"  # md5("secret")
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USER, CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USER, CONF_PASSWORD: "secret"}
    )
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_PASSWORD] == "secret"
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_options_tune_the_probe(
    hass: HomeAssistant, entry: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    """The polling cadences are options; changing them reloads the entry."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert set(result["data_schema"].schema) == {
        "ultra_stream_probe_interval",
        "ultra_stream_status_interval",
        "ultra_stream_active_interval",
        "ultra_stream_settings_interval",
        "ultra_stream_runway_warning",
    }
    options = {
        "ultra_stream_probe_interval": 2,
        "ultra_stream_status_interval": 120,
        "ultra_stream_active_interval": 5,
        "ultra_stream_settings_interval": 600,
        "ultra_stream_runway_warning": 600,
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], options)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    status = entry.runtime_data.status
    assert status.update_interval is not None
    assert status.update_interval.total_seconds() == 120
    assert status.settings.update_interval is not None
    assert status.settings.update_interval.total_seconds() == 600
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_moves_to_a_new_address(
    hass: HomeAssistant, entry: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    """Reconfigure checks the box at the new address is the same one."""
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_HOST: "192.0.2.1"})
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: box.host, CONF_PORT: box.port}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_HOST] == box.host
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_named_box_entry_title(hass: HomeAssistant, box: UltraStreamEmulator) -> None:
    """A box with a name of its own gives the entry its name and kind, without the serial."""
    box.settings["name"] = "Studio"
    flow_id = await _choose_type(hass)
    await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": flow.STEP_MANUAL})
    result = await keep_admin(
        hass, await hass.config_entries.flow.async_configure(flow_id, _form(box))
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Studio (Magewell Ultra Stream)"
    await hass.async_block_till_done()
    recording = hass.states.get("switch.studio_recording")
    assert recording is not None
    assert recording.attributes["friendly_name"] == "Studio Recording"
    await hass.config_entries.async_unload(result["result"].entry_id)
