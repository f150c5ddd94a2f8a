"""Entities of a Poly VideoOS codec.

Descriptions for the generic platforms (each naming the optional resource it needs as its
``capability``), plus the media player, snapshot camera, room calendar and the call, content
and microphone event entities, which are built here. ``runtime.py`` adds them, platform by
platform.
"""

# Home Assistant side of the device type: it builds on the integration's shared modules.
# ruff: noqa: TID252

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.button import ButtonDeviceClass
from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.components.camera import Camera, CameraEntityDescription
from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.components.media_player import MediaPlayerEntity, MediaPlayerEntityDescription
from homeassistant.components.media_player.const import MediaPlayerEntityFeature, MediaPlayerState
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import PERCENTAGE, EntityCategory, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.util import dt as dt_util

from ...binary_sensor import ProAVBinarySensorDescription
from ...button import ProAVButtonDescription
from ...const import DOMAIN, LOGGER
from ...coordinator import error_key
from ...entity import ProAVEntity, ProAVEntityDescription
from ...issues import async_feature_available, async_feature_unavailable
from ...select import ProAVSelectDescription
from ...sensor import ProAVSensorDescription
from ...switch import ProAVSwitchDescription
from ..errors import NotSupported, ProAVError
from .coordinator import (
    APPS,
    CALENDAR,
    CAMERAS,
    CONTENT,
    DEVICE_MODE,
    DIAL_ADDRESSES,
    FAVORITES,
    MEETINGS,
    MIC_CONTROL,
    MICROPHONES,
    PERIPHERALS,
    PRESETS,
    SHARED_MEDIA,
    SIGNAGE_MODE,
    SIP,
    SYSTEM_MODE,
    VIDEO_CONTROL,
    VIDEO_MUTE,
    VOLUME_CONTROL,
    CallCoordinator,
    CallData,
    RoomCoordinator,
    SystemCoordinator,
    SystemData,
)
from .models import (
    Conference,
    Favorite,
    Meeting,
    Microphone,
    Peripheral,
    PeripheralKind,
    Provider,
    Snapshot,
    StatusItem,
)

# How long before its start a meeting can be joined with the button.
JOIN_EARLY = timedelta(minutes=15)
CALL_STATES = ["idle", "ringing", "connecting", "connected", "disconnecting", "inactive", "other"]
CALENDAR_STATES = [
    "disabled",
    "offline",
    "online",
    "connecting",
    "err_authentication",
    "err_unknown",
    "unknown",
]
# What GET /rest/cameras/contentstatus says (``CONTENT_IDLE``; the others seen in the field).
CONTENT_STATES = ["idle", "sending", "receiving", "other"]
# Areas GET /rest/system/status reports that have a translated name; others show their own.
STATUS_AREAS = frozenset(
    {
        "ipnetwork",
        "sipserver",
        "gatekeeper",
        "calendar",
        "microphones",
        "remotecontrol",
        "autoanswerp2p",
        "provisioning",
        "globaldirectory",
        "mr_audio",
        "mr_camera",
    }
)


@dataclass(frozen=True, kw_only=True)
class PolyMediaPlayerDescription(
    MediaPlayerEntityDescription, ProAVEntityDescription[CallCoordinator]
):
    """Description of the codec's media player."""


@dataclass(frozen=True, kw_only=True)
class PolyCameraDescription(CameraEntityDescription, ProAVEntityDescription[CallCoordinator]):
    """Description of the snapshot camera."""


@dataclass(frozen=True, kw_only=True)
class PolyCalendarDescription(CalendarEntityDescription, ProAVEntityDescription[SystemCoordinator]):
    """Description of the room calendar."""


@dataclass(frozen=True, kw_only=True)
class PolyEventDescription(EventEntityDescription, ProAVEntityDescription[CallCoordinator]):
    """Description of an event entity."""


def _call_state(data: CallData) -> str:
    """Return the call state: idle, or the active connection's state."""
    conference = data.active
    if conference is None or not conference.connections:
        return "connected" if data.meeting_in_call else "idle"
    connection = next((c for c in conference.connections if c.connected), None)
    connection = connection or conference.connections[0]
    if connection.ringing_in:
        return "ringing"
    state = connection.state.lower()
    return state if state in CALL_STATES else "other"


def content_state(raw: str | None) -> str | None:
    """Return the content status as one of ``CONTENT_STATES`` (None while unknown)."""
    if raw is None or raw == "UNKNOWN":
        return None
    state = raw.removeprefix("CONTENT_").lower()
    return state if state in CONTENT_STATES else "other"


def _stream_attributes(data: CallData) -> dict[str, Any] | None:
    """Return each media stream's figures (``videoRx``: bit rate, loss, jitter, latency)."""
    if not data.streams:
        return None
    return {
        stream.stream or f"{stream.media_type}_{stream.direction}".lower(): {
            "bit_rate": stream.actual_bit_rate or stream.bit_rate,
            "packet_loss": stream.percent_packet_loss,
            "jitter": stream.jitter,
            "latency": stream.latency,
            "frame_rate": stream.frame_rate or None,
        }
        for stream in data.streams
    }


def _call_attributes(data: CallData) -> dict[str, Any] | None:
    """Return facts about the active call."""
    conference = data.active
    if conference is None or not conference.connections:
        return None
    connection = conference.connections[0]
    return {
        "conference_id": conference.id,
        "far_end": conference.far_end,
        "address": connection.address,
        "device_state": connection.state,
        "call_type": connection.call_type,
        "rate": connection.rate,
        "encrypted": connection.encrypted,
        "incoming": connection.incoming,
        "duration": conference.duration,
    }


CALL_SWITCHES: tuple[ProAVSwitchDescription[CallCoordinator], ...] = (
    ProAVSwitchDescription(
        key="microphone_mute",
        translation_key="microphone_mute",
        available_fn=lambda c, _: c.allowed(MIC_CONTROL),
        is_on_fn=lambda c, _: c.data.audio.muted,
        set_fn=lambda c, _, on: c.async_set_muted(on),
    ),
    ProAVSwitchDescription(
        key="video_mute",
        translation_key="video_mute",
        capability=VIDEO_MUTE,
        available_fn=lambda c, _: c.allowed(VIDEO_CONTROL),
        is_on_fn=lambda c, _: c.data.video_muted,
        set_fn=lambda c, _, on: c.async_set_video_muted(on),
    ),
)
ROOM_SWITCHES: tuple[ProAVSwitchDescription[RoomCoordinator], ...] = (
    ProAVSwitchDescription(
        key="device_mode",
        translation_key="device_mode",
        entity_category=EntityCategory.CONFIG,
        capability=DEVICE_MODE,
        is_on_fn=lambda c, _: c.data.device_mode,
        set_fn=lambda c, _, on: c.async_set_mode("device_mode", on),
    ),
    ProAVSwitchDescription(
        key="signage_mode",
        translation_key="signage_mode",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        capability=SIGNAGE_MODE,
        is_on_fn=lambda c, _: c.data.signage_mode,
        set_fn=lambda c, _, on: c.async_set_mode("signage_mode", on),
    ),
)
CALL_BINARY_SENSORS: tuple[ProAVBinarySensorDescription[CallCoordinator], ...] = (
    ProAVBinarySensorDescription(
        key="in_call",
        translation_key="in_call",
        is_on_fn=lambda c, _: c.data.in_call,
    ),
    ProAVBinarySensorDescription(
        key="incoming_call",
        translation_key="incoming_call",
        is_on_fn=lambda c, _: c.data.ringing,
    ),
    ProAVBinarySensorDescription(
        key="content_sharing",
        translation_key="content_sharing",
        capability=CONTENT,
        is_on_fn=lambda c, _: c.data.sharing,
    ),
    ProAVBinarySensorDescription(
        key="wireless_sharing",
        translation_key="wireless_sharing",
        capability=SHARED_MEDIA,
        is_on_fn=lambda c, _: None if c.data.casting is None else bool(c.data.casting),
    ),
    ProAVBinarySensorDescription(
        key="mute_locked",
        translation_key="mute_locked",
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda c, _: c.data.audio.mute_locked,
    ),
)
ROOM_BINARY_SENSORS: tuple[ProAVBinarySensorDescription[RoomCoordinator], ...] = (
    ProAVBinarySensorDescription(
        key="microphones_problem",
        translation_key="microphones_problem",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        capability=MICROPHONES,
        is_on_fn=lambda c, _: _microphones_problem(c.data.microphones),
    ),
)


def _favorite(coordinator: RoomCoordinator, key: str) -> Favorite | None:
    """Return a favourite as the codec lists it now."""
    return next((f for f in coordinator.data.favorites or () if f.id == key), None)


async def _async_dial_favorite(
    room: RoomCoordinator, favorite: Any, calls: CallCoordinator
) -> None:
    """Call a favourite; the call shows at once."""
    await calls.async_dial(room.client.dial_favorite(favorite.id))


def speed_dial(calls: CallCoordinator) -> ProAVButtonDescription[RoomCoordinator]:
    """Return the description of a favourite's speed-dial button (it dials through ``calls``)."""
    return ProAVButtonDescription[RoomCoordinator](
        key="speed_dial",
        translation_key="speed_dial",
        capability=FAVORITES,
        item_fn=_favorite,
        press_fn=lambda room, favorite: _async_dial_favorite(room, favorite, calls),
    )


def _microphones_problem(microphones: tuple[Microphone, ...] | None) -> bool | None:
    """Return whether a microphone reports trouble (None when nothing is known)."""
    states = [microphone.ok for microphone in microphones or ()]
    if any(ok is False for ok in states):
        return True
    return False if states and all(states) else None


PERIPHERAL_NAMES = {
    PeripheralKind.TOUCH_CONTROLLER.value: "Touch controller",
    PeripheralKind.CAMERA.value: "Camera",
    PeripheralKind.MICROPHONE.value: "Microphone",
}


def peripheral_name(kind: str) -> str:
    """Return how a kind of peripheral is named in its entity."""
    return PERIPHERAL_NAMES.get(kind, kind.replace("_", " ").capitalize())


def _peripherals(coordinator: RoomCoordinator, kind: str) -> tuple[Peripheral, ...] | None:
    """Return the peripherals of one kind (None while the codec reports none)."""
    found = tuple(p for p in coordinator.data.accessories if p.kind == kind)
    return found or None


PERIPHERAL_SENSOR = ProAVBinarySensorDescription[RoomCoordinator](
    key="peripheral",
    translation_key="peripheral",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
    capability=PERIPHERALS,
    item_fn=_peripherals,
    is_on_fn=lambda _c, items: _all_connected(items),
)


def _all_connected(items: Any) -> bool | None:
    """Return whether every peripheral of a kind is connected (the description gets models)."""
    states = [item.connected for item in items if isinstance(item, Peripheral)]
    if any(state is False for state in states):
        return False
    return True if states else None


SYSTEM_BINARY_SENSORS: tuple[ProAVBinarySensorDescription[SystemCoordinator], ...] = (
    ProAVBinarySensorDescription(
        key="sleeping",
        translation_key="sleeping",
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda c, _: c.data.info.state is not None,
        is_on_fn=lambda c, _: c.data.info.asleep,
    ),
    ProAVBinarySensorDescription(
        key="reboot_required",
        translation_key="reboot_required",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda c, _: c.data.info.reboot_needed is not None,
        is_on_fn=lambda c, _: c.data.info.reboot_needed,
    ),
    ProAVBinarySensorDescription(
        key="lan_link",
        translation_key="lan_link",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda c, _: c.data.info.lan is not None,
        is_on_fn=lambda c, _: c.data.info.lan.up if c.data.info.lan else None,
    ),
    ProAVBinarySensorDescription(
        key="sip_registration",
        translation_key="sip_registration",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        capability=SIP,
        is_on_fn=lambda c, _: c.data.sip.registered if c.data.sip else None,
    ),
)
CALL_SENSORS: tuple[ProAVSensorDescription[CallCoordinator], ...] = (
    ProAVSensorDescription(
        key="call_state",
        translation_key="call_state",
        device_class=SensorDeviceClass.ENUM,
        options=CALL_STATES,
        value_fn=lambda c, _: _call_state(c.data),
        attributes_fn=lambda c, _: _call_attributes(c.data),
    ),
    ProAVSensorDescription(
        key="call_quality",
        translation_key="call_quality",
        suggested_display_precision=0,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda c, _: c.data.quality,
        attributes_fn=lambda c, _: _stream_attributes(c.data),
    ),
    ProAVSensorDescription(
        key="call_packet_loss",
        translation_key="call_packet_loss",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda c, _: c.data.packet_loss,
    ),
    ProAVSensorDescription(
        key="content_status",
        translation_key="content_status",
        device_class=SensorDeviceClass.ENUM,
        options=CONTENT_STATES,
        entity_category=EntityCategory.DIAGNOSTIC,
        capability=CONTENT,
        value_fn=lambda c, _: content_state(c.data.content),
    ),
    ProAVSensorDescription(
        key="microphones",
        translation_key="microphones",
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda c, _: c.data.audio.mics_connected,
    ),
)
PROVIDER_SELECT = ProAVSelectDescription[RoomCoordinator](
    key="provider",
    translation_key="provider",
    entity_category=EntityCategory.CONFIG,
    capability=APPS,
    exists_fn=lambda c, _: bool(c.data.apps) and c.data.mode is not None,
    options_fn=lambda c, _: list(c.data.apps or ()),
    current_fn=lambda c, _: (
        c.data.mode.app if c.data.mode and c.data.mode.app in (c.data.apps or ()) else None
    ),
    select_fn=lambda c, _, option: c.async_set_provider(option),
)
ROOM_SENSORS: tuple[ProAVSensorDescription[RoomCoordinator], ...] = (
    ProAVSensorDescription(
        key="provider_mode",
        translation_key="provider_mode",
        device_class=SensorDeviceClass.ENUM,
        options=[provider.value for provider in Provider],
        capability=SYSTEM_MODE,
        value_fn=lambda c, _: (
            provider.value if c.data.mode and (provider := c.data.mode.provider) else None
        ),
    ),
    ProAVSensorDescription(
        key="selected_camera",
        translation_key="selected_camera",
        entity_category=EntityCategory.DIAGNOSTIC,
        capability=CAMERAS,
        value_fn=lambda c, _: next(
            (cam.name for cam in c.data.cameras or () if cam.selected), None
        ),
    ),
)
SYSTEM_SENSORS: tuple[ProAVSensorDescription[SystemCoordinator], ...] = (
    ProAVSensorDescription(
        key="next_meeting",
        translation_key="next_meeting",
        device_class=SensorDeviceClass.TIMESTAMP,
        capability=MEETINGS,
        value_fn=lambda c, _: (m.start if (m := c.data.next_meeting(dt_util.utcnow())) else None),
        attributes_fn=lambda c, _: _meeting_attributes(c.data.next_meeting(dt_util.utcnow())),
    ),
    ProAVSensorDescription(
        key="calendar_status",
        translation_key="calendar_status",
        device_class=SensorDeviceClass.ENUM,
        options=CALENDAR_STATES,
        entity_category=EntityCategory.DIAGNOSTIC,
        capability=CALENDAR,
        value_fn=lambda c, _: (
            s if (s := (c.data.calendar_status or "").lower()) in CALENDAR_STATES else "unknown"
        ),
    ),
    ProAVSensorDescription(
        key="sip_address",
        translation_key="sip_address",
        capability=DIAL_ADDRESSES,
        exists_fn=lambda c, _: c.data.addresses is not None and c.data.addresses.sip is not None,
        value_fn=lambda c, _: c.data.addresses.sip if c.data.addresses else None,
    ),
    ProAVSensorDescription(
        key="h323_extension",
        translation_key="h323_extension",
        entity_category=EntityCategory.DIAGNOSTIC,
        capability=DIAL_ADDRESSES,
        exists_fn=lambda c, _: (
            c.data.addresses is not None and c.data.addresses.h323_extension is not None
        ),
        value_fn=lambda c, _: c.data.addresses.h323_extension if c.data.addresses else None,
    ),
    ProAVSensorDescription(
        key="last_boot",
        translation_key="last_boot",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda c, _: c.data.booted is not None,
        value_fn=lambda c, _: c.data.booted,
    ),
)


def _status_item(coordinator: SystemCoordinator, key: str) -> StatusItem | None:
    """Return one area of the system status, as the codec reports it now."""
    return next((item for item in coordinator.data.status or () if item.name == key), None)


def _status_state(item: Any) -> str | None:
    """Return the main state of a status area (the description receives its model)."""
    return item.state if isinstance(item, StatusItem) else None


STATUS_ITEM_SENSOR = ProAVSensorDescription[SystemCoordinator](
    key="status",
    translation_key="system_status",  # "{item} status", for areas without a name of their own
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
    item_fn=_status_item,
    value_fn=lambda _c, item: _status_state(item),
)
PRESET_SELECT = ProAVSelectDescription[RoomCoordinator](
    key="camera_preset",
    translation_key="camera_preset",
    capability=PRESETS,
    options_fn=lambda c, _: [str(index) for index in c.data.stored_presets],
    current_fn=lambda c, _: (
        str(c.data.recalled_preset) if c.data.recalled_preset in c.data.stored_presets else None
    ),
    select_fn=lambda c, _, option: c.async_recall_preset(int(option)),
)
CALL_BUTTONS: tuple[ProAVButtonDescription[CallCoordinator], ...] = (
    ProAVButtonDescription(
        key="hang_up",
        translation_key="hang_up",
        press_fn=lambda c, _: _async_hang_up(c),
    ),
    ProAVButtonDescription(
        key="join_meeting",
        translation_key="join_meeting",
        capability=MEETINGS,
        press_fn=lambda c, _: _async_join(c),
    ),
    ProAVButtonDescription(
        key="reject_call",
        translation_key="reject_call",
        press_fn=lambda c, _: c.async_reject(),  # raises poly_no_call when none rings
    ),
    ProAVButtonDescription(
        key="restart",
        translation_key="restart",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda c, _: c.client.reboot(),
    ),
)


def status_area(name: str) -> str:
    """Return the area of a status item: ``system.status.mr.audio`` -> ``mr_audio``."""
    return name.removeprefix("system.status.").replace(".", "_")


def joinable(data: SystemData) -> Meeting | None:
    """Return the meeting that can be joined now: dialable, running or starting soon."""
    now = dt_util.utcnow()
    meeting = data.next_meeting(now)
    if meeting is not None and meeting.can_dial and meeting.start - JOIN_EARLY <= now:
        return meeting
    return None


async def _async_hang_up(calls: CallCoordinator) -> None:
    """End every call; with no call there is nothing to end (a translated error, not unavailable)."""
    if not calls.data.conferences:
        raise HomeAssistantError(translation_domain=DOMAIN, translation_key="poly_no_call_to_end")
    await calls.async_hang_up()


async def _async_join(calls: CallCoordinator) -> None:
    """Dial the meeting that can be joined now; the call shows at once."""
    meeting = joinable(calls.system.data) if calls.system.data is not None else None
    if meeting is None:
        raise HomeAssistantError(translation_domain=DOMAIN, translation_key="poly_no_meeting")
    await calls.async_dial(calls.client.join_meeting(meeting.id))


def _meeting_attributes(meeting: Meeting | None) -> dict[str, Any] | None:
    """Return facts about a meeting."""
    if meeting is None:
        return None
    return {
        "subject": meeting.subject,
        "organizer": meeting.organizer,
        "location": meeting.location,
        "end": meeting.end.isoformat(),
        "can_dial": meeting.can_dial,
    }


class PolyMediaPlayer(ProAVEntity[CallCoordinator], MediaPlayerEntity):
    """The codec: speaker volume, and the call as what is "playing"."""

    entity_description: PolyMediaPlayerDescription

    _attr_volume_step = 0.05

    @property
    def supported_features(self) -> MediaPlayerEntityFeature:
        """Offer volume control unless the codec's mode refuses it."""
        if self.coordinator.allowed(VOLUME_CONTROL):
            return MediaPlayerEntityFeature.VOLUME_SET | MediaPlayerEntityFeature.VOLUME_STEP
        return MediaPlayerEntityFeature(0)

    @property
    def _conference(self) -> Conference | None:
        """Return the connected conference, if any."""
        conference = self.coordinator.data.active
        return conference if conference is not None and conference.connected else None

    @property
    def state(self) -> MediaPlayerState:
        """Return playing in a call, on while one rings, standby asleep, idle otherwise."""
        data = self.coordinator.data
        if data.in_call:
            return MediaPlayerState.PLAYING
        if data.conferences:
            return MediaPlayerState.ON
        system = self.coordinator.system.data
        if system is not None and system.info.asleep:
            return MediaPlayerState.STANDBY
        return MediaPlayerState.IDLE

    @property
    def volume_level(self) -> float | None:
        """Return the speaker volume, 0..1 (None until the codec reports it)."""
        volume = self.coordinator.data.audio.volume
        return None if volume is None else volume / 100

    @property
    def media_title(self) -> str | None:
        """Return who the call is with."""
        return self._conference.far_end if self._conference else None

    @property
    def media_position(self) -> int | None:
        """Return how long the call has been running, in seconds."""
        return self._conference.duration if self._conference else None

    @property
    def media_position_updated_at(self) -> datetime | None:
        """Return when the call duration was read."""
        return self.coordinator.data.read_at if self._conference else None

    async def async_set_volume_level(self, volume: float) -> None:
        """Set the speaker volume."""
        await self.async_command(self.coordinator.async_set_volume(round(volume * 100)))


class PolySnapshotCamera(ProAVEntity[CallCoordinator], Camera):
    """The near camera's stored JPEG snapshot (off by default; nothing while video is muted)."""

    entity_description: PolyCameraDescription

    def __init__(
        self, coordinator: CallCoordinator, description: PolyCameraDescription, device: DeviceInfo
    ) -> None:
        """Set up both parents (Camera keeps its own access tokens)."""
        super().__init__(coordinator, description, device)
        Camera.__init__(self)

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return the snapshot, or None while video is muted, or the codec has none."""
        if self.coordinator.data.video_muted is not False:
            return None
        entry = self.coordinator.config_entry
        try:
            image = await self.coordinator.client.snapshot(Snapshot.NEAR)
        except NotSupported:
            async_feature_unavailable(
                self.hass, entry, "snapshot", "camera snapshots", "the codec serves none"
            )
            return None
        except ProAVError as err:
            LOGGER.debug("No snapshot from %s: %s", self.coordinator.name, type(err).__name__)
            return None
        async_feature_available(self.hass, entry, "snapshot")
        return image


class PolyCalendar(ProAVEntity[SystemCoordinator], CalendarEntity):
    """The room calendar."""

    entity_description: PolyCalendarDescription

    @property
    def event(self) -> CalendarEvent | None:
        """Return the meeting running now or the next one."""
        meeting = self.coordinator.data.next_meeting(dt_util.utcnow())
        return _calendar_event(meeting) if meeting else None

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Read the meetings of a time window from the codec."""
        try:
            meetings = await self.coordinator.client.meetings(
                start=int(start_date.timestamp()), end=int(end_date.timestamp())
            )
        except ProAVError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key=error_key(err)
            ) from err
        return [_calendar_event(meeting) for meeting in meetings if not meeting.canceled]


def _calendar_event(meeting: Meeting) -> CalendarEvent:
    """Turn a meeting into a calendar event (never zero length)."""
    return CalendarEvent(
        start=meeting.start,
        end=max(meeting.end, meeting.start + timedelta(minutes=1)),
        summary=meeting.subject or meeting.organizer or meeting.id,
        location=meeting.location or None,
        uid=meeting.id or None,
    )


class PolyEventEntity(ProAVEntity[CallCoordinator], EventEntity):
    """Fire events on changes between two reads of the call state (the API has no push)."""

    entity_description: PolyEventDescription

    def __init__(
        self, coordinator: CallCoordinator, description: PolyEventDescription, device: DeviceInfo
    ) -> None:
        """Remember the state at start (no event for what was already going on)."""
        super().__init__(coordinator, description, device)
        self._seen = self._snapshot(coordinator.data)

    def _snapshot(self, data: CallData) -> Any:
        """Return what the events are computed from (override)."""
        raise NotImplementedError

    def _events(self, old: Any, new: Any) -> Iterable[tuple[str, dict[str, Any]]]:
        """Return the events between two snapshots (override)."""
        raise NotImplementedError

    @callback
    def _handle_coordinator_update(self) -> None:
        """Fire what changed, then write the state."""
        new = self._snapshot(self.coordinator.data)
        for event_type, attributes in self._events(self._seen, new):
            self._trigger_event(event_type, attributes)
            self.async_write_ha_state()
        self._seen = new
        super()._handle_coordinator_update()


class PolyCallEvents(PolyEventEntity):
    """Call started, call ended, incoming call."""

    def _snapshot(self, data: CallData) -> tuple[dict[str, str | None], dict[str, str | None]]:
        """Return the connected and the ringing conferences (id -> far end)."""
        connected = {c.id: c.far_end for c in data.conferences if c.connected}
        ringing = {
            c.id: c.far_end
            for c in data.conferences
            if any(connection.ringing_in for connection in c.connections)
        }
        return connected, ringing

    def _events(
        self,
        old: tuple[dict[str, str | None], dict[str, str | None]],
        new: tuple[dict[str, str | None], dict[str, str | None]],
    ) -> Iterable[tuple[str, dict[str, Any]]]:
        """Compare the conferences of two reads."""
        for conf_id, far_end in new[1].items():
            if conf_id not in old[1]:
                yield "incoming_call", {"conference_id": conf_id, "far_end": far_end}
        for conf_id, far_end in new[0].items():
            if conf_id not in old[0]:
                yield "call_started", {"conference_id": conf_id, "far_end": far_end}
        for conf_id, far_end in old[0].items():
            if conf_id not in new[0]:
                yield "call_ended", {"conference_id": conf_id, "far_end": far_end}


class PolyMicrophoneEvents(PolyEventEntity):
    """The microphones were muted or unmuted (in the room, by the far end, or here)."""

    def _snapshot(self, data: CallData) -> bool | None:
        """Return whether the microphones are muted (None when unknown)."""
        return data.audio.muted

    def _events(self, old: bool | None, new: bool | None) -> Iterable[tuple[str, dict[str, Any]]]:
        """Compare the mute state of two reads (no event from or to unknown)."""
        if new is not None and old is not None and new != old:
            yield ("muted" if new else "unmuted"), {}


class PolyContentEvents(PolyEventEntity):
    """Content sharing started or stopped."""

    def _snapshot(self, data: CallData) -> bool | None:
        """Return whether content is shared (None when unknown)."""
        return data.sharing

    def _events(self, old: bool | None, new: bool | None) -> Iterable[tuple[str, dict[str, Any]]]:
        """Compare the sharing state of two reads (no event from or to unknown)."""
        if new is not None and old is not None and new != old:
            yield ("content_started" if new else "content_stopped"), {}


MAIN = PolyMediaPlayerDescription(key="codec", name=None)
SNAPSHOT = PolyCameraDescription(
    key="snapshot", translation_key="snapshot", entity_registry_enabled_default=False
)
CALENDAR_ENTITY = PolyCalendarDescription(
    key="calendar", translation_key="calendar", capability=MEETINGS
)
CALL_EVENTS = PolyEventDescription(
    key="call", translation_key="call", event_types=["call_started", "call_ended", "incoming_call"]
)
MICROPHONE_EVENTS = PolyEventDescription(
    key="microphone", translation_key="microphone", event_types=["muted", "unmuted"]
)
CONTENT_EVENTS = PolyEventDescription(
    key="content",
    translation_key="content",
    capability=CONTENT,
    event_types=["content_started", "content_stopped"],
)


PLATFORMS = frozenset(
    {
        Platform.MEDIA_PLAYER,
        Platform.SWITCH,
        Platform.BINARY_SENSOR,
        Platform.SENSOR,
        Platform.SELECT,
        Platform.BUTTON,
        Platform.CAMERA,
        Platform.CALENDAR,
        Platform.EVENT,
    }
)
