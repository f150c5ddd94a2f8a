"""The ATEN VP2730 runtime of one config entry: client, coordinator (push + polls), entities."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from yarl import URL

from ...const import DOMAIN  # noqa: TID252
from ...entity import Item, ItemEntities  # noqa: TID252
from ..base import ProAVConfigEntry, ProAVRuntime  # noqa: TID252
from .client import AtenClient
from .coordinator import AtenCoordinator
from .entities import (
    AUDIO_ENTITIES,
    DEVICE_ENTITIES,
    INPUT_ENTITIES,
    OUTPUT_ENTITIES,
    PLATFORMS,
    WINDOW_ENTITIES,
    Build,
    audio_ports,
    inputs,
    outputs,
    windows,
)


def _add_platform(
    platform: Platform,
) -> Callable[[AtenRuntime, AddConfigEntryEntitiesCallback], None]:
    """Return how one platform's entities are added: the device's, then per port."""

    @callback
    def add(runtime: AtenRuntime, async_add_entities: AddConfigEntryEntitiesCallback) -> None:
        coordinator, info = runtime.coordinator, runtime.device_info
        if (build := DEVICE_ENTITIES.get(platform)) is not None:
            device_build = build
            ItemEntities.device(
                coordinator, lambda: device_build(coordinator, info, None), async_add_entities
            )
        for table, items_fn in (
            (OUTPUT_ENTITIES, outputs),
            (INPUT_ENTITIES, inputs),
            (AUDIO_ENTITIES, audio_ports),
            (WINDOW_ENTITIES, windows),
        ):
            if (item_build := table.get(platform)) is not None:
                _track_items(runtime, item_build, items_fn, async_add_entities)

    return add


def _track_items(
    runtime: AtenRuntime,
    build: Build,
    items_fn: Callable[[AtenCoordinator], dict[str, str]],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entities of each port the device reports (as they come and go)."""
    coordinator, info = runtime.coordinator, runtime.device_info

    def build_item(item: Item) -> list[Entity]:
        return build(coordinator, info, item)

    ItemEntities(coordinator, lambda: items_fn(coordinator), build_item, async_add_entities)


class AtenRuntime(ProAVRuntime):
    """One VP2730: its client, its coordinator (push + safety-net polls) and its entities."""

    platform_entities: Mapping[Platform, Callable[[Any, AddConfigEntryEntitiesCallback], None]] = {
        platform: _add_platform(platform) for platform in PLATFORMS
    }

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        device_info: DeviceInfo,
        coordinator: AtenCoordinator,
    ) -> None:
        """Keep the coordinator and its client."""
        super().__init__(hass, entry, device_info, [coordinator], client=coordinator.client)
        self.coordinator = coordinator

    async def async_shutdown(self) -> None:
        """Stop the Socket.IO connection (the polls and the token follow in the base)."""
        await self.coordinator.async_shutdown()

    def diagnostics(self) -> dict[str, Any]:
        """Return the state plus how the device is reached (redacted by the caller).

        Besides the shared redaction: picture URLs keep only their path (they name the device's
        own address) and participants' names (people's devices) are left out.
        """
        return {
            **_private(super().diagnostics()),
            "push": self.coordinator.push_diagnostics(),
            "update_interval": str(self.coordinator.update_interval),
            "write_forms": {
                "bulk_only": sorted(self.coordinator.client.bulk_only),
                "room_verification_encoding": self.coordinator.client.verification_encoding,
            },
        }


async def async_setup(
    hass: HomeAssistant, entry: ProAVConfigEntry, client: AtenClient
) -> AtenRuntime:
    """Read the device, then start push (the first refresh raises before anything runs)."""
    coordinator = AtenCoordinator(hass, entry, client)
    try:
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await client.async_close()
        raise
    info = coordinator.data.info
    identifier = entry.unique_id or info.serial_number
    runtime = AtenRuntime(
        hass,
        entry,
        DeviceInfo(
            identifiers={(DOMAIN, identifier)},
            manufacturer="ATEN",
            model=info.model_name,
            name=info.device_name or info.model_name or "VP2730",
            sw_version=f"{info.fw_version} ({info.build_version})"
            if info.build_version
            else info.fw_version,
            hw_version=info.board_version or None,
            serial_number=info.serial_number if identifier == info.serial_number else None,
            configuration_url=str(client.base_url),
        ),
        coordinator,
    )
    coordinator.async_start_push()
    return runtime


_URL_KEYS = frozenset({"photo", "qr_code", "qrCode", "thumbnail"})
REDACTED = "**REDACTED**"


def _private(value: Any, key: str = "", parent: str = "") -> Any:
    """Drop the address from picture URLs and the names of participants."""
    if isinstance(value, Mapping):
        return {k: _private(v, str(k), key) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_private(item, key, parent) for item in value]
    if isinstance(value, str) and key in _URL_KEYS and "://" in value:
        return URL(value).path
    if key == "name" and parent == "participants":
        return REDACTED
    return value
