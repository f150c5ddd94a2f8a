"""Media source platform: recordings of the device types that keep them (Ultra Stream)."""

from .devices.magewell_ultra_stream.services import async_get_media_source

__all__ = ["async_get_media_source"]
