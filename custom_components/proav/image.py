"""Image platform: each device type builds its own Image entities."""

from homeassistant.const import Platform

from .entity import platform_setup

PARALLEL_UPDATES = 0

async_setup_entry = platform_setup(Platform.IMAGE)
