"""The connection form every device type shares (host, port, HTTPS, account)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import (
    CONF_API_KEY,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig, TextSelectorType
import voluptuous as vol

PASSWORD_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
PORT = vol.All(vol.Coerce(int), vol.Range(min=1, max=65535))


def connection_schema(
    defaults: Mapping[str, Any],
    *,
    port: int | None,
    ssl: bool | None,
    verify_ssl: bool | None = None,
    username: str | None = "",
    password: bool = True,
    password_required: bool = True,
    api_key: bool = False,
    extra: Mapping[Any, Any] | None = None,
) -> vol.Schema:
    """Return a device type's connection form with ``defaults`` filled in.

    ``port`` None makes the port optional (it then follows the HTTPS choice); ``ssl`` None
    leaves the HTTPS choice out (a device that speaks plain HTTP only); ``verify_ssl``
    None leaves the certificate check out; ``username`` None leaves the user name out (else it is
    its default). Secrets (password, API key) are password fields and are never pre-filled.
    """

    def default(key: str, fallback: Any = vol.UNDEFINED) -> Any:
        return defaults.get(key, fallback)

    fields: dict[Any, Any] = {vol.Required(CONF_HOST, default=default(CONF_HOST)): str}
    if port is None:
        # No suggestion without a known port (UNDEFINED would not serialize for the frontend).
        suggested = defaults.get(CONF_PORT)
        description = None if suggested is None else {"suggested_value": suggested}
        fields[vol.Optional(CONF_PORT, description=description)] = PORT
    else:
        fields[vol.Required(CONF_PORT, default=default(CONF_PORT, port))] = PORT
    if ssl is not None:
        fields[vol.Required(CONF_SSL, default=default(CONF_SSL, ssl))] = bool
    if verify_ssl is not None:
        fields[vol.Required(CONF_VERIFY_SSL, default=default(CONF_VERIFY_SSL, verify_ssl))] = bool
    if username is not None:
        fields[vol.Required(CONF_USERNAME, default=default(CONF_USERNAME, username))] = str
    if password:
        marker = vol.Required if password_required else vol.Optional
        fields[marker(CONF_PASSWORD)] = PASSWORD_SELECTOR
    if api_key:
        fields[vol.Optional(CONF_API_KEY)] = PASSWORD_SELECTOR
    fields.update(extra or {})
    return vol.Schema(fields)
