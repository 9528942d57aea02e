"""The facts a session is judged by, stated once so no part of the debrief contradicts another.

The scorecard, the objectives and the debrief all read the same few facts: which messages attacked
or argued (the judge's labels, not keywords), when the brand first answered with something that
helped, which rules were kept by a message that broke none, and where the customer really ended.
That last one is not always the persona's label alone: a customer whose last word was a complaint
nobody answered ("You said you'd get back to me. You didn't.") has not ended satisfied, whatever
their numbers drifted to, and one whose last word was to leave has left.
"""

from __future__ import annotations

from dataclasses import dataclass

HOSTILE_FEATURES = frozenset({"sarcasm", "insult", "threat", "profanity", "shouting"})

OUTCOME_RANK = {"hostile": 0, "churned": 1, "neutral": 2, "satisfied": 3, "raving_fan": 4}
# What the customer says when something went wrong (persona triggers): a last word like this,
# unanswered, is not a satisfied customer's.
COMPLAINTS = frozenset({"promise_broken", "ignored", "argue", "blame", "rude", "brushoff", "non_apology", "hidden", "leaving"})
# Smaller grumbles: a complaint only when not said calmly (a calm "not what I asked for" about an
# extra offer, once the problem is fixed, leaves a satisfied customer satisfied).
GRUMBLES = frozenset({"offer_rejected", "form_letter", "repeated", "pile_on"})
PARTING = frozenset({"leaving"})
UPSET = frozenset({"angry", "furious"})
# Rules a message breaks by what it does, whatever the rule table engaged: contempt, insults and
# threats are impolite (rule 5) and no way to treat royalty (rule 2); a public argument is rule 7.
HOSTILE_BREAKS = (2, 5)
ARGUMENT_BREAKS = (7,)


def hostile(reply) -> bool:
    """A message that attacks rather than answers: contempt, insults, threats, swearing, shouting,
    or a judged quality this low. Such a message is no response as far as timeliness goes."""
    a = reply.analysis
    return any(a.features.get(f) for f in HOSTILE_FEATURES) or a.quality <= -0.6


def argued(reply) -> bool:
    """A message that argues with the customer or blames them (rule 7: never argue online)."""
    a = reply.analysis
    return bool(a.features.get("argue") or a.features.get("blame"))


def helpful(reply) -> bool:
    """A message that answers the customer: not hostile, and not an argument with them (rule 7:
    never argue online). Only these count as a response when timeliness is scored."""
    return not hostile(reply) and not argued(reply)


def clean(reply) -> bool:
    """A message that may be held up as an example: it broke no rule and attacked no one."""
    return not reply.analysis.broken() and not hostile(reply)


def broken_rules(reply) -> tuple[int, ...]:
    """The rules this message broke: the rule table's verdict plus what its labels say it did."""
    out = set(reply.analysis.broken())
    if hostile(reply):
        out.update(HOSTILE_BREAKS)
    if argued(reply) and reply.public:
        out.update(ARGUMENT_BREAKS)
    return tuple(sorted(out))


def first_helpful_response(session) -> float | None:
    """When the brand first answered with something that helped (None: never)."""
    if session.first_response_at is None:
        return None
    return next((r.t for r in session.replies if helpful(r)), None)


@dataclass(frozen=True)
class Settled:
    """Where the customer ended: the label, and why it differs from the persona's (or "")."""

    outcome: str
    persona_outcome: str
    why: str = ""
    last_word: str = ""


def last_word(session):
    """The customer's last post or private message (an event), or None."""
    return next((e for e in reversed(session.events)
                 if e.actor == "customer" and e.kind in ("post", "private_in")), None)


def settled_outcome(session) -> Settled:
    """The outcome label that agrees with the customer's final state, words included.

    The persona's label reads the numbers; the customer's last word is part of the final state
    too. When the brand did nothing after it: a customer who said they are leaving has churned,
    and one whose last word was a complaint, or said in anger, is at best neutral.
    """
    label = session.outcome()
    word = last_word(session)
    if word is None:
        return Settled(label, label)
    if any(r.t > word.t + 1e-9 and r.kind != "wait" for r in session.records):
        return Settled(label, label)  # the brand answered it: the numbers say how that went
    trigger, mood = word.data.get("trigger", ""), word.data.get("mood", "")
    if trigger in PARTING and OUTCOME_RANK[label] > OUTCOME_RANK["churned"]:
        return Settled("churned", label, "their last word was that they are leaving", word.text)
    complaint = trigger in COMPLAINTS or (trigger in GRUMBLES and mood != "calm")
    if (complaint or mood in UPSET) and OUTCOME_RANK[label] > OUTCOME_RANK["neutral"]:
        why = "their last word was " + ("said in anger" if mood in UPSET else "a complaint") + " that nobody answered"
        return Settled("neutral", label, why, word.text)
    return Settled(label, label)
