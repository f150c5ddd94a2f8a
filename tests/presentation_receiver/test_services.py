"""The receiver's actions: clock, time server, wallpaper and firmware uploads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
import struct

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proav.const import DOMAIN
from tests.emulators.presentation_receiver import PresentationReceiverEmulator

type Emu = PresentationReceiverEmulator


def _png(width: int, height: int) -> bytes:
    """Return the head of a PNG image of a given size."""
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I4sII", 13, b"IHDR", width, height) + b"\0" * 8


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Give Home Assistant a configuration folder whose www/ may be read."""
    (tmp_path / "www").mkdir()
    hass.config.config_dir = str(tmp_path)
    hass.config.allowlist_external_dirs = {str(tmp_path / "www")}
    return tmp_path


async def test_set_time(hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry) -> None:
    """The time is sent as wall-clock time in the receiver's zone (Asia/Taipei)."""
    await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_set_time",
        {"config_entry_id": loaded_entry.entry_id, "time": datetime(2030, 1, 2, 3, 4, 5)},
        blocking=True,
    )
    # Home Assistant's test zone is US/Pacific (UTC-8 in January); Taipei is UTC+8.
    assert emulator.commands[-1].params == {"value": "2030-01-02T19:04:05"}
    clock = hass.states.get("sensor.room_101_device_time").state
    assert clock.startswith("2030-01-02T11:04")


async def test_set_time_now(
    hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry
) -> None:
    """Without a time, the receiver gets Home Assistant's current time."""
    await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_set_time",
        {"config_entry_id": loaded_entry.entry_id},
        blocking=True,
    )
    assert emulator.command_names()[-1] == "time"


async def test_set_ntp(hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry) -> None:
    """Time server settings are sent; omitted ones stay as they are."""
    await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_set_ntp",
        {"config_entry_id": loaded_entry.entry_id, "server": "time.example", "port": 1123},
        blocking=True,
    )
    assert emulator.ntp == {"auto": True, "ip": "time.example", "port": 1123}
    assert hass.states.get("sensor.room_101_time_server").state == "time.example"


async def test_upload_wallpaper(
    hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry, config_dir: Path
) -> None:
    """An image under the configuration folder goes to a custom slot, and is shown."""
    (config_dir / "www" / "wall.png").write_bytes(_png(1920, 1200))
    await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_upload_wallpaper",
        {
            "config_entry_id": loaded_entry.entry_id,
            "slot": 3,
            "path": "www/wall.png",
            "show": True,
        },
        blocking=True,
    )
    assert emulator.wallpaper.images[3] == _png(1920, 1200)
    assert emulator.wallpaper.active == 3
    assert hass.states.get("select.room_101_wallpaper").state == "custom_2"


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("../outside.png", "receiver_path_not_allowed"),
        ("secret.png", "receiver_path_not_allowed"),
        ("www/missing.png", "receiver_file_not_found"),
        ("www/notes.txt", "receiver_not_an_image"),
    ],
)
async def test_upload_wallpaper_refused_paths(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    config_dir: Path,
    path: str,
    error: str,
) -> None:
    """Files outside the allowed folders, missing ones and non-images are refused."""
    (config_dir.parent / "outside.png").write_bytes(_png(1920, 1200))
    (config_dir / "secret.png").write_bytes(_png(1920, 1200))
    (config_dir / "www" / "notes.txt").write_text("hello")
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "presentation_receiver_upload_wallpaper",
            {"config_entry_id": loaded_entry.entry_id, "slot": 2, "path": path},
            blocking=True,
        )
    assert err.value.translation_key == error
    assert "wallpaper_upload" not in emulator.command_names()


async def test_upload_wallpaper_rejected_by_device(
    hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry, config_dir: Path
) -> None:
    """An image the receiver would refuse is refused before the upload; the error says why."""
    (config_dir / "www" / "square.png").write_bytes(_png(1000, 1000))
    (config_dir / "www" / "huge.png").write_bytes(_png(7680, 4320))
    (config_dir / "www" / "fake.png").write_bytes(b"GIF89a not a png at all")
    for name, key in (
        ("square.png", "receiver_wallpaper_ratio"),
        ("huge.png", "receiver_wallpaper_too_big"),
        ("fake.png", "receiver_not_an_image"),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN,
                "presentation_receiver_upload_wallpaper",
                {"config_entry_id": loaded_entry.entry_id, "slot": 2, "path": f"www/{name}"},
                blocking=True,
            )
        assert err.value.translation_key == key, name
    assert "wallpaper_upload" not in emulator.command_names()


async def test_update_firmware_from_file(
    hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry, config_dir: Path
) -> None:
    """A firmware file is uploaded; the receiver starts updating."""
    (config_dir / "www" / "fw.bin").write_bytes(b"firmware image")
    await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_update_firmware",
        {"config_entry_id": loaded_entry.entry_id, "path": "www/fw.bin"},
        blocking=True,
    )
    assert emulator.firmware_uploads == [b"firmware image"]
    assert hass.states.get("sensor.room_101_status").state == "updating"


async def test_files_from_any_allowed_folder(
    hass: HomeAssistant,
    emulator: Emu,
    loaded_entry: MockConfigEntry,
    config_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A folder allowed outside the configuration (like /media) works; the name is kept."""
    media = tmp_path_factory.mktemp("media")
    hass.config.allowlist_external_dirs.add(str(media))
    (media / "rx-2.1.0.bin").write_bytes(b"firmware image 2")
    (media / "lobby.png").write_bytes(_png(1920, 1080))
    await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_upload_wallpaper",
        {"config_entry_id": loaded_entry.entry_id, "slot": 4, "path": str(media / "lobby.png")},
        blocking=True,
    )
    assert emulator.wallpaper.images[4] == _png(1920, 1080)
    await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_update_firmware",
        {"config_entry_id": loaded_entry.entry_id, "path": str(media / "rx-2.1.0.bin")},
        blocking=True,
    )
    assert emulator.firmware_uploads == [b"firmware image 2"]
    assert emulator.firmware_names == ["rx-2.1.0.bin"]


async def test_wrong_target(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """An entry that is not a loaded receiver is refused with a translated error."""
    other = MockConfigEntry(domain=DOMAIN, data={"device_type": "poly_videoos"})
    other.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "presentation_receiver_set_ntp",
            {"config_entry_id": other.entry_id, "auto": True},
            blocking=True,
        )
    assert err.value.translation_key == "receiver_not_a_receiver"
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "presentation_receiver_set_ntp",
            {"config_entry_id": loaded_entry.entry_id, "auto": True},
            blocking=True,
        )
    assert err.value.translation_key == "receiver_not_loaded"


async def test_delete_wallpaper(
    hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry
) -> None:
    """A custom slot is emptied; the wallpaper shown now is protected, as the document says."""
    emulator.wallpaper.images[2] = _png(1920, 1200)
    emulator.wallpaper.images[5] = _png(1920, 1200)
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.room_101_wallpaper", "option": "custom_4"},
        blocking=True,
    )
    await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_delete_wallpaper",
        {"config_entry_id": loaded_entry.entry_id, "slot": 2},
        blocking=True,
    )
    assert emulator.wallpaper.images[2] is None
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "presentation_receiver_delete_wallpaper",
            {"config_entry_id": loaded_entry.entry_id, "slot": 5},
            blocking=True,
        )
    assert err.value.translation_key == "receiver_wallpaper_active"
    assert emulator.wallpaper.images[5] is not None
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "presentation_receiver_upload_wallpaper",
            {"config_entry_id": loaded_entry.entry_id, "slot": 5, "path": "www/any.png"},
            blocking=True,
        )
    assert err.value.translation_key == "receiver_wallpaper_active"


async def test_backup_and_restore(
    hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry, config_dir: Path
) -> None:
    """A backup lands in a private folder (not www/); restoring it asks for a restart."""
    response = await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_backup_configuration",
        {"config_entry_id": loaded_entry.entry_id},
        blocking=True,
        return_response=True,
    )
    backup = Path(str(response["path"]))
    assert backup.parent == config_dir / "proav_backups"
    assert backup.stat().st_mode & 0o077 == 0  # readable by Home Assistant only
    emulator.name = "Changed"
    await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_restore_configuration",
        {"config_entry_id": loaded_entry.entry_id, "path": f"proav_backups/{backup.name}"},
        blocking=True,
    )
    assert emulator.name == "Room-101"
    assert hass.states.get("binary_sensor.room_101_reboot_required").state == "on"


async def test_firmware_install_with_backup(
    hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry, config_dir: Path
) -> None:
    """Installing with "back up first" exports the configuration before the update."""
    emulator.offer_firmware("1.0.1.0")
    await loaded_entry.runtime_data.firmware.async_refresh()
    assert hass.states.get("update.room_101_firmware").state == "on"
    await hass.services.async_call(
        "update",
        "install",
        {"entity_id": "update.room_101_firmware", "backup": True},
        blocking=True,
    )
    assert len(list((config_dir / "proav_backups").iterdir())) == 1
    assert emulator.command_names()[-1] == "firmware"
    assert hass.states.get("sensor.room_101_status").state == "updating"


async def test_guest_wifi_password(
    hass: HomeAssistant, emulator: Emu, loaded_entry: MockConfigEntry
) -> None:
    """A given or random password is set; the answer has the join data; no state shows it."""
    response = await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_set_guest_wifi_password",
        {"config_entry_id": loaded_entry.entry_id, "password": "Lobby2026x"},
        blocking=True,
        return_response=True,
    )
    assert emulator.wifi["password"] == "Lobby2026x"
    assert response == {
        "ssid": "Room-101",
        "password": "Lobby2026x",
        "qr_text": "WIFI:T:WPA;S:Room-101;P:Lobby2026x;;",
    }
    response = await hass.services.async_call(
        DOMAIN,
        "presentation_receiver_set_guest_wifi_password",
        {"config_entry_id": loaded_entry.entry_id},
        blocking=True,
        return_response=True,
    )
    password = str(response["password"])
    assert emulator.wifi["password"] == password != "Lobby2026x"
    assert len(password) == 12
    assert password not in str([state.as_dict() for state in hass.states.async_all()])
