"""The ledger: what the trainee did and what scoring reads afterwards.

Brand messages with their analysis (`ReplyRecord`), every move with the facts scoring needs
(`Record`), promises and whether they were kept, and the response clock (first response, the
customer's unanswered posts, the gaps). The posts the UI shows (`Post`) are kept here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.engine.state import SessionState
from simulator.world import analysis


@dataclass(frozen=True)
class Post:
    """A post in the public feed or the private channel, as the UI shows it."""

    id: str
    t: float
    author: str  # customer | brand | audience | platform
    text: str
    public: bool = True
    platform: str = "main"
    hidden: bool = False
    title: str = ""


@dataclass(frozen=True)
class ReplyRecord:
    """A brand message with its analysis, kept for scoring and the debrief."""

    n: int
    t: float
    kind: str  # reply private walk_away follow_up
    text: str
    analysis: analysis.Analysis
    public: bool
    choice: str | None = None
    feedback: str = ""
    post: str = ""


@dataclass
class Promise:
    id: str
    t: float
    due: float
    text: str
    kept: bool | None = None
    impossible: bool = False  # it promised what cannot be granted (rule 9): only its deadline settles it
    named: float | None = None  # minutes of the deadline it named ("within the hour": 60), if it named one


@dataclass
class Record:
    """What the trainee did, in order, with the facts scoring needs."""

    n: int
    t: float
    action: object
    kind: str
    data: dict = field(default_factory=dict)



class LedgerPart(SessionState):
    """Bookkeeping the moves share: the brand answered (the response clock stops)."""

    def _responded(self) -> None:
        """The brand answered: the response clock stops and the customer's wait is over."""
        if self.first_response_at is None:
            self.first_response_at = self.t
        if self.unanswered:
            self.response_gaps.append(self.t - self.unanswered[0])
            self.unanswered = []
        self._silence_from = self.t

