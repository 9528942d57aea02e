"""Help: Blanchard's nine rules, the seven planning questions, and the keys. Opening it pauses."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from simulator.ui.text import assemble, lines, plain
from simulator.world.rules import QUESTIONS, RULES

KEYS = (
    ("1-9", "send the numbered suggested reply"),
    ("r", "write a public reply (Enter sends, ctrl+J starts a new line, Esc cancels)"),
    ("t", "reply in public to one person's post: the customer's or a named commenter's"),
    ("p", "write a private message (DM); the conversation opens in its own pane"),
    ("e", "escalate to a role (they answer after their delay)"),
    ("o", "offer a remedy from the catalogue (within your authority)"),
    ("h", "hide a post"),
    ("a", "walk away with a last word"),
    ("f", "post a follow-up for the aftermath"),
    ("w", "wait and monitor"),
    ("space", "pause / resume (real-time scenarios)"),
    ("d", "close the case and see the debrief"),
    ("c", "drills: the facilitator's console (injects, pressure, pause)"),
    ("v", "drills: the worst-case forecast from here"),
    ("k", "drills: bring back a planning question put off"),
    ("ctrl+p", "command palette: every move by name"),
    ("ctrl+r", "authors: reload the scenario file and replay your moves"),
    ("q", "leave (the session is saved; resume it from Home)"),
)


class HelpScreen(Screen):
    """Reference the trainee can open at any time; the real-time clock stops while it is open."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close", key_display="esc")]
    AUTO_FOCUS = "#help-scroll"

    def compose(self):
        with VerticalScroll(id="help-scroll"):
            yield Static(plain("Blanchard's nine rules of online conflict resolution", "bold $accent"), classes="section-title")
            yield Static(lines(*(assemble((f"{r.number}. ", "bold"), (r.title, "bold"), (" — " + r.text, "")) for r in RULES)))
            yield Static(plain("The seven planning questions", "bold $accent"), classes="section-title")
            yield Static(lines(*(assemble((f"{q.number}. ", "bold"), (q.title, "bold"), (" — " + q.text, "")) for q in QUESTIONS)))
            yield Static(plain("Keys while playing", "bold $accent"), classes="section-title")
            yield Static(lines(*(assemble((f"{k:>7}  ", "bold $accent"), text) for k, text in KEYS)))
        yield Footer()

    def action_close(self) -> None:
        self.app.pop_screen()
