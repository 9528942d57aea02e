"""Static word vectors: what lets the judge see that "That one's on us" is an apology.

The vectors are distilled at training time from WordLlama's token embeddings (MIT licence, see
corpus/README.md): each of its 32,000 sub-word pieces keeps its vector, projected to fewer
dimensions by PCA and stored as float16 in the package. At run time a word is cut into pieces
greedily (longest known piece first, as SentencePiece vocabularies are meant to be read) and a
sentence is the normalised sum of its pieces, the way WordLlama pools. No tokenizer library, no
download, no model hub: one `.npz` file read with `allow_pickle=False`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

WORD_START = "\u2581"  # SentencePiece's "a word starts here" mark
MAX_PIECE = 16
CACHE_WORDS = 100_000  # words seen in play; bounded so a flood of nonsense cannot grow it


@dataclass(frozen=True, eq=False)
class WordTable:
    """Piece vectors and the piece -> row index; immutable after loading."""

    index: dict[str, int]
    vectors: np.ndarray  # float32 [pieces, dims]
    cache: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1])

    @classmethod
    def from_arrays(cls, pieces: np.ndarray, vectors: np.ndarray) -> WordTable:
        text = bytes(pieces.tobytes()).decode("utf-8")
        names = text.split("\n")
        if len(names) != vectors.shape[0]:
            raise ValueError("word table is damaged: pieces and vectors differ in number")
        return cls({name: i for i, name in enumerate(names) if name}, vectors.astype(np.float32))

    def pieces(self, word: str) -> tuple[int, ...]:
        found = self.cache.get(word)
        if found is None:
            found = _cut(self.index, word)
            if len(self.cache) < CACHE_WORDS:
                self.cache[word] = found
        return found

    def embed(self, words: list[str]) -> np.ndarray:
        """Unit vector for a bag of words (zeros when none is known)."""
        rows: list[int] = []
        for w in words:
            rows.extend(self.pieces(w))
        if not rows:
            return np.zeros(self.dims, dtype=np.float32)
        v = self.vectors[rows].sum(axis=0)
        n = float(np.linalg.norm(v))
        return v / n if n > 0 else v


def _cut(index: dict[str, int], word: str) -> tuple[int, ...]:
    """Greedy longest-piece-first cut of one lowercased word into table rows."""
    whole = index.get(WORD_START + word)
    if whole is not None:
        return (whole,)
    out: list[int] = []
    pos, first = 0, True
    word = word[:64]
    while pos < len(word):
        for size in range(min(MAX_PIECE, len(word) - pos), 0, -1):
            piece = word[pos : pos + size]
            row = index.get(WORD_START + piece if first else piece)
            if row is not None:
                out.append(row)
                pos += size
                break
        else:
            pos += 1  # a character no piece covers (a rare script): skip it
        first = False
    return tuple(out)
