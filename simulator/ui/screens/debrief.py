"""The debrief (hotwash): the scorecard, the turning points in the trainee's own words, the charts,
the rules kept and broken, what the customer really was, and the way back in.

Scoring replays the scenario several times (the do-nothing baseline and one counterfactual per
turning point), so it runs in a thread worker; the screen shows progress meanwhile.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from pathlib import Path

from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Sparkline, Static

from simulator import services
from simulator.evaluate.examples import examples
from simulator.evaluate.scoring import score
from simulator.format.durations import format_duration
from simulator.format.textsafe import clip
from simulator.ui.messages import Scored, ScoreFailed, SessionFailed
from simulator.ui.screens.help import HelpScreen
from simulator.ui.screens.modals import MessageModal
from simulator.ui.text import arrow, assemble, lines, markup, meter, plain, words
from simulator.world.persona import ARCHETYPES
from simulator.world.rules import QUESTIONS, RULES, rule

OUTCOME_STYLE = {"raving_fan": "bold $success", "satisfied": "$success", "neutral": "$warning", "churned": "$error", "hostile": "bold $error"}


class DebriefScreen(Screen):
    BINDINGS = [
        Binding("o", "report", "HTML report"),
        Binding("r", "replay", "Replay (same seed)"),
        Binding("n", "new_seed", "New seed"),
        Binding("escape,q", "home", "Home", key_display="esc"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
    ]
    AUTO_FOCUS = "#debrief"

    def __init__(self, session: object | Callable[[], object], *, blink: bool = True, live: bool = True):
        super().__init__()
        self._loader = session if callable(session) else None
        self.session = None if callable(session) else session
        self.card = None
        self.examples: tuple = ()
        self._blink = blink
        self._live = live and not callable(session)

    def compose(self):
        with VerticalScroll(id="debrief"):
            yield Static(plain("Scoring your session: replaying what would have happened otherwise…", "italic $text-muted"), id="score-head")
            with Horizontal(id="debrief-top"):
                yield Static(id="dims")
                with Vertical(id="charts"):
                    yield Label("reach over time", classes="spark-label")
                    yield Sparkline([], id="spark-reach")
                    yield Label("negative reach over time", classes="spark-label")
                    yield Sparkline([], id="spark-negative")
                    yield Static(id="metrics")
            yield Static(id="turning", classes="debrief-block")
            yield Static(id="examples", classes="debrief-block")
            yield Static(id="rules-table", classes="debrief-block")
            yield Static(id="findings", classes="debrief-block")
            yield Static(id="reveal", classes="debrief-block")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#debrief").border_title = "Debrief"
        self._score()

    @work(thread=True, exclusive=True, group="score", exit_on_error=False)
    def _score(self) -> None:
        if self.session is None:
            try:
                loaded = self._loader()
            except Exception as exc:
                self.post_message(SessionFailed(str(exc) or type(exc).__name__))
                return
            if isinstance(loaded, services.Saved):  # a saved session: its notes are said here too
                for note in loaded.notes:
                    self.app.call_from_thread(self.notify, markup(note), title="Saved session", timeout=8)
                loaded = loaded.session
            self.session = loaded
        session = self.session
        try:
            card = score(session)
            self.examples = examples(session)
        except Exception as exc:
            self.post_message(ScoreFailed(f"{type(exc).__name__}: {exc}"))
            return
        if self._live and session.writer is not None:
            try:
                services.record_score(self.app.workspace, session, card)
            except Exception as exc:
                self.post_message(ScoreFailed(f"the score could not be saved to the history: {exc}"))
        self.post_message(Scored(card))

    @on(SessionFailed)
    def _load_failed(self, message: SessionFailed) -> None:
        self.query_one("#score-head", Static).update(plain(f"This session cannot be shown: {message.error}", "$error"))

    @on(ScoreFailed)
    def _failed(self, message: ScoreFailed) -> None:
        self.notify(markup(message.error), title="Scoring", severity="error")
        if self.card is None:
            self.query_one("#score-head", Static).update(plain(f"Scoring failed: {message.error}", "$error"))

    @on(Scored)
    def _scored(self, message: Scored) -> None:
        self.card = card = message.card
        session = self.session
        s = session.scenario
        self.query_one("#score-head", Static).update(lines(
            plain(s.title, "bold $accent"),
            assemble(("Overall ", "bold"), (f"{card.overall}/100", "bold"), ("  grade ", "bold"), (card.grade, "bold $accent"),
                     ("  ·  the customer ended ", ""), (words(card.outcome), OUTCOME_STYLE.get(card.outcome, "bold")),
                     (f"  ·  seed {card.seed}", "$text-muted")),
            plain((session.end_reason and f"Ended: {session.end_reason}") or "", "$text-muted"),
        ))
        dims = [plain("Scorecard", "bold")]
        for name, value in card.dimensions.items():
            dims.append(assemble((f"{name:<11}", "$text-muted"), (meter(value / 100, 10), _score_style(value)), f" {value:5.1f}"))
        self.query_one("#dims", Static).update(lines(*dims))
        history = session.ripple.history
        self.query_one("#spark-reach", Sparkline).data = [float(h.reach) for h in history] or [0.0]
        self.query_one("#spark-negative", Sparkline).data = [float(h.negative_reach) for h in history] or [0.0]
        m, b = card.metrics, card.baseline
        d_neg = m["negative_reach"] - b["negative_reach"]
        self.query_one("#metrics", Static).update(lines(
            assemble(("reach ", "$text-muted"), f"{m['reach']:,}", ("   negative ", "$text-muted"), f"{m['negative_reach']:,}",
                     ("   neutral ", "$text-muted"), f"{m.get('neutral_reach', 0):,}", ("   positive ", "$text-muted"),
                     f"{m.get('positive_reach', 0):,}"),
            assemble(("doing nothing: negative ", "$text-muted"), f"{b['negative_reach']:,}  ",
                     (f"{arrow(d_neg)} {d_neg:+,}", "$success" if d_neg < 0 else ("$error" if d_neg > 0 else ""))),
            assemble(("sentiment ", "$text-muted"), f"{m['net_sentiment']:+.2f}", ("   spillovers ", "$text-muted"), f"{m['spillovers']}"),
        ))
        self.query_one("#turning", Static).update(_turning(card))
        self.query_one("#examples", Static).update(_examples(self.examples))
        self.query_one("#rules-table", Static).update(_rules(card))
        self.query_one("#findings", Static).update(_findings(card))
        self.query_one("#reveal", Static).update(_reveal(s, card))
        self.refresh_bindings()

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("report", "replay", "new_seed") and (self.card is None or self.session is None):
            return None  # shown greyed until the scorecard is ready
        return True

    def on_screen_resume(self) -> None:
        self.refresh_bindings()

    def action_report(self) -> None:
        if self.card is None:
            return
        self._write_report(self.app.is_web)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def _write_report(self, web: bool) -> None:
        try:
            target = services.write_report_html(self.app.workspace, self.session, self.card)
        except Exception as exc:
            self.app.call_from_thread(self._report_done, None, f"The report could not be written: {type(exc).__name__}: {exc}")
            return
        if web:  # served to a browser tab: the browser is the trainee's, the server's own must never open
            self.app.call_from_thread(self._deliver, target)
            return
        opened = self.app.open_browser and _open_in_browser(target)
        self.app.call_from_thread(self._report_done, target, "opened in your browser" if opened else "open it in a browser")

    def _deliver(self, path: Path) -> None:
        """Offer the report to the browser tab as a download (textual-serve streams it from the server)."""
        try:
            self.app.deliver_text(path, open_method="download", mime_type="text/html", encoding="utf-8")
            note = "sent to this browser as a download"
        except Exception as exc:  # a driver that cannot deliver: the path is still shown
            note = f"it could not be sent to this browser ({type(exc).__name__}); it is on the server"
        self._report_done(path, note)

    def _report_done(self, path: Path | None, note: str) -> None:
        if path is None:
            self.app.push_screen(MessageModal("No report", note, error=True))
            return
        self.app.push_screen(MessageModal("After-action report written", f"{path}\n\n({note})"))

    def action_replay(self) -> None:
        if self.session is None:
            return
        s = self.session
        self.app.start_play(s.scenario, s.seed, s.trainee, s.start, replace=True)

    def action_new_seed(self) -> None:
        if self.session is None:
            return
        s = self.session
        self.app.start_play(s.scenario, self.app.new_seed(), s.trainee, s.start, replace=True)

    def action_home(self) -> None:
        self.app.pop_screen()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())


def _open_in_browser(path: Path) -> bool:
    """Open the report only in a graphical browser: a console one would take over this terminal."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    if isinstance(browser, webbrowser.GenericBrowser) and not isinstance(browser, webbrowser.BackgroundBrowser):
        return False
    try:
        return bool(browser.open(path.resolve().as_uri()))
    except Exception:
        return False


def _score_style(value: float) -> str:
    if value >= 75:
        return "$success"
    if value >= 50:
        return "$warning"
    return "$error"


def _turning(card):
    rows = [plain("Turning points", "bold")]
    if not card.turning_points:
        rows.append(plain("None: nothing you did moved reach, sentiment or the outcome much.", "$text-muted italic"))
    for tp in card.turning_points:
        mark = ("▲ helped", "bold $success") if tp.helped else ("▼ hurt", "bold $error")
        rows.append(assemble((f"T+{format_duration(tp.t):<7}", "$text-muted"), mark, (f"  ({words(tp.kind)})", "$text-muted")))
        rows.append(assemble("   ", ("“" + clip(tp.text, 300) + "”", "italic")))
        detail = f"   negative reach {tp.effect_negative_reach:+,} · sentiment {tp.effect_sentiment:+.2f}"
        if tp.outcome_with != tp.outcome_without:
            detail += f" · without it: {words(tp.outcome_without)}"
        rows.append(plain(detail, "$text-muted"))
        if tp.rule:
            rows.append(assemble(("   rule ", "$text-muted"), f"{tp.rule} {tp.verdict}: ", (rule(tp.rule).text, "italic")))
    return lines(*rows)


def _examples(items):
    """Each of the trainee's messages beside the author's best suggestion then, or the judge's reason."""
    rows = [plain("Your messages, and what the author suggested", "bold")]
    if not items:
        rows.append(plain("You sent no messages.", "$text-muted italic"))
    for ex in items:
        head = [(f"T+{format_duration(ex.t):<7}", "$text-muted"), (f"#{ex.n} {words(ex.kind)}", "bold")]
        if ex.rule:
            head += ["   ", ("✗ " if ex.verdict == "broken" else "✓ ", "bold $error" if ex.verdict == "broken" else "bold $success"),
                     (ex.rule_line, "$error" if ex.verdict == "broken" else "$success")]
        rows.append(assemble(*head))
        rows.append(assemble(("   you      ", "$text-muted"), ("“" + clip(ex.text, 300) + "”", "italic")))
        if ex.same:
            rows.append(assemble(("   author   ", "$text-muted"), ("the same: the best suggestion at that point", "$success")))
        elif ex.suggestion:
            rows.append(assemble(("   author   ", "$text-muted"), ("“" + clip(ex.suggestion, 300) + "”", "italic $success")))
        if ex.reason and not ex.same:
            rows.append(assemble(("   judge    ", "$text-muted"), clip(ex.reason, 300)))
    return lines(*rows)


def _rules(card):
    rows = [plain("Blanchard's nine rules            kept  broken", "bold")]
    for r in RULES:
        tally = card.rules.get(str(r.number), {"kept": 0, "broken": 0})
        kept, broken = tally["kept"], tally["broken"]
        mark = ("✗", "bold $error") if broken else (("✓", "bold $success") if kept else ("·", "$text-muted"))
        rows.append(assemble(mark, f" {r.number} {clip(r.title, 28):<28}", f"{kept:>5}  {broken:>6}"))
    return lines(*rows)


def _findings(card):
    rows = []
    if card.strengths:
        rows.append(plain("Strengths", "bold $success"))
        rows += [assemble(("+ ", "$success"), f.text) for f in card.strengths[:6]]
    if card.improvements:
        rows.append(plain("To improve", "bold $error"))
        for f in card.improvements[:6]:
            rows.append(assemble(("- ", "$error"), f.text))
            if f.quote:
                rows.append(assemble("   ", ("“" + clip(f.quote, 200) + "”", "italic $text-muted")))
            if f.question:
                q = next((q for q in QUESTIONS if q.number == f.question), None)
                if q:
                    rows.append(plain(f"   planning question {q.number}: {q.title}", "$text-muted"))
    if card.objectives:
        rows.append(plain("Objectives", "bold"))
        for o in card.objectives:
            mark = {True: ("✓", "$success"), False: ("✗", "$error")}.get(o.met, ("?", "$text-muted"))
            rows.append(assemble(mark, f" {o.rating} ", o.text))
    return lines(*rows) if rows else plain("")


def _reveal(scenario, card):
    p = scenario.persona
    archetype = ARCHETYPES.get(p.archetype)
    rows = [plain("Who was the customer?", "bold"),
            assemble((p.name, "bold"), f" was {words(p.archetype)}: ", archetype.description if archetype else "")]
    if scenario.lesson:
        rows += [plain("The lesson", "bold"), plain(scenario.lesson)]
    if scenario.source:
        rows += [plain("Source", "bold"), plain(scenario.source, "$text-muted")]
    return lines(*rows)
