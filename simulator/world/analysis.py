"""Offline analysis of a trainee's reply: features, the words that triggered them, and the rules.

Why lexicon and rules rather than a model: the game must run offline, instantly and the same way
every time, and the debrief has to *quote* the trainee ("you wrote 'Did you call???'"), which a
classifier score cannot do. Why sentiment is only a side signal: off-the-shelf scorers rank the
worst replies as the friendliest ("Wow, great job reading the label" is +0.84 with VADER, the seed
article's model answer comes out negative), so `sentiment` is reported but never judges; detected
sarcasm or insult forces it below zero.

Every feature carries spans (offsets into the reply as typed) so the debrief can quote it. The
analysis reads at most the first `MAX_CHARS` characters: a reply on social media is short, and a
pasted novel must not stall the session clock.

The patterns live in `simulator.lexicon`; the labelling guide and the feature-to-rule mapping are
in docs/analysis.md, and tests/data/replies.yaml measures both.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from simulator.format import vocab
from simulator.world import lexicon as lx

# The feature names are the format's vocabulary (authors tag suggested replies with them), so they
# are defined once, in vocab.py. The last two are reported alongside the contract's tuple: a
# private move that goes nowhere, and whether the reply says "we can't" (needed for rule 9).
EXTRA_FEATURES = ("private_brushoff", "refusal")
ALL_FEATURES = vocab.FEATURES
FEATURES = tuple(f for f in ALL_FEATURES if f not in EXTRA_FEATURES)

MAX_CHARS = 5000
KEPT, BROKEN = "kept", "broken"

# Feature patterns run on a lowercased copy of the reply rather than with re.IGNORECASE: the
# engine's literal fast paths only work case-sensitively (about 40% faster on long replies).
_FLAGS = re.UNICODE


def _rx(patterns: Iterable[str] | str) -> re.Pattern[str]:
    """One alternation per feature, with the leading word boundary hoisted out of it.

    `re` tries every alternative at every position; with `\\b` in front of the group, positions
    inside a word are rejected by one check instead of one per alternative (4-5x faster on long
    replies).
    """
    if isinstance(patterns, str):
        patterns = (patterns,)
    bounded = [p[2:] for p in patterns if p.startswith(r"\b")]
    other = [p for p in patterns if not p.startswith(r"\b")]
    parts = [r"\b(?:" + "|".join(f"(?:{p})" for p in bounded) + ")"] if bounded else []
    parts += [f"(?:{p})" for p in other]
    return re.compile("|".join(parts), _FLAGS)


_RX = {
    "apology": _rx(lx.APOLOGY),
    "apology_negated": _rx(lx.APOLOGY_NEGATED),
    "non_apology": _rx(lx.NON_APOLOGY),
    "apology_but": _rx(lx.APOLOGY_BUT),
    "empathy": _rx(lx.EMPATHY),
    "thanks": _rx(lx.THANKS),
    "thanks_not": _rx(lx.THANKS_NOT),
    "argue": _rx(lx.ARGUE),
    "blame": _rx(lx.BLAME),
    "blame_if_shouted": _rx(lx.BLAME_IF_SHOUTED),
    "sarcasm": _rx(lx.SARCASM),
    "insult": _rx(lx.INSULT),
    "profanity": _rx(lx.PROFANITY),
    "profanity_ok": _rx(lx.PROFANITY_WHITELIST),
    "rhetorical": _rx(lx.RHETORICAL),
    "ask": _rx(lx.ASK),
    "solution": _rx(lx.SOLUTION),
    "solution_noun": _rx(lx.SOLUTION_NOUNS),
    "solution_action": _rx(lx.SOLUTION_NOUN_ACTION),
    "negator": _rx(lx.NEGATORS),
    "clause_break": _rx(lx.CLAUSE_BREAK),
    "private_move": _rx(lx.PRIVATE_MOVE),
    "next_step": _rx(lx.NEXT_STEP),
    "promise": _rx(lx.PROMISE),
    "refusal": _rx(lx.REFUSAL),
    "form_letter": _rx(lx.FORM_LETTER),
}
_GREETING = re.compile(lx.GREETING_NAME)  # case-sensitive: a name is capitalised
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f]+[\"'\u201d\u2019)\]]*(?=\s|$)|\n+")
_CAPS_WORD = re.compile(r"(?<![\w^])[A-Z][A-Z']*[A-Z](?![\w])")
_PUNCT_SHOUT = re.compile(r"[!?]{3,}")
_MULTI_Q = re.compile(r"\?{2,}")
_TOKEN = re.compile(r"[^\s,;:\"'()\[\]{}<>/\\]+")
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
# Control and invisible formatting characters (zero-width spaces, bidi overrides, BOM); each is
# replaced by one space so that offsets still point into the original reply.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)
_CURLY = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'}
)


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

    def to_json(self) -> dict[str, Any]:
        feats: dict[str, Any] = {
            name: bool(self.features.get(name, False)) for name in ALL_FEATURES
        }
        feats["length"] = self.words
        feats["sentiment"] = self.sentiment
        return {
            "features": feats,
            "sentiment": self.sentiment,
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


# --- text handling -------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Same length as `text` (offsets stay valid): straight quotes, control characters blanked."""
    return _CONTROL.sub(" ", text.translate(_CURLY))


def _lower(work: str) -> str:
    """Lowercase without changing the length ("İ".lower() is two characters), so offsets hold."""
    low = work.lower()
    if len(low) == len(work):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in work)


def _sentences(work: str) -> list[tuple[int, int]]:
    """Sentence bounds, trimmed of surrounding whitespace."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(work):
        bounds.append((start, m.end()))
        start = m.end()
    if start < len(work):
        bounds.append((start, len(work)))
    out = []
    for s, e in bounds:
        chunk = work[s:e]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        if e - trail > s + lead:
            out.append((s + lead, e - trail))
    return out


def _sentence_of(sentences: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    i = bisect_right(sentences, pos, key=lambda se: se[0]) - 1
    if i >= 0 and sentences[i][0] <= pos < sentences[i][1]:
        return sentences[i]
    return pos, pos


def _clause_start(work: str, sent_start: int, pos: int) -> int:
    """Start of the clause holding `pos`, so negation is read only within its own clause."""
    start = sent_start
    for m in _RX["clause_break"].finditer(work, sent_start, pos):
        start = m.end()
    return start


def _finds(rx: re.Pattern[str], work: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in rx.finditer(work) if m.end() > m.start()]


def _overlaps(a: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def _in_sentence(sent: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return _overlaps(sent, spans)


# --- detectors -----------------------------------------------------------------------------------


_MASKED_MAX = max(len(root) for root in lx.MASKED_ROOTS) + 4  # "f*****g!!" at most


def _masked_profanity(work: str) -> list[tuple[int, int]]:
    """Find "f***", "sh!t", "a$$": tokens with mask characters that unmask to a listed root."""
    found = []
    for m in _TOKEN.finditer(work):
        tok = m.group()
        if len(tok) > _MASKED_MAX or not any(c in lx.MASK_WILD or c in "@$!" for c in tok):
            continue
        if tok.startswith("*") and tok.endswith("*"):
            continue  # *emphasis*
        for cand in {tok.rstrip(".,;:?"), tok.rstrip(".,;:?!")}:
            if len(cand) < 3 or not (cand[0].isalpha() or cand[0] == "@"):
                continue
            if not any(c in lx.MASK_WILD or c in "@$!" for c in cand[1:] + cand[0]):
                continue
            if "@" in cand[1:] and "." in cand:
                continue  # an e-mail address
            pattern = _mask_pattern(cand)
            if pattern is not None and any(pattern.fullmatch(root) for root in lx.MASKED_ROOTS):
                found.append((m.start(), m.start() + len(cand)))
                break
    return found


@lru_cache(maxsize=512)
def _mask_pattern(token: str) -> re.Pattern[str] | None:
    parts: list[str] = []
    i = 0
    while i < len(token):
        c = token[i]
        if c in lx.MASK_WILD:
            j = i
            while j < len(token) and token[j] in lx.MASK_WILD:
                j += 1
            parts.append(f"[a-z]{{1,{j - i + 2}}}")
            i = j
            continue
        low = c.lower()
        if low in lx.MASK_LEET:
            parts.append(f"[{re.escape(lx.MASK_LEET[low])}{re.escape(low)}]")
        elif low.isalpha() and low.isascii():
            parts.append(re.escape(low))
        else:
            return None
        i += 1
    return re.compile("".join(parts))


def _shouting(work: str) -> list[tuple[int, int]]:
    spans = _finds(_PUNCT_SHOUT, work)
    caps = []
    for m in _CAPS_WORD.finditer(work):
        word = m.group()
        bare = word.replace("'", "")
        if word in lx.ACRONYMS or bare in lx.ACRONYMS or word.rstrip("S") in lx.ACRONYMS:
            continue
        if len(bare) >= 5 or word in lx.SHOUT_SHORT or bare in lx.SHOUT_SHORT:
            caps.append((m.start(), m.end()))
    spans.extend(caps)
    letters = [c for c in work if c.isalpha()]
    if len(letters) >= 12 and not caps:
        upper = sum(1 for c in letters if c.isupper())
        if upper / len(letters) > 0.7:
            spans.append((0, len(work.rstrip())))
    return spans


def _negated(work: str, sentences: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    sent = _sentence_of(sentences, span[0])
    start = _clause_start(work, sent[0], span[0])
    return _RX["negator"].search(work, start, span[0]) is not None


def _solution(work: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = [sp for sp in _finds(_RX["solution"], work) if not _negated(work, sentences, sp)]
    for sp in _finds(_RX["solution_noun"], work):
        sent = _sentence_of(sentences, sp[0])
        start = _clause_start(work, sent[0], sp[0])
        if _negated(work, sentences, sp):
            continue
        if _RX["solution_action"].search(work, start, sent[1]):
            out.append(sp)
    return out


def _questions(
    work: str,
    sentences: list[tuple[int, int]],
    hostile: list[tuple[int, int]],
) -> list[tuple[int, int]]:
    """Clarifying questions: asked of the customer, not rhetorical, not wrapped around a jab."""
    out = []
    for s, e in sentences:
        sentence = work[s:e]
        if "?" in sentence:
            if _RX["rhetorical"].search(sentence) or _in_sentence((s, e), hostile):
                continue
            if _MULTI_Q.search(sentence):
                continue  # "Did you call???" is not a clarifying question
            out.append((s, e))
        elif _RX["ask"].search(sentence) and not _in_sentence((s, e), hostile):
            out.append((s, e))
    return out


def _personalised(work: str, context: ReplyContext | None) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    greeting = _GREETING.match(work)
    if greeting and greeting.group(1).lower() not in lx.NOT_NAMES:
        spans.append(greeting.span(1))
    if context is None:
        return spans
    name = (context.customer_name or "").strip().lstrip("@")
    for part in {name, *name.replace("_", " ").split()}:
        if len(part) >= 2:
            spans.extend(
                _finds(re.compile(rf"(?<!\w)@?{re.escape(part)}(?!\w)", re.IGNORECASE), work)
            )
    post = _normalise((context.customer_post or "")[:MAX_CHARS])
    details = {
        w.lower()
        for w in _WORD.findall(post)
        if (len(w) >= 4 or any(ch.isdigit() for ch in w))
        and w.lower() not in lx.STOPWORDS
        and w.lower() not in lx.GENERIC_WORDS
        and not w.isdigit()
    }
    if details:
        for m in _WORD.finditer(work):
            word = m.group().lower()
            if word in details or _stem(word) in {_stem(d) for d in details}:
                spans.append(m.span())
    return spans


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _specific_words(work: str) -> int:
    text = _URL.sub(" ", work)
    return sum(
        1
        for w in _WORD.findall(text)
        if len(w) >= 4
        and w.lower() not in lx.GENERIC_WORDS
        and w.lower() not in lx.STOPWORDS
        and not w.isdigit()
    )


@lru_cache(maxsize=256)
def _hostile_post(post: str) -> bool:
    """Whether the customer was rude or shouting: rules 3 and 5 are about answering such posts."""
    if not post:
        return False
    work = _normalise(post[:MAX_CHARS])
    low = _lower(work)
    return bool(
        _finds(_RX["profanity"], low)
        or _masked_profanity(work)
        or _finds(_RX["insult"], low)
        or _shouting(work)
        or _RUDE_POST.search(low)
    )


# What customers say when they are rude to a brand (not what a brand says to a customer).
_RUDE_POST = re.compile(
    r"\b(scam(mers)?|rip-?off|frauds?|liars?|clowns?|pathetic|useless|garbage|trash|"
    r"incompetent|thieves|crooks|joke of a|prove me wrong)\b|🤡|🖕|💩"
)


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
    hostile = f["insult"] or f["sarcasm"] or f["profanity"] or f["shouting"]
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

    rude_customer = bool(context is not None and _hostile_post(context.customer_post or ""))
    customer_difficult = bool(context is not None and (context.unreasonable_request or rude_customer))
    if f["blame"] or f["insult"] or f["sarcasm"]:
        out[3] = BROKEN
    elif customer_difficult and engaged and not f["argue"]:
        out[3] = KEPT

    if f["shouting"] or f["argue"] or f["sarcasm"] or f["insult"]:
        out[4] = BROKEN
    elif f["empathy"] and not f["profanity"]:
        out[4] = KEPT

    if f["insult"] or f["profanity"] or f["sarcasm"]:
        out[5] = BROKEN
    elif (f["thanks"] or f["apology"]) and not f["shouting"] and rude_customer:
        # Politeness *against rudeness*: only a rude post gives the rule something to be kept against.
        out[5] = KEPT

    if f["question"]:
        out[6] = KEPT

    if f["argue"]:
        out[7] = BROKEN
    elif engaged and not (f["blame"] or f["sarcasm"] or f["insult"]):
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


# --- entry points ----------------------------------------------------------------------------------


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"reply text must be str, not {type(text).__name__}")
    return text


def analyze(text: str, context: ReplyContext | None = None) -> Analysis:
    """Read one reply. Deterministic and pure: the same text and context give the same Analysis."""
    text = _check_text(text)
    capped = text[:MAX_CHARS]
    work = _normalise(capped)
    low = _lower(work)
    sentences = _sentences(work)
    found: dict[str, list[tuple[int, int]]] = {}

    # profanity, minus whitelisted phrases
    allowed = _finds(_RX["profanity_ok"], low)
    found["profanity"] = [
        sp
        for sp in _finds(_RX["profanity"], low) + _masked_profanity(work)
        if not _overlaps(sp, allowed)
    ]
    found["insult"] = _finds(_RX["insult"], low)
    found["sarcasm"] = _finds(_RX["sarcasm"], low)
    found["argue"] = _finds(_RX["argue"], low)
    blame = _finds(_RX["blame"], low)
    for sp in _finds(_RX["blame_if_shouted"], low):
        sent = _sentence_of(sentences, sp[0])
        if _MULTI_Q.search(low, sent[0], sent[1] + 1):
            blame.append(sp)
    found["blame"] = blame
    found["shouting"] = _shouting(work)

    # apologies, and the ones that are not
    non_apology = _finds(_RX["non_apology"], low)
    apology = []
    for sp in _finds(_RX["apology"], low):
        if _overlaps(sp, non_apology):
            continue
        if _RX["apology_negated"].search(low[max(0, sp[0] - 24) : sp[0]]):
            continue
        sent = _sentence_of(sentences, sp[0])
        but = _RX["apology_but"].search(low, sp[1], sent[1])
        if but and any(but.start() <= s < sent[1] for s, _ in found["argue"] + found["blame"]):
            non_apology.append((sp[0], but.end()))  # "sorry, but you should have ..."
            continue
        apology.append(sp)
    found["apology"] = apology
    found["non_apology"] = non_apology

    found["empathy"] = _finds(_RX["empathy"], low)
    jabs = found["sarcasm"] + found["insult"]
    not_thanks = _finds(_RX["thanks_not"], low)
    found["thanks"] = [
        sp
        for sp in _finds(_RX["thanks"], low)
        if not _overlaps(sp, not_thanks) and not _in_sentence(_sentence_of(sentences, sp[0]), jabs)
    ]
    hostile = found["blame"] + found["argue"] + jabs + found["profanity"]
    found["question"] = _questions(low, sentences, hostile)
    found["solution"] = _solution(low, sentences)
    found["private_move"] = _finds(_RX["private_move"], low)
    found["promise"] = [_sentence_of(sentences, s) for s, _ in _finds(_RX["promise"], low)]
    found["refusal"] = _finds(_RX["refusal"], low)
    found["personalised"] = _personalised(work, context)

    boilerplate = _finds(_RX["form_letter"], low)
    specific = (
        found["solution"]
        or found["question"]
        or found["personalised"]
        or _specific_words(work) >= 4
    )
    found["form_letter"] = boilerplate if boilerplate and not specific else []

    warm = found["apology"] or found["empathy"]
    goes_somewhere = (
        found["solution"] or found["promise"] or found["question"] or _finds(_RX["next_step"], low)
    )
    found["private_brushoff"] = (
        found["private_move"][:1]
        if found["private_move"] and not warm and not goes_somewhere
        else []
    )

    features = {name: bool(found.get(name)) for name in ALL_FEATURES}
    spans = _make_spans(text, found)
    frozen = FrozenMap((name, features[name]) for name in ALL_FEATURES)
    return Analysis(
        text=text,
        features=frozen,
        spans=spans,
        sentiment=_sentiment(capped, features),
        words=_word_count(capped),
        rules=FrozenMap(sorted(rules_for(features, context).items())),
    )


MAX_SPANS_PER_FEATURE = 20  # enough to quote; a wall of "lol" must not bloat the transcript


def _make_spans(text: str, found: Mapping[str, list[tuple[int, int]]]) -> tuple[Span, ...]:
    spans = []
    for name in ALL_FEATURES:
        reach, count = -1, 0
        for s, e in sorted(set(found.get(name, ()))):
            if e <= s or s < reach:
                continue  # overlaps a quote already taken: one per stretch of text is enough
            spans.append(Span(name, s, e, text[s:e]))
            reach, count = e, count + 1
            if count == MAX_SPANS_PER_FEATURE:
                break
    return tuple(sorted(spans, key=lambda sp: (sp.start, sp.end, sp.feature)))


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
    )


# --- evaluation ------------------------------------------------------------------------------------

# Every reply in the evaluation set is labelled for these (non_apology and personalised depend on
# context and are labelled where they apply).
CORE_LABELS = tuple(f for f in FEATURES if f not in ("non_apology", "personalised"))


def evaluate(path: str | Any) -> dict[str, Any]:
    """Precision and recall per feature over a labelled YAML file (tests/data/replies.yaml).

    Lives here rather than in the tests so the lead can print the table for release notes with
    `python -c "from simulator.analysis import evaluate, format_table; ..."`.
    """
    import yaml  # only the evaluation needs YAML; analysing a reply must not

    with open(path, encoding="utf-8") as fh:
        rows = yaml.safe_load(fh)
    counts: dict[str, dict[str, int]] = {}
    misses: list[dict[str, Any]] = []
    pro_fp: list[dict[str, Any]] = []
    for row in rows:
        ctx = row.get("context") or {}
        context = ReplyContext(
            customer_name=str(ctx.get("customer_name", "")),
            customer_post=str(ctx.get("customer_post", "")),
            unreasonable_request=bool(ctx.get("unreasonable_request", False)),
        )
        result = analyze(str(row["text"]), context if ctx else None)
        labels = {**(row.get("expect") or {}), **(row.get("also") or {})}
        for name, want in labels.items():
            got = bool(result.features.get(name, False))
            c = counts.setdefault(name, {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
            key = ("tp" if want else "fp") if got else ("fn" if want else "tn")
            c[key] += 1
            if got != bool(want):
                misses.append(
                    {
                        "id": row.get("id"),
                        "feature": name,
                        "expected": bool(want),
                        "text": row["text"],
                    }
                )
            if (
                row.get("professional")
                and got
                and not want
                and name in ("insult", "blame", "profanity", "sarcasm")
            ):
                pro_fp.append({"id": row.get("id"), "feature": name, "text": row["text"]})
    table = {}
    for name, c in counts.items():
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        table[name] = {
            **c,
            "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
            "support": tp + fn,
        }
    return {
        "rows": len(rows),
        "professional": sum(1 for r in rows if r.get("professional")),
        "features": table,
        "misses": misses,
        "professional_false_positives": pro_fp,
    }


def format_table(report: Mapping[str, Any]) -> str:
    """The evaluation as a fixed-width table for a terminal or a Markdown code block."""
    lines = [
        f"{report['rows']} replies ({report['professional']} professional)",
        f"{'feature':<17}{'prec':>7}{'recall':>8}{'support':>9}{'tp':>5}{'fp':>5}{'fn':>5}",
    ]
    order = [
        n
        for n in (*CORE_LABELS, "non_apology", "personalised", "private_brushoff", "refusal")
        if n in report["features"]
    ]
    for name in order:
        r = report["features"][name]
        lines.append(
            f"{name:<17}{r['precision']:>7.2f}{r['recall']:>8.2f}{r['support']:>9}{r['tp']:>5}{r['fp']:>5}{r['fn']:>5}"
        )
    lines.append(
        f"professional false positives (insult/blame/profanity/sarcasm): {len(report['professional_false_positives'])}"
    )
    return "\n".join(lines)
