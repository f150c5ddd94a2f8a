"""The guest Wi-Fi join QR code for the room display (an image entity)."""

from __future__ import annotations

from datetime import datetime
import io

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from PIL import Image
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import segno

from custom_components.proav.const import DOMAIN
from tests.emulators.presentation_receiver import PresentationReceiverEmulator as Emu

QR = "image.room_101_guest_wi_fi_qr_code"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png(text: str) -> bytes:
    """Return the PNG segno draws for a text (with the integration's size and quiet zone)."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=10, border=4)
    return out.getvalue()


async def _image(hass_client: ClientSessionGenerator) -> bytes:
    """Fetch the QR code the way the dashboard does (the image proxy)."""
    client = await hass_client()
    response = await client.get(f"/api/image_proxy/{QR}")
    assert response.status == 200
    assert response.content_type == "image/png"
    return await response.read()


def _decodes(content: bytes) -> tuple[int, int]:
    """Return the size of a PNG after decoding it (fails on a broken image)."""
    assert content.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(content)) as picture:
        assert picture.format == "PNG"
        picture.load()
        return picture.size


async def test_qr_code_joins_the_guest_wifi(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The image is the join code of the guest Wi-Fi; a rotated password draws a new one."""
    content = await _image(hass_client)
    width, height = _decodes(content)
    assert width == height > 200  # readable across a room
    assert content == _png("WIFI:T:WPA;S:Room-101;P:abcd1234;;")
    state = hass.states.get(QR)
    assert state is not None
    before = datetime.fromisoformat(state.state)
    # The state is the time of the last change; neither name nor password is recorded.
    assert "abcd1234" not in str(state.as_dict())

    await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_set_guest_wifi_password",
        {"config_entry_id": loaded_entry.entry_id, "password": "Lobby2026x"},
        blocking=True,
    )
    await hass.async_block_till_done()

    state = hass.states.get(QR)
    assert state is not None
    assert datetime.fromisoformat(state.state) > before
    assert "Lobby2026x" not in str(state.as_dict())
    content = await _image(hass_client)
    _decodes(content)
    assert content == _png("WIFI:T:WPA;S:Room-101;P:Lobby2026x;;")

    # A poll that reads the same settings again changes nothing.
    last = state.state
    await loaded_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(QR).state == last


async def test_qr_code_escapes_reserved_characters(
    hass: HomeAssistant,
    emulator: Emu,
    config_entry: MockConfigEntry,
    all_entities_enabled: None,
    hass_client: ClientSessionGenerator,
) -> None:
    """A name with the format's reserved characters still joins (backslash-escaped)."""
    emulator.wifi["ssid"] = 'Room;1,"A":\\B'
    emulator.wifi["hideSSID"] = True
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    content = await _image(hass_client)
    _decodes(content)
    assert content == _png('WIFI:T:WPA;S:Room\\;1\\,\\"A\\"\\:\\\\B;P:abcd1234;H:true;;')


async def test_open_guest_wifi_has_no_password_in_its_code(
    hass: HomeAssistant,
    emulator: Emu,
    config_entry: MockConfigEntry,
    all_entities_enabled: None,
    hass_client: ClientSessionGenerator,
) -> None:
    """An open access point's code joins without a password (and carries none)."""
    emulator.wifi["security"] = 0
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert await _image(hass_client) == _png("WIFI:T:nopass;S:Room-101;;")


async def test_qr_code_disabled_while_guest_wifi_is_off(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry
) -> None:
    """Off guest Wi-Fi: the QR code is created disabled (and unavailable once enabled)."""
    emulator.wifi["mode"] = "OFF"
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    entity = er.async_get(hass).async_get(QR)
    assert entity is not None
    assert entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(QR) is None


async def test_qr_code_enabled_while_guest_wifi_is_on(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry
) -> None:
    """Guest Wi-Fi on: the QR code is there from the start; switching it off makes it unavailable."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    entity = er.async_get(hass).async_get(QR)
    assert entity is not None
    assert entity.disabled_by is None
    assert hass.states.get(QR).state not in ("unavailable", "unknown")

    # What the (disabled by default) guest Wi-Fi switch does.
    await config_entry.runtime_data.coordinator.async_set_wifi(mode="OFF")
    assert emulator.wifi["mode"] == "OFF"
    await hass.async_block_till_done()
    assert hass.states.get(QR).state == "unavailable"


async def test_no_qr_code_without_guest_wifi(
    hass: HomeAssistant,
    emulator: Emu,
    config_entry: MockConfigEntry,
    all_entities_enabled: None,
) -> None:
    """A model without the access point resource has no QR code; the rest works."""
    emulator.unsupported_paths.add("/network/wifi")
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert er.async_get(hass).async_get(QR) is None
    assert hass.states.get(QR) is None
    assert hass.states.get("sensor.room_101_status").state == "standby"
