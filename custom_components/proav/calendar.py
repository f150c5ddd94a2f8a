"""Calendar platform: each device type builds its own Calendar entities."""

from homeassistant.const import Platform

from .entity import platform_setup

PARALLEL_UPDATES = 0

async_setup_entry = platform_setup(Platform.CALENDAR)
