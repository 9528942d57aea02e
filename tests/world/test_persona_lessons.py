"""The seeds' lessons about customers, stated as behaviour of the real Session.

Each test builds a small scenario in memory with one archetype and plays the right and the wrong
move with the same seed, so the difference is caused by the move and nothing else (common random
numbers). Reach is compared between runs, never asserted as an absolute number: the ripple model
is calibrated elsewhere.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine.session import Session
from simulator.format import actions as A
from simulator.format.scenario import load_scenario_bytes

OPENING = "@acme my kettle died after a week. Useless."
GUIDELINES_NOTE = (
    "Your post was hidden because it broke our community guidelines (no profanity or personal attacks). "
    "You're welcome to post it again without the language. We do want to sort out your kettle."
)


def scenario(archetype="reasonable", *, anger=0.6, trust=0.4, patience=0.6, guidelines=False, facts_wrong=False,
             wants=("to_be_heard", "fix"), lines="", time_limit="4h", audience=800):
    """A one-customer scenario with the given archetype, loaded through the real loader."""
    text = f"""
format: 1
id: persona-{archetype.replace("_", "-")}
title: "Persona test: {archetype}"
summary: A kettle that died after a week.
time_limit: {time_limit}
mode: turns
brand: {{name: Acme, handle: "@acme", guidelines_posted: {str(guidelines).lower()}}}
persona:
  name: Sam Lee
  handle: "@sam"
  archetype: {archetype}
  anger: {anger}
  trust: {trust}
  patience: {patience}
  wants: [{", ".join(wants)}]
  reach: 800
  fair_remedy: 20
  facts_wrong: {str(facts_wrong).lower()}
  opening: "{OPENING}"
  lines: [{lines}]
audience:
  size: {audience}
roles:
  - {{id: agent, title: Agent, authority: 100, trainee: true}}
remedies:
  - {{id: refund, kind: refund, label: Full refund, cost: 20, satisfies: [compensation, fix]}}
  - {{id: replace, kind: replacement, label: A new kettle today, cost: 20, satisfies: [fix]}}
  - {{id: surprise, kind: gift, label: A new kettle and a tea hamper, cost: 30, satisfies: [fix, delight]}}
  - {{id: voucher, kind: credit, label: A $5 voucher, cost: 5, satisfies: [compensation]}}
  - {{id: competitor, kind: refer_competitor, label: Point Sam to a shop that stocks what they need, cost: 0, satisfies: [fix]}}
"""
    return load_scenario_bytes(text.encode("utf-8"), f"<{archetype}>")


def play(sc, actions, seed=1, *, finish=True):
    session = Session(sc, seed)
    for action in actions:
        if not session.finished:
            session.act(action)
    if finish:
        session.finish()
    return session


def customer_posts(session, **data):
    return [e for e in session.events if e.kind == "post" and e.actor == "customer"
            and all(e.data.get(k) == v for k, v in data.items())]


ARGUE = [
    A.Reply("Actually, that's not true, our kettles are fine."),
    A.Reply("As we said, you're wrong about this."),
    A.Reply("Did you even read the manual???"),
]
WALK_AWAY = A.WalkAway("We've shared what we can here. Our door is open if you'd like help with the kettle.")
APOLOGY_AND_QUESTION = A.Reply("We're so sorry, Sam, that's not OK. Which model is it?")
GREAT_PATH = [
    APOLOGY_AND_QUESTION,
    A.Wait(10),
    A.Reply("Thanks Sam. I've sent a new kettle today by courier, and sorry again."),
    A.Offer("surprise"),
    A.Wait(30),
    A.FollowUp("Hope the new kettle is treating you well, Sam. Thanks for sticking with us!"),
]


# -- jerk for sport: "Sometimes, people just want to fight" (seed 001); walking away is right (seed 003 q6)

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_arguing_with_a_jerk_for_sport_raises_reach_over_walking_away_or_ignoring(seed):
    sc = scenario("jerk_for_sport")
    argued = play(sc, ARGUE, seed)
    walked = play(sc, [WALK_AWAY], seed)
    ignored = play(sc, [], seed)
    assert argued.ripple.snapshot().reach > walked.ripple.snapshot().reach
    assert argued.ripple.snapshot().reach > ignored.ripple.snapshot().reach
    assert argued.ripple.snapshot().negative_reach > walked.ripple.snapshot().negative_reach
    # Every reply fed them: each got a public answer, and the exchange left them hostile.
    assert len(customer_posts(argued)) > len(customer_posts(walked))
    assert argued.outcome() == "hostile" and walked.outcome() == "neutral"


def test_every_reply_feeds_a_jerk_for_sport_even_a_polite_one():
    session = Session(scenario("jerk_for_sport"), 1)
    before = session.persona.attention
    session.act(A.Reply("Sorry to hear that, Sam. Which model is it?"))
    assert session.persona.attention > before
    assert session.persona.anger >= 0.6  # nothing calms them
    session.advance(15)
    assert len(customer_posts(session)) == 2  # they always answer, in public


def test_a_jerk_for_sport_goes_quiet_after_a_graceful_walk_away():
    session = play(scenario("jerk_for_sport"), [WALK_AWAY], 1, finish=False)
    session.advance(180)
    assert session.persona.disengaged
    later = [e for e in customer_posts(session) if e.t > 15]
    assert later == []


# -- the well-meaning but ill-informed (seeds 002, 003, 004)

def test_correcting_the_ill_informed_in_public_raises_anger_and_privately_lowers_it():
    sc = scenario("ill_informed")  # the archetype alone, without the scenario's facts_wrong flag
    public = Session(sc, 1)
    start = public.persona.anger
    public.act(A.Reply("Actually, that's not true. The warranty clearly states it covers two years."))
    private = Session(sc, 1)
    private.act(A.Private("Hi Sam, good news: your warranty covers two years, so you're covered. "
                          "Happy to help you file the claim."))
    assert public.persona.anger > start
    assert private.persona.anger < start
    assert private.persona.resolved > public.persona.resolved


def test_the_same_facts_are_a_correction_in_public_and_an_explanation_in_private():
    sc = scenario("ill_informed", facts_wrong=True)
    words = "Actually, the warranty covers two years."
    public, private = Session(sc, 1), Session(sc, 1)
    public.act(A.Reply(words))
    private.act(A.Private(words))
    assert public.persona.anger > 0.6 > private.persona.anger
    private.advance(15)
    assert any(e.kind == "private_in" for e in private.events)


def test_a_reasonable_customer_given_the_facts_wrong_flag_reacts_like_the_ill_informed():
    """`facts_wrong: true` on any persona makes a public correction backfire."""
    plain = Session(scenario("reasonable"), 1)
    wrong = Session(scenario("reasonable", facts_wrong=True), 1)
    for session in (plain, wrong):
        session.act(A.Reply("Actually, the warranty runs for two years, not one."))
    assert wrong.persona.anger > plain.persona.anger


# -- the reasonable customer (seed 002: "We apologize... What item were you looking for?")

def test_an_apology_and_a_clarifying_question_calm_a_reasonable_customer():
    session = Session(scenario("reasonable", anger=0.6), 1)
    assert session.persona.mood == "angry"
    session.act(APOLOGY_AND_QUESTION)
    assert session.persona.anger < 0.45 and session.persona.mood in ("calm", "annoyed")
    assert session.persona.heard > 0.3
    session.advance(15)
    assert customer_posts(session, trigger="question") or customer_posts(session, trigger="apology") or any(
        e.kind == "post" and e.data.get("trigger") in ("question", "apology", "good_reply") for e in session.events)


def test_an_apology_calms_more_than_an_argument():
    sc = scenario("reasonable")
    kind, hard = Session(sc, 1), Session(sc, 1)
    kind.act(APOLOGY_AND_QUESTION)
    hard.act(A.Reply("Did you even read the instructions??? It clearly states to descale it."))
    assert kind.persona.anger < hard.persona.anger


# -- the grandstander: plays to the audience (seed 003, seed 004's "ever-ready screen shot")

def test_a_private_move_with_no_empathy_backfires_with_a_grandstander():
    sc = scenario("grandstander")
    session = Session(sc, 1)
    start = session.persona.anger
    session.act(A.Private("Send us a DM with your order number."))
    session.advance(20)
    screenshots = [e for e in session.events if e.kind == "post" and e.data.get("kind") == "screenshot"]
    assert screenshots and "Send us a DM with your order number" in screenshots[0].text
    assert session.persona.anger > start
    # A reasonable customer dislikes the brush-off too, but does not screenshot it.
    calm = Session(scenario("reasonable"), 1)
    calm.act(A.Private("Send us a DM with your order number."))
    calm.advance(20)
    assert not [e for e in calm.events if e.kind == "post" and e.data.get("kind") == "screenshot"]
    assert session.persona.anger > calm.persona.anger


def test_moving_private_helps_a_grandstander_less_than_a_reasonable_customer():
    caring = [A.Reply("So sorry, Sam, that's not OK."),
              A.Private("Sam, I'm sorry about the kettle and I understand how annoying that is. Which model is it?")]
    grand = play(scenario("grandstander"), caring, 1, finish=False)
    reasonable = play(scenario("reasonable"), caring, 1, finish=False)
    assert grand.persona.anger > reasonable.persona.anger


# -- promises: "Don't drop THAT ball" (seed 003, question 3)

@pytest.mark.parametrize("archetype", ["reasonable", "desperate", "petty"])
def test_an_unkept_promise_triggers_a_new_public_post(archetype):
    session = Session(scenario(archetype), 1)
    session.act(A.Reply("Sorry Sam, that's on us. Which model is it?"))
    session.act(A.Private("Thanks Sam, I'll check with the warehouse and get back to you within the hour."))
    assert session.promises and session.promises[0].kept is None
    trust = session.persona.trust
    session.advance(120)
    assert session.promises[0].kept is False
    broken = customer_posts(session, trigger="promise_broken")
    assert broken and broken[0].data["kind"] == "customer_post"  # public, though the talk had gone private
    assert session.persona.trust < trust


def test_a_kept_promise_raises_trust_and_brings_no_new_post():
    session = Session(scenario("reasonable"), 1)
    session.act(A.Reply("Sorry Sam, that's on us. Which model is it?"))
    session.act(A.Private("Thanks Sam, I'll check the warehouse and get back to you shortly."))
    trust = session.persona.trust
    session.act(A.Offer("replace"))
    session.advance(120)
    assert session.promises[0].kept is True and session.persona.trust > trust
    assert not customer_posts(session, trigger="promise_broken")


# -- the abusive: hide with posted guidelines and tell them why (seed 003, Nationwide)

def test_hiding_an_abusive_post_without_guidelines_triggers_a_censorship_backlash():
    session = Session(scenario("abusive", anger=0.85, guidelines=False), 1)
    session.act(A.Hide("c1", GUIDELINES_NOTE))
    session.advance(30)
    assert [e for e in session.events if e.kind == "post" and e.data.get("kind") == "deletion_noticed"]
    assert customer_posts(session, trigger="hidden")  # they call it censorship, in public


def test_hiding_an_abusive_post_with_guidelines_and_an_explanation_brings_no_backlash():
    session = Session(scenario("abusive", anger=0.85, guidelines=True), 1)
    start = session.persona.anger
    session.act(A.Hide("c1", GUIDELINES_NOTE))
    session.advance(30)
    assert not [e for e in session.events if e.kind == "post" and e.data.get("kind") == "deletion_noticed"]
    assert not customer_posts(session, trigger="hidden")
    assert session.persona.anger < start
    # Nationwide: "we never got a single one re-posted... in many cases, we got an apology".
    replies = [e for e in session.events if e.kind == "private_in"]
    assert all(e.data.get("trigger") == "hidden" for e in replies)


def test_with_guidelines_but_no_explanation_the_hide_is_still_noticed():
    told = Session(scenario("abusive", anger=0.85, guidelines=True), 1)
    untold = Session(scenario("abusive", anger=0.85, guidelines=True), 1)
    told.act(A.Hide("c1", GUIDELINES_NOTE))
    untold.act(A.Hide("c1"))
    assert untold.persona.anger > told.persona.anger


def test_hiding_a_reasonable_customers_post_backfires_even_with_guidelines():
    session = Session(scenario("reasonable", guidelines=True), 1)
    start = session.persona.anger
    session.act(A.Hide("c1", GUIDELINES_NOTE))
    session.advance(30)
    assert session.persona.anger > start
    assert customer_posts(session, trigger="hidden")


# -- the stubborn (seed 003 comment: "I proposed another solution, denied")

def test_the_stubborn_reject_the_first_two_offers_then_accept():
    session = Session(scenario("stubborn"), 1)
    session.act(APOLOGY_AND_QUESTION)
    verdicts = []
    for _ in range(3):
        session.act(A.Offer("replace"))
        session.advance(15)
        said = [e for e in session.events if e.kind in ("post", "private_in") and e.actor == "customer"]
        verdicts.append(said[-1].data["trigger"])
    assert verdicts == ["offer_rejected", "offer_rejected", "offer_accepted"]
    assert session.persona.fixes_rejected == 2 and session.outcome() == "satisfied"


def test_a_reasonable_customer_accepts_the_first_fair_offer():
    session = Session(scenario("reasonable"), 1)
    session.act(A.Offer("replace"))
    session.advance(15)
    assert customer_posts(session, trigger="offer_accepted")


# -- the desperate: patience runs out fast

def test_the_desperate_churn_if_left_two_hours_while_the_reasonable_do_not():
    desperate = Session(scenario("desperate"), 1)
    reasonable = Session(scenario("reasonable"), 1)
    desperate.advance(120)
    reasonable.advance(120)
    assert desperate.persona.left and desperate.outcome() == "churned"
    assert not reasonable.persona.left and reasonable.outcome() != "churned"
    last = customer_posts(desperate)[-1]
    assert last.data["trigger"] == "leaving" and "don't give a damn" in last.text


def test_the_desperate_are_calmed_by_a_fix_more_than_by_sympathy():
    sc = scenario("desperate")
    fix, sympathy = Session(sc, 1), Session(sc, 1)
    fix.act(A.Reply("Sam, I've sent a replacement kettle today; it will be with you by 5pm."))
    sympathy.act(A.Reply("We understand how frustrating that is, Sam, and we're sorry."))
    assert fix.persona.anger < sympathy.persona.anger


# -- the vengeful: takes it to a blog when ignored (seed 003, question 5: ripple effects)

def test_the_vengeful_blog_when_ignored():
    ignored = play(scenario("vengeful"), [], 1)
    blogs = [e for e in ignored.events if e.kind == "post" and e.data.get("platform") == "blog"]
    assert blogs and ignored.outcome() == "hostile"
    answered = play(scenario("vengeful"), [APOLOGY_AND_QUESTION, A.Wait(10),
                                           A.Reply("Thanks Sam. A new kettle is on its way to you today."), A.Wait(30)], 1)
    assert not [e for e in answered.events if e.kind == "post" and e.data.get("platform") == "blog"]


def test_a_reasonable_customer_ignored_does_not_blog():
    ignored = play(scenario("reasonable"), [], 1)
    assert not [e for e in ignored.events if e.kind == "post" and e.data.get("platform") == "blog"]


# -- the annoying and the petty

def test_the_annoying_keep_bumping_an_unanswered_thread():
    annoying = Session(scenario("annoying"), 1)
    reasonable = Session(scenario("reasonable"), 1)
    annoying.advance(180)
    reasonable.advance(180)
    assert len(customer_posts(annoying, trigger="ignored")) > len(customer_posts(reasonable, trigger="ignored"))
    assert not annoying.persona.left  # they repeat themselves; they don't leave
    texts = [e.text for e in customer_posts(annoying, trigger="ignored")]
    assert len(set(texts)) > 1  # and not word for word


def test_a_form_letter_stings_the_petty_more():
    words = A.Reply("We value your feedback. Please contact Customer Care for assistance.")
    petty, reasonable = Session(scenario("petty"), 1), Session(scenario("reasonable"), 1)
    petty.act(words)
    reasonable.act(words)
    assert petty.persona.anger > reasonable.persona.anger


# -- ranting customer to raving fan (seed 003), and the loyal fan (seed 002, Dunn Brothers)

@pytest.mark.parametrize("archetype,anger,trust", [("reasonable", 0.6, 0.4), ("loyal_fan", 0.3, 0.7)])
def test_raving_fan_is_reachable_with_a_great_path(archetype, anger, trust):
    session = play(scenario(archetype, anger=anger, trust=trust), GREAT_PATH, 1)
    assert session.outcome() == "raving_fan"


def test_a_fix_without_a_surprise_satisfies_but_does_not_make_a_fan():
    session = play(scenario("reasonable"), GREAT_PATH[:3], 1)
    assert session.outcome() == "satisfied"


def test_the_same_great_path_never_makes_a_jerk_for_sport_a_fan():
    session = play(scenario("jerk_for_sport"), GREAT_PATH, 1)
    assert session.outcome() not in ("raving_fan", "satisfied")


ACTION = st.one_of(
    st.sampled_from([
        APOLOGY_AND_QUESTION,
        A.Reply("Thanks Sam. A new kettle is on its way today, sorry again."),
        A.Reply("Actually, you're wrong."),
        A.Private("Sam, I'm sorry. Which model is it? I'll sort it personally."),
        A.Private("DM us."),
        A.Offer("surprise"), A.Offer("refund"), A.Offer("voucher"), A.Offer("competitor"),
        A.FollowUp("Hope the new kettle is treating you well, Sam. Thanks for sticking with us!"),
        A.Hide("c1", GUIDELINES_NOTE),
        WALK_AWAY,
    ]),
    st.integers(min_value=1, max_value=90).map(lambda m: A.Wait(m)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=st.lists(ACTION, max_size=8), seed=st.integers(0, 2**16))
def test_no_sequence_of_actions_makes_a_jerk_for_sport_a_raving_fan(actions, seed):
    sc = _JERK
    session = Session(sc, seed)
    for action in actions:
        if session.finished:
            break
        session.act(action)
        assert session.outcome() not in ("raving_fan", "satisfied")
    session.finish()
    assert session.outcome() not in ("raving_fan", "satisfied")
    p = session.persona
    for value in (p.anger, p.trust, p.patience, p.heard, p.resolved, p.attention):
        assert 0.0 <= value <= 1.0
    assert p.trust <= 0.35


_JERK = scenario("jerk_for_sport", audience=300)


# -- seed 000: Rhett Butler refers honestly; Scarlett's "I don't give a damn" is the limit

def test_an_honest_referral_to_a_competitor_leaves_them_satisfied_and_trusting():
    session = Session(scenario("reasonable", wants=("fix",)), 1)
    trust = session.persona.trust
    session.act(A.Reply("Sorry Sam, we don't make one that fits. The Brewmaster from our friends at Kettle & Co "
                        "would be just right for you."))
    session.act(A.Offer("competitor"))
    session.advance(20)
    assert session.outcome() == "satisfied"
    assert session.persona.trust > trust + 0.25


def test_a_customer_mistreated_to_their_limit_says_they_dont_give_a_damn_and_churns():
    session = play(scenario("reasonable", trust=0.3), [
        A.Reply("Did you even read the manual??? You should have descaled it."),
        A.Reply("As we said, it's not our fault. Read the label."),
    ], 1, finish=False)
    session.advance(20)
    assert session.persona.left and session.outcome() == "churned"
    leaving = customer_posts(session, trigger="leaving")
    assert leaving and "give a damn" in leaving[0].text


# -- lines: authored storylets first, the archetype's own voice as a fallback

def test_authored_lines_are_chosen_by_trigger_mood_and_condition():
    lines = ("{trigger: apology, mood: any, when: 'customer_posts < 5', text: 'Thanks, it is the K-200.'}, "
             "{trigger: apology, mood: any, when: 'customer_posts > 50', text: 'Never said.'}")
    session = Session(scenario("reasonable", lines=lines), 1)
    session.act(A.Reply("We're so sorry about this."))
    session.advance(20)
    said = [e.text for e in customer_posts(session)]
    assert "Thanks, it is the K-200." in said and "Never said." not in said


def test_a_scenario_with_no_lines_still_speaks_in_the_archetypes_voice():
    abusive = Session(scenario("abusive", anger=0.85), 1)
    reasonable = Session(scenario("reasonable", anger=0.85), 1)
    for session in (abusive, reasonable):
        session.act(A.Reply("Did you even read the manual???"))
        session.advance(20)
    a, r = customer_posts(abusive)[-1], customer_posts(reasonable)[-1]
    assert a.data["trigger"] == r.data["trigger"] in ("blame", "rude")  # a contemptuous rhetorical question
    assert a.text != r.text  # the abusive archetype speaks in its own voice


def test_the_starters_ranting_customer_can_become_a_raving_fan():
    """Seed 003: "the ranting customer turning into the raving fan thanks to a great customer service moment"."""
    from helpers import STARTER

    from simulator.format.scenario import load_scenario

    starter = load_scenario(STARTER)
    great = [A.Choose("model"), A.Choose("fix_public"), A.Escalate("supervisor"), A.Wait(16), A.Offer("delivery"),
             A.Wait(10), A.Choose("thank_publicly")]
    good = [A.Choose("model"), A.Choose("fix_public"), A.Wait(30)]
    assert play(starter, great, 7).outcome() == "raving_fan"
    assert play(starter, good, 7).outcome() == "satisfied"  # a fix satisfies; the surprise makes the fan


def test_closing_a_settled_conversation_politely_does_not_lose_the_customer():
    """Walking away from someone who is already satisfied is closing, not abandoning."""
    import numpy as np

    from simulator.world import persona as P

    arch = P.ARCHETYPES["reasonable"]
    settled = P.PersonaState(anger=0.1, trust=0.8, patience=0.8, heard=0.8, resolved=0.8)
    stim = P.Stimulus("walk_away", features=frozenset({"thanks", "personalised"}))
    after = P.react(arch, settled, stim, np.random.default_rng(1)).state
    assert not after.left and P.outcome_of(after, arch) in ("satisfied", "raving_fan")
    unsettled = P.PersonaState(anger=0.5, trust=0.5, patience=0.5)
    assert P.react(arch, unsettled, stim, np.random.default_rng(1)).state.left


def test_a_crowd_does_not_embolden_a_customer_whose_problem_is_solved():
    import numpy as np

    from simulator.world import persona as P

    arch = P.ARCHETYPES["reasonable"]
    settled = P.PersonaState(anger=0.1, trust=0.8, patience=0.8, heard=0.8, resolved=0.8)
    reaction = P.react(arch, settled, P.Stimulus("pile_on"), np.random.default_rng(0))
    assert not reaction.speak and reaction.state.anger == settled.anger
    angry = P.PersonaState(anger=0.6, trust=0.4, patience=0.5)
    assert P.react(arch, angry, P.Stimulus("pile_on"), np.random.default_rng(0)).state.anger > angry.anger
