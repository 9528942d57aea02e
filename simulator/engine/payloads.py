"""One payload type per event kind: what each kind of `Event` carries in its `data`.

The engine builds events from these types (`Session._emit(kind, ..., payload)`); the event keeps
the JSON-ready mapping (`Event.data`, what transcripts store, byte for byte as before) and gives
the typed value back (`Event.payload`). A field left at `OMIT` is not written, which is how the
optional keys some emitters add (an inject's `item`, a coach note's `matched`) stay optional.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()


def _key(name: str) -> dict:
    return {"key": name}


@dataclass(frozen=True)
class Payload:
    kind: ClassVar[tuple[str, ...]] = ()

    def to_data(self) -> dict:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not OMIT:
                out[f.metadata.get("key", f.name)] = value
        return out

    @classmethod
    def from_data(cls, data: dict) -> Payload:
        names = {f.metadata.get("key", f.name): f.name for f in fields(cls)}
        return cls(**{names[k]: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class PostData(Payload):
    kind: ClassVar = ("post",)
    item_kind: str = field(default=OMIT, metadata=_key("kind"))
    platform: str = OMIT
    title: str = OMIT
    valence: float = OMIT
    trigger: str = OMIT  # customer posts: what made the customer speak
    mood: str = OMIT


@dataclass(frozen=True)
class BrandMessageData(Payload):
    kind: ClassVar = ("brand_reply", "private_out", "walk_away", "follow_up")
    features: list = OMIT
    channel: str = OMIT
    why_hidden: bool = OMIT  # a private message telling the poster why their post was hidden


@dataclass(frozen=True)
class PrivateInData(Payload):
    kind: ClassVar = ("private_in",)
    trigger: str = OMIT
    mood: str = OMIT


@dataclass(frozen=True)
class EscalationData(Payload):
    kind: ClassVar = ("escalation",)
    role: str = OMIT
    title: str = OMIT
    delay: float = OMIT


@dataclass(frozen=True)
class ApprovalData(Payload):
    kind: ClassVar = ("approval",)
    role: str = OMIT
    authority: float = OMIT
    approved: bool = OMIT  # a drill's role player answered (with who and note)
    who: str = OMIT
    note: str = OMIT


@dataclass(frozen=True)
class ApprovalNeededData(Payload):
    kind: ClassVar = ("approval_needed",)
    role: str = OMIT
    authority: float = OMIT
    player: str = OMIT


@dataclass(frozen=True)
class ApprovalDeniedData(Payload):
    kind: ClassVar = ("approval_denied",)
    role: str = OMIT
    approved: bool = OMIT
    who: str = OMIT
    note: str = OMIT


@dataclass(frozen=True)
class OfferData(Payload):
    kind: ClassVar = ("offer",)
    remedy: str = OMIT
    value: float = OMIT
    public: bool = OMIT


@dataclass(frozen=True)
class OfferBlockedData(Payload):
    kind: ClassVar = ("offer_blocked",)
    remedy: str = OMIT
    value: float = OMIT
    authority: float = OMIT
    requires: list = OMIT  # roles whose approval the remedy still needs


@dataclass(frozen=True)
class HiddenData(Payload):
    kind: ClassVar = ("hidden",)
    guidelines: bool = OMIT
    explained: bool = OMIT


@dataclass(frozen=True)
class InjectData(Payload):
    kind: ClassVar = ("inject",)
    id: str = OMIT
    inject_kind: str = field(default=OMIT, metadata=_key("kind"))
    platform: str = OMIT
    sender: str = field(default=OMIT, metadata=_key("from"))
    item: str = OMIT  # the public item a post or news inject put in the ripple


@dataclass(frozen=True)
class SpilloverData(Payload):
    kind: ClassVar = ("spillover",)
    id: str = OMIT
    platform: str = OMIT
    title: str = OMIT


@dataclass(frozen=True)
class BeatData(Payload):
    kind: ClassVar = ("beat",)
    beat: str = OMIT
    title: str = OMIT
    resumed: bool = OMIT  # back from a `return: true` storylet


@dataclass(frozen=True)
class CoachData(Payload):
    kind: ClassVar = ("coach",)
    kept: list = OMIT
    broken: list = OMIT
    matched: str = OMIT  # free text that matched an author's suggested move


@dataclass(frozen=True)
class PromiseData(Payload):
    kind: ClassVar = ("promise",)
    id: str = OMIT
    status: str = OMIT  # made | kept | broken
    due: float = OMIT


@dataclass(frozen=True)
class MoodData(Payload):
    kind: ClassVar = ("mood",)
    before: str = field(default=OMIT, metadata=_key("from"))
    to: str = OMIT
    anger: float = OMIT


@dataclass(frozen=True)
class NoteData(Payload):
    kind: ClassVar = ("note",)
    review: float = OMIT  # a senior role's sign-off delay on public replies
    role: str = OMIT
    control: str = OMIT  # pause | resume | fast_forward | skip
    minutes: float = OMIT
    question: int = OMIT  # the team's answer to a planning question
    decision: bool = OMIT
    by: str = OMIT  # facilitator | observer: a note or rating written for the after-action report
    objective: str = OMIT  # an observer's rating of this objective ...
    rating: str = OMIT  # ... P, S, M or U
    note: str = OMIT


@dataclass(frozen=True)
class EndData(Payload):
    kind: ClassVar = ("end",)
    outcome: str = OMIT


PAYLOADS: dict[str, type[Payload]] = {
    kind: cls
    for cls in (PostData, BrandMessageData, PrivateInData, EscalationData, ApprovalData, ApprovalNeededData,
                ApprovalDeniedData, OfferData, OfferBlockedData, HiddenData, InjectData, SpilloverData, BeatData,
                CoachData, PromiseData, MoodData, NoteData, EndData)
    for kind in cls.kind
}


def payload_of(kind: str, data: dict) -> Payload:
    """The typed payload of an event of this kind (unknown keys are left out)."""
    return PAYLOADS[kind].from_data(data)
