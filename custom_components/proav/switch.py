"""Switch platform: description-driven switches for every device type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import Platform
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import ProAVEntity, ProAVEntityDescription, platform_setup

PARALLEL_UPDATES = 1

async_setup_entry = platform_setup(Platform.SWITCH)


@dataclass(frozen=True, kw_only=True)
class ProAVSwitchDescription[C](SwitchEntityDescription, ProAVEntityDescription[C]):
    """A switch: read its state from the coordinator, set it through the client."""

    is_on_fn: Callable[[C, str], bool | None]
    set_fn: Callable[[C, str, bool], Awaitable[Any]]


class ProAVSwitch[C: DataUpdateCoordinator[Any]](ProAVEntity[C], SwitchEntity):
    """A switch of a Pro AV device."""

    entity_description: ProAVSwitchDescription[C]

    @property
    def is_on(self) -> bool | None:
        """Return the state the device reported."""
        return self.entity_description.is_on_fn(self.coordinator, self.item)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn on."""
        await self.async_command(self.entity_description.set_fn(self.coordinator, self.item, True))

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn off."""
        await self.async_command(self.entity_description.set_fn(self.coordinator, self.item, False))
