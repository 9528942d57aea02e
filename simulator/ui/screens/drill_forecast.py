"""The worst-case view: how bad it can get from here, doing nothing against the current course.

The forecast replays the drill twice and runs hundreds of cascades, so it runs in a thread
worker on a copy of where the session stands (`drill.position`); the drill keeps running and the
screen shows progress, then the chart. Nothing here changes the session.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, ProgressBar, Static

from simulator.evaluate.drill import DrillError, worst_case
from simulator.format.durations import format_duration
from simulator.ui.text import plain
from simulator.ui.widgets.drill_histogram import WorstCaseChart

ROLLOUTS = 300
MORE = 2000


class ForecastScreen(ModalScreen):
    CSS_PATH = "../drill.tcss"
    BINDINGS = [Binding("escape,v", "close", "Close"), Binding("m", "more", "More rollouts")]

    @dataclass
    class Progress(Message):
        done: int
        total: int

    @dataclass
    class Done(Message):
        worst: object | None
        error: str = ""

    def __init__(self, position, rollouts: int = ROLLOUTS, horizon: float = 120.0):
        super().__init__()
        self.position, self.rollouts, self.horizon = position, rollouts, horizon
        self.worst = None

    def compose(self):
        with Vertical(classes="dialog wide", id="drill-forecast"):
            yield Static(plain(f"Worst case from T+{format_duration(self.position.t)}, {format_duration(self.horizon)} ahead",
                               "bold"), classes="dialog-title")
            yield Static(plain("Do nothing (the brand silent from the start) against the team's course so far, each played "
                               "forward on the same seed; then many rollouts of the customer's next post."), classes="dialog-hint")
            yield ProgressBar(total=2 * self.rollouts, id="forecast-progress", show_eta=False)
            with VerticalScroll(classes="dialog-scroll"):
                yield WorstCaseChart(id="forecast-chart")
        yield Footer()

    def on_mount(self) -> None:
        self._compute(self.rollouts)

    @work(thread=True, exclusive=True, group="forecast", exit_on_error=False)
    def _compute(self, rollouts: int) -> None:
        try:
            worst = worst_case(self.position, rollouts=rollouts, horizon=self.horizon,
                               progress=lambda done, total: self.post_message(self.Progress(done, total)))
        except (DrillError, ValueError) as exc:
            self.post_message(self.Done(None, str(exc)))
            return
        self.post_message(self.Done(worst))

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        bar = self.query_one("#forecast-progress", ProgressBar)
        bar.update(total=message.total, progress=message.done)

    @on(Done)
    def _done(self, message: Done) -> None:
        if message.worst is None:
            self.query_one("#forecast-chart", WorstCaseChart).update(plain(f"The forecast failed: {message.error}", "$error"))
            return
        self.worst = message.worst
        self.query_one("#forecast-progress", ProgressBar).display = False
        self.query_one("#forecast-chart", WorstCaseChart).show(message.worst, self.position.scenario)

    def action_more(self) -> None:
        if self.worst is None:
            return
        self.worst = None
        self.rollouts = MORE
        bar = self.query_one("#forecast-progress", ProgressBar)
        bar.display = True
        bar.update(total=2 * MORE, progress=0)
        self._compute(MORE)

    def action_close(self) -> None:
        self.dismiss(self.worst)
