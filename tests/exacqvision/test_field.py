"""exacqVision inside Home Assistant against the emulator's field variants.

Real web services differ from the vendor document: unknown routes redirect to the login page,
the session id is ``sessionId``, some servers have no soft triggers or PTZ, some users may not
use PTZ, old web services have no ``/v1`` prefix. None of that may look like a wrong password,
fail the setup or blank the cameras.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.camera import async_get_image
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, ATTR_OPTION, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from custom_components.proav.diagnostics import async_get_config_entry_diagnostics
from tests.emulators.exacqvision import ExacqVisionEmulator

from .conftest import INVENTORY_POLL, PASSWORD, SERIAL, entry_data, poll, state

CAM1 = "4590080"


def _reauth_flows(hass: HomeAssistant) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


async def _setup(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, **data: Any
) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=SERIAL, title="Server 1", data={**entry_data(emulator), **data}
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_forbidden_and_unsupported_commands_open_no_reauth(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, loaded: MockConfigEntry
) -> None:
    """A forbidden and an unsupported command each raise a translated error, never reauth."""
    emulator.user_ptz = False  # the admin took PTZ away from the account
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "select",
            "select_option",
            {ATTR_ENTITY_ID: "select.camera_1_ptz_preset", ATTR_OPTION: "Parking"},
            blocking=True,
        )
    assert err.value.translation_key == "not_permitted"
    emulator.missing = {"softtriggers.web"}  # a web service without the trigger route
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {ATTR_ENTITY_ID: "button.server_1_trigger_1"}, blocking=True
        )
    assert err.value.translation_key == "not_supported"
    await hass.async_block_till_done()
    assert _reauth_flows(hass) == []
    assert loaded.state is ConfigEntryState.LOADED


async def test_home_assistant_stop_leaves_no_session(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, loaded: MockConfigEntry
) -> None:
    """When Home Assistant stops (entries do not unload), the session is logged out."""
    assert emulator.open_sessions == 1
    await hass.async_stop()
    assert emulator.open_sessions == 0


async def test_refused_login_starts_reauth_and_stops_logging_in(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A refused login: one reauth flow, and no further login attempts until it completes."""
    emulator.users["admin"] = "changed"
    emulator.expire_sessions()
    await poll(hass, freezer)
    assert len(_reauth_flows(hass)) == 1
    attempts = len([r for r in emulator.requests if "login.web" in r])
    for _ in range(3):
        await poll(hass, freezer)
    assert len([r for r in emulator.requests if "login.web" in r]) == attempts


@pytest.mark.parametrize("unknown", ["404", "redirect"])
async def test_server_without_soft_triggers_or_ptz(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, unknown: str
) -> None:
    """Missing routes (404, or 302 to the login page): no entities for them, the rest works."""
    emulator.unknown_answer = unknown
    emulator.missing = {"softtriggers.web", "ptz.web", "servers.web", "server.web"}
    entry = await _setup(hass, emulator)
    assert entry.state is ConfigEntryState.LOADED
    assert state(hass, "camera.camera_1") == "recording"
    assert state(hass, "binary_sensor.camera_1_recording") == "on"
    assert hass.states.async_entity_ids("button") == []
    assert hass.states.async_entity_ids("switch") == []
    assert hass.states.async_entity_ids("select") == []
    assert _reauth_flows(hass) == []
    assert emulator.command_names().count("login") == 1
    # the PTZ route was asked about for a few cameras, not all of them
    assert len([r for r in emulator.requests if "ptz.web" in r]) <= 3
    capabilities = entry.runtime_data.client.capabilities.as_dict()
    assert capabilities["soft_triggers"]["support"] == "unsupported"
    assert capabilities["ptz"]["support"] == "unsupported"


async def test_user_without_ptz_permission(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """The login says the user may not use PTZ: no preset reads, no selects, no PTZ action."""
    emulator.user_ptz = False
    entry = await _setup(hass, emulator)
    assert entry.state is ConfigEntryState.LOADED
    assert "ptz_presets" not in emulator.command_names()
    assert hass.states.async_entity_ids("select") == []
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "exacqvision_ptz_move",
            {"entity_id": "camera.camera_1", "pan": "left"},
            blocking=True,
        )


async def test_session_id_only_and_no_path_snapshots(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """``sessionId`` as real servers send it; snapshots without the path form."""
    emulator.session_id_keys = ("sessionId",)
    emulator.missing = {"video.web/path"}
    entry = await _setup(hass, emulator)
    assert entry.state is ConfigEntryState.LOADED
    image = await async_get_image(hass, "camera.camera_1")
    assert image.content_type == "image/jpeg"
    assert entry.runtime_data.client.snapshot_form == "query"


async def test_old_web_service_without_prefix(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """An older web service without ``/v1`` routes sets up like any other."""
    emulator.missing = {"v1"}
    emulator.unknown_answer = "redirect"
    entry = await _setup(hass, emulator)
    assert entry.state is ConfigEntryState.LOADED
    assert state(hass, "camera.camera_1") == "recording"


async def test_without_status_route_nothing_is_invented(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """No status and no search route: no recording sensors (never a default "recording")."""
    emulator.missing = {"status.web", "search.web"}
    entry = await _setup(hass, emulator)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("binary_sensor.camera_1_recording") is None
    assert state(hass, "camera.camera_1") == "idle"  # not "recording": the server did not say
    assert state(hass, "binary_sensor.camera_1_online") == "on"  # config.web's state


async def test_recording_from_a_search_without_status_route(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, freezer: FrozenDateTimeFactory
) -> None:
    """No status route: one search of the last minutes for all cameras says who records."""
    emulator.missing = {"status.web"}
    emulator.set_camera(emulator.server, "4590336", recording=False)
    await _setup(hass, emulator)
    assert state(hass, "binary_sensor.camera_1_recording") == "on"
    assert state(hass, "binary_sensor.camera_2_recording") == "off"
    (search,) = [c.params for c in emulator.commands if c.name == "search"]
    assert str(search["camera"]).count(",") == 3  # one search, four cameras
    assert emulator.searches == set()
    emulator.set_camera(emulator.server, CAM1, recording=False)
    for _ in range(6):
        await poll(hass, freezer)
    assert state(hass, "binary_sensor.camera_1_recording") == "off"
    assert len([c for c in emulator.commands if c.name == "search"]) == 2


async def test_failing_events_never_blank_the_cameras(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Active events failing: only their entities go unavailable; cameras keep their state."""
    emulator.broken = {"events.web"}
    await poll(hass, freezer)
    assert state(hass, "sensor.server_1_health") == STATE_UNAVAILABLE
    assert state(hass, "binary_sensor.camera_1_recording") == "on"
    assert state(hass, "camera.camera_1") == "recording"
    emulator.broken = set()
    await poll(hass, freezer)
    assert state(hass, "sensor.server_1_health") == "ok"


async def test_camera_video_loss_from_config_state(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """config.web's ``state`` shows a camera offline even where no status route exists."""
    emulator.missing = {"status.web"}
    await _setup(hass, emulator)
    emulator.server.cameras[CAM1].connected = False  # config.web: state 1
    await poll(hass, freezer, INVENTORY_POLL)
    assert state(hass, "binary_sensor.camera_1_online") == "off"
    assert state(hass, "camera.camera_1") == STATE_UNAVAILABLE
    assert state(hass, "sensor.server_1_cameras_offline") == "1"


async def test_diagnostics_hold_capabilities_and_raw_answers_without_secrets(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """The download lists the capabilities and the last raw answer per route; no secrets."""
    emulator.missing = {"softtriggers.web"}
    entry = await _setup(hass, emulator)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    device = diagnostics["device"]
    assert device["capabilities"]["soft_triggers"]["support"] == "unsupported"
    assert "GET /v1/config.web" in device["raw"]
    assert "POST /v1/login.web" in device["raw"]
    text = str(diagnostics)
    assert PASSWORD not in text
    assert "18-62-66-32-4E-AF" not in text
    assert not any(session in text for session in emulator.sessions)
    assert "?" not in "".join(device["raw"])  # never a query string (it holds the session)
    assert device["web_service"]["prefix"] == "/v1"
    assert device["web_service"]["utc_offset_hours"] == -4
    assert device["web_service"]["permissions"]["ptz"] is True


async def test_event_monitoring_is_opt_in_and_repaired(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """Off by default nothing is written; on, a half-created profile is rebuilt, not trusted."""
    entry = await _setup(hass, emulator)
    assert emulator.server.profiles == {}
    assert await hass.config_entries.async_unload(entry.entry_id)
    name = f"HomeAssistant-{entry.entry_id[-8:]}"
    emulator.server.profiles[name] = {
        "name": name,
        "type": 0,
        "links": {"g1": {"eventSourceType": "5", "eventSourceAny": "true"}},
    }
    hass.config_entries.async_update_entry(entry, data={**entry.data, "event_monitoring": True})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    links = emulator.server.profiles[name]["links"].values()
    assert sorted(link["eventSourceType"] for link in links) == ["1", "3", "4", "5"]
    assert all(link["eventSourceServer"] == "0" for link in links)  # the server, not a session
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert emulator.server.profiles == {}


async def test_event_monitoring_refused_raises_a_repair_issue(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """Chosen, but the user may not use event monitoring: a repair issue, events still come."""
    emulator.event_monitoring = False
    entry = await _setup(hass, emulator, event_monitoring=True)
    assert entry.state is ConfigEntryState.LOADED
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"{entry.entry_id}_event_monitoring_unavailable"
    )
    assert issue is not None
    assert issue.translation_key == "capability_unavailable"


async def test_large_server_extras_disabled_by_default(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """Above the threshold, per-camera extras exist but are disabled; cameras are enabled."""
    await _setup(hass, emulator, large_server_cameras=2)
    registry = er.async_get(hass)
    for entity_id in ("binary_sensor.camera_1_recording", "binary_sensor.camera_1_online"):
        entity = registry.async_get(entity_id)
        assert entity is not None
        assert entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    camera = registry.async_get("camera.camera_1")
    assert camera is not None
    assert camera.disabled_by is None


async def test_server_health_license_and_archive(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Licence expiry from the login answer; archive problems from the active events."""
    assert state(hass, "sensor.server_1_license_expires") == "2027-06-30T00:00:00+00:00"
    assert state(hass, "binary_sensor.server_1_license_expired") == "off"
    assert state(hass, "binary_sensor.server_1_archive_alarm") == "off"
    emulator.server.alarms[17] = ""  # archive target unreachable
    await poll(hass, freezer)
    assert state(hass, "binary_sensor.server_1_archive_alarm") == "on"


async def test_no_license_info_no_license_entities(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """A server that does not report its licence gets no licence entities (not "valid")."""
    emulator.server.license_info = {}
    await _setup(hass, emulator)
    assert hass.states.get("sensor.server_1_license_expires") is None
    assert hass.states.get("binary_sensor.server_1_license_expired") is None
    assert state(hass, "camera.camera_1") == "recording"


async def test_rtsp_template_makes_cameras_streamable(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """With an RTSP template the camera offers STREAM; its address holds the quoted login."""
    from homeassistant.components.camera import CameraEntityFeature

    from custom_components.proav.devices.exacqvision.device_type import DEVICE_TYPE
    from tests.compat import serialize_form

    emulator.users["admin"] = "p@ss/word"
    await _setup(
        hass,
        emulator,
        password="p@ss/word",
        rtsp_url="rtsp://{username}:{password}@{host}:554/{camera}",
    )
    camera = hass.states.get("camera.camera_1")
    assert camera is not None
    assert camera.attributes["supported_features"] == CameraEntityFeature.STREAM
    entity = hass.data["camera"].get_entity("camera.camera_1")
    assert await entity.stream_source() == f"rtsp://admin:p%40ss%2Fword@{emulator.host}:554/{CAM1}"
    # The form serialises for the frontend (validators that do not would break the flow).
    serialize_form(DEVICE_TYPE.schema({}))


async def test_without_rtsp_template_no_stream(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, loaded: MockConfigEntry
) -> None:
    """Without a template the camera streams MJPEG / snapshots only (no STREAM feature)."""
    camera = hass.states.get("camera.camera_1")
    assert camera is not None
    assert camera.attributes["supported_features"] == 0
    assert await hass.data["camera"].get_entity("camera.camera_1").stream_source() is None


async def test_ptz_stop_failure_raises_a_repair_issue(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A camera that may keep moving is said where the user looks; a later stop clears it."""
    from datetime import timedelta

    issue_id = f"{loaded.entry_id}_ptz_stop_{CAM1}"
    move = {"entity_id": "camera.camera_1", "pan": "left", "duration": 1}
    await hass.services.async_call(DOMAIN, "exacqvision_ptz_move", move, blocking=True)
    emulator.faults.status = 503  # the web service stops answering before the stop
    await poll(hass, freezer, timedelta(seconds=1.5))
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {"camera": "Camera 1"}
    emulator.faults.status = None
    await hass.services.async_call(DOMAIN, "exacqvision_ptz_move", move, blocking=True)
    await poll(hass, freezer, timedelta(seconds=1.5))
    assert emulator.server.cameras[CAM1].moves[-1] == {"direction": "stop"}
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


@pytest.mark.parametrize(
    "template", ["http://{host}/{camera}", "rtsp://admin:secret@{host}/{camera}"]
)
async def test_unusable_rtsp_template_raises_a_repair_issue(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, template: str
) -> None:
    """Not RTSP, or a literal password in it: no STREAM, and the user is told why."""
    entry = await _setup(hass, emulator, rtsp_url=template)
    camera = hass.states.get("camera.camera_1")
    assert camera is not None
    assert camera.attributes["supported_features"] == 0
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{entry.entry_id}_rtsp_template")
    assert issue is not None


async def test_strict_real_web_service(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> None:
    """Every real-server behaviour at once: it sets up, shows pictures and keeps working."""
    async with ExacqVisionEmulator(strict=True) as emulator:
        entry = await _setup(hass, emulator)
        assert entry.state is ConfigEntryState.LOADED
        assert state(hass, "camera.camera_1") == "recording"
        image = await async_get_image(hass, "camera.camera_2")
        assert image.content_type == "image/jpeg"
        preset = hass.states.get("select.camera_1_ptz_preset")
        assert preset is not None  # the PTZ camera; the fixed ones answered success: false
        assert hass.states.get("select.camera_2_ptz_preset") is None
        assert emulator.command_names().count("login") == 1
        emulator.expire_sessions()
        await poll(hass, freezer, INVENTORY_POLL)
        assert state(hass, "binary_sensor.camera_1_recording") == "on"
        assert emulator.command_names().count("login") == 2
        assert emulator.open_sessions == 1
        assert _reauth_flows(hass) == []
        assert await hass.config_entries.async_unload(entry.entry_id)
        assert emulator.open_sessions == 0
