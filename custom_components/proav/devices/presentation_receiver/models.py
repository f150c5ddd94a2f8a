"""Typed models of the presentation receiver REST API v1 (no Home Assistant imports).

Every model is built with ``from_data`` from whatever the device sent: unknown fields are
ignored, a field the device did not send (or sent mistyped) is None (unknown, never a default
that claims a fact), objects may come nested or flat, numbered settings as numbers or names, and
unknown enum values are kept as numbers, so nothing the device sends can crash a caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
import json
import struct
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
# Wallpaper limits (4.10): PNG or JPEG, at most 3940x2500, width/height between 1.5 and 2.0.
WALLPAPER_MAX: Final = (3940, 2500)
WALLPAPER_RATIO: Final = (1.5, 2.0)
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


_TRUE: Final = frozenset({"true", "1", "on", "yes", "enable", "enabled"})
_FALSE: Final = frozenset({"false", "0", "off", "no", "disable", "disabled"})


def as_bool(value: Any) -> bool | None:
    """Read a boolean sent as a JSON bool, "true"/"false", 1/0, "on"/"off" or "enabled"."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def as_int(value: Any) -> int | None:
    """Read an integer the device may send as a number or a decimal string."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def as_choice(value: Any, labels: Mapping[int, str]) -> int | None:
    """Read a numbered setting sent as its number or as its name ("English", "Fixed", ...)."""
    number = as_int(value)
    if number is not None:
        return number
    wanted = _plain_name(as_str(value))
    return next((key for key, label in labels.items() if _plain_name(label) == wanted), None)


def _plain_name(text: str) -> str:
    """Return a name without case, spaces, dashes or underscores ("No code" == "no_code")."""
    return "".join(char for char in text.lower() if char.isalnum())


def as_str(value: Any) -> str:
    """Read a string; anything else (objects, null) becomes an empty string."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def as_text(value: Any) -> str | None:
    """Read a string; a missing or empty one is unknown (None)."""
    return as_str(value) or None


def as_mapping(value: Any) -> dict[str, Any]:
    """Read an object; anything else becomes an empty one."""
    return value if isinstance(value, dict) else {}


def first(data: Mapping[str, Any], *keys: str) -> Any:
    """Return the first of several spellings of a field that the device sent (else None)."""
    return next((data[key] for key in keys if data.get(key) is not None), None)


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

    error_code: int | None
    error_message: str
    data: Any
    model: str
    reboot_required: bool

    @classmethod
    def from_data(cls, raw: dict[str, Any]) -> Envelope:
        """Build from the decoded JSON body."""
        return cls(
            error_code=as_int(raw.get("errorCode")),
            error_message=as_str(raw.get("errorMsg")),
            data=decode_data(raw.get("data")),
            model=as_str(raw.get("model")),
            reboot_required=as_bool(raw.get("rebootRequired")) is True,
        )

    @property
    def success(self) -> bool:
        """Return whether the call worked: the document says to check ``errorCode`` (0) alone.

        ``isSuccess`` is not consulted; a firmware that sent it false with code 0 still worked.
        """
        return self.error_code == 0


@dataclass(frozen=True, kw_only=True)
class ApiKey:
    """An API key created for an account (1.2)."""

    token: str
    expires: int  # Unix time on the device's clock; -1 = never
    scope: str | None = None  # "full" or "view_only" as the device said (informational)

    @classmethod
    def from_data(cls, raw: Any) -> ApiKey:
        """Build from ``data``."""
        data = as_mapping(raw)
        return cls(
            token=as_str(data.get("token")),
            expires=int_or(data.get("expiredTime"), -1),
            scope=as_text(data.get("scope")),
        )

    def remaining(self, device_now: datetime | None) -> float | None:
        """Return the seconds the key has left on the device's own clock (None: never/unknown)."""
        if self.expires == -1 or device_now is None:
            return None
        return self.expires - device_now.timestamp()


def int_or(value: Any, default: int) -> int:
    """Read an integer, with a fallback for anything else."""
    number = as_int(value)
    return default if number is None else number


@dataclass(frozen=True, kw_only=True)
class Device:
    """Device facts and status (2.1); a field the device did not send is None."""

    serial_number: str
    model: str
    mac_address: str
    name: str
    firmware: str
    uptime: int | None
    states: tuple[str, ...] | None  # None: the device sent no status

    @classmethod
    def from_data(cls, raw: Any) -> Device:
        """Build from ``data``; status tokens are split, stripped and lower-cased."""
        data = as_mapping(raw)
        states: tuple[str, ...] | None = None
        status = first(data, "status", "state")
        if isinstance(status, list):
            status = ",".join(as_str(token) for token in status)
        if status is not None:
            tokens = (token.strip().lower() for token in as_str(status).split(","))
            states = tuple(token for token in tokens if token)
        return cls(
            serial_number=as_str(first(data, "sn", "serialNumber", "serial")),
            model=as_str(data.get("model")),
            mac_address=normalize_mac(first(data, "ethMacAddress", "macAddress", "mac")),
            name=as_str(data.get("name")),
            firmware=as_str(first(data, "fwVersion", "firmware", "version")),
            uptime=as_int(data.get("uptime")),
            states=states,
        )

    @property
    def status(self) -> str | None:
        """Return the most telling known state (updating > sharing > ... > offline)."""
        if self.states is None:
            return None
        return next((state for state in STATUS_PRIORITY if state in self.states), None)

    def has(self, state: str) -> bool | None:
        """Return whether the status names a state (None while the device sends no status)."""
        return None if self.states is None else state in self.states

    @property
    def updating(self) -> bool:
        """Return whether the device is installing firmware."""
        return self.has("updating") is True

    @property
    def sharing(self) -> bool | None:
        """Return whether somebody is presenting."""
        return self.has("sharing")

    @property
    def sender_connected(self) -> bool | None:
        """Return whether a sender is connected (presenting or not)."""
        if self.states is None:
            return None
        return "connected" in self.states or "sharing" in self.states


def normalize_mac(value: Any) -> str:
    """Return a MAC address as lower-case colon-separated pairs ("" if it is not one)."""
    digits = "".join(char for char in as_str(value).lower() if char in "0123456789abcdef")
    if len(digits) != 12:
        return ""
    return ":".join(digits[index : index + 2] for index in range(0, 12, 2))


@dataclass(frozen=True, kw_only=True)
class Resolution:
    """Output resolutions (3.2): nested ``hdmi{resolution,cec}`` or flat fields.

    ``hdmi`` -1 is "not connected or undefined resolution" (the document): the display may be
    running a mode the list lacks, so it says nothing for sure about the plug.
    """

    hdmi: int | None
    hdmi_cec: bool | None
    vga: int | None
    vga_enabled: bool | None

    @classmethod
    def from_data(cls, raw: Any) -> Resolution:
        """Build from ``data`` (nested objects, or flat ``hdmi``/``vga`` numbers)."""
        data = as_mapping(raw)
        hdmi_raw, vga_raw = data.get("hdmi"), data.get("vga")
        hdmi, vga = as_mapping(hdmi_raw), as_mapping(vga_raw)
        return cls(
            hdmi=as_int(
                first(hdmi, "resolution", "value")
                if hdmi
                else first(data, "hdmiResolution", "hdmi", "resolution")
            ),
            hdmi_cec=as_bool(first(hdmi, "cec") if hdmi else first(data, "cec", "hdmiCec")),
            vga=as_int(
                first(vga, "resolution", "value") if vga else first(data, "vgaResolution", "vga")
            ),
            vga_enabled=as_bool(
                first(vga, "enable", "enabled")
                if vga
                else first(data, "enableVGA", "vgaEnable", "vgaEnabled")
            ),
        )

    @property
    def hdmi_connected(self) -> bool | None:
        """Return True while HDMI reports a resolution; None when -1 or unknown (never "off")."""
        if self.hdmi is None or self.hdmi < 0:
            return None
        return True


@dataclass(frozen=True, kw_only=True)
class LoginCode:
    """The on-screen login code and how it is chosen (4.5)."""

    type: int | None
    code: str

    @classmethod
    def from_data(cls, raw: Any) -> LoginCode:
        """Build from ``data``."""
        data = as_mapping(raw)
        return cls(
            type=as_choice(first(data, "type", "mode"), LOGIN_CODE_TYPES),
            code=as_str(first(data, "code", "value")),
        )

    @property
    def shown(self) -> str | None:
        """Return the code for the on-screen code sensor: a rotating random code only.

        A fixed code is a standing secret: it stays out of states (and so out of history); with
        no code there is nothing to show (the device may still send the old one).
        """
        if self.type != LOGIN_CODE_RANDOM or not self.code:
            return None
        return self.code


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
    """Ethernet address settings (5.2): ``enableDHCP`` with ``setting{}`` nested or flat."""

    dhcp: bool | None
    ip: str | None
    mask: str | None
    gateway: str | None
    dns1: str | None
    dns2: str | None

    @classmethod
    def from_data(cls, raw: Any) -> Ethernet:
        """Build from ``data``."""
        data = as_mapping(raw)
        setting = as_mapping(data.get("setting")) or data
        return cls(
            dhcp=as_bool(first(data, "enableDHCP", "dhcp")),
            **{key: as_text(setting.get(key)) for key in ("ip", "mask", "gateway", "dns1", "dns2")},
        )


@dataclass(frozen=True, kw_only=True)
class Wifi:
    """Built-in guest access point settings (5.5)."""

    mode: str | None
    ssid: str | None
    hidden: bool | None
    security: int | None
    password: str | None
    band: int | None
    networking_mode: int | None
    gatekeeper: int | None

    @classmethod
    def from_data(cls, raw: Any) -> Wifi:
        """Build from ``data``."""
        data = as_mapping(raw)
        return cls(
            mode=as_str(data.get("mode")).upper() or None,
            ssid=as_text(data.get("ssid")),
            hidden=as_bool(data.get("hideSSID")),
            security=as_choice(data.get("security"), WIFI_SECURITY),
            password=as_text(data.get("password")),
            band=as_choice(data.get("band"), WIFI_BANDS),
            networking_mode=as_choice(data.get("networking_mode"), WIFI_NETWORKING_MODES),
            gatekeeper=as_choice(data.get("gatekeeper"), WIFI_GATEKEEPER),
        )

    @property
    def settable(self) -> bool:
        """Return whether the API can change these settings (not while a station)."""
        return self.mode in (WIFI_MODE_AP, WIFI_MODE_OFF)

    @property
    def join_text(self) -> str | None:
        """Return the text of a Wi-Fi join QR code (None: the name or password is unknown)."""
        if not self.ssid:
            return None
        secured = self.security != 0
        if secured and not self.password:
            return None
        return wifi_qr_text(self.ssid, self.password if secured else None, self.hidden is True)


def wifi_qr_text(ssid: str, password: str | None, hidden: bool = False) -> str:
    r"""Return the text a Wi-Fi join QR code encodes (WPA with a password, else an open network).

    The de-facto standard format (``WIFI:T:WPA;S:<ssid>;P:<password>;;``) reserves
    ``\ ; , : "``: they are escaped with a backslash.
    """
    fields = [f"T:{'WPA' if password else 'nopass'}", f"S:{_qr_escape(ssid)}"]
    if password:
        fields.append(f"P:{_qr_escape(password)}")
    if hidden:
        fields.append("H:true")
    return "WIFI:" + "".join(f"{field};" for field in fields) + ";"


def _qr_escape(text: str) -> str:
    """Escape the characters the Wi-Fi QR format reserves."""
    return "".join(f"\\{char}" if char in '\\;,:"' else char for char in text)


@dataclass(frozen=True, kw_only=True)
class PowerMode:
    """Power button behaviour and sleep timeout (6.1)."""

    mode: int | None
    timeout: int | None  # minutes; -1 = never

    @classmethod
    def from_data(cls, raw: Any) -> PowerMode:
        """Build from ``data``."""
        data = as_mapping(raw)
        return cls(
            mode=as_choice(data.get("mode"), POWER_MODES),
            timeout=as_int(data.get("timeout")),
        )


@dataclass(frozen=True, kw_only=True)
class Ntp:
    """Network time settings (7.1)."""

    auto: bool | None
    server: str | None
    port: int | None

    @classmethod
    def from_data(cls, raw: Any) -> Ntp:
        """Build from ``data``."""
        data = as_mapping(raw)
        return cls(
            auto=as_bool(data.get("auto")),
            server=as_text(first(data, "ip", "server")),
            port=as_int(data.get("port")),
        )


# Formats the device's clock may come in besides RFC 3339 (the document's GET format is
# garbled, its PUT format has no offset).
_TIME_FORMATS: Final = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y:%m:%d %H:%M:%S")


def parse_time(raw: Any, zone: str | None = None) -> datetime | None:
    """Parse the device's time (7.5); one without an offset is read in the device's own zone.

    None if it is not a time, or if it has no offset and the zone is unknown.
    """
    text = as_str(raw)
    if text.endswith(("Z", "z")):
        text = f"{text[:-1]}+00:00"
    value: datetime | None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
        for layout in _TIME_FORMATS:
            try:
                value = datetime.strptime(text.replace("::", ":").replace("T", " "), layout)
                break
            except ValueError:
                continue
    if value is None or value.tzinfo is not None:
        return value
    try:
        return value.replace(tzinfo=ZoneInfo(zone)) if zone else None
    except (ValueError, ZoneInfoNotFoundError):
        return None


def image_info(content: bytes) -> tuple[str, int, int] | None:
    """Return (content type, width, height) of a PNG or JPEG, by its bytes; None otherwise."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return "image/png", int(width), int(height)
    if not content.startswith(b"\xff\xd8"):
        return None
    index = 2
    while index + 9 < len(content):
        if content[index] != 0xFF:
            return None
        marker = content[index + 1]
        length = int.from_bytes(content[index + 2 : index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[index + 5 : index + 9])
            return "image/jpeg", int(width), int(height)
        index += 2 + length
    return None


def wallpaper_problem(width: int, height: int) -> str | None:
    """Return why the device would refuse an image as wallpaper ("too_big", "ratio"), or None."""
    if width > WALLPAPER_MAX[0] or height > WALLPAPER_MAX[1]:
        return "too_big"
    if not WALLPAPER_RATIO[0] <= width / max(height, 1) <= WALLPAPER_RATIO[1]:
        return "ratio"
    return None
