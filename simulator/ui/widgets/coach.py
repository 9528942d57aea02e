"""Onboarding feedback after each message: the author's note and the rules kept or broken."""

from __future__ import annotations

from textual.widgets import Static

from simulator.ui.text import assemble, lines, plain
from simulator.world.rules import rule


class CoachBar(Static):
    DEFAULT_CSS = """
    CoachBar { height: auto; max-height: 5; border: round $success; padding: 0 1; display: none; }
    CoachBar.broken { border: round $error; }
    CoachBar.shown { display: block; }
    """

    def show(self, coach) -> None:
        if coach is None:
            self.set_class(False, "shown")
            return
        self.border_title = "Coach"
        rows = []
        if coach.text:
            rows.append(plain(coach.text))
        marks = []
        if coach.kept:
            marks.append(("✓ kept " + ", ".join(str(n) for n in coach.kept), "bold $success"))
        if coach.broken:
            marks.append(("   ✗ broken: " + "; ".join(f"{n} {rule(n).title}" for n in coach.broken), "bold $error"))
        if marks:
            rows.append(assemble(*marks, ("   (rule numbers: see help, ?)", "$text-muted")))
        if not rows:
            rows.append(plain("No rule engaged by that message.", "$text-muted"))
        self.update(lines(*rows))
        self.set_class(bool(coach.broken), "broken")
        self.set_class(True, "shown")
