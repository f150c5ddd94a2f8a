"""A Poly codec as real ones behave (the field review), inside Home Assistant.

Each test switches on a field variant of the emulator: session ids with ``/`` and ``=`` and
quoted cookies refused, rotating XSRF tokens, partner-mode policy 403s, 500 from unconfigured
calendar and SIP, the bare content status, list-shaped SIP servers, ``SessionAlreadyActive``,
a sleeping codec, and sessions left behind by an earlier run.
"""

from __future__ import annotations

from datetime import timedelta
import logging
import time
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.camera import async_get_image
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.devices.poly_videoos.client import RECYCLE_AFTER
from custom_components.proav.devices.poly_videoos.coordinator import CALLS_REST_EVERY
from custom_components.proav.diagnostics import async_get_config_entry_diagnostics
from tests.emulators.poly_videoos import PolyVideoOSEmulator

from .helpers import CALLS, ROOM, SYSTEM, setup, state, tick, tick_at_rest

MAIN = "media_player.boardroom"
MIC_MUTE = "switch.boardroom_microphone_mute"
IN_CALL = "binary_sensor.boardroom_in_call"
SHARING = "binary_sensor.boardroom_content_sharing"
PRESET = "select.boardroom_camera_preset"
CALENDAR = "calendar.boardroom_room_calendar"
SIP = "binary_sensor.boardroom_sip_registration"
SLEEPING = "binary_sensor.boardroom_sleeping"
PROVIDER = "sensor.boardroom_provider_mode"
PROVIDER_SELECT = "select.boardroom_provider_app"
REBOOT = "binary_sensor.boardroom_reboot_required"


def _reauth_flows(hass: HomeAssistant) -> list[Any]:
    """Return the reauth flows in progress."""
    return [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


async def _call(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: Any
) -> None:
    """Call an entity action and wait for it."""
    await hass.services.async_call(
        domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def test_real_session_ids_and_strict_cookies(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """Session ids with / and = go out unquoted: a codec refusing quoted cookies works."""
    assert emulator.reject_quoted_cookies
    await setup(hass, entry)
    await tick(hass, freezer)
    session_id = next(iter(emulator.sessions))
    assert "/" in session_id
    assert state(hass, MAIN) == "idle"
    assert emulator.quoted_cookies_seen == 0
    assert emulator.logins == 1


async def test_quoted_cookie_is_refused_by_the_emulator(emulator: PolyVideoOSEmulator) -> None:
    """The variant can fail: a cookie-jar client (quoted values) is refused."""
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{emulator.url}/rest/session", json={"user": "admin", "password": "secret"}
        ) as login:
            session_id = (await login.json())["session"]["sessionId"]
            token = login.headers["X-XSRF-TOKEN"]
        async with http.get(
            f"{emulator.url}/rest/audio",
            cookies={"session_id": session_id},
            headers={"X-XSRF-Token": token},
        ) as response:
            assert response.status == 403
    assert emulator.quoted_cookies_seen == 1


async def test_rotating_xsrf_token(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """A token that changes with every answer is followed: no refusals, no new logins."""
    emulator.rotate_xsrf = True
    await setup(hass, entry)
    for _ in range(3):
        await tick(hass, freezer)
    await tick(hass, freezer, ROOM)
    await _call(hass, "media_player", "volume_set", MAIN, volume_level=0.3)
    assert emulator.state.volume == 30
    assert emulator.logins == 1
    assert state(hass, MAIN) == "idle"


async def test_partner_mode_refuses_writes_without_reauth(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """Teams refuses mute with 403: a translated "not permitted", no reauth, no new login."""
    emulator.partner = "teams"
    await setup(hass, entry)
    assert state(hass, PROVIDER) == "teams"
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "switch", "turn_on", MIC_MUTE)
    assert err.value.translation_key == "not_permitted"
    assert emulator.requests.count("POST /rest/audio/muted") == 1
    assert not emulator.state.muted
    await tick(hass, freezer)
    assert not _reauth_flows(hass)
    assert emulator.logins == 1
    # The mode refuses it: unavailable instead of failing again.
    assert state(hass, MIC_MUTE) == STATE_UNAVAILABLE
    assert state(hass, MAIN) == "idle"
    # Back to Poly mode (the provider select): the control is offered again and works.
    assert state(hass, PROVIDER_SELECT) == "Microsoft Teams"
    await _call(hass, "select", "select_option", PROVIDER_SELECT, option="Poly")
    assert emulator.partner is None
    assert state(hass, PROVIDER) == "poly"
    assert state(hass, MIC_MUTE) == "off"
    await _call(hass, "switch", "turn_on", MIC_MUTE)
    assert emulator.state.muted


async def test_unsupported_command_without_reauth(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """A command the firmware lacks (404) raises a translated "not supported", no reauth."""
    await setup(hass, entry)
    emulator.missing.add("/rest/audio/volume")
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "media_player", "volume_set", MAIN, volume_level=0.3)
    assert err.value.translation_key == "not_supported"
    assert not _reauth_flows(hass)


async def test_in_call_from_the_calendar_in_partner_mode(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """Teams keeps /rest/conferences empty; the current meeting's inCall says the room is in a call."""
    emulator.partner = "teams"
    await setup(hass, entry)
    now = int(time.time())
    emulator.add_meeting("teams1", "Teams call", start=now - 60, duration=1800)
    await tick_at_rest(hass, freezer, SYSTEM)
    await tick(hass, freezer)
    assert state(hass, IN_CALL) == "off"  # the meeting runs, nobody joined yet
    next(m for m in emulator.state.meetings if m["id"] == "teams1")["inCall"] = True
    await tick(hass, freezer)
    assert state(hass, IN_CALL) == "on"
    assert state(hass, MAIN) == "playing"
    assert state(hass, "sensor.boardroom_call_state") == "connected"


async def test_unconfigured_calendar_and_sip(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """500 from calendar and SIP (not configured): setup works, their entities stay away."""
    emulator.unconfigured |= {
        "/rest/calendar",
        "/rest/calendar/meetings",
        "/rest/system/sipservers",
    }
    await setup(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    for entity_id in (CALENDAR, SIP, "sensor.boardroom_next_meeting"):
        assert hass.states.get(entity_id) is None
    assert state(hass, MAIN) == "idle"
    assert state(hass, PRESET) != STATE_UNAVAILABLE
    # Configured later: the entities appear without a reload.
    emulator.unconfigured.clear()
    await tick_at_rest(hass, freezer, SYSTEM)
    assert state(hass, CALENDAR) == "off"
    assert state(hass, SIP) == "on"


async def test_missing_optional_resource(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """A codec without presets (404) has no preset select; the rest works; never asked again."""
    emulator.missing.add("/rest/cameras/near/presets/all")
    await setup(hass, entry)
    assert hass.states.get(PRESET) is None
    assert state(hass, MAIN) == "idle"
    asked = emulator.requests.count("GET /rest/cameras/near/presets/all")
    await tick(hass, freezer, ROOM)
    assert emulator.requests.count("GET /rest/cameras/near/presets/all") == asked == 1


async def test_optional_resource_disappears(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """A resource that goes away (404 after a firmware change) takes its entity with it."""
    await setup(hass, entry)
    assert state(hass, PRESET) != STATE_UNAVAILABLE
    emulator.missing.add("/rest/cameras/near/presets/all")
    await tick_at_rest(hass, freezer, ROOM)
    assert hass.states.get(PRESET) is None
    assert er.async_get(hass).async_get(PRESET) is None


async def test_failing_optional_resource_marks_only_its_entities(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """Presets failing for a while (500): only the preset select goes unavailable."""
    await setup(hass, entry)
    emulator.unconfigured.add("/rest/cameras/near/presets/all")
    await tick_at_rest(hass, freezer, ROOM)
    assert state(hass, PRESET) == STATE_UNAVAILABLE
    assert state(hass, "switch.boardroom_device_mode") == "off"
    emulator.unconfigured.clear()
    await tick(hass, freezer, ROOM)
    assert state(hass, PRESET) != STATE_UNAVAILABLE


async def test_real_shapes(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """Bare CONTENT_IDLE and a list of SIP servers with state UP read as they should."""
    emulator.real_shapes = True
    await setup(hass, entry)
    assert state(hass, SHARING) == "off"
    assert state(hass, SIP) == "on"
    emulator.start_content()
    await tick_at_rest(hass, freezer)
    assert state(hass, SHARING) == "on"
    assert state(hass, "sensor.boardroom_content_status") == "sending"


async def test_session_already_active_backs_off(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """400 SessionAlreadyActive is no wrong password: setup retries later, no reauth."""
    emulator.login_reason = "SessionAlreadyActive"
    await setup(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert not _reauth_flows(hass)
    emulator.login_reason = None
    await tick(hass, freezer, SYSTEM)
    assert entry.state is ConfigEntryState.LOADED


async def test_lockout_backs_off_without_reauth(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """A locked account makes the codec unavailable for a while, never a reauth prompt."""
    await setup(hass, entry)
    emulator.state.failed_logins = emulator.lockout_after
    emulator.lockout_reason = True
    emulator.expire_sessions()
    await tick(hass, freezer)
    assert state(hass, MAIN) == STATE_UNAVAILABLE
    attempts = emulator.login_attempts
    await tick(hass, freezer)
    await tick(hass, freezer)
    assert emulator.login_attempts == attempts  # backing off
    assert not _reauth_flows(hass)


async def test_refused_login_reauth_and_no_more_logins(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """A changed password: one refused login, a reauth flow, and no further logins."""
    await setup(hass, entry)
    emulator.password = "changed"
    emulator.expire_sessions()
    await tick(hass, freezer)
    assert len(_reauth_flows(hass)) == 1
    attempts = emulator.login_attempts
    for step in (CALLS, ROOM, SYSTEM):
        await tick(hass, freezer, step)
    assert emulator.login_attempts == attempts
    assert emulator.state.failed_logins == 1


async def test_no_session_left_after_home_assistant_stops(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """Home Assistant stopping signs out: the codec holds no session of ours."""
    await setup(hass, entry)
    assert len(emulator.sessions) == 1
    await hass.async_stop()
    assert not emulator.sessions
    assert emulator.logouts == 1
    # Nothing left to clean up at the next start either.
    assert hass_storage[f"proav.poly_videoos.{entry.entry_id}"]["data"] == {}


async def test_deleting_the_entry_deletes_its_stored_session(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """The file that remembers our session for a clean restart goes with the entry."""
    await setup(hass, entry)
    await hass.async_block_till_done()
    assert f"proav.poly_videoos.{entry.entry_id}" in hass_storage
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert f"proav.poly_videoos.{entry.entry_id}" not in hass_storage
    assert not emulator.sessions


async def test_session_left_behind_is_deleted_at_start(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """A session an earlier run left (a crash) is deleted before the first login."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{emulator.url}/rest/session", json={"user": "admin", "password": "secret"}
        ) as login,
    ):
        left_id = (await login.json())["session"]["sessionId"]
        token = login.headers["X-XSRF-TOKEN"]
    hass_storage[f"proav.poly_videoos.{entry.entry_id}"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"proav.poly_videoos.{entry.entry_id}",
        "data": {"session_id": left_id, "xsrf_token": token},
    }
    await setup(hass, entry)
    assert left_id in emulator.deleted_sessions
    assert list(emulator.sessions) != [left_id]
    assert len(emulator.sessions) == 1


async def test_session_is_remembered_for_the_next_start(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The session id is stored (and forgotten again once signed out)."""
    await setup(hass, entry)
    await tick(hass, freezer, timedelta(seconds=1))
    key = f"proav.poly_videoos.{entry.entry_id}"
    assert hass_storage[key]["data"]["session_id"] == next(iter(emulator.sessions))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await tick(hass, freezer, timedelta(seconds=1))
    assert hass_storage[key]["data"] == {}


async def test_session_is_recycled(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """After a few hours the session is replaced (the old one deleted first)."""
    await setup(hass, entry)
    first = next(iter(emulator.sessions))
    entry.runtime_data.client._session_started -= RECYCLE_AFTER + 1
    await tick(hass, freezer)
    assert emulator.logins == 2
    assert first in emulator.deleted_sessions
    assert len(emulator.sessions) == 1
    assert state(hass, MAIN) == "idle"


async def test_asleep_codec(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """A sleeping codec shows standby and is polled less often; awake, as usual again."""
    emulator.system_state = "ASLEEP"
    await setup(hass, entry)
    assert state(hass, MAIN) == "standby"
    assert state(hass, SLEEPING) == "on"
    await tick(hass, freezer)
    calls = entry.runtime_data.calls
    assert calls.update_interval.total_seconds() == 60
    before = emulator.requests.count("GET /rest/audio")
    await tick(hass, freezer)  # 15 s: no poll while asleep
    assert emulator.requests.count("GET /rest/audio") == before
    emulator.system_state = "READY"
    await tick_at_rest(hass, freezer, SYSTEM)
    assert state(hass, MAIN) == "idle"
    assert calls.update_interval == CALLS
    before = emulator.requests.count("GET /rest/audio")
    await tick(hass, freezer)
    assert emulator.requests.count("GET /rest/audio") == before + 1


async def test_room_operations(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """Reboot needed (a repair issue too), LAN link, uptime, microphones and peripherals."""
    await setup(hass, entry)
    issues = ir.async_get(hass)
    reboot_issue = ("proav", f"{entry.entry_id}_reboot_needed")
    assert state(hass, REBOOT) == "off"
    assert issues.async_get_issue(*reboot_issue) is None
    assert state(hass, "binary_sensor.boardroom_network_link") == "on"
    assert state(hass, "binary_sensor.boardroom_microphones") == "off"
    assert state(hass, "binary_sensor.boardroom_touch_controller") == "on"
    assert state(hass, "binary_sensor.boardroom_camera") == "on"
    assert hass.states.get("binary_sensor.boardroom_unknown") is None  # remotes left out
    boot = state(hass, "sensor.boardroom_last_boot")
    emulator.reboot_needed = True
    emulator.lan_state = "LAN_DOWN"
    emulator.mic_state = "MIC_STATE_RED"
    emulator.touch_state = "DISCONNECTED"
    await tick_at_rest(hass, freezer, SYSTEM)
    await tick_at_rest(hass, freezer, ROOM)
    assert state(hass, REBOOT) == "on"
    assert issues.async_get_issue(*reboot_issue) is not None
    assert state(hass, "binary_sensor.boardroom_network_link") == "off"
    assert state(hass, "binary_sensor.boardroom_microphones") == "on"
    assert state(hass, "binary_sensor.boardroom_touch_controller") == "off"
    assert state(hass, "sensor.boardroom_last_boot") == boot  # the same boot, not a new one
    emulator.reboot_needed = False
    await tick(hass, freezer, SYSTEM)
    assert issues.async_get_issue(*reboot_issue) is None


async def test_room_dial_address(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """The room's own SIP address and H.323 extension, for "call room X" scripts."""
    await setup(hass, entry)
    assert state(hass, "sensor.boardroom_sip_address") == "boardroom@example.com"
    assert state(hass, "sensor.boardroom_h_323_extension") == "7771991048"


async def test_reject_incoming_call(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """A ringing call is rejected with the button; other calls stay."""
    await setup(hass, entry)
    reject = "button.boardroom_reject_incoming_call"
    with pytest.raises(HomeAssistantError) as err:  # nothing rings: a word, not unavailable
        await _call(hass, "button", "press", reject)
    assert err.value.translation_key == "poly_no_call"
    await hass.services.async_call(
        "proav",
        "poly_videoos_dial",
        {"config_entry_id": entry.entry_id, "address": "1001@example.com"},
        blocking=True,
    )
    call = emulator.incoming_call("2002@example.com")
    await tick(hass, freezer)
    assert state(hass, reject) != STATE_UNAVAILABLE
    await _call(hass, "button", "press", reject)
    assert emulator.command_names()[-1] == "hang_up_connection"
    assert emulator.commands[-1].params["id"] == call.conf_id
    assert len(emulator.state.calls) == 1
    assert state(hass, reject) != STATE_UNAVAILABLE
    assert state(hass, IN_CALL) == "on"


async def test_microphone_events(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """Muting in the room fires a "muted" event; unmuting an "unmuted" one."""
    await setup(hass, entry)
    entity = "event.boardroom_microphone"
    assert state(hass, entity) == "unknown"
    emulator.state.muted = True
    await tick_at_rest(hass, freezer)
    assert hass.states.get(entity).attributes["event_type"] == "muted"
    emulator.state.muted = False
    await tick(hass, freezer)
    assert hass.states.get(entity).attributes["event_type"] == "unmuted"


async def test_volume_refused_in_partner_mode(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """A refused volume change takes the volume control off the media player."""
    emulator.partner = "zoom"
    await setup(hass, entry)
    with pytest.raises(HomeAssistantError):
        await _call(hass, "media_player", "volume_set", MAIN, volume_level=0.3)
    assert hass.states.get(MAIN).attributes["supported_features"] == 0
    assert state(hass, MAIN) == "idle"


async def test_snapshot_missing_raises_repair_issue(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """A snapshot camera the user turned on, on a codec without snapshots: a repair issue."""
    entry.add_to_hass(hass)
    er.async_get(hass).async_get_or_create(
        "camera",
        "proav",
        f"{emulator.serial}_snapshot",
        suggested_object_id="boardroom_snapshot",
        config_entry=entry,
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    emulator.missing.add("/rest/cameras/snapshot/near_image_1.jpg")
    with pytest.raises(HomeAssistantError):
        await async_get_image(hass, "camera.boardroom_snapshot")
    issue = ir.async_get(hass).async_get_issue("proav", f"{entry.entry_id}_snapshot_unavailable")
    assert issue is not None
    assert issue.translation_key == "capability_unavailable"
    emulator.missing.clear()
    await async_get_image(hass, "camera.boardroom_snapshot")
    assert (
        ir.async_get(hass).async_get_issue("proav", f"{entry.entry_id}_snapshot_unavailable")
        is None
    )


async def test_diagnostics_capabilities_raw_and_no_secrets(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """Diagnostics show capabilities and raw answers, without secrets or participants."""
    emulator.unconfigured.add("/rest/system/sipservers")
    await setup(hass, entry)
    emulator.incoming_call("guest@example.com", name="Jane Participant")
    await tick(hass, freezer)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    device = diagnostics["device"]
    assert device["capabilities"]["sip"]["support"] == "failing"
    assert device["capabilities"]["presets"]["support"] == "supported"
    assert "GET /rest/conferences" in device["raw"]
    assert device[f"proav_poly_videoos_{emulator.host}_system"]["open_sessions"] == 1
    assert "POST /rest/session" in device["raw"]
    text = str(diagnostics)
    secrets = [emulator.password, emulator.serial, "Jane Participant", "guest@example.com"]
    secrets += list(emulator.sessions)
    secrets += [session.xsrf for session in emulator.sessions.values()]
    for secret in secrets:
        assert secret not in text


async def test_nothing_secret_in_the_log(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Debug logs through expiry, refusals and sign-out name no password, session or token."""
    caplog.set_level(logging.DEBUG, logger="custom_components.proav")
    emulator.rotate_xsrf = True
    await setup(hass, entry)
    seen = set(emulator.sessions) | {s.xsrf for s in emulator.sessions.values()}
    emulator.expire_sessions()
    await tick(hass, freezer)
    seen |= set(emulator.sessions) | {s.xsrf for s in emulator.sessions.values()}
    emulator.partner = "teams"
    with pytest.raises(HomeAssistantError):
        await _call(hass, "switch", "turn_on", MIC_MUTE)
    await hass.config_entries.async_unload(entry.entry_id)
    ours = "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(("custom_components.proav", "homeassistant"))
    )
    assert "Session refused" in ours  # the debug log did run
    for secret in (emulator.password, *seen):
        assert secret not in ours


async def test_speed_dial_buttons(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """One button per favourite; pressing it calls the entry (id quoted in the path)."""
    await setup(hass, entry)
    lisbon = "button.boardroom_call_lisbon_office"
    assert state(hass, lisbon) != STATE_UNAVAILABLE
    assert state(hass, "button.boardroom_call_help_desk") != STATE_UNAVAILABLE
    await _call(hass, "button", "press", lisbon)
    assert emulator.commands[-1].params == {"id": "local:fav/1", "address": "lisbon@example.com"}
    assert state(hass, IN_CALL) == "on"
    del emulator.state.favorites["local:fav/2"]
    await tick(hass, freezer, ROOM)
    assert hass.states.get("button.boardroom_call_help_desk") is None


async def test_reloads_keep_one_session(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """Reloading (options, reauth, reconfigure) never leaves a session of ours behind."""
    await setup(hass, entry)
    for _ in range(3):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert len(emulator.sessions) == 1
    assert emulator.logins == 4
    assert emulator.logouts == 3


async def test_failed_setup_leaves_nothing_running(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """A needed resource failing at setup: retry later, signed out, no poll left running."""
    emulator.unconfigured.add("/rest/conferences")
    await setup(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert not emulator.sessions
    requests = len(emulator.requests)
    await tick(hass, freezer, timedelta(seconds=4))  # before the retry: nothing talks to it
    assert len(emulator.requests) == requests


# Awake: audio, conferences, content, video mute every 10 s; the room tier every minute; the
# system tier every 5 minutes. Asleep: the calls every minute.
@pytest.mark.parametrize(("system_state", "per_minute"), [("READY", 38), ("ASLEEP", 16)])
async def test_idle_load(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
    system_state: str,
    per_minute: int,
) -> None:
    """Ten idle minutes: a bounded number of requests over kept-alive connections, one login."""
    emulator.system_state = system_state
    await setup(hass, entry)
    before = len(emulator.requests)
    for _ in range(60):
        await tick(hass, freezer)
    requests = len(emulator.requests) - before
    assert requests <= per_minute * 10
    assert emulator.logins == 1
    assert len(emulator.sessions) == 1


async def test_wireless_sharing(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """A laptop casting to the room (SysTracker media stats) turns wireless sharing on."""
    await setup(hass, entry)
    entity = "binary_sensor.boardroom_wireless_sharing"
    assert state(hass, entity) == "off"
    emulator.state.shared_media.append({"clientID": "laptop-1", "sourceType": "AIRPLAY"})
    await tick_at_rest(hass, freezer)
    assert state(hass, entity) == "on"


async def test_a_resting_room_is_read_sparingly(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """At rest the codec gets one request a turn; a call or a command brings the usual pace."""
    await setup(hass, entry)
    asked = len(emulator.requests)
    for _ in range(CALLS_REST_EVERY - 1):
        await tick(hass, freezer)
    # Nearly five minutes at rest: the conferences only, once a turn (the room tier's turns
    # came round too, and read nothing).
    assert emulator.requests[asked:] == ["GET /rest/conferences"] * (CALLS_REST_EVERY - 1)
    # A call ringing in shows at the next turn, with the whole call state.
    emulator.state.volume = 35
    emulator.incoming_call("sip:alex@example.com", "Alex Example")
    await tick(hass, freezer)
    assert state(hass, "binary_sensor.boardroom_incoming_call") == "on"
    assert hass.states.get(MAIN).attributes["volume_level"] == 0.35
    # In use, the room tier reads at its usual pace again.
    emulator.state.presets[7] = True
    await tick(hass, freezer, ROOM)
    assert "7" in hass.states.get(PRESET).attributes["options"]


async def test_a_command_ends_the_rest(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """After a command the calls tier reads everything again at once, turn after turn."""
    await setup(hass, entry)
    await _call(hass, "media_player", "volume_set", MAIN, volume_level=0.3)
    emulator.state.muted = True  # someone presses mute on the table microphone
    await tick(hass, freezer)
    assert state(hass, MIC_MUTE) == "on"
    emulator.start_content()
    await tick(hass, freezer)
    assert state(hass, SHARING) == "on"


async def test_a_codec_going_away_shows_in_every_tier_at_rest(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """A resting room whose codec stops answering does not keep showing old room facts."""
    await setup(hass, entry)
    await emulator.set_down(True)
    await tick(hass, freezer)
    await tick(hass, freezer, ROOM)
    assert state(hass, PRESET) == STATE_UNAVAILABLE
    await tick(hass, freezer, SYSTEM)
    assert state(hass, SIP) == STATE_UNAVAILABLE
