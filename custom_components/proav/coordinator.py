"""What every device type's coordinators share: how they are built and how a poll fails.

A device type subclasses ``ProAVCoordinator`` and implements ``_async_fetch``; client errors it
lets through become the same Home Assistant errors for every device type: an expired or wrong
credential starts reauth, anything else marks the entities unavailable with a translated reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import DOMAIN, LOGGER
from .devices.base import ProAVConfigEntry
from .devices.errors import CannotConnect, InvalidAuth, ProAVError


@contextmanager
def translate_update_errors() -> Iterator[None]:
    """Turn client errors raised inside the block into what a coordinator raises."""
    try:
        yield
    except InvalidAuth as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        ) from err
    except CannotConnect as err:
        raise UpdateFailed(translation_domain=DOMAIN, translation_key="cannot_connect") from err
    except ProAVError as err:
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="update_failed",
            # An error without a message still says what kind of failure it was.
            translation_placeholders={"message": str(err) or type(err).__name__},
        ) from err


class ProAVCoordinator[T](DataUpdateCoordinator[T]):
    """A coordinator of one config entry; subclasses read the device in ``_async_fetch``."""

    config_entry: ProAVConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        name: str,
        update_interval: timedelta,
    ) -> None:
        """Poll at ``update_interval``; listeners hear only of data that changed."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=name,
            update_interval=update_interval,
            always_update=False,
        )

    @override
    async def _async_update_data(self) -> T:
        """Read the device; translate client errors into reauth or a failed update."""
        with translate_update_errors():
            return await self._async_fetch()

    async def _async_fetch(self) -> T:
        """Read the device (override)."""
        raise NotImplementedError
