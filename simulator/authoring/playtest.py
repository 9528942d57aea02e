"""Scripted playthrough tests: a scenario's promises about itself, checked on every change.

Like Yarn Spinner's test plans and Ren'Py's testcases, an author writes down what a playthrough
should lead to: "the model answer leaves the customer satisfied", "arguing breaks rule 7", "doing
nothing lets the forum thread fire". Tests live in the scenario's `tests:` section or in a
`NAME.playtest.yaml` (or `NAME.<topic>.playtest.yaml`) file next to `NAME.yaml`:

    scenario: stock-check.yaml      # optional; by default NAME.playtest.yaml tests NAME.yaml
    tests:
      - name: good
        seed: 7
        actions: [{choose: model}, {choose: fix_public}]
        expect: {outcome: satisfied, overall_min: 75}

Each test plays headless with its own seed and is scored without turning points (they do not
change the score and cost a replay per action). The same runner serves `crisis test` and the
pytest collection of the bundled scenarios (tests/test_playtests.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simulator.engine.session import Session, SessionError
from simulator.evaluate.scoring import score
from simulator.format import schema
from simulator.format.actions import ActionError, parse_action
from simulator.format.diagnostics import Diagnostic, ScenarioError, did_you_mean
from simulator.format.scenario import Scenario, load_scenario
from simulator.format.yamlsafe import YamlError, load_checked, load_path

SUFFIX = ".playtest.yaml"

PLAYTEST_FILE = schema.Obj(
    "A file of playthrough tests for one scenario.",
    {
        "scenario": schema.Str("The scenario file these tests play, relative to this file.", max_length=500),
        "tests": schema.List("The tests.", schema.TEST, required=True),
    },
)


@dataclass(frozen=True)
class PlayTest:
    name: str
    seed: int
    actions: tuple  # play-script entries, as written
    expect: dict
    path: str  # the file the test is written in
    line: int = 1
    col: int = 1

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class TestResult:
    test: PlayTest
    passed: bool
    failures: tuple[str, ...] = ()
    overall: int | None = None
    grade: str = ""
    outcome: str = ""
    negative_reach: int | None = None
    error: bool = False  # the test could not be played (as opposed to an expectation not met)
    trace: tuple = ()  # the session's trace entries (engine/trace.py), for `crisis test -v`

    def to_json(self) -> dict:
        return {
            "name": self.test.name, "path": self.test.path, "line": self.test.line, "passed": self.passed,
            "failures": list(self.failures), "overall": self.overall, "grade": self.grade, "outcome": self.outcome,
            "negative_reach": self.negative_reach, "error": self.error,
        }

    def trace_json(self) -> list:
        return [entry.to_json() for entry in self.trace]


@dataclass
class Suite:
    """One scenario with every test written for it, in file order."""

    scenario: Scenario
    tests: list[PlayTest] = field(default_factory=list)


# ---------------------------------------------------------------- collection


def playtest_files(scenario_path) -> list[Path]:
    """`NAME.playtest.yaml` and `NAME.*.playtest.yaml` next to `NAME.yaml`."""
    p = Path(scenario_path)
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    folder = p.parent
    return sorted({*folder.glob(f"{stem}{SUFFIX}"), *folder.glob(f"{stem}.*{SUFFIX}")})


def scenario_for(playtest_path) -> Path:
    """The scenario a playtest file tests: its `scenario:` key, else the file named like it."""
    p = Path(playtest_path)
    try:
        data = load_path(p).data
    except (YamlError, OSError):
        data = None
    if isinstance(data, dict) and isinstance(data.get("scenario"), str) and data["scenario"].strip():
        return p.parent / data["scenario"]
    stem = p.name[: -len(SUFFIX)]
    while True:
        for ext in (".yaml", ".yml"):
            candidate = p.parent / f"{stem}{ext}"
            if candidate.is_file():
                return candidate
        if "." not in stem:
            return p.parent / f"{stem}.yaml"
        stem = stem.rsplit(".", 1)[0]


def read_playtests(path) -> list[PlayTest]:
    """The tests in a `*.playtest.yaml` file; raises ScenarioError with every problem."""
    p = str(path)
    loaded = load_checked(path)
    if loaded.data is None:
        raise ScenarioError([Diagnostic(p, 1, 1, "error", "empty", "the file is empty; a playtest file needs 'tests:'")])
    data, diagnostics = schema.check_document(p, loaded, PLAYTEST_FILE)
    if diagnostics:
        raise ScenarioError(diagnostics)
    return [_test(t, p, loaded.mark(("tests", i))) for i, t in enumerate(data["tests"]) if t]


def _test(data: dict, path: str, mark: tuple[int, int]) -> PlayTest:
    return PlayTest(data["name"], int(data["seed"]) if data.get("seed") is not None else 1, tuple(data.get("actions") or ()),
                    dict(data.get("expect") or {}), path, mark[0], mark[1])


def collect(path) -> Suite:
    """A scenario file with every test written for it; or a playtest file with just its own tests."""
    p = Path(path)
    direct = p.name.endswith(SUFFIX)
    scenario_path = scenario_for(p) if direct else p
    scenario = load_scenario(scenario_path)
    suite = Suite(scenario)
    marks = scenario.marks
    for i, t in enumerate(scenario.tests):
        if t and not direct:
            suite.tests.append(_test(t, str(scenario_path), marks.mark(("tests", i)) if marks else (1, 1)))
    files = [p] if direct else playtest_files(scenario_path)
    problems: list[Diagnostic] = []
    for f in files:
        try:
            suite.tests.extend(read_playtests(f))
        except ScenarioError as exc:
            problems += exc.diagnostics
    if problems:
        raise ScenarioError(problems)
    return suite


# ---------------------------------------------------------------- running


def run_suite(suite: Suite) -> list[TestResult]:
    cache: dict[str, TestResult] = {}
    return [run_test(suite, test, cache) for test in suite.tests]


def run_test(suite: Suite, test: PlayTest, cache: dict | None = None, _stack: tuple = ()) -> TestResult:
    """Play one test and check its expectations (running a `better_than` test it needs first)."""
    cache = cache if cache is not None else {}
    key = f"{test.path}::{test.name}"
    if key in cache:
        return cache[key]
    result = _play(suite, test, cache, (*_stack, key))
    cache[key] = result
    return result


def _play(suite: Suite, test: PlayTest, cache: dict, stack: tuple) -> TestResult:
    scenario = suite.scenario
    refs = {"roles": {r.id for r in scenario.roles}, "remedies": {r.id for r in scenario.remedies},
            "choices": {c.id for b in scenario.beats for c in b.choices}}
    session = Session(scenario, test.seed)
    for i, entry in enumerate(test.actions, start=1):
        if session.finished:
            break
        try:
            session.act(parse_action(entry, (i - 1,), refs))
        except (ActionError, SessionError) as exc:
            return TestResult(test, False, (f"action {i} ({_describe(entry)}) could not be played at T+{session.t:.0f}m: {exc}",),
                              error=True, trace=tuple(session.trace))
    if not session.finished:
        session.finish()
    card = score(session, turning_points=False)
    failures = unknown_names(test.expect, scenario) + check(test.expect, session, card)
    other = test.expect.get("better_than")
    if other:
        rival = next((t for t in suite.tests if t.name == other), None)
        if rival is None:
            failures.append(f"better_than: no test named '{other}'{did_you_mean(other, [t.name for t in suite.tests])}")
        elif f"{rival.path}::{rival.name}" in stack:
            failures.append(f"better_than: '{other}' leads back to this test")
        else:
            theirs = run_test(suite, rival, cache, stack)
            if theirs.overall is None:
                failures.append(f"better_than: test '{other}' could not be played")
            elif not card.overall > theirs.overall:
                failures.append(f"expected overall above test '{other}' ({theirs.overall}), got {card.overall}")
    return TestResult(test, not failures, tuple(failures), card.overall, card.grade, card.outcome,
                      int(card.metrics["negative_reach"]), trace=tuple(session.trace))


def _describe(entry) -> str:
    if isinstance(entry, dict) and len(entry) == 1:
        (kind, value), = entry.items()
        return f"{kind}: {str(value)[:40]}"
    return str(entry)[:40]


def _options(value) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def unknown_names(expect: dict, scenario: Scenario) -> list[str]:
    """Expectations that name a spillover or beat the scenario does not have: a typo would pass for ever."""
    pools = {"spillover": ("spillover", {s.id for s in scenario.ripple.spillovers}),
             "no_spillover": ("spillover", {s.id for s in scenario.ripple.spillovers}),
             "beats": ("beat", {b.id for b in scenario.beats})}
    out = []
    for key, (what, pool) in pools.items():
        for name in expect.get(key) or []:
            if name not in pool:
                out.append(f"{key}: the scenario has no {what} '{name}'{did_you_mean(name, pool)}")
    return out


def check(expect: dict, session, card) -> list[str]:
    """Every expectation not met, each as a sentence saying what was expected and what happened."""
    failures: list[str] = []
    if expect.get("outcome") is not None:
        wanted = _options(expect["outcome"])
        if card.outcome not in wanted:
            failures.append(f"expected outcome {' or '.join(map(str, wanted))}, got {card.outcome}")
    if expect.get("grade") is not None:
        wanted = _options(expect["grade"])
        if card.grade not in wanted:
            failures.append(f"expected grade {' or '.join(map(str, wanted))}, got {card.grade}")
    if expect.get("overall_min") is not None and card.overall < expect["overall_min"]:
        failures.append(f"expected overall at least {expect['overall_min']:g}, got {card.overall}")
    if expect.get("overall_max") is not None and card.overall > expect["overall_max"]:
        failures.append(f"expected overall at most {expect['overall_max']:g}, got {card.overall}")
    negative = int(card.metrics["negative_reach"])
    if expect.get("negative_reach_max") is not None and negative > expect["negative_reach_max"]:
        failures.append(f"expected negative reach at most {expect['negative_reach_max']:,}, got {negative:,}")
    if expect.get("negative_reach_min") is not None and negative < expect["negative_reach_min"]:
        failures.append(f"expected negative reach at least {expect['negative_reach_min']:,}, got {negative:,}")
    for rule in expect.get("rules_broken") or []:
        if not card.rules[str(rule)]["broken"]:
            failures.append(f"expected rule {rule} to be broken; it never was")
    for rule in expect.get("rules_kept") or []:
        if not card.rules[str(rule)]["kept"]:
            failures.append(f"expected rule {rule} to be kept; it never was")
    fired = set(session.fired)
    for spill in expect.get("spillover") or []:
        if spill not in fired:
            failures.append(f"expected spillover '{spill}' to fire; it did not (negative reach {negative:,})")
    for spill in expect.get("no_spillover") or []:
        if spill in fired:
            failures.append(f"expected spillover '{spill}' not to fire; it did")
    visited = set(session.visited)
    for beat in expect.get("beats") or []:
        if beat not in visited:
            failures.append(f"expected beat '{beat}' to be visited; visited {', '.join(session.visited) or 'none'}")
    return failures
