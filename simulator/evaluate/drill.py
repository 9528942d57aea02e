"""The executive worst-case drill: a team, the seven questions, a forecast and a what-if fork.

Seed 003 asks a leadership team to "play it through, including all the decisions you'll have to
make along the way". Everything here is derived from a `Session` started with
`Start(drill=True, team=...)`, so a drill is recorded, replayed and reported like any session:

* **Team.** People sit in the scenario's roles. In a drill an escalation waits for the role's
  player (`Session.decide`) instead of approving itself; escalating needlessly makes senior
  people sign off every public reply (slower replies), escalating too little blocks offers.
* **Decision points.** The seven planning questions come up when the session's state makes them
  matter (a negative spike, a blocked offer, the first private move, a spillover...), never as a
  quiz. `decision_points()` recomputes them from the events, so a replayed drill shows the same
  prompts; answers are facilitator steps (`{"kind": "decision", ...}`) in the transcript.
* **Worst case.** `worst_case()` compares the brand doing nothing with the team's current course,
  each played forward on the same seed, then runs a Monte Carlo of the customer's next public
  post from each state (`simulator.world.forecast`): negative reach p50/p90/p99 and the chance the
  story reaches the news.
* **Fork.** `fork()` replays the same seed up to a chosen decision, applies a different one,
  finishes and scores both sides.
* **Improvement plan.** `improvement_plan()` turns the after-action findings, the questions the
  team never answered and the escalation mistakes into actions with an owner (a person in the
  room when one sat in that role) and a due date.

The core never imports textual; the drill screens in `simulator/ui/` call these functions.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from simulator.engine.session import Session, SessionError, Start, replay
from simulator.evaluate.report import improvement_plan as report_plan
from simulator.evaluate.scoring import describe, score
from simulator.format import actions as A
from simulator.format.durations import format_duration
from simulator.format.scenario import Scenario
from simulator.world import persona
from simulator.world import rules as R
from simulator.world.forecast import forecast_cascades
from simulator.world.ripple import Item

SPIKE_SHARE = 0.02  # Q1: negative reach over 2% of the audience (at least SPIKE_MIN) is a spike
SPIKE_MIN = 25
HOSTILE_POSTS = 3  # Q6: the third angry or furious post from the customer
NEAR_END = 0.8  # Q7: the last fifth of the scenario is the aftermath
DEFAULT_HORIZON = 120.0
DEFAULT_ROLLOUTS = 300
MAX_ROLLOUTS = 100_000


class DrillError(ValueError):
    """Bad drill input (an unknown role, a question outside 1..7, an empty answer...)."""


# ---------------------------------------------------------------- the team


@dataclass(frozen=True)
class Seat:
    """One role at the table and who sits in it."""

    role: str
    title: str
    person: str
    authority: float
    delay: float
    trainee: bool
    description: str = ""

    @property
    def label(self) -> str:
        """"Supervisor (Maria)"; a title written for a solo trainee ("Social agent (you)") loses its "(you)"."""
        title = self.title.removesuffix(" (you)") if self.person else self.title
        return f"{title} ({self.person})" if self.person else self.title


@dataclass(frozen=True)
class Team:
    seats: tuple[Seat, ...]

    def person(self, role: str) -> str:
        return next((s.person for s in self.seats if s.role == role), "")

    def seat(self, role: str) -> Seat | None:
        return next((s for s in self.seats if s.role == role), None)

    def pairs(self) -> tuple[tuple[str, str], ...]:
        return tuple((s.role, s.person) for s in self.seats if s.person)


def team_of(scenario: Scenario, assignments: Mapping[str, str] | None = None) -> Team:
    """Seats for every role of the scenario; `assignments` maps role id (or title) to a name."""
    assignments = dict(assignments or {})
    by_title = {r.title.casefold(): r.id for r in scenario.roles}
    names: dict[str, str] = {}
    for key, person in assignments.items():
        role = scenario.role(key) or scenario.role(by_title.get(str(key).casefold(), ""))
        if role is None:
            known = ", ".join(r.id for r in scenario.roles) or "none"
            raise DrillError(f"no role '{key}' in {scenario.id} (roles: {known})")
        person = " ".join(str(person).split())[:60]
        if any(not ch.isprintable() for ch in person):
            raise DrillError(f"the name for {role.id} has control characters")
        names[role.id] = person
    return Team(tuple(Seat(r.id, r.title, names.get(r.id, ""), r.authority, r.delay, r.trainee, r.description)
                      for r in scenario.roles))


def drill_start(team: Team, start: Start | None = None) -> Start:
    """A session start for a drill with this team (keeps an author's beat/clock/values)."""
    start = start or Start()
    return Start(start.beat, start.clock, start.values, drill=True, team=team.pairs())


def team_from_session(session: Session) -> Team:
    return team_of(session.scenario, dict(session.start.team))


def parse_assignments(items) -> dict[str, str]:
    """`ROLE=NAME` strings from the command line."""
    out: dict[str, str] = {}
    for item in items or ():
        role, sep, name = str(item).partition("=")
        if not sep or not role.strip() or not name.strip():
            raise DrillError(f"--team takes ROLE=NAME, got '{item}'")
        out[role.strip()] = name.strip()
    return out


# ---------------------------------------------------------------- the seven questions


@dataclass(frozen=True)
class Answer:
    question: int
    who: str
    text: str
    t: float


@dataclass(frozen=True)
class DecisionPoint:
    """A planning question whose moment has come: when, why now, and what the team said."""

    question: int
    key: str
    title: str
    prompt: str  # the question's text from seed 003
    t: float
    reason: str  # what in the session made it matter now
    answers: tuple[Answer, ...] = ()

    @property
    def answered(self) -> bool:
        return bool(self.answers)


def answers(session: Session) -> tuple[Answer, ...]:
    """The team's recorded answers, in order."""
    out = []
    for e in session.events:
        if e.kind == "note" and e.data.get("decision"):
            q = int(e.data.get("question", 0) or 0)
            if 1 <= q <= 7:
                out.append(Answer(q, e.actor, e.text, float(e.t)))
    return tuple(out)


def answer(session: Session, question: int, who: str, text: str):
    """Record the team's answer to a planning question (a facilitator step in the transcript)."""
    if isinstance(question, bool) or not isinstance(question, int) or not 1 <= question <= 7:
        raise DrillError("the question is a number from 1 to 7")
    text = str(text or "").strip()
    if not text:
        raise DrillError("an answer needs some text")
    who = " ".join(str(who or "team").split())[:100] or "team"
    return session.facilitate({"kind": "decision", "question": question, "who": who, "text": text[: A.MAX_TEXT]})


def _first(events, kinds, pred=None):
    for e in events:
        if e.kind in kinds and (pred is None or pred(e)):
            return e
    return None


def _moments(session: Session, extra: Mapping[int, tuple[float, str]]) -> dict[int, tuple[float, str]]:
    """Question -> (when, why) for every question whose moment the session has reached."""
    sc = session.scenario
    ev = session.events
    found: dict[int, tuple[float, str]] = {}

    def offer(q: int, t: float, why: str) -> None:
        if q not in found or t < found[q][0]:
            found[q] = (round(float(t), 4), why)

    # 1. Worst case: the first negative spike (or the team opened the forecast).
    spike = max(SPIKE_MIN, int(SPIKE_SHARE * session.audience.n))
    # Spread beyond the people who saw the complaint the moment it was posted (its author's followers).
    history = session.ripple.history
    base = history[0].negative_reach if history and history[0].t == 0 else 0
    snap = next((h for h in history if h.negative_reach - base >= spike), None)
    if snap is not None:
        offer(1, snap.t, f"negative reach grew by {spike:,} people beyond the complaint's own followers")
    news = _first(ev, ("inject",), lambda e: e.data.get("kind") == "news")
    if news is not None:
        offer(1, news.t, "the press is asking")
    # 2. Who needs to know: authority exceeded, a role involved, or the role the case needs.
    blocked = _first(ev, ("offer_blocked",))
    if blocked is not None:
        offer(2, blocked.t, "an offer was over the front line's authority")
    esc = _first(ev, ("escalation",))
    if esc is not None:
        offer(2, esc.t, f"the team asked {esc.data.get('title', 'a role')} to step in")
    if sc.scoring.escalate_to and sc.role(sc.scoring.escalate_to):
        half = sc.scoring.escalate_within / 2
        if session.t >= half:
            offer(2, half, f"half the time to involve {sc.role(sc.scoring.escalate_to).title} has gone")
    if sc.persona.fair_remedy > sc.trainee_role.authority:
        first_reply = _first(ev, ("post", "private_in"), lambda e: e.actor == "customer" and e.item != "c1")
        if first_reply is not None:
            offer(2, first_reply.t, "what it takes to put this right is beyond the front line's authority")
    # 3. Private: the first private move, or details to discuss after a public acknowledgement.
    private = _first(ev, ("private_out", "private_in"))
    if private is not None:
        offer(3, private.t, "the conversation went to a private channel")
    if session.acknowledged_at is not None:
        after = _first(ev, ("post", "private_in"), lambda e: e.actor == "customer" and e.t > session.acknowledged_at)
        if after is not None:
            offer(3, after.t, "the customer answered the public acknowledgement: details to discuss")
    # 4. All in: an offer, a blocked offer, or authority granted.
    if blocked is not None:
        offer(4, blocked.t, "an offer was blocked: what is the all-in, and who can make the call?")
    made = _first(ev, ("offer",))
    if made is not None:
        offer(4, made.t, "the team put a remedy on the table")
    granted = _first(ev, ("approval",))
    if granted is not None:
        offer(4, granted.t, f"{granted.actor} raised the authority to {granted.data.get('authority', 0):g}")
    # 5. Ripple effects: it spread to another platform.
    spill = _first(ev, ("spillover",))
    if spill is not None:
        offer(5, spill.t, f"it spread to {spill.data.get('platform', 'another platform')}")
    elsewhere = _first(ev, ("post",), lambda e: e.data.get("platform") not in (None, "main"))
    if elsewhere is not None:
        offer(5, elsewhere.t, f"a post appeared on {elsewhere.data.get('platform')}")
    # 6. Walk away: repeated hostile posts, or the team hid a post or walked away.
    hostile = [e for e in ev if e.kind == "post" and e.actor == "customer" and e.item != "c1"
               and e.data.get("mood") in ("angry", "furious")]
    if len(hostile) >= HOSTILE_POSTS:
        offer(6, hostile[HOSTILE_POSTS - 1].t, f"{HOSTILE_POSTS} hostile posts from the customer")
    if session.archetype.profane:
        profane = _first(ev, ("post",), lambda e: e.actor == "customer" and e.item != "c1")
        if profane is not None:
            offer(6, profane.t, "the customer is abusive")
    moderated = _first(ev, ("hidden", "walk_away"))
    if moderated is not None:
        offer(6, moderated.t, "the team hid a post" if moderated.kind == "hidden" else "the team walked away")
    # 7. Aftermath: the customer is satisfied, a follow-up, or the end is near.
    settled = _first(ev, ("post", "private_in"), lambda e: e.actor == "customer"
                     and e.data.get("trigger") in ("resolved", "offer_accepted", "follow_up", "promise_kept"))
    if settled is not None:
        offer(7, settled.t, "the customer sounds satisfied")
    follow = _first(ev, ("follow_up",))
    if follow is not None:
        offer(7, follow.t, "the team posted a follow-up")
    near = NEAR_END * sc.time_limit
    if session.t >= near:
        offer(7, near, "the end of the scenario is near")
    for q, (t, why) in extra.items():
        if 1 <= int(q) <= 7:
            offer(int(q), t, why)
    return found


def decision_points(session: Session, extra: Mapping[int, tuple[float, str]] | None = None) -> tuple[DecisionPoint, ...]:
    """Every planning question whose moment has come, in the order they came up.

    `extra` adds moments the UI sees but the session does not (question 1 when the team opens
    the forecast). An answer given earlier than the moment still counts: teams talk ahead.
    """
    given = answers(session)
    out = []
    for q, (t, why) in _moments(session, extra or {}).items():
        question = R.QUESTIONS[q - 1]
        out.append(DecisionPoint(q, question.key, question.title, question.text, t, why,
                                 tuple(a for a in given if a.question == q)))
    return tuple(sorted(out, key=lambda d: (d.t, d.question)))


def due_questions(session: Session, extra: Mapping[int, tuple[float, str]] | None = None) -> tuple[DecisionPoint, ...]:
    """The decision points the team has not answered yet (the UI prompts for these)."""
    return tuple(d for d in decision_points(session, extra) if not d.answered)


# ---------------------------------------------------------------- worst case


@dataclass(frozen=True, eq=False)
class CourseForecast:
    """One course played forward on the same seed, then a Monte Carlo of the customer's next post."""

    name: str  # nothing | current
    label: str
    t: float  # the end of the deterministic part (now + horizon, or the time limit)
    negative_reach_then: int  # after the deterministic part, before the Monte Carlo
    mood: str
    outcome: str
    spilled: tuple[str, ...]  # spillover ids that had fired by then
    result: object  # forecast.ForecastResult
    news: float | None  # P(the story reaches the news); None: the scenario has no news channel

    def to_json(self) -> dict:
        nr = self.result.negative_reach
        return {"name": self.name, "label": self.label, "t": self.t, "negative_reach_then": self.negative_reach_then,
                "mood": self.mood, "outcome": self.outcome, "spilled": list(self.spilled),
                "negative_reach": {"p50": nr.p50, "p90": nr.p90, "p99": nr.p99, "mean": nr.mean, "max": nr.max},
                "spillovers": [s.to_json() for s in self.result.spillovers], "news": self.news}


@dataclass(frozen=True, eq=False)
class WorstCase:
    t: float
    horizon: float
    rollouts: int
    seed: int
    nothing: CourseForecast
    current: CourseForecast

    def histogram(self, bins: int = 16) -> tuple[tuple[float, float, int, int], ...]:
        """Shared bins of negative reach: (lo, hi, do-nothing count, current-course count)."""
        a = np.asarray(self.nothing.result.samples["negative_reach"], dtype=float)
        b = np.asarray(self.current.result.samples["negative_reach"], dtype=float)
        lo, hi = float(min(a.min(), b.min())), float(max(a.max(), b.max()))
        if hi <= lo:
            hi = lo + 1.0
        edges = np.linspace(lo, hi, bins + 1)
        ca, _ = np.histogram(a, edges)
        cb, _ = np.histogram(b, edges)
        return tuple((float(edges[i]), float(edges[i + 1]), int(ca[i]), int(cb[i])) for i in range(bins))

    def to_json(self) -> dict:
        return {"t": self.t, "horizon": self.horizon, "rollouts": self.rollouts, "seed": self.seed,
                "nothing": self.nothing.to_json(), "current": self.current.to_json(),
                "histogram": [list(b) for b in self.histogram()]}


def _news_chance(session: Session, result) -> float | None:
    specs = [s for s in session.scenario.ripple.spillovers if s.platform == "news"]
    news_injects = [i for i in session.scenario.injects if i.kind == "news"]
    if any(s.id in session.fired for s in specs) or any(i.id in session.fired for i in news_injects):
        return 1.0
    if not specs:
        return None
    return max(r.p for r in result.spillovers if r.spec_id in {s.id for s in specs})


def _course(name: str, label: str, session: Session, rollouts: int, seed: int, progress) -> CourseForecast:
    p = session.persona
    # The worst case from here: the customer posts again, as angry as they are now.
    valence = max(-1.0, min(-0.2, 0.9 * (p.resolved * 0.6 + p.trust * 0.4) - p.anger))
    item = Item(f"forecast:{name}", "customer_post", "customer", valence, persona.arousal_of(p, session.archetype),
                (session.audience.customer_node,), session.t, text="the customer's next post",
                moral=(1 if p.anger > 0.6 else 0))
    result = forecast_cascades(session.audience, session.ripple.params, item, rollouts, seed, start=session.ripple.state(),
                               progress=progress)
    spilled = tuple(s.id for s in session.scenario.ripple.spillovers if s.id in session.fired)
    return CourseForecast(name, label, round(session.t, 4), int(session.ripple.snapshot().negative_reach), p.mood,
                          session.outcome(), spilled, result, _news_chance(session, result))


@dataclass(frozen=True)
class Position:
    """Where a session stands, copied out so a worker thread can forecast while play goes on."""

    scenario: Scenario
    seed: int
    start: Start
    steps: tuple
    t: float


def position(session: Session) -> Position:
    """Copy what `worst_case` needs (call it while no step runs, e.g. under the UI's session lock)."""
    return Position(session.scenario, session.seed, session.start, tuple(dict(s) for s in session.steps), session.t)


def worst_case(session: Session | Position, *, rollouts: int = DEFAULT_ROLLOUTS, horizon: float = DEFAULT_HORIZON,
               seed: int | None = None, progress: Callable[[int, int], None] | None = None) -> WorstCase:
    """How bad can it get from here: "do nothing" against the team's current course.

    *Do nothing* is the same scenario and seed with the brand silent from the start (the
    scorecard's baseline); the *current course* is what the team has done so far with nothing
    more. Each is played forward `horizon` minutes (injects, the customer, spillovers all run),
    then `rollouts` cascades of the customer's next public post are drawn from that state.
    It replays copies and never changes `session`; from a worker thread, pass `position(session)`.
    """
    if not 1 <= int(rollouts) <= MAX_ROLLOUTS:
        raise DrillError(f"rollouts must be from 1 to {MAX_ROLLOUTS:,}")
    if not horizon >= 0:
        raise DrillError("the horizon must be 0 minutes or more")
    sc = session.scenario
    now = session.t
    until = min(sc.time_limit, now + float(horizon))
    steps = list(session.steps)
    seed = session.seed if seed is None else int(seed)
    current = replay(sc, session.seed, [*steps, {"advance": max(0.0, until - now)}], start=session.start)
    nothing = replay(sc, session.seed, [{"advance": until}], start=session.start)
    total = 2 * int(rollouts)

    def part(offset: int):
        if progress is None:
            return None
        return lambda done, _n: progress(offset + done, total)

    a = _course("nothing", "do nothing", nothing, int(rollouts), seed, part(0))
    b = _course("current", "current course", current, int(rollouts), seed, part(int(rollouts)))
    return WorstCase(round(now, 4), round(until - now, 4), int(rollouts), seed, a, b)


# ---------------------------------------------------------------- the counterfactual fork


@dataclass(frozen=True)
class Decision:
    """A decision on the timeline that a fork can change."""

    n: int  # 1-based, as shown to the team
    step: int  # index into session.steps
    t: float
    kind: str  # reply, private, escalate, offer, ..., decide
    label: str
    who: str = ""


def _step_times(session: Session) -> list[float]:
    """The clock when each step began (replayed, so it holds for resumed sessions too)."""
    probe = Session(session.scenario, session.seed, start=session.start)
    times = []
    for step in session.steps:
        times.append(round(probe.t, 4))
        if probe.finished:
            continue
        probe.apply_step(step)
    return times


def _choice_label(scenario, choice_id: str) -> str:
    """The label the team saw for a suggested reply (its id is the author's)."""
    for beat in scenario.beats:
        for choice in beat.choices:
            if choice.id == choice_id:
                return choice.label
    return choice_id.replace("_", " ")


def decisions(session: Session) -> tuple[Decision, ...]:
    """The team's moves (not waits, ticks or facilitator steps) and the role players' decisions."""
    times = _step_times(session)
    out = []
    for i, step in enumerate(session.steps):
        if "act" in step:
            try:
                action = A.parse_action(step["act"])
            except A.ActionError:
                continue
            if action.kind == "wait":
                continue
            label = getattr(action, "text", "") or describe(action, session.scenario)
            if isinstance(action, A.Choose):
                label = f"suggested reply \u201c{_choice_label(session.scenario, action.choice)}\u201d"
            out.append(Decision(len(out) + 1, i, times[i], getattr(action, "kind", "choose"), label))
        elif "decide" in step:
            d = step["decide"]
            verdict = "approved" if d.get("approve") else "denied"
            role = session.scenario.role(str(d.get("role")))
            title = role.title if role is not None else str(d.get("role")).replace("_", " ")
            out.append(Decision(len(out) + 1, i, times[i], "decide", f"{title} {verdict}", str(d.get("who", ""))))
    return tuple(out)


@dataclass(frozen=True, eq=False)
class Side:
    label: str
    card: object  # scoring.Scorecard
    end_reason: str
    steps: int


@dataclass(frozen=True, eq=False)
class Fork:
    at: Decision
    original_step: dict
    alternative_step: dict
    then: str  # finish | rest
    dropped: int
    original: Side
    alternative: Side

    def rows(self) -> tuple[tuple[str, str, str, str], ...]:
        """Side-by-side lines: (what, original, alternative, difference)."""
        a, b = self.original.card, self.alternative.card

        def num(name, x, y, fmt="{:,.0f}", signed="{:+,.0f}"):
            return (name, fmt.format(x), fmt.format(y), signed.format(y - x))

        rows = [num("overall", a.overall, b.overall), ("grade", a.grade, b.grade, ""),
                ("customer outcome", a.outcome.replace("_", " "), b.outcome.replace("_", " "), "")]
        for d in a.dimensions:
            rows.append(num(d, a.dimensions[d], b.dimensions.get(d, 0.0)))
        for m in ("reach", "negative_reach", "spillovers"):
            rows.append(num(m.replace("_", " "), a.metrics[m], b.metrics[m]))
        rows.append(num("net sentiment", a.metrics["net_sentiment"], b.metrics["net_sentiment"], "{:+.2f}", "{:+.2f}"))
        kept = lambda c: sum(v["kept"] for v in c.rules.values())  # noqa: E731
        broken = lambda c: sum(v["broken"] for v in c.rules.values())  # noqa: E731
        rows.append(num("rules kept", kept(a), kept(b)))
        rows.append(num("rules broken", broken(a), broken(b)))
        return tuple(rows)

    def to_json(self) -> dict:
        return {
            "at": {"n": self.at.n, "step": self.at.step, "t": self.at.t, "kind": self.at.kind, "label": self.at.label},
            "original_step": self.original_step, "alternative_step": self.alternative_step, "then": self.then,
            "dropped": self.dropped,
            "original": self.original.card.to_json(), "alternative": self.alternative.card.to_json(),
            "rows": [list(r) for r in self.rows()],
        }


def alternative_step(obj) -> dict:
    """A step from an action map (`{"reply": "..."}`), a decide map or a full step."""
    if not isinstance(obj, dict) or len(obj) != 1:
        raise DrillError('the alternative is one action, like {"reply": "text"} or {"decide": {"role": "pr", "approve": false}}')
    key = next(iter(obj))
    if key in ("act", "decide"):
        step = dict(obj)
    else:
        try:
            step = {"act": A.to_dict(A.parse_action(obj))}
        except A.ActionError as exc:
            raise DrillError(str(exc)) from None
    if "act" in step:
        try:
            A.parse_action(step["act"])
        except A.ActionError as exc:
            raise DrillError(str(exc)) from None
    elif not isinstance(step["decide"], dict):
        raise DrillError("decide takes a mapping: role, approve, and optionally who, note, limit")
    return step


def fork(session: Session, at: int, alternative, *, then: str = "finish") -> Fork:
    """Replay the same seed up to decision `at`, make `alternative` instead, finish; score both.

    `then="rest"` plays the original's later steps after the changed one (those that no longer
    apply are dropped and counted) instead of finishing at once.
    """
    if then not in ("finish", "rest"):
        raise DrillError("then is 'finish' or 'rest'")
    listed = decisions(session)
    if not listed:
        raise DrillError("this session has no decisions to fork from")
    if isinstance(at, bool) or not isinstance(at, int) or not 1 <= at <= len(listed):
        raise DrillError(f"--at is a decision number from 1 to {len(listed)}")
    chosen = listed[at - 1]
    step = alternative_step(alternative)
    prefix = list(session.steps[: chosen.step])
    other = replay(session.scenario, session.seed, prefix, start=session.start)
    if other.finished:
        raise DrillError(f"the scenario had ended before decision {at}")
    try:
        other.apply_step(step)
    except (SessionError, A.ActionError, ValueError) as exc:
        raise DrillError(f"the alternative cannot be played at decision {at}: {exc}") from None
    dropped = 0
    if then == "rest":
        for later in session.steps[chosen.step + 1:]:
            if other.finished:
                break
            if "finish" in later:
                break
            try:
                other.apply_step(later)
            except (SessionError, A.ActionError, ValueError):
                dropped += 1
    if not other.finished:
        other.finish()
    original_card = score(session, turning_points=False)
    alternative_card = score(other, turning_points=False)
    original_end = session.end_reason or "not finished (scored as if closed now)"
    return Fork(chosen, dict(session.steps[chosen.step]), step, then, dropped,
                Side("what the team did", original_card, original_end, len(session.steps)),
                Side("what if", alternative_card, other.end_reason, len(other.steps)))


# ---------------------------------------------------------------- improvement plan


@dataclass(frozen=True)
class PlanRow:
    action: str
    owner: str
    due: str  # ISO date
    ref: str  # where it comes from: "question 2", "rule 7", "escalation", "drill"
    priority: int


_QUESTION_OWNER_ROLES = {1: ("executive", "pr"), 2: ("supervisor", "executive"), 3: ("agent",), 4: ("executive", "supervisor"),
                         5: ("pr", "communications"), 6: ("community", "agent"), 7: ("pr", "communications", "executive")}


def _owner(session: Session, question: int | None, team: Team) -> str:
    """The seat that should own a question's follow-up, named with the person in it."""
    sc = session.scenario
    wanted = _QUESTION_OWNER_ROLES.get(question or 0, ())
    seat = None
    for key in wanted:
        seat = next((s for s in team.seats if key in s.role.casefold() or key in s.title.casefold()), None)
        if seat is not None:
            break
    if seat is None:
        senior = max(sc.roles, key=lambda r: r.authority) if sc.roles else None
        front = sc.trainee_role
        pick = front if question in (3, 6) else senior
        seat = team.seat(pick.id) if pick is not None else None
    return seat.label if seat is not None else "the team lead"


def improvement_plan(session: Session, card=None, date=None) -> tuple[PlanRow, ...]:
    """Corrective actions from this drill: findings, unanswered questions, escalation mistakes."""
    card = card if card is not None else score(session, turning_points=False)
    day = _as_date(date)
    team = team_from_session(session)
    titles = {s.title: s.label for s in team.seats}
    rows: list[PlanRow] = []
    for item in report_plan(session, card, day):
        owner = item.owner
        for title, label in titles.items():
            owner = owner.replace(title, label) if label != title else owner
        rows.append(PlanRow(item.action, owner, item.due, item.ref, item.priority))
    for point in decision_points(session):
        if point.answered:
            continue
        rows.append(PlanRow(f"Agree and write down the team's answer to \u201c{point.title}\u201d: it came up at "
                            f"T+{format_duration(point.t)} ({point.reason}) and the team did not decide.",
                            _owner(session, point.question, team), (day + _dt.timedelta(days=14)).isoformat(),
                            f"question {point.question}", 1))
    sc = session.scenario
    for r in session.records:
        if r.kind == "escalate" and r.data.get("needless"):
            role = sc.role(r.data["role"])
            rows.append(PlanRow(f"Write down the front line's authority ({sc.trainee_role.authority:g}) so "
                                f"{role.title if role else r.data['role']} is not pulled in for what the front line can decide "
                                f"(T+{format_duration(r.t)}).", _owner(session, 2, team), (day + _dt.timedelta(days=30)).isoformat(),
                                "escalation", 2))
            break
    blocked = [r for r in session.records if r.kind == "offer" and not r.data.get("within")]
    if blocked:
        r = blocked[0]
        rows.append(PlanRow(f"Agree who approves offers above {sc.trainee_role.authority:g} and how fast: "
                            f"{r.data['remedy']} ({r.data['value']:g}) was blocked at T+{format_duration(r.t)}.",
                            _owner(session, 4, team), (day + _dt.timedelta(days=14)).isoformat(), "question 4", 1))
    seen, unique = set(), []
    for row in sorted(rows, key=lambda x: (x.priority, x.ref, x.action)):
        if (row.ref, row.action) not in seen:
            seen.add((row.ref, row.action))
            unique.append(row)
    return tuple(unique)


def _as_date(value) -> _dt.date:
    if value is None:
        return _dt.date.today()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise DrillError(f"'{value}' is not a date like 2025-03-14") from None


__all__ = [
    "Answer", "CourseForecast", "Decision", "DecisionPoint", "DrillError", "Fork", "PlanRow", "Position", "Seat", "Side", "Team",
    "WorstCase", "alternative_step", "answer", "answers", "decision_points", "decisions", "drill_start", "due_questions",
    "fork", "improvement_plan", "parse_assignments", "position", "team_from_session", "team_of", "worst_case",
]
