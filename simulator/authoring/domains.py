"""Which values the names a `when:` reads can take, and whether a condition can ever hold.

Declared state makes this decidable in practice (GUIDE.md section 3): a state variable can only
hold its default or a value some `set:` writes, the built-in names have known ranges (anger is
0..1, `mood` is one of four bands, `escalated` only ever holds role ids) and a condition reads a
handful of names. So instead of guessing, lint enumerates: every combination of candidate values
for the names read, where a numeric range contributes its ends and the points either side of
every number the condition mentions. A condition no combination satisfies can never hold. The
analysis is a may-analysis: when it cannot decide (arithmetic on a range, too many combinations)
it answers "can hold", so a warning is never a guess.
"""

from __future__ import annotations

import ast
import itertools
import math
from dataclasses import dataclass

from simulator.format import conditions, vocab
from simulator.format.scenario import Scenario

MAX_COMBINATIONS = 20_000


@dataclass(frozen=True)
class Domain:
    """The values one name can take.

    kind "set": exactly `values`; "range": numbers from `low` to `high` (`integer` ones only, and
    None too when `none`); "list": lists whose elements come from `values` (the universe).
    """

    kind: str
    values: tuple = ()
    low: float = 0.0
    high: float = math.inf
    integer: bool = False
    none: bool = False
    what: str = ""  # what the elements or values are, for messages ("role", "beat", "mood")


def domains_of(scenario: Scenario) -> dict[str, Domain]:
    """Every name a condition may read, with the values it can take in this scenario."""
    written: dict[str, list] = {v.name: [v.default] for v in scenario.state}
    for _where, name, value in state_writes(scenario):
        if name in written and value not in written[name]:
            written[name].append(value)
    roles = tuple(r.id for r in scenario.roles)
    trainee = scenario.trainee_role.authority
    authorities = tuple(sorted({trainee, *(r.authority for r in scenario.roles if r.authority > trainee)}))
    spills = tuple(s.id for s in scenario.ripple.spillovers)
    size = math.inf if scenario.audience.model == "file" else float(scenario.audience.size)
    out: dict[str, Domain] = {
        "t": Domain("range", low=0.0, high=scenario.time_limit),
        "first_response": Domain("range", low=0.0, high=scenario.time_limit, none=True),
        "anger": Domain("range", low=0.0, high=1.0),
        "trust": Domain("range", low=0.0, high=1.0),
        "patience": Domain("range", low=0.0, high=1.0),
        "mood": Domain("set", vocab.MOODS, what="mood"),
        "outcome": Domain("set", vocab.OUTCOMES, what="outcome"),
        "reach": Domain("range", low=0.0, high=size, integer=True),
        "negative_reach": Domain("range", low=0.0, high=size, integer=True),
        "sentiment": Domain("range", low=-1.0, high=1.0),
        "spillovers": Domain("range", low=0.0, high=float(len(spills)), integer=True),
        "replies": Domain("range", integer=True),
        "private": Domain("set", (False, True)),
        "escalated": Domain("list", roles, what="role"),
        "approved": Domain("list", roles, what="role"),
        "offered": Domain("list", tuple(r.id for r in scenario.remedies), what="remedy"),
        "hidden": Domain("range", integer=True),
        "walked_away": Domain("set", (False, True)),
        "followed_up": Domain("set", (False, True)),
        "customer_posts": Domain("range", low=1.0, integer=True),
        "promises_open": Domain("range", integer=True),
        "promises_broken": Domain("range", integer=True),
        "last": Domain("set", ("", *vocab.ACTION_KINDS), what="action kind"),
        "visited": Domain("list", tuple(b.id for b in scenario.beats), what="beat"),
        "fired": Domain("list", (*(i.id for i in scenario.injects), *spills, "blog:customer"), what="inject or spillover"),
        "authority": Domain("set", authorities),
        "rules_broken": Domain("list", tuple(range(1, 10)), what="rule"),
        "rules_kept": Domain("list", tuple(range(1, 10)), what="rule"),
    }
    for name, values in written.items():
        out[name] = Domain("set", tuple(values), what=f"value of '{name}'")
    return out


def state_writes(scenario: Scenario):
    """(where, name, value) for every `set:` in the file; `where` is the path of the set entry."""
    for i, beat in enumerate(scenario.beats):
        for name, value in beat.set:
            yield ("beats", i, "set", name), name, value
        for j, choice in enumerate(beat.choices):
            for name, value in choice.set:
                yield ("beats", i, "choices", j, "set", name), name, value
    for i, inject in enumerate(scenario.injects):
        for name, value in inject.set:
            yield ("injects", i, "set", name), name, value
    for i, trigger in enumerate(scenario.says):
        for name, value in trigger.set:
            yield ("says", i, "set", name), name, value


def can_hold(condition: conditions.Condition, domains: dict[str, Domain]) -> bool:
    """False only when no possible values of the names it reads make the condition true."""
    names = sorted(condition.names)
    if _has_arithmetic_on_ranges(condition, domains):
        return True
    constants = _constants(condition)
    pools = []
    total = 1
    for name in names:
        domain = domains.get(name)
        if domain is None:
            return True
        pool = candidates(domain, constants)
        pools.append(pool)
        total *= max(1, len(pool))
        if total > MAX_COMBINATIONS:
            return True
    for combo in itertools.product(*pools):
        if conditions.evaluate(condition, dict(zip(names, combo, strict=True))):
            return True
    return False


def candidates(domain: Domain, constants: tuple = ()) -> list:
    """The values worth trying for one name, given the numbers a condition mentions."""
    if domain.kind == "set":
        return list(domain.values)
    if domain.kind == "list":
        universe = list(domain.values)
        return [[], universe, *([v] for v in universe)]
    low, high = domain.low, domain.high
    top = high if math.isfinite(high) else max(1e6, *(abs(c) * 2 + 1 for c in constants if isinstance(c, int | float)), 1e6)
    step = 1 if domain.integer else 1e-3
    points = {low, top}
    for c in constants:
        if isinstance(c, bool) or not isinstance(c, int | float):
            continue
        for x in (c - step, c, c + step):
            if domain.integer:
                x = math.floor(x) if x < c else math.ceil(x)
            if low <= x <= top:
                points.add(x)
    out: list = sorted(points)
    if domain.none:
        out.append(None)
    return out


def _constants(condition: conditions.Condition) -> tuple:
    return tuple(node.value for node in ast.walk(condition.tree) if isinstance(node, ast.Constant))


def _has_arithmetic_on_ranges(condition: conditions.Condition, domains: dict[str, Domain]) -> bool:
    for node in ast.walk(condition.tree):
        if isinstance(node, ast.BinOp | ast.UnaryOp) and not isinstance(getattr(node, "op", None), ast.Not):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and sub.id in domains and domains[sub.id].kind == "range":
                    return True
    return False


def missing_values(condition: conditions.Condition, domains: dict[str, Domain]):
    """(name, value, domain) for every constant a condition compares with a name that cannot take it.

    Catches typos such as `'prr' in escalated`, `mood == 'furius'` or `'detials' in visited`:
    the condition is legal but speaks of something the scenario does not have.
    """
    for node in ast.walk(condition.tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            found: list = []
            if isinstance(op, ast.In | ast.NotIn):
                if _is_list_name(right, domains):
                    found.append((right.id, _literal_values(left)))
                if _is_enum_name(left) and isinstance(right, ast.List | ast.Tuple):
                    found.append((left.id, _literal_values(right)))
            elif isinstance(op, ast.Eq | ast.NotEq):
                if _is_enum_name(left) and isinstance(right, ast.Constant):
                    found.append((left.id, [right.value]))
                if _is_enum_name(right) and isinstance(left, ast.Constant):
                    found.append((right.id, [left.value]))
            for name, values in found:
                domain = domains[name]
                for value in values:
                    if value not in domain.values and value is not None and not isinstance(value, bool):
                        yield name, value, domain


def _is_list_name(node, domains) -> bool:
    return isinstance(node, ast.Name) and node.id in domains and domains[node.id].kind == "list"


def _is_enum_name(node) -> bool:
    return isinstance(node, ast.Name) and node.id in _ENUM_NAMES


_ENUM_NAMES = frozenset({"mood", "outcome", "last"})


def _literal_values(node) -> list:
    if isinstance(node, ast.Constant):
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)]
    return []
