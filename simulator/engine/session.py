"""The session engine: one scenario, one seed, one clock, and everything the trainee does.

`Session` is a small facade over focused parts, each named for the trainee's world:

- `story`    beats, suggested moves, storylets, injects and end conditions (`StoryPart`);
- `moves`    the brand's moves: messages, escalations, offers, hides (`MovesPart`);
- `team`     a drill's role players and facilitator (`TeamPart`);
- `customer` the customer persona and the crowd's ripple (`CustomerPart`);
- `clock`    time on a tick grid and the `agenda` of scheduled happenings (`ClockPart`, `Agenda`);
- `ledger`   what scoring reads: replies, records, promises, rule tallies, response times.

`act()` applies one trainee action and `advance()` lets time run; both return immutable
`Event`s. Every step is recorded, so the same scenario, seed and steps give the same session
byte for byte, and a transcript on disk can rebuild it. The engine knows nothing of the UI, does
no I/O and reads no environment: the transcript writer and the audience shelf are handed in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from simulator.engine.agenda import Agenda
from simulator.engine.clock import TICK, ClockPart
from simulator.engine.customer import PILE_ON_STEP, CustomerPart
from simulator.engine.events import Event
from simulator.engine.ledger import LedgerPart, Post, Promise, Record, ReplyRecord
from simulator.engine.moves import MovesPart, cost_of
from simulator.engine.payloads import PAYLOADS, Payload
from simulator.engine.state import SessionError
from simulator.engine.steps import Act, Advance, Decide, Facilitate, Finish, Step, parse_step
from simulator.engine.story import StoryPart, closest_choice
from simulator.engine.team import TeamPart
from simulator.engine.thread import BrandPost, ThreadPart
from simulator.engine.trace import TraceEntry, unavailable_reason
from simulator.format.scenario import Scenario
from simulator.world import persona
from simulator.world.audience import Audience, build_audience, cache_key
from simulator.world.ripple import Ripple
from simulator.world.rng import stream

__all__ = ["TICK", "AudienceShelf", "Post", "Promise", "Record", "ReplyRecord", "Session", "SessionError", "Start",
           "cached_audience", "closest_choice", "cost_of", "replay"]

_AUDIENCE_CACHE: dict = {}


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
        if shelf is not None and shelf_key is not None:
            shelf.save(shelf_key, audience)
    _AUDIENCE_CACHE[key] = audience
    return audience



class Session(StoryPart, MovesPart, TeamPart, ThreadPart, CustomerPart, ClockPart, LedgerPart):
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
        self.agenda = Agenda()
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
        self.skipped: list[str] = []  # injects the facilitator chose not to play
        self.said: list[str] = []  # `says:` triggers the trainee's words fired
        self.used_lines: set[str] = set()
        self.line_counts: dict[str, int] = {}  # built-in lines said so far (at most twice each)
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
        self.trace: list[TraceEntry] = []  # why the story went this way, for authors (engine/trace.py)
        self.returns: list[str] = []  # beats interrupted by a `return: true` storylet, to resume
        self.brand_posts: list[BrandPost] = []  # posts by the brand's account the trainee did not write
        self.commenters: dict[str, persona.PersonaState] = {
            c.id: persona.PersonaState(c.anger, c.trust, c.patience).clamp(persona.ARCHETYPES[c.archetype].trust_cap)
            for c in scenario.commenters
        }
        self._offer_view: tuple = ()
        self._held_seen: set[tuple[str, str]] = set()
        self._opening()
        self._trace_choices()

    # ------------------------------------------------------------ public API

    @property
    def time_left(self) -> float:
        return max(0.0, self.scenario.time_limit - self.t)

    def outcome(self) -> str:
        return persona.outcome_of(self.persona, self.archetype)

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
        self._record(Act(action), mark)
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
        self._record(Advance(minutes), mark)
        return tuple(self.events[mark:])

    def finish(self) -> tuple[Event, ...]:
        """The trainee is done: the world runs on to the time limit, then the scenario ends."""
        if self.finished:
            return ()
        mark = len(self.events)
        self._end("the trainee closed the case")
        self._record(Finish(), mark)
        return tuple(self.events[mark:])

    def apply_step(self, step: Mapping) -> tuple[Event, ...]:
        """Replay one recorded step (from a transcript or a counterfactual)."""
        match parse_step(step):
            case Act(action=action):
                return self.act(action)
            case Advance(minutes=minutes):
                return self.advance(minutes)
            case Finish():
                return self.finish()
            case Facilitate(command=command):
                return self.facilitate(command)
            case Decide(role=role, approve=approve, who=who, note=note, limit=limit):
                return self.decide(role, approve, who=who, note=note, limit=limit)
        raise SessionError(f"unknown step {sorted(step)}")  # pragma: no cover (parse_step raises first)

    def env(self) -> dict:
        """The names `when:` conditions read."""
        snap = self.ripple.snapshot()
        env: dict[str, object] = {
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
            "said": list(self.said),
            "authority": self.authority,
            "rules_broken": sorted(self.rules_broken),
            "rules_kept": sorted(self.rules_kept),
        }
        env.update(self.vars)
        return env

    # ------------------------------------------------------------ shared by the parts

    def _next_id(self, prefix: str) -> str:
        self._counter[prefix] = self._counter.get(prefix, 0) + 1
        return f"{prefix}{self._counter[prefix]}"

    def _rng(self, key: str):
        return stream(self.seed, f"{key}@{self.t:.3f}")

    def _emit(self, kind: str, actor: str = "", text: str = "", item: str = "", payload: Payload | None = None) -> Event:
        """Record an event; its data is the kind's payload type written out (engine/payloads.py)."""
        if payload is not None and not isinstance(payload, PAYLOADS[kind]):
            raise TypeError(f"a {kind} event carries {PAYLOADS[kind].__name__}, not {type(payload).__name__}")
        event = Event(round(self.t, 4), kind, actor, text, item, payload.to_data() if payload is not None else {})
        self.events.append(event)
        if kind == "promise":
            self._trace("promise", id=event.data.get("id"), status=event.data.get("status"), text=text,
                        **({"due": event.data["due"]} if "due" in event.data else {}))
        elif kind == "spillover":
            self._trace("spillover", id=event.data.get("id"), platform=event.data.get("platform"), item=item, text=text)
        return event

    def _trace(self, kind: str, **data) -> None:
        self.trace.append(TraceEntry(round(self.t, 4), kind, data))

    def _set_vars(self, pairs, by: str) -> None:
        """Apply a `set:` (of a beat, a choice or an inject), tracing each change for authors."""
        for name, value in pairs:
            before = self.vars.get(name)
            self.vars[name] = value
            if before != value:
                self._trace("state", name=name, before=before, after=value, by=by)

    def _trace_choices(self) -> None:
        """When the suggested moves on offer change, say which are and why the others are not."""
        beat = self.current_beat()
        if beat is None or self.finished:
            view: tuple = ()
        else:
            env = self.env()
            view = (beat.id, tuple((c.id, unavailable_reason(c, self.chosen, env)) for c in beat.choices))
        if view != self._offer_view:
            self._offer_view = view
            if view:
                self._trace("choices", beat=view[0], offered=[c for c, why in view[1] if not why],
                            unavailable={c: why for c, why in view[1] if why})

    def _schedule(self, at: float, kind: str, payload: dict) -> None:
        self.agenda.schedule(at, kind, payload)

    def _record(self, step: Step, mark: int) -> None:
        """A step is kept (and written) in its one JSON form: `session.steps` is what transcripts hold."""
        recorded = step.to_json()
        self._trace_choices()
        self.steps.append(recorded)
        if self.writer is not None:
            self.writer.step(recorded, self.events[mark:], self)


def replay(scenario: Scenario, seed: int, steps, *, start: Start | None = None, writer=None,
           shelf: AudienceShelf | None = None) -> Session:
    """A new session with the same scenario and seed, through the given steps."""
    session = Session(scenario, seed, start=start, writer=writer, shelf=shelf)
    for step in steps:
        session.apply_step(step)
    return session
