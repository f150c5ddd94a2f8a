"""The exacqVision client against the emulator: sessions, errors, field variants, video."""

from __future__ import annotations

import io

import aiohttp
from PIL import Image
import pytest

from custom_components.proav.devices.errors import (
    CannotConnect,
    DeviceError,
    InvalidAuth,
    InvalidResponse,
    NotPermitted,
    NotSupported,
)
from custom_components.proav.devices.exacqvision.client import ExacqVisionClient
from custom_components.proav.devices.exacqvision.models import (
    ActiveEventType,
    ServerStatus,
    normalize_serial,
)
from tests.emulators.exacqvision import ExacqVisionEmulator

from .conftest import PASSWORD, USER

CAM1, CAM2 = "4590080", "4590336"


def _logins(emulator: ExacqVisionEmulator) -> int:
    return emulator.command_names().count("login")


async def test_lists_servers_without_login(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """List Servers answers before any login, with each server's serial."""
    emulator.servers["1"] = emulator.servers["0"].__class__(
        id="1", name="Server 2", serial="18-62-66-32-4E-B0"
    )
    listed = await client.list_servers()
    assert [(s.id, s.name, s.unique_id) for s in listed.servers] == [
        ("0", "Server 1", "186266324EAF"),
        ("1", "Server 2", "186266324EB0"),
    ]
    assert listed.csrf is True
    assert not client.logged_in
    assert normalize_serial("18-62-66-32-4e-af") == "186266324EAF"


async def test_login_reads_inventory_and_logs_out(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """The first call logs in (no saved-login token); logout ends the session."""
    cameras = await client.cameras()
    assert [camera.name for camera in cameras] == ["Camera 1", "Camera 2", "Camera 3", "Camera 4"]
    assert cameras[0].id == CAM1
    assert cameras[0].online is True
    assert [p.name for p in await client.presets(cameras[0].id)] == ["Entrance", "Parking", "Gate"]
    assert await client.presets(cameras[1].id) == []
    assert [t.name for t in await client.soft_triggers()] == ["Trigger 1", "Trigger 2"]
    system = await client.system_info()
    assert system.total_memory == 8192
    assert emulator.command_names() == ["login", "ptz_presets", "ptz_presets"]
    assert emulator.tokens == {}  # no save=1: no login tokens pile up on the server
    assert client.login_result is not None
    assert client.login_result.server.name == "Server 1"
    assert client.login_result.permissions.ptz is True
    await client.async_close()
    assert emulator.open_sessions == 0
    assert not client.logged_in


@pytest.mark.parametrize("keys", [("sessionId",), ("sessionID",)])
async def test_either_session_id_spelling_is_accepted(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator, keys: tuple[str, ...]
) -> None:
    """Real web services answer ``sessionId``; the document says ``sessionID``."""
    emulator.session_id_keys = keys
    result = await client.login()
    assert result.session_id in emulator.sessions
    assert len(await client.cameras()) == 4


async def test_old_web_service_without_v1_prefix(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """An older web service answers the routes without ``/v1``: found once at login."""
    emulator.missing = {"v1"}
    emulator.unknown_answer = "redirect"
    assert len(await client.cameras()) == 4
    assert client.prefix == ""
    assert any(r.startswith("GET /config.web") for r in emulator.requests)


@pytest.mark.parametrize("answer", ["401", "redirect", "html", "success_false"])
async def test_every_expiry_signal_leads_to_one_new_login(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator, answer: str
) -> None:
    """However the web service says "session unknown", the client logs in again, once."""
    emulator.expired_answer = answer
    client.fresh_window = 0  # the sessions below are old enough to have expired
    camera = (await client.cameras())[0]
    emulator.expire_sessions()
    assert (await client.snapshot(camera)).startswith(b"\xff\xd8")
    emulator.expire_sessions()
    assert len(await client.soft_triggers()) == 2
    assert _logins(emulator) == 3
    assert emulator.open_sessions == 1


async def test_replaced_session_is_logged_out(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """A session the server no longer accepts is logged out before the new login."""
    client.fresh_window = 0
    await client.cameras()
    emulator.expired_answer = "redirect"
    emulator.server.cameras[CAM1].presets = []
    emulator.unknown_answer = "redirect"
    emulator.missing = {"softtriggers.web"}
    with pytest.raises(NotSupported):
        await client.soft_triggers()
    assert emulator.command_names() == ["login", "logout", "login"]
    assert emulator.open_sessions == 1


@pytest.mark.parametrize("unknown", ["404", "redirect"])
async def test_missing_route_is_not_supported_never_a_wrong_password(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator, unknown: str
) -> None:
    """A route the server lacks (404 or 302 to the login page) is NotSupported, no re-login."""
    emulator.unknown_answer = unknown
    emulator.missing = {"softtriggers.web", "ptz.web"}
    await client.cameras()
    with pytest.raises(NotSupported):
        await client.soft_triggers()
    with pytest.raises(NotSupported):
        await client.presets(CAM1)
    assert _logins(emulator) == 1
    assert emulator.open_sessions == 1


async def test_fixed_camera_answering_success_false(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """``success: false`` for a fixed camera's presets is that camera's answer, not a reauth."""
    emulator.fixed_presets = "success_false"
    await client.cameras()
    with pytest.raises(NotSupported):
        await client.presets(CAM2)
    assert len(await client.presets(CAM1)) == 3


async def test_user_without_ptz_permission(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """A user without PTZ permission: the login says so and PTZ routes are NotPermitted."""
    emulator.user_ptz = False
    result = await client.login()
    assert result.permissions.ptz is False
    with pytest.raises(NotPermitted):
        await client.recall_preset(CAM1, "1")
    assert _logins(emulator) == 1


async def test_wrong_password_latches(
    emulator: ExacqVisionEmulator, session: aiohttp.ClientSession
) -> None:
    """Refused credentials raise InvalidAuth; no further login is tried."""
    client = ExacqVisionClient(
        session, emulator.host, port=emulator.port, username=USER, password="wrong"
    )
    with pytest.raises(InvalidAuth):
        await client.cameras()
    with pytest.raises(InvalidAuth):
        await client.cameras()
    assert len([r for r in emulator.requests if "login.web" in r]) == 1


async def test_password_changed_while_logged_in(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """When the re-login after an expired session is refused, InvalidAuth is raised."""
    client.fresh_window = 0
    await client.login()
    emulator.users["admin"] = "changed"
    emulator.expire_sessions()
    with pytest.raises(InvalidAuth):
        await client.cameras()


async def test_malformed_json(client: ExacqVisionClient, emulator: ExacqVisionEmulator) -> None:
    """A body that is not JSON raises InvalidResponse."""
    await client.login()
    emulator.faults.malformed = True
    with pytest.raises(InvalidResponse):
        await client.cameras()


async def test_down_and_server_error(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """Refused connections and HTTP 5xx raise CannotConnect."""
    await emulator.set_down(True)
    with pytest.raises(CannotConnect):
        await client.list_servers()
    await emulator.set_down(False)
    emulator.faults.status = 503
    with pytest.raises(CannotConnect):
        await client.cameras()


async def test_csrf_strict_web_service_accepts_writes(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """With CSRF protection enforced, writes carry a matching Origin and are accepted."""
    emulator.csrf_strict = True
    await client.set_soft_trigger("4653312", True)  # logs in: the CSRF cookie comes back
    await client.set_soft_trigger("4653312", False)  # echoed as X-CSRF-Token
    assert emulator.commands[-1].params == {"tid": "4653312", "state": "off"}
    client._csrf = None  # a client that lost the token is refused, but not signed out
    with pytest.raises(DeviceError) as err:
        await client.set_soft_trigger("4653312", True)
    assert not isinstance(err.value, InvalidAuth)
    assert _logins(emulator) == 1


async def test_status_is_what_the_server_said(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """Per-item status: the asked cameras are known; any other camera is unknown (None)."""
    server = emulator.server
    emulator.set_camera(server, CAM1, motion=True, recording=False)
    status = await client.status([CAM1, CAM2], ["4653312"])
    assert status.camera(CAM1).motion is True
    assert status.camera(CAM1).recording is False
    assert status.camera(CAM2).recording is True
    assert status.camera("4590592").recording is None
    assert status.camera("4590592").connected is None
    assert status.trigger_on("4653312") is False
    server.alarms[11] = ""
    events = await client.active_events()
    assert {event.type for event in events} == {
        ActiveEventType.VIDEO_MOTION,
        ActiveEventType.STORAGE,
    }


def test_status_parser_never_invents_all_good() -> None:
    """An answer in an unknown shape leaves every camera unknown, never "recording"."""
    odd = {"success": True, "status": [{"camera": "x", "recording": False}]}
    status = ServerStatus.from_dict(odd, "0")
    assert status.camera("4590080").recording is None
    assert status.camera("4590080").connected is None
    grouped = {
        "servers": [
            {"id": "0", "items": {"camera": [{"id": 7, "motion": "true"}], "trigger": []}},
            {"id": "9", "items": [{"id": 8, "motion": True}]},
            "junk",
        ]
    }
    status = ServerStatus.from_dict(grouped, "0")
    assert status.camera("7").motion is True
    assert status.camera("7").recording is None
    assert "8" not in status.cameras
    merged = status.merged(ServerStatus.from_dict({"camera": [{"id": 7, "recording": True}]}, "0"))
    assert (merged.camera("7").motion, merged.camera("7").recording) == (True, True)


async def test_snapshot_forms_fall_back_and_are_remembered(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """Query form first; then ``fmt=jpg``; then the path form; the one that works is kept."""
    camera = (await client.cameras())[0]
    image = Image.open(io.BytesIO(await client.snapshot(camera, width=320)))
    assert image.size == (320, 240)
    assert client.snapshot_form == "query"
    client.snapshot_form = None
    emulator.missing = {"video.web/query"}
    assert (await client.snapshot(camera)).startswith(b"\xff\xd8")
    assert client.snapshot_form == "fmt"
    client.snapshot_form = None
    emulator.missing = {"video.web/query", "video.web/fmt"}
    assert (await client.snapshot(camera)).startswith(b"\xff\xd8")
    assert client.snapshot_form == "path"
    before = len(emulator.requests)
    await client.snapshot(camera)
    assert len(emulator.requests) - before == 1  # the path form straight away


async def test_no_path_form_snapshots(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """A web service without the path form: snapshots still work (query form)."""
    emulator.missing = {"video.web/path"}
    camera = (await client.cameras())[0]
    assert (await client.snapshot(camera)).startswith(b"\xff\xd8")
    assert not any("/video.web/" in r for r in emulator.requests)


async def test_session_ids_stay_out_of_texts_and_captures(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """No error text and no raw capture carries a session id."""
    client.fresh_window = 0
    await client.cameras()
    await client.status([CAM1])
    emulator.expire_sessions()
    await client.cameras()
    emulator.faults.status = 400
    with pytest.raises(DeviceError) as err:
        await client.cameras()
    ended = set(client._ended) | {client._current.id if client._current else ""}
    texts = str(client.captures.as_dict()) + str(err.value)
    assert ended - {""}
    assert not any(session_id in texts for session_id in ended - {""})
    assert client.scrub(f"s={next(iter(ended - {''}))}") == "s=<session>"


async def test_mjpeg_stream_is_not_cut_by_a_total_timeout(
    emulator: ExacqVisionEmulator,
) -> None:
    """The stream outlives the session's total timeout; None where no stream is offered."""
    emulator.mjpeg_interval = 0.4
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.6)) as session:
        client = ExacqVisionClient(
            session, emulator.host, port=emulator.port, username=USER, password=PASSWORD
        )
        response = await client.open_mjpeg(CAM1)
        assert response is not None
        body = await response.read()
        response.release()
        assert body.count(b"--frame") == emulator.mjpeg_frames
        emulator.mjpeg_enabled = False
        assert await client.open_mjpeg(CAM1) is None
        await client.async_close()


async def test_ptz_commands(client: ExacqVisionClient, emulator: ExacqVisionEmulator) -> None:
    """Presets and moves reach the camera; an unknown direction is refused locally."""
    await client.recall_preset(CAM1, "2")
    await client.ptz_move(CAM1, "ul", pan_speed=30, tilt_speed=30)
    await client.ptz_stop(CAM1)
    camera = emulator.server.cameras[CAM1]
    assert camera.last_preset == "2"
    assert camera.moves == [
        {"pspeed": "30", "tspeed": "30"},
        {"direction": "ul"},
        {"direction": "stop"},
    ]
    with pytest.raises(ValueError, match="direction"):
        await client.ptz_move(CAM1, "x")


@pytest.mark.parametrize("refusal", ["401", "success_false"])
async def test_refused_login_is_a_wrong_password(
    emulator: ExacqVisionEmulator, session: aiohttp.ClientSession, refusal: str
) -> None:
    """However ``login.web`` refuses the credentials, it is InvalidAuth (the only one)."""
    emulator.login_refusal = refusal
    client = ExacqVisionClient(
        session, emulator.host, port=emulator.port, username=USER, password="wrong"
    )
    with pytest.raises(InvalidAuth):
        await client.login()


async def test_malformed_login_request_is_not_a_wrong_password(
    emulator: ExacqVisionEmulator, session: aiohttp.ClientSession
) -> None:
    """A 400 on login (the request, not the password) is a device error; login stays possible."""
    emulator.login_refusal = "400"
    client = ExacqVisionClient(
        session, emulator.host, port=emulator.port, username=USER, password="wrong"
    )
    with pytest.raises(DeviceError) as err:
        await client.login()
    assert not isinstance(err.value, InvalidAuth)
    client._password = PASSWORD
    assert (await client.login()).session_id in emulator.sessions


async def test_forbidden_snapshot_is_not_retried_in_other_forms(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """A user who may not see a camera: NotPermitted at once, no other URL forms tried."""
    camera = (await client.cameras())[0]
    before = len(emulator.requests)
    emulator.faults.status = 403
    with pytest.raises(NotPermitted):
        await client.snapshot(camera)
    assert len(emulator.requests) - before == 1


async def test_mjpeg_after_an_expired_session(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """An expired session before a stream: one new login, then the stream."""
    client.fresh_window = 0
    await client.login()
    emulator.expire_sessions()
    response = await client.open_mjpeg(CAM1)
    assert response is not None
    response.release()
    assert _logins(emulator) == 2


async def test_bookmark_with_description_and_refusal(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """A bookmark carries its description; a refused one raises a device error."""
    await client.create_bookmark(
        CAM1, "Door", "2026-12-05T08:00:00-04:00", "2026-12-05T08:01:00-04:00", "ring"
    )
    assert emulator.commands[-1].name == "bookmark"
    with pytest.raises(DeviceError):
        await client.create_bookmark(CAM1, "", "2026-12-05T08:00:00-04:00", "x")


async def test_write_refused_with_success_false_is_not_sent_again(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """A write answered ``success: false`` may have run: a device error, no re-login, no resend."""
    client.fresh_window = 0
    await client.login()
    emulator.expired_answer = "success_false"
    emulator.expire_sessions()
    requests = len(emulator.requests)
    with pytest.raises(DeviceError) as err:
        await client.set_soft_trigger("4653312", True)
    assert not isinstance(err.value, InvalidAuth | NotSupported)
    assert len(emulator.requests) - requests == 1
    assert len(await client.cameras()) == 4  # a read logs in again
    assert _logins(emulator) == 2
