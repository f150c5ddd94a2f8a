"""Binary sensor platform: description-driven binary sensors for every device type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.const import Platform
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import ProAVEntity, ProAVEntityDescription, platform_setup

PARALLEL_UPDATES = 0

async_setup_entry = platform_setup(Platform.BINARY_SENSOR)


@dataclass(frozen=True, kw_only=True)
class ProAVBinarySensorDescription[C](BinarySensorEntityDescription, ProAVEntityDescription[C]):
    """A binary sensor read from the coordinator."""

    is_on_fn: Callable[[C, str], bool | None]


class ProAVBinarySensor[C: DataUpdateCoordinator[Any]](ProAVEntity[C], BinarySensorEntity):
    """A binary sensor of a Pro AV device."""

    entity_description: ProAVBinarySensorDescription[C]

    @property
    def is_on(self) -> bool | None:
        """Return the state the device reported."""
        return self.entity_description.is_on_fn(self.coordinator, self.item)
