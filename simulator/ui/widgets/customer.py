"""The customer's card: who they are, how they feel (bars with numbers), what they want.

Two renderings of the same card: the full one, and three lines for a short terminal (80x24), where
the side panel has room for the customer's feelings and the ripple's numbers only if the bars,
wants and reach (all in the briefing) give way. The play screen's stylesheet shows one of them.
"""

from __future__ import annotations

from textual.widgets import Static

from simulator.format.textsafe import clip
from simulator.ui.text import assemble, lines, meter, plain, words

MOOD_MARK = {"calm": "☺ calm", "annoyed": "~ annoyed", "angry": "! angry", "furious": "!! furious"}


class CustomerCard(Static):
    DEFAULT_CSS = """
    CustomerCard { height: auto; }
    """

    def show(self, spec, view, *, reveal: bool) -> None:
        rows = [
            assemble((spec.name, "bold"), "  ", (spec.handle, "$text-muted")),
            assemble(("mood     ", "$text-muted"), (MOOD_MARK.get(view.mood, view.mood), "bold " + _mood_style(view.mood))),
            assemble(("anger    ", "$text-muted"), (meter(view.anger, 8), _mood_style(view.mood)), f" {view.anger * 100:3.0f}%"),
            assemble(("patience ", "$text-muted"), (meter(view.patience, 8), "$accent"), f" {view.patience * 100:3.0f}%"),
            assemble(("trust    ", "$text-muted"), (meter(view.trust, 8), "$success"), f" {view.trust * 100:3.0f}%"),
            assemble(("wants    ", "$text-muted"), ", ".join(words(w) for w in spec.wants) or "—"),
        ]
        if spec.reach:
            rows.append(assemble(("reach    ", "$text-muted"), f"{spec.reach:,} followers"))
        if reveal:
            rows.append(assemble(("type     ", "$text-muted"), words(spec.archetype)))
        self.update(lines(*rows))


LINE_WIDTH = 28  # the side panel's 34 columns less its border, padding and a scrollbar


class CustomerLine(Static):
    """The card in three lines: name and mood, then the three feelings as numbers."""

    DEFAULT_CSS = """
    CustomerLine { height: auto; }
    """

    def show(self, spec, view) -> None:
        mood = MOOD_MARK.get(view.mood, view.mood)
        room = LINE_WIDTH - len(mood) - 2
        self.update(lines(
            assemble((clip(spec.name, room), "bold"), "  ", (mood, "bold " + _mood_style(view.mood))),
            assemble(("anger ", "$text-muted"), (f"{view.anger * 100:.0f}%", _mood_style(view.mood)),
                     ("  patience ", "$text-muted"), (f"{view.patience * 100:.0f}%", "$accent")),
            assemble(("trust ", "$text-muted"), (f"{view.trust * 100:.0f}%", "$success")),
        ))


def _mood_style(mood: str) -> str:
    return {"calm": "$success", "annoyed": "$warning", "angry": "$error", "furious": "bold $error"}.get(mood, "")


def empty_card() -> object:
    return plain("…")
