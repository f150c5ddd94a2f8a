"""What every device type's actions share: translated input errors, the entry an action names."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .const import CONF_DEVICE_TYPE, DOMAIN
from .devices.base import ProAVConfigEntry, ProAVRuntime


def invalid(key: str, **placeholders: Any) -> ServiceValidationError:
    """Build a translated input error."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()} or None,
    )


def loaded_runtime[R: ProAVRuntime](
    hass: HomeAssistant,
    entry_id: str,
    device_type: str,
    runtime_type: type[R],
    *,
    not_found: str,
    not_loaded: str,
) -> R:
    """Return the runtime of the loaded entry an action names, of one device type.

    ``not_found`` (placeholder ``entry_id``) and ``not_loaded`` (``name``) are the device type's
    translation keys for an entry that is not of its kind, or not loaded now.
    """
    entry: ProAVConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry.data.get(CONF_DEVICE_TYPE) != device_type:
        raise invalid(not_found, entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED or not isinstance(
        entry.runtime_data, runtime_type
    ):
        raise invalid(not_loaded, name=entry.title)
    return entry.runtime_data
