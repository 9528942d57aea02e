"""The learned part of the judge: per-sentence label scores, pooled into a verdict on the reply.

Why sentence by sentence: people read a reply as a sequence of moves, and one contemptuous
sentence is what the customer screenshots, whatever polite words surround it. Each label is
scored on every sentence by a linear model over the sentence's features; the reply's score for
a label is a soft maximum over its sentences (a log-sum-exp), so one sentence that apologises
makes an apology and one sentence that sneers makes sarcasm, and saying a liked thing twice
adds nothing. Labels that describe the whole reply (a form letter, filler, shouting by share)
are pooled by the mean instead.

The quality score is a ridge regression over the reply's mean features and its label
probabilities, and then the rule the seeds teach: a hostile sentence caps the reply's quality
below zero, however it is padded.

The weights are numpy arrays in an `.npz` read with `allow_pickle=False`; the training script
(training/train_judge.py) rebuilds them byte for byte from the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.world.judge.features import HASH_DIM, Sentences

LABELS = (
    "apology", "non_apology", "empathy", "thanks", "question", "private_move", "solution",
    "refusal", "promise", "argue", "blame", "sarcasm", "insult", "threat", "profanity",
    "shouting", "form_letter", "personalised", "off_topic",
)  # fmt: skip
MEAN_POOLED = ("form_letter", "off_topic", "shouting")
HOSTILE = ("sarcasm", "insult", "threat")
SHARPNESS = 4.0  # the soft maximum's temperature: high enough to act as "any sentence"


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def pool(z: np.ndarray, mean_pooled: np.ndarray) -> np.ndarray:
    """Reply-level logits from sentence logits [n, labels]: soft max, or the mean where marked."""
    top = z.max(axis=0)
    soft = top + np.log(np.exp(SHARPNESS * (z - top)).sum(axis=0)) / SHARPNESS
    return np.where(mean_pooled, z.mean(axis=0), soft)


@dataclass(frozen=True, eq=False)
class Weights:
    """Everything the trained judge needs at run time; see training/train_judge.py."""

    mu: np.ndarray  # [dense] standardisation of the dense features
    sigma: np.ndarray
    w_dense: np.ndarray  # [dense, labels]
    w_hash: np.ndarray  # [HASH_DIM, labels]
    bias: np.ndarray  # [labels]
    thresholds: np.ndarray  # [labels]: the decision point, chosen by cross-validation
    q_dense: np.ndarray  # [dense + reply features + labels + 1]
    q_hash: np.ndarray  # [HASH_DIM]
    q_bias: float
    hostile_at: float  # a sentence this likely to be hostile spoils the reply (set by training)

    @property
    def mean_pooled(self) -> np.ndarray:
        return np.array([name in MEAN_POOLED for name in LABELS])

    @classmethod
    def from_npz(cls, data: dict[str, np.ndarray]) -> Weights:
        names = bytes(data["labels"].tobytes()).decode("utf-8").split("\n")
        if tuple(names) != LABELS:
            raise ValueError("judge weights were trained for other labels; retrain the judge")
        w = cls(
            mu=data["mu"].astype(np.float32),
            sigma=data["sigma"].astype(np.float32),
            w_dense=data["w_dense"].astype(np.float32),
            w_hash=data["w_hash"].astype(np.float32),
            bias=data["bias"].astype(np.float32),
            thresholds=data["thresholds"].astype(np.float32),
            q_dense=data["q_dense"].astype(np.float32),
            q_hash=data["q_hash"].astype(np.float32),
            q_bias=float(data["q_bias"].reshape(-1)[0]),
            hostile_at=float(data["hostile_at"].reshape(-1)[0]),
        )
        if w.w_hash.shape != (HASH_DIM, len(LABELS)) or w.w_dense.shape[0] != w.mu.shape[0]:
            raise ValueError("judge weights do not fit this version's features; retrain the judge")
        return w


@dataclass(frozen=True)
class Scores:
    """Raw model output for one reply, before it is dressed as a Verdict."""

    probs: np.ndarray  # [labels]
    sentence_probs: np.ndarray  # [n, labels]
    quality: float
    hostile_sentence: int  # index of the most hostile sentence, or -1


def sentence_logits(w: Weights, s: Sentences) -> np.ndarray:
    """Per-sentence label logits, linear in the sentence's features.

    A hidden layer (over the dense features, or over everything) was tried and cross-validated
    worse on this corpus (macro F1 0.65-0.67 against 0.70): with four thousand replies, the
    linear model generalises better.
    """
    x = (s.dense - w.mu) / w.sigma
    z = x @ w.w_dense + w.bias
    for i, buckets in enumerate(s.hashed):
        if buckets:
            z[i] += w.w_hash[list(buckets)].sum(axis=0)
    return z


def quality_inputs(w: Weights, s: Sentences, probs: np.ndarray, hostile: float) -> np.ndarray:
    x = ((s.dense - w.mu) / w.sigma).mean(axis=0)
    return np.concatenate([x, s.reply, probs.astype(np.float32), np.array([hostile], dtype=np.float32)])


def hash_mean(s: Sentences) -> dict[int, float]:
    """Share of sentences each hash bucket occurs in (repetition does not add up)."""
    out: dict[int, float] = {}
    for buckets in s.hashed:
        for b in buckets:
            out[b] = out.get(b, 0.0) + 1.0
    n = max(1, len(s.hashed))
    return {b: c / n for b, c in out.items()}


def dominated(quality: float, hostile: float, at: float) -> float:
    """A hostile sentence caps the reply's quality: -0.4 at the threshold `at`, -1 when certain."""
    if hostile < at:
        return quality
    cap = -0.4 - 0.6 * (hostile - at) / max(1e-6, 1 - at)
    return min(quality, cap)


def score(w: Weights, s: Sentences) -> Scores:
    z = sentence_logits(w, s)
    probs = _sigmoid(pool(z, w.mean_pooled))
    sent = _sigmoid(z)
    hostile_idx = [LABELS.index(h) for h in HOSTILE]
    per_sentence = sent[:, hostile_idx].max(axis=1)
    worst = int(per_sentence.argmax())
    hostile = float(per_sentence[worst])
    q = float(quality_inputs(w, s, probs, hostile) @ w.q_dense + w.q_bias)
    for b, share in hash_mean(s).items():
        q += share * float(w.q_hash[b])
    q = dominated(max(-1.0, min(1.0, q)), hostile, w.hostile_at)
    return Scores(probs, sent, q, worst if hostile >= w.hostile_at else -1)
