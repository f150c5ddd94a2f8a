"""Typed models of the Poly VideoOS REST API (no Home Assistant imports).

Every ``from_json`` tolerates missing and unknown fields and unknown enum values: the 4.0.0
reference guide shows several examples that are not even valid JSON, so the parsers read what is
there. Facts the codec did not send are None (unknown), never a default that claims a fact;
``merged`` keeps the last known value of a field a partial answer left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

CONTENT_IDLE = "CONTENT_IDLE"


class DialType(StrEnum):
    """Call types a dial request accepts (documented list)."""

    AUTO = "AUTO"
    VIDEO = "VIDEO"
    VOICE = "VOICE"
    SIP = "SIP"
    H323 = "H323"
    H320 = "H320"
    GATEWAY = "GATEWAY"
    POTS = "POTS"
    ISDN_VOICE = "ISDN_VOICE"
    SIP_SPEAKERPHONE = "SIP_SPEAKERPHONE"
    POTS_SPEAKERPHONE = "POTS_SPEAKERPHONE"
    VOICE_H323 = "VOICE_H323"
    VOICE_SIP = "VOICE_SIP"
    VOICE_GATEWAY = "VOICE_GATEWAY"
    LOOPBACK = "LOOPBACK"


class CameraDirection(StrEnum):
    """Directions of a continuous camera move (``moveStart``)."""

    LEFT = "MOVE_LEFT"
    RIGHT = "MOVE_RIGHT"
    UP = "MOVE_UP"
    DOWN = "MOVE_DOWN"
    ZOOM_IN = "MOVE_ZOOMIN"
    ZOOM_OUT = "MOVE_ZOOMOUT"
    FOCUS_NEAR = "MOVE_FOCUSNEAR"
    FOCUS_FAR = "MOVE_FOCUSFAR"


class Snapshot(StrEnum):
    """The stored snapshots the device serves."""

    NEAR = "near_image_1.jpg"
    FAR = "far_image_1.jpg"
    CONTENT = "content_image_1.jpg"


def _obj(value: Any) -> dict[str, Any]:
    """Return value if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """Return value as a list: a lone object becomes a one-element list."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    return []


def _opt_bool(data: dict[str, Any], key: str) -> bool | None:
    """Read a boolean field (true/false, "true"/"false", 1/0); None when absent or odd."""
    value = data.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _opt_int(data: dict[str, Any], key: str) -> int | None:
    """Read an integer field (numeric strings too); None when absent or odd."""
    value = data.get(key)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return None
    return None


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    """Read a string field (stripped); None when absent or empty."""
    value = data.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _str(data: dict[str, Any], key: str, default: str = "") -> str:
    """Read a string field (stripped: the device pads some addresses with spaces)."""
    value = data.get(key)
    return value.strip() if isinstance(value, str) else default


def _int(data: dict[str, Any], key: str, default: int = 0) -> int:
    """Read an integer field, accepting numeric strings."""
    value = _opt_int(data, key)
    return default if value is None else value


def _float(data: dict[str, Any], key: str) -> float | None:
    """Read a number field, or None."""
    value = data.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _bool(data: dict[str, Any], key: str, default: bool = False) -> bool:
    """Read a boolean field, accepting "true"/"false" strings."""
    value = data.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return default


def _get_ci(data: dict[str, Any], key: str) -> Any:
    """Read a key case-insensitively (the device writes ``Status`` or ``status``)."""
    lowered = key.lower()
    return next((value for name, value in data.items() if name.lower() == lowered), None)


def _epoch(value: int, *, millis: bool) -> datetime | None:
    """Turn an epoch time into an aware datetime (None for 0 or nonsense)."""
    if value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value / 1000 if millis else value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


@dataclass(frozen=True, kw_only=True)
class Session:
    """A logged-in REST session."""

    session_id: str
    xsrf_token: str | None = None


@dataclass(frozen=True, kw_only=True)
class Audio:
    """System audio: microphone mute, mute lock, speaker volume (0-100); None = not reported."""

    muted: bool | None = None
    mute_locked: bool | None = None
    volume: int | None = None
    mics_connected: int | None = None

    @classmethod
    def from_json(cls, raw: Any) -> Audio:
        """Parse ``GET /rest/audio``."""
        data = _obj(raw)
        volume = _opt_int(data, "volume")
        return cls(
            muted=_opt_bool(data, "muted"),
            mute_locked=_opt_bool(data, "muteLocked"),
            volume=None if volume is None else max(0, min(100, volume)),
            mics_connected=_opt_int(data, "numOfMicsConnected"),
        )

    def merged(self, previous: Audio | None) -> Audio:
        """Return this answer with the fields it left out taken from the previous one."""
        if previous is None:
            return self
        return Audio(
            muted=previous.muted if self.muted is None else self.muted,
            mute_locked=previous.mute_locked if self.mute_locked is None else self.mute_locked,
            volume=previous.volume if self.volume is None else self.volume,
            mics_connected=(
                previous.mics_connected if self.mics_connected is None else self.mics_connected
            ),
        )


@dataclass(frozen=True, kw_only=True)
class Connection:
    """One connection (far end) of a conference."""

    id: str
    address: str
    state: str
    incoming: bool
    answerable: bool
    call_type: str
    media_type: str
    rate: int
    encrypted: bool
    duration: int
    start: datetime | None

    @property
    def connected(self) -> bool:
        """Return whether media flows on this connection."""
        return self.state == "CONNECTED"

    @property
    def ringing_in(self) -> bool:
        """Return whether this is an incoming call waiting to be answered."""
        return self.incoming and self.answerable and not self.connected

    @classmethod
    def list_from_json(cls, raw: Any) -> tuple[Connection, ...]:
        """Parse a list of connection objects."""
        return tuple(cls.from_json(item) for item in _list(raw))

    @classmethod
    def from_json(cls, raw: Any) -> Connection:
        """Parse a connection object."""
        data = _obj(raw)
        return cls(
            id=_str(data, "id"),
            address=_str(data, "address"),
            state=_str(data, "state", "UNKNOWN").upper(),
            incoming=_bool(data, "incoming"),
            answerable=_bool(data, "answerable"),
            call_type=_str(data, "callType"),
            media_type=_str(data, "mediaType"),
            rate=_int(data, "rate"),
            encrypted=_bool(data, "encrypted"),
            duration=_int(data, "duration"),
            start=_epoch(_int(data, "startTime"), millis=True),
        )


@dataclass(frozen=True, kw_only=True)
class Terminal:
    """One participant (terminal) of a conference."""

    id: str
    name: str
    address: str

    @classmethod
    def from_json(cls, raw: Any) -> Terminal:
        """Parse a terminal object."""
        data = _obj(raw)
        return cls(id=_str(data, "id"), name=_str(data, "name"), address=_str(data, "address"))


@dataclass(frozen=True, kw_only=True)
class Conference:
    """A conference (a call) with its connections and terminals."""

    id: str
    connections: tuple[Connection, ...]
    terminals: tuple[Terminal, ...]
    duration: int
    start: datetime | None
    active: bool
    muted: bool

    @property
    def connected(self) -> bool:
        """Return whether any connection is connected."""
        return any(connection.connected for connection in self.connections)

    @property
    def far_end(self) -> str | None:
        """Return who is on the other end: a participant's name, else an address."""
        for terminal in self.terminals:
            if terminal.name:
                return terminal.name
        for connection in self.connections:
            if connection.address:
                return connection.address
        return None

    @classmethod
    def from_json(cls, raw: Any) -> Conference:
        """Parse a conference object."""
        data = _obj(raw)
        return cls(
            id=_str(data, "id"),
            connections=Connection.list_from_json(data.get("connections")),
            terminals=tuple(Terminal.from_json(t) for t in _list(data.get("terminals"))),
            duration=_int(data, "duration"),
            start=_epoch(_int(data, "startTime"), millis=True),
            active=_bool(data, "isActive", True),
            muted=_bool(data, "isMute"),
        )

    @classmethod
    def list_from_json(cls, raw: Any) -> tuple[Conference, ...]:
        """Parse ``GET /rest/conferences`` (skipping entries without an id)."""
        conferences = (cls.from_json(item) for item in _list(raw))
        return tuple(conference for conference in conferences if conference.id)


@dataclass(frozen=True, kw_only=True)
class TerminalQuality:
    """Quality of one terminal's media (``termmediastats``), 0-100."""

    id: str
    quality: int

    @classmethod
    def list_from_json(cls, raw: Any) -> tuple[TerminalQuality, ...]:
        """Parse ``GET /rest/conferences/<id>/termmediastats``."""
        return tuple(
            cls(id=_str(_obj(item), "id"), quality=_int(_obj(item), "quality"))
            for item in _list(raw)
        )


@dataclass(frozen=True, kw_only=True)
class MediaStat:
    """Statistics of one media stream of a call."""

    stream: str
    media_type: str
    direction: str
    algorithm: str
    format: str
    bit_rate: int
    actual_bit_rate: int
    frame_rate: int
    packet_loss: int
    percent_packet_loss: float | None
    jitter: int
    latency: int
    quality: int

    @classmethod
    def list_from_json(cls, raw: Any) -> tuple[MediaStat, ...]:
        """Parse a list of media-stat objects."""
        return tuple(cls.from_json(item) for item in _list(raw))

    @classmethod
    def from_json(cls, raw: Any) -> MediaStat:
        """Parse a media-stat object."""
        data = _obj(raw)
        return cls(
            stream=_str(data, "mediaStream"),
            media_type=_str(data, "mediaType"),
            direction=_str(data, "mediaDirection"),
            algorithm=_str(data, "mediaAlgorithm"),
            format=_str(data, "mediaFormat"),
            bit_rate=_int(data, "bitRate"),
            actual_bit_rate=_int(data, "actualBitRate"),
            frame_rate=_int(data, "actualFrameRate"),
            packet_loss=_int(data, "packetLoss"),
            percent_packet_loss=_float(data, "percentPacketLoss"),
            jitter=_int(data, "jitter"),
            latency=_int(data, "latency"),
            quality=_int(data, "quality"),
        )


@dataclass(frozen=True, kw_only=True)
class Camera:
    """A near camera or content source."""

    index: int
    name: str
    model: str
    source_type: str
    connected: bool
    selected: bool
    ptz: bool

    @classmethod
    def list_from_json(cls, raw: Any) -> tuple[Camera, ...]:
        """Parse a list of camera objects."""
        return tuple(cls.from_json(item) for item in _list(raw))

    @classmethod
    def from_json(cls, raw: Any) -> Camera:
        """Parse a camera object."""
        data = _obj(raw)
        return cls(
            index=_int(data, "cameraIndex", -1),
            name=_str(data, "name"),
            model=_str(data, "model"),
            source_type=_str(data, "sourceType"),
            connected=_bool(data, "connected"),
            selected=_bool(data, "selected"),
            ptz=_bool(data, "ptzcapable"),
        )


@dataclass(frozen=True, kw_only=True)
class Preset:
    """A near-camera preset slot; ``stored`` is False for an empty slot."""

    index: int
    stored: bool

    @classmethod
    def list_from_json(cls, raw: Any) -> tuple[Preset, ...]:
        """Parse ``GET /rest/cameras/near/presets/all``."""
        presets = (
            cls(index=_int(_obj(item), "index", -1), stored=_bool(_obj(item), "stored"))
            for item in _list(raw)
        )
        return tuple(preset for preset in presets if preset.index >= 0)


@dataclass(frozen=True, kw_only=True)
class Meeting:
    """A meeting of the room calendar."""

    id: str
    subject: str
    organizer: str
    location: str
    start: datetime
    end: datetime
    can_dial: bool
    in_call: bool
    canceled: bool
    private: bool

    @classmethod
    def list_from_json(cls, raw: Any) -> tuple[Meeting, ...]:
        """Parse ``GET /rest/calendar/meetings`` (meetings without a start are skipped)."""
        meetings = (cls.from_json(item) for item in _list(raw))
        return tuple(
            sorted((meeting for meeting in meetings if meeting), key=lambda item: item.start)
        )

    @classmethod
    def from_json(cls, raw: Any) -> Meeting | None:
        """Parse a meeting object (startTime in epoch seconds, duration in seconds)."""
        data = _obj(raw)
        start = _epoch(_int(data, "startTime"), millis=False)
        if start is None:
            return None
        return cls(
            id=_str(data, "id"),
            subject=_str(data, "subject"),
            organizer=_str(data, "organizer"),
            location=_str(data, "location"),
            start=start,
            end=start + timedelta(seconds=max(0, _int(data, "duration"))),
            can_dial=_bool(data, "canDial"),
            in_call=_bool(data, "inCall"),
            canceled=_bool(data, "canceled"),
            private=_bool(data, "privateMeeting"),
        )


@dataclass(frozen=True, kw_only=True)
class StatusItem:
    """One area of ``GET /rest/system/status`` (network, SIP, calendar, ...)."""

    name: str
    langtag: str
    states: tuple[str, ...]

    @property
    def state(self) -> str | None:
        """Return the area's main state."""
        return self.states[0] if self.states else None

    @classmethod
    def list_from_json(cls, raw: Any) -> tuple[StatusItem, ...]:
        """Parse ``GET /rest/system/status`` (items without a name are skipped)."""
        items = (
            cls(
                name=_str(_obj(item), "name"),
                langtag=_str(_obj(item), "langtag"),
                states=tuple(
                    str(state).lower() for state in _list(_obj(item).get("stateList")) if state
                ),
            )
            for item in _list(raw)
        )
        return tuple(item for item in items if item.name)


@dataclass(frozen=True, kw_only=True)
class ServerState:
    """Registration state of a SIP server or H.323 gatekeeper."""

    state: str
    address: str

    @property
    def registered(self) -> bool | None:
        """Return whether the codec is registered (real codecs say UP, the guide ON)."""
        if self.state in ("UP", "ON", "REGISTERED", "ONLINE"):
            return True
        if self.state in ("DOWN", "OFF", "UNREGISTERED", "FAILED", "OFFLINE", "ERROR"):
            return False
        return None

    @classmethod
    def first_from_json(cls, raw: Any) -> ServerState | None:
        """Parse ``GET /rest/system/sipservers`` (an object, or a list of them)."""
        items = _list(raw)
        if not items:
            return None
        data = _obj(items[0])
        return cls(state=_str(data, "state", "UNKNOWN").upper(), address=_str(data, "address"))


@dataclass(frozen=True, kw_only=True)
class LanStatus:
    """The codec's wired network link (``lanStatus`` of ``GET /rest/system``)."""

    state: str | None
    speed_mbps: int | None
    duplex: str | None

    @property
    def up(self) -> bool | None:
        """Return whether the link is up (None when the codec did not say)."""
        if self.state is None:
            return None
        return self.state.upper() in ("UP", "LAN_UP", "CONNECTED", "RUNNING")

    @classmethod
    def from_json(cls, raw: Any) -> LanStatus | None:
        """Parse ``lanStatus`` (None when absent)."""
        if not isinstance(raw, dict):
            return None
        return cls(
            state=_opt_str(raw, "state"),
            speed_mbps=_opt_int(raw, "speedMbps"),
            duplex=_opt_str(raw, "duplex"),
        )


@dataclass(frozen=True, kw_only=True)
class SystemInfo:
    """Identity and state of the codec (``GET /rest/system``); None = not reported."""

    serial: str
    name: str
    model: str
    software_version: str
    hardware_version: str
    state: str | None = None
    uptime: float | None = None  # seconds
    reboot_needed: bool | None = None
    lan: LanStatus | None = None

    @property
    def asleep(self) -> bool | None:
        """Return whether the codec sleeps (real codecs report ``ASLEEP``, else ``READY``)."""
        if self.state is None:
            return None
        return self.state.upper() in ("ASLEEP", "SLEEP", "SLEEPING", "STANDBY")

    @classmethod
    def from_json(cls, raw: Any) -> SystemInfo:
        """Parse ``GET /rest/system``."""
        data = _obj(raw)
        return cls(
            serial=_str(data, "serialNumber"),
            name=_str(data, "systemName"),
            model=_str(data, "model"),
            software_version=_str(data, "softwareVersion"),
            hardware_version=_str(data, "hardwareVersion"),
            state=_opt_str(data, "state"),
            uptime=_float(data, "uptime"),
            reboot_needed=_opt_bool(data, "rebootNeeded"),
            lan=LanStatus.from_json(data.get("lanStatus")),
        )


@dataclass(frozen=True, kw_only=True)
class Microphone:
    """One microphone (``GET /rest/audio/microphones``)."""

    number: int
    name: str | None
    state: str | None

    @property
    def ok(self) -> bool | None:
        """Return whether it works (``MIC_STATE_GREEN`` on a Studio X30); None when unknown."""
        if self.state is None:
            return None
        return self.state.upper() in ("MIC_STATE_GREEN", "GREEN", "OK", "UP", "CONNECTED")

    @classmethod
    def list_from_json(cls, raw: Any) -> tuple[Microphone, ...]:
        """Parse the microphone list."""
        return tuple(
            cls(
                number=_int(_obj(item), "number"),
                name=_opt_str(_obj(item), "typeInString"),
                state=_opt_str(_obj(item), "state"),
            )
            for item in _list(raw)
            if isinstance(item, dict)
        )


class PeripheralKind(StrEnum):
    """Kinds of peripherals the device management reports (others are ignored)."""

    TOUCH_CONTROLLER = "TOUCHCONTROL"
    CAMERA = "CAMERA"
    MICROPHONE = "MICROPHONE"


@dataclass(frozen=True, kw_only=True)
class Peripheral:
    """A paired device (``POST /rest/current/devicemanagement/devices``)."""

    kind: str
    state: str | None
    name: str | None
    mac: str | None = None

    @property
    def codec(self) -> bool:
        """Return whether this is the codec itself."""
        return self.kind == "CODEC"

    @property
    def connected(self) -> bool | None:
        """Return whether it is connected (or paired); None when unknown."""
        if self.state is None:
            return None
        return self.state.upper() in ("CONNECTED", "PAIRED", "ONLINE", "UP")

    @classmethod
    def list_from_json(cls, raw: Any) -> tuple[Peripheral, ...]:
        """Parse the device list (the codec itself included; unknown kinds left out)."""
        items = (
            cls(
                kind=(_opt_str(_obj(item), "deviceType") or "").upper(),
                state=_opt_str(_obj(item), "deviceState"),
                name=_opt_str(_obj(item), "productName"),
                mac=_opt_str(_obj(item), "macAddress"),
            )
            for item in _list(raw)
            if isinstance(item, dict)
        )
        return tuple(item for item in items if item.kind not in ("", "UNKNOWN"))


# The configuration names of the room's SIP address, H.323 name and H.323 extension.
DIAL_ADDRESS_NAMES = (
    "comm.nics.sipnic.sipusername",
    "comm.nics.h323nic.h323name",
    "comm.nics.h323nic.h323extension",
)


@dataclass(frozen=True, kw_only=True)
class DialAddresses:
    """The room's own dial addresses (``POST /rest/config`` with their names)."""

    sip: str | None
    h323_name: str | None
    h323_extension: str | None

    @classmethod
    def from_json(cls, raw: Any) -> DialAddresses:
        """Parse ``{"vars": [{"name", "value", "result"}, ...]}``."""
        values: dict[str, str] = {}
        for item in _list(_obj(raw).get("vars")):
            data = _obj(item)
            name, value = _opt_str(data, "name"), _opt_str(data, "value")
            if name and value and data.get("result", "NOERROR") == "NOERROR":
                values[name] = value
        sip, h323_name, h323_extension = (values.get(name) for name in DIAL_ADDRESS_NAMES)
        return cls(sip=sip, h323_name=h323_name, h323_extension=h323_extension)


@dataclass(frozen=True, kw_only=True)
class Favorite:
    """A speed-dial entry of the codec's favourites directory."""

    id: str
    name: str
    server: str | None
    index: int | None

    @classmethod
    def list_from_json(cls, raw: Any) -> tuple[Favorite, ...]:
        """Parse ``{"entries": [...], "next": ...}`` (entries without an id are skipped)."""
        favorites = (
            cls(
                id=_str(_obj(item), "id"),
                name=_opt_str(_obj(item), "displayName")
                or " ".join(
                    part
                    for part in (_str(_obj(item), "firstName"), _str(_obj(item), "lastName"))
                    if part
                ),
                server=_opt_str(_obj(item), "serverId"),
                index=_opt_int(_obj(item), "index"),
            )
            for item in _list(_obj(raw).get("entries"))
        )
        return tuple(favorite for favorite in favorites if favorite.id)


def count_sessions(raw: Any) -> int | None:
    """Count the codec's open sessions (``{"sessionList": [...]}``)."""
    sessions = _obj(raw).get("sessionList")
    return len(sessions) if isinstance(sessions, list) else None


class Provider(StrEnum):
    """Who runs the codec's calls: Poly itself (native) or a partner app."""

    POLY = "poly"
    TEAMS = "teams"
    ZOOM = "zoom"
    DEVICE = "device"
    OTHER = "other"


@dataclass(frozen=True, kw_only=True)
class SystemMode:
    """The provider mode of the codec (``GET /rest/system/mode``)."""

    mode: str | None
    app: str | None
    locked: bool | None

    @property
    def provider(self) -> Provider | None:
        """Return the provider running the room (None when the codec did not say)."""
        text = " ".join(part for part in (self.app, self.mode) if part).lower()
        if not text:
            return None
        for provider, words in (
            (Provider.TEAMS, ("teams", "msft", "microsoft")),
            (Provider.ZOOM, ("zoom",)),
            (Provider.DEVICE, ("device",)),
            (Provider.POLY, ("poly", "native", "polycom", "videoos")),
        ):
            if any(word in text for word in words):
                return provider
        return Provider.OTHER

    @property
    def native(self) -> bool | None:
        """Return whether Poly itself runs the calls (partner modes refuse many commands)."""
        provider = self.provider
        return None if provider is None else provider in (Provider.POLY, Provider.DEVICE)

    @classmethod
    def from_json(cls, raw: Any) -> SystemMode:
        """Parse ``{"activePersona", "app", "appLocked", "mode", ...}``."""
        data = _obj(raw)
        return cls(
            mode=_opt_str(data, "mode") or _opt_str(data, "activePersona"),
            app=_opt_str(data, "app"),
            locked=_opt_bool(data, "appLocked"),
        )


@dataclass(frozen=True, kw_only=True)
class SharedMedia:
    """One wireless-casting stream (SysTracker ``GET /rest/mediastats``)."""

    client_id: str
    source_type: str

    @classmethod
    def list_from_json(cls, raw: Any) -> tuple[SharedMedia, ...]:
        """Parse ``{"vars": [...]}``."""
        return tuple(
            cls(client_id=_str(_obj(item), "clientID"), source_type=_str(_obj(item), "sourceType"))
            for item in _list(_obj(raw).get("vars"))
        )


def result_flag(raw: Any) -> bool | None:
    """Read ``{"result": bool}`` (mode and video-mute reads); None when absent."""
    return _opt_bool(_obj(raw), "result")


def calendar_status(raw: Any) -> str | None:
    """Read ``{"Status": "ONLINE"}`` (key case as the device writes it)."""
    value = _get_ci(_obj(raw), "status")
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def content_status(raw: Any) -> str | None:
    """Read the content status: a JSON string, a bare word, or ``{"status": ...}``."""
    if isinstance(raw, dict):
        raw = _get_ci(raw, "status") or _get_ci(raw, "result")
    return raw.strip().strip('"').upper() or None if isinstance(raw, str) else None
