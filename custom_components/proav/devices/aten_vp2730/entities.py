"""Entities of the ATEN VP2730: descriptions, the media player, the thumbnail cameras."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.camera import Camera, CameraEntityDescription
from homeassistant.components.media_player import (
    MediaPlayerDeviceClass,
    MediaPlayerEntity,
    MediaPlayerEntityDescription,
)
from homeassistant.components.media_player.const import MediaPlayerEntityFeature, MediaPlayerState
from homeassistant.components.number import NumberMode
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import EntityCategory, Platform
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity

from custom_components.proav.binary_sensor import ProAVBinarySensor, ProAVBinarySensorDescription
from custom_components.proav.button import ProAVButton, ProAVButtonDescription
from custom_components.proav.devices.errors import ProAVError
from custom_components.proav.entity import Item, ProAVEntity, ProAVEntityDescription
from custom_components.proav.number import ProAVNumber, ProAVNumberDescription
from custom_components.proav.select import ProAVSelect, ProAVSelectDescription
from custom_components.proav.sensor import ProAVSensor, ProAVSensorDescription
from custom_components.proav.switch import ProAVSwitch, ProAVSwitchDescription
from custom_components.proav.text import ProAVText, ProAVTextDescription

from .coordinator import AtenCoordinator
from .models import (
    API,
    LIVE_PLAYING,
    LIVE_PROTECTED,
    LIVE_STOPPED,
    LIVE_UNSUPPORTED,
    AudioPort,
    Choice,
    VideoOutput,
)

type C = AtenCoordinator

OSD, ROOM, CONFIGS = f"{API}/system/osd", f"{API}/system/room", f"{API}/video/configs"
OUTPUTS, CONNECTIONS = f"{API}/video/outputs", f"{API}/video/connections"
GOLIVE, NOW = f"{API}/video/golive", f"{API}/video/vpProfiles/now"
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


def _port(coordinator: C, key: str) -> AudioPort | None:
    """Return the audio port of an item key ``inputs:STM1`` / ``outputs:ALL``."""
    kind, _, port_id = key.partition(":")
    ports = coordinator.data.audio_inputs if kind == "inputs" else coordinator.data.audio_outputs
    return ports.get(port_id)


def _audio_path(key: str) -> str:
    return f"{API}/audio/{key.partition(':')[0]}"


def _input_name(coordinator: C, input_id: str | None) -> str | None:
    if input_id is None or (source := coordinator.data.video_inputs.get(input_id)) is None:
        return None
    return source.name


def _input_id(coordinator: C, name: str) -> str:
    """Return the id of the input of a name (the options show names)."""
    return next(
        (key for key, source in coordinator.data.video_inputs.items() if source.name == name), name
    )


def _choice_options(choice: Choice | None, labels: Mapping[int, str]) -> list[str]:
    """Return the labels of a choice's valid values (unknown values by number)."""
    return [labels.get(value, str(value)) for value in choice.valid] if choice else []


def _choice_label(choice: Choice | None, labels: Mapping[int, str]) -> str | None:
    if choice is None or not choice.supported:
        return None
    return labels.get(choice.value, str(choice.value))


def _label_value(option: str, labels: Mapping[int, str]) -> int:
    """Return the value of a label chosen from ``_choice_options``."""
    for value, label in labels.items():
        if label == option:
            return value
    return int(option)


# Writes -----------------------------------------------------------------------------------


def _write(coordinator: C, command: Awaitable[None], path: str) -> Awaitable[None]:
    return coordinator.async_write(command, path)


def _set_output_switch(field: str) -> Callable[[C, str, bool], Awaitable[None]]:
    return lambda c, key, on: _write(c, c.client.async_set_output_switch(key, field, on), OUTPUTS)


def _output_switch(key: str, attr: str, field: str, **kwargs: Any) -> ProAVSwitchDescription[C]:
    """Describe an on/off setting of a video output."""
    return ProAVSwitchDescription[C](
        key=key,
        translation_key=key,
        is_on_fn=lambda c, item: (out := _output(c, item)) is not None and getattr(out, attr).on,
        set_fn=_set_output_switch(field),
        available_fn=lambda c, item: (out := _output(c, item)) is not None
        and getattr(out, attr).supported,
        **kwargs,
    )


def _select_profile(coordinator: C, _: str, name: str) -> Awaitable[None]:
    profile = next(p for p in coordinator.data.profiles.values() if p.name == name)
    return _write(coordinator, coordinator.client.async_set_profile(profile), NOW)


NO_MODERATOR = "none"


def _moderator_options(coordinator: C) -> list[str]:
    """Return "none" and the participants' names (a moderator is one of them)."""
    return [NO_MODERATOR, *(p.name for p in coordinator.data.participants)]


def _moderator(coordinator: C) -> str | None:
    room = coordinator.data.room
    if room is None:
        return None
    if not room.moderator:
        return NO_MODERATOR
    return next((p.name for p in coordinator.data.participants if p.id == room.moderator), None)


def _select_moderator(coordinator: C, _: str, option: str) -> Awaitable[None]:
    moderator = next((p.id for p in coordinator.data.participants if p.name == option), "")
    return _write(coordinator, coordinator.client.async_set_room(moderator=moderator), ROOM)


def _resolution_labels(coordinator: C) -> Mapping[int, str]:
    return coordinator.data.resolutions


def _auto_switch_select(event: str, attr: str) -> ProAVSelectDescription[C]:
    """Describe the auto-switch mode of an output on source ``plugin`` / ``plugout``."""

    def choice(c: C, item: str) -> Choice | None:
        return getattr(_output(c, item), attr, None)

    return ProAVSelectDescription[C](
        key=f"auto_switch_{event}",
        translation_key=f"auto_switch_{event}",
        entity_category=EntityCategory.CONFIG,
        options_fn=lambda c, item: _choice_options(choice(c, item), PLUG_MODES),
        current_fn=lambda c, item: _choice_label(choice(c, item), PLUG_MODES),
        select_fn=lambda c, item, option: _write(
            c,
            c.client.async_set_output_auto_switch(item, event, _label_value(option, PLUG_MODES)),
            OUTPUTS,
        ),
        available_fn=lambda c, item: (mode := choice(c, item)) is not None and mode.supported,
    )


# Descriptions -----------------------------------------------------------------------------

GO_LIVE = ProAVSwitchDescription[C](
    key="go_live",
    translation_key="go_live",
    is_on_fn=lambda c, item: c.data.golive.get(item) == LIVE_PLAYING,
    set_fn=lambda c, item, on: _write(c, c.client.async_set_live(item, on), GOLIVE),
    available_fn=lambda c, item: c.data.golive.get(item, LIVE_UNSUPPORTED) != LIVE_UNSUPPORTED,
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
        options_fn=lambda c, _: [source.name for source in c.data.video_inputs.values()],
        current_fn=lambda c, item: _input_name(c, c.data.connections.get(item)),
        select_fn=lambda c, item, name: _write(
            c, c.client.async_set_connection(item, _input_id(c, name)), CONNECTIONS
        ),
        available_fn=lambda c, item: item in c.data.connections,
    ),
    ProAVSelectDescription[C](
        key="resolution",
        translation_key="resolution",
        entity_category=EntityCategory.CONFIG,
        options_fn=lambda c, item: _choice_options(
            getattr(_output(c, item), "resolution", None), _resolution_labels(c)
        ),
        current_fn=lambda c, item: _choice_label(
            getattr(_output(c, item), "resolution", None), _resolution_labels(c)
        ),
        select_fn=lambda c, item, option: _write(
            c,
            c.client.async_set_output_choice(
                item, "displayResolution", _label_value(option, _resolution_labels(c))
            ),
            OUTPUTS,
        ),
        available_fn=lambda c, item: (out := _output(c, item)) is not None
        and out.resolution.supported,
    ),
    ProAVSelectDescription[C](
        key="fit_mode",
        translation_key="fit_mode",
        entity_category=EntityCategory.CONFIG,
        options_fn=lambda c, item: _choice_options(
            getattr(_output(c, item), "fit_mode", None), FIT_MODES
        ),
        current_fn=lambda c, item: _choice_label(
            getattr(_output(c, item), "fit_mode", None), FIT_MODES
        ),
        select_fn=lambda c, item, option: _write(
            c,
            c.client.async_set_output_choice(item, "fitMode", _label_value(option, FIT_MODES)),
            OUTPUTS,
        ),
        available_fn=lambda c, item: (out := _output(c, item)) is not None
        and out.fit_mode.supported,
    ),
    _auto_switch_select("plugin", "plugin_mode"),
    _auto_switch_select("plugout", "plugout_mode"),
)
OUTPUT_CONNECTED = ProAVBinarySensorDescription[C](
    key="display_connected",
    translation_key="display_connected",
    device_class=BinarySensorDeviceClass.PLUG,
    is_on_fn=lambda c, item: (out := _output(c, item)) is not None and out.status == 0,
    available_fn=lambda c, item: (out := _output(c, item)) is not None and out.status != 2,
)
GO_LIVE_STATUS = ProAVSensorDescription[C](
    key="go_live_status",
    translation_key="go_live_status",
    device_class=SensorDeviceClass.ENUM,
    options=list(LIVE_STATUSES.values()),
    value_fn=lambda c, item: LIVE_STATUSES.get(c.data.golive.get(item, LIVE_UNSUPPORTED)),
    available_fn=lambda c, item: item in c.data.golive,
)
INPUT_HDCP = ProAVSensorDescription[C](
    key="input_hdcp",
    translation_key="input_hdcp",
    device_class=SensorDeviceClass.ENUM,
    options=list(HDCP_VERSIONS.values()),
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
    value_fn=lambda c, item: HDCP_VERSIONS.get(source.hdcp)
    if (source := c.data.video_inputs.get(item))
    else None,
    available_fn=lambda c, item: item in c.data.video_inputs,
)
SNAPSHOT = ProAVButtonDescription[C](
    key="snapshot",
    translation_key="snapshot",
    press_fn=lambda c, item: c.client.async_snapshot(item),
)
INPUT_SIGNAL = ProAVBinarySensorDescription[C](
    key="video_input_signal",
    translation_key="video_input_signal",
    is_on_fn=lambda c, item: (source := c.data.video_inputs.get(item)) is not None
    and source.status == 0,
    available_fn=lambda c, item: (source := c.data.video_inputs.get(item)) is not None
    and source.status != 2,
)
AUDIO_VOLUME = ProAVNumberDescription[C](
    key="audio_volume",
    translation_key="audio_volume",
    native_min_value=0,
    native_max_value=100,
    native_step=1,
    mode=NumberMode.SLIDER,
    value_fn=lambda c, item: port.volume if (port := _port(c, item)) else None,
    set_fn=lambda c, item, value: _write(
        c,
        c.client.async_set_audio(
            item.partition(":")[0], item.partition(":")[2], volume=round(value)
        ),
        _audio_path(item),
    ),
    available_fn=lambda c, item: _port(c, item) is not None,
)
AUDIO_CONNECTED = ProAVBinarySensorDescription[C](
    key="audio_connected",
    translation_key="audio_connected",
    device_class=BinarySensorDeviceClass.PLUG,
    entity_category=EntityCategory.DIAGNOSTIC,
    is_on_fn=lambda c, item: (port := _port(c, item)) is not None and port.status == 0,
    available_fn=lambda c, item: (port := _port(c, item)) is not None and port.status != 2,
)
AUDIO_GAIN = ProAVNumberDescription[C](
    key="audio_gain",
    translation_key="audio_gain",
    entity_category=EntityCategory.CONFIG,
    native_min_value=0,
    native_max_value=30,
    native_step=1,
    value_fn=lambda c, item: port.gain if (port := _port(c, item)) and port.gain >= 0 else None,
    set_fn=lambda c, item, value: _write(
        c,
        c.client.async_set_audio(item.partition(":")[0], item.partition(":")[2], gain=round(value)),
        _audio_path(item),
    ),
    available_fn=lambda c, item: (port := _port(c, item)) is not None and port.gain >= 0,
)
AUDIO_MUTE = ProAVSwitchDescription[C](
    key="audio_mute",
    translation_key="audio_mute",
    is_on_fn=lambda c, item: (port := _port(c, item)) is not None and port.mute.on,
    set_fn=lambda c, item, on: _write(
        c,
        c.client.async_set_audio(item.partition(":")[0], item.partition(":")[2], mute=on),
        _audio_path(item),
    ),
    available_fn=lambda c, item: (port := _port(c, item)) is not None and port.mute.supported,
)


def _osd_switch(
    key: str, attr: str, write: Callable[[C, bool], Awaitable[None]]
) -> ProAVSwitchDescription[C]:
    """Describe a global OSD on/off setting."""
    return ProAVSwitchDescription[C](
        key=key,
        translation_key=key,
        entity_category=EntityCategory.CONFIG,
        is_on_fn=lambda c, _: c.data.osd is not None and getattr(c.data.osd, attr) == 2,
        set_fn=lambda c, _, on: _write(c, write(c, on), OSD),
        available_fn=lambda c, _: c.data.osd is not None and getattr(c.data.osd, attr) != 0,
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
        is_on_fn=lambda c, _: c.data.room is not None and c.data.room.verification == 2,
        set_fn=lambda c, _, on: _write(c, c.client.async_set_room(verification=on), ROOM),
        available_fn=lambda c, _: c.data.room is not None and c.data.room.verification != 0,
    ),
)
DEVICE_SELECTS = (
    ProAVSelectDescription[C](
        key="profile",
        translation_key="profile",
        options_fn=lambda c, _: [profile.name for profile in c.data.profiles.values()],
        current_fn=lambda c, _: c.data.profile_now.name if c.data.profile_now else None,
        select_fn=_select_profile,
    ),
    ProAVSelectDescription[C](
        key="moderator",
        translation_key="moderator",
        entity_category=EntityCategory.CONFIG,
        options_fn=lambda c, _: _moderator_options(c),
        current_fn=lambda c, _: _moderator(c),
        select_fn=_select_moderator,
        available_fn=lambda c, _: c.data.room is not None,
    ),
    ProAVSelectDescription[C](
        key="osd_language",
        translation_key="osd_language",
        entity_category=EntityCategory.CONFIG,
        options_fn=lambda c, _: list(c.data.osd.languages) if c.data.osd else [],
        current_fn=lambda c, _: c.data.osd.language if c.data.osd else None,
        select_fn=lambda c, _, option: _write(c, c.client.async_set_osd(language=option), OSD),
        available_fn=lambda c, _: c.data.osd is not None,
    ),
    ProAVSelectDescription[C](
        key="edid_mode",
        translation_key="edid_mode",
        entity_category=EntityCategory.CONFIG,
        options_fn=lambda c, _: _choice_options(
            c.data.video_configs.edid if c.data.video_configs else None, EDID_MODES
        ),
        current_fn=lambda c, _: _choice_label(
            c.data.video_configs.edid if c.data.video_configs else None, EDID_MODES
        ),
        select_fn=lambda c, _, option: _write(
            c, c.client.async_set_video_configs(edid=_label_value(option, EDID_MODES)), CONFIGS
        ),
        available_fn=lambda c, _: c.data.video_configs is not None,
    ),
    ProAVSelectDescription[C](
        key="input_stream",
        translation_key="input_stream",
        entity_category=EntityCategory.CONFIG,
        options_fn=lambda c, _: _choice_options(
            c.data.video_configs.input_stream if c.data.video_configs else None, INPUT_STREAMS
        ),
        current_fn=lambda c, _: _choice_label(
            c.data.video_configs.input_stream if c.data.video_configs else None, INPUT_STREAMS
        ),
        select_fn=lambda c, _, option: _write(
            c,
            c.client.async_set_video_configs(input_stream=_label_value(option, INPUT_STREAMS)),
            CONFIGS,
        ),
        available_fn=lambda c, _: c.data.video_configs is not None
        and c.data.video_configs.input_stream.supported,
    ),
)
DEVICE_TEXTS = (
    ProAVTextDescription[C](
        key="room_name",
        translation_key="room_name",
        entity_category=EntityCategory.CONFIG,
        native_max=64,
        value_fn=lambda c, _: c.data.room.name if c.data.room else None,
        set_fn=lambda c, _, value: _write(c, c.client.async_set_room(name=value), ROOM),
        available_fn=lambda c, _: c.data.room is not None,
    ),
    ProAVTextDescription[C](
        key="room_description",
        translation_key="room_description",
        entity_category=EntityCategory.CONFIG,
        native_max=255,
        value_fn=lambda c, _: c.data.room.description if c.data.room else None,
        set_fn=lambda c, _, value: _write(c, c.client.async_set_room(description=value), ROOM),
        available_fn=lambda c, _: c.data.room is not None,
    ),
)
DEVICE_SENSORS = (
    ProAVSensorDescription[C](
        key="participants",
        translation_key="participants",
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
        value_fn=lambda c, _: c.data.room.code if c.data.room else None,
    ),
    ProAVSensorDescription[C](
        key="device_status",
        translation_key="device_status",
        device_class=SensorDeviceClass.ENUM,
        options=list(STATUSES.values()),
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda c, _: STATUSES.get(c.data.info.status),
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
        value_fn=lambda c, _: layout.description
        if c.data.profile_now and (layout := c.data.multiviews.get(c.data.profile_now.multiview))
        else None,
    ),
    ProAVSensorDescription[C](
        key="current_profile",
        translation_key="current_profile",
        value_fn=lambda c, _: c.data.profile_now.name if c.data.profile_now else None,
        entity_registry_enabled_default=False,
    ),
)
SHARING = ProAVBinarySensorDescription[C](
    key="sharing", translation_key="sharing", is_on_fn=lambda c, _: c.data.sharing
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
        return master.volume / 100 if (master := self._master()) else None

    @property
    def is_volume_muted(self) -> bool | None:
        """Return whether the master output is muted."""
        return master.mute.on if (master := self._master()) else None

    @property
    def source_list(self) -> list[str]:
        """Return the video inputs."""
        return [source.name for source in self.coordinator.data.video_inputs.values()]

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


class AtenThumbnail(ProAVEntity[C], Camera):
    """The device's thumbnail of one video input (a BMP it refreshes itself)."""

    entity_description: AtenCameraDescription

    def __init__(self, coordinator: C, device_info: DeviceInfo, item: Item) -> None:
        """Name the camera after its input."""
        ProAVEntity.__init__(self, coordinator, THUMBNAIL, device_info, item)
        Camera.__init__(self)
        self.content_type = "image/bmp"

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return the input's current thumbnail."""
        source = self.coordinator.data.video_inputs.get(self.item_key)
        if source is None or not source.thumbnail:
            return None
        try:
            return await self.coordinator.client.async_get_thumbnail(source.thumbnail)
        except ProAVError:
            return None


# Which entities exist -----------------------------------------------------------------------

type Build = Callable[[C, DeviceInfo, Item | None], list[Entity]]


def _build[D](cls: Callable[..., Entity], *descriptions: D) -> Build:
    """Return a builder of one entity per description for the device or an item."""

    def build(coordinator: C, device_info: DeviceInfo, item: Item | None) -> list[Entity]:
        return [cls(coordinator, description, device_info, item) for description in descriptions]

    return build


DEVICE_ENTITIES: dict[Platform, Build] = {
    Platform.MEDIA_PLAYER: lambda c, info, _: [AtenMediaPlayer(c, MAIN, info)],
    Platform.SWITCH: _build(ProAVSwitch, *DEVICE_SWITCHES),
    Platform.SELECT: _build(ProAVSelect, *DEVICE_SELECTS),
    Platform.TEXT: _build(ProAVText, *DEVICE_TEXTS),
    Platform.SENSOR: _build(ProAVSensor, *DEVICE_SENSORS),
    Platform.BINARY_SENSOR: _build(ProAVBinarySensor, SHARING),
    Platform.BUTTON: _build(ProAVButton, SNAPSHOT_ALL),
}
OUTPUT_ENTITIES: dict[Platform, Build] = {
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
AUDIO_ENTITIES: dict[Platform, Build] = {
    Platform.NUMBER: _build(ProAVNumber, AUDIO_VOLUME, AUDIO_GAIN),
    Platform.SWITCH: _build(ProAVSwitch, AUDIO_MUTE),
    Platform.BINARY_SENSOR: _build(ProAVBinarySensor, AUDIO_CONNECTED),
}
# Entities created only where the device offers the feature (value 0 / gain -1: unsupported).
SUPPORTED: dict[str, Callable[[C, str], bool]] = {
    "audio_mute": lambda c, item: (port := _port(c, item)) is not None and port.mute.supported,
    "audio_gain": lambda c, item: (port := _port(c, item)) is not None and port.gain >= 0,
    **{
        description.key: description.available_fn
        for description in (*OUTPUT_SWITCHES[1:], *OUTPUT_SELECTS[1:])
    },
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
        **{f"inputs:{key}": port.name for key, port in data.audio_inputs.items()},
        **{f"outputs:{key}": port.name for key, port in data.audio_outputs.items()},
    }


def supported(coordinator: C, entity: Entity, item_key: str) -> bool:
    """Return whether the device offers the feature of an entity (decided at creation)."""
    description = entity.entity_description
    check = SUPPORTED.get(description.key)
    return check is None or check(coordinator, item_key)
