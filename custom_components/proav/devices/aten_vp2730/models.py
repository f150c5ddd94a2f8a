"""Typed models of the ATEN VP2730 REST v2.0 resources (no Home Assistant imports).

Every parser tolerates unknown fields and unknown enum values; a body whose shape is wrong raises
``InvalidResponse``. The device's own spelling of a field is used only here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import copy
from dataclasses import dataclass, field, replace
import re
from typing import Any

from ..errors import InvalidResponse  # noqa: TID252 - the shared errors, the one import allowed

API = "/api/v2.0"

# On/off enums of this API: 0 unsupported, 1 off, 2 on.
UNSUPPORTED, OFF, ON = 0, 1, 2
# Go-live status of an output.
LIVE_UNSUPPORTED, LIVE_STOPPED, LIVE_PLAYING, LIVE_PROTECTED = 0, 1, 2, 101
# Set Room writes verification as 0 off / 1 on while Get Room reads 1 off / 2 on (reference §8 #1).
ROOM_VERIFICATION_WRITE = {False: 0, True: 1}


def _int(value: Any, default: int = 0) -> int:
    """Return a number the device sent as a number or a numeric string."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _str(value: Any, default: str = "") -> str:
    """Return a string field (numbers become their text)."""
    if value is None:
        return default
    return str(value)


def _obj(value: Any) -> Mapping[str, Any]:
    """Return a JSON object, or an empty one for anything else."""
    return value if isinstance(value, Mapping) else {}


def _items(body: Any, key: str) -> list[Mapping[str, Any]]:
    """Return the objects of a list-bearing body ``{key: [...]}``; raise on another shape."""
    if not isinstance(body, Mapping) or not isinstance(body.get(key), list):
        raise InvalidResponse(f"expected a list under {key!r}")
    items = [item for item in body[key] if isinstance(item, Mapping) and "id" in item]
    if len(items) != len(body[key]):
        raise InvalidResponse(f"an item under {key!r} has no id")
    return items


def _require(body: Any, *keys: str) -> Mapping[str, Any]:
    """Return an object that has the given keys; raise on another shape."""
    if not isinstance(body, Mapping) or any(key not in body for key in keys):
        raise InvalidResponse(f"expected an object with {', '.join(keys)}")
    return body


@dataclass(frozen=True, kw_only=True)
class Choice:
    """A ``{"value": n, "valid": [...]}`` setting; value 0 means unsupported."""

    value: int = UNSUPPORTED
    valid: tuple[int, ...] = ()

    @classmethod
    def parse(cls, body: Any) -> Choice | None:
        """Parse a value/valid object (None when the device did not send one)."""
        if not isinstance(body, Mapping) or "value" not in body:
            return None
        valid = body.get("valid")
        return cls(
            value=_int(body.get("value"), UNSUPPORTED),
            valid=tuple(_int(item) for item in valid) if isinstance(valid, list) else (),
        )

    @property
    def supported(self) -> bool:
        """Return whether the device offers this setting."""
        return self.value != UNSUPPORTED

    @property
    def on(self) -> bool:
        """Return whether an on/off setting is on."""
        return self.value == ON


# Port status: 0 connected (signal), 1 not connected, 2 not available (N/A).
CONNECTED, DISCONNECTED = 0, 1


def _connected(status: int | None) -> bool | None:
    """Return whether a port is connected; None when unknown or not available."""
    return {CONNECTED: True, DISCONNECTED: False}.get(status) if status is not None else None


def supported(choice: Choice | None) -> bool:
    """Return whether a setting the device may not have sent is offered."""
    return choice is not None and choice.supported


def _opt_int(value: Any) -> int | None:
    """Return a number, or None when the device did not send one (unknown, not 0)."""
    if value is None:
        return None
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _opt_str(value: Any) -> str | None:
    """Return a text, or None when the device did not send one."""
    return None if value is None else str(value)


def _object(body: Any) -> Mapping[str, Any]:
    """Return a resource's object body; raise on another shape."""
    if not isinstance(body, Mapping):
        raise InvalidResponse("expected an object")
    return body


@dataclass(frozen=True, kw_only=True)
class SystemInfo:
    """``/system/info``: identity, firmware and status."""

    model_name: str
    device_name: str
    serial_number: str
    uptime: int | None
    status: str | None
    fw_version: str
    board_version: str
    build_version: str

    @classmethod
    def parse(cls, body: Any) -> SystemInfo:
        """Parse the system information (tolerates the documented ``buildVerison`` typo)."""
        body = _object(body)
        return cls(
            model_name=_str(body.get("modelName"), "VP2730"),
            device_name=_str(body.get("deviceName")),
            serial_number=_str(body.get("serialNumber")).strip(),
            uptime=_opt_int(body.get("uptime")),
            status=_opt_str(body.get("status")),
            fw_version=_str(body.get("fwVersion")),
            board_version=_str(body.get("boardVersion")),
            build_version=_str(body.get("buildVersion", body.get("buildVerison"))),
        )


@dataclass(frozen=True, kw_only=True)
class Osd:
    """``/system/osd``: multiview labels, notifications, language (None: not reported)."""

    multiview_label: int | None
    system_event: int | None
    interactive_event: int | None
    language: str | None
    languages: tuple[str, ...]

    @classmethod
    def parse(cls, body: Any) -> Osd:
        """Parse the OSD settings."""
        body = _object(body)
        notification = _obj(body.get("notification"))
        language = _obj(body.get("language"))
        valid = language.get("valid")
        return cls(
            multiview_label=_opt_int(body.get("multiviewLabel")),
            system_event=_opt_int(notification.get("systemEvent")),
            interactive_event=_opt_int(notification.get("interactiveEvent")),
            language=_opt_str(language.get("value")),
            languages=tuple(_str(item) for item in valid) if isinstance(valid, list) else (),
        )


@dataclass(frozen=True, kw_only=True)
class Room:
    """``/system/room``: the collaboration room (name, code, moderator); None: not reported."""

    name: str | None
    description: str | None
    code: str | None
    verification: int | None
    moderator: str | None
    photo: str
    qr_code: str
    link_info: int | None

    @classmethod
    def parse(cls, body: Any) -> Room:
        """Parse the room (every field may be absent)."""
        body = _object(body)
        security = _obj(body.get("security"))
        return cls(
            name=_opt_str(body.get("name")),
            description=_opt_str(body.get("description")),
            code=_opt_str(security.get("code")),
            verification=_opt_int(security.get("verification")),
            moderator=_opt_str(body.get("moderator")),
            photo=_str(body.get("photo")),
            qr_code=_str(body.get("qrCode")),
            link_info=_opt_int(body.get("linkInfo")),
        )


@dataclass(frozen=True, kw_only=True)
class Participant:
    """A BYOD participant in the room and what it shares ("video", "audio")."""

    id: str
    name: str
    share: tuple[str, ...]

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> Participant:
        """Parse one participant."""
        share = body.get("share")
        return cls(
            id=_str(body["id"]),
            name=_str(body.get("name"), _str(body["id"])),
            share=tuple(_str(item) for item in share) if isinstance(share, list) else (),
        )


# Audio port ids of the VP2730 (``ALL``, ``STM1``, ``AIN1``) and the words for them.
_PORT_ID = re.compile(r"([A-Z]+?)(\d*)")
_PORT_WORDS = {
    "ALL": "Master",
    "STM": "Stream audio",
    "AIN": "Audio in",
    "AOUT": "Audio out",
    "MIC": "Microphone",
    "LINE": "Line",
    "HDMI": "HDMI audio",
}


def audio_port_words(port_id: str) -> str | None:
    """Return the words for an audio port id (None for an id of unknown shape)."""
    match = _PORT_ID.fullmatch(port_id.strip().upper())
    if match is None or (words := _PORT_WORDS.get(match.group(1))) is None:
        return None
    number = match.group(2)
    # One stream input: "Stream audio"; numbered physical ports keep their number.
    if not number or (match.group(1) == "STM" and number == "1"):
        return words
    return f"{words} {number}"


@dataclass(frozen=True, kw_only=True)
class AudioPort:
    """An audio input or output port (None: the device did not report it)."""

    id: str
    kind: str  # "inputs" or "outputs": where the port is written
    name: str
    type: str
    status: int | None
    volume: int | None
    gain: int | None  # -1: the port has no gain
    mute: Choice | None

    @classmethod
    def parse(cls, body: Mapping[str, Any], kind: str = "outputs") -> AudioPort:
        """Parse one audio port."""
        volume = _opt_int(body.get("volume"))
        return cls(
            id=_str(body["id"]),
            kind=kind,
            name=_str(body.get("name"), _str(body["id"])),
            type=_str(body.get("type")),
            status=_opt_int(body.get("status")),
            volume=None if volume is None else max(0, min(100, volume)),
            gain=_opt_int(body.get("gain")),
            mute=Choice.parse(body.get("mute")),
        )

    @property
    def label(self) -> str:
        """Return what a person calls the port: "Master" for ``ALL``, "Audio in 1" for ``AIN1``.

        The device names its ports by their ids; a name the user gave a port is kept.
        """
        words = audio_port_words(self.id)
        if words is None or self.name.casefold() not in (self.id.casefold(), words.casefold()):
            return self.name
        return words

    @property
    def connected(self) -> bool | None:
        """Return whether something is plugged in (None: unknown or not available)."""
        return _connected(self.status)

    @property
    def has_gain(self) -> bool:
        """Return whether the port has a gain setting."""
        return self.gain is not None and self.gain >= 0


@dataclass(frozen=True, kw_only=True)
class VideoConfigs:
    """``/video/configs``: EDID mode (1 ATEN, 2 port 1) and input stream (1 static, 2 dynamic)."""

    edid: Choice | None
    input_stream: Choice | None

    @classmethod
    def parse(cls, body: Any) -> VideoConfigs:
        """Parse the video configuration."""
        body = _object(body)
        return cls(
            edid=Choice.parse(body.get("edid")), input_stream=Choice.parse(body.get("inputStream"))
        )


@dataclass(frozen=True, kw_only=True)
class Profile:
    """A video profile (preset) and the multiview layout it uses."""

    id: str
    name: str
    multiview: str

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> Profile:
        """Parse a profile (``multiview`` is a number in lists, a string elsewhere)."""
        return cls(
            id=_str(body["id"]),
            name=_str(body.get("name"), _str(body["id"])),
            multiview=_str(body.get("multiview")),
        )


@dataclass(frozen=True, kw_only=True)
class View:
    """One window of a multiview layout: which input it shows, and where."""

    id: str
    source: str
    coordinate: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Multiview:
    """A multiview layout."""

    id: str
    description: str
    main_view: str
    views: tuple[View, ...]

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> Multiview:
        """Parse a layout."""
        views = body.get("views")
        return cls(
            id=_str(body["id"]),
            description=_str(body.get("description")),
            main_view=_str(body.get("mainView"), "-1"),
            views=tuple(
                View(
                    id=_str(view.get("id")),
                    source=_str(view.get("source")),
                    coordinate=dict(_obj(view.get("coordinate"))),
                )
                for view in (views if isinstance(views, list) else [])
                if isinstance(view, Mapping)
            ),
        )


@dataclass(frozen=True, kw_only=True)
class VideoInput:
    """A video input: signal status, HDCP, thumbnail URL (None: not reported)."""

    id: str
    name: str
    type: str
    status: int | None
    hdcp: int | None
    thumbnail: str

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> VideoInput:
        """Parse one video input."""
        hdcp = Choice.parse(body.get("hdcp"))
        return cls(
            id=_str(body["id"]),
            name=_str(body.get("name"), _str(body["id"])),
            type=_str(body.get("type")),
            status=_opt_int(body.get("status")),
            hdcp=hdcp.value if hdcp else None,
            thumbnail=_str(body.get("thumbnail")),
        )

    @property
    def signal(self) -> bool | None:
        """Return whether the input has a signal (None: unknown or not available)."""
        return _connected(self.status)


@dataclass(frozen=True, kw_only=True)
class VideoOutput:
    """A video output and its settings (None: the device did not report the setting)."""

    id: str
    name: str
    type: str
    status: int | None
    resolution: Choice | None
    fix_hdcp: Choice | None
    osd: Choice | None
    blank: Choice | None
    freeze: Choice | None
    fit_mode: Choice | None
    plugin_mode: Choice | None
    plugout_mode: Choice | None

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> VideoOutput:
        """Parse one video output."""
        auto = _obj(body.get("autoSwitch"))
        return cls(
            id=_str(body["id"]),
            name=_str(body.get("name"), _str(body["id"])),
            type=_str(body.get("type")),
            status=_opt_int(body.get("status")),
            resolution=Choice.parse(body.get("displayResolution")),
            fix_hdcp=Choice.parse(body.get("fixHDCP")),
            osd=Choice.parse(body.get("osd")),
            blank=Choice.parse(body.get("blank")),
            freeze=Choice.parse(body.get("freeze")),
            fit_mode=Choice.parse(body.get("fitMode")),
            plugin_mode=Choice.parse(_obj(auto.get("plugin")).get("mode")),
            plugout_mode=Choice.parse(_obj(auto.get("plugout")).get("mode")),
        )

    @property
    def connected(self) -> bool | None:
        """Return whether a display is connected (None: unknown or not available)."""
        return _connected(self.status)


# The on/off settings of a video output: model field -> REST field.
OUTPUT_SWITCHES = {"blank": "blank", "freeze": "freeze", "osd": "osd", "fix_hdcp": "fixHDCP"}
# The choice settings of a video output: model field -> REST field.
OUTPUT_CHOICES = {"resolution": "displayResolution", "fit_mode": "fitMode"}


@dataclass(frozen=True, kw_only=True)
class State:
    """Everything the integration knows about one VP2730 (one REST resource per field)."""

    info: SystemInfo
    osd: Osd | None = None
    room: Room | None = None
    participants: tuple[Participant, ...] = ()
    audio_inputs: Mapping[str, AudioPort] = field(default_factory=dict)
    audio_outputs: Mapping[str, AudioPort] = field(default_factory=dict)
    video_configs: VideoConfigs | None = None
    resolutions: Mapping[int, str] = field(default_factory=dict)
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    profile_now: Profile | None = None
    multiviews: Mapping[str, Multiview] = field(default_factory=dict)
    video_inputs: Mapping[str, VideoInput] = field(default_factory=dict)
    video_outputs: Mapping[str, VideoOutput] = field(default_factory=dict)
    connections: Mapping[str, str] = field(default_factory=dict)
    golive: Mapping[str, int | None] = field(default_factory=dict)
    # Optional resources that fail to answer now (their entities are unavailable).
    failing: frozenset[str] = frozenset()

    @property
    def sharing(self) -> bool:
        """Return whether any participant shares something."""
        return any(participant.share for participant in self.participants)


def _by_id[T](parse: Callable[[Mapping[str, Any]], T], key: str) -> Callable[[Any], dict[str, T]]:
    """Return a parser of ``{key: [{id: ...}, ...]}`` into a dict keyed by id (device order)."""

    def parse_list(body: Any) -> dict[str, T]:
        return {_str(item["id"]): parse(item) for item in _items(body, key)}

    return parse_list


def _resolutions(body: Any) -> dict[int, str]:
    return {
        _int(item["id"]): _str(item.get("description"))
        for item in _items(body, "scalerResolutions")
    }


def _participants(body: Any) -> tuple[Participant, ...]:
    return tuple(Participant.parse(item) for item in _items(body, "participants"))


def _connections(body: Any) -> dict[str, str]:
    return {_str(item["id"]): _str(item.get("videoInput")) for item in _items(body, "connections")}


def _golive(body: Any) -> dict[str, int | None]:
    return {_str(item["id"]): _opt_int(item.get("status")) for item in _items(body, "golive")}


def _profile(body: Any) -> Profile:
    return Profile.parse(_require(body, "id"))


@dataclass(frozen=True, kw_only=True)
class Resource:
    """A REST resource the integration reads, and the ``State`` field it fills."""

    path: str
    field: str
    parse: Callable[[Any], Any]


RESOURCES: dict[str, Resource] = {
    resource.path: resource
    for resource in (
        Resource(path=f"{API}/system/info", field="info", parse=SystemInfo.parse),
        Resource(path=f"{API}/system/osd", field="osd", parse=Osd.parse),
        Resource(path=f"{API}/system/room", field="room", parse=Room.parse),
        Resource(path=f"{API}/system/participants", field="participants", parse=_participants),
        Resource(
            path=f"{API}/audio/inputs",
            field="audio_inputs",
            parse=_by_id(lambda item: AudioPort.parse(item, "inputs"), "inputs"),
        ),
        Resource(
            path=f"{API}/audio/outputs",
            field="audio_outputs",
            parse=_by_id(AudioPort.parse, "outputs"),
        ),
        Resource(path=f"{API}/video/configs", field="video_configs", parse=VideoConfigs.parse),
        Resource(path=f"{API}/video/scalerResolutions", field="resolutions", parse=_resolutions),
        Resource(
            path=f"{API}/video/vpProfiles",
            field="profiles",
            parse=_by_id(Profile.parse, "profiles"),
        ),
        Resource(path=f"{API}/video/vpProfiles/now", field="profile_now", parse=_profile),
        Resource(
            path=f"{API}/video/multiviews",
            field="multiviews",
            parse=_by_id(Multiview.parse, "multiviews"),
        ),
        Resource(
            path=f"{API}/video/inputs",
            field="video_inputs",
            parse=_by_id(VideoInput.parse, "inputs"),
        ),
        Resource(
            path=f"{API}/video/outputs",
            field="video_outputs",
            parse=_by_id(VideoOutput.parse, "outputs"),
        ),
        Resource(path=f"{API}/video/connections", field="connections", parse=_connections),
        Resource(path=f"{API}/video/golive", field="golive", parse=_golive),
    )
}

type Update = Callable[[State], State]

# What setup needs (the routing core every public client reads); everything else is optional.
REQUIRED: tuple[str, ...] = (
    f"{API}/system/info",
    f"{API}/video/inputs",
    f"{API}/video/outputs",
    f"{API}/video/connections",
)
# How often a resource is read while push is down (seconds; 0: at every poll). Routing, go-live
# and audio are the fast lane; identity and room state a minute; settings and lists 5 minutes.
POLL_PERIODS: dict[str, float] = {
    f"{API}/video/connections": 0,
    f"{API}/video/golive": 0,
    f"{API}/audio/inputs": 0,
    f"{API}/audio/outputs": 0,
    f"{API}/system/info": 60,
    f"{API}/system/participants": 60,
    f"{API}/system/room": 60,
    f"{API}/video/inputs": 60,
    f"{API}/video/outputs": 60,
    f"{API}/system/osd": 300,
    f"{API}/video/configs": 300,
    f"{API}/video/scalerResolutions": 300,
    f"{API}/video/vpProfiles": 300,
    f"{API}/video/vpProfiles/now": 300,
    f"{API}/video/multiviews": 300,
}

# Resources whose body is a list of items under a key: path -> key.
LIST_KEYS: dict[str, str] = {
    f"{API}/system/participants": "participants",
    f"{API}/audio/inputs": "inputs",
    f"{API}/audio/outputs": "outputs",
    f"{API}/video/scalerResolutions": "scalerResolutions",
    f"{API}/video/vpProfiles": "profiles",
    f"{API}/video/multiviews": "multiviews",
    f"{API}/video/inputs": "inputs",
    f"{API}/video/outputs": "outputs",
    f"{API}/video/connections": "connections",
    f"{API}/video/golive": "golive",
}


def resource_update(path: str, body: Any) -> Update:
    """Parse a resource's body now; return how it changes a state. Raises InvalidResponse."""
    resource = RESOURCES[path]
    try:
        value = resource.parse(body)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise InvalidResponse(f"{path}: {err!r}") from err
    return lambda state: replace(state, **{resource.field: value})


def empty_update(path: str) -> Update:
    """Return how a state looks once the device stopped offering a resource."""
    resource = RESOURCES[path]
    empty: Any = _EMPTY.get(resource.field)
    return lambda state: replace(state, **{resource.field: empty})


_EMPTY: dict[str, Any] = {
    "participants": (),
    "audio_inputs": {},
    "audio_outputs": {},
    "resolutions": {},
    "profiles": {},
    "multiviews": {},
    "video_inputs": {},
    "video_outputs": {},
    "connections": {},
    "golive": {},
}


def deep_merge(old: Any, new: Any) -> Any:
    """Merge ``new`` into ``old`` field by field: objects recursively, anything else replaced."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        merged = dict(old)
        for key, value in new.items():
            merged[key] = deep_merge(old.get(key), value)
        return merged
    return copy.deepcopy(new)


def _merge_list(key: str, body: Any, payload: Any) -> Any | None:
    """Merge the items of an event into a list body; None unless it names the same items."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get(key), list):
        return None
    if not isinstance(body, Mapping) or not isinstance(body.get(key), list):
        return None
    items = payload[key]
    if not all(isinstance(item, Mapping) and "id" in item for item in items):
        return None
    known = {str(item["id"]): item for item in body[key] if isinstance(item, Mapping)}
    changed = {str(item["id"]): item for item in items}
    if set(changed) != set(known):
        # Items came or went, or the event lists only some: only a re-read can tell which.
        return None
    return deep_merge(
        body, {key: [deep_merge(item, changed[item_id]) for item_id, item in known.items()]}
    )


def _merge_share(body: Any, payload: Any) -> Any | None:
    """``participants/share`` [invented payload ``{"id", "share"}``]: one participant's share."""
    if not isinstance(payload, Mapping) or "id" not in payload or "share" not in payload:
        return None
    if not isinstance(body, Mapping) or not isinstance(body.get("participants"), list):
        return None
    participants = body["participants"]
    if not any(isinstance(p, Mapping) and p.get("id") == payload["id"] for p in participants):
        return None
    return deep_merge(
        body,
        {
            "participants": [
                deep_merge(p, {"share": payload["share"]})
                if isinstance(p, Mapping) and p.get("id") == payload["id"]
                else p
                for p in participants
            ]
        },
    )


def _merge_profile(body: Any, payload: Any) -> Any | None:
    """Merge into the current profile; another id must come whole (a bare id keeps the old name)."""
    if not isinstance(payload, Mapping) or not isinstance(body, Mapping):
        return None
    if "id" in payload and str(payload["id"]) != str(body.get("id")):
        return dict(payload) if "name" in payload and "multiview" in payload else None
    return deep_merge(body, payload)


def merge_event(event: str, body: Any, payload: Any) -> Any | None:
    """Return the body of an event's resource after the event, merged field by field.

    ``body`` is the resource's last full body. None means the event's shape is unknown (or it
    names other items than the body has): the caller re-reads the resource instead of guessing.
    """
    if body is None:
        return None
    path = EVENTS.get(event)
    if path is None:
        return None
    if event == f"{API}/system/participants/share":
        return _merge_share(body, payload)
    if path == f"{API}/video/vpProfiles/now":
        return _merge_profile(body, payload)
    if (key := LIST_KEYS.get(path)) is not None:
        return _merge_list(key, body, payload)
    if not isinstance(payload, Mapping) or not isinstance(body, Mapping):
        return None
    return deep_merge(body, payload)


# The 16 documented Socket.IO events -> the REST resource that an event changes (None: none).
EVENTS: dict[str, str | None] = {
    f"{API}/maintenance/status": f"{API}/system/info",
    f"{API}/system/sessionConfigs": None,
    f"{API}/system/osd": f"{API}/system/osd",
    f"{API}/system/room": f"{API}/system/room",
    f"{API}/system/participants": f"{API}/system/participants",
    f"{API}/system/participants/share": f"{API}/system/participants",
    f"{API}/audio/inputs": f"{API}/audio/inputs",
    f"{API}/audio/outputs": f"{API}/audio/outputs",
    f"{API}/video/config": f"{API}/video/configs",
    f"{API}/video/golive": f"{API}/video/golive",
    f"{API}/video/inputs": f"{API}/video/inputs",
    f"{API}/video/outputs": f"{API}/video/outputs",
    f"{API}/video/connections": f"{API}/video/connections",
    f"{API}/video/multiviews": f"{API}/video/multiviews",
    f"{API}/video/vpProfiles/now": f"{API}/video/vpProfiles/now",
    f"{API}/video/snapshots/state": None,
}
