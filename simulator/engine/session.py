"""The session engine: one scenario, one seed, one clock, and everything the trainee does.

A `Session` owns the simulated clock, the agenda of scheduled happenings, the customer's state,
the audience's ripple and the story's beats. `act()` applies one trainee action and `advance()`
lets time run; both return immutable `Event`s. Every step is recorded, so the same scenario,
seed and steps give the same session byte for byte, and a transcript on disk can rebuild it.
The engine knows nothing of the UI.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from simulator.engine.events import Event
from simulator.format import actions as A
from simulator.format.scenario import Beat, Choice, Scenario
from simulator.world import analysis, persona
from simulator.world.audience import (
    Audience,
    build_audience,
    cache_key,
)
from simulator.world.ripple import Item, Ripple
from simulator.world.rng import stream

TICK = 5.0  # minutes between ripple metric samples while time runs
TYPING_WPM = 30.0  # how fast a trainee composes; longer replies cost more clock
PROMISE_WINDOW = 90.0  # minutes a promise may stay open before the customer calls it broken
PILE_ON_STEP = 250  # negative reach growth between two "pile-on" nudges to the customer
_AUDIENCE_CACHE: dict = {}
# Reactions the customer makes in public even once the conversation has gone private.
BRAND_STIMULI = frozenset({"reply", "private", "offer", "follow_up", "walk_away", "hide"})
PUBLIC_TRIGGERS = frozenset({"brushoff", "promise_broken", "ignored", "hidden", "walked_away", "pile_on", "rude"})
REVIEW_SHARE = 0.5  # drill: a needlessly involved senior role holds each public reply for this share of its delay
REVIEW_MAX = 60.0  # ... but never more than an hour


class SessionError(ValueError):
    """An action that cannot be applied now (unknown choice, finished session...)."""


@dataclass(frozen=True)
class Post:
    """A post in the public feed or the private channel, as the UI shows it."""

    id: str
    t: float
    author: str  # customer | brand | audience | platform
    text: str
    public: bool = True
    platform: str = "main"
    hidden: bool = False
    title: str = ""


@dataclass(frozen=True)
class ReplyRecord:
    """A brand message with its analysis, kept for scoring and the debrief."""

    n: int
    t: float
    kind: str  # reply private walk_away follow_up
    text: str
    analysis: analysis.Analysis
    public: bool
    choice: str | None = None
    feedback: str = ""
    post: str = ""


@dataclass
class Promise:
    id: str
    t: float
    due: float
    text: str
    kept: bool | None = None


@dataclass(frozen=True)
class Start:
    """Where a session begins: normally at the first beat at T+0; authors may start elsewhere."""

    beat: str | None = None
    clock: float = 0.0
    values: tuple[tuple[str, object], ...] = ()
    # A team drill: escalations wait for the role's player to decide (`Session.decide`) instead
    # of approving themselves after the role's delay; `team` is (role id, person) pairs.
    drill: bool = False
    team: tuple[tuple[str, str], ...] = ()


@dataclass
class Record:
    """What the trainee did, in order, with the facts scoring needs."""

    n: int
    t: float
    action: object
    kind: str
    data: dict = field(default_factory=dict)


DISK_CACHE_NODES = 20_000  # generating a graph this big with networkx takes seconds: keep it between runs


class AudienceShelf(Protocol):
    """Where big generated audiences are kept between runs (storage owns the one on disk)."""

    def load(self, key: str) -> Audience | None: ...

    def save(self, key: str, audience: Audience) -> None: ...


def cached_audience(scenario: Scenario, seed: int, shelf: AudienceShelf | None = None) -> Audience:
    """Audiences are frozen values, so sessions (and their counterfactual replays) share one.

    Big generated audiences can also be kept between runs on a `shelf` handed in by the caller
    (the services layer passes the cache directory's), because networkx builds a 100,000-node
    graph in seconds and the same scenario and seed always give the same graph. The engine
    itself never touches the disk.
    """
    key = (scenario.audience, seed)
    audience = _AUDIENCE_CACHE.get(key)
    if audience is not None:
        return audience
    if len(_AUDIENCE_CACHE) > 8:
        _AUDIENCE_CACHE.clear()
    spec = scenario.audience
    shelf_key = None
    if shelf is not None and spec.size >= DISK_CACHE_NODES and not spec.file and spec.model != "file":
        shelf_key = cache_key(spec, seed)
        audience = shelf.load(shelf_key)
    if audience is None:
        audience = build_audience(spec, seed, Path(scenario.path).parent if scenario.path else None)
        if shelf_key is not None:
            shelf.save(shelf_key, audience)
    _AUDIENCE_CACHE[key] = audience
    return audience


class Session:
    def __init__(self, scenario: Scenario, seed: int = 0, *, writer=None, start: Start | None = None, trainee: str = "",
                 shelf: AudienceShelf | None = None):
        self.scenario = scenario
        self.seed = int(seed)
        self.trainee = trainee
        self.start = start or Start()
        self.writer = writer
        self.t = 0.0
        self.audience = cached_audience(scenario, self.seed, shelf)
        self.ripple = Ripple(self.audience, scenario.ripple, self.seed)
        self.archetype = persona.ARCHETYPES[scenario.persona.archetype]
        p = scenario.persona
        self.persona = persona.PersonaState(p.anger, p.trust, p.patience).clamp(self.archetype.trust_cap)
        self.vars: dict[str, object] = {v.name: v.default for v in scenario.state}
        self.events: list[Event] = []
        self.posts: dict[str, Post] = {}
        self.replies: list[ReplyRecord] = []
        self.records: list[Record] = []
        self.promises: list[Promise] = []
        self.steps: list[dict] = []
        self.agenda: list = []
        self._seq = 0
        self.authority = scenario.trainee_role.authority
        self.escalated: list[str] = []
        self.approved: list[str] = []
        self.offered: list[str] = []
        self.spent = 0.0
        self.hidden: list[str] = []
        self.walked_away = False
        self.followed_up = False
        self.private = False
        self.acknowledged_at: float | None = None
        self.first_response_at: float | None = None
        self.unanswered: list[float] = []  # times of customer posts still waiting for the brand
        self.response_gaps: list[float] = []
        self.customer_posts = 0
        self.beat: str | None = None
        self.visited: list[str] = []
        self.chosen: list[str] = []  # suggested moves taken (or matched by free text), once-only
        self.fired: list[str] = []
        self.used_lines: set[str] = set()
        self.finished = False
        self._settling = False  # the trainee is done; the world runs on to the time limit
        self.end_reason = ""
        self.last_action = ""
        self._counter: dict[str, int] = {}
        self._pile_on_mark = PILE_ON_STEP
        self._mood = self.persona.mood
        self._silence_from = 0.0
        self.rules_kept: dict[int, int] = {}
        self.rules_broken: dict[int, int] = {}
        self.drill = bool(self.start.drill)
        self.pending: dict[str, float] = {}  # drill: role id -> when its decision became due
        self.denied: list[str] = []
        self.review = 0.0  # drill: minutes each public reply waits for a senior sign-off
        self._needless: set[str] = set()  # roles brought in when the authority was not needed
        self._opening()

    # ------------------------------------------------------------ public API

    @property
    def time_left(self) -> float:
        return max(0.0, self.scenario.time_limit - self.t)

    def outcome(self) -> str:
        return persona.outcome_of(self.persona, self.archetype)

    def current_beat(self) -> Beat | None:
        return self.scenario.beat(self.beat) if self.beat else None

    def choices(self) -> tuple[Choice, ...]:
        """The suggested moves the trainee can pick now."""
        beat = self.current_beat()
        if beat is None or self.finished:
            return ()
        env = self.env()
        return tuple(
            c for c in beat.choices
            if (c.sticky or c.id not in self.chosen) and (c.when is None or c.when(env))
        )

    def act(self, action) -> tuple[Event, ...]:
        """Apply one trainee action; the clock moves by its cost (turn mode) and the world reacts."""
        if self.finished:
            raise SessionError("the scenario has ended")
        concrete, choice = self._resolve(action)
        mark = len(self.events)
        if self.scenario.mode == "turns":
            self._run_until(min(self.t + cost_of(concrete), self.scenario.time_limit))
        if not self.finished:
            self._apply(concrete, choice)
            self._after_step()
        self._record({"act": A.to_dict(action)}, mark)
        return tuple(self.events[mark:])

    def advance(self, minutes: float) -> tuple[Event, ...]:
        """Let time run (waiting, or the real-time clock ticking)."""
        if self.finished:
            return ()
        minutes = float(minutes)
        if not math.isfinite(minutes) or minutes < 0:
            raise SessionError("minutes must be a finite number, 0 or more")
        mark = len(self.events)
        self._run_until(min(self.t + minutes, self.scenario.time_limit))
        self._record({"advance": round(minutes, 6)}, mark)
        return tuple(self.events[mark:])

    def finish(self) -> tuple[Event, ...]:
        """The trainee is done: the world runs on to the time limit, then the scenario ends."""
        if self.finished:
            return ()
        mark = len(self.events)
        self._end("the trainee closed the case")
        self._record({"finish": True}, mark)
        return tuple(self.events[mark:])

    def apply_step(self, step: dict) -> tuple[Event, ...]:
        """Replay one recorded step (from a transcript or a counterfactual)."""
        if "act" in step:
            return self.act(A.parse_action(step["act"]))
        if "advance" in step:
            return self.advance(step["advance"])
        if "finish" in step:
            return self.finish()
        if "facilitate" in step:
            return self.facilitate(step["facilitate"])
        if "decide" in step:
            d = step["decide"]
            if not isinstance(d, dict):
                raise SessionError("a decide step is a mapping with role and approve")
            return self.decide(d.get("role"), d.get("approve"), who=d.get("who", ""), note=d.get("note", ""), limit=d.get("limit"))
        raise SessionError(f"unknown step {sorted(step)}")

    def decide(self, role: str, approve: bool, *, who: str = "", note: str = "", limit: float | None = None) -> tuple[Event, ...]:
        """A drill role's player answers an escalation that reached them: approve (up to `limit`,
        at most the role's authority) or deny. Outside a drill roles answer by themselves."""
        if self.finished:
            raise SessionError("the scenario has ended")
        if not self.drill:
            raise SessionError("roles decide for themselves outside a drill")
        found = self.scenario.role(str(role)) if role is not None else None
        if found is None:
            raise SessionError(f"no role '{role}'")
        if not isinstance(approve, bool):
            raise SessionError("approve must be true or false")
        if found.id not in self.pending:
            raise SessionError(f"{found.title} has no request waiting for a decision")
        granted = found.authority
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, int | float) or not math.isfinite(limit) or limit < 0:
                raise SessionError("limit must be a number, 0 or more")
            if limit > found.authority + 1e-9:
                raise SessionError(f"{found.title} can grant at most {found.authority:g}")
            granted = float(limit)
        who = str(who or "")[:100]
        note = str(note or "")[: A.MAX_TEXT]
        mark = len(self.events)
        del self.pending[found.id]
        by = f" ({who})" if who else ""
        said = f" “{note}”" if note else ""
        if approve:
            if found.id not in self.approved:
                self.approved.append(found.id)
            self.authority = max(self.authority, granted)
            self._emit("approval", found.title, f"{found.title}{by} approved: you may offer up to {granted:g}.{said}",
                       data={"role": found.id, "authority": granted, "approved": True, "who": who, "note": note})
            if found.id in self._needless:
                # Senior people brought in for nothing want to see everything: replies slow down.
                minutes = round(min(REVIEW_MAX, max(5.0, found.delay * REVIEW_SHARE)), 4)
                if minutes > self.review:
                    self.review = minutes
                    self._emit("note", found.title, f"{found.title} now signs off every public reply: "
                               f"each goes out {minutes:g} minutes later.", data={"review": minutes, "role": found.id})
        else:
            self.denied.append(found.id)
            self._emit("approval_denied", found.title, f"{found.title}{by} said no: your authority stays at {self.authority:g}.{said}",
                       data={"role": found.id, "approved": False, "who": who, "note": note})
        self._after_step()
        step = {"role": found.id, "approve": approve}
        if who:
            step["who"] = who
        if note:
            step["note"] = note
        if limit is not None:
            step["limit"] = granted
        self._record({"decide": step}, mark)
        return tuple(self.events[mark:])

    def facilitate(self, command: dict) -> tuple[Event, ...]:
        """A facilitator's move in a drill: fire an inject, a custom inject, pressure, or a note."""
        if self.finished:
            return ()
        mark = len(self.events)
        kind = command.get("kind")
        if kind == "inject":
            inject = next((i for i in self.scenario.injects if i.id == command.get("id")), None)
            if inject is None:
                raise SessionError(f"no inject '{command.get('id')}'")
            self._fire_inject(inject)
        elif kind == "custom":
            text = str(command.get("text", ""))[: A.MAX_TEXT]
            self._public_item("audience", "inject", text, valence=float(command.get("valence", -0.4)),
                              arousal=float(command.get("arousal", 0.5)), author="audience", key="f")
            self._emit("inject", "facilitator", text, data={"id": "custom"})
        elif kind == "pressure":
            patience = float(command.get("patience", 0.0))
            anger = float(command.get("anger", 0.0))
            self.persona = replace(self.persona, patience=self.persona.patience + patience, anger=self.persona.anger + anger).clamp(self.archetype.trust_cap)
            text = f"pressure: anger {anger:+.2f}, patience {patience:+.2f}"
            audience, negativity = command.get("audience"), command.get("negativity")
            if audience is not None or negativity is not None:
                text += self._pressure_ripple(audience, negativity)
            self._emit("note", "facilitator", text)
        elif kind in ("pause", "resume"):
            self._emit("note", "facilitator", "paused the drill" if kind == "pause" else "resumed the drill", data={"control": kind})
        elif kind == "fast_forward":
            minutes = float(command.get("minutes", 0.0))
            if not math.isfinite(minutes) or minutes <= 0:
                raise SessionError("fast_forward needs minutes, more than 0")
            self._emit("note", "facilitator", f"fast-forward {minutes:g} minutes", data={"control": kind, "minutes": minutes})
            self._run_until(min(self.t + minutes, self.scenario.time_limit))
        elif kind == "note":
            self._emit("note", str(command.get("who", "facilitator"))[:100], str(command.get("text", ""))[: A.MAX_TEXT])
        elif kind == "decision":
            self._emit("note", str(command.get("who", "team"))[:100], str(command.get("text", ""))[: A.MAX_TEXT],
                       data={"question": int(command.get("question", 0)), "decision": True})
        else:
            raise SessionError(f"unknown facilitator command '{kind}'")
        self._after_step()
        self._record({"facilitate": dict(command)}, mark)
        return tuple(self.events[mark:])

    def _pressure_ripple(self, audience, negativity) -> str:
        """The facilitator turns the crowd up or down: more (or fewer) people engage, negative
        posts spread more (or less) readily. Applies to everything posted from now on."""
        params = self.ripple.params
        out = ""
        if audience is not None:
            factor = float(audience)
            if not math.isfinite(factor) or not 0.1 <= factor <= 10:
                raise SessionError("audience pressure is a factor from 0.1 to 10")
            p0 = min(max(params.base_probability, 1e-9), 1 - 1e-9)
            odds = p0 / (1 - p0) * factor
            params = replace(params, base_probability=round(odds / (1 + odds), 9))
            out += f", audience x{factor:g}"
        if negativity is not None:
            factor = float(negativity)
            if not math.isfinite(factor) or not 0.1 <= factor <= 10:
                raise SessionError("negativity pressure is a factor from 0.1 to 10")
            params = replace(params, negativity=round(params.negativity * factor, 9))
            out += f", negativity x{factor:g}"
        self.ripple.params = params
        return out

    def env(self) -> dict:
        """The names `when:` conditions read."""
        snap = self.ripple.snapshot()
        env = {
            "t": self.t,
            "first_response": self.first_response_at,
            "anger": self.persona.anger,
            "trust": self.persona.trust,
            "patience": self.persona.patience,
            "mood": self.persona.mood,
            "outcome": self.outcome(),
            "reach": snap.reach,
            "negative_reach": snap.negative_reach,
            "sentiment": snap.net_sentiment,
            "spillovers": snap.spillovers,
            "replies": sum(1 for r in self.replies if r.public),
            "private": self.private,
            "escalated": list(self.escalated),
            "approved": list(self.approved),
            "offered": list(self.offered),
            "hidden": len(self.hidden),
            "walked_away": self.walked_away,
            "followed_up": self.followed_up,
            "customer_posts": self.customer_posts,
            "promises_open": sum(1 for p in self.promises if p.kept is None),
            "promises_broken": sum(1 for p in self.promises if p.kept is False),
            "last": self.last_action,
            "visited": list(self.visited),
            "fired": list(self.fired),
            "authority": self.authority,
            "rules_broken": sorted(self.rules_broken),
            "rules_kept": sorted(self.rules_kept),
        }
        env.update(self.vars)
        return env

    # ------------------------------------------------------------ internals

    def _next_id(self, prefix: str) -> str:
        self._counter[prefix] = self._counter.get(prefix, 0) + 1
        return f"{prefix}{self._counter[prefix]}"

    def _rng(self, key: str):
        return stream(self.seed, f"{key}@{self.t:.3f}")

    def _emit(self, kind, actor="", text="", item="", data=None) -> Event:
        event = Event(round(self.t, 4), kind, actor, text, item, data or {})
        self.events.append(event)
        return event

    def _schedule(self, at: float, kind: str, payload: dict) -> None:
        self._seq += 1
        heapq.heappush(self.agenda, (round(at, 6), self._seq, kind, payload))

    def _record(self, step: dict, mark: int) -> None:
        self.steps.append(step)
        if self.writer is not None:
            self.writer.step(step, self.events[mark:], self)

    def _opening(self) -> None:
        p = self.scenario.persona
        self._customer_post(p.opening, public=True, valence=min(-0.2, 0.3 - p.anger), trigger=None)
        self.ripple.advance(0.0)  # the author's followers see the complaint the moment it is posted
        for name, value in self.start.values:
            self.vars[name] = value
        first = self.start.beat or (self.scenario.beats[0].id if self.scenario.beats else None)
        if first:
            self._enter(first)
        if self.start.clock > 0:
            self._run_until(min(self.start.clock, self.scenario.time_limit))
        self._after_step()

    def _enter(self, beat_id: str) -> None:
        beat = self.scenario.beat(beat_id)
        if beat is None:
            return
        self.beat = beat.id
        self.visited.append(beat.id)
        for name, value in beat.set:
            self.vars[name] = value
        self._emit("beat", "narrator", beat.text, data={"beat": beat.id, "title": beat.title})
        if beat.end:
            self._end(f"reached the end beat '{beat.id}'")

    def _resolve(self, action):
        """A `Choose` becomes the concrete action its choice describes."""
        if not isinstance(action, A.Choose):
            choice = None
            ident = getattr(action, "choice", None)
            if ident:
                choice = next((c for c in self.choices() if c.id == ident), None)
                if choice is None:
                    raise SessionError(f"choice '{ident}' is not available now")
            return action, choice
        choice = next((c for c in self.choices() if c.id == action.choice), None)
        if choice is None:
            available = ", ".join(c.id for c in self.choices()) or "none"
            raise SessionError(f"choice '{action.choice}' is not available now (available: {available})")
        text = choice.text
        concrete = {
            "reply": lambda: A.Reply(text, choice.id),
            "private": lambda: A.Private(text, "dm", choice.id),
            "follow_up": lambda: A.FollowUp(text, choice.id),
            "walk_away": lambda: A.WalkAway(text, choice.id),
        }[choice.action]()
        return concrete, choice

    def _context(self) -> analysis.ReplyContext:
        """What the reply answers: the complaint and the customer's latest words (for personalisation
        and for rules 3 and 5, which are about how rude posts are answered)."""
        p = self.scenario.persona
        latest = next((post.text for post in reversed(self.posts.values()) if post.author == "customer"), "")
        said = p.opening if latest in ("", p.opening) else f"{p.opening}\n{latest}"
        return analysis.ReplyContext(customer_name=p.name, customer_post=said, unreasonable_request=p.unreasonable_request)

    def _analyse(self, text: str, choice: Choice | None) -> analysis.Analysis:
        if choice is not None and choice.tagged:
            return analysis.from_tags(text, choice.features, self._context())
        return analysis.analyze(text, self._context())

    def _apply(self, action, choice: Choice | None) -> None:
        kind = action.kind
        self.last_action = kind
        n = len(self.records) + 1
        if kind in ("reply", "private", "walk_away", "follow_up"):
            if self.review and kind != "private":
                self._emit("note", "review", f"held {self.review:g} minutes for sign-off", data={"review": self.review})
                self._run_until(min(self.t + self.review, self.scenario.time_limit))
                if self.finished:
                    return
            offered = self.choices() if choice is None else ()
            flow = self._message(n, action, choice, offered)
            if choice is None and flow is not None:
                choice = flow  # free text that does what a suggested move does moves the story the same way
        elif kind == "escalate":
            self._escalate(n, action)
        elif kind == "offer":
            self._offer(n, action)
        elif kind == "hide":
            self._hide(n, action)
        elif kind == "wait":
            self.records.append(Record(n, self.t, action, "wait", {"minutes": action.minutes}))
            self._run_until(min(self.t + action.minutes, self.scenario.time_limit))
        if choice is not None:
            self.chosen.append(choice.id)
            for name, value in choice.set:
                self.vars[name] = value
            if choice.goto and not self.finished:
                self._enter(choice.goto)

    def _message(self, n: int, action, choice: Choice | None, offered=()) -> Choice | None:
        """Post a brand message; returns the suggested move free text turned out to match, if any."""
        kind = action.kind
        result = self._analyse(action.text, choice)
        features = frozenset(f for f, v in result.features.items() if v is True)
        match = closest_choice(kind, features, offered) if choice is None else None
        guide = choice or match
        public = kind != "private"
        first_private = kind == "private" and not self.private
        post_id = self._next_id("b")
        self.posts[post_id] = Post(post_id, self.t, "brand", action.text, public=public)
        record = ReplyRecord(n, self.t, kind, action.text, result, public, getattr(choice, "id", None),
                             getattr(guide, "feedback", ""), post_id)
        self.replies.append(record)
        self.records.append(Record(n, self.t, action, kind, {"post": post_id, "features": sorted(features),
                                                            "rules": {str(k): v for k, v in sorted(result.rules.items())},
                                                            **({"matched": match.id} if match else {})}))
        for rule, verdict in result.rules.items():
            bucket = self.rules_kept if verdict == "kept" else self.rules_broken
            bucket[rule] = bucket.get(rule, 0) + 1
        event_kind = {"reply": "brand_reply", "private": "private_out", "walk_away": "walk_away", "follow_up": "follow_up"}[kind]
        self._emit(event_kind, "brand", action.text, post_id, {"features": sorted(features),
                                                               "channel": getattr(action, "channel", "public")})
        self._emit("coach", "coach", getattr(guide, "feedback", "") or "", post_id, {
            "kept": sorted(k for k, v in result.rules.items() if v == "kept"),
            "broken": sorted(k for k, v in result.rules.items() if v == "broken"),
            **({"matched": match.id} if match else {}),
        })
        self._responded()
        acknowledging = features & {"apology", "empathy", "question", "solution"}
        hostile = features & {"argue", "blame", "sarcasm", "insult"}
        if public and acknowledging and not hostile and self.acknowledged_at is None:
            self.acknowledged_at = self.t
        q = persona.quality(features)
        if public:
            valence = max(-1.0, min(1.0, q * 1.3))
            arousal = min(1.0, 0.15 + sum(0.25 for f in ("argue", "blame", "sarcasm", "insult", "profanity", "shouting") if f in features))
            self._public_item("brand", "brand_reply", action.text, valence, arousal, item_id=post_id,
                              seeds=(self.audience.brand_node, self.audience.customer_node))
            if q > 0.15:
                for item in self.ripple.items():
                    if item.source == "customer" and item.valence < 0:
                        self.ripple.damp(item.id, max(0.25, 1.0 - 0.9 * q), self.t)
            if features & {"argue", "blame", "sarcasm", "insult", "profanity"}:
                self._screenshot(action.text, features)
        if kind == "private":
            self.private = True
        if kind == "walk_away":
            self.walked_away = True
        if kind == "follow_up":
            self.followed_up = True
        # Promises: a commitment made now must be seen kept.
        for promise in self.promises:
            if promise.kept is None and ("solution" in features or kind in ("follow_up",)):
                self._keep(promise)
        if "promise" in features:
            quote = result.quote("promise") if hasattr(result, "quote") else action.text
            pid = self._next_id("p")
            self.promises.append(Promise(pid, self.t, self.t + PROMISE_WINDOW, quote or action.text))
            self._schedule(self.t + PROMISE_WINDOW, "promise_due", {"id": pid})
            self._emit("promise", "brand", quote or action.text, data={"id": pid, "status": "made", "due": round(self.t + PROMISE_WINDOW, 4)})
        stim_kind = {"reply": "reply", "private": "private", "walk_away": "walk_away", "follow_up": "follow_up"}[kind]
        self._react(persona.Stimulus(stim_kind, features, public=public, acknowledged=self.acknowledged_at is not None,
                                     first_private=first_private, facts_wrong=self.scenario.persona.facts_wrong,
                                     unreasonable=self.scenario.persona.unreasonable_request))
        return match


    def _responded(self) -> None:
        """The brand answered: the response clock stops and the customer's wait is over."""
        if self.first_response_at is None:
            self.first_response_at = self.t
        if self.unanswered:
            self.response_gaps.append(self.t - self.unanswered[0])
            self.unanswered = []
        self._silence_from = self.t

    def _keep(self, promise: Promise) -> None:
        promise.kept = True
        self._emit("promise", "brand", promise.text, data={"id": promise.id, "status": "kept"})
        self._react(persona.Stimulus("promise_kept"))

    def _escalate(self, n: int, action) -> None:
        role = self.scenario.role(action.role)
        if role is None:
            raise SessionError(f"no role '{action.role}'")
        self.escalated.append(role.id)
        # Needless: not the role the case calls for, no special approvals, and either the front line
        # could already put it right or the role cannot raise the authority anyway.
        needless = (role.id != self.scenario.scoring.escalate_to and not role.can_approve
                    and (self.scenario.persona.fair_remedy <= self.authority or role.authority <= self.authority))
        if needless:
            self._needless.add(role.id)
        self.records.append(Record(n, self.t, action, "escalate", {"role": role.id, "needless": needless}))
        self._emit("escalation", "brand", action.note, data={"role": role.id, "title": role.title, "delay": role.delay})
        self._schedule(self.t + role.delay, "approval", {"role": role.id})

    def _offer(self, n: int, action) -> None:
        remedy = self.scenario.remedy(action.remedy)
        if remedy is None:
            raise SessionError(f"no remedy '{action.remedy}'")
        value = remedy.cost if action.value is None else action.value
        approved_specially = any(remedy.id in (self.scenario.role(r).can_approve if self.scenario.role(r) else ()) for r in self.approved)
        within = value <= self.authority + 1e-9 or approved_specially
        self.records.append(Record(n, self.t, action, "offer", {"remedy": remedy.id, "value": value, "within": within}))
        if not within:
            self._emit("offer_blocked", "system", f"{remedy.label}: {value:g} is over your authority ({self.authority:g}); escalate first",
                       data={"remedy": remedy.id, "value": value, "authority": self.authority})
            return
        self.offered.append(remedy.id)
        self.spent += value
        public = remedy.public or not self.private
        self._emit("offer", "brand", remedy.label, data={"remedy": remedy.id, "value": value, "public": public})
        self._responded()
        for promise in self.promises:
            if promise.kept is None:
                self._keep(promise)
        wants = set(self.scenario.persona.wants)
        satisfies = tuple(sorted(wants & set(remedy.satisfies)))
        if remedy.kind == "refer_competitor" and "fix" in wants:
            satisfies = (*satisfies, "fix")
        if public:
            self._public_item("brand", "offer", f"{self.scenario.brand.name} offered: {remedy.label}", 0.5, 0.2,
                              seeds=(self.audience.brand_node, self.audience.customer_node))
        self._react(persona.Stimulus("offer", public=public, value=value, fair=self.scenario.persona.fair_remedy, satisfies=satisfies,
                                     remedy_kind=remedy.kind, remedy_satisfies=tuple(remedy.satisfies)))

    def _hide(self, n: int, action) -> None:
        post = self.posts.get(action.post)
        if post is None or post.author == "brand":
            raise SessionError(f"no post '{action.post}' from someone else to hide")
        self.posts[post.id] = replace(post, hidden=True)
        self.hidden.append(post.id)
        guidelines = self.scenario.brand.guidelines_posted
        explained = bool(action.tell.strip())
        self.records.append(Record(n, self.t, action, "hide", {"post": post.id, "guidelines": guidelines, "explained": explained,
                                                             "abusive": self.archetype.profane}))
        self._emit("hidden", "brand", action.tell, post.id, {"guidelines": guidelines, "explained": explained})
        self.ripple.damp(post.id, 0.0, self.t)
        if explained:
            self._emit("private_out", "brand", action.tell, data={"channel": "dm", "why_hidden": True})
            self._responded()  # telling the poster why is an answer (seed 003, Nationwide)
            if guidelines and self.acknowledged_at is None:
                self.acknowledged_at = self.t  # moderation by posted rules, explained, is out in the open
        if not (guidelines and explained and self.archetype.profane):
            self._public_item("audience", "deletion_noticed", f"{self.scenario.brand.name} deleted a customer's post",
                              -0.7, 0.8, seeds=(self.audience.customer_node,), moral=2)
        self._react(persona.Stimulus("hide", guidelines=guidelines, explained=explained, own_post=post.author == "customer"))

    def _screenshot(self, text: str, features) -> None:
        moral = sum(1 for f in ("insult", "profanity", "blame", "sarcasm") if f in features) + 1
        self._public_item("audience", "screenshot", f"Screenshot: \u201c{text[:140]}\u201d", -0.85, 0.9,
                          seeds=(self.audience.customer_node,), moral=moral)

    def _public_item(self, source, kind, text, valence, arousal, *, item_id=None, seeds=None, moral=0, author=None, key="a",
                     platform="main", title="") -> str:
        item_id = item_id or self._next_id(key)
        if seeds is None:
            seeds = (self.audience.customer_node,)
        self.ripple.post(Item(item_id, kind, source, float(valence), float(arousal), tuple(int(s) for s in seeds), self.t,
                              platform=platform, text=text, moral=int(moral)))
        if item_id not in self.posts:
            self.posts[item_id] = Post(item_id, self.t, author or source, text, True, platform, title=title)
            if source != "brand":
                self._emit("post", author or source, text, item_id, {"kind": kind, "platform": platform, "title": title,
                                                                        "valence": round(valence, 4)})
        return item_id

    def _customer_post(self, text: str, public: bool, valence: float, trigger: str | None) -> None:
        self.customer_posts += 1
        if public:
            arousal = persona.arousal_of(self.persona, self.archetype)
            moral = (1 if self.persona.anger > 0.6 else 0) + (1 if self.archetype.profane and self.persona.anger > 0.4 else 0)
            post_id = self._next_id("c")
            self._public_item("customer", "customer_post", text, valence, arousal, item_id=post_id,
                              seeds=(self.audience.customer_node,), moral=moral, author="customer")
            self.posts[post_id] = Post(post_id, self.t, "customer", text, True)
            self.events[-1] = replace(self.events[-1], data={**self.events[-1].data, "trigger": trigger or "opening",
                                                             "mood": self.persona.mood})
        else:
            post_id = self._next_id("m")
            self.posts[post_id] = Post(post_id, self.t, "customer", text, False)
            self._emit("private_in", "customer", text, post_id, {"trigger": trigger or "", "mood": self.persona.mood})
        if valence < 0.2:
            self.unanswered.append(self.t)
            self._silence_from = min(self._silence_from, self.t) if self.unanswered[1:] else self.t

    def _react(self, stimulus: persona.Stimulus) -> None:
        reaction = persona.react(self.archetype, self.persona, stimulus, self._rng(f"persona:{stimulus.kind}"))
        self.persona = reaction.state
        self._mood_check()
        if reaction.screenshot:
            last = next((r for r in reversed(self.replies) if not r.public), None)
            if last:
                self._public_item("customer", "screenshot", f"Look what {self.scenario.brand.handle} sent me: \u201c{last.text[:140]}\u201d",
                                  -0.7, 0.8, seeds=(self.audience.customer_node,), moral=1, author="customer")
        if reaction.blog and "blog:customer" not in self.fired:
            self.fired.append("blog:customer")
            delay = 30.0 + 60.0 * float(self._rng("blog").random())
            self._schedule(self.t + delay, "blog", {})
        if reaction.speak:
            if stimulus.kind in BRAND_STIMULI:
                # The customer reads everything the brand said before answering once: an answer
                # still pending to an earlier message is replaced by the answer to the newest.
                self.agenda = [entry for entry in self.agenda if entry[2] != "customer_says"]
                heapq.heapify(self.agenda)
            payload = {"trigger": reaction.trigger, "public": reaction.public, "valence": reaction.valence}
            if reaction.variant:
                payload["variant"] = reaction.variant
            self._schedule(self.t + reaction.delay, "customer_says", payload)

    def _mood_check(self) -> None:
        mood = self.persona.mood
        if mood != self._mood:
            self._emit("mood", "customer", "", data={"from": self._mood, "to": mood, "anger": round(self.persona.anger, 4)})
            self._mood = mood

    def _say(self, trigger: str, public: bool, valence: float, variant: str = "") -> None:
        if self.persona.disengaged and trigger not in ("walked_away", "hidden"):
            return  # lost interest: nothing more to say
        env = self.env()
        lines = self.scenario.persona.lines
        rng = self._rng(f"line:{trigger}")
        line = persona.pick_line(lines, trigger, self.persona.mood, env, self.used_lines, rng)
        if line is None and trigger == "leaving":
            # Authors often write the customer's last word as the furious "ignored" line.
            line = persona.pick_line(lines, "ignored", "furious", env, self.used_lines, rng)
        if line is not None:
            self.used_lines.add(line.id)
            text = line.text
        else:
            text = persona.fallback_line(trigger, self.persona.mood, self.archetype.name, variant, self.customer_posts)
        go_public = public and (not self.private or trigger in PUBLIC_TRIGGERS or trigger == "leaving")
        self._customer_post(text, go_public, valence, trigger)

    def _run_until(self, target: float) -> None:
        target = round(target, 6)
        while self.t < target - 1e-9 and not self.finished:
            step_end = min(target, (math.floor(self.t / TICK + 1e-9) + 1) * TICK)
            next_at = self.agenda[0][0] if self.agenda else math.inf
            stop = min(step_end, next_at) if next_at > self.t else self.t
            self._tick_to(stop)
            while self.agenda and self.agenda[0][0] <= self.t + 1e-9 and not self.finished:
                _, _, kind, payload = heapq.heappop(self.agenda)
                self._happen(kind, payload)
            self._after_step()
            if self.t >= self.scenario.time_limit - 1e-9 and not self.finished:
                self._end("time is up")

    def _tick_to(self, when: float) -> None:
        dt = when - self.t
        self.t = round(when, 6)
        for spill in self.ripple.advance(self.t):
            self.fired.append(spill.spec_id)
            self.posts[spill.item.id] = Post(spill.item.id, self.t, "platform", spill.item.text, True, spill.item.platform,
                                             title=next((s.title for s in self.scenario.ripple.spillovers if s.id == spill.spec_id), ""))
            self._emit("spillover", spill.item.platform, spill.item.text, spill.item.id,
                       {"id": spill.spec_id, "platform": spill.item.platform,
                        "title": self.posts[spill.item.id].title})
        if dt > 0 and self.unanswered and not self.walked_away and not self._content():
            self._react(persona.Stimulus("silence", value=dt / 60.0))
        elif dt > 0 and self.archetype.feeds_on_replies:
            # Nobody is biting: the jerk for sport loses interest (and, once walked away from, stays quiet).
            self.persona = replace(self.persona, attention=self.persona.attention - dt / 60 * 0.3).clamp(self.archetype.trust_cap)
        negative = self.ripple.snapshot().negative_reach
        if negative >= self._pile_on_mark and not self.walked_away:
            self._pile_on_mark = negative + PILE_ON_STEP * max(1, negative // 1000)
            self._react(persona.Stimulus("pile_on"))

    def _content(self) -> bool:
        """A customer whose issue is taken care of is not waiting for anything."""
        return self.persona.resolved >= 0.55 and self.persona.anger < 0.3

    def _happen(self, kind: str, payload: dict) -> None:
        if kind == "customer_says":
            self._say(payload["trigger"], payload["public"], payload["valence"], payload.get("variant", ""))
        elif kind == "approval" and self.drill:
            role = self.scenario.role(payload["role"])
            if self.finished or role.id in self.pending:
                return
            self.pending[role.id] = self.t
            player = dict(self.start.team).get(role.id, "")
            self._emit("approval_needed", role.title, f"{role.title} has the request: approve (up to {role.authority:g}) or deny?",
                       data={"role": role.id, "authority": role.authority, "player": player})
        elif kind == "approval":
            role = self.scenario.role(payload["role"])
            if role.id not in self.approved:
                self.approved.append(role.id)
            self.authority = max(self.authority, role.authority)
            self._emit("approval", role.title, f"{role.title} is on it: you may offer up to {role.authority:g}.",
                       data={"role": role.id, "authority": role.authority})
        elif kind == "promise_due":
            promise = next(p for p in self.promises if p.id == payload["id"])
            if promise.kept is None:
                promise.kept = False
                self._emit("promise", "brand", promise.text, data={"id": promise.id, "status": "broken"})
                self._react(persona.Stimulus("promise_broken"))
        elif kind == "blog":
            text = f"{self.scenario.persona.name}'s blog: My experience with {self.scenario.brand.name}"
            self._public_item("customer", "blog", text, -0.8, 0.8, seeds=(self.audience.customer_node,), moral=2,
                              author="customer", platform="blog", title="Blog post")

    def _fire_inject(self, inject) -> None:
        self.fired.append(inject.id)
        for name, value in inject.set:
            self.vars[name] = value
        data = {"id": inject.id, "kind": inject.kind, "platform": inject.platform, "from": inject.sender}
        if inject.kind in ("post", "news"):
            group = "journalists" if inject.kind == "news" else None
            seeds = self._group_seed(group)
            item_id = self._public_item("audience" if inject.kind == "post" else "platform", inject.kind, inject.text,
                                        inject.valence, inject.arousal, seeds=seeds, author=inject.sender or "audience",
                                        key="i", platform=inject.platform, title=inject.sender)
            data["item"] = item_id
        elif inject.kind == "customer":
            self._customer_post(inject.text, True, inject.valence, "inject")
        self._emit("inject", inject.sender or inject.kind, inject.text, data=data)

    def _group_seed(self, group: str | None) -> tuple[int, ...]:
        if group:
            try:
                members = self.audience.members(group)
                if len(members):
                    reach = self.audience.reach[members]
                    return (int(members[int(reach.argmax())]),)
            except (KeyError, ValueError):
                pass
        return (self.audience.customer_node,)

    def _after_step(self) -> None:
        """Injects, storylets and end conditions that the new state may have made true."""
        if self.finished:
            return
        for _ in range(8):
            changed = False
            env = self.env()
            for inject in self.scenario.injects:
                if inject.id in self.fired:
                    continue
                if inject.at is not None and self.t + 1e-9 < inject.at:
                    continue
                if inject.when is not None and not inject.when(env):
                    continue
                self._fire_inject(inject)
                changed = True
                env = self.env()
            if self._settling:
                if not changed:
                    break
                continue  # the story is over: only the world's own happenings go on
            for beat in self.scenario.beats:
                if beat.when is None or beat.id == self.beat or (beat.once and beat.id in self.visited):
                    continue
                if beat.when(env):
                    self._enter(beat.id)
                    changed = True
                    break
            if self.finished:
                return
            for end in self.scenario.end:
                if end.when(self.env()):
                    self._end(end.text or f"end condition: {end.when.source}")
                    return
            if not changed:
                break

    def _end(self, reason: str) -> None:
        """Let the world run to the time limit (consequences continue), then close the session.

        The world runs on the same tick grid as waiting, with timed injects still firing, so
        finishing now and waiting out the clock are the same silence: the "do nothing" baseline
        does not depend on how nothing was done.
        """
        if self.finished or self._settling:
            return
        self.end_reason = self.end_reason or reason
        self._settling = True
        try:
            self._run_until(self.scenario.time_limit)
        finally:
            self._settling = False
        self.finished = True
        self._emit("end", "system", self.end_reason, data={"outcome": self.outcome()})


# Reply features that set a reply's tone: free text matches a suggested move only if it shares them.
TONE = frozenset({"argue", "blame", "sarcasm", "insult", "profanity", "shouting", "non_apology", "private_brushoff"})


def closest_choice(kind: str, features: frozenset, offered) -> Choice | None:
    """The suggested move that free text amounts to: same kind of move, same tone, most features alike.

    Authors write the story's branches on their suggested replies; a trainee who says the same
    thing in their own words should see the story go the same way (Jaccard similarity of the
    features at least one half, ties to the earlier choice).
    """
    best, best_score = None, 0.0
    for choice in offered:
        if choice.action != kind or not choice.tagged or not choice.features:
            continue
        tagged = frozenset(choice.features)
        if bool(tagged & TONE) != bool(features & TONE):
            continue  # a civil reply never stands in for a hostile one, nor the other way round
        score = len(tagged & features) / len(tagged | features)
        if score > best_score + 1e-9:
            best, best_score = choice, score
    return best if best_score >= 0.5 else None


def cost_of(action) -> float:
    """Minutes an action takes in turn mode: reading and typing cost time; longer replies cost more."""
    kind = action.kind
    if kind in ("reply", "private", "walk_away", "follow_up"):
        words = len(action.text.split())
        return round(1.0 + words / TYPING_WPM, 4)
    return {"escalate": 2.0, "offer": 2.0, "hide": 1.0, "wait": 0.0}.get(kind, 1.0)


def replay(scenario: Scenario, seed: int, steps, *, start: Start | None = None, writer=None,
           shelf: AudienceShelf | None = None) -> Session:
    """A new session with the same scenario and seed, through the given steps."""
    session = Session(scenario, seed, start=start, writer=writer, shelf=shelf)
    for step in steps:
        session.apply_step(step)
    return session
