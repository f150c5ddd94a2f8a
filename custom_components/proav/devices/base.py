"""What a device type declares, and what it builds for one config entry."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import timedelta
from enum import Enum
import logging
from typing import TYPE_CHECKING, Any, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .capabilities import Capabilities
from .captures import RawCaptures
from .errors import ProAVError

if TYPE_CHECKING:
    from homeassistant.components.bluetooth import BluetoothServiceInfoBleak
    from homeassistant.config_entries import ConfigFlowResult
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
    from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
    import voluptuous as vol

    from ..config_flow import ProAVConfigFlow  # noqa: TID252

type ProAVConfigEntry = ConfigEntry[ProAVRuntime]

_LOGGER = logging.getLogger(__package__)

# How long signing out may take when an entry unloads or Home Assistant stops.
CLOSE_TIMEOUT = 5.0


class ProAVClient(Protocol):
    """What the integration needs of every device type's client (besides its own API)."""

    capabilities: Capabilities
    captures: RawCaptures

    async def async_close(self) -> None:
        """Sign out: end the session, token or connection this client holds."""


@dataclass(frozen=True, kw_only=True)
class DeviceIdentity:
    """A device found by a connection test: what the config entry is made of."""

    serial: str
    title: str
    # Entry data to store besides the form's fields (e.g. a created API key, a server id).
    data: Mapping[str, Any] = field(default_factory=dict)
    # Form fields not to store (e.g. a password only used once to create a key).
    drop: frozenset[str] = frozenset()
    # A step of the device type's own flow to show before a NEW entry is made (e.g. advice the
    # user may accept); that step ends with ``ProAVConfigFlow.async_create_device_entry()``.
    confirm_step: str | None = None
    # What the confirm step shows (its description placeholders).
    placeholders: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Discovered:
    """A device seen by a discovery path (Bluetooth, SSDP, multicast)."""

    serial: str
    name: str
    host: str | None = None
    port: int | None = None


@dataclass(frozen=True, kw_only=True)
class ScanInterval:
    """An option the user can tune: how often one resource is polled, in seconds."""

    key: str
    default: int
    minimum: int
    maximum: int = 3600

    def of(self, entry: ConfigEntry) -> timedelta:
        """Return the interval the user chose for an entry (or the default)."""
        return timedelta(seconds=float(entry.options.get(self.key, self.default)))


@dataclass(frozen=True, kw_only=True)
class DeviceType:
    """One kind of device: its form, its connection test, its runtime and its platforms."""

    key: str
    platforms: frozenset[Platform]
    # Build the form (user, reconfigure) with these values as defaults.
    schema: Callable[[Mapping[str, Any]], vol.Schema]
    # Connect with the form's values; return the device(s) found. Raises CannotConnect,
    # InvalidAuth or DeviceError (from .errors).
    async_probe: Callable[[HomeAssistant, Mapping[str, Any]], Awaitable[list[DeviceIdentity]]]
    # Build the runtime for an entry (client, coordinators, first refresh). Must clean up what it
    # started before raising.
    async_setup: Callable[[HomeAssistant, ProAVConfigEntry], Awaitable[ProAVRuntime]]
    # The form fields a reauth flow asks for again.
    credential_keys: tuple[str, ...] = ("username", "password")
    scan_intervals: tuple[ScanInterval, ...] = ()
    # Discovery: map what Home Assistant saw to a device of this type (None: not ours).
    bluetooth: Callable[[BluetoothServiceInfoBleak], Discovered | None] | None = None
    ssdp: Callable[[SsdpServiceInfo], Discovered | None] | None = None
    # DHCP (a hardware address prefix in the manifest): the device's serial is not in the
    # packet, so the hook may look up what Home Assistant already knows (hence ``hass``).
    dhcp: Callable[[HomeAssistant, DhcpServiceInfo], Discovered | None] | None = None
    # Register this type's actions (called once, from the integration's async_setup).
    async_register_services: Callable[[HomeAssistant], None] | None = None
    # Start integration-wide work once, from the integration's async_setup (e.g. a periodic
    # discovery scan that offers new devices); it must stop itself when Home Assistant stops.
    async_start: Callable[[HomeAssistant], None] | None = None
    # Undo what an entry left on the device or in Home Assistant's storage when the user
    # deletes it (loaded or not): e.g. configuration written into the device, a stored session.
    async_remove_entry: Callable[[HomeAssistant, ProAVConfigEntry], Awaitable[None]] | None = None
    # The type's own config flow steps (e.g. a network search, provisioning), composed into the
    # shared flow: it builds one per flow and forwards the steps the class defines.
    flow: type[DeviceFlow] | None = None


class DeviceFlow:
    """A device type's own config flow steps, composed into the shared flow.

    The shared flow builds one instance per flow and forwards every ``async_step_<id>`` the
    subclass defines to it; ``async_begin`` runs when the type's step starts without input
    (from the menu or a discovery) and may show a step of its own instead of the form.
    """

    def __init__(self, host: ProAVConfigFlow, device_type: DeviceType) -> None:
        """Keep the flow that hosts these steps, and the device type."""
        self.host = host
        self.device_type = device_type

    @property
    def hass(self) -> HomeAssistant:
        """Return Home Assistant."""
        return self.host.hass

    async def async_begin(self) -> ConfigFlowResult | None:
        """Show a first step of the type's own (None: go straight to the form)."""
        return None


class ProAVRuntime:
    """What a device type keeps for one config entry (``entry.runtime_data``)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        device_info: DeviceInfo,
        coordinators: list[DataUpdateCoordinator[Any]],
        client: ProAVClient | None = None,
    ) -> None:
        """Keep the device facts, the coordinators and the client."""
        self.hass = hass
        self.entry = entry
        self.device_info = device_info
        self.coordinators = coordinators
        self.client = client
        self.options = dict(entry.options)
        self._stopped = False

    # How each platform's entities are added: a device type's table, looked up here.
    platform_entities: Mapping[Platform, Callable[[Any, AddConfigEntryEntitiesCallback], None]] = {}

    @callback
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add this device's entities of one platform (from ``platform_entities``)."""
        if (add := self.platform_entities.get(platform)) is not None:
            add(self, async_add_entities)

    def repair_fix(self, fix: str) -> Callable[[], Awaitable[None]] | None:
        """Return what applies a repair issue's fix (the issue data's ``fix``), if this offers it.

        A fixable repair issue carries ``{"entry_id": ..., "fix": name}`` (``issues.fix_data``);
        its "Fix" dialog asks the user to confirm, then awaits what this returns.
        """
        return None

    async def async_stop(self) -> None:
        """Stop everything once: on unload, and when Home Assistant stops (whichever is first)."""
        if self._stopped:
            return
        self._stopped = True
        await self.async_shutdown()
        for coordinator in self.coordinators:
            await coordinator.async_shutdown()
        if self.client is not None:
            try:
                async with asyncio.timeout(CLOSE_TIMEOUT):
                    await self.client.async_close()
            except (TimeoutError, ProAVError) as err:
                # The device may be gone; its session then ends by itself.
                _LOGGER.debug("Signing out of %s failed: %s", self.entry.title, type(err).__name__)

    async def async_shutdown(self) -> None:
        """Cancel tasks and close push channels (override when there are any).

        Runs before the polls stop and the client signs out.
        """

    def diagnostics(self) -> dict[str, Any]:
        """Return what the diagnostics download shows (redacted by the caller)."""
        result: dict[str, Any] = {
            coordinator.name: _as_plain(coordinator.data) for coordinator in self.coordinators
        }
        if self.client is not None:
            result["capabilities"] = self.client.capabilities.as_dict()
            result["raw"] = self.client.captures.as_dict()
        return result


def _as_plain(value: Any) -> Any:
    """Turn dataclasses, enums and containers into JSON-friendly values."""
    if is_dataclass(value) and not isinstance(value, type):
        return _as_plain(asdict(value))
    if isinstance(value, Mapping):
        return {str(key): _as_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_as_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
