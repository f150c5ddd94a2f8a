"""exacqVision recordings in Home Assistant's media browser: server → camera → day → clips.

Days and clips come from ``search.web`` (each search's id is logged out afterwards, as the
vendor document asks); a clip plays by exporting it as MP4 (``export.web``: create, progress,
download, finish) through a signed URL of Home Assistant. Times are the server's own zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from aiohttp import web
from homeassistant.components.http.auth import async_sign_path
from homeassistant.components.media_player.const import MediaClass
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.components.media_source.error import Unresolvable
from homeassistant.components.media_source.models import (
    BrowseMediaSource,
    MediaSource,
    MediaSourceItem,
    PlayMedia,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.util.hass_dict import HassKey

from ...const import CONF_DEVICE_TYPE, DOMAIN  # noqa: TID252
from ..errors import ProAVError  # noqa: TID252

if TYPE_CHECKING:
    from .runtime import ExacqRuntime

DAYS = 7  # days offered per camera
MAX_CLIP = timedelta(hours=1)  # longer recordings play their first hour
CLIP_URL = "/api/proav/exacqvision/clip"
FRAME_URL = "/api/proav/exacqvision/frame"
FRAME_LINK_VALID = timedelta(days=1)
MP4 = "video/mp4"
_VIEWS: HassKey[bool] = HassKey(f"{DOMAIN}_exacqvision_views")


async def async_get_media_source(hass: HomeAssistant) -> ExacqMediaSource:
    """Return the media source of exacqVision recordings (and serve its clips)."""
    async_register_views(hass)
    return ExacqMediaSource(hass)


@callback
def async_register_views(hass: HomeAssistant) -> None:
    """Serve recorded clips and frames (once; where Home Assistant's HTTP server runs)."""
    if hass.data.get(_VIEWS) or getattr(hass, "http", None) is None:
        return
    hass.data[_VIEWS] = True
    hass.http.register_view(ExacqClipView())
    hass.http.register_view(ExacqFrameView())


@callback
def async_frame_link(hass: HomeAssistant, entry_id: str, camera_id: str, at: str) -> str | None:
    """Return a signed link to a camera's recorded frame at a server time (None without HTTP)."""
    if not hass.data.get(_VIEWS):
        return None
    path = f"{FRAME_URL}/{entry_id}/{camera_id}/{quote(at, safe='')}"
    return async_sign_path(hass, path, FRAME_LINK_VALID)


def _runtimes(hass: HomeAssistant) -> dict[str, ExacqRuntime]:
    """Return the loaded exacqVision servers by entry id."""
    return {
        entry.entry_id: entry.runtime_data
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.data.get(CONF_DEVICE_TYPE) == "exacqvision"
        and entry.state is ConfigEntryState.LOADED
    }


def _zone(runtime: ExacqRuntime) -> timezone:
    """Return the server's time zone (UTC when it did not say)."""
    offset = runtime.client.utc_offset
    return timezone(offset) if offset is not None else UTC


def _directory(identifier: str | None, title: str, children_class: MediaClass) -> BrowseMediaSource:
    return BrowseMediaSource(
        domain=DOMAIN,
        identifier=identifier,
        media_class=MediaClass.DIRECTORY,
        media_content_type="",
        title=title,
        can_play=False,
        can_expand=True,
        children=[],
        children_media_class=children_class,
    )


class ExacqMediaSource(MediaSource):
    """Browse and play the recordings of every loaded exacqVision server."""

    name = "exacqVision recordings"

    def __init__(self, hass: HomeAssistant) -> None:
        """Keep Home Assistant."""
        super().__init__(DOMAIN)
        self.hass = hass

    async def async_resolve_media(self, item: MediaSourceItem) -> PlayMedia:
        """Return a signed URL that exports and plays one clip."""
        parts = (item.identifier or "").split("/")
        if len(parts) != 4 or parts[0] not in _runtimes(self.hass):
            raise Unresolvable("Unknown exacqVision recording")
        path = f"{CLIP_URL}/{'/'.join(parts)}"
        return PlayMedia(async_sign_path(self.hass, path, timedelta(minutes=30)), MP4)

    async def async_browse_media(self, item: MediaSourceItem) -> BrowseMediaSource:
        """Return servers, a server's cameras, a camera's days or a day's clips."""
        runtimes = _runtimes(self.hass)
        parts = item.identifier.split("/") if item.identifier else []
        if not parts:
            root = _directory(None, self.name, MediaClass.DIRECTORY)
            root.children = [
                _directory(entry_id, runtime.entry.title, MediaClass.DIRECTORY)
                for entry_id, runtime in runtimes.items()
            ]
            return root
        runtime = runtimes.get(parts[0])
        if runtime is None:
            raise BrowseError("Unknown exacqVision server")
        cameras = runtime.inventory.data.cameras
        if len(parts) == 1:
            server = _directory(parts[0], runtime.entry.title, MediaClass.DIRECTORY)
            server.children = [
                _directory(f"{parts[0]}/{camera.id}", camera.name, MediaClass.DIRECTORY)
                for camera in cameras.values()
            ]
            return server
        camera = cameras.get(parts[1])
        if camera is None:
            raise BrowseError("Unknown exacqVision camera")
        zone = _zone(runtime)
        if len(parts) == 2:
            today = datetime.now(zone).date()
            days = _directory("/".join(parts), camera.name, MediaClass.DIRECTORY)
            days.children = [
                _directory(
                    f"{parts[0]}/{camera.id}/{day.isoformat()}", day.isoformat(), MediaClass.VIDEO
                )
                for day in (today - timedelta(days=back) for back in range(DAYS))
            ]
            return days
        try:
            start = datetime.fromisoformat(parts[2]).replace(tzinfo=zone)
        except ValueError as err:
            raise BrowseError("Unknown day") from err
        end = min(start + timedelta(days=1), datetime.now(zone))
        client = runtime.client
        try:
            clips = await client.search_clips(
                camera.id, client.server_time(start), client.server_time(end)
            )
        except ProAVError as err:
            raise BrowseError("The exacqVision server did not list the recordings") from err
        day = _directory("/".join(parts), f"{camera.name} {parts[2]}", MediaClass.VIDEO)
        day.children = [
            BrowseMediaSource(
                domain=DOMAIN,
                identifier=(
                    f"{parts[0]}/{camera.id}/{int(clip.start.timestamp())}/{int(clip.end.timestamp())}"
                ),
                media_class=MediaClass.VIDEO,
                media_content_type=MP4,
                title=f"{clip.start.astimezone(zone):%H:%M:%S} - {clip.end.astimezone(zone):%H:%M:%S}",
                can_play=True,
                can_expand=False,
            )
            for clip in clips
        ]
        return day


class ExacqFrameView(HomeAssistantView):
    """The recorded frame of a camera at a moment (an event's picture; a signed URL)."""

    url = FRAME_URL + "/{entry_id}/{camera_id}/{at}"
    name = "api:proav:exacqvision_frame"
    requires_auth = True

    async def get(
        self, request: web.Request, entry_id: str, camera_id: str, at: str
    ) -> web.Response:
        """Fetch the frame from the server and answer it."""
        runtime = _runtimes(request.app[KEY_HASS]).get(entry_id)
        camera = runtime.inventory.data.cameras.get(camera_id) if runtime else None
        if runtime is None or camera is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        try:
            body = await runtime.client.recorded_frame(camera, unquote(at))
        except ProAVError:
            return web.Response(status=HTTPStatus.BAD_GATEWAY)
        return web.Response(body=body, content_type="image/jpeg")


class ExacqClipView(HomeAssistantView):
    """Export one clip as MP4 and send it (reached through a signed URL)."""

    url = CLIP_URL + "/{entry_id}/{camera_id}/{start}/{end}"
    name = "api:proav:exacqvision_clip"
    requires_auth = True

    async def get(
        self, request: web.Request, entry_id: str, camera_id: str, start: str, end: str
    ) -> web.Response:
        """Export the clip and answer it."""
        hass = request.app[KEY_HASS]
        runtime = _runtimes(hass).get(entry_id)
        if runtime is None or camera_id not in runtime.inventory.data.cameras:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        try:
            begin = datetime.fromtimestamp(int(start), UTC)
            finish = min(datetime.fromtimestamp(int(end), UTC), begin + MAX_CLIP)
        except (ValueError, OverflowError):
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        client = runtime.client
        try:
            body = await client.export_clip(
                camera_id, client.server_time(begin), client.server_time(finish)
            )
        except ProAVError:
            return web.Response(status=HTTPStatus.BAD_GATEWAY)
        return web.Response(body=body, content_type=MP4)
