"""Coordinators of an exacqVision server: a slow inventory read and a fast live-state read.

The inventory (server, cameras, presets, soft triggers) changes rarely and costs one request per
camera for the presets, so it is read every few minutes. The live state costs a constant three
requests however many cameras the server has: the Servers Response of ``status.web`` lists only
the items in an important state, ``events.web`` the active alarms, and the triggered links of
our event monitoring profile the occurrences since the last read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cached_property
import logging
from typing import override

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import UpdateFailed

from custom_components.proav.const import DOMAIN
from custom_components.proav.coordinator import ProAVCoordinator
from custom_components.proav.devices.base import ProAVConfigEntry, ScanInterval
from custom_components.proav.devices.errors import DeviceError, ProAVError

from .client import ExacqVisionClient
from .events import EventTracker, ExacqEvent, event_links
from .models import (
    ActiveEvent,
    ActiveEventType,
    Camera,
    PtzPreset,
    Server,
    ServerStatus,
    SoftTrigger,
    SystemInfo,
)

_LOGGER = logging.getLogger(__name__)

STATUS_INTERVAL = ScanInterval(key="status_interval", default=5, minimum=2, maximum=300)
INVENTORY_INTERVAL = ScanInterval(key="inventory_interval", default=600, minimum=60, maximum=86400)

# Our event monitoring profile on the server: created at setup, deleted at unload, one per entry
# (several Home Assistant instances may watch one server).
EVENT_PROFILE_PREFIX = "HomeAssistant-"
PRESET_CONCURRENCY = 16


@dataclass(frozen=True, kw_only=True)
class Inventory:
    """What a server has: itself, its cameras (with presets) and its soft triggers."""

    server: Server
    system: SystemInfo
    cameras: dict[str, Camera]
    presets: dict[str, tuple[PtzPreset, ...]]  # only cameras that have presets
    triggers: dict[str, SoftTrigger]


@dataclass(frozen=True, kw_only=True)
class LiveState:
    """What a server is doing now, and what happened since the last read."""

    status: ServerStatus
    active: tuple[ActiveEvent, ...]
    events: tuple[ExacqEvent, ...] = ()

    @cached_property
    def disconnected(self) -> frozenset[str]:
        """Return the sources with an active "device disconnected" event (computed once)."""
        return frozenset(
            event.source_id
            for event in self.active
            if event.type is ActiveEventType.DEVICE_DISCONNECTED
        )

    def alarms(self, kinds: frozenset[ActiveEventType]) -> list[ActiveEvent]:
        """Return the active events of some types."""
        return [event for event in self.active if event.type in kinds]


class InventoryCoordinator(ProAVCoordinator[Inventory]):
    """Read the server's inventory (slow)."""

    def __init__(
        self, hass: HomeAssistant, entry: ProAVConfigEntry, client: ExacqVisionClient
    ) -> None:
        """Read at the interval the options chose."""
        super().__init__(
            hass,
            entry,
            f"{DOMAIN}_exacqvision_{entry.unique_id}_inventory",
            INVENTORY_INTERVAL.of(entry),
        )
        self.client = client
        self.last_preset: dict[str, str] = {}  # camera id -> preset id last recalled from HA

    @override
    async def _async_fetch(self) -> Inventory:
        """Read server, cameras, presets and triggers."""
        servers, system, cameras, triggers = await asyncio.gather(
            self.client.list_servers(),
            self.client.system_info(),
            self.client.cameras(),
            self.client.soft_triggers(),
        )
        presets = await self._presets([camera.id for camera in cameras])
        server = next((s for s in servers.servers if s.id == self.client.server_id), None)
        if server is None:
            raise UpdateFailed(translation_domain=DOMAIN, translation_key="server_left_web_service")
        return Inventory(
            server=server,
            system=system,
            cameras={camera.id: camera for camera in cameras},
            presets=presets,
            triggers={trigger.id: trigger for trigger in triggers},
        )

    async def _presets(self, camera_ids: list[str]) -> dict[str, tuple[PtzPreset, ...]]:
        """Read every camera's presets, a few at a time (there is no batched read)."""
        limit = asyncio.Semaphore(PRESET_CONCURRENCY)

        async def one(camera_id: str) -> tuple[PtzPreset, ...]:
            async with limit:
                try:
                    return tuple(await self.client.presets(camera_id))
                except DeviceError:
                    return ()  # a camera the server cannot move

        found = await asyncio.gather(*(one(camera_id) for camera_id in camera_ids))
        return {
            camera_id: presets
            for camera_id, presets in zip(camera_ids, found, strict=True)
            if presets
        }

    async def async_recall_preset(self, camera_id: str, option: str) -> None:
        """Move a camera to the preset named by a select option; remember it."""
        preset = next(p for p in preset_options(self.data, camera_id) if p[1] == option)[0]
        await self.client.recall_preset(camera_id, preset.id)
        self.last_preset[camera_id] = preset.id


def _changed_items(old: LiveState, new: LiveState) -> set[str]:
    """Return the ids of the cameras and triggers whose state differs between two reads."""
    cameras = old.status.cameras.keys() | new.status.cameras.keys()
    changed = {k for k in cameras if old.status.cameras.get(k) != new.status.cameras.get(k)}
    changed |= old.status.triggers_on ^ new.status.triggers_on
    changed |= {event.source_id for event in set(old.active) ^ set(new.active)}
    changed |= {event.source_id for event in new.events}
    return changed


def preset_options(inventory: Inventory, camera_id: str) -> list[tuple[PtzPreset, str]]:
    """Return a camera's presets with their option labels (ids added where names clash)."""
    presets = inventory.presets.get(camera_id, ())
    names = [preset.name for preset in presets]
    return [
        (preset, preset.name if names.count(preset.name) == 1 else f"{preset.name} ({preset.id})")
        for preset in presets
    ]


class StatusCoordinator(ProAVCoordinator[LiveState]):
    """Read the server's live state (fast, constant cost); every entity listens here."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        client: ExacqVisionClient,
        inventory: InventoryCoordinator,
    ) -> None:
        """Read at the interval the options chose; follow the inventory too."""
        super().__init__(
            hass, entry, f"{DOMAIN}_exacqvision_{entry.unique_id}_status", STATUS_INTERVAL.of(entry)
        )
        self.client = client
        self.inventory = inventory
        self.event_profile: str | None = None
        self._events = EventTracker()
        self._profile_name = f"{EVENT_PROFILE_PREFIX}{entry.entry_id[-8:]}"
        # Items whose state changed in the last update; None: all. With hundreds of cameras,
        # writing only the entities of changed items keeps a poll cheap.
        self.changed: set[str] | None = None

    @callback
    def async_inventory_updated(self) -> None:
        """Let every entity see a new inventory (names, presets)."""
        if self.data is not None:
            self.changed = None
            self.async_update_listeners()

    async def async_setup_events(self) -> None:
        """Make sure our event monitoring profile exists; without it, events come by edge."""
        try:
            if self._profile_name not in await self.client.event_profiles():
                await self.client.create_event_profile(self._profile_name, event_links())
        except DeviceError as err:
            _LOGGER.info(
                "exacqVision server %s: cannot use event monitoring (%s); events come from "
                "active events instead",
                self.client.server_id,
                err,
            )
            return
        self.event_profile = self._profile_name

    async def async_remove_events(self) -> None:
        """Delete our event monitoring profile, leaving the server's configuration as it was."""
        if self.event_profile is None:
            return
        name, self.event_profile = self.event_profile, None
        try:
            await self.client.delete_event_profile(name)
        except ProAVError as err:
            _LOGGER.debug("Could not delete event monitoring profile %s: %s", name, err)

    def affects(self, item_key: str) -> bool:
        """Return whether the last update concerns an item (cameras, triggers by id)."""
        return self.changed is None or item_key in self.changed

    @callback
    def touch(self, *item_keys: str) -> None:
        """Limit the next listener update to some items (a command changed only them)."""
        self.changed = set(item_keys)

    @override
    async def _async_fetch(self) -> LiveState:
        """Read status, active events and new occurrences; note which items changed."""
        previous = self.data if self.last_update_success else None
        self.changed = None  # on failure or recovery every entity must update
        status, active = await asyncio.gather(self.client.status(), self.client.active_events())
        events = await self._new_events(active)
        data = LiveState(status=status, active=active, events=events)
        if previous is not None:
            self.changed = _changed_items(previous, data)
        return data

    async def _new_events(self, active: tuple[ActiveEvent, ...]) -> tuple[ExacqEvent, ...]:
        """Return what happened since the last read (nothing on the first read)."""
        if self.event_profile is not None:
            try:
                triggered = await self.client.triggered_events(
                    self.event_profile, self._event_window()
                )
            except DeviceError as err:
                _LOGGER.info("Event monitoring profile unusable (%s); using active events", err)
                self.event_profile = None
            else:
                return self._events.triggered(triggered)
        return self._events.active(active)

    def _event_window(self) -> int:
        """Return how far back to ask for occurrences: a poll interval and some margin."""
        interval = self.update_interval.total_seconds() if self.update_interval else 5
        return int(interval) + 5

    async def async_set_trigger(self, trigger_id: str, on: bool) -> None:
        """Fire (or release) a soft trigger and show it at once."""
        await self.client.set_soft_trigger(trigger_id, on)
        self.touch(trigger_id)
        if self.data is not None:
            status = self.data.status
            triggers = (
                status.triggers_on | {trigger_id} if on else status.triggers_on - {trigger_id}
            )
            self.data = LiveState(
                status=ServerStatus(cameras=status.cameras, triggers_on=triggers),
                active=self.data.active,
            )
