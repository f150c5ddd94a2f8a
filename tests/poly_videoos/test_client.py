"""The Poly VideoOS client against the emulator, without Home Assistant."""

from __future__ import annotations

import aiohttp
import pytest

from custom_components.proav.devices.errors import (
    CannotConnect,
    DeviceBusy,
    DeviceError,
    InvalidAuth,
    InvalidResponse,
    NotPermitted,
    NotSupported,
)
from custom_components.proav.devices.poly_videoos.client import (
    RECYCLE_AFTER,
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
    """A refused login is InvalidAuth and latches: no further login until the client is rebuilt."""
    emulator.password = "changed"
    with pytest.raises(InvalidAuth):
        await client.audio()
    emulator.password = "secret"
    with pytest.raises(InvalidAuth):
        await client.audio()
    with pytest.raises(InvalidAuth):
        await client.login()
    assert emulator.login_attempts == 1
    assert emulator.state.failed_logins == 1


@pytest.mark.parametrize("reason", [False, True])
async def test_lockout_is_not_a_wrong_password(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient, reason: bool
) -> None:
    """A lockout (403 LOCKOUT or 400 SessionPortLockout) backs off instead of reauth."""
    emulator.state.failed_logins = emulator.lockout_after
    emulator.lockout_reason = reason
    with pytest.raises(LockedOut) as err:
        await client.audio()
    assert not isinstance(err.value, InvalidAuth)
    assert err.value.retry_after
    with pytest.raises(LockedOut):
        await client.audio()
    assert emulator.login_attempts == 1  # backing off: the codec is left alone


async def test_login_success_false_is_checked(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """A login answered 200 with success false is a refused login, not a session."""
    emulator.refusal = "success_false"
    emulator.password = "changed"
    with pytest.raises(InvalidAuth):
        await client.audio()
    assert not client.logged_in


async def test_auth_refused_everywhere(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """Every request refused, the login too: the credentials were refused (no loop)."""
    await client.audio()
    emulator.faults.status = 403
    with pytest.raises(InvalidAuth):
        await client.audio()
    assert emulator.requests.count("POST /rest/session") == 2


async def test_read_refused_after_fresh_login_is_not_permitted(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """A read refused again right after a fresh login is a policy, not a wrong password.

    The old session is deleted before the new login: the codec holds one session of ours.
    """
    await client.audio()
    emulator.forbidden.add("/rest/system/status")
    with pytest.raises(NotPermitted):
        await client.system_status()
    assert emulator.logins == 2
    assert len(emulator.deleted_sessions) == 1
    assert len(emulator.sessions) == 1
    assert (await client.audio()).volume == 62  # the new session works


async def test_refused_write_is_never_sent_again(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """A write refused by a partner mode raises NotPermitted: no new login, no second send."""
    await client.audio()
    emulator.partner = "teams"
    with pytest.raises(NotPermitted):
        await client.set_volume(20)
    assert emulator.logins == 1
    assert emulator.requests.count("POST /rest/audio/volume") == 1
    assert emulator.state.volume == 62


async def test_write_on_expired_session_is_not_resent(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """A write refused by a dead session renews the session but is not sent again."""
    await client.audio()
    emulator.expire_sessions()
    with pytest.raises(DeviceBusy) as err:
        await client.set_volume(20)
    assert err.value.code == "session_renewed"
    assert emulator.requests.count("POST /rest/audio/volume") == 1
    assert emulator.logins == 2
    assert (await client.set_volume(20)).volume == 20


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


async def test_one_kept_alive_connection(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """Requests share one kept-alive connection instead of a TLS handshake each."""
    for _ in range(5):
        await client.audio()
        await client.conferences()
    assert len(emulator.connection_headers) == 11
    assert "close" not in {header.lower() for header in emulator.connection_headers if header}
    assert len(emulator.connections_seen) == 1


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
    assert emulator.state.dtmf == ["1", "2", "#"]  # one digit per request
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


async def test_meeting_id_with_slash_is_quoted(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """Exchange meeting ids are base64 (``/``, ``+``, ``=``): quoted, they reach the meeting."""
    emulator.add_meeting("AAMk/AG+xy=", "Board", start=1_900_000_000, duration=600)
    await client.join_meeting("AAMk/AG+xy=")
    assert emulator.commands[-1].params == {"id": "AAMk/AG+xy="}
    assert "POST /rest/calendar/meetings/AAMk%2FAG%2Bxy%3D" in emulator.requests


@pytest.mark.parametrize(
    ("status", "content_type", "error", "code"),
    [
        (302, "text/plain", NotSupported, 302),
        (200, "text/html", NotSupported, "html"),
        (501, "application/json", NotSupported, 501),
        (429, "application/json", DeviceBusy, 429),
        (503, "application/json", DeviceBusy, 503),
        (418, "application/json", DeviceError, 418),
        (500, "application/json", CannotConnect, 500),
    ],
)
async def test_answers_map_to_the_error_model(
    emulator: PolyVideoOSEmulator,
    client: PolyVideoOSClient,
    status: int,
    content_type: str,
    error: type[Exception],
    code: object,
) -> None:
    """Redirects, web pages, busy and odd statuses become the shared error kinds."""
    emulator.overrides["GET /rest/system/status"] = (status, content_type, "<html></html>")
    with pytest.raises(error) as err:
        await client.system_status()
    assert getattr(err.value, "code", None) == code
    assert not isinstance(err.value, InvalidAuth)


async def test_session_already_active_reuses_the_session_held(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """A codec that keeps our session and answers a new login SessionAlreadyActive: reuse it."""
    await client.audio()
    held = next(iter(emulator.sessions))
    emulator.overrides["DELETE /rest/session"] = (500, "application/json", "{}")
    emulator.login_reason = "SessionAlreadyActive"
    client._session_started -= RECYCLE_AFTER + 1  # time to recycle
    assert (await client.audio()).volume == 62
    assert list(emulator.sessions) == [held]
    assert emulator.logins == 1


async def test_login_without_session_id(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """A login answer without a session id is an odd answer, not a wrong password."""
    emulator.overrides["POST /rest/session"] = (200, "application/json", '{"success": true}')
    with pytest.raises(InvalidResponse):
        await client.audio()


async def test_provider_switch_refused(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """An app the codec does not know is refused with the codec's own code."""
    assert await client.apps() == ("Poly", "Microsoft Teams", "Zoom Rooms")
    with pytest.raises(DeviceError) as err:
        await client.set_provider("Webex")
    assert err.value.code == "UNKNOWNAPP"
    await client.set_provider("Zoom Rooms")
    assert (await client.system_mode()).provider == "zoom"


@pytest.mark.parametrize(
    ("reason", "error", "latched"),
    [
        ("SessionRequestInvalid", InvalidAuth, True),  # sifuas: bad credentials
        ("SessionLimitReached", DeviceError, False),  # any other refusal: not a password
    ],
)
async def test_login_refusal_reasons(
    emulator: PolyVideoOSEmulator,
    client: PolyVideoOSClient,
    reason: str,
    error: type[Exception],
    latched: bool,
) -> None:
    """Only a credentials refusal is InvalidAuth (and stops logins); others are retried later."""
    emulator.login_reason = reason
    with pytest.raises(error) as err:
        await client.audio()
    assert isinstance(err.value, InvalidAuth) is latched
    emulator.login_reason = None
    if latched:
        with pytest.raises(InvalidAuth):
            await client.audio()
        assert emulator.login_attempts == 1
    else:
        assert (await client.audio()).volume == 62


async def test_refused_login_while_starting_after_reboot(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """A codec refusing logins while it starts after our reboot is busy, not a wrong password."""
    await client.reboot()
    emulator.overrides["POST /rest/session"] = (403, "application/json", '{"success": false}')
    with pytest.raises(DeviceBusy) as err:
        await client.audio()
    assert err.value.code == "starting"
    emulator.overrides.clear()
    assert (await client.audio()).volume == 62
