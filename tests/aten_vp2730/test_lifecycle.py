"""Sessions, outages, changing port lists, thumbnails, diagnostics and the config flow."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import io
import logging

from homeassistant.components.camera import async_get_image
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.aten_vp2730.coordinator import POLL_INTERVAL, PUSH_INTERVAL
from custom_components.proav.diagnostics import async_get_config_entry_diagnostics
from tests.emulators.aten_vp2730 import PASSWORD, PNG, ROOM_CODE, SERIAL, AtenEmulator

from .conftest import TIMEOUT, coordinator_of, entry_data, state_is, wait_for_state, wait_removed

# The coordinator schedules polls on whole seconds: fire a little past the interval.
SECOND = timedelta(seconds=1)


async def test_expired_token_is_renewed_without_the_user(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """The device forgets its tokens: the next command signs in once more and succeeds."""
    logins = emulator.logins
    emulator.expire_sessions()
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.vp2730_master_volume", "value": 30},
        blocking=True,
    )
    assert emulator.logins == logins + 1
    assert hass.states.get("number.vp2730_master_volume").state == "30"
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_changed_password_starts_reauth(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """The password changed on the device: the next safety poll starts a reauth flow."""
    emulator.password = "changed"
    emulator.expire_sessions()
    async_fire_time_changed(hass, dt_util.utcnow() + PUSH_INTERVAL.of(loaded) + SECOND)
    # Coordinator polls run as background tasks.
    await hass.async_block_till_done(wait_background_tasks=True)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]

    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"username": "administrator", "password": "changed"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)  # the reload
    assert loaded.data["password"] == "changed"


async def test_device_down_and_back(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    emulator: AtenEmulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Power off: unavailable at once (socket loss), logged once; power on: available again."""
    caplog.set_level(logging.INFO)
    await emulator.set_down(True)
    await wait_for_state(hass, "media_player.vp2730", state_is("unavailable"))
    assert hass.states.get("switch.vp2730_display_a_go_live").state == "unavailable"
    coordinator = coordinator_of(loaded)
    assert coordinator.update_interval == POLL_INTERVAL.of(loaded)
    for _ in range(2):  # more failed polls: no more log lines
        async_fire_time_changed(hass, dt_util.utcnow() + POLL_INTERVAL.of(loaded) + SECOND)
        await hass.async_block_till_done(wait_background_tasks=True)

    await emulator.set_down(False)
    async_fire_time_changed(hass, dt_util.utcnow() + POLL_INTERVAL.of(loaded) + SECOND)
    await wait_for_state(hass, "media_player.vp2730", state_is("on"))
    assert caplog.text.count("Error fetching aten_vp2730") == 1
    assert caplog.text.count("Fetching aten_vp2730 VP2730 data recovered") == 1


async def test_entities_follow_the_list_of_outputs(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """An output that appears gets its entities; one that goes loses them."""
    await emulator.add_output("3", "Display D")
    await wait_for_state(hass, "select.vp2730_display_d_source", state_is("Source 1"))
    await wait_for_state(hass, "switch.vp2730_display_d_go_live", state_is("off"))

    await emulator.remove_output("3")
    await wait_removed(hass, "switch.vp2730_display_d_go_live")
    assert er.async_get(hass).async_get("select.vp2730_display_d_source") is None
    assert hass.states.get("switch.vp2730_display_d_go_live") is None


async def test_thumbnail_camera(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """The device's BMP thumbnail, fetched from the configured address, is served as JPEG."""
    image = await async_get_image(hass, "camera.vp2730_source_1_thumbnail")
    assert image.content_type == "image/jpeg"
    assert image.content.startswith(b"\xff\xd8")
    with Image.open(io.BytesIO(image.content)) as picture:
        assert picture.format == "JPEG"
        assert picture.size == (320, 180)  # the input's test pattern, not a block of colour
        assert len(picture.getcolors(maxcolors=100_000) or ()) > 50
    assert emulator.requests.count("GET /static/thumbnails/Snapshot0.bmp") == 1


async def test_diagnostics_redact_secrets(hass: HomeAssistant, loaded: MockConfigEntry) -> None:
    """Password, serial and room code never appear in diagnostics."""
    diagnostics = await async_get_config_entry_diagnostics(hass, loaded)
    text = repr(diagnostics)
    for secret in (PASSWORD, SERIAL, f"'{ROOM_CODE}'"):
        assert secret not in text
    device = diagnostics["device"]
    assert device["push"]["connected"] is True
    coordinator_name = next(key for key in device if key.startswith("aten_vp2730"))
    assert device[coordinator_name]["room"]["code"] == "**REDACTED**"
    assert device[coordinator_name]["info"]["serial_number"] == "**REDACTED**"


async def test_user_flow_creates_an_entry(
    hass: HomeAssistant, emulator: AtenEmulator, socket_enabled: None
) -> None:
    """Menu, form, connection test: one entry with the serial as unique id."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "aten_vp2730"}
    )
    assert result["step_id"] == "aten_vp2730"
    data = entry_data(emulator)
    form = {key: value for key, value in data.items() if key != "device_type"}
    bad = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**form, "password": "wrong"}
    )
    assert bad["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SERIAL
    assert result["data"] == data
    await hass.async_block_till_done()
    entry = result["result"]
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize("serial", ["", "0000000000"])
async def test_user_flow_rejects_a_placeholder_serial_without_a_mac(
    hass: HomeAssistant, socket_enabled: None, serial: str
) -> None:
    """A placeholder serial and no MAC address (a routed network) leave nothing to key on.

    With the MAC address known the entry is created (``test_foundation``).
    """
    async with AtenEmulator(serial=serial) as emulator:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "aten_vp2730"}
        )
        form = {k: v for k, v in entry_data(emulator).items() if k != "device_type"}
        result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["errors"] == {"base": "no_serial"}


async def test_options_tune_both_intervals(hass: HomeAssistant, loaded: MockConfigEntry) -> None:
    """The options flow sets the safety-net and fallback intervals; the entry reloads."""
    result = await hass.config_entries.options.async_init(loaded.entry_id)
    assert set(result["data_schema"].schema) == {"push_safety_interval", "poll_interval"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"push_safety_interval": 120, "poll_interval": 7}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    coordinator = coordinator_of(loaded)
    async with asyncio.timeout(TIMEOUT):
        await coordinator.push.async_wait_connected()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert coordinator.update_interval == timedelta(seconds=120)


async def test_reconfigure_keeps_the_device(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Reconfigure tests the new address and keeps the entry (same serial)."""
    result = await loaded.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": emulator.host, "port": emulator.port, "ssl": False, "verify_ssl": False},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_room_qr_code_image(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    emulator: AtenEmulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """The room's join QR code is an image entity (for a guest tablet), fetched from us."""
    state = hass.states.get("image.vp2730_room_qr_code")
    assert state is not None
    client = await hass_client()
    response = await client.get(state.attributes["entity_picture"])
    assert response.status == 200
    assert response.content_type == "image/png"
    assert await response.read() == PNG
    assert emulator.requests.count("GET /static/picture/qrcode.png") == 1
    # A new QR code (the room changed): a new image.
    emulator.state["system/room"]["qrCode"] = "https://10.3.56.56:443/static/picture/qr2.png"
    await emulator.emit("system/room")
    await wait_for_state(hass, "image.vp2730_room_qr_code", lambda s: s.state != state.state)
