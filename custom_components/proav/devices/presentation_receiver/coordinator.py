"""Coordinators of a presentation receiver: tiered state polling and the firmware check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final, override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from custom_components.proav.const import DOMAIN
from custom_components.proav.coordinator import ProAVCoordinator
from custom_components.proav.devices.base import ProAVConfigEntry, ScanInterval
from custom_components.proav.devices.errors import CannotConnect

from .client import NotSupported, PermissionDenied, PresentationReceiverClient
from .models import (
    LOGIN_CODE_FIXED,
    POWER_MODE_SLEEP,
    VGA_RESOLUTIONS,
    Device,
    Ethernet,
    Firmware,
    LoginCode,
    Ntp,
    PowerMode,
    Resolution,
    Wifi,
)

FAST = ScanInterval(key="receiver_status_interval", default=10, minimum=5)
MEDIUM = ScanInterval(key="receiver_settings_interval", default=60, minimum=15)
SLOW = ScanInterval(key="receiver_network_interval", default=900, minimum=60, maximum=86400)
FIRMWARE = ScanInterval(
    key="receiver_firmware_interval", default=43200, minimum=3600, maximum=604800
)
SCAN_INTERVALS: Final = (FAST, MEDIUM, SLOW, FIRMWARE)
# Uptime wobbles by a second or two between polls; only a real change moves the boot time.
BOOT_TIME_TOLERANCE: Final = timedelta(seconds=60)
DEFAULT_SLEEP_TIMEOUT: Final = 15
OUTAGE_GRACE: Final = 3
VGA_DEFAULT: Final = 2  # 1920x1080, the most VGA allows


# What a resource reads as on a model that does not offer it.
_NO_RESOLUTION: Final = Resolution.from_data({})
_NO_POWER: Final = PowerMode.from_data({})
_NO_ETHERNET: Final = Ethernet.from_data({})
_NO_WIFI: Final = Wifi.from_data({})
_NO_NTP: Final = Ntp.from_data({})


@dataclass(frozen=True, kw_only=True)
class MacAddresses:
    """The device's MAC addresses (read once; ``mac`` is a redacted diagnostics key)."""

    ethernet: str
    wifi: str


@dataclass(frozen=True, kw_only=True)
class ReceiverData:
    """Everything read from a receiver; each tier refreshes its own fields."""

    # Fast tier
    device: Device
    login: LoginCode
    boot_time: datetime | None
    reboot_required: bool
    display_on: bool | None  # write-only on the device: what Home Assistant last set or saw
    # Medium tier
    resolution: Resolution
    name: str
    language: int | None
    remote_view: bool | None
    wallpaper: int
    power: PowerMode
    # Slow tier
    ethernet: Ethernet
    wifi: Wifi
    ntp: Ntp
    time_zone: str
    clock: datetime | None
    # Read once
    mac: MacAddresses


class ReceiverCoordinator(ProAVCoordinator[ReceiverData]):
    """Poll status and login code at every tick; settings and network when their tier is due."""

    def __init__(
        self, hass: HomeAssistant, entry: ProAVConfigEntry, client: PresentationReceiverClient
    ) -> None:
        """Tick at the fast interval; remember when each slower tier last ran."""
        super().__init__(
            hass, entry, f"{DOMAIN}_presentation_receiver_{entry.data.get('host')}", FAST.of(entry)
        )
        self.client = client
        self.can_write: bool = entry.data.get("key_scope", "full") != "view_only"
        self._medium, self._slow = MEDIUM.of(entry), SLOW.of(entry)
        self._last_medium = self._last_slow = datetime.min.replace(tzinfo=dt_util.UTC)
        # Resources this model does not offer (HTTP 404/405/501): not read, no entities.
        self.unsupported: set[str] = set()
        # Polls a restarting device (reboot, firmware update) may miss before going unavailable.
        self._outage_grace = 0

    @override
    async def _async_fetch(self) -> ReceiverData:
        """Read the due tiers; ride out a short outage while the device restarts."""
        try:
            data = await self._async_read()
        except CannotConnect:
            if self._outage_grace > 0 and self.data is not None:
                # Restarting after a firmware update or a reboot: keep the last state a while.
                self._outage_grace -= 1
                self.logger.debug("%s is restarting; keeping its last state", self.name)
                return self.data
            raise
        if "updating" in data.device.states:
            self._outage_grace = OUTAGE_GRACE
        return data

    async def _async_read(self) -> ReceiverData:
        """Read the fast tier, and the slower ones when due or after an outage or a reboot."""
        now = dt_util.utcnow()
        old = self.data if self.last_update_success else None
        device = await self.client.get_device()
        login = await self.client.get_login_code()
        rebooted = self._rebooted(device)
        if rebooted:
            self.client.reboot_required = False
            self._outage_grace = 0
        fast: dict[str, Any] = {
            "device": device,
            "login": login,
            "boot_time": self._boot_time(device, now),
            "reboot_required": self.client.reboot_required,
            "display_on": self._display_on(device),
        }
        if old is None or rebooted:
            self._last_medium = self._last_slow = now
            everything = fast | await self._async_read_medium() | await self._async_read_slow()
            return ReceiverData(**everything, mac=await self._async_read_macs())
        changes = fast
        if now - self._last_medium >= self._medium:
            self._last_medium = now
            changes |= await self._async_read_medium()
        if now - self._last_slow >= self._slow:
            self._last_slow = now
            changes |= await self._async_read_slow()
        return replace(old, **changes)

    def _rebooted(self, device: Device) -> bool:
        """Return whether the uptime went backwards since the last poll."""
        if self.data is None or self.data.device.uptime is None or device.uptime is None:
            return False
        return device.uptime < self.data.device.uptime

    def _boot_time(self, device: Device, now: datetime) -> datetime | None:
        """Return when the device booted, stable across polls."""
        if device.uptime is None:
            return None
        boot = (now - timedelta(seconds=device.uptime)).replace(microsecond=0)
        previous = self.data.boot_time if self.data is not None else None
        if previous is not None and abs(boot - previous) < BOOT_TIME_TOLERANCE:
            return previous
        return boot

    def _display_on(self, device: Device) -> bool | None:
        """Return the assumed display state: off while sleeping, on when waking up."""
        if "sleeping" in device.states:
            return False
        if self.data is None:
            return None
        if "sleeping" in self.data.device.states:
            return True
        return self.data.display_on

    async def _async_optional[T](
        self, field: str, read: Callable[[], Awaitable[T]], absent: T
    ) -> T:
        """Read a resource; one the device does not offer is remembered and not asked again."""
        if field in self.unsupported:
            return absent
        try:
            return await read()
        except NotSupported:
            self.logger.debug("%s does not offer %s", self.name, field)
            self.unsupported.add(field)
            return absent

    async def _async_read_medium(self) -> dict[str, Any]:
        """Read the settings tier."""
        client, optional = self.client, self._async_optional
        return {
            "resolution": await optional("resolution", client.get_resolution, _NO_RESOLUTION),
            "name": await optional("name", client.get_name, ""),
            "language": await optional("language", client.get_language, None),
            "remote_view": await optional("remote_view", client.get_remote_view, None),
            "wallpaper": await optional("wallpaper", client.get_wallpaper, -1),
            "power": await optional("power", client.get_power_mode, _NO_POWER),
        }

    async def _async_read_slow(self) -> dict[str, Any]:
        """Read the network and time tier."""
        client, optional = self.client, self._async_optional
        return {
            "ethernet": await optional("ethernet", client.get_ethernet, _NO_ETHERNET),
            "wifi": await optional("wifi", client.get_wifi, _NO_WIFI),
            "ntp": await optional("ntp", client.get_ntp, _NO_NTP),
            "time_zone": await optional("time_zone", client.get_time_zone, ""),
            "clock": await optional("clock", client.get_time, None),
        }

    async def _async_read_macs(self) -> MacAddresses:
        """Read both MAC addresses."""
        client, optional = self.client, self._async_optional
        return MacAddresses(
            ethernet=await optional("ethernet_mac", client.get_ethernet_mac, ""),
            wifi=await optional("wifi_mac", client.get_wifi_mac, ""),
        )

    # Commands: send, then store the confirmed state (or read the affected resource again).

    async def _async_send(self, command: Awaitable[Any]) -> None:
        """Send a command; a refusal of a read-only key turns the controls off for good."""
        try:
            await command
        except PermissionDenied:
            self.can_write = False
            entry = self.config_entry
            self.hass.config_entries.async_update_entry(
                entry, data={**entry.data, "key_scope": "view_only"}
            )
            self.async_update_listeners()
            raise

    def _store(self, **changes: Any) -> None:
        """Store confirmed changes (and whether the device now asks for a reboot)."""
        self.data = replace(self.data, reboot_required=self.client.reboot_required, **changes)

    async def _async_apply(self, command: Awaitable[Any], **changes: Any) -> None:
        """Send a command, then store the changed fields."""
        await self._async_send(command)
        self._store(**changes)

    async def _async_apply_read[T](
        self, command: Awaitable[Any], field: str, read: Callable[[], Awaitable[T]]
    ) -> None:
        """Send a command, then read the affected resource again."""
        await self._async_send(command)
        changes: dict[str, Any] = {field: await read()}
        self._store(**changes)

    async def async_set_display(self, on: bool) -> None:
        """Turn the display on or off; the status (sleeping) changes with it."""
        await self._async_send(self.client.set_display(on))
        self._store(display_on=on, device=await self.client.get_device())

    async def async_set_resolution(self, value: int) -> None:
        """Set the output resolution, keeping VGA as it is."""
        command = self.client.set_resolution(value, enable_vga=self.data.resolution.vga_enabled)
        await self._async_apply_read(command, "resolution", self.client.get_resolution)

    async def async_set_vga(self, on: bool) -> None:
        """Turn VGA on (at 1920x1080 unless the current resolution suits VGA) or off."""
        resolution = self.data.resolution
        current = resolution.hdmi if resolution.hdmi >= 0 else resolution.vga
        value = max(current, 0)  # off: keep the resolution (Auto if unknown)
        if on and current not in VGA_RESOLUTIONS:
            value = VGA_DEFAULT
        command = self.client.set_resolution(value, enable_vga=on)
        await self._async_apply_read(command, "resolution", self.client.get_resolution)

    async def async_set_name(self, name: str) -> None:
        """Rename the device."""
        await self._async_apply(self.client.set_name(name), name=name)

    async def async_set_language(self, language: int) -> None:
        """Set the on-screen language."""
        await self._async_apply(self.client.set_language(language), language=language)

    async def async_set_remote_view(self, on: bool) -> None:
        """Turn remote view on or off."""
        await self._async_apply(self.client.set_remote_view(on), remote_view=on)

    async def async_select_wallpaper(self, slot: int) -> None:
        """Show the wallpaper of a slot."""
        await self._async_apply(self.client.select_wallpaper(slot), wallpaper=slot)

    async def async_set_login_mode(self, code_type: int) -> None:
        """Set how the login code is chosen; Fixed keeps the code shown now."""
        code = None
        if code_type == LOGIN_CODE_FIXED:
            code = self.data.login.code
            if not (len(code) == 4 and code.isdigit()):
                raise ServiceValidationError(
                    translation_domain=DOMAIN, translation_key="receiver_fixed_code_needed"
                )
        command = self.client.set_login_code(code_type, code)
        await self._async_apply_read(command, "login", self.client.get_login_code)

    async def async_set_fixed_code(self, code: str) -> None:
        """Use a fixed four-digit login code."""
        if not (len(code) == 4 and code.isdigit()):
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="receiver_invalid_code"
            )
        command = self.client.set_login_code(LOGIN_CODE_FIXED, code)
        await self._async_apply_read(command, "login", self.client.get_login_code)

    async def async_set_power_mode(self, mode: int) -> None:
        """Set the power button behaviour (sleep keeps the current timeout)."""
        timeout = self.data.power.timeout if mode == POWER_MODE_SLEEP else None
        if mode == POWER_MODE_SLEEP and timeout is None:
            timeout = DEFAULT_SLEEP_TIMEOUT
        command = self.client.set_power_mode(mode, timeout)
        await self._async_apply_read(command, "power", self.client.get_power_mode)

    async def async_set_sleep_timeout(self, minutes: int) -> None:
        """Set after how many idle minutes the device sleeps (-1 never)."""
        command = self.client.set_power_mode(POWER_MODE_SLEEP, minutes)
        await self._async_apply_read(command, "power", self.client.get_power_mode)

    async def async_set_ntp(
        self, *, server: str | None = None, port: int | None = None, auto: bool | None = None
    ) -> None:
        """Change the time server settings."""
        command = self.client.set_ntp(server=server, port=port, auto=auto)
        await self._async_apply_read(command, "ntp", self.client.get_ntp)

    async def async_set_time_zone(self, zone: str) -> None:
        """Set the device's time zone; its clock reads differently now."""
        await self._async_send(self.client.set_time_zone(zone))
        self._store(time_zone=zone, clock=await self.client.get_time())

    async def async_set_time(self, local: datetime) -> None:
        """Set the device's clock (wall-clock time in its own zone)."""
        await self._async_apply_read(self.client.set_time(local), "clock", self.client.get_time)

    async def async_set_wifi(self, **settings: str | int | bool) -> None:
        """Change access point settings; the mode stays unless given."""
        mode = str(settings.pop("mode", self.data.wifi.mode))
        command = self.client.set_wifi(mode, **settings)
        await self._async_apply_read(command, "wifi", self.client.get_wifi)

    async def async_upload_wallpaper(
        self, slot: int, content: bytes, filename: str, content_type: str
    ) -> None:
        """Store an image in a custom wallpaper slot."""
        await self._async_send(self.client.upload_wallpaper(slot, content, filename, content_type))

    async def async_delete_wallpaper(self, slot: int) -> None:
        """Empty a custom wallpaper slot."""
        await self._async_send(self.client.delete_wallpaper(slot))

    async def async_reboot(self) -> None:
        """Reboot the device now."""
        await self._async_send(self.client.reboot(reason="Home Assistant"))
        self._outage_grace = OUTAGE_GRACE

    async def async_install_firmware(self, content: bytes | None = None) -> None:
        """Install firmware (online, or an uploaded file); the status shows "updating"."""
        await self._async_send(self.client.update_firmware(content))
        self._outage_grace = OUTAGE_GRACE
        self._store(device=await self.client.get_device())


class FirmwareCoordinator(ProAVCoordinator[Firmware]):
    """Ask the device for newer firmware, every few hours (it asks the vendor's server)."""

    def __init__(
        self, hass: HomeAssistant, entry: ProAVConfigEntry, client: PresentationReceiverClient
    ) -> None:
        """Check at the firmware interval."""
        super().__init__(
            hass,
            entry,
            f"{DOMAIN}_presentation_receiver_firmware_{entry.data.get('host')}",
            FIRMWARE.of(entry),
        )
        self.client = client

    @override
    async def _async_fetch(self) -> Firmware:
        """Check for newer firmware."""
        return await self.client.get_firmware(check=True)
