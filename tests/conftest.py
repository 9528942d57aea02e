"""Shared fixtures: every test gets its own CRISIS_HOME so nothing touches the user's data."""

from pathlib import Path

import pytest
from helpers import STARTER

UI_TESTS = Path(__file__).resolve().parent / "ui"


def pytest_collection_modifyitems(config, items):
    """Everything under tests/ui/ is a `ui` test (Textual's pilot or snapshots)."""
    for item in items:
        if UI_TESTS in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.ui)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CRISIS_HOME", str(tmp_path / "crisis-home"))
    yield


@pytest.fixture
def starter():
    from simulator.format.scenario import load_scenario

    return load_scenario(STARTER)
