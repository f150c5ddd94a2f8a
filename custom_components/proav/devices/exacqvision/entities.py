"""Entities of an exacqVision server: the server is a hub, each camera a device linked to it.

Every entity listens to the live-state coordinator (so all go unavailable together when the web
service is unreachable); names, presets and the lists of cameras and triggers come from the
inventory coordinator, whose updates add and remove items without a reload.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
import logging
import re
from typing import Any
from urllib.parse import quote

from aiohttp import web
from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.camera import Camera, CameraEntityDescription, CameraEntityFeature
from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_aiohttp_proxy_stream
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.event import async_track_time_interval

from ...binary_sensor import ProAVBinarySensor, ProAVBinarySensorDescription  # noqa: TID252
from ...button import ProAVButton, ProAVButtonDescription  # noqa: TID252
from ...const import DOMAIN  # noqa: TID252
from ...entity import Item, ProAVEntity, ProAVEntityDescription  # noqa: TID252
from ...select import ProAVSelect, ProAVSelectDescription  # noqa: TID252
from ...sensor import ProAVSensor, ProAVSensorDescription  # noqa: TID252
from ..errors import InvalidAuth, ProAVError  # noqa: TID252
from .coordinator import (
    CAP_EVENTS,
    CAP_PTZ,
    CAP_RECORDING_SEARCH,
    CAP_STATUS,
    CAP_TRIGGERS,
    LiveState,
    StatusCoordinator,
    preset_options,
)
from .media_source import async_frame_link
from .models import (
    ARCHIVE_EVENT_TYPES,
    HEALTH_EVENT_TYPES,
    STORAGE_EVENT_TYPES,
    Camera as ExacqCameraModel,
    SoftTrigger,
)

_LOGGER = logging.getLogger(__name__)

type Status = StatusCoordinator

# The server drops a soft trigger ~3 s after the last "on"; the vendor recommends 1 Hz re-sends.
HOLD_RESEND = timedelta(seconds=1)
CAMERA_EVENT_TYPES = ["motion", "video_loss", "alarm_input"]
SERVER_EVENT_TYPES = ["alarm_input", "soft_trigger"]
HEALTH_OPTIONS = ["ok", "alarm"]


def camera_identifier(serial: str, camera_id: str) -> tuple[str, str]:
    """Return the device registry identifier of a camera."""
    return (DOMAIN, f"{serial}_{camera_id}")


def _online(coordinator: Status, camera_id: str) -> bool | None:
    """Return whether the server gets the camera's video; None when the server did not say.

    ``config.web``'s ``state`` (re-read every minute; real clients rely on it) and a status
    item's ``connected``: offline when either says so, online when one says so.
    """
    camera = coordinator.inventory.data.cameras.get(camera_id)
    said = (
        camera.online if camera is not None else None,
        coordinator.data.status.camera(camera_id).connected,
    )
    if False in said:
        return False
    return True if True in said else None


def _camera(coordinator: Status, key: str) -> ExacqCameraModel | None:
    """Return a camera's model (None once the server no longer lists it)."""
    return coordinator.inventory.data.cameras.get(key)


def _trigger(coordinator: Status, key: str) -> SoftTrigger | None:
    """Return a soft trigger's model (None once the server no longer lists it)."""
    return coordinator.inventory.data.triggers.get(key)


# Description functions receive the item's model (``item_fn``); the shared description types
# name the item ``str``, hence ``Any`` here.
def _recording_source(coordinator: Status, what: str) -> bool:
    """Return whether a source of the recording state (status, else a search) exists/answers."""
    capabilities = coordinator.client.capabilities
    check = capabilities.exists if what == "exists" else capabilities.available
    return check(CAP_STATUS) or check(CAP_RECORDING_SEARCH)


def _recording(coordinator: Status, camera: Any) -> bool | None:
    return coordinator.data.status.camera(camera.id).recording


def _camera_online(coordinator: Status, camera: Any) -> bool | None:
    return _online(coordinator, camera.id)


def _trigger_on(coordinator: Status, trigger: Any) -> bool | None:
    return coordinator.data.status.trigger_on(trigger.id)


def _press(coordinator: Status, trigger: Any) -> Awaitable[None]:
    return _set_trigger(coordinator, trigger.id, True)


def _preset_labels(coordinator: Status, camera: Any) -> list[str]:
    return [label for _, label in preset_options(coordinator.inventory.data, camera.id)]


def _preset_now(coordinator: Status, camera: Any) -> str | None:
    return _current_preset(coordinator, camera.id)


def _preset_choose(coordinator: Status, camera: Any, option: str) -> Awaitable[None]:
    return _recall(coordinator, camera.id, option)


def _health_alarms(coordinator: Status) -> list[str]:
    """Return the names of the active health alarms."""
    return sorted(event.type.name.lower() for event in coordinator.data.alarms(HEALTH_EVENT_TYPES))


def _current_preset(coordinator: Status, camera_id: str) -> str | None:
    """Return the option of the preset last recalled from Home Assistant (no readback exists)."""
    preset_id = coordinator.inventory.last_preset.get(camera_id)
    options = preset_options(coordinator.inventory.data, camera_id)
    return next((label for preset, label in options if preset.id == preset_id), None)


async def _recall(coordinator: Status, camera_id: str, option: str) -> None:
    """Recall a preset; show it at once (only that camera's entities are written)."""

    def update(data: LiveState, preset_id: str) -> LiveState:
        coordinator.inventory.last_preset[camera_id] = preset_id
        coordinator.touch(camera_id)
        return data

    await coordinator.async_apply(
        coordinator.inventory.async_recall_preset(camera_id, option), update
    )


async def _set_trigger(coordinator: Status, trigger_id: str, on: bool) -> None:
    """Set a soft trigger; show the state the server accepted at once."""
    await coordinator.async_apply(
        coordinator.client.set_soft_trigger(trigger_id, on),
        lambda data, _: coordinator.with_trigger(data, trigger_id, on),
    )


class SelectiveUpdate(ProAVEntity[Status]):
    """Write state only when the update concerns this entity's item (or the server)."""

    @callback
    def _handle_coordinator_update(self) -> None:
        """Skip updates about other cameras and triggers."""
        if self.item_key and not self.coordinator.affects(self.item_key):
            return
        super()._handle_coordinator_update()


class ExacqBinarySensor(SelectiveUpdate, ProAVBinarySensor[Status]):
    """A binary sensor of a camera or trigger, written only when its item changed."""


class ExacqButton(SelectiveUpdate, ProAVButton[Status]):
    """A soft trigger button, written only when its trigger changed."""


class ExacqSelect(SelectiveUpdate, ProAVSelect[Status]):
    """A PTZ preset select, written only when its camera changed."""


RECORDING = ProAVBinarySensorDescription[Status](
    key="recording",
    translation_key="recording",
    item_fn=_camera,
    exists_fn=lambda c, _: _recording_source(c, "exists"),
    available_fn=lambda c, _: _recording_source(c, "available"),
    is_on_fn=_recording,
)
ONLINE = ProAVBinarySensorDescription[Status](
    key="camera_online",
    translation_key="camera_online",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
    item_fn=_camera,
    is_on_fn=_camera_online,
)
TRIGGER_ACTIVE = ProAVBinarySensorDescription[Status](
    key="soft_trigger_active",
    translation_key="soft_trigger_active",
    capability=CAP_STATUS,
    item_fn=_trigger,
    is_on_fn=_trigger_on,
)
STORAGE_ALARM = ProAVBinarySensorDescription[Status](
    key="storage_alarm",
    translation_key="storage_alarm",
    device_class=BinarySensorDeviceClass.PROBLEM,
    capability=CAP_EVENTS,
    is_on_fn=lambda c, _: bool(c.data.alarms(STORAGE_EVENT_TYPES)),
)
ARCHIVE_ALARM = ProAVBinarySensorDescription[Status](
    key="archive_alarm",
    translation_key="archive_alarm",
    device_class=BinarySensorDeviceClass.PROBLEM,
    capability=CAP_EVENTS,
    is_on_fn=lambda c, _: bool(c.data.alarms(ARCHIVE_EVENT_TYPES)),
)
LICENSE_EXPIRED = ProAVBinarySensorDescription[Status](
    key="license_expired",
    translation_key="license_expired",
    device_class=BinarySensorDeviceClass.PROBLEM,
    entity_category=EntityCategory.DIAGNOSTIC,
    exists_fn=lambda c, _: c.inventory.data.server.license_expired is not None,
    is_on_fn=lambda c, _: c.inventory.data.server.license_expired,
)
SOFT_TRIGGER = ProAVButtonDescription[Status](
    key="soft_trigger",
    translation_key="soft_trigger",
    capability=CAP_TRIGGERS,
    item_fn=_trigger,
    press_fn=_press,
)
PTZ_PRESET = ProAVSelectDescription[Status](
    key="ptz_preset",
    translation_key="ptz_preset",
    capability=CAP_PTZ,
    item_fn=_camera,
    options_fn=_preset_labels,
    current_fn=_preset_now,
    select_fn=_preset_choose,
)
HEALTH = ProAVSensorDescription[Status](
    key="server_health",
    translation_key="server_health",
    device_class=SensorDeviceClass.ENUM,
    options=HEALTH_OPTIONS,
    capability=CAP_EVENTS,
    value_fn=lambda c, _: "alarm" if _health_alarms(c) else "ok",
    attributes_fn=lambda c, _: {"alarms": _health_alarms(c)},
)
DAYS_RECORDED = ProAVSensorDescription[Status](
    key="days_recorded",
    translation_key="days_recorded",
    native_unit_of_measurement=UnitOfTime.DAYS,
    device_class=SensorDeviceClass.DURATION,
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
    value_fn=lambda c, _: c.inventory.data.server.days_recorded_video,
)
LICENSE_EXPIRES = ProAVSensorDescription[Status](
    key="license_expires",
    translation_key="license_expires",
    device_class=SensorDeviceClass.TIMESTAMP,
    entity_category=EntityCategory.DIAGNOSTIC,
    exists_fn=lambda c, _: c.inventory.data.server.license_expires is not None,
    value_fn=lambda c, _: c.inventory.data.server.license_expires,
)
CAMERAS_OFFLINE = ProAVSensorDescription[Status](
    key="cameras_offline",
    translation_key="cameras_offline",
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
    value_fn=lambda c, _: sum(_online(c, cam) is False for cam in c.inventory.data.cameras),
)


@dataclass(frozen=True, kw_only=True)
class ExacqCameraDescription(CameraEntityDescription, ProAVEntityDescription[Status]):
    """The camera entity of an exacqVision camera (named after its device)."""


@dataclass(frozen=True, kw_only=True)
class HoldSwitchDescription(SwitchEntityDescription, ProAVEntityDescription[Status]):
    """A switch that keeps a soft trigger on."""


@dataclass(frozen=True, kw_only=True)
class ExacqEventDescription(EventEntityDescription, ProAVEntityDescription[Status]):
    """An event entity fed by the server's event monitoring."""

    matches_fn: Callable[[Status, str, str, str], bool]


CAMERA = ExacqCameraDescription(key="camera", name=None)
HOLD = HoldSwitchDescription(
    key="soft_trigger_hold", translation_key="soft_trigger_hold", capability=CAP_TRIGGERS
)


def _camera_event_matches(c: Status, camera: str, kind: str, source: str) -> bool:
    """Return whether an occurrence belongs to a camera."""
    return source == camera and kind in CAMERA_EVENT_TYPES


def _server_event_matches(c: Status, _: str, kind: str, source: str) -> bool:
    """Return whether an occurrence belongs to the server (not to one of its cameras)."""
    return kind in SERVER_EVENT_TYPES and source not in c.inventory.data.cameras


CAMERA_EVENT = ExacqEventDescription(
    key="event",
    translation_key="camera_event",
    event_types=CAMERA_EVENT_TYPES,
    capability=CAP_EVENTS,
    matches_fn=_camera_event_matches,
)
SERVER_EVENT = ExacqEventDescription(
    key="event",
    translation_key="server_event",
    event_types=SERVER_EVENT_TYPES,
    capability=CAP_EVENTS,
    matches_fn=_server_event_matches,
)


# An RTSP address template: any user and password only as placeholders (no secret stored in it).
RTSP_TEMPLATE = re.compile(r"^rtsps?://(\{username\}(:\{password\})?@)?[^\s@]+$")


def rtsp_template(data: Mapping[str, Any]) -> str | None:
    """Return the entry's RTSP address template where it is a valid one."""
    template = data.get("rtsp_url")
    return template if isinstance(template, str) and RTSP_TEMPLATE.match(template) else None


def rtsp_source(template: str, data: Mapping[str, Any], camera_id: str) -> str | None:
    """Return a camera's RTSP address from the user's template (None: the template is wrong).

    Placeholders: ``{host}``, ``{camera}``, ``{username}``, ``{password}`` (the last two
    URL-quoted). The address is handed to Home Assistant's stream, never logged here.
    """
    try:
        return template.format_map(
            {
                "host": data.get("host", ""),
                "camera": camera_id,
                "username": quote(str(data.get("username", "")), safe=""),
                "password": quote(str(data.get("password", "")), safe=""),
            }
        )
    except (KeyError, IndexError, ValueError):
        return None


class ExacqCamera(SelectiveUpdate, Camera):
    """An exacqVision camera: JPEG snapshots at the asked size, MJPEG where offered.

    With an RTSP address template in the entry (opt-in), Home Assistant can stream it
    (``CameraEntityFeature.STREAM``, WebRTC through go2rtc); the MJPEG / snapshot path stays.
    """

    _attr_brand = "Exacq Technologies"

    def __init__(self, coordinator: Status, device_info: DeviceInfo, item: Item) -> None:
        """Set up the entity and the camera machinery."""
        super().__init__(coordinator, CAMERA, device_info, item)
        Camera.__init__(self)
        self._rtsp = rtsp_template(coordinator.config_entry.data)
        if self._rtsp:
            self._attr_supported_features = CameraEntityFeature.STREAM

    async def stream_source(self) -> str | None:
        """Return the camera's RTSP address where the user gave a template."""
        if not self._rtsp:
            return None
        return rtsp_source(self._rtsp, self.coordinator.config_entry.data, self.item_key)

    @property
    def available(self) -> bool:
        """Return whether the server answers and the camera is enabled and connected."""
        camera = self.coordinator.inventory.data.cameras.get(self.item_key)
        return (
            super().available
            and self.coordinator.inventory.last_update_success
            and camera is not None
            and camera.disabled is not True
            and _online(self.coordinator, self.item_key) is not False
        )

    @property
    def is_recording(self) -> bool:
        """Return whether the server said it records this camera."""
        return self.coordinator.data.status.camera(self.item_key).recording is True

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return a JPEG frame at the size the frontend asks for."""
        camera = self.coordinator.inventory.data.cameras.get(self.item_key)
        if camera is None:
            return None
        try:
            return await self.coordinator.client.snapshot(camera, width, height)
        except InvalidAuth:
            self.coordinator.config_entry.async_start_reauth(self.hass)
        except ProAVError as err:
            _LOGGER.debug("No snapshot of camera %s: %s", self.item_key, type(err).__name__)
        return None

    async def handle_async_mjpeg_stream(self, request: web.Request) -> web.StreamResponse | None:
        """Proxy the server's MJPEG stream; without one, stream snapshots."""
        try:
            response = await self.coordinator.client.open_mjpeg(self.item_key)
        except ProAVError as err:
            _LOGGER.debug("No MJPEG stream of camera %s: %s", self.item_key, type(err).__name__)
            response = None
        if response is None:
            return await super().handle_async_mjpeg_stream(request)
        try:
            return await async_aiohttp_proxy_stream(
                self.hass, request, response.content, response.headers.get("Content-Type")
            )
        finally:
            response.release()


class SoftTriggerHoldSwitch(SelectiveUpdate, SwitchEntity):
    """Hold a soft trigger on: re-send "on" every second until turned off or unloaded."""

    _attr_assumed_state = True
    entity_description: HoldSwitchDescription

    def __init__(self, coordinator: Status, device_info: DeviceInfo, item: Item) -> None:
        """Start released."""
        super().__init__(coordinator, HOLD, device_info, item)
        self._cancel_resend: Callable[[], None] | None = None
        self._resending = False

    @property
    def is_on(self) -> bool:
        """Return whether Home Assistant holds the trigger."""
        return self._cancel_resend is not None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Set the trigger on and keep re-sending it."""
        await self.async_command(_set_trigger(self.coordinator, self.item_key, True))
        if self._cancel_resend is None:
            self._cancel_resend = async_track_time_interval(
                self.hass, self._async_resend, HOLD_RESEND, name="exacqvision soft trigger hold"
            )
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop re-sending and release the trigger."""
        self._stop_resend()
        self.async_write_ha_state()
        await self.async_command(_set_trigger(self.coordinator, self.item_key, False))

    async def _async_resend(self, _now: datetime) -> None:
        """Re-send "on" before the server's auto-release (one at a time)."""
        if self._resending:
            return
        self._resending = True
        try:
            await self.coordinator.client.set_soft_trigger(self.item_key, True)
        except ProAVError as err:
            _LOGGER.warning(
                "Could not hold soft trigger %s on: %s", self.item_key, type(err).__name__
            )
        finally:
            self._resending = False

    @callback
    def _stop_resend(self) -> None:
        """Cancel the re-send timer."""
        if self._cancel_resend is not None:
            self._cancel_resend()
            self._cancel_resend = None

    async def async_will_remove_from_hass(self) -> None:
        """Release a held trigger when the entity goes (unload, removal)."""
        await super().async_will_remove_from_hass()
        if self._cancel_resend is None:
            return
        self._stop_resend()
        try:
            await self.coordinator.client.set_soft_trigger(self.item_key, False)
        except ProAVError as err:
            _LOGGER.debug(
                "Could not release soft trigger %s: %s", self.item_key, type(err).__name__
            )


class ExacqEventEntity(SelectiveUpdate, EventEntity):
    """Motion, video loss and alarm input occurrences of a camera (or of the server).

    A camera's event shows the recorded frame of its moment as the entity's picture (and as the
    ``picture`` attribute, a link for notifications).
    """

    entity_description: ExacqEventDescription

    @callback
    def _show_moment(self, at: str, attributes: dict[str, Any]) -> None:
        """Point the picture at the camera's recorded frame of an event's time."""
        if not self.item_key or self.item_key not in self.coordinator.inventory.data.cameras:
            return
        assert self.coordinator.config_entry is not None
        link = async_frame_link(
            self.hass, self.coordinator.config_entry.entry_id, self.item_key, at
        )
        if link is not None:
            self._attr_entity_picture = attributes["picture"] = link

    @callback
    def _handle_coordinator_update(self) -> None:
        """Fire the occurrences that belong to this entity."""
        if self.item_key and not self.coordinator.affects(self.item_key):
            return
        for event in self.coordinator.data.events:
            if self.entity_description.matches_fn(
                self.coordinator, self.item_key, event.kind, event.source_id
            ):
                attributes = {"source": event.source_id, "message": event.message}
                if event.time:  # for proav.exacqvision_export_frame: the picture of that moment
                    attributes["time"] = event.time
                    self._show_moment(event.time, attributes)
                self._trigger_event(event.kind, attributes)
        super()._handle_coordinator_update()


def _extra[D: ProAVEntityDescription[Any]](description: D, large: bool) -> D:
    """Return a per-camera extra's description: disabled by default on a large server."""
    return replace(description, entity_registry_enabled_default=False) if large else description


def camera_entities(
    platform: str, coordinator: Status, device_info: DeviceInfo, item: Item, *, large: bool = False
) -> Iterable[Entity]:
    """Return one camera's entities of a platform (extras disabled by default when ``large``)."""
    if platform == "camera":
        return [ExacqCamera(coordinator, device_info, item)]
    if platform == "binary_sensor":
        return [
            ExacqBinarySensor(coordinator, _extra(RECORDING, large), device_info, item),
            ExacqBinarySensor(coordinator, _extra(ONLINE, large), device_info, item),
        ]
    if platform == "event":
        return [ExacqEventEntity(coordinator, _extra(CAMERA_EVENT, large), device_info, item)]
    if platform == "select":
        return [ExacqSelect(coordinator, PTZ_PRESET, device_info, item)]
    return []


def trigger_entities(
    platform: str, coordinator: Status, device_info: DeviceInfo, item: Item
) -> Iterable[Entity]:
    """Return one soft trigger's entities of a platform (on the server's device)."""
    if platform == "button":
        return [ExacqButton(coordinator, SOFT_TRIGGER, device_info, item)]
    if platform == "switch":
        return [SoftTriggerHoldSwitch(coordinator, device_info, item)]
    if platform == "binary_sensor":
        return [ExacqBinarySensor(coordinator, TRIGGER_ACTIVE, device_info, item)]
    return []


def server_entities(
    platform: str, coordinator: Status, device_info: DeviceInfo
) -> Iterable[Entity]:
    """Return the server's own entities of a platform."""
    if platform == "sensor":
        return [
            ProAVSensor(coordinator, description, device_info)
            for description in (HEALTH, DAYS_RECORDED, CAMERAS_OFFLINE, LICENSE_EXPIRES)
        ]
    if platform == "binary_sensor":
        return [
            ProAVBinarySensor(coordinator, description, device_info)
            for description in (STORAGE_ALARM, ARCHIVE_ALARM, LICENSE_EXPIRED)
        ]
    if platform == "event":
        return [ExacqEventEntity(coordinator, SERVER_EVENT, device_info)]
    return []
