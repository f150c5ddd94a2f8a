"""The device-type registry: device type key -> DeviceType."""

from __future__ import annotations

from .aten_vp2730.device_type import DEVICE_TYPE as ATEN_VP2730
from .base import DeviceType
from .exacqvision.device_type import DEVICE_TYPE as EXACQVISION
from .magewell_ultra_stream.device_type import DEVICE_TYPE as MAGEWELL_ULTRA_STREAM
from .poly_videoos.device_type import DEVICE_TYPE as POLY_VIDEOOS
from .presentation_receiver.device_type import DEVICE_TYPE as PRESENTATION_RECEIVER

_ALL: tuple[DeviceType, ...] = (
    ATEN_VP2730,
    EXACQVISION,
    MAGEWELL_ULTRA_STREAM,
    POLY_VIDEOOS,
    PRESENTATION_RECEIVER,
)

DEVICE_TYPES: dict[str, DeviceType] = {device_type.key: device_type for device_type in _ALL}
