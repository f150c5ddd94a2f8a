"""Entities of the ATEN VP2730: descriptions, the media player, the thumbnail cameras."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
import io
import secrets
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.camera import Camera, CameraEntityDescription
from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.components.image import ImageEntity, ImageEntityDescription
from homeassistant.components.media_player import (
    MediaPlayerDeviceClass,
    MediaPlayerEntity,
    MediaPlayerEntityDescription,
)
from homeassistant.components.media_player.const import MediaPlayerEntityFeature, MediaPlayerState
from homeassistant.components.number import NumberMode
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.components.text import TextMode
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.util import dt as dt_util
from PIL import Image, UnidentifiedImageError

from ...binary_sensor import ProAVBinarySensor, ProAVBinarySensorDescription  # noqa: TID252
from ...button import ProAVButton, ProAVButtonDescription  # noqa: TID252
from ...const import DOMAIN  # noqa: TID252
from ...entity import Item, ProAVEntity, ProAVEntityDescription  # noqa: TID252
from ...number import ProAVNumber, ProAVNumberDescription  # noqa: TID252
from ...select import ProAVSelect, ProAVSelectDescription  # noqa: TID252
from ...sensor import ProAVSensor, ProAVSensorDescription  # noqa: TID252
from ...switch import ProAVSwitch, ProAVSwitchDescription  # noqa: TID252
from ...text import ProAVText, ProAVTextDescription  # noqa: TID252
from ..errors import ProAVError  # noqa: TID252
from .coordinator import AtenCoordinator
from .models import (
    API,
    LIVE_PLAYING,
    LIVE_PROTECTED,
    LIVE_STOPPED,
    LIVE_UNSUPPORTED,
    ON,
    UNSUPPORTED,
    AudioPort,
    Choice,
    Multiview,
    VideoInput,
    VideoOutput,
    View,
    supported,
)

type C = AtenCoordinator

OSD, ROOM, CONFIGS = f"{API}/system/osd", f"{API}/system/room", f"{API}/video/configs"
OUTPUTS, CONNECTIONS = f"{API}/video/outputs", f"{API}/video/connections"
GOLIVE, NOW = f"{API}/video/golive", f"{API}/video/vpProfiles/now"
PARTICIPANTS, PROFILES = f"{API}/system/participants", f"{API}/video/vpProfiles"
MULTIVIEWS, RESOLUTIONS = f"{API}/video/multiviews", f"{API}/video/scalerResolutions"
AUDIO_INPUTS, AUDIO_OUTPUTS = f"{API}/audio/inputs", f"{API}/audio/outputs"
MASTER_OUTPUT = "ALL"

FIT_MODES = {0: "fit_width", 1: "fit_height", 2: "scale", 3: "fit_resolution", 4: "cut_resolution"}
PLUG_MODES = {1: "off", 2: "auto", 3: "last"}
EDID_MODES = {1: "aten", 2: "port_1"}
INPUT_STREAMS = {1: "static", 2: "dynamic"}
LIVE_STATUSES = {
    LIVE_UNSUPPORTED: "unsupported",
    LIVE_STOPPED: "stopped",
    LIVE_PLAYING: "playing",
    LIVE_PROTECTED: "content_protected",
}
HDCP_VERSIONS = {0: "unsupported", 1: "none", 2: "hdcp_1_4", 3: "hdcp_2_2"}
STATUSES = {
    "normal": "normal",
    "backup": "backup",
    "restore": "restore",
    "resetting": "resetting",
    "fwUploading": "fw_uploading",
    "fwUpgrading": "fw_upgrading",
}


# Lookups ----------------------------------------------------------------------------------


def _output(coordinator: C, key: str) -> VideoOutput | None:
    return coordinator.data.video_outputs.get(key)


def _input(coordinator: C, key: str) -> VideoInput | None:
    return coordinator.data.video_inputs.get(key)


def _port(coordinator: C, key: str) -> AudioPort | None:
    """Return the audio port of an item key ``inputs:STM1`` / ``outputs:ALL``."""
    kind, _, port_id = key.partition(":")
    ports = coordinator.data.audio_inputs if kind == "inputs" else coordinator.data.audio_outputs
    return ports.get(port_id)


def _audio_path(port: AudioPort) -> str:
    return f"{API}/audio/{port.kind}"


def _answers(coordinator: C, resource: str) -> bool:
    """Return whether an optional resource's last read worked."""
    return coordinator.client.capabilities.available(resource)


def input_labels(coordinator: C) -> dict[str, str]:
    """Return each input's label: its name, with its id where names repeat ("iPhone")."""
    inputs = coordinator.data.video_inputs
    names = [source.name for source in inputs.values()]
    return {
        key: source.name if names.count(source.name) == 1 else f"{source.name} ({key})"
        for key, source in inputs.items()
    }


def _input_name(coordinator: C, input_id: str | None) -> str | None:
    return input_labels(coordinator).get(input_id) if input_id is not None else None


def _input_id(coordinator: C, name: str) -> str:
    """Return the id of the input of a name (the options show names) or of an id."""
    inputs = coordinator.data.video_inputs
    labels = input_labels(coordinator)
    found = next((key for key, label in labels.items() if label == name), None)
    if found is None and name in inputs:
        found = name
    if found is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="aten_vp2730_unknown_option",
            translation_placeholders={"option": name},
        )
    return found


def _choice_options(choice: Choice | None, labels: Mapping[int, str]) -> list[str]:
    """Return the labels of a choice's valid values (unknown values by number)."""
    return [labels.get(value, str(value)) for value in choice.valid] if choice else []


def _choice_label(choice: Choice | None, labels: Mapping[int, str]) -> str | None:
    if not supported(choice) or choice is None:
        return None
    return labels.get(choice.value, str(choice.value))


def _label_value(option: str, labels: Mapping[int, str]) -> int:
    """Return the value of a label chosen from ``_choice_options``."""
    for value, label in labels.items():
        if label == option:
            return value
    return int(option)


def _item(fn: Callable[..., Any]) -> Any:
    """Type a description function that receives the item's model (``item_fn``)."""
    return fn


# Writes -----------------------------------------------------------------------------------


def _write(coordinator: C, command: Awaitable[Any], path: str) -> Awaitable[None]:
    return coordinator.async_write(command, path)


def _output_switch(key: str, attr: str, field: str, **kwargs: Any) -> ProAVSwitchDescription[C]:
    """Describe an on/off setting of a video output (exists where the output offers it)."""

    def choice(out: VideoOutput) -> Choice | None:
        return getattr(out, attr)  # type: ignore[no-any-return]

    return ProAVSwitchDescription[C](
        key=key,
        translation_key=key,
        item_fn=_output,
        is_on_fn=_item(lambda c, out: (value := choice(out)) is not None and value.on),
        set_fn=_item(
            lambda c, out, on: _write(
                c, c.client.async_set_output_switch(out.id, field, on), OUTPUTS
            )
        ),
        exists_fn=_item(lambda c, out: supported(choice(out))),
        available_fn=_item(lambda c, out: supported(choice(out))),
        **kwargs,
    )


def profile_labels(coordinator: C) -> dict[str, str]:
    """Return each profile's label: its name, with its id where names repeat."""
    profiles = coordinator.data.profiles
    names = [p.name for p in profiles.values()]
    return {
        key: p.name if names.count(p.name) == 1 else f"{p.name} ({key})"
        for key, p in profiles.items()
    }


def _current_profile(coordinator: C) -> str | None:
    now = coordinator.data.profile_now
    if now is None:
        return None
    return profile_labels(coordinator).get(now.id, now.name)


def _select_profile(coordinator: C, _: str, name: str) -> Awaitable[None]:
    labels = profile_labels(coordinator)
    key = next((key for key, label in labels.items() if label == name), None)
    profile = coordinator.data.profiles.get(key) if key is not None else None
    if profile is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="aten_vp2730_unknown_option",
            translation_placeholders={"option": name},
        )
    return _write(coordinator, coordinator.client.async_set_profile(profile), NOW)


NO_MODERATOR = "none"


def _moderator_options(coordinator: C) -> list[str]:
    """Return "none" and the participants' names (a moderator is one of them)."""
    return [NO_MODERATOR, *(p.name for p in coordinator.data.participants)]


def _moderator(coordinator: C) -> str | None:
    room = coordinator.data.room
    if room is None or room.moderator is None:
        return None
    if not room.moderator:
        return NO_MODERATOR
    return next((p.name for p in coordinator.data.participants if p.id == room.moderator), None)


def _select_moderator(coordinator: C, _: str, option: str) -> Awaitable[None]:
    moderator = next((p.id for p in coordinator.data.participants if p.name == option), "")
    return _write(coordinator, coordinator.client.async_set_room(moderator=moderator), ROOM)


def _resolution_labels(coordinator: C) -> Mapping[int, str]:
    return coordinator.data.resolutions


def _output_choice(
    key: str,
    attr: str,
    field: str,
    labels: Callable[[C], Mapping[int, str]],
    **kwargs: Any,
) -> ProAVSelectDescription[C]:
    """Describe a choice setting of a video output (exists where the output offers it)."""

    def choice(out: VideoOutput) -> Choice | None:
        return getattr(out, attr)  # type: ignore[no-any-return]

    return ProAVSelectDescription[C](
        key=key,
        translation_key=key,
        entity_category=EntityCategory.CONFIG,
        item_fn=_output,
        options_fn=_item(lambda c, out: _choice_options(choice(out), labels(c))),
        current_fn=_item(lambda c, out: _choice_label(choice(out), labels(c))),
        select_fn=_item(
            lambda c, out, option: _write(
                c,
                c.client.async_set_output_choice(out.id, field, _label_value(option, labels(c))),
                OUTPUTS,
            )
        ),
        exists_fn=_item(lambda c, out: supported(choice(out))),
        available_fn=_item(lambda c, out: supported(choice(out))),
        **kwargs,
    )


def _auto_switch_select(event: str, attr: str) -> ProAVSelectDescription[C]:
    """Describe the auto-switch mode of an output on source ``plugin`` / ``plugout``."""

    def choice(out: VideoOutput) -> Choice | None:
        return getattr(out, attr)  # type: ignore[no-any-return]

    return ProAVSelectDescription[C](
        key=f"auto_switch_{event}",
        translation_key=f"auto_switch_{event}",
        entity_category=EntityCategory.CONFIG,
        item_fn=_output,
        options_fn=_item(lambda c, out: _choice_options(choice(out), PLUG_MODES)),
        current_fn=_item(lambda c, out: _choice_label(choice(out), PLUG_MODES)),
        select_fn=_item(
            lambda c, out, option: _write(
                c,
                c.client.async_set_output_auto_switch(
                    out.id, event, _label_value(option, PLUG_MODES)
                ),
                OUTPUTS,
            )
        ),
        exists_fn=_item(lambda c, out: supported(choice(out))),
        available_fn=_item(lambda c, out: supported(choice(out))),
    )


def _set_configs(coordinator: C, **changes: int) -> Awaitable[None]:
    configs = coordinator.data.video_configs
    assert configs is not None  # the entity exists only with the resource
    return _write(
        coordinator, coordinator.client.async_set_video_configs(configs, **changes), CONFIGS
    )


# Descriptions -----------------------------------------------------------------------------

GO_LIVE = ProAVSwitchDescription[C](
    key="go_live",
    translation_key="go_live",
    capability=GOLIVE,
    item_fn=_output,
    is_on_fn=_item(lambda c, out: c.data.golive.get(out.id) == LIVE_PLAYING),
    set_fn=_item(lambda c, out, on: _write(c, c.client.async_set_live(out.id, on), GOLIVE)),
    # An output without go-live (status 0) never gets the switch; unknown yet: it waits.
    exists_fn=_item(lambda c, out: c.data.golive.get(out.id) not in (None, LIVE_UNSUPPORTED)),
    available_fn=_item(lambda c, out: c.data.golive.get(out.id) is not None),
)
OUTPUT_SWITCHES = (
    GO_LIVE,
    _output_switch("blank", "blank", "blank"),
    _output_switch("freeze", "freeze", "freeze"),
    _output_switch("output_osd", "osd", "osd", entity_category=EntityCategory.CONFIG),
    _output_switch("fix_hdcp", "fix_hdcp", "fixHDCP", entity_category=EntityCategory.CONFIG),
)
OUTPUT_SELECTS = (
    ProAVSelectDescription[C](
        key="video_source",
        translation_key="video_source",
        item_fn=_output,
        options_fn=lambda c, _: list(input_labels(c).values()),
        current_fn=_item(lambda c, out: _input_name(c, c.data.connections.get(out.id))),
        select_fn=_item(
            lambda c, out, name: _write(
                c, c.client.async_set_connection(out.id, _input_id(c, name)), CONNECTIONS
            )
        ),
        available_fn=_item(lambda c, out: out.id in c.data.connections),
    ),
    _output_choice(
        "resolution", "resolution", "displayResolution", _resolution_labels, capability=RESOLUTIONS
    ),
    _output_choice("fit_mode", "fit_mode", "fitMode", lambda _: FIT_MODES),
    _auto_switch_select("plugin", "plugin_mode"),
    _auto_switch_select("plugout", "plugout_mode"),
)
OUTPUT_CONNECTED = ProAVBinarySensorDescription[C](
    key="display_connected",
    translation_key="display_connected",
    device_class=BinarySensorDeviceClass.PLUG,
    item_fn=_output,
    is_on_fn=_item(lambda c, out: out.connected),
    available_fn=_item(lambda c, out: out.connected is not None),
)
GO_LIVE_STATUS = ProAVSensorDescription[C](
    key="go_live_status",
    translation_key="go_live_status",
    device_class=SensorDeviceClass.ENUM,
    options=list(LIVE_STATUSES.values()),
    capability=GOLIVE,
    item_fn=_output,
    value_fn=_item(lambda c, out: LIVE_STATUSES.get(c.data.golive.get(out.id, -1) or 0)),
    exists_fn=_item(lambda c, out: c.data.golive.get(out.id) not in (None, LIVE_UNSUPPORTED)),
    available_fn=_item(lambda c, out: c.data.golive.get(out.id) is not None),
)
INPUT_HDCP = ProAVSensorDescription[C](
    key="input_hdcp",
    translation_key="input_hdcp",
    device_class=SensorDeviceClass.ENUM,
    options=list(HDCP_VERSIONS.values()),
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
    item_fn=_input,
    value_fn=_item(
        lambda c, source: HDCP_VERSIONS.get(source.hdcp) if source.hdcp is not None else None
    ),
)
SNAPSHOT = ProAVButtonDescription[C](
    key="snapshot",
    translation_key="snapshot",
    item_fn=_output,
    press_fn=_item(lambda c, out: c.client.async_snapshot(out.id)),
)
INPUT_SIGNAL = ProAVBinarySensorDescription[C](
    key="video_input_signal",
    translation_key="video_input_signal",
    item_fn=_input,
    is_on_fn=_item(lambda c, source: source.signal),
    available_fn=_item(lambda c, source: source.signal is not None),
)
AUDIO_VOLUME = ProAVNumberDescription[C](
    key="audio_volume",
    translation_key="audio_volume",
    native_min_value=0,
    native_max_value=100,
    native_step=1,
    mode=NumberMode.SLIDER,
    item_fn=_port,
    value_fn=_item(lambda c, port: port.volume),
    set_fn=_item(
        lambda c, port, value: _write(
            c, c.client.async_set_audio(port.kind, port.id, volume=round(value)), _audio_path(port)
        )
    ),
    available_fn=_item(lambda c, port: _answers(c, _audio_path(port)) and port.volume is not None),
)
AUDIO_CONNECTED = ProAVBinarySensorDescription[C](
    key="audio_connected",
    translation_key="audio_connected",
    device_class=BinarySensorDeviceClass.PLUG,
    entity_category=EntityCategory.DIAGNOSTIC,
    item_fn=_port,
    is_on_fn=_item(lambda c, port: port.connected),
    available_fn=_item(
        lambda c, port: _answers(c, _audio_path(port)) and port.connected is not None
    ),
)
AUDIO_GAIN = ProAVNumberDescription[C](
    key="audio_gain",
    translation_key="audio_gain",
    entity_category=EntityCategory.CONFIG,
    native_min_value=0,
    native_max_value=30,
    native_step=1,
    item_fn=_port,
    value_fn=_item(lambda c, port: port.gain if port.has_gain else None),
    set_fn=_item(
        lambda c, port, value: _write(
            c, c.client.async_set_audio(port.kind, port.id, gain=round(value)), _audio_path(port)
        )
    ),
    exists_fn=_item(lambda c, port: port.has_gain),
    available_fn=_item(lambda c, port: _answers(c, _audio_path(port)) and port.has_gain),
)
AUDIO_MUTE = ProAVSwitchDescription[C](
    key="audio_mute",
    translation_key="audio_mute",
    item_fn=_port,
    is_on_fn=_item(lambda c, port: port.mute.on if port.mute is not None else None),
    set_fn=_item(
        lambda c, port, on: _write(
            c, c.client.async_set_audio(port.kind, port.id, mute=on), _audio_path(port)
        )
    ),
    exists_fn=_item(lambda c, port: supported(port.mute)),
    available_fn=_item(lambda c, port: _answers(c, _audio_path(port)) and supported(port.mute)),
)


def _osd_switch(
    key: str, attr: str, write: Callable[[C, bool], Awaitable[None]]
) -> ProAVSwitchDescription[C]:
    """Describe a global OSD on/off setting."""
    return ProAVSwitchDescription[C](
        key=key,
        translation_key=key,
        entity_category=EntityCategory.CONFIG,
        capability=OSD,
        is_on_fn=lambda c, _: c.data.osd is not None and getattr(c.data.osd, attr) == ON,
        set_fn=lambda c, _, on: _write(c, write(c, on), OSD),
        exists_fn=lambda c, _: c.data.osd is None or getattr(c.data.osd, attr) != UNSUPPORTED,
        available_fn=lambda c, _: c.data.osd is not None
        and getattr(c.data.osd, attr) not in (None, UNSUPPORTED),
    )


DEVICE_SWITCHES = (
    _osd_switch(
        "multiview_label",
        "multiview_label",
        lambda c, on: c.client.async_set_osd(multiview_label=on),
    ),
    _osd_switch(
        "system_event_notification",
        "system_event",
        lambda c, on: c.client.async_set_osd(system_event=on),
    ),
    _osd_switch(
        "interactive_event_notification",
        "interactive_event",
        lambda c, on: c.client.async_set_osd(interactive_event=on),
    ),
    ProAVSwitchDescription[C](
        key="room_verification",
        translation_key="room_verification",
        entity_category=EntityCategory.CONFIG,
        capability=ROOM,
        is_on_fn=lambda c, _: c.data.room is not None and c.data.room.verification == ON,
        set_fn=lambda c, _, on: _write(c, c.client.async_set_room_verification(on), ROOM),
        available_fn=lambda c, _: c.data.room is not None
        and c.data.room.verification not in (None, UNSUPPORTED),
    ),
)
DEVICE_SELECTS = (
    ProAVSelectDescription[C](
        key="profile",
        translation_key="profile",
        capability=PROFILES,
        options_fn=lambda c, _: list(profile_labels(c).values()),
        current_fn=lambda c, _: _current_profile(c),
        select_fn=_select_profile,
    ),
    ProAVSelectDescription[C](
        key="moderator",
        translation_key="moderator",
        entity_category=EntityCategory.CONFIG,
        capability=ROOM,
        options_fn=lambda c, _: _moderator_options(c),
        current_fn=lambda c, _: _moderator(c),
        select_fn=_select_moderator,
        available_fn=lambda c, _: c.data.room is not None,
    ),
    ProAVSelectDescription[C](
        key="osd_language",
        translation_key="osd_language",
        entity_category=EntityCategory.CONFIG,
        capability=OSD,
        options_fn=lambda c, _: list(c.data.osd.languages) if c.data.osd else [],
        current_fn=lambda c, _: c.data.osd.language if c.data.osd else None,
        select_fn=lambda c, _, option: _write(c, c.client.async_set_osd(language=option), OSD),
        available_fn=lambda c, _: c.data.osd is not None and c.data.osd.language is not None,
    ),
    ProAVSelectDescription[C](
        key="edid_mode",
        translation_key="edid_mode",
        entity_category=EntityCategory.CONFIG,
        capability=CONFIGS,
        options_fn=lambda c, _: _choice_options(
            c.data.video_configs.edid if c.data.video_configs else None, EDID_MODES
        ),
        current_fn=lambda c, _: _choice_label(
            c.data.video_configs.edid if c.data.video_configs else None, EDID_MODES
        ),
        select_fn=lambda c, _, option: _set_configs(c, edid=_label_value(option, EDID_MODES)),
        available_fn=lambda c, _: c.data.video_configs is not None
        and supported(c.data.video_configs.edid),
    ),
    ProAVSelectDescription[C](
        key="input_stream",
        translation_key="input_stream",
        entity_category=EntityCategory.CONFIG,
        capability=CONFIGS,
        options_fn=lambda c, _: _choice_options(
            c.data.video_configs.input_stream if c.data.video_configs else None, INPUT_STREAMS
        ),
        current_fn=lambda c, _: _choice_label(
            c.data.video_configs.input_stream if c.data.video_configs else None, INPUT_STREAMS
        ),
        select_fn=lambda c, _, option: _set_configs(
            c, input_stream=_label_value(option, INPUT_STREAMS)
        ),
        available_fn=lambda c, _: c.data.video_configs is not None
        and supported(c.data.video_configs.input_stream),
    ),
)
DEVICE_TEXTS = (
    ProAVTextDescription[C](
        key="room_name",
        translation_key="room_name",
        entity_category=EntityCategory.CONFIG,
        capability=ROOM,
        native_max=64,
        value_fn=lambda c, _: c.data.room.name if c.data.room else None,
        set_fn=lambda c, _, value: _write(c, c.client.async_set_room(name=value), ROOM),
        available_fn=lambda c, _: c.data.room is not None and c.data.room.name is not None,
    ),
    ProAVTextDescription[C](
        key="room_description",
        translation_key="room_description",
        entity_category=EntityCategory.CONFIG,
        capability=ROOM,
        native_max=255,
        value_fn=lambda c, _: c.data.room.description if c.data.room else None,
        set_fn=lambda c, _, value: _write(c, c.client.async_set_room(description=value), ROOM),
        available_fn=lambda c, _: c.data.room is not None,
    ),
)
ROOM_CODE_TEXT = ProAVTextDescription[C](
    key="room_code_text",
    translation_key="room_code_text",
    entity_category=EntityCategory.CONFIG,
    entity_registry_enabled_default=False,  # a secret: not in history unless wanted
    capability=ROOM,
    mode=TextMode.PASSWORD,
    native_min=1,
    native_max=32,  # the document gives no rule; the device refuses what it does not take
    value_fn=lambda c, _: c.data.room.code if c.data.room else None,
    set_fn=lambda c, _, value: _write(c, c.client.async_set_room(code=value), ROOM),
    available_fn=lambda c, _: c.data.room is not None and c.data.room.code is not None,
)
NEW_ROOM_CODE = ProAVButtonDescription[C](
    key="new_room_code",
    translation_key="new_room_code",
    entity_category=EntityCategory.CONFIG,
    capability=ROOM,
    press_fn=lambda c, _: _write(c, c.client.async_set_room(code=new_room_code()), ROOM),
    available_fn=lambda c, _: c.data.room is not None and c.data.room.code is not None,
)


def new_room_code() -> str:
    """Return a fresh random 4-digit room code (a daily security routine presses this)."""
    return f"{secrets.randbelow(10000):04d}"


NO_FOCUS = "none"


def _layout(coordinator: C) -> Multiview | None:
    """Return the multiview layout of the current profile."""
    now = coordinator.data.profile_now
    return coordinator.data.multiviews.get(now.multiview) if now is not None else None


def _window(coordinator: C, key: str) -> View | None:
    """Return a window (``window:<view id>``) of the current layout."""
    layout = _layout(coordinator)
    view_id = key.partition(":")[2]
    return next((v for v in layout.views if v.id == view_id), None) if layout else None


def _window_label(view_id: str) -> str:
    return f"Window {int(view_id) + 1}" if view_id.isdigit() else f"Window {view_id}"


def windows(coordinator: C) -> dict[str, str]:
    """Return the windows of the current layout as items (``window:<id>`` -> label)."""
    layout = _layout(coordinator)
    return {f"window:{v.id}": _window_label(v.id) for v in layout.views} if layout else {}


def _set_layout(coordinator: C, **changes: Any) -> Awaitable[None]:
    layout = _layout(coordinator)
    if layout is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="aten_vp2730_unknown_option",
            translation_placeholders={"option": "layout"},
        )
    command = coordinator.client.async_set_multiview(replace(layout, **changes))
    return _write(coordinator, command, MULTIVIEWS)


def _route_window(coordinator: C, view: View, name: str) -> Awaitable[None]:
    """Show an input in one window (the whole layout is written, as the device may need)."""
    source = _input_id(coordinator, name)
    layout = _layout(coordinator)
    views = tuple(
        replace(v, source=source) if v.id == view.id else v
        for v in (layout.views if layout else ())
    )
    return _set_layout(coordinator, views=views)


def _focus_options(coordinator: C) -> list[str]:
    layout = _layout(coordinator)
    return [NO_FOCUS, *(_window_label(v.id) for v in layout.views)] if layout else [NO_FOCUS]


def _focus(coordinator: C) -> str | None:
    layout = _layout(coordinator)
    if layout is None:
        return None
    if layout.main_view in ("", "-1"):
        return NO_FOCUS
    return _window_label(layout.main_view)


def _select_focus(coordinator: C, _: str, option: str) -> Awaitable[None]:
    layout = _layout(coordinator)
    ids = {_window_label(v.id): v.id for v in layout.views} if layout else {}
    return _set_layout(
        coordinator, main_view="-1" if option == NO_FOCUS else ids.get(option, option)
    )


WINDOW_SOURCE = ProAVSelectDescription[C](
    key="window_source",
    translation_key="window_source",
    capability=MULTIVIEWS,
    item_fn=_window,
    options_fn=lambda c, _: list(input_labels(c).values()),
    current_fn=_item(lambda c, view: _input_name(c, view.source)),
    select_fn=_item(_route_window),
)
FOCUS_VIEW = ProAVSelectDescription[C](
    key="focus_view",
    translation_key="focus_view",
    capability=MULTIVIEWS,
    options_fn=lambda c, _: _focus_options(c),
    current_fn=lambda c, _: _focus(c),
    select_fn=_select_focus,
    available_fn=lambda c, _: _layout(c) is not None,
)

DEVICE_SENSORS = (
    ProAVSensorDescription[C](
        key="participants",
        translation_key="participants",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        capability=PARTICIPANTS,
        value_fn=lambda c, _: len(c.data.participants),
        attributes_fn=lambda c, _: {
            "names": [p.name for p in c.data.participants],
            "sharing": [p.name for p in c.data.participants if p.share],
        },
    ),
    ProAVSensorDescription[C](
        key="room_code",
        translation_key="room_code",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        capability=ROOM,
        value_fn=lambda c, _: c.data.room.code if c.data.room else None,
    ),
    ProAVSensorDescription[C](
        key="device_status",
        translation_key="device_status",
        device_class=SensorDeviceClass.ENUM,
        options=list(STATUSES.values()),
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda c, _: STATUSES.get(c.data.info.status or ""),
    ),
    ProAVSensorDescription[C](
        key="last_boot",
        translation_key="last_boot",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda c, _: c.boot_time,
    ),
    ProAVSensorDescription[C](
        key="current_layout",
        translation_key="current_layout",
        capability=MULTIVIEWS,
        value_fn=lambda c, _: layout.description
        if c.data.profile_now and (layout := c.data.multiviews.get(c.data.profile_now.multiview))
        else None,
    ),
    ProAVSensorDescription[C](
        key="current_profile",
        translation_key="current_profile",
        capability=NOW,
        value_fn=lambda c, _: c.data.profile_now.name if c.data.profile_now else None,
        entity_registry_enabled_default=False,
    ),
)
SHARING = ProAVBinarySensorDescription[C](
    key="sharing",
    translation_key="sharing",
    capability=PARTICIPANTS,
    is_on_fn=lambda c, _: c.data.sharing,
)
SNAPSHOT_ALL = ProAVButtonDescription[C](
    key="snapshot_all",
    translation_key="snapshot_all",
    press_fn=lambda c, _: c.client.async_snapshot_all(list(c.data.video_outputs)),
)


@dataclass(frozen=True, kw_only=True)
class AtenPlayerDescription(MediaPlayerEntityDescription, ProAVEntityDescription[C]):
    """The main entity: the device as a player."""


@dataclass(frozen=True, kw_only=True)
class AtenCameraDescription(CameraEntityDescription, ProAVEntityDescription[C]):
    """An input's thumbnail."""


MAIN = AtenPlayerDescription(key="main", name=None)
THUMBNAIL = AtenCameraDescription(key="thumbnail", translation_key="thumbnail")


# Entities of their own --------------------------------------------------------------------


class AtenMediaPlayer(ProAVEntity[C], MediaPlayerEntity):
    """The switch as a player: master volume and mute, source of the first output."""

    entity_description: AtenPlayerDescription

    _attr_device_class = MediaPlayerDeviceClass.RECEIVER
    _attr_supported_features = (
        MediaPlayerEntityFeature.VOLUME_SET
        | MediaPlayerEntityFeature.VOLUME_MUTE
        | MediaPlayerEntityFeature.VOLUME_STEP
        | MediaPlayerEntityFeature.SELECT_SOURCE
    )
    _attr_volume_step = 0.05

    def _master(self) -> AudioPort | None:
        """Return audio output ALL (or the first output if a model names it otherwise)."""
        outputs = self.coordinator.data.audio_outputs
        return outputs.get(MASTER_OUTPUT) or next(iter(outputs.values()), None)

    def _first_output(self) -> str | None:
        return next(iter(self.coordinator.data.video_outputs), None)

    @property
    def state(self) -> MediaPlayerState:
        """Return playing while the first output is live, else on."""
        first = self._first_output()
        if first is not None and self.coordinator.data.golive.get(first) == LIVE_PLAYING:
            return MediaPlayerState.PLAYING
        return MediaPlayerState.ON

    @property
    def volume_level(self) -> float | None:
        """Return the master volume (0..1)."""
        master = self._master()
        return master.volume / 100 if master and master.volume is not None else None

    @property
    def is_volume_muted(self) -> bool | None:
        """Return whether the master output is muted."""
        master = self._master()
        return master.mute.on if master and master.mute is not None else None

    @property
    def source_list(self) -> list[str]:
        """Return the video inputs."""
        return list(input_labels(self.coordinator).values())

    @property
    def source(self) -> str | None:
        """Return the input shown on the first output."""
        first = self._first_output()
        if first is None:
            return None
        return _input_name(self.coordinator, self.coordinator.data.connections.get(first))

    async def _async_set_master(self, **changes: Any) -> None:
        if (master := self._master()) is None:
            return
        await self.async_command(
            _write(
                self.coordinator,
                self.coordinator.client.async_set_audio("outputs", master.id, **changes),
                f"{API}/audio/outputs",
            )
        )

    async def async_set_volume_level(self, volume: float) -> None:
        """Set the master volume."""
        await self._async_set_master(volume=round(volume * 100))

    async def async_mute_volume(self, mute: bool) -> None:
        """Mute or unmute the master output."""
        await self._async_set_master(mute=mute)

    async def async_select_source(self, source: str) -> None:
        """Route an input to the first output."""
        if (first := self._first_output()) is None:
            return
        await self.async_command(
            _write(
                self.coordinator,
                self.coordinator.client.async_set_connection(
                    first, _input_id(self.coordinator, source)
                ),
                CONNECTIONS,
            )
        )


OUTPUT_PLAYER = AtenPlayerDescription(
    key="output_player", translation_key="output_player", item_fn=_output
)


class AtenOutputPlayer(ProAVEntity[C], MediaPlayerEntity):
    """One display as a player: source = the input routed to it, playing while it is live.

    Play and stop start and stop going live where the output can, so each display works in
    dashboards and by voice ("show Source 2 on Display B").
    """

    entity_description: AtenPlayerDescription

    _attr_device_class = MediaPlayerDeviceClass.RECEIVER

    def __init__(self, coordinator: C, device_info: DeviceInfo, item: Item) -> None:
        """Name the player after its output."""
        super().__init__(coordinator, OUTPUT_PLAYER, device_info, item)

    @property
    def _live(self) -> int | None:
        return self.coordinator.data.golive.get(self.item_key)

    @property
    def supported_features(self) -> MediaPlayerEntityFeature:
        """Return source selection, and play/stop where the output can go live."""
        features = MediaPlayerEntityFeature.SELECT_SOURCE
        if self._live not in (None, LIVE_UNSUPPORTED):
            features |= MediaPlayerEntityFeature.PLAY | MediaPlayerEntityFeature.STOP
        return features

    @property
    def state(self) -> MediaPlayerState:
        """Return playing while the output is live, else on."""
        return MediaPlayerState.PLAYING if self._live == LIVE_PLAYING else MediaPlayerState.ON

    @property
    def source_list(self) -> list[str]:
        """Return the video inputs."""
        return list(input_labels(self.coordinator).values())

    @property
    def source(self) -> str | None:
        """Return the input routed to this output."""
        return _input_name(self.coordinator, self.coordinator.data.connections.get(self.item_key))

    async def async_select_source(self, source: str) -> None:
        """Route an input to this output."""
        client = self.coordinator.client
        await self.async_command(
            _write(
                self.coordinator,
                client.async_set_connection(self.item_key, _input_id(self.coordinator, source)),
                CONNECTIONS,
            )
        )

    async def async_media_play(self) -> None:
        """Go live on this output."""
        command = self.coordinator.client.async_set_live(self.item_key, True)
        await self.async_command(_write(self.coordinator, command, GOLIVE))

    async def async_media_stop(self) -> None:
        """Stop going live on this output."""
        command = self.coordinator.client.async_set_live(self.item_key, False)
        await self.async_command(_write(self.coordinator, command, GOLIVE))


@dataclass(frozen=True, kw_only=True)
class AtenEventDescription(EventEntityDescription, ProAVEntityDescription[C]):
    """An event entity fed by changes of the participants list."""


PARTICIPANT_EVENT = AtenEventDescription(
    key="participant",
    translation_key="participant",
    event_types=["joined", "left"],
    capability=PARTICIPANTS,
)
SHARING_EVENT = AtenEventDescription(
    key="sharing_event",
    translation_key="sharing_event",
    event_types=["sharing_started", "sharing_stopped"],
    capability=PARTICIPANTS,
)


class AtenParticipantEvents(ProAVEntity[C], EventEntity):
    """Who joins and leaves the room, and who starts or stops sharing (video, audio).

    For automations such as "somebody shares: projector on, lights down". Events come from
    changes of the participants list (pushed or polled); the list at setup fires nothing.
    """

    entity_description: AtenEventDescription

    def __init__(
        self, coordinator: C, description: AtenEventDescription, device_info: DeviceInfo
    ) -> None:
        """Remember the participants as they are now."""
        super().__init__(coordinator, description, device_info)
        self._known = {p.id: p for p in coordinator.data.participants}

    @callback
    def _handle_coordinator_update(self) -> None:
        """Fire an event per participant that came, went, or changed what it shares."""
        current = {p.id: p for p in self.coordinator.data.participants}
        sharing = self.entity_description.key == SHARING_EVENT.key
        if self.client_available:
            for participant_id, participant in current.items():
                before = self._known.get(participant_id)
                if not sharing:
                    if before is None:
                        self._fire("joined", participant.name, participant.share)
                elif set(participant.share) - set(before.share if before else ()):
                    self._fire("sharing_started", participant.name, participant.share)
                elif before is not None and not participant.share and before.share:
                    self._fire("sharing_stopped", participant.name, before.share)
            for participant_id, before in self._known.items():
                if participant_id in current:
                    continue
                if not sharing:
                    self._fire("left", before.name, ())
                elif before.share:
                    self._fire("sharing_stopped", before.name, before.share)
            self._known = current
        super()._handle_coordinator_update()

    @property
    def client_available(self) -> bool:
        """Return whether the participants list is known now (not failing)."""
        return self.coordinator.client.capabilities.available(PARTICIPANTS)

    def _fire(self, event_type: str, name: str, share: Iterable[str]) -> None:
        self._trigger_event(event_type, {"participant": name, "share": sorted(share)})
        self.async_write_ha_state()


SNAPSHOT_EVENT = AtenEventDescription(
    key="snapshot_result",
    translation_key="snapshot_result",
    event_types=["done", "failed"],
    item_fn=_output,
)


class AtenSnapshotEvents(ProAVEntity[C], EventEntity):
    """The result of each snapshot of one output, as the device reports it by push."""

    entity_description: AtenEventDescription

    def __init__(self, coordinator: C, device_info: DeviceInfo, item: Item) -> None:
        """Tie the entity to its output."""
        super().__init__(coordinator, SNAPSHOT_EVENT, device_info, item)

    async def async_added_to_hass(self) -> None:
        """Listen to the device's snapshot results."""
        await super().async_added_to_hass()
        listeners = self.coordinator.snapshot_listeners
        listeners.append(self._result)
        self.async_on_remove(lambda: listeners.remove(self._result))

    @callback
    def _result(self, output_id: str, result: str, payload: Mapping[str, Any]) -> None:
        if output_id != self.item_key:
            return
        self._trigger_event(result, {key: payload.get(key) for key in ("storage", "path", "state")})
        self.async_write_ha_state()


@dataclass(frozen=True, kw_only=True)
class AtenImageDescription(ImageEntityDescription, ProAVEntityDescription[C]):
    """A picture the device serves."""


QR_CODE = AtenImageDescription(
    key="room_qr_code",
    translation_key="room_qr_code",
    capability=ROOM,
    exists_fn=lambda c, _: c.data.room is not None and bool(c.data.room.qr_code),
)


class AtenQrCode(ProAVEntity[C], ImageEntity):
    """The room's join QR code, for a guest tablet (fetched from the configured address)."""

    entity_description: AtenImageDescription

    def __init__(self, coordinator: C, device_info: DeviceInfo) -> None:
        """Remember which QR code is shown."""
        ProAVEntity.__init__(self, coordinator, QR_CODE, device_info)
        ImageEntity.__init__(self, coordinator.hass)
        self._url = self._current_url()
        self._attr_image_last_updated = dt_util.utcnow()

    def _current_url(self) -> str:
        room = self.coordinator.data.room
        return room.qr_code if room is not None else ""

    @callback
    def _handle_coordinator_update(self) -> None:
        """Show a new image when the QR code changes (a new room code, a new address)."""
        if (url := self._current_url()) != self._url:
            self._url = url
            self._cached_image = None
            self._attr_image_last_updated = dt_util.utcnow()
        super()._handle_coordinator_update()

    async def async_image(self) -> bytes | None:
        """Return the QR code picture (PNG or JPEG as the device serves it)."""
        if not self._url:
            return None
        try:
            image = await self.coordinator.client.async_get_thumbnail(self._url)
        except ProAVError:
            return None
        if image.startswith(b"\xff\xd8"):
            self._attr_content_type = "image/jpeg"
        elif image.startswith(b"\x89PNG"):
            self._attr_content_type = "image/png"
        else:
            self._attr_content_type = "image/jpeg"
            return await self.hass.async_add_executor_job(to_jpeg, image)
        return image


class AtenThumbnail(ProAVEntity[C], Camera):
    """The device's thumbnail of one video input, served as JPEG.

    The device serves BMP, which the mobile app and casting handle poorly; it is converted in
    the executor (Pillow comes with Home Assistant).
    """

    entity_description: AtenCameraDescription

    def __init__(self, coordinator: C, device_info: DeviceInfo, item: Item) -> None:
        """Name the camera after its input."""
        ProAVEntity.__init__(self, coordinator, THUMBNAIL, device_info, item)
        Camera.__init__(self)
        self.content_type = "image/jpeg"

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return the input's current thumbnail as JPEG."""
        source = self.coordinator.data.video_inputs.get(self.item_key)
        if source is None or not source.thumbnail:
            return None
        try:
            image = await self.coordinator.client.async_get_thumbnail(source.thumbnail)
        except ProAVError:
            return None
        return await self.hass.async_add_executor_job(to_jpeg, image)


def to_jpeg(image: bytes) -> bytes | None:
    """Convert an image (the device's BMP) to JPEG; None when it is not an image."""
    try:
        with Image.open(io.BytesIO(image)) as picture:
            out = io.BytesIO()
            picture.convert("RGB").save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return out.getvalue()


# Which entities exist -----------------------------------------------------------------------

type Build = Callable[[C, DeviceInfo, Item | None], list[Entity]]


def _build[D](cls: Callable[..., Entity], *descriptions: D) -> Build:
    """Return a builder of one entity per description for the device or an item."""

    def build(coordinator: C, device_info: DeviceInfo, item: Item | None) -> list[Entity]:
        return [cls(coordinator, description, device_info, item) for description in descriptions]

    return build


DEVICE_ENTITIES: dict[Platform, Build] = {
    Platform.EVENT: lambda c, info, _: [
        AtenParticipantEvents(c, PARTICIPANT_EVENT, info),
        AtenParticipantEvents(c, SHARING_EVENT, info),
    ],
    Platform.MEDIA_PLAYER: lambda c, info, _: [AtenMediaPlayer(c, MAIN, info)],
    Platform.SWITCH: _build(ProAVSwitch, *DEVICE_SWITCHES),
    Platform.SELECT: _build(ProAVSelect, *DEVICE_SELECTS, FOCUS_VIEW),
    Platform.TEXT: _build(ProAVText, *DEVICE_TEXTS, ROOM_CODE_TEXT),
    Platform.SENSOR: _build(ProAVSensor, *DEVICE_SENSORS),
    Platform.BINARY_SENSOR: _build(ProAVBinarySensor, SHARING),
    Platform.BUTTON: _build(ProAVButton, SNAPSHOT_ALL, NEW_ROOM_CODE),
    Platform.IMAGE: lambda c, info, _: [AtenQrCode(c, info)],
}
OUTPUT_ENTITIES: dict[Platform, Build] = {
    Platform.EVENT: lambda c, info, item: [AtenSnapshotEvents(c, info, item)] if item else [],
    Platform.MEDIA_PLAYER: lambda c, info, item: [AtenOutputPlayer(c, info, item)] if item else [],
    Platform.SWITCH: _build(ProAVSwitch, *OUTPUT_SWITCHES),
    Platform.SELECT: _build(ProAVSelect, *OUTPUT_SELECTS),
    Platform.BINARY_SENSOR: _build(ProAVBinarySensor, OUTPUT_CONNECTED),
    Platform.BUTTON: _build(ProAVButton, SNAPSHOT),
    Platform.SENSOR: _build(ProAVSensor, GO_LIVE_STATUS),
}
INPUT_ENTITIES: dict[Platform, Build] = {
    Platform.BINARY_SENSOR: _build(ProAVBinarySensor, INPUT_SIGNAL),
    Platform.SENSOR: _build(ProAVSensor, INPUT_HDCP),
    Platform.CAMERA: lambda c, info, item: [AtenThumbnail(c, info, item)] if item else [],
}
WINDOW_ENTITIES: dict[Platform, Build] = {
    Platform.SELECT: _build(ProAVSelect, WINDOW_SOURCE),
}
AUDIO_ENTITIES: dict[Platform, Build] = {
    Platform.NUMBER: _build(ProAVNumber, AUDIO_VOLUME, AUDIO_GAIN),
    Platform.SWITCH: _build(ProAVSwitch, AUDIO_MUTE),
    Platform.BINARY_SENSOR: _build(ProAVBinarySensor, AUDIO_CONNECTED),
}

PLATFORMS = frozenset({*DEVICE_ENTITIES, *OUTPUT_ENTITIES, *INPUT_ENTITIES, *AUDIO_ENTITIES})


def outputs(coordinator: C) -> dict[str, str]:
    """Return the video outputs as items (id -> name)."""
    return {key: out.name for key, out in coordinator.data.video_outputs.items()}


def inputs(coordinator: C) -> dict[str, str]:
    """Return the video inputs as items (id -> name)."""
    return {key: source.name for key, source in coordinator.data.video_inputs.items()}


def audio_ports(coordinator: C) -> dict[str, str]:
    """Return the audio ports as items (``inputs:id`` / ``outputs:id`` -> name)."""
    data = coordinator.data
    return {
        **{f"inputs:{key}": port.label for key, port in data.audio_inputs.items()},
        **{f"outputs:{key}": port.label for key, port in data.audio_outputs.items()},
    }
