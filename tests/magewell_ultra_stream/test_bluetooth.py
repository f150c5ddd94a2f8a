"""Bluetooth: advertisement parsing, discovery flow, provisioning over a fake GATT peer, push."""

from __future__ import annotations

from collections.abc import Generator
import socket
import struct
import time
from unittest.mock import patch

from bleak.backends.scanner import AdvertisementData
from homeassistant.components.bluetooth import (
    BluetoothServiceInfoBleak,
    async_get_advertisement_callback,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.errors import CannotConnect, InvalidAuth
from custom_components.proav.devices.magewell_ultra_stream import ble, flow
from custom_components.proav.devices.magewell_ultra_stream.models import DeviceStatus
from tests.compat import ble_device
from tests.emulators.magewell_ultra_stream import (
    PASSWORD,
    SERIAL,
    USER,
    FakeGattBox,
    UltraStreamEmulator,
)

from .conftest import keep_admin

ADDRESS = "70:B3:D5:75:D5:FE"
NO_IP = "0.0.0.0"  # noqa: S104 - "no address" in an advertisement


def _manufacturer_data(mask: int, eth: str = NO_IP, wifi: str = NO_IP) -> bytes:
    return (
        b"\x08\x08\x01\x01\x00"
        + struct.pack("<I", mask)
        + socket.inet_aton(eth)
        + socket.inet_aton(wifi)
    )


def _service_info(
    mask: int = 0x10000, eth: str = NO_IP, wifi: str = NO_IP, name: str = SERIAL
) -> BluetoothServiceInfoBleak:
    advertisement = AdvertisementData(
        local_name=name,
        manufacturer_data={0x2935: _manufacturer_data(mask, eth, wifi)},
        service_data={},
        service_uuids=[ble.SERVICE_UUID],
        tx_power=-127,
        rssi=-60,
        platform_data=(),
    )
    device = ble_device(ADDRESS, name, {})
    return BluetoothServiceInfoBleak(
        name=name,
        address=ADDRESS,
        rssi=-60,
        manufacturer_data=advertisement.manufacturer_data,
        service_data={},
        service_uuids=advertisement.service_uuids,
        source="local",
        device=device,
        advertisement=advertisement,
        connectable=True,
        time=time.monotonic(),
        tx_power=-127,
    )


async def _inject(hass: HomeAssistant, info: BluetoothServiceInfoBleak) -> None:
    """Hand an advertisement to Home Assistant's Bluetooth manager."""
    async_get_advertisement_callback(hass)(info)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
def gatt() -> Generator[FakeGattBox]:
    """Return a fake GATT peer that bleak-retry-connector's establish_connection hands out."""
    peer = FakeGattBox()
    peer.networks["Studio"] = ("wifi-secret", "127.0.0.1")

    async def _establish(*_args: object, **_kwargs: object) -> FakeGattBox:
        peer.connected = True
        return peer

    with (
        patch.object(ble, "establish_connection", _establish),
        patch.object(flow, "BLE_POLL_SECONDS", 0),
        patch.object(flow, "BLE_JOIN_SECONDS", 0.2),
    ):
        yield peer


def test_advertisement_parses() -> None:
    info = _service_info(0x10012, eth="192.168.1.217", wifi="192.168.48.1")
    parsed = ble.parse_advertisement(
        name=info.name,
        address=info.address,
        service_uuids=info.service_uuids,
        manufacturer_data=info.manufacturer_data,
    )
    assert parsed is not None
    assert parsed.serial == SERIAL
    assert parsed.host == "192.168.1.217"
    assert parsed.status is not None
    assert DeviceStatus.RECORD in parsed.status


@pytest.mark.parametrize(
    ("name", "uuids", "data"),
    [
        ("Speaker", [ble.SERVICE_UUID], {}),
        (SERIAL, ["0000180a-0000-1000-8000-00805f9b34fb"], {}),
    ],
)
def test_other_advertisements_are_not_boxes(
    name: str, uuids: list[str], data: dict[int, bytes]
) -> None:
    assert (
        ble.parse_advertisement(
            name=name, address=ADDRESS, service_uuids=uuids, manufacturer_data=data
        )
        is None
    )


def test_advertisement_without_manufacturer_data() -> None:
    parsed = ble.parse_advertisement(
        name=SERIAL, address=ADDRESS, service_uuids=[ble.SERVICE_UUID], manufacturer_data={9: b"x"}
    )
    assert parsed is not None
    assert (parsed.status, parsed.host) == (None, None)


async def test_provisioner_status_and_wrong_password() -> None:
    peer = FakeGattBox(status=0x10040)
    box = ble.UltraStreamProvisioner(peer, poll_seconds=0)
    assert DeviceStatus.SOFT_AP in await box.async_status()
    with pytest.raises(InvalidAuth):
        await box.async_authenticate("wrong")
    await box.async_authenticate(PASSWORD)
    await box.async_disconnect()
    assert not peer.connected


async def test_provisioner_long_ssid_and_password_are_split() -> None:
    peer = FakeGattBox()
    ssid, secret = "A" * 30, "p" * 30
    peer.networks[ssid] = (secret, "10.0.0.9")
    box = ble.UltraStreamProvisioner(peer, poll_seconds=0)
    await box.async_authenticate(PASSWORD)
    result = await box.async_configure_wifi(ssid, secret)
    assert (result.ip, result.version) == ("10.0.0.9", "1.2")
    with pytest.raises(ble.WifiJoinFailed, match="too long"):
        await box.async_configure_wifi("x" * 37, "")


@pytest.mark.usefixtures("enable_bluetooth")
async def test_advertised_address_prefills_the_form(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """A box on the network: the flow shows its serial and its address."""
    await _inject(hass, _service_info(eth="127.0.0.1"))
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    assert flows[0]["context"]["title_placeholders"] == {"name": SERIAL}
    assert flows[0]["context"]["unique_id"] == SERIAL
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"],
        {CONF_HOST: "127.0.0.1", CONF_PORT: box.port, CONF_USERNAME: USER, CONF_PASSWORD: PASSWORD},
    )
    result = await keep_admin(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_HOST] == "127.0.0.1"
    await hass.config_entries.async_unload(result["result"].entry_id)


@pytest.mark.usefixtures("enable_bluetooth")
async def test_provisioning_over_bluetooth(
    hass: HomeAssistant, box: UltraStreamEmulator, gatt: FakeGattBox
) -> None:
    """No address yet: password check, Wi-Fi credentials, then the form at the new address."""
    await _inject(hass, _service_info())
    (started,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert started["step_id"] == flow.STEP_BLE_AUTH
    flow_id = started["flow_id"]

    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_PASSWORD: "wrong"})
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_PASSWORD: PASSWORD})
    assert result["step_id"] == flow.STEP_WIFI

    wifi = {flow.CONF_SSID: "Studio", flow.CONF_SECURITY: "wpa2_psk"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**wifi, flow.CONF_WIFI_PASSWORD: "nope"}
    )
    assert result["errors"] == {"base": "wifi_wrong_password"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**wifi, flow.CONF_SSID: "Elsewhere", flow.CONF_WIFI_PASSWORD: "x"}
    )
    assert result["errors"] == {"base": "wifi_not_found"}
    gatt.never_joins = True
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**wifi, flow.CONF_WIFI_PASSWORD: "wifi-secret"}
    )
    assert result["errors"] == {"base": "wifi_timeout"}
    gatt.never_joins = False
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**wifi, flow.CONF_WIFI_PASSWORD: "wifi-secret"}
    )
    assert result["step_id"] == "magewell_ultra_stream"
    assert not gatt.connected  # every step disconnects
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {CONF_HOST: "127.0.0.1", CONF_PORT: box.port, CONF_USERNAME: USER, CONF_PASSWORD: PASSWORD},
    )
    result = await keep_admin(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SERIAL
    await hass.config_entries.async_unload(result["result"].entry_id)


@pytest.mark.usefixtures("enable_bluetooth", "gatt")
async def test_provisioning_when_the_box_is_out_of_reach(hass: HomeAssistant) -> None:
    """The Bluetooth link fails: the form says so."""
    await _inject(hass, _service_info())
    (started,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)

    async def _fail(*_args: object, **_kwargs: object) -> None:
        raise TimeoutError

    with patch.object(ble, "establish_connection", _fail):
        result = await hass.config_entries.flow.async_configure(
            started["flow_id"], {CONF_PASSWORD: PASSWORD}
        )
    assert result["errors"] == {"base": "ble_cannot_connect"}
    hass.config_entries.flow.async_abort(started["flow_id"])


@pytest.mark.usefixtures("enable_bluetooth")
async def test_known_box_is_not_offered_again(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """A configured box seen over Bluetooth is not offered again, and is NOT moved.

    The address in an advertisement is unverified (byte order, the soft AP's own address):
    it may only pre-fill a new flow, never break a working entry.
    """
    await _inject(hass, _service_info(eth="127.0.0.2"))
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    assert entry.data[CONF_HOST] == "127.0.0.1"


@pytest.mark.usefixtures("enable_bluetooth")
async def test_advertised_status_change_refreshes_at_once(
    hass: HomeAssistant, loaded: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    """A changed status mask in an advertisement reads the status without waiting for a probe."""
    box.press_rec()
    await _inject(hass, _service_info(box.cur_status()))
    state = hass.states.get("switch.ultra_stream_recording")
    assert state is not None
    assert state.state == STATE_ON


@pytest.mark.usefixtures("enable_bluetooth")
async def test_soft_ap_address_is_not_the_box_on_a_network(hass: HomeAssistant) -> None:
    """In soft-AP mode the Wi-Fi address is the box's own AP: it is not offered as its host."""
    await _inject(hass, _service_info(0x10040, wifi="192.168.48.1"))
    (started,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert started["step_id"] == flow.STEP_BLE_AUTH
    hass.config_entries.flow.async_abort(started["flow_id"])


@pytest.mark.usefixtures("enable_bluetooth")
async def test_undecodable_advertisement_offers_the_search_not_provisioning(
    hass: HomeAssistant,
) -> None:
    """Manufacturer data that does not parse says nothing about the network: no Wi-Fi push."""
    info = _service_info()
    info.manufacturer_data.clear()
    await _inject(hass, info)
    (started,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert started["step_id"] == flow.STEP_HOW
    hass.config_entries.flow.async_abort(started["flow_id"])


@pytest.mark.parametrize("order", ["<", ">"])
async def test_provisioner_takes_replies_in_either_byte_order(order: str) -> None:
    """The byte order is undocumented: replies with the opcode either way are understood."""
    peer = FakeGattBox(status=0x10040)
    peer.order = order
    peer.networks["Studio"] = ("wifi-secret", "10.0.0.9")
    peer.running_reads = 3
    box = ble.UltraStreamProvisioner(peer, poll_seconds=0)
    assert DeviceStatus.SOFT_AP in await box.async_status()
    await box.async_authenticate(PASSWORD)
    result = await box.async_configure_wifi("Studio", "wifi-secret")
    assert result.ip == "10.0.0.9"
    assert result.version == "1.2"


async def test_provisioner_keeps_the_link_alive_while_joining() -> None:
    """Buffer-1 is read while the box joins, as the vendor document requires."""
    peer = FakeGattBox()
    peer.networks["Studio"] = ("wifi-secret", "10.0.0.9")
    peer.running_reads = 3
    box = ble.UltraStreamProvisioner(peer, poll_seconds=0)
    await box.async_authenticate(PASSWORD)
    await box.async_configure_wifi("Studio", "wifi-secret")
    assert peer.reads.count(1) == 3


async def test_provisioner_lost_link_is_cannot_connect() -> None:
    peer = FakeGattBox()
    peer.fail_reads = True
    box = ble.UltraStreamProvisioner(peer, poll_seconds=0)
    with pytest.raises(CannotConnect):
        await box.async_status()


@pytest.mark.usefixtures("enable_bluetooth")
async def test_link_lost_during_provisioning_is_a_form_error(
    hass: HomeAssistant, gatt: FakeGattBox
) -> None:
    """A dropped GATT link shows the Bluetooth error in the form, not "unknown error"."""
    await _inject(hass, _service_info())
    (started,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    gatt.fail_reads = True
    result = await hass.config_entries.flow.async_configure(
        started["flow_id"], {CONF_PASSWORD: PASSWORD}
    )
    assert result["errors"] == {"base": "ble_cannot_connect"}
    hass.config_entries.flow.async_abort(started["flow_id"])


@pytest.mark.usefixtures("enable_bluetooth")
async def test_passive_advertisement_without_the_name_is_matched_by_address(
    hass: HomeAssistant, loaded: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    """Passive scanners never see the scan response with the serial: the address matches."""
    box.press_rec()
    await _inject(hass, _service_info(box.cur_status(), name=ADDRESS))
    state = hass.states.get("switch.ultra_stream_recording")
    assert state is not None
    assert state.state == STATE_ON


@pytest.mark.usefixtures("enable_bluetooth")
async def test_box_without_pairing_password_goes_straight_to_wifi(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """No PASSWD bit in the advertisement: no password to ask for."""
    peer = FakeGattBox(status=0x40)
    peer.networks["Studio"] = ("wifi-secret", "127.0.0.1")

    async def _establish(*_args: object, **_kwargs: object) -> FakeGattBox:
        return peer

    with (
        patch.object(ble, "establish_connection", _establish),
        patch.object(flow, "BLE_POLL_SECONDS", 0),
    ):
        await _inject(hass, _service_info(0x40))
        (started,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        assert started["step_id"] == flow.STEP_WIFI
        result = await hass.config_entries.flow.async_configure(
            started["flow_id"],
            {
                flow.CONF_SSID: "Studio",
                flow.CONF_SECURITY: "wpa2_psk",
                flow.CONF_WIFI_PASSWORD: "wifi-secret",
            },
        )
    assert result["step_id"] == "magewell_ultra_stream"
    assert not [data for buffer, data in peer.writes if data[:2] == b"\x33\x53"]  # no auth sent
    hass.config_entries.flow.async_abort(started["flow_id"])


def _opcodes(peer: FakeGattBox, order: str) -> list[int]:
    """Return the opcodes of the requests written to buffer 0, read in one byte order."""
    return [struct.unpack_from(f"{order}H", data)[0] for buffer, data in peer.writes if buffer == 0]


async def test_provisioner_retries_a_write_in_the_other_byte_order() -> None:
    """A box that ignores the first order gets the request again in the other, once.

    The order that worked is kept: the next requests go out in it straight away.
    """
    peer = FakeGattBox(status=0x10040)
    peer.write_order = ">"
    peer.networks["Studio"] = ("wifi-secret", "10.0.0.9")
    box = ble.UltraStreamProvisioner(peer, poll_seconds=0)
    assert DeviceStatus.SOFT_AP in await box.async_status()
    assert box.write_order == ">"
    assert _opcodes(peer, ">") == [0x3553, ble.OP_STATUS]  # ignored, then answered
    peer.writes.clear()
    await box.async_authenticate(PASSWORD)
    result = await box.async_configure_wifi("Studio", "wifi-secret")
    assert result.ip == "10.0.0.9"
    assert _opcodes(peer, ">") == [ble.OP_AUTH, ble.OP_WIFI]  # no more retries


async def test_provisioner_box_answering_neither_order_is_an_error() -> None:
    """A box that answers neither order: two attempts, then an error; nothing learned."""
    peer = FakeGattBox()
    peer.write_order = ""  # answers no request
    box = ble.UltraStreamProvisioner(peer, poll_seconds=0)
    with pytest.raises(ble.NoReply):
        await box.async_status()
    assert len(peer.writes) == 2
    assert box.write_order is None


async def test_provisioner_wrong_password_still_teaches_the_order() -> None:
    """A refusal is an answer: the order is kept even though the password was wrong."""
    peer = FakeGattBox()
    peer.write_order = ">"
    box = ble.UltraStreamProvisioner(peer, poll_seconds=0)
    with pytest.raises(InvalidAuth):
        await box.async_authenticate("wrong")
    assert box.write_order == ">"


@pytest.mark.usefixtures("enable_bluetooth")
async def test_provisioning_flow_remembers_the_byte_order(
    hass: HomeAssistant, box: UltraStreamEmulator, gatt: FakeGattBox
) -> None:
    """A box that wants the other byte order is provisioned.

    The flow's later connections (the Wi-Fi step after the password step) use the order
    found, without a retry.
    """
    gatt.write_order = ">"
    await _inject(hass, _service_info())
    (started,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    flow_id = started["flow_id"]
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_PASSWORD: PASSWORD})
    assert result["step_id"] == flow.STEP_WIFI
    assert _opcodes(gatt, ">") == [0x3353, ble.OP_AUTH]  # one retry in the other order
    gatt.writes.clear()
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            flow.CONF_SSID: "Studio",
            flow.CONF_SECURITY: "wpa2_psk",
            flow.CONF_WIFI_PASSWORD: "wifi-secret",
        },
    )
    assert result["step_id"] == "magewell_ultra_stream"
    assert result["data_schema"]({CONF_PASSWORD: PASSWORD})[CONF_HOST] == "127.0.0.1"
    assert _opcodes(gatt, ">") == [ble.OP_AUTH, ble.OP_WIFI]  # straight in the order found
    hass.config_entries.flow.async_abort(flow_id)
