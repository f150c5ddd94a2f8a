"""The exacqVision device type: one config entry per exacqVision server behind a web service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_create_clientsession
import voluptuous as vol

from ...forms import connection_schema  # noqa: TID252
from ..base import DeviceIdentity, DeviceType, ProAVConfigEntry  # noqa: TID252
from ..errors import CannotConnect, DeviceError, InvalidAuth, ProAVError  # noqa: TID252
from .client import DEFAULT_PORT, ExacqVisionClient
from .coordinator import INVENTORY_INTERVAL, STATUS_INTERVAL, event_profile_name
from .models import Server, normalize_serial
from .runtime import (
    CONF_EVENT_MONITORING,
    CONF_LARGE_SERVER,
    CONF_RTSP_URL,
    CONF_SERVER_ID,
    DEFAULT_LARGE_SERVER,
    ExacqRuntime,
    async_setup_runtime,
)
from .services import async_register_services

PLATFORMS = frozenset(ExacqRuntime.platform_entities)


def _schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form: where the web service is, how to sign in, and what to use."""
    return connection_schema(
        defaults,
        port=DEFAULT_PORT,
        ssl=False,
        verify_ssl=False,
        extra={
            vol.Required(
                CONF_EVENT_MONITORING, default=defaults.get(CONF_EVENT_MONITORING, False)
            ): bool,
            vol.Required(
                CONF_LARGE_SERVER, default=defaults.get(CONF_LARGE_SERVER, DEFAULT_LARGE_SERVER)
            ): vol.All(vol.Coerce(int), vol.Range(min=1, max=10000)),
            vol.Optional(
                CONF_RTSP_URL, description={"suggested_value": defaults.get(CONF_RTSP_URL)}
            ): str,  # checked at setup (a validator here would not serialise for the frontend)
        },
    )


def _client(
    session: aiohttp.ClientSession, data: Mapping[str, Any], server_id: str = "0"
) -> ExacqVisionClient:
    """Return a client for one server of the web service in an entry's (or form's) data."""
    return ExacqVisionClient(
        session,
        data[CONF_HOST],
        port=data.get(CONF_PORT),
        ssl=data.get(CONF_SSL, False),
        username=data.get(CONF_USERNAME, ""),
        password=data.get(CONF_PASSWORD, ""),
        server_id=str(data.get(CONF_SERVER_ID, server_id)),
    )


def _session(hass: HomeAssistant, data: Mapping[str, Any]) -> aiohttp.ClientSession:
    """Return a session with its own cookie jar (a CSRF cookie belongs to one web service)."""
    return async_create_clientsession(
        hass,
        verify_ssl=data.get(CONF_VERIFY_SSL, False),
        auto_cleanup=False,  # closed by the probe, a failed setup, or the unload
        cookie_jar=aiohttp.CookieJar(unsafe=True),
    )


async def _async_probe(hass: HomeAssistant, data: Mapping[str, Any]) -> list[DeviceIdentity]:
    """Sign in to each server behind the web service (server 0 where it lists none).

    The login's answer names the server (id, name, serial); the server list is optional.
    """
    session = _session(hass, data)
    try:
        try:
            listed = await _client(session, data).list_servers()
            servers = listed.servers or [Server(id="0", name="", serial="")]
        except CannotConnect:
            raise
        except ProAVError:
            servers = [Server(id="0", name="", serial="")]
        found: list[DeviceIdentity] = []
        rejected: InvalidAuth | None = None
        for server in servers:
            client = _client(session, {**data, CONF_SERVER_ID: server.id})
            try:
                login = await client.login()
            except InvalidAuth as err:
                rejected = err  # the account may exist on some servers only
                continue
            finally:
                await client.async_close()
            found.append(
                DeviceIdentity(
                    serial=normalize_serial(login.server.serial or server.serial),
                    title=login.server.name or server.name or "exacqVision",
                    data={CONF_SERVER_ID: login.server.id or server.id},
                )
            )
        if not found and rejected is not None:
            raise rejected
        return found
    finally:
        session.detach()


async def _async_setup(hass: HomeAssistant, entry: ProAVConfigEntry) -> ExacqRuntime:
    """Build the runtime of one server."""
    session = _session(hass, entry.data)
    return await async_setup_runtime(hass, entry, session, _client(session, entry.data))


async def _async_remove_entry(hass: HomeAssistant, entry: ProAVConfigEntry) -> None:
    """Delete our event monitoring profile from the server (unload does, but not when unloaded)."""
    if not entry.data.get(CONF_EVENT_MONITORING):
        return
    session = _session(hass, entry.data)
    client = _client(session, entry.data)
    try:
        await client.delete_event_profile(event_profile_name(entry.entry_id))
    except DeviceError:
        pass  # not there (any more): nothing to undo
    finally:
        await client.async_close()
        session.detach()


DEVICE_TYPE = DeviceType(
    key="exacqvision",
    platforms=PLATFORMS,
    schema=_schema,
    async_probe=_async_probe,
    async_remove_entry=_async_remove_entry,
    async_setup=_async_setup,
    scan_intervals=(STATUS_INTERVAL, INVENTORY_INTERVAL),
    async_register_services=async_register_services,
)
