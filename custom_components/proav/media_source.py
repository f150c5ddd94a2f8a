"""Media source platform: the recordings of the device types that keep them.

Home Assistant takes one media source per integration; the Ultra Stream and exacqVision have one
each (in their folders). Both name their items by config entry first (``<entry id>/…``), so this
source lists their entries side by side and hands every item to its entry's device type.
"""

from __future__ import annotations

from homeassistant.components.media_player.browse_media import BrowseMedia
from homeassistant.components.media_player.const import MediaClass
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.components.media_source import (
    BrowseMediaSource,
    MediaSource,
    MediaSourceItem,
    PlayMedia,
    Unresolvable,
)
from homeassistant.core import HomeAssistant

from .const import CONF_DEVICE_TYPE, DOMAIN
from .devices.exacqvision.media_source import async_get_media_source as async_get_exacqvision_source
from .devices.magewell_ultra_stream.services import (
    async_get_media_source as async_get_ultra_stream_source,
)


async def async_get_media_source(hass: HomeAssistant) -> MediaSource:
    """Return Pro AV's media source."""
    return ProAVMediaSource(
        hass,
        {
            "magewell_ultra_stream": await async_get_ultra_stream_source(hass),
            "exacqvision": await async_get_exacqvision_source(hass),
        },
    )


class ProAVMediaSource(MediaSource):
    """The recordings of every loaded device that keeps them, by device type."""

    name = "Pro AV recordings"

    def __init__(self, hass: HomeAssistant, sources: dict[str, MediaSource]) -> None:
        """Keep each device type's own source."""
        super().__init__(DOMAIN)
        self.hass = hass
        self.sources = sources

    def _source(self, identifier: str) -> MediaSource | None:
        """Return the source of the entry an item belongs to."""
        entry = self.hass.config_entries.async_get_entry(identifier.partition("/")[0])
        if entry is None or entry.domain != DOMAIN:
            return None
        return self.sources.get(entry.data.get(CONF_DEVICE_TYPE, ""))

    async def async_resolve_media(self, item: MediaSourceItem) -> PlayMedia:
        """Play a recording through its device type's source."""
        if (source := self._source(item.identifier)) is None:
            raise Unresolvable("Unknown Pro AV recording")
        return await source.async_resolve_media(item)

    async def async_browse_media(self, item: MediaSourceItem) -> BrowseMediaSource:
        """List the devices with recordings, or browse one through its device type's source."""
        if item.identifier:
            if (source := self._source(item.identifier)) is None:
                raise BrowseError("Unknown Pro AV device")
            return await source.async_browse_media(item)
        children: list[BrowseMedia] = []
        for source in self.sources.values():
            children.extend((await source.async_browse_media(item)).children or [])
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=None,
            media_class=MediaClass.DIRECTORY,
            media_content_type="",
            title=self.name,
            can_play=False,
            can_expand=True,
            children=children,
            children_media_class=MediaClass.DIRECTORY,
        )
