"""The drill's dialogs: who plays which role, a role player's decision, a planning question.

Each returns what was decided through `dismiss()`; the drill play screen turns it into a step
(`decide` or a facilitator `decision`) so it lands in the transcript like any other move.
"""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from simulator.evaluate.drill import DrillError, team_of
from simulator.format.durations import format_duration
from simulator.format.textsafe import clip
from simulator.ui.text import assemble, clean, lines, markup, plain


class RoleAssignment(ModalScreen):
    """Who sits in which role. A role left blank is played by the facilitator: in a drill every
    role's decision waits for a person in the room; it never approves itself."""

    CSS_PATH = "../drill.tcss"
    BINDINGS = [Binding("ctrl+s", "start", "Start the drill", priority=True), Binding("escape", "close", "Back")]
    AUTO_FOCUS = "Input"

    def __init__(self, scenario):
        super().__init__()
        self.scenario = scenario

    def compose(self):
        with Vertical(classes="dialog wide", id="drill-roles"):
            yield Static(plain("Who plays which role", "bold"), classes="dialog-title")
            yield Static(plain(f"{self.scenario.title}: type a name for each role. Escalations wait for that person's "
                               "decision; a role left blank is played by the facilitator."), classes="dialog-hint")
            with VerticalScroll(classes="dialog-scroll"):
                for role in self.scenario.roles:
                    with Horizontal(classes="dialog-row drill-seat"):
                        authority = f"up to {role.authority:g}"
                        delay = f"answers in {format_duration(role.delay)}" if role.delay else "at once"
                        yield Label(assemble((clip(clean(role.title), 34), "bold"), f"  {authority}, {delay}"))
                        yield Input(placeholder="name", id=f"seat-{role.id}", max_length=60)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Start the drill (ctrl+s)", variant="primary", id="start")
                yield Button("Back (esc)", id="back")
        yield Footer()

    def on_mount(self) -> None:
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    def assignments(self) -> dict[str, str]:
        out = {}
        for role in self.scenario.roles:
            value = self.query_one(f"#seat-{role.id}", Input).value.strip()
            if value:
                out[role.id] = value
        return out

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        try:
            team = team_of(self.scenario, self.assignments())
        except DrillError as exc:
            self.notify(markup(exc), severity="error")
            return
        self.dismiss(team)

    @on(Button.Pressed, "#back")
    def action_close(self) -> None:
        self.dismiss(None)


class ApprovalModal(ModalScreen):
    """An escalation reached a role: that role's player approves (with a limit) or denies."""

    CSS_PATH = "../drill.tcss"
    BINDINGS = [Binding("ctrl+a", "approve", "Approve", priority=True), Binding("ctrl+d", "deny", "Deny", priority=True),
                Binding("escape", "close", "Later")]
    AUTO_FOCUS = "#note"

    def __init__(self, role, player: str, request: str, authority_now: float):
        super().__init__()
        self.role, self.player, self.request, self.authority_now = role, player, request, authority_now

    def compose(self):
        role = self.role
        who = f"{self.player}, as {role.title}" if self.player else f"{role.title} (the facilitator plays this role)"
        with Vertical(classes="dialog wide", id="drill-approval"):
            yield Static(assemble(("Decision for ", "bold"), (clean(who), "bold")), classes="dialog-title")
            body = [plain(f"The team asks you to step in. The front line may give up to {self.authority_now:g} now; "
                          f"you can allow up to {role.authority:g}.")]
            if self.request:
                body.append(assemble(("Their note: ", "$text-muted"), f"“{clean(self.request)}”"))
            if role.description:
                body.append(plain(role.description, "italic"))
            yield Static(lines(*body), classes="dialog-body")
            with Horizontal(classes="dialog-row"):
                yield Label("Limit")
                yield Input(value=f"{role.authority:g}", id="limit", type="number")
            with Horizontal(classes="dialog-row"):
                yield Label("Note")
                yield Input(placeholder="why (goes in the transcript)", id="note", max_length=500)
            yield Static("", classes="dialog-error", id="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Approve (ctrl+a)", variant="success", id="approve")
                yield Button("Deny (ctrl+d)", variant="error", id="deny")
                yield Button("Later (esc)", id="later")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    def _decision(self, approve: bool) -> dict | None:
        out = {"role": self.role.id, "approve": approve}
        if self.player:
            out["who"] = self.player
        note = self.query_one("#note", Input).value.strip()
        if note:
            out["note"] = note
        if approve:
            raw = self.query_one("#limit", Input).value.strip()
            try:
                limit = float(raw) if raw else self.role.authority
            except ValueError:
                limit = -1.0
            if not 0 <= limit <= self.role.authority:
                self.query_one("#error", Static).update(plain(f"The limit is a number from 0 to {self.role.authority:g}."))
                return None
            if limit != self.role.authority:
                out["limit"] = limit
        return out

    @on(Button.Pressed, "#approve")
    def action_approve(self) -> None:
        decision = self._decision(True)
        if decision is not None:
            self.dismiss(decision)

    @on(Button.Pressed, "#deny")
    def action_deny(self) -> None:
        self.dismiss(self._decision(False))

    @on(Button.Pressed, "#later")
    def action_close(self) -> None:
        self.dismiss(None)


class QuestionPrompt(ModalScreen):
    """A planning question whose moment has come: the team's answer, and who gave it."""

    CSS_PATH = "../drill.tcss"
    BINDINGS = [Binding("ctrl+s", "record", "Record the answer", priority=True), Binding("escape", "close", "Later")]
    AUTO_FOCUS = "#answer"

    def __init__(self, point, who: str = ""):
        super().__init__()
        self.point, self.who = point, who

    def compose(self):
        p = self.point
        with Vertical(classes="dialog wide", id="drill-question"):
            yield Static(assemble((f"Planning question {p.question}: {p.title}", "bold")), classes="dialog-title")
            yield Static(lines(assemble(("Now, at ", "$text-muted"), f"T+{format_duration(p.t)}: ", (clean(p.reason), "italic")),
                               plain(p.prompt)), classes="dialog-body")
            with Horizontal(classes="dialog-row"):
                yield Label("Who")
                yield Input(value=self.who, placeholder="who answers", id="who", max_length=100)
            yield Input(placeholder="the team's answer (goes in the transcript and the playbook)", id="answer",
                        max_length=5000)
            yield Static("", classes="dialog-error", id="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Record (ctrl+s)", variant="primary", id="record")
                yield Button("Later (esc)", id="later")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()

    @on(Input.Submitted, "#answer")
    @on(Button.Pressed, "#record")
    def action_record(self) -> None:
        text = self.query_one("#answer", Input).value.strip()
        if not text:
            self.query_one("#error", Static).update(plain("Write the team's answer first (or esc for later)."))
            return
        who = self.query_one("#who", Input).value.strip() or "team"
        self.dismiss({"question": self.point.question, "who": who, "text": text})

    @on(Button.Pressed, "#later")
    def action_close(self) -> None:
        self.dismiss(None)
