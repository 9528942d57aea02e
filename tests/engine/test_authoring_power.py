"""Issue 18's story control, the brand's own voice and named commenters, played through the engine."""

import textwrap

import pytest

from simulator.engine.session import Session, SessionError
from simulator.evaluate.scoring import score
from simulator.format import actions as A
from simulator.format.scenario import load_scenario_bytes

BASE = """
id: power
title: Power
summary: Authoring power.
time_limit: 4h
brand: {name: Crumb, handle: "@crumb"}
persona:
  name: Rae
  handle: "@rae"
  archetype: reasonable
  opening: "My cake was dry."
  lines:
    - {trigger: any, text: "Plain line.", once: false, text_when: [{when: "deleted", text: "Why did you delete my post?"}]}
audience: {size: 300}
state:
  deleted: {type: bool}
  interrupted: {type: bool}
"""


def scenario(extra: str):
    return load_scenario_bytes((BASE + textwrap.dedent(extra)).encode(), "power.yaml")


TUNNEL = """
beats:
  - id: opening
    text: "The complaint."
    choices:
      - {id: ask, label: Ask, text: "Sorry Rae, what happened?", features: [apology, question]}
      - {id: stay, label: Stay, action: reply, text: "We hear you, Rae.", features: [empathy], sticky: true}
  - id: phone
    when: "t >= 10"
    return: true
    priority: 1
    text: "The owner is on the phone."
    text_when: [{when: "interrupted", text: "The owner calls again."}]
    choices:
      - {id: pick_up, label: Pick up, text: "Thanks for waiting, Rae; looking into it now.", features: [thanks, solution]}
  - id: later
    when: "t >= 12"
    text: "A lower storylet that must wait for the phone call."
    choices:
      - {id: noted, label: Noted, text: "Noted, Rae.", features: [personalised]}
"""


def test_a_returning_storylet_resumes_the_interrupted_beat_with_its_choices():
    s = Session(scenario(TUNNEL), 1)
    assert [c.id for c in s.choices()] == ["ask", "stay"]
    s.advance(15)
    assert s.beat == "phone"  # priority 1 beats `later`, and `later` may not interrupt it
    kinds = [(e["kind"], e.get("beat")) for e in (x.to_json() for x in s.trace)]
    assert ("held", "later") in kinds
    s.act(A.Choose("pick_up"))
    # Back in the opening with its choices, then the waiting storylet comes up in its turn.
    beats = [e.data for e in s.events if e.kind == "beat"]
    assert {"beat": "opening", "title": "", "resumed": True} in beats
    assert s.beat == "later"
    assert any(t.kind == "beat" and t.data.get("how") == "return" for t in s.trace)


def test_without_priority_or_return_storylets_replace_each_other_as_before():
    s = Session(scenario(TUNNEL.replace("priority: 1", "priority: 0").replace("return: true", "return: false")), 1)
    s.advance(15)
    assert s.visited == ["opening", "phone", "later"]  # format 1 behaviour: the next storylet takes over
    assert [(t.data["beat"], t.data["by"]) for t in s.trace if t.kind == "replaced"] == [("opening", "phone"), ("phone", "later")]


def test_the_highest_priority_comes_up_first_among_storylets_eligible_together():
    extra = TUNNEL.replace('t >= 10"', 't >= 12"').replace("priority: 1", "priority: 0").replace("return: true", "return: false")
    extra = extra.replace('    text: "A lower', '    priority: 5\n    text: "A lower')
    s = Session(scenario(extra), 1)
    s.advance(15)
    assert s.visited[1] == "later"


def test_conditional_text_in_beats_and_lines():
    extra = TUNNEL.replace('t >= 10"', 't >= 10"\n    set: {interrupted: true}').replace("    return: true\n", "")
    s = Session(scenario(extra), 1)
    s.advance(15)
    # The beat's own set: runs first, so its conditional text already reads it.
    assert [e.text for e in s.events if e.kind == "beat"][-1] == "The owner calls again."
    s.vars["deleted"] = True
    s.act(A.Reply("Thanks Rae, we are on it and will sort it today."))
    s.advance(60)
    said = [e.text for e in s.events if e.kind == "post" and e.actor == "customer"]
    assert "Why did you delete my post?" in said and "Plain line." not in said


def test_a_returning_storylet_needs_a_when():
    with pytest.raises(Exception, match="return"):
        scenario("beats:\n  - {id: a, return: true}\n")


REQUIRES = """
roles:
  - {id: agent, title: Agent, authority: 100}
  - {id: owner, title: The owner, delay: 10m, can_approve: [statement]}
remedies:
  - {id: statement, kind: apology, label: Public apology signed by the owner, public: true, requires: [owner]}
beats:
  - {id: opening, text: "x"}
"""


def test_a_remedy_that_requires_a_role_is_refused_until_that_role_approves():
    s = Session(scenario(REQUIRES), 1)
    s.act(A.Offer("statement"))
    blocked = [e for e in s.events if e.kind == "offer_blocked"]
    assert blocked and blocked[0].data["requires"] == ["owner"] and "The owner" in blocked[0].text
    assert "statement" not in s.offered
    s.act(A.Escalate("owner"))
    s.advance(15)
    s.act(A.Offer("statement"))
    assert "statement" in s.offered


def test_requires_names_a_role_that_exists():
    with pytest.raises(Exception, match=r"no role 'ownr'.*did you mean 'owner'"):
        scenario(REQUIRES.replace("requires: [owner]", "requires: [ownr]"))


SPILL = """
ripple:
  spillovers:
    - id: recap
      platform: blog
      title: Day-after blog
      text: "A recap of the thread."
      threshold: 1
      delay: 30m
      when: "replies > 0"
      text_when: [{when: "deleted", text: "A recap of the deletions."}]
beats:
  - {id: opening, text: "x"}
"""


def test_a_spillover_waits_for_its_when_and_picks_its_text():
    s = Session(scenario(SPILL), 1)
    s.advance(90)
    assert "recap" not in s.fired  # threshold crossed, delay over, but nobody replied yet
    s.vars["deleted"] = True
    s.act(A.Reply("Sorry Rae, that's not the cake we want you to have."))
    s.advance(10)
    spill = [e for e in s.events if e.kind == "spillover"]
    assert [e.data["id"] for e in spill] == ["recap"] and spill[0].text == "A recap of the deletions."


BRAND = """
scoring: {weights: {judgment: 1}}
injects:
  - id: owner_rant
    at: 5m
    from: brand
    text: "YOUR A LIAR. NOBODY ELSE COMPLAINED. GO BUY YOUR CAKES SOMEWHERE ELSE, IDIOT."
beats:
  - {id: opening, text: "x"}
"""


def test_a_brand_voice_inject_is_the_brands_post_not_the_trainees():
    s = Session(scenario(BRAND), 1)
    s.advance(10)
    post = next(p for p in s.posts.values() if p.author == "brand_voice")
    assert post.public and not s.replies  # not charged as the trainee's reply
    assert s.brand_posts and s.brand_posts[0].hostile
    assert any(e.kind == "post" and e.actor == "brand_voice" for e in s.events)
    assert s.persona.anger > 0.5  # the customer took it as the brand talking


def _judgment(actions):
    s = Session(scenario(BRAND), 1)
    s.advance(10)
    for action in actions:
        s.act(action)
    s.finish()
    return score(s, turning_points=False).dimensions["judgment"]


def test_the_trainee_is_scored_on_handling_the_brands_own_post():
    left = _judgment([A.Reply("Hi Rae, can you tell us more about the cake?")])
    apology = "Rae, we're so sorry: that post was unacceptable and it has been taken down. Can you DM us your order?"
    owned = _judgment([A.Hide("i1"), A.Reply(apology)])
    silent = _judgment([A.Hide("i1")])
    assert owned > silent and owned > left


COMMENTERS = """
commenters:
  - id: dana
    name: Dana Ortiz
    archetype: reasonable
    anger: 0.6
    platform: facebook
    opening: "Same thing happened to me last week."
    lines:
      - {trigger: good_reply, text: "Thanks, that helps."}
      - {trigger: apology, text: "Thanks, that helps."}
  - id: rob
    name: Rob
    at: 20m
    archetype: jerk_for_sport
    opening: "lol this bakery"
beats:
  - {id: opening, text: "x", choices: [{id: ask, label: Ask, text: "Sorry Rae, what happened?", features: [apology, question]}]}
"""


def test_named_commenters_post_and_react_to_replies_aimed_at_them():
    s = Session(scenario(COMMENTERS), 2)
    assert "dana1" in s.posts and s.posts["dana1"].platform == "facebook"
    assert "rob1" not in s.posts
    s.advance(25)
    assert "rob1" in s.posts
    before = s.persona
    s.act(A.Reply("Dana, I'm so sorry that happened to you too. Could you DM us your order number?", to="dana1"))
    assert s.persona == before or s.persona.anger == before.anger  # the main customer was not the one answered
    assert s.records[-1].data["to"] == "dana"
    assert "ask" in [c.id for c in s.choices()]  # a side conversation does not take the story's suggested move
    s.advance(60)
    assert any(e.actor == "dana" and e.item.startswith("dana") and e.item != "dana1" for e in s.events if e.kind == "post")
    assert s.commenters["dana"].anger < 0.6


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_commenter_with_more_reach_spreads_further_same_seed(seed):
    """`reach` is their own followers: a visible share of them sees each post, and some reshare it."""
    def spread(reach: int) -> tuple[int, int]:
        s = Session(scenario(COMMENTERS.replace("    platform: facebook\n", f"    platform: facebook\n    reach: {reach}\n", 1)), seed)
        s.advance(180)
        return s.ripple.item_reach("dana1"), s.ripple.negative_reach

    quiet, loud = spread(0), spread(600)
    assert loud[0] > quiet[0] + 100  # 240 followers see it at once
    assert loud[1] >= quiet[1]


def test_a_reply_to_a_post_that_is_not_there_is_refused_before_anything_happens():
    s = Session(scenario(COMMENTERS), 2)
    with pytest.raises(SessionError, match="no post or commenter 'zed1'"):
        s.act(A.Reply("hi", to="zed1"))
    assert not s.records


def test_commenter_ids_that_would_clash_with_post_names_are_refused():
    with pytest.raises(Exception, match="commenter id 'c'"):
        scenario(COMMENTERS.replace("id: dana", "id: c"))


def test_reply_to_round_trips_through_the_play_script_form():
    action = A.parse_action({"reply": {"to": "dana1", "text": "Hi Dana"}})
    assert action == A.Reply("Hi Dana", to="dana1")
    assert A.to_dict(action) == {"reply": {"text": "Hi Dana", "to": "dana1"}}
    assert A.to_dict(A.Reply("x")) == {"reply": "x"}


def test_tracing_does_not_change_the_session():
    a = Session(scenario(TUNNEL), 3)
    a.advance(15)
    a.act(A.Choose("pick_up"))
    assert a.trace
    b = Session(scenario(TUNNEL), 3)
    b.advance(15)
    b.act(A.Choose("pick_up"))
    assert [e.to_json() for e in a.events] == [e.to_json() for e in b.events]
