"""The keyword cues: where the old lexicon sees an apology, a jab, a promise, a question.

Once these patterns were the decision; now they are evidence the learned judge weighs, one input
among the word vectors and the sentence's shape (see simulator/world/judge/model.py). They are kept
because they point at exact words, which is what the coach quotes, and because a pattern such as
"f***" or "DM us" is cheap, precise evidence that a small corpus could not teach on its own.
The patterns live in `simulator.lexicon`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

from simulator.world import lexicon as lx
from simulator.world.judge import text as _text
from simulator.world.judge.text import MAX_CHARS

Spans = list[tuple[int, int]]

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

# --- text handling -------------------------------------------------------------------------------


_normalise = _text.normalise  # one cleaning for cues and judge, so their offsets agree
_lower = _text.lower


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


def _personalised(work: str, customer_name: str, customer_post: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    greeting = _GREETING.match(work)
    if greeting and greeting.group(1).lower() not in lx.NOT_NAMES:
        spans.append(greeting.span(1))
    name = (customer_name or "").strip().lstrip("@")
    for part in {name, *name.replace("_", " ").split()}:
        if len(part) >= 2:
            spans.extend(
                _finds(re.compile(rf"(?<!\w)@?{re.escape(part)}(?!\w)", re.IGNORECASE), work)
            )
    post = _normalise((customer_post or "")[:MAX_CHARS])
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
def hostile_post(post: str) -> bool:
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



def find(text: str, customer_name: str = "", customer_post: str = "") -> dict[str, Spans]:
    """Spans per cue in `text` (offsets into the text as given), the lexicon's reading."""
    work = _normalise(text[:MAX_CHARS])
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
    found["personalised"] = _personalised(work, customer_name, customer_post)

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

    return found
