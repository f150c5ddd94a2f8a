"""Answers captured from a real Studio X30 (firmware 3.12.0), read by the client's parsers.

The bodies below follow the WireMock fixtures of AVI-SPL's Poly VideoOS adapter
(``src/test/resources/mappings/multi.json``), which were recorded from a real codec; serial
numbers, addresses and session ids are replaced, the shapes (odd ones included) are kept.
"""

from __future__ import annotations

import json

from custom_components.proav.devices.poly_videoos.client import PolyVideoOSClient
from custom_components.proav.devices.poly_videoos.models import (
    Audio,
    Conference,
    DialAddresses,
    Microphone,
    Peripheral,
    ServerState,
    StatusItem,
    SystemInfo,
    count_sessions,
    result_flag,
)
from tests.emulators.poly_videoos import PolyVideoOSEmulator

SYSTEM = (
    '{"build":"366027","buildType":"Release","hardwareVersion":"1","lanStatus":{"duplex":"FULL",'
    '"speedMbps":1000,"state":"LAN_UP"},"model":"StudioX30","rebootNeeded":false,'
    '"serialNumber":"8L2000000000AA","softwareVersion":"3.12.0","state":"ASLEEP",'
    '"systemName":"Room-StudioX30","systemTime":1666620755000,"timeOffset":-14400000,'
    '"timeServerState":"TIMESERVER_UP","uptime":693845.31}\r\n'
)
AUDIO = '{"muteLocked":false,"muted":true,"numOfMicsConnected":1,"volume":39}'
SIP_SERVERS = '[{"address":"192.0.2.64","model":"Unknown","state":"UP","version":""}]'
STATUS = json.dumps(
    [
        {"langtag": tag, "name": f"system.status.{name}", "stateList": [value]}
        for tag, name, value in (
            ("LAN_NETWORK_HEADING", "ipnetwork", "up"),
            ("CAMERA_MODEL_BUILT_IN_1.0", "trackablecamera", "up"),
            ("AUTO_ANSWER_P2P_HEADING", "autoanswerp2p", "up"),
            ("SIP_SERVER_HEADING", "sipserver", "up"),
            ("GATEKEEPER_HEADING", "gatekeeper", "up"),
            ("CAMERAS_HEADING", "mr.camera", "all_up"),
            ("PROVISIONING_SERVICE_HEADING", "provisioning", "off"),
            ("MICROPHONES_HEADING", "mr.audio", "all_up"),
            ("REMOTE_CONTROL_HEADING", "remotecontrol", "off"),
            ("LOG_THRESHOLD_HEADING", "logthreshold", "off"),
            ("SYSTEM_STATUS_GLOBALDIRECTORY_SERVER", "globaldirectory", "off"),
            ("CALENDAR_SERVICE_HEADING", "calendar", "off"),
        )
    ]
)
MICROPHONES = (
    '[{"hwVersion":"NA","mute":0,"number":0,"parentID":0,"state":"MIC_STATE_GREEN",'
    '"swVersion":"NA","type":84,"typeInString":"Polycom Kitten Mic"}]\n'
)
DEVICES = json.dumps(
    [
        {"deviceCategory": "SYSTEM", "deviceState": "CONNECTED", "deviceType": "CODEC",
         "macAddress": "00:e0:db:00:00:01", "productName": "StudioX30", "uid": "local-system"},
        {"deviceCategory": "MODULE", "deviceState": "CONNECTED", "deviceType": "TOUCHCONTROL",
         "macAddress": "00e0db000002", "productName": "Poly TC8", "uid": "3679494759"},
        {"deviceCategory": "CAMERA", "deviceState": "PAIRED", "deviceType": "CAMERA",
         "macAddress": "", "productName": "", "uid": "local-camera"},
        {"deviceCategory": "REMOTE", "deviceState": "PAIRED", "deviceType": "UNKNOWN",
         "macAddress": "AA:BB:CC:DD:EE:FF", "productName": "", "uid": "local-remote"},
    ]
)  # fmt: skip
CONFIG = (
    '{"vars":[{"name":"comm.nics.h323nic.h323extension","result":"NOERROR","value":"7771991048",'
    '"isEditable":true,"isHidden":false,"isSecure":false},{"name":"comm.nics.h323nic.h323name",'
    '"result":"NOERROR","value":"Room-StudioX30","isEditable":true,"isHidden":false,'
    '"isSecure":false},{"name":"comm.nics.sipnic.sipusername","result":"NOERROR",'
    '"value":"room-x30@example.com","isEditable":true,"isHidden":false,"isSecure":false}]}\n'
)
SESSIONS = json.dumps(
    {
        "sessionList": [
            {"clientType": kind, "isAuthenticated": True, "role": "ADMIN",
             "sessionId": f"PS{index}abc/def+ghi=", "userId": "admin"}
            for index, kind in enumerate(["WEB", "WEB", "WEB", "SSH", "WEB", "SSH", "WEB", "WEB"])
        ]
    }
)  # fmt: skip


def test_system() -> None:
    """Identity, asleep, LAN up, no reboot needed, uptime in seconds."""
    info = SystemInfo.from_json(json.loads(SYSTEM))
    assert (info.serial, info.model, info.name) == ("8L2000000000AA", "StudioX30", "Room-StudioX30")
    assert info.asleep is True
    assert info.reboot_needed is False
    assert info.lan is not None
    assert info.lan.up is True
    assert info.uptime == 693845.31


def test_audio_sip_status() -> None:
    """Audio, the SIP list with state UP, and the 12 status areas."""
    audio = Audio.from_json(json.loads(AUDIO))
    assert (audio.muted, audio.mute_locked, audio.volume, audio.mics_connected) == (
        True,
        False,
        39,
        1,
    )
    sip = ServerState.first_from_json(json.loads(SIP_SERVERS))
    assert sip is not None
    assert sip.registered is True
    status = StatusItem.list_from_json(json.loads(STATUS))
    assert len(status) == 12
    assert {item.name: item.state for item in status}["system.status.calendar"] == "off"


def test_peripherals_microphones_addresses_sessions() -> None:
    """Room operations read from real answers."""
    assert [m.ok for m in Microphone.list_from_json(json.loads(MICROPHONES))] == [True]
    peripherals = Peripheral.list_from_json(json.loads(DEVICES))
    assert [(p.kind, p.connected) for p in peripherals] == [
        ("CODEC", True),
        ("TOUCHCONTROL", True),
        ("CAMERA", True),
    ]
    assert peripherals[0].codec
    assert peripherals[0].mac == "00:e0:db:00:00:01"
    addresses = DialAddresses.from_json(json.loads(CONFIG))
    assert (addresses.sip, addresses.h323_name, addresses.h323_extension) == (
        "room-x30@example.com",
        "Room-StudioX30",
        "7771991048",
    )
    assert count_sessions(json.loads(SESSIONS)) == 8


def test_idle_answers() -> None:
    """An idle codec: no conferences, modes off and on as result objects."""
    assert Conference.list_from_json(json.loads("[]")) == ()
    assert result_flag(json.loads('{"result":false}')) is False
    assert result_flag(json.loads('{"result":true}')) is True


async def test_bare_content_status_labelled_json(
    emulator: PolyVideoOSEmulator, client: PolyVideoOSClient
) -> None:
    """``CONTENT_IDLE`` unquoted, although labelled application/json, reads as idle."""
    emulator.real_shapes = True
    assert await client.content_status() == "CONTENT_IDLE"
    emulator.start_content()
    assert await client.content_status() == "CONTENT_SENDING"
