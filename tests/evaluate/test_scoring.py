"""The scorecard is fair, explains itself and depends only on scenario, seed and actions.

Fairness is checked on every bundled scenario (scenarios/*.yaml, including ones added later):
its `scoring.reference` is the good playthrough and its `tests:` entry named `bad` the bad one.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine.session import Session, SessionError
from simulator.evaluate import scoring
from simulator.format.actions import Reply, parse_actions
from simulator.format.scenario import load_scenario
from simulator.headless import run
from simulator.world.analysis import ReplyContext, analyze

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if not p.name.endswith(".playtest.yaml"))
SEEDS = (1, 7, 23)
KEEPER = "I'm so sorry, {name}. Thank you for telling us. What can we do to put this right for you?"


def _ids(paths):
    return [p.stem for p in paths]


def _play(scenario, actions, seed, tp=False):
    return scoring.score(run(scenario, list(actions), seed), turning_points=tp)


def _bad_actions(scenario):
    bad = next((t for t in scenario.tests if _test_name(t) == "bad"), None)
    if bad is None:
        return None
    return _test_actions(bad)


def _test_name(test):
    return test.get("name") if isinstance(test, dict) else getattr(test, "name", None)


def _test_actions(test):
    actions = test.get("actions") if isinstance(test, dict) else getattr(test, "actions", ())
    return list(actions)


@pytest.mark.slow
@pytest.mark.parametrize("path", BUNDLED, ids=_ids(BUNDLED))
def test_reference_beats_bad_widely_and_beats_doing_nothing(path):
    scenario = load_scenario(path)
    if not scenario.scoring.reference:
        pytest.skip(f"{path.name} has no scoring.reference")
    reference = parse_actions(list(scenario.scoring.reference))
    bad = _bad_actions(scenario)
    for seed in SEEDS:
        good = _play(scenario, reference, seed)
        nothing = _play(scenario, [], seed)
        assert good.overall > nothing.overall, (seed, good.overall, nothing.overall)
        assert good.dimensions["reputation"] > nothing.dimensions["reputation"]
        if bad is not None:
            worse = _play(scenario, bad, seed)
            assert good.overall - worse.overall >= 25, (seed, good.overall, worse.overall)


@pytest.mark.parametrize("path", BUNDLED, ids=_ids(BUNDLED))
def test_silence_is_exactly_no_better_than_silence(path):
    scenario = load_scenario(path)
    card = _play(scenario, [], 7)
    assert card.dimensions["reputation"] == 50.0
    assert card.dimensions["timeliness"] == 0.0
    assert card.dimensions["judgment"] <= 30
    assert any("ignoring the problem" in f.text for f in card.improvements)


# consider-yourself-embraced used to break this (seed 1: 50 prompt vs 51 late): a reply after two
# hours damps the pending shares of every complaint that piled up meanwhile, and an ignored customer
# leaves and stops spreading it, so reputation favoured the late reply (72 vs 39). The scorecard now
# caps every dimension but timeliness at what the same course answered on time scores
# (scoring.on_time_course): seeds 1/7/23 now score 51/52/53 prompt vs 44/44/45 late (judge design 6;
# with design 5 and before commenters' reach spread their posts: 50/56/54 vs 44/47/48).
LATE_CASES = [pytest.param(p, id=p.stem) for p in BUNDLED]


@pytest.mark.slow
@pytest.mark.parametrize("path", LATE_CASES)
def test_the_same_good_reply_two_hours_late_scores_lower(path):
    scenario = load_scenario(path)
    if scenario.time_limit < 130:
        pytest.skip("the scenario is shorter than two hours")
    text = KEEPER.format(name=scenario.persona.name.split()[0])
    verdicts = analyze(text, ReplyContext(scenario.persona.name, scenario.persona.opening)).rules
    assert verdicts and "broken" not in verdicts.values(), "the probe reply must keep every rule it engages"
    for seed in SEEDS:
        prompt = _play(scenario, [{"wait": "5m"}, Reply(text)], seed)
        late = _play(scenario, [{"wait": "2h"}, Reply(text)], seed)
        assert prompt.overall > late.overall, (seed, prompt.overall, late.overall)
        assert prompt.dimensions["timeliness"] > late.dimensions["timeliness"]
        # The same words break no rule either way (two hours on, the customer has grown ruder, so the
        # same politeness can also keep rules 3 and 5, which are about answering rudeness).
        assert all(v["broken"] == 0 for v in prompt.rules.values())
        assert all(v["broken"] == 0 for v in late.rules.values())


@pytest.mark.parametrize("seed", SEEDS)
def test_answering_late_never_beats_the_same_course_on_time(seed):
    """The cap itself: no dimension but timeliness may gain from the wait, and the card says so."""
    scenario = load_scenario(ROOT / "scenarios" / "consider-yourself-embraced.yaml")
    text = KEEPER.format(name=scenario.persona.name.split()[0])
    late_session = run(scenario, [{"wait": "2h"}, Reply(text)], seed)
    late = scoring.score(late_session, turning_points=False)
    uncapped = scoring._evaluate(scoring.finished(late_session)).dimensions
    on_time = scoring.on_time_course(scoring.finished(late_session))
    assert on_time is not None and on_time.first_response_at == scenario.scoring.expected_response
    fair = scoring.score(on_time, turning_points=False)
    assert scoring.on_time_course(on_time) is None  # on time: nothing to compare with
    capped = {d: uncapped[d] if d == "timeliness" else min(uncapped[d], fair.dimensions[d]) for d in uncapped}
    assert late.dimensions == capped
    assert late.dimensions["timeliness"] < fair.dimensions["timeliness"] == 100.0
    assert late.overall < fair.overall
    said = [line for lines in late.explain.values() for line in lines if "answering late cannot earn more" in line]
    assert len(said) == sum(1 for d in capped if capped[d] < uncapped[d])
    if seed == 1:  # here the wait would have earned reputation (52.3 late against 50.7 on time)
        assert late.dimensions["reputation"] < uncapped["reputation"] and said


def test_a_course_answered_on_time_is_not_capped(starter):
    session = run(starter, [{"wait": "5m"}, Reply(KEEPER.format(name="Dan"))], 7)
    assert scoring.on_time_course(scoring.finished(session)) is None
    card = scoring.score(session, turning_points=False)
    assert not any("answering late" in line for lines in card.explain.values() for line in lines)


def test_starter_good_bad_nothing_numbers(starter):
    good = _play(starter, parse_actions(list(starter.scoring.reference)), 7, tp=True)
    bad = _play(starter, _bad_actions(starter), 7, tp=True)
    nothing = _play(starter, [], 7)
    assert good.grade in ("A", "B") and good.outcome in ("satisfied", "raving_fan")
    assert bad.grade == "F" and bad.rules["7"]["broken"] >= 1 and bad.rules["1"]["broken"] >= 1
    assert nothing.grade == "F"
    # The reference is, by definition, the reputation target.
    assert good.dimensions["reputation"] == 100.0
    assert good.reference == good.metrics


def test_turning_points_quote_the_trainee_and_name_the_rule(starter):
    good = _play(starter, [{"choose": "model"}, {"choose": "fix_public"}], 7, tp=True)
    first = good.turning_points[0]
    assert first.n == 1 and first.helped
    assert first.text.startswith("We apologize, Dan")
    assert first.rule == 8 and first.verdict == "kept"
    assert first.outcome_without in ("hostile", "churned", "neutral") and first.outcome_with == "satisfied"
    assert first.points > 20
    assert first.dropped == 1  # without the first reply, the beat offering `fix_public` never comes
    bad = _play(starter, [{"choose": "defend"}], 7, tp=True)
    hurt = bad.turning_points[0]
    assert not hurt.helped and hurt.verdict == "broken" and hurt.rule == 7
    assert hurt.effect_negative_reach > 0
    data = hurt.to_json()
    assert data["rule_text"].startswith("Never, ever, ever")
    assert set(data["effect"]) >= {"negative_reach", "net_sentiment", "reach", "points"}


def test_turning_points_cover_non_reply_moves_with_their_question(starter):
    card = _play(starter, [{"choose": "model"}, {"offer": {"remedy": "gas_credit", "value": 20}}, {"wait": "30m"}], 7, tp=True)
    offer = [tp for tp in card.turning_points if tp.kind == "offer"]
    for tp in offer:
        assert tp.question == 4 and tp.text.startswith(f"offered {starter.remedy('gas_credit').label}")  # the label, not the id


def test_conduct_quotes_every_broken_rule_with_its_text(starter):
    card = _play(starter, [Reply("Well, did you even call the store??? Not our fault you didn't check.")], 7)
    broken = [f for f in card.improvements if f.rule]
    assert broken, card.improvements
    for f in broken:
        assert f.quote.startswith("Well, did you even call")
        assert str(f.rule) in card.quotes
    assert card.dimensions["conduct"] < 40
    assert card.explain["conduct"][0].startswith("0 rule(s) kept") or "broken" in card.explain["conduct"][0]


def test_objectives_are_rated_psmu(starter):
    good = _play(starter, parse_actions(list(starter.scoring.reference)), 7)
    assert {o.id: o.rating for o in good.objectives} == {"acknowledge": "P", "no_argument": "P", "recruit": "P", "fix": "P"}
    bad = _play(starter, _bad_actions(starter), 7)
    ratings = {o.id: o.rating for o in bad.objectives}
    assert ratings["no_argument"] == "U" and ratings["fix"] == "U"
    # They were quick, but a fast argument is no acknowledgement: the objective reads the
    # scorecard's first response (the first message that helped), not the first message.
    assert ratings["acknowledge"] in ("M", "U")
    assert bad.dimensions["timeliness"] == 0
    assert all(o.rating in scoring.RATINGS for o in bad.objectives)


def test_grades_follow_the_overall():
    assert [scoring.grade_of(x) for x in (100, 90, 89, 80, 70, 60, 59, 0)] == ["A", "A", "B", "B", "C", "D", "F", "F"]


def test_weights_come_from_the_scenario(tmp_path, starter):
    text = Path(starter.path).read_text(encoding="utf-8")
    weighted = text.replace("  expected_response: 15m\n", "  expected_response: 15m\n  weights: {timeliness: 5, outcome: 0.01, reputation: 0.01, conduct: 0.01, judgment: 0.01}\n")
    assert weighted != text
    path = tmp_path / "weighted.yaml"
    path.write_text(weighted, encoding="utf-8")
    heavy = load_scenario(path)
    late = [{"wait": "2h"}, Reply(KEEPER.format(name="Dan"))]
    normal, skewed = _play(starter, late, 7), _play(heavy, late, 7)
    assert skewed.weights["timeliness"] > 0.95
    assert abs(skewed.overall - skewed.dimensions["timeliness"]) <= 2
    assert skewed.overall < normal.overall


def test_json_has_the_product_fields(starter):
    data = _play(starter, [{"choose": "model"}], 7, tp=True).to_json()
    for key in ("scenario", "seed", "overall", "grade", "dimensions", "outcome", "rules", "metrics", "turning_points"):
        assert key in data
    assert set(data["dimensions"]) == {"outcome", "reputation", "conduct", "timeliness", "judgment"}
    assert set(data["rules"]) == {str(n) for n in range(1, 10)}
    assert all(set(v) == {"kept", "broken"} for v in data["rules"].values())
    assert {"reach", "negative_reach", "net_sentiment", "spillovers"} <= set(data["metrics"])
    assert 0 <= data["overall"] <= 100
    assert all(data["explain"][d] for d in data["dimensions"])
    json.dumps(data, allow_nan=False)


def test_unfinished_sessions_are_scored_on_a_finished_copy(starter):
    session = Session(starter, 7)
    session.act(Reply(KEEPER.format(name="Dan")))
    card = scoring.score(session, turning_points=False)
    assert not session.finished  # the trainee's session is untouched
    assert card.to_json() == _play(starter, [Reply(KEEPER.format(name="Dan"))], 7).to_json()


_SCRIPT = r"""
import json, sys
from simulator.headless import run
from simulator.evaluate.scoring import score
plays = json.loads(sys.argv[1])
out = {}
for name in sys.argv[2:]:
    out[name] = score(run("stock-check", plays[name], 7)).to_json()
print(json.dumps(out, sort_keys=True))
"""


def test_scores_are_identical_across_processes_and_orders():
    plays = {
        "good": [{"choose": "model"}, {"choose": "fix_public"}, {"wait": "30m"}],
        "bad": [{"choose": "defend"}, {"choose": "double_down"}],
        "mixed": [{"wait": "20m"}, {"reply": "Sorry Dan! What were you after?"}, {"escalate": "supervisor"},
                  {"offer": {"remedy": "gas_credit", "value": 20}}, {"follow_up": "All sorted, thanks Dan."}],
    }
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "random"}

    def go(order):
        done = subprocess.run([sys.executable, "-c", _SCRIPT, json.dumps(plays), *order], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=300, check=True)
        return json.loads(done.stdout)

    a = go(["good", "bad", "mixed"])
    b = go(["mixed", "bad", "good"])
    assert a == b
    assert a["good"]["overall"] > a["bad"]["overall"]


_MOVES = st.one_of(
    st.builds(lambda m: {"wait": f"{m}m"}, st.integers(1, 45)),
    st.sampled_from([
        {"reply": "Sorry Dan, what were you looking for?"},
        {"reply": "Did you call the store first???"},
        {"reply": "We value your feedback."},
        {"private": "Please DM us your details and I'll check within the hour."},
        {"escalate": "supervisor"},
        {"offer": {"remedy": "gas_credit", "value": 20}},
        {"offer": {"remedy": "delivery"}},
        {"hide": "c1"},
        {"walk_away": "We've done what we can. Take care."},
        {"follow_up": "Thanks for your patience, Dan."},
        {"choose": "model"}, {"choose": "defend"}, {"choose": "fix_public"}, {"choose": "fix_private"},
    ]),
)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(moves=st.lists(_MOVES, max_size=6), seed=st.integers(0, 2**31 - 1))
def test_score_depends_only_on_scenario_seed_and_actions(starter, moves, seed):
    def once():
        session = Session(starter, seed)
        for move in moves:
            if session.finished:
                break
            with contextlib.suppress(SessionError):  # a choice not offered now: refused, play carries on
                session.act(parse_actions([move])[0])
        return session

    first = scoring.score(once(), turning_points=False).to_json()
    scoring._BASELINES.clear()  # no help from caches the second time
    second = scoring.score(once(), turning_points=False).to_json()
    assert first == second
    assert 0 <= first["overall"] <= 100 and first["grade"] in "ABCDF"
    assert all(0 <= v <= 100 for v in first["dimensions"].values())
