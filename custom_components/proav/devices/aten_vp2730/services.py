"""Actions of the ATEN VP2730: route one input to several displays at once, recall a profile.

``aten_vp2730_route`` takes the displays as their media players (one per video output) and
sends one ``PATCH /video/connections`` per switch, so "show Laptop 2 on all displays" is a single
request. ``aten_vp2730_recall_profile`` recalls a profile by its id (names may repeat).
"""

# Home Assistant side of the device type: it builds on the integration's shared modules.
# ruff: noqa: TID252

from __future__ import annotations

from collections import defaultdict

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.helpers import config_validation as cv, entity_registry as er
import voluptuous as vol

from ...actions import invalid, loaded_runtime
from ...const import CONF_DEVICE_TYPE, DOMAIN
from ...entity import async_run_command
from .entities import CONNECTIONS, NOW, OUTPUT_PLAYER, _input_id
from .runtime import AtenRuntime

KEY = "aten_vp2730"
SERVICE_ROUTE = "aten_vp2730_route"
SERVICE_RECALL_PROFILE = "aten_vp2730_recall_profile"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"

ROUTE_SCHEMA = vol.Schema(
    {vol.Required(ATTR_ENTITY_ID): cv.entity_ids, vol.Required("source"): cv.string}
)
PROFILE_SCHEMA = vol.Schema(
    {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string, vol.Required("profile"): cv.string}
)


def _runtime(hass: HomeAssistant, entry_id: str) -> AtenRuntime:
    """Return the runtime of a loaded VP2730 entry."""
    return loaded_runtime(
        hass,
        entry_id,
        KEY,
        AtenRuntime,
        not_found="aten_vp2730_entry_not_found",
        not_loaded="aten_vp2730_entry_not_loaded",
    )


async def _route(call: ServiceCall) -> None:
    """Route one input to the outputs behind the given display players (one request each)."""
    registry = er.async_get(call.hass)
    outputs: dict[str, list[str]] = defaultdict(list)
    suffix = f"_{OUTPUT_PLAYER.key}"
    for entity_id in call.data[ATTR_ENTITY_ID]:
        entity = registry.async_get(entity_id)
        entry = (
            call.hass.config_entries.async_get_entry(entity.config_entry_id)
            if entity is not None and entity.config_entry_id
            else None
        )
        unique_id = entity.unique_id if entity is not None else ""
        prefix = f"{entry.unique_id}_" if entry is not None else ""
        if (
            entry is None
            or entry.data.get(CONF_DEVICE_TYPE) != KEY
            or not unique_id.startswith(prefix)
            or not unique_id.endswith(suffix)
        ):
            raise invalid("aten_vp2730_not_a_display", entity_id=entity_id)
        outputs[entry.entry_id].append(unique_id[len(prefix) : -len(suffix)])
    for entry_id, output_ids in outputs.items():
        coordinator = _runtime(call.hass, entry_id).coordinator
        input_id = _input_id(coordinator, call.data["source"])
        command = coordinator.client.async_set_connections(dict.fromkeys(output_ids, input_id))
        await async_run_command(coordinator, coordinator.async_write(command, CONNECTIONS))


async def _recall_profile(call: ServiceCall) -> None:
    """Recall a video profile by its id (or its name, when that is unique)."""
    coordinator = _runtime(call.hass, call.data[ATTR_CONFIG_ENTRY_ID]).coordinator
    wanted = call.data["profile"]
    profiles = coordinator.data.profiles
    profile = profiles.get(wanted)
    if profile is None:
        named = [p for p in profiles.values() if p.name == wanted]
        profile = named[0] if len(named) == 1 else None
    if profile is None:
        raise invalid("aten_vp2730_unknown_option", option=wanted)
    command = coordinator.client.async_set_profile(profile)
    await async_run_command(coordinator, coordinator.async_write(command, NOW))


@callback
def async_register_services(hass: HomeAssistant) -> None:
    """Register the VP2730 actions (once, for every entry)."""
    hass.services.async_register(DOMAIN, SERVICE_ROUTE, _route, schema=ROUTE_SCHEMA)
    hass.services.async_register(
        DOMAIN, SERVICE_RECALL_PROFILE, _recall_profile, schema=PROFILE_SCHEMA
    )
