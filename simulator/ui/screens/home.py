"""Home: pick a scenario (grouped by track, filtered by typing), resume a session, see progress."""

from __future__ import annotations

from textual import events, on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from simulator.format.durations import format_duration
from simulator.ui.screens.help import HelpScreen
from simulator.ui.screens.history import HistoryScreen
from simulator.ui.text import assemble, clean, lines, markup, plain, words

TRACKS = (("onboarding", "ONBOARDING · short, play alone"), ("drill", "DRILL · worst case, as a team"))


class HomeScreen(Screen):
    # Typing anything filters, so every shortcut here is on a modifier or a function key: typing
    # "house" or "the" must never open History or the team dialog.
    BINDINGS = [
        Binding("enter", "play", "Play", show=True),
        Binding("ctrl+r", "resume", "Resume", priority=True),
        Binding("ctrl+t", "drill", "Team drill", priority=True),
        Binding("ctrl+o", "history", "History", priority=True),
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]
    AUTO_FOCUS = "#scenarios"

    def __init__(self):
        super().__init__()
        self._best: dict[str, int] = {}
        self._resumable: list = []

    def compose(self):
        yield Static(assemble(("Crisis Tabletop", "bold $accent"), ("  ·  answer angry customers in public, and learn why it works", "$text-muted")),
                     id="home-title")
        yield Input(placeholder="Type to filter scenarios (title, id, tag)… shortcuts are ctrl+letter", id="filter", compact=True,
                    select_on_focus=False)
        with Horizontal(id="home-main"):
            with Vertical(id="home-left"):
                yield OptionList(id="scenarios")
                yield OptionList(id="resume")
            with VerticalScroll(id="home-detail"):
                yield Static(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#scenarios").border_title = "Scenarios"
        self.query_one("#resume").border_title = "Resume an interrupted session (ctrl+r)"
        self.query_one("#home-detail").border_title = "About"
        self.refresh_lists()

    def on_screen_resume(self) -> None:
        self.refresh_lists()

    # ------------------------------------------------------------------ data

    def refresh_lists(self) -> None:
        store = self.app.store
        try:
            self._best = store.best_scores()
            self._resumable = [r for r in store.rows() if r.status == "in_progress"][:8]
        except Exception as exc:  # an unreadable history index must not block playing
            self._best, self._resumable = {}, []
            self.notify(markup(f"History unavailable: {exc}"), severity="warning")
        self._fill_scenarios()
        resume = self.query_one("#resume", OptionList)
        resume.clear_options()
        for row in self._resumable:
            who = f" · {row.trainee}" if row.trainee else ""
            resume.add_option(Option(assemble((row.title or row.scenario, "bold"),
                                              (f"  T+{format_duration(row.sim_minutes)} · {row.steps} steps · seed {row.seed}{who}"
                                               f" · {row.started.replace('T', ' ')[:16]}", "$text-muted")), id=row.id))
        resume.display = bool(self._resumable)
        self.refresh_bindings()

    def _fill_scenarios(self) -> None:
        query = self.query_one("#filter", Input).value.strip().lower()
        listing = self.query_one("#scenarios", OptionList)
        previous = listing.highlighted_option.id if listing.highlighted_option else None
        listing.clear_options()
        catalog = self.app.catalog
        first = None
        for track, heading in TRACKS:
            chosen = [s for s in catalog.scenarios if s.track == track and _matches(s, query)]
            if not chosen:
                continue
            listing.add_option(Option(plain(heading, "bold $text-muted"), disabled=True))
            for s in chosen:
                best = self._best.get(s.id)
                best_text = f"best {best}" if best is not None else "not played"
                listing.add_option(Option(assemble(
                    ("★" * s.difficulty + "☆" * max(0, 5 - s.difficulty), "$warning"), " ",
                    (f"{format_duration(s.time_limit):>6} ", "$text-muted"), (s.title, "bold"), "  ",
                    (best_text, "$success" if best is not None else "$text-muted")), id=s.id))
                first = first or s.id
        if catalog.broken and not query:
            listing.add_option(Option(plain(f"{len(catalog.broken)} scenario file(s) do not validate (see About)", "$error"), disabled=True))
        if listing.option_count and first:
            target = previous if previous and _has(listing, previous) else first
            listing.highlighted = listing.get_option_index(target)
        else:
            self._show_detail(None)

    # ------------------------------------------------------------------ events

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._fill_scenarios()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.action_play()

    def on_key(self, event: events.Key) -> None:
        """Filter by typing: a letter that is not a key of this screen goes into the filter."""
        filter_box = self.query_one("#filter", Input)
        if self.focused is filter_box:
            if event.key in ("down", "up"):
                listing = self.query_one("#scenarios", OptionList)
                listing.focus()
                listing.action_cursor_down() if event.key == "down" else listing.action_cursor_up()
                event.stop()
            return
        if event.character and event.character.isprintable() and not event.character.isspace():
            filter_box.focus()
            filter_box.insert_text_at_cursor(event.character)
            event.stop()

    @on(OptionList.OptionHighlighted, "#scenarios")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail(self.app.catalog.get(event.option.id) if event.option.id else None)

    @on(OptionList.OptionSelected, "#scenarios")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._play(event.option.id)

    @on(OptionList.OptionSelected, "#resume")
    def _resume_selected(self, event: OptionList.OptionSelected) -> None:
        self._resume(event.option.id)

    def _show_detail(self, s) -> None:
        detail = self.query_one("#detail", Static)
        if s is None:
            broken = self.app.catalog.broken
            if broken:
                detail.update(lines(plain("These files do not validate:", "bold $error"),
                                    *(plain(f"{b.first} ({b.errors} error{'s' if b.errors != 1 else ''})") for b in broken)))
            else:
                detail.update(plain("No scenario matches the filter. Esc clears it.", "$text-muted italic"))
            return
        best = self._best.get(s.id)
        rows = [
            plain("⏎ Enter: read the briefing and start", "bold $accent"),
            plain(""),
            plain(s.title, "bold"),
            assemble((f"{s.track} · difficulty {s.difficulty} · {format_duration(s.time_limit)} · ", "$text-muted"),
                     ("real time" if s.mode == "realtime" else "turns", "$text-muted"),
                     (f" · best score {best}" if best is not None else "", "$success")),
            plain(""),
            plain(s.summary),
            plain(""),
            assemble(("customer: ", "$text-muted"), s.persona.name, " ", (s.persona.handle, "$text-muted"),
                     ("  wants ", "$text-muted"), ", ".join(words(w) for w in s.persona.wants)),
            assemble(("brand: ", "$text-muted"), s.brand.name),
        ]
        if s.tags:
            rows.append(assemble(("tags: ", "$text-muted"), ", ".join(clean(t) for t in s.tags)))
        detail.update(lines(*rows))

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "resume":
            return bool(self._resumable)
        return True

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        filter_box = self.query_one("#filter", Input)
        filter_box.value = ""
        self.query_one("#scenarios", OptionList).focus()

    def action_play(self) -> None:
        if self.focused is self.query_one("#resume", OptionList):
            option = self.query_one("#resume", OptionList).highlighted_option
            if option is not None:
                self._resume(option.id)
            return
        option = self.query_one("#scenarios", OptionList).highlighted_option
        if option is not None and option.id:
            self._play(option.id)

    def action_drill(self) -> None:
        """Run the highlighted scenario as a team drill: assign roles first (docs/drill.md)."""
        option = self.query_one("#scenarios", OptionList).highlighted_option
        scenario = self.app.catalog.get(option.id) if option is not None and option.id else None
        if scenario is not None:
            self.app.open_drill(scenario)

    def _play(self, scenario_id: str) -> None:
        scenario = self.app.catalog.get(scenario_id)
        if scenario is not None:
            self.app.open_briefing(scenario)

    def action_resume(self) -> None:
        resume = self.query_one("#resume", OptionList)
        if not self._resumable:
            return
        if self.focused is resume and resume.highlighted_option is not None:
            self._resume(resume.highlighted_option.id)
            return
        resume.highlighted = 0
        resume.focus()
        if len(self._resumable) == 1:
            self._resume(self._resumable[0].id)

    def _resume(self, row_id: str) -> None:
        self.app.resume_session(row_id)

    def action_history(self) -> None:
        self.app.push_screen(HistoryScreen())

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        self.app.exit()


def _matches(s, query: str) -> bool:
    if not query:
        return True
    hay = " ".join([s.id, s.title, s.summary, s.track, " ".join(s.tags)]).lower()
    return all(part in hay for part in query.split())


def _has(listing: OptionList, option_id: str) -> bool:
    try:
        listing.get_option_index(option_id)
        return True
    except Exception:
        return False
