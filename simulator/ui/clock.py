"""The clock the UI reads (real-time ticks, today's date), handed in by the app factory.

`WallClock` uses Textual's own timers; tests hand in a `ManualClock` and move it by hand, so the
real-time test needs no real sleeps and runs the same on a loaded CI machine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


class WallClock:
    """Ticks with the wall clock: `every` is the owner's `set_interval`."""

    def every(self, owner, seconds: float, callback: Callable[[], object]):
        return owner.set_interval(seconds, callback)

    def today(self) -> dt.date:
        return dt.date.today()


@dataclass
class _Timer:
    seconds: float
    callback: Callable[[], object]
    due: float
    stopped: bool = False

    def stop(self) -> None:
        self.stopped = True

    def pause(self) -> None:
        self.stopped = True

    def resume(self) -> None:
        self.stopped = False


class ManualClock:
    """A clock that moves only when told to (`advance`), firing every timer that came due, in order."""

    def __init__(self, today: dt.date = dt.date(2025, 3, 1)) -> None:
        self.now = 0.0
        self.timers: list[_Timer] = []
        self._today = today

    def today(self) -> dt.date:
        return self._today

    def every(self, owner, seconds: float, callback: Callable[[], object]) -> _Timer:
        timer = _Timer(float(seconds), callback, self.now + float(seconds))
        self.timers.append(timer)
        return timer

    def advance(self, seconds: float) -> int:
        """Move the clock on; returns how many callbacks ran."""
        target = self.now + float(seconds)
        fired = 0
        while True:
            live = [t for t in self.timers if not t.stopped and t.due <= target + 1e-9]
            if not live:
                break
            timer = min(live, key=lambda t: t.due)
            self.now = timer.due
            timer.due += timer.seconds
            timer.callback()
            fired += 1
        self.now = target
        return fired
