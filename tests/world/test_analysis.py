"""Unit tests for the offline reply analyser (simulator/analysis.py) and the rule texts."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.world import analysis
from simulator.world.analysis import (
    ALL_FEATURES,
    FEATURES,
    Analysis,
    ReplyContext,
    Span,
    analyze,
    from_tags,
    rules_for,
)
from simulator.world.rules import QUESTIONS, RULES, Question, Rule

SEED_BAD = "well it's not really representative of the store's stock. Did you call???"
SEED_MODEL = "We apologize; it's not a perfect system, but we're working on it! What item were you looking for?"
SEED_POST = "@Company's online stock check sucks"


def on(text: str, context: ReplyContext | None = None) -> set[str]:
    return {name for name, value in analyze(text, context).features.items() if value}


def spans_of(text: str, feature: str) -> list[str]:
    return [s.text for s in analyze(text).spans if s.feature == feature]


# --- the seed articles ---------------------------------------------------------------------------


def test_seed_bad_reply_argues_blames_and_shouts() -> None:
    a = analyze(SEED_BAD, ReplyContext(customer_post=SEED_POST))
    assert {"argue", "blame", "shouting"} <= on(SEED_BAD)
    assert not a.features["question"]  # "Did you call???" is not a clarifying question
    assert not a.features["apology"]
    assert a.rules[1] == "broken"
    assert a.rules[7] == "broken"
    assert {1, 7} <= set(a.broken())
    assert a.quote("argue") == "it's not really"
    assert "Did you call" in a.quote("blame")
    assert a.quote("shouting") == "???"


def test_seed_model_reply_apologises_and_asks() -> None:
    a = analyze(SEED_MODEL, ReplyContext(customer_post=SEED_POST))
    assert {"apology", "question"} <= on(SEED_MODEL)
    assert not {"argue", "blame", "sarcasm", "insult", "shouting"} & on(SEED_MODEL)
    assert a.rules[8] == "kept"
    assert a.rules[6] == "kept"
    assert a.broken() == []
    assert a.quote("question") == "What item were you looking for?"


def test_sentiment_is_a_side_signal_not_the_judge() -> None:
    # VADER alone scores these as friendly; detected sarcasm/insult must pull them below zero.
    assert analyze("Wow, great job reading the label").sentiment < 0
    assert analyze("Frankly, my dear, I don't give a damn").sentiment < 0
    assert analyze("Thank you so much, we really appreciate it!").sentiment > 0
    assert analyze(SEED_BAD).sentiment <= 0  # VADER alone says +0.39


# --- one test per feature ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "feature"),
    [
        ("I'm so sorry about the mix-up with your order.", "apology"),
        ("My apologies, that's on us.", "apology"),
        ("We messed up here, no excuses.", "apology"),
        ("We're sorry you feel that way.", "non_apology"),
        ("We're sorry if you were offended by our ad.", "non_apology"),
        ("Sorry for any confusion.", "non_apology"),
        ("That sounds really frustrating.", "empathy"),
        ("I completely understand why you're upset.", "empathy"),
        ("Thanks for letting us know!", "thanks"),
        ("We really appreciate your patience.", "thanks"),
        ("Actually, the sale ended on Sunday.", "argue"),
        ("That's not true, our prices are fair.", "argue"),
        ("You're wrong about the opening hours.", "argue"),
        ("As we said, we don't price match.", "argue"),
        ("You should have read the manual.", "blame"),
        ("If you had read the label you'd know.", "blame"),
        ("This is clearly user error.", "blame"),
        ("Wow, great job reading the label.", "sarcasm"),
        ("lol maybe try plugging it in", "sarcasm"),
        ("Congrats on breaking the unbreakable mug.", "sarcasm"),
        ("Stop whining, you idiot.", "insult"),
        ("Get a life.", "insult"),
        ("What the hell is this?", "profanity"),
        ("This is bullshit.", "profanity"),
        ("WE HAVE ALREADY ANSWERED THIS", "shouting"),
        ("Where is it???", "shouting"),
        ("Which store did you visit?", "question"),
        ("Let us know which size you need.", "question"),
        ("We've refunded your delivery fee.", "solution"),
        ("A replacement is on its way.", "solution"),
        ("We'll ship a new one today.", "solution"),
        ("Please DM us your order number.", "private_move"),
        ("Give us a call at 1-800-555-0199.", "private_move"),
        ("Email us at help@example.com", "private_move"),
        ("I'll get back to you by tomorrow.", "promise"),
        ("We will update this thread within the hour.", "promise"),
        ("We value your feedback. Please contact customer service.", "form_letter"),
        ("We apologize for any inconvenience this may have caused you.", "form_letter"),
        ("We can't refund sale items.", "refusal"),
        ("Please DM us.", "private_brushoff"),
    ],
)
def test_feature_fires(text: str, feature: str) -> None:
    a = analyze(text)
    assert a.features[feature], (text, feature, a.to_json()["spans"])
    assert a.quote(feature), "a detected feature must be quotable"


@pytest.mark.parametrize(
    ("text", "feature"),
    [
        ("We're sorry you feel that way.", "apology"),
        ("Sorry, but you should have read the terms.", "apology"),
        ("We won't apologise for our prices.", "apology"),
        ("It's not your fault at all, and we're sorry.", "blame"),
        ("Sorry for the trouble! Did you check your spam folder?", "blame"),
        ("Thanks for the valuable feedback, genius.", "thanks"),
        ("Did you even read the instructions?", "question"),
        ("Why didn't you call the store first?", "question"),
        ("Unfortunately we can't offer a refund on sale items.", "solution"),
        ("We'll look into what happened with your refund.", "solution"),
        ("We absolutely will not give free flights to everyone.", "promise"),
        ("Your phone might need an update.", "private_move"),
        (
            "Sorry the order's late. Please DM us your order number and we'll sort it.",
            "private_brushoff",
        ),
        ("We're sorry your parcel is late. It's at the depot and arrives tomorrow.", "form_letter"),
        ("We're entitled to a refund, you are entitled to a refund.", "insult"),
        ("Force-close and kill the app, then reopen it.", "insult"),
    ],
)
def test_feature_does_not_fire(text: str, feature: str) -> None:
    assert not analyze(text).features[feature], (text, feature)


def test_sorry_but_blame_is_a_non_apology_with_its_own_span() -> None:
    a = analyze("Sorry, but you should have read the terms before signing up.")
    assert a.features["non_apology"] and a.features["blame"]
    assert a.quote("non_apology").lower().startswith("sorry")
    assert a.rules[8] == "broken"


def test_form_apology_is_an_apology_and_a_form_letter() -> None:
    a = analyze("We apologize for any inconvenience this may have caused you.")
    assert a.features["apology"] and a.features["form_letter"]
    assert not a.features["non_apology"]
    b = analyze("We apologize for any inconvenience. I've refunded your delivery fee.")
    assert b.features["apology"] and not b.features["form_letter"]  # something specific


def test_promise_span_is_the_whole_commitment() -> None:
    text = "Sorry about that! I'll get back to you by tomorrow noon with an update on your claim."
    assert spans_of(text, "promise") == [
        "I'll get back to you by tomorrow noon with an update on your claim."
    ]


def test_question_rhetorical_vs_clarifying() -> None:
    assert on("Are you sure you ordered the large?") >= {"blame"}
    assert "question" not in on("Are you sure you ordered the large?")
    assert "question" not in on("Cool story. Anything else?")
    assert "question" in on("Is there anything else we can do?")
    assert "question" in on("Lo sentimos. ¿Nos puedes enviar tu número de pedido por DM?")


def test_private_move_brushoff_needs_warmth_or_a_next_step() -> None:
    assert on("Send us a DM.") >= {"private_move", "private_brushoff"}
    assert "private_brushoff" not in on("So sorry! Send us a DM and we'll sort it out.")
    assert "private_brushoff" not in on("Could you DM us the batch code?")
    assert "private_move" not in on("Did you call???")


def test_personalised_needs_context() -> None:
    text = "Thanks for flagging this, Priya. We've fixed the broken link on the checkout page."
    assert "personalised" not in on("We've fixed the broken link on the checkout page.")
    ctx = ReplyContext(customer_name="Priya Shah", customer_post="checkout link broken")
    a = analyze(text, ctx)
    assert a.features["personalised"]
    assert "Priya" in [s.text for s in a.spans if s.feature == "personalised"]
    assert "checkout" in [s.text for s in a.spans if s.feature == "personalised"]
    assert "personalised" in on("Hi Grace, what's the model number?")  # greeting by name


# --- profanity: whitelist and masks ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Force-close and kill the app, then reopen it.",
        "Sorry the coffee pot cracked!",
        "Your Scunthorpe delivery is on its way.",
        "We'll assess the damage claim by Monday.",
        "Thanks for flying business class with us.",
        "Hello! Sorry about the shell cracking on your case.",
        "The Hancock Street store and the Cockburn branch are open.",
        "Try our shiitake risotto or a Bloody Mary at Hell's Kitchen.",
        "Dick's Sporting Goods has it in stock.",
        "Use a finger prick test strip.",
        "It's a 5* hotel and we passed the A* inspection.",
        "Email support@acme.com for help.",
        "This is *really* important to us.",
    ],
)
def test_profanity_whitelist(text: str) -> None:
    assert not analyze(text).features["profanity"], analyze(text).to_json()["spans"]


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("This is f***ing ridiculous.", "f***ing"),
        ("f*** off", "f***"),
        ("Holy sh!t, calm down.", "sh!t"),
        ("Kiss my a$$", "a$$"),
        ("What a load of bullsh*t!", "bullsh*t"),
        ("you @ss", "@ss"),
        ("Stop being a b!tch about it", "b!tch"),
        ("WTF are you talking about?", "WTF"),
        ("Damn, that's a rough morning!", "Damn"),
    ],
)
def test_masked_and_plain_profanity(text: str, quoted: str) -> None:
    a = analyze(text)
    assert a.features["profanity"]
    assert quoted in [s.text for s in a.spans if s.feature == "profanity"]


def test_acronyms_and_signatures_are_not_shouting() -> None:
    text = "Hi, sorry your ID wasn't accepted at the ATM. Could you DM us so our UK team can check? ^RK"
    assert "shouting" not in on(text)
    assert "shouting" not in on("Sorry!! The NHS app needs the latest iOS update, see the FAQ. ^JB")
    assert "shouting" in on("PLEASE READ OUR POLICY BEFORE POSTING")
    assert "shouting" in on("Oh sure, because we LOVE losing parcels.")


# --- rules --------------------------------------------------------------------------------------------


def test_rule9_only_engaged_for_unreasonable_requests() -> None:
    good = "Sorry, we can't refund a used mattress, but we can arrange a swap for a firmer one."
    assert 9 not in analyze(good).rules
    unreasonable = ReplyContext(unreasonable_request=True)
    assert analyze(good, unreasonable).rules[9] == "kept"
    # apology and refusal but no alternative offer
    assert analyze("Sorry, we can't do that.", unreasonable).rules[9] == "broken"
    # refusal and offer but no apology
    assert (
        analyze("We can't refund the flight, but I've added 3,000 miles.", unreasonable).rules[9]
        == "broken"
    )
    # giving in without saying no is not what rule 9 asks either
    assert analyze("Sorry! I've refunded everything.", unreasonable).rules[9] == "broken"
    # a reply that has not answered the request yet (a question) neither keeps nor breaks it
    assert 9 not in analyze("So sorry about this. Which flight were you on?", unreasonable).rules


def test_rules_for_mapping() -> None:
    assert rules_for({}) == {}
    assert rules_for({"argue": True}) == {1: "broken", 4: "broken", 7: "broken"}
    assert rules_for({"apology": True, "question": True}) == {
        1: "kept",
        6: "kept",
        7: "kept",
        8: "kept",
    }
    # rule 5 is politeness *against rudeness*: kept only when the customer was rude
    rude = ReplyContext(customer_post="You people are a scam and a joke. Useless.")
    assert rules_for({"apology": True, "question": True}, rude)[5] == "kept"
    assert rules_for({"insult": True})[5] == "broken"
    assert rules_for({"non_apology": True})[8] == "broken"
    assert rules_for({"empathy": True})[4] == "kept"
    assert rules_for({"thanks": True})[2] == "kept"
    hostile_ctx = ReplyContext(customer_post="YOU PEOPLE ARE USELESS, f*** this")
    assert rules_for({"empathy": True, "solution": True}, hostile_ctx)[3] == "kept"
    assert 3 not in rules_for({"empathy": True, "solution": True}, ReplyContext(customer_post="hi"))
    for feature in ("insult", "profanity", "sarcasm", "shouting"):
        assert rules_for({feature: True, "thanks": True})[2] == "broken"


def test_rule_and_question_texts() -> None:
    assert [r.number for r in RULES] == list(range(1, 10))
    assert [q.number for q in QUESTIONS] == list(range(1, 8))
    assert all(isinstance(r, Rule) for r in RULES) and all(
        isinstance(q, Question) for q in QUESTIONS
    )
    assert RULES[0].text == "The customer is always right."
    assert "royalty, regardless of how she behaves" in RULES[1].text
    assert RULES[6].text.startswith("Never, ever, ever, under any circumstances")
    assert "apologize and say that you can't do that but offer a solution" in RULES[8].text
    assert [q.key for q in QUESTIONS] == [
        "worst_case",
        "who_needs_to_know",
        "moving_private",
        "all_in",
        "ripple_effects",
        "walking_away",
        "aftermath",
    ]
    with pytest.raises(AttributeError):
        RULES[0].text = "changed"  # type: ignore[misc]


# --- API shape ---------------------------------------------------------------------------------------


def test_to_json_shape_and_stability() -> None:
    a = analyze(SEED_BAD)
    data = a.to_json()
    assert set(data) == {"features", "sentiment", "rules", "spans"}
    assert set(FEATURES) <= set(data["features"])
    assert data["features"]["length"] == a.words == 12
    assert data["features"]["sentiment"] == data["sentiment"] == a.sentiment
    assert all(isinstance(k, str) for k in data["rules"])
    assert data["rules"]["1"] == "broken"
    assert round(a.sentiment, 4) == a.sentiment
    assert json.loads(json.dumps(data)) == data
    for span in data["spans"]:
        assert SEED_BAD[span["start"] : span["end"]] == span["text"]


def test_analysis_is_immutable_and_hashable() -> None:
    a = analyze(SEED_MODEL)
    b = analyze(SEED_MODEL)
    assert a == b and hash(a) == hash(b)
    assert len({a, b}) == 1
    with pytest.raises(TypeError):
        a.features["apology"] = False  # type: ignore[index]
    with pytest.raises(AttributeError):
        a.sentiment = 1.0  # type: ignore[misc]
    assert isinstance(a.spans, tuple) and all(isinstance(s, Span) for s in a.spans)


def test_kept_broken_quote_helpers() -> None:
    a = analyze(SEED_BAD)
    assert a.broken() == sorted(a.broken())
    assert a.kept() == []
    assert a.quote("apology") == ""


def test_from_tags_trusts_the_author() -> None:
    a = from_tags("We apologize; what item were you looking for?", ["apology", "question"])
    assert isinstance(a, Analysis)
    assert a.features["apology"] and a.features["question"] and not a.features["argue"]
    assert a.spans == ()
    assert a.rules == {1: "kept", 6: "kept", 7: "kept", 8: "kept"}
    assert -1 <= a.sentiment <= 1
    sarcastic = from_tags("Wow, great job reading the label", ["sarcasm"])
    assert sarcastic.sentiment < 0
    ctx = ReplyContext(unreasonable_request=True)
    assert from_tags("x", ["apology", "refusal", "solution"], ctx).rules[9] == "kept"
    with pytest.raises(ValueError, match="apologgy"):
        from_tags("x", ["apologgy"])


def test_determinism() -> None:
    texts = [SEED_BAD, SEED_MODEL, "Holy sh!t, calm down.", "Hi Sam, DM us please 🙏"]
    first = [analyze(t).to_json() for t in texts]
    for _ in range(3):
        assert [analyze(t).to_json() for t in texts] == first


# --- untrusted text ------------------------------------------------------------------------------------


def test_empty_and_whitespace() -> None:
    for text in ("", "   ", "\n\n"):
        a = analyze(text)
        assert a.words == 0 and a.sentiment == 0.0
        assert not any(a.features.values()) and a.rules == {} and a.spans == ()


def test_huge_input_is_capped() -> None:
    text = "Sorry about that! " + "x" * 1_000_000 + " you idiot"
    a = analyze(text)
    assert a.features["apology"]
    assert not a.features["insult"]  # beyond the 5,000-character cap
    assert all(s.end <= analysis.MAX_CHARS for s in a.spans)
    assert a.text is text


def test_control_characters_emoji_and_other_scripts() -> None:
    text = "Sorry\x00 about\u200b the\u202e delay 🙏🏽👨‍👩‍👧! Please DM us.\x1b[31m"
    a = analyze(text)
    assert a.features["apology"] and a.features["private_move"]
    for s in a.spans:
        assert text[s.start : s.end] == s.text
    for other in (
        "申し訳ございません。ご注文番号を教えていただけますか？",
        "Извините за задержку!",
        "İSTANBUL İÇİN ÖZÜR DİLERİZ",
    ):
        analyze(other)  # must not raise; lowercasing "İ" changes length, offsets must not
    turkish = "İİİ sorry you idiot"
    a = analyze(turkish)
    for s in a.spans:
        assert turkish[s.start : s.end] == s.text
    assert a.features["insult"] and a.quote("insult") == "idiot"


def test_non_string_is_rejected() -> None:
    with pytest.raises(TypeError):
        analyze(None)  # type: ignore[arg-type]


def test_vader_fallback_keeps_the_module_working(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis, "_vader", None)
    monkeypatch.setattr(analysis, "_vader_failed", True)
    assert analyze("Thanks, this is great!").sentiment > 0
    assert analyze("This is terrible and wrong.").sentiment < 0
    assert analyze("Wow, great job reading the label").sentiment < 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_property_never_raises_and_spans_match(text: str) -> None:
    a = analyze(text)
    assert -1.0 <= a.sentiment <= 1.0
    assert set(ALL_FEATURES) <= set(a.features)
    assert set(a.rules.values()) <= {"kept", "broken"}
    assert set(a.rules) <= set(range(1, 10))
    for s in a.spans:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert a.features[s.feature]
    json.dumps(a.to_json())


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "sorry",
                "SORRY",
                "f***",
                "sh!t",
                "DM",
                "us",
                "???",
                "you should have",
                "lol",
                "thanks",
                "idiot",
                "we'll",
                "refund",
                "can't",
                "İ",
                "\u200b",
                "🙄",
                ",",
                ".",
                "?",
                "actually",
            ]
        ),
        max_size=30,
    ).map(" ".join),
    st.booleans(),
)
def test_property_on_domain_words(text: str, unreasonable: bool) -> None:
    a = analyze(text, ReplyContext(customer_name="Sam", unreasonable_request=unreasonable))
    for s in a.spans:
        assert text[s.start : s.end] == s.text
    answers_request = a.features["refusal"] or a.features["solution"]
    assert (9 in a.rules) == (unreasonable and answers_request)


def test_the_format_vocabulary_accepts_every_feature_the_analyser_reports():
    """Authors tag suggested replies with the analyser's feature names; the two lists are one."""
    from simulator.format import vocab
    from simulator.world.analysis import ALL_FEATURES

    assert set(vocab.FEATURES) == set(ALL_FEATURES)
