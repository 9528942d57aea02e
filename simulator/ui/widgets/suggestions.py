"""The author's suggested moves for the current beat, one number key each."""

from __future__ import annotations

from textual.widgets import Static

from simulator.ui.text import assemble, lines, plain

ACTION_TAG = {"private": " (DM)", "walk_away": " (walk away)", "follow_up": " (follow-up)"}


class Suggestions(Static):
    DEFAULT_CSS = """
    Suggestions { height: auto; max-height: 11; border: round $panel-lighten-2; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.border_title = "Suggested replies"

    def show(self, view) -> None:
        if view.finished:
            self.border_title = "Finished"
            self.update(plain("The scenario has ended. Press d for the debrief.", "bold"))
            return
        self.border_title = plain(view.beat_title) if view.beat_title else "Suggested replies"  # Content: never markup
        if not view.suggestions:
            self.update(plain("No suggestions here: write your own (r), or wait (w) and watch.", "$text-muted italic"))
            return
        self.update(lines(*(assemble((f"{s.key} ", "bold $accent"), s.label, (ACTION_TAG.get(s.action, ""), "$text-muted"))
                            for s in view.suggestions)))
