"""Config flow: a menu of device types, one form each, discovery, reauth, reconfigure, options."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from homeassistant.components.bluetooth import BluetoothServiceInfoBleak
from homeassistant.config_entries import (
    SOURCE_BLUETOOTH,
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
)
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
from homeassistant.helpers.translation import async_get_translations
from homeassistant.helpers.typing import DiscoveryInfoType
import voluptuous as vol

from .compat import OptionsFlowWithReload
from .const import CONF_DEVICE_TYPE, DOMAIN, LOGGER
from .devices.base import DeviceFlow, DeviceIdentity, DeviceType, Discovered
from .devices.errors import InvalidAuth, ProAVError
from .registry import DEVICE_TYPES

CONF_SERIAL = "serial"


def _subschema(schema: vol.Schema, keep: Callable[[str], bool]) -> vol.Schema:
    """Return the part of a form whose field keys pass ``keep``."""
    return vol.Schema({key: value for key, value in schema.schema.items() if keep(str(key))})


def valid_serial(serial: str) -> bool:
    """Return whether a serial number can identify a device (not empty, not all zeros)."""
    return bool(serial.strip().strip("0"))


class ProAVConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a Pro AV device.

    A device type with steps of its own (``DeviceType.flow``, e.g. the Ultra Stream's network
    search and Bluetooth provisioning) gets a helper per flow; its steps are forwarded to it.
    """

    VERSION = 1

    def __init__(self) -> None:
        """Start with no device type chosen."""
        self._device_type: DeviceType | None = None
        self.prefill: dict[str, Any] = {}
        self._input: dict[str, Any] = {}
        self._found: list[DeviceIdentity] = []
        self._device_flows: dict[str, DeviceFlow] = {}

    def __getattr__(self, name: str) -> Callable[..., Awaitable[ConfigFlowResult]]:
        """Find a step a device type's own flow defines (``async_step_<its step id>``)."""
        if name.startswith("async_step_") and "_device_flows" in self.__dict__:
            for device_type in DEVICE_TYPES.values():
                if device_type.flow is not None and hasattr(device_type.flow, name):
                    step: Callable[..., Awaitable[ConfigFlowResult]] = getattr(
                        self._device_flow(device_type), name
                    )
                    return step
        raise AttributeError(name)

    def _device_flow(self, device_type: DeviceType) -> DeviceFlow | None:
        """Return this flow's helper for a device type's own steps (None: it has none)."""
        if device_type.flow is None:
            return None
        if device_type.key not in self._device_flows:
            self._device_flows[device_type.key] = device_type.flow(self, device_type)
        return self._device_flows[device_type.key]

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> ProAVOptionsFlow:
        """Return the options flow (scan intervals)."""
        return ProAVOptionsFlow()

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Offer options only for device types that poll with tunable intervals."""
        return bool(DEVICE_TYPES[config_entry.data[CONF_DEVICE_TYPE]].scan_intervals)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which kind of device to add."""
        return self.async_show_menu(step_id="user", menu_options=list(DEVICE_TYPES))

    async def async_step_aten_vp2730(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set up an ATEN VP2730."""
        return await self._async_step_device("aten_vp2730", user_input)

    async def async_step_magewell_ultra_stream(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set up a Magewell Ultra Stream (its own steps may come first: search, Wi-Fi)."""
        return await self._async_step_device("magewell_ultra_stream", user_input)

    async def async_step_presentation_receiver(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set up a wireless presentation receiver."""
        return await self._async_step_device("presentation_receiver", user_input)

    async def async_step_exacqvision(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set up an exacqVision server."""
        return await self._async_step_device("exacqvision", user_input)

    async def async_step_poly_videoos(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set up a Poly VideoOS room system."""
        return await self._async_step_device("poly_videoos", user_input)

    async def _async_step_device(
        self, key: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Start a device type's own steps, if any; else show its form, test, create the entry."""
        device_type = DEVICE_TYPES[key]
        steps = self._device_flow(device_type) if user_input is None else None
        if steps is not None and (result := await steps.async_begin()) is not None:
            return result
        return await self.async_device_form(key, user_input=user_input)

    async def async_device_form(
        self,
        key: str,
        prefill: Mapping[str, Any] | None = None,
        user_input: dict[str, Any] | None = None,
    ) -> ConfigFlowResult:
        """Show a device type's form (``prefill``: values found meanwhile); create the entry."""
        device_type = self._device_type = DEVICE_TYPES[key]
        if prefill is not None:
            self.prefill = dict(prefill)
        errors: dict[str, str] = {}
        if user_input is not None:
            errors, found = await self._async_probe(user_input)
            if not errors:
                if len(found) == 1:
                    return await self._async_finish(found[0], user_input)
                self._input, self._found = user_input, found
                return await self.async_step_pick_device()
        return self.async_show_form(
            step_id=key,
            data_schema=device_type.schema({**self.prefill, **(user_input or {})}),
            errors=errors,
        )

    async def async_step_pick_device(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose one of several devices behind one address (exacqVision servers)."""
        if user_input is not None:
            chosen = next(i for i in self._found if i.serial == user_input[CONF_SERIAL])
            return await self._async_finish(chosen, self._input)
        configured = {entry.unique_id for entry in self._async_current_entries()}
        options = [
            SelectOptionDict(value=identity.serial, label=identity.title)
            for identity in self._found
            if identity.serial not in configured
        ]
        if not options:
            return self.async_abort(reason="already_configured")
        return self.async_show_form(
            step_id="pick_device",
            data_schema=vol.Schema(
                {vol.Required(CONF_SERIAL): SelectSelector(SelectSelectorConfig(options=options))}
            ),
        )

    async def _async_probe(
        self, data: Mapping[str, Any]
    ) -> tuple[dict[str, str], list[DeviceIdentity]]:
        """Test the connection; return form errors or the devices found."""
        assert self._device_type is not None
        try:
            found = await self._device_type.async_probe(self.hass, data)
        except InvalidAuth:
            return {"base": "invalid_auth"}, []
        except ProAVError as err:
            # A device type may name a more helpful form error (e.g. "switch to HTTPS").
            return {"base": getattr(err, "flow_error", "cannot_connect")}, []
        except Exception:  # noqa: BLE001
            LOGGER.exception("Unexpected error while testing the connection")
            return {"base": "unknown"}, []
        found = [identity for identity in found if valid_serial(identity.serial)]
        if not found:
            return {"base": "no_serial"}, []
        return {}, found

    @property
    def confirming(self) -> tuple[DeviceIdentity, Mapping[str, Any]] | None:
        """Return the device a type's confirm step is about, and the form's values."""
        if self._found and self._found[0].confirm_step:
            return self._found[0], self._input
        return None

    async def async_create_device_entry(self) -> ConfigFlowResult:
        """Create the entry a device type's confirm step held back (the user accepted)."""
        assert self.confirming is not None
        identity, user_input = self.confirming
        return await self._async_finish(identity, user_input, confirmed=True)

    async def _async_finish(
        self, identity: DeviceIdentity, user_input: Mapping[str, Any], *, confirmed: bool = False
    ) -> ConfigFlowResult:
        """Create the entry, or update the one being reauthenticated or reconfigured.

        A new entry waits for the device type's confirm step when the connection test asks
        for one (``DeviceIdentity.confirm_step``).
        """
        assert self._device_type is not None
        data = {key: value for key, value in user_input.items() if key not in identity.drop} | dict(
            identity.data
        )
        await self.async_set_unique_id(identity.serial, raise_on_progress=False)
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            self._abort_if_unique_id_mismatch(reason="wrong_device")
            entry = (
                self._get_reauth_entry()
                if self.source == SOURCE_REAUTH
                else self._get_reconfigure_entry()
            )
            return self.async_update_reload_and_abort(entry, data_updates=data)
        self._abort_if_unique_id_configured(
            updates={key: data[key] for key in (CONF_HOST, CONF_PORT) if key in data}
        )
        if identity.confirm_step is not None and not confirmed:
            self._input, self._found = dict(user_input), [identity]
            step: Callable[[], Awaitable[ConfigFlowResult]] = getattr(
                self, f"async_step_{identity.confirm_step}"
            )
            return await step()
        return self.async_create_entry(
            title=await self._async_entry_title(identity.title),
            data={CONF_DEVICE_TYPE: self._device_type.key, **data},
        )

    async def _async_entry_title(self, name: str) -> str:
        """Return an entry's title: the device's name and its kind ("Boardroom (Poly VideoOS)")."""
        assert self._device_type is not None
        key = self._device_type.key
        translations = await async_get_translations(
            self.hass, self.hass.config.language, "common", [DOMAIN]
        )
        kind = translations.get(f"component.{DOMAIN}.common.device_type_{key}") or key
        if kind.casefold() in name.casefold():
            return name
        words, kind_words = name.casefold().split(), kind.casefold().split()
        if words and kind_words[-len(words) :] == words:  # a bare model: "VP2730", "Ultra Stream"
            return kind
        return f"{name} ({kind})"

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start reauthentication: the device rejected the stored credentials."""
        self._device_type = DEVICE_TYPES[entry_data[CONF_DEVICE_TYPE]]
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the credentials again."""
        return await self._async_step_update(
            "reauth_confirm", self._get_reauth_entry(), user_input, credentials=True
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address or connection settings of a device."""
        entry = self._get_reconfigure_entry()
        self._device_type = DEVICE_TYPES[entry.data[CONF_DEVICE_TYPE]]
        return await self._async_step_update("reconfigure", entry, user_input, credentials=False)

    async def _async_step_update(
        self,
        step_id: str,
        entry: ConfigEntry,
        user_input: dict[str, Any] | None,
        *,
        credentials: bool,
    ) -> ConfigFlowResult:
        """Show the credential (reauth) or connection (reconfigure) fields of an entry."""
        assert self._device_type is not None
        credential_keys = self._device_type.credential_keys
        errors: dict[str, str] = {}
        if user_input is not None:
            errors, found = await self._async_probe({**entry.data, **user_input})
            if not errors:
                identity = next((i for i in found if i.serial == entry.unique_id), found[0])
                return await self._async_finish(identity, user_input)
        defaults = {
            key: value
            for key, value in {**entry.data, **(user_input or {})}.items()
            if key not in credential_keys or key == "username"
        }
        return self.async_show_form(
            step_id=step_id,
            data_schema=_subschema(
                self._device_type.schema(defaults),
                lambda key: (key in credential_keys) == credentials,
            ),
            errors=errors,
            description_placeholders={"name": entry.title},
        )

    async def async_step_bluetooth(
        self, discovery_info: BluetoothServiceInfoBleak
    ) -> ConfigFlowResult:
        """Handle a device seen over Bluetooth."""
        for device_type in DEVICE_TYPES.values():
            if device_type.bluetooth and (found := device_type.bluetooth(discovery_info)):
                return await self.async_discovered(device_type, found)
        return self.async_abort(reason="not_supported")

    async def async_step_ssdp(self, discovery_info: SsdpServiceInfo) -> ConfigFlowResult:
        """Handle a device seen over SSDP."""
        for device_type in DEVICE_TYPES.values():
            if device_type.ssdp and (found := device_type.ssdp(discovery_info)):
                return await self.async_discovered(device_type, found)
        return self.async_abort(reason="not_supported")

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """Handle a device seen by Home Assistant's DHCP watcher."""
        for device_type in DEVICE_TYPES.values():
            if device_type.dhcp and (found := device_type.dhcp(self.hass, discovery_info)):
                return await self.async_discovered(device_type, found)
        return self.async_abort(reason="not_supported")

    async def async_step_integration_discovery(
        self, discovery_info: DiscoveryInfoType
    ) -> ConfigFlowResult:
        """Handle a device found by one of our own scans (e.g. a multicast search)."""
        device_type = DEVICE_TYPES[discovery_info[CONF_DEVICE_TYPE]]
        found = Discovered(
            serial=discovery_info["serial"],
            name=discovery_info["name"],
            host=discovery_info.get(CONF_HOST),
            port=discovery_info.get(CONF_PORT),
        )
        return await self.async_discovered(device_type, found)

    async def async_discovered(
        self, device_type: DeviceType, found: Discovered
    ) -> ConfigFlowResult:
        """Offer a discovered device: known ones get their new address, new ones the form.

        An address read from a Bluetooth advertisement is unverified: it pre-fills a new flow
        but never moves a configured entry.
        """
        await self.async_set_unique_id(found.serial)
        address = {CONF_HOST: found.host, CONF_PORT: found.port}
        self.prefill = {key: value for key, value in address.items() if value is not None}
        updates = None if self.source == SOURCE_BLUETOOTH else self.prefill or None
        self._abort_if_unique_id_configured(updates=updates)
        self.context["title_placeholders"] = {"name": found.name}
        # The type's own step: a type with extra steps (Ultra Stream provisioning) takes over.
        step: Callable[[], Awaitable[ConfigFlowResult]] = getattr(
            self, f"async_step_{device_type.key}"
        )
        return await step()


class ProAVOptionsFlow(OptionsFlowWithReload):
    """Tune how often a polling device type reads each resource (changes reload the entry)."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the scan intervals."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        device_type = DEVICE_TYPES[self.config_entry.data[CONF_DEVICE_TYPE]]
        return self.async_show_form(
            step_id="init",
            data_schema=vol.Schema(
                {
                    vol.Required(
                        interval.key,
                        default=self.config_entry.options.get(interval.key, interval.default),
                    ): NumberSelector(
                        NumberSelectorConfig(
                            min=interval.minimum,
                            max=interval.maximum,
                            step=1,
                            unit_of_measurement="s",
                            mode=NumberSelectorMode.BOX,
                        )
                    )
                    for interval in device_type.scan_intervals
                }
            ),
        )
