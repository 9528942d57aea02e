"""What happened in a session, as immutable values.

`Session.act()` and `Session.advance()` return these; the UI renders them, the transcript stores
them and the report's timeline is made of them. `data` holds only JSON-ready values so the
transcript is byte-for-byte reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.engine.payloads import Payload, payload_of

# kind -> who speaks: what each kind of event is, for the feed and the timeline.
KINDS = {
    "post": "a public post (customer, audience, another platform)",
    "brand_reply": "the brand's public reply",
    "private_out": "the brand's private message",
    "private_in": "the customer's private message",
    "escalation": "the trainee asked a role to step in",
    "approval": "a role answered an escalation",
    "approval_needed": "a drill: an escalation reached the role's player, who must decide",
    "approval_denied": "a drill: the role's player said no",
    "offer": "a remedy was offered",
    "offer_blocked": "a remedy beyond the trainee's authority was not sent",
    "hidden": "a post was hidden",
    "walk_away": "the trainee walked away",
    "follow_up": "an aftermath post",
    "inject": "something happened (an inject)",
    "spillover": "the story jumped to another platform",
    "beat": "the story moved to a new beat",
    "coach": "feedback: rules kept and broken",
    "promise": "a promise was made, kept or broken",
    "mood": "the customer's mood changed band",
    "note": "a facilitator's note",
    "end": "the scenario ended",
}


@dataclass(frozen=True)
class Event:
    t: float
    kind: str
    actor: str = ""
    text: str = ""
    item: str = ""
    data: dict = field(default_factory=dict, compare=False, hash=False)

    def to_json(self) -> dict:
        out = {"t": round(self.t, 4), "kind": self.kind}
        if self.actor:
            out["actor"] = self.actor
        if self.text:
            out["text"] = self.text
        if self.item:
            out["item"] = self.item
        if self.data:
            out["data"] = self.data
        return out

    @property
    def payload(self) -> Payload:
        """`data` as the typed payload of this kind of event (engine/payloads.py)."""
        return payload_of(self.kind, self.data)

    @classmethod
    def from_json(cls, obj: dict) -> Event:
        return cls(obj["t"], obj["kind"], obj.get("actor", ""), obj.get("text", ""), obj.get("item", ""), obj.get("data", {}))
