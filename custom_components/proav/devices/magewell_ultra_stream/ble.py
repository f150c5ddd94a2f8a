"""Ultra Stream Bluetooth LE: advertisement parser and GATT provisioning client (no HA imports).

Advertisement (doc §7.3): 32-bit service UUID ad07a961, manufacturer data (vendor 0x2935,
product 0x0808, layout, protocol version, 4-byte status mask, Ethernet IP, Wi-Fi IP) and the
13-character serial as local name. The doc leaves byte orders open: integers are read
little-endian (BLE's order), IP addresses in network order, and both company id byte orders are
accepted.

Provisioning (custom service e20a39f4-...): five 20-byte "buffer" characteristics carry opcodes
with a random 2-byte index the box echoes. The byte order of the opcodes is undocumented: a
request the box does not answer is sent once more in the other order, and the order that worked
is kept for that box (``write_order``). Password check: MD5 digest (raw 16 bytes). Wi-Fi:
security, IP mode, SSID (up to 36 bytes) and password (up to 34 bytes) over four buffers; the box
answers "running" until it joined (or failed) and then reports its Wi-Fi address.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum
import hashlib
import ipaddress
import logging
import random
import struct
from typing import Any, Protocol

from bleak.backends.device import BLEDevice
from bleak.exc import BleakError
from bleak_retry_connector import BleakClientWithServiceCache, establish_connection

from ..errors import (  # noqa: TID252 - the shared errors, the one import allowed
    CannotConnect,
    DeviceError,
    InvalidAuth,
)
from .models import DeviceStatus, decode_status

SERVICE_UUID = "ad07a961-0000-1000-8000-00805f9b34fb"
PROVISIONING_SERVICE = "e20a39f4-73f5-4bc4-a12f-17d1ad07a961"
BUFFERS = (
    "08590f7e-db05-467e-8757-72f6faeb13d4",
    "f4be124e-4cdc-43e2-a6bb-8628e4009e6b",
    "1de1bf3d-1bbe-43aa-9a30-b2bb5ce9671d",
    "8d7bd67d-d0b3-4a5e-8d2b-2912af174a7d",
    "3a10340a-85e3-4190-86b4-b94dc505e4f8",
)
COMPANY_IDS = (0x2935, 0x3529)
PRODUCT_ID = b"\x08\x08"

OP_STATUS, OP_STATUS_REPLY = 0x5335, 0x5336
OP_AUTH, OP_AUTH_REPLY = 0x5333, 0x5334
OP_WIFI, OP_WIFI_REPLY = 0x5337, 0x5332
OP_AP, OP_AP_REPLY = 0x5341, 0x5342

RESULT_OK, RESULT_RUNNING, RESULT_PASSWD = 0, 2, -1
WIFI_FAILURES = {
    -1: "the Wi-Fi password was rejected",
    -4: "the device failed",
    -12: "the network did not answer in time",
    -14: "the network was not found",
    -20: "the network name or password is empty",
}
JOIN_SECONDS = 45.0
# Byte orders of requests: the one tried first (BLE's little-endian), then the other (the
# opcodes read as ASCII tags, "S5" = 0x5335, which hints at big-endian on the wire).
WRITE_ORDERS = ("<", ">")

_LOGGER = logging.getLogger(__name__)


class WifiSecurity(IntEnum):
    """Wi-Fi security of the network to join."""

    NONE = 0
    WEP = 1
    WPA_PSK = 2
    WPA2_PSK = 3


class WifiJoinFailed(DeviceError):
    """The box could not join the Wi-Fi network."""


class NoReply(DeviceError):
    """The box did not answer a request (nothing new in the reply buffer, or another index)."""


@dataclass(frozen=True, kw_only=True)
class Advertisement:
    """What a box's advertisement says."""

    serial: str
    address: str
    status: DeviceStatus | None = None
    eth_ip: str = ""
    wifi_ip: str = ""

    @property
    def host(self) -> str | None:
        """Return the address to reach the box at over HTTP (None: not on a network).

        In soft-AP mode the Wi-Fi address is the box's own access point (192.168.48.1), which
        Home Assistant cannot reach: only the Ethernet address counts then.
        """
        soft_ap = self.status is not None and DeviceStatus.SOFT_AP in self.status
        return self.eth_ip or (None if soft_ap else self.wifi_ip) or None


def _ip(data: bytes) -> str:
    """Return an IPv4 address in network order ("" for 0.0.0.0)."""
    address = str(ipaddress.IPv4Address(data))
    return "" if address == "0.0.0.0" else address  # noqa: S104 - "unset", not a binding


def parse_manufacturer_data(data: bytes) -> tuple[DeviceStatus, str, str] | None:
    """Return status, Ethernet IP and Wi-Fi IP from the manufacturer data (after the id)."""
    if len(data) < 17 or data[:2] != PRODUCT_ID:
        return None
    (mask,) = struct.unpack_from("<I", data, 5)
    return decode_status(mask), _ip(data[9:13]), _ip(data[13:17])


def parse_advertisement(
    *,
    name: str | None,
    address: str,
    service_uuids: list[str],
    manufacturer_data: Mapping[int, bytes],
) -> Advertisement | None:
    """Return the box an advertisement comes from (None when it is not an Ultra Stream)."""
    if SERVICE_UUID not in [uuid.lower() for uuid in service_uuids]:
        return None
    serial = (name or "").strip()
    if len(serial) != 13 or not serial[0].isalpha() or not serial[1:].isdigit():
        return None
    for company in COMPANY_IDS:
        if company in manufacturer_data and (
            parsed := parse_manufacturer_data(manufacturer_data[company])
        ):
            status, eth_ip, wifi_ip = parsed
            return Advertisement(
                serial=serial, address=address, status=status, eth_ip=eth_ip, wifi_ip=wifi_ip
            )
    return Advertisement(serial=serial, address=address)


class GattClient(Protocol):
    """The part of a BleakClient the provisioning client uses."""

    async def read_gatt_char(self, char_specifier: str, **kwargs: Any) -> bytearray:
        """Read a characteristic."""

    async def write_gatt_char(self, char_specifier: str, data: bytes, response: bool) -> None:
        """Write a characteristic."""

    async def disconnect(self) -> bool:
        """Disconnect."""


@dataclass(frozen=True, kw_only=True)
class WifiResult:
    """What the box reports after joining a Wi-Fi network."""

    ip: str
    status: DeviceStatus
    version: str


async def async_connect(device: BLEDevice, name: str) -> GattClient:
    """Connect to a box (with bleak-retry-connector's retries and service cache)."""
    try:
        client: GattClient = await establish_connection(
            BleakClientWithServiceCache, device, name, max_attempts=3
        )
    except (BleakError, TimeoutError, OSError) as err:
        raise CannotConnect(f"Bluetooth connection to {name} failed: {err}") from err
    return client


class UltraStreamProvisioner:
    """The provisioning protocol over a connected GATT client."""

    def __init__(
        self,
        client: GattClient,
        *,
        poll_seconds: float = 1.0,
        index_fn: Callable[[], int] = lambda: random.randrange(0x10000),
        write_order: str | None = None,
    ) -> None:
        """Use a connected client; ``poll_seconds`` paces the Wi-Fi join polling.

        ``write_order``: the byte order this box answered before (None: not known yet, try
        both); after each answered request it holds the order that worked.
        """
        self._client = client
        self._poll = poll_seconds
        self._index_fn = index_fn
        self.write_order = write_order

    async def _write(self, buffer: int, data: bytes) -> None:
        try:
            await self._client.write_gatt_char(BUFFERS[buffer], data, response=True)
        except (BleakError, TimeoutError, OSError) as err:
            raise CannotConnect(f"Bluetooth write failed: {type(err).__name__}") from err

    async def _read_raw(self, buffer: int) -> bytes:
        try:
            return bytes(await self._client.read_gatt_char(BUFFERS[buffer]))
        except (BleakError, TimeoutError, OSError) as err:
            raise CannotConnect(f"Bluetooth read failed: {type(err).__name__}") from err

    async def _read(self, buffer: int, opcode: int, size: int) -> tuple[bytes, str]:
        """Read a buffer and check it carries the expected reply.

        The byte order is not documented (the opcodes read as ASCII tags, "S6" = 0x5336,
        which hints at big-endian on the wire): a reply is taken in either order, and its
        fields are read in the order its opcode came in. Returns the data and that order.
        """
        data = await self._read_raw(buffer)
        if len(data) >= size:
            for order in ("<", ">"):
                if struct.unpack_from(f"{order}H", data)[0] == opcode:
                    return data, order
        raise NoReply(f"unexpected Bluetooth reply {data.hex()}")

    async def _exchange[T](self, request: Callable[[str], Awaitable[T]]) -> T:
        """Send a request in the byte order the box understands; return what it answered.

        With the order not known yet, a request the box does not answer (``NoReply``) is sent
        once more in the other order. An answer, even a refusal (a wrong password, a failed
        join code), proves the order: it is kept in ``write_order`` for the next requests.
        """
        orders = (self.write_order,) if self.write_order else WRITE_ORDERS
        for order in orders[:-1]:
            try:
                return await self._answered(request, order)
            except NoReply:
                _LOGGER.debug("No Bluetooth answer in byte order %s; trying the other", order)
        return await self._answered(request, orders[-1])

    async def _answered[T](self, request: Callable[[str], Awaitable[T]], order: str) -> T:
        """Run a request in one byte order; keep the order when the box answered."""
        result = await request(order)
        self.write_order = order
        return result

    async def _keep_alive(self) -> None:
        """Read Buffer-1, as the vendor document requires, so the box keeps the link."""
        await self._read_raw(1)

    def _check_index(self, data: bytes, order: str, offset: int, index: int) -> None:
        if struct.unpack_from(f"{order}H", data, offset)[0] != index:
            raise NoReply("the Bluetooth reply belongs to another request")

    async def async_status(self) -> DeviceStatus:
        """Read the status mask."""

        async def _request(write: str) -> DeviceStatus:
            index = self._index_fn()
            await self._write(0, struct.pack(f"{write}HH", OP_STATUS, index))
            data, order = await self._read(4, OP_STATUS_REPLY, 8)
            self._check_index(data, order, 6, index)
            return decode_status(struct.unpack_from(f"{order}I", data, 2)[0])

        return await self._exchange(_request)

    async def async_authenticate(self, password: str) -> None:
        """Prove the device password (InvalidAuth when wrong)."""
        digest = hashlib.md5(password.encode(), usedforsecurity=False).digest()

        async def _request(write: str) -> int:
            index = self._index_fn()
            await self._write(4, struct.pack(f"{write}HH", OP_AUTH, index))
            await self._write(0, struct.pack(f"{write}H", OP_AUTH) + digest)
            data, order = await self._read(4, OP_AUTH_REPLY, 8)
            self._check_index(data, order, 6, index)
            result: int = struct.unpack_from(f"{order}i", data, 2)[0]
            return result

        result = await self._exchange(_request)
        if result == RESULT_PASSWD:
            raise InvalidAuth("the device password is wrong")
        if result != RESULT_OK:
            raise DeviceError(f"password check failed ({result})", result)

    async def async_configure_wifi(
        self,
        ssid: str,
        password: str,
        security: WifiSecurity = WifiSecurity.WPA2_PSK,
        *,
        join_seconds: float = JOIN_SECONDS,
    ) -> WifiResult:
        """Give the box Wi-Fi credentials and wait until it joined; return its address."""
        name, secret = ssid.encode(), password.encode()
        if not name or len(name) > 36 or len(secret) > 34:
            raise WifiJoinFailed("the network name or password is too long (or empty)")

        async def _request(write: str) -> None:
            index = self._index_fn()
            await self._write(0, struct.pack(f"{write}HHHH", OP_WIFI, security, index, 0))
            await self._write(1, name[:18].ljust(18, b"\0"))
            await self._write(2, name[18:36].ljust(18, b"\0"))
            await self._write(3, secret[:18].ljust(18, b"\0"))
            await self._write(4, struct.pack(f"{write}H", OP_WIFI) + secret[18:34].ljust(16, b"\0"))
            accepted, order = await self._read(0, OP_WIFI_REPLY, 4)
            self._check_index(accepted, order, 2, index)

        await self._exchange(_request)  # the box took the credentials: now it joins
        try:
            async with asyncio.timeout(join_seconds):
                while True:
                    data, order = await self._read(4, OP_WIFI_REPLY, 6)
                    result = struct.unpack_from(f"{order}i", data, 2)[0]
                    if result != RESULT_RUNNING:
                        break
                    await self._keep_alive()  # the join can take 45 s
                    await asyncio.sleep(self._poll)
        except TimeoutError as err:
            raise WifiJoinFailed("the device did not join the network in time", -12) from err
        if result != RESULT_OK:
            reason = WIFI_FAILURES.get(result, f"error {result}")
            raise WifiJoinFailed(reason, result)
        if len(data) < 18:
            raise DeviceError(f"short Bluetooth reply {data.hex()}")
        mask = struct.unpack_from(f"{order}I", data, 10)[0]
        major, minor = struct.unpack_from(f"{order}HH", data, 14)
        return WifiResult(
            ip=_ip(data[6:10]), status=decode_status(mask), version=f"{major}.{minor}"
        )

    async def async_disconnect(self) -> None:
        """Disconnect (best effort)."""
        try:
            await self._client.disconnect()
        except Exception:  # noqa: BLE001 - the link may already be gone
            return
