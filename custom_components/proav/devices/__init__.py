"""The device-type registry: device type key -> DeviceType."""

from __future__ import annotations

from .base import DeviceType

_ALL: tuple[DeviceType, ...] = ()

DEVICE_TYPES: dict[str, DeviceType] = {device_type.key: device_type for device_type in _ALL}
