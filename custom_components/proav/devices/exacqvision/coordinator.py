"""Coordinators of an exacqVision server: the inventory (every minute) and the live state.

The inventory reads ``config.web`` - the cameras with their ``state`` and ``disabled`` flags, the
one liveness signal real clients rely on - once a minute in one request. Every other resource is
optional (``client.capabilities``): the server list, system information, soft triggers and PTZ
presets (read once per camera, only where the user may use PTZ, and cached). The live state reads
``status.web`` item by item, at most ``STATUS_CHUNK`` items a poll (so a poll costs the same few
requests however many cameras), and the active events apart from it: an events failure never
blanks the cameras. Event monitoring writes a profile into the server, so it is an option (off by
default); the profile is checked and repaired at setup and deleted at unload.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import logging
import time
from typing import override

from homeassistant.core import HomeAssistant, callback

from ...const import DOMAIN  # noqa: TID252
from ...coordinator import ProAVCoordinator  # noqa: TID252
from ..base import ProAVConfigEntry, ScanInterval  # noqa: TID252
from ..capabilities import Support  # noqa: TID252
from ..errors import (  # noqa: TID252
    CannotConnect,
    InvalidAuth,
    NotPermitted,
    NotSupported,
    ProAVError,
)
from .client import STATUS_CHUNK, ExacqVisionClient
from .events import EventTracker, ExacqEvent, event_links
from .models import (
    ActiveEvent,
    ActiveEventType,
    Camera,
    CameraStatus,
    Permissions,
    PtzPreset,
    Server,
    ServerStatus,
    SoftTrigger,
    SystemInfo,
)

_LOGGER = logging.getLogger(__name__)

STATUS_INTERVAL = ScanInterval(key="status_interval", default=5, minimum=2, maximum=300)
INVENTORY_INTERVAL = ScanInterval(key="inventory_interval", default=60, minimum=30, maximum=3600)

# The optional resources (capabilities) of a server.
CAP_SERVERS = "servers"
CAP_SYSTEM = "system_info"
CAP_TRIGGERS = "soft_triggers"
CAP_PTZ = "ptz"
CAP_STATUS = "status"
CAP_EVENTS = "events"
CAP_EVENT_MONITORING = "event_monitoring"
CAP_RECORDING_SEARCH = "recording_search"

# Without a status route, recording comes from a search of the last minutes (a verified route),
# one search for up to STATUS_CHUNK cameras every few polls.
RECORDING_WINDOW = timedelta(minutes=2)
RECORDING_SEARCH_EVERY = 6

# Our event monitoring profile on the server (opt-in): one per entry (several Home Assistant
# instances may watch one server).
EVENT_PROFILE_PREFIX = "HomeAssistant-"


def event_profile_name(entry_id: str) -> str:
    """Return the name of the event monitoring profile an entry keeps on its server."""
    return f"{EVENT_PROFILE_PREFIX}{entry_id[-8:]}"


PRESET_CONCURRENCY = 8
# Cameras whose preset read tells whether the web service has the PTZ route at all.
PTZ_PROBE_CAMERAS = 3
# How long the presets of a camera that has some are kept before they are read again.
PRESET_REFRESH = 600.0


async def read_optional[T](
    client: ExacqVisionClient, name: str, read: Callable[[], Awaitable[T]]
) -> T | None:
    """Read an optional resource; a web service that does not answer at all stays an error."""
    down: list[CannotConnect] = []

    async def guarded() -> T:
        try:
            return await read()
        except CannotConnect as err:
            down.append(err)
            raise

    result = await client.capabilities.async_read(name, guarded)
    if down:
        raise down[0]
    return result


@dataclass(frozen=True, kw_only=True)
class Inventory:
    """What a server has: itself, its cameras (with presets) and its soft triggers."""

    server: Server
    system: SystemInfo | None
    cameras: dict[str, Camera]
    presets: dict[str, tuple[PtzPreset, ...]]  # only cameras that have presets
    triggers: dict[str, SoftTrigger]
    permissions: Permissions = field(default_factory=Permissions)


@dataclass(frozen=True, kw_only=True)
class LiveState:
    """What a server is doing now, and what happened since the last read."""

    status: ServerStatus
    active: tuple[ActiveEvent, ...]
    events: tuple[ExacqEvent, ...] = ()
    # Which optional live resources answered (status, events): a change must reach entities.
    answering: tuple[bool, ...] = ()

    def alarms(self, kinds: frozenset[ActiveEventType]) -> list[ActiveEvent]:
        """Return the active events of some types."""
        return [event for event in self.active if event.type in kinds]


class InventoryCoordinator(ProAVCoordinator[Inventory]):
    """Read the server's cameras (every minute) and its optional resources."""

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
        self._system: SystemInfo | None = None
        self._presets: dict[str, tuple[PtzPreset, ...]] = {}  # camera id -> presets (cache)
        self._presets_read = 0.0  # when the cached presets were last read (monotonic)

    @override
    async def _async_fetch(self) -> Inventory:
        """Read the cameras (required), then the optional resources."""
        client = self.client
        cameras = await client.cameras()
        login = client.login_result
        assert login is not None
        servers = await read_optional(client, CAP_SERVERS, client.list_servers)
        listed = next(
            (s for s in (servers.servers if servers else ()) if s.id == client.server_id), None
        )
        if self._system is None:
            self._system = await read_optional(client, CAP_SYSTEM, client.system_info)
        triggers = await read_optional(client, CAP_TRIGGERS, client.soft_triggers)
        if triggers is None and self.data is not None:
            triggers = list(self.data.triggers.values())  # failing for now: keep the list
        presets = await self._read_presets(cameras, login.permissions)
        return Inventory(
            server=listed or login.server,
            system=self._system,
            cameras={camera.id: camera for camera in cameras},
            presets=presets,
            triggers={trigger.id: trigger for trigger in triggers or ()},
            permissions=login.permissions,
        )

    async def _read_presets(
        self, cameras: list[Camera], permissions: Permissions
    ) -> dict[str, tuple[PtzPreset, ...]]:
        """Return the presets of the cameras that have some, reading each camera once."""
        capabilities = self.client.capabilities
        if permissions.ptz is False:
            capabilities.mark(CAP_PTZ, Support.NOT_PERMITTED, "user_permissions")
        if capabilities.lacks(CAP_PTZ):
            return {}
        if time.monotonic() - self._presets_read > PRESET_REFRESH:
            # Read the PTZ cameras again (presets change); fixed cameras are not asked again.
            self._presets = {key: value for key, value in self._presets.items() if not value}
            self._presets_read = time.monotonic()
        new = [camera.id for camera in cameras if camera.id not in self._presets]
        missing = 0
        limit = asyncio.Semaphore(PRESET_CONCURRENCY)

        async def one(camera_id: str) -> None:
            nonlocal missing
            async with limit:
                try:
                    self._presets[camera_id] = tuple(await self.client.presets(camera_id))
                except InvalidAuth:
                    raise
                except (NotSupported, NotPermitted):
                    self._presets[camera_id] = ()  # a fixed camera, or no PTZ route at all
                    missing += 1
                except ProAVError as err:  # asked again at the next inventory read
                    _LOGGER.debug("No presets of camera %s: %s", camera_id, type(err).__name__)
                else:
                    capabilities.mark(CAP_PTZ, Support.SUPPORTED)

        # A few cameras first: if none of them has the route, the others are not asked.
        for camera_id in new[:PTZ_PROBE_CAMERAS]:
            await one(camera_id)
        if not capabilities.exists(CAP_PTZ) and missing == len(new[:PTZ_PROBE_CAMERAS]) > 0:
            capabilities.mark(CAP_PTZ, Support.UNSUPPORTED, "NotSupported")
            return {}
        await asyncio.gather(*(one(camera_id) for camera_id in new[PTZ_PROBE_CAMERAS:]))
        current = {camera.id for camera in cameras}
        return {key: value for key, value in self._presets.items() if value and key in current}

    async def async_recall_preset(self, camera_id: str, option: str) -> str:
        """Move a camera to the preset named by a select option; return the preset id."""
        preset = next(p for p in preset_options(self.data, camera_id) if p[1] == option)[0]
        await self.client.recall_preset(camera_id, preset.id)
        return preset.id


def _changed_items(old: LiveState, new: LiveState) -> set[str]:
    """Return the ids of the cameras and triggers whose state differs between two reads."""
    cameras = old.status.cameras.keys() | new.status.cameras.keys()
    changed = {k for k in cameras if old.status.cameras.get(k) != new.status.cameras.get(k)}
    triggers = old.status.triggers.keys() | new.status.triggers.keys()
    changed |= {k for k in triggers if old.status.triggers.get(k) != new.status.triggers.get(k)}
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
        *,
        event_monitoring: bool = False,
    ) -> None:
        """Read at the interval the options chose; follow the inventory too."""
        super().__init__(
            hass, entry, f"{DOMAIN}_exacqvision_{entry.unique_id}_status", STATUS_INTERVAL.of(entry)
        )
        self.client = client
        self.inventory = inventory
        self.event_monitoring = event_monitoring
        self.event_profile: str | None = None
        self._events = EventTracker()
        self._profile_name = event_profile_name(entry.entry_id)
        self._next_item = 0  # where the next status read starts in the item list
        self._next_search = 0  # where the next recording search starts in the camera list
        self._polls = 0
        # Items whose state changed in the last update; None: all. With hundreds of cameras,
        # writing only the entities of changed items keeps a poll cheap.
        self.changed: set[str] | None = None

    @callback
    def async_inventory_updated(self) -> None:
        """Let every entity see a new inventory (names, presets, camera states)."""
        if self.data is not None:
            self.changed = None
            self.async_update_listeners()

    async def async_setup_events(self) -> None:
        """Make sure our event monitoring profile exists with the right links (opt-in)."""
        if not self.event_monitoring:
            return
        client, wanted = self.client, event_links()
        kinds = frozenset(link["eventSourceType"] for link in wanted)
        if (
            client.login_result is not None
            and client.login_result.permissions.event_monitor is False
        ):
            client.capabilities.mark(
                CAP_EVENT_MONITORING, Support.NOT_PERMITTED, "user_permissions"
            )
        profiles = await read_optional(client, CAP_EVENT_MONITORING, client.event_profiles)
        if profiles is None:
            _LOGGER.info("Event monitoring is not available on this server; using active events")
            return
        try:
            if self._profile_name in profiles and profiles[self._profile_name] != kinds:
                # Half created, or changed by someone: build it again.
                await client.delete_event_profile(self._profile_name)
                profiles.pop(self._profile_name)
            if self._profile_name not in profiles:
                await client.create_event_profile(self._profile_name, wanted)
        except InvalidAuth:
            raise
        except ProAVError as err:
            _LOGGER.info("Cannot set up event monitoring (%s); using active events", err)
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
            _LOGGER.debug("Could not delete event monitoring profile: %s", type(err).__name__)

    def affects(self, item_key: str) -> bool:
        """Return whether the last update concerns an item (cameras, triggers by id)."""
        return self.changed is None or item_key in self.changed

    @callback
    def touch(self, *item_keys: str) -> None:
        """Limit the next listener update to some items (a command changed only them)."""
        self.changed = set(item_keys)

    def _next_chunk(self) -> tuple[list[str], list[str]]:
        """Return the cameras and triggers to ask about now (at most ``STATUS_CHUNK``)."""
        inventory = self.inventory.data
        items = [("c", key) for key in inventory.cameras] + [
            ("t", key) for key in inventory.triggers
        ]
        if not items:
            return [], []
        start = self._next_item % len(items)
        chunk = (items + items)[start : start + min(STATUS_CHUNK, len(items))]
        self._next_item = start + len(chunk)
        return [k for kind, k in chunk if kind == "c"], [k for kind, k in chunk if kind == "t"]

    @override
    async def _async_fetch(self) -> LiveState:
        """Read some items' status and the active events; note which items changed."""
        previous = self.data if self.last_update_success else None
        self.changed = None  # on failure or recovery every entity must update
        client = self.client
        answered = self._answering()
        cameras, triggers = self._next_chunk()
        status = self.data.status if self.data is not None else ServerStatus()
        if cameras or triggers:
            read = await read_optional(client, CAP_STATUS, lambda: client.status(cameras, triggers))
            if read is not None:
                status = status.merged(read)
        if client.capabilities.lacks(CAP_STATUS):
            status = await self._search_recording(status)
        self._polls += 1
        active = await read_optional(client, CAP_EVENTS, client.active_events)
        if active is None:
            active = self.data.active if self.data is not None else ()
        events = await self._new_events(active)
        data = LiveState(status=status, active=active, events=events, answering=self._answering())
        if previous is not None and data.answering == answered:
            self.changed = _changed_items(previous, data)
        return data

    def _answering(self) -> tuple[bool, ...]:
        """Return which optional live resources answer (a change rewrites every entity)."""
        capabilities = self.client.capabilities
        return tuple(capabilities.available(name) for name in (CAP_STATUS, CAP_EVENTS))

    async def _search_recording(self, status: ServerStatus) -> ServerStatus:
        """Learn which cameras record from a search of the last minutes (no status route)."""
        cameras = list(self.inventory.data.cameras)
        if not cameras or self._polls % RECORDING_SEARCH_EVERY:
            return status
        start = self._next_search % len(cameras)
        chunk = (cameras + cameras)[start : start + min(STATUS_CHUNK, len(cameras))]
        self._next_search = start + len(chunk)
        until = datetime.now(UTC)
        client = self.client
        found = await read_optional(
            client,
            CAP_RECORDING_SEARCH,
            lambda: client.recording(chunk, until - RECORDING_WINDOW, until),
        )
        if found is None:
            return status
        return status.merged(
            ServerStatus(
                cameras={key: CameraStatus(id=key, recording=on) for key, on in found.items()}
            )
        )

    async def _new_events(self, active: tuple[ActiveEvent, ...]) -> tuple[ExacqEvent, ...]:
        """Return what happened since the last read (nothing on the first read)."""
        if self.event_profile is not None:
            try:
                triggered = await self.client.triggered_events(
                    self.event_profile, self._event_window()
                )
            except InvalidAuth:
                raise
            except ProAVError as err:
                _LOGGER.info("Event monitoring unusable (%s); using active events", err)
                self.event_profile = None
            else:
                return self._events.triggered(triggered)
        return self._events.active(active)

    def _event_window(self) -> int:
        """Return how far back to ask for occurrences: a poll interval and some margin."""
        interval = self.update_interval.total_seconds() if self.update_interval else 5
        return int(interval) + 5

    def with_trigger(self, data: LiveState, trigger_id: str, on: bool) -> LiveState:
        """Return the live state with a soft trigger set as the server confirmed it."""
        self.touch(trigger_id)
        status = data.status
        return LiveState(
            status=ServerStatus(
                cameras=status.cameras, triggers={**status.triggers, trigger_id: on}
            ),
            active=data.active,
            answering=data.answering,
        )
