"""Where the trainee writes: a public reply, a DM, a walk-away line or a follow-up.

A multi-line box (Textual's TextArea) that wraps instead of scrolling sideways and grows up to
four lines: Enter sends, and shift+Enter, alt+Enter or ctrl+J starts a new line (ctrl+J works in
every terminal; shift+Enter only where the terminal reports it).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import TextArea

from simulator.format.actions import MAX_TEXT

MODES = {
    "reply": ("Reply in public", "Write your public reply, then Enter (Esc to cancel)"),
    "private": ("Private message (DM)", "Write your DM to the customer, then Enter (Esc to cancel)"),
    "walk_away": ("Walk away: your last word", "A graceful last word that leaves the door open, then Enter"),
    "follow_up": ("Follow-up post", "A visible post for the aftermath, then Enter"),
}
NEWLINE_KEYS = ("shift+enter", "alt+enter", "ctrl+j")
WRITING_HINT = "Enter sends · ctrl+J new line · Esc cancels"
IDLE_TITLE = "Write: r public reply · p DM · 1-9 suggestion"
IDLE_TITLE_TO_ONE = "Write: r public reply · t reply to one · p DM · 1-9 suggestion"  # named commenters in the thread
IDLE_SUBTITLE = "h hide · a walk away · f follow-up · w wait · d done · ? help"


class ReplyArea(TextArea):
    """A TextArea where Enter sends (posts `Submitted`) and shift/alt+Enter or ctrl+J adds a line."""

    @dataclass
    class Submitted(Message):
        area: ReplyArea
        value: str

        @property
        def control(self) -> ReplyArea:
            return self.area

    async def _on_key(self, event) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        await super()._on_key(event)


class Composer(Vertical):
    """Owns the text input; tells its screen what was written with a `Sent` message."""

    DEFAULT_CSS = """
    Composer { height: auto; border: round $panel-lighten-2; padding: 0 1; }
    Composer:focus-within { border: round $accent; }
    Composer.private { border: round $warning; }
    Composer ReplyArea { border: none; height: auto; min-height: 1; max-height: 4; padding: 0; background: transparent; }
    Composer ReplyArea:focus { border: none; }
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

    def __init__(self, *, blink: bool = True, id: str | None = None, help_line: str = IDLE_SUBTITLE):
        super().__init__(id=id)
        self._blink = blink
        self._help_line = help_line  # the moves the footer has no room for, on the bottom border
        self._idle_title = IDLE_TITLE
        self._idle = True

    def compose(self):
        field = ReplyArea(placeholder="Press r to write a public reply", id="composer-input", soft_wrap=True,
                          compact=True, highlight_cursor_line=False, show_line_numbers=False)
        field.cursor_blink = self._blink
        yield field

    def on_mount(self) -> None:
        self.rest()

    def offer_reply_to(self, offered: bool) -> None:
        """Name `t` in the idle title while someone besides the customer can be answered by name."""
        self._idle_title = IDLE_TITLE_TO_ONE if offered else IDLE_TITLE
        if self._idle:
            self.border_title = self._idle_title

    def watch_mode(self, mode: str) -> None:
        self._idle = False
        title, hint = MODES.get(mode, MODES["reply"])
        self.border_title = title
        self.border_subtitle = WRITING_HINT
        self.set_class(mode == "private", "private")
        if self.is_mounted:
            self.query_one(ReplyArea).placeholder = hint

    def open(self, mode: str, text: str = "") -> None:
        """Start writing; `text` puts back words that were not sent (a cancelled confirmation)."""
        self.mode = mode
        box = self.query_one(ReplyArea)
        if text:
            box.text = text
            box.move_cursor(box.document.end)
        box.focus()

    def rest(self) -> None:
        """Back to the idle look after sending or cancelling."""
        self._idle = True
        self.border_title = self._idle_title
        self.border_subtitle = self._help_line
        self.set_class(False, "private")
        self.query_one(ReplyArea).placeholder = "Press r to write a public reply"

    @on(ReplyArea.Submitted, "#composer-input")
    def _send(self, event: ReplyArea.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.app.bell()
            return
        if len(text) > MAX_TEXT:
            self.app.bell()
            self.notify(f"That is {len(text):,} characters; a reply holds at most {MAX_TEXT:,}.", severity="warning")
            return
        event.area.clear()
        self.post_message(self.Sent(self.mode, text))

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled(self.mode))
