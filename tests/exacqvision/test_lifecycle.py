"""exacqVision over time: items come and go, sessions expire, the server fails and recovers."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from custom_components.proav.devices.exacqvision.coordinator import event_profile_name
from tests.compat import get_device
from tests.emulators.exacqvision import ExacqVisionEmulator

from .conftest import INVENTORY_POLL, SERIAL, entry_data, poll, state

CAM1 = "4590080"


async def test_cameras_added_and_removed(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """New cameras get entities and a device; removed ones vanish with theirs."""
    server = emulator.server
    added = emulator.add_camera(server, 7, ptz=True)
    del server.cameras["4590336"]  # Camera 2
    await poll(hass, freezer, INVENTORY_POLL)
    await poll(hass, freezer)  # its status is asked for from the next poll on
    assert state(hass, "camera.camera_8") == "recording"
    assert state(hass, "select.camera_8_ptz_preset") == "unknown"
    assert get_device(hass, (DOMAIN, f"{SERIAL}_{added.id}")) is not None
    assert hass.states.get("camera.camera_2") is None
    assert hass.states.get("binary_sensor.camera_2_recording") is None
    assert er.async_get(hass).async_get("event.camera_2_events") is None
    assert get_device(hass, (DOMAIN, f"{SERIAL}_4590336")) is None
    # a camera that loses its presets loses its preset select (and keeps its device)
    server.cameras[CAM1].presets = []
    await poll(hass, freezer, INVENTORY_POLL)
    assert hass.states.get("select.camera_1_ptz_preset") is None
    assert state(hass, "camera.camera_1") == "recording"


async def test_disabled_camera_is_unavailable(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A camera disabled on the server shows as unavailable; enabled again, it is back."""
    emulator.server.cameras[CAM1].disabled = True
    await poll(hass, freezer, INVENTORY_POLL)
    assert state(hass, "camera.camera_1") == STATE_UNAVAILABLE
    emulator.server.cameras[CAM1].disabled = False
    await poll(hass, freezer, INVENTORY_POLL)
    assert state(hass, "camera.camera_1") == "recording"


async def test_triggers_added_and_removed(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Soft triggers added or removed on the server follow without a reload."""
    server = emulator.server
    emulator.add_trigger(server, 2)
    del server.triggers["4653312"]
    await poll(hass, freezer, INVENTORY_POLL)
    assert state(hass, "button.server_1_trigger_3") == "unknown"
    assert state(hass, "switch.server_1_trigger_3_hold") == "off"
    assert hass.states.get("button.server_1_trigger_1") is None
    assert er.async_get(hass).async_get("switch.server_1_trigger_1_hold") is None


async def test_stale_camera_devices_removed_at_setup(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, entry: MockConfigEntry
) -> None:
    """A camera removed while Home Assistant was off leaves no device behind."""
    devices = dr.async_get(hass)
    devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, f"{SERIAL}_999")}, name="Gone"
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert get_device(hass, (DOMAIN, f"{SERIAL}_999")) is None
    assert get_device(hass, (DOMAIN, SERIAL)) is not None


async def test_session_expiry_is_invisible(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An expired session is renewed without the user noticing."""
    emulator.expire_sessions()
    await poll(hass, freezer)
    assert state(hass, "binary_sensor.camera_1_recording") == "on"
    assert emulator.command_names().count("login") == 2
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_wrong_password_starts_reauth(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """When the stored password stops working, a reauth flow starts."""
    emulator.users["admin"] = "changed"
    emulator.expire_sessions()
    await poll(hass, freezer)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_wrong_password_at_setup(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, entry: MockConfigEntry
) -> None:
    """Rejected credentials at setup fail the setup with a reauth flow."""
    emulator.users["admin"] = "changed"
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_server_down_and_back(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Entities go unavailable while the web service is down and come back by themselves."""
    await emulator.set_down(True)
    await poll(hass, freezer)
    await poll(hass, freezer)
    for entity_id in (
        "camera.camera_1",
        "binary_sensor.camera_1_recording",
        "button.server_1_trigger_1",
        "sensor.server_1_health",
    ):
        assert state(hass, entity_id) == STATE_UNAVAILABLE
    assert caplog.text.count("Error fetching") == 1  # said once, not every poll
    await emulator.set_down(False)
    await poll(hass, freezer)
    assert state(hass, "camera.camera_1") == "recording"
    assert state(hass, "button.server_1_trigger_1") == "unknown"


async def test_down_at_setup_retries(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, entry: MockConfigEntry
) -> None:
    """A web service that is down at start-up makes the setup retry."""
    await emulator.set_down(True)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_malformed_json(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Broken answers make entities unavailable, never crash; good answers bring them back."""
    emulator.faults.malformed = True
    await poll(hass, freezer)
    assert state(hass, "binary_sensor.camera_1_recording") == STATE_UNAVAILABLE
    await poll(hass, freezer, INVENTORY_POLL)
    emulator.faults.malformed = False
    await poll(hass, freezer, INVENTORY_POLL)
    assert state(hass, "binary_sensor.camera_1_recording") == "on"
    assert state(hass, "camera.camera_1") == "recording"


async def test_renumbered_server_is_found_by_serial(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, entry: MockConfigEntry
) -> None:
    """If the admin re-adds servers and the ids change, the serial still finds ours."""
    hass.config_entries.async_update_entry(entry, data={**entry.data, "server_id": "7"})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.data["server_id"] == "0"
    assert state(hass, "camera.camera_1") == "recording"


async def test_ptz_move_action(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The action moves the camera at the given speed and stops it after the duration."""
    await hass.services.async_call(
        DOMAIN,
        "exacqvision_ptz_move",
        {"entity_id": "camera.camera_1", "pan": "left", "zoom": "in", "speed": 40, "duration": 2},
        blocking=True,
    )
    camera = emulator.server.cameras[CAM1]
    assert camera.moves == [{"pspeed": "40", "zspeed": "40"}, {"direction": "li"}]
    await poll(hass, freezer, timedelta(seconds=1))
    assert len(camera.moves) == 2
    await poll(hass, freezer, timedelta(seconds=1.5))
    assert camera.moves[-1] == {"direction": "stop"}


async def test_ptz_move_action_errors(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, loaded: MockConfigEntry
) -> None:
    """Cameras that cannot move and calls without a direction are refused, translated."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "exacqvision_ptz_move",
            {"entity_id": "camera.camera_2", "pan": "left"},
            blocking=True,
        )
    assert err.value.translation_key == "ptz_not_supported"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "exacqvision_ptz_move", {"entity_id": "camera.camera_1"}, blocking=True
        )
    assert err.value.translation_key == "ptz_no_direction"
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "exacqvision_ptz_move",
            {"entity_id": "sensor.server_1_health", "tilt": "up"},
            blocking=True,
        )


async def test_ptz_stop_cancelled_on_unload(
    hass: HomeAssistant,
    emulator: ExacqVisionEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A pending timed stop does not outlive the entry."""
    await hass.services.async_call(
        DOMAIN,
        "exacqvision_ptz_move",
        {"entity_id": "camera.camera_1", "tilt": "up", "duration": 5},
        blocking=True,
    )
    assert await hass.config_entries.async_unload(loaded.entry_id)
    await poll(hass, freezer, timedelta(seconds=6))
    assert emulator.server.cameras[CAM1].moves[-1] == {"direction": "u"}


async def test_several_servers_share_one_web_service(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> None:
    """Two entries on one web service each follow their own server."""
    async with ExacqVisionEmulator(servers=2, cameras=1, ptz_cameras=0, triggers=0) as emulator:
        from .conftest import entry_data

        entries = [
            MockConfigEntry(
                domain=DOMAIN, unique_id=serial, title=name, data=entry_data(emulator, sid)
            )
            for serial, name, sid in (
                ("186266324EAF", "Server 1", "0"),
                ("186266324EB0", "Server 2", "1"),
            )
        ]
        for entry in entries:
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        emulator.set_camera(emulator.servers["1"], "4655616", recording=False)
        await poll(hass, freezer)
        assert state(hass, "binary_sensor.camera_1_recording") == "on"
        assert state(hass, "binary_sensor.camera_1_recording_2") == "off"
        for entry in entries:
            assert await hass.config_entries.async_unload(entry.entry_id)


async def test_deleting_an_unloaded_entry_removes_its_event_profile(
    hass: HomeAssistant, emulator: ExacqVisionEmulator
) -> None:
    """A profile left on the server (Home Assistant stopped before unloading) goes with the entry."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        title="Server 1",
        data={**entry_data(emulator), "event_monitoring": True},
    )
    entry.add_to_hass(hass)
    name = event_profile_name(entry.entry_id)
    emulator.server.profiles[name] = {"name": name, "type": 1, "links": {}}
    emulator.server.profiles["Customer profile"] = {
        "name": "Customer profile",
        "type": 1,
        "links": {},
    }

    await hass.config_entries.async_remove(entry.entry_id)

    assert list(emulator.server.profiles) == ["Customer profile"]
    assert emulator.open_sessions == 0


async def test_deleting_an_entry_of_a_server_that_is_gone(
    hass: HomeAssistant, emulator: ExacqVisionEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A server that no longer answers does not stop its entry from being deleted."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        title="Server 1",
        data={**entry_data(emulator), "event_monitoring": True},
    )
    entry.add_to_hass(hass)
    await emulator.set_down(True)
    await hass.config_entries.async_remove(entry.entry_id)
    assert hass.config_entries.async_get_entry(entry.entry_id) is None
    assert "Could not clean up Server 1 on its device: CannotConnect" in caplog.text
