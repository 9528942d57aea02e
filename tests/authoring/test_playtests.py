"""Every bundled scenario's playthrough tests, one pytest test each (`tests:` and *.playtest.yaml)."""

from pathlib import Path

import pytest

from simulator.authoring.playtest import SUFFIX, collect, run_test

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
_SUITES: dict = {}
_CACHE: dict = {}


def _cases():
    cases = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        if path.name.endswith(SUFFIX):
            continue
        suite = collect(path)
        _SUITES[str(path)] = suite
        for test in suite.tests:
            origin = Path(test.path).name
            cases.append(pytest.param(str(path), test.name, test.path, id=f"{origin}::{test.name}"))
    return cases


CASES = _cases()


def test_there_are_bundled_playtests():
    assert CASES


@pytest.mark.parametrize(("scenario", "name", "origin"), CASES)
def test_playtest(scenario, name, origin):
    suite = _SUITES[scenario]
    test = next(t for t in suite.tests if t.name == name and t.path == origin)
    result = run_test(suite, test, _CACHE)
    assert result.passed, f"{test.where} {name}: " + "; ".join(result.failures)
