"""Emulator of a Magewell Ultra Stream HDMI (usapi over HTTP, multicast discovery responder).

It follows the device reference (docs/devices/magewell_ultra_stream.md §2-§9): ``/usapi?method=``
with a ``sid`` cookie from ``login`` (MD5 password; wrong credentials answer 36), ``-17`` for
calls without a valid session (``ping`` needs none), and a recording / streaming state machine
whose duration and bitrate grow with time. Time-based state is computed when it is read, so the
emulator runs no background tasks; ``advance(seconds)`` moves its clock for tests.

Tests drive it as a plain object: ``press_rec()``, ``set_signal(...)``, ``remove_usb()``,
``expire_sessions()``, ``offer_firmware("1.2.123")``... Standalone demo:
``python -m tests.emulators.magewell_ultra_stream --port 8080``.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import hashlib
import json
import socket
import struct
import time
from typing import Any
import uuid

from aiohttp import web

from .base import HOST, Command, Emulator

SERIAL = "C301181214002"
USER = "Admin"
PASSWORD = "Admin"

F_RECORD, F_LIVING, F_DISK_READY, F_SOFT_AP = 0x02, 0x04, 0x10, 0x40
F_UPGRADE, F_PASSWD, F_FORMAT_DISK, F_FORMAT_SD = 0x4000, 0x10000, 0x100000, 0x200000
F_CHECK_UPGRADE = 0x2000000

INFO: dict[str, Any] = {
    "result": 0,
    "mac-addr": {
        "eth": "70:b3:d5:75:d5:fc",
        "wifi": "70:b3:d5:75:d5:fd",
        "blue": "70:b3:d5:75:d5:fe",
    },
    "snapshot": "/tmp/sbox-snapshot/sbox-quarter.jpg",
    "product": {
        "sn": SERIAL,
        "product-id": 769,
        "hardware-ver": "C",
        "firmware-id": 0,
        "firmware-ver-s": "1.2.122",
        "factory-firmware-ver-s": "1.2.115",
        "product-name": "Ultra Stream",
        "module-name": "Ultra Stream HDMI",
        "manu-name": "MAGEWELL",
        "features": 1,
        "max-lock-count": 2,
    },
    "audio-range": {
        "hdmi": {"max": 6.00, "min": -100.00, "def": 0.00},
        "mic": {"max": 55.25, "min": -12.00, "def": 0.00},
        "phone": {"max": 6.00, "min": -57.00, "def": 0.00},
    },
    "codec-cap": {
        "video-kbps": [
            {"name": name, "value": value}
            for name, value in (
                ("256 Kbps", 256),
                ("512 Kbps", 512),
                ("768 Kbps", 768),
                ("1 Mbps", 1024),
                ("1.5 Mbps", 1536),
                ("2 Mbps", 2048),
                ("3 Mbps", 3072),
                ("4 Mbps", 4096),
                ("8 Mbps", 8192),
            )
        ],
        "audio-kbps": [
            {"name": f"{value:3d} Kbps", "value": value} for value in (16, 32, 48, 64, 96, 128)
        ],
    },
    "rec-control": {
        "usb-option": [
            {"name": "Don't record", "value": 0},
            {"name": "Ordinary recording", "value": 1},
        ],
        "sd-option": [
            {"name": "Don't record", "value": 0},
            {"name": "Ordinary recording", "value": 1},
            {"name": "Loop recording", "value": 2},
        ],
        "time-unit": [
            {"name": f"{value} minutes", "value": value}
            for value in (5, 10, 30, 40, 50, 60, 90, 120)
        ],
        "file-ext": [{"name": "mp4", "value": 0}, {"name": "mov", "value": 1}],
    },
}

SETTINGS: dict[str, Any] = {
    "result": 0,
    "name": f"Ultra Stream {SERIAL}",
    "passwd": 1,
    "is-settings": 1,
    "is-ssdp": 1,
    "is-signal-lost": 0,
    "is-hdmi-rec-ctrl": 0,
    "is-auto-send-file": 0,
    "is-auto-rec": 0,
    "is-low-latency": 0,
    "is-auto-live": 0,
    "is-check-update": 1,
    "audio-sync-offset": 0,
    "enable-key-reset": 1,
    "enable-key-reboot": 1,
    "softap": {"is-softap": 1, "is-visible": 1, "softap-ssid": SERIAL, "softap-passwd": "81214002"},
    "rec-control": {
        "mime-type": 0,
        "usb-option": 1,
        "sd-option": 1,
        "root-folder": "REC_Folder",
        "file-prefix": "VID",
        "time-unit": 5,
    },
    "volume": {
        "is-mic": 1,
        "mic-gain": 0,
        "is-spi": 1,
        "spi-gain": 0,
        "is-phone": 1,
        "phone-gain": 0,
    },
    "rec-stream": 0,
    "live-stream": 0,
    "mws-stream": 1,
    "main-stream": {
        "is-auto": 0,
        "codec": 0,
        "cx": 1920,
        "cy": 1080,
        "duration": 166667,
        "kbps": 4096,
        "gop": 1,
        "fourcc": 0,
        "profile": 2,
        "cbrstat": 60,
        "fullrange": 0,
    },
    "audio": {"sample-rate": 48000, "channels": 2, "kbps": 128},
    "stream-server": [
        {
            "id": 0,
            "type": 0,
            "url": "rtmp.example.net/live",
            "key": "aa",
            "is-auth": 0,
            "user": "",
            "passwd": "",
            "is-use": 1,
            "token": "",
            "net-mode": 1,
            "name": "Studio RTMP",
        },
        {
            "id": 1,
            "type": 2,
            "url": "a.rtmp.youtube.com/live2",
            "key": "bb",
            "is-auth": 0,
            "user": "",
            "passwd": "",
            "is-use": 0,
            "token": "",
            "net-mode": 1,
            "name": "YouTube",
        },
    ],
}

# Methods that set one boolean setting: method -> (parameter, settings key).
FLAG_METHODS = {
    "set-auto-rec": "is-auto-rec",
    "set-auto-live": "is-auto-live",
    "set-low-latency-live": "is-low-latency",
    "set-signal-lost-ctrl": "is-signal-lost",
    "set-ssdp": "is-ssdp",
    "set-enable-check-update": "is-check-update",
    "set-app-settings": "is-settings",
}


def md5(text: str) -> str:
    """Return the hex MD5 of a text."""
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _disk(mount: str, total: int, free: int) -> dict[str, Any]:
    """Return a storage block of get-status."""
    return {
        "disk-status": 1,
        "total-size": total,
        "used-size": total - free,
        "free-size": free,
        "block-size": 32768,
        "usage": round(100 * (total - free) / total),
        "sys-path": "/dev/sda1",
        "fs-type": "vfat",
        "mount-path": mount,
        "fs-label": "C472-731D",
        "write-bps": 0,
        "read-bps": 0,
        "free-sec": free // 278528,
        "file-count": 47,
        "beign-time": "2019-09-24 08:04:39",
        "end-time": "2019-09-28 07:12:44",
        "total-cache-time": 0,
    }


class UltraStreamEmulator(Emulator):
    """An Ultra Stream box: usapi sessions, recording/streaming, storage, signal, firmware."""

    def __init__(self, serial: str = SERIAL, password: str = PASSWORD) -> None:
        """Start idle, with a 1080p60 signal, a USB drive and an SD card."""
        super().__init__()
        self.info = copy.deepcopy(INFO)
        self.info["product"]["sn"] = serial
        self.settings = copy.deepcopy(SETTINGS)
        self.settings["name"] = f"Ultra Stream {serial}"
        self.users = {USER: md5(password)}
        self.admins = {USER}  # the rest are general users (add-user makes only those)
        self.session_users: dict[str, str] = {}  # sid -> the account that signed in
        self.sessions: dict[str, float] = {}  # sid -> last use
        self.session_timeout = 1800.0
        self.login_failure_code = 36
        # Field variants (real boxes and sister products, see the field review):
        self.expiry_code = -17  # what a call with a gone session answers (-1 on real boxes)
        self.max_sessions: int | None = None  # a new login ends the oldest session beyond this
        self.cookie_name = "sid"  # e.g. "sid-<serial>" on other Magewell firmware
        self.ping_status = True  # False: ping answers without cur-status
        self.logins = 0  # successful logins
        self.rec_control_strict = True  # set-rec-control refuses a request missing a field
        self.missing_methods: set[str] = set()  # methods an older firmware lacks (HTTP 404)
        self.status_omits: set[str] = set()  # get-status blocks a firmware leaves out
        # Multicast answers go to this (group, port) instead of back to the sender.
        self.answer_to_group: tuple[str, int] | None = None
        self.test_started: float | None = None  # stream test (start-test-server)
        self.test_seconds = 20.0
        self.test_upload_bps = 1_250_000  # bytes per second
        self.offset = 0.0  # added to the clock by advance()
        self.flags = F_PASSWD
        self.rec_started: float | None = None
        self.rec_result = 27
        self.rec_warning: int | None = None
        self.live_started: float | None = None
        self.live_result = 27
        self.live_connect_seconds = 0.0  # how long live stays "connecting" after start
        self.live_auth_error = False
        self.signal: dict[str, Any] = {"cx": 1920, "cy": 1080, "interlaced": 0, "frame-rate": 60.0}
        self.audio = True
        self.usb: dict[str, Any] = _disk(
            "/usr/share/web-data/media/disk0", 61638148096, 57944440832
        )
        self.sd: dict[str, Any] = _disk("/usr/share/web-data/media/disk1", 31895175168, 24997614388)
        self.media: dict[int, list[dict[str, Any]]] = {0: [], 1: []}
        self.media_page_cap: int | None = None  # a listing sends at most this many files
        self.media_ignores_start = False  # a listing always starts at the first file
        self.media_listings = 0  # get-media-files calls answered
        self.busy_until: dict[int, float] = {}  # transitional flag -> end time
        self.firmware_offer = ""
        self.booted = self.now()
        self.next_result: dict[str, int] = {}  # method -> forced result of its next call
        self.multicast: MulticastResponder | None = None

    # -- clock and derived state -------------------------------------------------------------

    def now(self) -> float:
        """Return the emulator's clock."""
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward (recordings grow, busy states end)."""
        self.offset += seconds

    def cur_status(self) -> int:
        """Derive the status mask from the state."""
        self._finish_busy()
        mask = self.flags
        if self.usb["disk-status"] == 1:
            mask |= F_DISK_READY
        for flag in self.busy_until:
            mask |= flag
        return mask

    def _finish_busy(self) -> None:
        """End the operations whose time is up."""
        for flag, until in list(self.busy_until.items()):
            if self.now() >= until:
                del self.busy_until[flag]
                if flag == F_UPGRADE:
                    self.info["product"]["firmware-ver-s"] = self.firmware_offer
                    self._reboot()

    def _reboot(self) -> None:
        """Restart: sessions end, recordings and live stop, uptime restarts."""
        self.sessions.clear()
        self.flags &= ~(F_RECORD | F_LIVING)
        self.rec_started = self.live_started = None
        self.booted = self.now()

    def _rec_status(self) -> dict[str, Any]:
        if self.rec_started is None:
            return {
                "result": self.rec_result,
                "run-ms": 0,
                "cur-bps": 0,
                "avg-bps": 0,
                "client-id": "",
            }
        elapsed = self.now() - self.rec_started
        # cur-bps is bytes per second (the vendor document's arithmetic, and Companion).
        kbps = self.settings["main-stream"]["kbps"] + self.settings["audio"]["kbps"]
        target = kbps * 1000 // 8
        bps = int(target * min(1.0, 0.5 + elapsed / 4))  # ramps up over the first seconds
        return {
            "result": self.rec_warning or 2,  # 3: storage too slow, 4: low space
            "run-ms": int(elapsed * 1000),
            "cur-bps": bps,
            "avg-bps": bps,
            "client-id": "",
        }

    def _live_slot(self) -> int:
        if self.live_started is None:
            return self.live_result
        if self.live_auth_error:
            return 30
        if self.now() - self.live_started < self.live_connect_seconds:
            return 23
        return 22

    def _live_status(self) -> dict[str, Any]:
        enabled = [server for server in self.settings["stream-server"] if server["is-use"]]
        slot = self._live_slot()
        running = self.live_started is not None and slot == 22
        elapsed = self.now() - self.live_started if self.live_started is not None else 0.0
        rate = self.settings["main-stream"]["kbps"] * 1000 // 8  # bytes per second
        bps = int(rate * min(1.0, 0.5 + elapsed / 4))
        return {
            "result": slot if enabled or self.live_started is None else 27,
            "run-ms": int(elapsed * 1000),
            "cur-bps": bps if running else 0,
            "avg-bps": bps if running else 0,
            "net": 1,
            "result2": slot if len(enabled) > 1 else 27,
            "cur-bps2": bps if running and len(enabled) > 1 else 0,
            "net2": 1 if len(enabled) > 1 else 0,
            "client-id": "",
        }

    def status(self) -> dict[str, Any]:
        """Return the get-status answer."""
        cur = self.cur_status()
        signal = dict(self.signal)
        audio = self.audio and signal["cx"] > 0
        return {
            "result": 0,
            "cur-status": cur,
            "last-rec-status": 0,
            "cur-time": "2019-09-26 10:00:00",
            "box-name": self.settings["name"],
            "lock-user": [],
            "rec-status": self._rec_status(),
            "live-status": self._live_status(),
            "upgrade-status": {
                "step": 1 if cur & F_UPGRADE else 0,
                "percent": 50 if cur & F_UPGRADE else 0,
                "result": 2 if cur & F_UPGRADE else 27,
                "client-id": "",
                "mode": "online" if cur & F_UPGRADE else "none",
            },
            "format-status": {
                "percent": 0,
                "result": 2 if cur & (F_FORMAT_DISK | F_FORMAT_SD) else 27,
                "client-id": "",
            },
            "check-upgrade": {"result": 0, "client-id": ""},
            "living-test": self._living_test(),
            "input-signal": {
                **signal,
                "status": 1 if signal["cx"] else 0,
                "channel-valid": 3 if audio else 0,
                "is-lpcm": 1 if audio else 0,
                "bits-per-sample": 16 if audio else 0,
                "sample-rate": 48000 if audio else 0,
                "future-field": "ignored",
            },
            "usb": self.usb,
            "sd": self.sd,
            "wifi": {
                "name": "MWL1",
                "level": 0,
                "ip": "192.168.8.249",
                "mask": "255.255.255.0",
                "router": "192.168.8.1",
                "dns": "192.168.8.1",
            },
            "eth": {
                "ip": "10.10.107.212",
                "mask": "255.255.0.0",
                "router": "10.10.0.1",
                "dns": "10.0.0.3",
            },
            "mobile": {"ip": "", "mask": "", "router": "", "dns": ""},
            "upgrade": {
                "ver": self.firmware_offer if cur & F_CHECK_UPGRADE == 0 else "",
                "date": "2020-1-1 00:00:00",
                "size-byte": 12004784 if self.firmware_offer else 0,
                "info": [{"version": self.firmware_offer, "changelog": "Bug fixes."}]
                if self.firmware_offer
                else [],
            },
            "downgrade": {},
            "sysstat": {
                "cpu": 1500,
                "cpu-usage": 19,
                "mem-free": 195612,
                "mem-total": 524288,
                "uptime": int(self.now() - self.booted),
            },
        }

    # -- what a person does at the box -----------------------------------------------------

    def press_rec(self) -> None:
        """Start or stop recording with the REC key."""
        self._start_rec() if self.rec_started is None else self._stop_rec()

    def set_signal(
        self, width: int, height: int, frame_rate: float = 60.0, *, audio: bool = True
    ) -> None:
        """Change the input signal (0x0: no signal)."""
        self.signal = {
            "cx": width,
            "cy": height,
            "interlaced": 0,
            "frame-rate": frame_rate if width else 0.0,
        }
        self.audio = audio

    def add_recording(self, disk: int, name: str, created: str) -> None:
        """Put a finished recording on the USB drive (0) or SD card (1)."""
        self.media[disk].append(
            {
                "name": name,
                "thumbnail-name": f"{name}_1569393321",
                "status": 1,
                "create-time": created,
                "size-bytes": 4025670,
                "duration": 14480,
                "width": 1920,
                "height": 1080,
                "interval": 166667,
                "codec": 0,
            }
        )

    def remove_usb(self) -> None:
        """Pull the USB drive out."""
        self.usb = {**self.usb, "disk-status": 0, "total-size": 0, "free-size": 0, "usage": 0}

    def set_disk_status(self, disk: str, code: int) -> None:
        """Set the USB (``usb``) or SD (``sd``) disk-status code."""
        setattr(self, disk, {**getattr(self, disk), "disk-status": code})

    def offer_firmware(self, version: str) -> None:
        """Make the next online check find this firmware."""
        self.firmware_offer = version

    def expire_sessions(self) -> None:
        """Invalidate every session handed out."""
        self.sessions.clear()

    @property
    def open_sessions(self) -> int:
        """Return how many sessions are open (not logged out, not timed out)."""
        return sum(
            1 for last in self.sessions.values() if self.now() - last <= self.session_timeout
        )

    def add_user(self, name: str, password: str, *, admin: bool = False) -> None:
        """Add an account (``admin``: an administrator, like the box's own Admin)."""
        self.users[name] = md5(password)
        if admin:
            self.admins.add(name)

    def take_session(self) -> None:
        """Another client logs in with the same account and the box ends our sessions."""
        self.sessions.clear()
        self.sessions[uuid.uuid4().hex] = self.now()

    # -- HTTP ------------------------------------------------------------------------------

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        """Add the usapi route."""
        router.add_route("*", "/usapi", self._usapi)

    async def _usapi(self, request: web.Request) -> web.Response:
        """Dispatch one usapi call."""
        params = dict(request.query)
        method = params.pop("method", "")
        if method == "login":
            return self._login(params)
        if method == "ping":
            if not self.ping_status:
                return web.json_response({"result": 0})
            return web.json_response({"result": 0, "cur-status": self.cur_status()})
        if not self._valid_session(request):
            return web.json_response({"result": self.expiry_code})
        if method == "logout":
            self.log("logout")
            self.sessions.pop(request.cookies.get(self.cookie_name, ""), None)
            return web.json_response({"result": 0})
        if method in self.missing_methods:
            return web.Response(status=404, text="<html>Not Found</html>", content_type="text/html")
        if method in self.next_result:
            return web.json_response({"result": self.next_result.pop(method)})
        if method == "get-users":  # administrators only (vendor doc)
            sid = request.cookies.get(self.cookie_name, "")
            if self.session_users.get(sid) not in self.admins:
                return web.json_response({"result": -26})
            users = [{"id": name, "type": 1 if name in self.admins else 2} for name in self.users]
            return web.json_response({"result": 0, "users": users})
        if method in FLAG_METHODS:
            return web.json_response({"result": self._set_flag(method, params)})
        if method == "del-media-files":
            return web.json_response({"result": self._delete_media(await request.json())})
        handler = getattr(self, "m_" + method.replace("-", "_"), None)
        if handler is None:
            return web.json_response({"result": -10})  # unknown method (undocumented answer)
        answer = handler(params)
        if isinstance(answer, int):
            answer = {"result": answer}
        return web.json_response(answer)

    def _login(self, params: dict[str, str]) -> web.Response:
        expected = self.users.get(params.get("id", ""))
        if expected is None or params.get("pass", "").lower() != expected:
            return web.json_response({"result": self.login_failure_code})
        sid = uuid.uuid4().hex
        self.sessions[sid] = self.now()
        self.session_users[sid] = params["id"]
        if self.max_sessions is not None:
            while len(self.sessions) > self.max_sessions:
                del self.sessions[next(iter(self.sessions))]
        self.logins += 1
        self.log("login")
        response = web.json_response({"result": 0})
        response.set_cookie(self.cookie_name, sid, path="/")
        return response

    def _valid_session(self, request: web.Request) -> bool:
        sid = request.cookies.get(self.cookie_name, "")
        last = self.sessions.get(sid)
        if last is None or self.now() - last > self.session_timeout:
            self.sessions.pop(sid, None)
            return False
        self.sessions[sid] = self.now()
        return True

    # -- methods (m_<name with underscores>) -------------------------------------------------

    def m_get_info(self, _params: dict[str, str]) -> dict[str, Any]:
        return self.info

    def m_get_status(self, _params: dict[str, str]) -> dict[str, Any]:
        return {key: value for key, value in self.status().items() if key not in self.status_omits}

    def m_get_settings(self, _params: dict[str, str]) -> dict[str, Any]:
        return self.settings

    def _start_rec(self) -> int:
        if self.rec_started is not None:
            return 1
        control = self.settings["rec-control"]
        if not control["usb-option"] and not control["sd-option"]:
            return -52
        if not self.signal["cx"]:
            return -35
        if control["usb-option"] and self.usb["disk-status"] != 1 and not control["sd-option"]:
            return -5
        self.rec_started = self.now()
        self.flags |= F_RECORD
        return 0

    def _stop_rec(self) -> int:
        if self.rec_started is None:
            return 1
        self.media[0].append(
            {
                "name": f"VID_{len(self.media[0])}.mp4",
                "thumbnail-name": f"VID_{len(self.media[0])}.mp4_1569393321",
                "status": 1,
                "create-time": "2019-09-25 06:35:21",
                "size-bytes": 4025670,
                "duration": int((self.now() - self.rec_started) * 1000),
                "width": 1920,
                "height": 1080,
                "interval": 166667,
                "codec": 0,
            }
        )
        self.rec_started = None
        self.rec_result = 0
        self.flags &= ~F_RECORD
        return 0

    def m_start_rec(self, _params: dict[str, str]) -> int:
        self.log("start-rec")
        return self._start_rec()

    def m_stop_rec(self, _params: dict[str, str]) -> int:
        self.log("stop-rec")
        return self._stop_rec()

    def m_start_live(self, _params: dict[str, str]) -> int:
        self.log("start-live")
        if self.live_started is not None:
            return 1
        if not any(server["is-use"] for server in self.settings["stream-server"]):
            return 29
        if not self.signal["cx"]:
            return -35
        self.live_started = self.now()
        self.flags |= F_LIVING
        return 0

    def m_stop_live(self, _params: dict[str, str]) -> int:
        self.log("stop-live")
        if self.settings["is-auto-live"]:
            return -43
        if self.live_started is None:
            return 1
        self.live_started = None
        self.live_result = 30 if self.live_auth_error else 0
        self.flags &= ~F_LIVING
        return 0

    def m_clear_live(self, _params: dict[str, str]) -> int:
        self.log("clear-live")
        if self.live_started is not None:
            return -9
        self.live_result = 27
        return 0

    def m_enable_server(self, params: dict[str, str]) -> int:
        self.commands.append(Command("enable-server", dict(params)))
        servers = {str(server["id"]): server for server in self.settings["stream-server"]}
        server = servers.get(params.get("id", ""))
        if server is None:
            return -14
        on = params.get("is-use") == "1"
        if on and sum(s["is-use"] for s in servers.values() if s is not server) >= 2:
            return -29
        server["is-use"] = int(on)
        return 0

    def m_set_name(self, params: dict[str, str]) -> int:
        self.commands.append(Command("set-name", dict(params)))
        name = params.get("name", "")
        if not 1 <= len(name) <= 32 or name != name.strip():
            return -28
        self.settings["name"] = name
        return 0

    def m_set_sync_offset(self, params: dict[str, str]) -> int:
        self.commands.append(Command("set-sync-offset", dict(params)))
        try:
            value = int(params.get("audio-sync-offset", ""))
        except ValueError:
            return -10
        if not -200 <= value <= 200:
            return -10
        self.settings["audio-sync-offset"] = value
        return 0

    def m_set_audio(self, params: dict[str, str]) -> int:
        self.commands.append(Command("set-audio", dict(params)))
        allowed = {str(option["value"]) for option in self.info["codec-cap"]["audio-kbps"]}
        if params.get("kbps") not in allowed:
            return -10
        self.settings["audio"]["kbps"] = int(params["kbps"])
        return 0

    def m_set_video(self, params: dict[str, str]) -> int:
        self.commands.append(Command("set-video", dict(params)))
        if params.get("stream") != "0":
            return -10
        stream = self.settings["main-stream"]
        for key in stream:
            if key in params:
                stream[key] = int(params[key])
        return 0

    def m_set_rec_control(self, params: dict[str, str]) -> int:
        self.commands.append(Command("set-rec-control", dict(params)))
        control = self.settings["rec-control"]
        fields = ("usb-option", "sd-option", "mime-type", "root-folder", "file-name-mode")
        if self.rec_control_strict and not all(key in params for key in (*fields, "time-unit")):
            return -10  # the documented request names every field
        for key in ("usb-option", "sd-option", "mime-type", "time-unit", "file-name-mode"):
            if key in params:
                control[key] = int(params[key])
        if "root-folder" in params:
            control["root-folder"] = params["root-folder"]
        return 0

    def m_set_volume(self, params: dict[str, str]) -> int:
        self.commands.append(Command("set-volume", dict(params)))
        volume = self.settings["volume"]
        if set(params) != set(volume):
            return -10  # the documented request names every field
        for key, value in params.items():
            volume[key] = float(value) if key.endswith("gain") else int(value)
        return 0

    def _delete_media(self, body: dict[str, Any]) -> int:
        self.commands.append(Command("del-media-files", body))
        disk = body.get("disk-type")
        if disk not in self.media or not isinstance(body.get("media-files"), list):
            return -10
        names = set(body["media-files"])
        self.media[disk] = [item for item in self.media[disk] if item["name"] not in names]
        return 0

    def _living_test(self) -> dict[str, Any]:
        if self.test_started is None:
            return {"result": 27, "upload-bps": 0, "percent": 0, "net": 0, "client-id": ""}
        elapsed = self.now() - self.test_started
        done = elapsed >= self.test_seconds
        return {
            "result": 0 if done else 2,
            "upload-bps": self.test_upload_bps if done else 0,
            "percent": 100 if done else int(100 * elapsed / self.test_seconds),
            "net": 1,
            "client-id": "",
        }

    def m_start_test_server(self, params: dict[str, str]) -> int:
        self.commands.append(Command("start-test-server", dict(params)))
        if not params.get("url"):
            return -10
        self.test_started = self.now()
        return 0

    def m_get_media_files(self, params: dict[str, str]) -> dict[str, Any] | int:
        disk = int(params.get("disk-type", "-1"))
        if disk not in self.media:
            return -10
        start, count = int(params.get("start", "0")), int(params.get("count", "10"))
        self.media_listings += 1
        if self.media_page_cap is not None:
            count = min(count, self.media_page_cap)
        if self.media_ignores_start:
            start = 0
        return {
            "result": 0,
            "path": f"/media/disk{disk}/{self.settings['rec-control']['root-folder']}",
            "thumbnail": "thumbnail",
            "media-files": self.media[disk][start : start + count],
        }

    def m_reboot(self, _params: dict[str, str]) -> int:
        self.log("reboot")
        self._reboot()
        return 0

    def m_online_update_check(self, _params: dict[str, str]) -> int:
        self.log("online-update-check")
        return 0

    def m_update(self, params: dict[str, str]) -> int:
        self.commands.append(Command("update", dict(params)))
        if not self.firmware_offer:
            return -14
        self.busy_until[F_UPGRADE] = self.now() + 5
        return 0

    def _set_flag(self, method: str, params: dict[str, str]) -> int:
        """Answer one of the boolean setters (set-auto-rec, set-ssdp...)."""
        self.commands.append(Command(method, dict(params)))
        key = FLAG_METHODS[method]
        if params.get(key) not in ("0", "1"):
            return -10
        self.settings[key] = int(params[key])
        return 0

    # -- multicast discovery -----------------------------------------------------------------

    def discovery_answer(self) -> dict[str, Any]:
        """Return the multicast discovery answer."""
        return {
            "version": "1.0",
            "flag": "ssip",
            "product": self.info["product"]["product-name"],
            "boxname": self.settings["name"],
            "serialnumber": self.info["product"]["sn"],
            "wifiip": "",
            "ethip": HOST,
            "status": self.cur_status(),
        }

    async def start_multicast(self, port: int, group: str | None = None) -> None:
        """Answer discovery datagrams on a UDP port (joining ``group`` if given)."""
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if group is None:
            sock.bind((HOST, port))
        else:
            sock.bind(("", port))
            membership = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton(HOST))
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
            # Answers to the group leave on loopback too (the box's own interface in tests).
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(HOST))
        _transport, protocol = await loop.create_datagram_endpoint(
            lambda: MulticastResponder(self), sock=sock
        )
        self.multicast = protocol

    async def on_stop(self) -> None:
        """Close the multicast responder."""
        if self.multicast is not None and self.multicast.transport is not None:
            self.multicast.transport.close()
        self.multicast = None


class MulticastResponder(asyncio.DatagramProtocol):
    """Answer any datagram with the box's discovery JSON, unicast to the sender."""

    def __init__(self, emulator: UltraStreamEmulator) -> None:
        """Answer for this emulator."""
        self.emulator = emulator
        self.transport: asyncio.DatagramTransport | None = None
        self.queries = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport."""
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        """Answer a discovery query (unless the box is down); answers are not queries."""
        try:
            message = json.loads(data)
        except ValueError:
            message = None
        if isinstance(message, dict) and "serialnumber" in message:
            return  # an answer (its own, heard on the group, or another box's)
        self.queries += 1
        if self.transport is not None and not self.emulator.down:
            target = addr
            if self.emulator.answer_to_group is not None:
                target = self.emulator.answer_to_group
            self.transport.sendto(json.dumps(self.emulator.discovery_answer()).encode(), target)


async def _main() -> None:
    """Run the emulator until interrupted (demo)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--discovery-port", type=int, default=0)
    args = parser.parse_args()
    emulator = await UltraStreamEmulator().start(args.port)
    if args.discovery_port:
        await emulator.start_multicast(args.discovery_port)
    print(f"Ultra Stream emulator on {emulator.url} (user {USER}, password {PASSWORD})")  # noqa: T201
    await asyncio.Event().wait()


class FakeGattBox:
    """A fake GATT peer speaking the Ultra Stream provisioning protocol (stands in for a BleakClient).

    ``networks`` maps SSID -> (password, address the box gets); ``running_reads`` is how many
    Wi-Fi status reads answer "running" before the result; ``never_joins`` keeps it running.
    """

    def __init__(self, password: str = PASSWORD, status: int = F_PASSWD) -> None:
        """Start disconnected from any network."""
        self.digest = hashlib.md5(password.encode(), usedforsecurity=False).digest()
        self.status = status
        self.networks: dict[str, tuple[str, str]] = {}
        self.running_reads = 1
        self.never_joins = False
        self.authenticated = not status & F_PASSWD  # no pairing password: nothing to prove
        self.connected = True
        self.writes: list[tuple[int, bytes]] = []
        self.reads: list[int] = []  # buffers read, in order (Buffer-1: the keep-alive)
        self.order = "<"  # the byte order of replies (">": opcodes as ASCII tags on the wire)
        # The byte order the box understands in requests: it ignores a write in the other one
        # ("": it answers none).
        self.write_order = "<"
        self.fail_reads = False  # the link drops: reads raise BleakError
        self._replies: dict[int, bytes] = {}
        self._auth_index = 0
        self._wifi: dict[int, bytes] = {}
        self._join: tuple[int, bytes] | None = None  # (reads left, final reply)

    async def write_gatt_char(self, char: str, data: bytes, response: bool = True) -> None:
        """Handle a write to one of the five buffers."""
        buffer = BLE_BUFFERS.index(char)
        data = bytes(data)
        self.writes.append((buffer, data))
        if not self.write_order:
            return
        (opcode,) = struct.unpack_from(f"{self.write_order}H", data)
        if opcode in (0x5333, 0x5335):
            self._join = None  # a new request: buffer 4 answers it, not an old Wi-Fi join
        if buffer == 0 and opcode == 0x5335:
            (index,) = struct.unpack_from(f"{self.write_order}H", data, 2)
            self._replies[4] = struct.pack(f"{self.order}HIH", 0x5336, self.status, index)
        elif buffer == 4 and opcode == 0x5333:
            (self._auth_index,) = struct.unpack_from(f"{self.write_order}H", data, 2)
        elif buffer == 0 and opcode == 0x5333:
            self.authenticated = data[2:18] == self.digest
            result = 0 if self.authenticated else -1
            self._replies[4] = struct.pack(f"{self.order}HiH", 0x5334, result, self._auth_index)
        elif buffer == 0 and opcode == 0x5337:
            self._wifi = {0: data}
        elif buffer in (1, 2, 3) and self._wifi:
            self._wifi[buffer] = data
        elif buffer == 4 and opcode == 0x5337 and self._wifi:
            self._wifi[4] = data
            self._start_join()

    def _start_join(self) -> None:
        """All Wi-Fi buffers written: answer the index, then join (or fail)."""
        index = struct.unpack_from(f"{self.write_order}H", self._wifi[0], 4)[0]
        ssid = (self._wifi[1] + self._wifi[2]).rstrip(b"\0").decode()
        password = (self._wifi[3] + self._wifi[4][2:]).rstrip(b"\0").decode()
        self._replies[0] = struct.pack(f"{self.order}HH", 0x5332, index)
        ip, result = "0.0.0.0", 0  # noqa: S104 - no address yet
        if not self.authenticated:
            result = -1
        elif ssid not in self.networks:
            result = -14
        elif self.networks[ssid][0] != password:
            result = -1
        else:
            ip = self.networks[ssid][1]
        final = struct.pack(f"{self.order}Hi", 0x5332, result) + socket.inet_aton(ip)
        final += struct.pack(f"{self.order}IHH", self.status, 1, 2)
        self._join = (self.running_reads, final)

    async def read_gatt_char(self, char: str, **_kwargs: Any) -> bytearray:
        """Answer a read of one of the five buffers."""
        buffer = BLE_BUFFERS.index(char)
        self.reads.append(buffer)
        if self.fail_reads:
            from bleak.exc import BleakError

            raise BleakError("disconnected")
        if buffer == 4 and self._join is not None:
            left, final = self._join
            if self.never_joins or left > 0:
                self._join = (left - 1, final)
                return bytearray(struct.pack(f"{self.order}Hi", 0x5332, 2) + bytes(14))
            return bytearray(final)
        return bytearray(self._replies.get(buffer, b"\0\0"))

    async def disconnect(self) -> bool:
        """Drop the link."""
        self.connected = False
        return True


BLE_BUFFERS = (
    "08590f7e-db05-467e-8757-72f6faeb13d4",
    "f4be124e-4cdc-43e2-a6bb-8628e4009e6b",
    "1de1bf3d-1bbe-43aa-9a30-b2bb5ce9671d",
    "8d7bd67d-d0b3-4a5e-8d2b-2912af174a7d",
    "3a10340a-85e3-4190-86b4-b94dc505e4f8",
)


if __name__ == "__main__":
    asyncio.run(_main())
