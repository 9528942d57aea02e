"""What a trainee's reply does: the judge's labels turned into the game's features and rules.

The decision is the learned reply judge's (simulator/world/judge): it reads each sentence for what it
does, with the customer's latest words as context, and gives every label a probability and a
quality in [-1, 1]. This module turns that verdict into what the rest of the game reads: the
format's feature names as true/false (authors tag suggested replies with the same names), the
spans the coach quotes, Blanchard's rules kept or broken, and a sentiment kept only as a side
signal (off-the-shelf sentiment ranks "Wow, great job reading the label" as friendly).

Scripted play never depends on the model: an author's tagged reply goes through `from_tags`,
whose features and quality follow from the tags alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.format import vocab
from simulator.world import lexicon as lx
from simulator.world.judge import LABELS, Verdict, cues
from simulator.world.judge import load as load_judge
from simulator.world.judge.text import MAX_CHARS
from simulator.world.judge.text import sentences as _sentences

# The feature names are the format's vocabulary (authors tag suggested replies with them), so
# they are defined once, in vocab.py. `private_brushoff` is derived (a private move that goes
# nowhere); the others are the judge's labels of the same name.
EXTRA_FEATURES = ("private_brushoff", "refusal", "threat", "off_topic")
ALL_FEATURES = vocab.FEATURES
FEATURES = tuple(f for f in ALL_FEATURES if f not in EXTRA_FEATURES)
HOSTILE = ("insult", "sarcasm", "profanity", "shouting", "threat")

KEPT, BROKEN = "kept", "broken"
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")

# --- values -------------------------------------------------------------------------------------


class FrozenMap(Mapping[Any, Any]):
    """A read-only, hashable mapping, so an `Analysis` can be a dict key or sit in a set.

    MappingProxyType is read-only but not hashable, and the session keys caches on analyses.
    """

    __slots__ = ("_d", "_h")

    def __init__(self, items: Mapping[Any, Any] | Iterable[tuple[Any, Any]] = ()) -> None:
        self._d = dict(items)
        self._h: int | None = None

    def __getitem__(self, key: Any) -> Any:
        return self._d[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __hash__(self) -> int:
        if self._h is None:
            self._h = hash(frozenset(self._d.items()))
        return self._h

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._d == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._d!r})"


@dataclass(frozen=True)
class Span:
    """Where a feature was seen: `text == reply[start:end]`, so the debrief can quote it."""

    feature: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ReplyContext:
    """What the analyser may know about the post being answered (for personalisation, rule 9)."""

    customer_name: str = ""
    customer_post: str = ""
    unreasonable_request: bool = False


@dataclass(frozen=True)
class Analysis:
    """The judgement on one reply. Immutable and hashable so sessions can store and compare it."""

    text: str
    features: Mapping[str, bool]
    spans: tuple[Span, ...]
    sentiment: float
    words: int
    rules: Mapping[int, str] = field(default_factory=FrozenMap)
    quality: float = 0.0
    labels: Mapping[str, float] = field(default_factory=FrozenMap)
    deadline: str = ""  # the words that set a promise's deadline ("by Friday"), if any
    deadline_minutes: int | None = None
    hostile: str = ""  # the sentence that spoiled the reply, when one did

    def to_json(self) -> dict[str, Any]:
        return {
            "quality": self.quality,
            "labels": dict(self.labels),
            "features": {name: bool(self.features.get(name, False)) for name in ALL_FEATURES},
            "words": self.words,
            "sentiment": self.sentiment,
            "deadline": {"text": self.deadline, "minutes": self.deadline_minutes}
            if self.deadline
            else None,
            "hostile": self.hostile or None,
            "rules": {str(n): self.rules[n] for n in sorted(self.rules)},
            "spans": [
                {"feature": s.feature, "start": s.start, "end": s.end, "text": s.text}
                for s in self.spans
            ],
        }

    def kept(self) -> list[int]:
        return sorted(n for n, v in self.rules.items() if v == KEPT)

    def broken(self) -> list[int]:
        return sorted(n for n, v in self.rules.items() if v == BROKEN)

    def quote(self, feature: str) -> str:
        """The first words that triggered `feature`, or "" so templates need no None check."""
        for span in self.spans:
            if span.feature == feature:
                return span.text
        return ""



# --- sentiment -----------------------------------------------------------------------------------

_vader: Any = None
_vader_failed = False


def _vader_analyzer() -> Any:
    """Import VADER on first use and keep the instance: loading its lexicon costs ~50 ms."""
    global _vader, _vader_failed
    if _vader is None and not _vader_failed:
        try:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            _vader = SentimentIntensityAnalyzer()
        except Exception:  # missing package or broken lexicon file: fall back, never crash
            _vader_failed = True
    return _vader


def _fallback_sentiment(text: str) -> float:
    score = 0.0
    words = [w.lower() for w in _WORD.findall(text)]
    for i, w in enumerate(words):
        v = lx.FALLBACK_SENTIMENT.get(w)
        if v is None:
            continue
        if any(p in lx.FALLBACK_NEGATIONS for p in words[max(0, i - 3) : i]):
            v = -0.74 * v
        score += v
    return score / math.sqrt(score * score + 15) if score else 0.0


_SENTIMENT_BUDGET = 500  # cost units per VADER call; a character costs 1, an emoji 10


def _cost(text: str) -> int:
    # VADER replaces each emoji with its English description (several words) before scoring.
    return len(text) + 9 * sum(1 for c in text if ord(c) > 0x2000)


def _score(text: str) -> float:
    analyzer = _vader_analyzer()
    if analyzer is not None:
        try:
            return float(analyzer.polarity_scores(text)["compound"])
        except Exception:  # VADER chokes on nothing we know of, but the text is untrusted
            pass
    return _fallback_sentiment(text)


def _sentiment_chunks(text: str) -> list[str]:
    chunks: list[str] = []
    current, current_cost = "", 0
    for s, e in _sentences(text):
        piece = text[s:e]
        while _cost(piece) > _SENTIMENT_BUDGET:  # one enormous "sentence": cut it by cost
            cut, spent = 0, 0
            while cut < len(piece) and spent < _SENTIMENT_BUDGET:
                spent += 10 if ord(piece[cut]) > 0x2000 else 1
                cut += 1
            chunks.append(piece[:cut])
            piece = piece[cut:]
        cost = _cost(piece)
        if current and current_cost + cost > _SENTIMENT_BUDGET:
            chunks.append(current)
            current, current_cost = "", 0
        current = f"{current} {piece}" if current else piece
        current_cost += cost
    if current:
        chunks.append(current)
    return chunks


def _raw_sentiment(text: str) -> float:
    """VADER compound; long replies are scored in sentence chunks and length-weighted.

    VADER's negation check is quadratic in the number of words (30 ms for 5,000 characters, far
    more for a wall of emoji), so anything past two chunks' worth is split at sentence ends; a
    tweet-sized reply is scored whole, exactly as VADER would.
    """
    if not text.strip():
        return 0.0
    if _cost(text) <= 2 * _SENTIMENT_BUDGET:
        value = _score(text)
    else:
        chunks = [c for c in _sentiment_chunks(text) if c.strip()]
        weights = [max(1, _word_count(c)) for c in chunks]
        value = sum(_score(c) * w for c, w in zip(chunks, weights, strict=True)) / sum(weights)
    if math.isnan(value):
        return 0.0
    return max(-1.0, min(1.0, value))


def _sentiment(text: str, features: Mapping[str, bool]) -> float:
    value = _raw_sentiment(text)
    if features.get("sarcasm") or features.get("insult"):
        value = -max(abs(value), 0.3)  # a jab dressed as praise must not read as friendly
    elif features.get("argue") or features.get("blame"):
        value = min(value, 0.0)  # the seed's "Did you call???" reply scores +0.39 with VADER
    return round(value, 4)

# --- rules -----------------------------------------------------------------------------------------


def rules_for(features: Mapping[str, bool], context: ReplyContext | None = None) -> dict[int, str]:
    """Blanchard's rules this reply keeps or breaks; a rule it does not engage is left out.

    The mapping is deliberately conservative about "kept": a short neutral reply keeps nothing,
    because saying nothing wrong is not the same as defusing the conflict.
    """
    f = {name: bool(features.get(name, False)) for name in ALL_FEATURES}
    hostile = any(f[name] for name in HOSTILE)
    engaged = f["apology"] or f["empathy"] or f["question"] or f["solution"]
    out: dict[int, str] = {}

    if f["argue"] or f["blame"]:
        out[1] = BROKEN
    elif f["apology"] or f["empathy"]:
        out[1] = KEPT

    if hostile:
        out[2] = BROKEN
    elif (f["thanks"] or f["personalised"]) and not (f["argue"] or f["blame"] or f["non_apology"]):
        out[2] = KEPT

    rude_customer = bool(context is not None and cues.hostile_post(context.customer_post or ""))
    customer_difficult = bool(context is not None and (context.unreasonable_request or rude_customer))
    if f["blame"] or f["insult"] or f["sarcasm"] or f["threat"]:
        out[3] = BROKEN
    elif customer_difficult and engaged and not f["argue"]:
        out[3] = KEPT

    if f["shouting"] or f["argue"] or f["sarcasm"] or f["insult"]:
        out[4] = BROKEN
    elif f["empathy"] and not f["profanity"]:
        out[4] = KEPT

    if f["insult"] or f["profanity"] or f["sarcasm"] or f["threat"]:
        out[5] = BROKEN
    elif (f["thanks"] or f["apology"]) and not f["shouting"] and rude_customer:
        # Politeness *against rudeness*: only a rude post gives the rule something to be kept against.
        out[5] = KEPT

    if f["question"]:
        out[6] = KEPT

    if f["argue"]:
        out[7] = BROKEN
    elif engaged and not (f["blame"] or f["sarcasm"] or f["insult"] or f["threat"]):
        out[7] = KEPT

    if f["apology"]:
        out[8] = KEPT
    elif f["non_apology"]:
        out[8] = BROKEN

    if context is not None and context.unreasonable_request and (f["refusal"] or f["solution"]):
        # Rule 9 is about the answer to the request: a reply that only asks a question or
        # acknowledges has not answered it yet, so it neither keeps nor breaks the rule.
        ok = f["apology"] and f["refusal"] and f["solution"] and not (f["argue"] or f["blame"])
        out[9] = KEPT if ok else BROKEN
    return out


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"reply text must be str, not {type(text).__name__}")
    return text




MAX_SPANS_PER_FEATURE = 20  # enough to quote; a wall of "lol" must not bloat the transcript
# Cue names whose lexicon spans may sharpen the judge's evidence to the exact words.
_CUE_ALIASES = {name: name for name in ALL_FEATURES}


def features_from(decided: Iterable[str]) -> dict[str, bool]:
    """The format's feature flags for a set of judged labels (private_brushoff derived)."""
    on = set(decided)
    goes_somewhere = on & {"solution", "promise", "question"}
    if "private_move" in on and not on & {"apology", "empathy"} and not goes_somewhere:
        on.add("private_brushoff")
    return {name: name in on for name in ALL_FEATURES}


def _spans(text: str, verdict: Verdict, found: Mapping[str, Iterable[tuple[int, int]]]) -> tuple[Span, ...]:
    """Evidence to quote: the lexicon's exact words inside the judge's sentence, else the sentence."""
    spans: list[Span] = []
    acted = _acted_on(verdict)
    for ev in verdict.evidence:
        if ev.label not in acted:
            continue
        exact = [
            (s, e)
            for s, e in found.get(_CUE_ALIASES.get(ev.label, ev.label), ())
            if ev.start <= s and e <= ev.end and e > s
        ][:MAX_SPANS_PER_FEATURE]
        for s, e in exact or [(ev.start, ev.end)]:
            spans.append(Span(ev.label, s, e, text[s:e]))
    if features_from(acted)["private_brushoff"]:
        for ev in verdict.evidence:
            if ev.label == "private_move":
                spans.append(Span("private_brushoff", ev.start, ev.end, ev.text))
                break
    return tuple(sorted(set(spans), key=lambda sp: (sp.start, sp.end, sp.feature)))


# What the judge calls contempt, an insult or a threat when it decides a label (a threshold chosen
# for F1 on its corpus) and what it lets spoil a reply (the stricter point, chosen to balance
# missed hostility against good replies wrongly spoiled).
_SPOILING = frozenset({"sarcasm", "insult", "threat"})


def _acted_on(verdict: Verdict) -> frozenset[str]:
    """The labels the game acts on: hostility only where the judge lets it spoil the reply.

    Why: the customer, the story and the score must agree with the quality. A warm sign-off the
    judge finds a little likely to be sarcasm ("Our door is open if you'd like help") neither
    caps the reply's quality nor makes the customer snap; a sentence over the spoiling point does both.
    """
    if verdict.hostile is not None:
        return verdict.decided
    return verdict.decided - _SPOILING


def analyze(text: str, context: ReplyContext | None = None) -> Analysis:
    """Read one reply with the reply judge. Deterministic and pure for a given text and context."""
    text = _check_text(text)
    ctx = context or ReplyContext()
    verdict = load_judge()(text, ctx.customer_post or "", ctx.customer_name or "")
    features = features_from(_acted_on(verdict))
    capped = text[:MAX_CHARS]
    return Analysis(
        text=text,
        features=FrozenMap((name, features[name]) for name in ALL_FEATURES),
        spans=_spans(text, verdict, verdict.cues),
        sentiment=_sentiment(capped, features),
        words=_word_count(capped),
        rules=FrozenMap(sorted(rules_for(features, context).items())),
        quality=verdict.quality,
        labels=FrozenMap(verdict.labels),
        deadline=verdict.deadline.text if verdict.deadline else "",
        deadline_minutes=verdict.deadline.minutes if verdict.deadline else None,
        hostile=verdict.hostile.text if verdict.hostile else "",
    )


# How a tagged reply's quality follows from its tags: the corpus's anchors, written as weights.
_TAG_QUALITY = {
    "apology": 0.3, "empathy": 0.2, "thanks": 0.1, "question": 0.25, "solution": 0.35,
    "private_move": 0.1, "personalised": 0.1, "promise": 0.1,
    "argue": -0.5, "blame": -0.5, "non_apology": -0.4, "form_letter": -0.3,
    "private_brushoff": -0.3, "refusal": -0.1, "off_topic": -0.3,
}  # fmt: skip


def quality_from_tags(features: Mapping[str, bool]) -> float:
    """Quality of an author-tagged reply: no model involved, so scripted play never drifts."""
    on = {name for name, value in features.items() if value}
    if on & {"sarcasm", "insult", "threat", "profanity", "shouting"}:
        return -0.9
    q = sum(_TAG_QUALITY.get(name, 0.0) for name in on)
    return round(max(-1.0, min(1.0, q)), 4)


def from_tags(text: str, tags: Iterable[str], context: ReplyContext | None = None) -> Analysis:
    """Analysis for an author's suggested reply: the author's tags are the truth, not the lexicon.

    Scenario authors tag their canned replies so a quirk of the lexicon can never mis-score the
    "right answer". Unknown tags raise, because a typo would otherwise silently drop a feature.
    """
    text = _check_text(text)
    tags = {str(t).strip() for t in tags}
    unknown = sorted(tags - set(ALL_FEATURES))
    if unknown:
        raise ValueError(
            f"unknown reply tag(s): {', '.join(unknown)}; known: {', '.join(ALL_FEATURES)}"
        )
    features = {name: name in tags for name in ALL_FEATURES}
    capped = text[:MAX_CHARS]
    return Analysis(
        text=text,
        features=FrozenMap((name, features[name]) for name in ALL_FEATURES),
        spans=(),
        sentiment=_sentiment(capped, features),
        words=_word_count(capped),
        rules=FrozenMap(sorted(rules_for(features, context).items())),
        quality=quality_from_tags(features),
        labels=FrozenMap((name, 1.0 if features.get(name) else 0.0) for name in LABELS),
    )
