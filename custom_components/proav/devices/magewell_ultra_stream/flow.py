"""Ultra Stream config flow steps and the background network scan.

The shared flow (config_flow.py) takes this mixin as a base: picking "Magewell Ultra Stream" in
the menu offers a search of the network (multicast discovery) or the address form; a Bluetooth
box that is not on a network yet can be given Wi-Fi credentials first. A periodic scan offers new
boxes as discovery flows and gives known ones their new address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components import bluetooth, network
from homeassistant.config_entries import (
    SOURCE_BLUETOOTH,
    SOURCE_INTEGRATION_DISCOVERY,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import discovery_flow
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.start import async_at_started
import voluptuous as vol

from custom_components.proav.const import CONF_DEVICE_TYPE, DOMAIN, LOGGER
from custom_components.proav.devices.base import DeviceType, Discovered
from custom_components.proav.devices.errors import CannotConnect, InvalidAuth, ProAVError

from .ble import UltraStreamProvisioner, WifiJoinFailed, WifiResult, WifiSecurity, async_connect
from .discovery import GROUP, PORT, SCAN_SECONDS, DiscoveredBox, async_scan

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

KEY = "magewell_ultra_stream"
STEP_HOW = f"{KEY}_how"
STEP_SEARCH = f"{KEY}_search"
STEP_MANUAL = f"{KEY}_manual"
STEP_BLE_AUTH = f"{KEY}_ble_auth"
STEP_WIFI = f"{KEY}_wifi"
CONF_SSID = "ssid"
CONF_WIFI_PASSWORD = "wifi_password"  # noqa: S105 - a form field name
CONF_SECURITY = "security"
BLE_POLL_SECONDS = 1.0
BLE_JOIN_SECONDS = 45.0
SECURITY_OPTIONS = {
    "wpa2_psk": WifiSecurity.WPA2_PSK,
    "wpa_psk": WifiSecurity.WPA_PSK,
    "wep": WifiSecurity.WEP,
    "none": WifiSecurity.NONE,
}
PASSWORD_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
CONF_SERIAL = "serial"
BACKGROUND_SCAN_INTERVAL = timedelta(minutes=15)


@dataclass(frozen=True, kw_only=True)
class ScanTarget:
    """Where the multicast scan asks (tests point it at loopback)."""

    group: str = GROUP
    port: int = PORT
    # None: every enabled IPv4 address of Home Assistant's network settings.
    interfaces: tuple[str | None, ...] | None = None
    seconds: float = SCAN_SECONDS


SCAN_TARGET = ScanTarget()


async def async_scan_network(hass: HomeAssistant) -> list[DiscoveredBox]:
    """Return the boxes that answer the multicast query (none if the scan cannot run)."""
    target = SCAN_TARGET
    interfaces = target.interfaces
    if interfaces is None:
        addresses = await network.async_get_enabled_source_ips(hass)
        # None: the system's default interface, when no IPv4 address is enabled.
        interfaces = tuple(str(ip) for ip in addresses if ip.version == 4) or (None,)
    try:
        return await async_scan(
            group=target.group,
            port=target.port,
            interfaces=interfaces,
            seconds=target.seconds,
        )
    except (OSError, RuntimeError) as err:  # no usable interface, or sockets not allowed
        LOGGER.debug("Ultra Stream network scan failed: %s", err)
        return []


@callback
def async_offer(hass: HomeAssistant, box: DiscoveredBox) -> None:
    """Offer a box found by a scan (known boxes get their new address from the flow)."""
    if box.host is None:
        return
    discovery_flow.async_create_flow(
        hass,
        DOMAIN,
        context={"source": SOURCE_INTEGRATION_DISCOVERY},
        data={
            CONF_DEVICE_TYPE: KEY,
            CONF_SERIAL: box.serial,
            "name": box.name,
            CONF_HOST: box.host,
        },
    )


@callback
def async_start_background_scan(hass: HomeAssistant) -> None:
    """Scan once Home Assistant has started, then every 15 minutes, until it stops."""

    async def _scan(*_: Any) -> None:
        for box in await async_scan_network(hass):
            async_offer(hass, box)

    @callback
    def _start(hass: HomeAssistant) -> None:
        hass.async_create_background_task(_scan(), "proav ultra stream scan")
        async_track_time_interval(
            hass,
            _scan,
            BACKGROUND_SCAN_INTERVAL,
            name="proav ultra stream scan",
            cancel_on_shutdown=True,
        )

    async_at_started(hass, _start)


class UltraStreamFlowMixin(ConfigFlow):
    """The Ultra Stream's own steps in the shared config flow."""

    _boxes: dict[str, DiscoveredBox]
    _ble_password: str

    if TYPE_CHECKING:
        _prefill: dict[str, Any]

        async def _async_step_device(
            self, key: str, user_input: dict[str, Any] | None
        ) -> ConfigFlowResult: ...

        async def _async_step_discovered(
            self, device_type: DeviceType, found: Discovered
        ) -> ConfigFlowResult: ...

    def _ultra_stream(self) -> DeviceType | None:
        """Return the registered Ultra Stream type (None when a test replaced it)."""
        from custom_components.proav.registry import DEVICE_TYPES

        from .device_type import DEVICE_TYPE

        return DEVICE_TYPE if DEVICE_TYPES.get(KEY) is DEVICE_TYPE else None

    async def async_step_magewell_ultra_stream(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set up a Magewell Ultra Stream: search the network, or enter the address.

        A box seen over Bluetooth without an address is not on a network yet: it gets Wi-Fi
        credentials over Bluetooth first.
        """
        if user_input is None and self._ultra_stream() is not None:
            if self.source == SOURCE_BLUETOOTH and CONF_HOST not in self._prefill:
                return await self.async_step_magewell_ultra_stream_ble_auth()
            if not self._prefill:
                return await self.async_step_magewell_ultra_stream_how()
        return await self._async_step_device(KEY, user_input)

    async def async_step_magewell_ultra_stream_how(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask whether to search the network or to enter the address."""
        return self.async_show_menu(step_id=STEP_HOW, menu_options=[STEP_SEARCH, STEP_MANUAL])

    async def async_step_magewell_ultra_stream_manual(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the address form."""
        return await self._async_step_device(KEY, None)

    async def async_step_magewell_ultra_stream_search(
        self, user_input: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        """List the boxes that answer a multicast scan; the chosen one fills the form."""
        device_type = self._ultra_stream()
        assert device_type is not None
        if user_input is not None:
            box = self._boxes[user_input[CONF_SERIAL]]
            found = Discovered(serial=box.serial, name=box.name, host=box.host)
            return await self._async_step_discovered(device_type, found)
        configured = {entry.unique_id for entry in self._async_current_entries()}
        self._boxes = {
            box.serial: box
            for box in await async_scan_network(self.hass)
            if box.host and box.serial not in configured
        }
        if not self._boxes:
            return self.async_show_form(
                step_id=KEY, data_schema=device_type.schema({}), errors={"base": "no_devices_found"}
            )
        options = [
            SelectOptionDict(value=serial, label=f"{box.name} ({serial}, {box.host})")
            for serial, box in self._boxes.items()
        ]
        return self.async_show_form(
            step_id=STEP_SEARCH,
            data_schema=vol.Schema(
                {vol.Required(CONF_SERIAL): SelectSelector(SelectSelectorConfig(options=options))}
            ),
        )

    async def _async_ble[T](self, operation: Callable[[UltraStreamProvisioner], Awaitable[T]]) -> T:
        """Connect to the box seen over Bluetooth, run a provisioning operation, disconnect."""
        info: bluetooth.BluetoothServiceInfoBleak = self.init_data
        device = bluetooth.async_ble_device_from_address(self.hass, info.address, connectable=True)
        if device is None:
            raise CannotConnect("no connectable Bluetooth adapter sees the box")
        provisioner = UltraStreamProvisioner(
            await async_connect(device, info.name), poll_seconds=BLE_POLL_SECONDS
        )
        try:
            return await operation(provisioner)
        finally:
            await provisioner.async_disconnect()

    async def async_step_magewell_ultra_stream_ble_auth(
        self, user_input: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Check the box's device password over Bluetooth."""
        errors: dict[str, str] = {}
        if user_input is not None:
            password = user_input[CONF_PASSWORD]
            errors = await self._async_ble_errors(lambda box: box.async_authenticate(password))
            if not errors:
                self._ble_password = password
                return await self.async_step_magewell_ultra_stream_wifi()
        return self.async_show_form(
            step_id=STEP_BLE_AUTH,
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR}),
            errors=errors,
            description_placeholders={"serial": str(self.unique_id)},
        )

    async def async_step_magewell_ultra_stream_wifi(
        self, user_input: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Give the box Wi-Fi credentials; continue over HTTP at the address it reports."""
        errors: dict[str, str] = {}
        placeholders = {"serial": str(self.unique_id), "reason": ""}
        if user_input is not None:
            joined: list[WifiResult] = []

            async def _join(box: UltraStreamProvisioner) -> None:
                await box.async_authenticate(self._ble_password)
                joined.append(
                    await box.async_configure_wifi(
                        user_input[CONF_SSID],
                        user_input.get(CONF_WIFI_PASSWORD, ""),
                        SECURITY_OPTIONS[user_input[CONF_SECURITY]],
                        join_seconds=BLE_JOIN_SECONDS,
                    )
                )

            try:
                errors = await self._async_ble_errors(_join)
            except WifiJoinFailed as err:
                errors = {"base": "wifi_timeout" if err.code == -12 else "wifi_failed"}
                placeholders["reason"] = str(err)
            if not errors:
                self._prefill = {CONF_HOST: joined[0].ip}
                return await self._async_step_device(KEY, None)
        return self.async_show_form(
            step_id=STEP_WIFI,
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_SSID): str,
                    vol.Optional(CONF_WIFI_PASSWORD): PASSWORD_SELECTOR,
                    vol.Required(CONF_SECURITY, default="wpa2_psk"): SelectSelector(
                        SelectSelectorConfig(
                            options=list(SECURITY_OPTIONS), translation_key=CONF_SECURITY
                        )
                    ),
                }
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_ble_errors(
        self, operation: Callable[[UltraStreamProvisioner], Awaitable[Any]]
    ) -> dict[str, str]:
        """Run a provisioning operation; return the form errors (WifiJoinFailed passes)."""
        try:
            await self._async_ble(operation)
        except InvalidAuth:
            return {"base": "invalid_auth"}
        except WifiJoinFailed:
            raise
        except CannotConnect:
            return {"base": "ble_cannot_connect"}
        except ProAVError:
            LOGGER.debug("Bluetooth provisioning failed", exc_info=True)
            return {"base": "ble_failed"}
        return {}
