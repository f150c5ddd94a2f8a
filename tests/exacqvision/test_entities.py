"""exacqVision entities against the emulator: states, commands, events, camera images."""

from __future__ import annotations

from datetime import timedelta
import io

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.camera import async_get_image
from homeassistant.const import ATTR_ENTITY_ID, ATTR_OPTION, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from tests.emulators.exacqvision import ExacqVisionEmulator

from .conftest import INVENTORY_POLL, poll, state

CAM1, CAM2 = "4590080", "4590336"
TRIGGER1 = "4653312"
ONE_SECOND = timedelta(seconds=1)


def _commands(emulator: ExacqVisionEmulator, name: str) -> list[dict[str, object]]:
    """Return the parameters of the commands of one kind the emulator received."""
    return [command.params for command in emulator.commands if command.name == name]


async def test_initial_states(hass: HomeAssistant, loaded: MockConfigEntry) -> None:
    """Every camera, trigger and server entity reports what the server says."""
    assert state(hass, "camera.camera_1") == "recording"
    assert state(hass, "binary_sensor.camera_1_recording") == STATE_ON
    assert state(hass, "binary_sensor.camera_1_online") == STATE_ON
    assert state(hass, "binary_sensor.server_1_trigger_1_active") == STATE_OFF
    assert state(hass, "switch.server_1_trigger_1_hold") == STATE_OFF
    assert state(hass, "button.server_1_trigger_1") == "unknown"
    assert state(hass, "sensor.server_1_health") == "ok"
    assert state(hass, "sensor.server_1_recorded_video") == "30"
    assert state(hass, "sensor.server_1_cameras_offline") == "0"
    assert state(hass, "binary_sensor.server_1_storage_alarm") == STATE_OFF
    assert state(hass, "event.camera_1_events") == "unknown"
    assert state(hass, "event.server_1_alarms") == "unknown"
    preset = hass.states.get("select.camera_1_ptz_preset")
    assert preset is not None
    assert preset.attributes["options"] == ["Entrance", "Parking", "Gate"]
    # only the PTZ camera has a preset select
    assert hass.states.get("select.camera_2_ptz_preset") is None


async def test_live_state_follows_the_server(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Recording, connection and alarms show after the next poll."""
    server = emulator.server
    emulator.set_camera(server, CAM2, recording=False, connected=False)
    server.alarms[11] = ""  # storage alarm
    await poll(hass, freezer)
    assert state(hass, "binary_sensor.camera_2_recording") == STATE_OFF
    assert state(hass, "binary_sensor.camera_2_online") == STATE_OFF
    assert state(hass, "camera.camera_2") == "unavailable"
    assert state(hass, "sensor.server_1_cameras_offline") == "1"
    assert state(hass, "sensor.server_1_health") == "alarm"
    health = hass.states.get("sensor.server_1_health")
    assert health is not None
    assert health.attributes["alarms"] == ["storage"]
    assert state(hass, "binary_sensor.server_1_storage_alarm") == STATE_ON
    emulator.set_camera(server, CAM2, recording=True, connected=True)
    server.alarms.clear()
    await poll(hass, freezer)
    assert state(hass, "binary_sensor.camera_2_recording") == STATE_ON
    await poll(hass, freezer, INVENTORY_POLL)  # config.web's state: connected again
    assert state(hass, "camera.camera_2") == "recording"
    assert state(hass, "sensor.server_1_health") == "ok"


async def test_soft_trigger_button(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, loaded: MockConfigEntry
) -> None:
    """Pressing fires the trigger; its active sensor shows at once."""
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: "button.server_1_trigger_1"}, blocking=True
    )
    assert _commands(emulator, "soft_trigger") == [{"tid": TRIGGER1, "state": "on"}]
    assert state(hass, "binary_sensor.server_1_trigger_1_active") == STATE_ON


async def test_soft_trigger_hold(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The hold switch re-sends "on" every second, so the trigger never falls back off."""
    await hass.services.async_call(
        "switch", "turn_on", {ATTR_ENTITY_ID: "switch.server_1_trigger_1_hold"}, blocking=True
    )
    assert state(hass, "switch.server_1_trigger_1_hold") == STATE_ON
    trigger = emulator.server.triggers[TRIGGER1]
    for _ in range(5):
        emulator.advance(1)
        await poll(hass, freezer, ONE_SECOND)
        assert emulator.trigger_on(trigger)
    assert len(_commands(emulator, "soft_trigger")) == 6
    await hass.services.async_call(
        "switch", "turn_off", {ATTR_ENTITY_ID: "switch.server_1_trigger_1_hold"}, blocking=True
    )
    assert state(hass, "switch.server_1_trigger_1_hold") == STATE_OFF
    assert _commands(emulator, "soft_trigger")[-1] == {"tid": TRIGGER1, "state": "off"}
    assert not emulator.trigger_on(trigger)
    await poll(hass, freezer, timedelta(seconds=3))
    assert _commands(emulator, "soft_trigger")[-1]["state"] == "off"  # no more re-sends


async def test_hold_released_on_unload(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unloading releases a held trigger and stops the re-sends."""
    await hass.services.async_call(
        "switch", "turn_on", {ATTR_ENTITY_ID: "switch.server_1_trigger_2_hold"}, blocking=True
    )
    assert await hass.config_entries.async_unload(loaded.entry_id)
    await hass.async_block_till_done()
    assert _commands(emulator, "soft_trigger")[-1] == {"tid": "4653313", "state": "off"}
    # event monitoring was not chosen: nothing was written into the server; the session ends
    assert emulator.command_names()[-2:] == ["soft_trigger", "logout"]
    assert emulator.server.profiles == {}
    assert emulator.open_sessions == 0
    count = len(emulator.commands)
    await poll(hass, freezer, timedelta(seconds=5))
    assert len(emulator.commands) == count


async def test_ptz_preset_select(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, loaded: MockConfigEntry
) -> None:
    """Choosing a preset moves the camera there and shows the choice."""
    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: "select.camera_1_ptz_preset", ATTR_OPTION: "Parking"},
        blocking=True,
    )
    assert _commands(emulator, "preset") == [{"camera": CAM1, "preset": "2"}]
    assert state(hass, "select.camera_1_ptz_preset") == "Parking"


async def test_camera_image_at_requested_size(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, loaded: MockConfigEntry
) -> None:
    """The frontend's size reaches the server; the answer is a JPEG."""
    image = await async_get_image(hass, "camera.camera_1", width=320, height=240)
    assert image.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(image.content)).size == (320, 240)
    assert _commands(emulator, "snapshot")[-1] == {"camera": CAM1, "w": "320", "h": "240"}
    image = await async_get_image(hass, "camera.camera_2")
    assert Image.open(io.BytesIO(image.content)).format == "JPEG"


async def test_mjpeg_stream(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The server's MJPEG stream is proxied."""
    client = await hass_client()
    response = await client.get("/api/camera_proxy_stream/camera.camera_1")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("multipart/x-mixed-replace")
    body = await response.read()
    assert body.count(b"--frame") == emulator.mjpeg_frames
    assert _commands(emulator, "mjpeg") == [{"camera": CAM1}]


async def test_motion_and_video_loss_events(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    monitored: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Event monitoring occurrences fire the camera's event entity (once each)."""
    assert _commands(emulator, "profile_create") == [
        {"profile": f"HomeAssistant-{monitored.entry_id[-8:]}"}
    ]
    emulator.set_camera(emulator.server, CAM2, motion=True)
    await poll(hass, freezer)
    event = hass.states.get("event.camera_2_events")
    assert event is not None
    assert event.attributes["event_type"] == "motion"
    assert event.attributes["time"].startswith("20")  # when the server says it happened
    fired = event.state
    await poll(hass, freezer)  # the same occurrence is still in the window: not again
    assert state(hass, "event.camera_2_events") == fired
    emulator.set_camera(emulator.server, CAM2, loss=True)
    await poll(hass, freezer)
    event = hass.states.get("event.camera_2_events")
    assert event is not None
    assert event.attributes["event_type"] == "video_loss"
    assert state(hass, "event.camera_1_events") == "unknown"


async def test_soft_trigger_event_on_server(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A soft trigger firing shows on the server's alarm event entity."""
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: "button.server_1_trigger_2"}, blocking=True
    )
    await poll(hass, freezer)
    event = hass.states.get("event.server_1_alarms")
    assert event is not None
    assert event.attributes["event_type"] == "soft_trigger"


async def test_events_without_event_monitoring(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Where the user may not use event monitoring, events come from active-event edges."""
    emulator.event_monitoring = False
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    emulator.set_camera(emulator.server, CAM1, motion=True)
    await poll(hass, freezer)
    event = hass.states.get("event.camera_1_events")
    assert event is not None
    assert event.attributes["event_type"] == "motion"


async def test_alarm_inputs(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    monitored: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A camera's alarm input fires its camera's entity; other inputs fire the server's."""
    emulator.input_alarm(emulator.server, CAM1)
    emulator.input_alarm(emulator.server, "4849921")
    await poll(hass, freezer)
    camera_event = hass.states.get("event.camera_1_events")
    server_event = hass.states.get("event.server_1_alarms")
    assert camera_event is not None
    assert server_event is not None
    assert camera_event.attributes["event_type"] == "alarm_input"
    assert server_event.attributes["event_type"] == "alarm_input"
    assert server_event.attributes["source"] == "4849921"


async def test_snapshot_stream_without_mjpeg(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Where the web service offers no MJPEG, the stream is made of snapshots."""
    emulator.mjpeg_enabled = False
    client = await hass_client()
    response = await client.get("/api/camera_proxy_stream/camera.camera_1")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("multipart/x-mixed-replace")
    first = await response.content.readuntil(b"\r\n\r\n")
    assert b"image/jpeg" in first
    response.close()
    assert _commands(emulator, "snapshot")


async def test_cameras_named_by_the_server_and_unique(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, entry: MockConfigEntry
) -> None:
    """Cameras carry the server's names; two of the same name stay apart; recording reads so."""
    first, second = list(emulator.server.cameras.values())[:2]
    first.name = second.name = "Entrance"
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get("camera.entrance") is not None
    assert hass.states.get("camera.entrance_2") is not None
    recording = hass.states.get("binary_sensor.entrance_recording")
    assert recording is not None
    assert recording.attributes.get("device_class") is None  # not "Running / Not running"
    assert recording.attributes["friendly_name"] == "Entrance Recording"


@pytest.fixture
async def web_server_first(hass: HomeAssistant) -> None:
    """Set Home Assistant's HTTP server up before the entry (as it is in a running instance)."""
    assert await async_setup_component(hass, "http", {})


async def test_event_shows_the_recorded_frame_of_its_moment(
    hass: HomeAssistant,
    web_server_first: None,
    emulator: ExacqVisionEmulator,
    monitored: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """A camera's event has the recorded frame of the moment as its picture (for notifications)."""
    emulator.set_camera(emulator.server, CAM2, motion=True)
    await poll(hass, freezer)
    event = hass.states.get("event.camera_2_events")
    assert event is not None
    picture = event.attributes["entity_picture"]
    assert picture == event.attributes["picture"]
    assert "authSig=" in picture  # a signed link: it opens without a login, for a while
    response = await (await hass_client()).get(picture)
    assert response.status == 200
    assert (await response.read()).startswith(b"\xff\xd8")
    assert _commands(emulator, "recorded_frame") == [
        {"camera": CAM2, "time": event.attributes["time"]}
    ]
