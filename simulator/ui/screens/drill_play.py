"""The play screen in drill mode: the team's game, with role players, questions and a facilitator.

It is the ordinary play screen (same feed, composer, step queue and worker) with what a room
needs on top:

* when an escalation reaches a role, that role's player gets the approval dialog;
* when a planning question's moment comes (`drill.due_questions`), the team is asked, once;
  `k` brings back a question put off with "later";
* `c` opens the facilitator console, `v` the worst-case forecast (and counts as the moment for
  question 1); both go through the step queue, so the transcript records them;
* at the end the drill debrief offers the playbook and the counterfactual fork.

What the dialogs need from the session is copied inside the step worker (never read from the UI
thread while a step runs).
"""

from __future__ import annotations

import threading

from textual import on
from textual.binding import Binding

from simulator import services
from simulator.evaluate import drill as D
from simulator.ui.messages import SessionReady, StepDone
from simulator.ui.screens.drill_debrief import DrillDebriefScreen
from simulator.ui.screens.drill_facilitator import FacilitatorConsole
from simulator.ui.screens.drill_forecast import ForecastScreen
from simulator.ui.screens.drill_modals import ApprovalModal, QuestionPrompt, RoleAssignment
from simulator.ui.screens.play import PlayScreen
from simulator.ui.text import markup
from simulator.ui.widgets.composer import Composer


class DrillPlayScreen(PlayScreen):
    CSS_PATH = "../drill.tcss"
    HELP_LINE = "h hide · a walk away · f follow-up · c console · v worst case · k question"

    # On the help line (HELP_LINE) rather than the footer, which has room for them only from 120 columns.
    BINDINGS = [
        *PlayScreen.BINDINGS,
        Binding("c", "console", "Facilitator", show=False),
        Binding("v", "forecast", "Worst case", show=False),
        Binding("k", "question", "Question", show=False),
    ]

    def __init__(self, opener, scenario, team: D.Team | None, *, blink: bool = True):
        """`team` None: a resumed drill, whose team comes from its transcript when it opens."""
        super().__init__(opener, scenario, blink=blink)
        self.team = team
        self._drill_lock = threading.Lock()
        self._due: tuple = ()
        self._pending: dict[str, tuple[float, str]] = {}  # role -> (since, the team's note)
        self._fired: tuple[str, ...] = ()
        self._position = None
        self._extra: dict[int, tuple[float, str]] = {}
        self._asked: set[tuple] = set()  # questions and approvals already put to the room
        self._dialog_open = False

    # ------------------------------------------------------------------ copy drill state in the worker

    def _copy_drill_state(self, session) -> None:
        if self.team is None:
            self.team = D.team_from_session(session)
        notes = {}
        for e in session.events:
            if e.kind == "escalation":
                notes[e.data.get("role")] = e.text
        with self._drill_lock:
            self._due = D.due_questions(session, self._extra)
            self._pending = {role: (since, notes.get(role, "")) for role, since in session.pending.items()}
            self._fired = tuple(session.fired)
            self.authority_now = session.authority

    def submit(self, label, step) -> None:
        def wrapped(session):
            events = step(session)
            self._copy_drill_state(session)
            return events

        super().submit(label, wrapped)

    # The play screen's own handlers are bound with @on, so these run beside them (first, as
    # this class comes first in the MRO); the drill's part waits until they have updated the view.
    @on(SessionReady)
    def _drill_ready(self, message) -> None:
        self.call_after_refresh(self.submit, "drill", lambda s: ())

    @on(StepDone)
    def _drill_step_done(self, message) -> None:
        self.call_after_refresh(self._prompt_next)

    @on(Composer.Sent)
    @on(Composer.Cancelled)
    def _drill_composed(self) -> None:
        self.call_after_refresh(self._prompt_next)  # what waited while they typed

    def _announce(self, event) -> None:
        if event.kind == "approval_denied":
            self.notify(markup(event.text), title="Escalation denied", severity="warning")
        elif event.kind == "approval_needed":
            self.notify(markup(event.text), title="A decision is waiting")
        else:
            super()._announce(event)

    # ------------------------------------------------------------------ the room's dialogs

    def _prompt_next(self) -> None:
        """One dialog at a time: approvals first (the clock is waiting on them), then questions.

        Never while someone is typing: a dialog that opens mid-sentence takes the rest of the
        sentence as its answer. The dialog waits until the message is sent or put away.
        """
        if self._dialog_open or self.app.screen is not self or self.view is None or self.view.finished:
            return
        if self._composing():
            return
        with self._drill_lock:
            pending = dict(self._pending)
            due = tuple(self._due)
        for role_id, (since, note) in sorted(pending.items(), key=lambda kv: kv[1][0]):
            key = ("approval", role_id, since)
            if key in self._asked:
                continue
            self._asked.add(key)
            self._ask_approval(role_id, note)
            return
        for point in due:
            key = ("question", point.question)
            if key in self._asked:
                continue
            self._asked.add(key)
            self._ask_question(point)
            return

    def _ask_approval(self, role_id: str, note: str) -> None:
        role = self.scenario.role(role_id)
        if role is None:
            return
        self._dialog_open = True

        def decided(decision) -> None:
            self._dialog_open = False
            if decision is not None:
                self.submit("decide", lambda s: s.decide(decision["role"], decision["approve"], who=decision.get("who", ""),
                                                         note=decision.get("note", ""), limit=decision.get("limit")))
            else:
                self._prompt_next()

        self.app.push_screen(ApprovalModal(role, self.team.person(role_id), note, getattr(self, "authority_now", 0.0)), decided)

    def _ask_question(self, point) -> None:
        self._dialog_open = True
        front = next((s for s in self.team.seats if s.trainee), None)

        def answered(result) -> None:
            self._dialog_open = False
            if result is not None:
                self.submit("decision", lambda s: D.answer(s, result["question"], result["who"], result["text"]))
            else:
                self._prompt_next()

        self.app.push_screen(QuestionPrompt(point, front.person if front else ""), answered)

    def action_question(self) -> None:
        """Bring back the earliest question the team put off."""
        with self._drill_lock:
            due = tuple(self._due)
            pending = dict(self._pending)
        for role_id, (since, note) in sorted(pending.items(), key=lambda kv: kv[1][0]):
            self._asked.discard(("approval", role_id, since))
            self._ask_approval(role_id, note)
            return
        if not due:
            self.notify("No planning question is waiting for an answer.", timeout=3)
            return
        self._ask_question(due[0])

    def action_console(self) -> None:
        if self.view is None:
            return
        with self._drill_lock:
            fired = self._fired

        def run(command) -> None:
            if command is None:
                return
            if command["kind"] in ("pause", "resume"):
                self.paused = command["kind"] == "pause"
                self._owed = 0.0
            self.submit("facilitate", lambda s: s.facilitate(command))

        self.app.push_screen(FacilitatorConsole(self.scenario, fired, self.paused), run)

    def action_forecast(self) -> None:
        if self.view is None:
            return

        def copy(session):
            self._position = D.position(session)
            if 1 not in self._extra:
                self._extra[1] = (round(session.t, 4), "the team opened the worst-case forecast")
            return ()

        self.submit("forecast", copy)
        self._open_forecast_when_ready()

    def _open_forecast_when_ready(self) -> None:
        if self.busy or self._position is None:
            self.set_timer(0.1, self._open_forecast_when_ready)
            return
        position, self._position = self._position, None
        self._dialog_open = True

        def closed(_worst) -> None:
            self._dialog_open = False
            self._prompt_next()

        self.app.push_screen(ForecastScreen(position), closed)

    def check_action(self, action: str, parameters: tuple):
        if action in ("console", "forecast", "question"):
            return self.view is not None and not self.view.finished
        return super().check_action(action, parameters)

    # ------------------------------------------------------------------ the end

    def _open_debrief(self) -> None:
        self._left = True
        self.app.switch_screen(DrillDebriefScreen(self.session, blink=self._blink))


def resume_drill(app, session_id: str) -> None:
    """An interrupted drill, reopened as a drill: its team, its console and its pending approvals."""
    workspace = app.workspace
    app.push_screen(DrillPlayScreen(lambda: services.resume(workspace, session_id), None, None, blink=app.blink))


def open_drill(app, scenario, seed: int | None, team: D.Team | None = None, start=None) -> None:
    """Role assignment (unless the team is given), then the drill; used by `crisis drill` and `serve --drill`."""
    if seed is None:
        seed = app.new_seed()

    def begin(chosen) -> None:
        if chosen is None:
            return
        workspace = app.workspace
        drill_start = D.drill_start(chosen, start)

        def opener():
            return services.open_session(workspace, scenario, seed, trainee=", ".join(p for _, p in chosen.pairs()),
                                         start=drill_start)

        app.push_screen(DrillPlayScreen(opener, scenario, chosen, blink=app.blink))

    if team is not None:
        begin(team)
    else:
        app.push_screen(RoleAssignment(scenario), begin)
