"""App-wide messages: how thread workers talk back to the screens (GUIDE.md section 1).

Workers never touch widgets; they post one of these to the screen that started them, and the
screen's handler (on the UI thread) updates what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class SessionReady(Message):
    """A session was opened, resumed or rebuilt, and here is its first view."""

    view: object
    note: str = ""


@dataclass
class StepDone(Message):
    """One step (action, wait, tick or finish) ran; `events` are what it produced."""

    view: object
    events: tuple
    action: str = ""


@dataclass
class StepFailed(Message):
    """A step could not be applied; the session is unchanged and the message says why."""

    error: str


@dataclass
class SessionFailed(Message):
    """A session could not be opened or resumed at all."""

    error: str


@dataclass
class Reloaded(Message):
    """Hot reload finished: either a rebuilt session's view, or the diagnostics that stopped it."""

    view: object | None
    problems: tuple[str, ...] = ()


@dataclass
class Scored(Message):
    """The scorecard of a finished session is ready."""

    card: object


@dataclass
class ScoreFailed(Message):
    error: str
