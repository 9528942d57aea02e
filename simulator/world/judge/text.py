"""Text handling the judge shares between training and play: cleaning, sentences, words.

Why a module of its own: the training script and the game must cut a reply into exactly the
same sentences and words, or the learned weights read different inputs than they were fit on.
Every function keeps offsets into the reply as typed, so the evidence for a label is a real
slice of what the trainee wrote.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 5000  # a reply on social media is short; a pasted novel is judged on its opening
MAX_SENTENCES = 40

# Control and invisible formatting characters (zero-width, bidi overrides, BOM, lone surrogates);
# each becomes one space so offsets still point into the original reply.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"
    "\ufff9-\ufffb\ud800-\udfff]"
)
_CURLY = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'}
)
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\be\.g)(?<!\bi\.e)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)"
    r"[.!?\u2026\u3002\uff01\uff1f]+[\"')\]]*(?=\s|$)|\n+|(?<=\S)\s+[-\u2013\u2014]\s+(?=\S)"
)
WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
HANDLE = re.compile(r"(?<!\w)@\w+")


def normalise(text: str) -> str:
    """Same length as `text`: straight quotes, control and bidi characters blanked."""
    return _CONTROL.sub(" ", text.translate(_CURLY))


def lower(text: str) -> str:
    """Lowercase without changing the length ("İ".lower() is two characters)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def sentences(work: str) -> list[tuple[int, int]]:
    """Sentence bounds in `work`, trimmed of surrounding whitespace, at most MAX_SENTENCES.

    A dash between words also ends a sentence: "Sorry Dan - some of us can read." is two
    moves, and the second one is the one people remember.
    """
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(work):
        bounds.append((start, m.end()))
        start = m.end()
    if start < len(work):
        bounds.append((start, len(work)))
    out: list[tuple[int, int]] = []
    for s, e in bounds:
        chunk = work[s:e]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip(" \t\n-\u2013\u2014"))
        if e - trail > s + lead and any(c.isalnum() or ord(c) > 0x2000 for c in chunk):
            out.append((s + lead, e - trail))
    if len(out) > MAX_SENTENCES:  # the rest of a wall of text is judged as one last sentence
        out = [*out[: MAX_SENTENCES - 1], (out[MAX_SENTENCES - 1][0], out[-1][1])]
    return out


def words(text: str) -> list[str]:
    """Lowercased words (and emoji) of `text`, links and @handles left out."""
    text = HANDLE.sub(" ", URL.sub(" ", text))
    return [w.lower() for w in WORD.findall(text)]


def letters_upper_share(text: str) -> tuple[int, float]:
    """How many letters `text` has and what share of them are capitals (shouting is a share)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0, 0.0
    return len(letters), sum(1 for c in letters if c.isupper()) / len(letters)


def is_emoji(ch: str) -> bool:
    return ord(ch) > 0x2000 and unicodedata.category(ch) in ("So", "Sk")
