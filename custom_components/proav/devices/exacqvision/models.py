"""Typed models of the exacqVision Web Service API v1 (no Home Assistant imports).

The vendor document collapses every nested object, so item shapes follow the project's reference
(docs/devices/exacqvision.md, §4 proposals). Every parser tolerates missing keys, unknown keys,
other capitalisations and unknown enum values; ids are opaque strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum
import re
from typing import Any

JPEG_FORMATS = (6, 0)  # transcoded JPEG first: it honours the requested size


class ActiveEventType(IntEnum):
    """Types of active events (List Active Events ``filter``); differs from EM source types."""

    UNKNOWN = 0
    VIDEO_MOTION = 1
    VIDEO_LOSS = 2
    INPUT_TRIGGER = 3
    SERIAL_KEYWORD = 4
    SERIAL_RULE = 5
    BUTTON_INPUT = 6
    DEVICE_FAILURE = 7
    DEVICE_TEMPERATURE = 8
    DEVICE_FAN = 9
    DEVICE_PSU = 10
    STORAGE = 11
    LICENSE_EXPIRED = 12
    VIDEO_THROTTLING = 13
    SYSTEM_VOLTAGE = 14
    SYSTEM_TEMPERATURE = 15
    SYSTEM_FAN = 16
    ARCHIVE_CONNECTION = 17
    ARCHIVE_TASK = 18
    STORED_CONTENT_OLD = 19
    ARCHIVED_CONTENT_OLD = 20
    DEVICE_DISCONNECTED = 21
    SOFT_TRIGGER = 22
    TIME_TRIGGER = 23
    ANALYTIC_RULE = 24
    OUTBOUND_CONNECTION = 25
    SECURITY_CONNECTION = 26
    SECURITY_ALERT = 27
    SECURITY_ALARM = 28
    SERIAL_PORT = 29

    @classmethod
    def parse(cls, value: Any) -> ActiveEventType:
        """Return the type, or UNKNOWN for values this client does not know."""
        try:
            return cls(int(value))
        except (TypeError, ValueError):
            return cls.UNKNOWN


# Active event types that describe the health of the server (not a camera's video or an input).
HEALTH_EVENT_TYPES = frozenset(
    {
        ActiveEventType.DEVICE_FAILURE,
        ActiveEventType.DEVICE_TEMPERATURE,
        ActiveEventType.DEVICE_FAN,
        ActiveEventType.DEVICE_PSU,
        ActiveEventType.STORAGE,
        ActiveEventType.LICENSE_EXPIRED,
        ActiveEventType.VIDEO_THROTTLING,
        ActiveEventType.SYSTEM_VOLTAGE,
        ActiveEventType.SYSTEM_TEMPERATURE,
        ActiveEventType.SYSTEM_FAN,
        ActiveEventType.ARCHIVE_CONNECTION,
        ActiveEventType.ARCHIVE_TASK,
        ActiveEventType.STORED_CONTENT_OLD,
        ActiveEventType.ARCHIVED_CONTENT_OLD,
        ActiveEventType.OUTBOUND_CONNECTION,
        ActiveEventType.SECURITY_CONNECTION,
        ActiveEventType.SERIAL_PORT,
    }
)
STORAGE_EVENT_TYPES = frozenset(
    {
        ActiveEventType.STORAGE,
        ActiveEventType.STORED_CONTENT_OLD,
        ActiveEventType.ARCHIVED_CONTENT_OLD,
        ActiveEventType.ARCHIVE_CONNECTION,
        ActiveEventType.ARCHIVE_TASK,
    }
)
ARCHIVE_EVENT_TYPES = frozenset(
    {
        ActiveEventType.ARCHIVED_CONTENT_OLD,
        ActiveEventType.ARCHIVE_CONNECTION,
        ActiveEventType.ARCHIVE_TASK,
    }
)


class EventSourceType(IntEnum):
    """Event monitoring source types (``eventSourceType``)."""

    UNKNOWN = 0
    SOFT_TRIGGER = 1
    TIME_TRIGGER = 2
    INPUT_TRIGGER = 3
    VIDEO_LOSS = 4
    VIDEO_MOTION = 5
    DEVICE_DISCONNECTED = 6
    SERIAL_PORT = 7
    SERIAL_PROFILE = 8
    HEALTH_EVENT = 9
    BUTTON = 10
    ANALYTICS = 11
    GROUP = 12
    VIDEO_DISCONNECTED = 13
    AUDIO_DISCONNECTED = 14
    OUTBOUND_CONNECTION = 15
    DEFAULT = 16
    ACCESS_CONTROL_EVENT = 17
    ACCESS_CONTROL_DISCONNECTED = 18
    SERIAL_PORT_DISCONNECTED = 19
    RECORD_IDLE = 20

    @classmethod
    def parse(cls, value: Any) -> EventSourceType:
        """Return the type, or UNKNOWN for values this client does not know."""
        try:
            return cls(int(value))
        except (TypeError, ValueError):
            return cls.UNKNOWN


def _get(raw: Mapping[str, Any], *keys: str, default: Any = None) -> Any:
    """Return the first present key (the API's capitalisation varies between endpoints)."""
    for key in keys:
        if key in raw:
            return raw[key]
    return default


def _str(value: Any) -> str:
    """Return an id or name as a string ("" for None)."""
    return "" if value is None else str(value)


def _int(value: Any, default: int | None = None) -> int | None:
    """Return an integer, or the default for values that are not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _bool(value: Any) -> bool | None:
    """Return a boolean from JSON booleans, numbers or strings; None when unknown."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "1", "on", "yes"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "0", "off", "no"):
        return False
    return None


def _list(value: Any) -> list[Mapping[str, Any]]:
    """Return the objects of a JSON array, skipping anything that is not an object."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _license_date(raw: Any) -> datetime | None:
    """Return the licence's expiry (``licenseInfo.expirationDate``) as an aware time, if any."""
    if not isinstance(raw, Mapping):
        return None
    return _time(_get(raw, "expirationDate", "expiration", "expires"))


def normalize_serial(serial: str) -> str:
    """Return a serial as upper-case hex without separators ("18-62-..." -> "186266...")."""
    return re.sub(r"[^0-9A-Za-z]", "", serial).upper()


@dataclass(frozen=True, kw_only=True)
class Server:
    """An exacqVision server behind the web service (List Servers item, Login response)."""

    id: str
    name: str
    serial: str
    address: str = ""
    port: int | None = None
    version: str = ""
    model: str = ""
    days_recorded_video: int | None = None
    license_expires: datetime | None = None
    license_expired: bool | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Server:
        """Parse one server object."""
        return cls(
            id=_str(_get(raw, "id", "Id")),
            name=_str(_get(raw, "name", "Name")),
            serial=_str(_get(raw, "serial", "serialNumber")),
            address=_str(raw.get("address")),
            port=_int(raw.get("port")),
            version=_str(raw.get("version")),
            model=_str(raw.get("model")),
            days_recorded_video=_int(raw.get("daysRecordedVideo")),
            license_expires=_license_date(raw.get("licenseInfo")),
            license_expired=_bool(_get(raw.get("licenseInfo") or {}, "expired", "isExpired"))
            if isinstance(raw.get("licenseInfo"), Mapping)
            else None,
        )

    @property
    def unique_id(self) -> str:
        """Return the normalized serial that identifies this server."""
        return normalize_serial(self.serial)


@dataclass(frozen=True, kw_only=True)
class ServerList:
    """List Servers: the servers behind one web service, and whether CSRF protection is on."""

    servers: list[Server]
    csrf: bool | None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ServerList:
        """Parse a List Servers response."""
        return cls(
            servers=[Server.from_dict(item) for item in _list(raw.get("list"))],
            csrf=_bool(_get(raw, "CSRF", "csrf")),
        )


@dataclass(frozen=True, kw_only=True)
class Permissions:
    """What the user may do (the login's ``user_permissions``); None where it did not say."""

    ptz: bool | None = None
    live: bool | None = None
    event_monitor: bool | None = None
    export_video: bool | None = None

    @classmethod
    def from_dict(cls, raw: Any) -> Permissions:
        """Parse ``user_permissions`` (anything else: nothing known)."""
        if not isinstance(raw, Mapping):
            return cls()
        return cls(
            ptz=_bool(raw.get("ptz")),
            live=_bool(raw.get("live")),
            event_monitor=_bool(_get(raw, "event_monitor", "eventMonitor")),
            export_video=_bool(_get(raw, "export_video", "exportVideo")),
        )


@dataclass(frozen=True, kw_only=True)
class LoginResult:
    """A server login: the session id, the server and the user's permissions."""

    session_id: str
    server: Server
    permissions: Permissions = field(default_factory=Permissions)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> LoginResult:
        """Parse a Login response (``sessionID`` as documented, ``sessionId`` as seen in use)."""
        return cls(
            session_id=_str(_get(raw, "sessionId", "sessionID", "session_id")),
            server=Server.from_dict(raw),
            permissions=Permissions.from_dict(raw.get("user_permissions")),
        )


@dataclass(frozen=True, kw_only=True)
class SystemInfo:
    """Get System Info: the server's hardware and operating system."""

    system_name: str = ""
    model_number: str = ""
    serial_number: str = ""
    os: str = ""
    processor: str = ""
    total_memory: int | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> SystemInfo:
        """Parse a Get System Info response."""
        return cls(
            system_name=_str(raw.get("systemName")),
            model_number=_str(raw.get("modelNumber")),
            serial_number=_str(raw.get("serialNumber")),
            os=_str(raw.get("os")),
            processor=_str(raw.get("processor")),
            total_memory=_int(raw.get("totalMemory")),
        )


@dataclass(frozen=True, kw_only=True)
class Camera:
    """A camera of a server (List Cameras item)."""

    id: str
    name: str
    formats: tuple[int, ...] = ()
    state: int | None = None
    disabled: bool | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Camera:
        """Parse one camera object."""
        formats = _get(raw, "formats", "Formats", default=[])
        return cls(
            id=_str(_get(raw, "id", "Id")),
            name=_str(_get(raw, "name", "Name")) or _str(_get(raw, "id", "Id")),
            formats=tuple(value for value in (_int(f) for f in formats or ()) if value is not None)
            if isinstance(formats, list)
            else (),
            state=_int(raw.get("state")),
            disabled=_bool(raw.get("disabled")),
        )

    @property
    def online(self) -> bool | None:
        """Return whether the server gets video from the camera (``state`` 0); None: unknown.

        A real 23.09 client reads ``state`` other than 0 as video loss / offline.
        """
        return None if self.state is None else self.state == 0

    @property
    def jpeg_format(self) -> int | None:
        """Return the JPEG format to ask snapshots in (None: the camera offers no JPEG)."""
        if not self.formats:
            return 6  # the server did not say: transcoded JPEG is what every camera serves
        return next((fmt for fmt in JPEG_FORMATS if fmt in self.formats), None)


@dataclass(frozen=True, kw_only=True)
class PtzPreset:
    """A mechanical PTZ preset of a camera."""

    id: str
    name: str

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PtzPreset:
        """Parse one preset object."""
        preset_id = _str(_get(raw, "id", "Id"))
        return cls(id=preset_id, name=_str(_get(raw, "name", "Name")) or f"Preset {preset_id}")


@dataclass(frozen=True, kw_only=True)
class SoftTrigger:
    """A soft trigger (a virtual input the server holds "on" for about 3 s)."""

    id: str
    name: str
    on: bool | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> SoftTrigger:
        """Parse one soft trigger object."""
        trigger_id = _str(_get(raw, "id", "Id", "tid"))
        return cls(
            id=trigger_id,
            name=_str(_get(raw, "name", "Name")) or f"Trigger {trigger_id}",
            on=_bool(_get(raw, "state", "State")),
        )


@dataclass(frozen=True, kw_only=True)
class CameraStatus:
    """A camera's live status; None where the server did not say."""

    id: str
    motion: bool | None = None
    loss: bool | None = None
    recording: bool | None = None
    connected: bool | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> CameraStatus:
        """Parse one camera status item."""
        return cls(
            id=_str(_get(raw, "id", "Id")),
            motion=_bool(raw.get("motion")),
            loss=_bool(raw.get("loss")),
            recording=_bool(raw.get("recording")),
            connected=_bool(raw.get("connected")),
        )

    def merged(self, newer: CameraStatus) -> CameraStatus:
        """Return this status with every field the newer answer stated."""
        return CameraStatus(
            id=self.id,
            motion=self.motion if newer.motion is None else newer.motion,
            loss=self.loss if newer.loss is None else newer.loss,
            recording=self.recording if newer.recording is None else newer.recording,
            connected=self.connected if newer.connected is None else newer.connected,
        )


UNKNOWN_CAMERA_STATUS = CameraStatus(id="")


@dataclass(frozen=True, kw_only=True)
class ServerStatus:
    """Get Status: the cameras and soft triggers the server reported on.

    Only what the server said is known: a camera it did not report on has every field None
    (never "recording" or "connected" by default).
    """

    cameras: dict[str, CameraStatus] = field(default_factory=dict)
    triggers: dict[str, bool | None] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], server_id: str) -> ServerStatus:
        """Parse an Items Response (``camera``/``trigger`` lists), or a Servers Response."""
        camera_items = _list(raw.get("camera"))
        trigger_items = _list(raw.get("trigger"))
        for server in _list(raw.get("servers")):
            if _str(server.get("id")) not in (server_id, ""):
                continue
            raw_items = server.get("items")
            if isinstance(raw_items, Mapping):
                camera_items += _list(raw_items.get("camera"))
                trigger_items += _list(raw_items.get("trigger"))
            else:
                cams, trigs = _split_items(_list(raw_items))
                camera_items += cams
                trigger_items += trigs
        cameras = {
            status.id: status
            for status in (CameraStatus.from_dict(item) for item in camera_items)
            if status.id
        }
        triggers = {
            _str(_get(item, "id", "Id")): _bool(_get(item, "state", "on"))
            for item in trigger_items
            if _str(_get(item, "id", "Id"))
        }
        return cls(cameras=cameras, triggers=triggers)

    def merged(self, newer: ServerStatus) -> ServerStatus:
        """Return this status with the newer answer's items merged in, field by field."""
        cameras = dict(self.cameras)
        for key, status in newer.cameras.items():
            cameras[key] = cameras[key].merged(status) if key in cameras else status
        triggers = dict(self.triggers)
        triggers.update((k, v) for k, v in newer.triggers.items() if v is not None)
        return ServerStatus(cameras=cameras, triggers=triggers)

    def camera(self, camera_id: str) -> CameraStatus:
        """Return a camera's status (every field None when the server did not report it)."""
        return self.cameras.get(camera_id, UNKNOWN_CAMERA_STATUS)

    def trigger_on(self, trigger_id: str) -> bool | None:
        """Return whether a soft trigger is on (None: the server did not say)."""
        return self.triggers.get(trigger_id)


def _is_trigger(item: Mapping[str, Any]) -> bool:
    """Return whether a status item is a soft trigger (by ``type``, else by its keys)."""
    if "type" in item:
        return _str(item["type"]).lower() == "trigger"
    return "state" in item and "motion" not in item


def _split_items(
    items: list[Mapping[str, Any]],
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """Split the flat item list of a Servers Response into camera and trigger items."""
    return (
        [item for item in items if not _is_trigger(item)],
        [item for item in items if _is_trigger(item)],
    )


@dataclass(frozen=True, kw_only=True)
class ActiveEvent:
    """A currently active event (List Active Events item)."""

    type: ActiveEventType
    raw_type: int | None
    source_id: str = ""
    source_name: str = ""
    start: str = ""

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ActiveEvent:
        """Parse one active event."""
        return cls(
            type=ActiveEventType.parse(raw.get("type")),
            raw_type=_int(raw.get("type")),
            source_id=_str(_get(raw, "sourceId", "source", "id")),
            source_name=_str(raw.get("sourceName")),
            start=_str(raw.get("start")),
        )


def parse_active_events(raw: Mapping[str, Any]) -> tuple[ActiveEvent, ...]:
    """Parse a List Active Events response."""
    return tuple(ActiveEvent.from_dict(item) for item in _list(raw.get("events")))


@dataclass(frozen=True, kw_only=True)
class TriggeredEvent:
    """An occurrence of an event monitoring link (List Triggered Event Links item)."""

    guid: str
    time: str
    source_type: EventSourceType
    source_id: str = ""
    message: str = ""

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> TriggeredEvent:
        """Parse one triggered link."""
        return cls(
            guid=_str(raw.get("guid")),
            time=_str(raw.get("time")),
            source_type=EventSourceType.parse(raw.get("eventSourceType")),
            source_id=_str(raw.get("eventSourceId")),
            message=_str(raw.get("eventMessage")),
        )

    @property
    def key(self) -> tuple[str, str, str]:
        """Return what identifies one occurrence (a link of "any source" fires per source)."""
        return (self.guid, self.time, self.source_id)


def parse_triggered(raw: Mapping[str, Any]) -> tuple[TriggeredEvent, ...]:
    """Parse a List Triggered Event Links response."""
    return tuple(TriggeredEvent.from_dict(item) for item in _list(raw.get("triggeredEvents")))


def parse_profile_names(raw: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Parse a List Event Monitoring Profiles response: name -> its links' source types.

    Links may be listed as objects (with ``eventSourceType``) or as bare GUIDs (no type known).
    """
    profiles: dict[str, frozenset[str]] = {}
    for item in _list(raw.get("profiles")):
        links = item.get("links")
        kinds = {
            _str(link.get("eventSourceType"))
            for link in (links if isinstance(links, list) else [])
            if isinstance(link, Mapping) and link.get("eventSourceType") is not None
        }
        profiles[_str(_get(item, "name", "Name"))] = frozenset(kinds)
    return profiles


def parse_cameras(raw: Mapping[str, Any]) -> list[Camera]:
    """Parse a List Cameras response (key ``Cameras``), skipping items without an id."""
    cameras = [Camera.from_dict(item) for item in _list(_get(raw, "Cameras", "cameras"))]
    return [camera for camera in cameras if camera.id]


def parse_presets(raw: Mapping[str, Any]) -> list[PtzPreset]:
    """Parse a List Mechanical PTZ Presets response (key ``Presets``)."""
    presets = [PtzPreset.from_dict(item) for item in _list(_get(raw, "Presets", "presets"))]
    return [preset for preset in presets if preset.id]


def parse_triggers(raw: Mapping[str, Any]) -> list[SoftTrigger]:
    """Parse a List Soft Triggers response (key ``Triggers``)."""
    triggers = [SoftTrigger.from_dict(item) for item in _list(_get(raw, "Triggers", "triggers"))]
    return [trigger for trigger in triggers if trigger.id]


@dataclass(frozen=True, kw_only=True)
class Clip:
    """A stretch of recorded video (a search's ``videoInfo[].clips[]`` item)."""

    start: datetime
    end: datetime


def _time(value: Any) -> datetime | None:
    """Return an RFC 3339 time (``Z`` or an offset) as an aware datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_clips(raw: Mapping[str, Any]) -> list[Clip]:
    """Parse the clips of a search (every camera's ``clips``), oldest first."""
    clips = []
    for info in _list(_get(raw, "videoInfo", "video_info")):
        for item in _list(info.get("clips")):
            start, end = _time(item.get("startTime")), _time(item.get("endTime"))
            if start is not None and end is not None and end > start:
                clips.append(Clip(start=start, end=end))
    return sorted(clips, key=lambda clip: clip.start)


def parse_recording(raw: Mapping[str, Any], window_start: datetime) -> dict[str, bool]:
    """Return, per camera a search answered for, whether it has video since ``window_start``."""
    recording: dict[str, bool] = {}
    for info in _list(_get(raw, "videoInfo", "video_info")):
        camera = _str(_get(info, "camera", "id", "cameraId"))
        if not camera:
            continue
        ends = [_time(item.get("endTime")) for item in _list(info.get("clips"))]
        recording[camera] = any(end is not None and end > window_start for end in ends)
    return recording


def unique_names(names: Mapping[str, str]) -> dict[str, str]:
    """Return the names as the server gives them, numbered where several are the same.

    "Entrance", "Entrance" becomes "Entrance", "Entrance 2" (in the order of the ids), so every
    camera of a server has a name of its own for dashboards and voice.
    """
    seen: dict[str, int] = {}
    result: dict[str, str] = {}
    for key in sorted(names, key=lambda key: (len(key), key)):
        name = names[key].strip() or key
        seen[name.casefold()] = count = seen.get(name.casefold(), 0) + 1
        result[key] = name if count == 1 else f"{name} {count}"
    return result
