"""A play script for `crisis run` (PRODUCT.md section 5): an optional `seed` and `actions`.

Read with the safe loader; every problem is a path:line:col diagnostic.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.format.actions import ActionError, parse_action
from simulator.format.diagnostics import Diagnostic, ScenarioError
from simulator.format.yamlsafe import load_checked


@dataclass(frozen=True)
class Script:
    seed: int | None
    actions: tuple
    path: str = ""
    marks: tuple[tuple[int, int], ...] = ()  # (line, col) of each action in the file, for errors


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
    marks = tuple(loaded.mark(("actions", i)) if isinstance(loaded.data, dict) else loaded.mark((i,)) for i in range(len(entries)))
    for i, entry in enumerate(entries):
        try:
            actions.append(parse_action(entry, (i,)))
        except ActionError as exc:
            line, col = marks[i]
            problems.append(Diagnostic(p, line, col, "error", "bad-action", str(exc)))
    if problems:
        raise ScenarioError(problems)
    return Script(seed, tuple(actions), p, marks)
