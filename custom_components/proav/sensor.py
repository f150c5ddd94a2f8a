"""Sensor platform: description-driven sensors for every device type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import Platform
from homeassistant.helpers.typing import StateType
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import ProAVEntity, ProAVEntityDescription, platform_setup

PARALLEL_UPDATES = 0

async_setup_entry = platform_setup(Platform.SENSOR)


@dataclass(frozen=True, kw_only=True)
class ProAVSensorDescription[C](SensorEntityDescription, ProAVEntityDescription[C]):
    """A sensor read from the coordinator."""

    value_fn: Callable[[C, str], StateType | date | datetime | Decimal]
    attributes_fn: Callable[[C, str], dict[str, Any] | None] | None = None


class ProAVSensor[C: DataUpdateCoordinator[Any]](ProAVEntity[C], SensorEntity):
    """A sensor of a Pro AV device."""

    entity_description: ProAVSensorDescription[C]

    @property
    def native_value(self) -> StateType | date | datetime | Decimal:
        """Return the value the device reported."""
        return self.entity_description.value_fn(self.coordinator, self.item)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return extra facts, where the description has any."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.coordinator, self.item)
