"""Coordinators of a Poly VideoOS codec: polling in three tiers (the API has no push).

- calls (fast): audio and conferences (what setup needs), content, wireless casting and video
  mute (optional), call quality while in a call, the calendar's "in call" while a meeting runs;
- room (medium): cameras, presets, provider mode and apps, microphones, peripherals,
  favourites, device and signage modes (all optional);
- system (slow): identity and state (needed); the room's dial addresses, open sessions,
  calendar, system and SIP status (optional).

Small codecs are read as little as the room allows (``Activity``): while nothing happens the
calls tier reads only the conferences (a call ringing in or dialled shows at the usual pace),
and each tier reads the rest on every Nth turn only; a call, content, a command or any change
seen puts every tier back at its usual pace. The calls tier also slows to once a minute while
the codec sleeps.

Every optional resource is read through the client's capabilities: a codec without it (404, a
web page, a 500 because it is not configured) gets no entities for it, and one failing for a
while makes only its own entities unavailable.
"""

# Home Assistant side of the device type: it builds on the integration's shared modules.
# ruff: noqa: TID252

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, override

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import ProAVCoordinator
from ..base import ProAVConfigEntry
from ..errors import CannotConnect, InvalidAuth, NotPermitted, ProAVError
from .client import MuteLocked, NotAvailable, PolyVideoOSClient, ServerError
from .models import (
    CONTENT_IDLE,
    Audio,
    Camera,
    Conference,
    DialAddresses,
    Favorite,
    MediaStat,
    Meeting,
    Microphone,
    Peripheral,
    Preset,
    ServerState,
    SharedMedia,
    StatusItem,
    SystemInfo,
    SystemMode,
)

MEETINGS_AHEAD = 10
# How long a control the codec refused stays unavailable (unless the mode changes first).
REFUSAL_MEMORY = timedelta(hours=1)
MIC_CONTROL = "microphone_mute"
VOLUME_CONTROL = "volume"
VIDEO_CONTROL = "video_mute"
# Uptime-derived boot times this close together are the same boot.
_BOOT_JITTER = timedelta(minutes=2)
# How often the calls are read at most while the codec sleeps.
ASLEEP_INTERVAL = timedelta(seconds=60)
# The room is at rest after this many reads of the calls in which nothing happened (5 minutes
# at the default pace). At rest each tier reads the codec on every Nth turn only: the calls
# tier the whole call state (the conferences it reads every turn), the room tier every 30
# minutes and the system tier every 15 at their default intervals.
QUIET_READS = 20
CALLS_REST_EVERY = 20
ROOM_REST_EVERY = 30
SYSTEM_REST_EVERY = 3

# Optional resources (capabilities) and the entities that need them.
CONTENT = "content"
VIDEO_MUTE = "video_mute"
CAMERAS = "cameras"
PRESETS = "presets"
SYSTEM_MODE = "system_mode"
DEVICE_MODE = "device_mode"
SIGNAGE_MODE = "signage_mode"
CALENDAR = "calendar"
MEETINGS = "meetings"
SYSTEM_STATUS = "system_status"
SIP = "sip"
MICROPHONES = "microphones"
PERIPHERALS = "peripherals"
APPS = "apps"
DIAL_ADDRESSES = "dial_addresses"
SESSIONS = "sessions"
FAVORITES = "favorites"
SHARED_MEDIA = "shared_media"


@dataclass(frozen=True, kw_only=True)
class CallData:
    """Fast tier: what changes during a meeting (None: the codec did not say)."""

    audio: Audio
    conferences: tuple[Conference, ...]
    quality: int | None = None
    packet_loss: float | None = None
    # The media streams of the connected calls (bit rates, loss, jitter, latency).
    streams: tuple[MediaStat, ...] = ()
    content: str | None = None
    # Wireless casting streams (SysTracker).
    casting: tuple[SharedMedia, ...] | None = None
    video_muted: bool | None = None
    # The calendar's current meeting says a call runs (partner modes keep conferences empty).
    meeting_in_call: bool = False
    # When the call durations were read; not part of equality, so an idle poll changes nothing.
    read_at: datetime = field(compare=False, default_factory=dt_util.utcnow)

    @property
    def in_call(self) -> bool:
        """Return whether a call is connected (natively, or in a partner app's meeting)."""
        return self.meeting_in_call or any(c.connected for c in self.conferences)

    @property
    def active(self) -> Conference | None:
        """Return the connected conference, else the first one (ringing, connecting)."""
        connected = [conference for conference in self.conferences if conference.connected]
        candidates = connected or list(self.conferences)
        return candidates[0] if candidates else None

    @property
    def ringing(self) -> bool:
        """Return whether a far end is calling in."""
        return any(
            connection.ringing_in
            for conference in self.conferences
            for connection in conference.connections
        )

    @property
    def ringing_call(self) -> tuple[Conference, str] | None:
        """Return the conference and connection id of a call ringing in."""
        for conference in self.conferences:
            for connection in conference.connections:
                if connection.ringing_in:
                    return conference, connection.id
        return None

    @property
    def sharing(self) -> bool | None:
        """Return whether content is being shared (None when unknown)."""
        if self.content is None or self.content == "UNKNOWN":
            return None
        return self.content != CONTENT_IDLE


@dataclass(frozen=True, kw_only=True)
class RoomData:
    """Medium tier: cameras, presets and modes (None: the codec lacks or did not say)."""

    cameras: tuple[Camera, ...] | None = None
    presets: tuple[Preset, ...] | None = None
    mode: SystemMode | None = None
    apps: tuple[str, ...] | None = None
    microphones: tuple[Microphone, ...] | None = None
    peripherals: tuple[Peripheral, ...] | None = None
    favorites: tuple[Favorite, ...] | None = None
    device_mode: bool | None = None
    signage_mode: bool | None = None
    # The API cannot read back which preset is current: the last one recalled here.
    recalled_preset: int | None = None

    @property
    def accessories(self) -> tuple[Peripheral, ...]:
        """Return the peripherals paired with the codec (the codec itself left out)."""
        return tuple(item for item in self.peripherals or () if not item.codec)

    @property
    def codec_mac(self) -> str | None:
        """Return the codec's own hardware address, where the device list names it."""
        return next((item.mac for item in self.peripherals or () if item.codec and item.mac), None)

    @property
    def stored_presets(self) -> list[int]:
        """Return the indexes of stored presets."""
        return [preset.index for preset in self.presets or () if preset.stored]


@dataclass(frozen=True, kw_only=True)
class SystemData:
    """Slow tier: identity, calendar and system status."""

    info: SystemInfo
    calendar_status: str | None = None
    meetings: tuple[Meeting, ...] | None = None
    status: tuple[StatusItem, ...] | None = None
    sip: ServerState | None = None
    addresses: DialAddresses | None = None
    # Sessions open on the codec (ours and others'): a leak shows here first.
    open_sessions: int | None = None
    # When the codec started, from its uptime (to the minute, so it does not move each poll).
    booted: datetime | None = None

    def next_meeting(self, now: datetime) -> Meeting | None:
        """Return the meeting running now or the next one (canceled ones skipped)."""
        return next(
            (
                meeting
                for meeting in self.meetings or ()
                if meeting.end > now and not meeting.canceled
            ),
            None,
        )

    def meeting_now(self, now: datetime) -> Meeting | None:
        """Return the meeting running now, if any."""
        meeting = self.next_meeting(now)
        return meeting if meeting is not None and meeting.start <= now else None


class Activity:
    """Whether anything happens in the room: at rest the codec is read much less.

    The calls tier reports each read (``observe``); after ``QUIET_READS`` quiet ones the room is
    at rest. A call, content, a command sent (the client counts its writes) or a change any tier
    sees (``stir``) ends the rest: every tier reads at its usual pace from its next turn on.
    """

    def __init__(self, client: PolyVideoOSClient) -> None:
        """Start at rest: nothing has happened yet."""
        self._client = client
        self._writes = client.writes
        self._quiet = QUIET_READS

    @property
    def resting(self) -> bool:
        """Return whether the room is at rest (no command sent since the last read)."""
        return self._quiet >= QUIET_READS and self._client.writes == self._writes

    def observe(self, busy: bool) -> None:
        """Count one read of the calls (busy: something happened in it)."""
        if busy or self._client.writes != self._writes:
            self.stir()
        else:
            self._quiet += 1

    def stir(self) -> None:
        """Something happened: the room is in use."""
        self._quiet = 0
        self._writes = self._client.writes


class PolyCoordinator[T](ProAVCoordinator[T]):
    """One polling tier of a codec (expired sessions are renewed by the client)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        client: PolyVideoOSClient,
        tier: str,
        interval: timedelta,
        activity: Activity,
        rest_every: int,
    ) -> None:
        """Poll one tier of the codec at its own interval (every ``rest_every`` turn at rest)."""
        super().__init__(
            hass, entry, f"{DOMAIN}_poly_videoos_{entry.data['host']}_{tier}", interval
        )
        self.client = client
        self.interval = interval
        self.activity = activity
        self._rest_every = rest_every
        self._skipped = 0

    def _skip_at_rest(self) -> bool:
        """Return whether this turn reads nothing: the room rests and the tier's turn is not due."""
        if self.data is None or not self.activity.resting:
            self._skipped = 0
            return False
        self._skipped += 1
        if self._skipped >= self._rest_every:
            self._skipped = 0
            return False
        return True

    async def _optional[R](self, name: str, read: Callable[[], Awaitable[R]]) -> R | None:
        """Read an optional resource (None when the codec lacks it or it fails now).

        A codec that does not answer at all fails the whole tier at once: that says nothing
        about the resource, and the tier's other reads would only wait for timeouts too.
        """

        async def guarded() -> R:
            try:
                return await read()
            except CannotConnect as err:
                if isinstance(err, ServerError):
                    raise
                raise _Offline from err

        try:
            return await self.client.capabilities.async_read(name, guarded)
        except _Offline as err:
            raise CannotConnect("The codec does not answer") from err.__cause__


class _Offline(Exception):
    """The codec gave no answer at all (passes through the capability table unrecorded)."""


class SystemCoordinator(PolyCoordinator[SystemData]):
    """Slow tier: identity and state, calendar, system and SIP status."""

    @override
    async def _async_fetch(self) -> SystemData:
        """Read identity (needed), then the optional resources."""
        if self._skip_at_rest():
            return self.data
        info = await self.client.system_info()
        booted = None
        if info.uptime is not None:
            booted = (dt_util.utcnow() - timedelta(seconds=info.uptime)).replace(
                second=0, microsecond=0
            )
            if self.data and self.data.booted and abs(self.data.booted - booted) < _BOOT_JITTER:
                booted = self.data.booted
        return SystemData(
            info=info,
            booted=booted,
            addresses=await self._optional(DIAL_ADDRESSES, self.client.dial_addresses),
            open_sessions=await self._optional(SESSIONS, self.client.session_count),
            calendar_status=await self._optional(CALENDAR, self.client.calendar_status),
            meetings=await self._optional(
                MEETINGS, lambda: self.client.meetings(number=MEETINGS_AHEAD)
            ),
            status=await self._optional(SYSTEM_STATUS, self.client.system_status),
            sip=await self._optional(SIP, self.client.sip_server),
        )


class CallCoordinator(PolyCoordinator[CallData]):
    """Fast tier: audio, calls, content, video privacy."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        client: PolyVideoOSClient,
        tier: str,
        interval: timedelta,
        activity: Activity,
        system: SystemCoordinator,
    ) -> None:
        """Poll the calls; the system tier tells when a meeting runs and when the codec sleeps."""
        super().__init__(hass, entry, client, tier, interval, activity, CALLS_REST_EVERY)
        self.system = system
        # Controls the codec refused in its current mode (a partner app, a policy): control
        # -> when. They show as unavailable until the provider mode changes or an hour passes.
        self.refused: dict[str, datetime] = {}
        # Call entities also show system facts (a meeting to join, the codec asleep).
        self._unsub_system: Callable[[], None] | None = system.async_add_listener(
            self._system_changed
        )

    async def async_shutdown(self) -> None:
        """Stop polling and stop following the system tier (once)."""
        if self._unsub_system is not None:
            self._unsub_system()
            self._unsub_system = None
        await super().async_shutdown()

    @callback
    def _system_changed(self) -> None:
        """Show new system facts; read the calls at once when the codec woke up."""
        self.async_update_listeners()
        system = self.system.data
        if self.update_interval != self.interval and not (system and system.info.asleep):
            self.activity.stir()
            self.update_interval = self.interval
            self.config_entry.async_create_background_task(
                self.hass, self.async_request_refresh(), f"{self.name} woke up"
            )

    @override
    async def _async_fetch(self) -> CallData:
        """Read the conferences, then (unless the room rests) the rest of the call state.

        Audio and conferences are needed; content, casting, video mute and call quality are
        optional.
        """
        now = dt_util.utcnow()
        system = self.system.data
        meeting = system is not None and system.meeting_now(now) is not None
        try:
            conferences = await self.client.conferences()
            if not (conferences or meeting) and self._skip_at_rest():
                data = replace(self.data, conferences=conferences, read_at=now)
            else:
                data = await self._read_all(conferences)
        except ProAVError:
            # Every tier reads at its usual pace while the codec fails, and shows it.
            self.activity.stir()
            raise
        self.activity.observe(
            busy=meeting
            or bool(conferences or data.sharing or data.casting)
            or (self.data is not None and data != self.data)
        )
        self._pace(data)
        return data

    async def _read_all(self, conferences: tuple[Conference, ...]) -> CallData:
        """Read the whole call state (the conferences just read)."""
        audio = (await self.client.audio()).merged(self.data.audio if self.data else None)
        quality, packet_loss, streams = await self._quality(conferences)
        return CallData(
            audio=audio,
            conferences=conferences,
            quality=quality,
            packet_loss=packet_loss,
            streams=streams,
            content=await self._optional(CONTENT, self.client.content_status),
            casting=await self._optional(SHARED_MEDIA, self.client.shared_media),
            video_muted=await self._optional(VIDEO_MUTE, self.client.video_muted),
            meeting_in_call=await self._meeting_in_call(conferences),
            read_at=dt_util.utcnow(),
        )

    def _pace(self, data: CallData) -> None:
        """Poll slower while the codec sleeps (and at the usual pace once anything happens)."""
        system = self.system.data
        asleep = bool(system and system.info.asleep) and not data.conferences
        self.update_interval = max(self.interval, ASLEEP_INTERVAL) if asleep else self.interval

    async def _meeting_in_call(self, conferences: tuple[Conference, ...]) -> bool:
        """Return the calendar's "in call" for the meeting running now (partner modes).

        Read only while the calendar says a meeting runs and no native call is connected.
        """
        system = self.system.data
        if any(c.connected for c in conferences) or system is None:
            return False
        if system.meeting_now(dt_util.utcnow()) is None:
            return False
        meetings = await self._optional(MEETINGS, lambda: self.client.meetings(number=1))
        now = dt_util.utcnow()
        return any(m.in_call and m.start <= now < m.end for m in meetings or ())

    async def _quality(
        self, conferences: tuple[Conference, ...]
    ) -> tuple[int | None, float | None, tuple[MediaStat, ...]]:
        """Return the worst terminal quality, received packet loss and the streams of calls."""
        qualities: list[int] = []
        losses: list[float] = []
        all_streams: list[MediaStat] = []
        for conference in conferences:
            if not conference.connected:
                continue
            try:
                terminals = await self.client.terminal_quality(conference.id)
                streams = await self.client.media_stats(conference.id)
            except InvalidAuth:
                raise
            except NotAvailable:  # the call ended between the reads
                continue
            except ProAVError:
                return None, None, ()
            qualities.extend(terminal.quality for terminal in terminals)
            all_streams.extend(streams)
            losses.extend(
                stream.percent_packet_loss
                for stream in streams
                if stream.direction == "RX" and stream.percent_packet_loss is not None
            )
        return (
            min(qualities) if qualities else None,
            max(losses) if losses else None,
            tuple(all_streams),
        )

    def allowed(self, control: str) -> bool:
        """Return whether a control may be offered (the codec did not refuse it lately)."""
        since = self.refused.get(control)
        return since is None or dt_util.utcnow() - since > REFUSAL_MEMORY

    @callback
    def mode_changed(self) -> None:
        """Offer every control again (the provider mode changed)."""
        if self.refused:
            self.refused.clear()
            self.async_update_listeners()

    async def _guard[R](self, control: str, command: Awaitable[R]) -> R:
        """Run a command; remember when the codec's mode refuses it."""
        try:
            return await command
        except NotPermitted:
            LOGGER.info(
                "%s refused %s in its current mode; it shows as unavailable until the mode changes",
                self.config_entry.title,
                control,
            )
            self.refused[control] = dt_util.utcnow()
            self.async_update_listeners()
            raise

    async def async_set_muted(self, muted: bool) -> None:
        """Mute or unmute the microphones; a refused unmute leaves the state as it is."""
        if not muted and self.data.audio.mute_locked:
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key="mute_locked")

        async def command() -> Audio:
            try:
                return await self._guard(MIC_CONTROL, self.client.set_muted(muted))
            except MuteLocked as err:
                self.data = replace(self.data, audio=replace(self.data.audio, mute_locked=True))
                self.async_update_listeners()
                raise HomeAssistantError(
                    translation_domain=DOMAIN, translation_key="mute_locked"
                ) from err

        await self.async_apply(command(), _with_audio)

    async def async_set_volume(self, volume: int) -> None:
        """Set the volume (0-100)."""
        await self.async_apply(
            self._guard(VOLUME_CONTROL, self.client.set_volume(volume)), _with_audio
        )

    async def async_set_video_muted(self, muted: bool) -> None:
        """Hide or show the local video."""
        await self.async_apply(
            self._guard(VIDEO_CONTROL, self.client.set_video_muted(muted)),
            lambda data, confirmed: replace(data, video_muted=confirmed),
        )

    async def async_hang_up(self) -> None:
        """End every call."""
        await self.async_apply(
            self.client.hang_up_all(),
            lambda data, _: replace(
                data, conferences=(), quality=None, packet_loss=None, streams=()
            ),
        )

    async def async_hang_up_one(self, conference_id: str) -> None:
        """End one call; the others keep running."""

        def update(data: CallData, _: None) -> CallData:
            left = tuple(c for c in data.conferences if c.id != conference_id)
            return replace(data, conferences=left)

        await self.async_apply(self.client.hang_up(conference_id), update)

    async def async_reject(self) -> None:
        """Reject the call ringing in (or hang up its connection)."""
        ringing = self.data.ringing_call
        if ringing is None:
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key="poly_no_call")
        conference, connection_id = ringing
        await self.async_apply(self.client.hang_up_connection(conference.id, connection_id))

    async def async_dial(self, command: Awaitable[Any]) -> None:
        """Run a dial-like command, then read the calls again at once (not debounced)."""
        await self.async_apply(command, lambda data, _: data)
        await self.async_refresh()


def _with_audio(data: CallData, audio: Audio) -> CallData:
    """Apply a confirmed audio state (fields it left out keep their last value)."""
    return replace(data, audio=audio.merged(data.audio))


class RoomCoordinator(PolyCoordinator[RoomData]):
    """Medium tier: cameras, presets, modes."""

    @override
    async def _async_fetch(self) -> RoomData:
        """Read cameras, presets and modes (keeping the last recalled preset)."""
        if self._skip_at_rest():
            return self.data
        data = RoomData(
            cameras=await self._optional(CAMERAS, self.client.cameras),
            presets=await self._optional(PRESETS, self.client.presets),
            mode=await self._optional(SYSTEM_MODE, self.client.system_mode),
            apps=await self._optional(APPS, self.client.apps),
            microphones=await self._optional(MICROPHONES, self.client.microphones),
            peripherals=await self._optional(PERIPHERALS, self.client.peripherals),
            favorites=await self._optional(FAVORITES, self.client.favorites),
            device_mode=await self._optional(DEVICE_MODE, self.client.device_mode),
            signage_mode=await self._optional(SIGNAGE_MODE, self.client.signage_mode),
            recalled_preset=self.data.recalled_preset if self.data else None,
        )
        if self.data is not None and data != self.data:
            self.activity.stir()
        return data

    async def async_recall_preset(self, index: int) -> None:
        """Move the camera to a stored preset."""
        await self.async_apply(
            self.client.recall_preset(index),
            lambda data, _: replace(data, recalled_preset=index),
        )

    async def async_change_preset(self, index: int, *, store: bool) -> None:
        """Store or clear a preset slot, then read the presets again."""

        async def command() -> tuple[Preset, ...]:
            await (self.client.store_preset(index) if store else self.client.clear_preset(index))
            return await self.client.presets()

        def update(data: RoomData, presets: tuple[Preset, ...]) -> RoomData:
            recalled = data.recalled_preset
            return replace(
                data, presets=presets, recalled_preset=None if recalled == index else recalled
            )

        await self.async_apply(command(), update)

    async def async_set_mode(self, mode: str, on: bool) -> None:
        """Start or stop Device Mode or Digital Signage."""
        setter: Callable[[bool], Awaitable[bool | None]] = (
            self.client.set_device_mode if mode == DEVICE_MODE else self.client.set_signage_mode
        )

        def update(data: RoomData, confirmed: bool | None) -> RoomData:
            if mode == DEVICE_MODE:
                return replace(data, device_mode=confirmed)
            return replace(data, signage_mode=confirmed)

        await self.async_apply(setter(on), update)

    async def async_set_provider(self, app: str) -> None:
        """Switch the provider app, then read the mode again."""
        await self.async_apply(self.client.set_provider(app))

    async def async_camera_moved(self) -> None:
        """Forget the recalled preset after a manual move."""
        self.data = replace(self.data, recalled_preset=None)
        self.async_update_listeners()
