"""The Poly VideoOS device type: form, connection test, runtime.

The codec speaks HTTPS only; the form's ``ssl`` field (on by default) exists so the integration
can also reach an emulator or a proxy over plain HTTP. ``verify_ssl`` is off by default because
these codecs ship with self-signed certificates.
"""

# Home Assistant side of the device type: it builds on the integration's shared modules.
# ruff: noqa: TID252

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceInfo
import voluptuous as vol

from ...const import DOMAIN
from ..base import DeviceIdentity, DeviceType, ProAVConfigEntry, ScanInterval
from .client import DEFAULT_PORT, PolyVideoOSClient
from .coordinator import CallCoordinator, RoomCoordinator, SystemCoordinator
from .entities import PLATFORMS, PolyRuntime
from .models import SystemInfo
from .services import async_register_services

KEY = "poly_videoos"
CALLS_INTERVAL = ScanInterval(key="calls_interval", default=10, minimum=2)
ROOM_INTERVAL = ScanInterval(key="room_interval", default=60, minimum=10)
SYSTEM_INTERVAL = ScanInterval(key="system_interval", default=300, minimum=60)


def _schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form: address, HTTPS settings, admin credentials."""
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)): str,
            vol.Required(CONF_PORT, default=defaults.get(CONF_PORT, DEFAULT_PORT)): vol.All(
                vol.Coerce(int), vol.Range(min=1, max=65535)
            ),
            vol.Required(CONF_SSL, default=defaults.get(CONF_SSL, True)): bool,
            vol.Required(CONF_VERIFY_SSL, default=defaults.get(CONF_VERIFY_SSL, False)): bool,
            vol.Required(CONF_USERNAME, default=defaults.get(CONF_USERNAME, "admin")): str,
            vol.Required(CONF_PASSWORD, default=defaults.get(CONF_PASSWORD, vol.UNDEFINED)): str,
        }
    )


def build_client(hass: HomeAssistant, data: Mapping[str, Any]) -> PolyVideoOSClient:
    """Build a client from entry (or form) data.

    Home Assistant's shared session is enough: the client sends its session cookie and XSRF
    token itself, and asks for ``Connection: close`` so no socket idles between polls.
    """
    return PolyVideoOSClient(
        async_get_clientsession(hass, verify_ssl=data.get(CONF_VERIFY_SSL, False)),
        data[CONF_HOST],
        port=data.get(CONF_PORT, DEFAULT_PORT),
        ssl=data.get(CONF_SSL, True),
        username=data[CONF_USERNAME],
        password=data[CONF_PASSWORD],
    )


async def _async_probe(hass: HomeAssistant, data: Mapping[str, Any]) -> list[DeviceIdentity]:
    """Log in, read the codec's identity, log out again."""
    client = build_client(hass, data)
    try:
        info = await client.system_info()
    finally:
        await client.logout()
    return [DeviceIdentity(serial=info.serial, title=info.name or info.model or "Poly VideoOS")]


def _device_info(entry: ProAVConfigEntry, info: SystemInfo) -> DeviceInfo:
    """Describe the codec for the device registry."""
    scheme = "https" if entry.data.get(CONF_SSL, True) else "http"
    return DeviceInfo(
        identifiers={(DOMAIN, entry.unique_id or info.serial)},
        manufacturer="Poly",
        model=info.model or "VideoOS",
        name=info.name or entry.title,
        serial_number=info.serial or None,
        sw_version=info.software_version or None,
        hw_version=info.hardware_version or None,
        configuration_url=f"{scheme}://{entry.data[CONF_HOST]}:{entry.data.get(CONF_PORT, DEFAULT_PORT)}/",
    )


async def _async_setup(hass: HomeAssistant, entry: ProAVConfigEntry) -> PolyRuntime:
    """Build the client and coordinators; read every tier once."""
    client = build_client(hass, entry.data)
    coordinators = (
        CallCoordinator(hass, entry, client, "calls", CALLS_INTERVAL.of(entry)),
        RoomCoordinator(hass, entry, client, "room", ROOM_INTERVAL.of(entry)),
        SystemCoordinator(hass, entry, client, "system", SYSTEM_INTERVAL.of(entry)),
    )
    try:
        for coordinator in coordinators:
            await coordinator.async_config_entry_first_refresh()
    except Exception:
        await client.logout()
        raise
    return PolyRuntime(
        hass, entry, client, coordinators, _device_info(entry, coordinators[2].data.info)
    )


DEVICE_TYPE = DeviceType(
    key=KEY,
    platforms=PLATFORMS,
    schema=_schema,
    async_probe=_async_probe,
    async_setup=_async_setup,
    scan_intervals=(CALLS_INTERVAL, ROOM_INTERVAL, SYSTEM_INTERVAL),
    async_register_services=async_register_services,
)
