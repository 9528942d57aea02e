"""Seeded random playthroughs: the author's robot playtesters.

Each run plays the scenario with a random but reproducible trainee: mostly the author's suggested
moves (whatever `session.choices()` offers), sometimes free replies, going private, escalating to
a random role, offering a random remedy, hiding a post, waiting, or closing the case. Run `i` of
`fuzz(seed=S)` uses seed `S + i` for both the session and the robot's decisions, so every problem
is reported with the one seed that reproduces it: `crisis fuzz PATH --runs 1 --seed N`, or
`--show N` for its actions as a play script.

What it reports (GUIDE.md section 3): errors (exceptions, with the seed), dead ends (the trainee
is left in a beat with nothing to pick until the time limit ends it), content no run reached
(beats, choices, lines, injects, spillovers), the spread of overall scores, and obvious choices
(a choice whose pickers always score above the runs that were offered it and did not pick it:
the scenario is not teaching a judgment call there). Scoring skips turning points: they do not
change the score and cost a replay per action.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

import numpy as np

from simulator.engine.session import Session
from simulator.evaluate.scoring import score
from simulator.format import actions as A
from simulator.format.scenario import Scenario
from simulator.world.rng import stream

MAX_ACTIONS = 30

# Free replies the robot types, from model answers to the mistakes the seeds warn about.
FREE_REPLIES = (
    "We're so sorry, {name}. That's not the experience we want for you. What happened exactly?",
    "Thanks for telling us, {name}. We'll sort this out today.",
    "Per our policy we cannot help with that.",
    "Well, you should have read the instructions.",
    "We value your feedback. Please contact Customer Care.",
    "Sorry you feel that way.",
)
PRIVATE_MESSAGES = (
    "Hi {name}, could you DM us your order details so we can fix this?",
    "Please DM us.",
)
FOLLOW_UPS = ("Thanks again for your patience, {name}. We've fixed the problem you flagged.",)
WALK_AWAYS = ("We've done what we can here, {name}; our door stays open if you want to talk.",)


@dataclass(frozen=True)
class Problem:
    kind: str  # error | dead_end | obvious_choice
    seed: int
    where: str  # beat id, choice id...
    message: str

    def to_json(self) -> dict:
        return {"kind": self.kind, "seed": self.seed, "where": self.where, "message": self.message}


@dataclass(frozen=True)
class Run:
    """One playthrough: what the robot did and what came of it."""

    seed: int
    actions: tuple[dict, ...]
    overall: int | None
    outcome: str
    visited: frozenset[str]
    picked: frozenset[tuple[str, str]]  # (beat id, choice id)
    offered: frozenset[tuple[str, str]]
    lines: frozenset[str]
    fired: frozenset[str]
    error: str = ""
    dead_end: tuple[str, float] | None = None  # (beat id, time it was left with nothing to pick)


@dataclass(frozen=True)
class FuzzReport:
    scenario: str
    runs: int
    seed: int
    problems: tuple[Problem, ...]
    never_reached: dict  # kind -> tuple of ids
    spread: dict  # min p10 median p90 max (and min_seed, max_seed)
    outcomes: dict  # outcome -> runs
    obvious: tuple[Problem, ...] = field(default=())

    @property
    def failed(self) -> bool:
        """Errors and dead ends fail the fuzz run; the rest is information for the author."""
        return any(p.kind in ("error", "dead_end") for p in self.problems)

    def to_json(self) -> dict:
        return {
            "scenario": self.scenario, "runs": self.runs, "seed": self.seed,
            "errors": [p.to_json() for p in self.problems if p.kind == "error"],
            "dead_ends": [p.to_json() for p in self.problems if p.kind == "dead_end"],
            "never_reached": {k: list(v) for k, v in self.never_reached.items()},
            "spread": dict(self.spread), "outcomes": dict(self.outcomes),
            "obvious_choices": [p.to_json() for p in self.obvious],
            "failed": self.failed,
        }


def playthrough(scenario: Scenario, seed: int, max_actions: int = MAX_ACTIONS) -> Run:
    """One random playthrough with `seed`; never raises (an exception becomes `error`)."""
    rng = stream(seed, "fuzz")
    done: list[dict] = []
    picked: set = set()
    offered: set = set()
    stranded: tuple[str, float] | None = None
    session = None
    try:
        session = Session(scenario, seed)
        while not session.finished:
            choices = session.choices()
            beat = session.current_beat()
            for c in choices:
                offered.add((beat.id, c.id))
            # Suggested moves are once-only: a beat whose moves were all taken is a finished
            # conversation, not a dead end (the trainee can still write, act or close the case).
            used_up = beat is not None and any(c.id in session.chosen for c in beat.choices)
            if beat is not None and not choices and not beat.end and not used_up:
                stranded = stranded if stranded and stranded[0] == beat.id else (beat.id, session.t)
            else:
                stranded = None
            if len(done) >= max_actions:
                session.advance(session.time_left)
                break
            action = _pick(rng, session, choices, stranded is not None)
            if action is None:
                break
            if isinstance(action, A.Choose):
                picked.add((beat.id, action.choice))
            done.append(A.to_dict(action))
            session.act(action)
        if not session.finished:
            session.finish()
        card = score(session, turning_points=False)
    except Exception as exc:  # the point of fuzzing: any exception is a finding, with its seed
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
        return Run(seed, tuple(done), None, "", frozenset(getattr(session, "visited", ()) or ()), frozenset(picked),
                   frozenset(offered), frozenset(getattr(session, "used_lines", ()) or ()), frozenset(getattr(session, "fired", ()) or ()),
                   error=f"{type(exc).__name__}: {exc} (at {where}, after {len(done)} actions)")
    dead = stranded if stranded is not None and session.end_reason == "time is up" else None
    return Run(seed, tuple(done), card.overall, card.outcome, frozenset(session.visited), frozenset(picked), frozenset(offered),
               frozenset(session.used_lines), frozenset(session.fired), dead_end=dead)


def _next_happening(session) -> float | None:
    """Minutes until the next timed inject or scheduled happening, if one comes before the end."""
    times = [i.at for i in session.scenario.injects if i.at is not None and i.id not in session.fired and i.at > session.t]
    times += [entry.at for entry in session.agenda.upcoming() if entry.at > session.t]
    soon = min(times, default=None)
    if soon is None or soon >= session.scenario.time_limit:
        return None
    return round(max(1.0, soon - session.t + 0.5), 2)


def _pick(rng: np.random.Generator, session, choices, stranded: bool):
    """The robot's next move. Stranded (nothing to pick), it never closes the case: it waits and
    tries free moves, so a dead end shows as the clock running out."""
    s = session.scenario
    name = s.persona.name.split()[0] if s.persona.name.split() else "there"
    others = [r for r in s.roles if r.id != s.trainee_role.id]
    customer_posts = [p for p in session.posts.values() if p.author == "customer" and p.public and not p.hidden]
    menu = [
        ("choose", 0.55 if choices else 0.0),
        ("reply", 0.05),
        ("private", 0.05),
        ("escalate", 0.08 if others else 0.0),
        ("offer", 0.08 if s.remedies else 0.0),
        ("wait", 0.12),
        ("hide", 0.02 if customer_posts else 0.0),
        ("walk_away", 0.01),
        ("follow_up", 0.02),
        ("finish", 0.0 if stranded else 0.02),
    ]
    weights = np.array([w for _, w in menu], dtype=float)
    kind = menu[int(rng.choice(len(menu), p=weights / weights.sum()))][0]
    if kind == "choose":
        return A.Choose(choices[int(rng.integers(len(choices)))].id)
    if kind == "reply":
        return A.Reply(FREE_REPLIES[int(rng.integers(len(FREE_REPLIES)))].format(name=name))
    if kind == "private":
        return A.Private(PRIVATE_MESSAGES[int(rng.integers(len(PRIVATE_MESSAGES)))].format(name=name))
    if kind == "escalate":
        return A.Escalate(others[int(rng.integers(len(others)))].id)
    if kind == "offer":
        remedy = s.remedies[int(rng.integers(len(s.remedies)))]
        return A.Offer(remedy.id)
    if kind == "wait":
        upcoming = _next_happening(session)
        if upcoming is not None and rng.random() < 0.5:
            # Like a team watching the feed: wait until the next thing happens (an inject, a
            # reply, an approval), which carries the robot through a day-long drill.
            return A.Wait(upcoming)
        return A.Wait(float(rng.choice([5.0, 10.0, 15.0, 30.0, 60.0])))
    if kind == "hide":
        return A.Hide(customer_posts[int(rng.integers(len(customer_posts)))].id)
    if kind == "walk_away":
        return A.WalkAway(WALK_AWAYS[0].format(name=name))
    if kind == "follow_up":
        return A.FollowUp(FOLLOW_UPS[0].format(name=name))
    return None  # finish


def fuzz(scenario: Scenario, runs: int = 50, seed: int = 0, max_actions: int = MAX_ACTIONS, progress=None) -> FuzzReport:
    results = []
    for i in range(runs):
        results.append(playthrough(scenario, seed + i, max_actions))
        if progress is not None:
            progress(i + 1, runs)
    return summarise(scenario, results, seed)


def summarise(scenario: Scenario, results: list[Run], seed: int = 0) -> FuzzReport:
    problems: list[Problem] = []
    seen_errors: set[str] = set()
    for r in results:
        if r.error:
            key = r.error.split(" (at ")[0]
            if key not in seen_errors:
                seen_errors.add(key)
                problems.append(Problem("error", r.seed, "", r.error))
    dead: dict[str, Run] = {}
    for r in results:
        if r.dead_end and r.dead_end[0] not in dead:
            dead[r.dead_end[0]] = r
    for beat_id, r in dead.items():
        problems.append(Problem("dead_end", r.seed, beat_id,
                                f"left in beat '{beat_id}' from T+{r.dead_end[1]:.0f}m with nothing to pick until the time ran out"))
    visited = set().union(*(r.visited for r in results)) if results else set()
    picked = set().union(*(r.picked for r in results)) if results else set()
    lines = set().union(*(r.lines for r in results)) if results else set()
    fired = set().union(*(r.fired for r in results)) if results else set()
    never = {
        "beats": tuple(b.id for b in scenario.beats if b.id not in visited),
        "choices": tuple(f"{b.id}.{c.id}" for b in scenario.beats for c in b.choices if (b.id, c.id) not in picked),
        "lines": tuple(line.id for line in scenario.persona.lines if line.id not in lines),
        "injects": tuple(i.id for i in scenario.injects if i.id not in fired),
        "spillovers": tuple(s.id for s in scenario.ripple.spillovers if s.id not in fired),
    }
    scored = [r for r in results if r.overall is not None]
    spread: dict = {}
    if scored:
        values = np.array([r.overall for r in scored], dtype=float)
        spread = {
            "min": int(values.min()), "p10": round(float(np.percentile(values, 10)), 1),
            "median": round(float(np.median(values)), 1), "p90": round(float(np.percentile(values, 90)), 1), "max": int(values.max()),
            "min_seed": min(scored, key=lambda r: (r.overall, r.seed)).seed,
            "max_seed": max(scored, key=lambda r: (r.overall, -r.seed)).seed,
        }
    outcomes: dict[str, int] = {}
    for r in scored:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    obvious = []
    for b in scenario.beats:
        for c in b.choices:
            key = (b.id, c.id)
            pickers = [r for r in scored if key in r.picked]
            others = [r for r in scored if key in r.offered and key not in r.picked]
            if len(pickers) >= 3 and len(others) >= 3:
                worst = min(pickers, key=lambda r: (r.overall, r.seed))
                best = max(others, key=lambda r: (r.overall, -r.seed))
                if worst.overall > best.overall:
                    obvious.append(Problem(
                        "obvious_choice", worst.seed, f"{b.id}.{c.id}",
                        f"every run that picked '{c.id}' ({len(pickers)}) scored above every run offered it that did not "
                        f"({len(others)}): lowest picker {worst.overall} (seed {worst.seed}), best non-picker {best.overall} (seed {best.seed})"))
    return FuzzReport(scenario.id, len(results), seed, tuple(problems), never, spread,
                      dict(sorted(outcomes.items())), tuple(obvious))
