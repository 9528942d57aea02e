"""The agenda: what is scheduled to happen, and when (the customer's next post, a role's answer,
a promise falling due, a blog post). A priority queue with a query API; nobody outside reads its
storage. Ties at the same minute keep the order they were scheduled in."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Scheduled:
    at: float
    seq: int
    kind: str = field(compare=False)
    payload: dict = field(compare=False, default_factory=dict)


class Agenda:
    def __init__(self) -> None:
        self._heap: list[Scheduled] = []
        self._seq = 0

    def schedule(self, at: float, kind: str, payload: dict) -> Scheduled:
        self._seq += 1
        entry = Scheduled(round(at, 6), self._seq, kind, payload)
        heapq.heappush(self._heap, entry)
        return entry

    def next_at(self) -> float:
        """When the next happening is due (infinity when nothing is scheduled)."""
        return self._heap[0].at if self._heap else math.inf

    def pop_due(self, t: float) -> Scheduled | None:
        """The next happening due at or before `t`, taken off the agenda; None when none is."""
        if self._heap and self._heap[0].at <= t + 1e-9:
            return heapq.heappop(self._heap)
        return None

    def cancel(self, kind: str) -> int:
        """Drop every happening of this kind; returns how many were dropped."""
        kept = [e for e in self._heap if e.kind != kind]
        dropped = len(self._heap) - len(kept)
        if dropped:
            self._heap = kept
            heapq.heapify(self._heap)
        return dropped

    def upcoming(self, kind: str | None = None) -> tuple[Scheduled, ...]:
        """What is scheduled (of one kind, or all), earliest first."""
        return tuple(sorted(e for e in self._heap if kind is None or e.kind == kind))

    def __len__(self) -> int:
        return len(self._heap)
