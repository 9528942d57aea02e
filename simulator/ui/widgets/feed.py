"""The public feed and the private conversation: what everyone (or only the customer) can read."""

from __future__ import annotations

from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from simulator.format.durations import format_duration
from simulator.ui.text import assemble, clean, plain
from simulator.ui.view import FeedEntry

PLATFORM_NAMES = {"main": "", "twitter": "", "blog": "blog", "forum": "forum", "news": "news", "facebook": "Facebook",
                  "reddit": "Reddit", "email": "email", "phone": "phone", "dm": "DM", "review": "reviews"}


def _clock(t: float) -> str:
    return f"T+{format_duration(t)}"


def render_head(entry: FeedEntry) -> Content:
    """The first line of an entry: when, who, where, and how far it has spread."""
    if entry.kind == "note":
        if entry.event == "beat":
            return plain(f"── {entry.title} ──" if entry.title else "──", "bold $accent")
        warn = entry.event == "offer_blocked" or (entry.event == "promise" and "BROKEN" in entry.text)
        style = "$warning" if warn else "$text-muted"
        return assemble(("▸ ", style), (entry.text, style), (f"  {_clock(entry.t)}", "$text-muted"))
    platform = PLATFORM_NAMES.get(entry.platform, entry.platform)
    tags: list = []
    if platform:
        tags.append((f"[{clean(platform)}] ", "bold $warning"))
    if entry.event == "spillover" and entry.title:
        tags.append((f"{entry.title} ", "bold"))
    if entry.event in ("follow_up", "walk_away"):
        tags.append(("follow-up " if entry.event == "follow_up" else "walked away ", "$text-muted"))
    if entry.hidden:
        tags.append(("(hidden by you) ", "bold $error"))
    author_style = "bold $success" if entry.kind == "brand" else "bold $secondary"
    stats = f" · seen {entry.seen:,} · shared {entry.shares:,}" if entry.seen or entry.shares else ""
    return assemble((entry.author + " ", author_style), *tags, (_clock(entry.t), "$text-muted"), (stats, "$text-muted"))


def render_body(entry: FeedEntry) -> Content | None:
    if entry.kind == "note":
        return plain(entry.text, "italic") if entry.event == "beat" else None
    return plain(entry.text, "dim strike" if entry.hidden else "")


class EntryView(Vertical):
    """One entry of the feed; updated in place when its spread or hidden state changes."""

    DEFAULT_CSS = """
    EntryView { height: auto; }
    EntryView > .head { height: auto; }
    EntryView > .body { height: auto; padding-left: 2; }
    EntryView.beat > .body { padding-left: 0; }
    """

    def __init__(self, entry: FeedEntry):
        super().__init__(classes="beat" if entry.event == "beat" else "")
        self.entry = entry

    def compose(self):
        yield Static(render_head(self.entry), classes="head")
        body = render_body(self.entry)
        static = Static(body or "", classes="body")
        static.display = body is not None
        yield static

    def set_entry(self, entry: FeedEntry) -> None:
        if entry == self.entry:
            return
        self.entry = entry
        self.query_one(".head", Static).update(render_head(entry))
        body = render_body(entry)
        static = self.query_one(".body", Static)
        static.update(body or "")
        static.display = body is not None


class Feed(VerticalScroll):
    """A timeline, newest at the bottom, following the latest entry unless the reader scrolled up."""

    DEFAULT_CSS = """
    Feed { height: 1fr; }
    Feed > .empty { color: $text-muted; text-style: italic; }
    Feed > .typing { margin-top: 1; }
    """

    def compose(self):
        yield Static("", classes="empty")
        yield Static("", classes="typing")

    def show(self, entries: tuple[FeedEntry, ...], empty: str = "Nothing here yet.", typing: str = "") -> None:
        follow = self.scroll_y >= self.max_scroll_y - 1
        placeholder = self.query_one(".empty", Static)
        placeholder.update(plain(empty))
        placeholder.display = not entries
        hint = self.query_one(".typing", Static)
        hint.update(plain(typing, "italic $accent"))
        hint.display = bool(typing)
        views = list(self.query(EntryView))
        for view, entry in zip(views, entries, strict=False):
            view.set_entry(entry)
        if len(views) > len(entries):
            for view in views[len(entries):]:
                view.remove()
        elif len(entries) > len(views):
            self.mount_all([EntryView(e) for e in entries[len(views):]], before=hint)
        if follow:
            self.call_after_refresh(self.scroll_end, animate=False)

    def text(self) -> str:
        """Everything the feed shows, as plain text (tests read it)."""
        out = []
        for view in self.query(EntryView):
            out.append(render_head(view.entry).plain)
            body = render_body(view.entry)
            if body is not None:
                out.append(body.plain)
        return "\n".join(out)


class PrivatePane(Feed):
    """The direct-message conversation with the customer, apart from the public feed."""

    DEFAULT_CSS = """
    PrivatePane { height: 1fr; }
    """
