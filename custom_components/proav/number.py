"""Number platform: description-driven numbers for every device type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.number import NumberEntity, NumberEntityDescription
from homeassistant.const import Platform
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import ProAVEntity, ProAVEntityDescription, platform_setup

PARALLEL_UPDATES = 1

async_setup_entry = platform_setup(Platform.NUMBER)


@dataclass(frozen=True, kw_only=True)
class ProAVNumberDescription[C](NumberEntityDescription, ProAVEntityDescription[C]):
    """A number: read from the coordinator, set through the client."""

    value_fn: Callable[[C, str], float | None]
    set_fn: Callable[[C, str, float], Awaitable[Any]]


class ProAVNumber[C: DataUpdateCoordinator[Any]](ProAVEntity[C], NumberEntity):
    """A number of a Pro AV device."""

    entity_description: ProAVNumberDescription[C]

    @property
    def native_value(self) -> float | None:
        """Return the value the device reported."""
        return self.entity_description.value_fn(self.coordinator, self.item)

    async def async_set_native_value(self, value: float) -> None:
        """Set the value on the device."""
        await self.async_command(self.entity_description.set_fn(self.coordinator, self.item, value))
