"""Coordinators of a Poly VideoOS codec: polling in three tiers (the API has no push).

- calls (fast): audio, conferences (with call quality while in a call), content, video mute;
- room (medium): cameras, presets, device and signage modes;
- system (slow): identity, calendar, system and SIP status.
"""

# Home Assistant side of the device type: it builds on the integration's shared modules.
# ruff: noqa: TID252

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from ...const import DOMAIN
from ...coordinator import ProAVCoordinator
from ..base import ProAVConfigEntry
from .client import MuteLocked, NotAvailable, PolyVideoOSClient
from .models import (
    CONTENT_IDLE,
    Audio,
    Camera,
    Conference,
    Meeting,
    Preset,
    ServerState,
    StatusItem,
    SystemInfo,
)

MEETINGS_AHEAD = 10


@dataclass(frozen=True, kw_only=True)
class CallData:
    """Fast tier: what changes during a meeting."""

    audio: Audio
    conferences: tuple[Conference, ...]
    quality: int | None
    packet_loss: float | None
    content: str
    video_muted: bool
    # When the call durations were read; not part of equality, so an idle poll changes nothing.
    read_at: datetime = field(compare=False)

    @property
    def in_call(self) -> bool:
        """Return whether a call is connected."""
        return any(conference.connected for conference in self.conferences)

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
    def sharing(self) -> bool:
        """Return whether content is being shared."""
        return self.content not in (CONTENT_IDLE, "UNKNOWN")


@dataclass(frozen=True, kw_only=True)
class RoomData:
    """Medium tier: cameras, presets and modes."""

    cameras: tuple[Camera, ...]
    presets: tuple[Preset, ...]
    device_mode: bool
    signage_mode: bool
    # The API cannot read back which preset is current: the last one recalled here.
    recalled_preset: int | None = None

    @property
    def stored_presets(self) -> list[int]:
        """Return the indexes of stored presets."""
        return [preset.index for preset in self.presets if preset.stored]


@dataclass(frozen=True, kw_only=True)
class SystemData:
    """Slow tier: identity, calendar and system status."""

    info: SystemInfo
    calendar_status: str
    meetings: tuple[Meeting, ...]
    status: tuple[StatusItem, ...]
    sip: ServerState | None

    def next_meeting(self, now: datetime) -> Meeting | None:
        """Return the meeting running now or the next one (canceled ones skipped)."""
        return next(
            (meeting for meeting in self.meetings if meeting.end > now and not meeting.canceled),
            None,
        )


class PolyCoordinator[T](ProAVCoordinator[T]):
    """One polling tier of a codec (expired sessions are renewed by the client)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        client: PolyVideoOSClient,
        tier: str,
        interval: timedelta,
    ) -> None:
        """Poll one tier of the codec at its own interval."""
        super().__init__(
            hass, entry, f"{DOMAIN}_poly_videoos_{entry.data['host']}_{tier}", interval
        )
        self.client = client

    def apply(self, **changes: Any) -> None:
        """Show a confirmed command result at once."""
        if self.data is not None:
            self.async_set_updated_data(replace(self.data, **changes))  # type: ignore[type-var]


class CallCoordinator(PolyCoordinator[CallData]):
    """Fast tier: audio, calls, content, video privacy."""

    @override
    async def _async_fetch(self) -> CallData:
        """Read audio, conferences, quality, content and video mute."""
        conferences = await self.client.conferences()
        quality, packet_loss = await self._quality(conferences)
        return CallData(
            audio=await self.client.audio(),
            conferences=conferences,
            quality=quality,
            packet_loss=packet_loss,
            content=await self.client.content_status(),
            video_muted=await self.client.video_muted(),
            read_at=dt_util.utcnow(),
        )

    async def _quality(
        self, conferences: tuple[Conference, ...]
    ) -> tuple[int | None, float | None]:
        """Return the worst terminal quality and received packet loss of the connected calls."""
        qualities: list[int] = []
        losses: list[float] = []
        for conference in conferences:
            if not conference.connected:
                continue
            try:
                terminals = await self.client.terminal_quality(conference.id)
                streams = await self.client.media_stats(conference.id)
            except NotAvailable:  # the call ended between the reads
                continue
            qualities.extend(terminal.quality for terminal in terminals)
            losses.extend(
                stream.percent_packet_loss
                for stream in streams
                if stream.direction == "RX" and stream.percent_packet_loss is not None
            )
        return (min(qualities) if qualities else None), (max(losses) if losses else None)

    async def async_set_muted(self, muted: bool) -> None:
        """Mute or unmute the microphones; a refused unmute leaves the state as it is."""
        if not muted and self.data.audio.mute_locked:
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key="mute_locked")
        try:
            audio = await self.client.set_muted(muted)
        except MuteLocked as err:
            self.apply(audio=replace(self.data.audio, mute_locked=True))
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="mute_locked"
            ) from err
        self.apply(audio=audio)

    async def async_set_volume(self, volume: int) -> None:
        """Set the volume (0-100)."""
        self.apply(audio=await self.client.set_volume(volume))

    async def async_set_video_muted(self, muted: bool) -> None:
        """Hide or show the local video."""
        self.apply(video_muted=await self.client.set_video_muted(muted))

    async def async_hang_up(self) -> None:
        """End every call."""
        await self.client.hang_up_all()
        self.apply(conferences=(), quality=None, packet_loss=None)

    async def async_after_dial(self, command: Awaitable[Any]) -> None:
        """Run a dial-like command, then read the calls again at once."""
        await command
        await self.async_refresh()


class RoomCoordinator(PolyCoordinator[RoomData]):
    """Medium tier: cameras, presets, modes."""

    @override
    async def _async_fetch(self) -> RoomData:
        """Read cameras, presets and modes (keeping the last recalled preset)."""
        return RoomData(
            cameras=await self.client.cameras(),
            presets=await self.client.presets(),
            device_mode=await self.client.device_mode(),
            signage_mode=await self.client.signage_mode(),
            recalled_preset=self.data.recalled_preset if self.data else None,
        )

    async def async_recall_preset(self, index: int) -> None:
        """Move the camera to a stored preset."""
        await self.client.recall_preset(index)
        self.apply(recalled_preset=index)

    async def async_change_preset(self, index: int, *, store: bool) -> None:
        """Store or clear a preset slot, then read the presets again."""
        await (self.client.store_preset(index) if store else self.client.clear_preset(index))
        presets = await self.client.presets()
        recalled = self.data.recalled_preset
        self.apply(presets=presets, recalled_preset=None if recalled == index else recalled)

    async def async_set_mode(self, mode: str, on: bool) -> None:
        """Start or stop Device Mode or Digital Signage."""
        setter: Callable[[bool], Awaitable[bool]] = (
            self.client.set_device_mode if mode == "device_mode" else self.client.set_signage_mode
        )
        self.apply(**{mode: await setter(on)})


class SystemCoordinator(PolyCoordinator[SystemData]):
    """Slow tier: identity, calendar, system and SIP status."""

    @override
    async def _async_fetch(self) -> SystemData:
        """Read identity, calendar and status."""
        return SystemData(
            info=await self.client.system_info(),
            calendar_status=await self.client.calendar_status(),
            meetings=await self.client.meetings(number=MEETINGS_AHEAD),
            status=await self.client.system_status(),
            sip=await self.client.sip_server(),
        )
