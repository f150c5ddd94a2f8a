"""Text platform: description-driven text settings for every device type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.text import TextEntity, TextEntityDescription
from homeassistant.const import Platform
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import ProAVEntity, ProAVEntityDescription, platform_setup

PARALLEL_UPDATES = 1

async_setup_entry = platform_setup(Platform.TEXT)


@dataclass(frozen=True, kw_only=True)
class ProAVTextDescription[C](TextEntityDescription, ProAVEntityDescription[C]):
    """A text setting: read from the coordinator, set through the client."""

    value_fn: Callable[[C, str], str | None]
    set_fn: Callable[[C, str, str], Awaitable[Any]]


class ProAVText[C: DataUpdateCoordinator[Any]](ProAVEntity[C], TextEntity):
    """A text setting of a Pro AV device."""

    entity_description: ProAVTextDescription[C]

    @property
    def native_value(self) -> str | None:
        """Return the value the device reported."""
        return self.entity_description.value_fn(self.coordinator, self.item)

    async def async_set_value(self, value: str) -> None:
        """Set the value on the device."""
        await self.async_command(self.entity_description.set_fn(self.coordinator, self.item, value))
