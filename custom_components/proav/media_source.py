"""Media source: the recordings of exacqVision servers (see devices/exacqvision)."""

from __future__ import annotations

from .devices.exacqvision.media_source import async_get_media_source

__all__ = ["async_get_media_source"]
