"""What the judge looks at in each sentence of a reply, as one vector per sentence.

Three kinds of evidence, the same at training and in play:
- meaning: the sentence's word vector (simulator.world.judge.embedding), and how close it is to the
  customer's post (a reply about *their* problem, or filler);
- wording: hashed word unigrams and bigrams, with words under a negation marked as such, so
  "nothing to be sorry about" is not "sorry";
- shape and cues: capitals by share, "!!!", questions, second person, links, length, the
  customer's name, details of their post, and the old lexicon's cues (simulator.world.judge.cues).

Hashing uses CRC-32, not Python's salted `hash()`, so a word lands in the same bucket in every
process and the trained weights mean the same thing tomorrow.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from simulator.world import lexicon as lx
from simulator.world.judge import cues, text
from simulator.world.judge.embedding import WordTable

try:  # VADER's valence is one input among many: the judge still works (a little worse) without it
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    _VADER: SentimentIntensityAnalyzer | None = SentimentIntensityAnalyzer()
except Exception:  # missing package or unreadable lexicon
    _VADER = None
TONE_CHARS = 300  # VADER's negation check is quadratic: read a sentence's opening only

HASH_BITS = 14
HASH_DIM = 1 << HASH_BITS
CUE_NAMES = (
    "apology", "non_apology", "empathy", "thanks", "argue", "blame", "sarcasm", "insult",
    "profanity", "shouting", "question", "solution", "private_move", "promise", "refusal",
    "form_letter", "personalised",
)  # fmt: skip
SHAPE_NAMES = (
    "log_words", "upper_share", "bang_run", "query_run", "has_question_mark", "ends_question",
    "starts_you", "you_share", "we_share", "i_share", "negated", "has_url", "has_emoji",
    "has_digit", "names_customer", "post_details", "post_similarity", "no_known_words", "tone",
    "tone_pos", "tone_neg",
    "post_tone", "sweet_on_sour",
)  # fmt: skip
DENSE_NAMES = tuple(f"cue_{n}" for n in CUE_NAMES) + SHAPE_NAMES
# What describes the reply as a whole. Only the quality head reads these: given to the sentence
# model, "a one-line reply" or "the reply's third sentence" became evidence of contempt, because
# the corpus's one-liners are often jabs; what a sentence does must not depend on where it sits.
REPLY_NAMES = (
    "only_sentence", "log_sentences", "reply_upper_share", "reply_post_similarity",
    "repeated", "reply_repeats",
)  # fmt: skip

_NEGATORS = frozenset(
    ["not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "cannot", "can't", "won't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "shouldn't", "wouldn't", "couldn't", "without", "hardly"]
)
_SECOND = frozenset(["you", "your", "you're", "yours", "yourself", "you've", "you'll", "you'd", "u", "ur"])
_FIRST_PLURAL = frozenset(["we", "our", "us", "we're", "we've", "we'll", "ours"])
_FIRST_SINGULAR = frozenset(["i", "i'm", "i've", "i'll", "me", "my"])
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Sentences:
    """A reply cut into sentences, with one feature row each (what the model reads)."""

    bounds: tuple[tuple[int, int], ...]
    dense: np.ndarray  # float32 [n, embedding dims + len(DENSE_NAMES)]
    reply: np.ndarray  # float32 [len(REPLY_NAMES)]
    hashed: tuple[tuple[int, ...], ...]  # active hash buckets per sentence
    truncated: bool
    cues: dict[str, list[tuple[int, int]]]  # the lexicon's spans, for quoting exact words


def _bucket(token: str) -> int:
    return zlib.crc32(token.encode("utf-8", "surrogatepass")) & (HASH_DIM - 1)


def _grams(ws: list[str]) -> tuple[int, ...]:
    """Hash buckets of unigrams and bigrams; a word after a negator in its clause is marked."""
    marked: list[str] = []
    negate = 0
    for w in ws:
        if w in _NEGATORS or w.endswith("n't"):
            negate = 3
            marked.append(w)
            continue
        marked.append("~" + w if negate else w)
        negate = max(0, negate - 1)
    grams = set(marked)
    grams.update(f"{a} {b}" for a, b in pairwise(marked))
    if marked:
        grams.add("^" + marked[0])
    return tuple(sorted({_bucket(g) for g in grams}))


def _details(post: str) -> frozenset[str]:
    """The post's specific words: what a reply about *this* case would mention."""
    return frozenset(
        w
        for w in text.words(post[: text.MAX_CHARS])
        if (len(w) >= 4 or any(c.isdigit() for c in w))
        and w not in lx.STOPWORDS
        and w not in lx.GENERIC_WORDS
    )


def tone(chunk: str) -> tuple[float, float, float]:
    """VADER's compound, positive and negative shares for a stretch of text (zeros without it).

    Why it is here though it never judges alone: sarcasm is sweet words on a sour subject, and
    a word vector does not know which words are sweet.
    """
    if _VADER is None or not chunk.strip():
        return 0.0, 0.0, 0.0
    try:
        s = _VADER.polarity_scores(chunk[:TONE_CHARS])
    except Exception:  # untrusted text; VADER has no known failure, but it must not stop a game
        return 0.0, 0.0, 0.0
    return float(s["compound"]), float(s["pos"]), float(s["neg"])


def sentences(
    table: WordTable, reply: str, customer_post: str = "", customer_name: str = ""
) -> Sentences:
    """Cut `reply` into sentences and build each one's features."""
    truncated = len(reply) > text.MAX_CHARS
    work = text.normalise(reply[: text.MAX_CHARS])
    bounds = text.sentences(work) or [(0, 0)]
    found = cues.find(work, customer_name, customer_post)
    post_vec = table.embed(text.words(customer_post[: text.MAX_CHARS]))
    details = _details(customer_post)
    name_parts = {
        p.lower()
        for p in (customer_name or "").strip().lstrip("@").replace("_", " ").split()
        if len(p) >= 2
    }
    _, reply_upper = text.letters_upper_share(work)
    # A sentence said again adds nothing: only its first time is read, so "sorry" five times
    # weighs what "sorry" once does, and the repetition itself is a feature.
    said: set[str] = set()
    kept: list[tuple[int, int]] = []
    for s, e in bounds:
        key = " ".join(text.words(work[s:e])) or work[s:e]
        if key not in said:
            said.add(key)
            kept.append((s, e))
    repeats, total = len(bounds) - len(kept), len(bounds)
    bounds = kept
    word_lists = [text.words(work[s:e]) for s, e in bounds]
    reply_vec = table.embed([w for ws in word_lists for w in ws])
    post_tone = tone(customer_post)[0]
    n = len(bounds)
    dims = table.dims
    dense = np.zeros((n, dims + len(DENSE_NAMES)), dtype=np.float32)
    hashed: list[tuple[int, ...]] = []
    for i, ((s, e), ws) in enumerate(zip(bounds, word_lists, strict=True)):
        chunk = work[s:e]
        vec = table.embed(ws)
        dense[i, :dims] = vec
        row = dense[i, dims:]
        for j, name in enumerate(CUE_NAMES):
            row[j] = 1.0 if any(a < e and s < b for a, b in found.get(name, ())) else 0.0
        nw = max(1, len(ws))
        compound, pos, neg = tone(chunk)
        _, upper = text.letters_upper_share(chunk)
        shape = {
            "log_words": math.log1p(len(ws)),
            "upper_share": upper,
            "bang_run": float("!!" in chunk),
            "query_run": float("??" in chunk),
            "has_question_mark": float("?" in chunk),
            "ends_question": float(chunk.rstrip().endswith("?")),
            "starts_you": float(bool(ws) and ws[0] in _SECOND),
            "you_share": sum(w in _SECOND for w in ws) / nw,
            "we_share": sum(w in _FIRST_PLURAL for w in ws) / nw,
            "i_share": sum(w in _FIRST_SINGULAR for w in ws) / nw,
            "negated": float(any(w in _NEGATORS or w.endswith("n't") for w in ws)),
            "has_url": float(bool(text.URL.search(chunk))),
            "has_emoji": float(any(text.is_emoji(c) for c in chunk)),
            "has_digit": float(bool(_DIGIT.search(chunk))),
            "names_customer": float(bool(name_parts & set(ws))),
            "post_details": min(3, len(details & set(ws))) / 3,
            "post_similarity": float(vec @ post_vec),
            "no_known_words": float(not np.any(vec)),
            "tone": compound,
            "tone_pos": pos,
            "tone_neg": neg,
            "post_tone": post_tone,
            "sweet_on_sour": max(0.0, compound) * max(0.0, -post_tone),
        }
        base = len(CUE_NAMES)
        for j, name in enumerate(SHAPE_NAMES):
            row[base + j] = shape[name]
        hashed.append(_grams(ws))
    whole = np.array(
        [float(n == 1), math.log(n), reply_upper, float(reply_vec @ post_vec), float(repeats > 0),
         repeats / total],
        dtype=np.float32,
    )  # the order of REPLY_NAMES
    return Sentences(tuple(bounds), dense, whole, tuple(hashed), truncated, found)
