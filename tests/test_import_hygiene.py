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


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_no_import_cycles_function_local_imports_included():
    grimp = pytest.importorskip("grimp")
    # Every import statement that runs, at any depth of a module (function-local ones included);
    # `if TYPE_CHECKING:` imports never run, so engine/state.py may name the types of its parts.
    graph = grimp.build_graph("simulator", exclude_type_checking_imports=True)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    class Graph:
        modules = {"a", "b", "c"}
        edges = {"a": {"b"}, "b": {"a"}, "c": {"a"}}

        def find_modules_directly_imported_by(self, module):
            return self.edges[module]

    assert _cycles(Graph()) == [["a", "b"]]


def test_layer_contracts_hold():
    """The import-linter contracts in pyproject.toml (CI runs `lint-imports` too)."""
    pytest.importorskip("importlinter")
    result = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
