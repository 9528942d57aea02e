"""What the play screen shows, frozen: built next to the session in the worker, read by widgets.

The session is mutable and steps run in a thread; widgets must never read it while a step is in
flight. So after each step the worker copies what the screen needs into these values (a few
hundred small objects even on a 100,000-node audience) and posts them; the screen renders only
those. Nothing here imports textual, so tests and the benchmark can build views directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.format.durations import format_duration

FEED_EVENTS = ("post", "brand_reply", "follow_up", "walk_away", "spillover")
PRIVATE_EVENTS = ("private_out", "private_in")
NOTE_EVENTS = ("beat", "escalation", "approval", "offer", "offer_blocked", "hidden", "promise", "inject", "note", "end")


@dataclass(frozen=True)
class FeedEntry:
    """One line of the feed: a post (with its spread so far) or something that happened."""

    t: float
    kind: str  # post | brand | note
    author: str
    text: str
    item: str = ""
    platform: str = "main"
    title: str = ""
    hidden: bool = False
    seen: int = 0
    shares: int = 0
    event: str = ""


@dataclass(frozen=True)
class Suggestion:
    key: int
    id: str
    label: str
    action: str
    text: str


@dataclass(frozen=True)
class Coach:
    t: float
    text: str
    kept: tuple[int, ...]
    broken: tuple[int, ...]
    quote: str


@dataclass(frozen=True)
class View:
    t: float
    time_limit: float
    finished: bool
    end_reason: str
    mode: str
    speed: float
    mood: str
    anger: float
    trust: float
    patience: float
    heard: float
    resolved: float
    outcome: str
    reach: int
    negative_reach: int
    sentiment: float
    velocity: float
    spillovers: int
    d_reach: int
    d_negative: int
    d_sentiment: float
    reach_history: tuple[float, ...]
    negative_history: tuple[float, ...]
    sentiment_history: tuple[float, ...]
    groups: tuple[tuple[str, float], ...]
    feed: tuple[FeedEntry, ...]
    private: tuple[FeedEntry, ...]
    suggestions: tuple[Suggestion, ...]
    beat_title: str
    beat_text: str
    authority: float
    spent: float
    escalated: tuple[str, ...]
    approved: tuple[str, ...]
    waiting_on: tuple[str, ...]
    promises_open: int
    coach: Coach | None
    steps: int
    hideable: tuple[FeedEntry, ...]
    is_private: bool
    typing: str = ""  # "public" | "private" when the customer is about to answer
    neutral_reach: int = 0  # reached by nothing that leaned either way
    positive_reach: int = 0  # saw something positive and nothing negative
    answerable: tuple[FeedEntry, ...] = ()  # posts by the customer or a named commenter, to reply to by name
    named: bool = False  # a named commenter's post is among them (so `t` is worth offering)

    @property
    def clock(self) -> str:
        return f"T+{format_duration(self.t)}"

    @property
    def left(self) -> str:
        return format_duration(max(0.0, self.time_limit - self.t))


def _shares(amplifiers: dict, item: str) -> int:
    return int(sum(amplifiers.get(item, {}).values()))


def build_view(session, previous: View | None = None) -> View:
    """Copy what the play screen needs out of a session (call it while no step runs)."""
    ripple = session.ripple
    snap = ripple.snapshot()
    amplifiers = ripple.amplifiers()
    sc = session.scenario
    feed: list[FeedEntry] = []
    private: list[FeedEntry] = []
    coach: Coach | None = None
    handle = sc.brand.handle
    for event in session.events:
        kind = event.kind
        if kind in FEED_EVENTS:
            post = session.posts.get(event.item)
            author = {"customer": sc.persona.handle or sc.persona.name, "brand": f"{handle} (you)",
                      "brand_voice": f"{handle} (the brand's account, not you)"}.get(event.actor, event.actor)
            person = sc.commenter(event.actor) if sc.commenters else None
            if person is not None:
                author = person.handle or person.name
            if kind == "spillover":
                author = event.data.get("platform", event.actor)
            feed.append(FeedEntry(
                event.t, "brand" if event.actor == "brand" else "post", author, event.text, event.item,
                platform=(post.platform if post else event.data.get("platform", "main")),
                title=(post.title if post else event.data.get("title", "")),
                hidden=bool(post and post.hidden),
                seen=ripple.item_reach(event.item) if event.item else 0,
                shares=_shares(amplifiers, event.item),
                event=kind,
            ))
        elif kind in PRIVATE_EVENTS:
            who = f"{handle} (you)" if kind == "private_out" else (sc.persona.handle or sc.persona.name)
            private.append(FeedEntry(event.t, "brand" if kind == "private_out" else "post", who, event.text, event.item,
                                     platform=event.data.get("channel", "dm"), event=kind))
        elif kind == "coach":
            reply = next((r for r in reversed(session.replies) if r.post == event.item), None)
            coach = Coach(event.t, event.text, tuple(event.data.get("kept", ())), tuple(event.data.get("broken", ())),
                          reply.text if reply else "")
        elif kind in NOTE_EVENTS:
            text = _note_text(event, sc, session.posts)
            if text:
                feed.append(FeedEntry(event.t, "note", "", text, event.item, title=event.data.get("title", ""), event=kind))
    history = ripple.history
    prev_reach = previous.reach if previous else 0
    prev_neg = previous.negative_reach if previous else 0
    prev_sent = previous.sentiment if previous else 0.0
    beat = session.current_beat()
    suggestions = tuple(Suggestion(i, c.id, c.label, c.action, c.text) for i, c in enumerate(session.choices()[:9], start=1))
    pending = tuple(r for r in session.escalated if r not in session.approved)
    hideable = tuple(e for e in feed if e.kind == "post" and e.item and not e.hidden and e.item in session.posts
                     and session.posts[e.item].author != "brand" and session.posts[e.item].public)
    people = {"customer", *(c.id for c in sc.commenters)}
    answerable = tuple(e for e in hideable if session.posts[e.item].author in people)
    heat = ripple.group_heat()
    p = session.persona
    return View(
        t=session.t, time_limit=sc.time_limit, finished=session.finished, end_reason=session.end_reason,
        mode=sc.mode, speed=sc.speed,
        mood=p.mood, anger=p.anger, trust=p.trust, patience=p.patience, heard=p.heard, resolved=p.resolved,
        outcome=session.outcome(),
        reach=snap.reach, negative_reach=snap.negative_reach, sentiment=snap.net_sentiment, velocity=snap.share_velocity,
        spillovers=snap.spillovers, neutral_reach=snap.neutral_reach, positive_reach=snap.positive_reach,
        d_reach=snap.reach - prev_reach, d_negative=snap.negative_reach - prev_neg, d_sentiment=snap.net_sentiment - prev_sent,
        reach_history=tuple(float(h.reach) for h in history[-120:]),
        negative_history=tuple(float(h.negative_reach) for h in history[-120:]),
        sentiment_history=tuple(float(h.net_sentiment) for h in history[-120:]),
        groups=tuple((g.id, float(heat.get(g.id, 0.0))) for g in session.audience.groups),
        feed=tuple(feed), private=tuple(private), suggestions=suggestions,
        beat_title=beat.title if beat else "",
        beat_text=next((e.text for e in reversed(session.events) if e.kind == "beat" and e.data.get("beat") == beat.id), beat.text)
        if beat else "",  # the text as shown when it was entered (`text_when:` picks it then)
        authority=session.authority, spent=session.spent,
        escalated=tuple(session.escalated), approved=tuple(session.approved), waiting_on=pending,
        promises_open=sum(1 for pr in session.promises if pr.kept is None),
        coach=coach, steps=len(session.steps), hideable=hideable, answerable=answerable, is_private=session.private,
        named=any(session.posts[e.item].author != "customer" for e in answerable),
        typing=_typing(session),
    )


def _typing(session) -> str:
    """Whether the customer has an answer on its way (the agenda holds it until the clock gets there)."""
    if session.finished:
        return ""
    for entry in session.agenda.upcoming("customer_says"):
        public = entry.payload.get("public", True) and not session.private
        return "public" if public else "private"
    return ""


def _note_text(event, scenario, posts=None) -> str:
    kind, data = event.kind, event.data
    if kind == "beat":
        return event.text
    if kind == "escalation":
        delay = data.get("delay", 0)
        note = f" — “{event.text}”" if event.text else ""
        return f"You asked {data.get('title', data.get('role', '?'))} to step in (answer in ~{format_duration(delay)}){note}"
    if kind == "approval":
        return event.text
    if kind == "offer":
        where = "in public" if data.get("public") else "in private"
        value = data.get("value")
        cost = f" ({value:g})" if isinstance(value, int | float) and value else ""
        return f"You offered {where}: {event.text}{cost}"
    if kind == "offer_blocked":
        return f"Not sent — {event.text}"
    if kind == "hidden":
        why = " and told them why" if data.get("explained") else " without telling them why"
        post = posts.get(event.item) if posts else None
        whose = ""
        if post is not None:
            person = scenario.commenter(post.author) if scenario.commenters else None
            whose = " by " + (person.handle or person.name if person is not None
                              else scenario.persona.handle or scenario.persona.name if post.author == "customer"
                              else post.author.replace("_", " "))
        return f"You hid a post{whose}{why}"
    if kind == "promise":
        status = data.get("status")
        if status == "made":
            return f"Promise made (due {('T+' + format_duration(data['due'])) if 'due' in data else 'soon'}): “{event.text}”"
        if status == "kept":
            return "Promise kept."
        return f"Promise BROKEN: “{event.text}”"
    if kind == "inject":
        if data.get("item") or data.get("kind") == "customer":
            return ""  # the post itself is in the feed
        who = event.actor or "inject"
        return f"{who}: {event.text}"
    if kind == "note":
        return f"{event.actor}: {event.text}" if event.actor else event.text
    if kind == "end":
        return f"The scenario ended: {event.text}"
    return ""
