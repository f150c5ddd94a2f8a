"""The Magewell Ultra Stream device type: form, connection test, runtime, discovery."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlparse

import aiohttp
from homeassistant.components.bluetooth import (
    BluetoothCallbackMatcher,
    BluetoothChange,
    BluetoothScanningMode,
    BluetoothServiceInfoBleak,
    async_register_callback,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv, issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_create_clientsession
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.service_info.ssdp import (
    ATTR_UPNP_FRIENDLY_NAME,
    ATTR_UPNP_MANUFACTURER,
    ATTR_UPNP_SERIAL,
    SsdpServiceInfo,
)
import voluptuous as vol

from custom_components.proav.binary_sensor import ProAVBinarySensor
from custom_components.proav.button import ProAVButton
from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.base import (
    DeviceIdentity,
    DeviceType,
    Discovered,
    ProAVConfigEntry,
    ProAVRuntime,
)
from custom_components.proav.entity import ItemEntities
from custom_components.proav.number import ProAVNumber
from custom_components.proav.select import ProAVSelect
from custom_components.proav.sensor import ProAVSensor
from custom_components.proav.switch import ProAVSwitch
from custom_components.proav.text import ProAVText

from .ble import Advertisement, parse_advertisement
from .client import DEFAULT_PORT, DEFAULT_USERNAME, UltraStreamClient
from .coordinator import (
    SCAN_INTERVALS,
    InfoCoordinator,
    SettingsCoordinator,
    StatusCoordinator,
    first_boot_issue_id,
)
from .entities import (
    AUDIO_SYNC_OFFSET,
    BUTTONS,
    DEVICE_NAME,
    LIVE_SERVER,
    LIVE_STATE,
    RECORDING,
    SD_RECORDING,
    SELECT_BUILDERS,
    SETTING_SWITCHES,
    STATUS_BINARY_SENSORS,
    STATUS_SENSORS,
    STREAMING,
    USB_RECORDING,
    UltraStreamFirmware,
)
from .flow import async_start_background_scan

KEY = "magewell_ultra_stream"
PLATFORMS = frozenset(
    {
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.NUMBER,
        Platform.SELECT,
        Platform.SENSOR,
        Platform.SWITCH,
        Platform.TEXT,
        Platform.UPDATE,
    }
)


def schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form: host, port, user name and password."""
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)): str,
            vol.Required(CONF_PORT, default=defaults.get(CONF_PORT, DEFAULT_PORT)): cv.port,
            vol.Required(CONF_USERNAME, default=defaults.get(CONF_USERNAME, DEFAULT_USERNAME)): str,
            vol.Required(CONF_PASSWORD): str,
        }
    )


def _session(hass: HomeAssistant, *, auto_cleanup: bool) -> aiohttp.ClientSession:
    """Return a session of its own for one box: the client keeps the sid cookie itself."""
    return async_create_clientsession(
        hass, auto_cleanup=auto_cleanup, cookie_jar=aiohttp.DummyCookieJar()
    )


def _client(session: aiohttp.ClientSession, data: Mapping[str, Any]) -> UltraStreamClient:
    """Return a client for the form's or the entry's values."""
    return UltraStreamClient(
        session,
        data[CONF_HOST],
        data.get(CONF_PORT, DEFAULT_PORT),
        data.get(CONF_USERNAME, DEFAULT_USERNAME),
        data.get(CONF_PASSWORD, ""),
    )


@asynccontextmanager
async def _probe_session(hass: HomeAssistant) -> AsyncIterator[aiohttp.ClientSession]:
    """Lend a session for a connection test, released afterwards."""
    session = _session(hass, auto_cleanup=False)
    try:
        yield session
    finally:
        session.detach()


async def async_probe(hass: HomeAssistant, data: Mapping[str, Any]) -> list[DeviceIdentity]:
    """Sign in and read the identity (get-info) and the name (get-settings)."""
    async with _probe_session(hass) as session:
        client = _client(session, data)
        info = await client.get_info()
        settings = await client.get_settings()
        await client.logout()
    return [DeviceIdentity(serial=info.serial, title=settings.name or info.model)]


class UltraStreamRuntime(ProAVRuntime):
    """One box: its client, its three coordinators and its probe."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        status: StatusCoordinator,
    ) -> None:
        """Describe the device from get-info."""
        info = status.info.data
        connections = {
            (CONNECTION_NETWORK_MAC, mac) for mac in (info.eth_mac, info.wifi_mac) if mac
        }
        device_info = DeviceInfo(
            identifiers={(DOMAIN, info.serial)},
            connections=connections,
            manufacturer=info.manufacturer,
            model=info.model,
            name=entry.title,
            serial_number=info.serial,
            sw_version=info.firmware,
            hw_version=info.hardware or None,
            configuration_url=f"http://{entry.data[CONF_HOST]}:{entry.data.get(CONF_PORT, 80)}/",
        )
        super().__init__(hass, entry, device_info, [status, status.settings, status.info])
        self.status = status
        self._stops: list[CALLBACK_TYPE] = []
        self._advertised_mask: int | None = None

    @callback
    def async_start(self) -> None:
        """Start the probe, listen to the box's advertisements, follow firmware changes."""
        self._stops.append(self.status.async_start_probe())
        self._stops.append(self.status.info.async_track_firmware())
        self._stops.append(
            async_register_callback(
                self.hass,
                self._async_advertisement,
                BluetoothCallbackMatcher(
                    local_name=self.status.info.data.serial, connectable=False
                ),
                BluetoothScanningMode.PASSIVE,
            )
        )

    @callback
    def _async_advertisement(
        self, info: BluetoothServiceInfoBleak, _change: BluetoothChange
    ) -> None:
        """Read the status at once when an advertisement carries a changed status mask."""
        advertisement = _advertisement(info)
        if advertisement is None or advertisement.status is None:
            return
        mask = int(advertisement.status)
        if mask == self._advertised_mask:
            return
        self._advertised_mask = mask
        self.entry.async_create_background_task(
            self.hass, self.status.async_mask_seen(mask), f"{self.entry.title} advertisement"
        )

    @callback
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add this box's entities of one platform."""
        status, settings, info = self.status, self.status.settings, self.status.info
        device = self.device_info
        if platform is Platform.SWITCH:
            async_add_entities(
                [
                    ProAVSwitch(status, RECORDING, device),
                    ProAVSwitch(status, STREAMING, device),
                    ProAVSwitch(settings, USB_RECORDING, device),
                    *(ProAVSwitch(settings, d, device) for d in SETTING_SWITCHES),
                ]
            )
            ItemEntities(
                settings,
                lambda: {str(server.id): server.name for server in settings.data.servers},
                lambda item: [ProAVSwitch(settings, LIVE_SERVER, device, item)],
                async_add_entities,
            )
        elif platform is Platform.SENSOR:
            async_add_entities(ProAVSensor(status, d, device) for d in STATUS_SENSORS)
            ItemEntities(
                settings,
                lambda: {str(s.id): s.name for s in settings.data.enabled_servers},
                lambda item: [ProAVSensor(status, LIVE_STATE, device, item)],
                async_add_entities,
            )
        elif platform is Platform.BINARY_SENSOR:
            async_add_entities(ProAVBinarySensor(status, d, device) for d in STATUS_BINARY_SENSORS)
        elif platform is Platform.BUTTON:
            async_add_entities(ProAVButton(status, d, device) for d in BUTTONS)
        elif platform is Platform.SELECT:
            async_add_entities(
                [
                    ProAVSelect(settings, SD_RECORDING, device),
                    *(ProAVSelect(settings, build(info), device) for build in SELECT_BUILDERS),
                ]
            )
        elif platform is Platform.NUMBER:
            async_add_entities([ProAVNumber(settings, AUDIO_SYNC_OFFSET, device)])
        elif platform is Platform.TEXT:
            async_add_entities([ProAVText(settings, DEVICE_NAME, device)])
        elif platform is Platform.UPDATE:
            async_add_entities([UltraStreamFirmware(status, device)])

    async def async_shutdown(self) -> None:
        """Stop the probe and the push listeners; drop this entry's repair issue."""
        while self._stops:
            self._stops.pop()()
        ir.async_delete_issue(self.hass, DOMAIN, first_boot_issue_id(self.entry.entry_id))

    def diagnostics(self) -> dict[str, Any]:
        """Return the coordinators' data without MAC addresses or the serial.

        The serial also hides in default names ("Ultra Stream C301..."), so it is scrubbed from
        every text, not only from fields named after it.
        """
        info = self.status.info.data
        secrets = [text for text in (info.serial, info.eth_mac, info.wifi_mac) if text]
        scrubbed: dict[str, Any] = _scrub(super().diagnostics(), secrets)
        return scrubbed


def _scrub(value: Any, secrets: list[str]) -> Any:
    """Replace every occurrence of the secrets in the texts of a JSON-like value."""
    if isinstance(value, dict):
        return {key: _scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, "**REDACTED**")
    return value


async def async_setup(hass: HomeAssistant, entry: ProAVConfigEntry) -> UltraStreamRuntime:
    """Connect, read info, settings and status once, then start probing."""
    client = _client(_session(hass, auto_cleanup=True), entry.data)
    info = InfoCoordinator(hass, entry, client)
    settings = SettingsCoordinator(hass, entry, client)
    status = StatusCoordinator(hass, entry, client, settings, info)
    for coordinator in (info, settings, status):
        await coordinator.async_config_entry_first_refresh()
    runtime = UltraStreamRuntime(hass, entry, status)
    runtime.async_start()
    return runtime


def _advertisement(info: BluetoothServiceInfoBleak) -> Advertisement | None:
    """Parse what Home Assistant's Bluetooth stack saw."""
    return parse_advertisement(
        name=info.name,
        address=info.address,
        service_uuids=info.service_uuids,
        manufacturer_data=info.manufacturer_data,
    )


def bluetooth(info: BluetoothServiceInfoBleak) -> Discovered | None:
    """Map an advertisement to a box: its serial, and its address if it is on a network."""
    advertisement = _advertisement(info)
    if advertisement is None:
        return None
    return Discovered(
        serial=advertisement.serial, name=advertisement.serial, host=advertisement.host
    )


def ssdp(info: SsdpServiceInfo) -> Discovered | None:
    """Map an SSDP answer to a box (unverified on hardware: the vendor documents no headers).

    The manifest matches ``manufacturer: MAGEWELL``; the serial comes from the description's
    ``serialNumber`` or the USN ``uuid:<serial>::...``.
    """
    if str(info.upnp.get(ATTR_UPNP_MANUFACTURER, "")).upper() != "MAGEWELL":
        return None
    serial = str(info.upnp.get(ATTR_UPNP_SERIAL) or "")
    if not serial and info.ssdp_usn.startswith("uuid:"):
        serial = info.ssdp_usn.removeprefix("uuid:").split("::")[0]
    location = urlparse(info.ssdp_location or "")
    if not serial or not location.hostname:
        return None
    return Discovered(
        serial=serial,
        name=str(info.upnp.get(ATTR_UPNP_FRIENDLY_NAME) or f"Ultra Stream {serial}"),
        host=location.hostname,
        port=location.port or DEFAULT_PORT,
    )


DEVICE_TYPE = DeviceType(
    key=KEY,
    platforms=PLATFORMS,
    schema=schema,
    async_probe=async_probe,
    async_setup=async_setup,
    scan_intervals=SCAN_INTERVALS,
    bluetooth=bluetooth,
    ssdp=ssdp,
    async_start=async_start_background_scan,
)
