"""The runtime of one exacqVision server: its client, coordinators and entities."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from functools import partial
from typing import Any

import aiohttp
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...compat import async_remove_device, via_device  # noqa: TID252
from ...const import DOMAIN  # noqa: TID252
from ...entity import ItemEntities  # noqa: TID252
from ...issues import (  # noqa: TID252
    async_feature_available,
    async_feature_unavailable,
    async_set_issue,
)
from ..base import ProAVConfigEntry, ProAVRuntime  # noqa: TID252
from ..errors import CannotConnect, InvalidAuth  # noqa: TID252
from .client import ExacqVisionClient
from .coordinator import (
    CAP_EVENT_MONITORING,
    CAP_SERVERS,
    Inventory,
    InventoryCoordinator,
    StatusCoordinator,
    read_optional,
)
from .entities import (
    camera_entities,
    camera_identifier,
    rtsp_template,
    server_entities,
    trigger_entities,
)
from .media_source import async_register_views
from .models import unique_names

CONF_SERVER_ID = "server_id"
CONF_EVENT_MONITORING = "event_monitoring"
CONF_LARGE_SERVER = "large_server_cameras"
CONF_RTSP_URL = "rtsp_url"
DEFAULT_LARGE_SERVER = 64
MANUFACTURER = "Exacq Technologies"


def _hub_device_info(entry: ProAVConfigEntry, inventory: Inventory, url: str) -> DeviceInfo:
    """Return the server's device."""
    server = inventory.server
    system_name = inventory.system.system_name if inventory.system is not None else ""
    return DeviceInfo(
        identifiers={(DOMAIN, str(entry.unique_id))},
        name=server.name or "exacqVision server",
        manufacturer=MANUFACTURER,
        model=server.model if server.model not in ("", "unknown") else (system_name or None),
        sw_version=server.version or None,
        serial_number=server.serial or None,
        configuration_url=url,
    )


def _add_cameras(
    runtime: ExacqRuntime, platform: Platform, add: AddConfigEntryEntitiesCallback
) -> None:
    """Follow the server's cameras: entities of one platform per camera."""
    serial = str(runtime.entry.unique_id)
    status, inventory = runtime.status, runtime.inventory
    large = len(inventory.data.cameras) > runtime.large_server

    known: list[Any] = [None, {}]  # the camera list the names were worked out for, the names

    def names() -> dict[str, str]:
        """Return the cameras' names (worked out once for each camera list the server gives)."""
        cameras = inventory.data.cameras
        if known[0] is not cameras:
            known[:] = [cameras, unique_names({c.id: c.name for c in cameras.values()})]
        result: dict[str, str] = known[1]
        return result

    def camera_device(key: str) -> DeviceInfo:
        return DeviceInfo(
            identifiers={camera_identifier(serial, key)},
            name=names()[key],
            manufacturer=MANUFACTURER,
            model="exacqVision camera",
            **via_device(runtime.hass, (DOMAIN, serial), runtime.entry.entry_id),
        )

    def build(item: Any) -> Any:
        return camera_entities(platform, status, camera_device(item.key), item, large=large)

    if platform is Platform.SELECT:
        # Only cameras with presets have a select; losing presets must not drop the camera.
        ItemEntities(
            inventory,
            lambda: {k: name for k, name in names().items() if k in inventory.data.presets},
            build,
            add,
        )
        return
    ItemEntities(
        inventory,
        names,
        build,
        add,
        device_identifier_fn=partial(camera_identifier, serial),
    )


def _add_all(
    runtime: ExacqRuntime, platform: Platform, add: AddConfigEntryEntitiesCallback
) -> None:
    """Add the server's own entities, and follow its cameras and soft triggers."""
    status, inventory = runtime.status, runtime.inventory
    ItemEntities.device(
        inventory, lambda: server_entities(platform, status, runtime.device_info), add
    )
    _add_cameras(runtime, platform, add)
    ItemEntities(
        inventory,
        lambda: {t.id: t.name for t in inventory.data.triggers.values()},
        lambda item: trigger_entities(platform, status, runtime.device_info, item),
        add,
    )


def _table() -> Mapping[Platform, Callable[[Any, AddConfigEntryEntitiesCallback], None]]:
    """Return how each platform's entities are added."""
    return {
        platform: partial(lambda platform, runtime, add: _add_all(runtime, platform, add), platform)
        for platform in (
            Platform.BINARY_SENSOR,
            Platform.BUTTON,
            Platform.CAMERA,
            Platform.EVENT,
            Platform.SELECT,
            Platform.SENSOR,
            Platform.SWITCH,
        )
    }


class ExacqRuntime(ProAVRuntime):
    """An exacqVision server's client, coordinators and entities."""

    client: ExacqVisionClient
    platform_entities = _table()

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        device_info: DeviceInfo,
        client: ExacqVisionClient,
        inventory: InventoryCoordinator,
        status: StatusCoordinator,
        session: aiohttp.ClientSession,
    ) -> None:
        """Keep the coordinators; the live state follows the inventory."""
        super().__init__(hass, entry, device_info, [inventory, status], client=client)
        self.inventory = inventory
        self.status = status
        self.session = session
        self.large_server = int(entry.data.get(CONF_LARGE_SERVER, DEFAULT_LARGE_SERVER))
        # camera id -> cancel the timer that stops a timed PTZ move
        self.ptz_stops: dict[str, Callable[[], None]] = {}
        entry.async_on_unload(inventory.async_add_listener(status.async_inventory_updated))

    def diagnostics(self) -> dict[str, Any]:
        """Add what the client found out about this web service (for field reports)."""
        client = self.client
        login = client.login_result
        return {
            **super().diagnostics(),
            "web_service": {
                "prefix": client.prefix,
                "snapshot_form": client.snapshot_form,
                "utc_offset_hours": client.utc_offset.total_seconds() / 3600
                if client.utc_offset is not None
                else None,
                "permissions": asdict(login.permissions) if login is not None else None,
                "event_profile": self.status.event_profile is not None,
            },
        }

    async def async_shutdown(self) -> None:
        """Cancel PTZ stops and delete our event profile (the base then signs out)."""
        for cancel in self.ptz_stops.values():
            cancel()
        self.ptz_stops.clear()
        await self.status.async_remove_events()

    async def async_stop(self) -> None:
        """Stop, sign out, then release the connection pool."""
        await super().async_stop()
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


async def _async_follow_server_id(
    hass: HomeAssistant, entry: ProAVConfigEntry, client: ExacqVisionClient
) -> None:
    """Find the server by its serial where the web service lists servers (ids may change)."""
    try:
        listed = await read_optional(client, CAP_SERVERS, client.list_servers)
    except CannotConnect as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="cannot_connect"
        ) from err
    if listed is None:
        return
    server = next((s for s in listed.servers if s.unique_id == entry.unique_id), None)
    if server is not None and server.id != client.server_id:
        client.server_id = server.id
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_SERVER_ID: server.id}
        )


@callback
def _report_rtsp_template(hass: HomeAssistant, entry: ProAVConfigEntry) -> None:
    """Raise a repair issue for an RTSP template that cannot be used (streams stay MJPEG)."""
    async_set_issue(
        hass,
        f"{entry.entry_id}_rtsp_template",
        bool(entry.data.get(CONF_RTSP_URL)) and rtsp_template(entry.data) is None,
        "exacqvision_rtsp_template",
        {"name": entry.title},
    )


@callback
def _report_event_monitoring(
    hass: HomeAssistant, entry: ProAVConfigEntry, status: StatusCoordinator
) -> None:
    """Raise a repair issue when the user asked for event monitoring and the server lacks it."""
    if not status.event_monitoring:
        return
    if status.event_profile is not None:
        async_feature_available(hass, entry, CAP_EVENT_MONITORING)
        return
    reason = status.client.capabilities.state(CAP_EVENT_MONITORING).reason or "refused"
    async_feature_unavailable(hass, entry, CAP_EVENT_MONITORING, "event monitoring", reason)


async def async_setup_runtime(
    hass: HomeAssistant,
    entry: ProAVConfigEntry,
    session: aiohttp.ClientSession,
    client: ExacqVisionClient,
) -> ExacqRuntime:
    """Sign in, read the inventory and the live state, prepare event monitoring (opt-in)."""
    async_register_views(hass)  # recorded clips and the pictures of events
    inventory = InventoryCoordinator(hass, entry, client)
    status = StatusCoordinator(
        hass, entry, client, inventory, event_monitoring=bool(entry.data.get(CONF_EVENT_MONITORING))
    )
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
        try:
            await client.async_close()
        finally:
            session.detach()
        raise
    _report_event_monitoring(hass, entry, status)
    _report_rtsp_template(hass, entry)
    _remove_stale_devices(hass, entry, inventory.data)
    return ExacqRuntime(
        hass,
        entry,
        _hub_device_info(entry, inventory.data, client.base_url),
        client,
        inventory,
        status,
        session,
    )
