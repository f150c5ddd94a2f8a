"""Pro AV: professional AV and video gear in Home Assistant."""

from __future__ import annotations

import asyncio

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .compat import OPTIONS_FLOW_RELOADS
from .const import CONF_DEVICE_TYPE, DOMAIN, LOGGER
from .devices.base import ProAVConfigEntry
from .devices.errors import ProAVError
from .intents import async_register_intents
from .registry import DEVICE_TYPES

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
REMOVE_TIMEOUT = 15.0


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the voice intents, every device type's actions and integration-wide work."""
    async_register_intents(hass)
    for device_type in DEVICE_TYPES.values():
        if device_type.async_register_services is not None:
            device_type.async_register_services(hass)
        if device_type.async_start is not None:
            device_type.async_start(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: ProAVConfigEntry) -> bool:
    """Set up one device: build its type's runtime, then forward that type's platforms."""
    device_type = DEVICE_TYPES[entry.data[CONF_DEVICE_TYPE]]
    runtime = entry.runtime_data = await device_type.async_setup(hass, entry)

    async def _async_stop(_event: Event) -> None:
        """Sign out before Home Assistant closes its HTTP sessions (entries do not unload)."""
        await runtime.async_stop()

    entry.async_on_unload(hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, _async_stop))
    # Register the device itself first: per-item devices (cameras, outputs) link to it.
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **entry.runtime_data.device_info
    )
    if not OPTIONS_FLOW_RELOADS:
        entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    await hass.config_entries.async_forward_entry_setups(entry, device_type.platforms)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ProAVConfigEntry) -> bool:
    """Unload a device: its platforms first, then its connections and tasks."""
    device_type = DEVICE_TYPES[entry.data[CONF_DEVICE_TYPE]]
    if unloaded := await hass.config_entries.async_unload_platforms(entry, device_type.platforms):
        await entry.runtime_data.async_stop()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: ProAVConfigEntry) -> None:
    """Undo what the deleted entry left on its device (its device type knows what)."""
    device_type = DEVICE_TYPES.get(entry.data.get(CONF_DEVICE_TYPE, ""))
    if device_type is None or device_type.async_remove_entry is None:
        return
    try:
        async with asyncio.timeout(REMOVE_TIMEOUT):
            await device_type.async_remove_entry(hass, entry)
    except (TimeoutError, ProAVError) as err:
        # The device may be gone for good; deleting the entry must not fail for it.
        LOGGER.warning("Could not clean up %s on its device: %s", entry.title, type(err).__name__)


async def _async_options_updated(hass: HomeAssistant, entry: ProAVConfigEntry) -> None:
    """Apply changed options (scan intervals) by reloading the entry.

    Data changes (reauth, reconfigure) reload through their own flow; only options count here.
    Only where the options flow does not reload the entry itself (older Home Assistant, 2025.4).
    """
    if entry.options != entry.runtime_data.options:
        await hass.config_entries.async_reload(entry.entry_id)
