"""The wireless presentation receiver device type: form, connection test, runtime."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_API_KEY,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    Platform,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import voluptuous as vol

from ...const import CONF_DEVICE_TYPE, DOMAIN  # noqa: TID252
from ...forms import connection_schema  # noqa: TID252
from ..base import DeviceIdentity, DeviceType, ProAVConfigEntry  # noqa: TID252
from .client import KEY_STYLE_BASIC, PresentationReceiverClient
from .coordinator import SCAN_INTERVALS
from .models import ApiKey
from .runtime import (
    CONF_KEY_EXPIRES,
    CONF_RENEW_KEY,
    ReceiverRuntime,
    _async_setup,
    key_data,
    key_store,
    last_renewal,
    stored_password,
)
from .services import async_register_services

KEY: Final = "presentation_receiver"
DEFAULT_USERNAME: Final = "admin"
CONF_KEY_STYLE: Final = "key_style"  # how the device wants the key (found by the flow)
PLATFORMS: Final = frozenset(
    {
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.IMAGE,
        Platform.SELECT,
        Platform.SENSOR,
        Platform.SWITCH,
        Platform.TEXT,
        Platform.UPDATE,
    }
)


def _schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form: address (the port follows HTTPS unless set), account, key or password."""
    return connection_schema(
        defaults,
        port=None,
        ssl=True,
        verify_ssl=False,
        username=DEFAULT_USERNAME,
        password_required=False,
        api_key=True,
        extra={vol.Required(CONF_RENEW_KEY, default=defaults.get(CONF_RENEW_KEY, False)): bool},
    )


def _client(
    hass: HomeAssistant, data: Mapping[str, Any], **kwargs: Any
) -> PresentationReceiverClient:
    """Build a client from entry data or form input."""
    token = str(data.get(CONF_API_KEY) or "").strip()
    api_key = None
    if token:
        api_key = ApiKey(token=token, expires=int(data.get(CONF_KEY_EXPIRES, -1)))
    ssl = bool(data.get(CONF_SSL, True))
    return PresentationReceiverClient(
        async_get_clientsession(hass, verify_ssl=bool(data.get(CONF_VERIFY_SSL, False))),
        data[CONF_HOST],
        port=int(data.get(CONF_PORT) or (443 if ssl else 80)),
        ssl=ssl,
        username=data[CONF_USERNAME],
        api_key=api_key,
        key_style=str(data.get(CONF_KEY_STYLE, KEY_STYLE_BASIC)),
        **kwargs,
    )


async def _async_probe(hass: HomeAssistant, data: Mapping[str, Any]) -> list[DeviceIdentity]:
    """Check the key; without one (or if it is refused) create one with the password.

    Creating a key replaces the account's previous key on the device (the form says so), so a
    key an entry of the same account already holds is tried first. If a key is created anyway
    (that one was refused), every entry of the account gets it at once (a flow that then
    aborts "already configured" leaves them working).
    The password is kept only when the user allowed automatic key renewal.
    """
    created: list[ApiKey] = []
    if not data.get(CONF_API_KEY):
        known = [entry.data.get(CONF_API_KEY) for entry in _entries_of_account(hass, data)]
        if known and known[0]:
            data = {**data, CONF_API_KEY: known[0]}

    @callback
    def new_key(key: ApiKey) -> None:
        # At once, before anything else runs: an entry of this account polling now must not
        # meet its revoked key.
        created.append(key)
        for entry in _entries_of_account(hass, data):
            _hand_over_key(hass, entry, key)

    client = _client(hass, data, password=data.get(CONF_PASSWORD) or None, on_new_key=new_key)
    device = await client.async_find_key_style()
    assert client.api_key is not None  # the request succeeded with a key
    serial = device.serial_number or device.mac_address
    entry = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, serial)
    if created and entry is not None and entry.data.get(CONF_DEVICE_TYPE) == KEY:
        _hand_over_key(hass, entry, created[-1])  # the same device under another address
    return [
        DeviceIdentity(
            serial=serial,
            title=device.name or device.model or client.model,
            data=key_data(client.api_key) | {CONF_KEY_STYLE: client.key_style},
            drop=frozenset() if data.get(CONF_RENEW_KEY) else frozenset({CONF_PASSWORD}),
        )
    ]


def _entries_of_account(hass: HomeAssistant, data: Mapping[str, Any]) -> list[ProAVConfigEntry]:
    """Return the receiver entries that use the same account on the same address."""
    return [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.data.get(CONF_DEVICE_TYPE) == KEY
        and all(
            str(entry.data.get(key)) == str(data.get(key))
            for key in (CONF_HOST, CONF_PORT, CONF_USERNAME)
        )
    ]


@callback
def _hand_over_key(hass: HomeAssistant, entry: ProAVConfigEntry, key: ApiKey) -> None:
    """Give a key created by a flow to an entry of the same account (its old key is revoked)."""
    if entry.data.get(CONF_API_KEY) == key.token:
        return
    hass.config_entries.async_update_entry(entry, data={**entry.data, **key_data(key)})
    if entry.state is not ConfigEntryState.LOADED:
        # It failed with the old key (waiting for reauth or a retry): start it with the new one.
        hass.config_entries.async_schedule_reload(entry.entry_id)
    runtime = getattr(entry, "runtime_data", None)
    if isinstance(runtime, ReceiverRuntime):
        runtime.receiver.use_key(key)


async def _async_setup_entry(hass: HomeAssistant, entry: ProAVConfigEntry) -> ReceiverRuntime:
    """Build the client from the entry and set the runtime up."""
    client = _client(
        hass,
        entry.data,
        password=stored_password(hass, entry),
        on_new_key=key_store(hass, entry),
        renewed_at=last_renewal(hass, entry),
    )
    return await _async_setup(hass, entry, client)


DEVICE_TYPE = DeviceType(
    key=KEY,
    platforms=PLATFORMS,
    schema=_schema,
    async_probe=_async_probe,
    async_setup=_async_setup_entry,
    credential_keys=(CONF_API_KEY, CONF_USERNAME, CONF_PASSWORD),
    scan_intervals=SCAN_INTERVALS,
    async_register_services=async_register_services,
)
