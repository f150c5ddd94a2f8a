"""Button platform: description-driven buttons for every device type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import Platform
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import ProAVEntity, ProAVEntityDescription, platform_setup

PARALLEL_UPDATES = 1

async_setup_entry = platform_setup(Platform.BUTTON)


@dataclass(frozen=True, kw_only=True)
class ProAVButtonDescription[C](ButtonEntityDescription, ProAVEntityDescription[C]):
    """A button: press it through the client."""

    press_fn: Callable[[C, str], Awaitable[Any]]


class ProAVButton[C: DataUpdateCoordinator[Any]](ProAVEntity[C], ButtonEntity):
    """A button of a Pro AV device."""

    entity_description: ProAVButtonDescription[C]

    async def async_press(self) -> None:
        """Press the button."""
        await self.async_command(self.entity_description.press_fn(self.coordinator, self.item))
