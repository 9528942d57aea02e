"""The `when:` language: small, safe expressions over the session's state.

Authors write conditions such as `anger > 0.7 and not private` or `'pr' in escalated`. They are
parsed once with Python's `ast` and evaluated by walking a whitelist of node types: nothing is
ever passed to `eval`, no attribute access, no calls, so a scenario file cannot run code. Parsing
up front also lets the validator and lint know which names a condition reads.
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass

MAX_LENGTH = 400

# Names every condition may read, with what they mean (documented in docs/scenario-format.md).
BUILTIN_NAMES: dict[str, str] = {
    "t": "minutes since the complaint",
    "first_response": "minutes from the complaint to the brand's first response (none until then)",
    "anger": "the customer's anger, 0..1",
    "trust": "the customer's trust in the brand, 0..1",
    "patience": "the customer's patience left, 0..1",
    "mood": "the customer's mood band: 'calm', 'annoyed', 'angry' or 'furious'",
    "outcome": "the outcome the customer is heading for: raving_fan, satisfied, neutral, churned, hostile",
    "reach": "people who have seen anything about this",
    "negative_reach": "people who have seen something negative",
    "sentiment": "net sentiment of those who have seen it, -1..1",
    "spillovers": "number of spillovers to other platforms so far",
    "replies": "public replies posted by the brand",
    "said": "ids of the scenario's `says:` triggers the trainee's words have fired",
    "private": "true once the conversation has moved to a private channel",
    "escalated": "roles the trainee has escalated to (a list of role ids)",
    "approved": "roles that have answered an escalation",
    "offered": "remedies offered (a list of remedy ids)",
    "hidden": "posts hidden or deleted by the brand",
    "walked_away": "true once the trainee has walked away",
    "followed_up": "true once the trainee has posted an aftermath follow-up",
    "customer_posts": "posts the customer has made, public and private",
    "promises_open": "promises made and not yet kept",
    "promises_broken": "promises not kept in time",
    "last": "the kind of the trainee's last action (reply, private, escalate, offer, hide, walk_away, follow_up, wait)",
    "visited": "beats visited so far (a list of beat ids)",
    "fired": "injects and spillovers that have fired (a list of ids)",
    "authority": "the largest remedy value the trainee may offer now",
    "rules_broken": "numbers of Blanchard's rules broken so far",
    "rules_kept": "numbers of Blanchard's rules kept so far",
    "true": "true",
    "false": "false",
    "none": "nothing",
}

# Names only an objective's `check:` may read: the scorecard counts them from the judge's labels
# when the session ends (simulator/evaluate/scoring.py, `objective_env`).
SCORECARD_NAMES: dict[str, str] = {
    "form_letters": "messages the judge read as a form letter",
    "hostile_replies": "messages that attacked: contempt, insults, threats, swearing or shouting",
    "arguments": "public messages that argued with the customer or blamed them",
}

_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_CONSTANTS = {"true": True, "false": False, "none": None, "True": True, "False": False, "None": None}


class ConditionError(ValueError):
    """A condition that cannot be parsed; `col` is 1-based within the expression."""

    def __init__(self, message: str, col: int = 1):
        super().__init__(message)
        self.col = col


@dataclass(frozen=True)
class Condition:
    source: str
    tree: ast.Expression
    names: frozenset[str]

    def __call__(self, env: dict) -> bool:
        return bool(evaluate(self, env))


_SINGLE_EQUALS = re.compile(r"(?<![=!<>])=(?!=)")
_C_STYLE = (("&&", "use 'and' instead of '&&'"), ("||", "use 'or' instead of '||'"), ("===", "use '==' to compare"))


def syntax_hint(text: str) -> tuple[int, str] | None:
    """(1-based column, advice) for the usual slips: `=` for `==`, `&&`, `||`; None otherwise."""
    for token, advice in _C_STYLE:
        if token in text:
            return text.index(token) + 1, advice
    outside = re.sub(r"'[^']*'|\"[^\"]*\"", lambda m: " " * len(m.group(0)), text)  # ignore = inside strings
    match = _SINGLE_EQUALS.search(outside)
    if match:
        return match.start() + 1, "use '==' to compare ('=' alone is not allowed)"
    bang = re.search(r"!(?!=)", outside)
    if bang:
        return bang.start() + 1, "use 'not' instead of '!'"
    return None


def parse(source: str) -> Condition:
    """Parse and check an expression; raises ConditionError naming what is not allowed."""
    if not isinstance(source, str) or not source.strip():
        raise ConditionError("a condition must be a non-empty expression")
    if len(source) > MAX_LENGTH:
        raise ConditionError(f"a condition may be at most {MAX_LENGTH} characters")
    text = source.strip()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        hint = syntax_hint(text)
        if hint is not None:
            raise ConditionError(f"not a valid expression: {hint[1]}", hint[0]) from None
        raise ConditionError(f"not a valid expression: {exc.msg}", exc.offset or 1) from None
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in _CONSTANTS:
                names.add(node.id)
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, str | int | float | bool | type(None)):
                raise ConditionError("only numbers, strings, true and false are allowed", node.col_offset + 1)
        elif isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) not in _COMPARE:
                    raise ConditionError("use ==, !=, <, <=, >, >=, in or not in", node.col_offset + 1)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise ConditionError("only + - * / are allowed in arithmetic", node.col_offset + 1)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.Not | ast.USub):
                raise ConditionError("only 'not' and '-' are allowed", node.col_offset + 1)
        elif not isinstance(
            node,
            ast.Expression | ast.BoolOp | ast.And | ast.Or | ast.Load | ast.List | ast.Tuple
            | ast.Not | ast.USub | ast.cmpop | ast.operator,
        ):
            what = type(node).__name__.lower()
            raise ConditionError(
                f"'{what}' is not allowed in a condition (use names, numbers, strings, "
                "comparisons, and/or/not)",
                getattr(node, "col_offset", 0) + 1,
            )
    return Condition(text, tree, frozenset(names))


def evaluate(condition: Condition, env: dict):
    """Value of a parsed condition; unknown names read as None, type errors as False."""

    def value(node):
        if isinstance(node, ast.Expression):
            return value(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in _CONSTANTS:
                return _CONSTANTS[node.id]
            return env.get(node.id)
        if isinstance(node, ast.List | ast.Tuple):
            return [value(e) for e in node.elts]
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.And):
                result = True
                for e in node.values:
                    result = value(e)
                    if not result:
                        return result
                return result
            result = False
            for e in node.values:
                result = value(e)
                if result:
                    return result
            return result
        if isinstance(node, ast.UnaryOp):
            operand = value(node.operand)
            if isinstance(node.op, ast.Not):
                return not operand
            return -operand if isinstance(operand, int | float) else None
        if isinstance(node, ast.BinOp):
            left, right = value(node.left), value(node.right)
            try:
                return _BINARY[type(node.op)](left, right)
            except (TypeError, ZeroDivisionError, OverflowError):
                return None
        if isinstance(node, ast.Compare):
            left = value(node.left)
            for op, comparator in zip(node.ops, node.comparators, strict=True):
                right = value(comparator)
                try:
                    if not _COMPARE[type(op)](left, right):
                        return False
                except TypeError:
                    return False
                left = right
            return True
        return None

    return value(condition.tree)
