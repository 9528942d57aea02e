"""Lint: what is legal in a scenario file but almost certainly not what the author meant.

The loader refuses what cannot work (bad types, missing gotos); lint warns about what works but
is wrong: content nobody can reach, conditions that can never hold, variables nobody reads, a
suggested reply that teaches nothing. Each warning has a stable kebab-case code (editors and CI
key on it), points at a line and column, and comes once per problem. An author who knows better
silences one with a comment naming the code, on the warning's line or the line above:

    - id: epilogue   # lint: ignore[unreachable-beat]

or for the whole file with `# lint: ignore-file[no-feedback]`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from simulator.authoring.domains import Domain, can_hold, domains_of, missing_values, state_writes
from simulator.authoring.flow import flow_of
from simulator.format import conditions, vocab
from simulator.format.diagnostics import Diagnostic, ScenarioError, did_you_mean
from simulator.format.durations import format_duration
from simulator.format.scenario import Scenario, load_scenario

# Every code lint can emit, with the sentence `crisis lint --list` and the docs show.
CODES: dict[str, str] = {
    "unreachable-beat": "a beat nothing leads to: not the first beat, no choice goes to it, no `when:` of its own",
    "never-true": "a `when:` (or an objective's `check:`) that no possible state satisfies",
    "type-mismatch": "a condition compares a name with a value of another type (a bool with a number...)",
    "missing-ref": "a condition or test names a beat, role, remedy, inject, mood or test that does not exist",
    "dead-end": "a beat with no choices, not an end, and no storylet that can come up after it",
    "no-choices": "a beat whose choices all have a `when:` that can never hold",
    "duplicate-id": "an id used twice where the loader allows it but reports and scripts get ambiguous",
    "unread-variable": "a declared state variable no condition reads",
    "unwritten-variable": "a declared state variable no `set:` writes (it keeps its default)",
    "inject-after-end": "an inject timed at or after the time limit: the trainee never sees it",
    "objective-unweighted": "an objective whose scoring dimension has weight 0",
    "no-feedback": "a suggested move without coach's feedback",
    "cut-by-comment": "an unquoted value followed by ` #word`: YAML reads the rest as a comment and drops it",
}

_IGNORE = re.compile(r"#\s*lint:\s*ignore\[([^\]]*)\]")
_IGNORE_FILE = re.compile(r"#\s*lint:\s*ignore-file\[([^\]]*)\]")


@dataclass(frozen=True)
class LintResult:
    path: str
    diagnostics: tuple[Diagnostic, ...]  # errors (invalid file) or warnings, sorted by position
    suppressed: int = 0

    @property
    def valid(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "valid": self.valid,
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "suppressed": self.suppressed,
        }


def lint_path(path) -> LintResult:
    """Validate then lint one file; an invalid file yields its validation errors instead."""
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        return LintResult(str(path), tuple(exc.diagnostics))
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        text = ""
    warnings = lint_scenario(scenario, str(path)) + cut_by_comment(text, str(path))
    kept, suppressed = apply_suppressions(warnings, text)
    return LintResult(str(path), tuple(kept), suppressed)


_HASHTAG_COMMENT = re.compile(r"^[ \t]+#(\S+)")


def cut_by_comment(text: str, path: str) -> list[Diagnostic]:
    """Plain values followed by ` #word` on their line (`delivery: Team chat #social-desk`).

    YAML ends a plain value at ` #`, so the author's `#social-desk` silently vanishes. A comment
    written as a comment (`# like this`, with a space) is left alone.
    """
    import yaml

    out: list[Diagnostic] = []
    lines = text.splitlines()
    try:
        events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return out
    for event in events:
        if not isinstance(event, yaml.ScalarEvent) or event.style is not None or not event.value:
            continue
        end = event.end_mark
        if end.line >= len(lines):
            continue
        match = _HASHTAG_COMMENT.match(lines[end.line][end.column:])
        if match:
            out.append(Diagnostic(path, end.line + 1, end.column + match.start(1),
                                  "warning", "cut-by-comment",
                                  f"'#{match.group(1)}' is read as a comment, so the value is only '{event.value}'; "
                                  f"put the whole value in quotes: \"{event.value} #{match.group(1)}\""))
    return out


def apply_suppressions(warnings: list[Diagnostic], text: str) -> tuple[list[Diagnostic], int]:
    """Drop warnings whose line (or the line above) carries `# lint: ignore[code]`."""
    per_line: dict[int, set[str]] = {}
    whole: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _IGNORE_FILE.finditer(line):
            whole |= _codes(match.group(1))
        for match in _IGNORE.finditer(line):
            per_line.setdefault(number, set()).update(_codes(match.group(1)))
    kept = [
        w for w in warnings
        if w.code not in whole and w.code not in per_line.get(w.line, ()) and w.code not in per_line.get(w.line - 1, ())
    ]
    return kept, len(warnings) - len(kept)


def _codes(text: str) -> set[str]:
    return {c.strip() for c in text.split(",") if c.strip()}


def lint_scenario(scenario: Scenario, path: str = "") -> list[Diagnostic]:
    """Every warning for a loaded scenario, one per problem, sorted by position."""
    return sorted(set(_Linter(scenario, path or scenario.path).run()), key=lambda d: (d.line, d.col, d.code, d.message))


class _Linter:
    def __init__(self, scenario: Scenario, path: str):
        self.s = scenario
        self.path = path
        self.out: list[Diagnostic] = []
        self.domains = domains_of(scenario)
        self.flow = flow_of(scenario, self.domains)

    def warn(self, where: tuple, code: str, message: str, key: bool = False) -> None:
        marks = self.s.marks
        line, col = (marks.key_mark(where) if key else marks.mark(where)) if marks else (1, 1)
        self.out.append(Diagnostic(self.path, line, col, "warning", code, message))

    def run(self) -> list[Diagnostic]:
        self.conditions()
        self.beats()
        self.variables()
        self.duplicates()
        self.injects()
        self.objectives()
        self.tests()
        return self.out

    # ------------------------------------------------------------ conditions

    def each_condition(self):
        """(where, condition, what) for every condition in the file, except choices (see beats)."""
        s = self.s
        for i, beat in enumerate(s.beats):
            if beat.when is not None:
                yield ("beats", i, "when"), beat.when, f"storylet '{beat.id}' can never come up"
            for j, choice in enumerate(beat.choices):
                if choice.when is not None:
                    yield ("beats", i, "choices", j, "when"), choice.when, None
        for i, inject in enumerate(s.injects):
            if inject.when is not None:
                yield ("injects", i, "when"), inject.when, f"inject '{inject.id}' can never fire"
        for i, line in enumerate(s.persona.lines):
            if line.when is not None:
                yield ("persona", "lines", i, "when"), line.when, f"line '{line.id}' can never be said"
        for i, end in enumerate(s.end):
            yield ("end", i, "when"), end.when, "this end condition can never end the scenario"
        for i, objective in enumerate(s.objectives):
            if objective.check is not None:
                yield ("objectives", i, "check"), objective.check, f"objective '{objective.id}' can never be met"

    def conditions(self) -> None:
        for where, cond, what in self.each_condition():
            reported = False
            for _name, value, domain in missing_values(cond, self.domains):
                known = [str(v) for v in domain.values if v != ""]
                self.warn(where, "missing-ref", f"`{cond.source}` names {domain.what} {value!r}, which this scenario does not have"
                          f"{did_you_mean(str(value), known)}")
                reported = True
            for message in _type_mismatches(cond, self.s, self.domains):
                self.warn(where, "type-mismatch", f"`{cond.source}`: {message}")
                reported = True
            if what is not None and not reported and not can_hold(cond, self.domains):
                self.warn(where, "never-true", f"{what}: `{cond.source}` never holds ({self.why(cond)})")

    def why(self, cond: conditions.Condition) -> str:
        """A short account of the values the condition's names can take."""
        parts = []
        declared = {v.name: v for v in self.s.state}
        for name in sorted(cond.names):
            domain = self.domains.get(name)
            if domain is None:
                continue
            if name in declared:
                values = ", ".join(_show(v) for v in domain.values)
                written = any(n == name for _w, n, _v in state_writes(self.s))
                parts.append(f"'{name}' is only ever {values}" + ("" if written else " (its default; nothing sets it)"))
            elif domain.kind == "range":
                high = format_duration(domain.high) if name == "t" else f"{domain.high:g}"
                parts.append(f"'{name}' runs from {domain.low:g} to {high}")
            elif domain.kind == "set":
                parts.append(f"'{name}' is one of {', '.join(_show(v) for v in domain.values)}")
            elif domain.kind == "list":
                parts.append(f"'{name}' holds only {', '.join(_show(v) for v in domain.values) or 'nothing'}")
        return "; ".join(parts) or "it is false whatever happens"

    # ------------------------------------------------------------ beats and choices

    def beats(self) -> None:
        s, flow = self.s, self.flow
        live_storylets = flow.live_storylets
        for i, beat in enumerate(s.beats):
            where = ("beats", i, "id")
            if beat.id not in flow.reachable and beat.when is None:
                sources = sorted({e.source for e in flow.edges if e.target == beat.id})
                if sources:
                    self.warn(where, "unreachable-beat", f"beat '{beat.id}' is only entered from {', '.join(repr(x) for x in sources)}, "
                              "which can never be reached")
                else:
                    self.warn(where, "unreachable-beat", f"beat '{beat.id}' is never entered: it is not the first beat, "
                              "no choice goes to it, and it has no `when:` to come up by itself")
            possible = [c for c in beat.choices if c.when is None or can_hold(c.when, self.domains)]
            if beat.choices and not possible:
                self.warn(where, "no-choices", f"beat '{beat.id}' offers nothing: every choice has a `when:` that never holds "
                          f"({'; '.join(f'{c.id}: `{c.when.source}`' for c in beat.choices)})")
            else:
                for j, choice in enumerate(beat.choices):
                    if choice.when is not None and choice not in possible:
                        self.warn(("beats", i, "choices", j, "when"), "never-true",
                                  f"choice '{choice.id}' is never offered: `{choice.when.source}` never holds ({self.why(choice.when)})")
            others = live_storylets - {beat.id}
            if not beat.end and not beat.choices and not others and beat.id in flow.reachable:
                self.warn(where, "dead-end", f"beat '{beat.id}' is a loose end: no choices, not `end: true`, and no storylet "
                          "can come up after it (the trainee is left with free moves until time runs out)")
            for j, choice in enumerate(beat.choices):
                if not choice.feedback.strip():
                    self.warn(("beats", i, "choices", j, "id"), "no-feedback",
                              f"choice '{choice.id}' has no feedback: say which rule it keeps or breaks, and why")

    # ------------------------------------------------------------ state

    def variables(self) -> None:
        s = self.s
        read: set[str] = set()
        for _where, cond, _what in self.each_condition():
            read |= cond.names
        written = {name for _w, name, _v in state_writes(s)}
        for var in s.state:
            where = ("state", var.name)
            if var.name not in read:
                extra = " or written" if var.name not in written else ""
                self.warn(where, "unread-variable", f"state variable '{var.name}' is never read{extra}: no `when:` or `check:` uses it", key=True)
            elif var.name not in written:
                self.warn(where, "unwritten-variable", f"state variable '{var.name}' is never written: no `set:` changes it, "
                          f"so it is always {_show(var.default)}", key=True)

    # ------------------------------------------------------------ ids

    def duplicates(self) -> None:
        s = self.s
        seen_choice: dict[str, str] = {}
        for i, beat in enumerate(s.beats):
            for j, choice in enumerate(beat.choices):
                if choice.id in seen_choice and seen_choice[choice.id] != beat.id:
                    self.warn(("beats", i, "choices", j, "id"), "duplicate-id",
                              f"choice id '{choice.id}' is also used in beat '{seen_choice[choice.id]}': scripts, tests "
                              "and reports cannot tell them apart")
                seen_choice.setdefault(choice.id, beat.id)
        self.unique([(("persona", "lines", i, "id"), line.id) for i, line in enumerate(s.persona.lines)
                     if (s.raw.get("persona", {}).get("lines") or [{}])[i].get("id")], "line")
        spills = [(("ripple", "spillovers", i, "id"), sp.id) for i, sp in enumerate(s.ripple.spillovers)]
        self.unique(spills, "spillover")
        injects = {i.id for i in s.injects}
        for where, ident in spills:
            if ident in injects:
                self.warn(where, "duplicate-id", f"spillover '{ident}' has the id of an inject: `'{ident}' in fired` "
                          "and test expectations cannot tell them apart")
        groups = s.raw.get("audience", {}).get("groups") or []
        self.unique([(("audience", "groups", i, "id"), g["id"]) for i, g in enumerate(groups) if g], "audience group")
        self.unique([(("tests", i, "name"), t["name"]) for i, t in enumerate(s.tests) if t], "test")

    def unique(self, items, what: str) -> None:
        seen: set[str] = set()
        for where, ident in items:
            if ident in seen:
                self.warn(where, "duplicate-id", f"{what} id '{ident}' is used twice")
            seen.add(ident)

    # ------------------------------------------------------------ injects, objectives, tests

    def injects(self) -> None:
        s = self.s
        objectives = {o.id for o in s.objectives}
        for i, inject in enumerate(s.injects):
            if inject.at is not None and inject.at >= s.time_limit:
                self.warn(("injects", i, "at"), "inject-after-end",
                          f"inject '{inject.id}' is timed at T+{format_duration(inject.at)} but the scenario ends at "
                          f"T+{format_duration(s.time_limit)}: the trainee never sees it")
            ref = inject.objective.strip()
            if ref and objectives and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", ref) and ref not in objectives:
                self.warn(("injects", i, "objective"), "missing-ref",
                          f"inject '{inject.id}' exercises objective '{ref}', which is not in objectives:{did_you_mean(ref, objectives)}")

    def objectives(self) -> None:
        weights = self.s.weights
        for i, objective in enumerate(self.s.objectives):
            if weights.get(objective.dimension, 0.0) <= 0:
                self.warn(("objectives", i, "dimension"), "objective-unweighted",
                          f"objective '{objective.id}' counts toward '{objective.dimension}', which has weight 0 in scoring.weights")

    def tests(self) -> None:
        s = self.s
        beats = {b.id for b in s.beats}
        spills = {sp.id for sp in s.ripple.spillovers}
        names = {t["name"] for t in s.tests if t}
        for i, test in enumerate(s.tests):
            if not test:
                continue
            expect = test.get("expect") or {}
            for j, beat_id in enumerate(expect.get("beats") or []):
                if beat_id not in beats:
                    self.warn(("tests", i, "expect", "beats", j), "missing-ref", f"test '{test['name']}' expects beat '{beat_id}', "
                              f"which does not exist{did_you_mean(beat_id, beats)}")
            for j, spill_id in enumerate(expect.get("no_spillover") or []):
                if spill_id not in spills:
                    self.warn(("tests", i, "expect", "no_spillover", j), "missing-ref",
                              f"test '{test['name']}' names spillover '{spill_id}', which does not exist{did_you_mean(spill_id, spills)}")
            other = expect.get("better_than")
            if other and other not in names:
                self.warn(("tests", i, "expect", "better_than"), "missing-ref",
                          f"test '{test['name']}' must beat test '{other}', which does not exist{did_you_mean(other, names)}")
            for key, allowed, what in (("outcome", vocab.OUTCOMES, "outcome"), ("grade", ("A", "B", "C", "D", "F"), "grade")):
                value = expect.get(key)
                for v in value if isinstance(value, list) else ([value] if value is not None else []):
                    if v not in allowed:
                        self.warn(("tests", i, "expect", key), "missing-ref",
                                  f"test '{test['name']}' expects {what} {v!r}; {what}s are {', '.join(allowed)}{did_you_mean(str(v), allowed)}")


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, str):
        return repr(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


_TYPES = {"bool": (bool,), "int": (int, float), "float": (int, float), "str": (str,)}
_BUILTIN_TYPES = {
    **{n: "float" for n in ("t", "first_response", "anger", "trust", "patience", "reach", "negative_reach", "sentiment",
                            "spillovers", "replies", "hidden", "customer_posts", "promises_open", "promises_broken", "authority")},
    **{n: "bool" for n in ("private", "walked_away", "followed_up")},
    **{n: "str" for n in ("mood", "outcome", "last")},
}


def _type_mismatches(cond: conditions.Condition, scenario: Scenario, domains: dict[str, Domain]):
    """Comparisons of a name with a constant of another type: `knows_item > 2`, `anger == 'high'`."""
    types = {**_BUILTIN_TYPES, **{v.name: v.type for v in scenario.state}}
    for node in ast.walk(cond.tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if isinstance(op, ast.In | ast.NotIn):
                continue
            for name, const in ((left, right), (right, left)):
                if isinstance(name, ast.Name) and name.id in types and isinstance(const, ast.Constant) and const.value is not None:
                    if const.value in (True, False) and isinstance(const.value, bool) and types[name.id] == "bool":
                        continue
                    expected = _TYPES[types[name.id]]
                    value = const.value
                    ok = isinstance(value, expected) and not (isinstance(value, bool) and types[name.id] != "bool")
                    if not ok:
                        yield f"'{name.id}' is {_kind_word(types[name.id])}, compared with {_show(value)}"
    _ = domains


def _kind_word(kind: str) -> str:
    return {"bool": "true or false", "int": "a number", "float": "a number", "str": "text"}[kind]
