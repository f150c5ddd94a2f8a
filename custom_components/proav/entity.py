"""The base entity every device type's entities build on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator

from .compat import async_get_device, async_remove_device
from .const import DOMAIN
from .devices.base import ProAVConfigEntry
from .devices.errors import CannotConnect, InvalidAuth, ProAVError


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

    Description functions take the coordinator and the item key ("" for an entity of the device
    itself), so one description serves every output, camera or trigger.
    """

    available_fn: Callable[[C, str], bool] = _always


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
    def available(self) -> bool:
        """Return whether the device answers and this item can be used now."""
        return super().available and self.entity_description.available_fn(
            self.coordinator, self.item_key
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
    try:
        await command
    except InvalidAuth as err:
        if coordinator.config_entry is not None:
            coordinator.config_entry.async_start_reauth(coordinator.hass)
        raise HomeAssistantError(translation_domain=DOMAIN, translation_key="invalid_auth") from err
    except CannotConnect as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="cannot_connect"
        ) from err
    except ProAVError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="device_error",
            translation_placeholders={"message": str(err)},
        ) from err
    coordinator.async_update_listeners()


class ItemEntities:
    """Keep the entities of a changing list of items in step with the device.

    Entities are added for items that appear and removed (with their registry entries, and the
    item's own device if it has one) for items that disappear, without a reload.
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
        self._entities: dict[str, list[Entity]] = {}
        self._sync()
        assert coordinator.config_entry is not None
        coordinator.config_entry.async_on_unload(coordinator.async_add_listener(self._sync))

    @callback
    def _sync(self) -> None:
        """Add new items' entities, remove vanished items' entities."""
        if not self._coordinator.last_update_success:
            return
        items = self._items_fn()
        new: list[Entity] = []
        for key, name in items.items():
            if key not in self._entities:
                self._entities[key] = list(self._build_fn(Item(key=key, name=name)))
                new.extend(self._entities[key])
        if new:
            self._add(new)
        for key in [key for key in self._entities if key not in items]:
            self._remove(key)

    @callback
    def _remove(self, key: str) -> None:
        """Remove one vanished item's entities and device."""
        hass = self._coordinator.hass
        entity_registry = er.async_get(hass)
        for entity in self._entities.pop(key):
            # Removing the registry entry also removes the entity from Home Assistant.
            if entity.registry_entry is not None:
                entity_registry.async_remove(entity.entity_id)
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
