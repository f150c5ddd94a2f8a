"""Coordinators of a presentation receiver: tiered state polling and the firmware check.

Setup needs one resource only, the device itself (2.1: serial, name, status). Every other
resource is optional (``client.capabilities``): a model without it gets no entities for it, one
that fails for a while makes only its own entities unavailable.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final, override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util, slugify

from ...const import DOMAIN  # noqa: TID252
from ...coordinator import ProAVCoordinator, translate_command_errors  # noqa: TID252
from ...issues import async_set_issue, fix_data  # noqa: TID252
from ..base import ProAVConfigEntry, ScanInterval  # noqa: TID252
from ..errors import CannotConnect  # noqa: TID252
from .client import FilePart, HttpsRequired, PresentationReceiverClient
from .models import (
    LOGIN_CODE_FIXED,
    LOGIN_CODE_NONE,
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
# How long a restarting device keeps its last state before its entities go unavailable:
# Android-type boxes take minutes to reboot, longer to install firmware.
REBOOT_GRACE: Final = timedelta(minutes=3)
UPDATE_GRACE: Final = timedelta(minutes=15)
VGA_DEFAULT: Final = 2  # 1920x1080, the most VGA allows
# Where configuration backups go, inside the configuration directory (they hold secrets).
BACKUP_FOLDER: Final = "proav_backups"
# Warn this long before the API key expires (when Home Assistant cannot renew it itself).
KEY_WARNING: Final = timedelta(days=7)

# The repair fix a receiver offers (ReceiverRuntime.repair_fix): restart now.
FIX_RESTART: Final = "restart"

# Optional resources (capability names), read through client.capabilities.
LOGIN: Final = "login"
RESOLUTION: Final = "resolution"
NAME: Final = "name"
LANGUAGE: Final = "language"
REMOTE_VIEW: Final = "remote_view"
WALLPAPER: Final = "wallpaper"
POWER: Final = "power"
ETHERNET: Final = "ethernet"
WIFI: Final = "wifi"
NTP: Final = "ntp"
TIME_ZONE: Final = "time_zone"
CLOCK: Final = "clock"
ETHERNET_MAC: Final = "ethernet_mac"
WIFI_MAC: Final = "wifi_mac"


@dataclass(frozen=True, kw_only=True)
class MacAddresses:
    """The device's MAC addresses (read once; ``mac`` is a redacted diagnostics key)."""

    ethernet: str | None
    wifi: str | None


@dataclass(frozen=True, kw_only=True)
class ReceiverData:
    """Everything read from a receiver; each tier refreshes its own fields.

    A field is None while its resource is missing, failing or unread (unknown, not "off").
    """

    # Fast tier
    device: Device
    login: LoginCode | None
    boot_time: datetime | None
    reboot_required: bool
    display_on: bool | None  # write-only on the device: what Home Assistant last set or saw
    # Medium tier
    resolution: Resolution | None
    name: str | None
    language: int | None
    remote_view: bool | None
    wallpaper: int | None
    power: PowerMode | None
    # Slow tier
    ethernet: Ethernet | None
    wifi: Wifi | None
    ntp: Ntp | None
    time_zone: str | None
    clock: datetime | None
    clock_skew: timedelta | None  # the device's clock minus Home Assistant's, when last read
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
        self._medium, self._slow = MEDIUM.of(entry), SLOW.of(entry)
        self._last_medium = self._last_slow = datetime.min.replace(tzinfo=dt_util.UTC)
        # Within this window a device that does not answer is restarting: keep its last state.
        self._grace: tuple[datetime, datetime] | None = None

    @override
    async def _async_fetch(self) -> ReceiverData:
        """Read the due tiers; ride out an outage while the device restarts."""
        try:
            data = await self._async_read()
        except CannotConnect:
            now = dt_util.utcnow()
            if self.data is not None and self._grace is not None:
                start, end = self._grace
                if start <= now < end:
                    # Restarting after a firmware update or a reboot: keep the last state.
                    self.logger.debug("%s is restarting; keeping its last state", self.name)
                    return self.data
                if now >= end:
                    self._grace = None
            raise
        except HttpsRequired as err:
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="receiver_use_https"
            ) from err
        if data.device.updating:
            self.start_grace(UPDATE_GRACE)
        self._async_update_issues(data)
        return data

    def key_expires(self, data: ReceiverData | None = None) -> datetime | None:
        """Return when the API key expires, on Home Assistant's clock (None: never, or no key).

        The device states the expiry on its own clock: the measured skew converts it, so a
        device whose clock is behind does not make a valid key look expired.
        """
        key = self.client.api_key
        if key is None or key.expires == -1:
            return None
        data = data or self.data
        expires = datetime.fromtimestamp(key.expires, dt_util.UTC)
        skew = data.clock_skew if data is not None else None
        return expires if skew is None else expires - skew

    def _async_update_issues(self, data: ReceiverData) -> None:
        """Raise or withdraw the repair issues this device's state calls for."""
        entry = self.config_entry
        expires = self.key_expires(data)
        can_renew = bool(entry.data.get("allow_key_renewal") and entry.data.get("password"))
        expiring = (
            expires is not None and not can_renew and expires - dt_util.utcnow() < KEY_WARNING
        )
        async_set_issue(
            self.hass,
            f"{entry.entry_id}_receiver_key_expiring",
            expiring,
            "receiver_key_expiring",
            {"name": entry.title, "date": expires.isoformat(timespec="minutes") if expires else ""},
        )
        # Fixable ("Restart now"); not raised again while the restart it asked for is under way.
        async_set_issue(
            self.hass,
            f"{entry.entry_id}_receiver_reboot_required",
            data.reboot_required and not self.restarting,
            "receiver_reboot_required",
            {"name": entry.title},
            fix_data(entry, FIX_RESTART),
        )

    @property
    def restarting(self) -> bool:
        """Return whether the device is expected to be away now (restarting or updating)."""
        now = dt_util.utcnow()
        return self._grace is not None and self._grace[0] <= now < self._grace[1]

    def start_grace(self, grace: timedelta, after: timedelta = timedelta(0)) -> None:
        """Expect the device to be away for ``grace``, starting ``after`` from now.

        A reboot, a scheduled reboot or a firmware install was sent (or the device said it is
        updating). Outside the window an outage shows at once.
        """
        now = dt_util.utcnow()
        start, end = now + after - after / 10, now + after + grace  # its clock may run early
        if self._grace is not None and self._grace[0] <= now:
            start, end = min(start, self._grace[0]), max(end, self._grace[1])
        self._grace = (start, end)

    async def _async_read(self) -> ReceiverData:
        """Read the fast tier, and the slower ones when due or after an outage or a reboot."""
        now = dt_util.utcnow()
        old = self.data if self.last_update_success else None
        device = await self.client.get_device()
        medium_due = old is None or now - self._last_medium >= self._medium
        if medium_due or not _no_code(old):
            login = await self.client.capabilities.async_read(LOGIN, self.client.get_login_code)
        else:
            # No code in use: nothing rotates, so the mode is read with the settings only.
            login = old.login if old is not None else None
        rebooted = self._rebooted(device)
        if rebooted:
            self.client.reboot_required = False
            self._grace = None
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
        if medium_due:
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
        if device.has("sleeping"):
            return False
        if self.data is None:
            return None
        if self.data.device.has("sleeping"):
            return True
        return self.data.display_on

    async def _async_read_medium(self) -> dict[str, Any]:
        """Read the settings tier (every resource optional)."""
        client, read = self.client, self.client.capabilities.async_read
        return {
            "resolution": await read(RESOLUTION, client.get_resolution),
            "name": await read(NAME, client.get_name),
            "language": await read(LANGUAGE, client.get_language),
            "remote_view": await read(REMOTE_VIEW, client.get_remote_view),
            "wallpaper": await read(WALLPAPER, client.get_wallpaper),
            "power": await read(POWER, client.get_power_mode),
        }

    async def _async_read_slow(self) -> dict[str, Any]:
        """Read the network and time tier (every resource optional)."""
        client, read = self.client, self.client.capabilities.async_read
        zone = await read(TIME_ZONE, client.get_time_zone)
        clock = await read(CLOCK, lambda: client.get_time(zone))
        return {
            "ethernet": await read(ETHERNET, client.get_ethernet),
            "wifi": await read(WIFI, client.get_wifi),
            "ntp": await read(NTP, client.get_ntp),
            "time_zone": zone,
            "clock": clock,
            "clock_skew": None if clock is None else clock - dt_util.utcnow(),
        }

    async def _async_read_macs(self) -> MacAddresses:
        """Read both MAC addresses."""
        client, read = self.client, self.client.capabilities.async_read
        return MacAddresses(
            ethernet=await read(ETHERNET_MAC, client.get_ethernet_mac) or None,
            wifi=await read(WIFI_MAC, client.get_wifi_mac) or None,
        )

    # Commands: send, then apply the confirmed state (or read the affected resource again).

    def _with(self, data: ReceiverData, **changes: Any) -> ReceiverData:
        """Return the data with confirmed changes (and whether the device now wants a reboot)."""
        return replace(data, reboot_required=self.client.reboot_required, **changes)

    async def _async_set(self, command: Awaitable[Any], **changes: Any) -> None:
        """Send a command, then store the fields it changed."""
        await self.async_apply(command, lambda data, _result: self._with(data, **changes))

    async def _async_set_read[T](
        self, command: Awaitable[Any], field: str, read: Callable[[], Awaitable[T]]
    ) -> None:
        """Send a command, then read the affected resource again and store it."""

        async def send_and_read() -> T:
            await command
            return await read()

        await self.async_apply(
            send_and_read(), lambda data, value: self._with(data, **{field: value})
        )

    async def async_set_display(self, on: bool) -> None:
        """Turn the display on or off; the status (sleeping) changes with it."""
        await self._async_set_read(self.client.set_display(on), "device", self.client.get_device)
        self.data = replace(self.data, display_on=on)
        self.async_update_listeners()

    async def async_set_resolution(self, value: int) -> None:
        """Set the output resolution, keeping VGA as it is."""
        vga = self.data.resolution.vga_enabled if self.data.resolution else None
        command = self.client.set_resolution(value, enable_vga=vga)
        await self._async_set_read(command, RESOLUTION, self.client.get_resolution)

    async def async_set_vga(self, on: bool) -> None:
        """Turn VGA on (at 1920x1080 unless the current resolution suits VGA) or off."""
        resolution = self.data.resolution
        hdmi = resolution.hdmi if resolution and resolution.hdmi is not None else -1
        vga = resolution.vga if resolution and resolution.vga is not None else -1
        current = hdmi if hdmi >= 0 else vga
        value = max(current, 0)  # off: keep the resolution (Auto if unknown)
        if on and current not in VGA_RESOLUTIONS:
            value = VGA_DEFAULT
        command = self.client.set_resolution(value, enable_vga=on)
        await self._async_set_read(command, RESOLUTION, self.client.get_resolution)

    async def async_set_name(self, name: str) -> None:
        """Rename the device."""
        await self._async_set(self.client.set_name(name), name=name)

    async def async_set_language(self, language: int) -> None:
        """Set the on-screen language."""
        await self._async_set(self.client.set_language(language), language=language)

    async def async_set_remote_view(self, on: bool) -> None:
        """Turn remote view on or off."""
        await self._async_set(self.client.set_remote_view(on), remote_view=on)

    async def async_select_wallpaper(self, slot: int) -> None:
        """Show the wallpaper of a slot."""
        await self._async_set(self.client.select_wallpaper(slot), wallpaper=slot)

    async def async_set_login_mode(self, code_type: int) -> None:
        """Set how the login code is chosen; Fixed keeps the code shown now."""
        code = None
        if code_type == LOGIN_CODE_FIXED:
            code = self.data.login.code if self.data.login else ""
            if not (len(code) == 4 and code.isdigit()):
                raise ServiceValidationError(
                    translation_domain=DOMAIN, translation_key="receiver_fixed_code_needed"
                )
        command = self.client.set_login_code(code_type, code)
        await self._async_set_read(command, LOGIN, self.client.get_login_code)

    async def async_set_fixed_code(self, code: str) -> None:
        """Use a fixed four-digit login code."""
        if not (len(code) == 4 and code.isdigit()):
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="receiver_invalid_code"
            )
        command = self.client.set_login_code(LOGIN_CODE_FIXED, code)
        await self._async_set_read(command, LOGIN, self.client.get_login_code)

    async def async_set_power_mode(self, mode: int) -> None:
        """Set the power button behaviour (sleep keeps the current timeout)."""
        timeout = self.data.power.timeout if self.data.power else None
        if mode != POWER_MODE_SLEEP:
            timeout = None
        elif timeout is None:
            timeout = DEFAULT_SLEEP_TIMEOUT
        command = self.client.set_power_mode(mode, timeout)
        await self._async_set_read(command, POWER, self.client.get_power_mode)

    async def async_set_sleep_timeout(self, minutes: int) -> None:
        """Set after how many idle minutes the device sleeps (-1 never)."""
        command = self.client.set_power_mode(POWER_MODE_SLEEP, minutes)
        await self._async_set_read(command, POWER, self.client.get_power_mode)

    async def async_set_ntp(
        self, *, server: str | None = None, port: int | None = None, auto: bool | None = None
    ) -> None:
        """Change the time server settings."""
        command = self.client.set_ntp(server=server, port=port, auto=auto)
        await self._async_set_read(command, NTP, self.client.get_ntp)

    async def async_set_time_zone(self, zone: str) -> None:
        """Set the device's time zone; its clock reads differently now."""

        async def send_and_read() -> datetime | None:
            await self.client.set_time_zone(zone)
            return await self.client.get_time(zone)

        await self.async_apply(
            send_and_read(), lambda data, clock: self._with(data, time_zone=zone, clock=clock)
        )

    async def async_set_time(self, local: datetime) -> None:
        """Set the device's clock (wall-clock time in its own zone)."""
        zone = self.data.time_zone

        async def send_and_read() -> datetime | None:
            await self.client.set_time(local)
            return await self.client.get_time(zone)

        def update(data: ReceiverData, clock: datetime | None) -> ReceiverData:
            skew = None if clock is None else clock - dt_util.utcnow()
            return self._with(data, clock=clock, clock_skew=skew)

        await self.async_apply(send_and_read(), update)

    async def async_set_wifi(self, **settings: str | int | bool) -> None:
        """Change access point settings; the mode stays unless given."""
        current = self.data.wifi.mode if self.data.wifi else None
        mode = str(settings.pop("mode", current or ""))
        command = self.client.set_wifi(mode, **settings)
        await self._async_set_read(command, WIFI, self.client.get_wifi)

    async def async_upload_wallpaper(
        self, slot: int, content: bytes, filename: str, content_type: str
    ) -> None:
        """Store an image in a custom wallpaper slot."""
        await self._async_set(self.client.upload_wallpaper(slot, content, filename, content_type))

    async def async_delete_wallpaper(self, slot: int) -> None:
        """Empty a custom wallpaper slot."""
        await self._async_set(self.client.delete_wallpaper(slot))

    async def async_reboot(self, delay: int = 0, reason: str = "Home Assistant") -> None:
        """Reboot the device now, or after ``delay`` minutes."""
        await self._async_set(self.client.reboot(delay=delay or None, reason=reason))
        self.start_grace(REBOOT_GRACE, after=timedelta(minutes=delay))

    async def async_backup_configuration(self) -> Path:
        """Export the device's configuration into a file of its own; return the file.

        It holds the device's secrets: it goes to a private folder of the configuration
        directory (never www/, which is served without login).
        """
        with translate_command_errors(self):
            content = await self.client.export_configuration()
        title = slugify(self.config_entry.title) or "receiver"
        name = f"{title}-{dt_util.now().strftime('%Y%m%d-%H%M%S')}.config"
        folder = Path(self.hass.config.path(BACKUP_FOLDER))

        def write() -> Path:
            folder.mkdir(mode=0o700, exist_ok=True)
            path = folder / name
            path.touch(mode=0o600)
            path.write_bytes(content)
            return path

        return await self.hass.async_add_executor_job(write)

    async def async_restore_configuration(self, content: bytes, filename: str) -> None:
        """Import a configuration file; the device asks for a restart to apply it."""
        await self._async_set(self.client.import_configuration(content, filename))

    async def async_install_firmware(self, file: FilePart | None = None) -> None:
        """Install firmware (online, or an uploaded file); the status shows "updating"."""
        command = self.client.update_firmware(file)
        await self._async_set_read(command, "device", self.client.get_device)
        self.start_grace(UPDATE_GRACE)


def _no_code(data: ReceiverData | None) -> bool:
    """Return whether the device was last seen using no login code."""
    return data is not None and data.login is not None and data.login.type == LOGIN_CODE_NONE


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
        """Check for newer firmware ("none newer" is an answer, not a failure)."""
        return await self.client.get_firmware(check=True)
