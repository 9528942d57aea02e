"""Play a whole session without a UI: from Python in a few lines, or from a play script.

    from simulator.headless import play
    card = play("stock-check", seed=7, actions=[{"choose": "model"}, {"choose": "fix_public"}])
    print(card.overall, card.grade, card.outcome)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .actions import ActionError, parse_action
from .diagnostics import Diagnostic, ScenarioError
from .scenario import Scenario, find_scenario, load_scenario
from .session import Session, SessionError, Start
from .yamlsafe import load_checked


@dataclass(frozen=True)
class Script:
    seed: int | None
    actions: tuple
    path: str = ""


def load_script(path) -> Script:
    """A play script: an optional `seed` and `actions`; errors as path:line:col diagnostics."""
    p = str(path)
    loaded = load_checked(path)
    data = loaded.data
    if isinstance(data, list):
        data = {"actions": data}
    if not isinstance(data, dict):
        raise ScenarioError([Diagnostic(p, 1, 1, "error", "type", "a play script is a mapping with 'actions' (and optionally 'seed')")])
    problems = []
    for key in data:
        if key not in ("seed", "actions", "name", "trainee"):
            line, col = loaded.key_mark((key,))
            problems.append(Diagnostic(p, line, col, "error", "unknown-key", f"unknown key '{key}' in a play script (seed, actions)"))
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        line, col = loaded.mark(("seed",))
        problems.append(Diagnostic(p, line, col, "error", "type", "seed must be a whole number"))
    entries = data.get("actions", [])
    if not isinstance(entries, list):
        line, col = loaded.mark(("actions",))
        problems.append(Diagnostic(p, line, col, "error", "type", "actions must be a list"))
        entries = []
    actions = []
    for i, entry in enumerate(entries):
        try:
            actions.append(parse_action(entry, (i,)))
        except ActionError as exc:
            line, col = loaded.mark(("actions", i))
            problems.append(Diagnostic(p, line, col, "error", "bad-action", str(exc)))
    if problems:
        raise ScenarioError(problems)
    return Script(seed, tuple(actions), p)


def resolve(scenario) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    return load_scenario(find_scenario(str(scenario) if scenario else None))


def run(scenario, actions=(), seed: int = 0, *, session: Session | None = None, start: Start | None = None) -> Session:
    """Apply actions (values or play-script dicts) and finish; returns the finished session."""
    scenario = resolve(scenario)
    session = session or Session(scenario, seed, start=start)
    for i, action in enumerate(actions):
        if isinstance(action, dict):
            action = parse_action(action, (i,))
        if session.finished:
            break
        try:
            session.act(action)
        except SessionError as exc:
            raise SessionError(f"action {i + 1}: {exc}") from None
    if not session.finished:
        session.finish()
    return session


def play(scenario, actions=(), seed: int = 0, *, turning_points: bool = True):
    """Play headless and return the scorecard."""
    from .scoring import score

    return score(run(scenario, actions, seed), turning_points=turning_points)


__all__ = ["Path", "Script", "load_script", "play", "resolve", "run"]
