"""Free text moves the world by what it means (issue 13): `examples:` and `says:` teach the matcher,
words that commit to a remedy are the offer they describe, promises are kept by what delivers on
them and fall due after what the customer will wait, and the broken-promise post names the promise."""

from __future__ import annotations

import yaml
from helpers import SCENARIOS, STARTER

from simulator.engine.commitments import commitment
from simulator.engine.session import Session, replay
from simulator.format import actions as A
from simulator.format.scenario import load_scenario, load_scenario_bytes
from simulator.world import persona


def _starter_with(**changes):
    data = yaml.safe_load(STARTER.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if callable(value):
            value(data)
        else:
            data[key] = value
    return load_scenario_bytes(yaml.safe_dump(data, sort_keys=False).encode(), str(STARTER), STARTER.parent)


def _said_hacked(data):
    data.setdefault("state", {})["claimed_hacked"] = {"type": "bool", "default": False}
    data["says"] = [{"id": "hacked", "like": ["our page was hacked", "someone got into our account"],
                     "set": {"claimed_hacked": True}}]


def test_a_says_trigger_fires_on_a_sentence_inside_a_longer_reply():
    scenario = _starter_with(_=_said_hacked)
    s = Session(scenario, 7)
    s.act(A.Reply("Sorry everyone. Our page was hacked last night; those posts were not us."))
    assert s.vars["claimed_hacked"] is True
    assert s.said == ["hacked"] and "hacked" in s.env()["said"]
    assert s.records[-1].data["said"] == ["hacked"]


def test_a_says_trigger_ignores_a_denial_and_unrelated_words():
    scenario = _starter_with(_=_said_hacked)
    s = Session(scenario, 7)
    s.act(A.Reply("We were not hacked, Dan. That post was ours and we're sorry for it."))
    s.act(A.Reply("Which item were you after? We'll check the nearest store for you."))
    assert s.vars["claimed_hacked"] is False and s.said == []


def test_says_triggers_are_checked_by_validate():
    data = yaml.safe_load(STARTER.read_text(encoding="utf-8"))
    data["says"] = [{"id": "x", "like": ["hello"], "set": {"no_such_state": True}}]
    from simulator.format.diagnostics import ScenarioError
    try:
        load_scenario_bytes(yaml.safe_dump(data).encode(), "x.yaml")
    except ScenarioError as exc:
        assert "no_such_state" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("an unknown state name in says: must be an error")


def _with_example(data):
    first = data["beats"][0]["choices"][0]
    first["examples"] = ["My bad, Dan: our stock page let you down. What were you hoping to pick up?"]


def test_a_phrasing_like_a_choice_example_takes_that_branch():
    scenario = _starter_with(_=_with_example)
    first = scenario.beats[0].choices[0]
    s = Session(scenario, 7)
    s.act(A.Reply("My bad, Dan, our stock page let you down there. What were you hoping to pick up?"))
    assert s.records[0].data.get("matched") == first.id
    assert first.id in s.chosen


def test_words_that_commit_to_a_remedy_apply_it_and_replay_exactly():
    scenario = load_scenario(STARTER)
    text = "So sorry Dan, that's on us. I've put an HX-20 on hold for you at our Bay Road store, ready whenever you are."
    s = Session(scenario, 7)
    events = s.act(A.Reply(text))
    offers = [e for e in events if e.kind == "offer"]
    assert [e.data["remedy"] for e in offers] == ["hold"]
    assert s.offered == ["hold"]
    assert s.records[-1].kind == "offer" and "on hold" in s.records[-1].data["said"]
    again = replay(scenario, 7, s.steps)
    assert [e.to_json() if hasattr(e, "to_json") else e for e in again.events] == \
        [e.to_json() if hasattr(e, "to_json") else e for e in s.events]


def test_declining_the_commitment_sends_only_the_words():
    scenario = load_scenario(STARTER)
    text = "I've put an HX-20 on hold for you at our Bay Road store, Dan."
    s = Session(scenario, 7)
    assert s.committed(text) is not None and s.committed(text).remedy == "hold"
    s.act(A.Reply(text, commit=False))
    assert s.offered == []
    assert s.steps[-1] == {"act": {"reply": {"text": text, "commit": False}}}
    assert A.parse_action(s.steps[-1]["act"]) == A.Reply(text, commit=False)


def test_a_commitment_beyond_authority_says_whose_approval_it_needs():
    scenario = load_scenario(STARTER)
    s = Session(scenario, 7)
    s.act(A.Reply("Dan, we'll give you free same-day delivery of the drill today."))
    blocked = [e for e in s.events if e.kind == "offer_blocked"]
    assert scenario.remedy("delivery").cost > scenario.trainee_role.authority
    assert blocked and "Your reply commits to" in blocked[0].text and "escalate" in blocked[0].text
    assert s.offered == []


def test_plain_sympathy_and_questions_commit_to_nothing():
    scenario = load_scenario(STARTER)
    s = Session(scenario, 7)
    for text in ("Sorry for the trouble, Dan.", "Would you like us to hold one for you?",
                 "We'll look into it and get back to you within the hour."):
        assert s.committed(text) is None, text
    assert commitment(scenario, s._analyse("Thanks for flagging this.", None)) is None


def test_one_fix_keeps_only_the_promise_it_delivers_on():
    scenario = load_scenario(STARTER)
    s = Session(scenario, 7)
    s.act(A.Reply("Dan, I'll check which store has an HX-20 in stock and get back to you within the hour."))
    s.act(A.Reply("And I'll get our web team to fix the stock page by Friday."))
    assert len(s.promises) == 2
    s.act(A.Reply("Good news Dan: our Bay Road store has an HX-20 in stock, and it's set aside for you.", commit=False))
    kept = [p.text for p in s.promises if p.kept]
    assert len(kept) == 1 and "store" in kept[0]
    assert [p.kept for p in s.promises if "web team" in p.text] == [None]


def test_a_promise_without_a_time_falls_due_after_what_this_customer_waits():
    assert persona.ARCHETYPES["desperate"].promise_window < persona.ARCHETYPES["reasonable"].promise_window
    assert persona.ARCHETYPES["loyal_fan"].promise_window > persona.ARCHETYPES["reasonable"].promise_window
    scenario = load_scenario(SCENARIOS / "frozen-payouts.yaml")
    assert scenario.persona.archetype == "desperate"
    s = Session(scenario, 3)
    s.act(A.Reply("Rosa, I'll update you here the minute the hold is lifted."))
    (promise,) = s.promises
    assert promise.due - promise.t == persona.ARCHETYPES["desperate"].promise_window


def test_the_broken_promise_post_names_the_promise_that_was_broken():
    scenario = load_scenario(STARTER)
    s = Session(scenario, 7)
    s.act(A.Reply("Dan, I'll get our web team to fix the stock page by tonight."))
    s.act(A.Reply("I'll also check which store has an HX-20 in stock and come back to you within 20 minutes."))
    assert [p.kept for p in s.promises] == [None, None]  # promising more delivers nothing
    s.advance(60)
    broken = [e for e in s.events if e.kind == "promise" and e.data.get("status") == "broken"]
    assert broken and "20 minutes" in broken[0].text
    said = [e for e in s.events if e.kind == "post" and e.data.get("trigger") == "promise_broken"]
    assert said, "the customer says something about the broken promise"
    assert "web team" not in said[0].text and "20 minutes" in said[0].text  # not the author's "within the hour"


def test_broken_promise_line_quotes_the_pledge_not_the_greeting():
    line = persona.broken_promise_line("Thanks Tasha. I'm with our care lead; I'll be back here within the hour.")
    assert line.startswith("You said \u201cI'm with our care lead; I'll be back here within the hour.") or \
        line.startswith("You said \u201cI'll be back here within the hour.")
    assert "Thanks Tasha" not in line


def test_a_churned_customer_answers_kind_words_coldly():
    scenario = load_scenario(STARTER)
    s = Session(scenario, 7)
    s.persona = s.persona.__class__(**{**s.persona.__dict__, "left": True, "trust": 0.05, "anger": 0.2})
    assert s._gone()
    s._say("solution", True, 0.3)
    last = [e for e in s.events if e.kind == "post"][-1].text
    cheerful = {ln.text for ln in scenario.persona.lines if ln.trigger == "solution" and ln.mood in ("calm", "annoyed", "any")}
    assert last not in cheerful and "Thank you!" not in last


def test_a_generic_question_line_is_not_said_right_after_an_answer():
    scenario = load_scenario(SCENARIOS / "overnight-cake.yaml")
    asking = [ln for ln in scenario.persona.lines if ln.trigger == "any" and ln.text.endswith("?")]
    assert asking, "overnight-cake has a generic 'yes or no?' line"
    s = Session(scenario, 1)
    s.act(A.Reply("Priya, we can do a two-tier cutting cake and a 150-cupcake tower by 10am, with 20% off.", commit=False))
    assert s._answered()
    for _ in range(4):
        s._say("any", True, 0.0)
    said = {e.text for e in s.events if e.kind == "post"}
    assert not said & {ln.text for ln in asking}


def test_a_built_in_line_is_said_at_most_twice():
    scenario = load_scenario(STARTER)
    s = Session(scenario, 7)
    for _ in range(6):
        s._say("pile_on", True, -0.3)
    texts = [e.text for e in s.events if e.kind == "post" and e.data.get("trigger") == "pile_on"]
    assert len(texts) == 6
    assert max(texts.count(t) for t in texts) <= 2


def test_asked_again_for_what_they_already_said_the_customer_says_so():
    scenario = load_scenario(STARTER)
    s = Session(scenario, 7)
    s.act(A.Reply("We're so sorry, Dan. That's on us."))
    s.advance(15)
    s.act(A.Reply("Which item were you after, Dan?"))
    s.advance(15)
    posts = [e for e in s.events if e.kind == "post" and e.data.get("trigger") in ("apology", "question")]
    assert [p.data["trigger"] for p in posts] == ["apology", "question"]
    assert "HX-20" in posts[0].text
    assert posts[1].text.startswith(("Like I said:", "As I said already:", "I already told you.", "I ALREADY told you."))
    fresh = Session(scenario, 7)  # asked first, they simply answer
    fresh.act(A.Reply("Which item were you after, Dan?"))
    fresh.advance(15)
    (answer,) = [e for e in fresh.events if e.kind == "post" and e.data.get("trigger") == "question"]
    assert not answer.text.startswith(("Like I said", "As I said", "I already", "I ALREADY"))


def test_a_hostile_sentence_draws_a_hostile_reaction_whatever_surrounds_it():
    scenario = load_scenario(STARTER)
    padded = ("We're so sorry Dan, thank you for flagging this! What item were you after? "
              "If only every customer were as well informed as you.")
    warm = "So sorry Dan, that's on us. Which item were you after?"
    reactions = {}
    for text in (padded, warm, "Keep posting lies and our lawyers will be in touch."):
        s = Session(scenario, 7)
        before = s.persona.anger
        s.act(A.Reply(text))
        s.advance(20)
        answer = [e for e in s.events if e.kind == "post" and e.data.get("trigger") not in (None, "opening", "pile_on")]
        reactions[text] = (s.persona.anger - before, answer[0].data["trigger"] if answer else None)
    assert reactions[warm][0] < 0 and reactions[warm][1] != "rude"
    for text in reactions:
        if text != warm:
            assert reactions[text][0] > 0.2 and reactions[text][1] == "rude", (text, reactions[text])
