"""The counterfactual fork: pick a decision on the timeline, say what the team could have done
instead, and see both outcomes side by side on the same seed.

Replaying and scoring twice takes a moment on a big audience, so it runs in a thread worker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from simulator.evaluate.drill import DrillError, decisions, fork
from simulator.format.durations import format_duration
from simulator.format.textsafe import clip
from simulator.ui.text import assemble, clean, lines, plain


def side_by_side(result):
    """Content for a `drill.Fork`: the changed decision, then one row per measure."""
    at = result.at
    rows = [assemble(("Decision ", "bold"), f"{at.n} at T+{format_duration(at.t)}: ", (clip(clean(at.label), 100), "italic")),
            assemble(("instead: ", "$text-muted"), clip(clean(json.dumps(result.alternative_step, ensure_ascii=False)), 120)),
            plain("then closed the case" if result.then == "finish" else
                  f"then the team's later moves ({result.dropped} no longer applied)", "$text-muted"), ""]
    rows.append(assemble((f"{'':<18}", ""), (f"{'what the team did':>18}", "bold"), (f"{'what if':>12}", "bold"),
                         (f"{'difference':>12}", "bold")))
    for name, a, b, d in result.rows():
        style = ""
        if d.startswith("+") and d.strip("+0.,"):
            style = "$error" if name in ("negative reach", "rules broken", "spillovers") else "$success"
        elif d.startswith("-") and d.strip("-0.,"):
            style = "$success" if name in ("negative reach", "rules broken", "spillovers") else "$error"
        rows.append(assemble(f"{clean(name):<18}", f"{clean(a):>18}", f"{clean(b):>12}", (f"{d:>12}", style)))
    return lines(*rows)


class ForkScreen(ModalScreen):
    CSS_PATH = "../drill.tcss"
    BINDINGS = [Binding("escape", "close", "Close")]
    AUTO_FOCUS = "#fork-decisions"

    @dataclass
    class Done(Message):
        result: object | None
        error: str = ""

    def __init__(self, session):
        super().__init__()

        self.session = session  # finished: no step runs on it any more
        self.decisions = decisions(session)

    def compose(self):
        with Vertical(classes="dialog wide", id="drill-fork"):
            yield Static(plain("What if? Fork from a decision", "bold"), classes="dialog-title")
            yield Static(plain("Pick a decision, write what the team could have done instead (a reply, or an action as "
                               'JSON such as {"escalate": "legal"}), press enter.'), classes="dialog-hint")
            options = [Option(assemble(f"{d.n:>2}  T+{format_duration(d.t):<7} ", (d.kind, "bold"), "  ", clip(clean(d.label), 80)),
                              id=str(d.n)) for d in self.decisions]
            if options:
                yield OptionList(*options, id="fork-decisions")
            else:
                yield Static(plain("This session has no decisions to fork from.", "italic"))
            with Horizontal(classes="dialog-row"):
                yield Label("Instead")
                yield Input(placeholder="e.g. We're so sorry, Dan. What were you looking for?", id="fork-alternative",
                            max_length=5000)
            yield Static("", classes="dialog-error", id="fork-error")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static("", id="fork-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close (esc)", id="close")
        yield Footer()

    def alternative(self):
        raw = self.query_one("#fork-alternative", Input).value.strip()
        if raw.startswith("{"):
            return json.loads(raw)
        return {"reply": raw}

    @on(Input.Submitted, "#fork-alternative")
    def _go(self) -> None:
        error = self.query_one("#fork-error", Static)
        if not self.decisions:
            return
        chosen = self.query_one("#fork-decisions", OptionList).highlighted
        if chosen is None:
            error.update(plain("Pick a decision first."))
            return
        if not self.query_one("#fork-alternative", Input).value.strip():
            error.update(plain("Write what the team could have done instead."))
            return
        try:
            alternative = self.alternative()
        except json.JSONDecodeError as exc:
            error.update(plain(f"That is not JSON: {exc.msg}"))
            return
        error.update("")
        self.query_one("#fork-result", Static).update(plain("Replaying on the same seed…", "italic"))
        self._fork(self.decisions[chosen].n, alternative)

    @work(thread=True, exclusive=True, group="fork", exit_on_error=False)
    def _fork(self, at: int, alternative) -> None:
        try:
            self.post_message(self.Done(fork(self.session, at, alternative)))
        except DrillError as exc:
            self.post_message(self.Done(None, str(exc)))

    @on(Done)
    def _done(self, message: Done) -> None:
        if message.result is None:
            self.query_one("#fork-result", Static).update("")
            self.query_one("#fork-error", Static).update(plain(message.error))
            return
        self.query_one("#fork-result", Static).update(side_by_side(message.result))

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
