"""Commitments in words: a typed reply that commits to a remedy from the catalogue.

"I've put one on hold for you" is an act, not only words: a trainee who says it has done it (or
has promised something only a senior can grant). Reading it as an offer keeps the words and the
world in step: the customer gets what they were told, the score sees the remedy, and a reply that
commits beyond the trainee's authority is caught at once instead of surfacing as a broken promise.

Only what the reply itself commits to counts: a sentence the judge reads as a promise or a
solution, close in meaning to a remedy's label or to one of the author's `examples:`. Remedies
that are words (an apology) are what the reply already is. The front ends decide whether to apply
it: headless play applies it, the terminal asks first (`commit: false` records a "no").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.format.scenario import Remedy, Scenario
from simulator.world import analysis
from simulator.world.judge import resemblance
from simulator.world.judge.text import MAX_CHARS, sentences

COMMITS = 0.55  # a committing sentence this close to a remedy's words commits to it
MARGIN = 0.08  # ...and this much closer to it than to any other remedy (or it is unclear which)
WORDS_ONLY = frozenset({"apology", "public_apology"})  # remedies a reply performs by being written
AMOUNT = re.compile(r"[$£€]\s?(\d{1,7}(?:[.,]\d{1,2})?)")
PRICED = frozenset({"credit", "gift", "refund", "compensation"})


@dataclass(frozen=True)
class Commitment:
    """What a reply committed to: the remedy, at what value, in which words."""

    remedy: str
    label: str
    value: float
    sentence: str
    resemblance: float


def commitment(scenario: Scenario, result: analysis.Analysis, offered=()) -> Commitment | None:
    """The remedy a reply commits to, or None (nothing committed, or it is unclear which)."""
    sentences = _committing_sentences(result)
    if not sentences or (result.features.get("question") and not result.features.get("solution")):
        return None
    scored: list[tuple[float, Remedy, str]] = []
    for remedy in scenario.remedies:
        if remedy.kind in WORDS_ONLY or remedy.id in offered:
            continue
        phrases = (remedy.label, *remedy.examples) if remedy.label else remedy.examples
        best, where = 0.0, ""
        for sentence in sentences:
            score = resemblance(sentence, phrases)
            if score > best:
                best, where = score, sentence
        scored.append((best, remedy, where))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    best, remedy, sentence = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best < COMMITS or best - runner_up < MARGIN:
        return None
    return Commitment(remedy.id, remedy.label or remedy.id, _value(remedy, sentence), sentence, round(best, 4))


def _committing_sentences(result: analysis.Analysis) -> list[str]:
    """The whole sentences that hold a promise or a solution (spans may be a word or two)."""
    text = result.text
    bounds = sentences(text[:MAX_CHARS])
    starts = [s.start for s in result.spans if s.feature in ("promise", "solution")]
    chosen = [text[a:b] for a, b in bounds if any(a <= at < b for at in starts)]
    return list(dict.fromkeys(chosen))


def _value(remedy: Remedy, sentence: str) -> float:
    """The amount the words name ("a $25 card"), for remedies that have one; else the catalogue's."""
    if remedy.kind in PRICED:
        m = AMOUNT.search(sentence)
        if m:
            value = float(m.group(1).replace(",", "."))
            if remedy.max is not None:
                value = min(value, float(remedy.max))
            return value
    return float(remedy.cost)
