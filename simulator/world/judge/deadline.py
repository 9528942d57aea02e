"""The deadline a promise names: "right now", "within the hour", "by Friday", "tomorrow".

A promise is kept or broken on its own terms, so the judge reports the words that set its
deadline and, where they fix one, how many minutes from the reply it falls due. Days of the
week have no date on a scenario's clock, so "by Friday" is read as three days: late enough
that a promise for Friday is not broken the same afternoon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10,
    "twenty": 20, "thirty": 30, "forty-eight": 48, "twenty-four": 24, "few": 3, "couple of": 2,
    "a few": 3, "a couple of": 2, "half an": 0.5, "half": 0.5,
}  # fmt: skip
_UNIT_MIN = {"minute": 1, "min": 1, "mins": 1, "hour": 60, "hr": 60, "hrs": 60, "day": 1440,
             "business day": 1440, "working day": 1440, "week": 10080}  # fmt: skip
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun"
_AMOUNT = r"(\d+(?:\.\d+)?|an?|one|two|three|four|five|six|ten|twenty|thirty|twenty-four|forty-eight|(?:a )?few|(?:a )?couple of|half an?)"
_UNIT = r"(minutes?|mins?|hours?|hrs?|(?:business |working )?days?|weeks?)"

_PATTERNS: tuple[tuple[re.Pattern[str], object], ...] = tuple(
    (re.compile(p, re.IGNORECASE), v)
    for p, v in (
        (r"\b(?:right (?:now|away)|straight away|immediately|as we speak|asap|this (?:very )?minute)\b", 10),
        (r"\b(?:within|in(?: the next)?|under) the (?:next )?hour\b", 60),
        (rf"\b(?:within|in(?: the next)?|under|inside(?: of)?) {_AMOUNT} {_UNIT}\b", "amount"),
        (r"\b(?:by|before) (?:the )?(?:end of (?:the )?day|eod|close of (?:play|business)|cob|tonight|this evening)\b", 480),
        (r"\b(?:later )?today\b|\bthis (?:morning|afternoon|evening)\b|\btonight\b", 480),
        (r"\b(?:first thing )?tomorrow(?: (?:morning|afternoon|evening|night|by \w+))?\b", 1440),
        (r"\b(?:by|before|on|this|next|first thing(?: on)?) (?:" + _DAYS + r")\b", 4320),
        (r"\b(?:by|before|over) the weekend\b|\bthis weekend\b", 4320),
        (r"\b(?:by|before) (?:the )?end of (?:the )?week\b|\bthis week\b", 4320),
        (r"\b(?:by|before|at) (?:noon|midday|\d{1,2}(?::\d{2})? ?(?:am|pm))\b", 240),
        (r"\bnext week\b", 10080),
        (r"\bshortly\b|\bsoon\b|\bin a (?:bit|moment|sec(?:ond)?|jiffy)\b|\bmomentarily\b", 60),
    )
)


@dataclass(frozen=True)
class Deadline:
    """The words that set a promise's deadline and, when they fix one, its minutes from now."""

    text: str
    start: int
    end: int
    minutes: int | None


def find(text: str) -> Deadline | None:
    """The first deadline named in `text`, or None when it names no time."""
    best: tuple[int, int, object, re.Match[str]] | None = None
    for rx, value in _PATTERNS:
        m = rx.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), -len(m.group()), value, m)
    if best is None:
        return None
    _, _, value, m = best
    minutes: int | None
    if value == "amount":
        amount = m.group(1).lower()
        unit = m.group(2).lower().rstrip("s") if m.group(2).lower() not in ("mins", "hrs") else m.group(2).lower()
        count = float(amount) if amount[0].isdigit() else float(_NUM.get(amount, 1))
        per = _UNIT_MIN.get(unit, _UNIT_MIN.get(unit.rstrip("s"), 60))
        minutes = max(1, round(count * per))
    else:
        minutes = int(value)  # type: ignore[call-overload]
    return Deadline(m.group(), m.start(), m.end(), minutes)
