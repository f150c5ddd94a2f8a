"""Rejected and expired keys: reauth, or renewal with the stored password."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from tests.emulators.presentation_receiver import PresentationReceiverEmulator

from .conftest import TOKEN


async def _poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(timedelta(seconds=11))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_expired_key_starts_reauth(
    hass: HomeAssistant,
    emulator: PresentationReceiverEmulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without a stored password an expired key asks the user to sign in again."""
    emulator.expire_sessions()
    await _poll(hass, freezer)
    assert hass.states.get("sensor.room_101_status").state == STATE_UNAVAILABLE
    flows = loaded_entry.async_get_active_flows(hass, {SOURCE_REAUTH})
    assert len(list(flows)) == 1


async def test_expired_key_renewed(
    hass: HomeAssistant,
    emulator: PresentationReceiverEmulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With automatic renewal allowed, a new key is created and stored; no reauth."""
    hass.config_entries.async_update_entry(
        config_entry,
        data={**config_entry.data, CONF_PASSWORD: "admin", "allow_key_renewal": True},
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    emulator.expire_sessions()
    await _poll(hass, freezer)
    assert hass.states.get("sensor.room_101_status").state == "standby"
    assert config_entry.data[CONF_API_KEY] == emulator.accounts["admin"].token != TOKEN
    assert not list(config_entry.async_get_active_flows(hass, {SOURCE_REAUTH}))


async def test_revoked_key_at_setup(
    hass: HomeAssistant, emulator: PresentationReceiverEmulator, config_entry: MockConfigEntry
) -> None:
    """A key revoked while Home Assistant was off fails the setup into reauth."""
    emulator.accounts["admin"].token = "otherkey01234567"
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert len(list(config_entry.async_get_active_flows(hass, {SOURCE_REAUTH}))) == 1


async def test_key_rejected_by_a_command(
    hass: HomeAssistant, emulator: PresentationReceiverEmulator, loaded_entry: MockConfigEntry
) -> None:
    """A command refused for auth raises a translated error and starts reauth."""
    emulator.expire_sessions()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "switch",
            "turn_on",
            {"entity_id": "switch.room_101_remote_view"},
            blocking=True,
        )
    assert err.value.translation_key == "invalid_auth"
    await hass.async_block_till_done()
    assert len(list(loaded_entry.async_get_active_flows(hass, {SOURCE_REAUTH}))) == 1
