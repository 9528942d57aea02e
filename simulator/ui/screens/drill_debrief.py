"""The end of a drill: the score, the seven questions as the team answered them, the playbook
(written to a file next to the session's transcript), the fork, and the full after-action report.

Scoring and writing the playbook replay the session, so they run in a thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from simulator import services
from simulator.evaluate import drill as D
from simulator.evaluate.scoring import score
from simulator.format.durations import format_duration
from simulator.ui.screens.debrief import DebriefScreen
from simulator.ui.screens.drill_fork import ForkScreen
from simulator.ui.text import assemble, clean, lines, plain


class DrillDebriefScreen(Screen):
    CSS_PATH = "../drill.tcss"

    BINDINGS = [
        Binding("f", "fork", "What if (fork)"),
        Binding("a", "report", "After-action report"),
        Binding("escape,q", "home", "Home", key_display="esc"),
    ]
    AUTO_FOCUS = "#drill-debrief"

    @dataclass
    class Ready(Message):
        summary: object
        path: str
        error: str = ""

    def __init__(self, session, *, blink: bool = True):
        super().__init__()
        self.session = session
        self._blink = blink

    def compose(self):
        with VerticalScroll(id="drill-debrief"):
            yield Static(plain("The drill is over: writing the playbook…", "bold"), id="drill-summary")
            yield Markdown("", id="drill-playbook", open_links=False)  # rendered: no `&amp;` or `\_` on screen
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#drill-debrief").border_title = "Drill debrief"
        self._prepare()

    @work(thread=True, exclusive=True, group="drill-debrief", exit_on_error=False)
    def _prepare(self) -> None:
        session = self.session
        workspace = self.app.workspace
        try:
            card = score(session, turning_points=False)
            path, text = services.write_playbook(workspace, session, card, date=self.app.clock.today())
        except (OSError, ValueError) as exc:
            self.post_message(self.Ready(None, "", str(exc)))
            return
        try:
            services.record_score(workspace, session, card)  # the drill's score goes in the history too
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"the score could not be saved to the history: {exc}", title="Scoring",
                                      severity="error")
        points = D.decision_points(session)
        rows = [assemble((f"{card.overall}/100, grade {card.grade}", "bold"), f" · customer {card.outcome.replace('_', ' ')}"
                         f" · negative reach {card.metrics['negative_reach']:,} (doing nothing {card.baseline['negative_reach']:,})"),
                ""]
        rows.append(plain("The seven questions, as they came up", "bold"))
        for p in points:
            said = "; ".join(f"{clean(a.who)}: “{clean(a.text)}”" for a in p.answers) or "not answered"
            rows.append(assemble((f"Q{p.question} {p.title}", "bold"), f" (T+{format_duration(p.t)}, {clean(p.reason)}) ",
                                 (said, "" if p.answers else "$warning")))
        if not points:
            rows.append(plain("None of the questions came up.", "italic"))
        rows += ["", plain("f: what if (fork from a decision) · a: after-action report · esc: home", "$text-muted")]
        self.post_message(self.Ready((lines(*rows), text), str(path)))

    @on(Ready)
    def _ready(self, message: Ready) -> None:
        if message.summary is None:
            self.query_one("#drill-summary", Static).update(plain(f"Could not write the playbook: {message.error}", "$error"))
            return
        summary, text = message.summary
        self.query_one("#drill-summary", Static).update(lines(summary, "", assemble(("Playbook written to ", "bold"),
                                                                                     clean(message.path))))
        self.query_one("#drill-playbook", Markdown).update(text)

    def action_fork(self) -> None:
        self.app.push_screen(ForkScreen(self.session))

    def action_report(self) -> None:
        self.app.switch_screen(DebriefScreen(self.session, blink=self._blink))

    def action_home(self) -> None:
        self.app.pop_screen()
