"""Typed modal screens: each returns the player's decision through `dismiss()` (GUIDE.md section 1).

A modal never changes the session itself; the play screen turns what it returns into an action
and runs it in a worker like any other step.
"""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from simulator.format import actions as A
from simulator.format.durations import format_duration, parse_duration
from simulator.format.textsafe import clip
from simulator.ui.text import assemble, lines, plain


class _Modal(ModalScreen):
    BINDINGS = [Binding("escape", "close", "Cancel")]

    def action_close(self) -> None:
        self.dismiss(None)


class ConfirmModal(_Modal):
    """A yes/no question; returns True, False, or None when cancelled."""

    BINDINGS = [Binding("escape", "close", "Cancel"), Binding("y", "yes", "Yes"), Binding("n", "no", "No")]

    def __init__(self, title: str, body: str, yes: str = "Yes", no: str = "No"):
        super().__init__()
        self._title, self._body, self._yes, self._no = title, body, yes, no

    def compose(self):
        with Vertical(classes="dialog"):
            yield Static(plain(self._title, "bold"), classes="dialog-title")
            yield Static(plain(self._body), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._yes} (y)", variant="primary", id="yes")
                yield Button(f"{self._no} (n)", id="no")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)


class LeaveModal(_Modal):
    """Quitting mid-session: the session is already saved; where does the player want to go?"""

    BINDINGS = [Binding("escape", "close", "Keep playing"), Binding("h", "home", "Home"), Binding("q", "quit_app", "Quit")]

    def compose(self):
        with Vertical(classes="dialog"):
            yield Static(plain("Leave this session?", "bold"), classes="dialog-title")
            yield Static(plain("Everything so far is saved. You can resume it from the home screen."), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Keep playing (esc)", variant="primary", id="stay")
                yield Button("Home (h)", id="home")
                yield Button("Quit (q)", variant="error", id="quit")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    @on(Button.Pressed, "#stay")
    def _stay(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#home")
    def action_home(self) -> None:
        self.dismiss("home")

    @on(Button.Pressed, "#quit")
    def action_quit_app(self) -> None:
        self.dismiss("quit")


class MessageModal(_Modal):
    """Something the player must read (diagnostics after a reload, an error, a report's path)."""

    BINDINGS = [Binding("escape", "close", "Close"), Binding("enter", "close", "Close", show=False)]

    def __init__(self, title: str, body: str, *, error: bool = False):
        super().__init__()
        self._title, self._body, self._error = title, body, error

    def compose(self):
        with Vertical(classes="dialog wide" + (" error" if self._error else "")):
            yield Static(plain(self._title, "bold"), classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(lines(*(plain(line) for line in self._body.splitlines() or [""])), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close (esc)", variant="primary", id="close")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)


class EscalateModal(_Modal):
    """Who needs to know: the roles above the trainee with their delay and authority."""

    def __init__(self, roles, authority: float, escalated: tuple[str, ...] = ()):
        super().__init__()
        self._roles = [r for r in roles if not r.trainee]
        self._authority = authority
        self._escalated = escalated

    def compose(self):
        with Vertical(classes="dialog wide"):
            yield Static(plain("Escalate: who needs to know?", "bold"), classes="dialog-title")
            yield Static(plain(f"Your authority now: {self._authority:g}. Pick a role (Enter); they answer after their delay."),
                         classes="dialog-hint")
            options = []
            for role in self._roles:
                tag = "  (already asked)" if role.id in self._escalated else ""
                prompt = lines(
                    assemble((role.title, "bold"), (tag, "$text-muted")),
                    assemble(("  answers in ", "$text-muted"), format_duration(role.delay),
                             ("  ·  can approve up to ", "$text-muted"), f"{role.authority:g}"),
                    *([plain("  " + role.description, "$text-muted italic")] if role.description else []),
                )
                options.append(Option(prompt, id=role.id))
            yield OptionList(*options, id="roles")
            yield Input(placeholder="Note for them (optional), e.g. what you need approved", max_length=A.MAX_TEXT, id="note")
        yield Footer()

    def on_mount(self) -> None:
        roles = self.query_one("#roles", OptionList)
        if not self._roles:
            self.dismiss(None)
            self.app.notify("This scenario has nobody to escalate to.", severity="warning")
            return
        roles.highlighted = 0
        roles.focus()

    @on(OptionList.OptionSelected, "#roles")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        note = self.query_one("#note", Input).value.strip()
        self.dismiss(A.Escalate(event.option.id, note))

    @on(Input.Submitted, "#note")
    def _submit_note(self) -> None:
        roles = self.query_one("#roles", OptionList)
        if roles.highlighted is not None:
            option = roles.get_option_at_index(roles.highlighted)
            self.dismiss(A.Escalate(option.id, self.query_one("#note", Input).value.strip()))


class OfferModal(_Modal):
    """All in: the remedy catalogue, each with its cost against the trainee's authority now."""

    def __init__(self, remedies, authority: float, offered: tuple[str, ...] = ()):
        super().__init__()
        self._remedies = list(remedies)
        self._authority = authority
        self._offered = offered

    def compose(self):
        with Vertical(classes="dialog wide"):
            yield Static(plain("Offer a remedy", "bold"), classes="dialog-title")
            yield Static(plain(f"Your authority now: {self._authority:g}. Over it? Escalate first (e). "
                               "Pick one, adjust the value if it varies, Enter to send."), classes="dialog-hint")
            options = []
            for remedy in self._remedies:
                within = remedy.cost <= self._authority + 1e-9
                mark = ("✓ within authority", "$success") if within else ("✗ over your authority", "$error")
                rng = f" (up to {remedy.max:g})" if remedy.max is not None else ""
                done = "  (offered)" if remedy.id in self._offered else ""
                options.append(Option(lines(
                    assemble((remedy.label or remedy.id, "bold"), (done, "$text-muted")),
                    assemble(("  cost ", "$text-muted"), f"{remedy.cost:g}{rng}", "  ", mark,
                             ("  · public" if remedy.public else "", "$text-muted")),
                ), id=remedy.id))
            yield OptionList(*options, id="remedies")
            with Horizontal(classes="dialog-row"):
                yield Label("Value: ")
                yield Input(placeholder="cost", id="value", restrict=r"[0-9.]*", max_length=12)
            yield Static("", id="offer-error", classes="dialog-error")
        yield Footer()

    def on_mount(self) -> None:
        remedies = self.query_one("#remedies", OptionList)
        if not self._remedies:
            self.dismiss(None)
            self.app.notify("This scenario has no remedies to offer.", severity="warning")
            return
        remedies.highlighted = 0
        remedies.focus()

    @on(OptionList.OptionHighlighted, "#remedies")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        remedy = self._remedies[event.option_index]
        self.query_one("#value", Input).value = f"{remedy.cost:g}"
        self.query_one("#offer-error", Static).update("")

    def _send(self) -> None:
        index = self.query_one("#remedies", OptionList).highlighted
        if index is None:
            return
        remedy = self._remedies[index]
        raw = self.query_one("#value", Input).value.strip()
        try:
            value = float(raw) if raw else remedy.cost
        except ValueError:
            self.query_one("#offer-error", Static).update(plain(f"'{raw}' is not a number", "$error"))
            return
        if remedy.max is not None and value > remedy.max + 1e-9:
            self.query_one("#offer-error", Static).update(plain(f"{remedy.label}: at most {remedy.max:g}", "$error"))
            return
        self.dismiss(A.Offer(remedy.id, None if value == remedy.cost else value))

    @on(OptionList.OptionSelected, "#remedies")
    def _picked(self) -> None:
        self._send()

    @on(Input.Submitted, "#value")
    def _value_entered(self) -> None:
        self._send()


class HideModal(_Modal):
    """Hide a post from someone else: which one, and what to tell them (telling them is rule-kind)."""

    def __init__(self, entries, guidelines_posted: bool):
        super().__init__()
        self._entries = list(entries)
        self._guidelines = guidelines_posted

    def compose(self):
        with Vertical(classes="dialog wide"):
            yield Static(plain("Hide a post", "bold"), classes="dialog-title")
            note = "Community guidelines are posted." if self._guidelines else "No community guidelines are posted: hiding may be noticed."
            yield Static(plain(note + " Pick a post (Enter)."), classes="dialog-hint")
            yield OptionList(*(Option(lines(assemble((e.author, "bold"), (f"  T+{format_duration(e.t)}", "$text-muted")),
                                            plain("  " + clip(e.text, 160))), id=e.item) for e in self._entries), id="posts")
            yield Input(placeholder="Tell them why (optional; sent to them privately)", max_length=A.MAX_TEXT, id="tell")
        yield Footer()

    def on_mount(self) -> None:
        if not self._entries:
            self.dismiss(None)
            self.app.notify("There is no post from someone else to hide.", severity="warning")
            return
        posts = self.query_one("#posts", OptionList)
        posts.highlighted = 0
        posts.focus()

    @on(OptionList.OptionSelected, "#posts")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(A.Hide(event.option.id, self.query_one("#tell", Input).value.strip()))

    @on(Input.Submitted, "#tell")
    def _told(self) -> None:
        posts = self.query_one("#posts", OptionList)
        if posts.highlighted is not None:
            self.dismiss(A.Hide(posts.get_option_at_index(posts.highlighted).id, self.query_one("#tell", Input).value.strip()))


class ReplyToModal(_Modal):
    """Pick the post a public reply answers: the customer's or a named commenter's (`reply: {to: POST}`)."""

    def __init__(self, entries):
        super().__init__()
        self._entries = list(entries)

    def compose(self):
        with Vertical(classes="dialog wide"):
            yield Static(plain("Reply to a post", "bold"), classes="dialog-title")
            yield Static(plain("Pick the post you answer (Enter); the composer opens for your reply."), classes="dialog-hint")
            yield OptionList(*(Option(lines(assemble((e.author, "bold"), (f"  T+{format_duration(e.t)}", "$text-muted")),
                                            plain("  " + clip(e.text, 160))), id=e.item) for e in self._entries), id="posts")
        yield Footer()

    def on_mount(self) -> None:
        if not self._entries:
            self.dismiss(None)
            self.app.notify("There is no post to reply to yet.", severity="warning")
            return
        posts = self.query_one("#posts", OptionList)
        posts.highlighted = len(self._entries) - 1
        posts.focus()

    @on(OptionList.OptionSelected, "#posts")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


WAITS = ((5, "5 minutes"), (15, "15 minutes"), (30, "30 minutes"), (60, "1 hour"), (120, "2 hours"))


class WaitModal(_Modal):
    """Let the clock run and watch: a few usual spans, or any duration typed ('45m', '1h 30m')."""

    def __init__(self, left: float):
        super().__init__()
        self._left = left

    def compose(self):
        with Vertical(classes="dialog"):
            yield Static(plain("Wait and monitor", "bold"), classes="dialog-title")
            yield Static(plain(f"{format_duration(self._left)} left in the scenario. Silence has a cost too."), classes="dialog-hint")
            yield OptionList(*(Option(label, id=str(m)) for m, label in WAITS if m <= max(self._left, 5)), id="spans")
            yield Input(placeholder="or type a duration: 45m, 1h 30m", id="custom", max_length=20)
            yield Static("", id="wait-error", classes="dialog-error")
        yield Footer()

    def on_mount(self) -> None:
        spans = self.query_one("#spans", OptionList)
        spans.highlighted = 0
        spans.focus()

    @on(OptionList.OptionSelected, "#spans")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(float(event.option.id))

    @on(Input.Submitted, "#custom")
    def _typed(self, event: Input.Submitted) -> None:
        try:
            minutes = parse_duration(event.value)
        except ValueError as exc:
            self.query_one("#wait-error", Static).update(plain(str(exc), "$error"))
            return
        if minutes <= 0:
            self.query_one("#wait-error", Static).update(plain("wait for more than 0 minutes", "$error"))
            return
        self.dismiss(minutes)
