"""Turn what the web service reports into occurrences, each reported once (no HA imports).

The web service pushes nothing. Occurrences come from polling the triggered links of an event
monitoring profile (kept 60 s by the server, so consecutive reads overlap and must be
de-duplicated), or - where the user may not use event monitoring - from new entries in the list
of active events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
import time

from .models import ActiveEvent, ActiveEventType, EventSourceType, TriggeredEvent

# The links of our profile: any source of each type (the target is a harmless log message).
EVENT_LINKS: tuple[EventSourceType, ...] = (
    EventSourceType.VIDEO_MOTION,
    EventSourceType.VIDEO_LOSS,
    EventSourceType.INPUT_TRIGGER,
    EventSourceType.SOFT_TRIGGER,
)
EVENT_KINDS = {
    EventSourceType.VIDEO_MOTION: "motion",
    EventSourceType.VIDEO_LOSS: "video_loss",
    EventSourceType.INPUT_TRIGGER: "alarm_input",
    EventSourceType.SOFT_TRIGGER: "soft_trigger",
}
ACTIVE_KINDS = {
    ActiveEventType.VIDEO_MOTION: "motion",
    ActiveEventType.VIDEO_LOSS: "video_loss",
    ActiveEventType.INPUT_TRIGGER: "alarm_input",
    ActiveEventType.SOFT_TRIGGER: "soft_trigger",
}
SEEN_RETENTION = 120.0  # seconds; longer than the web service keeps triggered links (60 s)


@dataclass(frozen=True, kw_only=True)
class ExacqEvent:
    """Something that happened on the server: its kind and the camera / input / trigger id."""

    kind: str
    source_id: str
    message: str = ""
    time: str = ""  # when the server says it happened (RFC 3339), "" when it did not say


def event_links() -> list[dict[str, str]]:
    """Return the link fields of our event monitoring profile."""
    return [{"eventSourceType": str(int(kind)), "eventSourceAny": "true"} for kind in EVENT_LINKS]


class EventTracker:
    """Remember what was reported; hand out only what is new (nothing on the first read)."""

    def __init__(self) -> None:
        """Start with nothing seen."""
        self._seen: dict[tuple[str, str, str], float] = {}
        self._primed = False
        self._active_before: set[tuple[ActiveEventType, str]] | None = None

    def triggered(self, links: Iterable[TriggeredEvent]) -> tuple[ExacqEvent, ...]:
        """Return the triggered links not reported before."""
        now = time.monotonic()
        self._seen = {key: at for key, at in self._seen.items() if now - at < SEEN_RETENTION}
        new = [link for link in links if link.key not in self._seen]
        self._seen.update((link.key, now) for link in new)
        primed, self._primed = self._primed, True
        if not primed:
            return ()  # these happened before anyone was watching
        return tuple(
            ExacqEvent(
                kind=EVENT_KINDS[link.source_type],
                source_id=link.source_id,
                message=link.message,
                time=link.time,
            )
            for link in new
            if link.source_type in EVENT_KINDS
        )

    def active(self, active: Iterable[ActiveEvent]) -> tuple[ExacqEvent, ...]:
        """Return the active events that were not active at the last read."""
        starts = {(e.type, e.source_id): e.start for e in active if e.type in ACTIVE_KINDS}
        now_active = set(starts)
        before, self._active_before = self._active_before, now_active
        if before is None:
            return ()
        return tuple(
            ExacqEvent(kind=ACTIVE_KINDS[kind], source_id=source, time=starts[(kind, source)])
            for kind, source in sorted(now_active - before)
        )
