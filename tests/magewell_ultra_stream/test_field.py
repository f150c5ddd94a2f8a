"""Field behaviours of real Ultra Streams (the field review), inside Home Assistant.

Each test switches one emulator variant on: sessions expired with -1, another client taking the
session, a changed password, bytes per second, two servers, a state that never settles,
an Ultra Encode answering discovery, a soft-AP advertisement.
"""

from __future__ import annotations

from datetime import timedelta
import socket

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_SSDP, SOURCE_USER
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.magewell_ultra_stream import flow
from tests.emulators.base import free_port
from tests.emulators.magewell_ultra_stream import PASSWORD, SERIAL, USER, UltraStreamEmulator

from .conftest import KEY


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 1) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def _reauth_flows(hass: HomeAssistant) -> list[object]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


@pytest.mark.usefixtures("loaded")
async def test_forbidden_and_unsupported_commands_open_no_reauth(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """Live lock on (forbidden) and a firmware without online checks (unsupported)."""
    box.settings["is-auto-live"] = 1
    box.live_started = box.now()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "switch", "turn_off", {"entity_id": "switch.ultra_stream_streaming"}, blocking=True
        )
    assert err.value.translation_key == "ultra_stream_live_locked"
    box.missing_methods.add("online-update-check")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button",
            "press",
            {"entity_id": "button.ultra_stream_check_for_firmware"},
            blocking=True,
        )
    assert err.value.translation_key == "not_supported"
    await hass.async_block_till_done()
    assert _reauth_flows(hass) == []


async def test_no_session_left_after_home_assistant_stops(
    hass: HomeAssistant, entry: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert box.open_sessions == 1
    await hass.async_stop()
    assert box.open_sessions == 0
    assert "logout" in box.command_names()


async def test_unload_logs_out(
    hass: HomeAssistant, loaded: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    await hass.config_entries.async_unload(loaded.entry_id)
    assert box.open_sessions == 0


async def test_changed_password_starts_reauth_without_a_login_storm(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    box: UltraStreamEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A refused login: one reauth flow, and no further login for 30 probes."""
    box.users[USER] = "0" * 32
    box.expire_sessions()
    box.press_rec()
    attempts = sum("method=login" in request for request in box.requests)
    for _ in range(30):
        box.press_rec()  # the mask keeps changing: the probe would read every second
        await _tick(hass, freezer)
    assert len(_reauth_flows(hass)) == 1
    # Exactly one login attempt in 30 s: the refused one; then nothing logs in.
    assert sum("method=login" in request for request in box.requests) == attempts + 1


@pytest.mark.usefixtures("loaded")
async def test_session_expired_with_minus_one_is_renewed(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """Real boxes answer -1 to a gone session: one login, entities stay, no reauth."""
    box.expiry_code = -1
    logins = box.logins
    box.expire_sessions()
    box.press_rec()
    await _tick(hass, freezer)
    assert _state(hass, "switch.ultra_stream_recording") == STATE_ON
    assert box.logins == logins + 1
    assert _reauth_flows(hass) == []


@pytest.mark.usefixtures("loaded")
async def test_session_taken_by_another_client_backs_off(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """Another client on the same account keeps ending our session: no reauth, no storm."""
    box.max_sessions = 0
    box.expire_sessions()
    box.press_rec()
    logins = box.logins
    for _ in range(20):
        box.press_rec()
        await _tick(hass, freezer)
    assert _reauth_flows(hass) == []
    assert box.logins - logins <= 1  # one re-login, then the back-off holds
    assert _state(hass, "switch.ultra_stream_recording") == STATE_UNAVAILABLE
    box.max_sessions = None
    await _tick(hass, freezer, 31)
    await _tick(hass, freezer)
    assert _state(hass, "switch.ultra_stream_recording") != STATE_UNAVAILABLE


@pytest.mark.usefixtures("loaded")
async def test_bitrates_are_bytes_per_second_and_not_doubled(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """A 4 Mb/s encode to two servers shows 4.096 Mb/s, and 4.096 Mb/s per server."""
    box.settings["stream-server"][1]["is-use"] = 1
    await _tick(hass, freezer, 301)  # the settings read sees the second server
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.ultra_stream_streaming"}, blocking=True
    )
    box.advance(10)
    await _tick(hass, freezer, 5)
    assert float(_state(hass, "sensor.ultra_stream_streaming_bitrate")) == pytest.approx(4.096)
    for server in ("studio_rtmp", "youtube"):
        assert float(_state(hass, f"sensor.ultra_stream_live_bitrate_{server}")) == pytest.approx(
            4.096
        )
    state = hass.states.get("sensor.ultra_stream_streaming_bitrate")
    assert state is not None
    assert state.attributes["unit_of_measurement"] == "Mbit/s"


@pytest.mark.usefixtures("loaded")
async def test_fast_polling_ends_after_a_minute_without_change(
    hass: HomeAssistant,
    box: UltraStreamEmulator,
    freezer: FrozenDateTimeFactory,
    loaded: MockConfigEntry,
) -> None:
    """A live target that never connects: 1 s reads for a minute, then the active cadence."""
    box.live_connect_seconds = 10_000
    status = loaded.runtime_data.status
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.ultra_stream_streaming"}, blocking=True
    )
    await _tick(hass, freezer, 6)
    assert status.update_interval == timedelta(seconds=1)
    for _ in range(62):
        await _tick(hass, freezer)
    assert status.update_interval == timedelta(seconds=5)
    assert _state(hass, "sensor.ultra_stream_live_status_studio_rtmp") == "connecting"


@pytest.mark.usefixtures("loaded")
async def test_occupied_by_the_app(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    assert _state(hass, "binary_sensor.ultra_stream_occupied_by_the_app") == "off"
    box.flags |= 0x20000
    await _tick(hass, freezer)
    assert _state(hass, "binary_sensor.ultra_stream_occupied_by_the_app") == STATE_ON


async def test_diagnostics_have_raw_answers_without_secrets(
    hass: HomeAssistant, loaded: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    from custom_components.proav.diagnostics import async_get_config_entry_diagnostics

    diagnostics = await async_get_config_entry_diagnostics(hass, loaded)
    device = diagnostics["device"]
    assert "GET /usapi get-settings" in device["raw"]
    assert "capabilities" in device
    text = str(diagnostics)
    for secret in ("rtmp.example.net", "81214002", PASSWORD, SERIAL, "70:b3:d5"):
        assert secret not in text


def _form(box: UltraStreamEmulator) -> dict[str, object]:
    return {CONF_HOST: box.host, CONF_PORT: box.port, CONF_USERNAME: USER, CONF_PASSWORD: PASSWORD}


async def test_an_ultra_encode_is_not_set_up_and_keeps_no_session(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """Same usapi, other product: refused after the connection test, which signs out."""
    box.info["product"]["product-name"] = "Ultra Encode"
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": KEY}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": flow.STEP_MANUAL}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _form(box))
    assert result["errors"] == {"base": "cannot_connect"}
    assert box.open_sessions == 0
    assert "logout" in box.command_names()


async def test_probe_signs_out_after_success(hass: HomeAssistant, box: UltraStreamEmulator) -> None:
    """The connection test of a reauth leaves no session behind (the entry is not loaded)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        data={"device_type": KEY, **_form(box)},
        title="Ultra Stream",
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USER, CONF_PASSWORD: PASSWORD}
    )
    assert result["reason"] == "reauth_successful"
    assert box.command_names()[:2] == ["login", "logout"]


async def test_ssdp_from_an_ultra_encode_is_not_ours(hass: HomeAssistant) -> None:
    info = SsdpServiceInfo(
        ssdp_usn="uuid:A301181214002::upnp:rootdevice",
        ssdp_st="upnp:rootdevice",
        ssdp_location="http://192.0.2.5/description.xml",
        upnp={"manufacturer": "MAGEWELL", "modelName": "Ultra Encode HDMI"},
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=info
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"


async def test_multicast_answer_of_an_ultra_encode_is_not_listed(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    box.info["product"]["product-name"] = "Ultra Encode"
    port = free_port(socket.SOCK_DGRAM)
    await box.start_multicast(port)
    hass.data[flow.SCANNER] = flow.MulticastScanner(
        group="127.0.0.1", port=port, interfaces=("127.0.0.1",), seconds=0.2
    )
    assert await flow.async_scan_network(hass) == []
    assert box.multicast is not None
    assert box.multicast.queries == 1


async def test_session_conflict_recommends_a_user_of_its_own(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    box: UltraStreamEmulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    issue_id = f"ultra_stream_session_conflict_{loaded.entry_id}"
    box.max_sessions = 0
    box.expire_sessions()
    box.press_rec()
    await _tick(hass, freezer)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {"name": "Ultra Stream", "user": USER}
    box.max_sessions = None
    await _tick(hass, freezer, 31)
    await _tick(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


@pytest.mark.usefixtures("loaded")
async def test_ping_without_a_mask_falls_back_to_the_status_reads(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """A firmware whose ping has no cur-status: no get-status every second, changes in 5 s."""
    box.ping_status = False
    box.requests.clear()
    box.press_rec()
    for _ in range(5):
        await _tick(hass, freezer)
    assert _state(hass, "switch.ultra_stream_recording") == STATE_ON
    for _ in range(5):
        await _tick(hass, freezer)
    # Not every second: the 5 s reads (active recording: every 5 s too).
    assert sum("get-status" in request for request in box.requests) <= 4
    await box.set_down(True)
    await _tick(hass, freezer)
    assert _state(hass, "switch.ultra_stream_recording") == STATE_UNAVAILABLE
    await box.set_down(False)
    await _tick(hass, freezer)
    assert _state(hass, "switch.ultra_stream_recording") == STATE_ON


@pytest.mark.usefixtures("loaded")
async def test_recording_runway(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """Time left at the current bitrate, use and file count per medium, as the box reports."""
    assert float(_state(hass, "sensor.ultra_stream_usb_drive_recording_time_left")) == (
        pytest.approx(57944440832 // 278528 / 3600, abs=0.01)
    )
    assert _state(hass, "sensor.ultra_stream_usb_drive_usage") == "6"
    assert _state(hass, "sensor.ultra_stream_sd_card_files") == "47"
    box.remove_usb()
    await _tick(hass, freezer)
    assert _state(hass, "sensor.ultra_stream_usb_drive_recording_time_left") == STATE_UNAVAILABLE


@pytest.mark.usefixtures("loaded")
async def test_blocks_the_box_leaves_out_are_unknown_not_off(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """A get-status without input-signal or usb claims nothing about them."""
    box.status_omits = {"input-signal", "usb", "sysstat"}
    await _tick(hass, freezer, 5)
    assert _state(hass, "binary_sensor.ultra_stream_input_signal") == "unknown"
    assert _state(hass, "binary_sensor.ultra_stream_usb_drive") == "unknown"
    assert _state(hass, "sensor.ultra_stream_cpu_usage") == "unknown"
    assert _state(hass, "binary_sensor.ultra_stream_sd_card") == STATE_ON


@pytest.mark.usefixtures("loaded")
async def test_audio_mutes_and_gains(hass: HomeAssistant, box: UltraStreamEmulator) -> None:
    """Mutes and gains within the ranges the box reports; set-volume gets every field."""
    assert _state(hass, "switch.ultra_stream_microphone_mute") == "off"
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.ultra_stream_microphone_mute"}, blocking=True
    )
    assert box.settings["volume"]["is-mic"] == 0
    assert _state(hass, "switch.ultra_stream_microphone_mute") == STATE_ON
    state = hass.states.get("number.ultra_stream_microphone_gain")
    assert state is not None
    assert (state.attributes["min"], state.attributes["max"]) == (-12.0, 55.25)
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.ultra_stream_headphones_gain", "value": -6.5},
        blocking=True,
    )
    assert box.settings["volume"]["phone-gain"] == -6.5
    assert box.settings["volume"]["is-mic"] == 0  # the other channels are sent unchanged
    assert float(_state(hass, "number.ultra_stream_headphones_gain")) == -6.5


async def test_no_audio_panel_without_volume_settings(
    hass: HomeAssistant, entry: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    """A firmware without the volume block: no audio entities, everything else works."""
    del box.settings["volume"]
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("switch.ultra_stream_microphone_mute") is None
    assert hass.states.get("number.ultra_stream_input_audio_gain") is None
    assert _state(hass, "switch.ultra_stream_recording") == "off"
    await hass.config_entries.async_unload(entry.entry_id)


def _event(hass: HomeAssistant, entity_id: str) -> tuple[str, dict[str, object]]:
    state = hass.states.get(entity_id)
    assert state is not None
    return str(state.attributes["event_type"]), dict(state.attributes)


@pytest.mark.usefixtures("loaded")
async def test_events_say_what_happened_and_who_did_it(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.ultra_stream_recording"}, blocking=True
    )
    event_type, attributes = _event(hass, "event.ultra_stream_recording")
    assert (event_type, attributes["by"]) == ("started", "home_assistant")
    box.press_rec()  # stopped at the box
    await _tick(hass, freezer)
    event_type, attributes = _event(hass, "event.ultra_stream_recording")
    assert (event_type, attributes["by"]) == ("stopped", "device")

    box.set_signal(0, 0)
    for _ in range(5):
        await _tick(hass, freezer)
    assert _event(hass, "event.ultra_stream_input_signal")[0] == "lost"
    box.set_signal(1920, 1080)
    for _ in range(5):
        await _tick(hass, freezer)
    event_type, attributes = _event(hass, "event.ultra_stream_input_signal")
    assert (event_type, attributes["resolution"]) == ("locked", "1920x1080p")

    box.set_disk_status("sd", 3)
    box.press_rec()
    await _tick(hass, freezer)
    event_type, attributes = _event(hass, "event.ultra_stream_storage")
    assert (event_type, attributes["medium"]) == ("full", "sd")


@pytest.mark.usefixtures("loaded")
async def test_live_server_authentication_error_event(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    box.live_auth_error = True
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.ultra_stream_streaming"}, blocking=True
    )
    assert _event(hass, "event.ultra_stream_live_streaming")[0] == "auth_error"


async def test_go_live_to_chosen_servers(
    hass: HomeAssistant, loaded: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    """Exactly the chosen servers stream; the answer gives each one's state."""
    response = await hass.services.async_call(
        DOMAIN,
        "ultra_stream_go_live",
        {"config_entry_id": loaded.entry_id, "servers": ["YouTube"]},
        blocking=True,
        return_response=True,
    )
    assert [s["is-use"] for s in box.settings["stream-server"]] == [0, 1]
    assert box.live_started is not None
    assert response == {"servers": [{"name": "YouTube", "state": "connected"}]}
    assert _state(hass, "switch.ultra_stream_streaming") == STATE_ON
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "ultra_stream_go_live",
            {"config_entry_id": loaded.entry_id, "servers": ["Twitch"]},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "ultra_stream_unknown_server"


async def test_record_for_stops_by_itself(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    box: UltraStreamEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    response = await hass.services.async_call(
        DOMAIN,
        "ultra_stream_record_for",
        {"config_entry_id": loaded.entry_id, "minutes": 2},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert "until" in response
    assert _state(hass, "switch.ultra_stream_recording") == STATE_ON
    await _tick(hass, freezer, 121)
    assert _state(hass, "switch.ultra_stream_recording") == "off"
    assert box.command_names().count("stop-rec") == 1
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "ultra_stream_record_for",
            {"config_entry_id": loaded.entry_id, "minutes": 0},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "ultra_stream_invalid_minutes"


async def test_recording_runway_and_slow_storage_repairs(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    box: UltraStreamEmulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A recording with 10 min left (threshold 30 min) and a slow medium raise repair issues."""
    runway = f"ultra_stream_runway_{loaded.entry_id}"
    slow = f"ultra_stream_too_slow_{loaded.entry_id}"
    box.usb = {**box.usb, "free-sec": 600}
    box.press_rec()
    await _tick(hass, freezer)
    issue = issue_registry.async_get_issue(DOMAIN, runway)
    assert issue is not None
    assert issue.translation_placeholders == {
        "name": "Ultra Stream",
        "medium": "usb",
        "minutes": "10",
    }
    assert issue_registry.async_get_issue(DOMAIN, slow) is None
    box.rec_warning = 3
    await _tick(hass, freezer, 5)
    assert issue_registry.async_get_issue(DOMAIN, slow) is not None
    box.press_rec()  # stopped: nothing runs out any more
    await _tick(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, runway) is None
    assert issue_registry.async_get_issue(DOMAIN, slow) is None
    assert _state(hass, "binary_sensor.ultra_stream_storage_speed") == "off"


async def _record_one(hass: HomeAssistant, box: UltraStreamEmulator) -> None:
    box.press_rec()
    box.advance(14)
    box.press_rec()


async def test_recordings_are_a_media_source(
    hass: HomeAssistant, loaded: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    """Browse box → USB → recordings; play one from the box's download port."""
    from homeassistant.components import media_source
    from homeassistant.setup import async_setup_component

    assert await async_setup_component(hass, "media_source", {})
    await hass.async_block_till_done()  # media_source loads our platform in the background
    await _record_one(hass, box)
    root = await media_source.async_browse_media(hass, f"media-source://{DOMAIN}")
    assert [child.title for child in root.children] == ["Ultra Stream"]
    box_folder = await media_source.async_browse_media(hass, root.children[0].media_content_id)
    assert [child.title for child in box_folder.children] == ["USB drive", "SD card"]
    usb = await media_source.async_browse_media(hass, box_folder.children[0].media_content_id)
    (recording,) = usb.children
    assert recording.title.startswith("VID_0.mp4")
    assert recording.thumbnail == (
        "http://127.0.0.1:8080/download/media/disk0/REC_Folder/thumbnail/VID_0.mp4_1569393321.jpg"
    )
    played = await media_source.async_resolve_media(hass, recording.media_content_id, None)
    assert played.url == "http://127.0.0.1:8080/download/media/disk0/REC_Folder/VID_0.mp4"
    assert played.mime_type == "video/mp4"


async def test_delete_recordings(
    hass: HomeAssistant, loaded: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    await _record_one(hass, box)
    await _record_one(hass, box)
    response = await hass.services.async_call(
        DOMAIN,
        "ultra_stream_delete_recordings",
        {"config_entry_id": loaded.entry_id, "medium": "usb", "files": ["VID_0.mp4"]},
        blocking=True,
        return_response=True,
    )
    assert response == {"deleted": ["VID_0.mp4"]}
    assert [item["name"] for item in box.media[0]] == ["VID_1.mp4"]
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "ultra_stream_delete_recordings",
            {"config_entry_id": loaded.entry_id, "medium": "usb", "files": ["nope.mp4"]},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "ultra_stream_unknown_recording"


@pytest.mark.usefixtures("loaded")
async def test_last_recording_follows_a_finished_recording(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    assert _state(hass, "sensor.ultra_stream_last_recording") == "unknown"
    box.press_rec()
    await _tick(hass, freezer)
    box.advance(14)
    box.press_rec()
    await _tick(hass, freezer)
    state = hass.states.get("sensor.ultra_stream_last_recording")
    assert state is not None
    assert state.state == "VID_0.mp4"
    assert state.attributes["medium"] == "usb"
    assert state.attributes["duration"] >= 14
    assert state.attributes["url"].endswith("/download/media/disk0/REC_Folder/VID_0.mp4")


async def test_firmware_without_media_listing_has_no_recording_entities(
    hass: HomeAssistant, entry: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    """get-media-files is optional: lacking it, no entity, nothing else breaks."""
    from custom_components.proav.diagnostics import async_get_config_entry_diagnostics

    box.missing_methods.add("get-media-files")
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.ultra_stream_last_recording") is None
    assert _state(hass, "switch.ultra_stream_recording") == "off"
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["device"]["capabilities"]["get-media-files"]["support"] == "unsupported"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_stream_test_returns_the_upload_rate(
    hass: HomeAssistant, entry: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    """The box's own test to a configured server; the key is sent back, never returned.

    Real time (no frozen clock): the action polls the box every second.
    """
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    box.test_seconds = 0
    response = await hass.services.async_call(
        DOMAIN,
        "ultra_stream_stream_test",
        {"config_entry_id": entry.entry_id, "server": "Studio RTMP"},
        blocking=True,
        return_response=True,
    )
    assert response == {
        "server": "Studio RTMP",
        "upload_bytes_per_second": 1_250_000,
        "upload_mbit_per_second": 10.0,
    }
    assert box.commands[-1].params["url"] == "rtmp.example.net/live"
    assert box.commands[-1].params["key"] == "aa"
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("loaded")
async def test_box_occupied_by_the_app_keeps_the_last_state(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """A read answered -2 (the app holds the box) keeps what was known, no unavailability."""
    box.next_result["get-status"] = -2
    box.flags |= 0x20000  # the mask changes: the probe reads get-status
    await _tick(hass, freezer)
    assert _state(hass, "switch.ultra_stream_recording") == "off"
    assert _state(hass, "binary_sensor.ultra_stream_input_signal") == STATE_ON
    await _tick(hass, freezer)
    assert _state(hass, "binary_sensor.ultra_stream_occupied_by_the_app") == STATE_ON


async def test_probe_and_advertisement_at_once_read_the_status_once(
    hass: HomeAssistant, loaded: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    import asyncio

    status = loaded.runtime_data.status
    box.press_rec()
    box.requests.clear()
    mask = box.cur_status()
    await asyncio.gather(status.async_mask_seen(mask), status.async_mask_seen(mask))
    assert sum("get-status" in request for request in box.requests) == 1


@pytest.mark.usefixtures("loaded")
async def test_network_addresses_are_diagnostic_and_off_by_default(
    hass: HomeAssistant,
) -> None:
    from homeassistant.helpers import entity_registry as er

    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id("sensor", DOMAIN, f"{SERIAL}_ethernet_address")
    assert entity_id is not None
    entry = registry.async_get(entity_id)
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION


@pytest.mark.usefixtures("loaded")
async def test_clear_live_error(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """A refused stream key leaves an error; the button resets it once streaming stopped."""
    clear = "button.ultra_stream_clear_live_error"
    assert _state(hass, clear) != STATE_UNAVAILABLE  # there, but nothing to clear yet
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call("button", "press", {"entity_id": clear}, blocking=True)
    assert err.value.translation_key == "ultra_stream_no_live_error"
    box.live_auth_error = True
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.ultra_stream_streaming"}, blocking=True
    )
    assert _state(hass, "sensor.ultra_stream_live_status_studio_rtmp") == "auth_error"
    with pytest.raises(HomeAssistantError) as err:  # still streaming: stop first
        await hass.services.async_call("button", "press", {"entity_id": clear}, blocking=True)
    assert err.value.translation_key == "ultra_stream_clear_while_streaming"
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.ultra_stream_streaming"}, blocking=True
    )
    assert _state(hass, "sensor.ultra_stream_live_status_studio_rtmp") == "auth_error"
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.ultra_stream_clear_live_error"}, blocking=True
    )
    assert _state(hass, "sensor.ultra_stream_live_status_studio_rtmp") == "idle"


async def test_recordings_beyond_the_first_hundred(
    hass: HomeAssistant, entry: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    """The newest recording is found, browsed and deleted among 150 (the box lists in pages)."""
    from homeassistant.components import media_source
    from homeassistant.setup import async_setup_component

    for number in range(150):  # the newest is the 131st file the box lists
        created = "2026-02-01 10:00:00" if number == 130 else f"2026-01-01 00:00:{number % 60:02}"
        box.add_recording(0, f"VID_{number}.mp4", created)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert _state(hass, "sensor.ultra_stream_last_recording") == "VID_130.mp4"

    assert await async_setup_component(hass, "media_source", {})
    await hass.async_block_till_done()
    root = await media_source.async_browse_media(hass, f"media-source://{DOMAIN}")
    box_folder = await media_source.async_browse_media(hass, root.children[0].media_content_id)
    usb = await media_source.async_browse_media(hass, box_folder.children[0].media_content_id)
    assert len(usb.children) == 150
    assert usb.children[0].title.startswith("VID_130.mp4")  # newest first

    await hass.services.async_call(
        DOMAIN,
        "ultra_stream_delete_recordings",
        {"config_entry_id": entry.entry_id, "medium": "usb", "files": ["VID_140.mp4"]},
        blocking=True,
        return_response=True,
    )
    assert "VID_140.mp4" not in {item["name"] for item in box.media[0]}
    await hass.config_entries.async_unload(entry.entry_id)
