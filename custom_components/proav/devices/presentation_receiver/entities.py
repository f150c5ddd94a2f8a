"""Entities of a presentation receiver, described once and built by the generic platforms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
import re
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.button import ButtonDeviceClass
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.components.text import TextMode
from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
    UpdateEntityFeature,
)
from homeassistant.const import STATE_OFF, STATE_ON, EntityCategory, Platform
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from custom_components.proav.binary_sensor import ProAVBinarySensor, ProAVBinarySensorDescription
from custom_components.proav.button import ProAVButton, ProAVButtonDescription
from custom_components.proav.devices.base import ProAVRuntime
from custom_components.proav.entity import ProAVEntity, ProAVEntityDescription
from custom_components.proav.select import ProAVSelect, ProAVSelectDescription
from custom_components.proav.sensor import ProAVSensor, ProAVSensorDescription
from custom_components.proav.switch import ProAVSwitch, ProAVSwitchDescription
from custom_components.proav.text import ProAVText, ProAVTextDescription

from .coordinator import FirmwareCoordinator, ReceiverCoordinator
from .models import (
    LANGUAGES,
    LOGIN_CODE_FIXED,
    LOGIN_CODE_TYPES,
    POWER_MODE_SLEEP,
    POWER_MODES,
    RESOLUTIONS,
    SLEEP_TIMEOUTS,
    STATUSES,
    TIME_ZONES,
    VGA_RESOLUTIONS,
    WALLPAPERS,
    WIFI_BANDS,
    WIFI_GATEKEEPER,
    WIFI_MODE_AP,
    WIFI_MODE_OFF,
    WIFI_NETWORKING_MODES,
    WIFI_SECURITY,
)

type C = ReceiverCoordinator
# A text entity whose state breaks its own pattern cannot be written: check what the device sent.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,16}$")
CODE_PATTERN = re.compile(r"^[0-9]{4}$")
CONFIG = EntityCategory.CONFIG
DIAGNOSTIC = EntityCategory.DIAGNOSTIC


def _writable(coordinator: C, _item: str) -> bool:
    """Return whether the key may change settings (not a view-only key)."""
    return coordinator.can_write


def _wifi_writable(coordinator: C, _item: str) -> bool:
    """Return whether the access point can be changed (not while the device is a station)."""
    return coordinator.can_write and coordinator.data.wifi.settable


def _sleep_writable(coordinator: C, _item: str) -> bool:
    """Return whether the sleep timeout applies (power button in sleep mode)."""
    return coordinator.can_write and coordinator.data.power.mode == POWER_MODE_SLEEP


def _option_select(
    key: str,
    labels: Mapping[int, str],
    read: Callable[[C], int | None],
    write: Callable[[C, int], Awaitable[Any]],
    **kwargs: Any,
) -> ProAVSelectDescription[C]:
    """Describe a select over a numbered setting (options are translated state keys)."""
    values = {label: value for value, label in labels.items()}

    def current(coordinator: C, _item: str) -> str | None:
        value = read(coordinator)
        return None if value is None else labels.get(value)

    return ProAVSelectDescription[C](
        key=key,
        translation_key=key,
        entity_category=CONFIG,
        options=list(labels.values()),
        current_fn=current,
        select_fn=lambda coordinator, _, option: write(coordinator, values[option]),
        available_fn=kwargs.pop("available_fn", _writable),
        **kwargs,
    )


def _wifi_select(key: str, labels: Mapping[int, str], setting: str) -> ProAVSelectDescription[C]:
    """Describe a disabled-by-default select of one access point setting.

    ``setting`` is both the query parameter and the field of models.Wifi.
    """
    return _option_select(
        key,
        labels,
        lambda coordinator: getattr(coordinator.data.wifi, setting),
        lambda coordinator, value: coordinator.async_set_wifi(**{setting: value}),
        available_fn=_wifi_writable,
        entity_registry_enabled_default=False,
    )


def _resolution_options(coordinator: C, _item: str) -> list[str]:
    """Return the resolutions the outputs allow now (fewer while VGA is on)."""
    allowed = VGA_RESOLUTIONS if coordinator.data.resolution.vga_enabled else RESOLUTIONS
    return [RESOLUTIONS[value] for value in allowed]


SENSORS: tuple[ProAVSensorDescription[C], ...] = (
    ProAVSensorDescription[C](
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=list(STATUSES),
        value_fn=lambda coordinator, _: coordinator.data.device.status,
        attributes_fn=lambda coordinator, _: {"all_states": list(coordinator.data.device.states)},
    ),
    ProAVSensorDescription[C](
        key="login_code",
        translation_key="login_code",
        value_fn=lambda coordinator, _: coordinator.data.login.code or None,
    ),
    ProAVSensorDescription[C](
        key="last_boot",
        translation_key="last_boot",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=DIAGNOSTIC,
        value_fn=lambda coordinator, _: coordinator.data.boot_time,
    ),
    ProAVSensorDescription[C](
        key="device_time",
        translation_key="device_time",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda coordinator, _: coordinator.data.clock,
    ),
    ProAVSensorDescription[C](
        key="ntp_server",
        translation_key="ntp_server",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda coordinator, _: coordinator.data.ntp.server or None,
        attributes_fn=lambda coordinator, _: {"port": coordinator.data.ntp.port},
    ),
    ProAVSensorDescription[C](
        key="ip_address",
        translation_key="ip_address",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda coordinator, _: coordinator.data.ethernet.ip or None,
        attributes_fn=lambda coordinator, _: {
            "netmask": coordinator.data.ethernet.mask,
            "gateway": coordinator.data.ethernet.gateway,
            "dns": [
                dns
                for dns in (coordinator.data.ethernet.dns1, coordinator.data.ethernet.dns2)
                if dns
            ],
        },
    ),
    ProAVSensorDescription[C](
        key="ethernet_mac",
        translation_key="ethernet_mac",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda coordinator, _: coordinator.data.mac.ethernet or None,
    ),
    ProAVSensorDescription[C](
        key="wifi_mac",
        translation_key="wifi_mac",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda coordinator, _: coordinator.data.mac.wifi or None,
    ),
    ProAVSensorDescription[C](
        key="wifi_ssid",
        translation_key="wifi_ssid",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda coordinator, _: coordinator.data.wifi.ssid or None,
    ),
)

BINARY_SENSORS: tuple[ProAVBinarySensorDescription[C], ...] = (
    ProAVBinarySensorDescription[C](
        key="sharing",
        translation_key="sharing",
        is_on_fn=lambda coordinator, _: coordinator.data.device.sharing,
    ),
    ProAVBinarySensorDescription[C](
        key="sender_connected",
        translation_key="sender_connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        is_on_fn=lambda coordinator, _: coordinator.data.device.sender_connected,
    ),
    ProAVBinarySensorDescription[C](
        key="sleeping",
        translation_key="sleeping",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        is_on_fn=lambda coordinator, _: "sleeping" in coordinator.data.device.states,
    ),
    ProAVBinarySensorDescription[C](
        key="hdmi_connected",
        translation_key="hdmi_connected",
        device_class=BinarySensorDeviceClass.PLUG,
        entity_category=DIAGNOSTIC,
        is_on_fn=lambda coordinator, _: coordinator.data.resolution.hdmi_connected,
    ),
    ProAVBinarySensorDescription[C](
        key="hdmi_cec",
        translation_key="hdmi_cec",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        is_on_fn=lambda coordinator, _: coordinator.data.resolution.hdmi_cec,
    ),
    ProAVBinarySensorDescription[C](
        key="reboot_required",
        translation_key="reboot_required",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=DIAGNOSTIC,
        is_on_fn=lambda coordinator, _: coordinator.data.reboot_required,
    ),
    ProAVBinarySensorDescription[C](
        key="dhcp",
        translation_key="dhcp",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        is_on_fn=lambda coordinator, _: coordinator.data.ethernet.dhcp,
    ),
)

DISPLAY = ProAVSwitchDescription[C](
    key="display",
    translation_key="display",
    available_fn=_writable,
    is_on_fn=lambda coordinator, _: coordinator.data.display_on,
    set_fn=lambda coordinator, _, on: coordinator.async_set_display(on),
)

SWITCHES: tuple[ProAVSwitchDescription[C], ...] = (
    ProAVSwitchDescription[C](
        key="remote_view",
        translation_key="remote_view",
        entity_category=CONFIG,
        available_fn=_writable,
        is_on_fn=lambda coordinator, _: coordinator.data.remote_view,
        set_fn=lambda coordinator, _, on: coordinator.async_set_remote_view(on),
    ),
    ProAVSwitchDescription[C](
        key="vga_output",
        translation_key="vga_output",
        entity_category=CONFIG,
        available_fn=_writable,
        is_on_fn=lambda coordinator, _: coordinator.data.resolution.vga_enabled,
        set_fn=lambda coordinator, _, on: coordinator.async_set_vga(on),
    ),
    ProAVSwitchDescription[C](
        key="ntp_sync",
        translation_key="ntp_sync",
        entity_category=CONFIG,
        available_fn=_writable,
        is_on_fn=lambda coordinator, _: coordinator.data.ntp.auto,
        set_fn=lambda coordinator, _, on: coordinator.async_set_ntp(auto=on),
    ),
    ProAVSwitchDescription[C](
        key="wifi_access_point",
        translation_key="wifi_access_point",
        entity_category=CONFIG,
        entity_registry_enabled_default=False,
        available_fn=_wifi_writable,
        is_on_fn=lambda coordinator, _: coordinator.data.wifi.mode == WIFI_MODE_AP,
        set_fn=lambda coordinator, _, on: coordinator.async_set_wifi(
            mode=WIFI_MODE_AP if on else WIFI_MODE_OFF
        ),
    ),
    ProAVSwitchDescription[C](
        key="wifi_hidden",
        translation_key="wifi_hidden",
        entity_category=CONFIG,
        entity_registry_enabled_default=False,
        available_fn=_wifi_writable,
        is_on_fn=lambda coordinator, _: coordinator.data.wifi.hidden,
        set_fn=lambda coordinator, _, on: coordinator.async_set_wifi(hideSSID=on),
    ),
)

SELECTS: tuple[ProAVSelectDescription[C], ...] = (
    ProAVSelectDescription[C](
        key="output_resolution",
        translation_key="output_resolution",
        entity_category=CONFIG,
        available_fn=_writable,
        options_fn=_resolution_options,
        current_fn=lambda coordinator, _: RESOLUTIONS.get(coordinator.data.resolution.hdmi),
        select_fn=lambda coordinator, _, option: coordinator.async_set_resolution(
            next(value for value, label in RESOLUTIONS.items() if label == option)
        ),
    ),
    _option_select(
        "language",
        LANGUAGES,
        lambda coordinator: coordinator.data.language,
        lambda coordinator, value: coordinator.async_set_language(value),
    ),
    _option_select(
        "login_code_mode",
        LOGIN_CODE_TYPES,
        lambda coordinator: coordinator.data.login.type,
        lambda coordinator, value: coordinator.async_set_login_mode(value),
    ),
    _option_select(
        "wallpaper",
        WALLPAPERS,
        lambda coordinator: coordinator.data.wallpaper,
        lambda coordinator, value: coordinator.async_select_wallpaper(value),
    ),
    _option_select(
        "power_button_mode",
        POWER_MODES,
        lambda coordinator: coordinator.data.power.mode,
        lambda coordinator, value: coordinator.async_set_power_mode(value),
    ),
    _option_select(
        "sleep_timeout",
        SLEEP_TIMEOUTS,
        lambda coordinator: coordinator.data.power.timeout,
        lambda coordinator, value: coordinator.async_set_sleep_timeout(value),
        available_fn=_sleep_writable,
    ),
    ProAVSelectDescription[C](
        key="time_zone",
        translation_key="time_zone",
        entity_category=CONFIG,
        entity_registry_enabled_default=False,
        available_fn=_writable,
        options=list(TIME_ZONES),
        current_fn=lambda coordinator, _: coordinator.data.time_zone
        if coordinator.data.time_zone in TIME_ZONES
        else None,
        select_fn=lambda coordinator, _, option: coordinator.async_set_time_zone(option),
    ),
    _wifi_select("wifi_band", WIFI_BANDS, "band"),
    _wifi_select("wifi_security", WIFI_SECURITY, "security"),
    _wifi_select("wifi_networking_mode", WIFI_NETWORKING_MODES, "networking_mode"),
    _wifi_select("wifi_gatekeeper", WIFI_GATEKEEPER, "gatekeeper"),
)

TEXTS: tuple[ProAVTextDescription[C], ...] = (
    ProAVTextDescription[C](
        key="device_name",
        translation_key="device_name",
        entity_category=CONFIG,
        available_fn=_writable,
        native_min=1,
        native_max=16,
        pattern=NAME_PATTERN.pattern,
        value_fn=lambda coordinator, _: coordinator.data.name
        if NAME_PATTERN.match(coordinator.data.name)
        else None,
        set_fn=lambda coordinator, _, value: coordinator.async_set_name(value),
    ),
    ProAVTextDescription[C](
        key="fixed_login_code",
        translation_key="fixed_login_code",
        entity_category=CONFIG,
        entity_registry_enabled_default=False,
        available_fn=_writable,
        mode=TextMode.PASSWORD,
        native_min=4,
        native_max=4,
        pattern=CODE_PATTERN.pattern,
        value_fn=lambda coordinator, _: coordinator.data.login.code
        if coordinator.data.login.type == LOGIN_CODE_FIXED
        and CODE_PATTERN.match(coordinator.data.login.code)
        else None,
        set_fn=lambda coordinator, _, value: coordinator.async_set_fixed_code(value),
    ),
)

RESTART = ProAVButtonDescription[C](
    key="restart",
    translation_key="restart",
    device_class=ButtonDeviceClass.RESTART,
    entity_category=CONFIG,
    available_fn=_writable,
    press_fn=lambda coordinator, _: coordinator.async_reboot(),
)


class DisplaySwitch(ProAVSwitch[C], RestoreEntity):
    """The display output: the device cannot report it, so its state is assumed.

    Until Home Assistant switches it (or sees the device sleep), the last known state is kept
    across restarts.
    """

    _attr_assumed_state = True
    _restored: bool | None = None

    async def async_added_to_hass(self) -> None:
        """Restore the last assumed state."""
        await super().async_added_to_hass()
        last = await self.async_get_last_state()
        if last is not None and last.state in (STATE_ON, STATE_OFF):
            self._restored = last.state == STATE_ON

    @property
    def is_on(self) -> bool | None:
        """Return what Home Assistant set or saw, else the restored state."""
        value = super().is_on
        return self._restored if value is None else value


@dataclass(frozen=True, kw_only=True)
class FirmwareDescription(UpdateEntityDescription, ProAVEntityDescription[C]):
    """The firmware update entity's description."""


FIRMWARE = FirmwareDescription(
    key="firmware",
    translation_key="firmware",
    device_class=UpdateDeviceClass.FIRMWARE,
    entity_category=CONFIG,
)


class FirmwareUpdate(ProAVEntity[C], UpdateEntity):
    """Installed firmware (from the status poll), newer firmware (from the slow check)."""

    entity_description: FirmwareDescription
    # PROGRESS: the device reports "updating" itself, before and after the install call.
    _attr_supported_features = UpdateEntityFeature.INSTALL | UpdateEntityFeature.PROGRESS

    def __init__(
        self, coordinator: C, firmware: FirmwareCoordinator, device_info: DeviceInfo
    ) -> None:
        """Follow both the status and the firmware check."""
        super().__init__(coordinator, FIRMWARE, device_info)
        self._firmware = firmware

    async def async_added_to_hass(self) -> None:
        """Also listen to the firmware check (which starts its schedule)."""
        await super().async_added_to_hass()
        self.async_on_remove(self._firmware.async_add_listener(self._handle_coordinator_update))

    @property
    def installed_version(self) -> str | None:
        """Return the running firmware."""
        return self.coordinator.data.device.firmware or None

    @property
    def latest_version(self) -> str | None:
        """Return the newer firmware on offer, else the running one."""
        found = self._firmware.data
        if found is not None and found.new:
            return found.new
        return self.installed_version

    @property
    def in_progress(self) -> bool:
        """Return whether the device is installing firmware now."""
        return "updating" in self.coordinator.data.device.states

    async def async_install(self, version: str | None, backup: bool, **kwargs: Any) -> None:
        """Install the newer firmware from the vendor's server."""
        await self.async_command(self.coordinator.async_install_firmware())


class ReceiverRuntime(ProAVRuntime):
    """A receiver's client and coordinators."""

    coordinator: ReceiverCoordinator
    firmware: FirmwareCoordinator

    @callback
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add this receiver's entities of one platform."""
        async_add_entities(
            build_entities(platform, self.coordinator, self.firmware, self.device_info)
        )


# The resource (ReceiverData field) each entity reads; a model may not offer every one.
RESOURCES: dict[str, str] = {
    "hdmi_connected": "resolution",
    "hdmi_cec": "resolution",
    "output_resolution": "resolution",
    "vga_output": "resolution",
    "device_name": "name",
    "language": "language",
    "remote_view": "remote_view",
    "wallpaper": "wallpaper",
    "power_button_mode": "power",
    "sleep_timeout": "power",
    "ip_address": "ethernet",
    "dhcp": "ethernet",
    "ntp_server": "ntp",
    "ntp_sync": "ntp",
    "time_zone": "time_zone",
    "device_time": "clock",
    "ethernet_mac": "ethernet_mac",
    "wifi_mac": "wifi_mac",
} | dict.fromkeys(
    (
        "wifi_ssid",
        "wifi_access_point",
        "wifi_hidden",
        "wifi_band",
        "wifi_security",
        "wifi_networking_mode",
        "wifi_gatekeeper",
    ),
    "wifi",
)


@callback
def build_entities(
    platform: Platform,
    coordinator: C,
    firmware: FirmwareCoordinator,
    device_info: DeviceInfo,
) -> list[Entity]:
    """Return this device's entities of one platform (none for resources it does not offer)."""
    entities = _platform_entities(platform, coordinator, firmware, device_info)
    return [
        entity
        for entity in entities
        if RESOURCES.get(entity.entity_description.key) not in coordinator.unsupported
    ]


def _platform_entities(
    platform: Platform,
    coordinator: C,
    firmware: FirmwareCoordinator,
    device_info: DeviceInfo,
) -> list[Entity]:
    """Return every entity of one platform."""
    entities: list[Entity] = []
    if platform is Platform.SENSOR:
        entities = [ProAVSensor(coordinator, d, device_info) for d in SENSORS]
    elif platform is Platform.BINARY_SENSOR:
        entities = [ProAVBinarySensor(coordinator, d, device_info) for d in BINARY_SENSORS]
    elif platform is Platform.SWITCH:
        entities = [ProAVSwitch(coordinator, d, device_info) for d in SWITCHES]
        entities.append(DisplaySwitch(coordinator, DISPLAY, device_info))
    elif platform is Platform.SELECT:
        entities = [ProAVSelect(coordinator, d, device_info) for d in SELECTS]
    elif platform is Platform.TEXT:
        entities = [ProAVText(coordinator, d, device_info) for d in TEXTS]
    elif platform is Platform.BUTTON:
        entities = [ProAVButton(coordinator, RESTART, device_info)]
    elif platform is Platform.UPDATE:
        entities = [FirmwareUpdate(coordinator, firmware, device_info)]
    return entities
