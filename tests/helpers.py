"""Paths and small helpers shared by tests (importable because pytest puts tests/ on sys.path)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
STARTER = SCENARIOS / "stock-check.yaml"
BUNDLED = sorted(p for p in SCENARIOS.glob("*.yaml") if not p.name.endswith(".playtest.yaml"))
