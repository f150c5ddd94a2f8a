"""Coordinators of an Ultra Stream: status (with the ping probe), settings and info.

The box has no push over HTTP. A cheap unauthenticated ``ping`` every second returns the status
mask; ``get-status`` is read only when the mask changes (recording started on the box, a disk
pulled, a format finished...), plus a slow safety read, a moderate one while recording or
streaming (duration and bitrate grow) and a fast one while something ends by itself. Settings and
info change rarely and are read on slow cadences and after each change made from Home Assistant.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta
import time
from typing import Any, override

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval

from custom_components.proav.compat import async_get_device
from custom_components.proav.const import DOMAIN
from custom_components.proav.coordinator import ProAVCoordinator
from custom_components.proav.devices.base import ProAVConfigEntry, ScanInterval
from custom_components.proav.devices.errors import ProAVError

from .client import UltraStreamClient
from .models import DeviceStatus, Info, LiveState, Settings, Status

PROBE = ScanInterval(key="ultra_stream_probe_interval", default=1, minimum=1, maximum=60)
STATUS = ScanInterval(key="ultra_stream_status_interval", default=60, minimum=5)
ACTIVE = ScanInterval(key="ultra_stream_active_interval", default=5, minimum=1, maximum=60)
SETTINGS = ScanInterval(key="ultra_stream_settings_interval", default=300, minimum=30)
SCAN_INTERVALS = (PROBE, STATUS, ACTIVE, SETTINGS)
INFO_INTERVAL = timedelta(hours=1)
FAST_INTERVAL = timedelta(seconds=1)
# After a command, read fast for a while: start-rec/start-live are answered before they run.
AFTER_COMMAND_SECONDS = 5.0


def first_boot_issue_id(entry_id: str) -> str:
    """Return the id of the "finish the first-time setup" repair issue of an entry."""
    return f"ultra_stream_first_boot_{entry_id}"


class UltraStreamCoordinator[T](ProAVCoordinator[T]):
    """A coordinator of one Ultra Stream resource."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        client: UltraStreamClient,
        resource: str,
        interval: timedelta,
    ) -> None:
        """Name the coordinator after the box and the resource it reads."""
        super().__init__(hass, entry, f"{entry.title} {resource}", interval)
        self.client = client

    async def async_command(self, command: Awaitable[Any]) -> None:
        """Run a command, then read the resource again so its result shows at once."""
        await command
        await self.async_refresh()


class InfoCoordinator(UltraStreamCoordinator[Info]):
    """Identity and firmware (get-info): hourly and after a reboot."""

    def __init__(self, hass: HomeAssistant, entry: ProAVConfigEntry, client: UltraStreamClient):
        """Read hourly."""
        super().__init__(hass, entry, client, "info", INFO_INTERVAL)

    @override
    async def _async_fetch(self) -> Info:
        """Read get-info."""
        return await self.client.get_info()

    @callback
    def async_track_firmware(self) -> CALLBACK_TYPE:
        """Keep the device registry's firmware version in step with the box."""

        @callback
        def _update_device() -> None:
            if not self.last_update_success:
                return
            registry = dr.async_get(self.hass)
            device = async_get_device(
                self.hass, (DOMAIN, self.data.serial), self.config_entry.entry_id
            )
            if device is not None and device.sw_version != self.data.firmware:
                registry.async_update_device(device.id, sw_version=self.data.firmware)

        return self.async_add_listener(_update_device)


class SettingsCoordinator(UltraStreamCoordinator[Settings]):
    """The configuration (get-settings): slow, and after every change."""

    def __init__(self, hass: HomeAssistant, entry: ProAVConfigEntry, client: UltraStreamClient):
        """Read at the interval the options chose."""
        super().__init__(hass, entry, client, "settings", SETTINGS.of(entry))

    @override
    async def _async_fetch(self) -> Settings:
        """Read get-settings."""
        return await self.client.get_settings()

    def enabled_ids(self) -> list[str]:
        """Return the ids of the servers live streaming goes to, in slot order."""
        if self.data is None:
            return []
        return [str(server.id) for server in self.data.enabled_servers]


class StatusCoordinator(UltraStreamCoordinator[Status]):
    """The working state (get-status), read when the ping probe sees the status mask change."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        client: UltraStreamClient,
        settings: SettingsCoordinator,
        info: InfoCoordinator,
    ) -> None:
        """Read slowly as a safety net; the probe triggers the reads that matter."""
        super().__init__(hass, entry, client, "status", STATUS.of(entry))
        self.settings = settings
        self.info = info
        self._intervals = {key.key: key.of(entry) for key in SCAN_INTERVALS}
        self._fast_until = 0.0
        self._probing = False

    @override
    async def _async_fetch(self) -> Status:
        """Read get-status; choose the next safety read's interval; notice reboots."""
        status = await self.client.get_status()
        if self._maybe_rebooted(status):
            # Settings, identity and firmware may have changed (or were unavailable): read them.
            self._async_refresh_others()
        self._async_first_boot_issue(DeviceStatus.FIRST in status.cur_status)
        self.update_interval = self._interval_for(status)
        return status

    @callback
    def _async_first_boot_issue(self, first_boot: bool) -> None:
        """Ask the user to finish the box's first-time setup (Home Assistant does not do it)."""
        issue_id = first_boot_issue_id(self.config_entry.entry_id)
        if not first_boot:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="ultra_stream_first_boot",
            translation_placeholders={"name": self.config_entry.title},
        )

    @callback
    def _async_refresh_others(self) -> None:
        """Read settings and info again, in the background."""
        for other in (self.settings, self.info):
            self.config_entry.async_create_background_task(
                self.hass, other.async_refresh(), f"{other.name} refresh"
            )

    def _maybe_rebooted(self, status: Status) -> bool:
        """Return whether the box restarted, finished an update or came back since last read."""
        if self.data is None:
            return False
        return (
            not self.last_update_success
            or status.uptime < self.data.uptime
            or (
                DeviceStatus.UPGRADE in self.data.cur_status
                and DeviceStatus.UPGRADE not in status.cur_status
            )
        )

    def _interval_for(self, status: Status) -> timedelta:
        """Fast while something ends by itself, moderate while running, slow at rest."""
        if status.transitional or time.monotonic() < self._fast_until:
            return FAST_INTERVAL
        if status.recording or status.streaming:
            return self._intervals[ACTIVE.key]
        return self._intervals[STATUS.key]

    @callback
    def async_start_probe(self) -> CALLBACK_TYPE:
        """Ping the box at the probe interval; return the function that stops it."""
        return async_track_time_interval(
            self.hass,
            self._async_probe,
            self._intervals[PROBE.key],
            name=f"{self.name} probe",
            cancel_on_shutdown=True,
        )

    async def _async_probe(self, _now: datetime) -> None:
        """Ping; read get-status when the mask changed or the box came back."""
        if self._probing:
            return
        self._probing = True
        try:
            try:
                mask: int | None = await self.client.ping()
            except ProAVError:
                mask = None
            await self.async_mask_seen(mask)
        finally:
            self._probing = False

    async def async_mask_seen(self, mask: int | None) -> None:
        """React to a status mask from the probe or a Bluetooth advertisement (None: no answer)."""
        if mask is None:
            if self.last_update_success:
                await self.async_refresh()  # confirms the box is gone: entities go unavailable
                if not self.last_update_success:
                    self._async_refresh_others()  # their entities go unavailable too
            return
        if not self.last_update_success or self.data is None or mask != int(self.data.cur_status):
            await self.async_refresh()

    @override
    async def async_command(self, command: Awaitable[Any]) -> None:
        """Run a command; read fast for a few seconds so its (asynchronous) result shows."""
        await command
        self._fast_until = time.monotonic() + AFTER_COMMAND_SECONDS
        await self.async_refresh()

    def live_state(self, server_id: str) -> LiveState | None:
        """Return the connection state of an enabled live server (slot 1 or 2)."""
        enabled = self.settings.enabled_ids()
        if server_id not in enabled or enabled.index(server_id) > 1:
            return None
        return self.data.live.slot(enabled.index(server_id))
