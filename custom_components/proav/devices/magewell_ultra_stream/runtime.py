"""The runtime of one Ultra Stream entry: client, coordinators, probe, advertisements."""

# Relative imports inside the package, parents included.
# ruff: noqa: TID252

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import contextlib
from typing import Any

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
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_create_clientsession
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...binary_sensor import ProAVBinarySensor
from ...button import ProAVButton
from ...compat import async_get_device
from ...const import DOMAIN
from ...entity import ItemEntities
from ...number import ProAVNumber
from ...select import ProAVSelect
from ...sensor import ProAVSensor
from ...switch import ProAVSwitch
from ...text import ProAVText
from ..base import CLOSE_TIMEOUT, ProAVConfigEntry, ProAVRuntime
from ..errors import ProAVError
from .ble import Advertisement, parse_advertisement
from .client import DEFAULT_PORT, DEFAULT_USERNAME, UltraStreamClient
from .coordinator import (
    InfoCoordinator,
    RecordingsCoordinator,
    SettingsCoordinator,
    StatusCoordinator,
    first_boot_issue_id,
    runway_issue_id,
    session_conflict_issue_id,
    too_slow_issue_id,
)
from .entities import (
    AUDIO_GAIN_BUILDERS,
    AUDIO_MUTES,
    AUDIO_SYNC_OFFSET,
    BUTTONS,
    DEVICE_NAME,
    EVENTS,
    LAST_RECORDING,
    LIVE_BITRATE,
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
    UltraStreamEvent,
    UltraStreamFirmware,
)
from .models import device_name


def session(hass: HomeAssistant, *, auto_cleanup: bool) -> aiohttp.ClientSession:
    """Return a session of its own for one box: the client keeps the session cookie itself."""
    return async_create_clientsession(
        hass, auto_cleanup=auto_cleanup, cookie_jar=aiohttp.DummyCookieJar()
    )


def client_for(http: aiohttp.ClientSession, data: Mapping[str, Any]) -> UltraStreamClient:
    """Return a client for the form's or the entry's values."""
    return UltraStreamClient(
        http,
        data[CONF_HOST],
        data.get(CONF_PORT, DEFAULT_PORT),
        data.get(CONF_USERNAME, DEFAULT_USERNAME),
        data.get(CONF_PASSWORD, ""),
    )


def advertisement_of(
    info: BluetoothServiceInfoBleak, serial: str | None = None
) -> Advertisement | None:
    """Parse what Home Assistant's Bluetooth stack saw.

    ``serial``: the box's serial when it is known (matched by its Bluetooth address), for
    advertisements that came without the name (passive scans see no scan responses).
    """
    name = info.name
    if serial is not None and (not name or name == info.address):
        name = serial
    return parse_advertisement(
        name=name,
        address=info.address,
        service_uuids=info.service_uuids,
        manufacturer_data=info.manufacturer_data,
    )


def _servers(runtime: UltraStreamRuntime) -> Callable[[], dict[str, str]]:
    """Return the items of per-server entities: every configured server (enabled or not)."""
    settings = runtime.status.settings
    return lambda: {str(server.id): server.name for server in settings.data.servers}


def _add_switches(runtime: UltraStreamRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    status, settings, device = runtime.status, runtime.status.settings, runtime.device_info
    add(
        [
            ProAVSwitch(status, RECORDING, device),
            ProAVSwitch(status, STREAMING, device),
            ProAVSwitch(settings, USB_RECORDING, device),
            *(ProAVSwitch(settings, description, device) for description in SETTING_SWITCHES),
        ]
    )
    ItemEntities(
        settings,
        _servers(runtime),
        lambda item: [ProAVSwitch(settings, LIVE_SERVER, device, item)],
        add,
    )
    # The audio panel exists while the box reports its volume settings.
    ItemEntities.device(
        settings, lambda: [ProAVSwitch(settings, d, device) for d in AUDIO_MUTES], add
    )


def _add_sensors(runtime: UltraStreamRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    status, device = runtime.status, runtime.device_info
    add(ProAVSensor(status, description, device) for description in STATUS_SENSORS)
    _add_recordings(runtime, add)
    ItemEntities(
        status.settings,
        _servers(runtime),
        lambda item: [
            ProAVSensor(status, LIVE_STATE, device, item),
            ProAVSensor(status, LIVE_BITRATE, device, item),
        ],
        add,
    )


def _add_recordings(runtime: UltraStreamRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    recordings = runtime.recordings
    ItemEntities.device(
        recordings, lambda: [ProAVSensor(recordings, LAST_RECORDING, runtime.device_info)], add
    )


def _add_binary_sensors(runtime: UltraStreamRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    add(
        ProAVBinarySensor(runtime.status, description, runtime.device_info)
        for description in STATUS_BINARY_SENSORS
    )


def _add_buttons(runtime: UltraStreamRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    add(ProAVButton(runtime.status, description, runtime.device_info) for description in BUTTONS)


def _add_selects(runtime: UltraStreamRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    settings, info, device = runtime.status.settings, runtime.status.info, runtime.device_info
    add(
        [
            ProAVSelect(settings, SD_RECORDING, device),
            *(ProAVSelect(settings, build(info), device) for build in SELECT_BUILDERS),
        ]
    )


def _add_numbers(runtime: UltraStreamRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    settings, info, device = runtime.status.settings, runtime.status.info, runtime.device_info
    add([ProAVNumber(settings, AUDIO_SYNC_OFFSET, device)])
    ItemEntities.device(
        settings,
        lambda: [ProAVNumber(settings, build(info), device) for build in AUDIO_GAIN_BUILDERS],
        add,
    )


def _add_texts(runtime: UltraStreamRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    add([ProAVText(runtime.status.settings, DEVICE_NAME, runtime.device_info)])


def _add_events(runtime: UltraStreamRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    add(
        UltraStreamEvent(runtime.status, description, runtime.device_info) for description in EVENTS
    )


def _add_updates(runtime: UltraStreamRuntime, add: AddConfigEntryEntitiesCallback) -> None:
    add([UltraStreamFirmware(runtime.status, runtime.device_info)])


class UltraStreamRuntime(ProAVRuntime):
    """One box: its client, its three coordinators, its probe and its advertisements."""

    platform_entities = {
        Platform.BINARY_SENSOR: _add_binary_sensors,
        Platform.BUTTON: _add_buttons,
        Platform.EVENT: _add_events,
        Platform.NUMBER: _add_numbers,
        Platform.SELECT: _add_selects,
        Platform.SENSOR: _add_sensors,
        Platform.SWITCH: _add_switches,
        Platform.TEXT: _add_texts,
        Platform.UPDATE: _add_updates,
    }

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        client: UltraStreamClient,
        status: StatusCoordinator,
        recordings: RecordingsCoordinator,
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
            name=device_name(status.settings.data.name if status.settings.data else None, info),
            serial_number=info.serial,
            sw_version=info.firmware,
            hw_version=info.hardware or None,
            configuration_url=f"http://{entry.data[CONF_HOST]}:{entry.data.get(CONF_PORT, 80)}/",
        )
        super().__init__(
            hass,
            entry,
            device_info,
            [status, status.settings, status.info, recordings],
            client=client,
        )
        self.status = status
        self.recordings = recordings
        self._was_recording: bool | None = status.data.recording
        self._stops: list[CALLBACK_TYPE] = []
        self._advertised_mask: int | None = None
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._name = device_info.get("name")

    @callback
    def _async_name_changed(self) -> None:
        """Follow the box's new name in its device's name (a name set in Home Assistant stays)."""
        settings = self.status.settings.data
        name = device_name(settings.name if settings else None, self.status.info.data)
        if name == self._name:
            return
        self._name = name
        serial = self.status.info.data.serial
        device = async_get_device(self.hass, (DOMAIN, serial), self.entry.entry_id)
        if device is not None:
            dr.async_get(self.hass).async_update_device(device.id, name=name)

    @callback
    def async_start(self) -> None:
        """Start the probe, listen to the box's advertisements, follow firmware changes."""
        info = self.status.info.data
        self._stops.append(self.status.async_start_probe())
        self._stops.append(self.status.info.async_track_firmware())
        self._stops.append(self.status.async_add_listener(self._async_status_changed))
        # Live entities read the status but follow the server list (which server has a slot).
        self._stops.append(
            self.status.settings.async_add_listener(self.status.async_update_listeners)
        )
        self._stops.append(self.status.settings.async_add_listener(self._async_name_changed))
        # The serial (local name) comes only in scan responses, which passive scanners and
        # proxies never see: match the box's Bluetooth address as well.
        matchers = [BluetoothCallbackMatcher(local_name=info.serial, connectable=False)]
        if info.bluetooth_mac:
            matchers.append(
                BluetoothCallbackMatcher(address=info.bluetooth_mac.upper(), connectable=False)
            )
        for matcher in matchers:
            self._stops.append(
                async_register_callback(
                    self.hass, self._async_advertisement, matcher, BluetoothScanningMode.PASSIVE
                )
            )

    @callback
    def _async_status_changed(self) -> None:
        """List the recordings again when a recording ended (a new file is there)."""
        recording = self.status.data.recording if self.status.last_update_success else None
        if self._was_recording and recording is False:
            self.entry.async_create_background_task(
                self.hass, self.recordings.async_refresh(), f"{self.entry.title} recordings"
            )
        if recording is not None:
            self._was_recording = recording

    @callback
    def _async_advertisement(
        self, info: BluetoothServiceInfoBleak, _change: BluetoothChange
    ) -> None:
        """Read the status at once when an advertisement carries a changed status mask."""
        advertisement = advertisement_of(info, self.status.info.data.serial)
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
    def async_replace_timer(self, name: str, cancel: CALLBACK_TYPE) -> None:
        """Keep an action's timer (e.g. record_for's stop); a new one replaces the old one."""
        if (old := self._timers.pop(name, None)) is not None:
            old()
        self._timers[name] = cancel

    async def async_shutdown(self) -> None:
        """Stop the probe, the push listeners and timers; drop this entry's repair issues."""
        while self._stops:
            self._stops.pop()()
        while self._timers:
            self._timers.popitem()[1]()
        for issue_id in (
            first_boot_issue_id,
            runway_issue_id,
            session_conflict_issue_id,
            too_slow_issue_id,
        ):
            ir.async_delete_issue(self.hass, DOMAIN, issue_id(self.entry.entry_id))

    def diagnostics(self) -> dict[str, Any]:
        """Return the coordinators' data without MAC addresses, the serial or stream URLs.

        The serial also hides in default names ("Ultra Stream C301..."), so it is scrubbed from
        every text, not only from fields named after it. Custom RTMP URLs often carry keys.
        """
        info = self.status.info.data
        macs = (info.eth_mac, info.wifi_mac, info.bluetooth_mac)
        secrets = [text for text in (info.serial, *macs) if text]
        secrets += [server.url for server in self.status.settings.data.servers if server.url]
        scrubbed: dict[str, Any] = _scrub(super().diagnostics(), secrets)
        return scrubbed


# Fields of raw answers that hold secrets (stream keys and URLs, passwords, the AP's password).
_SECRET_FIELDS = frozenset({"key", "mac-addr", "passwd", "softap-passwd", "token", "url", "user"})


def _scrub(value: Any, secrets: list[str]) -> Any:
    """Replace the secret fields, and every occurrence of the secrets in texts."""
    if isinstance(value, dict):
        return {
            key: "**REDACTED**" if key in _SECRET_FIELDS else _scrub(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, "**REDACTED**")
    return value


async def async_setup(hass: HomeAssistant, entry: ProAVConfigEntry) -> UltraStreamRuntime:
    """Connect, read info, settings and status once, then start probing."""
    client = client_for(session(hass, auto_cleanup=True), entry.data)
    info = InfoCoordinator(hass, entry, client)
    settings = SettingsCoordinator(hass, entry, client)
    status = StatusCoordinator(hass, entry, client, settings, info)
    recordings = RecordingsCoordinator(hass, entry, client, status)
    try:
        for coordinator in (info, settings, status, recordings):
            await coordinator.async_config_entry_first_refresh()
    except Exception:
        # No session left behind by a setup that failed (the box may be gone: best effort).
        with contextlib.suppress(ProAVError, TimeoutError):
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await client.async_close()
        raise
    runtime = UltraStreamRuntime(hass, entry, client, status, recordings)
    runtime.async_start()
    return runtime
