"""The top bar: scenario, clock, time left and the clock mode (turns, or real time and paused)."""

from __future__ import annotations

from textual.widgets import Static

from simulator.format.durations import format_duration
from simulator.ui.text import assemble


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; padding: 0 1; }
    """

    def show(self, title: str, view, *, paused: bool, busy: bool) -> None:
        if view is None:
            self.update(assemble((title, "bold")))
            return
        if view.finished:
            mode = "ended"
        elif view.mode == "realtime":
            mode = "⏸ paused" if paused else f"▶ real time ×{view.speed:g}"
        else:
            mode = "turns"
        self.update(assemble(
            (view.clock, "bold $accent"), (f" of T+{_fmt(view.time_limit)}", "$text-muted"),
            ("  ·  ", "$text-muted"), (f"{view.left} left", ""), ("  ·  ", "$text-muted"), (mode, "bold"),
            ("  ·  " if busy else "", "$text-muted"), ("working…" if busy else "", "$warning"),
            ("  ", ""), (title, "$text-muted"),
        ))


def _fmt(minutes: float) -> str:
    return format_duration(minutes)
