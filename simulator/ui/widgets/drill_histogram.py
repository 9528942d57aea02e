"""The worst-case chart: negative reach under "do nothing" against the current course.

Two bars per bin, drawn with different glyphs (█ do nothing, ▒ current course) so the chart
reads without colour; p50/p90/p99 and the chance of a news spillover sit under it as numbers.
"""

from __future__ import annotations

from textual.widgets import Static

from simulator.ui.text import assemble, lines, words

BAR = 28


def chart(worst, bins: int = 12, names: dict | None = None):
    """Content for a `drill.WorstCase`: the bars, then the percentiles and the news chance.

    `names` maps spillover ids to the headlines a person reads (else the id in words)."""
    names = names or {}
    rows = [assemble(("negative reach", "bold"), "       ", ("█ do nothing", "$error"), "   ", ("▒ current course", "$success"))]
    hist = worst.histogram(bins)
    peak = max((max(n, c) for _, _, n, c in hist), default=0) or 1
    for lo, hi, n, c in hist:
        label = f"{lo:>8,.0f}–{hi:<8,.0f}"
        rows.append(assemble((label, "$text-muted"), " ", ("█" * round(BAR * n / peak), "$error"), f" {n}"))
        rows.append(assemble(" " * len(label), " ", ("▒" * round(BAR * c / peak), "$success"), f" {c}"))
    rows.append("")
    for course in (worst.nothing, worst.current):
        nr = course.result.negative_reach
        news = "no news channel in this scenario" if course.news is None else f"news {course.news:.0%}"
        rows.append(assemble((f"{course.label:<15}", "bold"), f" p50 {nr.p50:>8,.0f}  p90 {nr.p90:>8,.0f}  p99 {nr.p99:>8,.0f}",
                             "   ", (news, "$warning" if course.news else "")))
    for course in (worst.nothing, worst.current):
        risks = ", ".join(f"{names.get(r.spec_id) or words(r.spec_id)} {r.p:.0%}" for r in course.result.spillovers)
        if risks:
            rows.append(assemble((f"{course.label:<15}", "$text-muted"), f" spillover risk: {risks}"))
    return lines(*rows)


class WorstCaseChart(Static):
    DEFAULT_CSS = """
    WorstCaseChart { height: auto; }
    """

    def show(self, worst, scenario=None) -> None:
        names = {s.id: s.title for s in scenario.ripple.spillovers if s.title} if scenario is not None else {}
        self.update(chart(worst, names=names))
