"""The HA-free client and models against the emulator: auth, errors, parsing."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from custom_components.proav.devices.aten_vp2730.client import (
    AtenApiError,
    AtenClient,
    AtenUnavailable,
)
from custom_components.proav.devices.aten_vp2730.models import (
    API,
    State,
    SystemInfo,
    VideoOutput,
    merge_event,
    resource_update,
)
from custom_components.proav.devices.errors import (
    CannotConnect,
    DeviceBusy,
    InvalidAuth,
    InvalidResponse,
    NotPermitted,
    NotSupported,
)
from tests.emulators.aten_vp2730 import SERIAL, USERNAME, AtenEmulator


async def test_reads_the_whole_state(client: AtenClient, emulator: AtenEmulator) -> None:
    """One token, every resource parsed into typed models."""
    state = await client.async_get_state()
    assert emulator.logins == 1
    assert state.info.serial_number == SERIAL
    assert list(state.video_inputs) == [str(n) for n in range(7)]
    assert [out.name for out in state.video_outputs.values()] == [
        "Display A",
        "Display B",
        "Display C",
    ]
    assert list(state.audio_inputs) == ["STM1", "AIN1"]
    assert state.audio_outputs["ALL"].mute.valid == (1, 2)
    assert [profile.multiview for profile in state.profiles.values()] == ["0", "1", "2", "3"]
    assert state.profile_now is not None
    assert state.profile_now.name == "Profile 0"
    assert state.resolutions[17] == "1920x1080@60"
    assert state.connections == {"0": "0", "1": "1", "2": "2"}
    assert state.golive == {"0": 1, "1": 1, "2": 0}
    assert state.multiviews["0"].views[1].source == "1"
    assert state.room is not None
    assert state.room.code == "1114"
    assert not state.sharing


async def test_expired_token_is_renewed_once(client: AtenClient, emulator: AtenEmulator) -> None:
    """A 401 signs in again and retries the request."""
    await client.async_get_info()
    emulator.expire_sessions()
    await client.async_set_live("0", True)
    assert emulator.logins == 2
    assert emulator.command_names() == ["golive start"]


async def test_token_ttl(client: AtenClient, emulator: AtenEmulator) -> None:
    """Tokens that time out on the device are renewed the same way."""
    emulator.token_ttl = 600
    await client.async_get_info()
    # Age every issued token past its lifetime.
    emulator.tokens = dict.fromkeys(emulator.tokens, -1000.0)
    await client.async_get_info()
    assert emulator.logins == 2


async def test_wrong_password(emulator: AtenEmulator, session: aiohttp.ClientSession) -> None:
    """The token endpoint's 400 means invalid credentials."""
    client = AtenClient(
        session, emulator.host, port=emulator.port, ssl=False, username=USERNAME, password="no"
    )
    with pytest.raises(InvalidAuth):
        await client.async_get_info()


async def test_password_changed_after_login(client: AtenClient, emulator: AtenEmulator) -> None:
    """A rejected token whose re-login fails is invalid auth; no login is tried after it."""
    await client.async_get_info()
    emulator.password = "changed"
    emulator.expire_sessions()
    with pytest.raises(InvalidAuth):
        await client.async_get_info()
    logins = len([r for r in emulator.requests if r == f"POST {API}/auth/tokens"])
    with pytest.raises(InvalidAuth):
        await client.async_get_info()
    assert len([r for r in emulator.requests if r == f"POST {API}/auth/tokens"]) == logins


async def test_refusal_after_a_fresh_login_is_not_a_wrong_password(
    client: AtenClient, emulator: AtenEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 401 right after a successful re-login is NotPermitted, and only one re-login is made."""
    await client.async_get_info()
    monkeypatch.setattr(emulator, "_token_valid", lambda token: False)
    with pytest.raises(NotPermitted):
        await client.async_get_info()
    assert emulator.logins == 2


async def test_login_body_errors_are_not_a_wrong_password(
    client: AtenClient, emulator: AtenEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A login 400 with another code (a malformed request) does not mean invalid auth."""

    async def refuse(_request: object) -> None:
        from tests.emulators.aten_vp2730 import ApiError

        raise ApiError(40004)

    monkeypatch.setattr(emulator, "_login", refuse)
    with pytest.raises(AtenApiError) as error:
        await client.async_get_info()
    assert not isinstance(error.value, InvalidAuth)
    assert error.value.code == 40004


async def test_busy_and_session_cap(client: AtenClient, emulator: AtenEmulator) -> None:
    """50303 "maximum exceeded" at login is a busy device, not a wrong password."""
    emulator.max_tokens = 0
    with pytest.raises(DeviceBusy) as busy:
        await client.async_get_info()
    assert busy.value.code == 50303


async def test_logout_deletes_the_token(client: AtenClient, emulator: AtenEmulator) -> None:
    """Closing the client deletes its token on the device; a device without the route is fine."""
    await client.async_get_info()
    assert emulator.open_tokens() == 1
    await client.async_close()
    assert emulator.open_tokens() == 0
    assert emulator.logouts == 1
    emulator.logout_supported = False
    await client.async_get_info()
    await client.async_close()  # 405: no error
    assert client.token is None


async def test_requests_in_flight_are_capped(client: AtenClient, emulator: AtenEmulator) -> None:
    """A full read keeps at most MAX_IN_FLIGHT requests open at once."""
    from custom_components.proav.devices.aten_vp2730.client import MAX_IN_FLIGHT

    in_flight = peak = 0
    original = emulator._dispatch

    async def counting(request: object) -> object:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            await asyncio.sleep(0.01)
            return await original(request)  # type: ignore[arg-type]
        finally:
            in_flight -= 1

    emulator._dispatch = counting  # type: ignore[method-assign]
    await client.async_get_state()
    assert 1 < peak <= MAX_IN_FLIGHT


async def test_optional_resources_missing_or_forbidden(
    client: AtenClient, emulator: AtenEmulator
) -> None:
    """A firmware without go-live, a tier without participants: the rest still reads."""
    emulator.missing = {"video/golive", "video/multiviews"}
    emulator.forbidden = {"system/participants"}
    state = await client.async_get_state()
    assert state.golive == {}
    assert state.multiviews == {}
    assert state.participants == ()
    assert state.connections == {"0": "0", "1": "1", "2": "2"}
    assert client.capabilities.lacks(f"{API}/video/golive")
    assert client.capabilities.state(f"{API}/system/participants").support == "not_permitted"
    gets = emulator.requests.count(f"GET {API}/video/golive")
    await client.async_get_state()
    assert emulator.requests.count(f"GET {API}/video/golive") == gets  # not asked again


async def test_a_required_resource_missing_fails_the_read(
    client: AtenClient, emulator: AtenEmulator
) -> None:
    """Routing is what setup needs: without it the read fails (as not supported)."""
    emulator.missing = {"video/connections"}
    with pytest.raises(NotSupported):
        await client.async_get_state()


async def test_device_errors_keep_their_code(client: AtenClient) -> None:
    """Documented {code, message} bodies become typed errors."""
    with pytest.raises(AtenApiError) as out_of_range:
        await client.async_set_output_choice("0", "displayResolution", 12345)
    assert out_of_range.value.code == 40001
    with pytest.raises(AtenApiError) as unknown:
        await client.async_set_connection("9", "0")
    assert unknown.value.code == 40401
    with pytest.raises(NotPermitted) as unsupported:
        await client.async_set_audio("inputs", "STM1", gain=10)
    assert unsupported.value.code == 40002
    with pytest.raises(NotPermitted) as not_live_capable:
        await client.async_set_live("2", True)
    assert not_live_capable.value.code == 40002
    with pytest.raises(NotSupported) as no_route:
        await client.request("GET", f"{API}/video/nothing")
    assert no_route.value.code == 40400


async def test_server_errors_mean_unavailable(client: AtenClient, emulator: AtenEmulator) -> None:
    """5xx answers are connection problems; 503 (overloaded) is a busy device."""
    emulator.faults.status = 500
    with pytest.raises(AtenUnavailable):
        await client.async_get_info()
    emulator.faults.status = 503
    with pytest.raises(DeviceBusy):
        await client.async_get_info()


async def test_malformed_answers(client: AtenClient, emulator: AtenEmulator) -> None:
    """A body that is not JSON is an invalid response."""
    await client.async_login()
    emulator.faults.malformed = True
    with pytest.raises(InvalidResponse):
        await client.async_get_state()


async def test_device_down(client: AtenClient, emulator: AtenEmulator) -> None:
    """A refused connection is CannotConnect."""
    await emulator.set_down(True)
    with pytest.raises(CannotConnect):
        await client.async_get_info()


async def test_every_write_of_the_mapping(client: AtenClient, emulator: AtenEmulator) -> None:
    """The writes without an entity of their own are accepted by the device too."""
    state = await client.async_get_state()
    await client.async_set_connections({"0": "3", "1": "4"})
    await client.async_set_input_name("0", "Laptop")
    emulator.strict_writes = True
    await client.async_set_room(code="4321", moderator="3KvfH4n6G6")
    layout = state.multiviews["0"]
    await client.async_set_multiview(layout)
    await client.async_set_output_choice("1", "fitMode", 3)
    assert emulator.command_names() == [
        "patch video/connections",
        "patch video/inputs",
        "patch system/room",
        "patch video/multiviews",
        "patch video/outputs",
    ]
    state = await client.async_get_state()
    assert state.connections["1"] == "4"
    assert state.video_inputs["0"].name == "Laptop"
    assert state.room is not None
    assert (state.room.code, state.room.moderator) == ("4321", "3KvfH4n6G6")
    assert state.video_outputs["1"].fit_mode is not None
    assert state.video_outputs["1"].fit_mode.value == 3


async def test_thumbnail_uses_the_configured_address(client: AtenClient) -> None:
    """The device's thumbnail URL names its own IP; the client asks the configured host."""
    state = await client.async_get_state()
    assert state.video_inputs["0"].thumbnail.startswith("https://10.3.56.56")
    thumbnail = await client.async_get_thumbnail(state.video_inputs["0"].thumbnail)
    assert thumbnail.startswith(b"BM")  # as the device sends it: a BMP picture


def test_models_tolerate_unknown_fields_and_values() -> None:
    """Unknown fields are ignored; unknown enum values kept; the documented typo read."""
    info = SystemInfo.parse(
        {"serialNumber": " SN1 ", "status": "newStatus", "buildVerison": "42", "extra": 1}
    )
    assert (info.serial_number, info.status, info.build_version) == ("SN1", "newStatus", "42")
    output = VideoOutput.parse({"id": 0, "blank": {"value": 7}, "fitMode": "weird"})
    assert output.id == "0"
    assert output.blank is not None
    assert output.blank.value == 7
    assert output.fit_mode is None  # not sent in a known shape: unknown, not "off"
    assert output.status is None


MASTER = {
    "outputs": [
        {
            "id": "ALL",
            "name": "ALL",
            "type": "overall",
            "idx": -1,
            "status": 0,
            "volume": 80,
            "gain": -1,
            "mute": {"valid": [1, 2], "value": 1},
        }
    ]
}


def test_a_mute_only_event_keeps_the_volume() -> None:
    """The review's case: an echo of a mute PATCH must not set the master volume to 0."""
    merged = merge_event(
        f"{API}/audio/outputs", MASTER, {"outputs": [{"id": "ALL", "mute": {"value": 2}}]}
    )
    state = resource_update(f"{API}/audio/outputs", merged)(
        State(info=SystemInfo.parse({"serialNumber": "S"}))
    )
    port = state.audio_outputs["ALL"]
    assert (port.volume, port.status) == (80, 0)
    assert port.mute is not None
    assert (port.mute.value, port.mute.valid) == (2, (1, 2))


@pytest.mark.parametrize(
    ("event", "body", "payload"),
    [
        (f"{API}/video/golive", {"golive": [{"id": "0", "status": 1}]}, {"golive": "x"}),
        (f"{API}/video/inputs", {"inputs": [{"id": "0"}]}, {"inputs": [{"name": "no id"}]}),
        (f"{API}/system/room", {"name": "R"}, ["not", "an", "object"]),
        (f"{API}/video/snapshots/state", {}, {"state": "done"}),
        (f"{API}/video/vpProfiles/now", {"id": "0", "name": "P0", "multiview": "0"}, None),
        # A bare id of another profile would keep the old name: re-read instead.
        (f"{API}/video/vpProfiles/now", {"id": "0", "name": "P0", "multiview": "0"}, {"id": "1"}),
        # Other items than known: a partial list or a real change; only REST can tell.
        (f"{API}/audio/outputs", MASTER, {"outputs": [{"id": "OTHER", "volume": 1}]}),
        (f"{API}/system/participants/share", {"participants": []}, {"id": "x", "share": []}),
        (f"{API}/video/connections", None, {"connections": []}),
    ],
)
def test_unmergeable_events_ask_for_a_re_read(event: str, body: object, payload: object) -> None:
    """An event of an unknown shape is never guessed: the caller re-reads its resource."""
    assert merge_event(event, body, payload) is None


def test_object_events_merge_field_by_field() -> None:
    """A room event with only a name keeps the code and verification."""
    room = {"name": "A", "security": {"code": "1114", "verification": 2}}
    assert merge_event(f"{API}/system/room", room, {"name": "B"}) == {
        "name": "B",
        "security": {"code": "1114", "verification": 2},
    }
    status = merge_event(f"{API}/maintenance/status", {"serialNumber": "S"}, {"status": "x"})
    assert status == {"serialNumber": "S", "status": "x"}


def test_resource_update_replaces_one_field() -> None:
    """A parsed resource replaces only its own part of the state."""
    update = resource_update(f"{API}/video/golive", {"golive": [{"id": "0", "status": 2}]})
    info = SystemInfo.parse({"serialNumber": "S"})
    state = update(State(info=info, connections={"0": "1"}))
    assert state.golive == {"0": 2}
    assert state.connections == {"0": "1"}


async def test_room_code_tier(emulator: AtenEmulator, session: aiohttp.ClientSession) -> None:
    """The lower ``roomcode:`` tier may read participants but not control the device."""
    base = f"{emulator.url}{API}"
    header = {"Authorization": "roomcode:1114"}
    async with session.get(f"{base}/system/participants", headers=header) as response:
        assert response.status == 200
    async with session.patch(
        f"{base}/audio/outputs/ALL", headers=header, json={"volume": 1}
    ) as response:
        assert response.status == 403
        assert (await response.json())["code"] == 40300
    async with session.get(
        f"{base}/system/participants", headers={"Authorization": "roomcode:0000"}
    ) as response:
        assert response.status == 401
    async with session.get(f"{emulator.url}/api/v1.0/system/info") as response:
        assert (await response.json())["code"] == 50100


async def test_a_web_page_instead_of_json_is_a_missing_route(
    client: AtenClient, emulator: AtenEmulator
) -> None:
    """Firmware that answers an unknown route with its web page: the resource is lacking."""
    emulator.missing = {"video/multiviews"}
    emulator.html_for_missing = True
    state = await client.async_get_state()
    assert state.multiviews == {}
    assert client.capabilities.lacks(f"{API}/video/multiviews")
    with pytest.raises(NotSupported):
        await client.request("GET", f"{API}/video/multiviews")


async def test_slow_device_times_out(client: AtenClient, emulator: AtenEmulator) -> None:
    """No answer in time is CannotConnect (the message names the resource, not the URL)."""
    client._timeout = 0.05
    emulator.faults.slow = 0.5
    with pytest.raises(CannotConnect, match="timed out"):
        await client.async_get_info()


async def test_thumbnail_url_must_be_a_static_file(client: AtenClient) -> None:
    """A thumbnail URL outside /static is refused (never fetched)."""
    with pytest.raises(InvalidResponse):
        await client.async_get_thumbnail("https://10.0.0.1/api/v2.0/system/info")


async def test_room_writes_need_the_room_name(client: AtenClient, emulator: AtenEmulator) -> None:
    """Set Room always carries the name: read first when the caller did not give one."""
    emulator.strict_writes = True
    await client.async_set_room(description="3rd floor")
    assert emulator.commands[-1].params["body"] == {"name": "VP2730", "description": "3rd floor"}
    del emulator.state["system/room"]["name"]
    with pytest.raises(InvalidResponse):
        await client.async_set_room(description="x")
    with pytest.raises(InvalidResponse):
        await client.async_set_room_verification(True)


@pytest.mark.parametrize("encoding", ["0/1", "1/2"])
async def test_room_verification_is_read_back(
    client: AtenClient, emulator: AtenEmulator, encoding: str
) -> None:
    """Either encoding ends up right on the device; the one that worked is kept."""
    emulator.room_verification_write_encoding = encoding
    for on in (True, False, True):
        await client.async_set_room_verification(on)
        assert emulator.state["system/room"]["security"]["verification"] == (2 if on else 1)
    assert client.verification_encoding == (0 if encoding == "0/1" else 1)
    patches = emulator.command_names().count("patch system/room")
    await client.async_set_room_verification(False)
    assert emulator.command_names().count("patch system/room") == patches + 1  # no retry now


async def test_room_verification_that_never_takes(
    client: AtenClient, emulator: AtenEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A device that accepts the write but never changes: an error, not a silent success."""
    monkeypatch.setattr(emulator, "_patch_room", lambda body: None)
    with pytest.raises(AtenApiError):
        await client.async_set_room_verification(True)


async def test_per_id_writes_fall_back_to_the_bulk_form(
    client: AtenClient, emulator: AtenEmulator
) -> None:
    """405 on PATCH /video/outputs/<id>: the documented bulk form, remembered from then on."""
    emulator.bulk_only = True
    await client.async_set_output_switch("1", "blank", True)
    await client.async_set_connection("2", "5")
    assert client.bulk_only == {"video/outputs", "video/connections"}
    await client.async_set_output_switch("1", "blank", False)
    lines = [r for r in emulator.requests if r.startswith("PATCH")]
    assert lines == [
        f"PATCH {API}/video/outputs/1",
        f"PATCH {API}/video/outputs",
        f"PATCH {API}/video/connections/2",
        f"PATCH {API}/video/connections",
        f"PATCH {API}/video/outputs",
    ]
    assert emulator.state["video/connections"]["connections"][2]["videoInput"] == "5"


async def test_video_configs_carry_both_fields(client: AtenClient, emulator: AtenEmulator) -> None:
    """Set Video Configs sends EDID and input stream together, the unchanged one as it is."""
    emulator.strict_writes = True
    state = await client.async_get_state()
    assert state.video_configs is not None
    await client.async_set_video_configs(state.video_configs, edid=2)
    assert emulator.commands[-1].params["body"] == {
        "edid": {"value": 2},
        "inputStream": {"value": 2},
    }
