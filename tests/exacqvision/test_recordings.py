"""Recordings: export a clip as MP4 into the media folder, bookmark a recording."""

from __future__ import annotations

from pathlib import Path

from homeassistant.components import media_source
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.errors import CannotConnect
from custom_components.proav.devices.exacqvision.client import ExacqVisionClient
from tests.emulators.exacqvision import ExacqVisionEmulator

CAM1 = "4590080"


def _commands(emulator: ExacqVisionEmulator, name: str) -> list[dict[str, object]]:
    return [command.params for command in emulator.commands if command.name == name]


async def test_client_export_follows_progress_and_finishes(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """Create, read progress until 100, download, then finish (the export is freed)."""
    emulator.export_steps = 3
    body = await client.export_clip(
        CAM1, "2026-12-05T08:00:00-04:00", "2026-12-05T08:00:30-04:00", interval=0.01
    )
    assert body.startswith(b"\x00\x00\x00\x18ftyp")
    assert _commands(emulator, "export") == [
        {
            "camera": CAM1,
            "start": "2026-12-05T08:00:00-04:00",
            "end": "2026-12-05T08:00:30-04:00",
            "format": "mp4",
        }
    ]
    assert emulator.command_names()[-1] == "export_finish"
    assert emulator.exports == {}


async def test_export_clip_action_saves_an_mp4(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, loaded: MockConfigEntry
) -> None:
    """The last N seconds of a camera land in media/exacqvision, times in the server's zone."""
    emulator.export_steps = 1
    response = await hass.services.async_call(
        DOMAIN,
        "exacqvision_export_clip",
        {"entity_id": "camera.camera_1", "duration": 20, "filename": "../door bell"},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    path = Path(str(response["path"]))
    assert path.name == "door_bell.mp4"  # no way out of the media folder
    assert path.parent.name == "exacqvision"
    assert path.read_bytes().startswith(b"\x00\x00\x00\x18ftyp")
    assert (
        response["media_content_id"]
        == "media-source://media_source/local/exacqvision/door_bell.mp4"
    )
    (export,) = _commands(emulator, "export")
    assert str(export["start"]).endswith("-04:00")  # config.web's time zone: -4 h
    assert emulator.exports == {}


async def test_export_clip_errors_are_translated(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, loaded: MockConfigEntry
) -> None:
    """A web service without exports says so; a backwards window is refused before asking."""
    emulator.missing = {"export.web"}
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "exacqvision_export_clip",
            {"entity_id": "camera.camera_1"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "not_supported"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "exacqvision_export_clip",
            {
                "entity_id": "camera.camera_1",
                "start": "2026-12-05 10:00:00",
                "end": "2026-12-05 09:00:00",
            },
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "exacqvision_bad_window"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "exacqvision_export_clip",
            {"entity_id": "sensor.server_1_health"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "exacqvision_not_a_camera"


async def test_bookmark_action(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, loaded: MockConfigEntry
) -> None:
    """A bookmark of a camera's recording, 30 s either side of now by default."""
    await hass.services.async_call(
        DOMAIN,
        "exacqvision_bookmark",
        {"entity_id": "camera.camera_1", "name": "Doorbell"},
        blocking=True,
    )
    (bookmark,) = emulator.bookmarks
    assert bookmark["name"] == "Doorbell"
    assert (bookmark["itemType"], bookmark["itemId"]) == ("0", CAM1)
    assert bookmark["start"] < bookmark["end"]
    assert str(bookmark["start"]).endswith("-04:00")


async def test_export_frame_at_an_event_time(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, loaded: MockConfigEntry
) -> None:
    """The recorded frame at a moment is saved as a JPEG, the time in the server's zone."""
    response = await hass.services.async_call(
        DOMAIN,
        "exacqvision_export_frame",
        {"entity_id": "camera.camera_1", "time": "2026-12-05T12:00:00+00:00", "width": 320},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    path = Path(str(response["path"]))
    assert path.suffix == ".jpg"
    assert path.read_bytes().startswith(b"\xff\xd8")
    assert _commands(emulator, "recorded_frame") == [
        {"camera": CAM1, "time": "2026-12-05T08:00:00-04:00"}
    ]


async def test_media_source_browses_and_plays_recordings(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Server → camera → day → clips (a search, logged out); a clip plays as exported MP4."""
    emulator.export_steps = 1
    assert await async_setup_component(hass, "media_source", {})
    await hass.async_block_till_done()
    root = await media_source.async_browse_media(hass, f"media-source://{DOMAIN}")
    assert [child.title for child in root.children] == ["Server 1"]
    server = await media_source.async_browse_media(hass, root.children[0].media_content_id)
    assert [child.title for child in server.children] == [
        "Camera 1",
        "Camera 2",
        "Camera 3",
        "Camera 4",
    ]
    camera = await media_source.async_browse_media(hass, server.children[0].media_content_id)
    assert len(camera.children) == 7
    yesterday = camera.children[1]
    day = await media_source.async_browse_media(hass, yesterday.media_content_id)
    assert [child.title for child in day.children][:2] == [
        "02:00:00 - 02:10:00",  # 06:00 UTC, shown in the server's zone (-4 h)
        "05:00:00 - 05:10:00",
    ]
    (search,) = _commands(emulator, "search")
    assert str(search["start"]).endswith("T00:00:00-04:00")  # the server's own day
    assert emulator.searches == set()  # the search was ended
    clip = day.children[0]
    assert clip.can_play
    played = await media_source.async_resolve_media(hass, clip.media_content_id, None)
    assert played.mime_type == "video/mp4"
    client = await hass_client()
    response = await client.get(played.url)
    assert response.status == 200
    assert (await response.read()).startswith(b"\x00\x00\x00\x18ftyp")
    (export,) = _commands(emulator, "export")
    assert export["camera"] == CAM1
    assert str(export["start"]) == str(search["start"]).replace("T00:", "T02:")  # the clip's start
    assert emulator.exports == {}
    with pytest.raises(media_source.Unresolvable):
        await media_source.async_resolve_media(hass, f"media-source://{DOMAIN}/nope/1/2/3", None)
    for wrong in ("nope", f"{loaded.entry_id}/999", f"{loaded.entry_id}/{CAM1}/not-a-day"):
        with pytest.raises(BrowseError):
            await media_source.async_browse_media(hass, f"media-source://{DOMAIN}/{wrong}")
    emulator.missing = {"search.web"}
    with pytest.raises(BrowseError):
        await media_source.async_browse_media(hass, yesterday.media_content_id)
    gone = played.url.replace(loaded.entry_id, "nope")
    assert (await client.get(gone)).status in (401, 404)  # unknown server, or signature broken


async def test_client_export_that_never_completes_is_finished(
    client: ExacqVisionClient, emulator: ExacqVisionEmulator
) -> None:
    """An export stuck below 100 % ends with an error, and the export is still freed."""
    emulator.export_steps = 10_000
    with pytest.raises(CannotConnect):
        await client.export_clip(
            CAM1, "2026-12-05T08:00:00-04:00", "2026-12-05T08:00:30-04:00", interval=0.01, limit=0.2
        )
    assert emulator.command_names()[-1] == "export_finish"
    assert emulator.exports == {}
