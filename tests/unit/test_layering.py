"""The core (domain, services, models, excel) must never import Textual."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ("domain", "services", "models", "excel")

# Imports modules one by one and names the first one that brought in textual.
SCRIPT = """
import importlib, json, sys
first = None
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
    if first is None and "textual" in sys.modules:
        first = name
print(json.dumps({"first": first, "textual": "textual" in sys.modules}))
"""


def core_modules() -> list[str]:
    names = []
    for pkg in CORE:
        for path in sorted((ROOT / "fupin_tui" / pkg).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            names.append(".".join(parts))
    return names


def test_core_packages_are_found():
    names = core_modules()
    assert "fupin_tui.domain.workdays" in names and "fupin_tui.models" in names


def test_core_never_imports_textual():
    names = core_modules()
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(names)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"first": None, "textual": False}, f"{result['first']} imports textual"
