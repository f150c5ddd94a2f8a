"""Typed models of the Ultra Stream usapi answers (tolerant of unknown fields and values)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, IntFlag, StrEnum
from typing import Any

type Json = Mapping[str, Any]


class Result(IntEnum):
    """The ``result`` codes the device answers with (the ones this client acts on)."""

    SUCCEED = 0
    REPEAT = 1
    RUNNING = 2
    LOW_SPEED = 3
    LOW_SPACE = 4
    CANCEL = 5
    LIVING_CONNECTED = 22
    LIVING_CONNECTING = 23
    LIVING_WAITING = 24
    LIVING_AUTHING = 25
    INIT = 27
    LIVING_DNS = 28
    LIVING_NOT_SET = 29
    LIVING_AUTH_ERR = 30
    SEND_WAITING = 31
    LOGIN_FAILED = 36
    ERR_PASSWD = -1
    ERR_OCCUPIED = -2
    ERR_DISK = -5
    ERR_BUSY = -9
    ERR_PARAM = -10
    ERR_NOT_FOUND = -14
    ERR_NO_SPACE = -16
    ERR_NEED_AUTH = -17
    ERR_SYSTEM = -18
    ERR_NO_USER = -25
    ERR_NO_PERMISSION = -26
    ERR_SAME_NAME = -27
    ERR_STRING = -28
    ERR_CHANNELS_LIMITED = -29
    ERR_8M_LIMITED = -30
    ERR_FACEBOOK_LIMITED = -31
    ERR_CODEC_LIMITED = -32
    ERR_4G_LIMITED = -33
    ERR_NO_SIGNAL = -35
    ERR_SD_NO_SPACE = -39
    ERR_RTSP_LIMITED = -41
    ERR_RTSP_8M_LIMITED = -42
    ERR_LOCK_LIVING = -43
    ERR_REC_PARAM = -52
    ERR_LIVE_PARAM = -53


# What the device means by its error codes, for error messages users read.
RESULT_TEXT: dict[int, str] = {
    -1: "wrong password",
    -2: "the device is being used by someone else",
    -5: "storage error",
    -9: "the device is busy",
    -10: "invalid parameter",
    -14: "not found",
    -16: "no free space on the storage device",
    -18: "system error",
    -26: "permission denied",
    -27: "the name already exists",
    -28: "invalid characters",
    -29: "at most 2 live servers at a time",
    -30: "above 4 Mbps only one live server is allowed",
    -31: "Facebook cannot be streamed together with other services",
    -32: "live streaming is not allowed with HEVC",
    -33: "a recording file would exceed 4 GB",
    -35: "no input signal",
    -39: "no free space on the SD card",
    -41: "RTSP cannot be streamed together with other services",
    -42: "RTSP needs a bitrate of at most 4 Mbps",
    -43: "live streaming is locked",
    -52: "recording parameters are invalid (is a recording target enabled?)",
    -53: "live streaming parameters are invalid",
    29: "no live server is enabled",
}

LOGIN_REJECTED = frozenset({Result.LOGIN_FAILED, Result.ERR_PASSWD, Result.ERR_NO_USER})
# What a call other than login answers when its session is gone: -17, and -1 on real boxes.
SESSION_EXPIRED = frozenset({Result.ERR_NEED_AUTH, Result.ERR_PASSWD})
# Refusals because of the box's state, mode or limits now (not a fault, not a credential).
FORBIDDEN_NOW = frozenset(
    {
        Result.ERR_NO_PERMISSION,
        Result.ERR_CHANNELS_LIMITED,
        Result.ERR_8M_LIMITED,
        Result.ERR_FACEBOOK_LIMITED,
        Result.ERR_CODEC_LIMITED,
        Result.ERR_4G_LIMITED,
        Result.ERR_NO_SIGNAL,
        Result.ERR_RTSP_LIMITED,
        Result.ERR_RTSP_8M_LIMITED,
        Result.ERR_LOCK_LIVING,
        Result.ERR_REC_PARAM,
        Result.ERR_LIVE_PARAM,
        Result.LIVING_NOT_SET,
    }
)
# The box is busy, or held by someone else (the mobile app): try again later.
BUSY = frozenset({Result.ERR_OCCUPIED, Result.ERR_BUSY})
# Codes a command answers with when it was accepted (done, already so, or under way).
ACCEPTED = frozenset({Result.SUCCEED, Result.REPEAT, Result.RUNNING})


def is_ultra_stream(product_name: str) -> bool:
    """Return whether a product name is an Ultra Stream's (not an Ultra Encode, Pro Convert...).

    An empty name (a firmware that leaves it out) is given the benefit of the doubt.
    """
    return not product_name.strip() or "ultra stream" in product_name.lower()


def result_text(code: int) -> str:
    """Return a readable name for a result code, known or not."""
    if code in RESULT_TEXT:
        return RESULT_TEXT[code]
    try:
        return Result(code).name.lower()
    except ValueError:
        return f"error {code}"


class DeviceStatus(IntFlag):
    """The device status mask (``cur-status``: ping, get-status, multicast, Bluetooth)."""

    FIRST = 0x01
    RECORD = 0x02
    LIVING = 0x04
    DISK_READY = 0x10
    RTMP_READY = 0x20
    SOFT_AP = 0x40
    DISK_TEST = 0x1000
    UPGRADE = 0x4000
    NET_TEST = 0x8000
    PASSWD = 0x10000
    OCCUPIED = 0x20000
    FORMAT_DISK = 0x100000
    FORMAT_SD = 0x200000
    SEARCH_WIFI = 0x400000
    CONNECT_WIFI = 0x800000
    CHECK_UPGRADE = 0x2000000
    RESET = 0x4000000
    REBOOT = 0x20000000
    SEND_TEST = 0x40000000

    @property
    def flag_names(self) -> list[str]:
        """Return the names of the flags that are set (unknown bits left out)."""
        return [flag.name.lower() for flag in DeviceStatus if flag in self and flag.name]


# Flags of operations that end by themselves: poll fast while one is set.
TRANSITIONAL = (
    DeviceStatus.DISK_TEST
    | DeviceStatus.UPGRADE
    | DeviceStatus.NET_TEST
    | DeviceStatus.FORMAT_DISK
    | DeviceStatus.FORMAT_SD
    | DeviceStatus.SEARCH_WIFI
    | DeviceStatus.CONNECT_WIFI
    | DeviceStatus.CHECK_UPGRADE
    | DeviceStatus.RESET
    | DeviceStatus.REBOOT
    | DeviceStatus.SEND_TEST
)


def decode_status(mask: int) -> DeviceStatus:
    """Decode a status mask; unknown bits are kept but have no name."""
    return DeviceStatus(mask & 0xFFFFFFFF)


class DiskStatus(StrEnum):
    """A storage device's state (``disk-status``, an enum despite the doc's masks)."""

    NOT_DETECTED = "not_detected"
    VALID = "valid"
    FULL = "full"
    READ_ONLY = "read_only"
    LOW_SPACE = "low_space"
    INVALID = "invalid"
    UNKNOWN = "unknown"


_DISK_STATUS = {
    0: DiskStatus.NOT_DETECTED,
    1: DiskStatus.VALID,
    3: DiskStatus.FULL,
    4: DiskStatus.READ_ONLY,
    5: DiskStatus.LOW_SPACE,
    6: DiskStatus.INVALID,
}


class LiveState(StrEnum):
    """The connection state of one live server slot."""

    IDLE = "idle"
    STOPPED = "stopped"
    RESOLVING = "resolving"
    CONNECTING = "connecting"
    WAITING = "waiting"
    AUTHENTICATING = "authenticating"
    CONNECTED = "connected"
    NOT_SET = "not_set"
    AUTH_ERROR = "auth_error"
    ERROR = "error"


_LIVE_STATE = {
    0: LiveState.STOPPED,
    2: LiveState.CONNECTING,
    22: LiveState.CONNECTED,
    23: LiveState.CONNECTING,
    24: LiveState.WAITING,
    25: LiveState.AUTHENTICATING,
    27: LiveState.IDLE,
    28: LiveState.RESOLVING,
    29: LiveState.NOT_SET,
    30: LiveState.AUTH_ERROR,
}
LIVE_TRANSITIONAL = frozenset(
    {LiveState.CONNECTING, LiveState.WAITING, LiveState.AUTHENTICATING, LiveState.RESOLVING}
)


def live_state(code: int) -> LiveState:
    """Map a live status code to a state (negative or unknown codes are errors)."""
    return _LIVE_STATE.get(code, LiveState.ERROR)


def _int(data: Json, key: str, default: int = 0) -> int:
    """Read an integer field; anything else gives the default."""
    value = data.get(key, default)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return default
    return default


def _opt_int(data: Json, key: str) -> int | None:
    """Read an integer field; None when the device did not send one."""
    value = data.get(key)
    if value is None or isinstance(value, (Mapping, list)):
        return None
    if isinstance(value, str) and not value.strip().lstrip("-").replace(".", "", 1).isdigit():
        return None
    return _int(data, key)


def _float(data: Json, key: str) -> float:
    """Read a number field (0.0 when missing or not a number)."""
    value = data.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return 0.0


def _str(data: Json, key: str) -> str:
    """Read a text field ("" when missing)."""
    value = data.get(key)
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _obj(data: Json, key: str) -> Json:
    """Read a nested object ({} when missing or not an object)."""
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def _objs(data: Json, key: str) -> list[Json]:
    """Read a list of objects (other entries are skipped)."""
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


@dataclass(frozen=True, kw_only=True)
class Option:
    """One ``{name, value}`` choice the device offers (bitrates, split times...)."""

    name: str
    value: int

    @classmethod
    def list_from(cls, data: Json, key: str) -> tuple[Option, ...]:
        """Parse a list of choices."""
        return tuple(
            cls(name=_str(item, "name").strip(), value=_int(item, "value"))
            for item in _objs(data, key)
        )


@dataclass(frozen=True, kw_only=True)
class GainRange:
    """The gains a channel allows, in dB (``audio-range``)."""

    minimum: float
    maximum: float


# Audio channels: our key -> (get-info audio-range key, volume switch field, volume gain field).
AUDIO_CHANNELS: dict[str, tuple[str, str, str]] = {
    "input": ("hdmi", "is-spi", "spi-gain"),
    "microphone": ("mic", "is-mic", "mic-gain"),
    "headphone": ("phone", "is-phone", "phone-gain"),
}


@dataclass(frozen=True, kw_only=True)
class Volume:
    """Audio mutes and gains (``volume`` of get-settings); every field is sent back on change."""

    raw: Json

    def enabled(self, channel: str) -> bool | None:
        """Return whether a channel is on (False: muted; None: not reported)."""
        value = _opt_int(self.raw, AUDIO_CHANNELS[channel][1])
        return None if value is None else bool(value)

    def gain(self, channel: str) -> float | None:
        """Return a channel's gain in dB."""
        key = AUDIO_CHANNELS[channel][2]
        return _float(self.raw, key) if key in self.raw else None

    def with_channel(
        self, channel: str, *, enabled: bool | None = None, gain: float | None = None
    ) -> dict[str, Any]:
        """Return set-volume's parameters with one channel changed (the others as read)."""
        _, switch, level = AUDIO_CHANNELS[channel]
        params: dict[str, Any] = {
            key: self.raw[key]
            for _, on, db in AUDIO_CHANNELS.values()
            for key in (on, db)
            if key in self.raw
        }
        if enabled is not None:
            params[switch] = int(enabled)
        if gain is not None:
            params[level] = round(gain, 2)
        return params


def device_name(box_name: str | None, info: Info) -> str:
    """Return the name a person would say: the box's own name, else the product.

    A box comes named "Ultra Stream <serial>"; a name with the serial in it is no name of its
    own, so the product ("Ultra Stream") names it instead.
    """
    name = (box_name or "").strip()
    if name and not (info.serial and info.serial in name):
        return name
    return info.product_name or "Ultra Stream"


@dataclass(frozen=True, kw_only=True)
class Info:
    """Static facts (get-info): identity, firmware and the allowed values of settings."""

    serial: str
    model: str
    product_name: str
    manufacturer: str
    firmware: str
    hardware: str
    eth_mac: str
    wifi_mac: str
    bluetooth_mac: str = ""
    video_kbps: tuple[Option, ...] = ()
    audio_kbps: tuple[Option, ...] = ()
    time_unit: tuple[Option, ...] = ()
    sd_option: tuple[Option, ...] = ()
    usb_option: tuple[Option, ...] = ()
    audio_range: Mapping[str, GainRange] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Json) -> Info:
        """Parse a get-info answer."""
        product, macs = _obj(data, "product"), _obj(data, "mac-addr")
        codec, rec = _obj(data, "codec-cap"), _obj(data, "rec-control")
        return cls(
            serial=_str(product, "sn").strip(),
            model=_str(product, "module-name") or _str(product, "product-name") or "Ultra Stream",
            product_name=_str(product, "product-name"),
            manufacturer=_str(product, "manu-name") or "Magewell",
            firmware=_str(product, "firmware-ver-s"),
            hardware=_str(product, "hardware-ver"),
            eth_mac=_str(macs, "eth"),
            wifi_mac=_str(macs, "wifi"),
            bluetooth_mac=_str(macs, "blue"),
            video_kbps=Option.list_from(codec, "video-kbps"),
            audio_kbps=Option.list_from(codec, "audio-kbps"),
            time_unit=Option.list_from(rec, "time-unit"),
            sd_option=Option.list_from(rec, "sd-option"),
            usb_option=Option.list_from(rec, "usb-option"),
            audio_range={
                channel: GainRange(minimum=_float(limits, "min"), maximum=_float(limits, "max"))
                for channel, (key, _, _) in AUDIO_CHANNELS.items()
                if (limits := _obj(_obj(data, "audio-range"), key))
                and "min" in limits
                and "max" in limits
            },
        )


@dataclass(frozen=True, kw_only=True)
class RecStatus:
    """The recording sub-status (None: the box did not say)."""

    result: int | None = None
    run_ms: int | None = None
    cur_bps: int | None = None  # bytes per second
    avg_bps: int | None = None

    @classmethod
    def from_json(cls, data: Json) -> RecStatus:
        """Parse ``rec-status``."""
        return cls(
            result=_opt_int(data, "result"),
            run_ms=_opt_int(data, "run-ms"),
            cur_bps=_opt_int(data, "cur-bps"),
            avg_bps=_opt_int(data, "avg-bps"),
        )


@dataclass(frozen=True, kw_only=True)
class LiveStatus:
    """The live streaming sub-status: slot 1 and slot 2 (two enabled servers at most).

    Rates are bytes per second; both slots carry the same encode.
    """

    result: int | None = None
    result2: int | None = None
    run_ms: int | None = None
    cur_bps: int | None = None
    avg_bps: int | None = None
    cur_bps2: int | None = None

    @classmethod
    def from_json(cls, data: Json) -> LiveStatus:
        """Parse ``live-status``."""
        return cls(
            result=_opt_int(data, "result"),
            result2=_opt_int(data, "result2"),
            run_ms=_opt_int(data, "run-ms"),
            cur_bps=_opt_int(data, "cur-bps"),
            avg_bps=_opt_int(data, "avg-bps"),
            cur_bps2=_opt_int(data, "cur-bps2"),
        )

    def slot(self, index: int) -> LiveState | None:
        """Return the state of server slot 0 or 1 (None: not reported)."""
        code = self.result if index == 0 else self.result2
        return None if code is None else live_state(code)


@dataclass(frozen=True, kw_only=True)
class InputSignal:
    """The input's video and audio signal (None: the box did not say)."""

    width: int | None = None
    height: int | None = None
    interlaced: bool = False
    frame_rate: float | None = None
    audio_channels: int | None = None
    sample_rate: int | None = None

    @property
    def present(self) -> bool | None:
        """Return whether a video signal is locked (the ``status`` field is undocumented)."""
        if self.width is None or self.height is None:
            return None
        return self.width > 0 and self.height > 0

    @property
    def audio_present(self) -> bool | None:
        """Return whether the input carries audio."""
        if self.audio_channels is None or self.sample_rate is None:
            return None
        return self.audio_channels > 0 and self.sample_rate > 0

    @property
    def resolution(self) -> str | None:
        """Return e.g. "1920x1080p" (None without a signal)."""
        if not self.present:
            return None
        return f"{self.width}x{self.height}{'i' if self.interlaced else 'p'}"

    @classmethod
    def from_json(cls, data: Json) -> InputSignal:
        """Parse ``input-signal``."""
        rate = _float(data, "frame-rate") if "frame-rate" in data else None
        return cls(
            width=_opt_int(data, "cx"),
            height=_opt_int(data, "cy"),
            interlaced=bool(_int(data, "interlaced")),
            frame_rate=None if rate is None else round(rate, 2),
            audio_channels=_opt_int(data, "channel-valid"),
            sample_rate=_opt_int(data, "sample-rate"),
        )


@dataclass(frozen=True, kw_only=True)
class Storage:
    """A USB drive or SD card (None: the box did not say)."""

    status: DiskStatus | None = None
    total: int | None = None
    free: int | None = None
    usage: int | None = None
    free_seconds: int | None = None  # recording time left at the current bitrate
    file_count: int | None = None

    @property
    def present(self) -> bool | None:
        """Return whether a storage device is inserted."""
        if self.status is None:
            return None
        return self.status is not DiskStatus.NOT_DETECTED

    @classmethod
    def from_json(cls, data: Json) -> Storage:
        """Parse ``usb`` or ``sd``."""
        code = _opt_int(data, "disk-status")
        return cls(
            status=None if code is None else _DISK_STATUS.get(code, DiskStatus.UNKNOWN),
            total=_opt_int(data, "total-size"),
            free=_opt_int(data, "free-size"),
            usage=_opt_int(data, "usage"),
            free_seconds=_opt_int(data, "free-sec"),
            file_count=_opt_int(data, "file-count"),
        )


@dataclass(frozen=True, kw_only=True)
class LiveTest:
    """The stream test's sub-status (``living-test``): upload rate in bytes per second."""

    result: int | None = None
    upload_bps: int | None = None
    percent: int | None = None

    @classmethod
    def from_json(cls, data: Json) -> LiveTest:
        """Parse ``living-test``."""
        return cls(
            result=_opt_int(data, "result"),
            upload_bps=_opt_int(data, "upload-bps"),
            percent=_opt_int(data, "percent"),
        )


# The fields of a stream server that start-test-server takes (the server's own settings).
STREAM_TEST_FIELDS = ("type", "url", "key", "is-auth", "user", "passwd", "token", "net-mode")


@dataclass(frozen=True, kw_only=True)
class Progress:
    """A long-running operation's sub-status (format, firmware update, tests)."""

    result: int = Result.INIT
    percent: int = 0

    @classmethod
    def from_json(cls, data: Json) -> Progress:
        """Parse a progress object."""
        return cls(result=_int(data, "result", Result.INIT), percent=_int(data, "percent"))


@dataclass(frozen=True, kw_only=True)
class Upgrade:
    """The newest firmware the last online check found."""

    version: str = ""
    notes: str = ""

    @classmethod
    def from_json(cls, data: Json) -> Upgrade:
        """Parse ``upgrade``."""
        notes = "\n\n".join(_str(item, "changelog") for item in _objs(data, "info"))
        return cls(version=_str(data, "ver"), notes=notes)


@dataclass(frozen=True, kw_only=True)
class Status:
    """The device's working state (get-status)."""

    cur_status: DeviceStatus
    name: str = ""
    rec: RecStatus = field(default_factory=RecStatus)
    live: LiveStatus = field(default_factory=LiveStatus)
    signal: InputSignal = field(default_factory=InputSignal)
    usb: Storage = field(default_factory=Storage)
    sd: Storage = field(default_factory=Storage)
    upgrade_status: Progress = field(default_factory=Progress)
    format_status: Progress = field(default_factory=Progress)
    upgrade: Upgrade = field(default_factory=Upgrade)
    live_test: LiveTest = field(default_factory=LiveTest)
    eth_ip: str = ""
    wifi_ip: str = ""
    cpu_usage: int | None = None
    uptime: int | None = None

    @property
    def recording(self) -> bool:
        """Return whether a recording runs."""
        return DeviceStatus.RECORD in self.cur_status

    @property
    def streaming(self) -> bool:
        """Return whether live streaming runs."""
        return DeviceStatus.LIVING in self.cur_status

    @property
    def transitional(self) -> bool:
        """Return whether something is under way that ends by itself (poll fast)."""
        live_changing = self.streaming and bool(
            {self.live.slot(0), self.live.slot(1)} & LIVE_TRANSITIONAL
        )
        return bool(self.cur_status & TRANSITIONAL) or live_changing

    @classmethod
    def from_json(cls, data: Json) -> Status:
        """Parse a get-status answer."""
        return cls(
            cur_status=decode_status(_int(data, "cur-status")),
            name=_str(data, "box-name"),
            rec=RecStatus.from_json(_obj(data, "rec-status")),
            live=LiveStatus.from_json(_obj(data, "live-status")),
            signal=InputSignal.from_json(_obj(data, "input-signal")),
            usb=Storage.from_json(_obj(data, "usb")),
            sd=Storage.from_json(_obj(data, "sd")),
            upgrade_status=Progress.from_json(_obj(data, "upgrade-status")),
            format_status=Progress.from_json(_obj(data, "format-status")),
            upgrade=Upgrade.from_json(_obj(data, "upgrade")),
            live_test=LiveTest.from_json(_obj(data, "living-test")),
            eth_ip=_str(_obj(data, "eth"), "ip"),
            wifi_ip=_str(_obj(data, "wifi"), "ip"),
            cpu_usage=_opt_int(_obj(data, "sysstat"), "cpu-usage"),
            uptime=_opt_int(_obj(data, "sysstat"), "uptime"),
        )


class ServerType(IntEnum):
    """Live server kinds."""

    RTMP = 0
    TWITCH = 1
    YOUTUBE = 2
    FACEBOOK = 3
    RTSP = 100


@dataclass(frozen=True, kw_only=True)
class LiveServer:
    """A configured live streaming destination (``stream-server[]``)."""

    id: int
    name: str
    type: int
    enabled: bool
    url: str = ""

    @classmethod
    def from_json(cls, data: Json) -> LiveServer:
        """Parse a stream server (the key and password are left out on purpose)."""
        server_id = _int(data, "id")
        return cls(
            id=server_id,
            name=_str(data, "name") or _str(data, "url") or f"Server {server_id}",
            type=_int(data, "type"),
            enabled=bool(_int(data, "is-use")),
            url=_str(data, "url"),
        )


# The parameters set-video documents (besides ``stream``).
SET_VIDEO_FIELDS = (
    "is-auto",
    "cx",
    "cy",
    "duration",
    "kbps",
    "gop",
    "fourcc",
    "profile",
    "cbrstat",
    "fullrange",
    "codec",
)


@dataclass(frozen=True, kw_only=True)
class StreamSettings:
    """An encoder's settings (``main-stream`` / ``sub-stream``), all sent back on change."""

    raw: Json

    @property
    def kbps(self) -> int | None:
        """Return the video bitrate in kbit/s."""
        return _opt_int(self.raw, "kbps")

    def with_kbps(self, kbps: int) -> dict[str, Any]:
        """Return set-video's documented parameters as read, with a new bitrate.

        Only the documented fields go back: a key a newer firmware adds to get-settings is not
        necessarily one set-video takes.
        """
        params = {key: self.raw[key] for key in SET_VIDEO_FIELDS if key in self.raw}
        return {**params, "kbps": kbps}


@dataclass(frozen=True, kw_only=True)
class RecControl:
    """Where and how recordings are written (``rec-control``); None: the box did not say."""

    usb_option: int | None = None
    sd_option: int | None = None
    mime_type: int | None = None
    root_folder: str | None = None
    # 0: files named with the custom prefix (``file-prefix``), 1: named by their start time.
    file_name_mode: int | None = None
    time_unit: int | None = None

    @classmethod
    def from_json(cls, data: Json) -> RecControl:
        """Parse ``rec-control``.

        get-settings reports ``file-prefix`` but not the naming mode that set-rec-control
        takes; a box that reports a prefix names files with it (mode 0, the default).
        """
        mode = _opt_int(data, "file-name-mode")
        if mode is None and "file-prefix" in data:
            mode = 0
        return cls(
            usb_option=_opt_int(data, "usb-option"),
            sd_option=_opt_int(data, "sd-option"),
            mime_type=_opt_int(data, "mime-type"),
            root_folder=_str(data, "root-folder") or None,
            file_name_mode=mode,
            time_unit=_opt_int(data, "time-unit"),
        )

    def as_params(self) -> dict[str, Any]:
        """Return every documented field of set-rec-control that is known."""
        params = {
            "usb-option": self.usb_option,
            "sd-option": self.sd_option,
            "mime-type": self.mime_type,
            "root-folder": self.root_folder,
            "file-name-mode": self.file_name_mode,
            "time-unit": self.time_unit,
        }
        return {key: value for key, value in params.items() if value is not None}


# Boolean settings and the method that sets each: get-settings key -> (method, parameter).
FLAG_SETTERS: dict[str, tuple[str, str]] = {
    "is-auto-rec": ("set-auto-rec", "is-auto-rec"),
    "is-auto-live": ("set-auto-live", "is-auto-live"),
    "is-low-latency": ("set-low-latency-live", "is-low-latency"),
    "is-signal-lost": ("set-signal-lost-ctrl", "is-signal-lost"),
    "is-ssdp": ("set-ssdp", "is-ssdp"),
    "is-check-update": ("set-enable-check-update", "is-check-update"),
}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The device's configuration (get-settings); None: the box did not say."""

    name: str | None
    flags: dict[str, bool]
    servers: tuple[LiveServer, ...]
    rec_control: RecControl
    main_stream: StreamSettings
    audio_kbps: int | None
    audio_sync_offset: int | None
    volume: Volume | None = None

    @property
    def enabled_servers(self) -> list[LiveServer]:
        """Return the servers live streaming goes to, in slot order."""
        return [server for server in self.servers if server.enabled]

    @classmethod
    def from_json(cls, data: Json) -> Settings:
        """Parse a get-settings answer."""
        return cls(
            name=_str(data, "name") or None,
            flags={key: bool(_int(data, key)) for key in FLAG_SETTERS if key in data},
            servers=tuple(LiveServer.from_json(item) for item in _objs(data, "stream-server")),
            rec_control=RecControl.from_json(_obj(data, "rec-control")),
            main_stream=StreamSettings(raw=dict(_obj(data, "main-stream"))),
            audio_kbps=_opt_int(_obj(data, "audio"), "kbps"),
            audio_sync_offset=_opt_int(data, "audio-sync-offset"),
            volume=Volume(raw=dict(volume)) if (volume := _obj(data, "volume")) else None,
        )


DEFAULT_ADMIN = "Admin"  # the account every box ships with


@dataclass(frozen=True, kw_only=True)
class User:
    """An account of the box (``get-users``: type 1 administrator, 2 general user)."""

    name: str
    admin: bool | None  # None: a type this client does not know

    @classmethod
    def from_json(cls, data: Json) -> User:
        """Parse one ``users`` entry."""
        kind = _opt_int(data, "type")
        return cls(name=_str(data, "id"), admin=None if kind not in (1, 2) else kind == 1)


def users_from_json(data: Json) -> tuple[User, ...]:
    """Parse a get-users answer (entries without a name are skipped)."""
    return tuple(user for item in _objs(data, "users") if (user := User.from_json(item)).name)


class SharedAccount(StrEnum):
    """Why an account is a poor choice for Home Assistant (others sign in with it too)."""

    DEFAULT_ADMIN = "default_admin"  # the box's own Admin: the web page and Companion use it
    ONLY_ADMIN = "only_admin"  # the one administrator: whoever manages the box signs in so


def shared_account(username: str, users: tuple[User, ...] | None) -> SharedAccount | None:
    """Return why ``username`` is likely shared with other clients (None: it looks dedicated).

    ``users``: the box's accounts (None: it did not say). The vendor document offers no list
    of the sessions open elsewhere, so the check rests on the account's kind alone.
    """
    if username.casefold() == DEFAULT_ADMIN.casefold():
        return SharedAccount.DEFAULT_ADMIN
    admins = [user.name for user in users or () if user.admin]
    if admins == [username]:
        return SharedAccount.ONLY_ADMIN
    return None


@dataclass(frozen=True, kw_only=True)
class MediaFile:
    """A recorded file on a storage device."""

    name: str
    status: int
    created: str
    size: int
    duration_ms: int
    width: int
    height: int
    thumbnail_name: str = ""

    @property
    def mime_type(self) -> str:
        """Return the file's MIME type (mp4 or mov, as the box records)."""
        return "video/quicktime" if self.name.lower().endswith(".mov") else "video/mp4"

    @classmethod
    def from_json(cls, data: Json) -> MediaFile:
        """Parse one ``media-files`` entry (``duration`` is in ms, whatever the doc says)."""
        return cls(
            thumbnail_name=_str(data, "thumbnail-name"),
            name=_str(data, "name"),
            status=_int(data, "status"),
            created=_str(data, "create-time"),
            size=_int(data, "size-bytes"),
            duration_ms=_int(data, "duration"),
            width=_int(data, "width"),
            height=_int(data, "height"),
        )


@dataclass(frozen=True, kw_only=True)
class MediaFiles:
    """A page of recorded files."""

    path: str
    files: tuple[MediaFile, ...]
    thumbnail: str = ""

    @classmethod
    def from_json(cls, data: Json) -> MediaFiles:
        """Parse a get-media-files answer."""
        return cls(
            path=_str(data, "path"),
            thumbnail=_str(data, "thumbnail"),
            files=tuple(MediaFile.from_json(item) for item in _objs(data, "media-files")),
        )


@dataclass(frozen=True, kw_only=True)
class Recording:
    """A recording on one of the box's media (``medium``: "usb" or "sd")."""

    medium: str
    path: str
    file: MediaFile


def newest_recording(listings: Mapping[str, MediaFiles]) -> Recording | None:
    """Return the newest finished recording over the media listed (None: there is none)."""
    recordings = [
        Recording(medium=medium, path=files.path, file=file)
        for medium, files in listings.items()
        for file in files.files
        if file.status != 0  # 0: still being recorded
    ]
    if not recordings:
        return None
    return max(recordings, key=lambda recording: recording.file.created)
