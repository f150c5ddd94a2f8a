"""House rules of the code base that a reader would otherwise have to trust."""

from __future__ import annotations

import ast
import json
from pathlib import Path
import subprocess
import sys

import pytest

COMPONENT = Path(__file__).parent.parent / "custom_components" / "proav"
# Modules of a device type folder that form its Home Assistant side; the rest is its library.
HA_SIDE = {
    "coordinator.py",
    "entities.py",
    "device_type.py",
    "runtime.py",
    "flow.py",
    "media_source.py",
    "services.py",
}
# The shared library modules (no Home Assistant) a device library may import.
SHARED_LIBRARY = {"errors", "capabilities", "captures", "session"}


def _library_modules() -> list[Path]:
    return sorted(
        path
        for path in (COMPONENT / "devices").rglob("*.py")
        if path.name not in HA_SIDE
        and path.relative_to(COMPONENT).parts[1:] != ("__init__.py",)
        and path.name != "base.py"
    )


@pytest.mark.parametrize("path", _library_modules(), ids=lambda path: path.name)
def test_client_modules_do_not_import_home_assistant(path: Path) -> None:
    """A device type's client code could be published as a library of its own."""
    tree = ast.parse(path.read_text())
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 0:
                imported.append(module)
            elif node.level > 1 and module not in SHARED_LIBRARY:
                imported.append(f"outside its folder: {'.' * node.level}{module}")
            elif node.level == 1 and f"{module.split('.')[0]}.py" in HA_SIDE:
                imported.append(f"Home Assistant side: .{module}")
    assert not [
        name for name in imported if name.startswith(("homeassistant", "outside", "Home Assistant"))
    ]


def test_client_modules_import_without_home_assistant(tmp_path: Path) -> None:
    """Every device library imports in a Python where Home Assistant cannot be imported.

    The ``devices`` package is imported on its own (as a published library would be), under a
    name of its own, with every ``homeassistant`` import made to fail.
    """
    (tmp_path / "proav_devices").symlink_to(COMPONENT / "devices")
    modules = [
        ".".join(("proav_devices", *path.relative_to(COMPONENT / "devices").with_suffix("").parts))
        for path in _library_modules()
        if path.parent != COMPONENT / "devices" or path.stem in SHARED_LIBRARY
    ]
    script = (
        "import sys\n"
        "sys.modules['homeassistant'] = None  # any import of it fails\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "import importlib\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "assert not any(m.startswith('homeassistant') for m in sys.modules if sys.modules[m])\n"
        "print(len(" + repr(modules) + "))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-I", "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(modules) > 10


def test_translations_match_strings() -> None:
    """translations/en.json is strings.json, so the UI shows what the code names."""
    strings = json.loads((COMPONENT / "strings.json").read_text())
    english = json.loads((COMPONENT / "translations" / "en.json").read_text())
    assert english == strings


def test_manifest_keys_sorted_as_hassfest_wants() -> None:
    """Hassfest wants domain, name, then the other keys in alphabetical order."""
    manifest = json.loads((COMPONENT / "manifest.json").read_text())
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert manifest["domain"] == "proav"
    assert manifest["integration_type"] == "hub"
    assert manifest["config_flow"] is True
