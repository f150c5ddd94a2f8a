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
    DeviceError,
    InvalidAuth,
    InvalidResponse,
)
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
    """A device with a serial, Basic auth, and a few switchable items."""

    def __init__(self) -> None:
        """Start with one device and two items."""
        super().__init__()
        self.devices: list[dict[str, str]] = [{"serial": "SN-0001", "name": "Stand-in"}]
        self.items: dict[str, Light] = {"1": Light("Left"), "2": Light("Right")}
        self.password = PASSWORD
        self.refuse = False  # answer commands with a device error

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        """Add the routes."""
        router.add_get("/info", self._info)
        router.add_get("/state", self._state)
        router.add_post("/items/{key}", self._set)

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == basic_auth(USER, self.password)

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
            return web.json_response({"error": "busy"}, status=409)
        body = await request.json()
        key = request.match_info["key"]
        self.log("set", key=key, on=body["on"])
        self.items[key].on = body["on"]
        return web.json_response({"on": body["on"]})


class StandInClient:
    """The stand-in's client: Basic auth over HTTP, typed errors."""

    def __init__(self, session: aiohttp.ClientSession, data: Mapping[str, Any]) -> None:
        """Keep where and how to connect."""
        self._session = session
        self._url = f"http://{data[CONF_HOST]}:{data[CONF_PORT]}"
        self._headers = {
            "Authorization": basic_auth(data.get(CONF_USERNAME, ""), data.get(CONF_PASSWORD, ""))
        }

    async def request(self, method: str, path: str, body: Any = None) -> Any:
        """Send one request; map failures to the shared errors."""
        try:
            async with self._session.request(
                method, self._url + path, json=body, headers=self._headers
            ) as response:
                if response.status == 401:
                    raise InvalidAuth
                if response.status >= 400:
                    raise DeviceError(f"status {response.status}", response.status)
                try:
                    return await response.json()
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

    async def _async_fetch(self) -> dict[str, Light]:
        state = await self.client.request("GET", "/state")
        return {key: Light(item["name"], item["on"]) for key, item in state["items"].items()}

    async def async_set(self, key: str, on: bool) -> None:
        """Switch an item and apply the confirmed state."""
        answer = await self.client.request("POST", f"/items/{key}", {"on": on})
        self.data[key].on = answer["on"]


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
            async_add_entities(
                [
                    ProAVSensor(coordinator, COUNT, self.device_info),
                    ProAVSensor(coordinator, PLAIN, self.device_info),
                ]
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
        """Remember that unload shut the runtime down."""
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
    info = await client.request("GET", "/info")
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
