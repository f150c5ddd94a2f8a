"""Setup, unload and resilience of a Poly VideoOS codec in Home Assistant."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.diagnostics import async_get_config_entry_diagnostics
from tests.emulators.poly_videoos import PolyVideoOSEmulator

from .helpers import ROOM, SYSTEM, setup, state, tick, tick_at_rest

MAIN = "media_player.boardroom"
CALENDAR = "calendar.boardroom_room_calendar"


@pytest.fixture
async def loaded(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
) -> MockConfigEntry:
    """Set the codec up in Home Assistant (time frozen first, so polls can be stepped)."""
    await setup(hass, entry)
    return entry


def _reauth_flows(hass: HomeAssistant) -> list[object]:
    """Return the reauth flows in progress."""
    return [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


async def test_setup_and_unload_logs_out(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, loaded: MockConfigEntry
) -> None:
    """One login serves the three tiers; unloading logs out."""
    assert loaded.state is ConfigEntryState.LOADED
    assert emulator.logins == 1
    assert await hass.config_entries.async_unload(loaded.entry_id)
    assert loaded.state is ConfigEntryState.NOT_LOADED
    assert emulator.logouts == 1
    assert not emulator.sessions


async def test_session_expiry_is_renewed(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An expired session is renewed without the user; entities stay available."""
    emulator.expire_sessions()
    emulator.state.volume = 40
    await tick_at_rest(hass, freezer)
    assert emulator.logins == 2
    assert hass.states.get(MAIN).attributes["volume_level"] == 0.4
    assert not _reauth_flows(hass)


async def test_idle_timeout_is_renewed(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The codec's idle timeout (shorter than the poll interval) costs one login, no error."""
    emulator.session_timeout = 5
    await tick(hass, freezer)
    assert emulator.logins == 2
    assert state(hass, MAIN) == "idle"


@pytest.mark.parametrize("require_xsrf", [True, False])
async def test_xsrf_token(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    entry: MockConfigEntry,
    require_xsrf: bool,
) -> None:
    """VideoOS 4.6.2+ refuses requests without the XSRF header; older firmware has none."""
    emulator.require_xsrf = require_xsrf
    await setup(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert state(hass, MAIN) == "idle"
    assert emulator.logins == 1


async def test_wrong_password_at_setup_starts_reauth(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """Rejected credentials stop the setup and ask the user to sign in again."""
    emulator.password = "changed"
    await setup(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert len(_reauth_flows(hass)) == 1


async def test_password_changed_while_running(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A changed password starts reauth; the codec sees one failed login only (lockout)."""
    emulator.password = "changed"
    emulator.expire_sessions()
    await tick(hass, freezer)
    assert len(_reauth_flows(hass)) == 1
    await tick(hass, freezer, SYSTEM)
    await tick(hass, freezer, SYSTEM)
    assert emulator.state.failed_logins == 1


async def test_device_down_and_back(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Off the network: unavailable (logged once); back: available again (logged once)."""
    await emulator.set_down(True)
    await tick(hass, freezer)
    await tick(hass, freezer)
    await tick(hass, freezer, ROOM)
    assert state(hass, MAIN) == STATE_UNAVAILABLE
    assert state(hass, "switch.boardroom_microphone_mute") == STATE_UNAVAILABLE
    assert state(hass, "select.boardroom_camera_preset") == STATE_UNAVAILABLE
    # No answer at all says nothing about optional resources: none is marked failing.
    capabilities = loaded.runtime_data.client.capabilities.as_dict()
    assert {item["support"] for item in capabilities.values()} == {"supported"}
    await emulator.set_down(False)
    await tick(hass, freezer)
    assert state(hass, MAIN) == "idle"
    assert caplog.text.count("Error fetching proav_poly_videoos_127.0.0.1_calls data") == 1
    assert caplog.text.count("Fetching proav_poly_videoos_127.0.0.1_calls data recovered") == 1


async def test_malformed_json(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Broken JSON makes the entities unavailable, crashes nothing, and recovers."""
    emulator.faults.malformed = True
    await tick(hass, freezer)
    await tick(hass, freezer, SYSTEM)
    assert state(hass, MAIN) == STATE_UNAVAILABLE
    assert state(hass, CALENDAR) == STATE_UNAVAILABLE
    emulator.faults.malformed = False
    await tick(hass, freezer)
    await tick(hass, freezer, SYSTEM)
    assert state(hass, MAIN) == "idle"
    assert state(hass, CALENDAR) == "off"


async def test_odd_shapes_crash_nothing(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Valid JSON of the wrong shape reads as neutral values; nothing raises."""
    emulator.odd_shapes = True
    await tick_at_rest(hass, freezer)
    await tick_at_rest(hass, freezer, SYSTEM)
    assert state(hass, MAIN) == "idle"
    assert state(hass, "binary_sensor.boardroom_in_call") == "off"
    assert state(hass, "sensor.boardroom_call_state") == "idle"
    assert state(hass, "sensor.boardroom_calendar_status") == "unknown"
    assert state(hass, CALENDAR) == "off"
    assert "Traceback" not in caplog.text
    emulator.odd_shapes = False
    await tick(hass, freezer)
    assert hass.states.get(MAIN).attributes["volume_level"] == 0.62


async def test_server_errors_make_entities_unavailable(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """HTTP 500 from the codec is treated like a device that does not answer."""
    emulator.faults.status = 500
    await tick(hass, freezer)
    await tick(hass, freezer, ROOM)
    assert state(hass, "select.boardroom_camera_preset") == STATE_UNAVAILABLE
    emulator.faults.status = None
    await tick(hass, freezer, ROOM)
    assert state(hass, "select.boardroom_camera_preset") != STATE_UNAVAILABLE


async def test_one_kept_alive_connection_between_polls(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Polls share one kept-alive connection (no TLS handshake per request)."""
    for _ in range(4):
        await tick(hass, freezer)
    assert len(emulator.connection_headers) > 20
    assert "close" not in {header.lower() for header in emulator.connection_headers if header}
    assert len(emulator.connections_seen) == 1


async def test_setup_retries_when_down(
    hass: HomeAssistant, emulator: PolyVideoOSEmulator, entry: MockConfigEntry
) -> None:
    """A codec that does not answer at startup is retried later."""
    await emulator.set_down(True)
    await setup(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_reboot_goes_unavailable_and_comes_back(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After a restart the codec is gone for a while, then back with a new session."""
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.boardroom_restart"}, blocking=True
    )
    await emulator.set_down(True)  # the codec reboots
    await tick(hass, freezer)
    assert state(hass, MAIN) == STATE_UNAVAILABLE
    await emulator.set_down(False)
    await tick(hass, freezer)
    assert state(hass, MAIN) == "idle"
    assert emulator.logins == 2


async def test_diagnostics_redacted(
    hass: HomeAssistant,
    emulator: PolyVideoOSEmulator,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Diagnostics show the state without password, serial or call/meeting details."""
    emulator.incoming_call("secret-guest@example.com")
    await tick(hass, freezer)
    text = str(await async_get_config_entry_diagnostics(hass, loaded))
    for secret in (emulator.password, emulator.serial, "secret-guest", "Weekly sync"):
        assert secret not in text
    assert "Studio X50" in text


async def test_https_with_self_signed_certificate(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """The real codec speaks HTTPS with a self-signed certificate: the defaults reach it."""
    async with PolyVideoOSEmulator(tls=True) as codec:
        entry = MockConfigEntry(
            domain="proav",
            unique_id=codec.serial,
            data={
                "device_type": "poly_videoos",
                "host": codec.host,
                "port": codec.port,
                "ssl": True,
                "verify_ssl": False,
                "username": codec.username,
                "password": codec.password,
            },
        )
        await setup(hass, entry)
        assert entry.state is ConfigEntryState.LOADED
        assert state(hass, MAIN) == "idle"
        assert await hass.config_entries.async_unload(entry.entry_id)
        assert codec.logouts == 1
