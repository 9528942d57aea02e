"""Beside each of the trainee's messages, what would have been better said: the debrief teaches by example.

A score says how it went; an example says what to say next time. For every message the trainee
sent, the session is replayed to the moment they sent it and the author's suggested moves on offer
then are read: the best of them (the highest judged quality, among those that break no rule) is
put beside the trainee's words. Where the author offered nothing good at that point, the judge's
reason stands in: the sentence that spoiled the message, or the words that kept a rule. Either way
the rule involved is named, with the same verdict the scorecard gave (a message that broke a rule
is never shown keeping one).
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.engine.session import Session, SessionError
from simulator.evaluate.facts import broken_rules, clean, hostile
from simulator.world import analysis
from simulator.world import rules as R

MESSAGE_KINDS = frozenset({"reply", "private", "follow_up", "walk_away"})
# The rule a debrief names first (as for turning points): what most likely made the difference.
KEPT_PRIORITY = (8, 6, 9, 4, 5, 3, 2, 7, 1)
BROKEN_PRIORITY = (7, 1, 2, 5, 4, 8, 6, 9, 3)
# Which label's words to quote as the evidence for a broken or kept rule.
EVIDENCE = {
    "broken": ("insult", "threat", "profanity", "sarcasm", "shouting", "blame", "argue", "non_apology", "refusal"),
    "kept": ("apology", "question", "solution", "empathy", "thanks", "personalised"),
}


@dataclass(frozen=True)
class Example:
    """One of the trainee's messages with the author's best suggestion at that point (or the judge's reason)."""

    n: int
    t: float
    kind: str
    text: str
    public: bool
    suggestion: str = ""  # the author's best suggested words then ("" when there was none worth showing)
    suggestion_label: str = ""
    suggestion_id: str = ""
    same: bool = False  # the trainee's message was that suggestion (picked, or matched by free text)
    reason: str = ""  # the judge's reason: the sentence that spoiled it, or the words that kept a rule
    rule: int | None = None
    verdict: str = ""  # "kept" | "broken" | ""

    def to_json(self) -> dict:
        return {"n": self.n, "t": round(self.t, 2), "kind": self.kind, "text": self.text, "public": self.public,
                "suggestion": self.suggestion, "suggestion_label": self.suggestion_label,
                "suggestion_id": self.suggestion_id, "same": self.same, "reason": self.reason, "rule": self.rule,
                "rule_text": R.rule(self.rule).text if self.rule else "", "verdict": self.verdict}

    @property
    def rule_line(self) -> str:
        """"Rule 7 broken: Never argue online", or ""."""
        if not self.rule:
            return ""
        return f"Rule {self.rule} {self.verdict}: {R.rule(self.rule).title}"


def _headline(numbers, priority) -> int:
    return min(numbers, key=lambda n: priority.index(n) if n in priority else 99)


def _best_choice(session: Session, offered):
    """The highest-quality suggested message on offer that breaks no rule, or None."""
    context = session._context()
    best, best_quality = None, 0.0
    for choice in offered:
        if choice.action not in MESSAGE_KINDS or not choice.text:
            continue
        try:
            verdict = (analysis.from_tags(choice.text, choice.features, context) if choice.tagged
                       else analysis.analyze(choice.text, context))
        except ValueError:
            continue
        if verdict.broken() or verdict.quality <= best_quality + 1e-9:
            continue
        best, best_quality = choice, verdict.quality
    return best


def _reason(reply) -> tuple[str, int | None, str]:
    """The judge's reason for its verdict on a message: (sentence, rule, verdict)."""
    a = reply.analysis
    broken = broken_rules(reply)
    if broken:
        rule = _headline(broken, BROKEN_PRIORITY)
        if a.hostile:
            return f"\u201c{a.hostile.strip()}\u201d is what spoiled it.", rule, "broken"
        quote = next((a.quote(f) for f in EVIDENCE["broken"] if a.features.get(f) and a.quote(f)), "")
        what = "attacks" if hostile(reply) else "argues"
        return (f"\u201c{quote.strip()}\u201d {what} instead of answering." if quote
                else "The judge read it as an attack or an argument."), rule, "broken"
    kept = a.kept()
    if kept and clean(reply):
        rule = _headline(kept, KEPT_PRIORITY)
        quote = next((a.quote(f) for f in EVIDENCE["kept"] if a.features.get(f) and a.quote(f)), "")
        return (f"\u201c{quote.strip()}\u201d did it." if quote else f"It kept rule {rule}."), rule, "kept"
    return "It neither kept nor broke any of the nine rules: nothing in it apologised, asked or fixed.", None, ""


def examples(session: Session) -> tuple[Example, ...]:
    """Every message the trainee sent, with what the author suggested at that moment."""
    by_n = {r.n: r for r in session.replies}
    if not by_n:
        return ()
    other = Session(session.scenario, session.seed, start=session.start)
    offered_at: dict[int, tuple] = {}
    for step in session.steps:
        if other.finished:
            break
        if "act" in step:
            n = len(other.records) + 1
            if n in by_n:
                offered_at[n] = (other.choices(), _best_choice(other, other.choices()))
        try:
            other.apply_step(step)
        except (SessionError, ValueError):
            continue
    out = []
    for n, reply in sorted(by_n.items()):
        _offered, best = offered_at.get(n, ((), None))
        reason, rule, verdict = _reason(reply)
        if best is not None:
            same = reply.choice == best.id or reply.text.strip() == best.text.strip()
            out.append(Example(n, reply.t, reply.kind, reply.text, reply.public, best.text, best.label, best.id, same,
                               reason, rule, verdict))
        else:
            out.append(Example(n, reply.t, reply.kind, reply.text, reply.public, reason=reason, rule=rule, verdict=verdict))
    return tuple(out)
