"""Test helpers that work on every Home Assistant (and bleak) version the integration supports."""

from __future__ import annotations

import inspect
from typing import Any

from bleak.backends.device import BLEDevice
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr


def get_device(hass: HomeAssistant, identifier: tuple[str, str]) -> dr.DeviceEntry | None:
    """Return the device with this identifier, whichever config entry it belongs to.

    Newer Home Assistant scopes identifiers to a config entry and reports (from test code: raises
    on) ``async_get_device``; it looks devices up with ``async_get_devices`` instead.
    """
    registry = dr.async_get(hass)
    if hasattr(registry, "async_get_devices"):
        devices: list[dr.DeviceEntry] = registry.async_get_devices(identifiers={identifier})
        assert len(devices) <= 1, devices
        return devices[0] if devices else None
    return registry.async_get_device(identifiers={identifier})


def ble_device(address: str, name: str | None, details: Any = None) -> BLEDevice:
    """Return a BLEDevice (bleak before 1.0 also wants the RSSI, newer bleak rejects it)."""
    if "rssi" in inspect.signature(BLEDevice).parameters:
        return BLEDevice(address, name, details, -60)  # type: ignore[call-arg,unused-ignore]
    return BLEDevice(address, name, details)


def serialize_form(schema: Any) -> list[dict[str, Any]]:
    """Serialize a form's schema as Home Assistant sends it to the frontend (any version)."""
    from homeassistant.helpers import config_validation as cv

    try:  # newer Home Assistant serializes forms with probatio
        from probatio import (
            to_field_list as convert,  # type: ignore[import-not-found,unused-ignore]
        )
    except ImportError:
        from voluptuous_serialize import convert

    fields: list[dict[str, Any]] = convert(schema, custom_serializer=cv.custom_serializer)
    return fields
