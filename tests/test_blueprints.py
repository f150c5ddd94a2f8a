"""The blueprints in blueprints/: loaded into Home Assistant and run against the emulators."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)
import yaml

from custom_components.proav.const import DOMAIN
from tests.aten_vp2730.conftest import entry_data as aten_data
from tests.emulators.aten_vp2730 import AtenEmulator
from tests.emulators.magewell_ultra_stream import UltraStreamEmulator
from tests.emulators.poly_videoos import PolyVideoOSEmulator
from tests.emulators.presentation_receiver import PresentationReceiverEmulator
from tests.magewell_ultra_stream.conftest import entry_data as ultra_stream_data
from tests.poly_videoos.conftest import entry_data as poly_data
from tests.poly_videoos.helpers import CALLS

BLUEPRINTS = Path(__file__).parent.parent / "blueprints"
# Just longer than the slowest fast interval (the Poly calls tier).
POLL = CALLS + timedelta(seconds=1)


def _blueprint_files() -> list[Path]:
    return sorted(BLUEPRINTS.rglob("*.yaml"))


@pytest.fixture(autouse=True)
def config_with_blueprints(hass: HomeAssistant, tmp_path: Path) -> None:
    """Give Home Assistant a configuration folder holding the repository's blueprints."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints")


async def _add(hass: HomeAssistant, data: dict[str, Any], unique_id: str) -> MockConfigEntry:
    entry = MockConfigEntry(domain=DOMAIN, unique_id=unique_id, title=unique_id, data=data)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def _entity(hass: HomeAssistant, entry: MockConfigEntry, platform: str, suffix: str) -> str:
    """Return the first entity of an entry on a platform whose unique id ends with ``suffix``."""
    return next(
        item.entity_id
        for item in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if item.domain == platform and item.unique_id.endswith(suffix)
    )


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(POLL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.parametrize("path", _blueprint_files(), ids=lambda path: path.stem)
def test_blueprints_filter_their_devices_to_pro_av(path: Path) -> None:
    """Every Pro AV input of a blueprint offers only Pro AV entities; each has a source URL."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!input", lambda loader, node: loader.construct_scalar(node))
    blueprint = yaml.load(path.read_text(), Loader=Loader)["blueprint"]  # noqa: S506
    assert blueprint["source_url"].endswith(str(path.relative_to(BLUEPRINTS.parent)))
    filters = [
        item
        for field in blueprint["input"].values()
        if "entity" in field.get("selector", {})
        for item in field["selector"]["entity"].get("filter", [])
    ]
    assert any(item.get("integration") == DOMAIN for item in filters)


@pytest.fixture
async def codec(socket_enabled: None) -> AsyncIterator[PolyVideoOSEmulator]:
    """Run a Poly codec."""
    async with PolyVideoOSEmulator() as emulator:
        yield emulator


@pytest.fixture
async def box(socket_enabled: None) -> AsyncIterator[UltraStreamEmulator]:
    """Run an Ultra Stream."""
    async with UltraStreamEmulator() as emulator:
        yield emulator


async def test_record_every_call(
    hass: HomeAssistant,
    codec: PolyVideoOSEmulator,
    box: UltraStreamEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A call on the codec starts the Ultra Stream's recording; hanging up stops it."""
    poly = await _add(hass, poly_data(codec), codec.serial)
    ultra = await _add(hass, ultra_stream_data(box), "ultra")
    in_call = _entity(hass, poly, "binary_sensor", "_in_call")
    recording = _entity(hass, ultra, "switch", "_recording")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": "proav/record_calls.yaml",
                    "input": {"in_call": in_call, "recording": recording},
                }
            }
        },
    )
    codec.incoming_call("sip:alice@example.com", "Alice")
    codec.connect_call()
    await _tick(hass, freezer)
    assert hass.states.get(in_call).state == "on"
    assert "start-rec" in box.command_names()
    assert hass.states.get(recording).state == "on"

    codec.end_call()
    await _tick(hass, freezer)
    assert "stop-rec" in box.command_names()
    assert hass.states.get(recording).state == "off"


async def test_dim_the_lights_while_somebody_shares(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> None:
    """Sharing on a receiver dims the lights; when it stops they come back."""
    from tests.presentation_receiver.conftest import SERIAL, receiver_data

    light_calls = async_mock_service(hass, "light", "turn_on")
    async with PresentationReceiverEmulator() as receiver:
        entry = await _add(
            hass,
            receiver_data(receiver),
            SERIAL,
        )
        sharing = _entity(hass, entry, "binary_sensor", "_sharing")
        assert await async_setup_component(
            hass,
            "automation",
            {
                "automation": {
                    "use_blueprint": {
                        "path": "proav/dim_lights_while_sharing.yaml",
                        "input": {
                            "sharing": [sharing],
                            "lights": {"entity_id": "light.room"},
                            "shared_brightness": 20,
                        },
                    }
                }
            },
        )
        receiver.start_sharing()
        await _tick(hass, freezer)
        assert hass.states.get(sharing).state == "on"
        assert [call.data["brightness_pct"] for call in light_calls] == [20]

        receiver.stop_sharing()
        await _tick(hass, freezer)
        assert [call.data["brightness_pct"] for call in light_calls] == [20, 100]
        assert light_calls[-1].data["entity_id"] == ["light.room"]
        await hass.config_entries.async_unload(entry.entry_id)


async def test_presentation_mode_script(hass: HomeAssistant, socket_enabled: None) -> None:
    """One script routes an input to a display, makes it go live and unmutes the audio."""
    async with AtenEmulator() as switch:
        entry = await _add(hass, aten_data(switch), "aten")
        source = _entity(hass, entry, "select", "_video_source")
        go_live = _entity(hass, entry, "switch", "_go_live")
        mute = _entity(hass, entry, "switch", "_audio_mute")
        await hass.services.async_call("switch", "turn_on", {"entity_id": mute}, blocking=True)
        options = hass.states.get(source).attributes["options"]
        wanted = next(option for option in options if option != hass.states.get(source).state)
        assert await async_setup_component(
            hass,
            "script",
            {
                "script": {
                    "presentation": {
                        "use_blueprint": {
                            "path": "proav/presentation_mode.yaml",
                            "input": {
                                "source": source,
                                "input_name": wanted,
                                "go_live": go_live,
                                "mutes": [mute],
                            },
                        }
                    }
                }
            },
        )
        await hass.services.async_call("script", "presentation", blocking=True)
        await hass.async_block_till_done()
        assert hass.states.get(source).state == wanted
        assert hass.states.get(go_live).state == "on"
        assert hass.states.get(mute).state == "off"
        assert "golive start" in switch.command_names()
        await hass.config_entries.async_unload(entry.entry_id)


async def test_fire_a_soft_trigger_when_a_sensor_fires(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A doorbell press fires the chosen exacqVision soft trigger on the server."""
    from tests.emulators.exacqvision import ExacqVisionEmulator
    from tests.exacqvision.conftest import SERIAL, entry_data

    async with ExacqVisionEmulator() as server:
        entry = await _add(hass, entry_data(server), SERIAL)
        soft_trigger = _entity(hass, entry, "button", "_soft_trigger")
        hass.states.async_set("binary_sensor.doorbell", "off")
        assert await async_setup_component(
            hass,
            "automation",
            {
                "automation": {
                    "use_blueprint": {
                        "path": "proav/soft_trigger_on_event.yaml",
                        "input": {"sensor": "binary_sensor.doorbell", "soft_trigger": soft_trigger},
                    }
                }
            },
        )
        hass.states.async_set("binary_sensor.doorbell", "on")
        await hass.async_block_till_done()
        assert "soft_trigger" in server.command_names()
        await hass.config_entries.async_unload(entry.entry_id)
