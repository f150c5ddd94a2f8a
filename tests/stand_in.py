"""A stand-in device type for testing the shared machinery (flow, setup, entities).

It talks real HTTP to a tiny emulator, like every real device type does, so the config flow,
the setup, the generic entities and the item tracking run exactly as they do in production. Tests
put it in the registry under a real device type key with ``stand_in_registry``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp import web
from homeassistant.components.bluetooth import BluetoothServiceInfoBleak
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
import voluptuous as vol

from custom_components.proav.compat import via_device
from custom_components.proav.const import DOMAIN
from custom_components.proav.coordinator import ProAVCoordinator
from custom_components.proav.devices.base import (
    DeviceIdentity,
    DeviceType,
    Discovered,
    ProAVConfigEntry,
    ProAVRuntime,
    ScanInterval,
)
from custom_components.proav.devices.errors import (
    CannotConnect,
    DeviceBusy,
    DeviceError,
    InvalidAuth,
    InvalidResponse,
    NotPermitted,
    NotSupported,
)
from custom_components.proav.devices.session import DeviceClient
from custom_components.proav.entity import ItemEntities
from custom_components.proav.sensor import ProAVSensor, ProAVSensorDescription
from custom_components.proav.switch import ProAVSwitch, ProAVSwitchDescription

from .emulators.base import Emulator

USER, PASSWORD = "admin", "secret"
POLL = ScanInterval(key="state_interval", default=30, minimum=5)


def basic_auth(user: str, password: str) -> str:
    """Return a Basic Authorization header (aiohttp's BasicAuth is deprecated in newer aiohttp)."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@dataclass
class Light:
    """One item on the stand-in device."""

    name: str
    on: bool = False


class StandInEmulator(Emulator):
    """A device with a serial, sessions behind a login, and a few switchable items.

    ``refuse`` answers commands with that HTTP status (403 forbidden by a mode, 404 unknown
    route, 429 busy, 409 any other refusal); ``extras`` is an optional resource (None: the
    device lacks it, 404; an int: the device answers 500 with that status while it fails).
    """

    def __init__(self) -> None:
        """Start with one device and two items."""
        super().__init__()
        self.devices: list[dict[str, str]] = [{"serial": "SN-0001", "name": "Stand-in"}]
        self.items: dict[str, Light] = {"1": Light("Left"), "2": Light("Right")}
        self.password = PASSWORD
        self.refuse: int | None = None
        self.extras: dict[str, Any] | int | None = {"temperature": 21}
        self.sessions: set[str] = set()
        self.logins = 0

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        """Add the routes."""
        router.add_post("/login", self._login)
        router.add_post("/logout", self._logout)
        router.add_get("/info", self._info)
        router.add_get("/state", self._state)
        router.add_get("/extras", self._extras)
        router.add_post("/items/{key}", self._set)

    def expire_sessions(self) -> None:
        """Forget every session (as a device reboot or timeout does)."""
        self.sessions.clear()

    async def _login(self, request: web.Request) -> web.Response:
        self.logins += 1
        if request.headers.get("Authorization") != basic_auth(USER, self.password):
            return web.json_response({"error": "auth"}, status=401)
        session = f"session-{self.logins}"
        self.sessions.add(session)
        return web.json_response({"session": session})

    async def _logout(self, request: web.Request) -> web.Response:
        self.sessions.discard(request.headers.get("X-Session", ""))
        return web.json_response({})

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("X-Session") in self.sessions

    async def _extras(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"error": "auth"}, status=401)
        if self.extras is None:
            return web.Response(text="<html>Not found</html>", status=404)
        if isinstance(self.extras, int):
            return web.json_response({"error": "failing"}, status=self.extras)
        return web.json_response(self.extras)

    async def _info(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"error": "auth"}, status=401)
        return web.json_response({"devices": self.devices})

    async def _state(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"error": "auth"}, status=401)
        items = {key: {"name": item.name, "on": item.on} for key, item in self.items.items()}
        return web.json_response({"items": items})

    async def _set(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"error": "auth"}, status=401)
        if self.refuse:
            return web.json_response({"error": "refused"}, status=self.refuse)
        body = await request.json()
        key = request.match_info["key"]
        self.log("set", key=key, on=body["on"])
        self.items[key].on = body["on"]
        return web.json_response({"on": body["on"]})


ERRORS: dict[int, type[DeviceError]] = {403: NotPermitted, 404: NotSupported, 429: DeviceBusy}


class StandInClient(DeviceClient):
    """The stand-in's client: a session behind a login, typed errors, as real clients do."""

    def __init__(self, session: aiohttp.ClientSession, data: Mapping[str, Any]) -> None:
        """Keep where and how to connect."""
        super().__init__()
        self._session = session
        self._url = f"http://{data[CONF_HOST]}:{data[CONF_PORT]}"
        self._auth = basic_auth(data.get(CONF_USERNAME, ""), data.get(CONF_PASSWORD, ""))
        self._session_id: str | None = None

    async def _login(self) -> None:
        status, answer = await self._send("POST", "/login", None, auth=True)
        if status == 401:
            raise InvalidAuth("login refused")
        self._session_id = answer["session"]

    async def request(self, method: str, path: str, body: Any = None) -> Any:
        """Send one request (signing in first, and once again on an expired session)."""
        if self._session_id is None:
            await self.login_gate.async_login(self._login)
        generation = self.login_gate.generation
        status, answer = await self._send(method, path, body)
        if status == 401:
            await self.login_gate.async_login(self._login, expired=generation)
            status, answer = await self._send(method, path, body)
            if status == 401:
                raise NotPermitted("refused right after a fresh login")
        if status >= 400:
            raise ERRORS.get(status, DeviceError)(f"status {status}", status)
        return answer

    async def async_close(self) -> None:
        """Sign out."""
        if self._session_id is not None:
            await self._send("POST", "/logout", None)
            self._session_id = None

    async def _send(
        self, method: str, path: str, body: Any, *, auth: bool = False
    ) -> tuple[int, Any]:
        headers = {"X-Session": self._session_id} if self._session_id and not auth else {}
        try:
            async with self._session.request(
                method,
                self._url + path,
                json=body,
                headers=headers | ({"Authorization": self._auth} if auth else {}),
            ) as response:
                raw = await response.read()
                self.captures.record(f"{method} {path}", response.status, raw)
                if response.status >= 400:
                    return response.status, None
                try:
                    return response.status, await response.json()
                except ValueError as err:
                    raise InvalidResponse("not JSON") from err
        except aiohttp.ClientError as err:
            raise CannotConnect from err


class StandInCoordinator(ProAVCoordinator[dict[str, Light]]):
    """Polls the stand-in's items."""

    def __init__(self, hass: HomeAssistant, entry: ProAVConfigEntry, client: StandInClient) -> None:
        """Poll at the interval the options chose."""
        super().__init__(hass, entry, "stand_in", POLL.of(entry))
        self.client = client

    extras: dict[str, Any] | None = None

    async def _async_fetch(self) -> dict[str, Light]:
        state = await self.client.request("GET", "/state")
        extras = await self.client.capabilities.async_read(
            "extras", lambda: self.client.request("GET", "/extras")
        )
        if extras is not None:
            self.extras = extras
        return {key: Light(item["name"], item["on"]) for key, item in state["items"].items()}

    async def async_set(self, key: str, on: bool) -> None:
        """Switch an item and apply the confirmed state."""
        await self.async_apply(
            self.client.request("POST", f"/items/{key}", {"on": on}),
            lambda data, answer: {**data, key: Light(data[key].name, answer["on"])},
        )


SWITCH = ProAVSwitchDescription[StandInCoordinator](
    key="light",
    name="Light",
    is_on_fn=lambda coordinator, item: coordinator.data[item].on,
    set_fn=lambda coordinator, item, on: coordinator.async_set(item, on),
    available_fn=lambda coordinator, item: item in coordinator.data,
)
COUNT = ProAVSensorDescription[StandInCoordinator](
    key="count",
    name="Lights on",
    value_fn=lambda coordinator, _: sum(light.on for light in coordinator.data.values()),
    attributes_fn=lambda coordinator, _: {"names": sorted(coordinator.data)},
)
PLAIN = ProAVSensorDescription[StandInCoordinator](
    key="plain",
    name="Lights",
    value_fn=lambda coordinator, _: len(coordinator.data),
)
TEMPERATURE = ProAVSensorDescription[StandInCoordinator](
    key="temperature",
    name="Temperature",
    capability="extras",
    value_fn=lambda coordinator, _: (coordinator.extras or {}).get("temperature"),
)


class StandInRuntime(ProAVRuntime):
    """The stand-in's runtime: one coordinator, items tracked as they come and go."""

    coordinator: StandInCoordinator
    shut_down = False

    @callback
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add a sensor for the device and a switch per item."""
        coordinator = self.coordinator
        if platform is Platform.SENSOR:
            ItemEntities.device(
                coordinator,
                lambda: [
                    ProAVSensor(coordinator, description, self.device_info)
                    for description in (COUNT, PLAIN, TEMPERATURE)
                ],
                async_add_entities,
            )
            return
        ItemEntities(
            coordinator,
            lambda: {key: light.name for key, light in coordinator.data.items()},
            lambda item: [
                ProAVSwitch(
                    coordinator,
                    SWITCH,
                    DeviceInfo(
                        identifiers={(DOMAIN, f"light-{item.key}")},
                        name=item.name,
                        **via_device(self.hass, (DOMAIN, "SN-0001"), self.entry.entry_id),
                    ),
                    item,
                )
            ],
            async_add_entities,
            device_identifier_fn=lambda key: (DOMAIN, f"light-{key}"),
        )

    async def async_shutdown(self) -> None:
        """Remember that unload (or Home Assistant's stop) shut the runtime down."""
        StandInRuntime.shut_down = True


def _schema(defaults: Mapping[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)): str,
            vol.Required(CONF_PORT, default=defaults.get(CONF_PORT, 80)): int,
            vol.Required(CONF_USERNAME, default=defaults.get(CONF_USERNAME, USER)): str,
            vol.Required(CONF_PASSWORD): str,
        }
    )


async def _probe(hass: HomeAssistant, data: Mapping[str, Any]) -> list[DeviceIdentity]:
    client = StandInClient(async_get_clientsession(hass), data)
    try:
        info = await client.request("GET", "/info")
    finally:
        await client.async_close()
    return [
        DeviceIdentity(serial=device["serial"], title=device["name"], data={"index": index})
        for index, device in enumerate(info["devices"])
    ]


async def _setup(hass: HomeAssistant, entry: ProAVConfigEntry) -> StandInRuntime:
    client = StandInClient(async_get_clientsession(hass), entry.data)
    coordinator = StandInCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    runtime = StandInRuntime(
        hass,
        entry,
        DeviceInfo(identifiers={(DOMAIN, "SN-0001")}, name="Stand-in"),
        [coordinator],
        client,
    )
    runtime.coordinator = coordinator
    return runtime


def _bluetooth(info: BluetoothServiceInfoBleak) -> Discovered | None:
    if not info.name.startswith("STAND"):
        return None
    return Discovered(serial=info.name, name=info.name, host=info.address or None)


def _ssdp(info: SsdpServiceInfo) -> Discovered | None:
    if info.ssdp_st != "urn:stand-in":
        return None
    return Discovered(serial=info.ssdp_usn, name="Stand-in", host="127.0.0.1", port=8080)


registered: list[str] = []


def _register_services(hass: HomeAssistant) -> None:
    registered.append("stand_in")


def stand_in_type(key: str, *, polls: bool = True) -> DeviceType:
    """Return the stand-in device type under a real device type key."""
    return DeviceType(
        key=key,
        platforms=frozenset({Platform.SENSOR, Platform.SWITCH}),
        schema=_schema,
        async_probe=_probe,
        async_setup=_setup,
        scan_intervals=(POLL,) if polls else (),
        bluetooth=_bluetooth,
        ssdp=_ssdp,
        async_register_services=_register_services,
    )


# One poll later (the coordinator adds a little jitter to its schedule).
POLL_INTERVAL = timedelta(seconds=POLL.default + 1)
