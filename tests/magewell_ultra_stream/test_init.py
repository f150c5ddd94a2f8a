"""The integration running against the emulator: setup, entities, probe, failures."""

from __future__ import annotations

from datetime import timedelta
import json
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.proav.const import DOMAIN
from tests.compat import get_device
from tests.emulators.magewell_ultra_stream import SERIAL, UltraStreamEmulator

PROBE = timedelta(seconds=1)
STRINGS = Path(__file__).parents[2] / "custom_components" / "proav" / "strings.json"


async def _tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, step: timedelta = PROBE
) -> None:
    """Let one probe interval pass."""
    freezer.tick(step)
    async_fire_time_changed(hass)
    # Coordinator refreshes run as background tasks.
    await hass.async_block_till_done(wait_background_tasks=True)


def _translation(key: str) -> str:
    """Return the English text of one of our exception keys."""
    strings = json.loads(STRINGS.read_text())
    return str(strings["exceptions"][key]["message"])


def _reauth_flows(hass: HomeAssistant) -> list[object]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


@pytest.mark.usefixtures("loaded")
async def test_device_and_contract_entities(
    hass: HomeAssistant, device_registry: dr.DeviceRegistry, entity_registry: er.EntityRegistry
) -> None:
    """The box appears as a device with the contract's entities."""
    device = get_device(hass, (DOMAIN, SERIAL))
    assert device is not None
    assert (device.manufacturer, device.model, device.sw_version) == (
        "MAGEWELL",
        "Ultra Stream HDMI",
        "1.2.122",
    )
    assert _state(hass, "switch.ultra_stream_recording") == STATE_OFF
    assert _state(hass, "switch.ultra_stream_streaming") == STATE_OFF
    assert _state(hass, "binary_sensor.ultra_stream_input_signal") == STATE_ON
    assert _state(hass, "sensor.ultra_stream_recording_duration") == "0"
    assert float(_state(hass, "sensor.ultra_stream_streaming_bitrate")) == 0
    assert _state(hass, "sensor.ultra_stream_input_resolution") == "1920x1080p"
    assert _state(hass, "sensor.ultra_stream_input_frame_rate") == "60.0"
    assert _state(hass, "binary_sensor.ultra_stream_audio_signal") == STATE_ON
    assert _state(hass, "binary_sensor.ultra_stream_usb_drive") == STATE_ON
    assert _state(hass, "binary_sensor.ultra_stream_usb_drive_space") == STATE_OFF
    assert _state(hass, "update.ultra_stream_firmware") == STATE_OFF
    for key in (
        "recording",
        "streaming",
        "input_signal",
        "recording_duration",
        "streaming_bitrate",
    ):
        assert entity_registry.async_get_entity_id(
            "switch"
            if key in ("recording", "streaming")
            else "binary_sensor"
            if key == "input_signal"
            else "sensor",
            DOMAIN,
            f"{SERIAL}_{key}",
        )


@pytest.mark.usefixtures("loaded")
async def test_recording_switch_and_growing_duration(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """Turning recording on shows at once; the duration grows while it runs."""
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.ultra_stream_recording"}, blocking=True
    )
    assert box.command_names()[-1] == "start-rec"
    assert _state(hass, "switch.ultra_stream_recording") == STATE_ON
    box.advance(7)
    await _tick(hass, freezer, timedelta(seconds=5))
    assert int(_state(hass, "sensor.ultra_stream_recording_duration")) >= 7
    assert float(_state(hass, "sensor.ultra_stream_recording_bitrate")) > 0
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.ultra_stream_recording"}, blocking=True
    )
    assert _state(hass, "switch.ultra_stream_recording") == STATE_OFF
    assert _state(hass, "sensor.ultra_stream_recording_duration") == "0"


@pytest.mark.usefixtures("loaded")
async def test_streaming_switch_live_status_and_bitrate(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """Streaming goes through connecting to connected; the bitrate shows."""
    box.live_connect_seconds = 2
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.ultra_stream_streaming"}, blocking=True
    )
    assert _state(hass, "switch.ultra_stream_streaming") == STATE_ON
    assert _state(hass, "sensor.ultra_stream_live_status_studio_rtmp") == "connecting"
    box.advance(3)
    await _tick(hass, freezer)
    assert _state(hass, "sensor.ultra_stream_live_status_studio_rtmp") == "connected"
    assert float(_state(hass, "sensor.ultra_stream_streaming_bitrate")) > 0
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.ultra_stream_streaming"}, blocking=True
    )
    assert _state(hass, "switch.ultra_stream_streaming") == STATE_OFF
    assert _state(hass, "sensor.ultra_stream_live_status_studio_rtmp") == "stopped"


@pytest.mark.usefixtures("loaded")
async def test_live_server_switches_follow_the_server_list(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """One switch per configured server; enabling one makes its live status available."""
    assert _state(hass, "switch.ultra_stream_live_server_studio_rtmp") == STATE_ON
    assert _state(hass, "switch.ultra_stream_live_server_youtube") == STATE_OFF
    assert _state(hass, "sensor.ultra_stream_live_status_youtube") == STATE_UNAVAILABLE
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.ultra_stream_live_server_youtube"}, blocking=True
    )
    assert box.commands[-1].params == {"id": "1", "is-use": "1"}
    assert _state(hass, "switch.ultra_stream_live_server_youtube") == STATE_ON
    await hass.async_block_till_done()
    assert _state(hass, "sensor.ultra_stream_live_status_youtube") == "idle"


@pytest.mark.usefixtures("loaded")
async def test_disabled_live_server_keeps_its_entities(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """Turning a destination off keeps its live entities (names, areas, history stay)."""
    unique_id = f"{SERIAL}_0_live_status"
    entity_id = entity_registry.async_get_entity_id("sensor", DOMAIN, unique_id)
    assert entity_id is not None
    entity_registry.async_update_entity(entity_id, name="Studio feed")
    await hass.services.async_call(
        "switch",
        "turn_off",
        {"entity_id": "switch.ultra_stream_live_server_studio_rtmp"},
        blocking=True,
    )
    await hass.async_block_till_done()
    entry = entity_registry.async_get(entity_id)
    assert entry is not None
    assert entry.name == "Studio feed"
    assert _state(hass, entity_id) == STATE_UNAVAILABLE
    await hass.services.async_call(
        "switch",
        "turn_on",
        {"entity_id": "switch.ultra_stream_live_server_studio_rtmp"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert _state(hass, entity_id) == "idle"


@pytest.mark.usefixtures("loaded")
async def test_refused_command_is_a_clear_error(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """A refusal from the box is shown with what the box meant (translated, no device text)."""
    from homeassistant.exceptions import HomeAssistantError

    box.set_signal(0, 0)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "switch", "turn_on", {"entity_id": "switch.ultra_stream_recording"}, blocking=True
        )
    assert err.value.translation_key == "ultra_stream_no_signal"
    assert "no input signal" in _translation(err.value.translation_key)
    assert not _reauth_flows(hass)


@pytest.mark.usefixtures("loaded")
async def test_change_on_the_box_reaches_ha_within_two_probes(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """REC pressed on the box: the probe sees the mask change and reads the status."""
    box.press_rec()
    await _tick(hass, freezer)
    await _tick(hass, freezer)
    assert _state(hass, "switch.ultra_stream_recording") == STATE_ON


@pytest.mark.usefixtures("loaded")
async def test_probe_reads_status_only_on_change(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """At rest the box is pinged every second and read every 5 s; a mask change reads at once."""
    box.requests.clear()
    for _ in range(10):
        await _tick(hass, freezer)
    methods = [request.split("method=")[1].split("&")[0] for request in box.requests]
    assert methods.count("ping") == 10
    assert 1 <= methods.count("get-status") <= 3  # every 5 s (timers also follow real time)
    assert set(methods) == {"ping", "get-status"}
    box.requests.clear()
    box.remove_usb()
    await _tick(hass, freezer)
    assert any("get-status" in request for request in box.requests)
    assert _state(hass, "binary_sensor.ultra_stream_usb_drive") == STATE_OFF
    assert _state(hass, "sensor.ultra_stream_usb_drive_free_space") == STATE_UNAVAILABLE


@pytest.mark.usefixtures("loaded")
async def test_signal_change_reaches_ha_with_the_safety_read(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """A signal change does not touch the mask: the 5 s read at rest brings it within 5 s."""
    box.set_signal(1280, 720, 50.0, audio=False)
    for _ in range(5):
        await _tick(hass, freezer)
    assert _state(hass, "sensor.ultra_stream_input_resolution") == "1280x720p"
    assert _state(hass, "binary_sensor.ultra_stream_audio_signal") == STATE_OFF
    box.set_signal(0, 0)
    for _ in range(5):
        await _tick(hass, freezer)
    assert _state(hass, "binary_sensor.ultra_stream_input_signal") == STATE_OFF


@pytest.mark.usefixtures("loaded")
async def test_expired_session_is_renewed(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """An expired session is renewed without the user."""
    logins = box.command_names().count("login")
    box.expire_sessions()
    box.press_rec()
    await _tick(hass, freezer)
    assert _state(hass, "switch.ultra_stream_recording") == STATE_ON
    assert box.command_names().count("login") == logins + 1


async def test_wrong_password_starts_reauth(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    box: UltraStreamEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Credentials changed on the box: a reauth flow starts."""
    box.users["Admin"] = "0" * 32
    box.expire_sessions()
    box.press_rec()
    await _tick(hass, freezer)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_device_down_and_back(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    box: UltraStreamEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unreachable: unavailable within a probe; back: available within a probe."""
    await box.set_down(True)
    await _tick(hass, freezer)
    assert _state(hass, "switch.ultra_stream_recording") == STATE_UNAVAILABLE
    assert _state(hass, "text.ultra_stream_device_name") == STATE_UNAVAILABLE
    await box.set_down(False)
    await _tick(hass, freezer)
    assert _state(hass, "switch.ultra_stream_recording") == STATE_OFF
    assert _state(hass, "text.ultra_stream_device_name") == f"Ultra Stream {SERIAL}"
    assert loaded.state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("loaded")
async def test_malformed_answers_make_entities_unavailable(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """Broken JSON crashes nothing; entities come back with sane answers."""
    box.faults.malformed = True
    await _tick(hass, freezer)
    assert _state(hass, "binary_sensor.ultra_stream_input_signal") == STATE_UNAVAILABLE
    box.faults.malformed = False
    await _tick(hass, freezer)
    assert _state(hass, "binary_sensor.ultra_stream_input_signal") == STATE_ON


async def test_setup_retries_when_the_box_is_down(
    hass: HomeAssistant, entry: MockConfigEntry, box: UltraStreamEmulator
) -> None:
    """Not reachable at startup: setup is retried."""
    await box.set_down(True)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


@pytest.mark.usefixtures("loaded")
async def test_settings_entities(hass: HomeAssistant, box: UltraStreamEmulator) -> None:
    """Config entities change the box's settings and show the confirmed value."""
    await hass.services.async_call(
        "switch",
        "turn_on",
        {"entity_id": "switch.ultra_stream_record_when_a_signal_is_locked"},
        blocking=True,
    )
    assert box.settings["is-auto-rec"] == 1
    assert _state(hass, "switch.ultra_stream_record_when_a_signal_is_locked") == STATE_ON
    await hass.services.async_call(
        "text",
        "set_value",
        {"entity_id": "text.ultra_stream_device_name", "value": "Stage left"},
        blocking=True,
    )
    assert box.settings["name"] == "Stage left"
    assert _state(hass, "text.ultra_stream_device_name") == "Stage left"
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.ultra_stream_audio_delay", "value": -40},
        blocking=True,
    )
    assert box.settings["audio-sync-offset"] == -40
    assert _state(hass, "number.ultra_stream_audio_delay") == "-40"
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.ultra_stream_video_bitrate", "option": "8 Mbps"},
        blocking=True,
    )
    assert box.settings["main-stream"]["kbps"] == 8192
    assert box.commands[-1].params["cx"] == "1920"  # the other parameters are sent unchanged
    assert _state(hass, "select.ultra_stream_video_bitrate") == "8 Mbps"
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.ultra_stream_audio_bitrate", "option": "64 Kbps"},
        blocking=True,
    )
    assert box.settings["audio"]["kbps"] == 64
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.ultra_stream_split_recordings_every", "option": "30 minutes"},
        blocking=True,
    )
    assert box.settings["rec-control"]["time-unit"] == 30
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.ultra_stream_sd_card_recording", "option": "loop"},
        blocking=True,
    )
    assert box.settings["rec-control"]["sd-option"] == 2
    assert box.settings["rec-control"]["time-unit"] == 30
    await hass.services.async_call(
        "switch",
        "turn_off",
        {"entity_id": "switch.ultra_stream_record_to_usb_drive"},
        blocking=True,
    )
    assert box.settings["rec-control"]["usb-option"] == 0
    for entity_id, key in (
        ("switch.ultra_stream_live_lock_auto_live", "is-auto-live"),
        ("switch.ultra_stream_low_latency_streaming", "is-low-latency"),
        ("switch.ultra_stream_stop_on_signal_loss", "is-signal-lost"),
        ("switch.ultra_stream_check_for_firmware_automatically", "is-check-update"),
    ):
        before = box.settings[key]
        await hass.services.async_call("switch", "toggle", {"entity_id": entity_id}, blocking=True)
        assert box.settings[key] == 1 - before


@pytest.mark.usefixtures("loaded")
async def test_restart_and_firmware_update(
    hass: HomeAssistant,
    box: UltraStreamEmulator,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Restart is a button; a firmware found online installs, shows progress, then the new version."""
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.ultra_stream_restart"}, blocking=True
    )
    assert "reboot" in box.command_names()
    box.offer_firmware("1.2.123")
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.ultra_stream_check_for_firmware"}, blocking=True
    )
    state = hass.states.get("update.ultra_stream_firmware")
    assert state is not None
    assert state.state == STATE_ON
    assert state.attributes["latest_version"] == "1.2.123"
    await hass.services.async_call(
        "update", "install", {"entity_id": "update.ultra_stream_firmware"}, blocking=True
    )
    state = hass.states.get("update.ultra_stream_firmware")
    assert state is not None
    assert state.attributes["in_progress"] is True
    assert _state(hass, "binary_sensor.ultra_stream_firmware_updating") == STATE_ON
    box.advance(6)
    await _tick(hass, freezer)
    await hass.async_block_till_done(wait_background_tasks=True)
    state = hass.states.get("update.ultra_stream_firmware")
    assert state is not None
    assert state.attributes["installed_version"] == "1.2.123"
    device = get_device(hass, (DOMAIN, SERIAL))
    assert device is not None
    assert device.sw_version == "1.2.123"


async def test_unload_stops_probing(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    box: UltraStreamEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After unload the box is left alone."""
    await hass.config_entries.async_unload(loaded.entry_id)
    box.requests.clear()
    await _tick(hass, freezer)
    assert box.requests == []


@pytest.mark.usefixtures("loaded")
async def test_storage_problems_and_free_space(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """Storage present, low space and a too-slow drive are shown as the box reports them."""
    assert _state(hass, "binary_sensor.ultra_stream_sd_card") == STATE_ON
    assert float(_state(hass, "sensor.ultra_stream_sd_card_free_space")) == pytest.approx(
        24.997614388
    )
    box.set_disk_status("sd", 5)
    box.press_rec()
    box.rec_warning = 3
    await _tick(hass, freezer)
    assert _state(hass, "binary_sensor.ultra_stream_sd_card_space") == STATE_ON
    assert _state(hass, "binary_sensor.ultra_stream_storage_speed") == STATE_ON
    box.set_disk_status("sd", 0)
    box.press_rec()
    await _tick(hass, freezer)
    assert _state(hass, "binary_sensor.ultra_stream_sd_card") == STATE_OFF
    assert _state(hass, "binary_sensor.ultra_stream_storage_speed") == STATE_OFF


@pytest.mark.usefixtures("loaded")
async def test_busy_states_poll_fast_until_done(
    hass: HomeAssistant,
    box: UltraStreamEmulator,
    freezer: FrozenDateTimeFactory,
    loaded: MockConfigEntry,
) -> None:
    """A format in progress shows as running and is read every second until it ends."""
    from tests.emulators.magewell_ultra_stream import F_FORMAT_SD

    status = loaded.runtime_data.status
    assert status.update_interval == timedelta(seconds=5)
    box.busy_until[F_FORMAT_SD] = box.now() + 3
    await _tick(hass, freezer)
    assert _state(hass, "binary_sensor.ultra_stream_formatting_sd_card") == STATE_ON
    assert status.update_interval == timedelta(seconds=1)
    await _tick(hass, freezer, timedelta(seconds=3))
    assert _state(hass, "binary_sensor.ultra_stream_formatting_sd_card") == STATE_OFF
    await _tick(hass, freezer, timedelta(seconds=6))
    assert status.update_interval == timedelta(seconds=5)
    assert _state(hass, "binary_sensor.ultra_stream_rebooting") == STATE_OFF
    assert _state(hass, "binary_sensor.ultra_stream_formatting_usb_drive") == STATE_OFF


@pytest.mark.usefixtures("loaded")
async def test_diagnostic_sensors(hass: HomeAssistant, box: UltraStreamEmulator) -> None:
    """CPU usage, streaming duration and the UPnP switch."""
    assert _state(hass, "sensor.ultra_stream_cpu_usage") == "19"
    assert _state(hass, "sensor.ultra_stream_streaming_duration") == "0"
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.ultra_stream_upnp_discovery"}, blocking=True
    )
    assert box.settings["is-ssdp"] == 0


async def test_diagnostics_are_redacted(hass: HomeAssistant, loaded: MockConfigEntry) -> None:
    """Serial (also inside default names), MAC addresses and credentials are redacted."""
    from custom_components.proav.diagnostics import async_get_config_entry_diagnostics

    diagnostics = await async_get_config_entry_diagnostics(hass, loaded)
    text = str(diagnostics["device"])
    assert "1920" in text  # the state is there
    assert SERIAL not in text
    assert "70:b3:d5" not in text
    assert "Admin" not in str(diagnostics["entry"])


@pytest.mark.usefixtures("loaded")
async def test_removed_live_server_loses_its_entities(
    hass: HomeAssistant, box: UltraStreamEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """A live server deleted on the box disappears from Home Assistant at the next settings read."""
    assert hass.states.get("switch.ultra_stream_live_server_youtube") is not None
    box.settings["stream-server"] = box.settings["stream-server"][:1]
    await _tick(hass, freezer, timedelta(seconds=301))
    assert hass.states.get("switch.ultra_stream_live_server_youtube") is None
    assert _state(hass, "switch.ultra_stream_live_server_studio_rtmp") == STATE_ON


@pytest.mark.usefixtures("loaded")
async def test_update_entity_action_checks_online(
    hass: HomeAssistant, box: UltraStreamEmulator
) -> None:
    """homeassistant.update_entity on the firmware entity asks the box to check online."""
    await async_setup_component(hass, "homeassistant", {})
    box.offer_firmware("1.2.200")
    await hass.services.async_call(
        "homeassistant",
        "update_entity",
        {"entity_id": "update.ultra_stream_firmware"},
        blocking=True,
    )
    assert box.command_names()[-1] == "online-update-check"
    state = hass.states.get("update.ultra_stream_firmware")
    assert state is not None
    assert state.attributes["latest_version"] == "1.2.200"
    assert state.attributes["release_summary"] == "Bug fixes."


async def test_first_boot_raises_a_repair_issue(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    box: UltraStreamEmulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A box that was never initialised asks the user to finish its setup; the issue clears."""
    issue_id = f"ultra_stream_first_boot_{loaded.entry_id}"
    box.flags |= 0x01
    await _tick(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    box.flags &= ~0x01
    await _tick(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
