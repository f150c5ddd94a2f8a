"""The HA-free client against the emulator: envelope, auth, every endpoint."""

from __future__ import annotations

from datetime import datetime
import struct
import time

import aiohttp
import pytest

from custom_components.proav.devices.errors import (
    CannotConnect,
    DeviceBusy,
    DeviceError,
    InvalidAuth,
    InvalidResponse,
    NotPermitted,
    NotSupported,
)
from custom_components.proav.devices.presentation_receiver.client import (
    FilePart,
    FirmwareUnavailable,
    PresentationReceiverClient,
)
from custom_components.proav.devices.presentation_receiver.models import ApiKey
from tests.emulators.presentation_receiver import PresentationReceiverEmulator


def png(width: int, height: int) -> bytes:
    """Return the head of a PNG image of a given size (enough for the size check)."""
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I4sII", 13, b"IHDR", width, height) + b"\0" * 8


async def test_device_and_status(
    client: PresentationReceiverClient, emulator: PresentationReceiverEmulator
) -> None:
    """The device facts parse; status tokens follow senders and sharing."""
    device = await client.get_device()
    assert (device.serial_number, device.model, device.firmware) == (
        "EMU0000000001",
        "EMU-WPS1",
        "1.0.0.100",
    )
    assert device.mac_address == "02:00:00:00:00:01"
    assert device.status == "standby"
    emulator.start_sharing()
    device = await client.get_device()
    assert device.states == ("connected", "sharing")
    assert (device.status, device.sharing, device.sender_connected) == ("sharing", True, True)
    assert client.model == "EMU-WPS1"
    assert emulator.requests[-1] == "GET /api/v1/device?username=admin"


async def test_settings_round_trip(
    client: PresentationReceiverClient, emulator: PresentationReceiverEmulator
) -> None:
    """Every setter sends its query parameters; every getter reads the result back."""
    await client.set_name("Room-7")
    assert await client.get_name() == "Room-7"
    await client.set_language(2)
    assert await client.get_language() == 2
    await client.set_remote_view(True)
    assert await client.get_remote_view() is True
    await client.set_login_code(2, "1234")
    code = await client.get_login_code()
    assert (code.type, code.code) == (2, "1234")
    await client.set_resolution(3, enable_vga=True)
    resolution = await client.get_resolution()
    assert (resolution.hdmi, resolution.vga, resolution.vga_enabled) == (3, 3, True)
    await client.set_power_mode(0, 30)
    power = await client.get_power_mode()
    assert (power.mode, power.timeout) == (0, 30)
    await client.set_ntp(server="ntp.example", port=1123, auto=False)
    ntp = await client.get_ntp()
    assert (ntp.server, ntp.port, ntp.auto) == ("ntp.example", 1123, False)
    await client.set_time_zone("Europe/London")
    assert await client.get_time_zone() == "Europe/London"
    await client.set_time(datetime(2030, 1, 2, 3, 4, 5))
    clock = await client.get_time()
    assert clock is not None
    assert clock.replace(tzinfo=None, second=0) == datetime(2030, 1, 2, 3, 4)
    await client.set_wifi("AP", hideSSID=True, band=0, gatekeeper=2)
    wifi = await client.get_wifi()
    assert (wifi.hidden, wifi.band, wifi.gatekeeper, wifi.settable) == (True, 0, 2, True)
    await client.set_ethernet(dhcp=False, ip="10.0.0.5", mask="255.0.0.0")
    ethernet = await client.get_ethernet()
    assert (ethernet.dhcp, ethernet.ip) == (False, "10.0.0.5")
    assert client.reboot_required is True
    assert await client.get_ethernet_mac() == "02:00:00:00:00:01"
    assert await client.get_wifi_mac() == "02:00:00:00:00:02"
    await client.set_display(False)
    assert emulator.display_on is False
    assert "PUT /api/v1/device/display/resolution?username=admin&value=3&enableVGA=true" in (
        emulator.requests
    )


async def test_wallpapers(
    client: PresentationReceiverClient, emulator: PresentationReceiverEmulator
) -> None:
    """Upload to a custom slot, select it, refuse what the device refuses."""
    await client.upload_wallpaper(2, png(1920, 1200), "wall.png", "image/png")
    await client.select_wallpaper(2)
    assert await client.get_wallpaper() == 2
    with pytest.raises(NotPermitted):
        await client.delete_wallpaper(2)
    with pytest.raises(NotPermitted):
        await client.select_wallpaper(4)
    with pytest.raises(DeviceError) as err:
        await client.upload_wallpaper(3, png(1000, 1000), "square.png", "image/png")
    assert err.value.code == 1100
    await client.select_wallpaper(0)
    await client.delete_wallpaper(2)
    assert emulator.wallpaper.images[2] is None


async def test_firmware_and_configuration(
    client: PresentationReceiverClient, emulator: PresentationReceiverEmulator
) -> None:
    """Check for firmware, update online or from a file; export and import settings."""
    assert (await client.get_firmware(check=True)).new is None
    with pytest.raises(FirmwareUnavailable):
        await client.update_firmware()
    emulator.offer_firmware("1.0.1.0")
    assert (await client.get_firmware()).new is None
    assert (await client.get_firmware(check=True)).new == "1.0.1.0"
    await client.update_firmware()
    assert (await client.get_device()).status == "updating"
    with pytest.raises(DeviceBusy):
        await client.set_name("X")
    emulator.finish_update()
    assert (await client.get_firmware()).current == "1.0.1.0"
    await client.update_firmware(
        FilePart(field="fileName", content=b"firmware image", filename="rx-1.0.1.1.bin")
    )
    assert emulator.firmware_uploads == [b"firmware image"]
    assert emulator.firmware_names == ["rx-1.0.1.1.bin"]
    emulator.finish_update()
    assert (await client.get_firmware()).current == "1.0.1.1"
    exported = await client.export_configuration()
    await client.import_configuration(exported)
    assert client.reboot_required is True


async def test_reboot_and_password(
    client: PresentationReceiverClient, emulator: PresentationReceiverEmulator
) -> None:
    """Reboot with delay and reason; change the password with the key."""
    await client.reboot(delay=5, reason="maintenance")
    assert emulator.reboots == [{"delay": 5, "reason": "maintenance"}]
    await client.change_password("secret1")
    assert emulator.accounts["admin"].password == "secret1"
    with pytest.raises(DeviceError) as err:
        await client.change_password("not allowed!")
    assert err.value.code == 1001
    assert not isinstance(err.value, InvalidAuth)


async def test_create_key_with_password(
    emulator: PresentationReceiverEmulator, session: aiohttp.ClientSession
) -> None:
    """Basic auth creates a new key; the old one stops working."""
    seen: list[ApiKey] = []
    client = PresentationReceiverClient(
        session,
        emulator.host,
        port=emulator.port,
        ssl=False,
        username="admin",
        password="admin",
        on_new_key=seen.append,
    )
    key = await client.create_api_key()
    assert key.token == emulator.accounts["admin"].token != "0123456789abcdef"
    assert (key.expires, key.scope) == (-1, "full")
    assert seen == [key]
    old = PresentationReceiverClient(
        session,
        emulator.host,
        port=emulator.port,
        ssl=False,
        username="admin",
        api_key=ApiKey(token="0123456789abcdef", expires=-1, scope="full"),
    )
    with pytest.raises(InvalidAuth):
        await old.get_device()


async def test_wrong_password(
    emulator: PresentationReceiverEmulator, session: aiohttp.ClientSession
) -> None:
    """A wrong password is an auth failure, not a connection failure."""
    client = PresentationReceiverClient(
        session, emulator.host, port=emulator.port, ssl=False, username="admin", password="nope"
    )
    with pytest.raises(InvalidAuth):
        await client.create_api_key()


async def test_expired_key_renewed_with_password(
    emulator: PresentationReceiverEmulator, session: aiohttp.ClientSession
) -> None:
    """With a stored password an expired key is replaced without the caller noticing."""
    seen: list[ApiKey] = []
    client = PresentationReceiverClient(
        session,
        emulator.host,
        port=emulator.port,
        ssl=False,
        username="admin",
        api_key=ApiKey(token="0123456789abcdef", expires=-1, scope="full"),
        password="admin",
        on_new_key=seen.append,
    )
    emulator.expire_sessions()
    assert (await client.get_device()).name == "Room-101"
    assert seen
    assert seen[0].token == emulator.accounts["admin"].token


async def test_expired_key_without_password(client: PresentationReceiverClient, emulator) -> None:
    """Without a password an expired key is an auth failure."""
    emulator.expire_sessions()
    with pytest.raises(InvalidAuth):
        await client.get_device()


async def test_view_only_key(
    client: PresentationReceiverClient, emulator: PresentationReceiverEmulator
) -> None:
    """A read-only key reads, but writes are refused with a typed error."""
    emulator.accounts["admin"].scope = "view_only"
    await client.get_device()
    with pytest.raises(NotPermitted):
        await client.set_remote_view(True)
    # Only that call failed: reads go on, and the next write is tried again.
    await client.get_device()


async def test_faults(
    client: PresentationReceiverClient, emulator: PresentationReceiverEmulator
) -> None:
    """Down, HTTP 5xx, broken JSON and objects sent as JSON strings."""
    emulator.stringify_objects = True
    assert (await client.get_device()).serial_number == "EMU0000000001"
    emulator.malformed_paths = {"", "/general/name", "/general/language"}
    with pytest.raises(InvalidResponse):
        await client.get_device()
    assert await client.get_name() == "{not json"  # a string, as documented: the caller checks it
    assert await client.get_language() is None
    emulator.malformed_paths = set()
    emulator.faults.malformed = True
    with pytest.raises(InvalidResponse):
        await client.get_device()
    emulator.faults.malformed = False
    emulator.faults.status = 503
    with pytest.raises(CannotConnect):
        await client.get_device()
    emulator.faults.status = None
    await emulator.set_down(True)
    with pytest.raises(CannotConnect):
        await client.get_device()
    await emulator.set_down(False)
    assert (await client.get_device()).name == "Room-101"


async def test_key_not_renewed_before_a_401(
    emulator: PresentationReceiverEmulator, session: aiohttp.ClientSession
) -> None:
    """A key that looks about to expire by Home Assistant's clock is used until it is refused."""
    seen: list[ApiKey] = []
    client = PresentationReceiverClient(
        session,
        emulator.host,
        port=emulator.port,
        ssl=False,
        username="admin",
        api_key=ApiKey(token="0123456789abcdef", expires=int(time.time()) + 30),
        password="admin",
        on_new_key=seen.append,
    )
    await client.get_device()
    assert not seen
    assert emulator.keys_created == 0


async def test_password_change_keeps_renewal_working(
    emulator: PresentationReceiverEmulator, session: aiohttp.ClientSession
) -> None:
    """After a password change (with the key) the client renews keys with the new password."""
    client = PresentationReceiverClient(
        session,
        emulator.host,
        port=emulator.port,
        ssl=False,
        username="admin",
        password="admin",
        renew_throttle=0,
    )
    await client.create_api_key()
    await client.change_password("newpass1")
    assert emulator.accounts["admin"].password == "newpass1"
    emulator.expire_sessions()
    assert (await client.get_device()).name == "Room-101"


async def test_unknown_endpoint(
    client: PresentationReceiverClient, emulator: PresentationReceiverEmulator
) -> None:
    """HTTP errors with the default envelope become typed errors with the HTTP status."""
    with pytest.raises(NotSupported) as err:
        await client._request("GET", "/nothing")
    assert err.value.code == 404


async def test_upload_retried_with_renewed_key(
    emulator: PresentationReceiverEmulator, session: aiohttp.ClientSession
) -> None:
    """An upload refused for an expired key is sent again, whole, with the new key."""
    client = PresentationReceiverClient(
        session,
        emulator.host,
        port=emulator.port,
        ssl=False,
        username="admin",
        api_key=ApiKey(token="0123456789abcdef", expires=-1, scope="full"),
        password="admin",
    )
    emulator.expire_sessions()
    await client.upload_wallpaper(4, png(1920, 1080), "wall.png", "image/png")
    assert emulator.wallpaper.images[4] == png(1920, 1080)
