"""`crisis join`: one seat of a drill room in the terminal (the room is held by `crisis serve`).

The screen shows what the room sends for this seat (the feed, the customer, the ripple, the
approvals addressed to it, the raised questions) and, for the seat that owns the conversation,
the composer with the suggested moves. Every action goes to the room's API; a refusal is shown as
the room's reason. Text from the room is cleaned for the terminal (simulator/ui/text.py).
"""

from __future__ import annotations

import asyncio

import aiohttp
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Input, Static

from simulator.ui.remote import HELP, JoinError, RoomClient, RoomLink, RoomRefused, command
from simulator.ui.text import assemble, lines, markup, plain

FEED_LINES = 60


def _head(s: dict) -> object:
    pace = "room closed" if s.get("closed") else f"ended: {s.get('end_reason', '')}" if s.get("finished") else (
        f"running ×{s.get('speed', 1):g}" if s.get("running") else "paused")
    you = s.get("you") or {}
    who = f"{you.get('title', '')} ({you.get('person')})" if you.get("person") else you.get("title", s.get("role", ""))
    return assemble((s.get("title", ""), "bold"), "  ", (s.get("clock", ""), "bold"), f"  {pace}  ·  you: {who}")


def _world(s: dict) -> object:
    m = s.get("metrics", {})
    c = s.get("customer") or {}
    row = (f"reach {m.get('reach', 0):,} · negative {m.get('negative_reach', 0):,} · sentiment {m.get('sentiment', 0):+.2f} "
           f"· spillovers {m.get('spillovers', 0)}")
    if c:
        row += f"  |  {c.get('name', '')}: {c.get('mood', '')}, anger {c.get('anger', 0):.2f}, trust {c.get('trust', 0):.2f}"
    return plain(row)


def _feed(s: dict) -> object:
    rows = []
    for f in s.get("feed", [])[-FEED_LINES:]:
        style = {"brand": "bold cyan", "note": "dim", "private": "magenta"}.get(f.get("kind"), "")
        rows.append(assemble((f"{f.get('clock', '')} ", "dim"), (f"{f.get('author', '')}: ", "bold"), (f.get("text", ""), style)))
    return lines(*rows) if rows else plain("(nothing yet)")


def _asks(s: dict) -> object:
    rows = []
    you = s.get("you") or {}
    for p in s.get("pending", []):
        if p.get("role") == you.get("role"):
            note = f" — “{p['note']}”" if p.get("note") else ""
            rows.append(assemble(("DECIDE ", "bold yellow"), f"{p.get('title')}: a request since {p.get('clock')}{note}. "
                                 f"/approve [limit up to {p.get('authority', 0):g}] [note] or /deny [note]"))
    for q in s.get("questions", []):
        rows.append(assemble(("QUESTION ", "bold yellow"), f"Q{q.get('question')} {q.get('title')}: {q.get('prompt')}  "
                             f"(/answer {q.get('question')} TEXT)"))
    if you.get("composer") and not s.get("finished"):
        for n, c in enumerate(s.get("suggestions", []), start=1):
            rows.append(plain(f"/{n}  {c.get('label', '')}"))
    elif not you.get("composer"):
        rows.append(plain(f"The conversation is {you.get('owner') or 'the front line'}'s; you decide what is addressed to you."))
    return lines(*rows) if rows else plain("")


class JoinedApp(App):
    """One seat in a room, over the room's API."""

    TITLE = "Crisis Tabletop — drill room"
    CSS = """
    #head { background: $panel; padding: 0 1; }
    #world { padding: 0 1; color: $text-muted; }
    #feed { height: 1fr; border: round $primary; padding: 0 1; }
    #asks { padding: 0 1; max-height: 12; }
    #status { padding: 0 1; color: $warning; }
    """
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True), Binding("f1", "help", "Help")]

    def __init__(self, link: RoomLink, *, retry: float = 1.0):
        super().__init__()
        self.link = link
        self.state: dict = {}
        self.retry = retry
        self._http: aiohttp.ClientSession | None = None
        self.client: RoomClient | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="head")
        yield Static(id="world")
        with VerticalScroll(id="feed"):
            yield Static(id="feed-text")
        yield Static(id="asks")
        yield Static(id="status")
        yield Input(placeholder="a reply, or /help", id="composer", max_length=2000)
        yield Footer()

    async def on_mount(self) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, sock_connect=10))
        self.client = RoomClient(self.link, self._http)
        self.query_one("#composer", Input).focus()
        self.run_worker(self._listen(), exclusive=True, group="stream")

    async def on_unmount(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def _listen(self) -> None:
        assert self.client is not None
        delay = self.retry
        while True:
            try:
                async for state in self.client.states():
                    self.show(state)
                    delay = self.retry
            except RoomRefused as exc:
                self.say(str(exc))
                return
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                self.say(f"cannot reach the room ({exc.__class__.__name__}); trying again…")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    def show(self, state: dict) -> None:
        if self.state and state.get("version", 0) < self.state.get("version", 0):
            return
        self.state = state
        self.query_one("#head", Static).update(_head(state))
        self.query_one("#world", Static).update(_world(state))
        self.query_one("#feed-text", Static).update(_feed(state))
        self.query_one("#feed", VerticalScroll).scroll_end(animate=False)
        self.query_one("#asks", Static).update(_asks(state))
        you = state.get("you") or {}
        self.query_one("#composer", Input).placeholder = (
            "a reply, or /help" if you.get("composer") else "/approve, /deny, /answer N TEXT, or /help")

    def say(self, text: str) -> None:
        self.query_one("#status", Static).update(plain(text))

    def action_help(self) -> None:
        self.say(HELP)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value
        if text.strip() in ("/help", "/?"):
            self.action_help()
            return
        try:
            action = command(text, self.state.get("suggestions", []))
        except JoinError as exc:
            self.say(str(exc))
            return
        assert self.client is not None
        try:
            await self.client.act(action)
        except RoomRefused as exc:
            self.notify(markup(str(exc)), title="The room said no", severity="warning")
            self.say(str(exc))
            return
        except (aiohttp.ClientError, OSError) as exc:
            self.say(f"not sent: cannot reach the room ({exc.__class__.__name__})")
            return
        event.input.value = ""
        self.say("")


def run_join(link: RoomLink) -> int:
    JoinedApp(link).run()
    return 0
