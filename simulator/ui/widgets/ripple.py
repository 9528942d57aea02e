"""The ripple panel: how far the story has spread, how it feels, and which groups are lit up.

Every number has an arrow and a sign beside it, so the panel reads the same without colour.
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.widgets import Label, Sparkline, Static

from simulator.format.textsafe import clip
from simulator.ui.text import arrow, assemble, lines, meter, words


class RipplePanel(Vertical):
    DEFAULT_CSS = """
    RipplePanel { height: auto; }
    RipplePanel Sparkline { height: 1; margin: 0 0 0 0; }
    RipplePanel .spark-label { color: $text-muted; height: 1; }
    """

    def compose(self):
        yield Static(id="ripple-numbers")
        yield Label("negative reach over time", classes="spark-label")
        yield Sparkline([], id="spark-negative")
        yield Static(id="ripple-groups")

    def show(self, view) -> None:
        def row(name, value, delta, fmt, good_when_up):
            mark = arrow(delta)
            good = (delta > 0) == good_when_up if delta else None
            style = "" if good is None else ("$success" if good else "$error")
            return assemble((f"{name:<10}", "$text-muted"), (fmt(value), "bold"), "  ", (f"{mark} {fmt(delta, True)}", style))

        def count(v, signed=False):
            return f"{v:+,}" if signed else f"{v:,}"

        def senti(v, signed=False):
            return f"{v:+.2f}"

        numbers = [
            row("reach", view.reach, view.d_reach, count, True),
            row("negative", view.negative_reach, view.d_negative, count, False),
            row("sentiment", view.sentiment, view.d_sentiment if abs(view.d_sentiment) >= 0.005 else 0.0, senti, True),
        ]
        numbers.append(assemble((f"{'neutral':<10}", "$text-muted"), f"{view.neutral_reach:,}",
                                ("  positive ", "$text-muted"), f"{view.positive_reach:,}"))
        extra = f"shares/h {view.velocity:,.0f}"
        if view.spillovers:
            extra += f"  spillovers {view.spillovers}"
        numbers.append(assemble((extra, "$text-muted")))
        self.query_one("#ripple-numbers", Static).update(lines(*numbers))
        spark = self.query_one("#spark-negative", Sparkline)
        spread = any(v > 0 for v in view.negative_history)
        spark.display = spread
        spark.data = list(view.negative_history) if spread else [0.0]
        self.query_one(".spark-label", Label).update("negative reach over time" if spread else "no negative spread yet")
        groups = [assemble((f"{clip(words(gid), 14):<14} ", "$text-muted"), (meter(heat, 6), _heat_style(heat)), f" {heat * 100:3.0f}%")
                  for gid, heat in view.groups]
        self.query_one("#ripple-groups", Static).update(lines(*groups) if groups else "")


def _heat_style(heat: float) -> str:
    if heat >= 0.5:
        return "$error"
    if heat >= 0.15:
        return "$warning"
    return "$success"
