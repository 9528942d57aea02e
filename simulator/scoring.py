"""The scorecard: fair, explained, and teaching the seeds' lessons.

Five dimensions, each 0-100 (PRODUCT.md section 4):
- outcome: where the customer ended up (raving fan .. hostile);
- reputation: negative reach and sentiment against a counterfactual replay of the same scenario and
  seed in which the brand does nothing ("ignoring the problem is not a strategy"), and against the
  scenario's reference playthrough where it has one;
- conduct: Blanchard's nine rules, kept and broken, reply by reply;
- timeliness: the first public response and later answers against the scenario's expectation;
- judgment: escalation, going private, promises, all-in spend, hiding, walking away, the aftermath.
Turning points come from counterfactual replays too: the same seed with one action replaced by a
wait of the same length. Because random streams are keyed (rng.py), the differences are the
trainee's doing, not noise. Nothing here reads anything but the scenario, the seed and the steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import rules as R
from .session import Session, replay

OUTCOME_POINTS = {"raving_fan": 100.0, "satisfied": 85.0, "neutral": 55.0, "churned": 25.0, "hostile": 5.0}
GRADES = ((90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "F"))
MAX_TURNING_POINT_REPLAYS = 12


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

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "t": round(self.t, 2),
            "kind": self.kind,
            "text": self.text,
            "effect": {"negative_reach": self.effect_negative_reach, "net_sentiment": round(self.effect_sentiment, 4)},
            "outcome_with": self.outcome_with,
            "outcome_without": self.outcome_without,
            "rule": self.rule,
            "rule_text": R.rule(self.rule).text if self.rule else "",
            "verdict": self.verdict,
            "helped": self.helped,
        }


@dataclass(frozen=True)
class Finding:
    """A strength or an area for improvement, tied to a decision and a rule or question."""

    text: str
    rule: int | None = None
    question: int | None = None
    quote: str = ""
    t: float | None = None

    def to_json(self) -> dict:
        out = {"text": self.text}
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

    def to_json(self) -> dict:
        return {"id": self.id, "text": self.text, "dimension": self.dimension, "met": self.met, "rating": self.rating}


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

    def to_json(self) -> dict:
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "overall": self.overall,
            "grade": self.grade,
            "dimensions": dict(self.dimensions),
            "outcome": self.outcome,
            "rules": {k: dict(v) for k, v in self.rules.items()},
            "metrics": dict(self.metrics),
            "baseline": dict(self.baseline),
            "turning_points": [tp.to_json() for tp in self.turning_points],
            "strengths": [f.to_json() for f in self.strengths],
            "improvements": [f.to_json() for f in self.improvements],
            "objectives": [o.to_json() for o in self.objectives],
        }


_BASELINES: dict = {}


def baseline(session: Session) -> Session:
    """The same scenario and seed where the brand does nothing at all."""
    key = (session.scenario.sha256, session.scenario.path, session.seed, session.start)
    hit = _BASELINES.get(key)
    if hit is None:
        if len(_BASELINES) > 32:
            _BASELINES.clear()
        hit = replay(session.scenario, session.seed, [{"finish": True}], start=session.start)
        _BASELINES[key] = hit
    return hit


def metrics_of(session: Session) -> dict:
    snap = session.ripple.snapshot()
    return {
        "reach": int(snap.reach),
        "negative_reach": int(snap.negative_reach),
        "net_sentiment": round(float(snap.net_sentiment), 4),
        "spillovers": int(snap.spillovers),
        "share_velocity": round(float(snap.share_velocity), 4),
    }


def _clamp(x: float) -> float:
    return max(0.0, min(100.0, x))


def score(session: Session, *, turning_points: bool = True) -> Scorecard:
    """Score a finished session (an unfinished one is finished on a copy first)."""
    if not session.finished:
        session = replay(session.scenario, session.seed, [*session.steps, {"finish": True}], start=session.start)
    scenario = session.scenario
    base = baseline(session)
    m, b = metrics_of(session), metrics_of(base)
    strengths: list[Finding] = []
    improvements: list[Finding] = []

    # -- outcome
    outcome = session.outcome()
    p = session.persona
    outcome_score = _clamp(OUTCOME_POINTS[outcome] + 10 * (p.trust - 0.5) - 10 * (p.anger - 0.3))
    if outcome in ("raving_fan", "satisfied"):
        strengths.append(Finding(f"The customer ended {outcome.replace('_', ' ')}."))
    elif outcome in ("churned", "hostile"):
        improvements.append(Finding(f"The customer ended {outcome}: {_outcome_hint(outcome)}", question=6 if outcome == "churned" else 5))

    # -- reputation against doing nothing (and the reference, where there is one)
    reputation = _reputation(m, b, _reference_metrics(session))
    if m["negative_reach"] < b["negative_reach"]:
        strengths.append(Finding(f"Negative reach {m['negative_reach']:,} against {b['negative_reach']:,} had the brand said nothing."))
    elif m["negative_reach"] > b["negative_reach"] * 1.1 + 20:
        improvements.append(Finding(f"Negative reach {m['negative_reach']:,}: worse than saying nothing ({b['negative_reach']:,}).", question=5))

    # -- conduct: the nine rules
    tallies: dict[str, dict] = {str(n): {"kept": 0, "broken": 0} for n in range(1, 10)}
    quotes: dict[str, list[str]] = {}
    for reply in session.replies:
        for rule, verdict in reply.analysis.rules.items():
            tallies[str(rule)][verdict] += 1
            if verdict == "broken":
                quotes.setdefault(str(rule), []).append(reply.text)
    kept = sum(v["kept"] for v in tallies.values())
    broken = sum(v["broken"] for v in tallies.values())
    if not session.replies:
        conduct = 15.0
        improvements.append(Finding("No reply at all: ignoring the problem is not a strategy.", question=1))
    else:
        conduct = _clamp(100.0 * (kept + 1) / (kept + 1 + 3.0 * broken))
    for rule_no, count in sorted(tallies.items(), key=lambda kv: -kv[1]["broken"]):
        if count["broken"]:
            rule = R.rule(int(rule_no))
            quote = quotes[rule_no][0]
            improvements.append(Finding(f"Rule {rule_no} broken: {rule.text}", rule=int(rule_no), quote=quote))
    for rule_no in ("8", "6", "7", "4"):
        if tallies[rule_no]["kept"] and not tallies[rule_no]["broken"]:
            strengths.append(Finding(f"Rule {rule_no} kept: {R.rule(int(rule_no)).text}", rule=int(rule_no)))

    # -- timeliness
    expected = scenario.scoring.expected_response
    timeliness = _timeliness(session, expected)
    first = session.first_response_at
    if first is None:
        improvements.append(Finding("The brand never answered in public.", question=1))
    elif first <= expected:
        strengths.append(Finding(f"First response after {first:.0f} minutes (expected within {expected:.0f})."))
    else:
        improvements.append(Finding(f"First response after {first:.0f} minutes; expected within {expected:.0f}. Be ready to respond at once."))

    # -- judgment
    judgment, j_strengths, j_improvements = _judgment(session)
    strengths += j_strengths
    improvements += j_improvements

    dims = {
        "outcome": round(outcome_score, 1),
        "reputation": round(reputation, 1),
        "conduct": round(conduct, 1),
        "timeliness": round(timeliness, 1),
        "judgment": round(judgment, 1),
    }
    weights = scenario.weights
    total_weight = sum(weights.values()) or 1.0
    overall = int(round(sum(dims[d] * w for d, w in weights.items()) / total_weight))
    grade = next(g for floor, g in GRADES if overall >= floor)

    objectives = _objectives(session, dims)
    tps = turning_points_of(session) if turning_points else ()
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
        turning_points=tps,
        strengths=tuple(strengths),
        improvements=tuple(improvements),
        objectives=objectives,
        quotes={k: tuple(v) for k, v in quotes.items()},
    )


def _outcome_hint(outcome: str) -> str:
    return {
        "churned": "they reached their limit and left (\u201cFrankly, my dear, I don't give a damn\u201d).",
        "hostile": "they took it further: a blog, a mob, screenshots.",
    }[outcome]


def _reference_metrics(session: Session) -> dict | None:
    reference = session.scenario.scoring.reference
    if not reference:
        return None
    from .actions import parse_actions, to_dict

    steps = [{"act": to_dict(a)} for a in parse_actions(list(reference))] + [{"finish": True}]
    key = ("ref", session.scenario.sha256, session.scenario.path, session.seed, session.start)
    hit = _BASELINES.get(key)
    if hit is None:
        try:
            hit = metrics_of(replay(session.scenario, session.seed, steps, start=session.start))
        except ValueError:
            hit = {}
        _BASELINES[key] = hit
    return hit or None


def _reputation(m: dict, b: dict, ref: dict | None) -> float:
    """50 = no better than silence; 100 = as good as the reference (or all negative reach avoided)."""
    base_neg, neg = b["negative_reach"], m["negative_reach"]
    target = ref["negative_reach"] if ref and ref["negative_reach"] < base_neg else 0
    span = max(base_neg - target, 25)
    reach_part = (base_neg - neg) / span  # 1 = reference level, 0 = silence, <0 = worse than silence
    sentiment_part = (m["net_sentiment"] - b["net_sentiment"]) * 2.0
    return _clamp(50.0 + 35.0 * max(-1.5, min(1.2, reach_part)) + 15.0 * max(-1.5, min(1.0, sentiment_part)))


def _timeliness(session: Session, expected: float) -> float:
    first = session.first_response_at
    if first is None:
        return 0.0
    first_score = 100.0 if first <= expected else 100.0 * (expected / first) ** 0.9
    gaps = session.response_gaps[1:]
    if not gaps:
        return _clamp(first_score)
    later = sum(100.0 if g <= 2 * expected else 100.0 * (2 * expected / g) ** 0.9 for g in gaps) / len(gaps)
    return _clamp(0.75 * first_score + 0.25 * later)


def _judgment(session: Session):
    sc = session.scenario
    rules = sc.scoring
    points = 70.0
    good: list[Finding] = []
    bad: list[Finding] = []
    records = session.records

    # Who needs to know (question 2)
    escalations = [r for r in records if r.kind == "escalate"]
    if rules.escalate_to:
        target = next((r for r in escalations if r.data["role"] == rules.escalate_to), None)
        title = sc.role(rules.escalate_to).title
        if target and target.t <= rules.escalate_within:
            points += 15
            good.append(Finding(f"Brought in {title} in time.", question=2, t=target.t))
        elif target:
            points += 3
            bad.append(Finding(f"Brought in {title}, but late ({target.t:.0f} min).", question=2, t=target.t))
        else:
            points -= 25
            bad.append(Finding(f"{title} needed to know and was never told.", question=2))
        extra = [r for r in escalations if r.data["role"] != rules.escalate_to]
    else:
        extra = escalations
    trainee_authority = sc.trainee_role.authority
    for r in extra:
        role = sc.role(r.data["role"])
        if role and role.authority > trainee_authority and not _needed(session, trainee_authority):
            points -= 6
            bad.append(Finding(f"Escalated to {role.title} when it was within your own authority.", question=2, t=r.t))

    # Moving private (question 3)
    private = [r for r in session.replies if r.kind == "private"]
    if private:
        first_private = private[0]
        if session.acknowledged_at is not None and session.acknowledged_at <= first_private.t:
            points += 8 if rules.private_ok else -5
            if rules.private_ok:
                good.append(Finding("Acknowledged in public first, then moved private.", question=3, t=first_private.t))
        else:
            points -= 15
            bad.append(Finding("Moved private before any public acknowledgement: to onlookers it looks like a brush-off.",
                               question=3, quote=first_private.text, t=first_private.t))
    for promise in session.promises:
        if promise.kept is True:
            points += 5
            good.append(Finding("Kept the promise made.", question=3, quote=promise.text, t=promise.t))
        elif promise.kept is False:
            points -= 20
            bad.append(Finding("A promise was not kept in time. Don't drop THAT ball.", question=3, quote=promise.text, t=promise.t))

    # All in (question 4)
    offers = [r for r in records if r.kind == "offer"]
    blocked = [r for r in offers if not r.data["within"]]
    for r in blocked:
        points -= 8
        bad.append(Finding(f"Tried to offer {r.data['value']:g} beyond your authority without approval.", question=4, t=r.t))
    spent = sum(r.data["value"] for r in offers if r.data["within"])
    fair = sc.persona.fair_remedy
    wants_something = bool(set(sc.persona.wants) & {"fix", "compensation", "delight"})
    if fair > 0:
        if spent >= 0.8 * fair and spent <= 3 * fair:
            points += 10
            good.append(Finding(f"All-in spend {spent:g} in proportion to what was fair ({fair:g}).", question=4))
        elif spent > 3 * fair:
            points -= 10
            bad.append(Finding(f"All-in spend {spent:g} far beyond what was fair ({fair:g}).", question=4))
        elif wants_something and not any(r.data["within"] for r in offers) and not any("solution" in r.analysis.features and r.analysis.features["solution"] for r in session.replies):
            points -= 10
            bad.append(Finding("Nothing concrete was offered to fix it.", question=4))

    # Walking away and moderation (question 6)
    for r in records:
        if r.kind == "hide":
            justified = rules.hide_ok and r.data["guidelines"] and r.data["explained"]
            if justified:
                points += 10
                good.append(Finding("Hid the abusive post under posted guidelines and told the poster why.", question=6, t=r.t))
            else:
                points -= 20
                why = "no guidelines are posted" if not r.data["guidelines"] else (
                    "the poster was not told why" if not r.data["explained"] else "the post did not break the guidelines")
                bad.append(Finding(f"Hid a post when {why}: deletions get noticed.", question=6, t=r.t))
        if r.kind == "walk_away":
            tried = sum(1 for x in session.replies if x.t < r.t and x.kind in ("reply", "private"))
            if rules.walk_away_ok and tried >= 1:
                points += 15
                good.append(Finding("Walked away gracefully after trying, leaving the door open.", question=6, t=r.t))
            elif rules.walk_away_ok:
                points -= 5
                bad.append(Finding("Walked away without trying first.", question=6, t=r.t))
            else:
                points -= 25
                bad.append(Finding("Walked away from a customer who could still be helped.", question=6, t=r.t))
    if rules.walk_away_ok and not session.walked_away:
        argued = sum(1 for x in session.replies if x.public)
        if argued >= 3:
            points -= 10
            bad.append(Finding(f"Kept replying ({argued} public replies) to someone who only wanted a fight.", question=6))

    # Aftermath (question 7)
    if rules.follow_up_expected:
        if session.followed_up:
            points += 10
            good.append(Finding("Followed up visibly in the aftermath.", question=7))
        else:
            points -= 10
            bad.append(Finding("No aftermath follow-up where the community needed one.", question=7))
    return _clamp(points), good, bad


def _needed(session: Session, trainee_authority: float) -> bool:
    """Whether the situation called for more authority than the trainee had."""
    return session.scenario.persona.fair_remedy > trainee_authority


def _objectives(session: Session, dims: dict) -> tuple[ObjectiveRating, ...]:
    env = session.env()
    out = []
    for objective in session.scenario.objectives:
        met = bool(objective.check(env)) if objective.check is not None else None
        level = dims.get(objective.dimension, 50.0)
        if met is None:
            rating = "P" if level >= 80 else "S" if level >= 60 else "M" if level >= 40 else "U"
        elif met:
            rating = "P" if level >= 75 else "S"
        else:
            rating = "M" if level >= 50 else "U"
        out.append(ObjectiveRating(objective.id, objective.text, objective.dimension, met, rating))
    return tuple(out)


def turning_points_of(session: Session, top: int = 3) -> tuple[TurningPoint, ...]:
    """The actions that moved reach and sentiment most, by replaying without each one."""
    from .actions import parse_action
    from .session import cost_of

    steps = list(session.steps)
    actual = metrics_of(session)
    actual_outcome = session.outcome()
    candidates = []
    action_steps = [i for i, s in enumerate(steps) if "act" in s]
    for i in action_steps[:MAX_TURNING_POINT_REPLAYS]:
        action = parse_action(steps[i]["act"])
        if action.kind == "wait":
            continue
        n = action_steps.index(i) + 1
        record = next((r for r in session.records if r.n == n), None)
        if record is None:
            continue
        concrete = record.action
        altered = [*steps[:i], {"advance": cost_of(concrete)}, *steps[i + 1 :]]
        try:
            other = replay(session.scenario, session.seed, altered, start=session.start)
        except ValueError:
            continue  # later steps depended on this one (a choice no longer offered)
        if not other.finished:
            other.finish()
        cm = metrics_of(other)
        d_neg = actual["negative_reach"] - cm["negative_reach"]
        d_sent = actual["net_sentiment"] - cm["net_sentiment"]
        other_outcome = other.outcome()
        outcome_shift = _outcome_rank(actual_outcome) - _outcome_rank(other_outcome)
        size = abs(d_neg) / max(actual["reach"], 50) + abs(d_sent) * 2 + abs(outcome_shift) * 0.3
        if size < 0.01:
            continue
        helped = (-d_neg / max(actual["reach"], 50) + d_sent * 2 + outcome_shift * 0.3) > 0
        reply = next((r for r in session.replies if r.n == n), None)
        rule, verdict = None, ""
        if reply is not None:
            broken = [k for k, v in sorted(reply.analysis.rules.items()) if v == "broken"]
            kept_ = [k for k, v in sorted(reply.analysis.rules.items()) if v == "kept"]
            if not helped and broken:
                rule, verdict = broken[0], "broken"
            elif kept_:
                rule, verdict = kept_[0], "kept"
            elif broken:
                rule, verdict = broken[0], "broken"
        text = getattr(concrete, "text", "") or _describe(concrete)
        candidates.append((size, TurningPoint(n, record.t, record.kind, text, int(d_neg), float(d_sent), actual_outcome,
                                              other_outcome, rule, verdict, helped)))
    candidates.sort(key=lambda c: (-c[0], c[1].n))
    return tuple(tp for _, tp in candidates[:top])


def _outcome_rank(outcome: str) -> int:
    return {"hostile": 0, "churned": 1, "neutral": 2, "satisfied": 3, "raving_fan": 4}[outcome]


def _describe(action) -> str:
    kind = action.kind
    if kind == "escalate":
        return f"escalated to {action.role}"
    if kind == "offer":
        return f"offered {action.remedy}" + (f" ({action.value:g})" if action.value is not None else "")
    if kind == "hide":
        return f"hid post {action.post}"
    return kind
