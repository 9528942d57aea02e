"""The simulation core never imports the UI: proven in a fresh interpreter (GUIDE.md section 1)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = sorted(
    p.stem
    for p in (ROOT / "simulator").glob("*.py")
    if p.stem not in ("__main__",)
)


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module):
    code = (
        "import sys, importlib; importlib.import_module('simulator.%s'); "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "print(','.join(bad)); sys.exit(1 if bad else 0)".replace("%s", module)
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"simulator.{module} pulls in textual: {result.stdout} {result.stderr}"


def test_core_sources_do_not_mention_textual_imports():
    offenders = []
    for path in (ROOT / "simulator").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import textual", "from textual")):
                offenders.append(path.name)
    assert not offenders, offenders
