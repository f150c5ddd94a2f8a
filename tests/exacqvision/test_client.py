"""The exacqVision client against the emulator: sessions, errors, video, commands."""

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
)
from custom_components.proav.devices.exacqvision.client import ExacqVisionClient
from custom_components.proav.devices.exacqvision.models import (
    ActiveEventType,
    ServerStatus,
    normalize_serial,
)
from tests.emulators.exacqvision import ExacqVisionEmulator

from .conftest import USER


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
    """The first call logs in; cameras, presets, triggers parse; logout ends the session."""
    cameras = await client.cameras()
    assert [camera.name for camera in cameras] == ["Camera 1", "Camera 2", "Camera 3", "Camera 4"]
    assert cameras[0].id == "4590080"
    assert [p.name for p in await client.presets(cameras[0].id)] == ["Entrance", "Parking", "Gate"]
    assert await client.presets(cameras[1].id) == []
    assert [t.name for t in await client.soft_triggers()] == ["Trigger 1", "Trigger 2"]
    assert (await client.system_info()).total_memory == 8192
    assert emulator.command_names() == ["login"]
    await client.logout()
    assert emulator.sessions == {}
    assert not client.logged_in


async def test_lowercase_session_id_is_accepted(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """Real web services answer ``sessionId``; the document says ``sessionID``."""
    emulator.emit_session_id_lowercase = True
    result = await client.login()
    assert result.session_id in emulator.sessions


async def test_expired_session_logs_in_again_with_the_token(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """A rejected session is replaced by a token login (single use), then by credentials."""
    await client.login()
    emulator.sessions.clear()  # the session expired; the token is still valid
    await client.cameras()
    assert [c.params["token"] for c in emulator.commands if c.name == "login"] == [False, True]
    emulator.expire_sessions()  # session and token gone: the credentials are used
    await client.cameras()
    assert [c.params["token"] for c in emulator.commands if c.name == "login"] == [
        False,
        True,
        False,
    ]


@pytest.mark.parametrize("answer", ["401", "redirect", "html", "success_false"])
async def test_every_expiry_signal_leads_to_a_new_login(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator, answer: str
) -> None:
    """However the web service says "session unknown", the client logs in again."""
    emulator.expired_answer = answer
    camera = (await client.cameras())[0]
    emulator.expire_sessions()
    assert (await client.snapshot(camera)).startswith(b"\xff\xd8")
    emulator.expire_sessions()
    assert len(await client.soft_triggers()) == 2
    assert emulator.command_names().count("login") == 3


async def test_idle_session_expires(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """The emulator drops idle sessions; the client recovers transparently."""
    await client.login()
    emulator.advance(emulator.session_idle + 1)
    assert len(await client.cameras()) == 4
    assert emulator.command_names().count("login") == 2


async def test_wrong_password(
    emulator: ExacqVisionEmulator, session: aiohttp.ClientSession
) -> None:
    """Rejected credentials raise InvalidAuth."""
    client = ExacqVisionClient(
        session, emulator.host, port=emulator.port, username=USER, password="wrong"
    )
    with pytest.raises(InvalidAuth):
        await client.cameras()


async def test_password_changed_while_logged_in(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """When the re-login after an expired session is rejected, InvalidAuth is raised."""
    await client.login()
    emulator.users["admin"] = "changed"
    emulator.expire_sessions()
    with pytest.raises(InvalidAuth):
        await client.status()


async def test_malformed_json(client: ExacqVisionClient, emulator: ExacqVisionEmulator) -> None:
    """A body that is not JSON raises InvalidResponse."""
    await client.login()
    emulator.faults.malformed = True
    with pytest.raises(InvalidResponse):
        await client.status()


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
    assert emulator.command_names().count("login") == 1


async def test_status_lists_only_important_items(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """One status request covers every camera; unlisted ones are in their normal state."""
    server = emulator.server
    camera = next(iter(server.cameras))
    emulator.set_camera(server, camera, motion=True, recording=False)
    status = await client.status()
    assert status.camera(camera).motion is True
    assert status.camera(camera).recording is False
    assert status.camera("4590336").recording is True
    server.alarms[11] = ""
    events = await client.active_events()
    assert {event.type for event in events} == {
        ActiveEventType.VIDEO_MOTION,
        ActiveEventType.STORAGE,
    }


def test_status_parser_tolerates_odd_shapes() -> None:
    """Grouped items, missing keys, unknown servers: nothing crashes, unknowns stay None."""
    grouped = {
        "servers": [
            {
                "id": "0",
                "items": {
                    "camera": [{"id": 7, "motion": "true"}],
                    "trigger": [{"id": 3, "state": "on"}],
                },
            },
            {"id": "9", "items": [{"id": 8, "motion": True}]},
            "junk",
        ]
    }
    status = ServerStatus.from_dict(grouped, "0")
    assert status.camera("7").motion is True
    assert status.camera("7").recording is None
    assert status.triggers_on == frozenset({"3"})
    assert "8" not in status.cameras
    assert ServerStatus.from_dict({"servers": "nonsense"}, "0") == ServerStatus()


async def test_snapshot_at_requested_size(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """Snapshots are JPEGs at the asked width (4:3), or the camera's own size."""
    camera = (await client.cameras())[0]
    image = Image.open(io.BytesIO(await client.snapshot(camera, width=320)))
    assert image.size == (320, 240)
    image = Image.open(io.BytesIO(await client.snapshot(camera)))
    assert image.format == "JPEG"


async def test_mjpeg_stream(client: ExacqVisionClient, emulator: ExacqVisionEmulator) -> None:
    """The MJPEG stream opens where offered; None where not."""
    response = await client.open_mjpeg("4590080")
    assert response is not None
    body = await response.read()
    response.release()
    assert body.count(b"--frame") == emulator.mjpeg_frames
    emulator.mjpeg_enabled = False
    assert await client.open_mjpeg("4590080") is None


async def test_ptz_commands(client: ExacqVisionClient, emulator: ExacqVisionEmulator) -> None:
    """Presets and moves reach the camera; an unknown direction is refused locally."""
    await client.recall_preset("4590080", "2")
    await client.ptz_move("4590080", "ul", pan_speed=30, tilt_speed=30)
    await client.ptz_stop("4590080")
    camera = emulator.server.cameras["4590080"]
    assert camera.last_preset == "2"
    assert camera.moves == [
        {"pspeed": "30", "tspeed": "30"},
        {"direction": "ul"},
        {"direction": "stop"},
    ]
    with pytest.raises(ValueError, match="direction"):
        await client.ptz_move("4590080", "x")


async def test_camera_without_jpeg_uses_thumbnails(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """A camera that serves only codec streams still gives a (thumbnail) picture."""
    emulator.server.cameras["4590080"].formats = [5]
    camera = (await client.cameras())[0]
    assert camera.jpeg_format is None
    image = Image.open(io.BytesIO(await client.snapshot(camera, width=640)))
    assert image.size == (200, 200)
