"""The ATEN VP2730 device type: form, connection test, runtime."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

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
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig, TextSelectorType
import voluptuous as vol

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.base import (
    DeviceIdentity,
    DeviceType,
    ProAVConfigEntry,
    ProAVRuntime,
)
from custom_components.proav.entity import Item, ItemEntities

from .client import DEFAULT_PORT, AtenClient
from .coordinator import POLL_INTERVAL, PUSH_INTERVAL, AtenCoordinator
from .entities import (
    AUDIO_ENTITIES,
    DEVICE_ENTITIES,
    INPUT_ENTITIES,
    OUTPUT_ENTITIES,
    PLATFORMS,
    Build,
    audio_ports,
    inputs,
    outputs,
    supported,
)

KEY = "aten_vp2730"


def _schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form: address, HTTPS (unverified by default), the admin account."""

    def default(key: str, fallback: Any = vol.UNDEFINED) -> Any:
        return defaults.get(key, fallback)

    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=default(CONF_HOST)): str,
            vol.Required(CONF_PORT, default=default(CONF_PORT, DEFAULT_PORT)): vol.All(
                vol.Coerce(int), vol.Range(min=1, max=65535)
            ),
            vol.Required(CONF_SSL, default=default(CONF_SSL, True)): bool,
            vol.Required(CONF_VERIFY_SSL, default=default(CONF_VERIFY_SSL, False)): bool,
            vol.Required(CONF_USERNAME, default=default(CONF_USERNAME)): str,
            vol.Required(CONF_PASSWORD): TextSelector(
                TextSelectorConfig(type=TextSelectorType.PASSWORD)
            ),
        }
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


async def _async_probe(hass: HomeAssistant, data: Mapping[str, Any]) -> list[DeviceIdentity]:
    """Sign in and read the identity (the flow rejects an empty or all-zero serial)."""
    client = _client(hass, data)
    await client.async_login()
    info = await client.async_get_info()
    return [DeviceIdentity(serial=info.serial_number, title=info.device_name or info.model_name)]


class AtenRuntime(ProAVRuntime):
    """One VP2730: its coordinator (push + safety-net polls) and its entities."""

    coordinator: AtenCoordinator

    @callback
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the device's entities of a platform and follow its lists of ports."""
        coordinator, info = self.coordinator, self.device_info
        if (build := DEVICE_ENTITIES.get(platform)) is not None:
            async_add_entities(build(coordinator, info, None))
        for table, items_fn in (
            (OUTPUT_ENTITIES, outputs),
            (INPUT_ENTITIES, inputs),
            (AUDIO_ENTITIES, audio_ports),
        ):
            if (build := table.get(platform)) is not None:
                self._async_track_items(build, items_fn, async_add_entities)

    @callback
    def _async_track_items(
        self,
        build: Build,
        items_fn: Callable[[AtenCoordinator], dict[str, str]],
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Add the entities of each item the device reports (only supported features)."""
        coordinator, info = self.coordinator, self.device_info

        def build_item(item: Item) -> list[Entity]:
            return [
                entity
                for entity in build(coordinator, info, item)
                if supported(coordinator, entity, item.key)
            ]

        ItemEntities(coordinator, lambda: items_fn(coordinator), build_item, async_add_entities)

    async def async_shutdown(self) -> None:
        """Stop the Socket.IO connection and the polls."""
        await self.coordinator.async_shutdown()

    def diagnostics(self) -> dict[str, Any]:
        """Return the state plus how the device is reached (redacted by the caller)."""
        push = self.coordinator.push
        return {
            **super().diagnostics(),
            "push": {
                "connected": push.connected,
                "unsupported": push.unsupported,
                "events_received": push.events_received,
            },
            "update_interval": str(self.coordinator.update_interval),
        }


async def _async_setup(hass: HomeAssistant, entry: ProAVConfigEntry) -> AtenRuntime:
    """Read the device, then start push (the first refresh raises before anything runs)."""
    coordinator = AtenCoordinator(hass, entry, _client(hass, entry.data))
    await coordinator.async_config_entry_first_refresh()
    info = coordinator.data.info
    runtime = AtenRuntime(
        hass,
        entry,
        DeviceInfo(
            identifiers={(DOMAIN, info.serial_number)},
            manufacturer="ATEN",
            model=info.model_name,
            name=info.device_name or entry.title,
            sw_version=f"{info.fw_version} ({info.build_version})"
            if info.build_version
            else info.fw_version,
            hw_version=info.board_version or None,
            serial_number=info.serial_number,
            configuration_url=str(coordinator.client.base_url),
        ),
        [coordinator],
    )
    runtime.coordinator = coordinator
    coordinator.async_start_push()
    return runtime


DEVICE_TYPE = DeviceType(
    key=KEY,
    platforms=PLATFORMS,
    schema=_schema,
    async_probe=_async_probe,
    async_setup=_async_setup,
    scan_intervals=(PUSH_INTERVAL, POLL_INTERVAL),
)
