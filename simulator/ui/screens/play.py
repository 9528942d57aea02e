"""The play screen: the feed, the customer, the ripple, the clock and the composer.

The session lives here but is only ever touched from one thread worker at a time: every step
(an action, a wait, a real-time tick, finishing, a hot reload) goes into a queue that a single
worker drains, so keypresses are answered at once even when one step takes a while on a large
audience. After each step the worker copies what the screen needs into a frozen `View` and posts
it; the widgets render only views, never the live session.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer

from simulator import services
from simulator.engine.session import SessionError
from simulator.format import actions as A
from simulator.format.durations import format_duration
from simulator.ui.commands import PlayCommands
from simulator.ui.messages import Reloaded, SessionFailed, SessionReady, StepDone, StepFailed
from simulator.ui.screens.debrief import DebriefScreen
from simulator.ui.screens.help import HelpScreen
from simulator.ui.screens.modals import (
    ConfirmModal,
    EscalateModal,
    HideModal,
    LeaveModal,
    MessageModal,
    OfferModal,
    ReplyToModal,
    WaitModal,
)
from simulator.ui.text import clean, markup
from simulator.ui.view import View, build_view
from simulator.ui.widgets.coach import CoachBar
from simulator.ui.widgets.composer import IDLE_SUBTITLE, Composer
from simulator.ui.widgets.customer import CustomerCard, CustomerLine
from simulator.ui.widgets.feed import Feed, PrivatePane
from simulator.ui.widgets.ripple import RipplePanel
from simulator.ui.widgets.status import StatusBar
from simulator.ui.widgets.suggestions import Suggestions

MESSAGE = {"reply": A.Reply, "private": A.Private, "walk_away": A.WalkAway, "follow_up": A.FollowUp}

GAME_ACTIONS = {"reply", "reply_to", "private", "escalate", "offer", "hide", "walk_away", "follow_up", "wait", "choose", "pause"}
TICK_SECONDS = 1.0
COACH_SECONDS = 20.0


class PlayScreen(Screen):
    """One session being played. `opener` builds the session (new or resumed) in a worker."""

    COMMANDS = {PlayCommands}
    AUTO_FOCUS = "#feed"

    HELP_LINE = IDLE_SUBTITLE  # the composer's bottom border: the keys the footer has no room for
    # Classes the stylesheet lays out by (crisis.tcss): below 100 columns the footer is compact; below
    # 30 rows the customer's card shrinks to three lines so the ripple's numbers stay in view.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("r", "reply", "Reply"),
        Binding("t", "reply_to", "Reply to a post", show=False),
        Binding("p", "private", "DM"),
        Binding("e", "escalate", "Escalate"),
        Binding("o", "offer", "Offer"),
        # Shown in the composer's help line (its bottom border), which fits at 80 columns where the footer does not.
        Binding("h", "hide", "Hide", show=False),
        Binding("a", "walk_away", "Walk away", show=False),
        Binding("f", "follow_up", "Follow-up", show=False),
        Binding("w", "wait", "Wait"),
        Binding("space", "pause", "Pause"),
        Binding("d", "finish", "Done"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("q", "leave", "Quit"),
        Binding("ctrl+r", "reload", "Reload scenario", show=False),
        *[Binding(str(n), f"choose({n})", f"Suggestion {n}", show=False) for n in range(1, 10)],
    ]

    def __init__(self, opener: Callable[[], object], scenario, *, blink: bool = True):
        super().__init__()
        self._opener = opener
        self.scenario = scenario
        self.session = None
        self.view: View | None = None
        self.paused = False
        self._blink = blink
        self._queue: deque = deque()
        self._queue_lock = threading.Lock()
        self._session_lock = threading.RLock()
        self._draining = False
        self._owed = 0.0
        self._coach_timer = None
        self._debrief_when_done = False
        self._left = False
        self._reply_to: str | None = None  # the post the composer's public reply answers (t)

    # ------------------------------------------------------------------ layout

    def compose(self):
        yield StatusBar(id="status")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield Feed(id="feed")
                yield PrivatePane(id="private")
            with VerticalScroll(id="side"):
                yield CustomerCard(id="customer")
                yield CustomerLine(id="customer-line")
                yield RipplePanel(id="ripple")
        yield CoachBar(id="coach")
        yield Suggestions(id="suggestions")
        yield Composer(blink=self._blink, id="composer", help_line=self.HELP_LINE)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#side").border_title = "Customer · Ripple"
        self.query_one("#feed").border_title = "Public feed"
        self.query_one("#private").border_title = "Private messages (DM)"
        title = self.scenario.title if self.scenario is not None else "Resuming a saved session…"
        self.query_one(StatusBar).show(title, None, paused=False, busy=True)
        self.query_one(Feed).show((), empty="Opening the session…")
        self._open()

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open(self) -> None:
        try:
            session = self._opener()
        except Exception as exc:  # a transcript or scenario that cannot be opened: say why, no traceback
            self.post_message(SessionFailed(str(exc) or type(exc).__name__))
            return
        with self._session_lock:
            self.session = session
            view = build_view(session)
        self.post_message(SessionReady(view))

    @on(SessionReady)
    def _ready(self, message: SessionReady) -> None:
        # No step can be running yet, so reading the session here is safe.
        self.scenario = self.session.scenario
        self.set_class(self.scenario.mode == "realtime", "realtime")
        if self.scenario.mode == "realtime":
            self.app.clock.every(self, TICK_SECONDS, self._tick)
        self._show_view(message.view)
        if message.note:
            self.notify(markup(message.note))

    @on(SessionFailed)
    def _failed(self, message: SessionFailed) -> None:
        def back(_=None) -> None:
            self.app.pop_screen()

        self.app.push_screen(MessageModal("Could not open the session", message.error, error=True), back)

    # ------------------------------------------------------------------ the step queue

    def submit(self, label: str, step: Callable[[object], tuple]) -> None:
        """Queue a step for the worker; the screen stays responsive while it runs."""
        if self.session is None:
            return
        with self._queue_lock:
            self._queue.append((label, step))
            start = not self._draining
            self._draining = True
        self._show_status()
        if start:
            self._drain()

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def _drain(self) -> None:
        # `submit` starts this only with a non-empty queue, and the flag goes down (under the lock)
        # before the last message is posted, so the screen never sees a stale "working" state and a
        # later `submit` starts a fresh worker instead of racing this one.
        while True:
            with self._queue_lock:
                label, step = self._queue.popleft()
            message = None
            with self._session_lock:
                session = self.session
                try:
                    events = step(session)
                except (SessionError, A.ActionError, ValueError) as exc:
                    message = StepFailed(str(exc))
                except Exception as exc:  # never a traceback in the player's face
                    message = StepFailed(f"{type(exc).__name__}: {exc}")
                else:
                    message = StepDone(build_view(session, self.view), tuple(events), label)
            with self._queue_lock:
                more = bool(self._queue)
                if not more:
                    self._draining = False
            self.post_message(message)
            if not more:
                return

    @property
    def busy(self) -> bool:
        return self._draining

    def act(self, action, label: str | None = None) -> None:
        self._hide_coach()
        self.submit(label or action.kind, lambda s: s.act(action))

    @on(StepDone)
    def _step_done(self, message: StepDone) -> None:
        onboarding = self.scenario.track == "onboarding"
        coach = next((e for e in message.events if e.kind == "coach"), None)
        self._show_view(message.view, coach=onboarding and coach is not None)
        for event in message.events:
            if message.action != "finish" or event.kind == "end":
                self._announce(event)
        if message.view.finished and self._debrief_when_done:
            self._debrief_when_done = False
            self.action_finish()

    @on(StepFailed)
    def _step_failed(self, message: StepFailed) -> None:
        self._show_status()
        self.notify(markup(message.error), title="Not done", severity="error")

    def _announce(self, event) -> None:
        if event.kind == "approval":
            self.notify(markup(event.text), title="Escalation answered")
        elif event.kind == "spillover":
            self.notify(markup(event.data.get('title') or event.text), title=clean(f"It spread to {event.data.get('platform', 'elsewhere')}"),
                        severity="warning")
        elif event.kind == "offer_blocked":
            self.notify(markup(event.text), title="Offer not sent", severity="warning")
        elif event.kind == "promise" and event.data.get("status") == "broken":
            self.notify("A promise ran out of time.", title="Promise broken", severity="error")
        elif event.kind == "end":
            self.notify(markup(event.text), title="The scenario has ended")

    # ------------------------------------------------------------------ rendering

    def _show_view(self, view: View, coach: bool = False) -> None:
        self.view = view
        self.query_one(Feed).show(view.feed, empty="The feed is quiet.")
        show_private = bool(view.private) or (self.query_one(Composer).mode == "private" and self._composing())
        pane = self.query_one(PrivatePane)
        pane.display = show_private
        if show_private:
            pane.show(view.private, empty="No private messages yet. Write one with p.")
        onboarding = self.scenario.track == "onboarding"
        self.query_one(CustomerCard).show(self.scenario.persona, view, reveal=not onboarding)
        self.query_one(CustomerLine).show(self.scenario.persona, view)
        self.query_one(Composer).offer_reply_to(view.named and not view.finished)
        self.query_one(RipplePanel).show(view)
        self.query_one(Suggestions).show(view)
        if coach and view.coach is not None:
            self.query_one(CoachBar).show(view.coach)
            if self._coach_timer is not None:
                self._coach_timer.stop()
            self._coach_timer = self.set_timer(COACH_SECONDS, self._hide_coach)
        self._show_status()
        self.refresh_bindings()

    def _hide_coach(self) -> None:
        self.query_one(CoachBar).show(None)

    def _show_status(self) -> None:
        self.query_one(StatusBar).show(self.scenario.title, self.view, paused=self.paused, busy=self.busy or self.session is None)

    def _composing(self) -> bool:
        focused = self.focused
        return focused is not None and focused.id == "composer-input"

    # ------------------------------------------------------------------ bindings

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in GAME_ACTIONS or action == "finish":
            if self.view is None:
                return False
            if self.view.finished and action != "finish":
                return False
        if action == "pause" and (self.scenario is None or self.scenario.mode != "realtime"):
            return False
        if action == "choose" and self.view is not None:
            n = parameters[0] if parameters else 0
            return any(s.key == n for s in self.view.suggestions)
        return True

    def action_reply(self) -> None:
        self._reply_to = None
        self._compose_in("reply")

    def action_reply_to(self) -> None:
        """Answer one person in the thread: the customer's post or a named commenter's."""
        if self.view is None:
            return
        self.app.push_screen(ReplyToModal(self.view.answerable), self._reply_picked)

    def _reply_picked(self, item: str | None) -> None:
        if not item or self.view is None:
            return
        self._reply_to = item
        entry = next((e for e in self.view.answerable if e.item == item), None)
        self._compose_in("reply")
        if entry is not None:
            self.query_one(Composer).border_title = f"Public reply to {entry.author}'s post at T+{format_duration(entry.t)}"

    def action_private(self) -> None:
        self._compose_in("private")
        pane = self.query_one(PrivatePane)
        pane.display = True
        if self.view is not None:
            pane.show(self.view.private, empty="No private messages yet: write the first one below.")

    def action_walk_away(self) -> None:
        self._compose_in("walk_away")

    def action_follow_up(self) -> None:
        self._compose_in("follow_up")

    def _compose_in(self, mode: str) -> None:
        self.query_one(Composer).open(mode)

    @on(Composer.Sent)
    def _sent(self, message: Composer.Sent) -> None:
        text = message.text
        mode = message.mode
        to = self._reply_to if mode == "reply" else None  # a reply aimed at one post (t)
        self._reply_to = None

        def message_of(commit: bool | None = None):
            extra = {**({"to": to} if to else {}), **({"commit": False} if commit is False else {})}
            return MESSAGE[mode](text, **extra)
        composer = self.query_one(Composer)
        composer.rest()
        self.query_one(Feed).focus()
        self._hide_coach()
        found = self._commitment(text, mode)
        if found is None:
            self.act(message_of())
            return

        def decided(apply: bool | None) -> None:
            if apply is None:
                composer.open(mode, text)  # cancelled: nothing sent, the words are kept
                return
            self.act(message_of() if apply else message_of(False))

        value = f" (value {found.value:g})" if found.value else ""
        self.app.push_screen(ConfirmModal(
            "Your reply commits to a remedy",
            f"\u201c{found.sentence}\u201d\n\nreads as: {found.label}{value}.\n\n"
            "Apply it as an offer when the reply is sent? Words and acts should match: the customer will expect it.",
            yes="Send and apply", no="Send the words only"), decided)

    def _commitment(self, text: str, mode: str):
        """What the words commit to, asked of the session without waiting on a step in flight."""
        if mode == "walk_away" or not self._session_lock.acquire(timeout=0.5):
            return None
        try:
            return self.session.committed(text, mode)
        except Exception:  # a question asked for the player's convenience must never cost the reply
            return None
        finally:
            self._session_lock.release()

    @on(Composer.Cancelled)
    def _cancelled(self) -> None:
        self._reply_to = None
        composer = self.query_one(Composer)
        composer.rest()
        self.query_one(Feed).focus()
        if self.view is not None and not self.view.private:
            self.query_one(PrivatePane).display = False

    def action_choose(self, n: int) -> None:
        if self.view is None:
            return
        suggestion = next((s for s in self.view.suggestions if s.key == n), None)
        if suggestion is None:
            self.app.bell()
            return
        self._hide_coach()
        self.act(A.Choose(suggestion.id), label=suggestion.action)

    def action_escalate(self) -> None:
        if self.view is None:
            return
        self.app.push_screen(EscalateModal(self.scenario.roles, self.view.authority, self.view.escalated), self._then_act)

    def action_offer(self) -> None:
        if self.view is None:
            return
        self.app.push_screen(OfferModal(self.scenario.remedies, self.view.authority, ()), self._then_act)

    def action_hide(self) -> None:
        if self.view is None:
            return
        self.app.push_screen(HideModal(self.view.hideable, self.scenario.brand.guidelines_posted), self._then_act)

    def action_wait(self) -> None:
        if self.view is None:
            return

        def waited(minutes: float | None) -> None:
            if minutes:
                self.act(A.Wait(float(minutes)))

        self.app.push_screen(WaitModal(self.view.time_limit - self.view.t), waited)

    def _then_act(self, action) -> None:
        if action is not None:
            self.act(action)

    def action_pause(self) -> None:
        self.paused = not self.paused
        self._owed = 0.0
        self._show_status()
        self.notify("Paused: the clock is stopped." if self.paused else "Running.", timeout=2)

    def _tick(self) -> None:
        """Real time: the clock runs by `speed` simulated minutes per real second while on screen."""
        if self.paused or self.view is None or self.view.finished or self.app.screen is not self or self._left:
            return
        self._owed += TICK_SECONDS
        if self.busy:
            return  # the previous step is still running; the owed time goes into the next one
        minutes, self._owed = self.scenario.speed * self._owed, 0.0
        self.submit("tick", lambda s: s.advance(minutes))

    def action_finish(self) -> None:
        if self.view is None:
            return
        if self.view.finished:
            if not self.busy:
                self._open_debrief()
            else:
                self._debrief_when_done = True
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self._debrief_when_done = True
                self._hide_coach()
                self.submit("finish", lambda s: s.finish())

        self.app.push_screen(ConfirmModal(
            "Close the case?",
            f"The world runs on to the time limit ({self.view.left} more) without you, then you get your debrief.",
            yes="Close the case", no="Keep playing"), decided)

    def _open_debrief(self) -> None:
        self._left = True
        self.app.switch_screen(DebriefScreen(self.session, blink=self._blink))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_leave(self) -> None:
        if self.view is None or self.view.finished:
            self._go_home()
            return

        def chosen(where: str | None) -> None:
            if where == "home":
                self._go_home()
            elif where == "quit":
                self.app.exit()

        self.app.push_screen(LeaveModal(), chosen)

    def _go_home(self) -> None:
        self._left = True
        self.app.pop_screen()

    def on_unmount(self) -> None:
        self._left = True
        session = self.session
        if session is not None and session.writer is not None and not self.busy and session.finished is False:
            session.writer.close()

    # ------------------------------------------------------------------ authoring: hot reload

    def action_reload(self) -> None:
        if self.session is None:
            return
        if self.scenario is None or not self.scenario.path or self.scenario.path.startswith("<"):
            self.notify("This scenario was not loaded from a file.", severity="warning")
            return
        self.notify("Reloading the scenario…", timeout=2)
        self._reload()

    @work(thread=True, exclusive=True, group="reload", exit_on_error=False)
    def _reload(self) -> None:
        with self._session_lock:
            result = services.reload(self.app.workspace, self.session)
            if result.session is None:
                self.post_message(Reloaded(None, result.problems))
                return
            self.session = result.session
            self.scenario = result.session.scenario
            view = build_view(result.session)
        self.post_message(Reloaded(view))

    @on(Reloaded)
    def _reloaded(self, message: Reloaded) -> None:
        if message.view is None:
            self.app.push_screen(MessageModal("The scenario does not validate; your session is unchanged",
                                              "\n".join(message.problems), error=True))
            return
        self._show_view(message.view)
        self.notify(f"Reloaded; {message.view.steps} steps replayed.", title="Scenario reloaded")

    # ------------------------------------------------------------------ for tests and the palette

    def suggestions_text(self) -> str:
        return str(self.query_one(Suggestions).content)

