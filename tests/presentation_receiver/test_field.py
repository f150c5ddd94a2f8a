"""Real-unit behaviours the document leaves open (field variants of the emulator).

Each test switches one variant on and checks what a user would notice: no new API keys, no
reauth flows, no "unplugged" or "off" that the device never said.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_API_KEY,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.presentation_receiver.device_type import _client
from custom_components.proav.diagnostics import async_get_config_entry_diagnostics
from tests.emulators.presentation_receiver import PresentationReceiverEmulator

from .conftest import TOKEN, reauth_flows

type Emu = PresentationReceiverEmulator

FAST = timedelta(seconds=11)


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Let time pass and the due polls run."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED


def _with_password(hass: HomeAssistant, entry: MockConfigEntry, password: str = "admin") -> None:  # noqa: S107
    """Let the entry renew its key with the stored password."""
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_PASSWORD: password, "allow_key_renewal": True}
    )


def _key_attempts(emulator: Emu) -> int:
    """Count the key creations asked for (refused ones too)."""
    return sum(
        request.startswith("PUT /api/v1/device/admin/apikey") for request in emulator.requests
    )


# API keys


async def test_keys_never_churn(
    hass: HomeAssistant, emulator: Emu, freezer: FrozenDateTimeFactory
) -> None:
    """The longest scenario creates 3 keys, each one needed.

    A key made by the flow, a device clock a day behind, a revoked key, a key refused again at
    once (no key then), a key revoked again much later.
    """
    emulator.key_lifetime = 3600  # keys live an hour on the device's own clock...
    emulator.clock_offset = -86400  # ...which is a day behind Home Assistant's
    result = await _user_flow(hass, _user_input(emulator, password="admin", allow_key_renewal=True))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    await hass.async_block_till_done(wait_background_tasks=True)
    assert emulator.keys_created == 1
    # The key "expired" a day ago by Home Assistant's clock: it is used as long as it works.
    for _ in range(30):
        await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == "standby"
    assert emulator.keys_created == 1
    # Revoked (another system made a key): one new key, stored, no reauth.
    emulator.accounts["admin"].token = "revokedelsewhere"
    await _tick(hass, freezer, FAST)
    assert emulator.keys_created == 2
    assert entry.data[CONF_API_KEY] == emulator.accounts["admin"].token
    assert _state(hass, "sensor.room_101_status") == "standby"
    # Revoked again at once: no second key within minutes; unavailable, still no reauth.
    emulator.accounts["admin"].token = "revokedagain0000"
    for _ in range(5):
        await _tick(hass, freezer, FAST)
    assert emulator.keys_created == 2
    assert _state(hass, "sensor.room_101_status") == STATE_UNAVAILABLE
    assert not reauth_flows(hass)
    # Minutes later a new key may be made again.
    await _tick(hass, freezer, timedelta(minutes=5))
    await _tick(hass, freezer, FAST)
    assert emulator.keys_created == 3
    assert _state(hass, "sensor.room_101_status") == "standby"
    assert entry.data[CONF_API_KEY] == emulator.accounts["admin"].token
    assert not reauth_flows(hass)


async def test_forbidden_and_unsupported_commands(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry
) -> None:
    """HTTP 403 and a missing route fail that command only: translated, no key, no reauth."""
    _with_password(hass, config_entry)
    await _setup(hass, config_entry)
    emulator.forbid_writes = True
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "switch", "turn_on", {ATTR_ENTITY_ID: "switch.room_101_remote_view"}, blocking=True
        )
    assert err.value.translation_key == "not_permitted"
    emulator.forbid_writes = False
    emulator.unsupported_paths = {"/power/reboot"}
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {ATTR_ENTITY_ID: "button.room_101_restart"}, blocking=True
        )
    assert err.value.translation_key == "not_supported"
    await hass.async_block_till_done()
    assert not reauth_flows(hass)
    assert _key_attempts(emulator) == 0
    assert config_entry.data[CONF_API_KEY] == TOKEN
    assert _state(hass, "switch.room_101_remote_view") == "off"
    assert _state(hass, "button.room_101_restart") != STATE_UNAVAILABLE


async def test_unknown_error_code_is_not_auth(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry
) -> None:
    """ErrorCode 1002 (meaning unknown) on a rename: that call's error, with its code."""
    _with_password(hass, config_entry)
    await _setup(hass, config_entry)
    emulator.error_codes = {"PUT /general/name": 1002}
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "text",
            "set_value",
            {ATTR_ENTITY_ID: "text.room_101_device_name", "value": "Room-1"},
            blocking=True,
        )
    assert err.value.translation_key == "device_error"
    assert err.value.translation_placeholders == {"code": " (1002)"}
    await hass.async_block_till_done()
    assert not reauth_flows(hass)
    assert _key_attempts(emulator) == 0
    assert _state(hass, "text.room_101_device_name") == "Room-101"


async def test_refused_password_latches(
    hass: HomeAssistant,
    emulator: Emu,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Key revoked and password changed: one refused key creation, reauth, then no more tries."""
    _with_password(hass, config_entry)
    await _setup(hass, config_entry)
    emulator.accounts["admin"].token = "revokedelsewhere"
    emulator.accounts["admin"].password = "changed1"
    await _tick(hass, freezer, FAST)
    assert len(reauth_flows(hass)) == 1
    # Whatever polls again (a manual refresh, the firmware check) asks for no new key.
    runtime = config_entry.runtime_data
    for _ in range(3):
        await runtime.coordinator.async_refresh()
        await runtime.firmware.async_refresh()
        await _tick(hass, freezer, timedelta(minutes=10))
    assert _key_attempts(emulator) == 1
    assert runtime.receiver.login_gate.refused is not None
    # A command now says the credentials are refused (not "not permitted"), and asks no key.
    with pytest.raises(HomeAssistantError) as err:
        await runtime.coordinator.async_set_remote_view(True)
    assert err.value.translation_key == "invalid_auth"
    assert _key_attempts(emulator) == 1
    assert emulator.keys_created == 0


def _user_input(emulator: Emu, **fields: Any) -> dict[str, Any]:
    return {
        CONF_HOST: emulator.host,
        "port": emulator.port,
        CONF_SSL: False,
        CONF_VERIFY_SSL: False,
        CONF_USERNAME: "admin",
        "allow_key_renewal": False,
        **fields,
    }


async def _user_flow(hass: HomeAssistant, user_input: dict[str, Any]) -> Any:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "presentation_receiver"}
    )
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


async def test_adding_a_configured_receiver_again_keeps_its_key(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Adding a configured receiver again with its password: no new key, the entry works on."""
    result = await _user_flow(hass, _user_input(emulator, password="admin"))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert emulator.keys_created == 0
    await hass.async_block_till_done()
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == "standby"
    assert loaded_entry.data[CONF_API_KEY] == TOKEN


async def test_flow_hands_a_new_key_to_the_existing_entry(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry
) -> None:
    """An entry whose key was revoked; the receiver added again: the entry gets the new key."""
    emulator.accounts["admin"].token = "revokedelsewhere"
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    result = await _user_flow(hass, _user_input(emulator, password="admin"))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    await hass.async_block_till_done()
    assert emulator.keys_created == 1
    assert config_entry.data[CONF_API_KEY] == emulator.accounts["admin"].token
    assert config_entry.state is ConfigEntryState.LOADED
    assert _state(hass, "sensor.room_101_status") == "standby"


async def test_stop_leaves_the_key_working(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry
) -> None:
    """Stopping Home Assistant neither revokes nor creates keys: the device keeps ours."""
    _with_password(hass, config_entry)
    await _setup(hass, config_entry)
    requests = len(emulator.requests)
    await hass.async_stop()
    assert emulator.keys_created == 0
    assert emulator.accounts["admin"].token == TOKEN
    assert all("apikey" not in request for request in emulator.requests[requests:])


# Transport


async def test_redirect_to_https(hass: HomeAssistant, emulator: Emu) -> None:
    """A redirect is not followed (it would drop the key): the form says to use HTTPS."""
    emulator.redirect_to_https = True
    result = await _user_flow(hass, _user_input(emulator, **{CONF_API_KEY: TOKEN}))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "receiver_use_https"}
    assert len(emulator.requests) == 1  # asked once, the redirect not followed


async def test_redirect_while_running(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A receiver switched to HTTPS-only: unavailable with a reason, no reauth."""
    emulator.redirect_to_https = True
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == STATE_UNAVAILABLE
    coordinator = loaded_entry.runtime_data.coordinator
    assert coordinator.last_exception.translation_key == "receiver_use_https"
    assert not reauth_flows(hass)


async def test_port_follows_https_and_ipv6(hass: HomeAssistant) -> None:
    """Without a port the address follows the HTTPS choice; IPv6 hosts are bracketed."""
    base = {CONF_USERNAME: "admin", CONF_API_KEY: TOKEN}
    assert _client(hass, {**base, CONF_HOST: "rx.local", CONF_SSL: True}).base_url == (
        "https://rx.local"
    )
    assert _client(hass, {**base, CONF_HOST: "rx.local", CONF_SSL: False}).base_url == (
        "http://rx.local"
    )
    client = _client(hass, {**base, CONF_HOST: "fe80::1", CONF_SSL: False, "port": 8080})
    assert client.base_url == "http://[fe80::1]:8080"


# Tolerant parsing


async def test_flat_shapes_named_scalars_and_is_success_false(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry, all_entities_enabled: None
) -> None:
    """Flat display/network objects, words for numbers and isSuccess false with code 0."""
    emulator.flat_shapes = True
    emulator.named_scalars = True
    emulator.success_flag = False
    emulator.language = 1
    emulator.remote_view = True
    await _setup(hass, config_entry)
    assert _state(hass, "binary_sensor.room_101_hdmi_display") == "on"
    assert _state(hass, "binary_sensor.room_101_hdmi_cec") == "on"
    assert _state(hass, "select.room_101_output_resolution") == "auto"
    assert _state(hass, "switch.room_101_vga_output") == "off"
    assert _state(hass, "sensor.room_101_ip_address") == "192.168.1.50"
    assert _state(hass, "binary_sensor.room_101_dhcp") == "on"
    assert _state(hass, "select.room_101_language") == "traditional_chinese"
    assert _state(hass, "switch.room_101_remote_view") == "on"


async def test_unknown_is_not_off(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry, all_entities_enabled: None
) -> None:
    """HDMI -1 ("not connected or undefined resolution") and missing fields stay unknown."""
    emulator.hdmi_connected = False
    emulator.drop_fields = {"status", "cec"}
    emulator.flat_shapes = True  # so "cec" is a top-level field that can go missing
    await _setup(hass, config_entry)
    assert _state(hass, "binary_sensor.room_101_hdmi_display") == STATE_UNKNOWN
    assert _state(hass, "binary_sensor.room_101_hdmi_cec") == STATE_UNKNOWN
    assert _state(hass, "select.room_101_output_resolution") == STATE_UNKNOWN
    assert _state(hass, "sensor.room_101_status") == STATE_UNKNOWN
    assert _state(hass, "binary_sensor.room_101_sharing") == STATE_UNKNOWN
    assert _state(hass, "binary_sensor.room_101_sender_connected") == STATE_UNKNOWN


async def test_time_without_offset(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry, all_entities_enabled: None
) -> None:
    """A clock without an offset is read in the device's own zone (Asia/Taipei)."""
    emulator.time_with_offset = False
    emulator.clock_offset = 0
    await _setup(hass, config_entry)
    clock = datetime.fromisoformat(_state(hass, "sensor.room_101_device_time"))
    assert abs(clock - datetime.now(UTC)) < timedelta(minutes=1)


# Optional resources and outages


@pytest.mark.parametrize("missing_style", ["404", "html", "login_redirect"])
async def test_model_without_login_code(
    hass: HomeAssistant,
    emulator: Emu,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    all_entities_enabled: None,
    missing_style: str,
) -> None:
    """A model without /general/logincode keeps every other entity; asked once only.

    However the unit says it lacks the path: 404, a web page, or a redirect to its login page.
    """
    emulator.unsupported_paths = {"/general/logincode"}
    emulator.missing_style = missing_style
    await _setup(hass, config_entry)
    entity_ids = {
        entry.entity_id
        for entry in er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
    }
    assert "sensor.room_101_login_code" not in entity_ids
    assert "select.room_101_login_code_mode" not in entity_ids
    assert "text.room_101_fixed_login_code" not in entity_ids
    assert _state(hass, "sensor.room_101_status") == "standby"
    assert _state(hass, "switch.room_101_remote_view") == "off"
    assert sum("/general/logincode" in request for request in emulator.requests) == 1
    diagnostics = await async_get_config_entry_diagnostics(hass, config_entry)
    assert diagnostics["device"]["capabilities"]["login"]["support"] == "unsupported"
    assert not reauth_flows(hass)


async def test_failing_resource_only_blanks_its_entities(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A login-code read that fails for a while: its sensor unavailable, the rest fine."""
    emulator.error_codes = {"GET /general/logincode": 1000}
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_login_code") == STATE_UNAVAILABLE
    assert _state(hass, "sensor.room_101_status") == "standby"
    emulator.error_codes = {}
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_login_code") == "4821"


async def test_reboot_grace_is_minutes(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After a restart from Home Assistant the last state stays for minutes, then goes."""
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: "button.room_101_restart"}, blocking=True
    )
    await emulator.set_down(True)
    for _ in range(10):  # about two minutes of silence
        await _tick(hass, freezer, FAST)
        assert _state(hass, "sensor.room_101_status") == "standby"
    await _tick(hass, freezer, timedelta(minutes=2))
    assert _state(hass, "sensor.room_101_status") == STATE_UNAVAILABLE
    await emulator.set_down(False)
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == "standby"


async def test_unannounced_outage_is_not_hidden(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A device that vanishes without a restart we know of goes unavailable at once."""
    await emulator.set_down(True)
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == STATE_UNAVAILABLE


# Firmware


async def test_firmware_check_never_holds_setup(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry
) -> None:
    """Setup finishes while the vendor's server is slow; the result shows when it comes."""
    emulator.firmware_check_gate = asyncio.Event()
    emulator.offer_firmware("1.0.1.0")
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    update = hass.states.get("update.room_101_firmware")
    assert update.attributes["latest_version"] == "1.0.0.100"
    emulator.firmware_check_gate.set()
    await hass.async_block_till_done(wait_background_tasks=True)
    update = hass.states.get("update.room_101_firmware")
    assert (update.state, update.attributes["latest_version"]) == ("on", "1.0.1.0")


async def test_no_newer_firmware_is_not_an_error(
    hass: HomeAssistant,
    emulator: Emu,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """ErrorCode 1200 on a check means "up to date"; update_entity runs the check now."""
    emulator.firmware_check_error = True
    await _setup(hass, config_entry)
    coordinator = config_entry.runtime_data.firmware
    assert coordinator.last_update_success
    assert _state(hass, "update.room_101_firmware") == "off"
    assert not [
        record
        for record in caplog.records
        if record.levelno >= logging.WARNING and "firmware" in record.getMessage()
    ]
    emulator.offer_firmware("1.0.1.0")
    assert await async_setup_component(hass, "homeassistant", {})
    await hass.services.async_call(
        "homeassistant",
        "update_entity",
        {ATTR_ENTITY_ID: "update.room_101_firmware"},
        blocking=True,
    )
    update = hass.states.get("update.room_101_firmware")
    assert (update.state, update.attributes["latest_version"]) == ("on", "1.0.1.0")


# Privacy and diagnostics


async def test_fixed_login_code_stays_out_of_states(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A fixed code never becomes a state; a rotating one does; with no code, nothing stale."""
    assert _state(hass, "sensor.room_101_login_code") == "4821"
    await hass.services.async_call(
        "text",
        "set_value",
        {ATTR_ENTITY_ID: "text.room_101_fixed_login_code", "value": "2468"},
        blocking=True,
    )
    assert emulator.code == "2468"
    assert _state(hass, "sensor.room_101_login_code") == STATE_UNKNOWN
    assert _state(hass, "text.room_101_fixed_login_code") == STATE_UNKNOWN
    await _tick(hass, freezer, FAST)
    assert "2468" not in str([state.as_dict() for state in hass.states.async_all()])
    emulator.login_type = 1  # no code; the device still sends the old one
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_login_code") == STATE_UNKNOWN


async def test_diagnostics_hold_captures_without_secrets(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry
) -> None:
    """Raw answers and capabilities are in the download; keys, codes and MACs are not."""
    _with_password(hass, config_entry, "Secret42")
    emulator.accounts["admin"].password = "Secret42"
    emulator.accounts["admin"].token = "renewme000000000"  # the first poll renews the key
    await _setup(hass, config_entry)
    diagnostics: dict[str, Any] = await async_get_config_entry_diagnostics(hass, config_entry)
    raw = diagnostics["device"]["raw"]
    assert {"GET /", "PUT /admin/apikey", "GET /general/logincode", "GET /network/wifi"} <= set(raw)
    assert raw["GET /"]["body"]["data"]["model"] == "EMU-WPS1"
    assert diagnostics["device"]["capabilities"]["wifi"]["support"] == "supported"
    text = str(diagnostics)
    for secret in (
        emulator.accounts["admin"].token,
        "Secret42",
        "4821",
        "abcd1234",
        "02:00:00:00:00:01",
        "02:00:00:00:00:02",
        "EMU0000000001",
    ):
        assert secret not in text, secret


# How the key is sent


@pytest.mark.parametrize("style", ["basic", "basic_base64", "bearer", "x_api_key", "query"])
async def test_key_style_found_by_the_flow(
    hass: HomeAssistant, emulator: Emu, freezer: FrozenDateTimeFactory, style: str
) -> None:
    """The flow finds how the unit wants the key, stores it, and the entry then uses it."""
    emulator.key_style = style
    result = await _user_flow(hass, _user_input(emulator, api_key=TOKEN))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["key_style"] == style
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == "standby"
    assert emulator.keys_created == 0


async def test_key_style_with_a_created_key(hass: HomeAssistant, emulator: Emu) -> None:
    """With the password only: one key is made, then tried in each style."""
    emulator.key_style = "x_api_key"
    result = await _user_flow(hass, _user_input(emulator, password="admin"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["key_style"] == "x_api_key"
    assert emulator.keys_created == 1


async def test_wrong_key_in_every_style(hass: HomeAssistant, emulator: Emu) -> None:
    """A wrong key is refused in every style: invalid_auth, and no key was made."""
    result = await _user_flow(hass, _user_input(emulator, api_key="ffffffffffffffff"))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert len(emulator.requests) == 5
    assert emulator.keys_created == 0


# Key expiry, restarts


async def test_key_expiry_on_the_device_clock(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry, all_entities_enabled: None
) -> None:
    """A key with 3 days left on a device a day behind: it expires in 3 days, a warning shows."""
    emulator.clock_offset = -86400
    device_now = int(emulator.device_time())
    hass.config_entries.async_update_entry(
        config_entry, data={**config_entry.data, "key_expires": device_now + 3 * 86400}
    )
    await _setup(hass, config_entry)
    expires = datetime.fromisoformat(_state(hass, "sensor.room_101_api_key_expires"))
    assert abs(expires - (datetime.now(UTC) + timedelta(days=3))) < timedelta(minutes=1)
    assert abs(float(_state(hass, "sensor.room_101_clock_drift")) + 86400) < 60
    issues = ir.async_get(hass).issues
    assert (DOMAIN, f"{config_entry.entry_id}_receiver_key_expiring") in issues
    # Used as long as it works: no new key although it "expired" by Home Assistant's clock.
    assert emulator.keys_created == 0
    assert _state(hass, "sensor.room_101_status") == "standby"


async def test_no_expiry_warning_when_renewal_is_allowed(
    hass: HomeAssistant, emulator: Emu, config_entry: MockConfigEntry
) -> None:
    """With the password stored, Home Assistant renews the key itself: no warning."""
    _with_password(hass, config_entry)
    hass.config_entries.async_update_entry(
        config_entry, data={**config_entry.data, "key_expires": int(emulator.device_time()) + 60}
    )
    await _setup(hass, config_entry)
    assert (DOMAIN, f"{config_entry.entry_id}_receiver_key_expiring") not in ir.async_get(
        hass
    ).issues


async def test_scheduled_restart_and_reboot_required_issue(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A pending change raises a repair issue; a restart in 30 minutes; the issue goes after."""
    emulator.reboot_required = True
    await _tick(hass, freezer, FAST)
    issue_id = f"{loaded_entry.entry_id}_receiver_reboot_required"
    assert (DOMAIN, issue_id) in ir.async_get(hass).issues
    await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_reboot",
        {"config_entry_id": loaded_entry.entry_id, "delay": 30, "reason": "Nightly"},
        blocking=True,
    )
    assert emulator.reboots == [{"delay": 30, "reason": "Nightly"}]
    emulator.do_reboot()  # 30 minutes later
    await _tick(hass, freezer, FAST)
    assert (DOMAIN, issue_id) not in ir.async_get(hass).issues
    assert _state(hass, "binary_sensor.room_101_reboot_required") == "off"


async def test_no_code_mode_reads_the_code_less_often(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With no login code in use, the code is read every minute with the settings."""
    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: "select.room_101_login_code_mode", "option": "no_code"},
        blocking=True,
    )
    for _ in range(2):  # the settings tier runs (the code is read with it)
        await _tick(hass, freezer, timedelta(seconds=61))
    before = sum("GET /api/v1/device/general/logincode" in r for r in emulator.requests)
    for _ in range(4):  # status polls within the next minute
        await _tick(hass, freezer, FAST)
    assert sum("GET /api/v1/device/general/logincode" in r for r in emulator.requests) == before
    emulator.login_type = 0  # switched back on the device: seen within a minute
    await _tick(hass, freezer, timedelta(seconds=61))
    assert _state(hass, "select.room_101_login_code_mode") == "random"


async def test_only_the_device_resource(
    hass: HomeAssistant,
    emulator: Emu,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    all_entities_enabled: None,
) -> None:
    """A unit that answers nothing but its status still sets up, with the entities it backs."""
    emulator.unsupported_paths = {
        "/general/logincode",
        "/display/resolution",
        "/general/name",
        "/general/language",
        "/general/remoteview",
        "/general/wallpaper",
        "/power/mode",
        "/network/ethernet",
        "/network/ethernet/macaddress",
        "/network/wifi",
        "/network/wifi/macaddress",
        "/time/ntp",
        "/time/zone",
        "/time",
        "/admin/firmware",
    }
    await _setup(hass, config_entry)
    entity_ids = {
        entry.entity_id
        for entry in er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
    }
    assert entity_ids == {
        "sensor.room_101_status",
        "sensor.room_101_last_boot",
        "binary_sensor.room_101_sharing",
        "binary_sensor.room_101_sender_connected",
        "binary_sensor.room_101_sleeping",
        "binary_sensor.room_101_reboot_required",
        "switch.room_101_display",
        "button.room_101_restart",
        "update.room_101_firmware",
    }
    emulator.start_sharing()
    await _tick(hass, freezer, timedelta(minutes=16))
    assert _state(hass, "binary_sensor.room_101_sharing") == "on"
    assert _state(hass, "update.room_101_firmware") == "off"


async def test_scheduled_restart_grace(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A restart in 30 minutes: an outage before then shows; the restart itself does not."""
    await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_reboot",
        {"config_entry_id": loaded_entry.entry_id, "delay": 30},
        blocking=True,
    )
    await emulator.set_down(True)
    await _tick(hass, freezer, FAST)
    assert _state(hass, "sensor.room_101_status") == STATE_UNAVAILABLE
    await emulator.set_down(False)
    await _tick(hass, freezer, timedelta(minutes=29, seconds=50))
    assert _state(hass, "sensor.room_101_status") == "standby"
    await emulator.set_down(True)  # the scheduled restart
    await _tick(hass, freezer, timedelta(minutes=2))
    assert _state(hass, "sensor.room_101_status") == "standby"
    await _tick(hass, freezer, timedelta(minutes=2))
    assert _state(hass, "sensor.room_101_status") == STATE_UNAVAILABLE


async def test_key_style_on_a_unit_that_says_403(hass: HomeAssistant, emulator: Emu) -> None:
    """A unit that answers 403 to a key sent the wrong way: the flow still finds the style."""
    emulator.refuse_status = 403
    emulator.key_style = "bearer"
    result = await _user_flow(hass, _user_input(emulator, api_key=TOKEN))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["key_style"] == "bearer"
    assert emulator.keys_created == 0


async def test_setup_retries_make_no_keys(
    hass: HomeAssistant,
    emulator: Emu,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A unit that refuses even its new keys: setup retries, but one key per few minutes."""
    _with_password(hass, config_entry)
    emulator.accounts["admin"].token = "revokedelsewhere"
    emulator.key_style = "bearer"  # e.g. a firmware update changed how it wants the key
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert emulator.keys_created == 1
    for _ in range(8):  # setup retries back off from seconds to a minute or so
        await _tick(hass, freezer, timedelta(seconds=30))
    assert emulator.keys_created == 1
    assert not reauth_flows(hass)
