"""What people in the room wrote down: the facilitator's notes and the observers' ratings.

HSEEP evaluation guides have a human observer rate each objective P/S/M/U with a note; the
after-action report and the playbook show those beside the ratings the game computes, so the
team sees where people and numbers agree. Both are facilitator steps in the transcript
(`{"kind": "note", "by": ...}`, `{"kind": "rate", ...}`), so they replay with the session.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Observation:
    t: float
    by: str  # facilitator | observer
    who: str
    text: str
    objective: str = ""  # a rating: the objective's id, P/S/M/U and the note
    rating: str = ""
    note: str = ""


def observations(session) -> tuple[Observation, ...]:
    """Every note and rating written for the report, in order."""
    out = []
    for e in session.events:
        if e.kind == "note" and e.data.get("by") in ("facilitator", "observer"):
            out.append(Observation(float(e.t), str(e.data["by"]), e.actor, e.text, str(e.data.get("objective", "")),
                                   str(e.data.get("rating", "")), str(e.data.get("note", ""))))
    return tuple(out)


def ratings(session) -> dict[str, tuple[Observation, ...]]:
    """Objective id -> the observers' ratings of it, latest last."""
    out: dict[str, list[Observation]] = {}
    for o in observations(session):
        if o.rating:
            out.setdefault(o.objective, []).append(o)
    return {k: tuple(v) for k, v in out.items()}


def notes(session) -> tuple[Observation, ...]:
    """Notes that are not ratings (the facilitator's and the observers')."""
    return tuple(o for o in observations(session) if not o.rating)


def rating_text(rated: tuple[Observation, ...]) -> str:
    """"S (Dana: slow to brief PR); P (Lee)" for one objective."""
    return "; ".join(f"{o.rating} ({o.who}" + (f": {o.note}" if o.note else "") + ")" for o in rated)
