"""Typed models of the ATEN VP2730 REST v2.0 resources (no Home Assistant imports).

Every parser tolerates unknown fields and unknown enum values; a body whose shape is wrong raises
``InvalidResponse``. The device's own spelling of a field is used only here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
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
    def parse(cls, body: Any) -> Choice:
        """Parse a value/valid object (missing means unsupported)."""
        body = _obj(body)
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


@dataclass(frozen=True, kw_only=True)
class SystemInfo:
    """``/system/info``: identity, firmware and status."""

    model_name: str
    device_name: str
    serial_number: str
    uptime: int
    status: str
    fw_version: str
    board_version: str
    build_version: str

    @classmethod
    def parse(cls, body: Any) -> SystemInfo:
        """Parse the system information (tolerates the documented ``buildVerison`` typo)."""
        body = _require(body, "serialNumber")
        return cls(
            model_name=_str(body.get("modelName"), "VP2730"),
            device_name=_str(body.get("deviceName")),
            serial_number=_str(body["serialNumber"]).strip(),
            uptime=_int(body.get("uptime")),
            status=_str(body.get("status"), "normal"),
            fw_version=_str(body.get("fwVersion")),
            board_version=_str(body.get("boardVersion")),
            build_version=_str(body.get("buildVersion", body.get("buildVerison"))),
        )


@dataclass(frozen=True, kw_only=True)
class Osd:
    """``/system/osd``: multiview labels, notifications, language."""

    multiview_label: int
    system_event: int
    interactive_event: int
    language: str
    languages: tuple[str, ...]

    @classmethod
    def parse(cls, body: Any) -> Osd:
        """Parse the OSD settings."""
        body = _require(body, "multiviewLabel")
        notification = _obj(body.get("notification"))
        language = _obj(body.get("language"))
        valid = language.get("valid")
        return cls(
            multiview_label=_int(body["multiviewLabel"]),
            system_event=_int(notification.get("systemEvent")),
            interactive_event=_int(notification.get("interactiveEvent")),
            language=_str(language.get("value")),
            languages=tuple(_str(item) for item in valid) if isinstance(valid, list) else (),
        )


@dataclass(frozen=True, kw_only=True)
class Room:
    """``/system/room``: the collaboration room (name, code, moderator)."""

    name: str
    description: str
    code: str
    verification: int
    moderator: str
    photo: str
    qr_code: str
    link_info: int

    @classmethod
    def parse(cls, body: Any) -> Room:
        """Parse the room (every field but ``name`` may be absent)."""
        body = _require(body, "name")
        security = _obj(body.get("security"))
        return cls(
            name=_str(body["name"]),
            description=_str(body.get("description")),
            code=_str(security.get("code")),
            verification=_int(security.get("verification")),
            moderator=_str(body.get("moderator")),
            photo=_str(body.get("photo")),
            qr_code=_str(body.get("qrCode")),
            link_info=_int(body.get("linkInfo")),
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
            name=_str(body.get("name")),
            share=tuple(_str(item) for item in share) if isinstance(share, list) else (),
        )


@dataclass(frozen=True, kw_only=True)
class AudioPort:
    """An audio input or output port."""

    id: str
    name: str
    type: str
    status: int
    volume: int
    gain: int
    mute: Choice

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> AudioPort:
        """Parse one audio port."""
        return cls(
            id=_str(body["id"]),
            name=_str(body.get("name"), _str(body["id"])),
            type=_str(body.get("type")),
            status=_int(body.get("status"), 2),
            volume=max(0, min(100, _int(body.get("volume")))),
            gain=_int(body.get("gain"), -1),
            mute=Choice.parse(body.get("mute")),
        )


@dataclass(frozen=True, kw_only=True)
class VideoConfigs:
    """``/video/configs``: EDID mode (1 ATEN, 2 port 1) and input stream (1 static, 2 dynamic)."""

    edid: Choice
    input_stream: Choice

    @classmethod
    def parse(cls, body: Any) -> VideoConfigs:
        """Parse the video configuration."""
        body = _require(body, "edid")
        return cls(
            edid=Choice.parse(body["edid"]), input_stream=Choice.parse(body.get("inputStream"))
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
    """A video input: signal status, HDCP, thumbnail URL."""

    id: str
    name: str
    type: str
    status: int
    hdcp: int
    thumbnail: str

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> VideoInput:
        """Parse one video input."""
        return cls(
            id=_str(body["id"]),
            name=_str(body.get("name"), _str(body["id"])),
            type=_str(body.get("type")),
            status=_int(body.get("status"), 2),
            hdcp=Choice.parse(body.get("hdcp")).value,
            thumbnail=_str(body.get("thumbnail")),
        )


@dataclass(frozen=True, kw_only=True)
class VideoOutput:
    """A video output and its settings."""

    id: str
    name: str
    type: str
    status: int
    resolution: Choice
    fix_hdcp: Choice
    osd: Choice
    blank: Choice
    freeze: Choice
    fit_mode: Choice
    plugin_mode: Choice
    plugout_mode: Choice

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> VideoOutput:
        """Parse one video output."""
        auto = _obj(body.get("autoSwitch"))
        return cls(
            id=_str(body["id"]),
            name=_str(body.get("name"), _str(body["id"])),
            type=_str(body.get("type")),
            status=_int(body.get("status"), 2),
            resolution=Choice.parse(body.get("displayResolution")),
            fix_hdcp=Choice.parse(body.get("fixHDCP")),
            osd=Choice.parse(body.get("osd")),
            blank=Choice.parse(body.get("blank")),
            freeze=Choice.parse(body.get("freeze")),
            fit_mode=Choice.parse(body.get("fitMode")),
            plugin_mode=Choice.parse(_obj(auto.get("plugin")).get("mode")),
            plugout_mode=Choice.parse(_obj(auto.get("plugout")).get("mode")),
        )


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
    golive: Mapping[str, int] = field(default_factory=dict)

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


def _golive(body: Any) -> dict[str, int]:
    return {_str(item["id"]): _int(item.get("status")) for item in _items(body, "golive")}


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
            parse=_by_id(AudioPort.parse, "inputs"),
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


def _item_ids(value: Any) -> set[str] | None:
    """Return the ids of a list-like resource value (None for a single object)."""
    if isinstance(value, Mapping):
        return {str(key) for key in value}
    if isinstance(value, tuple):
        return {str(getattr(item, "id", item)) for item in value}
    return None


def same_items(old: State, new: State, path: str) -> bool:
    """Return whether a resource lists the same items (ids) in two states."""
    field_name = RESOURCES[path].field
    return _item_ids(getattr(old, field_name)) == _item_ids(getattr(new, field_name))


def resource_update(path: str, body: Any) -> Update:
    """Parse a resource's body now; return how it changes a state. Raises InvalidResponse."""
    resource = RESOURCES[path]
    try:
        value = resource.parse(body)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise InvalidResponse(f"{path}: {err!r}") from err
    return lambda state: replace(state, **{resource.field: value})


def _maintenance_update(body: Any) -> Update:
    """``maintenance/status`` [invented payload ``{"status": ...}``]: the system status."""
    status = _str(_require(body, "status")["status"])
    return lambda state: replace(state, info=replace(state.info, status=status))


def _share_update(body: Any) -> Update:
    """``participants/share`` [invented payload ``{"id", "share"}``]: one participant's share."""
    changed = Participant.parse(_require(body, "id", "share"))

    def apply(state: State) -> State:
        if all(participant.id != changed.id for participant in state.participants):
            raise InvalidResponse(f"unknown participant {changed.id}")
        return replace(
            state,
            participants=tuple(
                replace(participant, share=changed.share)
                if participant.id == changed.id
                else participant
                for participant in state.participants
            ),
        )

    return apply


# The 16 documented Socket.IO events -> the REST resource that an event invalidates (None: none).
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
# Events whose payload is not the REST body of their resource.
_SPECIAL_EVENTS: dict[str, Callable[[Any], Update]] = {
    f"{API}/maintenance/status": _maintenance_update,
    f"{API}/system/participants/share": _share_update,
}


def event_update(event: str, payload: Any) -> Update:
    """Parse an event's payload; return how it changes a state. Raises InvalidResponse."""
    if (special := _SPECIAL_EVENTS.get(event)) is not None:
        try:
            return special(payload)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise InvalidResponse(f"{event}: {err!r}") from err
    path = EVENTS.get(event)
    if path is None:
        raise InvalidResponse(f"{event} carries no state")
    return resource_update(path, payload)
