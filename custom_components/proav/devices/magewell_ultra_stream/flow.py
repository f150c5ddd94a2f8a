"""Ultra Stream config flow steps and the network scan.

The shared flow (config_flow.py) composes ``UltraStreamFlow`` (``DeviceType.flow``): picking
"Magewell Ultra Stream" in the menu offers a search of the network (multicast discovery) or the
address form; a box seen over Bluetooth that is not on a network yet can be given Wi-Fi
credentials first. While an Ultra Stream entry exists, a periodic scan offers new boxes as
discovery flows and gives known ones their new address; without one, the network is only
scanned when the user asks.
"""

# Relative imports inside the package, parents included.
# ruff: noqa: TID252

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bleak.exc import BleakError
from homeassistant.components import bluetooth, network
from homeassistant.config_entries import (
    SOURCE_BLUETOOTH,
    SOURCE_INTEGRATION_DISCOVERY,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import discovery_flow
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.selector import SelectOptionDict, SelectSelector, SelectSelectorConfig
from homeassistant.helpers.start import async_at_started
from homeassistant.util.hass_dict import HassKey
import voluptuous as vol

from ...const import CONF_DEVICE_TYPE, DOMAIN, LOGGER
from ...forms import PASSWORD_SELECTOR
from ..base import DeviceFlow, Discovered
from ..errors import CannotConnect, InvalidAuth, ProAVError
from .ble import UltraStreamProvisioner, WifiJoinFailed, WifiResult, WifiSecurity, async_connect
from .discovery import GROUP, PORT, SCAN_SECONDS, DiscoveredBox, async_scan
from .models import DeviceStatus, SharedAccount
from .runtime import advertisement_of

KEY = "magewell_ultra_stream"
STEP_HOW = f"{KEY}_how"
STEP_SEARCH = f"{KEY}_search"
STEP_MANUAL = f"{KEY}_manual"
STEP_BLE_AUTH = f"{KEY}_ble_auth"
STEP_WIFI = f"{KEY}_wifi"
# The advice to give Home Assistant its own user (by why the account looks shared), and its
# two answers: go on with this account, or back to the form for another one.
STEP_DEFAULT_ADMIN = f"{KEY}_{SharedAccount.DEFAULT_ADMIN}"
STEP_ONLY_ADMIN = f"{KEY}_{SharedAccount.ONLY_ADMIN}"
STEP_KEEP_USER = f"{KEY}_keep_user"
STEP_OTHER_USER = f"{KEY}_other_user"
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
CONF_SERIAL = "serial"
# Why the box could not join a network (its result codes), as form errors.
WIFI_ERRORS = {-1: "wifi_wrong_password", -12: "wifi_timeout", -14: "wifi_not_found"}
BACKGROUND_SCAN_INTERVAL = timedelta(minutes=15)


@dataclass(frozen=True, kw_only=True)
class MulticastScanner:
    """Where the multicast search asks: the protocol's group and port, on every interface."""

    group: str = GROUP
    port: int = PORT
    # None: every enabled IPv4 address of Home Assistant's network settings.
    interfaces: tuple[str | None, ...] | None = None
    seconds: float = SCAN_SECONDS

    async def async_scan(self, hass: HomeAssistant) -> list[DiscoveredBox]:
        """Return the Ultra Streams that answer (none if the scan cannot run)."""
        interfaces = self.interfaces
        if interfaces is None:
            addresses = await network.async_get_enabled_source_ips(hass)
            # None: the system's default interface, when no IPv4 address is enabled.
            interfaces = tuple(str(ip) for ip in addresses if ip.version == 4) or (None,)
        try:
            return await async_scan(
                group=self.group, port=self.port, interfaces=interfaces, seconds=self.seconds
            )
        except (OSError, RuntimeError) as err:  # no usable interface, or sockets not allowed
            LOGGER.debug("Ultra Stream network scan failed: %s", type(err).__name__)
            return []


# The scanner in use (Home Assistant's data, so an installation can be given another one).
SCANNER: HassKey[MulticastScanner] = HassKey(f"{DOMAIN}_ultra_stream_scanner")


async def async_scan_network(hass: HomeAssistant) -> list[DiscoveredBox]:
    """Return the boxes that answer the multicast query."""
    return await hass.data.setdefault(SCANNER, MulticastScanner()).async_scan(hass)


def _has_entries(hass: HomeAssistant) -> bool:
    """Return whether an Ultra Stream is set up (the periodic scan runs only then)."""
    return any(
        entry.data.get(CONF_DEVICE_TYPE) == KEY
        for entry in hass.config_entries.async_entries(DOMAIN)
    )


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
    """Scan once Home Assistant has started, then every 15 minutes, until it stops.

    Each scan runs only while an Ultra Stream entry exists.
    """

    async def _scan(*_: Any) -> None:
        if not _has_entries(hass):
            return  # no Ultra Stream here: the network is searched only when the user asks
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


class UltraStreamFlow(DeviceFlow):
    """The Ultra Stream's own steps, composed into the shared config flow (one per flow)."""

    _boxes: dict[str, DiscoveredBox]
    _ble_password: str | None = None  # None: the box has no pairing password
    _ble_write_order: str | None = None  # the byte order the box answered in (None: unknown)

    async def async_begin(self) -> ConfigFlowResult | None:
        """Start with a step of the Ultra Stream's own, where one fits, before the form.

        A box seen over Bluetooth off any network gets Wi-Fi first (when its advertisement
        did not parse, it may be wired: it gets the search instead); a new box without an
        address offers a search of the network.
        """
        host = self.host
        bluetooth_offline = host.source == SOURCE_BLUETOOTH and CONF_HOST not in host.prefill
        status = _status(host.init_data) if bluetooth_offline else None
        if status is not None:
            if DeviceStatus.PASSWD not in status:  # no pairing password: nothing to check
                return await self.async_step_magewell_ultra_stream_wifi()
            return await self.async_step_magewell_ultra_stream_ble_auth()
        if not host.prefill:
            return await self.async_step_magewell_ultra_stream_how()
        return None

    async def async_step_magewell_ultra_stream_how(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask whether to search the network or to enter the address."""
        return self.host.async_show_menu(step_id=STEP_HOW, menu_options=[STEP_SEARCH, STEP_MANUAL])

    async def async_step_magewell_ultra_stream_manual(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the address form."""
        return await self.host.async_device_form(KEY)

    async def async_step_magewell_ultra_stream_search(
        self, user_input: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        """List the boxes that answer a multicast scan; the chosen one fills the form."""
        device_type = self.device_type
        if user_input is not None:
            box = self._boxes[user_input[CONF_SERIAL]]
            found = Discovered(serial=box.serial, name=box.name, host=box.host)
            return await self.host.async_discovered(device_type, found)
        configured = {entry.unique_id for entry in self.hass.config_entries.async_entries(DOMAIN)}
        self._boxes = {
            box.serial: box
            for box in await async_scan_network(self.hass)
            if box.host and box.serial not in configured
        }
        if not self._boxes:
            return self.host.async_show_form(
                step_id=KEY, data_schema=device_type.schema({}), errors={"base": "no_devices_found"}
            )
        options = [
            SelectOptionDict(value=serial, label=f"{box.name} ({serial}, {box.host})")
            for serial, box in self._boxes.items()
        ]
        return self.host.async_show_form(
            step_id=STEP_SEARCH,
            data_schema=vol.Schema(
                {vol.Required(CONF_SERIAL): SelectSelector(SelectSelectorConfig(options=options))}
            ),
        )

    async def async_step_magewell_ultra_stream_default_admin(
        self, user_input: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Advise a dedicated user: the account is the box's default Admin."""
        return self._async_advise_user(STEP_DEFAULT_ADMIN)

    async def async_step_magewell_ultra_stream_only_admin(
        self, user_input: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Advise a dedicated user: the account is the box's only administrator."""
        return self._async_advise_user(STEP_ONLY_ADMIN)

    def _async_advise_user(self, step_id: str) -> ConfigFlowResult:
        """Explain why Home Assistant should have its own user; the user may go on anyway.

        The box allows few sessions, and clients signed in with one account (the web page,
        Companion, Home Assistant) sign each other out.
        """
        confirming = self.host.confirming
        placeholders = dict(confirming[0].placeholders) if confirming is not None else {}
        return self.host.async_show_menu(
            step_id=step_id,
            menu_options=[STEP_KEEP_USER, STEP_OTHER_USER],
            description_placeholders=placeholders,
        )

    async def async_step_magewell_ultra_stream_keep_user(
        self, user_input: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Go on with the account entered: create the entry."""
        return await self.host.async_create_device_entry()

    async def async_step_magewell_ultra_stream_other_user(
        self, user_input: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Back to the form, its address kept, for another user name and password."""
        confirming = self.host.confirming
        entered = confirming[1] if confirming is not None else {}
        return await self.host.async_device_form(
            KEY, {key: entered[key] for key in (CONF_HOST, CONF_PORT) if key in entered}
        )

    async def _async_ble[T](self, operation: Callable[[UltraStreamProvisioner], Awaitable[T]]) -> T:
        """Connect to the box seen over Bluetooth, run a provisioning operation, disconnect.

        The byte order the box answered in is kept for this flow's next connections.
        """
        info: bluetooth.BluetoothServiceInfoBleak = self.host.init_data
        device = bluetooth.async_ble_device_from_address(self.hass, info.address, connectable=True)
        if device is None:
            raise CannotConnect("no connectable Bluetooth adapter sees the box")
        provisioner = UltraStreamProvisioner(
            await async_connect(device, info.name),
            poll_seconds=BLE_POLL_SECONDS,
            write_order=self._ble_write_order,
        )
        try:
            return await operation(provisioner)
        finally:
            self._ble_write_order = provisioner.write_order
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
        return self.host.async_show_form(
            step_id=STEP_BLE_AUTH,
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR}),
            errors=errors,
            description_placeholders={"serial": str(self.host.unique_id)},
        )

    async def async_step_magewell_ultra_stream_wifi(
        self, user_input: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Give the box Wi-Fi credentials; continue over HTTP at the address it reports."""
        errors: dict[str, str] = {}
        placeholders = {"serial": str(self.host.unique_id), "code": ""}
        if user_input is not None:
            joined: list[WifiResult] = []

            async def _join(box: UltraStreamProvisioner) -> None:
                if self._ble_password is not None:
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
                code = err.code if isinstance(err.code, int) else None
                errors = {"base": WIFI_ERRORS.get(code, "wifi_failed") if code else "wifi_failed"}
                placeholders["code"] = str(err.code)  # the box's code, never its text
            if not errors:
                return await self.host.async_device_form(KEY, {CONF_HOST: joined[0].ip})
        return self.host.async_show_form(
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
        except (CannotConnect, BleakError, TimeoutError):  # the link dropped, or no adapter
            return {"base": "ble_cannot_connect"}
        except ProAVError:
            LOGGER.debug("Bluetooth provisioning failed", exc_info=True)
            return {"base": "ble_failed"}
        return {}


def _status(info: Any) -> DeviceStatus | None:
    """Return the status in a Bluetooth advertisement (None: it did not parse)."""
    advertisement = advertisement_of(info) if info is not None else None
    return None if advertisement is None else advertisement.status
