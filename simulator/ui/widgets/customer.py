"""The customer's card: who they are, how they feel (bars with numbers), what they want."""

from __future__ import annotations

from textual.widgets import Static

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


def _mood_style(mood: str) -> str:
    return {"calm": "$success", "annoyed": "$warning", "angry": "$error", "furious": "bold $error"}.get(mood, "")


def empty_card() -> object:
    return plain("…")
