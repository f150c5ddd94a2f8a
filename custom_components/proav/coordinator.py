"""What every device type's coordinators share: how they are built and how a poll fails.

A device type subclasses ``ProAVCoordinator`` and implements ``_async_fetch``; client errors it
lets through become the same Home Assistant errors for every device type: an expired or wrong
credential starts reauth, anything else marks the entities unavailable with a translated reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import DOMAIN, LOGGER
from .devices.base import ProAVConfigEntry
from .devices.errors import (
    CannotConnect,
    DeviceBusy,
    DeviceError,
    InvalidAuth,
    InvalidResponse,
    NotPermitted,
    NotSupported,
    ProAVError,
)

# Translation keys of the errors users see, by client error type (most specific first).
ERROR_KEYS: tuple[tuple[type[ProAVError], str], ...] = (
    (InvalidAuth, "invalid_auth"),
    (NotPermitted, "not_permitted"),
    (NotSupported, "not_supported"),
    (DeviceBusy, "device_busy"),
    (InvalidResponse, "invalid_response"),
    (CannotConnect, "cannot_connect"),
    (DeviceError, "device_error"),
    (ProAVError, "device_error"),
)


def error_key(err: ProAVError) -> str:
    """Return the translation key of a client error."""
    return next(key for kind, key in ERROR_KEYS if isinstance(err, kind))


def _placeholders(err: ProAVError) -> dict[str, str]:
    """Return the device's own error code (never the message: it may quote the device)."""
    code = getattr(err, "code", None)
    return {"code": "" if code is None else f" ({code})"}


@contextmanager
def translate_update_errors() -> Iterator[None]:
    """Turn client errors raised inside the block into what a coordinator raises.

    Only ``InvalidAuth`` (a refused login) starts reauth; everything else is a failed poll.
    """
    try:
        yield
    except InvalidAuth as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        ) from err
    except ProAVError as err:
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key=f"update_{error_key(err)}",
            translation_placeholders=_placeholders(err),
        ) from err


@contextmanager
def translate_command_errors(coordinator: DataUpdateCoordinator[Any]) -> Iterator[None]:
    """Turn client errors of a command into a translated ``HomeAssistantError``.

    A refused login starts reauth; nothing else does (a forbidden, unsupported or busy command
    is that command's failure, not a credentials problem).
    """
    try:
        yield
    except ProAVError as err:
        if isinstance(err, InvalidAuth) and coordinator.config_entry is not None:
            coordinator.config_entry.async_start_reauth(coordinator.hass)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=error_key(err),
            translation_placeholders=_placeholders(err),
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
        """Read the device; translate client errors into reauth or a failed update.

        When the poll changed what is known of the device's optional resources, entities hear
        of it even if the data itself is unchanged (they may exist or be available no more).
        """
        before = self._capabilities()
        with translate_update_errors():
            data = await self._async_fetch()
        if self._capabilities() != before:
            # After the refresh has stored the data (it runs on without yielding).
            self.hass.loop.call_soon(self.async_update_listeners)
        return data

    def _capabilities(self) -> dict[str, Any] | None:
        """Return the capability table of the coordinator's ``client``, if it has one."""
        capabilities = getattr(getattr(self, "client", None), "capabilities", None)
        return capabilities.as_dict() if capabilities is not None else None

    async def _async_fetch(self) -> T:
        """Read the device (override)."""
        raise NotImplementedError

    async def async_apply[R](
        self, command: Awaitable[R], update: Callable[[T, R], T] | None = None
    ) -> R:
        """Send a command, then show its result at once.

        ``update`` applies the confirmed state (the command's answer) to the data; without it
        the coordinator re-reads the device. Client errors become translated errors.
        """
        with translate_command_errors(self):
            result = await command
        if update is not None:
            # Not async_set_updated_data: that would postpone the next poll.
            self.data = update(self.data, result)
            self.async_update_listeners()
        else:
            await self.async_request_refresh()
        return result
