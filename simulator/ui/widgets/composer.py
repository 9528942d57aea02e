"""Where the trainee writes: a public reply, a DM, a walk-away line or a follow-up."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input

from simulator.format.actions import MAX_TEXT

MODES = {
    "reply": ("Reply in public", "Write your public reply, then Enter (Esc to cancel)"),
    "private": ("Private message (DM)", "Write your DM to the customer, then Enter (Esc to cancel)"),
    "walk_away": ("Walk away: your last word", "A graceful last word that leaves the door open, then Enter"),
    "follow_up": ("Follow-up post", "A visible post for the aftermath, then Enter"),
}


class Composer(Vertical):
    """Owns the text input; tells its screen what was written with a `Sent` message."""

    DEFAULT_CSS = """
    Composer { height: 3; border: round $panel-lighten-2; padding: 0 1; }
    Composer:focus-within { border: round $accent; }
    Composer.private { border: round $warning; }
    Composer Input { border: none; height: 1; padding: 0; background: transparent; }
    Composer Input:focus { border: none; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=True)]

    mode = reactive("reply", always_update=True, init=False)

    @dataclass
    class Sent(Message):
        mode: str
        text: str

    @dataclass
    class Cancelled(Message):
        mode: str

    def __init__(self, *, blink: bool = True, id: str | None = None):
        super().__init__(id=id)
        self._blink = blink

    def compose(self):
        field = Input(placeholder="Press r to write a public reply", max_length=MAX_TEXT, id="composer-input")
        field.cursor_blink = self._blink
        yield field

    def on_mount(self) -> None:
        self.rest()

    def watch_mode(self, mode: str) -> None:
        title, hint = MODES.get(mode, MODES["reply"])
        self.border_title = title
        self.set_class(mode == "private", "private")
        if self.is_mounted:
            self.query_one(Input).placeholder = hint

    def open(self, mode: str, text: str = "") -> None:
        """Start writing; `text` puts back words that were not sent (a cancelled confirmation)."""
        self.mode = mode
        box = self.query_one(Input)
        if text:
            box.value = text
        box.focus()

    def rest(self) -> None:
        """Back to the idle look after sending or cancelling."""
        self.border_title = "Write: r public reply · p DM · 1-9 suggestion"
        self.set_class(False, "private")
        self.query_one(Input).placeholder = "Press r to write a public reply"

    @on(Input.Submitted, "#composer-input")
    def _send(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.app.bell()
            return
        event.input.value = ""
        self.post_message(self.Sent(self.mode, text))

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled(self.mode))
