"""The Poly VideoOS device type: form, connection test, runtime.

The codec speaks HTTPS only; the form's ``ssl`` field (on by default) exists so the integration
can also reach an emulator or a proxy over plain HTTP. ``verify_ssl`` is off by default because
these codecs ship with self-signed certificates.

Each codec gets an HTTP session of its own without a cookie jar (the client writes the session
cookie itself, unquoted, as real clients do); it keeps one connection alive between polls and is
closed when the entry unloads or Home Assistant stops.
"""

# Home Assistant side of the device type: it builds on the integration's shared modules.
# ruff: noqa: TID252

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
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
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_create_clientsession
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo, format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import voluptuous as vol

from ...const import CONF_DEVICE_TYPE, DOMAIN
from ...forms import connection_schema
from ..base import DeviceIdentity, DeviceType, Discovered, ProAVConfigEntry, ScanInterval
from .client import DEFAULT_PORT, PolyVideoOSClient, SessionListener
from .coordinator import (
    ROOM_REST_EVERY,
    SYSTEM_REST_EVERY,
    Activity,
    CallCoordinator,
    RoomCoordinator,
    SystemCoordinator,
)
from .entities import PLATFORMS
from .models import Session, SystemInfo
from .runtime import PolyRuntime, session_store
from .services import async_register_services

KEY = "poly_videoos"
# 5 s at the fastest: public clients polling every 2 s saw codecs lock up. 15 s by default:
# at rest that is one request per read (the conferences), about 6 a minute with the other tiers.
CALLS_INTERVAL = ScanInterval(key="calls_interval", default=15, minimum=5)
ROOM_INTERVAL = ScanInterval(key="room_interval", default=60, minimum=10)
SYSTEM_INTERVAL = ScanInterval(key="system_interval", default=300, minimum=60)


def _schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form: address, HTTPS settings, admin credentials."""
    return connection_schema(
        defaults, port=DEFAULT_PORT, ssl=True, verify_ssl=False, username="admin"
    )


def _client(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    *,
    previous_session: Session | None = None,
    on_session: SessionListener | None = None,
) -> PolyVideoOSClient:
    """Build a client from entry (or form) data, with an HTTP session of its own."""
    verify_ssl = bool(data.get(CONF_VERIFY_SSL, False))
    http = async_create_clientsession(
        hass, verify_ssl=verify_ssl, auto_cleanup=False, cookie_jar=aiohttp.DummyCookieJar()
    )
    return PolyVideoOSClient(
        data[CONF_HOST],
        port=data.get(CONF_PORT, DEFAULT_PORT),
        ssl=data.get(CONF_SSL, True),
        verify_ssl=verify_ssl,
        username=data[CONF_USERNAME],
        password=data[CONF_PASSWORD],
        session=http,
        owns_session=True,
        previous_session=previous_session,
        on_session=on_session,
    )


async def _async_probe(hass: HomeAssistant, data: Mapping[str, Any]) -> list[DeviceIdentity]:
    """Log in, read the codec's identity, log out again."""
    client = _client(hass, data)
    try:
        info = await client.system_info()
    finally:
        await client.async_close()
    return [DeviceIdentity(serial=info.serial, title=info.name or info.model or "Poly VideoOS")]


def _device_info(entry: ProAVConfigEntry, info: SystemInfo, mac: str | None) -> DeviceInfo:
    """Describe the codec for the device registry (with its MAC where the codec told it)."""
    scheme = "https" if entry.data.get(CONF_SSL, True) else "http"
    return DeviceInfo(
        connections={(CONNECTION_NETWORK_MAC, format_mac(mac))} if mac else set(),
        identifiers={(DOMAIN, entry.unique_id or info.serial)},
        manufacturer="Poly",
        model=info.model or "VideoOS",
        name=info.name or info.model or "Poly VideoOS",
        serial_number=info.serial or None,
        sw_version=info.software_version or None,
        hw_version=info.hardware_version or None,
        configuration_url=f"{scheme}://{entry.data[CONF_HOST]}:{entry.data.get(CONF_PORT, DEFAULT_PORT)}/",
    )


def _dhcp(hass: HomeAssistant, info: DhcpServiceInfo) -> Discovered | None:
    """Offer a Poly codec seen by DHCP (hardware address prefix 00:E0:DB).

    A codec Home Assistant already knows (by its MAC, or by its address) gets its new address;
    a new one opens the form with the address filled in. The serial, the entry's unique id, is
    read when the form connects; until then the MAC stands in for it.
    """
    mac = format_mac(info.macaddress)
    entries = [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.data.get(CONF_DEVICE_TYPE) == KEY and entry.unique_id
    ]
    registry = dr.async_get(hass)
    for entry in entries:
        devices = dr.async_entries_for_config_entry(registry, entry.entry_id)
        known = any((CONNECTION_NETWORK_MAC, mac) in device.connections for device in devices)
        if known or entry.data.get(CONF_HOST) == info.ip:
            return Discovered(serial=str(entry.unique_id), name=entry.title, host=info.ip)
    return Discovered(serial=mac, name=info.hostname or "Poly VideoOS", host=info.ip)


async def _async_setup(hass: HomeAssistant, entry: ProAVConfigEntry) -> PolyRuntime:
    """Build the client and coordinators; read what setup needs once.

    A session id the last run left behind (Home Assistant stopped without signing out) is
    deleted before the first login.
    """
    store = session_store(hass, entry)
    stored = await store.async_load() or {}

    @callback
    def remember(session: Session | None) -> None:
        data = {} if session is None else asdict(session)
        store.async_delay_save(lambda: data, 0)

    previous = None
    if isinstance(session_id := stored.get("session_id"), str):
        token = stored.get("xsrf_token")
        previous = Session(
            session_id=session_id, xsrf_token=token if isinstance(token, str) else None
        )
    client = _client(hass, entry.data, previous_session=previous, on_session=remember)
    activity = Activity(client)
    system = SystemCoordinator(
        hass, entry, client, "system", SYSTEM_INTERVAL.of(entry), activity, SYSTEM_REST_EVERY
    )
    calls = CallCoordinator(
        hass, entry, client, "calls", CALLS_INTERVAL.of(entry), activity, system
    )
    room = RoomCoordinator(
        hass, entry, client, "room", ROOM_INTERVAL.of(entry), activity, ROOM_REST_EVERY
    )
    try:
        for coordinator in (system, calls, room):
            await coordinator.async_config_entry_first_refresh()
    except Exception:
        for coordinator in (calls, room, system):
            await coordinator.async_shutdown()
        await client.async_close()
        raise
    return PolyRuntime(
        hass,
        entry,
        client,
        (calls, room, system),
        _device_info(entry, system.data.info, room.data.codec_mac),
    )


async def _async_remove_entry(hass: HomeAssistant, entry: ProAVConfigEntry) -> None:
    """Forget the session id kept for signing out after a crash."""
    await session_store(hass, entry).async_remove()


DEVICE_TYPE = DeviceType(
    key=KEY,
    platforms=PLATFORMS,
    schema=_schema,
    async_probe=_async_probe,
    async_remove_entry=_async_remove_entry,
    async_setup=_async_setup,
    scan_intervals=(CALLS_INTERVAL, ROOM_INTERVAL, SYSTEM_INTERVAL),
    dhcp=_dhcp,
    async_register_services=async_register_services,
)
