"""The simulation core never imports the UI: proven in a fresh interpreter (GUIDE.md section 1).

Every module outside `simulator/ui/` (every sub-package, every depth) is imported alone in a new
interpreter, which must end without `textual` in `sys.modules`.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "simulator"
TEXTUAL_IMPORT = re.compile(r"^\s*(from|import)\s+textual(\.|\s|$)")  # not textual_serve


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


CORE = sorted(
    _module_name(p)
    for p in PACKAGE.rglob("*.py")
    if "ui" not in p.relative_to(PACKAGE).parts[:1] and p.name != "__main__.py" and "__pycache__" not in p.parts
)


def test_every_sub_package_is_covered():
    packages = {m.split(".")[1] for m in CORE if m.count(".") >= 2}
    assert {"format", "world", "engine", "evaluate", "storage", "cli", "authoring"} <= packages, packages


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module):
    code = (
        "import sys, importlib; importlib.import_module('%s'); "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "print(','.join(bad)); sys.exit(1 if bad else 0)".replace("%s", module)
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{module} pulls in textual: {result.stdout} {result.stderr}"


def test_core_sources_do_not_mention_textual_imports():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] == "ui":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if TEXTUAL_IMPORT.match(line):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders
