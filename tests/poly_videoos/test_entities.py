"""Every Poly VideoOS entity, read from and driven against the emulator."""

from __future__ import annotations

from datetime import datetime, timedelta
import time

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.camera import async_get_image
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from tests.compat import get_device
from tests.emulators.poly_videoos import PolyVideoOSEmulator

from .helpers import ROOM, SYSTEM, setup, state, tick, tick_at_rest

MAIN = "media_player.boardroom"
MIC_MUTE = "switch.boardroom_microphone_mute"
VIDEO_MUTE = "switch.boardroom_video_mute"
DEVICE_MODE = "switch.boardroom_device_mode"
IN_CALL = "binary_sensor.boardroom_in_call"
INCOMING = "binary_sensor.boardroom_incoming_call"
SHARING = "binary_sensor.boardroom_content_sharing"
MUTE_LOCKED = "binary_sensor.boardroom_microphone_mute_locked"
CALL_STATE = "sensor.boardroom_call_state"
QUALITY = "sensor.boardroom_call_quality"
PACKET_LOSS = "sensor.boardroom_call_packet_loss"
PRESET = "select.boardroom_camera_preset"
HANG_UP = "button.boardroom_hang_up"
RESTART = "button.boardroom_restart"
SNAPSHOT = "camera.boardroom_snapshot"
CALENDAR = "calendar.boardroom_room_calendar"
CALL_EVENTS = "event.boardroom_call"
CONTENT_EVENTS = "event.boardroom_content"


@pytest.fixture
async def loaded(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> MockConfigEntry:
    """Set the codec up in Home Assistant (with time frozen first, so polls can be stepped)."""
    await setup(hass, entry)
    return entry


def _events(hass: HomeAssistant, entity_id: str) -> list[tuple[str, dict[str, object]]]:
    """Collect the events an event entity fires."""
    fired: list[tuple[str, dict[str, object]]] = []

    @callback
    def record(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None and new.state != STATE_UNAVAILABLE:
            attributes = dict(new.attributes)
            fired.append((str(attributes.pop("event_type")), attributes))

    async_track_state_change_event(hass, entity_id, record)
    return fired


async def _call(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: object
) -> None:
    """Call an entity action and wait for it."""
    await hass.services.async_call(
        domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


@pytest.mark.usefixtures("loaded")
async def test_device_and_contract_entities(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator
) -> None:
    """The device is registered with its identity; the contract's entities exist."""
    device = get_device(hass, (DOMAIN, emulator.serial))
    assert device is not None
    assert (device.manufacturer, device.model, device.name) == ("Poly", "Studio X50", "Boardroom")
    assert device.sw_version == "4.6.2-410020"
    assert device.serial_number == emulator.serial
    for entity_id in (MAIN, MIC_MUTE, VIDEO_MUTE, IN_CALL, SHARING, PRESET):
        assert state(hass, entity_id) != STATE_UNAVAILABLE
    assert state(hass, HANG_UP) != STATE_UNAVAILABLE  # the codec answers: usable
    registry = er.async_get(hass)
    contract = {
        MIC_MUTE: "microphone_mute",
        VIDEO_MUTE: "video_mute",
        IN_CALL: "in_call",
        SHARING: "content_sharing",
        PRESET: "camera_preset",
        HANG_UP: "hang_up",
        SNAPSHOT: "snapshot",
    }
    for entity_id, key in contract.items():
        entity = registry.async_get(entity_id)
        assert entity is not None
        assert entity.translation_key == key
        assert entity.unique_id == f"{emulator.serial}_{key}"
    # Privacy: the snapshot camera is there, but off until the user turns it on.
    snapshot = registry.async_get(SNAPSHOT)
    assert snapshot is not None
    assert snapshot.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(SNAPSHOT) is None
    main = registry.async_get(MAIN)
    assert main is not None
    assert main.translation_key is None


@pytest.mark.usefixtures("loaded")
async def test_media_player_volume(hass: HomeAssistant, emulator: PolyVideoOSEmulator) -> None:
    """Volume 0-1 maps to 0-100 on the codec; the result shows at once; steps are 5 %."""
    assert state(hass, MAIN) == "idle"
    assert hass.states.get(MAIN).attributes["volume_level"] == 0.62
    await _call(hass, "media_player", "volume_set", MAIN, volume_level=0.3)
    assert emulator.state.volume == 30
    assert hass.states.get(MAIN).attributes["volume_level"] == 0.3
    await _call(hass, "media_player", "volume_up", MAIN)
    assert emulator.state.volume == 35


@pytest.mark.usefixtures("loaded")
async def test_call_lifecycle(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """Ringing, answered on the panel, ended: every call entity and event follows."""
    call_events = _events(hass, CALL_EVENTS)
    emulator.incoming_call("2002@example.com", name="Lisbon office")
    await tick(hass, freezer)
    assert state(hass, INCOMING) == "on"
    assert state(hass, IN_CALL) == "off"
    assert state(hass, CALL_STATE) == "ringing"
    assert state(hass, MAIN) == "on"
    assert state(hass, HANG_UP) != STATE_UNAVAILABLE

    emulator.answer_call()
    await tick(hass, freezer)
    assert state(hass, INCOMING) == "off"
    assert state(hass, IN_CALL) == "on"
    assert state(hass, CALL_STATE) == "connected"
    assert hass.states.get(CALL_STATE).attributes["far_end"] == "Lisbon office"
    assert state(hass, QUALITY) == "100"
    assert state(hass, PACKET_LOSS) == "0.0"
    call = next(iter(emulator.state.calls.values()))
    call.quality, call.packet_loss = 61, 2.5
    await tick(hass, freezer)
    assert state(hass, QUALITY) == "61"
    assert state(hass, PACKET_LOSS) == "2.5"
    streams = hass.states.get(QUALITY).attributes
    assert streams["videoRx"]["packet_loss"] == 2.5
    assert streams["audioTx"]["latency"] == 126
    player = hass.states.get(MAIN)
    assert player.state == "playing"
    assert player.attributes["media_title"] == "Lisbon office"
    assert player.attributes["media_position"] >= 0
    assert isinstance(player.attributes["media_position_updated_at"], datetime)

    emulator.end_call()
    await tick(hass, freezer)
    assert state(hass, IN_CALL) == "off"
    assert state(hass, CALL_STATE) == "idle"
    assert state(hass, QUALITY) == "unknown"
    assert state(hass, PACKET_LOSS) == "unknown"
    assert state(hass, MAIN) == "idle"
    assert state(hass, HANG_UP) != STATE_UNAVAILABLE
    assert [name for name, _ in call_events] == ["incoming_call", "call_started", "call_ended"]
    assert call_events[1][1]["far_end"] == "Lisbon office"


@pytest.mark.usefixtures("loaded")
async def test_hang_up_button(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """Hang up ends every call and the call entities show it at once."""
    emulator.incoming_call("a@example.com")
    emulator.answer_call()
    emulator.incoming_call("b@example.com")
    await tick(hass, freezer)
    assert state(hass, IN_CALL) == "on"
    call_events = _events(hass, CALL_EVENTS)
    await _call(hass, "button", "press", HANG_UP)
    assert not emulator.state.calls
    assert emulator.command_names().count("hang_up") == 2
    assert state(hass, IN_CALL) == "off"
    assert state(hass, INCOMING) == "off"
    assert [name for name, _ in call_events] == ["call_ended"]


@pytest.mark.usefixtures("loaded")
async def test_hang_up_with_no_call(hass: HomeAssistant, emulator: PolyVideoOSEmulator) -> None:
    """With no call the button is there (not unavailable); pressing it says there is no call."""
    assert state(hass, HANG_UP) == "unknown"
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "button", "press", HANG_UP)
    assert err.value.translation_key == "poly_no_call_to_end"
    assert str(err.value) == "There is no call to hang up"
    assert "hang_up" not in emulator.command_names()


@pytest.mark.usefixtures("loaded")
async def test_states_that_read_right(hass: HomeAssistant) -> None:
    """In call is no "running"; SIP registration is connectivity; names read as words."""
    in_call = hass.states.get(IN_CALL)
    assert in_call is not None
    assert "device_class" not in in_call.attributes
    assert in_call.attributes["friendly_name"] == "Boardroom In call"
    sip = hass.states.get("binary_sensor.boardroom_sip_registration")
    assert sip is not None
    assert sip.attributes["device_class"] == "connectivity"
    assert sip.attributes["friendly_name"] == "Boardroom SIP registration"
    assert hass.states.get("sensor.boardroom_sip_registration") is None
    registry = er.async_get(hass)
    for entity_id, decimals in (
        (QUALITY, 0),
        (PACKET_LOSS, 1),
        ("sensor.boardroom_microphones_connected", 0),
    ):
        entity = registry.async_get(entity_id)
        assert entity is not None
        assert entity.options["sensor"]["suggested_display_precision"] == decimals, entity_id


@pytest.mark.usefixtures("loaded")
async def test_microphone_mute(hass: HomeAssistant, emulator: PolyVideoOSEmulator) -> None:
    """Mute and unmute reach the codec; the switch follows at once."""
    assert state(hass, MIC_MUTE) == "off"
    await _call(hass, "switch", "turn_on", MIC_MUTE)
    assert emulator.state.muted
    assert state(hass, MIC_MUTE) == "on"
    await _call(hass, "switch", "turn_off", MIC_MUTE)
    assert not emulator.state.muted
    assert state(hass, MIC_MUTE) == "off"


@pytest.mark.usefixtures("loaded")
async def test_unmute_refused_while_locked(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """A known mute lock refuses unmute before asking the codec; the switch stays on."""
    emulator.state.muted = emulator.state.mute_locked = True
    await tick_at_rest(hass, freezer)
    assert state(hass, MUTE_LOCKED) == "on"
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "switch", "turn_off", MIC_MUTE)
    assert err.value.translation_key == "mute_locked"
    assert "mute" not in emulator.command_names()
    assert state(hass, MIC_MUTE) == "on"


@pytest.mark.parametrize("status", [200, 405])
@pytest.mark.usefixtures("loaded")
async def test_unmute_refused_by_device(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, freezer: FrozenDateTimeFactory, status: int
) -> None:
    """A lock set since the last poll: the codec refuses, the switch does not flip."""
    await _call(hass, "switch", "turn_on", MIC_MUTE)
    emulator.state.mute_locked = True
    emulator.mute_lock_status = status
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "switch", "turn_off", MIC_MUTE)
    assert err.value.translation_key == "mute_locked"
    assert emulator.state.muted
    assert state(hass, MIC_MUTE) == "on"
    assert state(hass, MUTE_LOCKED) == "on"


@pytest.mark.usefixtures("loaded")
async def test_video_mute(hass: HomeAssistant, emulator: PolyVideoOSEmulator) -> None:
    """Video privacy reaches the codec at once."""
    await _call(hass, "switch", "turn_on", VIDEO_MUTE)
    assert emulator.state.video_muted
    assert state(hass, VIDEO_MUTE) == "on"
    await _call(hass, "switch", "turn_off", VIDEO_MUTE)
    assert state(hass, VIDEO_MUTE) == "off"


@pytest.mark.usefixtures("loaded")
async def test_device_mode(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """Device Mode starts and stops; a refusal (in a call) is an error, not a flip."""
    await _call(hass, "switch", "turn_on", DEVICE_MODE)
    assert emulator.state.device_mode
    assert state(hass, DEVICE_MODE) == "on"
    await _call(hass, "switch", "turn_off", DEVICE_MODE)
    assert state(hass, DEVICE_MODE) == "off"
    emulator.incoming_call("x@example.com")
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "switch", "turn_on", DEVICE_MODE)
    assert err.value.translation_key == "device_error"
    assert state(hass, DEVICE_MODE) == "off"


async def test_signage_mode_disabled_by_default(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    """Digital Signage and the system status areas are there, but disabled by default."""
    registry = er.async_get(hass)
    for entity_id in ("switch.boardroom_digital_signage", "sensor.boardroom_ip_network_status"):
        entity = registry.async_get(entity_id)
        assert entity is not None
        assert entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION


async def test_signage_mode(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Once enabled, the Digital Signage switch starts and stops signage."""
    signage = "switch.boardroom_digital_signage"
    er.async_get(hass).async_update_entity(signage, disabled_by=None)
    await tick(hass, freezer, timedelta(seconds=31))  # enabling reloads the entry after 30 s
    assert state(hass, signage) == "off"
    await _call(hass, "switch", "turn_on", signage)
    assert emulator.state.signage_mode
    assert state(hass, signage) == "on"
    await _call(hass, "switch", "turn_off", signage)
    assert not emulator.state.signage_mode
    assert state(hass, signage) == "off"


async def test_status_area_sensor(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An enabled status area shows its state; a vanished area's sensor goes away."""
    registry = er.async_get(hass)
    network = "sensor.boardroom_ip_network_status"
    registry.async_update_entity(network, disabled_by=None)
    await tick(hass, freezer, timedelta(seconds=31))  # enabling reloads the entry after 30 s
    assert state(hass, network) == "up"
    emulator.state.status = [item for item in emulator.state.status if "ipnetwork" not in item[1]]
    emulator.state.status.append(("NEW_HEADING", "system.status.newthing", "up"))
    await tick_at_rest(hass, freezer, SYSTEM)
    assert registry.async_get(network) is None
    assert hass.states.get(network) is None
    new = registry.async_get_entity_id(
        "sensor", DOMAIN, f"{emulator.serial}_system.status.newthing_status"
    )
    assert new is not None
    assert registry.async_get(new).original_name == "system.status.newthing status"
    assert state(hass, "binary_sensor.boardroom_sip_registration") == "on"
    assert state(hass, "sensor.boardroom_calendar_status") == "online"


@pytest.mark.usefixtures("loaded")
async def test_diagnostic_sensors(hass: HomeAssistant) -> None:
    """Microphones, selected camera, content status and the next meeting."""
    assert state(hass, "sensor.boardroom_microphones_connected") == "1"
    assert state(hass, "sensor.boardroom_selected_camera") == "EagleEye Cube USB"
    content = hass.states.get("sensor.boardroom_content_status")
    assert content is not None
    assert content.state == "idle"
    assert content.attributes["device_class"] == "enum"
    assert content.attributes["options"] == ["idle", "sending", "receiving", "other"]
    meeting = hass.states.get("sensor.boardroom_next_meeting")
    assert meeting is not None
    assert meeting.attributes["subject"] == "Weekly sync"
    assert datetime.fromisoformat(meeting.state) > datetime.fromisoformat(
        meeting.last_updated.isoformat()
    )


@pytest.mark.usefixtures("loaded")
async def test_content_sharing(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """Content sharing shows in the binary sensor and fires start/stop events."""
    content_events = _events(hass, CONTENT_EVENTS)
    emulator.start_content()
    await tick_at_rest(hass, freezer)
    assert state(hass, SHARING) == "on"
    emulator.stop_content()
    await tick(hass, freezer)
    assert state(hass, SHARING) == "off"
    assert [name for name, _ in content_events] == ["content_started", "content_stopped"]


@pytest.mark.usefixtures("loaded")
async def test_camera_preset_select(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """Options are the stored presets; choosing one recalls it at once."""
    preset = hass.states.get(PRESET)
    assert preset.attributes["options"] == ["1", "2", "3"]
    assert preset.state == "unknown"
    await _call(hass, "select", "select_option", PRESET, option="2")
    assert emulator.state.recalled_preset == 2
    assert state(hass, PRESET) == "2"
    emulator.state.presets[7] = True
    await tick(hass, freezer, ROOM)
    assert hass.states.get(PRESET).attributes["options"] == ["1", "2", "3", "7"]
    assert state(hass, PRESET) == "2"


@pytest.mark.usefixtures("loaded")
async def test_restart_button(hass: HomeAssistant, emulator: PolyVideoOSEmulator) -> None:
    """Restart reboots the codec."""
    entity = er.async_get(hass).async_get(RESTART)
    assert entity is not None
    assert entity.original_device_class == "restart"
    await _call(hass, "button", "press", RESTART)
    assert "reboot" in emulator.command_names()


@pytest.mark.usefixtures("loaded")
async def test_join_meeting_button(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """The button is there for a dialable meeting about to start, and dials it at once."""
    join = "button.boardroom_join_meeting"
    assert state(hass, join) != STATE_UNAVAILABLE  # the codec answers: the button is there
    with pytest.raises(HomeAssistantError) as err:  # but the next meeting is an hour away
        await _call(hass, "button", "press", join)
    assert err.value.translation_key == "poly_no_meeting"
    assert "join_meeting" not in emulator.command_names()
    emulator.add_meeting("m2", "Stand-up", start=int(time.time()) + 600, duration=900)
    await tick_at_rest(hass, freezer, SYSTEM)
    assert state(hass, join) != STATE_UNAVAILABLE
    await _call(hass, "button", "press", join)
    assert emulator.command_names()[-1] == "join_meeting"
    assert emulator.commands[-1].params == {"id": "m2"}
    assert state(hass, IN_CALL) == "on"
    assert hass.states.get(MAIN).attributes["media_title"] == "sip:m2@meet.example.com"


async def test_snapshot_camera(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """Turned on, the camera serves the near camera's JPEG; nothing while video is muted."""
    entry.add_to_hass(hass)
    er.async_get(hass).async_get_or_create(
        "camera",
        DOMAIN,
        f"{emulator.serial}_snapshot",
        suggested_object_id="boardroom_snapshot",
        config_entry=entry,
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    image = await async_get_image(hass, SNAPSHOT)
    assert image.content == emulator.snapshot_jpeg
    assert image.content_type == "image/jpeg"
    assert emulator.accept_headers["/rest/cameras/snapshot/near_image_1.jpg"].startswith(
        "image/jpeg"
    )
    await _call(hass, "switch", "turn_on", VIDEO_MUTE)
    requests = len(emulator.requests)
    with pytest.raises(HomeAssistantError):
        await async_get_image(hass, SNAPSHOT)
    assert not [r for r in emulator.requests[requests:] if "snapshot" in r]


@pytest.mark.usefixtures("loaded")
async def test_room_calendar(hass: HomeAssistant, emulator: PolyVideoOSEmulator) -> None:
    """The calendar shows the next meeting and answers event queries from the codec."""
    calendar = hass.states.get(CALENDAR)
    assert calendar.state == "off"
    assert calendar.attributes["message"] == "Weekly sync"
    assert calendar.attributes["location"] == "Room 4.01"
    result = await hass.services.async_call(
        "calendar",
        "get_events",
        {ATTR_ENTITY_ID: CALENDAR, "duration": {"hours": 24}},
        blocking=True,
        return_response=True,
    )
    events = result[CALENDAR]["events"]
    assert [event["summary"] for event in events] == ["Weekly sync"]
    assert "GET /rest/calendar/meetings" in " ".join(emulator.requests)


async def test_old_sip_registration_sensor_is_removed(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> None:
    """The SIP registration sensor of earlier versions gives way to the binary sensor."""
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    old = registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{emulator.serial}_sip_registration",
        config_entry=entry,
        suggested_object_id="boardroom_sip_registration",
    )
    assert old.entity_id == "sensor.boardroom_sip_registration"
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert registry.async_get(old.entity_id) is None
    assert hass.states.get(old.entity_id) is None
    assert state(hass, "binary_sensor.boardroom_sip_registration") == "on"
