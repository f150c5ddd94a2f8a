"""Actions of the Ultra Stream: go live to chosen servers, record for a while.

Each action names the box by its config entry (``config_entry_id``) and returns what it did.
Input is checked here and refused with translated errors.
"""

# Home Assistant side of the device type: it builds on the integration's shared modules.
# ruff: noqa: TID252

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ...const import CONF_DEVICE_TYPE, DOMAIN
from ...entity import async_run_command
from ..base import ProAVConfigEntry
from .models import LiveServer
from .runtime import UltraStreamRuntime

KEY = "magewell_ultra_stream"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"
SERVICE_GO_LIVE = "ultra_stream_go_live"
SERVICE_RECORD_FOR = "ultra_stream_record_for"
MAX_SERVERS = 2  # the box streams to at most two servers at a time
MINUTES = (1, 1440)

GO_LIVE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required("servers"): vol.All(cv.ensure_list, [cv.string]),
    }
)
RECORD_FOR_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required("minutes"): vol.Coerce(int),
    }
)


def _invalid(key: str, **placeholders: Any) -> ServiceValidationError:
    """Build a translated input error."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()} or None,
    )


def _runtime(call: ServiceCall) -> UltraStreamRuntime:
    """Return the runtime of the loaded Ultra Stream an action names."""
    entry_id = call.data[ATTR_CONFIG_ENTRY_ID]
    entry: ProAVConfigEntry | None = call.hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry.data.get(CONF_DEVICE_TYPE) != KEY:
        raise _invalid("ultra_stream_entry_not_found", entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED or not isinstance(
        entry.runtime_data, UltraStreamRuntime
    ):
        raise _invalid("ultra_stream_entry_not_loaded", name=entry.title)
    return entry.runtime_data


def _chosen(servers: tuple[LiveServer, ...], wanted: list[str]) -> list[LiveServer]:
    """Return the servers named (by name or id), in the order given."""
    chosen: list[LiveServer] = []
    for name in wanted:
        server = next(
            (s for s in servers if name.strip().casefold() in (s.name.casefold(), str(s.id))),
            None,
        )
        if server is None:
            raise _invalid("ultra_stream_unknown_server", server=name)
        if server not in chosen:
            chosen.append(server)
    if not 1 <= len(chosen) <= MAX_SERVERS:
        raise _invalid("ultra_stream_server_count", count=len(chosen), max=MAX_SERVERS)
    return chosen


async def _go_live(call: ServiceCall) -> ServiceResponse:
    """Stream to exactly the chosen servers: enable them, disable the others, start live."""
    runtime = _runtime(call)
    status, settings = runtime.status, runtime.status.settings
    chosen = _chosen(settings.data.servers, call.data["servers"])
    client = settings.client

    async def go_live() -> None:
        # Disable first, so the box's limit of two enabled servers is never exceeded.
        for server in settings.data.servers:
            if server.enabled and server not in chosen:
                await client.enable_server(server.id, False)
        for server in chosen:
            if not server.enabled:
                await client.enable_server(server.id, True)
        await settings.async_refresh()
        await status.async_set_running("streaming", True)

    await async_run_command(settings, settings.async_apply(go_live()))
    return {
        "servers": [
            {"name": server.name, "state": status.live_state(server)}
            for server in settings.data.enabled_servers
        ]
    }


async def _record_for(call: ServiceCall) -> ServiceResponse:
    """Start recording now and stop after the given minutes (if still recording then)."""
    runtime = _runtime(call)
    minutes = call.data["minutes"]
    if not MINUTES[0] <= minutes <= MINUTES[1]:
        raise _invalid(
            "ultra_stream_invalid_minutes", value=minutes, min=MINUTES[0], max=MINUTES[1]
        )
    status = runtime.status
    await async_run_command(status, status.async_set_running("recording", True))
    until = dt_util.utcnow() + timedelta(minutes=minutes)

    async def _stop(_now: datetime) -> None:
        if status.data.recording:
            await async_run_command(status, status.async_set_running("recording", False))

    runtime.async_replace_timer(
        "record_for", async_call_later(call.hass, timedelta(minutes=minutes), _stop)
    )
    return {"until": until.isoformat()}


@callback
def async_register_services(hass: HomeAssistant) -> None:
    """Register the Ultra Stream's actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_GO_LIVE,
        _go_live,
        schema=GO_LIVE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_RECORD_FOR,
        _record_for,
        schema=RECORD_FOR_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
