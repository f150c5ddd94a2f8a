"""The HA-free client and models against the emulator: auth, errors, parsing."""

from __future__ import annotations

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
    event_update,
    resource_update,
)
from custom_components.proav.devices.errors import CannotConnect, InvalidAuth, InvalidResponse
from tests.emulators.aten_vp2730 import BMP, SERIAL, USERNAME, AtenEmulator


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
    """A rejected token whose re-login fails is invalid auth."""
    await client.async_get_info()
    emulator.password = "changed"
    emulator.expire_sessions()
    with pytest.raises(InvalidAuth):
        await client.async_get_info()


async def test_device_errors_keep_their_code(client: AtenClient) -> None:
    """Documented {code, message} bodies become typed errors."""
    with pytest.raises(AtenApiError) as out_of_range:
        await client.async_set_output_choice("0", "displayResolution", 12345)
    assert out_of_range.value.code == 40001
    with pytest.raises(AtenApiError) as unknown:
        await client.async_set_connection("9", "0")
    assert unknown.value.code == 40401
    with pytest.raises(AtenApiError) as unsupported:
        await client.async_set_audio("inputs", "STM1", gain=10)
    assert unsupported.value.code == 40002
    with pytest.raises(AtenApiError) as not_live_capable:
        await client.async_set_live("2", True)
    assert not_live_capable.value.code == 40002


async def test_server_errors_mean_unavailable(client: AtenClient, emulator: AtenEmulator) -> None:
    """5xx answers (maintenance, overload) are connection problems, not refusals."""
    emulator.faults.status = 503
    with pytest.raises(AtenUnavailable):
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
    assert state.video_outputs["1"].fit_mode.value == 3


async def test_thumbnail_uses_the_configured_address(client: AtenClient) -> None:
    """The device's thumbnail URL names its own IP; the client asks the configured host."""
    state = await client.async_get_state()
    assert state.video_inputs["0"].thumbnail.startswith("https://10.3.56.56")
    assert await client.async_get_thumbnail(state.video_inputs["0"].thumbnail) == BMP


def test_models_tolerate_unknown_fields_and_values() -> None:
    """Unknown fields are ignored; unknown enum values kept; the documented typo read."""
    info = SystemInfo.parse(
        {"serialNumber": " SN1 ", "status": "newStatus", "buildVerison": "42", "extra": 1}
    )
    assert (info.serial_number, info.status, info.build_version) == ("SN1", "newStatus", "42")
    output = VideoOutput.parse({"id": 0, "blank": {"value": 7}, "fitMode": "weird"})
    assert output.id == "0"
    assert output.blank.value == 7
    assert not output.fit_mode.supported


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        (f"{API}/video/golive", {"golive": "x"}),
        (f"{API}/video/inputs", {"inputs": [{"name": "no id"}]}),
        (f"{API}/system/room", ["not", "an", "object"]),
        (f"{API}/maintenance/status", {}),
        (f"{API}/video/snapshots/state", {"state": "done"}),
        (f"{API}/video/vpProfiles/now", None),
    ],
)
def test_unparsable_payloads_raise(event: str, payload: object) -> None:
    """A payload that does not parse is reported, never half-applied."""
    with pytest.raises(InvalidResponse):
        event_update(event, payload)


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
