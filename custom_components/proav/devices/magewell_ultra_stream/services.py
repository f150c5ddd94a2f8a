"""What the Ultra Stream offers beyond entities: actions, and its recordings as media.

Actions (go live to chosen servers, record for a while, delete recordings) name the box by its
config entry (``config_entry_id``) and return what they did; input is checked here and refused
with translated errors.

Media source: Pro AV → each loaded Ultra Stream → USB drive / SD card → its recordings (newest
first, with the box's thumbnails). Playing or downloading a recording uses the box's own
download port (``http://<box>:8080/download/<path>/<name>``): the browser fetches it directly.
"""

# Home Assistant side of the device type: it builds on the integration's shared modules.
# ruff: noqa: TID252

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from homeassistant.components.media_player.const import MediaClass, MediaType
from homeassistant.components.media_source import (
    BrowseMediaSource,
    MediaSource,
    MediaSourceItem,
    PlayMedia,
    Unresolvable,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ...actions import invalid, loaded_runtime
from ...const import CONF_DEVICE_TYPE, DOMAIN
from ...entity import async_run_command
from ..errors import ProAVError
from .coordinator import StatusCoordinator
from .models import LiveServer, LiveTest, MediaFile, MediaFiles, Result
from .runtime import UltraStreamRuntime

KEY = "magewell_ultra_stream"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"
SERVICE_GO_LIVE = "ultra_stream_go_live"
SERVICE_RECORD_FOR = "ultra_stream_record_for"
SERVICE_DELETE_RECORDINGS = "ultra_stream_delete_recordings"
SERVICE_STREAM_TEST = "ultra_stream_stream_test"
STREAM_TEST_TIMEOUT = 40.0  # the box stops its test after 20 s
STREAM_TEST_POLL = 1.0
MAX_SERVERS = 2  # the box streams to at most two servers at a time
MINUTES = (1, 1440)

GO_LIVE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required("servers"): vol.All(cv.ensure_list, [cv.string]),
    }
)
DELETE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required("medium"): vol.In(["usb", "sd"]),
        vol.Required("files"): vol.All(cv.ensure_list, [cv.string]),
    }
)
STREAM_TEST_SCHEMA = vol.Schema(
    {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string, vol.Required("server"): cv.string}
)
RECORD_FOR_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required("minutes"): vol.Coerce(int),
    }
)


def _runtime(call: ServiceCall) -> UltraStreamRuntime:
    """Return the runtime of the loaded Ultra Stream an action names."""
    return loaded_runtime(
        call.hass,
        call.data[ATTR_CONFIG_ENTRY_ID],
        KEY,
        UltraStreamRuntime,
        not_found="ultra_stream_entry_not_found",
        not_loaded="ultra_stream_entry_not_loaded",
    )


def _chosen(servers: tuple[LiveServer, ...], wanted: list[str]) -> list[LiveServer]:
    """Return the servers named (by name or id), in the order given."""
    chosen: list[LiveServer] = []
    for name in wanted:
        server = next(
            (s for s in servers if name.strip().casefold() in (s.name.casefold(), str(s.id))),
            None,
        )
        if server is None:
            raise invalid("ultra_stream_unknown_server", server=name)
        if server not in chosen:
            chosen.append(server)
    if not 1 <= len(chosen) <= MAX_SERVERS:
        raise invalid("ultra_stream_server_count", count=len(chosen), max=MAX_SERVERS)
    return chosen


async def _go_live(call: ServiceCall) -> ServiceResponse:
    """Stream to exactly the chosen servers: enable them, disable the others, start live."""
    runtime = _runtime(call)
    status, settings = runtime.status, runtime.status.settings
    chosen = _chosen(settings.data.servers, call.data["servers"])
    client = settings.client

    async def go_live() -> None:
        # Disable first, so the box's limit of two enabled servers is never exceeded.
        for server in settings.data.servers:
            if server.enabled and server not in chosen:
                await client.enable_server(server.id, False)
        for server in chosen:
            if not server.enabled:
                await client.enable_server(server.id, True)
        await settings.async_refresh()
        await status.async_set_running("streaming", True)

    await async_run_command(settings, settings.async_apply(go_live()))
    return {
        "servers": [
            {"name": server.name, "state": status.live_state(server)}
            for server in settings.data.enabled_servers
        ]
    }


async def _record_for(call: ServiceCall) -> ServiceResponse:
    """Start recording now and stop after the given minutes (if still recording then)."""
    runtime = _runtime(call)
    minutes = call.data["minutes"]
    if not MINUTES[0] <= minutes <= MINUTES[1]:
        raise invalid("ultra_stream_invalid_minutes", value=minutes, min=MINUTES[0], max=MINUTES[1])
    status = runtime.status
    await async_run_command(status, status.async_set_running("recording", True))
    until = dt_util.utcnow() + timedelta(minutes=minutes)

    async def _stop(_now: datetime) -> None:
        if status.data.recording:
            await async_run_command(status, status.async_set_running("recording", False))

    runtime.async_replace_timer(
        "record_for", async_call_later(call.hass, timedelta(minutes=minutes), _stop)
    )
    return {"until": until.isoformat()}


async def _delete_recordings(call: ServiceCall) -> ServiceResponse:
    """Delete recordings (by file name) from the USB drive or SD card; return what went."""
    runtime = _runtime(call)
    status = runtime.status
    disk, _ = MEDIA[call.data["medium"]]
    files = await _async_list(status, disk)
    names = [name.strip() for name in call.data["files"]]
    known = {file.name for file in files.files}
    if missing := [name for name in names if name not in known]:
        raise invalid("ultra_stream_unknown_recording", file=", ".join(missing))
    await async_run_command(
        status, status.async_apply(status.client.delete_media_files(disk, names))
    )
    return {"deleted": names}


async def _async_list(status: StatusCoordinator, disk: int) -> MediaFiles:
    """List recordings of a medium (a failure is a translated error)."""
    result: list[MediaFiles] = []

    async def read() -> None:
        result.append(await status.client.get_all_media_files(disk))

    await async_run_command(status, read())
    return result[0]


async def _stream_test(call: ServiceCall) -> ServiceResponse:
    """Run the box's upload test to a live server; return the upload rate it measured."""
    runtime = _runtime(call)
    status = runtime.status
    (server,) = _chosen(status.settings.data.servers, [call.data["server"]])
    client = status.client
    await async_run_command(status, client.start_stream_test(server.id))
    test = LiveTest()

    async def wait() -> None:
        nonlocal test
        async with asyncio.timeout(STREAM_TEST_TIMEOUT):
            while True:
                await asyncio.sleep(STREAM_TEST_POLL)
                test = (await client.get_status()).live_test
                if test.result not in (Result.RUNNING, Result.INIT, None):
                    return

    try:
        await async_run_command(status, wait())
    except TimeoutError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="ultra_stream_test_timeout"
        ) from err
    if test.result != Result.SUCCEED or test.upload_bps is None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="ultra_stream_test_failed",
            translation_placeholders={"code": str(test.result)},
        )
    return {
        "server": server.name,
        "upload_bytes_per_second": test.upload_bps,
        "upload_mbit_per_second": round(test.upload_bps * 8 / 1_000_000, 2),
    }


@callback
def async_register_services(hass: HomeAssistant) -> None:
    """Register the Ultra Stream's actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_GO_LIVE,
        _go_live,
        schema=GO_LIVE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_STREAM_TEST,
        _stream_test,
        schema=STREAM_TEST_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_DELETE_RECORDINGS,
        _delete_recordings,
        schema=DELETE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_RECORD_FOR,
        _record_for,
        schema=RECORD_FOR_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


# -- recordings as a media source ---------------------------------------------------------

MEDIA = {"usb": (0, "USB drive"), "sd": (1, "SD card")}


async def async_get_media_source(hass: HomeAssistant) -> MediaSource:
    """Return the media source of the Ultra Streams' recordings."""
    return UltraStreamMediaSource(hass)


class UltraStreamMediaSource(MediaSource):
    """The recordings on every loaded Ultra Stream's USB drive and SD card."""

    name = "Ultra Stream recordings"

    def __init__(self, hass: HomeAssistant) -> None:
        """Serve the integration's domain."""
        super().__init__(DOMAIN)
        self.hass = hass

    def _runtimes(self) -> dict[str, UltraStreamRuntime]:
        return {
            entry.entry_id: entry.runtime_data
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            if entry.data.get(CONF_DEVICE_TYPE) == KEY
            and entry.state is ConfigEntryState.LOADED
            and isinstance(entry.runtime_data, UltraStreamRuntime)
        }

    def _runtime(self, entry_id: str) -> UltraStreamRuntime:
        if (runtime := self._runtimes().get(entry_id)) is None:
            raise Unresolvable(f"No loaded Ultra Stream {entry_id}")
        return runtime

    async def _files(self, runtime: UltraStreamRuntime, medium: str) -> MediaFiles:
        if medium not in MEDIA:
            raise Unresolvable(f"Unknown medium {medium}")
        try:
            return await runtime.status.client.get_all_media_files(MEDIA[medium][0])
        except ProAVError as err:
            raise Unresolvable(
                f"The box did not list its recordings ({type(err).__name__})"
            ) from err

    async def async_resolve_media(self, item: MediaSourceItem) -> PlayMedia:
        """Return the box's download URL of a recording."""
        entry_id, _, rest = item.identifier.partition("/")
        medium, _, name = rest.partition("/")
        runtime = self._runtime(entry_id)
        files = await self._files(runtime, medium)
        found = next((file for file in files.files if file.name == name), None)
        if found is None:
            raise Unresolvable(f"No recording {name}")
        return PlayMedia(
            runtime.status.client.download_url(files.path, found.name), found.mime_type
        )

    async def async_browse_media(self, item: MediaSourceItem) -> BrowseMediaSource:
        """Browse boxes, their media and the recordings on them."""
        if not item.identifier:
            return self._folder(
                None,
                self.name,
                [
                    self._folder(entry_id, runtime.entry.title, [])
                    for entry_id, runtime in self._runtimes().items()
                ],
            )
        entry_id, _, medium = item.identifier.partition("/")
        runtime = self._runtime(entry_id)
        if not medium:
            return self._folder(
                entry_id,
                runtime.entry.title,
                [self._folder(f"{entry_id}/{key}", label, []) for key, (_, label) in MEDIA.items()],
            )
        files = await self._files(runtime, medium)
        client = runtime.status.client
        recordings = sorted(files.files, key=lambda file: file.created, reverse=True)
        return self._folder(
            f"{entry_id}/{medium}",
            f"{runtime.entry.title}: {MEDIA[medium][1]}",
            [
                BrowseMediaSource(
                    domain=DOMAIN,
                    identifier=f"{entry_id}/{medium}/{file.name}",
                    media_class=MediaClass.VIDEO,
                    media_content_type=file.mime_type,
                    title=_title(file),
                    can_play=True,
                    can_expand=False,
                    thumbnail=client.download_url(
                        f"{files.path}/{files.thumbnail}", f"{file.thumbnail_name}.jpg"
                    )
                    if file.thumbnail_name and files.thumbnail
                    else None,
                )
                for file in recordings
                if file.status != 0  # 0: still being recorded
            ],
        )

    def _folder(
        self, identifier: str | None, title: str, children: list[BrowseMediaSource]
    ) -> BrowseMediaSource:
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=identifier,
            media_class=MediaClass.DIRECTORY,
            media_content_type=MediaType.VIDEO,
            title=title,
            can_play=False,
            can_expand=True,
            children=children,
            children_media_class=MediaClass.VIDEO if identifier and "/" in identifier else None,
        )


def _title(file: MediaFile) -> str:
    """Return e.g. "VID_9.mp4 (2019-09-25 06:35:21, 14 s)"."""
    return f"{file.name} ({file.created}, {file.duration_ms // 1000} s)"
