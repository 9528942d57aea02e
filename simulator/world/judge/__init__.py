"""The reply judge: what a reply *does*, read the way a seasoned social-media manager reads it.

For one reply, in the context of the customer's latest words, it gives each label a probability
with the sentence that carries it, the deadline a promise names, and a quality in [-1, 1]. It is
a small learned model (simulator/world/judge/model.py) over static word vectors and the old lexicon's
cues, trained on the labelled corpus in corpus/ by training/train_judge.py; it runs offline, in
a few milliseconds, and gives the same answer every time.

    >>> from simulator.world.judge import judge
    >>> v = judge("That one's on us, Dan. Which item were you after?", "Your stock check sucks")
    >>> v.has("apology"), v.has("question"), v.quality > 0.5
    (True, True, True)
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from simulator.world.judge import deadline as _deadline
from simulator.world.judge import features as _features
from simulator.world.judge import model as _model
from simulator.world.judge.embedding import WordTable
from simulator.world.judge.model import LABELS
from simulator.world.judge.text import normalise, words

__all__ = ["LABELS", "Evidence", "Judge", "Verdict", "judge", "load", "resemblance", "similarity"]

WORDS_FILE = "words.npz"
WEIGHTS_FILE = "judge.npz"
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Evidence:
    """The sentence that carries a label: `text == reply[start:end]`, so the coach can quote it."""

    label: str
    start: int
    end: int
    text: str
    probability: float


@dataclass(frozen=True)
class Verdict:
    """The judge's reading of one reply. Immutable; probabilities rounded for stable output."""

    text: str
    labels: Mapping[str, float]
    decided: frozenset[str]
    evidence: tuple[Evidence, ...]
    quality: float
    deadline: _deadline.Deadline | None
    truncated: bool
    hostile: Evidence | None  # the sentence that spoiled the reply, when one did
    cues: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)  # lexicon spans

    def has(self, label: str) -> bool:
        return label in self.decided

    def quote(self, label: str) -> str:
        for ev in self.evidence:
            if ev.label == label:
                return ev.text
        return ""

    def to_json(self) -> dict[str, Any]:
        return {
            "quality": self.quality,
            "labels": dict(self.labels),
            "decided": sorted(self.decided, key=LABELS.index),
            "spans": [
                {"label": e.label, "start": e.start, "end": e.end, "text": e.text,
                 "probability": e.probability}
                for e in self.evidence
            ],
            "deadline": None if self.deadline is None else {
                "text": self.deadline.text, "minutes": self.deadline.minutes},
            "truncated": self.truncated,
        }  # fmt: skip


@dataclass(frozen=True, eq=False)
class Judge:
    """A loaded judge: the word table and the trained weights."""

    table: WordTable
    weights: _model.Weights

    def __call__(self, text: str, context: str = "", customer_name: str = "") -> Verdict:
        if not isinstance(text, str):
            raise TypeError(f"reply text must be str, not {type(text).__name__}")
        context = context if isinstance(context, str) else ""
        if not _features.text.sentences(_features.text.normalise(text[: _features.text.MAX_CHARS])):
            return Verdict(text, {name: 0.0 for name in LABELS}, frozenset(), (), 0.0, None,
                           len(text) > _features.text.MAX_CHARS, None)  # fmt: skip
        sents = _features.sentences(self.table, text, context, customer_name)
        scores = _model.score(self.weights, sents)
        decided = {
            name for i, name in enumerate(LABELS) if scores.probs[i] >= self.weights.thresholds[i]
        }
        if {"apology", "non_apology"} <= decided:
            # A sentence that deflects or negates its "sorry" is not also a real apology: the
            # reply apologises only if some *other* sentence does (the labelling guide's rule).
            ap, non = LABELS.index("apology"), LABELS.index("non_apology")
            sp = scores.sentence_probs
            others = sp[:, non] < self.weights.thresholds[non]
            if not (others & (sp[:, ap] >= self.weights.thresholds[ap])).any():
                decided.discard("apology")
        evidence = []
        for i, name in enumerate(LABELS):
            if name not in decided:
                continue
            j = int(scores.sentence_probs[:, i].argmax())
            s, e = sents.bounds[j]
            evidence.append(Evidence(name, s, e, text[s:e], round(float(scores.sentence_probs[j, i]), 4)))
        hostile = None
        if scores.hostile_sentence >= 0:
            s, e = sents.bounds[scores.hostile_sentence]
            p = float(scores.sentence_probs[scores.hostile_sentence][
                [LABELS.index(h) for h in _model.HOSTILE]].max())
            hostile = Evidence("hostile", s, e, text[s:e], round(p, 4))
        promise = _deadline.find(text[: _features.text.MAX_CHARS]) if "promise" in decided else None
        return Verdict(
            text=text,
            labels={name: round(float(scores.probs[i]), 4) for i, name in enumerate(LABELS)},
            decided=frozenset(decided),
            evidence=tuple(sorted(evidence, key=lambda ev: (ev.start, LABELS.index(ev.label)))),
            quality=round(scores.quality, 4),
            deadline=promise,
            truncated=sents.truncated,
            hostile=hostile,
            cues={name: tuple(spans) for name, spans in sents.cues.items() if spans},
        )


def _read_npz(name: str) -> dict[str, np.ndarray]:
    """Arrays of a packaged `.npz`, refusing pickles and oversized files."""
    ref = resources.files("simulator.world.judge").joinpath("data", name)
    with ref.open("rb") as fh:
        blob = fh.read(MAX_FILE_BYTES + 1)
    if len(blob) > MAX_FILE_BYTES:
        raise ValueError(f"{name} is larger than {MAX_FILE_BYTES} bytes")
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValueError(f"the judge's {name} is damaged ({exc}); reinstall crisis-tabletop") from exc


@lru_cache(maxsize=1)
def load() -> Judge:
    """The packaged judge, loaded once per process (about 0.1 s)."""
    words = _read_npz(WORDS_FILE)
    table = WordTable.from_arrays(words["pieces"], words["vectors"])
    weights = _model.Weights.from_npz(_read_npz(WEIGHTS_FILE))
    return Judge(table, weights)


@lru_cache(maxsize=4096)
def _meaning(text: str) -> np.ndarray:
    return load().table.embed(words(normalise(text[: _features.text.MAX_CHARS])))


def similarity(a: str, b: str) -> float:
    """How close two replies are in meaning, from 0 (unrelated) to 1 (the same words).

    The story uses it to tell which suggested move a typed reply amounts to: typing a
    suggestion's own words, or a close paraphrase, selects it.
    """
    va, vb = _meaning(a), _meaning(b)
    if not va.any() or not vb.any():
        return 0.0
    return max(0.0, min(1.0, float(va @ vb)))


_NEGATED = re.compile(r"\b(?:not|no|never|nothing|nobody|neither|nor|cannot|without)\b|n't\b", re.IGNORECASE)


_CLAUSE = re.compile(r"[;:,]|\s(?:but|and|so|because)\s", re.IGNORECASE)


def resemblance(text: str, phrases) -> float:
    """How close a message comes to any of an author's phrasings, sentence by sentence.

    Authors write one short phrasing of a claim or a move ("our page was hacked"); a trainee
    says it inside a longer message. So each sentence of the message is compared with each
    phrasing, as well as the whole message, and the best counts. A sentence that denies what a
    phrasing asserts ("we were not hacked") is not like it, whatever words they share.
    """
    if not text or not phrases:
        return 0.0
    sentences = [text[s:e] for s, e in _features.text.sentences(text[: _features.text.MAX_CHARS])]
    clauses = [c for sentence in sentences for c in _CLAUSE.split(sentence) if c and c.strip()]
    parts = [text, *sentences, *clauses]
    best = 0.0
    for phrase in phrases:
        negated = bool(_NEGATED.search(phrase))
        for part in parts:
            if bool(_NEGATED.search(part)) != negated:
                continue
            best = max(best, similarity(part, phrase))
    return best


def judge(text: str, context: str = "", customer_name: str = "") -> Verdict:
    """Judge one reply with the packaged judge."""
    return load()(text, context, customer_name)
