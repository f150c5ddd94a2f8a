"""Every command of every entity reaches the device, and its result shows at once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.media_player import MediaPlayerEntityFeature
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.aten_vp2730 import entities
from tests.emulators.aten_vp2730 import AtenEmulator


@pytest.fixture(params=[4, 3], ids=["eio4", "eio3"])
async def emulator(
    request: pytest.FixtureRequest, socket_enabled: None
) -> AsyncIterator[AtenEmulator]:
    """Run every command test against both Socket.IO generations of the device."""
    async with AtenEmulator() as emulator:
        emulator.eio3 = request.param == 3
        yield emulator


def _output(emulator: AtenEmulator, out: str) -> dict[str, Any]:
    return next(o for o in emulator.state["video/outputs"]["outputs"] if o["id"] == out)


def _port(emulator: AtenEmulator, kind: str, port: str) -> dict[str, Any]:
    return next(p for p in emulator.state[f"audio/{kind}"][kind] if p["id"] == port)


def _route(emulator: AtenEmulator, out: str) -> str:
    return next(
        c["videoInput"]
        for c in emulator.state["video/connections"]["connections"]
        if c["id"] == out
    )


def _golive(emulator: AtenEmulator, out: str) -> int:
    return next(g["status"] for g in emulator.state["video/golive"]["golive"] if g["id"] == out)


@dataclass(frozen=True)
class Case:
    """A service call, the command the device must receive, and what it must then hold."""

    service: str
    entity_id: str
    data: dict[str, Any]
    command: str
    device: Callable[[AtenEmulator], Any]
    expected: Any
    state: str | None = None  # the entity's state right after the call


CASES = [
    Case(
        "media_player.volume_set",
        "media_player.vp2730",
        {"volume_level": 0.42},
        "patch audio/outputs",
        lambda e: _port(e, "outputs", "ALL")["volume"],
        42,
    ),
    Case(
        "media_player.volume_mute",
        "media_player.vp2730",
        {"is_volume_muted": True},
        "patch audio/outputs",
        lambda e: _port(e, "outputs", "ALL")["mute"]["value"],
        2,
    ),
    Case(
        "media_player.volume_down",
        "media_player.vp2730",
        {},
        "patch audio/outputs",
        lambda e: _port(e, "outputs", "ALL")["volume"],
        95,
    ),
    Case(
        "media_player.select_source",
        "media_player.vp2730",
        {"source": "Source 4"},
        "patch video/connections",
        lambda e: _route(e, "0"),
        "3",
    ),
    Case(
        "switch.turn_on",
        "switch.vp2730_display_a_go_live",
        {},
        "golive start",
        lambda e: _golive(e, "0"),
        2,
        "on",
    ),
    Case(
        "switch.turn_on",
        "switch.vp2730_stream_audio_mute",
        {},
        "patch audio/inputs",
        lambda e: _port(e, "inputs", "STM1")["mute"]["value"],
        2,
        "on",
    ),
    Case(
        "switch.turn_on",
        "switch.vp2730_master_mute",
        {},
        "patch audio/outputs",
        lambda e: _port(e, "outputs", "ALL")["mute"]["value"],
        2,
        "on",
    ),
    Case(
        "number.set_value",
        "number.vp2730_stream_audio_volume",
        {"value": 55},
        "patch audio/inputs",
        lambda e: _port(e, "inputs", "STM1")["volume"],
        55,
        "55",
    ),
    Case(
        "number.set_value",
        "number.vp2730_master_volume",
        {"value": 12},
        "patch audio/outputs",
        lambda e: _port(e, "outputs", "ALL")["volume"],
        12,
        "12",
    ),
    Case(
        "number.set_value",
        "number.vp2730_audio_in_1_gain",
        {"value": 20},
        "patch audio/inputs",
        lambda e: _port(e, "inputs", "AIN1")["gain"],
        20,
        "20",
    ),
    Case(
        "select.select_option",
        "select.vp2730_profile",
        {"option": "Profile 2"},
        "patch video/vpProfiles/now",
        lambda e: e.state["video/vpProfiles/now"]["id"],
        "2",
        "Profile 2",
    ),
    Case(
        "select.select_option",
        "select.vp2730_display_b_source",
        {"option": "Source 7"},
        "patch video/connections",
        lambda e: _route(e, "1"),
        "6",
        "Source 7",
    ),
    Case(
        "switch.turn_on",
        "switch.vp2730_display_a_blank",
        {},
        "patch video/outputs",
        lambda e: _output(e, "0")["blank"]["value"],
        2,
        "on",
    ),
    Case(
        "switch.turn_on",
        "switch.vp2730_display_b_freeze",
        {},
        "patch video/outputs",
        lambda e: _output(e, "1")["freeze"]["value"],
        2,
        "on",
    ),
    Case(
        "switch.turn_on",
        "switch.vp2730_display_a_osd",
        {},
        "patch video/outputs",
        lambda e: _output(e, "0")["osd"]["value"],
        2,
        "on",
    ),
    Case(
        "switch.turn_off",
        "switch.vp2730_display_a_fixed_hdcp",
        {},
        "patch video/outputs",
        lambda e: _output(e, "0")["fixHDCP"]["value"],
        1,
        "off",
    ),
    Case(
        "select.select_option",
        "select.vp2730_display_a_resolution",
        {"option": "1280x720@60"},
        "patch video/outputs",
        lambda e: _output(e, "0")["displayResolution"]["value"],
        29,
        "1280x720@60",
    ),
    Case(
        "select.select_option",
        "select.vp2730_display_a_fit_mode",
        {"option": "cut_resolution"},
        "patch video/outputs",
        lambda e: _output(e, "0")["fitMode"]["value"],
        4,
        "cut_resolution",
    ),
    Case(
        "select.select_option",
        "select.vp2730_display_a_auto_switch_on_plug_in",
        {"option": "auto"},
        "patch video/outputs",
        lambda e: _output(e, "0")["autoSwitch"]["plugin"]["mode"]["value"],
        2,
        "auto",
    ),
    Case(
        "select.select_option",
        "select.vp2730_display_c_auto_switch_on_unplug",
        {"option": "last"},
        "patch video/outputs",
        lambda e: _output(e, "2")["autoSwitch"]["plugout"]["mode"]["value"],
        3,
        "last",
    ),
    Case(
        "select.select_option",
        "select.vp2730_osd_language",
        {"option": "de_DE"},
        "patch system/osd",
        lambda e: e.state["system/osd"]["language"]["value"],
        "de_DE",
        "de_DE",
    ),
    Case(
        "select.select_option",
        "select.vp2730_edid_mode",
        {"option": "port_1"},
        "patch video/configs",
        lambda e: e.state["video/configs"]["edid"]["value"],
        2,
        "port_1",
    ),
    Case(
        "select.select_option",
        "select.vp2730_input_stream",
        {"option": "static"},
        "patch video/configs",
        lambda e: e.state["video/configs"]["inputStream"]["value"],
        1,
        "static",
    ),
    Case(
        "switch.turn_off",
        "switch.vp2730_multiview_labels",
        {},
        "patch system/osd",
        lambda e: e.state["system/osd"]["multiviewLabel"],
        1,
        "off",
    ),
    Case(
        "switch.turn_off",
        "switch.vp2730_system_event_notifications",
        {},
        "patch system/osd",
        lambda e: e.state["system/osd"]["notification"]["systemEvent"],
        1,
        "off",
    ),
    Case(
        "switch.turn_off",
        "switch.vp2730_interactive_event_notifications",
        {},
        "patch system/osd",
        lambda e: e.state["system/osd"]["notification"]["interactiveEvent"],
        1,
        "off",
    ),
    # Set Room writes verification 0/1, Get Room reads 1/2 (reference §8 #1).
    Case(
        "switch.turn_on",
        "switch.vp2730_room_code_verification",
        {},
        "patch system/room",
        lambda e: e.state["system/room"]["security"]["verification"],
        2,
        "on",
    ),
    Case(
        "select.select_option",
        "select.vp2730_room_moderator",
        {"option": "join name"},
        "patch system/room",
        lambda e: e.state["system/room"]["moderator"],
        "3KvfH4n6G6",
        "join name",
    ),
    Case(
        "text.set_value",
        "text.vp2730_room_name",
        {"value": "Boardroom"},
        "patch system/room",
        lambda e: (e.state["system/room"]["name"], e.info["deviceName"]),
        ("Boardroom", "Boardroom"),
        "Boardroom",
    ),
    Case(
        "text.set_value",
        "text.vp2730_room_description",
        {"value": "3rd floor"},
        "patch system/room",
        lambda e: e.state["system/room"]["description"],
        "3rd floor",
        "3rd floor",
    ),
    Case(
        "button.press",
        "button.vp2730_display_b_snapshot",
        {},
        "snapshot",
        lambda e: e.commands[-1].params["ids"],
        ["1"],
    ),
    Case(
        "button.press",
        "button.vp2730_snapshot_all_outputs",
        {},
        "snapshot",
        lambda e: e.commands[-1].params["ids"],
        ["0", "1", "2"],
    ),
]


def _strict(emulator: AtenEmulator) -> None:
    """Switch on a strict reading of the document plus what the review expects of units."""
    emulator.strict_writes = True  # Set Room needs name, Set Video Configs both fields
    emulator.bulk_only = True  # per-id PATCH of connections / outputs answers 405
    emulator.room_verification_write_encoding = "1/2"  # as Get Room and the sibling APIs
    emulator.payload_mode = "partial"  # events carry only what changed


@pytest.mark.parametrize("variant", ["documented", "strict"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.service}-{case.entity_id}")
async def test_command_reaches_the_device(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    emulator: AtenEmulator,
    case: Case,
    variant: str,
) -> None:
    """The call changes the device as asked; HA shows it without waiting (both variants)."""
    if variant == "strict":
        _strict(emulator)
    domain, service = case.service.split(".")
    await hass.services.async_call(
        domain, service, {"entity_id": case.entity_id, **case.data}, blocking=True
    )
    assert emulator.command_names()[-1] == case.command
    assert case.device(emulator) == case.expected
    if case.state is not None:
        assert hass.states.get(case.entity_id).state == case.state


async def test_go_live_off(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Stopping live is a DELETE; the switch follows at once."""
    entity_id = "switch.vp2730_display_b_go_live"
    await hass.services.async_call("switch", "turn_on", {"entity_id": entity_id}, blocking=True)
    await hass.services.async_call("switch", "turn_off", {"entity_id": entity_id}, blocking=True)
    assert emulator.command_names()[-2:] == ["golive start", "golive stop"]
    assert hass.states.get(entity_id).state == "off"


async def test_playing_while_the_first_output_is_live(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    """The media player plays while output A goes live."""
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.vp2730_display_a_go_live"}, blocking=True
    )
    assert hass.states.get("media_player.vp2730").state == "playing"


async def test_refused_command_raises_a_translated_error(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """A device refusal (400), a busy device (503) and a fault (500) become readable errors."""
    emulator.faults.status = 400
    with pytest.raises(HomeAssistantError) as refused:
        await hass.services.async_call(
            "switch", "turn_on", {"entity_id": "switch.vp2730_display_a_blank"}, blocking=True
        )
    assert refused.value.translation_key == "device_error"
    emulator.faults.status = 503
    with pytest.raises(HomeAssistantError) as down:
        await hass.services.async_call(
            "switch", "turn_on", {"entity_id": "switch.vp2730_display_a_blank"}, blocking=True
        )
    assert down.value.translation_key == "device_busy"
    emulator.faults.status = 500
    with pytest.raises(HomeAssistantError) as fault:
        await hass.services.async_call(
            "switch", "turn_on", {"entity_id": "switch.vp2730_display_a_blank"}, blocking=True
        )
    assert fault.value.translation_key == "cannot_connect"
    emulator.faults.status = None
    assert hass.states.get("switch.vp2730_display_a_blank").state == "off"


async def test_go_live_on_protected_content(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """HDCP content cannot go live: the switch stays off, the status says why."""
    emulator.protected_inputs.add("0")
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.vp2730_display_a_go_live"}, blocking=True
    )
    assert _golive(emulator, "0") == 101
    assert hass.states.get("switch.vp2730_display_a_go_live").state == "off"
    assert hass.states.get("sensor.vp2730_display_a_live_status").state == "content_protected"


async def test_profile_recall_changes_the_layout(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    """Recalling a profile shows its multiview layout."""
    assert hass.states.get("sensor.vp2730_current_layout").state == "Layout 0"
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.vp2730_profile", "option": "Profile 3"},
        blocking=True,
    )
    assert hass.states.get("sensor.vp2730_current_layout").state == "Quad"


async def test_each_display_is_a_player(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Per output: source = routed input; play/stop go live; output C cannot go live."""
    display_b = hass.states.get("media_player.vp2730_display_b")
    assert display_b.state == "on"
    assert display_b.attributes["source"] == "Source 2"
    await hass.services.async_call(
        "media_player",
        "select_source",
        {"entity_id": "media_player.vp2730_display_b", "source": "Source 6"},
        blocking=True,
    )
    assert _route(emulator, "1") == "5"
    assert hass.states.get("media_player.vp2730_display_b").attributes["source"] == "Source 6"
    await hass.services.async_call(
        "media_player", "media_play", {"entity_id": "media_player.vp2730_display_b"}, blocking=True
    )
    assert _golive(emulator, "1") == 2
    assert hass.states.get("media_player.vp2730_display_b").state == "playing"
    await hass.services.async_call(
        "media_player", "media_stop", {"entity_id": "media_player.vp2730_display_b"}, blocking=True
    )
    assert hass.states.get("media_player.vp2730_display_b").state == "on"
    features = hass.states.get("media_player.vp2730_display_c").attributes["supported_features"]
    assert not features & MediaPlayerEntityFeature.PLAY
    with pytest.raises(ServiceValidationError) as unknown:
        await hass.services.async_call(
            "media_player",
            "select_source",
            {"entity_id": "media_player.vp2730_display_b", "source": "Nowhere"},
            blocking=True,
        )
    assert unknown.value.translation_key == "aten_vp2730_unknown_option"


async def test_route_one_source_to_several_displays_in_one_request(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Show Source 3 on all displays: one bulk PATCH, every display shows it at once."""
    patches = len(emulator.commands)
    await hass.services.async_call(
        DOMAIN,
        "aten_vp2730_route",
        {
            "entity_id": [f"media_player.vp2730_display_{n}" for n in "abc"],
            "source": "Source 3",
        },
        blocking=True,
    )
    assert [c.name for c in emulator.commands[patches:]] == ["patch video/connections"]
    assert [_route(emulator, out) for out in "012"] == ["2", "2", "2"]
    for n in "abc":
        assert hass.states.get(f"select.vp2730_display_{n}_source").state == "Source 3"
    with pytest.raises(ServiceValidationError) as not_a_display:
        await hass.services.async_call(
            DOMAIN,
            "aten_vp2730_route",
            {"entity_id": ["media_player.vp2730"], "source": "Source 3"},
            blocking=True,
        )
    assert not_a_display.value.translation_key == "aten_vp2730_not_a_display"


async def test_recall_profile_by_id(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Profiles are recalled by id (names may repeat); an unknown one is refused."""
    await hass.services.async_call(
        DOMAIN,
        "aten_vp2730_recall_profile",
        {"config_entry_id": loaded.entry_id, "profile": "2"},
        blocking=True,
    )
    assert emulator.state["video/vpProfiles/now"]["id"] == "2"
    assert hass.states.get("select.vp2730_profile").state == "Profile 2"
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "aten_vp2730_recall_profile",
            {"config_entry_id": loaded.entry_id, "profile": "9"},
            blocking=True,
        )
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "aten_vp2730_recall_profile",
            {"config_entry_id": "nope", "profile": "1"},
            blocking=True,
        )


async def test_room_code_text_and_new_code_button(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    emulator: AtenEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The room code can be set (a password field, off by default) or renewed at random."""
    registry = er.async_get(hass)
    text = registry.async_get("text.vp2730_room_code")
    assert text is not None
    assert text.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    registry.async_update_entity("text.vp2730_room_code", disabled_by=None)
    await hass.config_entries.async_reload(loaded.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("text.vp2730_room_code").attributes["mode"] == "password"
    emulator.strict_writes = True  # Set Room must carry the name
    await hass.services.async_call(
        "text", "set_value", {"entity_id": "text.vp2730_room_code", "value": "2468"}, blocking=True
    )
    assert emulator.state["system/room"]["security"]["code"] == "2468"
    assert hass.states.get("text.vp2730_room_code").state == "2468"
    assert all(len(c) == 4 and c.isdigit() for c in (entities.new_room_code() for _ in range(20)))
    monkeypatch.setattr(entities, "new_room_code", lambda: "1357")
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.vp2730_new_room_code"}, blocking=True
    )
    assert emulator.state["system/room"]["security"]["code"] == "1357"
    assert hass.states.get("text.vp2730_room_code").state == "1357"


async def test_multiview_windows_and_focus(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Each window of the current layout has a source select; the focus view is selectable."""
    layout = emulator.state["video/multiviews"]["multiviews"][0]
    assert hass.states.get("select.vp2730_window_1_source").state == "Source 1"
    assert hass.states.get("select.vp2730_window_2_source").state == "Source 2"
    assert hass.states.get("select.vp2730_window_3_source") is None
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.vp2730_window_2_source", "option": "Source 5"},
        blocking=True,
    )
    assert [view["source"] for view in layout["views"]] == ["0", "4"]
    assert hass.states.get("select.vp2730_window_2_source").state == "Source 5"
    focus = hass.states.get("select.vp2730_focus_view")
    assert focus.state == "none"
    assert focus.attributes["options"] == ["none", "Window 1", "Window 2"]
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.vp2730_focus_view", "option": "Window 2"},
        blocking=True,
    )
    assert layout["mainView"] == "1"
    assert hass.states.get("select.vp2730_focus_view").state == "Window 2"
    # Another profile with a quad layout: four windows.
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.vp2730_profile", "option": "Profile 3"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert hass.states.get("select.vp2730_window_4_source").state == "Source 4"


async def test_repeated_names_stay_distinct(
    hass: HomeAssistant, loaded: MockConfigEntry, emulator: AtenEmulator
) -> None:
    """Two inputs (or profiles) with one name are told apart by their ids, and both work."""
    coordinator = loaded.runtime_data.coordinator
    for source in emulator.state["video/inputs"]["inputs"][:2]:
        source["name"] = "iPhone"
    for profile in emulator.state["video/vpProfiles"]["profiles"][:2]:
        profile["name"] = "Meeting"
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    select = hass.states.get("select.vp2730_display_c_source")
    assert select.attributes["options"][:3] == ["iPhone (0)", "iPhone (1)", "Source 3"]
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.vp2730_display_c_source", "option": "iPhone (1)"},
        blocking=True,
    )
    assert _route(emulator, "2") == "1"
    assert hass.states.get("select.vp2730_display_c_source").state == "iPhone (1)"
    profiles = hass.states.get("select.vp2730_profile")
    assert profiles.attributes["options"][:2] == ["Meeting (0)", "Meeting (1)"]
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.vp2730_profile", "option": "Meeting (1)"},
        blocking=True,
    )
    assert emulator.state["video/vpProfiles/now"]["id"] == "1"
