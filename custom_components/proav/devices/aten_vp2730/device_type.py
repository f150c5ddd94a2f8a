"""The ATEN VP2730 device type: form, connection test, runtime."""

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
from homeassistant.helpers.device_registry import format_mac
import voluptuous as vol

from ...forms import connection_schema  # noqa: TID252
from ..base import DeviceIdentity, DeviceType, ProAVConfigEntry  # noqa: TID252
from .client import DEFAULT_PORT, AtenClient
from .coordinator import POLL_INTERVAL, PUSH_INTERVAL
from .entities import PLATFORMS
from .runtime import AtenRuntime, async_setup
from .services import async_register_services

KEY = "aten_vp2730"


def _schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form: address, HTTPS (unverified by default), the admin account."""
    return connection_schema(
        defaults, port=DEFAULT_PORT, ssl=True, verify_ssl=False, username="administrator"
    )


def _client(hass: HomeAssistant, data: Mapping[str, Any]) -> AtenClient:
    """Build a client from entry or form data, on Home Assistant's shared session."""
    verify_ssl = bool(data.get(CONF_VERIFY_SSL, False))
    return AtenClient(
        async_get_clientsession(hass, verify_ssl=verify_ssl),
        data[CONF_HOST],
        port=int(data.get(CONF_PORT, DEFAULT_PORT)),
        ssl=bool(data.get(CONF_SSL, True)),
        verify_ssl=verify_ssl,
        username=data[CONF_USERNAME],
        password=data[CONF_PASSWORD],
    )


def _placeholder(serial: str) -> bool:
    """Return whether a serial cannot identify a device (empty, all zeros)."""
    return not serial.strip().strip("0")


async def async_mac_address(hass: HomeAssistant, host: str) -> str | None:
    """Return the MAC address of a host on the local network (from the neighbour table)."""

    def read() -> str | None:
        try:
            with open("/proc/net/arp", encoding="ascii") as table:
                rows = table.read().splitlines()[1:]
        except OSError:
            return None
        for row in rows:
            fields = row.split()
            if len(fields) >= 4 and fields[0] == host and fields[3] != "00:00:00:00:00:00":
                return fields[3].lower()
        return None

    return await hass.async_add_executor_job(read)


async def _async_probe(hass: HomeAssistant, data: Mapping[str, Any]) -> list[DeviceIdentity]:
    """Sign in, read the identity, sign out.

    A placeholder serial (the document's own example is ``0000000000``) is replaced by another
    stable fact of the device: its MAC address.
    """
    client = _client(hass, data)
    try:
        info = await client.async_get_info()
    finally:
        await client.async_close()
    serial = info.serial_number
    if _placeholder(serial) and (mac := await async_mac_address(hass, data[CONF_HOST])):
        serial = format_mac(mac)
    return [DeviceIdentity(serial=serial, title=info.device_name or info.model_name)]


async def _async_setup(hass: HomeAssistant, entry: ProAVConfigEntry) -> AtenRuntime:
    """Read the device, then start push."""
    return await async_setup(hass, entry, _client(hass, entry.data))


DEVICE_TYPE = DeviceType(
    key=KEY,
    platforms=PLATFORMS,
    schema=_schema,
    async_probe=_async_probe,
    async_setup=_async_setup,
    scan_intervals=(PUSH_INTERVAL, POLL_INTERVAL),
    async_register_services=async_register_services,
)
