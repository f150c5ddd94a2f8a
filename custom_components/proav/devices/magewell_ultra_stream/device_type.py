"""The Magewell Ultra Stream device type: form, connection test, discovery, registration."""

# Relative imports inside the package, parents included.
# ruff: noqa: TID252

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import contextlib
from typing import Any
from urllib.parse import urlparse

from homeassistant.components.bluetooth import BluetoothServiceInfoBleak
from homeassistant.const import CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.service_info.ssdp import (
    ATTR_UPNP_FRIENDLY_NAME,
    ATTR_UPNP_MANUFACTURER,
    ATTR_UPNP_MODEL_NAME,
    ATTR_UPNP_SERIAL,
    SsdpServiceInfo,
)
import voluptuous as vol

from ...const import LOGGER
from ...forms import connection_schema
from ..base import CLOSE_TIMEOUT, DeviceIdentity, DeviceType, Discovered
from ..errors import NotSupported, ProAVError
from .client import DEFAULT_PORT, DEFAULT_USERNAME, UltraStreamClient
from .coordinator import SCAN_INTERVALS
from .flow import UltraStreamFlow, async_start_background_scan
from .models import User, device_name, is_ultra_stream, shared_account
from .runtime import advertisement_of, async_setup, client_for, session
from .services import async_register_services

KEY = "magewell_ultra_stream"
PLATFORMS = frozenset(
    {
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.EVENT,
        Platform.NUMBER,
        Platform.SELECT,
        Platform.SENSOR,
        Platform.SWITCH,
        Platform.TEXT,
        Platform.UPDATE,
    }
)


def _schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form: host, port, user name and password (the usapi speaks plain HTTP)."""
    return connection_schema(defaults, port=DEFAULT_PORT, ssl=None, username=DEFAULT_USERNAME)


async def _async_probe(hass: HomeAssistant, data: Mapping[str, Any]) -> list[DeviceIdentity]:
    """Sign in, check it is an Ultra Stream, read its serial and name; always sign out."""
    http = session(hass, auto_cleanup=False)
    client = client_for(http, data)
    try:
        info = await client.get_info()
        if not is_ultra_stream(info.product_name):
            # An Ultra Encode or a Pro Convert speaks the same usapi with other shapes.
            LOGGER.warning(
                "The device at %s is a %s, not an Ultra Stream", data.get("host"), info.model
            )
            raise NotSupported("not an Ultra Stream")
        settings = await client.get_settings()
        users = await _async_users(client)
    finally:
        with contextlib.suppress(ProAVError, TimeoutError):
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await client.async_close()
        http.detach()
    title = device_name(settings.name, info)
    username = str(data.get(CONF_USERNAME) or DEFAULT_USERNAME)
    if (reason := shared_account(username, users)) is None:
        return [DeviceIdentity(serial=info.serial, title=title)]
    # Advise a dedicated user before the entry is made (the user may go on anyway).
    return [
        DeviceIdentity(
            serial=info.serial,
            title=title,
            confirm_step=f"{KEY}_{reason}",
            placeholders={"username": username},
        )
    ]


async def _async_users(client: UltraStreamClient) -> tuple[User, ...] | None:
    """Read the box's accounts; None when it does not say (optional: never fails setup).

    ``get-users`` needs an administrator: a general user (the advice followed) is refused.
    """
    try:
        return await client.get_users()
    except ProAVError as err:
        LOGGER.debug("The box did not list its users: %s", type(err).__name__)
        return None


def _bluetooth(info: BluetoothServiceInfoBleak) -> Discovered | None:
    """Map an advertisement to a box: its serial, and its address if it is on a network.

    The address (unverified advertisement bytes) only pre-fills a new flow: the shared flow
    never moves a configured entry to an address seen over Bluetooth.
    """
    advertisement = advertisement_of(info)
    if advertisement is None:
        return None
    return Discovered(
        serial=advertisement.serial, name=advertisement.serial, host=advertisement.host
    )


def _ssdp(info: SsdpServiceInfo) -> Discovered | None:
    """Map an SSDP answer to a box (unverified on hardware: the vendor documents no headers).

    The manifest matches ``manufacturer: MAGEWELL``, which every Magewell product sends: a
    model name naming another product is not ours, and the connection test confirms
    ``product-name`` before an entry is made. The serial comes from the description's
    ``serialNumber`` or the USN ``uuid:<serial>::...``.
    """
    if str(info.upnp.get(ATTR_UPNP_MANUFACTURER, "")).upper() != "MAGEWELL":
        return None
    model = str(info.upnp.get(ATTR_UPNP_MODEL_NAME) or "")
    if model and not is_ultra_stream(model):
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
    schema=_schema,
    async_probe=_async_probe,
    async_setup=async_setup,
    scan_intervals=SCAN_INTERVALS,
    bluetooth=_bluetooth,
    ssdp=_ssdp,
    async_start=async_start_background_scan,
    flow=UltraStreamFlow,
    async_register_services=async_register_services,
)
