"""Paths and small helpers shared by tests (importable because pytest puts tests/ on sys.path)."""

from pathlib import Path

from simulator.services import Workspace

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
STARTER = SCENARIOS / "stock-check.yaml"
BUNDLED = sorted(p for p in SCENARIOS.glob("*.yaml") if not p.name.endswith(".playtest.yaml"))


def workspace(home=None) -> Workspace:
    """The services layer's workspace: `home`, else CRISIS_HOME (each test has its own, see conftest)."""
    return Workspace.at(home) if home is not None else Workspace.from_environment()
