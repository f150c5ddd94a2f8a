"""Occurrences from overlapping polls are reported once each."""

from __future__ import annotations

from custom_components.proav.devices.exacqvision.events import EventTracker, ExacqEvent
from custom_components.proav.devices.exacqvision.models import (
    ActiveEvent,
    ActiveEventType,
    parse_triggered,
)


def _links(*items: tuple[str, str, int, str]) -> dict[str, object]:
    """Return a triggered-links answer."""
    return {
        "triggeredEvents": [
            {"guid": guid, "time": at, "eventSourceType": kind, "eventSourceId": source}
            for guid, at, kind, source in items
        ]
    }


def test_triggered_links_are_reported_once() -> None:
    """The first read primes; overlapping windows do not repeat; one link fires per source."""
    tracker = EventTracker()
    old = ("g-motion", "12:00:00", 5, "1")
    assert tracker.triggered(parse_triggered(_links(old))) == ()
    new = [("g-motion", "12:00:04", 5, "1"), ("g-motion", "12:00:04", 5, "2")]
    assert tracker.triggered(parse_triggered(_links(old, *new))) == (
        ExacqEvent(kind="motion", source_id="1", time="12:00:04"),
        ExacqEvent(kind="motion", source_id="2", time="12:00:04"),
    )
    assert tracker.triggered(parse_triggered(_links(old, *new))) == ()
    # a source type without an event kind (and junk) is ignored
    assert tracker.triggered(parse_triggered(_links(("g-x", "12:00:05", 20, "1")))) == ()
    assert tracker.triggered(parse_triggered({"triggeredEvents": ["junk", 3]})) == ()


def test_active_events_report_new_edges() -> None:
    """Without event monitoring, a newly active event is an occurrence."""
    tracker = EventTracker()
    motion = ActiveEvent(type=ActiveEventType.VIDEO_MOTION, raw_type=1, source_id="1")
    storage = ActiveEvent(type=ActiveEventType.STORAGE, raw_type=11, source_id="")
    assert tracker.active([motion]) == ()
    assert tracker.active([motion, storage]) == ()
    assert tracker.active([]) == ()
    assert tracker.active([motion]) == (ExacqEvent(kind="motion", source_id="1"),)
