"""Entities of a presentation receiver, described once and built by the generic platforms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
import io
import re
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.button import ButtonDeviceClass
from homeassistant.components.image import ImageEntity, ImageEntityDescription
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.components.text import TextMode
from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
    UpdateEntityFeature,
)
from homeassistant.const import STATE_OFF, STATE_ON, EntityCategory, Platform, UnitOfTime
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity
from homeassistant.util import dt as dt_util
import segno

from ...binary_sensor import ProAVBinarySensor, ProAVBinarySensorDescription  # noqa: TID252
from ...button import ProAVButton, ProAVButtonDescription  # noqa: TID252
from ...entity import ItemEntities, ProAVEntity, ProAVEntityDescription  # noqa: TID252
from ...select import ProAVSelect, ProAVSelectDescription  # noqa: TID252
from ...sensor import ProAVSensor, ProAVSensorDescription  # noqa: TID252
from ...switch import ProAVSwitch, ProAVSwitchDescription  # noqa: TID252
from ...text import ProAVText, ProAVTextDescription  # noqa: TID252
from .coordinator import (
    CLOCK,
    ETHERNET,
    ETHERNET_MAC,
    LANGUAGE,
    LOGIN,
    NAME,
    NTP,
    POWER,
    REMOTE_VIEW,
    RESOLUTION,
    TIME_ZONE,
    WALLPAPER,
    WIFI,
    WIFI_MAC,
    FirmwareCoordinator,
    ReceiverCoordinator,
)
from .models import (
    LANGUAGES,
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
    Ethernet,
)

type C = ReceiverCoordinator
# A text entity whose state breaks its own pattern cannot be written: check what the device sent.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,16}$")
CODE_PATTERN = re.compile(r"^[0-9]{4}$")
CONFIG = EntityCategory.CONFIG
DIAGNOSTIC = EntityCategory.DIAGNOSTIC


def _attr(model: Any, name: str) -> Any:
    """Return a field of a model the device may not have sent yet (None: unknown)."""
    return None if model is None else getattr(model, name)


def _wifi_settable(coordinator: C, _item: str) -> bool:
    """Return whether the access point can be changed (not while the device is a station)."""
    return coordinator.data.wifi is not None and coordinator.data.wifi.settable


def _sleep_settable(coordinator: C, _item: str) -> bool:
    """Return whether the sleep timeout applies (power button in sleep mode)."""
    power = coordinator.data.power
    return power is not None and power.mode == POWER_MODE_SLEEP


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
        **kwargs,
    )


def _wifi_select(key: str, labels: Mapping[int, str], setting: str) -> ProAVSelectDescription[C]:
    """Describe a disabled-by-default select of one access point setting.

    ``setting`` is both the query parameter and the field of models.Wifi.
    """
    return _option_select(
        key,
        labels,
        lambda coordinator: _attr(coordinator.data.wifi, setting),
        lambda coordinator, value: coordinator.async_set_wifi(**{setting: value}),
        capability=WIFI,
        available_fn=_wifi_settable,
        entity_registry_enabled_default=False,
    )


def _resolution_options(coordinator: C, _item: str) -> list[str]:
    """Return the resolutions the outputs allow now (fewer while VGA is on)."""
    vga = _attr(coordinator.data.resolution, "vga_enabled")
    allowed = VGA_RESOLUTIONS if vga else RESOLUTIONS
    return [RESOLUTIONS[value] for value in allowed]


def _dns(ethernet: Ethernet | None) -> list[str]:
    """Return the DNS servers the device reported."""
    return [dns for dns in (_attr(ethernet, "dns1"), _attr(ethernet, "dns2")) if dns]


SENSORS: tuple[ProAVSensorDescription[C], ...] = (
    ProAVSensorDescription[C](
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=list(STATUSES),
        value_fn=lambda coordinator, _: coordinator.data.device.status,
        attributes_fn=lambda coordinator, _: {
            "all_states": list(coordinator.data.device.states or ())
        },
    ),
    ProAVSensorDescription[C](
        key="login_code",
        translation_key="login_code",
        capability=LOGIN,
        # A rotating random code only: a fixed code is a standing secret kept out of history.
        value_fn=lambda coordinator, _: _attr(coordinator.data.login, "shown"),
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
        capability=CLOCK,
        value_fn=lambda coordinator, _: coordinator.data.clock,
    ),
    ProAVSensorDescription[C](
        # When the API key runs out (on Home Assistant's clock): only for keys that expire.
        key="api_key_expires",
        translation_key="api_key_expires",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=DIAGNOSTIC,
        exists_fn=lambda coordinator, _: coordinator.key_expires() is not None,
        value_fn=lambda coordinator, _: coordinator.key_expires(),
    ),
    ProAVSensorDescription[C](
        key="clock_drift",
        translation_key="clock_drift",
        suggested_display_precision=0,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        capability=CLOCK,
        value_fn=lambda coordinator, _: None
        if coordinator.data.clock_skew is None
        else round(coordinator.data.clock_skew.total_seconds()),
    ),
    ProAVSensorDescription[C](
        key="ntp_server",
        translation_key="ntp_server",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        capability=NTP,
        value_fn=lambda coordinator, _: _attr(coordinator.data.ntp, "server"),
        attributes_fn=lambda coordinator, _: {"port": _attr(coordinator.data.ntp, "port")},
    ),
    ProAVSensorDescription[C](
        key="ip_address",
        translation_key="ip_address",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        capability=ETHERNET,
        value_fn=lambda coordinator, _: _attr(coordinator.data.ethernet, "ip"),
        attributes_fn=lambda coordinator, _: {
            "netmask": _attr(coordinator.data.ethernet, "mask"),
            "gateway": _attr(coordinator.data.ethernet, "gateway"),
            "dns": _dns(coordinator.data.ethernet),
        },
    ),
    ProAVSensorDescription[C](
        key="ethernet_mac",
        translation_key="ethernet_mac",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        capability=ETHERNET_MAC,
        value_fn=lambda coordinator, _: coordinator.data.mac.ethernet,
    ),
    ProAVSensorDescription[C](
        key="wifi_mac",
        translation_key="wifi_mac",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        capability=WIFI_MAC,
        value_fn=lambda coordinator, _: coordinator.data.mac.wifi,
    ),
    ProAVSensorDescription[C](
        key="wifi_ssid",
        translation_key="wifi_ssid",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        capability=WIFI,
        value_fn=lambda coordinator, _: _attr(coordinator.data.wifi, "ssid"),
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
        is_on_fn=lambda coordinator, _: coordinator.data.device.has("sleeping"),
    ),
    ProAVBinarySensorDescription[C](
        # On while HDMI reports a resolution; -1 ("not connected or undefined resolution")
        # is unknown, never "unplugged".
        key="hdmi_connected",
        translation_key="hdmi_connected",
        device_class=BinarySensorDeviceClass.PLUG,
        entity_category=DIAGNOSTIC,
        capability=RESOLUTION,
        is_on_fn=lambda coordinator, _: _attr(coordinator.data.resolution, "hdmi_connected"),
    ),
    ProAVBinarySensorDescription[C](
        key="hdmi_cec",
        translation_key="hdmi_cec",
        entity_category=DIAGNOSTIC,
        entity_registry_enabled_default=False,
        capability=RESOLUTION,
        is_on_fn=lambda coordinator, _: _attr(coordinator.data.resolution, "hdmi_cec"),
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
        capability=ETHERNET,
        is_on_fn=lambda coordinator, _: _attr(coordinator.data.ethernet, "dhcp"),
    ),
)

DISPLAY = ProAVSwitchDescription[C](
    key="display",
    translation_key="display",
    is_on_fn=lambda coordinator, _: coordinator.data.display_on,
    set_fn=lambda coordinator, _, on: coordinator.async_set_display(on),
)

SWITCHES: tuple[ProAVSwitchDescription[C], ...] = (
    ProAVSwitchDescription[C](
        key="remote_view",
        translation_key="remote_view",
        entity_category=CONFIG,
        capability=REMOTE_VIEW,
        is_on_fn=lambda coordinator, _: coordinator.data.remote_view,
        set_fn=lambda coordinator, _, on: coordinator.async_set_remote_view(on),
    ),
    ProAVSwitchDescription[C](
        key="vga_output",
        translation_key="vga_output",
        entity_category=CONFIG,
        capability=RESOLUTION,
        is_on_fn=lambda coordinator, _: _attr(coordinator.data.resolution, "vga_enabled"),
        set_fn=lambda coordinator, _, on: coordinator.async_set_vga(on),
    ),
    ProAVSwitchDescription[C](
        key="ntp_sync",
        translation_key="ntp_sync",
        entity_category=CONFIG,
        capability=NTP,
        is_on_fn=lambda coordinator, _: _attr(coordinator.data.ntp, "auto"),
        set_fn=lambda coordinator, _, on: coordinator.async_set_ntp(auto=on),
    ),
    ProAVSwitchDescription[C](
        key="wifi_access_point",
        translation_key="wifi_access_point",
        entity_category=CONFIG,
        entity_registry_enabled_default=False,
        capability=WIFI,
        available_fn=_wifi_settable,
        is_on_fn=lambda coordinator, _: _attr(coordinator.data.wifi, "mode") == WIFI_MODE_AP,
        set_fn=lambda coordinator, _, on: coordinator.async_set_wifi(
            mode=WIFI_MODE_AP if on else WIFI_MODE_OFF
        ),
    ),
    ProAVSwitchDescription[C](
        key="wifi_hidden",
        translation_key="wifi_hidden",
        entity_category=CONFIG,
        entity_registry_enabled_default=False,
        capability=WIFI,
        available_fn=_wifi_settable,
        is_on_fn=lambda coordinator, _: _attr(coordinator.data.wifi, "hidden"),
        set_fn=lambda coordinator, _, on: coordinator.async_set_wifi(hideSSID=on),
    ),
)

SELECTS: tuple[ProAVSelectDescription[C], ...] = (
    ProAVSelectDescription[C](
        key="output_resolution",
        translation_key="output_resolution",
        entity_category=CONFIG,
        capability=RESOLUTION,
        options_fn=_resolution_options,
        current_fn=lambda coordinator, _: RESOLUTIONS.get(
            _attr(coordinator.data.resolution, "hdmi")
        ),
        select_fn=lambda coordinator, _, option: coordinator.async_set_resolution(
            next(value for value, label in RESOLUTIONS.items() if label == option)
        ),
    ),
    _option_select(
        "language",
        LANGUAGES,
        lambda coordinator: coordinator.data.language,
        lambda coordinator, value: coordinator.async_set_language(value),
        capability=LANGUAGE,
    ),
    _option_select(
        "login_code_mode",
        LOGIN_CODE_TYPES,
        lambda coordinator: _attr(coordinator.data.login, "type"),
        lambda coordinator, value: coordinator.async_set_login_mode(value),
        capability=LOGIN,
    ),
    _option_select(
        "wallpaper",
        WALLPAPERS,
        lambda coordinator: coordinator.data.wallpaper,
        lambda coordinator, value: coordinator.async_select_wallpaper(value),
        capability=WALLPAPER,
    ),
    _option_select(
        "power_button_mode",
        POWER_MODES,
        lambda coordinator: _attr(coordinator.data.power, "mode"),
        lambda coordinator, value: coordinator.async_set_power_mode(value),
        capability=POWER,
    ),
    _option_select(
        "sleep_timeout",
        SLEEP_TIMEOUTS,
        lambda coordinator: _attr(coordinator.data.power, "timeout"),
        lambda coordinator, value: coordinator.async_set_sleep_timeout(value),
        capability=POWER,
        available_fn=_sleep_settable,
    ),
    ProAVSelectDescription[C](
        key="time_zone",
        translation_key="time_zone",
        entity_category=CONFIG,
        entity_registry_enabled_default=False,
        capability=TIME_ZONE,
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
        capability=NAME,
        native_min=1,
        native_max=16,
        pattern=NAME_PATTERN.pattern,
        value_fn=lambda coordinator, _: coordinator.data.name
        if coordinator.data.name and NAME_PATTERN.match(coordinator.data.name)
        else None,
        set_fn=lambda coordinator, _, value: coordinator.async_set_name(value),
    ),
    ProAVTextDescription[C](
        # Write-only: the fixed code is a standing secret, so it never becomes a state (states
        # are recorded in history). Setting it works; the state stays unknown.
        key="fixed_login_code",
        translation_key="fixed_login_code",
        entity_category=CONFIG,
        entity_registry_enabled_default=False,
        capability=LOGIN,
        mode=TextMode.PASSWORD,
        native_min=4,
        native_max=4,
        pattern=CODE_PATTERN.pattern,
        value_fn=lambda _coordinator, _: None,
        set_fn=lambda coordinator, _, value: coordinator.async_set_fixed_code(value),
    ),
)

RESTART = ProAVButtonDescription[C](
    key="restart",
    translation_key="restart",
    device_class=ButtonDeviceClass.RESTART,
    entity_category=CONFIG,
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
    # BACKUP: the device's configuration is exported first (see async_backup_configuration).
    _attr_supported_features = (
        UpdateEntityFeature.INSTALL | UpdateEntityFeature.PROGRESS | UpdateEntityFeature.BACKUP
    )

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
        return self.coordinator.data.device.updating

    async def async_install(self, version: str | None, backup: bool, **kwargs: Any) -> None:
        """Install the newer firmware from the vendor's server (after a backup if asked)."""
        if backup:
            await self.coordinator.async_backup_configuration()
        await self.async_command(self.coordinator.async_install_firmware())

    async def async_update(self) -> None:
        """Check for newer firmware now (``homeassistant.update_entity``)."""
        await self._firmware.async_refresh()


@dataclass(frozen=True, kw_only=True)
class QrCodeDescription(ImageEntityDescription, ProAVEntityDescription[C]):
    """A QR code drawn from the device's state."""


def _guest_wifi_joinable(coordinator: C, _item: str) -> bool:
    """Return whether guests can join the access point now (on, name and password known)."""
    wifi = coordinator.data.wifi
    return wifi is not None and wifi.mode == WIFI_MODE_AP and wifi.join_text is not None


GUEST_WIFI_QR_CODE = QrCodeDescription(
    key="guest_wifi_qr_code",
    translation_key="guest_wifi_qr_code",
    capability=WIFI,
    available_fn=_guest_wifi_joinable,
)


class GuestWifiQrCode(ProAVEntity[C], ImageEntity):
    """The guest Wi-Fi's join QR code (name and password), for the room display.

    The state is only the time the code last changed (a new password, a new name); the code
    itself is served through the image proxy, never recorded.
    """

    entity_description: QrCodeDescription
    _attr_content_type = "image/png"

    def __init__(self, coordinator: C, device_info: DeviceInfo) -> None:
        """Draw the code of the current guest Wi-Fi; created disabled while it is off or unknown."""
        ProAVEntity.__init__(self, coordinator, GUEST_WIFI_QR_CODE, device_info)
        ImageEntity.__init__(self, coordinator.hass)
        self._attr_entity_registry_enabled_default = _guest_wifi_joinable(coordinator, "")
        self._text = self._join_text()
        self._png: tuple[str, bytes] | None = None  # the last drawn code: (text, PNG)
        self._attr_image_last_updated = dt_util.utcnow() if self._text else None

    def _join_text(self) -> str | None:
        wifi = self.coordinator.data.wifi
        return wifi.join_text if wifi is not None else None

    @callback
    def _handle_coordinator_update(self) -> None:
        """Show a new code when the name or password changed (not when they are unknown)."""
        if (text := self._join_text()) is not None and text != self._text:
            self._text = text
            self._attr_image_last_updated = dt_util.utcnow()
        super()._handle_coordinator_update()

    async def async_image(self) -> bytes | None:
        """Return the join code as PNG (drawn once per name and password)."""
        text = self._text
        if text is None or not self.available:
            return None
        if self._png is None or self._png[0] != text:
            self._png = (text, await self.hass.async_add_executor_job(qr_code_png, text))
        return self._png[1]


def qr_code_png(text: str) -> bytes:
    """Draw a QR code as PNG: large modules and the standard quiet zone, for a wall display."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def _device_entities(
    build: Callable[[C, DeviceInfo], Iterable[Entity]],
) -> Callable[[Any, AddConfigEntryEntitiesCallback], None]:
    """Return a platform's adder: the entities exist (and come and go) by capability."""

    def add(runtime: Any, async_add_entities: AddConfigEntryEntitiesCallback) -> None:
        coordinator: C = runtime.coordinator
        ItemEntities.device(
            coordinator, lambda: build(coordinator, runtime.device_info), async_add_entities
        )

    return add


def _firmware(runtime: Any, async_add_entities: AddConfigEntryEntitiesCallback) -> None:
    """Add the firmware update entity (it follows both coordinators)."""
    async_add_entities([FirmwareUpdate(runtime.coordinator, runtime.firmware, runtime.device_info)])


# How each platform's entities are added (ProAVRuntime.platform_entities).
PLATFORM_ENTITIES: Mapping[Platform, Callable[[Any, AddConfigEntryEntitiesCallback], None]] = {
    Platform.SENSOR: _device_entities(
        lambda coordinator, info: [ProAVSensor(coordinator, d, info) for d in SENSORS]
    ),
    Platform.BINARY_SENSOR: _device_entities(
        lambda coordinator, info: [ProAVBinarySensor(coordinator, d, info) for d in BINARY_SENSORS]
    ),
    Platform.SWITCH: _device_entities(
        lambda coordinator, info: [
            *(ProAVSwitch(coordinator, d, info) for d in SWITCHES),
            DisplaySwitch(coordinator, DISPLAY, info),
        ]
    ),
    Platform.SELECT: _device_entities(
        lambda coordinator, info: [ProAVSelect(coordinator, d, info) for d in SELECTS]
    ),
    Platform.TEXT: _device_entities(
        lambda coordinator, info: [ProAVText(coordinator, d, info) for d in TEXTS]
    ),
    Platform.BUTTON: _device_entities(
        lambda coordinator, info: [ProAVButton(coordinator, RESTART, info)]
    ),
    Platform.UPDATE: _firmware,
    Platform.IMAGE: _device_entities(
        lambda coordinator, info: [GuestWifiQrCode(coordinator, info)]
    ),
}
