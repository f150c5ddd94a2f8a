"""Update platform: each device type builds its own Update entities."""

from homeassistant.const import Platform

from .entity import platform_setup

PARALLEL_UPDATES = 1

async_setup_entry = platform_setup(Platform.UPDATE)
