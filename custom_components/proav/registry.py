"""The device-type registry: device type key -> DeviceType."""

from __future__ import annotations

from .devices.aten_vp2730.device_type import DEVICE_TYPE as ATEN_VP2730
from .devices.base import DeviceType
from .devices.exacqvision.device_type import DEVICE_TYPE as EXACQVISION
from .devices.magewell_ultra_stream.device_type import DEVICE_TYPE as MAGEWELL_ULTRA_STREAM
from .devices.poly_videoos.device_type import DEVICE_TYPE as POLY_VIDEOOS
from .devices.presentation_receiver.device_type import DEVICE_TYPE as PRESENTATION_RECEIVER

_ALL: tuple[DeviceType, ...] = (
    ATEN_VP2730,
    EXACQVISION,
    MAGEWELL_ULTRA_STREAM,
    POLY_VIDEOOS,
    PRESENTATION_RECEIVER,
)

DEVICE_TYPES: dict[str, DeviceType] = {device_type.key: device_type for device_type in _ALL}
