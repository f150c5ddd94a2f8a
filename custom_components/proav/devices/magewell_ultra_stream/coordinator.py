"""Coordinators of an Ultra Stream: status (with the ping probe), settings and info.

The box has no push over HTTP. A cheap unauthenticated ``ping`` every second returns the status
mask; ``get-status`` is read at once when the mask changes (recording started on the box, a disk
pulled, a format finished...). The input signal, SD insertion and live progress have no mask
bit, so get-status is also read every 5 s at rest (signal loss seen within 5 s), and every
second while something ends by itself (a format, a Wi-Fi join, a live connection) - but not for
more than a minute in a state that does not change (a dead RTMP target, Wi-Fi out of range).
Settings and info change rarely and are read on slow cadences and after each change made from
Home Assistant. After a refused login nothing logs in again (the shared ``LoginGate`` latch), and
the probe stops reading until the reauth flow completes.
"""

# Relative imports inside the package, parents included.
# ruff: noqa: TID252

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
import time
from typing import override

from homeassistant.const import CONF_USERNAME
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import UpdateFailed

from ...compat import async_get_device
from ...const import DOMAIN, LOGGER
from ...coordinator import ProAVCoordinator
from ...issues import async_set_issue
from ..base import ProAVConfigEntry, ScanInterval
from ..errors import DeviceError, ProAVError
from .client import UltraStreamBusy, UltraStreamClient
from .models import (
    SESSION_EXPIRED,
    DeviceStatus,
    Info,
    LiveServer,
    LiveState,
    MediaFiles,
    Recording,
    Result,
    Settings,
    Status,
    newest_recording,
)

PROBE = ScanInterval(key="ultra_stream_probe_interval", default=1, minimum=1, maximum=60)
STATUS = ScanInterval(key="ultra_stream_status_interval", default=5, minimum=5)
ACTIVE = ScanInterval(key="ultra_stream_active_interval", default=5, minimum=1, maximum=60)
SETTINGS = ScanInterval(key="ultra_stream_settings_interval", default=300, minimum=30)
# Not a poll: warn (repair issue) when a running recording has less than this left (0: never).
RUNWAY = ScanInterval(key="ultra_stream_runway_warning", default=1800, minimum=0, maximum=86400)
SCAN_INTERVALS = (PROBE, STATUS, ACTIVE, SETTINGS, RUNWAY)
INFO_INTERVAL = timedelta(hours=1)
FAST_INTERVAL = timedelta(seconds=1)
# After a command, read fast for a while: start-rec/start-live are answered before they run.
AFTER_COMMAND_SECONDS = 5.0
# A change seen this long after Home Assistant asked for it counts as Home Assistant's.
COMMAND_ATTRIBUTION_SECONDS = 30.0
# Fast reads end when the state they wait for has not changed for this long.
FAST_MAX_SECONDS = 60.0

# What the box meant by a refusal, for the refusals users meet (translation keys).
REFUSAL_KEYS: dict[int, str] = {
    Result.ERR_OCCUPIED: "ultra_stream_occupied",
    Result.ERR_DISK: "ultra_stream_storage_error",
    Result.ERR_NO_SPACE: "ultra_stream_no_space",
    Result.ERR_SD_NO_SPACE: "ultra_stream_no_space",
    Result.ERR_CHANNELS_LIMITED: "ultra_stream_server_limit",
    Result.ERR_8M_LIMITED: "ultra_stream_bitrate_limit",
    Result.ERR_RTSP_8M_LIMITED: "ultra_stream_bitrate_limit",
    Result.ERR_FACEBOOK_LIMITED: "ultra_stream_exclusive_server",
    Result.ERR_RTSP_LIMITED: "ultra_stream_exclusive_server",
    Result.ERR_CODEC_LIMITED: "ultra_stream_codec_limit",
    Result.ERR_NO_SIGNAL: "ultra_stream_no_signal",
    Result.ERR_LOCK_LIVING: "ultra_stream_live_locked",
    Result.ERR_REC_PARAM: "ultra_stream_no_record_target",
    Result.LIVING_NOT_SET: "ultra_stream_no_live_server",
}


async def _translated[R](command: Awaitable[R]) -> R:
    """Run a command; a refusal the box explains becomes its own translated error."""
    try:
        return await command
    except DeviceError as err:
        if isinstance(err.code, int) and (key := REFUSAL_KEYS.get(err.code)) is not None:
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key=key) from err
        raise


def first_boot_issue_id(entry_id: str) -> str:
    """Return the id of the "finish the first-time setup" repair issue of an entry."""
    return f"ultra_stream_first_boot_{entry_id}"


def runway_issue_id(entry_id: str) -> str:
    """Return the id of the "recording runs out soon" repair issue of an entry."""
    return f"ultra_stream_runway_{entry_id}"


def too_slow_issue_id(entry_id: str) -> str:
    """Return the id of the "storage too slow" repair issue of an entry."""
    return f"ultra_stream_too_slow_{entry_id}"


def session_conflict_issue_id(entry_id: str) -> str:
    """Return the id of the "another client uses this account" repair issue of an entry."""
    return f"ultra_stream_session_conflict_{entry_id}"


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

    @override
    async def _async_update_data(self) -> T:
        """Read; a session another client keeps taking raises a repair issue until it ends."""
        try:
            data = await super()._async_update_data()
        except UpdateFailed as err:
            cause = err.__cause__
            if isinstance(cause, UltraStreamBusy) and cause.code in SESSION_EXPIRED:
                self._async_session_conflict(True)
            if (
                isinstance(cause, UltraStreamBusy)
                and cause.code == Result.ERR_OCCUPIED
                and self.data is not None
            ):
                # The app holds the box for a moment: the last answer still stands.
                LOGGER.debug("%s: the box is occupied; keeping the last data", self.name)
                return self.data
            raise
        self._async_session_conflict(False)
        return data

    @callback
    def _async_issue(self, issue_id: str, key: str | None, placeholders: dict[str, str]) -> None:
        """Raise (key given) or withdraw (None) one of this entry's repair issues."""
        async_set_issue(
            self.hass,
            issue_id,
            key is not None,
            key or "",
            {"name": self.config_entry.title, **placeholders},
        )

    @callback
    def _async_session_conflict(self, conflict: bool) -> None:
        """Recommend a user of its own for Home Assistant while sessions are being taken."""
        self._async_issue(
            session_conflict_issue_id(self.config_entry.entry_id),
            "ultra_stream_session_conflict" if conflict else None,
            {"user": str(self.config_entry.data.get(CONF_USERNAME, ""))},
        )

    @override
    async def async_apply[R](
        self, command: Awaitable[R], update: Callable[[T, R], T] | None = None
    ) -> R:
        """Send a command, then show its result; the box's known refusals say what it meant."""
        return await super().async_apply(_translated(command), update)

    @override
    async def async_request_refresh(self) -> None:
        """Read again at once after a command (the debouncer would delay a second command)."""
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

    def server(self, key: str) -> LiveServer | None:
        """Return a configured live server by its id (None once it is gone)."""
        return next((s for s in self.data.servers if str(s.id) == key), None)


# The media listing is optional (a capability): get-media-files came with firmware 1.3.
MEDIA_FILES = "get-media-files"
RECORDINGS_INTERVAL = timedelta(minutes=10)


class RecordingsCoordinator(UltraStreamCoordinator[Recording | None]):
    """The newest recording on the inserted media: every 10 min and when a recording ends."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        client: UltraStreamClient,
        status: StatusCoordinator,
    ) -> None:
        """Read slowly; the status tells which media are inserted."""
        super().__init__(hass, entry, client, "recordings", RECORDINGS_INTERVAL)
        self.status = status

    @override
    async def _async_fetch(self) -> Recording | None:
        """List each inserted medium's recordings (an optional resource), keep the newest."""
        listings: dict[str, MediaFiles] = {}
        for medium, disk in (("usb", 0), ("sd", 1)):
            storage = getattr(self.status.data, medium)
            if storage.present is False:
                continue
            files = await self.client.capabilities.async_read(
                MEDIA_FILES, partial(self.client.get_all_media_files, disk)
            )
            if files is not None:
                listings[medium] = files
        return newest_recording(listings)


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
        self._fast_state: tuple[int | None, ...] | None = None  # what fast reads wait to change
        self._fast_since = 0.0
        self._probing = False
        self._commanded: dict[str, tuple[bool, float]] = {}  # kind -> (on, until)
        self._mask_read = asyncio.Lock()  # one mask-triggered read at a time

    @override
    async def _async_fetch(self) -> Status:
        """Read get-status; choose the next safety read's interval; notice reboots."""
        status = await self.client.get_status()
        if self._maybe_rebooted(status):
            # Settings, identity and firmware may have changed (or were unavailable): read them.
            self._async_refresh_others()
        self._async_first_boot_issue(DeviceStatus.FIRST in status.cur_status)
        self._async_recording_issues(status)
        self.update_interval = self._interval_for(status)
        return status

    @callback
    def _async_first_boot_issue(self, first_boot: bool) -> None:
        """Ask the user to finish the box's first-time setup (Home Assistant does not do it)."""
        self._async_issue(
            first_boot_issue_id(self.config_entry.entry_id),
            "ultra_stream_first_boot" if first_boot else None,
            {},
        )

    @callback
    def _async_recording_issues(self, status: Status) -> None:
        """Warn while a recording will run out soon, or its medium is too slow."""
        entry = self.config_entry
        warning = self._intervals[RUNWAY.key].total_seconds()
        short: tuple[str, int] | None = None
        if status.recording and warning > 0 and self.settings.data is not None:
            control = self.settings.data.rec_control
            for medium, storage, used in (
                ("usb", status.usb, control.usb_option),
                ("sd", status.sd, control.sd_option),
            ):
                left = storage.free_seconds
                if not used or not storage.present or left is None or left >= warning:
                    continue
                if short is None or left < short[1]:
                    short = (medium, left)
        self._async_issue(
            runway_issue_id(entry.entry_id),
            "ultra_stream_runway" if short else None,
            {"medium": short[0], "minutes": str(short[1] // 60)} if short else {},
        )
        slow = status.recording and status.rec.result == Result.LOW_SPEED
        self._async_issue(
            too_slow_issue_id(entry.entry_id), "ultra_stream_too_slow" if slow else None, {}
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
            or (
                status.uptime is not None
                and self.data.uptime is not None
                and status.uptime < self.data.uptime
            )
            or (
                DeviceStatus.UPGRADE in self.data.cur_status
                and DeviceStatus.UPGRADE not in status.cur_status
            )
        )

    def _interval_for(self, status: Status) -> timedelta:
        """Fast while something ends by itself (a minute at most), moderate while running."""
        now = time.monotonic()
        if now < self._fast_until:
            return FAST_INTERVAL
        if status.transitional:
            state = (int(status.cur_status), status.live.result, status.live.result2)
            if state != self._fast_state:
                self._fast_state, self._fast_since = state, now
            if now - self._fast_since < FAST_MAX_SECONDS:
                return FAST_INTERVAL
        else:
            self._fast_state = None
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
                mask = await self.client.ping()
            except ProAVError:
                await self.async_mask_seen(None)  # no answer: confirm the box is gone
                return
            if mask is not None:
                await self.async_mask_seen(mask)
            elif not self.last_update_success and self.client.login_gate.refused is None:
                await self.async_refresh()  # alive again; without a mask the 5 s reads carry on
        finally:
            self._probing = False

    async def async_mask_seen(self, mask: int | None) -> None:
        """React to a status mask from the probe or a Bluetooth advertisement (None: no answer)."""
        if self.client.login_gate.refused is not None:
            return  # the credentials were refused: nothing logs in until reauth completes
        if self._mask_read.locked():
            return  # a read the probe or an advertisement started is under way: it will do
        async with self._mask_read:
            await self._async_mask_seen(mask)

    async def _async_mask_seen(self, mask: int | None) -> None:
        if mask is None:
            if self.last_update_success:
                await self.async_refresh()  # confirms the box is gone: entities go unavailable
                if not self.last_update_success:
                    self._async_refresh_others()  # their entities go unavailable too
            return
        if not self.last_update_success or self.data is None or mask != int(self.data.cur_status):
            await self.async_refresh()

    @override
    async def async_apply[R](
        self, command: Awaitable[R], update: Callable[[Status, R], Status] | None = None
    ) -> R:
        """Run a command; read fast for a few seconds so its (asynchronous) result shows."""
        self._fast_until = time.monotonic() + AFTER_COMMAND_SECONDS
        return await super().async_apply(command, update)

    async def async_set_running(self, kind: str, on: bool) -> None:
        """Start or stop recording (``recording``) or streaming (``streaming``) from HA.

        The change is remembered for a while, so events can say Home Assistant did it.
        """
        self._commanded[kind] = (on, time.monotonic() + COMMAND_ATTRIBUTION_SECONDS)
        setter = self.client.set_recording if kind == "recording" else self.client.set_streaming
        await self.async_apply(setter(on))

    def started_by(self, kind: str, on: bool) -> str:
        """Return who made a change just seen: "home_assistant" or "device" (the box, the app)."""
        expected = self._commanded.pop(kind, None)
        if expected is not None and expected[0] == on and time.monotonic() <= expected[1]:
            return "home_assistant"
        return "device"

    def slot(self, server: LiveServer) -> int | None:
        """Return the live slot (0 or 1) of an enabled server, None when it has none."""
        enabled = self.settings.enabled_ids()
        if str(server.id) not in enabled or enabled.index(str(server.id)) > 1:
            return None
        return enabled.index(str(server.id))

    def live_state(self, server: LiveServer) -> LiveState | None:
        """Return the connection state of an enabled live server (slot 1 or 2)."""
        if (slot := self.slot(server)) is None:
            return None
        return self.data.live.slot(slot)
