"""The exacqVision device type: one config entry per exacqVision server behind a web service."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from functools import partial
from typing import Any

import aiohttp
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    Platform,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_create_clientsession
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
import voluptuous as vol

from custom_components.proav.compat import async_remove_device, via_device
from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.base import (
    DeviceIdentity,
    DeviceType,
    ProAVConfigEntry,
    ProAVRuntime,
)
from custom_components.proav.devices.errors import CannotConnect, DeviceError, InvalidAuth
from custom_components.proav.entity import ItemEntities

from .client import DEFAULT_PORT, ExacqVisionClient
from .coordinator import (
    INVENTORY_INTERVAL,
    STATUS_INTERVAL,
    Inventory,
    InventoryCoordinator,
    StatusCoordinator,
)
from .entities import camera_entities, camera_identifier, server_entities, trigger_entities
from .models import Server, normalize_serial
from .services import async_register_services

CONF_SERVER_ID = "server_id"
MANUFACTURER = "Exacq Technologies"
PLATFORMS = frozenset(
    {
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.CAMERA,
        Platform.EVENT,
        Platform.SELECT,
        Platform.SENSOR,
        Platform.SWITCH,
    }
)


def _schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form: where the web service is and how to sign in."""
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)): str,
            vol.Required(CONF_PORT, default=defaults.get(CONF_PORT, DEFAULT_PORT)): vol.All(
                vol.Coerce(int), vol.Range(min=1, max=65535)
            ),
            vol.Required(CONF_SSL, default=defaults.get(CONF_SSL, False)): bool,
            vol.Required(CONF_VERIFY_SSL, default=defaults.get(CONF_VERIFY_SSL, False)): bool,
            vol.Required(CONF_USERNAME, default=defaults.get(CONF_USERNAME, vol.UNDEFINED)): str,
            vol.Required(CONF_PASSWORD): str,
        }
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
    """List the servers behind the web service and sign in to each with the credentials."""
    session = _session(hass, data)
    try:
        servers = (await _client(session, {**data, CONF_SERVER_ID: "0"}).list_servers()).servers
        found: list[DeviceIdentity] = []
        rejected: InvalidAuth | None = None
        for server in servers:
            client = _client(session, {**data, CONF_SERVER_ID: server.id})
            try:
                login = await client.login()
            except InvalidAuth as err:
                rejected = err  # the account may exist on some servers only
                continue
            await client.logout()
            serial = normalize_serial(login.server.serial or server.serial)
            found.append(
                DeviceIdentity(
                    serial=serial,
                    title=login.server.name or server.name,
                    data={CONF_SERVER_ID: server.id},
                )
            )
        if not found and rejected is not None:
            raise rejected
        return found
    finally:
        session.detach()


def _hub_device_info(entry: ProAVConfigEntry, inventory: Inventory, url: str) -> DeviceInfo:
    """Return the server's device."""
    server: Server = inventory.server
    return DeviceInfo(
        identifiers={(DOMAIN, str(entry.unique_id))},
        name=server.name or entry.title,
        manufacturer=MANUFACTURER,
        model=server.model if server.model not in ("", "unknown") else inventory.system.system_name,
        sw_version=server.version or None,
        serial_number=server.serial or None,
        configuration_url=url,
    )


class ExacqRuntime(ProAVRuntime):
    """An exacqVision server's client, coordinators and entities."""

    client: ExacqVisionClient

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        device_info: DeviceInfo,
        inventory: InventoryCoordinator,
        status: StatusCoordinator,
        session: aiohttp.ClientSession,
    ) -> None:
        """Keep the coordinators; the live state follows the inventory."""
        super().__init__(hass, entry, device_info, [inventory, status])
        self.inventory = inventory
        self.status = status
        self.client = status.client
        self.session = session
        # camera id -> cancel the timer that stops a timed PTZ move
        self.ptz_stops: dict[str, Callable[[], None]] = {}
        entry.async_on_unload(inventory.async_add_listener(status.async_inventory_updated))

    @callback
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the server's entities, and follow its cameras and soft triggers."""
        serial = str(self.entry.unique_id)
        status, inventory = self.status, self.inventory
        async_add_entities(list(server_entities(platform, status, self.device_info)))
        hub = (DOMAIN, serial)

        def camera_device(key: str) -> DeviceInfo:
            camera = inventory.data.cameras[key]
            return DeviceInfo(
                identifiers={camera_identifier(serial, key)},
                name=camera.name,
                manufacturer=MANUFACTURER,
                model="exacqVision camera",
                **via_device(self.hass, hub, self.entry.entry_id),
            )

        if platform is Platform.SELECT:
            # Only cameras with presets have a select; losing presets must not drop the camera.
            ItemEntities(
                inventory,
                lambda: {k: inventory.data.cameras[k].name for k in inventory.data.presets},
                lambda item: camera_entities(platform, status, camera_device(item.key), item),
                async_add_entities,
            )
        else:
            ItemEntities(
                inventory,
                lambda: {c.id: c.name for c in inventory.data.cameras.values()},
                lambda item: camera_entities(platform, status, camera_device(item.key), item),
                async_add_entities,
                device_identifier_fn=partial(camera_identifier, serial),
            )
        ItemEntities(
            inventory,
            lambda: {t.id: t.name for t in inventory.data.triggers.values()},
            lambda item: trigger_entities(platform, status, self.device_info, item),
            async_add_entities,
        )

    async def async_shutdown(self) -> None:
        """Cancel PTZ stops, delete our event profile, end the session, release the pool."""
        for cancel in self.ptz_stops.values():
            cancel()
        self.ptz_stops.clear()
        await self.status.async_remove_events()
        await _async_logout_quietly(self.client)
        self.session.detach()


@callback
def _remove_stale_devices(
    hass: HomeAssistant, entry: ProAVConfigEntry, inventory: Inventory
) -> None:
    """Detach camera devices of cameras the server no longer has (removed while unloaded)."""
    registry = dr.async_get(hass)
    serial = str(entry.unique_id)
    current = {camera_identifier(serial, camera_id) for camera_id in inventory.cameras}
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        ours = {identifier for identifier in device.identifiers if identifier[0] == DOMAIN}
        if (DOMAIN, serial) in ours or ours & current:
            continue
        async_remove_device(hass, device.id, entry.entry_id)


async def _async_setup(hass: HomeAssistant, entry: ProAVConfigEntry) -> ExacqRuntime:
    """Sign in, read the inventory and the live state, prepare event monitoring."""
    session = _session(hass, entry.data)
    client = _client(session, entry.data)
    inventory = InventoryCoordinator(hass, entry, client)
    status = StatusCoordinator(hass, entry, client, inventory)
    try:
        await _async_follow_server_id(hass, entry, client)
        await inventory.async_config_entry_first_refresh()
        try:
            await status.async_setup_events()
        except CannotConnect as err:
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN, translation_key="cannot_connect"
            ) from err
        except InvalidAuth:
            pass  # the first refresh below starts the reauth
        await status.async_config_entry_first_refresh()
    except Exception:
        await _async_logout_quietly(client)
        session.detach()
        raise
    _remove_stale_devices(hass, entry, inventory.data)
    return ExacqRuntime(
        hass,
        entry,
        _hub_device_info(entry, inventory.data, client.base_url),
        inventory,
        status,
        session,
    )


async def _async_follow_server_id(
    hass: HomeAssistant, entry: ProAVConfigEntry, client: ExacqVisionClient
) -> None:
    """Find the server by its serial: the web service's admin may have renumbered it."""
    try:
        servers = (await client.list_servers()).servers
    except (CannotConnect, DeviceError) as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="cannot_connect"
        ) from err
    server = next((s for s in servers if s.unique_id == entry.unique_id), None)
    if server is not None and server.id != client.server_id:
        client.server_id = server.id
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_SERVER_ID: server.id}
        )


async def _async_logout_quietly(client: ExacqVisionClient) -> None:
    """End a session if one is open, ignoring a web service that is gone."""
    with suppress(CannotConnect, DeviceError):
        await client.logout()


DEVICE_TYPE = DeviceType(
    key="exacqvision",
    platforms=PLATFORMS,
    schema=_schema,
    async_probe=_async_probe,
    async_setup=_async_setup,
    scan_intervals=(STATUS_INTERVAL, INVENTORY_INTERVAL),
    async_register_services=async_register_services,
)
