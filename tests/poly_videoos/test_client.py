"""The Poly VideoOS client against the emulator, without Home Assistant."""

from __future__ import annotations

import aiohttp
import pytest

from custom_components.proav.devices.errors import CannotConnect, InvalidAuth, InvalidResponse
from custom_components.proav.devices.poly_videoos.client import (
    LockedOut,
    MuteLocked,
    PolyVideoOSClient,
)
from custom_components.proav.devices.poly_videoos.models import (
    CameraDirection,
    Conference,
    DialType,
    Meeting,
    Snapshot,
    StatusItem,
)
from tests.emulators.poly_videoos import PolyVideoOSEmulator


async def test_login_keeps_session_and_sends_xsrf_token(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """One login serves many requests; every request carries the XSRF token."""
    audio = await client.audio()
    await client.conferences()
    assert (audio.volume, audio.muted, audio.mute_locked, audio.mics_connected) == (
        62,
        False,
        False,
        1,
    )
    assert emulator.logins == 1
    assert client.logged_in


async def test_xsrf_header_is_required(
    emulator: PolyVideoOSEmulator, session: aiohttp.ClientSession
) -> None:
    """Without the X-XSRF-Token header a VideoOS 4.6.2+ codec refuses the request."""
    async with session.post(
        f"{emulator.url}/rest/session", json={"user": "admin", "password": "secret"}
    ) as login:
        session_id = login.cookies["session_id"].value
    async with session.get(
        f"{emulator.url}/rest/audio", cookies={"session_id": session_id}
    ) as response:
        assert response.status == 403


async def test_expired_session_is_renewed(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """A 403 on an expired session leads to one new login and a retry."""
    await client.audio()
    emulator.expire_sessions()
    assert (await client.audio()).volume == 62
    assert emulator.logins == 2


async def test_401_is_handled_like_403(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """Some firmware answers 401 for an expired session."""
    emulator.auth_failure_status = 401
    await client.audio()
    emulator.expire_sessions()
    await client.audio()
    assert emulator.logins == 2


async def test_session_idle_timeout(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """A session idle for longer than the device allows is renewed."""
    await client.audio()
    for session in emulator.sessions.values():
        session.last_used -= emulator.session_timeout + 1
    await client.audio()
    assert emulator.logins == 2


async def test_wrong_password(emulator: PolyVideoOSEmulator, client: PolyVideoOSClient) -> None:
    """A refused login is a typed auth error, and is not retried by itself (lockout)."""
    emulator.password = "changed"
    with pytest.raises(InvalidAuth):
        await client.audio()
    with pytest.raises(InvalidAuth):
        await client.audio()
    assert emulator.state.failed_logins == 1
    emulator.password = "secret"
    await client.login()
    assert (await client.audio()).volume == 62


async def test_lockout_is_told_apart(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """After too many failures the device locks the account."""
    emulator.state.failed_logins = emulator.lockout_after
    with pytest.raises(LockedOut):
        await client.login()


async def test_auth_refused_after_relogin(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """A request refused even after a fresh login raises InvalidAuth (no loop)."""
    await client.audio()
    emulator.faults.status = 403
    with pytest.raises(InvalidAuth):
        await client.audio()


async def test_device_down(emulator: PolyVideoOSEmulator, client: PolyVideoOSClient) -> None:
    """A device off the network is CannotConnect; 5xx too."""
    await emulator.set_down(True)
    with pytest.raises(CannotConnect):
        await client.audio()
    await emulator.set_down(False)
    emulator.faults.status = 500
    with pytest.raises(CannotConnect):
        await client.audio()


async def test_malformed_json(emulator: PolyVideoOSEmulator, client: PolyVideoOSClient) -> None:
    """Broken JSON is InvalidResponse."""
    await client.login()
    emulator.faults.malformed = True
    with pytest.raises(InvalidResponse):
        await client.audio()


async def test_no_connection_kept_open(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """Every request asks the device to close the connection."""
    await client.audio()
    await client.conferences()
    assert emulator.connection_headers
    assert {header.lower() for header in emulator.connection_headers if header} == {"close"}
    assert None not in emulator.connection_headers


async def test_logout(emulator: PolyVideoOSEmulator, client: PolyVideoOSClient) -> None:
    """Logging out ends the session on the device."""
    await client.audio()
    await client.logout()
    assert emulator.logouts == 1
    assert not emulator.sessions
    assert not client.logged_in
    await client.logout()
    assert emulator.logouts == 1


async def test_audio_commands(emulator: PolyVideoOSEmulator, client: PolyVideoOSClient) -> None:
    """Volume and mute commands return the confirmed state."""
    assert (await client.set_volume(30)).volume == 30
    assert (await client.set_muted(True)).muted
    assert emulator.state.muted


@pytest.mark.parametrize("status", [200, 405])
async def test_unmute_refused_while_locked(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient, status: int
) -> None:
    """Unmuting while mute is locked raises MuteLocked, whatever the device answers."""
    emulator.state.muted = emulator.state.mute_locked = True
    emulator.mute_lock_status = status
    with pytest.raises(MuteLocked):
        await client.set_muted(False)
    assert emulator.state.muted


async def test_calls(emulator: PolyVideoOSEmulator, client: PolyVideoOSClient) -> None:
    """Dial, read, quality, stats, hang up."""
    conference_id = await client.dial("1001@example.com", rate=1024, dial_type=DialType.SIP)
    conferences = await client.conferences()
    assert [c.id for c in conferences] == [conference_id]
    conference = conferences[0]
    assert conference.connected
    assert conference.far_end == "1001@example.com"
    assert conference.connections[0].rate == 1024
    assert (await client.terminal_quality(conference.id))[0].quality == 100
    assert len(await client.media_stats(conference.id)) == 4
    emulator.incoming_call("2002@example.com", name="Lisbon office")
    ringing = [c for c in await client.conferences() if not c.connected]
    assert ringing[0].connections[0].ringing_in
    assert ringing[0].far_end == "Lisbon office"
    connection = (await client.connections(ringing[0].id))[0]
    await client.hang_up_connection(ringing[0].id, connection.id)
    assert [c.id for c in await client.conferences()] == [conference_id]
    await client.hang_up_all()
    assert await client.conferences() == ()


async def test_content_video_modes(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """Content status, video privacy, device and signage modes."""
    assert await client.content_status() == "CONTENT_IDLE"
    emulator.start_content()
    assert await client.content_status() == "CONTENT_SENDING"
    assert await client.set_video_muted(True)
    assert await client.set_device_mode(True)
    assert not await client.set_signage_mode(False)
    assert await client.shared_media() == ()


async def test_cameras_and_presets(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """Camera list, preset store/recall/clear, moves, snapshots."""
    cameras = await client.cameras()
    assert [c.name for c in cameras if c.selected] == ["EagleEye Cube USB"]
    assert [p.index for p in await client.presets() if p.stored] == [1, 2, 3]
    await client.store_preset(5)
    await client.recall_preset(5)
    await client.clear_preset(1)
    assert [p.index for p in await client.presets() if p.stored] == [2, 3, 5]
    assert emulator.state.recalled_preset == 5
    await client.move_camera(CameraDirection.LEFT)
    assert emulator.state.moving == "MOVE_LEFT"
    await client.stop_camera()
    assert emulator.state.moving is None
    assert (await client.snapshot() or b"")[:2] == b"\xff\xd8"
    assert await client.snapshot(Snapshot.CONTENT) is None


async def test_calendar_and_system(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """Calendar status and meetings, identity, status, SIP, DTMF, reboot."""
    assert await client.calendar_status() == "ONLINE"
    meetings = await client.meetings(number=5)
    assert [m.subject for m in meetings] == ["Weekly sync"]
    await client.join_meeting("m1")
    assert (await client.conferences())[0].far_end == "sip:m1@meet.example.com"
    info = await client.system_info()
    assert (info.serial, info.model, info.name) == (emulator.serial, "Studio X50", "Boardroom")
    status = await client.system_status()
    assert (status[0].name, status[0].state) == ("system.status.ipnetwork", "up")
    sip = await client.sip_server()
    assert sip is not None
    assert sip.state == "ON"
    await client.send_dtmf("12#")
    assert emulator.state.dtmf == ["12#"]
    await client.reboot()
    assert not client.logged_in
    assert "reboot" in emulator.command_names()


def test_models_tolerate_nonsense() -> None:
    """Odd shapes parse to neutral values instead of raising."""
    assert (
        Conference.list_from_json({"id": "7", "connections": "x", "startTime": "abc"})[0].id == "7"
    )
    assert Conference.list_from_json(None) == ()
    assert Meeting.list_from_json([{"id": "x"}, 5]) == ()
    assert StatusItem.list_from_json([{"name": "a", "stateList": "up"}])[0].state is None
