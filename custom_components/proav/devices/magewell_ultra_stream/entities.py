"""Entities of an Ultra Stream: descriptions for the generic platforms, plus the update entity."""

# Relative imports inside the package, parents included.
# ruff: noqa: TID252

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.button import ButtonDeviceClass
from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.components.update import UpdateEntity, UpdateEntityFeature
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfDataRate,
    UnitOfInformation,
    UnitOfTime,
)
from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ...binary_sensor import ProAVBinarySensorDescription
from ...button import ProAVButtonDescription
from ...const import DOMAIN
from ...entity import async_run_command
from ...number import ProAVNumberDescription
from ...select import ProAVSelectDescription
from ...sensor import ProAVSensorDescription
from ...switch import ProAVSwitchDescription
from ...text import ProAVTextDescription
from .coordinator import (
    MEDIA_FILES,
    InfoCoordinator,
    RecordingsCoordinator,
    SettingsCoordinator,
    StatusCoordinator,
)
from .models import (
    AUDIO_CHANNELS,
    DeviceStatus,
    DiskStatus,
    GainRange,
    Info,
    LiveServer,
    LiveState,
    Option,
    RecControl,
    Result,
    Status,
    Storage,
    Volume,
)


def _seconds(milliseconds: int | None) -> int | None:
    return None if milliseconds is None else milliseconds // 1000


def _low_space(storage: Storage) -> bool | None:
    if storage.status is None:
        return None
    return storage.status in (DiskStatus.FULL, DiskStatus.LOW_SPACE)


def _status_flag(flag: DeviceStatus) -> Callable[[StatusCoordinator, str], bool]:
    """Return an is_on function for one status mask flag."""
    return lambda coordinator, _: flag in coordinator.data.cur_status


# -- status: the contract entities and what users of the box watch ---------------------------

RECORDING = ProAVSwitchDescription[StatusCoordinator](
    key="recording",
    translation_key="recording",
    is_on_fn=lambda coordinator, _: coordinator.data.recording,
    set_fn=lambda coordinator, _, on: coordinator.async_set_running("recording", on),
)
STREAMING = ProAVSwitchDescription[StatusCoordinator](
    key="streaming",
    translation_key="streaming",
    is_on_fn=lambda coordinator, _: coordinator.data.streaming,
    set_fn=lambda coordinator, _, on: coordinator.async_set_running("streaming", on),
)

STATUS_BINARY_SENSORS = (
    ProAVBinarySensorDescription[StatusCoordinator](
        key="input_signal",
        translation_key="input_signal",
        is_on_fn=lambda coordinator, _: coordinator.data.signal.present,
    ),
    ProAVBinarySensorDescription[StatusCoordinator](
        key="audio_signal",
        translation_key="audio_signal",
        is_on_fn=lambda coordinator, _: coordinator.data.signal.audio_present,
    ),
    ProAVBinarySensorDescription[StatusCoordinator](
        key="usb_present",
        translation_key="usb_present",
        device_class=BinarySensorDeviceClass.PLUG,
        is_on_fn=lambda coordinator, _: coordinator.data.usb.present,
    ),
    ProAVBinarySensorDescription[StatusCoordinator](
        key="sd_present",
        translation_key="sd_present",
        device_class=BinarySensorDeviceClass.PLUG,
        is_on_fn=lambda coordinator, _: coordinator.data.sd.present,
    ),
    ProAVBinarySensorDescription[StatusCoordinator](
        key="usb_low_space",
        translation_key="usb_low_space",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda coordinator, _: _low_space(coordinator.data.usb),
    ),
    ProAVBinarySensorDescription[StatusCoordinator](
        key="sd_low_space",
        translation_key="sd_low_space",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda coordinator, _: _low_space(coordinator.data.sd),
    ),
    ProAVBinarySensorDescription[StatusCoordinator](
        key="occupied",
        translation_key="occupied",
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=_status_flag(DeviceStatus.OCCUPIED),
    ),
    ProAVBinarySensorDescription[StatusCoordinator](
        key="storage_too_slow",
        translation_key="storage_too_slow",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda coordinator, _: (
            # rec-status keeps result 3 after the recording ends (until clear-rec): only
            # a running recording can be too slow.
            None
            if (result := coordinator.data.rec.result) is None
            else coordinator.data.recording and result == Result.LOW_SPEED
        ),
    ),
    *(
        ProAVBinarySensorDescription[StatusCoordinator](
            key=key,
            translation_key=key,
            device_class=BinarySensorDeviceClass.RUNNING,
            entity_category=EntityCategory.DIAGNOSTIC,
            is_on_fn=_status_flag(flag),
        )
        for key, flag in (
            ("formatting_usb", DeviceStatus.FORMAT_DISK),
            ("formatting_sd", DeviceStatus.FORMAT_SD),
            ("firmware_updating", DeviceStatus.UPGRADE),
            ("rebooting", DeviceStatus.REBOOT),
        )
    ),
)


async def _async_clear_live_error(coordinator: StatusCoordinator) -> None:
    """Reset a live error to idle; say why when there is nothing to clear now."""
    data = coordinator.data
    if not {data.live.slot(0), data.live.slot(1)} & {LiveState.AUTH_ERROR, LiveState.ERROR}:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="ultra_stream_no_live_error"
        )
    if data.streaming:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="ultra_stream_clear_while_streaming"
        )
    await coordinator.async_apply(coordinator.client.clear_live())


def _storage(coordinator: StatusCoordinator, disk: str) -> Storage:
    storage: Storage = getattr(coordinator.data, disk)
    return storage


def _runway_sensors(disk: str) -> tuple[ProAVSensorDescription[StatusCoordinator], ...]:
    """Return the recording runway of a USB drive or SD card: time left, use, files."""

    def present(coordinator: StatusCoordinator, _item: Any) -> bool:
        return _storage(coordinator, disk).present is not False

    return (
        # free-sec: how long the free space lasts at the current bitrate (the box computes it).
        ProAVSensorDescription[StatusCoordinator](
            key=f"{disk}_time_left",
            translation_key=f"{disk}_time_left",
            suggested_display_precision=1,
            device_class=SensorDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.SECONDS,
            suggested_unit_of_measurement=UnitOfTime.HOURS,
            value_fn=lambda coordinator, _: _storage(coordinator, disk).free_seconds,
            available_fn=present,
        ),
        ProAVSensorDescription[StatusCoordinator](
            key=f"{disk}_usage",
            translation_key=f"{disk}_usage",
            suggested_display_precision=0,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=PERCENTAGE,
            value_fn=lambda coordinator, _: _storage(coordinator, disk).usage,
            available_fn=present,
        ),
        ProAVSensorDescription[StatusCoordinator](
            key=f"{disk}_file_count",
            translation_key=f"{disk}_file_count",
            suggested_display_precision=0,
            state_class=SensorStateClass.MEASUREMENT,
            entity_category=EntityCategory.DIAGNOSTIC,
            value_fn=lambda coordinator, _: _storage(coordinator, disk).file_count,
            available_fn=present,
        ),
    )


STATUS_SENSORS = (
    ProAVSensorDescription[StatusCoordinator](
        key="recording_duration",
        translation_key="recording_duration",
        suggested_display_precision=0,
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        value_fn=lambda coordinator, _: (
            _seconds(coordinator.data.rec.run_ms) if coordinator.data.recording else 0
        ),
    ),
    # cur-bps is in bytes per second (the vendor document's own arithmetic, and Companion).
    # One encode goes to both servers: the first slot's rate is the stream's, never the sum.
    ProAVSensorDescription[StatusCoordinator](
        key="streaming_bitrate",
        translation_key="streaming_bitrate",
        suggested_display_precision=2,
        device_class=SensorDeviceClass.DATA_RATE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfDataRate.BYTES_PER_SECOND,
        suggested_unit_of_measurement=UnitOfDataRate.MEGABITS_PER_SECOND,
        value_fn=lambda coordinator, _: (
            coordinator.data.live.cur_bps if coordinator.data.streaming else 0
        ),
    ),
    ProAVSensorDescription[StatusCoordinator](
        key="streaming_duration",
        translation_key="streaming_duration",
        suggested_display_precision=0,
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        value_fn=lambda coordinator, _: (
            _seconds(coordinator.data.live.run_ms) if coordinator.data.streaming else 0
        ),
    ),
    ProAVSensorDescription[StatusCoordinator](
        key="recording_bitrate",
        translation_key="recording_bitrate",
        suggested_display_precision=2,
        device_class=SensorDeviceClass.DATA_RATE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfDataRate.BYTES_PER_SECOND,
        suggested_unit_of_measurement=UnitOfDataRate.MEGABITS_PER_SECOND,
        value_fn=lambda coordinator, _: (
            coordinator.data.rec.cur_bps if coordinator.data.recording else 0
        ),
    ),
    ProAVSensorDescription[StatusCoordinator](
        key="input_resolution",
        translation_key="input_resolution",
        value_fn=lambda coordinator, _: coordinator.data.signal.resolution,
    ),
    ProAVSensorDescription[StatusCoordinator](
        key="input_frame_rate",
        translation_key="input_frame_rate",
        suggested_display_precision=2,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement="fps",
        value_fn=lambda coordinator, _: (
            coordinator.data.signal.frame_rate if coordinator.data.signal.present else None
        ),
    ),
    ProAVSensorDescription[StatusCoordinator](
        key="usb_free",
        translation_key="usb_free",
        suggested_display_precision=1,
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIGABYTES,
        value_fn=lambda coordinator, _: coordinator.data.usb.free,
        available_fn=lambda coordinator, _: coordinator.data.usb.present is not False,
    ),
    ProAVSensorDescription[StatusCoordinator](
        key="sd_free",
        translation_key="sd_free",
        suggested_display_precision=1,
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIGABYTES,
        value_fn=lambda coordinator, _: coordinator.data.sd.free,
        available_fn=lambda coordinator, _: coordinator.data.sd.present is not False,
    ),
    *(description for disk in ("usb", "sd") for description in _runway_sensors(disk)),
    ProAVSensorDescription[StatusCoordinator](
        key="cpu_usage",
        translation_key="cpu_usage",
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        value_fn=lambda coordinator, _: coordinator.data.cpu_usage,
    ),
    *(
        ProAVSensorDescription[StatusCoordinator](
            key=key,
            translation_key=key,
            entity_category=EntityCategory.DIAGNOSTIC,
            entity_registry_enabled_default=False,
            value_fn=value_fn,
        )
        for key, value_fn in (
            ("ethernet_address", lambda coordinator, _: coordinator.data.eth_ip or None),
            ("wifi_address", lambda coordinator, _: coordinator.data.wifi_ip or None),
        )
    ),
    ProAVSensorDescription[StatusCoordinator](
        key="status_flags",
        translation_key="status_flags",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda coordinator, _: int(coordinator.data.cur_status),
        attributes_fn=lambda coordinator, _: {"flags": coordinator.data.cur_status.flag_names},
    ),
)


def _server_of_status(coordinator: StatusCoordinator, key: str) -> LiveServer | None:
    return coordinator.settings.server(key)


def _live_state(coordinator: StatusCoordinator, server: Any) -> LiveState | None:
    """Return a live server's connection state (``item_fn`` hands the server model in)."""
    assert isinstance(server, LiveServer)
    return coordinator.live_state(server)


def _slot_bps(coordinator: StatusCoordinator, server: Any) -> int | None:
    """Return the rate a live server receives (bytes per second), None without a slot."""
    assert isinstance(server, LiveServer)
    slot = coordinator.slot(server)
    if slot is None:
        return None
    if not coordinator.data.streaming:
        return 0
    return coordinator.data.live.cur_bps if slot == 0 else coordinator.data.live.cur_bps2


# One per configured live server; available while it is enabled (it then has one of the two
# slots). They stay registered when a server is disabled: names and history are kept.
LIVE_STATE = ProAVSensorDescription[StatusCoordinator](
    key="live_status",
    translation_key="live_status",
    device_class=SensorDeviceClass.ENUM,
    options=[state.value for state in LiveState],
    item_fn=_server_of_status,
    value_fn=lambda coordinator, server: _live_state(coordinator, server),
    available_fn=lambda coordinator, server: _live_state(coordinator, server) is not None,
)
LIVE_BITRATE = ProAVSensorDescription[StatusCoordinator](
    key="live_bitrate",
    translation_key="live_bitrate",
    suggested_display_precision=2,
    device_class=SensorDeviceClass.DATA_RATE,
    state_class=SensorStateClass.MEASUREMENT,
    native_unit_of_measurement=UnitOfDataRate.BYTES_PER_SECOND,
    suggested_unit_of_measurement=UnitOfDataRate.MEGABITS_PER_SECOND,
    item_fn=_server_of_status,
    value_fn=_slot_bps,
    available_fn=lambda coordinator, server: coordinator.slot(server) is not None,
)

BUTTONS = (
    ProAVButtonDescription[StatusCoordinator](
        key="restart",
        translation_key="restart",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda coordinator, _: coordinator.async_apply(coordinator.client.reboot()),
    ),
    ProAVButtonDescription[StatusCoordinator](
        key="check_firmware",
        translation_key="check_firmware",
        entity_category=EntityCategory.DIAGNOSTIC,
        press_fn=lambda coordinator, _: coordinator.async_apply(
            coordinator.client.check_firmware()
        ),
    ),
    # A live error (e.g. a refused stream key) stays until cleared: reset it to idle.
    ProAVButtonDescription[StatusCoordinator](
        key="clear_live_error",
        translation_key="clear_live_error",
        entity_category=EntityCategory.DIAGNOSTIC,
        press_fn=lambda coordinator, _: _async_clear_live_error(coordinator),
    ),
)

# -- settings ----------------------------------------------------------------------------------


def _flag_switch(key: str, setting: str) -> ProAVSwitchDescription[SettingsCoordinator]:
    """Return a config switch for one boolean setting."""
    return ProAVSwitchDescription[SettingsCoordinator](
        key=key,
        translation_key=key,
        entity_category=EntityCategory.CONFIG,
        is_on_fn=lambda coordinator, _: coordinator.data.flags.get(setting),
        set_fn=lambda coordinator, _, on: coordinator.async_apply(
            coordinator.client.set_flag(setting, on)
        ),
        available_fn=lambda coordinator, _: setting in coordinator.data.flags,
    )


SETTING_SWITCHES = (
    _flag_switch("auto_record", "is-auto-rec"),
    _flag_switch("live_lock", "is-auto-live"),
    _flag_switch("low_latency_live", "is-low-latency"),
    _flag_switch("stop_on_signal_loss", "is-signal-lost"),
    _flag_switch("upnp", "is-ssdp"),
    _flag_switch("auto_firmware_check", "is-check-update"),
)


def _enabled(server: Any) -> bool:
    assert isinstance(server, LiveServer)
    return server.enabled


def _server_id(server: Any) -> int:
    assert isinstance(server, LiveServer)
    return server.id


# One per configured live server: enabled servers receive the stream.
LIVE_SERVER = ProAVSwitchDescription[SettingsCoordinator](
    key="live_server",
    translation_key="live_server",
    entity_category=EntityCategory.CONFIG,
    item_fn=lambda coordinator, key: coordinator.server(key),
    is_on_fn=lambda _coordinator, server: _enabled(server),
    set_fn=lambda coordinator, server, on: coordinator.async_apply(
        coordinator.client.enable_server(_server_id(server), on)
    ),
)

DEVICE_NAME = ProAVTextDescription[SettingsCoordinator](
    key="device_name",
    translation_key="device_name",
    entity_category=EntityCategory.CONFIG,
    native_min=1,
    native_max=32,
    # The device's charset: letters, digits, space and ._-+'[](); no space at either end.
    pattern=r"^(?! )[A-Za-z0-9 ._\-+'\[\]()]{1,32}(?<! )$",
    value_fn=lambda coordinator, _: coordinator.data.name,
    set_fn=lambda coordinator, _, name: coordinator.async_apply(coordinator.client.set_name(name)),
)

AUDIO_SYNC_OFFSET = ProAVNumberDescription[SettingsCoordinator](
    key="audio_sync_offset",
    translation_key="audio_sync_offset",
    entity_category=EntityCategory.CONFIG,
    native_min_value=-200,
    native_max_value=200,
    native_step=1,
    native_unit_of_measurement=UnitOfTime.MILLISECONDS,
    value_fn=lambda coordinator, _: coordinator.data.audio_sync_offset,
    set_fn=lambda coordinator, _, value: coordinator.async_apply(
        coordinator.client.set_sync_offset(round(value))
    ),
)


def _volume(coordinator: SettingsCoordinator) -> Volume:
    volume = coordinator.data.volume
    assert volume is not None  # the entities exist only while the box reports it
    return volume


def _audio_mute(channel: str) -> ProAVSwitchDescription[SettingsCoordinator]:
    """Return the mute switch of an audio channel (on: muted)."""

    def is_on(coordinator: SettingsCoordinator, _item: Any) -> bool | None:
        enabled = _volume(coordinator).enabled(channel)
        return None if enabled is None else not enabled

    return ProAVSwitchDescription[SettingsCoordinator](
        key=f"{channel}_mute",
        translation_key=f"{channel}_mute",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda coordinator, _: coordinator.data.volume is not None,
        is_on_fn=is_on,
        set_fn=lambda coordinator, _, muted: coordinator.async_apply(
            coordinator.client.set_volume(
                _volume(coordinator).with_channel(channel, enabled=not muted)
            )
        ),
    )


AUDIO_MUTES = tuple(_audio_mute(channel) for channel in AUDIO_CHANNELS)

# The vendor document's ranges, for a box whose get-info leaves them out.
DEFAULT_GAIN_RANGES = {
    "input": GainRange(minimum=-100.0, maximum=6.0),
    "microphone": GainRange(minimum=-12.0, maximum=55.25),
    "headphone": GainRange(minimum=-57.0, maximum=6.0),
}


def _audio_gain(
    channel: str,
) -> Callable[[InfoCoordinator], ProAVNumberDescription[SettingsCoordinator]]:
    """Return a builder of an audio channel's gain, within the range the box reports."""

    def build(info: InfoCoordinator) -> ProAVNumberDescription[SettingsCoordinator]:
        limits = info.data.audio_range.get(channel, DEFAULT_GAIN_RANGES[channel])
        return ProAVNumberDescription[SettingsCoordinator](
            key=f"{channel}_gain",
            translation_key=f"{channel}_gain",
            entity_category=EntityCategory.CONFIG,
            native_min_value=limits.minimum,
            native_max_value=limits.maximum,
            native_step=0.25,
            native_unit_of_measurement="dB",
            exists_fn=lambda coordinator, _: coordinator.data.volume is not None,
            value_fn=lambda coordinator, _: _volume(coordinator).gain(channel),
            set_fn=lambda coordinator, _, gain: coordinator.async_apply(
                coordinator.client.set_volume(_volume(coordinator).with_channel(channel, gain=gain))
            ),
        )

    return build


AUDIO_GAIN_BUILDERS = tuple(_audio_gain(channel) for channel in AUDIO_CHANNELS)

SD_MODES = {"off": 0, "normal": 1, "loop": 2}


def _option_name(options: tuple[Option, ...], value: int | None) -> str | None:
    """Return the name of the option with a value."""
    return next((option.name for option in options if option.value == value), None)


def _option_value(options: tuple[Option, ...], name: str) -> int:
    """Return the value of the option with a name."""
    return next(option.value for option in options if option.name == name)


def _settings_select(
    key: str,
    options_fn: Callable[[Info], tuple[Option, ...]],
    current: Callable[[SettingsCoordinator], int | None],
    apply: Callable[[SettingsCoordinator, int], Any],
) -> Callable[[InfoCoordinator], ProAVSelectDescription[SettingsCoordinator]]:
    """Return a builder of a select whose options the box lists in get-info."""

    def build(info: InfoCoordinator) -> ProAVSelectDescription[SettingsCoordinator]:
        return ProAVSelectDescription[SettingsCoordinator](
            key=key,
            translation_key=key,
            entity_category=EntityCategory.CONFIG,
            options_fn=lambda _coordinator, _: [o.name for o in options_fn(info.data)],
            current_fn=lambda coordinator, _: _option_name(
                options_fn(info.data), current(coordinator)
            ),
            select_fn=lambda coordinator, _, name: coordinator.async_apply(
                apply(coordinator, _option_value(options_fn(info.data), name))
            ),
        )

    return build


def _set_video_kbps(coordinator: SettingsCoordinator, kbps: int) -> Any:
    """Set the main stream's bitrate, sending its other parameters unchanged."""
    return coordinator.client.set_video(0, coordinator.data.main_stream.with_kbps(kbps))


def _set_rec_control(coordinator: SettingsCoordinator, **changes: Any) -> Any:
    """Change recording control fields, sending the others unchanged."""
    control: RecControl = replace(coordinator.data.rec_control, **changes)
    return coordinator.client.set_rec_control(control)


SELECT_BUILDERS = (
    _settings_select(
        "video_bitrate",
        lambda info: info.video_kbps,
        lambda coordinator: coordinator.data.main_stream.kbps,
        _set_video_kbps,
    ),
    _settings_select(
        "audio_bitrate",
        lambda info: info.audio_kbps,
        lambda coordinator: coordinator.data.audio_kbps,
        lambda coordinator, kbps: coordinator.client.set_audio_kbps(kbps),
    ),
    _settings_select(
        "recording_split",
        lambda info: info.time_unit,
        lambda coordinator: coordinator.data.rec_control.time_unit,
        lambda coordinator, minutes: _set_rec_control(coordinator, time_unit=minutes),
    ),
)

SD_RECORDING = ProAVSelectDescription[SettingsCoordinator](
    key="sd_recording",
    translation_key="sd_recording",
    entity_category=EntityCategory.CONFIG,
    options=list(SD_MODES),
    current_fn=lambda coordinator, _: next(
        (k for k, v in SD_MODES.items() if v == coordinator.data.rec_control.sd_option), None
    ),
    select_fn=lambda coordinator, _, mode: coordinator.async_apply(
        _set_rec_control(coordinator, sd_option=SD_MODES[mode])
    ),
)
USB_RECORDING = ProAVSwitchDescription[SettingsCoordinator](
    key="usb_recording",
    translation_key="usb_recording",
    entity_category=EntityCategory.CONFIG,
    is_on_fn=lambda coordinator, _: (
        None if (option := coordinator.data.rec_control.usb_option) is None else bool(option)
    ),
    set_fn=lambda coordinator, _, on: coordinator.async_apply(
        _set_rec_control(coordinator, usb_option=int(on))
    ),
)


class UltraStreamFirmware(CoordinatorEntity[StatusCoordinator], UpdateEntity):
    """The box's firmware: installed (get-info), newest found online (get-status), install."""

    _attr_has_entity_name = True
    _attr_translation_key = "firmware"
    _attr_entity_category = EntityCategory.CONFIG
    _attr_supported_features = (
        UpdateEntityFeature.INSTALL
        | UpdateEntityFeature.PROGRESS
        | UpdateEntityFeature.RELEASE_NOTES
    )

    def __init__(self, coordinator: StatusCoordinator, device_info: DeviceInfo) -> None:
        """Tie the entity to the box."""
        super().__init__(coordinator)
        self._attr_unique_id = f"{coordinator.config_entry.unique_id}_firmware"
        self._attr_device_info = device_info

    async def async_added_to_hass(self) -> None:
        """Also follow get-info, where the installed version comes from."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.info.async_add_listener(self._handle_coordinator_update)
        )

    @property
    def installed_version(self) -> str | None:
        """Return the firmware the box runs."""
        return self.coordinator.info.data.firmware or None

    @property
    def latest_version(self) -> str | None:
        """Return the newest firmware the last online check found (or the installed one)."""
        return self.coordinator.data.upgrade.version or self.installed_version

    @property
    def in_progress(self) -> bool:
        """Return whether an update runs."""
        return DeviceStatus.UPGRADE in self.coordinator.data.cur_status

    @property
    def update_percentage(self) -> int | None:
        """Return the progress of the current update step (the box reports per step)."""
        if not self.in_progress:
            return None
        return self.coordinator.data.upgrade_status.percent

    @property
    def release_summary(self) -> str | None:
        """Return the start of the release notes."""
        return self.coordinator.data.upgrade.notes[:255] or None

    async def async_release_notes(self) -> str | None:
        """Return the release notes."""
        return self.coordinator.data.upgrade.notes or None

    async def async_update(self) -> None:
        """Check online for new firmware (the update_entity action), then read the status."""
        await async_run_command(
            self.coordinator,
            self.coordinator.async_apply(self.coordinator.client.check_firmware()),
        )

    async def async_install(self, version: str | None, backup: bool, **kwargs: Any) -> None:
        """Install the firmware the online check found."""
        await async_run_command(
            self.coordinator,
            self.coordinator.async_apply(self.coordinator.client.install_firmware()),
        )


# -- events --------------------------------------------------------------------------------


type Happened = list[tuple[str, dict[str, Any]]]


@dataclass(frozen=True, kw_only=True)
class UltraStreamEventDescription(EventEntityDescription):
    """An event entity: what happened between two status reads."""

    events_fn: Callable[[StatusCoordinator, Status, Status], Happened]


def _running_events(kind: str) -> Callable[[StatusCoordinator, Status, Status], Happened]:
    """Return started/stopped of recording or streaming, and who did it."""

    def events(coordinator: StatusCoordinator, before: Status, after: Status) -> Happened:
        was, now = getattr(before, kind), getattr(after, kind)
        happened: Happened = []
        if was != now:
            by = coordinator.started_by(kind, now)
            happened.append(("started" if now else "stopped", {"by": by}))
        if kind == "streaming":
            old = {before.live.slot(0), before.live.slot(1)}
            new = {after.live.slot(0), after.live.slot(1)}
            if LiveState.AUTH_ERROR in new - old:
                happened.append(("auth_error", {}))
        return happened

    return events


def _signal_events(_coordinator: StatusCoordinator, before: Status, after: Status) -> Happened:
    was, now = before.signal.present, after.signal.present
    if was is None or now is None or was == now:
        return []
    return [("locked" if now else "lost", {"resolution": after.signal.resolution})]


def _storage_events(_coordinator: StatusCoordinator, before: Status, after: Status) -> Happened:
    happened: Happened = []
    for disk in ("usb", "sd"):
        old: Storage = getattr(before, disk)
        new: Storage = getattr(after, disk)
        if new.status is DiskStatus.FULL and old.status is not DiskStatus.FULL:
            happened.append(("full", {"medium": disk}))
    if after.rec.result == Result.LOW_SPEED and before.rec.result != Result.LOW_SPEED:
        happened.append(("too_slow", {}))
    return happened


EVENTS = (
    UltraStreamEventDescription(
        key="recording_event",
        translation_key="recording_event",
        event_types=["started", "stopped"],
        events_fn=_running_events("recording"),
    ),
    UltraStreamEventDescription(
        key="streaming_event",
        translation_key="streaming_event",
        event_types=["started", "stopped", "auth_error"],
        events_fn=_running_events("streaming"),
    ),
    UltraStreamEventDescription(
        key="signal_event",
        translation_key="signal_event",
        event_types=["lost", "locked"],
        events_fn=_signal_events,
    ),
    UltraStreamEventDescription(
        key="storage_event",
        translation_key="storage_event",
        event_types=["full", "too_slow"],
        events_fn=_storage_events,
    ),
)


class UltraStreamEvent(CoordinatorEntity[StatusCoordinator], EventEntity):
    """Something that happened on the box, seen by comparing successive status reads."""

    _attr_has_entity_name = True
    entity_description: UltraStreamEventDescription

    def __init__(
        self,
        coordinator: StatusCoordinator,
        description: UltraStreamEventDescription,
        device_info: DeviceInfo,
    ) -> None:
        """Tie the entity to the box; remember the status it starts from."""
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{coordinator.config_entry.unique_id}_{description.key}"
        self._attr_device_info = device_info
        self._last: Status | None = coordinator.data

    @callback
    def _handle_coordinator_update(self) -> None:
        """Fire what happened since the last read the entity saw."""
        if not self.coordinator.last_update_success:
            super()._handle_coordinator_update()
            return
        current = self.coordinator.data
        if self._last is not None and current is not self._last:
            for event_type, attributes in self.entity_description.events_fn(
                self.coordinator, self._last, current
            ):
                self._trigger_event(event_type, attributes)
        self._last = current
        super()._handle_coordinator_update()


# -- recordings ----------------------------------------------------------------------------


def _last_recording_attributes(
    coordinator: RecordingsCoordinator, _item: Any
) -> dict[str, Any] | None:
    recording = coordinator.data
    if recording is None:
        return None
    return {
        "medium": recording.medium,
        "created": recording.file.created,
        "duration": recording.file.duration_ms // 1000,
        "size": recording.file.size,
        "url": coordinator.client.download_url(recording.path, recording.file.name),
    }


LAST_RECORDING = ProAVSensorDescription[RecordingsCoordinator](
    key="last_recording",
    translation_key="last_recording",
    capability=MEDIA_FILES,
    value_fn=lambda coordinator, _: None
    if coordinator.data is None
    else coordinator.data.file.name,
    attributes_fn=_last_recording_attributes,
)
