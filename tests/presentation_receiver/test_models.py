"""The receiver library's tolerant readers, on the shapes real units send (no Home Assistant)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import io
from typing import Any

from PIL import Image
import pytest

from custom_components.proav.devices.presentation_receiver.models import (
    ApiKey,
    as_bool,
    as_int,
    image_info,
    normalize_mac,
    parse_time,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), ("on", True), ("Enabled", True), (0, False), ("off", False), ("maybe", None)],
)
def test_booleans_as_words_or_numbers(raw: Any, expected: bool | None) -> None:
    """Switches come as booleans, numbers or words; anything else is unknown."""
    assert as_bool(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"), [(3, 3), (3.0, 3), ("12", 12), (True, None), (None, None), ("x", None)]
)
def test_integers_as_numbers_or_text(raw: Any, expected: int | None) -> None:
    """Numbers may come as text; a boolean or nonsense is not a number."""
    assert as_int(raw) == expected


@pytest.mark.parametrize(
    ("raw", "zone", "expected"),
    [
        ("2026-12-05T12:00:00Z", None, datetime(2026, 12, 5, 12, tzinfo=UTC)),
        ("2026/12/05 13:00:00", "Europe/Berlin", datetime(2026, 12, 5, 12, tzinfo=UTC)),
        ("2026:12:05 13:00:00", "Europe/Berlin", datetime(2026, 12, 5, 12, tzinfo=UTC)),
        ("2026-12-05 13:00:00", None, None),  # no offset and no zone: unknown
        ("2026-12-05 13:00:00", "Not/AZone", None),
        ("yesterday", "UTC", None),
    ],
)
def test_times_in_the_device_zone(raw: str, zone: str | None, expected: datetime | None) -> None:
    """A time without an offset is read in the device's own zone, never guessed."""
    assert parse_time(raw, zone) == expected


def test_key_lifetime_on_the_device_clock() -> None:
    """A key's time left is judged by the device's clock; never-expiring keys have none."""
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    key = ApiKey(token="k", expires=int((now + timedelta(hours=1)).timestamp()), scope="full")
    assert key.remaining(now) == 3600
    assert key.remaining(None) is None
    assert ApiKey(token="k", expires=-1, scope=None).remaining(now) is None


def _jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_image_info_reads_the_bytes() -> None:
    """Wallpapers are recognised by their bytes, not their file names."""
    assert image_info(_jpeg(1920, 1080)) == ("image/jpeg", 1920, 1080)
    assert image_info(b"\xff\xd8\x00\x00garbage-garbage") is None
    assert image_info(b"GIF89a....") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("00-E0-4C-12-34-AB", "00:e0:4c:12:34:ab"), ("00e04c1234ab", "00:e0:4c:12:34:ab"), ("x", "")],
)
def test_mac_addresses_any_spelling(raw: str, expected: str) -> None:
    """MAC addresses come with dashes, colons or nothing between the pairs."""
    assert normalize_mac(raw) == expected
