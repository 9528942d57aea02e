"""Shared fixtures: every test gets its own CRISIS_HOME so nothing touches the user's data."""

import pytest
from helpers import STARTER


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CRISIS_HOME", str(tmp_path / "crisis-home"))
    yield


@pytest.fixture
def starter():
    from simulator.format.scenario import load_scenario

    return load_scenario(STARTER)
