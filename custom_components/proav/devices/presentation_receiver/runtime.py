"""A receiver's runtime (client, coordinators, entities) and its setup."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import time
from typing import Final

from homeassistant.const import CONF_API_KEY, CONF_PASSWORD
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo

from ...const import DOMAIN  # noqa: TID252
from ..base import ProAVConfigEntry, ProAVRuntime  # noqa: TID252
from .client import PresentationReceiverClient
from .coordinator import FIX_RESTART, FirmwareCoordinator, ReceiverCoordinator
from .entities import PLATFORM_ENTITIES
from .models import ApiKey

CONF_RENEW_KEY: Final = "allow_key_renewal"
CONF_KEY_EXPIRES: Final = "key_expires"
# hass.data key: entry id -> when its client last made a key (survives reloads and retries).
RENEWALS: Final = f"{DOMAIN}_receiver_key_renewals"


class ReceiverRuntime(ProAVRuntime):
    """A receiver's client and coordinators (the status tiers and the firmware check)."""

    platform_entities = PLATFORM_ENTITIES

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProAVConfigEntry,
        device_info: DeviceInfo,
        coordinator: ReceiverCoordinator,
        firmware: FirmwareCoordinator,
    ) -> None:
        """Keep everything the entities and actions use."""
        super().__init__(
            hass, entry, device_info, [coordinator, firmware], client=coordinator.client
        )
        self.coordinator = coordinator
        self.firmware = firmware
        self.receiver: PresentationReceiverClient = coordinator.client

    def repair_fix(self, fix: str) -> Callable[[], Awaitable[None]] | None:
        """Offer "Restart now" for the reboot-required issue."""
        return self.coordinator.async_reboot if fix == FIX_RESTART else None

    async def async_shutdown(self) -> None:
        """Withdraw this entry's repair issues (they are raised again by the next setup)."""
        for issue in ("receiver_key_expiring", "receiver_reboot_required"):
            ir.async_delete_issue(self.hass, DOMAIN, f"{self.entry.entry_id}_{issue}")


def key_data(key: ApiKey) -> dict[str, str | int]:
    """Return the entry data that describes an API key."""
    return {CONF_API_KEY: key.token, CONF_KEY_EXPIRES: key.expires}


async def _async_setup(
    hass: HomeAssistant, entry: ProAVConfigEntry, client: PresentationReceiverClient
) -> ReceiverRuntime:
    """Read the device once, build the runtime; the firmware check runs in the background."""
    coordinator = ReceiverCoordinator(hass, entry, client)
    firmware = FirmwareCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    # The check asks the vendor's server (up to 30 s): it must never hold the setup.
    entry.async_create_background_task(
        hass, firmware.async_refresh(), f"{DOMAIN} {entry.title} firmware check"
    )
    return ReceiverRuntime(hass, entry, _device_info(entry, coordinator), coordinator, firmware)


def key_store(hass: HomeAssistant, entry: ProAVConfigEntry) -> Callable[[ApiKey], None]:
    """Return the callback that keeps a renewed key, so the next start uses it."""

    @callback
    def store_key(key: ApiKey) -> None:
        hass.data.setdefault(RENEWALS, {})[entry.entry_id] = time.monotonic()
        hass.config_entries.async_update_entry(entry, data={**entry.data, **key_data(key)})

    return store_key


def last_renewal(hass: HomeAssistant, entry: ProAVConfigEntry) -> float | None:
    """Return when this entry last made a key (monotonic), as long as Home Assistant runs."""
    renewals: dict[str, float] = hass.data.get(RENEWALS, {})
    return renewals.get(entry.entry_id)


def stored_password(hass: HomeAssistant, entry: ProAVConfigEntry) -> str | None:
    """Return the password if renewal is allowed; drop it from the entry if not."""
    password = entry.data.get(CONF_PASSWORD) if entry.data.get(CONF_RENEW_KEY) else None
    if password is None and CONF_PASSWORD in entry.data:
        # Renewal was switched off (reconfigure): the password has no use any more.
        data = {key: value for key, value in entry.data.items() if key != CONF_PASSWORD}
        hass.config_entries.async_update_entry(entry, data=data)
    return password


def _device_info(entry: ProAVConfigEntry, coordinator: ReceiverCoordinator) -> DeviceInfo:
    """Describe the device from what it reports (the vendor is not known)."""
    data = coordinator.data
    device = data.device
    macs = {mac for mac in (device.mac_address, data.mac.ethernet, data.mac.wifi) if mac}
    assert entry.unique_id is not None
    return DeviceInfo(
        identifiers={(DOMAIN, entry.unique_id)},
        connections={(CONNECTION_NETWORK_MAC, mac) for mac in macs},
        name=device.name or device.model or coordinator.client.model or "Presentation receiver",
        model=device.model or coordinator.client.model or None,
        sw_version=device.firmware or None,
        serial_number=device.serial_number or None,
        configuration_url=f"{coordinator.client.base_url}/",
    )
