"""The wireless presentation receiver device type: form, connection test, runtime."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.const import (
    CONF_API_KEY,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    Platform,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig, TextSelectorType
import voluptuous as vol

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.base import DeviceIdentity, DeviceType, ProAVConfigEntry

from .client import PresentationReceiverClient
from .coordinator import SCAN_INTERVALS, FirmwareCoordinator, ReceiverCoordinator
from .entities import ReceiverRuntime
from .models import ApiKey
from .services import async_register_services

KEY: Final = "presentation_receiver"
CONF_RENEW_KEY: Final = "allow_key_renewal"
CONF_KEY_EXPIRES: Final = "key_expires"
CONF_KEY_SCOPE: Final = "key_scope"
DEFAULT_USERNAME: Final = "admin"
PLATFORMS: Final = frozenset(
    {
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.SELECT,
        Platform.SENSOR,
        Platform.SWITCH,
        Platform.TEXT,
        Platform.UPDATE,
    }
)
_SECRET = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


def _schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form: address, account, and an existing API key or the password."""
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)): str,
            vol.Required(CONF_PORT, default=defaults.get(CONF_PORT, 443)): cv.port,
            vol.Required(CONF_SSL, default=defaults.get(CONF_SSL, True)): bool,
            vol.Required(CONF_VERIFY_SSL, default=defaults.get(CONF_VERIFY_SSL, False)): bool,
            vol.Required(CONF_USERNAME, default=defaults.get(CONF_USERNAME, DEFAULT_USERNAME)): str,
            vol.Optional(CONF_API_KEY): _SECRET,
            vol.Optional(CONF_PASSWORD): _SECRET,
            vol.Required(CONF_RENEW_KEY, default=defaults.get(CONF_RENEW_KEY, False)): bool,
        }
    )


def _client(
    hass: HomeAssistant, data: Mapping[str, Any], **kwargs: Any
) -> PresentationReceiverClient:
    """Build a client from entry data or form input."""
    token = str(data.get(CONF_API_KEY) or "").strip()
    api_key = None
    if token:
        api_key = ApiKey(
            token=token,
            expires=int(data.get(CONF_KEY_EXPIRES, -1)),
            scope=str(data.get(CONF_KEY_SCOPE, "full")),
        )
    return PresentationReceiverClient(
        async_get_clientsession(hass, verify_ssl=bool(data.get(CONF_VERIFY_SSL, False))),
        data[CONF_HOST],
        port=int(data[CONF_PORT]),
        ssl=bool(data.get(CONF_SSL, True)),
        username=data[CONF_USERNAME],
        api_key=api_key,
        **kwargs,
    )


def _key_data(key: ApiKey) -> dict[str, Any]:
    """Return the entry data that describes an API key."""
    return {CONF_API_KEY: key.token, CONF_KEY_EXPIRES: key.expires, CONF_KEY_SCOPE: key.scope}


async def _async_probe(hass: HomeAssistant, data: Mapping[str, Any]) -> list[DeviceIdentity]:
    """Check the key; without one (or if it is rejected) create one with the password.

    Creating a key replaces the account's previous key on the device (the form says so).
    The password is kept only when the user allowed automatic key renewal.
    """
    created: list[ApiKey] = []
    client = _client(
        hass, data, password=data.get(CONF_PASSWORD) or None, on_new_key=created.append
    )
    device = await client.get_device()
    assert client.api_key is not None  # the request succeeded with a key
    key = created[-1] if created else client.api_key
    return [
        DeviceIdentity(
            serial=device.serial_number or device.mac_address,
            title=device.name or device.model or client.model,
            data=_key_data(key),
            drop=frozenset() if data.get(CONF_RENEW_KEY) else frozenset({CONF_PASSWORD}),
        )
    ]


async def _async_setup(hass: HomeAssistant, entry: ProAVConfigEntry) -> ReceiverRuntime:
    """Connect, read everything once, and build the runtime."""

    @callback
    def store_key(key: ApiKey) -> None:
        """Keep a renewed key, so the next start uses it."""
        hass.config_entries.async_update_entry(entry, data={**entry.data, **_key_data(key)})

    password = entry.data.get(CONF_PASSWORD) if entry.data.get(CONF_RENEW_KEY) else None
    if password is None and CONF_PASSWORD in entry.data:
        # Renewal was switched off (reconfigure): the password has no use any more.
        data = {key: value for key, value in entry.data.items() if key != CONF_PASSWORD}
        hass.config_entries.async_update_entry(entry, data=data)
    client = _client(hass, entry.data, password=password, on_new_key=store_key)
    coordinator = ReceiverCoordinator(hass, entry, client)
    firmware = FirmwareCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    # The firmware check asks the vendor's server: its failure must not block the setup.
    await firmware.async_refresh()
    runtime = ReceiverRuntime(
        hass, entry, _device_info(entry, coordinator), [coordinator, firmware]
    )
    runtime.coordinator, runtime.firmware = coordinator, firmware
    return runtime


def _device_info(entry: ProAVConfigEntry, coordinator: ReceiverCoordinator) -> DeviceInfo:
    """Describe the device from what it reports (the vendor is not known)."""
    data = coordinator.data
    device = data.device
    macs = {mac for mac in (device.mac_address, data.mac.ethernet, data.mac.wifi) if mac}
    assert entry.unique_id is not None
    return DeviceInfo(
        identifiers={(DOMAIN, entry.unique_id)},
        connections={(CONNECTION_NETWORK_MAC, mac) for mac in macs},
        name=device.name or entry.title,
        model=device.model or coordinator.client.model or None,
        sw_version=device.firmware or None,
        serial_number=device.serial_number or None,
        configuration_url=f"{coordinator.client.base_url}/",
    )


DEVICE_TYPE = DeviceType(
    key=KEY,
    platforms=PLATFORMS,
    schema=_schema,
    async_probe=_async_probe,
    async_setup=_async_setup,
    credential_keys=(CONF_API_KEY, CONF_USERNAME, CONF_PASSWORD),
    scan_intervals=SCAN_INTERVALS,
    async_register_services=async_register_services,
)
