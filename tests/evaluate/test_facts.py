"""The score never contradicts itself: the label, the strengths and the objectives read the same facts.

Issue 13: a customer whose last word was a complaint nobody answered is not "satisfied"; a course
that ends by sending the customer away is no judgment call worth 48; a message that broke a rule
is never held up as keeping one; "within 20 minutes" fails at T+64m, "not with a form letter"
fails for a form letter, "Don't argue or snipe" fails after two snipes.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from simulator.evaluate import facts, scoring
from simulator.format.actions import parse_actions
from simulator.format.scenario import load_scenario
from simulator.headless import run

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if not p.name.endswith(".playtest.yaml"))


def _card(path, actions, seed=7, tp=False):
    session = run(load_scenario(ROOT / "scenarios" / path), list(parse_actions(actions)), seed)
    return session, scoring.score(session, turning_points=tp)


def _event(t, trigger, mood, text="...", kind="post"):
    return SimpleNamespace(t=t, actor="customer", kind=kind, text=text, data={"trigger": trigger, "mood": mood})


def _session(label, events, records=()):
    return SimpleNamespace(outcome=lambda: label, events=list(events), records=list(records))


@pytest.mark.parametrize(("trigger", "mood", "label", "settled"), [
    ("promise_broken", "annoyed", "satisfied", "neutral"),  # "You said you'd get back to me. You didn't."
    ("leaving", "angry", "satisfied", "churned"),  # told the brand they are going
    ("ignored", "furious", "raving_fan", "neutral"),
    ("solution", "furious", "satisfied", "neutral"),  # said in anger, whatever the words
    ("offer_rejected", "calm", "satisfied", "satisfied"),  # a calm "not what I asked" about an extra
    ("offer_accepted", "calm", "satisfied", "satisfied"),
    ("leaving", "furious", "hostile", "hostile"),  # never lifted: only capped
])
def test_the_label_agrees_with_the_customers_last_word(trigger, mood, label, settled):
    session = _session(label, [_event(3, "opening", "annoyed"), _event(40, trigger, mood)],
                       [SimpleNamespace(t=10, kind="reply")])
    got = facts.settled_outcome(session)
    assert got.outcome == settled
    assert bool(got.why) == (settled != label)


def test_a_last_word_the_brand_answered_leaves_the_label_to_the_numbers():
    session = _session("satisfied", [_event(40, "promise_broken", "angry")],
                       [SimpleNamespace(t=10, kind="reply"), SimpleNamespace(t=50, kind="offer")])
    assert facts.settled_outcome(session).outcome == "satisfied"
    waited = _session("satisfied", [_event(40, "promise_broken", "angry")], [SimpleNamespace(t=50, kind="wait")])
    assert facts.settled_outcome(waited).outcome == "neutral"


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_no_playtest_ends_satisfied_on_an_unanswered_complaint(path):
    """On every bundled scenario's own tests: the scorecard's label is the settled one."""
    scenario = load_scenario(path)
    for test in scenario.tests:
        session = run(scenario, list(parse_actions(list(test["actions"]))), test["seed"])
        card = scoring.score(session, turning_points=False)
        word = facts.last_word(session)
        answered = word is None or any(r.t > word.t and r.kind != "wait" for r in session.records)
        if not answered and (word.data.get("trigger") in facts.COMPLAINTS or word.data.get("mood") in facts.UPSET):
            assert card.outcome not in ("satisfied", "raving_fan"), (test["name"], word.text)
        objectives = {o.id: o.met for o in card.objectives}
        for objective in scenario.objectives:
            if objective.check is not None and "outcome" in objective.check.names:
                env = scoring.objective_env(session)
                assert env["outcome"] == card.outcome
                assert objectives[objective.id] == bool(objective.check(env))


def test_telling_the_customer_to_take_his_business_elsewhere_is_poor_judgment():
    _, card = _card("stock-check.yaml", [
        {"reply": "Sorry about that, Dan. The stock check is an estimate."}, {"wait": "10m"},
        {"reply": "If you don't like how we do things, feel free to take your business elsewhere."}])
    assert card.dimensions["judgment"] <= scoring.LAST_WORD_HOSTILE_CAP
    assert any("last public word attacked" in line for line in card.explain["judgment"])
    assert card.grade == "F"


def test_a_message_that_broke_a_rule_is_never_a_strength_nor_a_kept_turning_point():
    session, card = _card("jerk-for-sport.yaml", [
        {"reply": "Sure, Professor Burger. Whatever you say. Thanks for the feedback, what would make it better?"},
        {"wait": "10m"},
        {"walk_away": "We've said our bit, Gary; the door's open if you fancy a burger."}], tp=True)
    spoiled = {r.text for r in session.replies if facts.broken_rules(r)}
    assert spoiled, "the snipe must break a rule for this test to mean anything"
    assert not any(f.quote in spoiled for f in card.strengths)
    for tp in card.turning_points:
        if tp.text in spoiled:
            assert tp.verdict == "broken"


def test_objectives_read_real_times():
    """'Bring in Merchant Risk within 20 minutes' is not met by an escalation at T+63m."""
    _, card = _card("frozen-payouts.yaml", [
        {"wait": "60m"}, {"reply": "Rosa, I'm so sorry, I'm bringing our Merchant Risk team in right now."},
        {"escalate": "risk"}])
    objectives = {o.id: o for o in card.objectives}
    assert objectives["who_needs_to_know"].met is False
    assert objectives["fast"].met is False
    _, good = _card("frozen-payouts.yaml", [{"choose": "on_it"}, {"escalate": "risk"}])
    assert {o.id: o.met for o in good.objectives}["who_needs_to_know"] is True


def test_a_form_letter_is_not_a_personal_answer():
    _, card = _card("wish-you-delivered.yaml", [
        {"reply": "Thank you for contacting Kettle & Crane. We value your feedback. Your comments have been passed "
                  "to the relevant team."}])
    assert {o.id: o.met for o in card.objectives}["personal"] is False
    _, good = _card("wish-you-delivered.yaml", [
        {"reply": "Megan, you've made our afternoon! Where's your office? We might just have an idea."}])
    assert {o.id: o.met for o in good.objectives}["personal"] is True


def test_two_snipes_fail_dont_argue_or_snipe():
    _, card = _card("jerk-for-sport.yaml", [
        {"reply": "Bold take from someone who's never eaten here, Gary."}, {"wait": "10m"},
        {"reply": "Enjoy your evening of posting about burgers you've never tasted."}])
    assert {o.id: o.met for o in card.objectives}["no_feeding"] is False


@pytest.mark.parametrize("path", ["viral-receipt.yaml", "stock-check.yaml"])
def test_the_facilitators_pressure_is_not_charged_to_the_team(path):
    """Issue 13 measured the same silence at 22 without pressure and 10 with it."""
    from simulator.engine.session import Start, replay

    scenario = load_scenario(ROOT / "scenarios" / path)
    start = Start(drill=True)
    push = {"facilitate": {"kind": "pressure", "anger": 0.3, "patience": -0.3, "audience": 3, "negativity": 2}}
    plain = replay(scenario, 7, [{"advance": 20}, {"finish": True}], start=start)
    pressed = replay(scenario, 7, [{"advance": 20}, push, {"finish": True}], start=start)
    a, b = scoring.score(plain, turning_points=False), scoring.score(pressed, turning_points=False)
    assert b.metrics["negative_reach"] > a.metrics["negative_reach"]  # the pressure did bite
    assert b.baseline["negative_reach"] == b.metrics["negative_reach"]  # and the baseline felt it too
    assert b.overall == a.overall
    assert scoring.facilitation(pressed)[0][0] == pytest.approx(20, abs=1)
    # A reply under the same pressure is judged against a pressured reference as well.
    reply = {"act": {"reply": "We're so sorry. Thank you for telling us; what can we do to put this right?"}}
    answered = replay(scenario, 7, [{"advance": 20}, push, reply, {"finish": True}], start=start)
    card = scoring.score(answered, turning_points=False)
    ref = scoring.reference_session(answered)
    assert ref is not None and any("pressure" in e.text for e in ref.events if e.kind == "note")
    assert card.reference == scoring.metrics_of(ref)


def test_a_loyal_fans_friendly_wish_is_not_negative_reach_and_she_starts_calm():
    session, card = _card("wish-you-delivered.yaml", [])
    opening = session.events[0]
    assert opening.kind == "post" and opening.data["mood"] == "calm" and opening.data["valence"] >= 0
    assert card.metrics["reach"] > 0 and card.baseline["negative_reach"] == 0
    assert card.metrics["neutral_reach"] == card.metrics["reach"]


@pytest.mark.parametrize("path", ["stock-check.yaml", "wish-you-delivered.yaml"])
def test_reach_splits_into_negative_neutral_and_positive(path):
    scenario = load_scenario(ROOT / "scenarios" / path)
    session = run(scenario, list(parse_actions(list(scenario.scoring.reference))), 7)
    m = scoring.score(session, turning_points=False).metrics
    assert m["negative_reach"] + m["neutral_reach"] + m["positive_reach"] == m["reach"]
    assert m["positive_reach"] > 0  # the brand's good replies reached people who saw nothing negative
    for snap in session.ripple.history:
        assert snap.positive_reach >= 0 and snap.negative_reach + snap.positive_reach <= snap.reach
    from simulator.evaluate.report import render_markdown
    card = scoring.score(session, turning_points=False)
    assert f"neutral {m['neutral_reach']:,}, positive {m['positive_reach']:,}" in render_markdown(session, card)


@pytest.mark.xfail(strict=True, reason=(
    "nothing 33 vs arguing 33 with judge design 6: it reads the first correction ('Walt, the discount was never "
    "scrapped. It moved to the Freshway card...') as a solution (0.97) and not as an argument, so that reply earns "
    "a response's credit; the second is caught (sarcasm 0.68) and ends the course on an attack"))
def test_on_wrong_policy_doing_nothing_now_beats_arguing():
    """Was a strict expected failure (tests/known_failures/wrong-policy): arguing ends on an argument,
    which the judgment now charges. Belongs in scenarios/wrong-policy.yaml's tests: once its golden
    transcripts are re-recorded for another reason (editing the file changes their header hash)."""
    from simulator.authoring.playtest import collect, run_test

    suite = collect(ROOT / "tests" / "known_failures" / "wrong-policy.own-words.playtest.yaml")
    tests = {t.name: t for t in suite.tests}
    nothing = run_test(suite, tests["own_words_nothing"], {})
    bad = run_test(suite, tests["own_words_bad"], {})
    assert nothing.overall > bad.overall, (nothing.overall, bad.overall)
