"""Calls that differ between the Home Assistant versions Pro AV supports (2025.4 to 2026.10).

Newer Home Assistant ties a device to a single config entry: a device is looked up within its
config entry (``async_get_device_by_identifier``), removed rather than detached from the entry
(``async_remove_device``) and names the device it is connected through by id
(``via_device_id``); the older calls are reported there and stop working in 2027.8. Options
flows reload the entry themselves (``OptionsFlowWithReload``); an entry with an update listener
is reported. Older versions only have the older ways. Each helper picks the call by what the
running Home Assistant has, never by its version number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from homeassistant import config_entries
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo

# A device belongs to one config entry (newer Home Assistant, e.g. 2026.10).
SINGLE_ENTRY_DEVICES = hasattr(dr.DeviceRegistry, "async_get_device_by_identifier")

if TYPE_CHECKING:
    OptionsFlowWithReload = config_entries.OptionsFlow
else:
    # Reloads the entry when the options change; where Home Assistant lacks it (2025.4) the
    # integration does that with an update listener (see OPTIONS_FLOW_RELOADS).
    OptionsFlowWithReload = getattr(
        config_entries, "OptionsFlowWithReload", config_entries.OptionsFlow
    )

# Whether the options flow reloads the entry itself (no update listener is needed, or wanted).
OPTIONS_FLOW_RELOADS = hasattr(config_entries, "OptionsFlowWithReload")


@callback
def async_get_device(
    hass: HomeAssistant, identifier: tuple[str, str], config_entry_id: str
) -> dr.DeviceEntry | None:
    """Return the config entry's device with this identifier, if it has one."""
    registry = dr.async_get(hass)
    if SINGLE_ENTRY_DEVICES:  # pragma: no cover - newer Home Assistant (the 2026 test lane)
        device: dr.DeviceEntry | None = registry.async_get_device_by_identifier(  # type: ignore[attr-defined,unused-ignore]
            identifier, config_entry_id
        )
        return device
    device = registry.async_get_device(identifiers={identifier})
    if device is None or config_entry_id not in device.config_entries:
        return None
    return device


@callback
def async_remove_device(hass: HomeAssistant, device_id: str, config_entry_id: str) -> None:
    """Remove a device of the config entry (one found by the helpers here, or the registry's).

    Older Home Assistant detaches the device from the entry (and removes it when no other entry
    has it); newer Home Assistant has a single entry per device and removes it.
    """
    registry = dr.async_get(hass)
    if SINGLE_ENTRY_DEVICES:  # pragma: no cover - newer Home Assistant (the 2026 test lane)
        registry.async_remove_device(device_id)
    else:
        registry.async_update_device(device_id, remove_config_entry_id=config_entry_id)


@callback
def via_device(
    hass: HomeAssistant, identifier: tuple[str, str], config_entry_id: str
) -> DeviceInfo:
    """Return the device info keys that link a device to the entry's device ``identifier``.

    Merge the result into the linked device's ``DeviceInfo``. Newer Home Assistant wants the
    linked device's id (the device must be registered already), older the identifier.
    """
    info: dict[str, Any]
    if SINGLE_ENTRY_DEVICES:  # pragma: no cover - newer Home Assistant (the 2026 test lane)
        parent = async_get_device(hass, identifier, config_entry_id)
        info = {"via_device_id": parent.id} if parent is not None else {}
    else:
        info = {"via_device": identifier}
    return cast("DeviceInfo", info)
