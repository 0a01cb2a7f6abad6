"""Architecture rules that are cheap to check mechanically."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "jumin"

WRITE_PATTERNS = [
    r"(?<!class )\bPersonVersion\(",
    r"\bPerson\(atena_number",
    r"\b(Person|PersonVersion|Transaction)\.objects\.(create|bulk_create|update_or_create|get_or_create)\(",
]

PURE_MODULES = sorted(
    ["jumin.core.errors", "jumin.identifiers.rules"]
    + [f"jumin.text.{p.stem}" for p in (SRC / "text").glob("*.py") if p.stem != "__init__"]
    + [f"jumin.registry.rules.{p.stem}" for p in (SRC / "registry" / "rules").glob("*.py") if p.stem != "__init__"]
)


@pytest.mark.parametrize("module", PURE_MODULES)
def test_rules_modules_do_not_import_django(module):
    """Pure rules (architecture rule: rules modules have no Django) load without Django."""
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": str(SRC.parent)})
    assert proc.returncode == 0, f"{module} imports Django: {proc.stdout} {proc.stderr}"


def test_no_model_save_on_personal_data_outside_services():
    """One write path: Person / PersonVersion / Transaction rows are created only in the services
    (and the bulk loader used for initial migration)."""
    allowed = {SRC / "registry" / "services.py", SRC / "registry" / "seeding.py"}
    offenders = []
    for path in SRC.rglob("*.py"):
        if path in allowed or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in WRITE_PATTERNS:
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(SRC)}: {pattern}")
    assert offenders == []
