"""Deep-merge a JSON fragment into the integration's strings/icons files.

    .venv/bin/python scripts/merge_json.py strings FRAGMENT.json
    .venv/bin/python scripts/merge_json.py icons FRAGMENT.json

``strings`` writes both strings.json and translations/en.json (they must stay identical).
Keys in the fragment win; nested objects are merged, not replaced.
"""

from __future__ import annotations

import json
from pathlib import Path
import sys
from typing import Any

COMPONENT = Path(__file__).resolve().parent.parent / "custom_components" / "proav"
TARGETS = {
    "strings": [COMPONENT / "strings.json", COMPONENT / "translations" / "en.json"],
    "icons": [COMPONENT / "icons.json"],
}


def merge(base: dict[str, Any], fragment: dict[str, Any]) -> dict[str, Any]:
    """Return base with fragment merged in, recursively."""
    merged = dict(base)
    for key, value in fragment.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def main() -> None:
    """Merge the fragment given on the command line."""
    kind, fragment_path = sys.argv[1], Path(sys.argv[2])
    fragment = json.loads(fragment_path.read_text())
    first = TARGETS[kind][0]
    merged = merge(json.loads(first.read_text()), fragment)
    text = json.dumps(merged, indent=2, ensure_ascii=False) + "\n"
    for target in TARGETS[kind]:
        target.write_text(text)


if __name__ == "__main__":
    main()
