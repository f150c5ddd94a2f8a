"""The HA-free usapi client against the emulator."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from custom_components.proav.devices.errors import (
    CannotConnect,
    DeviceBusy,
    InvalidAuth,
    InvalidResponse,
    NotPermitted,
    NotSupported,
)
from custom_components.proav.devices.magewell_ultra_stream.client import (
    UltraStreamClient,
    UltraStreamError,
    password_hash,
)
from custom_components.proav.devices.magewell_ultra_stream.models import (
    DeviceStatus,
    DiskStatus,
    LiveState,
    decode_status,
)
from tests.emulators.magewell_ultra_stream import PASSWORD, SERIAL, USER, UltraStreamEmulator


def _client(
    session: aiohttp.ClientSession, box: UltraStreamEmulator, password: str = PASSWORD
) -> UltraStreamClient:
    return UltraStreamClient(session, box.host, box.port, USER, password)


def test_password_hash_is_lowercase_hex_md5() -> None:
    assert password_hash("Admin") == "e3afed0047b08059d0fada10f400c1e5"


def test_status_mask_decodes_to_named_flags() -> None:
    assert decode_status(65552).flag_names == ["disk_ready", "passwd"]
    assert decode_status(65600).flag_names == ["soft_ap", "passwd"]
    # Unknown bits are kept but unnamed.
    assert decode_status(0x80 | 0x02).flag_names == ["record"]
    assert DeviceStatus.RECORD in decode_status(0x80 | 0x02)


async def test_ping_needs_no_login(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    client = _client(session, box)
    assert await client.ping() == box.cur_status()
    assert not client.logged_in
    assert "login" not in box.command_names()


async def test_reads_are_typed(session: aiohttp.ClientSession, box: UltraStreamEmulator) -> None:
    client = _client(session, box)
    info = await client.get_info()
    assert (info.serial, info.model, info.firmware) == (SERIAL, "Ultra Stream HDMI", "1.2.122")
    assert [option.value for option in info.audio_kbps] == [16, 32, 48, 64, 96, 128]
    status = await client.get_status()
    assert status.signal.resolution == "1920x1080p"
    assert status.usb.status is DiskStatus.VALID
    assert status.live.slot(0) is LiveState.IDLE
    settings = await client.get_settings()
    assert [server.name for server in settings.enabled_servers] == ["Studio RTMP"]
    assert settings.flags["is-auto-rec"] is False
    assert box.command_names() == ["login"]  # one login serves every call


async def test_recording_state_machine(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    client = _client(session, box)
    await client.set_recording(True)
    box.advance(3)
    status = await client.get_status()
    assert status.recording
    assert status.rec.run_ms >= 3000
    assert status.rec.cur_bps > 0
    box.advance(10)
    later = await client.get_status()
    assert later.rec.run_ms > status.rec.run_ms
    await client.set_recording(True)  # "repeat" is success
    await client.set_recording(False)
    assert not (await client.get_status()).recording
    files = await client.get_media_files(0)
    assert files.files[0].duration_ms >= 13000


async def test_refusals_are_typed_errors(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    client = _client(session, box)
    box.set_signal(0, 0)
    with pytest.raises(UltraStreamError, match="no input signal") as err:
        await client.set_recording(True)
    assert err.value.code == -35
    box.settings["is-auto-live"] = 1
    with pytest.raises(UltraStreamError, match="locked"):
        await client.set_streaming(False)


async def test_expired_session_logs_in_again(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    client = _client(session, box)
    await client.get_status()
    box.expire_sessions()
    await client.get_status()
    assert box.command_names() == ["login", "login"]


async def test_wrong_password(session: aiohttp.ClientSession, box: UltraStreamEmulator) -> None:
    client = _client(session, box, password="wrong")
    with pytest.raises(InvalidAuth):
        await client.get_status()
    box.login_failure_code = -1
    with pytest.raises(InvalidAuth):
        await client.get_info()


async def test_sessions_of_two_boxes_do_not_mix(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    async with (
        UltraStreamEmulator() as first,
        UltraStreamEmulator(serial="C301190101001") as second,
    ):
        one, two = _client(session, first), _client(session, second)
        assert (await one.get_info()).serial == SERIAL
        assert (await two.get_info()).serial == "C301190101001"
        await one.get_status()
        await two.get_status()
        assert first.command_names() == second.command_names() == ["login"]


async def test_transport_failures(session: aiohttp.ClientSession, box: UltraStreamEmulator) -> None:
    client = _client(session, box)
    box.faults.malformed = True
    with pytest.raises(InvalidResponse):
        await client.ping()
    box.faults.malformed = False
    box.faults.status = 503
    with pytest.raises(CannotConnect):
        await client.ping()
    box.faults.status = None
    await box.set_down(True)
    with pytest.raises(CannotConnect):
        await client.ping()
    await box.set_down(False)
    assert await client.ping()


def test_models_tolerate_odd_and_unknown_values() -> None:
    """Strings for numbers, unknown enum values, missing blocks and extra fields all parse."""
    from custom_components.proav.devices.magewell_ultra_stream.models import (
        Settings,
        Status,
        result_text,
    )

    status = Status.from_json(
        {
            "cur-status": "65552",
            "cur-time": 0,
            "rec-status": {"result": -99, "run-ms": "1200"},
            "live-status": {"result": 77},
            "input-signal": {"cx": 1280, "cy": "720", "frame-rate": "59.94", "interlaced": True},
            "usb": {"disk-status": 9},
            "sd": [],
            "sysstat": None,
            "new-block": {"x": 1},
        }
    )
    assert status.rec.run_ms == 1200
    assert status.live.slot(0) is LiveState.ERROR
    assert status.signal.resolution == "1280x720i"
    assert status.signal.frame_rate == 59.94
    assert status.usb.status is DiskStatus.UNKNOWN
    assert not status.sd.present
    settings = Settings.from_json({"stream-server": [{"id": 3}, "junk"], "is-auto-rec": "1"})
    assert [server.name for server in settings.servers] == ["Server 3"]
    assert settings.flags == {"is-auto-rec": True}
    assert result_text(-43) == "live streaming is locked"
    assert result_text(-4242) == "error -4242"
    assert result_text(-17) == "err_need_auth"


async def test_http_401_is_an_expired_session(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    """HTTP 401 counts as "log in again"; when it persists, the credentials are wrong."""
    client = _client(session, box)
    await client.get_status()
    box.faults.status = 401
    with pytest.raises(InvalidAuth):
        await client.get_status()


@pytest.mark.parametrize("expiry_code", [-17, -1])
async def test_expired_session_answered_either_way_logs_in_once(
    session: aiohttp.ClientSession, box: UltraStreamEmulator, expiry_code: int
) -> None:
    """Real boxes answer a gone session with -1 as well as -17: one re-login, then it works."""
    box.expiry_code = expiry_code
    client = _client(session, box)
    await client.get_status()
    for _ in range(3):
        box.expire_sessions()
        await client.get_status()
    assert box.command_names().count("login") == 4


async def test_session_taken_right_after_login_is_busy_not_a_wrong_password(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    """Another client on the same account ends our fresh session: busy, back off, no storm."""
    now = [0.0]
    client = UltraStreamClient(session, box.host, box.port, USER, PASSWORD, clock=lambda: now[0])
    await client.get_status()
    box.expire_sessions()
    box.max_sessions = 0  # every new session ends at once (the other client logs in again)
    with pytest.raises(DeviceBusy) as err:
        await client.get_status()
    assert err.value.code == -17
    assert err.value.retry_after == 30
    logins = box.logins
    for _ in range(10):  # within the back-off nothing logs in
        with pytest.raises(DeviceBusy):
            await client.get_status()
    assert box.logins == logins
    box.max_sessions = None
    now[0] = 31.0
    await client.get_status()
    assert box.logins == logins + 1
    assert client.login_gate.refused is None


async def test_any_sid_cookie_name_is_the_session(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    """Other Magewell firmware names the cookie sid-<serial>: it is kept and sent back."""
    box.cookie_name = f"sid-{SERIAL}"
    client = _client(session, box)
    await client.get_status()
    await client.get_settings()
    assert client.cookie_name == f"sid-{SERIAL}"
    assert box.command_names() == ["login"]


async def test_close_logs_out(session: aiohttp.ClientSession, box: UltraStreamEmulator) -> None:
    client = _client(session, box)
    await client.get_status()
    assert box.open_sessions == 1
    await client.async_close()
    assert box.open_sessions == 0
    assert not client.logged_in


async def test_refused_login_latches(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    """After a refused login the client never logs in again (until it is rebuilt)."""
    client = _client(session, box, password="wrong")
    with pytest.raises(InvalidAuth):
        await client.get_status()
    requests = len(box.requests)
    for _ in range(5):
        with pytest.raises(InvalidAuth):
            await client.get_status()
    assert len(box.requests) == requests


async def test_refusals_and_missing_methods_are_typed(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    client = _client(session, box)
    box.set_signal(0, 0)
    with pytest.raises(NotPermitted):
        await client.set_recording(True)
    box.next_result["get-settings"] = -2
    with pytest.raises(DeviceBusy):
        await client.get_settings()
    box.missing_methods.add("online-update-check")
    with pytest.raises(NotSupported):
        await client.check_firmware()


async def test_answers_are_captured_without_the_query(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    """The last answer per method is kept for field reports; the query (password) never is."""
    client = _client(session, box)
    await client.get_status()
    raw = client.captures.as_dict()
    assert set(raw) == {"GET /usapi login", "GET /usapi get-status"}
    assert raw["GET /usapi get-status"]["body"]["cur-status"] == box.cur_status()
    assert password_hash(PASSWORD) not in str(raw)


async def test_set_rec_control_sends_every_documented_field(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    """file-name-mode included: the box's request names every field (a missing one: -10)."""
    client = _client(session, box)
    settings = await client.get_settings()
    await client.set_rec_control(settings.rec_control)
    assert box.commands[-1].params == {
        "usb-option": "1",
        "sd-option": "1",
        "mime-type": "0",
        "root-folder": "REC_Folder",
        "file-name-mode": "0",
        "time-unit": "5",
    }


async def test_concurrent_requests_share_one_login(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    """Requests that find no (or the same expired) session log in once between them."""
    client = _client(session, box)
    await asyncio.gather(client.get_status(), client.get_settings(), client.get_info())
    assert box.command_names().count("login") == 1
    box.expire_sessions()
    await asyncio.gather(client.get_status(), client.get_settings(), client.get_info())
    assert box.command_names().count("login") == 2


def _fill(box: UltraStreamEmulator, count: int) -> None:
    for number in range(count):
        box.add_recording(
            0, f"VID_{number}.mp4", f"2026-01-01 00:{number // 60:02}:{number % 60:02}"
        )


@pytest.mark.parametrize("cap", [None, 40])
async def test_all_recordings_are_listed_page_by_page(
    session: aiohttp.ClientSession, box: UltraStreamEmulator, cap: int | None
) -> None:
    """250 recordings come back whole, also from a box that sends fewer than asked per page."""
    _fill(box, 250)
    box.media_page_cap = cap
    files = await _client(session, box).get_all_media_files(0)
    assert [file.name for file in files.files] == [f"VID_{n}.mp4" for n in range(250)]
    assert files.path == "/media/disk0/REC_Folder"


async def test_recordings_listing_stops_when_the_box_ignores_start(
    session: aiohttp.ClientSession, box: UltraStreamEmulator
) -> None:
    """A firmware that always sends the first page: one page, no endless loop."""
    _fill(box, 150)
    box.media_ignores_start = True
    files = await _client(session, box).get_all_media_files(0)
    assert len(files.files) == 100
    assert box.media_listings == 2
