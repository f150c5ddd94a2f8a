"""Multicast discovery (library) on loopback: one-shot scan, listener, garbage ignored."""

from __future__ import annotations

import json
import random
import socket

import pytest

from custom_components.proav.devices.magewell_ultra_stream.discovery import (
    GROUP,
    QUERY,
    DiscoveredBox,
    async_scan,
)
from custom_components.proav.devices.magewell_ultra_stream.models import DeviceStatus
from tests.emulators.base import free_port
from tests.emulators.magewell_ultra_stream import SERIAL, UltraStreamEmulator

DOC_ANSWER = {
    "version": "1.0",
    "flag": "ssip",
    "product": "Ultra Stream",
    "boxname": "[LH-SDI]-1.2.1",
    "serialnumber": "A302190719003",
    "wifiip": "192.168.48.1",
    "ethip": "192.168.1.217",
    "status": 65600,
}


def test_the_documented_answer_parses() -> None:
    box = DiscoveredBox.from_datagram(json.dumps(DOC_ANSWER).encode())
    assert box is not None
    assert (box.serial, box.name, box.host) == ("A302190719003", "[LH-SDI]-1.2.1", "192.168.1.217")
    assert DeviceStatus.SOFT_AP in box.status


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        b"[]",
        json.dumps({**DOC_ANSWER, "flag": "other"}).encode(),
        json.dumps({**DOC_ANSWER, "product": "Something else"}).encode(),
        json.dumps({**DOC_ANSWER, "serialnumber": ""}).encode(),
    ],
)
def test_other_datagrams_are_ignored(data: bytes) -> None:
    assert DiscoveredBox.from_datagram(data) is None


def test_wifi_address_when_there_is_no_ethernet() -> None:
    box = DiscoveredBox.from_datagram(
        json.dumps({**DOC_ANSWER, "ethip": "0.0.0.0", "status": "x"}).encode()  # noqa: S104
    )
    assert box is not None
    assert box.host == "192.168.48.1"
    assert box.status == 0


async def test_scan_finds_the_box_on_loopback(box: UltraStreamEmulator) -> None:
    port = free_port(socket.SOCK_DGRAM)
    await box.start_multicast(port)
    found = await async_scan(group="127.0.0.1", port=port, interfaces=("127.0.0.1",), seconds=0.3)
    assert [(b.serial, b.host) for b in found] == [(SERIAL, "127.0.0.1")]
    assert box.multicast is not None
    assert box.multicast.queries == 1


async def test_scan_over_loopback_multicast(box: UltraStreamEmulator) -> None:
    port = free_port(socket.SOCK_DGRAM)
    try:
        await box.start_multicast(port, group=GROUP)
    except OSError:
        pytest.skip("this machine's loopback does not do multicast")
    found = await async_scan(group=GROUP, port=port, interfaces=("127.0.0.1",), seconds=0.3)
    if not found:
        pytest.skip("this machine's loopback does not deliver multicast")
    assert [b.serial for b in found] == [SERIAL]


async def test_scan_without_a_usable_interface_raises(socket_enabled: None) -> None:
    with pytest.raises(OSError, match="assign"):
        await async_scan(group="127.0.0.1", port=9, interfaces=("192.0.2.77",), seconds=0)


async def test_down_box_does_not_answer(box: UltraStreamEmulator) -> None:
    port = free_port(socket.SOCK_DGRAM)
    await box.start_multicast(port)
    await box.set_down(True)
    found = await async_scan(group="127.0.0.1", port=port, interfaces=("127.0.0.1",), seconds=0.2)
    assert found == []


async def test_answers_sent_to_the_group_are_heard(box: UltraStreamEmulator) -> None:
    """A box that answers to the multicast group, not to the sender, is found too."""
    group = f"239.255.{random.randrange(1, 255)}.{random.randrange(1, 255)}"
    port = free_port(socket.SOCK_DGRAM)
    await box.start_multicast(port, group)
    box.answer_to_group = (group, port)
    found = await async_scan(group=group, port=port, interfaces=("127.0.0.1",), seconds=0.3)
    assert [found_box.serial for found_box in found] == [SERIAL]
    assert box.multicast is not None
    assert box.multicast.queries == 1  # its own answer, heard on the group, is no query
    assert QUERY.startswith(b"{")
