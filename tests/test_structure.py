"""House rules of the code base that a reader would otherwise have to trust."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

COMPONENT = Path(__file__).parent.parent / "custom_components" / "proav"
# Modules of a device type folder that form its Home Assistant side; the rest is its library.
HA_SIDE = {"coordinator.py", "entities.py", "device_type.py", "flow.py", "services.py"}


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
            elif node.level > 1 and module != "errors":
                imported.append(f"outside its folder: {'.' * node.level}{module}")
            elif node.level == 1 and f"{module.split('.')[0]}.py" in HA_SIDE:
                imported.append(f"Home Assistant side: .{module}")
    assert not [
        name for name in imported if name.startswith(("homeassistant", "outside", "Home Assistant"))
    ]


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
