"""Select platform: description-driven selects for every device type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import Platform
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import ProAVEntity, ProAVEntityDescription, platform_setup

PARALLEL_UPDATES = 1

async_setup_entry = platform_setup(Platform.SELECT)


@dataclass(frozen=True, kw_only=True)
class ProAVSelectDescription[C](SelectEntityDescription, ProAVEntityDescription[C]):
    """A select: options and current option from the coordinator, chosen through the client.

    ``options_fn`` serves lists the device reports (profiles, presets, inputs); fixed lists use
    the description's ``options`` (translated through ``translation_key``).
    """

    current_fn: Callable[[C, str], str | None]
    select_fn: Callable[[C, str, str], Awaitable[Any]]
    options_fn: Callable[[C, str], list[str]] | None = None


class ProAVSelect[C: DataUpdateCoordinator[Any]](ProAVEntity[C], SelectEntity):
    """A select of a Pro AV device."""

    entity_description: ProAVSelectDescription[C]

    @property
    def options(self) -> list[str]:
        """Return the choices."""
        if self.entity_description.options_fn is not None:
            return self.entity_description.options_fn(self.coordinator, self.item)
        return self.entity_description.options or []

    @property
    def current_option(self) -> str | None:
        """Return the choice the device reported."""
        return self.entity_description.current_fn(self.coordinator, self.item)

    async def async_select_option(self, option: str) -> None:
        """Choose an option on the device."""
        await self.async_command(
            self.entity_description.select_fn(self.coordinator, self.item, option)
        )
