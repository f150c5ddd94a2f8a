"""Diagnostics show the receiver's state without its secrets or identifiers."""

from __future__ import annotations

import json
import re

from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.diagnostics import async_get_config_entry_diagnostics
from tests.emulators.presentation_receiver import PresentationReceiverEmulator

from .conftest import SERIAL, TOKEN


async def test_redacted(
    hass: HomeAssistant, emulator: PresentationReceiverEmulator, config_entry: MockConfigEntry
) -> None:
    """Key, password, login code, serial, MACs and Wi-Fi secrets never appear."""
    hass.config_entries.async_update_entry(
        config_entry,
        data={**config_entry.data, CONF_PASSWORD: "Secret42", "allow_key_renewal": True},
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    diagnostics = await async_get_config_entry_diagnostics(hass, config_entry)
    text = json.dumps(diagnostics)
    for secret in (
        TOKEN,
        "Secret42",
        "4821",
        SERIAL,
        "02:00:00:00:00:01",
        "02:00:00:00:00:02",
        "abcd1234",
    ):
        # The login code as a number of its own (a random port may contain its digits).
        pattern = rf"(?<!\d){re.escape(secret)}(?!\d)" if secret.isdigit() else re.escape(secret)
        assert not re.search(pattern, text), secret
    device = next(iter(diagnostics["device"].values()))
    assert device["device"]["model"] == "EMU-WPS1"
    assert device["device"]["states"] == ["standby"]
    assert device["resolution"]["hdmi"] == 0
