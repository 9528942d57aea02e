"""The documented bounds on what a user, an author or a file can hand the program (docs/limits.md).

Each bound is checked where the value comes in (the command line, a play script, a transcript
header, a team's names), so a value out of range is a clear message there instead of an
OverflowError in SQLite, a file name the OS refuses, or a run that never ends. The checks raise
`LimitError` (a ValueError) with a message that names the bound; callers add where it came from.
"""

from __future__ import annotations

import math
import unicodedata

SEED_MIN = -(2**63)  # a seed is a signed 64-bit integer: what SQLite stores and a file name holds
SEED_MAX = 2**63 - 1
MAX_NAME = 100  # a trainee's or team member's name, in characters
MAX_REF = 200  # a session reference (id, part of one, or a path) or a scenario id on the command line
MAX_ROLLOUTS = 20_000  # `crisis forecast` rollouts: one batch holds every cascade, ~13 KB each (20,000: ~350 MB)
MAX_SCRIPT_ACTIONS = 2_000  # actions in one play script
MAX_REALTIME_ACTIONS = 200  # ... against a real-time scenario: ~0.5 s a reply (300 replies took 166 s)
MAX_FILE_BYTES = 64 * 1024 * 1024  # a transcript, play script or scenario file read from disk
MAX_JSON_DEPTH = 64  # nesting of a JSON value typed on the command line (fork --action) or read from a file


class CleanError(Exception):
    """A problem the user can act on, not a bug: the message is complete (the CLI prints
    `crisis: error: <message>`; the UI shows it). Storage's "the index is busy" is one."""


class LimitError(CleanError, ValueError):
    """A value outside its documented bound (the message says which)."""


def seed(value: object, what: str = "seed") -> int:
    """A seed within SEED_MIN..SEED_MAX."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise LimitError(f"{what} must be a whole number")
    if not SEED_MIN <= value <= SEED_MAX:
        raise LimitError(f"{what} must be between -2^63 and 2^63-1 (a signed 64-bit number)")
    return value


def has_lone_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def text(value: str, what: str = "text") -> str:
    """Text that can be saved (UTF-8 has no lone surrogates; a `\\ud800` in JSON or YAML makes one)."""
    if has_lone_surrogate(value):
        raise LimitError(f"{what} has a lone surrogate (\\u{_first_surrogate(value):04x}), which no file can hold")
    return value


def name(value: str, what: str = "name") -> str:
    """A person's name: at most MAX_NAME characters, no control characters, no lone surrogates."""
    if not isinstance(value, str):
        raise LimitError(f"{what} must be text")
    if len(value) > MAX_NAME:
        raise LimitError(f"{what} is longer than {MAX_NAME} characters")
    text(value, what)
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise LimitError(f"{what} has control characters")
    return value


def ref(value: str, what: str = "session") -> str:
    """A reference typed on the command line: at most MAX_REF characters, no NUL, no lone surrogates."""
    if len(value) > MAX_REF:
        raise LimitError(f"{what} reference is longer than {MAX_REF} characters")
    if "\x00" in value or has_lone_surrogate(value):
        raise LimitError(f"{what} reference has characters no file name can hold")
    return value


def finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise LimitError(f"{what} must be a finite number")
    return value


def _first_surrogate(value: str) -> int:
    return next(ord(ch) for ch in value if 0xD800 <= ord(ch) <= 0xDFFF)
