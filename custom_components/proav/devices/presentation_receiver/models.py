"""Typed models of the presentation receiver REST API v1 (no Home Assistant imports).

Every model is built with ``from_data`` from whatever the device sent: unknown fields are
ignored, missing or mistyped ones fall back to a neutral value, and unknown enum values are kept
as numbers so nothing the device sends can crash a caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import json
import time
from typing import Any, Final

STATUSES: Final = ("offline", "standby", "connected", "sharing", "sleeping", "updating")
# With several tokens in "status", the most telling one names the state.
STATUS_PRIORITY: Final = ("updating", "sharing", "connected", "sleeping", "standby", "offline")

# Output resolutions (3.2 / 3.3); -1 means "not connected" (HDMI) or "undefined" (VGA).
RESOLUTIONS: Final = {
    0: "auto",
    1: "3840x2160",
    2: "1920x1080",
    3: "1280x720",
    4: "1024x768",
    5: "1920x1200",
}
VGA_RESOLUTIONS: Final = (2, 3, 4)
LANGUAGES: Final = {0: "english", 1: "traditional_chinese", 2: "simplified_chinese"}
LOGIN_CODE_TYPES: Final = {0: "random", 1: "no_code", 2: "fixed"}
LOGIN_CODE_RANDOM: Final = 0
LOGIN_CODE_NONE: Final = 1
LOGIN_CODE_FIXED: Final = 2
POWER_MODES: Final = {0: "sleep", 1: "suspend"}
POWER_MODE_SLEEP: Final = 0
SLEEP_TIMEOUTS: Final = {5: "5", 15: "15", 30: "30", 60: "60", -1: "never"}
WALLPAPERS: Final = {
    0: "builtin_1",
    1: "builtin_2",
    2: "custom_1",
    3: "custom_2",
    4: "custom_3",
    5: "custom_4",
}
WALLPAPER_UPLOAD_SLOTS: Final = (2, 3, 4, 5)
WIFI_SECURITY: Final = {0: "none", 1: "wpa2_psk"}
WIFI_BANDS: Final = {0: "2_4ghz", 1: "5ghz"}
WIFI_NETWORKING_MODES: Final = {0: "nat", 1: "bridge"}
WIFI_GATEKEEPER: Final = {0: "allow_all", 1: "internet_only", 2: "block_all"}
WIFI_MODE_AP: Final = "AP"
WIFI_MODE_OFF: Final = "OFF"
WIFI_MODE_STATION: Final = "STA"

# The 89 time zones the device accepts (7.4), cleaned of the PDF's line-break spaces.
TIME_ZONES: Final = (
    "Pacific/Midway", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles",
    "America/Tijuana", "America/Phoenix", "America/Chihuahua", "America/Denver",
    "America/Costa_Rica", "America/Regina", "America/Chicago", "America/Mexico_City",
    "America/Bogota", "America/New_York", "America/Caracas", "America/Barbados",
    "America/Manaus", "America/Santiago", "America/Halifax", "America/Recife",
    "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Montevideo",
    "America/St_Johns", "Atlantic/South_Georgia", "Atlantic/Cape_Verde", "America/Godthab",
    "Atlantic/Azores", "Africa/Casablanca", "Europe/London", "Africa/Brazzaville",
    "Europe/Amsterdam", "Europe/Belgrade", "Europe/Brussels", "Europe/Madrid", "Europe/Sarajevo",
    "Africa/Windhoek", "Africa/Cairo", "Africa/Harare", "Asia/Amman", "Europe/Athens",
    "Europe/Istanbul", "Asia/Beirut", "Europe/Helsinki", "Asia/Jerusalem", "Europe/Minsk",
    "Asia/Baghdad", "Europe/Moscow", "Asia/Kuwait", "Africa/Nairobi", "Asia/Baku", "Asia/Tbilisi",
    "Asia/Yerevan", "Asia/Dubai", "Asia/Tehran", "Asia/Kabul", "Asia/Karachi", "Asia/Oral",
    "Asia/Yekaterinburg", "Asia/Kolkata", "Asia/Colombo", "Asia/Kathmandu", "Asia/Almaty",
    "Asia/Yangon", "Asia/Krasnoyarsk", "Asia/Bangkok", "Asia/Jakarta", "Asia/Shanghai",
    "Asia/Hong_Kong", "Asia/Irkutsk", "Asia/Kuala_Lumpur", "Australia/Perth", "Asia/Taipei",
    "Asia/Seoul", "Asia/Tokyo", "Asia/Yakutsk", "Australia/Adelaide", "Australia/Darwin",
    "Australia/Brisbane", "Australia/Hobart", "Australia/Sydney", "Asia/Vladivostok",
    "Pacific/Guam", "Asia/Magadan", "Pacific/Noumea", "Pacific/Majuro", "Pacific/Auckland",
    "Pacific/Fiji", "Pacific/Tongatapu",
)  # fmt: skip


def as_bool(value: Any) -> bool | None:
    """Read a boolean the device may send as a JSON bool, "true"/"false" or 1/0."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    return None


def as_int(value: Any) -> int | None:
    """Read an integer the device may send as a number or a decimal string."""
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def int_or(value: Any, default: int) -> int:
    """Read an integer, with a fallback for anything else."""
    number = as_int(value)
    return default if number is None else number


def as_str(value: Any) -> str:
    """Read a string; anything else (objects, null) becomes an empty string."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def as_mapping(value: Any) -> dict[str, Any]:
    """Read an object; anything else becomes an empty one."""
    return value if isinstance(value, dict) else {}


def decode_data(value: Any) -> Any:
    """Decode ``data``: the device may send a "JSON-style string" instead of an object."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@dataclass(frozen=True, kw_only=True)
class Envelope:
    """The frame around every answer."""

    error_code: int
    error_message: str
    data: Any
    success: bool
    model: str
    reboot_required: bool

    @classmethod
    def from_data(cls, raw: dict[str, Any]) -> Envelope:
        """Build from the decoded JSON body."""
        code = int_or(raw.get("errorCode"), 1000)
        success = as_bool(raw.get("isSuccess"))
        return cls(
            error_code=code,
            error_message=as_str(raw.get("errorMsg")),
            data=decode_data(raw.get("data")),
            success=code == 0 if success is None else success and code == 0,
            model=as_str(raw.get("model")),
            reboot_required=as_bool(raw.get("rebootRequired")) is True,
        )


@dataclass(frozen=True, kw_only=True)
class ApiKey:
    """An API key created for an account (1.2)."""

    token: str
    expires: int  # Unix time; -1 = never
    scope: str  # "full" or "view_only"

    @classmethod
    def from_data(cls, raw: Any) -> ApiKey:
        """Build from ``data``."""
        data = as_mapping(raw)
        return cls(
            token=as_str(data.get("token")),
            expires=int_or(data.get("expiredTime"), -1),
            scope=as_str(data.get("scope")) or "full",
        )

    def expires_within(self, seconds: float) -> bool:
        """Return whether the key expires within the given time (never, if -1)."""
        return self.expires != -1 and self.expires <= time.time() + seconds


@dataclass(frozen=True, kw_only=True)
class Device:
    """Device facts and status (2.1)."""

    serial_number: str
    model: str
    mac_address: str
    name: str
    firmware: str
    uptime: int | None
    states: tuple[str, ...]

    @classmethod
    def from_data(cls, raw: Any) -> Device:
        """Build from ``data``; status tokens are split, stripped and lower-cased."""
        data = as_mapping(raw)
        tokens = (token.strip().lower() for token in as_str(data.get("status")).split(","))
        return cls(
            serial_number=as_str(data.get("sn")),
            model=as_str(data.get("model")),
            mac_address=as_str(data.get("ethMacAddress")).lower(),
            name=as_str(data.get("name")),
            firmware=as_str(data.get("fwVersion")),
            uptime=as_int(data.get("uptime")),
            states=tuple(token for token in tokens if token),
        )

    @property
    def status(self) -> str | None:
        """Return the most telling known state (updating > sharing > ... > offline)."""
        return next((state for state in STATUS_PRIORITY if state in self.states), None)

    @property
    def sharing(self) -> bool:
        """Return whether somebody is presenting."""
        return "sharing" in self.states

    @property
    def sender_connected(self) -> bool:
        """Return whether a sender is connected (presenting or not)."""
        return "connected" in self.states or self.sharing


@dataclass(frozen=True, kw_only=True)
class Resolution:
    """Output resolutions (3.2)."""

    hdmi: int
    hdmi_cec: bool | None
    vga: int
    vga_enabled: bool

    @classmethod
    def from_data(cls, raw: Any) -> Resolution:
        """Build from ``data``."""
        data = as_mapping(raw)
        hdmi, vga = as_mapping(data.get("hdmi")), as_mapping(data.get("vga"))
        return cls(
            hdmi=int_or(hdmi.get("resolution"), -1),
            hdmi_cec=as_bool(hdmi.get("cec")),
            vga=int_or(vga.get("resolution"), -1),
            vga_enabled=as_bool(vga.get("enable")) is True,
        )

    @property
    def hdmi_connected(self) -> bool:
        """Return whether a display is plugged into HDMI (-1 means not connected)."""
        return self.hdmi != -1


@dataclass(frozen=True, kw_only=True)
class LoginCode:
    """The on-screen login code and how it is chosen (4.5)."""

    type: int | None
    code: str

    @classmethod
    def from_data(cls, raw: Any) -> LoginCode:
        """Build from ``data``."""
        data = as_mapping(raw)
        return cls(type=as_int(data.get("type")), code=as_str(data.get("code")))


@dataclass(frozen=True, kw_only=True)
class Firmware:
    """Installed and (when checked) newer firmware (1.5)."""

    current: str
    new: str | None

    @classmethod
    def from_data(cls, raw: Any) -> Firmware:
        """Build from ``data``."""
        data = as_mapping(raw)
        return cls(current=as_str(data.get("current")), new=as_str(data.get("new")) or None)


@dataclass(frozen=True, kw_only=True)
class Ethernet:
    """Ethernet address settings (5.2) and MAC (5.1)."""

    dhcp: bool | None
    ip: str
    mask: str
    gateway: str
    dns1: str
    dns2: str

    @classmethod
    def from_data(cls, raw: Any) -> Ethernet:
        """Build from ``data``."""
        data = as_mapping(raw)
        setting = as_mapping(data.get("setting"))
        return cls(
            dhcp=as_bool(data.get("enableDHCP")),
            **{key: as_str(setting.get(key)) for key in ("ip", "mask", "gateway", "dns1", "dns2")},
        )


@dataclass(frozen=True, kw_only=True)
class Wifi:
    """Built-in guest access point settings (5.5)."""

    mode: str
    ssid: str
    hidden: bool | None
    security: int | None
    password: str
    band: int | None
    networking_mode: int | None
    gatekeeper: int | None

    @classmethod
    def from_data(cls, raw: Any) -> Wifi:
        """Build from ``data``."""
        data = as_mapping(raw)
        return cls(
            mode=as_str(data.get("mode")).upper(),
            ssid=as_str(data.get("ssid")),
            hidden=as_bool(data.get("hideSSID")),
            security=as_int(data.get("security")),
            password=as_str(data.get("password")),
            band=as_int(data.get("band")),
            networking_mode=as_int(data.get("networking_mode")),
            gatekeeper=as_int(data.get("gatekeeper")),
        )

    @property
    def settable(self) -> bool:
        """Return whether the API can change these settings (not while a station)."""
        return self.mode in (WIFI_MODE_AP, WIFI_MODE_OFF)


@dataclass(frozen=True, kw_only=True)
class PowerMode:
    """Power button behaviour and sleep timeout (6.1)."""

    mode: int | None
    timeout: int | None  # minutes; -1 = never

    @classmethod
    def from_data(cls, raw: Any) -> PowerMode:
        """Build from ``data``."""
        data = as_mapping(raw)
        return cls(mode=as_int(data.get("mode")), timeout=as_int(data.get("timeout")))


@dataclass(frozen=True, kw_only=True)
class Ntp:
    """Network time settings (7.1)."""

    auto: bool | None
    server: str
    port: int | None

    @classmethod
    def from_data(cls, raw: Any) -> Ntp:
        """Build from ``data``."""
        data = as_mapping(raw)
        return cls(
            auto=as_bool(data.get("auto")),
            server=as_str(data.get("ip")),
            port=as_int(data.get("port")),
        )


def parse_time(raw: Any) -> datetime | None:
    """Parse the device's RFC 3339 time (7.5); None if it is not one."""
    text = as_str(raw)
    if text.endswith(("Z", "z")):
        text = f"{text[:-1]}+00:00"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None
