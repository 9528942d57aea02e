"""The scorecard: fair, explained, and teaching the seeds' lessons.

Five dimensions, each 0-100 (PRODUCT.md section 4):
- outcome: where the customer ended up (raving fan .. hostile);
- reputation: negative reach, net sentiment and spillovers against a counterfactual replay of the
  same scenario and seed in which the brand does nothing ("ignoring the problem is not a
  strategy"), scaled by what the scenario's reference playthrough achieved where it has one, so
  50 always means "no better than silence" and 100 "as good as the reference";
- conduct: Blanchard's nine rules, kept and broken, reply by reply, each broken rule quoted;
- timeliness: the first response and later answers against the scenario's expectation;
- judgment: escalation, going private, promises, all-in spend, hiding, walking away, the aftermath.

Lateness never pays: a course answered late is capped, on every dimension but timeliness, at what
the same course answered on time scores (`on_time_course`, `_capped`).

Every dimension carries its explanation (`Scorecard.explain`), so a trainee can see why a number
is what it is. Turning points come from counterfactual replays too: the same seed with one action
replaced by a wait of the same length (and whatever later moves depended on it dropped). Because
random streams are keyed (rng.py), the differences are the trainee's doing, not noise. Nothing
here reads anything but the scenario, the seed and the steps: no clock, no environment.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace

from simulator.engine.session import Session, SessionError, cost_of, replay
from simulator.evaluate.facts import (
    argued,
    broken_rules,
    clean,
    first_helpful_response,
    hostile,
    settled_outcome,
)
from simulator.format.actions import parse_action, parse_actions, to_dict
from simulator.format.durations import format_duration
from simulator.format.textsafe import clip
from simulator.format.vocab import DEFAULT_WEIGHTS, DIMENSIONS
from simulator.world import rules as R

OUTCOME_POINTS = {"raving_fan": 100.0, "satisfied": 85.0, "neutral": 55.0, "churned": 25.0, "hostile": 5.0}
GRADES = ((90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "F"))
MAX_TURNING_POINT_REPLAYS = 12
# Below these differences the reference is "no better than silence" on that metric: the metric then
# only ever costs points (when the trainee made it worse), it cannot earn any.
NEG_REACH_FLOOR = 10
SENTIMENT_FLOOR = 0.03
# Reputation components: what the audience saw, what it now thinks, whether it spread elsewhere.
REPUTATION_WEIGHTS = {"negative_reach": 0.4, "net_sentiment": 0.4, "spillovers": 0.2}
LAST_WORD_HOSTILE_CAP = 35.0  # judgment for a course whose last public word attacked
ACTION_QUESTION = {"escalate": 2, "private": 3, "offer": 4, "hide": 6, "walk_away": 6, "follow_up": 7}


@dataclass(frozen=True)
class TurningPoint:
    n: int
    t: float
    kind: str
    text: str
    effect_negative_reach: int  # actual minus counterfactual (negative = the action helped)
    effect_sentiment: float  # actual minus counterfactual (positive = the action helped)
    outcome_with: str
    outcome_without: str
    rule: int | None
    verdict: str  # "kept" | "broken" | ""
    helped: bool
    effect_reach: int = 0
    points: int = 0  # overall score with the action minus without it
    question: int | None = None
    dropped: int = 0  # later moves that could not be played without this one
    size: float = 0.0

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "t": round(self.t, 2),
            "kind": self.kind,
            "text": self.text,
            "effect": {"negative_reach": self.effect_negative_reach, "net_sentiment": round(self.effect_sentiment, 4),
                       "reach": self.effect_reach, "points": self.points, "size": round(self.size, 4)},
            "outcome_with": self.outcome_with,
            "outcome_without": self.outcome_without,
            "rule": self.rule,
            "rule_text": R.rule(self.rule).text if self.rule else "",
            "verdict": self.verdict,
            "question": self.question,
            "question_text": R.QUESTIONS[self.question - 1].text if self.question else "",
            "dropped": self.dropped,
            "helped": self.helped,
        }

    def describe(self) -> str:
        """One sentence a debrief can read out: what the move changed, against not making it."""
        parts = []
        if self.effect_negative_reach:
            parts.append(f"negative reach {self.effect_negative_reach:+,}")
        if abs(self.effect_sentiment) >= 0.005:
            parts.append(f"net sentiment {self.effect_sentiment:+.2f}")
        if self.outcome_with != self.outcome_without:
            parts.append(f"customer {self.outcome_without.replace('_', ' ')} \u2192 {self.outcome_with.replace('_', ' ')}")
        if self.points:
            parts.append(f"{self.points:+d} points")
        return ", ".join(parts) or "little measurable effect"


@dataclass(frozen=True)
class Finding:
    """A strength or an area for improvement, tied to a decision and a rule or question."""

    text: str
    rule: int | None = None
    question: int | None = None
    quote: str = ""
    t: float | None = None

    def to_json(self) -> dict:
        out: dict = {"text": self.text}
        if self.rule:
            out["rule"] = self.rule
        if self.question:
            out["question"] = self.question
        if self.quote:
            out["quote"] = self.quote
        if self.t is not None:
            out["t"] = round(self.t, 2)
        return out


@dataclass(frozen=True)
class ObjectiveRating:
    id: str
    text: str
    dimension: str
    met: bool | None
    rating: str  # P S M U
    why: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "text": self.text, "dimension": self.dimension, "met": self.met, "rating": self.rating,
                "why": self.why}


RATINGS = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
}


@dataclass(frozen=True)
class Scorecard:
    scenario: str
    seed: int
    overall: int
    grade: str
    dimensions: dict
    outcome: str
    rules: dict
    metrics: dict
    baseline: dict
    turning_points: tuple[TurningPoint, ...] = ()
    strengths: tuple[Finding, ...] = ()
    improvements: tuple[Finding, ...] = ()
    objectives: tuple[ObjectiveRating, ...] = ()
    quotes: dict = field(default_factory=dict)
    explain: dict = field(default_factory=dict)  # dimension -> tuple of sentences
    weights: dict = field(default_factory=dict)
    reference: dict | None = None  # metrics of the scenario's reference playthrough

    def to_json(self) -> dict:
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "overall": self.overall,
            "grade": self.grade,
            "dimensions": dict(self.dimensions),
            "weights": dict(self.weights),
            "explain": {k: list(v) for k, v in self.explain.items()},
            "outcome": self.outcome,
            "rules": {k: dict(v) for k, v in self.rules.items()},
            "quotes": {k: list(v) for k, v in self.quotes.items()},
            "metrics": dict(self.metrics),
            "baseline": dict(self.baseline),
            "reference": dict(self.reference) if self.reference else None,
            "turning_points": [tp.to_json() for tp in self.turning_points],
            "strengths": [f.to_json() for f in self.strengths],
            "improvements": [f.to_json() for f in self.improvements],
            "objectives": [o.to_json() for o in self.objectives],
        }


_BASELINES: dict = {}
# The facilitator's moves that change the world (not notes, pauses or decisions): in a drill they
# are played into the do-nothing and reference baselines too, so the team is not charged for them.
WORLD_MOVES = frozenset({"pressure", "inject", "custom"})


def _cache_key(session: Session, kind: str) -> tuple:
    sc = session.scenario
    return (kind, sc.sha256, sc.path, session.seed, session.start, facilitation(session))


def facilitation(session: Session) -> tuple[tuple[float, tuple], ...]:
    """The facilitator's world-changing moves with the time each was made: ((t, command items), ...).

    Steps carry no times, so a session with such moves is replayed once to read them.
    """
    steps = list(session.steps)
    if not any("facilitate" in s and s["facilitate"].get("kind") in WORLD_MOVES for s in steps):
        return ()
    key = ("facilitation", session.scenario.sha256, session.seed, session.start, _freeze(steps))
    hit = _BASELINES.get(key)
    if hit is not None:
        return hit
    other = Session(session.scenario, session.seed, start=session.start)
    moves = []
    for step in steps:
        if other.finished:
            break
        if "facilitate" in step and step["facilitate"].get("kind") in WORLD_MOVES:
            moves.append((round(other.t, 6), tuple(sorted(step["facilitate"].items()))))
        try:
            other.apply_step(step)
        except (SessionError, ValueError):
            continue
    _BASELINES[key] = hit = tuple(moves)
    return hit


def _freeze(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _replay_facilitated(session: Session, steps, moves) -> tuple[Session, int]:
    """Replay steps on the same seed with the facilitator's moves played in at their times.

    Steps that no longer apply are dropped (returned as the count); an advance that crosses a
    move's time is split there.
    """
    other = Session(session.scenario, session.seed, start=session.start)
    pending = list(moves)
    dropped = 0

    def catch_up(until: float) -> None:
        while pending and pending[0][0] <= until + 1e-9 and not other.finished:
            at, items = pending.pop(0)
            if at > other.t:
                other.advance(at - other.t)
            command = dict(items)
            if command.get("kind") == "inject" and command.get("id") in other.fired:
                continue  # it fired on its own in this course
            with contextlib.suppress(SessionError, ValueError):  # a move that no longer applies
                other.facilitate(command)

    for step in steps:
        if other.finished:
            break
        if "finish" in step:
            continue
        if "advance" in step:
            target = other.t + float(step["advance"])
            catch_up(target)
            if other.t < target and not other.finished:
                other.advance(target - other.t)
            continue
        catch_up(other.t)
        try:
            other.apply_step(step)
        except (SessionError, ValueError):
            dropped += 1  # a choice no longer offered, a post that was never made
    catch_up(float("inf"))
    if not other.finished:
        other.finish()
    return other, dropped


def baseline(session: Session, *, pressure: bool = True) -> Session:
    """The same scenario and seed where the brand does nothing at all.

    In a drill the facilitator's pressure, injects and custom posts are played into it at the times
    they were made (`pressure=False`: the plain silence, without them).
    """
    moves = facilitation(session) if pressure else ()
    key = (*_cache_key(session, "nothing")[:-1], moves)
    hit = _BASELINES.get(key)
    if hit is None:
        if len(_BASELINES) > 64:
            _BASELINES.clear()
        if moves:
            hit = _replay_facilitated(session, [], moves)[0]
        else:
            hit = replay(session.scenario, session.seed, [{"finish": True}], start=session.start)
        _BASELINES[key] = hit
    return hit


def metrics_of(session: Session) -> dict:
    snap = session.ripple.snapshot()
    return {
        "reach": int(snap.reach),
        "negative_reach": int(snap.negative_reach),
        "neutral_reach": int(snap.neutral_reach),
        "positive_reach": int(snap.positive_reach),
        "net_sentiment": round(float(snap.net_sentiment), 4),
        "spillovers": int(snap.spillovers),
        "share_velocity": round(float(snap.share_velocity), 4),
    }


def _clamp(x: float, lo: float = 0.0, hi: float = 100.0) -> float:
    return max(lo, min(hi, x))


def finished(session: Session) -> Session:
    """A finished session: the same one, or (for one still running) a finished replay of it."""
    if session.finished:
        return session
    return replay(session.scenario, session.seed, [*session.steps, {"finish": True}], start=session.start)


def score(session: Session, *, turning_points: bool = True) -> Scorecard:
    """Score a finished session (an unfinished one is finished on a copy first)."""
    session = finished(session)
    card = _capped(session, _evaluate(session))
    if turning_points:
        card = _with(card, turning_points=turning_points_of(session, overall=card.overall))
    return card


def _with(card: Scorecard, **changes) -> Scorecard:
    return replace(card, **changes)


def on_time_course(session: Session) -> Session | None:
    """The same course with the silence before its first helpful response cut, so that the response
    comes when the scenario expects it (`scoring: expected_response`); None when it already did.

    Every wait (or clock advance) before that response is shortened so the clock stays within the
    expectation; everything after it is played as it was, only earlier. Moves that no longer apply
    are dropped, and a drill's facilitator moves are played in at the times they were made.
    """
    expected = session.scenario.scoring.expected_response
    first = first_helpful_response(session)
    if first is None or first <= expected:
        return None
    other = Session(session.scenario, session.seed, start=session.start)
    steps: list[dict] = []
    for step in session.steps:
        if other.finished:
            break
        if "finish" in step:
            continue
        if first_helpful_response(other) is None:
            step = _shortened(step, max(0.0, expected - other.t))
            if step is None:
                continue
        steps.append(step)
        with contextlib.suppress(SessionError, ValueError):  # a move that no longer applies
            other.apply_step(step)
    moves = facilitation(session)
    if moves:
        return _replay_facilitated(session, steps, moves)[0]
    if not other.finished:
        other.finish()
    return other


def _shortened(step: dict, room: float) -> dict | None:
    """A wait or advance step cut to at most `room` minutes (None: nothing left of it); others as they are."""
    if "advance" in step:
        minutes = float(step["advance"])
        return {"advance": min(minutes, room)} if min(minutes, room) > 0 else None
    act = step.get("act")
    if isinstance(act, dict) and "wait" in act:
        try:
            minutes = float(parse_action(act).minutes)  # type: ignore[union-attr]
        except (ValueError, AttributeError):
            return step
        return {"act": {"wait": min(minutes, room)}} if min(minutes, room) > 0 else None
    return step


def _capped(session: Session, card: Scorecard) -> Scorecard:
    """Lateness never pays: a course whose first helpful response came late scores no higher, on any
    dimension but timeliness, than the same course answered on time (`on_time_course`).

    Without this, waiting could earn points: a reply after two hours calms every complaint that piled
    up meanwhile (its damping reaches all their pending shares), and a customer ignored for hours may
    leave and stop spreading the story, so reputation and outcome can favour the late reply even
    though nothing the trainee did was better. The on-time course is the fair measure of what the same
    words could have done; the late one keeps only its own, lower timeliness on top of it.
    """
    other = on_time_course(session)
    if other is None:
        return card
    fair = _evaluate(other).dimensions
    dims = dict(card.dimensions)
    explain = {k: list(v) for k, v in card.explain.items()}
    first = first_helpful_response(other)
    when = f"T+{format_duration(first)}" if first is not None else "on time"
    for d, value in card.dimensions.items():
        if d != "timeliness" and value > fair[d]:
            dims[d] = fair[d]
            explain[d].append(f"Capped at {fair[d]:.1f} (was {value:.1f}): the same course answered on time "
                              f"(first response at {when}) scores that; answering late cannot earn more.")
    if dims == card.dimensions:
        return card
    overall = _overall(session.scenario, dims)
    return _with(card, dimensions=dims, overall=overall, grade=grade_of(overall),
                 objectives=_objectives(session, dims, card.outcome),
                 explain={k: tuple(v) for k, v in explain.items()})


def _evaluate(session: Session) -> Scorecard:
    scenario = session.scenario
    base = baseline(session)
    m, b = metrics_of(session), metrics_of(base)
    ref = _reference_metrics(session)
    strengths: list[Finding] = []
    improvements: list[Finding] = []
    explain: dict[str, list[str]] = {d: [] for d in DIMENSIONS}

    # -- outcome
    settled = settled_outcome(session)
    outcome = settled.outcome
    p = session.persona
    outcome_score = _outcome_points(outcome, p)
    explain["outcome"] += [
        f"The customer ended {outcome.replace('_', ' ')} ({OUTCOME_POINTS[outcome]:.0f} points),",
        f"adjusted for trust {p.trust:.2f} ({10 * (p.trust - 0.5):+.1f}) and anger {p.anger:.2f} ({-10 * (p.anger - 0.3):+.1f}).",
    ]
    if facilitation(session):
        # What the facilitator's pressure did to a customer nobody answered is not the team's doing.
        plain = baseline(session, pressure=False)
        pressed = base
        handicap = (_outcome_points(settled_outcome(plain).outcome, plain.persona)
                    - _outcome_points(settled_outcome(pressed).outcome, pressed.persona))
        if abs(handicap) >= 0.05:
            outcome_score = _clamp(outcome_score + handicap)
            explain["outcome"].append(f"{handicap:+.1f} for the facilitator's pressure: what it did to the customer "
                                      "had the brand said nothing is not charged to the team.")
    if settled.why:
        explain["outcome"].append(f"Not {settled.persona_outcome.replace('_', ' ')}: {settled.why} "
                                  f"(\u201c{clip(settled.last_word, 120)}\u201d).")
    if outcome in ("raving_fan", "satisfied"):
        strengths.append(Finding(f"The customer ended {outcome.replace('_', ' ')}."))
    elif outcome in ("churned", "hostile"):
        improvements.append(Finding(f"The customer ended {outcome}: {_outcome_hint(outcome)}",
                                    question=6 if outcome == "churned" else 5))

    # -- reputation against doing nothing (scaled by the reference, where there is one)
    reputation, rep_lines = _reputation(m, b, ref)
    explain["reputation"] += rep_lines
    if m["negative_reach"] + NEG_REACH_FLOOR <= b["negative_reach"]:
        strengths.append(Finding(f"Negative reach {m['negative_reach']:,} against {b['negative_reach']:,} had the brand said nothing.",
                                 question=5))
    elif m["negative_reach"] > b["negative_reach"] * 1.1 + 20:
        improvements.append(Finding(f"Negative reach {m['negative_reach']:,}: worse than saying nothing ({b['negative_reach']:,}).",
                                    question=5))
    if m["spillovers"] > b["spillovers"]:
        improvements.append(Finding(f"The story spilled over to {m['spillovers']} other place(s); saying nothing: {b['spillovers']}.",
                                    question=5))
    elif m["spillovers"] < b["spillovers"]:
        strengths.append(Finding(f"Kept the story from spilling over ({m['spillovers']} against {b['spillovers']} had the brand said nothing).",
                                 question=5))

    # -- conduct: the nine rules
    conduct, tallies, quotes, c_good, c_bad, c_lines = _conduct(session)
    strengths += c_good
    improvements += c_bad
    explain["conduct"] += c_lines

    # -- timeliness
    expected = scenario.scoring.expected_response
    timeliness, t_lines = _timeliness(session, expected)
    explain["timeliness"] += t_lines
    first = first_helpful_response(session)
    if session.first_response_at is None:
        improvements.append(Finding("The brand never answered. Brands must be ready to respond at once.", question=1))
    elif first is None:
        improvements.append(Finding("The brand answered, but never with anything that helped.", question=1))
    elif first <= expected:
        when = "at once" if first < 1 else f"after {format_duration(first)}"
        strengths.append(Finding(f"First response {when} (expected within {format_duration(expected)}).", t=first))
    else:
        improvements.append(Finding(f"First response after {format_duration(first)}; expected within {format_duration(expected)}. "
                                    "Be ready to respond at once.", question=1, t=first))

    # -- judgment
    judgment, j_strengths, j_improvements, j_lines = _judgment(session)
    strengths += j_strengths
    improvements += j_improvements
    explain["judgment"] += j_lines

    # Whatever a strength is about, the message it quotes is held up as an example: never one
    # that broke a rule or attacked (the finding stays, without the quote).
    spoiled = {r.text for r in session.replies if broken_rules(r)}
    strengths = [replace(f, quote="") if f.quote in spoiled else f for f in strengths]

    dims = {
        "outcome": round(outcome_score, 1),
        "reputation": round(reputation, 1),
        "conduct": round(conduct, 1),
        "timeliness": round(timeliness, 1),
        "judgment": round(judgment, 1),
    }
    weights = _weights(scenario)
    total_weight = sum(weights.values()) or 1.0
    overall = _overall(scenario, dims)
    grade = grade_of(overall)
    return Scorecard(
        scenario=scenario.id,
        seed=session.seed,
        overall=overall,
        grade=grade,
        dimensions=dims,
        outcome=outcome,
        rules=tallies,
        metrics=m,
        baseline=b,
        turning_points=(),
        strengths=tuple(strengths),
        improvements=tuple(improvements),
        objectives=_objectives(session, dims, outcome),
        quotes={k: tuple(v) for k, v in quotes.items()},
        explain={k: tuple(v) for k, v in explain.items()},
        weights={k: round(v / total_weight, 4) for k, v in weights.items()},
        reference=ref,
    )


def _weights(scenario) -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in scenario.weights.items() if k in DEFAULT_WEIGHTS}}


def _overall(scenario, dims: dict) -> int:
    weights = _weights(scenario)
    return round(sum(dims[d] * w for d, w in weights.items()) / (sum(weights.values()) or 1.0))


def _outcome_points(outcome: str, p) -> float:
    return _clamp(OUTCOME_POINTS[outcome] + 10 * (p.trust - 0.5) - 10 * (p.anger - 0.3))


def grade_of(overall: float) -> str:
    return next(g for floor, g in GRADES if overall >= floor)


def _outcome_hint(outcome: str) -> str:
    return {
        "churned": "they reached their limit and left (\u201cFrankly, my dear, I don't give a damn\u201d).",
        "hostile": "they took it further: a blog, a mob, screenshots.",
    }[outcome]


def reference_session(session: Session) -> Session | None:
    """The scenario's reference playthrough on the same seed, or None (none given, or it no longer plays)."""
    reference = session.scenario.scoring.reference
    if not reference:
        return None
    key = _cache_key(session, "reference")
    if key in _BASELINES:
        return _BASELINES[key]

    steps = [{"act": to_dict(a)} for a in parse_actions(list(reference))] + [{"finish": True}]
    try:
        hit = _replay_facilitated(session, steps, facilitation(session))[0]
    except (SessionError, ValueError):
        hit = None
    _BASELINES[key] = hit
    return hit


def _reference_metrics(session: Session) -> dict | None:
    ref = reference_session(session)
    return metrics_of(ref) if ref is not None else None


def _component(actual: float, base: float, target: float, floor: float, better_is_lower: bool) -> tuple[float, bool]:
    """Progress from silence (0) to the target (1) on one metric; (value, whether it can earn points).

    When the target is not meaningfully better than silence, the metric cannot earn points (else
    silence itself would), but making it worse than silence still costs.
    """
    sign = -1.0 if better_is_lower else 1.0
    gain = sign * (actual - base)  # > 0: better than silence
    room = sign * (target - base)
    if room < floor:
        return min(0.0, gain / floor), False
    value = gain / room
    if sign * (actual - target) >= 0:
        value = max(value, 1.0)  # at or beyond the reference: full marks on this metric
    return max(-1.5, min(1.2, value)), True


def _reputation(m: dict, b: dict, ref: dict | None) -> tuple[float, list[str]]:
    """50 = no better than silence; 100 = as good as the reference on everything it improved."""
    if ref is None:  # without a reference: halving the harm of silence, or lifting sentiment by 0.15, is full marks
        ref = {"negative_reach": b["negative_reach"] * 0.5, "net_sentiment": b["net_sentiment"] + 0.15,
               "spillovers": max(0, b["spillovers"] - 1)}
        against = "a good response (no reference playthrough in this scenario)"
    else:
        against = "the reference playthrough"
    parts = {
        "negative_reach": _component(m["negative_reach"], b["negative_reach"], ref["negative_reach"], NEG_REACH_FLOOR, True),
        "net_sentiment": _component(m["net_sentiment"], b["net_sentiment"], ref["net_sentiment"], SENTIMENT_FLOOR, False),
        "spillovers": _component(m["spillovers"], b["spillovers"], ref["spillovers"], 1, True),
    }
    active = {k: v for k, (v, can_earn) in parts.items() if can_earn}
    passive = {k: v for k, (v, can_earn) in parts.items() if not can_earn}
    total = sum(REPUTATION_WEIGHTS[k] for k in active)
    earned = sum(REPUTATION_WEIGHTS[k] * v for k, v in active.items()) / total if total else 0.0
    penalty = sum(REPUTATION_WEIGHTS[k] * v for k, v in passive.items())
    value = _clamp(50.0 + 50.0 * earned + 50.0 * penalty)
    lines = [
        f"Reach {m['reach']:,}: negative {m['negative_reach']:,}, neutral {m.get('neutral_reach', 0):,}, "
        f"positive {m.get('positive_reach', 0):,}.",
        f"Negative reach {m['negative_reach']:,}; doing nothing {b['negative_reach']:,}; {against} {ref['negative_reach']:,.0f}.",
        f"Net sentiment {m['net_sentiment']:+.2f}; doing nothing {b['net_sentiment']:+.2f}; {against} {ref['net_sentiment']:+.2f}.",
        f"Spillovers {m['spillovers']}; doing nothing {b['spillovers']}; {against} {ref['spillovers']:.0f}.",
        "50 means no better than silence, 100 as good as " + against + ".",
    ]
    if passive:
        lines.append("Where even a good response could not beat silence (" + ", ".join(k.replace("_", " ") for k in sorted(passive))
                     + "), only doing worse counts.")
    return value, lines


def _conduct(session: Session):
    tallies: dict[str, dict] = {str(n): {"kept": 0, "broken": 0} for n in range(1, 10)}
    quotes: dict[str, list[str]] = {}
    first_broken: dict[str, object] = {}
    weighted_broken = 0.0
    for reply in session.replies:
        for rule, verdict in sorted(reply.analysis.rules.items()):
            tallies[str(rule)][verdict] += 1
            if verdict == "broken":
                quotes.setdefault(str(rule), []).append(reply.text)
                first_broken.setdefault(str(rule), reply)
                weighted_broken += 1.5 if reply.public else 1.0  # broken in front of everyone weighs more
    kept = sum(v["kept"] for v in tallies.values())
    broken = sum(v["broken"] for v in tallies.values())
    good: list[Finding] = []
    bad: list[Finding] = []
    lines = [f"{kept} rule(s) kept and {broken} broken over {len(session.replies)} message(s); "
             "a rule broken in public weighs 1.5, in private 1."]
    if not session.replies:
        conduct = 15.0
        bad.append(Finding("No reply at all: ignoring the problem is not a strategy.", question=1))
        lines.append("No messages: nothing to keep a rule with (15).")
    elif kept == 0 and broken == 0:
        conduct = 70.0
        lines.append("The messages engaged none of the rules: neither kept nor broken (70).")
    else:
        conduct = _clamp(100.0 * (kept + 1) / (kept + 1 + 3.0 * weighted_broken))
    for rule_no, count in sorted(tallies.items(), key=lambda kv: (-kv[1]["broken"], int(kv[0]))):
        if count["broken"]:
            rule = R.rule(int(rule_no))
            reply = first_broken[rule_no]
            where = "in public" if reply.public else "in private"
            times = f" ({count['broken']} times)" if count["broken"] > 1 else ""
            bad.append(Finding(f"Rule {rule_no} broken {where}{times}: {rule.text}", rule=int(rule_no), quote=reply.text, t=reply.t))
            lines.append(f"Rule {rule_no} ({rule.title}) broken {count['broken']}x, kept {count['kept']}x.")
    for rule_no, count in tallies.items():
        if count["kept"] and not count["broken"]:
            rule = R.rule(int(rule_no))
            lines.append(f"Rule {rule_no} ({rule.title}) kept {count['kept']}x.")
            if rule_no in ("8", "6", "7", "9"):
                # A message that broke another rule (or attacked) is never held up as a strength.
                reply = next((r for r in session.replies if r.analysis.rules.get(int(rule_no)) == "kept" and clean(r)), None)
                if reply is not None:
                    good.append(Finding(f"Rule {rule_no} kept: {rule.text}", rule=int(rule_no), quote=reply.text, t=reply.t))
    return conduct, tallies, quotes, good, bad, lines


def _timeliness(session: Session, expected: float) -> tuple[float, list[str]]:
    if session.first_response_at is None:
        return 0.0, [f"No response at all (expected within {expected:.0f} minutes)."]
    first = first_helpful_response(session)
    if first is None:
        return 0.0, ["Every message argued or attacked: a fast argument is not a response (0)."]
    if first > session.first_response_at:
        lines = [f"The first message (T+{format_duration(session.first_response_at)}) argued or attacked; the first "
                 f"that helped came at T+{format_duration(first)}."]
    else:
        lines = []
    first_score = 100.0 if first <= expected else 100.0 * (expected / first) ** 0.9
    lines.append(f"First response at T+{format_duration(first)} against an expectation of {format_duration(expected)}: {first_score:.0f}.")
    gaps = session.response_gaps[1:]
    if not gaps:
        return _clamp(first_score), lines
    later = sum(100.0 if g <= 2 * expected else 100.0 * (2 * expected / g) ** 0.9 for g in gaps) / len(gaps)
    lines.append(f"{len(gaps)} later answer(s), mean wait {format_duration(sum(gaps) / len(gaps))} against {format_duration(2 * expected)}: {later:.0f}.")
    lines.append("Weighted 75% first response, 25% later answers.")
    return _clamp(0.75 * first_score + 0.25 * later), lines


def _judgment(session: Session):
    sc = session.scenario
    rules = sc.scoring
    points = 70.0
    good: list[Finding] = []
    bad: list[Finding] = []
    lines: list[str] = ["Starts at 70; each decision below moves it."]
    records = session.records

    def plus(delta: float, finding: Finding | None, why: str) -> None:
        nonlocal points
        points += delta
        lines.append(f"{delta:+.0f} {why}")
        if finding is not None:
            (good if delta > 0 else bad).append(finding)

    if not any(r.kind != "wait" for r in records):
        lines[:] = ["No decisions at all: ignoring the problem is not a strategy (20)."]
        return 20.0, good, [Finding("No decision was made: no reply, no escalation, no remedy.", question=1)], lines

    # Arguing and attacking in public is a decision too, and a bad one (rules 2, 5 and 7).
    argued = [r for r in session.replies if argued_publicly(r)]
    attacked = [r for r in session.replies if r.public and hostile(r)]
    if attacked:
        plus(-min(36, 12 * len(attacked)), Finding("Attacked the customer in public: contempt, insults or threats get screenshotted.",
                                                   question=5, quote=attacked[0].text, t=attacked[0].t),
             f"{len(attacked)} hostile public message(s)")
    elif argued:
        plus(-min(45, 15 * len(argued)), Finding("Argued with the customer in public: never argue online (rule 7).",
                                                 question=5, quote=argued[0].text, t=argued[0].t),
             f"{len(argued)} public argument(s)")

    # The brand's last word is what the audience remembers: ending on an attack, or an argument,
    # is sending the customer away ("take your business elsewhere"), whatever came before.
    # An attack costs more than an argument, and only an attack caps judgment: a judge that misreads
    # a firm final statement as an argument must not sink a course that was right otherwise.
    spoken = [r for r in session.replies if r.public]
    if spoken and hostile(spoken[-1]):
        last = spoken[-1]
        plus(-20, Finding("Ended on a hostile message: that is what the audience remembers.",
                          question=6, quote=last.text, t=last.t), "the last public word attacked")
    elif spoken and argued_publicly(spoken[-1]):
        last = spoken[-1]
        plus(-10, Finding("Ended on an argument: that is what the audience remembers.",
                          question=6, quote=last.text, t=last.t), "the last public word argued")

    # Who needs to know (question 2)
    escalations = [r for r in records if r.kind == "escalate"]
    if rules.escalate_to:
        target = next((r for r in escalations if r.data["role"] == rules.escalate_to), None)
        role = sc.role(rules.escalate_to)
        title = role.title if role else rules.escalate_to
        if target and target.t <= rules.escalate_within:
            plus(15, Finding(f"Brought in {title} in time.", question=2, t=target.t), f"brought in {title} in time")
        elif target:
            plus(3, Finding(f"Brought in {title}, but late (T+{format_duration(target.t)}; needed within {format_duration(rules.escalate_within)}).",
                            question=2, t=target.t), f"brought in {title} late")
        else:
            plus(-25, Finding(f"{title} needed to know and was never told.", question=2), f"{title} never told")
        extra = [r for r in escalations if r.data["role"] != rules.escalate_to]
    else:
        extra = escalations
    for r in extra:
        role = sc.role(r.data["role"])
        if role and r.data.get("needless"):  # the engine's rule (engine/team.py: needless_escalation)
            plus(-6, Finding(f"Escalated to {role.title} when it was within your own authority.", question=2, t=r.t),
                 f"needless escalation to {role.title}")

    # Moving private (question 3)
    private = [r for r in session.replies if r.kind == "private"]
    if private:
        first_private = private[0]
        if session.acknowledged_at is not None and session.acknowledged_at <= first_private.t:
            if rules.private_ok:
                plus(8, Finding("Acknowledged in public first, then moved private.", question=3, quote=first_private.text,
                                t=first_private.t), "public acknowledgement, then private")
            else:
                plus(-5, Finding("Moved private where the resolution needed to be seen in public.", question=3,
                                 quote=first_private.text, t=first_private.t), "moved private when it should stay public")
        else:
            plus(-15, Finding("Moved private before any public acknowledgement: to onlookers it looks like a brush-off.",
                              question=3, quote=first_private.text, t=first_private.t), "private before acknowledging")
    for promise in session.promises:
        if promise.kept is True:
            plus(5, Finding("Kept the promise made.", question=3, quote=promise.text, t=promise.t), "promise kept")
        elif promise.kept is False:
            plus(-20, Finding("A promise was not kept in time. Don't drop THAT ball.", question=3, quote=promise.text, t=promise.t),
                 "promise broken")

    # All in (question 4)
    offers = [r for r in records if r.kind == "offer"]
    for r in offers:
        if not r.data["within"]:
            plus(-8, Finding(f"Tried to offer {r.data['value']:g} beyond your authority without approval.", question=4, t=r.t),
                 "offer beyond authority")
    spent = sum(r.data["value"] for r in offers if r.data["within"])
    fair = sc.persona.fair_remedy
    wants_something = bool(set(sc.persona.wants) & {"fix", "compensation", "delight"})
    fix_reply = next((x for x in session.replies if x.analysis.features.get("solution") is True and clean(x)), None)
    fix_offer = next((r for r in offers if r.data["within"]), None)
    if wants_something:
        if fix_reply is not None or fix_offer is not None:
            t = min(x.t for x in (fix_reply, fix_offer) if x is not None)
            plus(10, Finding("Offered something concrete to put it right.", question=4,
                             quote=fix_reply.text if fix_reply is not None else "", t=t), "a concrete fix")
        else:
            plus(-10, Finding("Nothing concrete was offered to fix it.", question=4), "no concrete fix")
    if fair > 0 and spent > 0:
        if spent > 3 * fair:
            plus(-10, Finding(f"All-in spend {spent:g} far beyond what was fair ({fair:g}).", question=4), "spend out of proportion")
        elif spent >= 0.5 * fair:
            plus(5, Finding(f"All-in spend {spent:g} in proportion to what was fair ({fair:g}).", question=4), "proportional spend")

    # Walking away and moderation (question 6)
    for r in records:
        if r.kind == "hide" and r.data.get("brand_voice"):
            continue  # the brand's own post taken down: judged with the brand's voice below
        if r.kind == "hide":
            justified = rules.hide_ok and r.data["guidelines"] and r.data["explained"]
            if justified:
                plus(10, Finding("Hid the abusive post under posted guidelines and told the poster why.", question=6, t=r.t),
                     "justified hide")
            else:
                why = ("no guidelines are posted" if not r.data["guidelines"] else
                       "the poster was not told why" if not r.data["explained"] else "the post did not break the guidelines")
                plus(-20, Finding(f"Hid a post when {why}: deletions get noticed.", question=6, t=r.t), "unjustified hide")
        if r.kind == "walk_away":
            tried = sum(1 for x in session.replies if x.t < r.t and x.kind in ("reply", "private"))
            quote = getattr(r.action, "text", "")
            parting = next((x for x in session.replies if x.n == r.n), None)
            if rules.walk_away_ok and tried >= 1 and parting is not None and broken_rules(parting):
                rule_no = _headline_rule(list(broken_rules(parting)), _BROKEN_PRIORITY)
                plus(-5, Finding(f"Walked away, but not gracefully: the parting words broke rule {rule_no}.", question=6,
                                 rule=rule_no, quote=quote, t=r.t), "walked away on a sour note")
            elif rules.walk_away_ok and tried >= 1:
                plus(15, Finding("Walked away gracefully after trying, leaving the door open.", question=6, quote=quote, t=r.t),
                     "graceful walk-away")
            elif rules.walk_away_ok:
                plus(-5, Finding("Walked away without trying first.", question=6, quote=quote, t=r.t), "walked away untried")
            else:
                plus(-25, Finding("Walked away from a customer who could still be helped.", question=6, quote=quote, t=r.t),
                     "walked away from a customer who could be helped")
    if rules.walk_away_ok and not session.walked_away:
        public_replies = sum(1 for x in session.replies if x.public)
        if public_replies >= 3:
            plus(-10, Finding(f"Kept replying ({public_replies} public replies) to someone who only wanted a fight.", question=6),
                 "fed the fight")

    # The brand's own voice: posts the trainee did not write, judged by what the trainee did about them.
    for post in getattr(session, "brand_posts", ()):
        if not post.hostile:
            continue
        took_down = next((r for r in records if r.kind == "hide" and r.data.get("post") == post.id), None)
        owned = next((x for x in session.replies if x.public and x.t >= post.t and x.analysis.features.get("apology") is True
                      and not hostile(x)), None)
        if took_down is not None and owned is not None:
            plus(12, Finding("Took down the brand's hostile post and apologised for it in public.", question=6,
                             quote=owned.text, t=owned.t), "brand's hostile post taken down and owned")
        elif owned is not None:
            plus(8, Finding("Apologised in public for the brand's hostile post.", question=6, quote=owned.text, t=owned.t),
                 "brand's hostile post owned")
        elif took_down is not None:
            plus(-4, Finding("Deleted the brand's hostile post without a word: people saw it, and the silent deletion reads as a cover-up.",
                             question=6, quote=post.text, t=took_down.t), "brand's hostile post deleted silently")
        else:
            plus(-15, Finding("Left the brand's own hostile post up and never owned it.", question=6, quote=post.text, t=post.t),
                 "brand's hostile post left standing")

    # Aftermath (question 7)
    if rules.follow_up_expected:
        if session.followed_up:
            quote = next((x.text for x in session.replies if x.kind == "follow_up"), "")
            plus(10, Finding("Followed up visibly in the aftermath.", question=7, quote=quote), "aftermath follow-up")
        else:
            plus(-10, Finding("No aftermath follow-up where the community needed one.", question=7), "no aftermath follow-up")
    if spoken and hostile(spoken[-1]) and points > LAST_WORD_HOSTILE_CAP:
        lines.append(f"At most {LAST_WORD_HOSTILE_CAP:.0f} when the last public word attacked.")
        points = LAST_WORD_HOSTILE_CAP
    return _clamp(points), good, bad, lines


def argued_publicly(reply) -> bool:
    return reply.public and argued(reply)


def objective_env(session: Session, outcome: str | None = None) -> dict:
    """The names an objective's check reads, holding the facts the scorecard judged by.

    The session's own names are what the story reacts to as it goes; an objective is judged at
    the end, by the same facts as the scorecard: the first response is the first that helped
    (an insult is no response), a rule is broken by every message whose labels say it attacked or
    argued and kept only by a message that broke none, the customer's outcome is the settled one,
    and the role the scenario needed counts as brought in only if it was brought in in time.
    """
    env = session.env()
    replies = session.replies
    env["outcome"] = outcome if outcome is not None else settled_outcome(session).outcome
    env["first_response"] = first_helpful_response(session)
    env["rules_broken"] = sorted({n for r in replies for n in broken_rules(r)})
    env["rules_kept"] = sorted({n for r in replies if clean(r) for n in r.analysis.kept()})
    rules = session.scenario.scoring
    if rules.escalate_to:
        on_time = any(r.kind == "escalate" and r.data["role"] == rules.escalate_to and r.t <= rules.escalate_within
                      for r in session.records)
        if not on_time:
            env["escalated"] = [role for role in env["escalated"] if role != rules.escalate_to]
    env["form_letters"] = sum(1 for r in replies if r.analysis.features.get("form_letter"))
    env["hostile_replies"] = sum(1 for r in replies if hostile(r))
    env["arguments"] = sum(1 for r in replies if argued_publicly(r))
    return env


def _objectives(session: Session, dims: dict, outcome: str | None = None) -> tuple[ObjectiveRating, ...]:
    """HSEEP-style P/S/M/U: whether the check held on the scorecard's facts, and how clean the related dimension was."""
    env = objective_env(session, outcome)
    out = []
    for objective in session.scenario.objectives:
        try:
            met = bool(objective.check(env)) if objective.check is not None else None
        except Exception:  # a check the engine cannot evaluate is rated on its dimension alone
            met = None
        level = dims.get(objective.dimension, 50.0)
        if met is None:
            rating = "P" if level >= 80 else "S" if level >= 60 else "M" if level >= 40 else "U"
            why = f"no automatic check; {objective.dimension} scored {level:.0f}"
        elif met:
            rating = "P" if level >= 75 else "S"
            why = f"met; {objective.dimension} scored {level:.0f}" + ("" if rating == "P" else " (some challenges)")
        else:
            rating = "M" if level >= 50 else "U"
            why = f"not met; {objective.dimension} scored {level:.0f}"
        out.append(ObjectiveRating(objective.id, objective.text, objective.dimension, met, rating, why))
    return tuple(out)


def _lenient_replay(session: Session, steps) -> tuple[Session, int]:
    """Replay steps on the same seed, dropping the ones that no longer apply; returns (session, dropped)."""
    other = Session(session.scenario, session.seed, start=session.start)
    dropped = 0
    for step in steps:
        if other.finished:
            break
        try:
            other.apply_step(step)
        except (SessionError, ValueError):
            dropped += 1  # a choice no longer offered, a post that was never made
    if not other.finished:
        other.finish()
    return other, dropped


def turning_points_of(session: Session, top: int = 3, *, overall: int | None = None) -> tuple[TurningPoint, ...]:
    """The actions that moved reach, sentiment and the customer most, by replaying without each one."""
    steps = list(session.steps)
    actual = metrics_of(session)
    actual_outcome = session.outcome()
    if overall is None:
        overall = _capped(session, _evaluate(session)).overall
    base_neg = metrics_of(baseline(session))["negative_reach"]
    scale = max(actual["reach"], base_neg, 50)
    action_steps = [i for i, s in enumerate(steps) if "act" in s]
    candidates_idx = []
    for k, i in enumerate(action_steps):
        try:
            action = parse_action(steps[i]["act"])
        except ValueError:
            continue
        if action.kind != "wait":
            candidates_idx.append((k + 1, i))
    if len(candidates_idx) > MAX_TURNING_POINT_REPLAYS:
        # Public moves first (they are what the audience saw), then the rest, in order.
        public = [c for c in candidates_idx if _is_public(session, c[0])]
        rest = [c for c in candidates_idx if c not in public]
        candidates_idx = sorted((public + rest)[:MAX_TURNING_POINT_REPLAYS])
    candidates = []
    for n, i in candidates_idx:
        record = next((r for r in session.records if r.n == n), None)
        if record is None:
            continue
        concrete = record.action
        minutes = cost_of(concrete) if session.scenario.mode == "turns" else 0.0
        altered = [*steps[:i], {"advance": minutes}, *steps[i + 1 :]]
        other, dropped = _lenient_replay(session, altered)
        cm = metrics_of(other)
        d_neg = actual["negative_reach"] - cm["negative_reach"]
        d_reach = actual["reach"] - cm["reach"]
        d_sent = actual["net_sentiment"] - cm["net_sentiment"]
        other_outcome = other.outcome()
        outcome_shift = _outcome_rank(actual_outcome) - _outcome_rank(other_outcome)
        points = overall - _capped(other, _evaluate(other)).overall
        signed = -d_neg / scale + d_sent * 2 + outcome_shift * 0.3
        size = abs(d_neg) / scale + abs(d_sent) * 2 + abs(outcome_shift) * 0.3 + abs(points) / 100
        if size < 0.01:
            continue
        helped = signed > 0 if abs(signed) >= 0.01 else points > 0
        reply = next((r for r in session.replies if r.n == n), None)
        rule, verdict = None, ""
        if reply is not None:
            # A message that broke a rule is never shown as keeping one, even where it happened to help.
            broken = list(broken_rules(reply))
            kept_ = reply.analysis.kept()
            if broken:
                rule, verdict = _headline_rule(broken, _BROKEN_PRIORITY), "broken"
            elif kept_:
                rule, verdict = _headline_rule(kept_, _KEPT_PRIORITY), "kept"
        text = getattr(concrete, "text", "") or describe(concrete, session.scenario)
        candidates.append((size, TurningPoint(n, record.t, record.kind, text, int(d_neg), float(d_sent), actual_outcome,
                                              other_outcome, rule, verdict, helped, int(d_reach), int(points),
                                              ACTION_QUESTION.get(record.kind), dropped, round(size, 4))))
    candidates.sort(key=lambda c: (-c[0], c[1].n))
    return tuple(tp for _, tp in candidates[:top])


# The rule a debrief should name first when one reply engages several: what most likely made the
# difference (an apology or a recruiting question when it helped; an argument when it hurt).
_KEPT_PRIORITY = (8, 6, 9, 4, 5, 3, 2, 7, 1)
_BROKEN_PRIORITY = (7, 1, 2, 5, 4, 8, 6, 9, 3)


def _headline_rule(numbers: list[int], priority: tuple[int, ...]) -> int:
    return min(numbers, key=lambda n: priority.index(n) if n in priority else 99)


def _is_public(session: Session, n: int) -> bool:
    reply = next((r for r in session.replies if r.n == n), None)
    if reply is not None:
        return reply.public
    record = next((r for r in session.records if r.n == n), None)
    return record is not None and record.kind in ("hide", "offer")


def _outcome_rank(outcome: str) -> int:
    return {"hostile": 0, "churned": 1, "neutral": 2, "satisfied": 3, "raving_fan": 4}[outcome]


def describe(action, scenario=None) -> str:
    """A move without words of its own, as a debrief names it: the role's title and the remedy's label
    when the scenario is given (the ids are the author's, never the reader's)."""
    kind = action.kind
    if kind == "escalate":
        role = scenario.role(action.role) if scenario is not None else None
        name = role.title if role is not None else action.role.replace("_", " ")
        return f"escalated to {name}" + (f": {action.note}" if getattr(action, "note", "") else "")
    if kind == "offer":
        remedy = scenario.remedy(action.remedy) if scenario is not None else None
        name = remedy.label if remedy is not None and remedy.label else action.remedy.replace("_", " ")
        return f"offered {name}" + (f" ({action.value:g})" if action.value is not None else "")
    if kind == "hide":
        return "hid a post"
    if kind == "wait":
        return f"waited {format_duration(action.minutes)}"
    return kind.replace("_", " ")


_describe = describe  # the name the first version used
