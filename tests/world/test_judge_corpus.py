"""The judge's corpus: well formed, big enough, sourced, and the held-out split still frozen."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from training.corpus import CORPUS, HELDOUT, TRAIN, read_items, read_pairs, training_items


def test_training_corpus_is_big_and_labelled_by_the_guide() -> None:
    items = training_items()
    assert len(items) >= 3000
    assert len({it.id for it in items}) == len(items)
    assert all(it.source for it in items)
    hand = [it for it in items if it.source.startswith("hand:")]
    assert len(hand) >= 600
    real = [it for it in items if it.source.startswith("twcs:")]
    assert len(real) >= 1000
    counts = Counter(label for it in items for label in it.labels)
    for label in ("apology", "question", "private_move", "solution", "argue", "blame", "sarcasm", "promise"):
        assert counts[label] >= 100, (label, counts[label])


def test_deadlines_are_words_of_the_reply() -> None:
    for it in training_items():
        if it.deadline:
            assert it.deadline.lower() in it.text.lower(), it.id


def test_heldout_split_is_frozen() -> None:
    """The split was frozen before tuning; FROZEN records its commit and hashes."""
    frozen = (HELDOUT / "FROZEN").read_text(encoding="utf-8")
    for name in ("replies.jsonl", "pairs.jsonl"):
        digest = hashlib.sha256((HELDOUT / name).read_bytes()).hexdigest()
        assert f"{digest}  {name}" in frozen, name
    assert re.search(r"^commit [0-9a-f]{7,40}$", frozen, re.M)
    replies = read_items(HELDOUT / "replies.jsonl")
    pairs = read_pairs(HELDOUT / "pairs.jsonl")
    assert len(replies) >= 400 and len(pairs) >= 60


def test_heldout_never_leaks_into_training() -> None:
    train = {" ".join(it.text.split()).lower() for it in training_items()}
    held = read_items(HELDOUT / "replies.jsonl")
    leaked = [it.id for it in held if " ".join(it.text.split()).lower() in train]
    # Stock brand templates ("Please DM us.") can recur in real data; anything else must not.
    assert len(leaked) <= len(held) // 50, leaked


def test_sources_are_documented() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    prefixes = {it.source.split(":")[0] for it in training_items()}
    for prefix in prefixes:
        assert f"`{prefix}:" in readme, prefix
    assert TRAIN.is_dir()
