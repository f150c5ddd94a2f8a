"""The base entity every device type's entities build on."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator

from .compat import async_get_device, async_remove_device
from .coordinator import translate_command_errors
from .devices.base import ProAVConfigEntry
from .devices.capabilities import Capabilities


@dataclass(frozen=True, kw_only=True)
class Item:
    """One of several things of a kind on a device (an output, a camera, a trigger)."""

    key: str
    name: str


def _always(_coordinator: Any, _item: str) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class ProAVEntityDescription[C](EntityDescription):
    """What every Pro AV description has.

    Description functions take the coordinator and the item, so one description serves every
    output, camera or trigger. The item is the item's current model where the description has an
    ``item_fn`` (``item_fn(coordinator, key)``, None while the device does not report it), else
    its key ("" for an entity of the device itself).

    - ``capability``: the optional resource the entity needs (see ``devices.capabilities``): the
      entity exists only while the device has it, and is available only while it answers.
    - ``exists_fn``: whether the entity can ever work on this device (created, or removed,
      as the answer changes); ``available_fn``: whether it can be used right now.
    """

    capability: str | None = None
    item_fn: Callable[[C, str], Any] | None = None
    exists_fn: Callable[[C, Any], bool] = _always
    available_fn: Callable[[C, Any], bool] = _always


class ProAVEntity[C: DataUpdateCoordinator[Any]](CoordinatorEntity[C]):
    """An entity of a Pro AV device, or of one item on it."""

    _attr_has_entity_name = True
    entity_description: ProAVEntityDescription[C]

    def __init__(
        self,
        coordinator: C,
        description: ProAVEntityDescription[C],
        device_info: DeviceInfo,
        item: Item | None = None,
    ) -> None:
        """Name the entity after its description (and item) and tie it to its device."""
        super().__init__(coordinator)
        self.entity_description = description
        self.item_key = item.key if item else ""
        assert coordinator.config_entry is not None
        serial = coordinator.config_entry.unique_id
        self._attr_unique_id = (
            f"{serial}_{item.key}_{description.key}" if item else f"{serial}_{description.key}"
        )
        if item is not None:
            self._attr_translation_placeholders = {"item": item.name}
        self._attr_device_info = device_info

    @property
    def exists(self) -> bool:
        """Return whether the device has what this entity needs (capability and ``exists_fn``)."""
        capability = self.entity_description.capability
        if capability is not None and not _capabilities(self.coordinator).exists(capability):
            return False
        return (item := self.item) is not None and self.entity_description.exists_fn(
            self.coordinator, item
        )

    @property
    def item(self) -> Any:
        """Return the item's current model (with ``item_fn``), else its key."""
        if (item_fn := self.entity_description.item_fn) is None:
            return self.item_key
        return item_fn(self.coordinator, self.item_key)

    @property
    def available(self) -> bool:
        """Return whether the device answers and this item can be used now."""
        capability = self.entity_description.capability
        return (
            super().available
            and (capability is None or _capabilities(self.coordinator).available(capability))
            and (item := self.item) is not None
            and self.entity_description.available_fn(self.coordinator, item)
        )

    async def async_command(self, command: Awaitable[Any]) -> None:
        """Run a command on the device, show its result at once, translate failures."""
        await async_run_command(self.coordinator, command)


async def async_run_command(
    coordinator: DataUpdateCoordinator[Any], command: Awaitable[Any]
) -> None:
    """Await a device command; turn client errors into translated Home Assistant errors.

    The command applies the confirmed state to the coordinator's data (or schedules a refresh);
    entities are then written at once, not at the next poll.
    """
    with translate_command_errors(coordinator):
        await command
    coordinator.async_update_listeners()


def _capabilities(coordinator: DataUpdateCoordinator[Any]) -> Capabilities:
    """Return the capabilities of the coordinator's device (known from its client)."""
    assert coordinator.config_entry is not None
    client = coordinator.config_entry.runtime_data.client
    return client.capabilities if client is not None else _NO_CAPABILITIES


_NO_CAPABILITIES = Capabilities()
# Entities added in one turn of the event loop at most (the rest follow turn by turn).
ADD_BATCH = 50
_ADDING = (ConfigEntryState.SETUP_IN_PROGRESS, ConfigEntryState.LOADED)


def _exists(entity: Entity) -> bool:
    """Return whether an entity can work on its device (entities of other bases always can)."""
    return not isinstance(entity, ProAVEntity) or entity.exists


class ItemEntities:
    """Keep the entities of a changing list of items in step with the device.

    Entities are added for items that appear and removed (with their registry entries, and the
    item's own device if it has one) for items that disappear, without a reload. Within an
    item, an entity is added once it ``exists`` (its capability appeared) and removed when it
    no longer does. ``ItemEntities.device`` does the same for the entities of the device itself.
    """

    def __init__(
        self,
        coordinator: DataUpdateCoordinator[Any],
        items_fn: Callable[[], Mapping[str, str]],
        build_fn: Callable[[Item], Iterable[Entity]],
        async_add_entities: AddConfigEntryEntitiesCallback,
        device_identifier_fn: Callable[[str], tuple[str, str]] | None = None,
    ) -> None:
        """Add the current items' entities and follow the coordinator."""
        self._coordinator = coordinator
        self._items_fn = items_fn
        self._build_fn = build_fn
        self._add = async_add_entities
        self._device_identifier_fn = device_identifier_fn
        # item key -> the entities built for it (added to Home Assistant or waiting to exist)
        self._entities: dict[str, list[Entity]] = {}
        self._added: set[int] = set()
        self._sync()
        assert coordinator.config_entry is not None
        coordinator.config_entry.async_on_unload(coordinator.async_add_listener(self._sync))

    @classmethod
    def device(
        cls,
        coordinator: DataUpdateCoordinator[Any],
        build_fn: Callable[[], Iterable[Entity]],
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> ItemEntities:
        """Follow the entities of the device itself (they exist or not by capability)."""
        return cls(coordinator, lambda: {"": ""}, lambda _item: build_fn(), async_add_entities)

    @callback
    def _sync(self) -> None:
        """Add new items' entities, remove vanished items' and entities that stopped existing."""
        if not self._coordinator.last_update_success:
            return
        items = self._items_fn()
        new: list[Entity] = []
        for key, name in items.items():
            if key not in self._entities:
                self._entities[key] = list(self._build_fn(Item(key=key, name=name)))
            gone = [e for e in self._entities[key] if id(e) in self._added and not _exists(e)]
            if gone:
                self._remove_entities(gone)
                # A removed entity cannot be added again: build fresh ones for next time.
                kept = {id(e) for e in self._entities[key]} - {id(e) for e in gone}
                self._entities[key] = [e for e in self._entities[key] if id(e) in kept] + [
                    fresh
                    for fresh in self._build_fn(Item(key=key, name=name))
                    if fresh.unique_id in {e.unique_id for e in gone}
                ]
            for entity in self._entities[key]:
                if id(entity) not in self._added and _exists(entity):
                    self._added.add(id(entity))
                    new.append(entity)
        if new:
            self._add_in_batches(new)
        for key in [key for key in self._entities if key not in items]:
            self._remove(key)

    @callback
    def _add_in_batches(self, entities: list[Entity]) -> None:
        """Add entities: the first batch now, the rest a batch per turn of the event loop.

        Hundreds of cameras at once would hold the loop for a tenth of a second.
        """
        self._add(entities[:ADD_BATCH])
        entry = self._coordinator.config_entry
        if len(entities) > ADD_BATCH and entry is not None:
            entry.async_create_task(
                self._coordinator.hass, self._add_later(entry, entities[ADD_BATCH:]), "add entities"
            )

    async def _add_later(self, entry: ConfigEntry[Any], entities: list[Entity]) -> None:
        """Add the remaining entities turn by turn (dropped once the entry unloads)."""
        for start in range(0, len(entities), ADD_BATCH):
            await asyncio.sleep(0)
            if entry.state not in _ADDING:
                return
            self._add(entities[start : start + ADD_BATCH])

    @callback
    def _remove_entities(self, entities: Iterable[Entity]) -> None:
        """Remove entities (and their registry entries) from Home Assistant."""
        entity_registry = er.async_get(self._coordinator.hass)
        for entity in entities:
            self._added.discard(id(entity))
            # Removing the registry entry also removes the entity from Home Assistant.
            if entity.registry_entry is not None:
                entity_registry.async_remove(entity.entity_id)

    @callback
    def _remove(self, key: str) -> None:
        """Remove one vanished item's entities and device."""
        hass = self._coordinator.hass
        self._remove_entities(self._entities.pop(key))
        if self._device_identifier_fn is None or self._coordinator.config_entry is None:
            return
        entry_id = self._coordinator.config_entry.entry_id
        device = async_get_device(hass, self._device_identifier_fn(key), entry_id)
        if device is not None:
            async_remove_device(hass, device.id, entry_id)


type PlatformSetup = Callable[
    [HomeAssistant, ProAVConfigEntry, AddConfigEntryEntitiesCallback], Awaitable[None]
]


def platform_setup(platform: Platform) -> PlatformSetup:
    """Return a platform's ``async_setup_entry``: the entry's device type adds the entities."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        entry.runtime_data.async_add_entities(platform, async_add_entities)

    return async_setup_entry
