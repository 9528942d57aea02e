"""The recorded steps of a session and the facilitator's commands, as typed values.

A session is its steps: the trainee's action (`Act`), time passing (`Advance`), closing the case
(`Finish`), a role player's answer (`Decide`) and a facilitator's move (`Facilitate`). Each has
one JSON form, written to the transcript exactly as before these types existed (the golden
transcripts in tests/data/transcripts/ pin it), and `parse_step` reads it back. A facilitator
command keeps the mapping it was given (that is what the transcript records) and is dispatched
on its typed form (`parse_command`): one class per kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.engine.state import SessionError
from simulator.format import actions as A

# ---------------------------------------------------------------- facilitator commands


@dataclass(frozen=True)
class FireInject:
    id: str | None


@dataclass(frozen=True)
class SkipInject:
    """The facilitator takes a scheduled inject out of this run (it can still be fired by hand)."""

    id: str


@dataclass(frozen=True)
class CustomInject:
    text: str
    valence: float = -0.4
    arousal: float = 0.5


@dataclass(frozen=True)
class Pressure:
    patience: float = 0.0
    anger: float = 0.0
    audience: Any = None  # a factor 0.1..10 (checked when applied)
    negativity: Any = None


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class FastForward:
    minutes: float


@dataclass(frozen=True)
class Note:
    who: str
    text: str
    by: str = ""  # "facilitator" | "observer": a note for the after-action report (older notes have none)


RATINGS = ("P", "S", "M", "U")  # HSEEP: performed without challenges, with some, with major ones, unable


@dataclass(frozen=True)
class Rate:
    """An observer rates one of the scenario's objectives P/S/M/U, with a note (HSEEP evaluation guides)."""

    objective: str
    rating: str
    note: str = ""
    who: str = "observer"


@dataclass(frozen=True)
class TeamDecision:
    question: int
    text: str
    who: str


Command = FireInject | SkipInject | CustomInject | Pressure | Pause | Resume | FastForward | Note | TeamDecision | Rate


def parse_command(command: Mapping) -> Command:
    """The typed form of a facilitator command mapping; SessionError for an unknown kind."""
    kind = command.get("kind")
    if kind == "inject":
        return FireInject(command.get("id"))
    if kind == "skip":
        return SkipInject(str(command.get("id", ""))[:100])
    if kind == "custom":
        return CustomInject(str(command.get("text", ""))[: A.MAX_TEXT], float(command.get("valence", -0.4)),
                            float(command.get("arousal", 0.5)))
    if kind == "pressure":
        return Pressure(float(command.get("patience", 0.0)), float(command.get("anger", 0.0)),
                        command.get("audience"), command.get("negativity"))
    if kind == "pause":
        return Pause()
    if kind == "resume":
        return Resume()
    if kind == "fast_forward":
        return FastForward(float(command.get("minutes", 0.0)))
    if kind == "note":
        return Note(str(command.get("who", "facilitator"))[:100], str(command.get("text", ""))[: A.MAX_TEXT],
                    str(command.get("by", ""))[:20])
    if kind == "rate":
        return Rate(str(command.get("objective", ""))[:100], str(command.get("rating", "")).upper()[:1],
                    str(command.get("note", ""))[: A.MAX_TEXT], str(command.get("who", "observer"))[:100] or "observer")
    if kind == "decision":
        return TeamDecision(int(command.get("question", 0)), str(command.get("text", ""))[: A.MAX_TEXT],
                            str(command.get("who", "team"))[:100])
    raise SessionError(f"unknown facilitator command '{kind}'")


# ---------------------------------------------------------------- steps


@dataclass(frozen=True)
class Act:
    action: Any  # a format.actions value

    def to_json(self) -> dict:
        return {"act": A.to_dict(self.action)}


@dataclass(frozen=True)
class Advance:
    minutes: float

    def to_json(self) -> dict:
        return {"advance": round(self.minutes, 6)}


@dataclass(frozen=True)
class Finish:
    def to_json(self) -> dict:
        return {"finish": True}


@dataclass(frozen=True)
class Decide:
    role: Any
    approve: Any
    who: str = ""
    note: str = ""
    limit: Any = None

    def to_json(self) -> dict:
        step: dict = {"role": self.role, "approve": self.approve}
        if self.who:
            step["who"] = self.who
        if self.note:
            step["note"] = self.note
        if self.limit is not None:
            step["limit"] = self.limit
        return {"decide": step}


@dataclass(frozen=True)
class Facilitate:
    command: Mapping = field(default_factory=dict)  # as given: the transcript records it verbatim

    def to_json(self) -> dict:
        return {"facilitate": dict(self.command)}


Step = Act | Advance | Finish | Decide | Facilitate


def parse_step(step: Mapping) -> Step:
    """A recorded step (a transcript line's `step`) as its typed value."""
    if "act" in step:
        return Act(A.parse_action(step["act"]))
    if "advance" in step:
        return Advance(step["advance"])
    if "finish" in step:
        return Finish()
    if "facilitate" in step:
        return Facilitate(step["facilitate"])
    if "decide" in step:
        d = step["decide"]
        if not isinstance(d, dict):
            raise SessionError("a decide step is a mapping with role and approve")
        return Decide(d.get("role"), d.get("approve"), d.get("who", ""), d.get("note", ""), d.get("limit"))
    raise SessionError(f"unknown step {sorted(step)}")
