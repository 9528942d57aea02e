"""The persona module on its own: archetypes, state bounds, outcomes, reactions and lines."""

from dataclasses import astuple, fields, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.format import vocab
from simulator.format.conditions import parse
from simulator.format.scenario import Line
from simulator.world import persona as P
from simulator.world.rng import stream

STATE_FLOATS = ("anger", "trust", "patience", "heard", "resolved", "attention")


def rng(key="t"):
    return stream(7, key)


def state(**kw):
    base = {"anger": 0.6, "trust": 0.4, "patience": 0.6}
    base.update(kw)
    return P.PersonaState(**base)


# -- archetypes ------------------------------------------------------------------------------

def test_every_archetype_in_the_format_has_a_parameter_set():
    assert set(P.ARCHETYPES) == set(vocab.ARCHETYPES)


def test_archetypes_are_distinct_parameter_sets_with_a_description_and_a_lesson():
    params = {}
    for name, arch in P.ARCHETYPES.items():
        assert arch.description and arch.lesson, name
        values = tuple(getattr(arch, f.name) for f in fields(arch) if f.name not in ("name", "description", "lesson"))
        params[name] = values
    assert len(set(params.values())) == len(params)


def test_each_seed_behaviour_belongs_to_its_archetype():
    a = P.ARCHETYPES
    assert a["jerk_for_sport"].feeds_on_replies and a["jerk_for_sport"].never_satisfied
    assert a["ill_informed"].public_correction_backfires
    assert a["grandstander"].screenshots_dm and a["grandstander"].private_factor < 1
    assert a["vengeful"].blogs_when_ignored
    assert a["stubborn"].fixes_to_reject == 2
    assert a["abusive"].profane
    assert a["desperate"].patience_decay > 2 * a["reasonable"].patience_decay
    assert a["petty"].petty and a["loyal_fan"].delights_easily
    assert a["annoying"].reply_appetite > a["reasonable"].reply_appetite


# -- state and moods -------------------------------------------------------------------------

@pytest.mark.parametrize("anger,mood", [(0.0, "calm"), (0.24, "calm"), (0.25, "annoyed"), (0.5, "angry"), (0.75, "furious"), (1.0, "furious")])
def test_mood_bands(anger, mood):
    assert P.mood_of(anger) == mood and state(anger=anger).mood == mood


def test_clamp_bounds_every_float_and_caps_trust():
    s = P.PersonaState(anger=2, trust=3, patience=-1, heard=9, resolved=-2, attention=5, waited=-1).clamp(0.35)
    assert (s.anger, s.trust, s.patience, s.heard, s.resolved, s.attention, s.waited) == (1, 0.35, 0, 1, 0, 1, 0)


# -- outcomes --------------------------------------------------------------------------------

REASONABLE = P.ARCHETYPES["reasonable"]
JERK = P.ARCHETYPES["jerk_for_sport"]


@pytest.mark.parametrize("kw,outcome", [
    ({"anger": 0.05, "trust": 0.9, "resolved": 0.9, "delighted": True}, "raving_fan"),
    ({"anger": 0.05, "trust": 0.9, "resolved": 0.9}, "satisfied"),  # fixed, but no surprise: not a fan
    ({"anger": 0.3, "resolved": 0.6}, "satisfied"),
    ({"anger": 0.35, "heard": 0.8, "resolved": 0.35}, "satisfied"),
    ({"anger": 0.5}, "neutral"),
    ({"anger": 0.9}, "hostile"),
    ({"anger": 0.2, "went_public_elsewhere": True}, "hostile"),
    ({"anger": 0.9, "left": True}, "churned"),
    ({"anger": 0.5, "trust": 0.1}, "churned"),
    ({"anger": 0.6, "patience": 0.0}, "churned"),
])
def test_outcomes(kw, outcome):
    assert P.outcome_of(state(**kw), REASONABLE) == outcome


def test_the_jerk_for_sport_is_never_better_than_neutral():
    best = state(anger=0.0, trust=1.0, resolved=1.0, heard=1.0, delighted=True)
    assert P.outcome_of(best, JERK) == "neutral"
    assert P.outcome_of(state(anger=0.2, disengaged=True), JERK) == "neutral"
    assert P.outcome_of(state(anger=0.95), JERK) == "hostile"


# -- reactions -------------------------------------------------------------------------------

def test_quality_is_about_what_was_said_not_its_sentiment():
    assert P.quality({"apology", "question"}) > 0 > P.quality({"argue", "blame", "shouting"})
    assert P.quality({"sarcasm"}) < 0  # praise plus a jab is not praise


def test_react_is_deterministic_given_the_rng():
    stim = P.Stimulus("reply", frozenset({"apology", "question"}))
    a = P.react(REASONABLE, state(), stim, rng("x"))
    b = P.react(REASONABLE, state(), stim, rng("x"))
    assert a == b


def test_a_pile_on_emboldens_them():
    calm = P.react(P.ARCHETYPES["grandstander"], state(), P.Stimulus("pile_on"), rng())
    assert calm.state.anger > 0.6 and calm.state.attention > 0.5 and calm.trigger == "pile_on" and calm.public
    # ... the grandstander more than the desperate, who only wants it fixed.
    desperate = P.react(P.ARCHETYPES["desperate"], state(), P.Stimulus("pile_on"), rng())
    assert calm.state.anger > desperate.state.anger


def test_silence_costs_patience_by_the_hour_and_time_waited_is_remembered():
    r = P.react(REASONABLE, state(), P.Stimulus("silence", value=0.5), rng())
    assert r.state.patience == pytest.approx(0.6 - 0.5 * REASONABLE.patience_decay)
    assert r.state.waited == pytest.approx(0.5) and not r.speak
    answered = P.react(REASONABLE, r.state, P.Stimulus("reply", frozenset({"apology"})), rng())
    assert answered.state.waited == 0.0


def test_when_patience_runs_out_they_post_that_they_are_ignored():
    r = P.react(REASONABLE, state(patience=0.05), P.Stimulus("silence", value=1.0), rng())
    assert r.speak and r.public and r.trigger == "ignored" and r.state.strikes == 1 and r.state.anger > 0.6


def test_a_late_reply_is_worth_less_to_the_petty():
    petty = P.ARCHETYPES["petty"]
    stim = P.Stimulus("reply", frozenset({"apology", "empathy"}))
    prompt = P.react(petty, state(), stim, rng())
    late = P.react(petty, state(waited=1.0), stim, rng())
    assert late.state.anger > prompt.state.anger


def test_promises_move_trust():
    kept = P.react(REASONABLE, state(), P.Stimulus("promise_kept"), rng())
    broken = P.react(REASONABLE, state(), P.Stimulus("promise_broken"), rng())
    assert kept.state.trust > 0.4 > broken.state.trust
    assert broken.speak and broken.public and broken.trigger == "promise_broken"


def test_saying_no_without_an_alternative_breaks_rule_9_for_the_customer_too():
    refusal = P.react(REASONABLE, state(), P.Stimulus("reply", frozenset({"apology", "refusal"})), rng())
    alternative = P.react(REASONABLE, state(), P.Stimulus("reply", frozenset({"apology", "refusal", "solution"})), rng())
    assert alternative.state.anger < refusal.state.anger


def test_an_honest_referral_to_a_competitor_wins_trust():
    r = P.react(REASONABLE, state(), P.Stimulus("offer", remedy_kind="refer_competitor"), rng())
    assert r.trigger == "offer_accepted" and r.state.trust >= 0.7
    assert P.outcome_of(r.state, REASONABLE) == "satisfied"


def test_a_surprise_delights_and_a_plain_fix_does_not():
    plain = P.react(REASONABLE, state(), P.Stimulus("offer", value=20, fair=20, satisfies=("fix",), remedy_satisfies=("fix",)), rng())
    surprise = P.react(REASONABLE, state(), P.Stimulus("offer", value=30, fair=20, satisfies=("fix",),
                                                       remedy_satisfies=("fix", "delight")), rng())
    assert surprise.state.delighted and not plain.state.delighted


def test_mistreated_to_their_limit_they_leave():
    r = P.react(REASONABLE, state(trust=0.2, anger=0.7), P.Stimulus("reply", frozenset({"blame", "argue"})), rng())
    assert r.state.left and r.leaving and r.trigger == "leaving" and r.speak and r.public


def test_once_gone_they_stop_answering_the_silence():
    gone = state(left=True, patience=0.0)
    r = P.react(REASONABLE, gone, P.Stimulus("silence", value=2.0), rng())
    assert not r.speak


def test_reply_delay_comes_from_the_archetype():
    for name, arch in P.ARCHETYPES.items():
        r = P.react(arch, state(), P.Stimulus("reply", frozenset({"apology"})), rng(name))
        lo, hi = arch.reply_delay
        assert lo <= r.delay <= hi


STIMULUS = st.builds(
    P.Stimulus,
    kind=st.sampled_from(["reply", "private", "offer", "hide", "walk_away", "follow_up", "silence", "promise_broken",
                          "promise_kept", "pile_on", "escalated"]),
    features=st.frozensets(st.sampled_from([*vocab.FEATURES, "private_brushoff", "refusal"])),
    public=st.booleans(),
    value=st.floats(0, 50, allow_nan=False),
    fair=st.floats(0, 100, allow_nan=False),
    satisfies=st.lists(st.sampled_from(vocab.WANTS), max_size=3).map(tuple),
    acknowledged=st.booleans(),
    guidelines=st.booleans(),
    explained=st.booleans(),
    first_private=st.booleans(),
    remedy_kind=st.sampled_from(["", *vocab.REMEDY_KINDS]),
    remedy_satisfies=st.lists(st.sampled_from(vocab.WANTS), max_size=3).map(tuple),
    facts_wrong=st.booleans(),
    own_post=st.booleans(),
)
UNIT = st.floats(0, 1, allow_nan=False)
STATE = st.builds(P.PersonaState, anger=UNIT, trust=UNIT, patience=UNIT, heard=UNIT, resolved=UNIT, attention=UNIT,
                  fixes_rejected=st.integers(0, 3), strikes=st.integers(0, 3), waited=st.floats(0, 10, allow_nan=False),
                  left=st.booleans(), delighted=st.booleans(), disengaged=st.booleans())


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(arch=st.sampled_from(sorted(P.ARCHETYPES)), start=STATE, stims=st.lists(STIMULUS, min_size=1, max_size=12),
       seed=st.integers(0, 2**32 - 1))
def test_state_stays_in_bounds_and_react_is_deterministic(arch, start, stims, seed):
    archetype = P.ARCHETYPES[arch]
    s1 = s2 = start.clamp(archetype.trust_cap)
    for i, stim in enumerate(stims):
        r1 = P.react(archetype, s1, stim, stream(seed, f"p{i}"))
        r2 = P.react(archetype, s2, stim, stream(seed, f"p{i}"))
        assert r1 == r2
        s1, s2 = r1.state, r2.state
        for name in STATE_FLOATS:
            assert 0.0 <= getattr(s1, name) <= 1.0, (name, s1)
        assert s1.trust <= archetype.trust_cap
        assert -1.0 <= r1.valence <= 1.0
        assert r1.trigger in vocab.TRIGGERS
        assert P.outcome_of(s1, archetype) in vocab.OUTCOMES
        if archetype.never_satisfied:
            assert P.outcome_of(s1, archetype) not in ("raving_fan", "satisfied")
    assert astuple(s1) == astuple(s2)


# -- lines -----------------------------------------------------------------------------------

def line(text, trigger="any", mood="any", when=None, once=True, ident=None):
    return Line(text, trigger, mood, parse(when) if when else None, once, ident or text)


def test_pick_line_prefers_trigger_and_mood_then_trigger_then_any_in_mood():
    lines = (line("generic angry", "any", "angry"), line("apology any", "apology"), line("apology angry", "apology", "angry"))
    assert P.pick_line(lines, "apology", "angry", {}, set(), rng()).text == "apology angry"
    assert P.pick_line(lines, "apology", "calm", {}, set(), rng()).text == "apology any"
    assert P.pick_line(lines, "blame", "angry", {}, set(), rng()).text == "generic angry"
    assert P.pick_line(lines, "blame", "calm", {}, set(), rng()) is None
    assert P.pick_line(lines, "opening", "angry", {}, set(), rng()) is None


def test_pick_line_honours_when_and_once():
    lines = (line("early", "ignored", when="t < 60"), line("late", "ignored", when="t >= 60"))
    assert P.pick_line(lines, "ignored", "angry", {"t": 10}, set(), rng()).text == "early"
    assert P.pick_line(lines, "ignored", "angry", {"t": 90}, set(), rng()).text == "late"
    assert P.pick_line(lines, "ignored", "angry", {"t": 90}, {"late"}, rng()) is None
    again = (line("again", "ignored", once=False),)
    assert P.pick_line(again, "ignored", "angry", {}, {"again"}, rng()).text == "again"


@pytest.mark.parametrize("trigger", vocab.TRIGGERS)
@pytest.mark.parametrize("mood", vocab.MOODS)
def test_every_trigger_and_mood_has_a_fallback_in_every_voice(trigger, mood):
    for arch in P.ARCHETYPES:
        text = P.fallback_line(trigger, mood, arch)
        assert isinstance(text, str) and text.strip()


def test_fallback_voices_differ_by_archetype():
    assert P.fallback_line("blame", "angry", "abusive") != P.fallback_line("blame", "angry", "reasonable")
    assert P.fallback_line("argue", "angry", "jerk_for_sport") != P.fallback_line("argue", "angry", "reasonable")
    assert "damn" in P.fallback_line("leaving", "furious")
    assert P.fallback_line("hidden", "angry", "abusive", "accepted") != P.fallback_line("hidden", "angry", "abusive")


def test_repeated_fallbacks_vary():
    said = {P.fallback_line("ignored", "angry", "annoying", n=n) for n in range(3)}
    assert len(said) == 3


def test_lines_are_plain_text_even_when_they_look_like_markup():
    """What a customer says is data: the persona never formats or interprets it."""
    lines = (line("[bold]not markup[/bold] \x1b[31m", "apology"),)
    assert P.pick_line(lines, "apology", "calm", {}, set(), rng()).text == "[bold]not markup[/bold] \x1b[31m"


def test_states_are_frozen_values():
    s = state()
    with pytest.raises(AttributeError):
        s.anger = 0.1  # type: ignore[misc]
    assert replace(s, anger=0.1).anger == 0.1 and s.anger == 0.6


def test_rule_9_kept_is_respected_when_the_request_is_unreasonable():
    words = frozenset({"apology", "refusal", "solution"})
    plain = P.react(REASONABLE, state(), P.Stimulus("reply", words), rng())
    unreasonable = P.react(REASONABLE, state(), P.Stimulus("reply", words, unreasonable=True), rng())
    assert unreasonable.state.anger < plain.state.anger
