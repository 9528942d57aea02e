"""History: every saved session and the trainee's progress per scenario."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from simulator.format.durations import format_duration
from simulator.format.textsafe import clip
from simulator.ui.text import assemble, clean, lines, markup, plain, words

COLUMNS = (("started", 16), ("scenario", 26), ("trainee", 10), ("seed", 7), ("status", 13), ("score", 5), ("outcome", 10))


class HistoryScreen(Screen):
    BINDINGS = [
        Binding("enter", "open", "Open / resume"),
        Binding("escape,q", "back", "Back", key_display="esc"),
    ]
    AUTO_FOCUS = "#sessions"

    def compose(self):
        with Vertical(id="history"):
            yield Static(id="progress")
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#history").border_title = "History"
        self.refresh_rows()

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        try:
            rows = self.app.store.rows()
        except Exception as exc:
            rows = []
            self.notify(markup(f"History unavailable: {exc}"), severity="error")
        self._rows = {r.id: r for r in rows}
        table = self.query_one("#sessions", DataTable)
        table.clear(columns=True)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        for r in rows:
            score = f"{r.overall} {r.grade}" if r.overall is not None else "—"
            status = {"in_progress": f"paused T+{format_duration(r.sim_minutes)}", "finished": "finished", "corrupt": "corrupt"}.get(r.status, r.status)
            table.add_row(*(Text(clean(cell)) for cell in (r.started.replace("T", " ")[:16], clip(r.title or r.scenario, 40),
                                                             clip(r.trainee, 16), str(r.seed), status, score, words(r.outcome or ""))),
                          key=r.id)
        self.query_one("#progress", Static).update(_progress(rows))

    def action_open(self) -> None:
        table = self.query_one("#sessions", DataTable)
        if not self._rows or table.cursor_row is None:
            return
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        self._open(key)

    @on(DataTable.RowSelected, "#sessions")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._open(event.row_key.value)

    def _open(self, key: str | None) -> None:
        row = self._rows.get(key or "")
        if row is None:
            return
        if row.status == "in_progress":
            self.app.resume_session(row.id)
        elif row.status == "finished":
            self.app.open_past_debrief(row)
        else:
            self.notify(markup(row.error or "This transcript cannot be read."), severity="error")

    def action_back(self) -> None:
        self.app.pop_screen()


def _progress(rows):
    if not rows:
        return plain("No sessions yet. Play one from the home screen.", "$text-muted italic")
    by_scenario: dict[str, list] = {}
    for r in rows:
        by_scenario.setdefault(r.scenario, []).append(r)
    out = [plain("Progress per scenario (oldest → newest scores)", "bold")]
    for scenario_id, group in sorted(by_scenario.items()):
        scored = [r.overall for r in reversed(group) if r.overall is not None]
        title = clip(clean(group[0].title or scenario_id), 34)
        if scored:
            trend = " ".join(str(s) for s in scored[-8:])
            best = max(scored)
            out.append(assemble((f"{title:<34}", ""), (f" best {best:>3}", "bold $success"), (f"  runs {len(group)}  ", "$text-muted"), trend))
        else:
            out.append(assemble((f"{title:<34}", ""), (f" runs {len(group)}, none finished", "$text-muted")))
    return lines(*out)
