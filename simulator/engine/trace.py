"""The author's trace: why the story went the way it did, as plain data.

A session appends a `TraceEntry` whenever the story decides something an author wrote a rule for:
a beat entered, replaced or resumed, an inject fired, a customer line picked (or none fitting),
free text matched to a suggested move (or not, and why), a promise made, kept or broken, a state
variable changed, a suggested move not on offer. The entries are values (kind, time, fields);
the engine never formats them: `crisis run --trace` and `crisis test -v` render them
(authoring/tracing.py) and `--json` hands them to tools as they are. Tracing draws nothing from the
random streams and writes nothing to the transcript, so a traced session plays exactly like an
untraced one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.world.judge import resemblance, similarity

KINDS = {
    "beat": "a beat was entered (how: start, goto, storylet, return)",
    "replaced": "a storylet took over from the current beat",
    "held": "a storylet could come up but waits for a beat of higher priority",
    "inject": "an inject fired (why: its time, its condition)",
    "spillover": "a spillover appeared on another platform",
    "line": "what the customer (or a commenter) said, and which authored line it was",
    "match": "free text compared with the suggested moves on offer",
    "promise": "a promise was made, kept or broken",
    "state": "a state variable changed",
    "choices": "which suggested moves are on offer, and why the others are not",
    "blocked": "a move the rules did not allow (a remedy that needs a role's approval...)",
    "brand_voice": "a post by the brand's own account the trainee did not write",
}


@dataclass(frozen=True)
class TraceEntry:
    t: float
    kind: str
    data: dict = field(default_factory=dict, compare=False, hash=False)

    def to_json(self) -> dict:
        return {"t": round(self.t, 4), "kind": self.kind, **self.data}


def unavailable_reason(choice, chosen, env) -> str:
    """Why a suggested move of the current beat is not on offer ('' when it is)."""
    if not choice.sticky and choice.id in chosen:
        return "already taken (suggested moves are once-only unless `sticky: true`)"
    if choice.when is not None and not choice.when(env):
        shown = ", ".join(f"{name}={_short(env.get(name))}" for name in sorted(choice.when.names))
        return f"when: {choice.when.source} is false" + (f" ({shown})" if shown else "")
    return ""


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value[:6])) + (", ..." if len(value) > 6 else "") + "]"
    return repr(value) if isinstance(value, str) else str(value)


def explain_match(kind: str, features: frozenset, offered, text: str, matched, tone: frozenset) -> list[dict]:
    """Each suggested move on offer, and how free text compared with it (the rules of `closest_choice`)."""
    out = []
    for choice in offered:
        row: dict = {"choice": choice.id}
        if choice.action != kind:
            row["why"] = f"a {choice.action}, not a {kind}"
        elif not ((choice.tagged and choice.features) or getattr(choice, "examples", ())):
            row["why"] = "has no `features:` nor `examples:`, so free text is never matched to it"
        elif bool(frozenset(choice.features) & tone) != bool(features & tone):
            row["why"] = "different tone (one is hostile, the other civil)"
        else:
            tagged = frozenset(choice.features)
            jaccard = len(tagged & features) / len(tagged | features) if tagged | features else 0.0
            meaning = similarity(text, choice.text) if text and choice.text else 0.0
            if text and choice.examples:
                meaning = max(meaning, resemblance(text, choice.examples))  # the author's other phrasings
            row.update(shared=sorted(tagged & features), jaccard=round(jaccard, 2), meaning=round(meaning, 2))
            row["why"] = "matched" if matched is not None and matched.id == choice.id else "not the closest, or below one half"
        out.append(row)
    return out
