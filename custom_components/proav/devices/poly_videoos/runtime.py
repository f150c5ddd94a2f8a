"""The runtime of one Poly VideoOS codec: its client, three polling tiers and their entities.

Entities are added per platform from ``platform_entities``; those that need an optional resource
appear once the codec shows it has it (and go when it no longer does). The session id is kept in
a ``Store``, so that a start after a crash deletes the session the last run left behind.
"""

# Home Assistant side of the device type: it builds on the integration's shared modules.
# ruff: noqa: TID252

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from homeassistant.components.diagnostics import REDACTED
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from ...binary_sensor import ProAVBinarySensor
from ...button import ProAVButton
from ...compat import async_get_device
from ...const import DOMAIN
from ...entity import Item, ItemEntities
from ...issues import async_set_issue
from ...select import ProAVSelect
from ...sensor import ProAVSensor
from ...switch import ProAVSwitch
from ..base import ProAVConfigEntry, ProAVRuntime
from .client import PolyVideoOSClient
from .coordinator import CallCoordinator, RoomCoordinator, SystemCoordinator
from .entities import (
    CALENDAR_ENTITY,
    CALL_BINARY_SENSORS,
    CALL_BUTTONS,
    CALL_EVENTS,
    CALL_SENSORS,
    CALL_SWITCHES,
    CONTENT_EVENTS,
    MAIN,
    MICROPHONE_EVENTS,
    PERIPHERAL_SENSOR,
    PRESET_SELECT,
    PROVIDER_SELECT,
    ROOM_BINARY_SENSORS,
    ROOM_SENSORS,
    ROOM_SWITCHES,
    SNAPSHOT,
    STATUS_AREAS,
    STATUS_ITEM_SENSOR,
    SYSTEM_BINARY_SENSORS,
    SYSTEM_SENSORS,
    PolyCalendar,
    PolyCallEvents,
    PolyContentEvents,
    PolyMediaPlayer,
    PolyMicrophoneEvents,
    PolySnapshotCamera,
    peripheral_name,
    speed_dial,
    status_area,
)

STORAGE_VERSION = 1
# Call and meeting details that name people; diagnostics leave them out.
PERSONAL = frozenset(
    {
        "address",
        "callerID",
        "far_end",
        "organizer",
        "subject",
        "location",
        "body",
        "actions",
        "requiredAttendees",
        "optionalAttendees",
        "lastLoginClient",
        "userId",
    }
)
# Lists whose items are people (participants): their names go too.
PEOPLE = frozenset({"terminals"})


def session_store(hass: HomeAssistant, entry: ProAVConfigEntry) -> Store[dict[str, Any]]:
    """Return where the entry's session id is kept between runs."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.poly_videoos.{entry.entry_id}")


def _device_entities[C: DataUpdateCoordinator[Any]](
    coordinator: C,
    add: AddConfigEntryEntitiesCallback,
    build: Callable[[], Iterable[Entity]],
) -> None:
    """Add a coordinator's device-level entities as their capabilities appear."""
    ItemEntities.device(coordinator, build, add)


def _media_players(runtime: PolyRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    _device_entities(
        runtime.calls, add, lambda: [PolyMediaPlayer(runtime.calls, MAIN, runtime.device_info)]
    )


def _switches(runtime: PolyRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    device = runtime.device_info
    _device_entities(
        runtime.calls, add, lambda: [ProAVSwitch(runtime.calls, d, device) for d in CALL_SWITCHES]
    )
    _device_entities(
        runtime.room, add, lambda: [ProAVSwitch(runtime.room, d, device) for d in ROOM_SWITCHES]
    )


def _binary_sensors(runtime: PolyRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    device = runtime.device_info
    _device_entities(
        runtime.calls,
        add,
        lambda: [ProAVBinarySensor(runtime.calls, d, device) for d in CALL_BINARY_SENSORS],
    )
    _device_entities(
        runtime.system,
        add,
        lambda: [ProAVBinarySensor(runtime.system, d, device) for d in SYSTEM_BINARY_SENSORS],
    )
    room = runtime.room
    _device_entities(
        room, add, lambda: [ProAVBinarySensor(room, d, device) for d in ROOM_BINARY_SENSORS]
    )
    ItemEntities(
        room,
        lambda: {p.kind: peripheral_name(p.kind) for p in room.data.accessories},
        lambda item: [ProAVBinarySensor(room, PERIPHERAL_SENSOR, device, item)],
        add,
    )


def _sensors(runtime: PolyRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    device, system = runtime.device_info, runtime.system
    _device_entities(
        runtime.calls, add, lambda: [ProAVSensor(runtime.calls, d, device) for d in CALL_SENSORS]
    )
    _device_entities(
        runtime.room, add, lambda: [ProAVSensor(runtime.room, d, device) for d in ROOM_SENSORS]
    )
    _device_entities(system, add, lambda: [ProAVSensor(system, d, device) for d in SYSTEM_SENSORS])

    def status_sensor(item: Item) -> list[Entity]:
        """Return the sensor of one status area (named by its own translation if any)."""
        area = status_area(item.key)
        description = STATUS_ITEM_SENSOR
        if area in STATUS_AREAS:
            description = replace(description, translation_key=f"status_{area}")
        return [ProAVSensor(system, description, device, item)]

    ItemEntities(
        system,
        lambda: {item.name: item.name for item in system.data.status or ()},
        status_sensor,
        add,
    )


def _selects(runtime: PolyRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    _device_entities(
        runtime.room,
        add,
        lambda: [
            ProAVSelect(runtime.room, PRESET_SELECT, runtime.device_info),
            ProAVSelect(runtime.room, PROVIDER_SELECT, runtime.device_info),
        ],
    )


def _buttons(runtime: PolyRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    _device_entities(
        runtime.calls,
        add,
        lambda: [ProAVButton(runtime.calls, d, runtime.device_info) for d in CALL_BUTTONS],
    )
    _speed_dials(runtime, add)


def _speed_dials(runtime: PolyRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    room, description = runtime.room, speed_dial(runtime.calls)
    ItemEntities(
        room,
        lambda: {f.id: f.name or f.id for f in room.data.favorites or ()},
        lambda item: [ProAVButton(room, description, runtime.device_info, item)],
        add,
    )


def _cameras(runtime: PolyRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    _device_entities(
        runtime.calls,
        add,
        lambda: [PolySnapshotCamera(runtime.calls, SNAPSHOT, runtime.device_info)],
    )


def _calendars(runtime: PolyRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    _device_entities(
        runtime.system,
        add,
        lambda: [PolyCalendar(runtime.system, CALENDAR_ENTITY, runtime.device_info)],
    )


def _events(runtime: PolyRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    _device_entities(
        runtime.calls,
        add,
        lambda: [
            PolyCallEvents(runtime.calls, CALL_EVENTS, runtime.device_info),
            PolyContentEvents(runtime.calls, CONTENT_EVENTS, runtime.device_info),
            PolyMicrophoneEvents(runtime.calls, MICROPHONE_EVENTS, runtime.device_info),
        ],
    )


class PolyRuntime(ProAVRuntime):
    """A codec's client, its three polling tiers and its entities."""

    client: PolyVideoOSClient

    platform_entities: Mapping[Platform, Callable[[Any, AddConfigEntryEntitiesCallback], None]] = {
        Platform.MEDIA_PLAYER: _media_players,
        Platform.SWITCH: _switches,
        Platform.BINARY_SENSOR: _binary_sensors,
        Platform.SENSOR: _sensors,
        Platform.SELECT: _selects,
        Platform.BUTTON: _buttons,
        Platform.CAMERA: _cameras,
        Platform.CALENDAR: _calendars,
        Platform.EVENT: _events,
    }

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        client: PolyVideoOSClient,
        coordinators: tuple[CallCoordinator, RoomCoordinator, SystemCoordinator],
        device_info: DeviceInfo,
    ) -> None:
        """Keep the client and the coordinators."""
        super().__init__(hass, entry, device_info, list(coordinators), client=client)
        self.calls, self.room, self.system = coordinators
        self._provider = self._current_provider()
        # The hardware address the device registry knows (set at setup where the codec said).
        self._mac: str | None = self.room.data.codec_mac if self.room.data else None
        # SIP registration was a sensor; it is a connectivity binary sensor now.
        registry = er.async_get(hass)
        old = registry.async_get_entity_id("sensor", DOMAIN, f"{entry.unique_id}_sip_registration")
        if old is not None:
            registry.async_remove(old)
        entry.async_on_unload(self.room.async_add_listener(self._room_changed))
        entry.async_on_unload(self.system.async_add_listener(self._system_changed))
        self._system_changed()

    def _current_provider(self) -> str | None:
        """Return the provider mode the codec reported last."""
        mode = self.room.data.mode if self.room.data else None
        return mode.app or mode.mode if mode else None

    @callback
    def _room_changed(self) -> None:
        """Offer refused controls again once the provider mode changed; note the codec's MAC."""
        self._note_mac()
        provider = self._current_provider()
        if provider != self._provider:
            self._provider = provider
            self.calls.mode_changed()

    @callback
    def _note_mac(self) -> None:
        """Add the codec's hardware address to its device (DHCP discovery finds it by it)."""
        mac = self.room.data.codec_mac if self.room.data else None
        if mac is None or mac == self._mac:
            return
        self._mac = mac
        registry = dr.async_get(self.hass)
        identifier = next(iter(self.device_info.get("identifiers") or ()), None)
        device = (
            async_get_device(self.hass, identifier, self.entry.entry_id) if identifier else None
        )
        if device is not None:
            registry.async_update_device(
                device.id, merge_connections={(dr.CONNECTION_NETWORK_MAC, dr.format_mac(mac))}
            )

    @callback
    def _system_changed(self) -> None:
        """Raise (or withdraw) the repair issue of a codec that asks for a reboot."""
        data = self.system.data
        async_set_issue(
            self.hass,
            self._reboot_issue,
            data is not None and data.info.reboot_needed is True,
            "poly_videoos_reboot_needed",
            {"name": self.entry.title},
        )

    @property
    def _reboot_issue(self) -> str:
        return f"{self.entry.entry_id}_reboot_needed"

    async def async_shutdown(self) -> None:
        """Withdraw this codec's repair issues (they come back with the next start)."""
        ir.async_delete_issue(self.hass, DOMAIN, self._reboot_issue)

    @callback
    def diagnostics(self) -> dict[str, Any]:
        """Return the state and raw answers without who was called or met."""
        redacted: dict[str, Any] = _redact_people(super().diagnostics())
        return redacted


def _redact_people(value: Any, people: bool = False) -> Any:
    """Redact personal details (and, inside participant lists, names)."""
    if isinstance(value, Mapping):
        return {
            key: REDACTED
            if key in PERSONAL or (people and key == "name")
            else _redact_people(item, people or key in PEOPLE)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact_people(item, people) for item in value]
    return value
