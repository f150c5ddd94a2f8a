"""Constants shared by every device type."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "proav"
LOGGER = logging.getLogger(__package__)

CONF_DEVICE_TYPE: Final = "device_type"

# Keys never shown in diagnostics, whatever device type they come from.
TO_REDACT: Final = frozenset(
    {
        "password",
        "username",
        "api_key",
        "apiKey",
        "token",
        "access_token",
        "sid",
        "s",
        "session",
        "sessionID",
        "session_cookie",
        "credential",
        "xsrf",
        "XSRF-TOKEN",
        "key",
        "stream_key",
        "streamKey",
        "session_id",
        "sessionId",
        "serial",
        "serial_number",
        "serialNumber",
        "sn",
        "mac",
        "mac_address",
        "macAddress",
        "code",
        "room_code",
        "roomCode",
        "login_code",
        "loginCode",
        "unique_id",
        "ssid",
        "wifi_password",
    }
)
