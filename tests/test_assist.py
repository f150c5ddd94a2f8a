"""Voice control: the phrases people say to a room, through Home Assistant's conversation API.

A running Home Assistant (HTTP API, the default conversation agent, the custom sentences shipped
in custom_sentences/en/) with one device of each type; each phrase's answer and its effect on the
emulated device are checked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.proav.const import DOMAIN
from tests.aten_vp2730.conftest import entry_data as aten_data
from tests.emulators.aten_vp2730 import AtenEmulator
from tests.emulators.exacqvision import ExacqVisionEmulator
from tests.emulators.magewell_ultra_stream import UltraStreamEmulator
from tests.emulators.poly_videoos import PolyVideoOSEmulator
from tests.emulators.presentation_receiver import PresentationReceiverEmulator
from tests.exacqvision.conftest import SERIAL as EXACQ_SERIAL, entry_data as exacq_data
from tests.magewell_ultra_stream.conftest import entry_data as ultra_stream_data
from tests.poly_videoos.conftest import entry_data as poly_data
from tests.poly_videoos.helpers import CALLS
from tests.presentation_receiver.conftest import SERIAL as RECEIVER_SERIAL, receiver_data

SENTENCES = Path(__file__).parent.parent / "custom_sentences"
# Just longer than the slowest fast interval (the Poly calls tier).
POLL = CALLS + timedelta(seconds=1)


class Room:
    """The emulated devices of one room, set up in Home Assistant, and a way to talk to it."""

    def __init__(self, hass: HomeAssistant, client: Any) -> None:
        """Keep Home Assistant and an authenticated HTTP client."""
        self.hass = hass
        self.client = client
        self.entries: dict[str, MockConfigEntry] = {}

    async def add(self, key: str, data: dict[str, Any], unique_id: str, title: str) -> None:
        """Set a device up and expose its entities to Assist, as a user would."""
        entry = MockConfigEntry(domain=DOMAIN, unique_id=unique_id, title=title, data=data)
        entry.add_to_hass(self.hass)
        assert await self.hass.config_entries.async_setup(entry.entry_id)
        await self.hass.async_block_till_done()
        for item in er.async_entries_for_config_entry(er.async_get(self.hass), entry.entry_id):
            async_expose_entity(self.hass, "conversation", item.entity_id, True)
        self.entries[key] = entry

    def entity(self, key: str, domain: str, translation_key: str | None) -> str:
        """Return the entity id of a device's entity."""
        return next(
            item.entity_id
            for item in er.async_entries_for_config_entry(
                er.async_get(self.hass), self.entries[key].entry_id
            )
            if item.domain == domain and item.translation_key == translation_key
        )

    async def ask(self, text: str) -> tuple[str, str]:
        """Say a phrase; return the answer's type and its speech."""
        response = await self.client.post(
            "/api/conversation/process", json={"text": text, "language": "en"}
        )
        assert response.status == 200, await response.text()
        answer = (await response.json())["response"]
        return answer["response_type"], answer["speech"]["plain"]["speech"]


@pytest.fixture
async def devices(
    socket_enabled: None,
) -> AsyncIterator[
    tuple[
        PolyVideoOSEmulator,
        UltraStreamEmulator,
        PresentationReceiverEmulator,
        AtenEmulator,
        ExacqVisionEmulator,
    ]
]:
    """Run one emulator of each device type."""
    async with (
        PolyVideoOSEmulator() as codec,
        UltraStreamEmulator() as box,
        PresentationReceiverEmulator() as receiver,
        AtenEmulator() as switch,
        ExacqVisionEmulator() as server,
    ):
        yield codec, box, receiver, switch, server


async def test_phrases_reach_the_devices(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    tmp_path: Path,
    freezer: FrozenDateTimeFactory,
    devices: tuple[
        PolyVideoOSEmulator,
        UltraStreamEmulator,
        PresentationReceiverEmulator,
        AtenEmulator,
        ExacqVisionEmulator,
    ],
) -> None:
    """Every phrase of the list is understood and does what it says on the device."""
    codec, box, receiver, switch, server = devices
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(SENTENCES, tmp_path / "custom_sentences")
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "http", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    room = Room(hass, None)
    await room.add("poly", poly_data(codec), codec.serial, "Boardroom")
    await room.add("ultra", ultra_stream_data(box), "ultra", "Ultra Stream")
    await room.add(
        "receiver",
        receiver_data(receiver),
        RECEIVER_SERIAL,
        "Huddle",
    )
    await room.add("aten", aten_data(switch), "aten", "VP2730")
    await room.add("exacq", exacq_data(server), EXACQ_SERIAL, "NVR")
    room.client = await hass_client()  # the HTTP server starts once everything is set up

    # The Ultra Stream: the only one, so no device name is needed.
    assert (await room.ask("turn on recording"))[0] == "action_done"
    assert "start-rec" in box.command_names()
    assert hass.states.get(room.entity("ultra", "switch", "recording")).state == "on"
    assert (await room.ask("start streaming"))[0] == "action_done"
    assert "start-live" in box.command_names()

    # The boardroom (Poly): microphone, volume both ways, calls.
    kind, speech = await room.ask("mute the boardroom microphone")
    assert kind == "action_done", speech
    assert codec.state.muted is True
    kind, speech = await room.ask("set the boardroom volume to 30 percent")
    assert kind == "action_done", speech
    assert codec.state.volume == 30
    kind, speech = await room.ask("what is the volume of the boardroom")
    assert "30%" in speech, speech
    assert (await room.ask("is the boardroom in a call"))[1].startswith("No")
    codec.incoming_call("sip:alice@example.com", "Alice")
    codec.connect_call()
    freezer.tick(POLL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (await room.ask("is the boardroom in a call"))[1].startswith("Yes")
    kind, speech = await room.ask("hang up the boardroom")
    assert kind == "action_done", speech
    assert not [call for call in codec.state.calls.values() if call.state == "CONNECTED"]

    # The receiver: the code on its screen.
    kind, speech = await room.ask("what is the login code")
    assert speech == f"The login code is {' '.join(receiver.code)}.", speech

    # The exacqVision server: a soft trigger by its name.
    kind, speech = await room.ask("press trigger 1")
    assert kind == "action_done", speech
    assert "soft_trigger" in server.command_names()

    # The VP2730: a display's go-live by its name.
    kind, speech = await room.ask("turn on display A go live")
    assert kind == "action_done", speech
    assert "golive start" in switch.command_names()


async def test_assist_leaves_unexposed_devices_alone(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    tmp_path: Path,
    socket_enabled: None,
) -> None:
    """A device the user did not expose to Assist is neither changed nor read by voice."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(SENTENCES, tmp_path / "custom_sentences")
    for component in ("homeassistant", "http", "conversation", "intent"):
        assert await async_setup_component(hass, component, {})
    async with UltraStreamEmulator() as box:
        entry = MockConfigEntry(
            domain=DOMAIN, unique_id="ultra", title="Studio", data=ultra_stream_data(box)
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        room = Room(hass, await hass_client())
        room.entries["ultra"] = entry
        async_expose_entity(
            hass, "conversation", room.entity("ultra", "switch", "recording"), False
        )

        kind, speech = await room.ask("start recording in the studio")
        assert kind == "error"
        assert speech == "There is no recording in studio that I may use."
        assert "start-rec" not in box.command_names()
        await hass.config_entries.async_unload(entry.entry_id)
