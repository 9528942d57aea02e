"""The analysis the game reads (simulator/analysis.py): the judge's verdict as features, rules, spans."""

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


def test_seed_bad_reply_argues_and_blames() -> None:
    a = analyze(SEED_BAD, ReplyContext(customer_post=SEED_POST))
    assert {"argue", "blame"} <= on(SEED_BAD)
    assert not a.features["question"]  # "Did you call???" is not a clarifying question
    assert not a.features["apology"]
    assert {1, 7} <= set(a.broken())
    assert a.quality < 0
    assert "it's not really" in a.quote("argue")


def test_seed_model_reply_apologises_and_asks() -> None:
    a = analyze(SEED_MODEL, ReplyContext(customer_post=SEED_POST))
    assert {"apology", "question"} <= on(SEED_MODEL)
    assert not {"argue", "blame", "sarcasm", "insult", "shouting", "threat"} & on(SEED_MODEL)
    assert a.rules[8] == "kept"
    assert a.rules[6] == "kept"
    assert a.broken() == []
    assert a.quote("question") == "What item were you looking for?"
    assert a.quality > 0.3


def test_padding_a_jab_with_liked_words_does_not_make_it_good() -> None:
    padded = (
        "We're so sorry Dan, thank you for flagging this! What item were you after? "
        "If only every customer were as well informed as you."
    )
    a = analyze(padded, ReplyContext(customer_name="Dan", customer_post=SEED_POST))
    assert a.quality < 0 < analyze(SEED_MODEL, ReplyContext(customer_post=SEED_POST)).quality
    assert a.hostile.startswith("If only every customer")
    assert 2 in a.broken()


def test_sentiment_is_a_side_signal_not_the_judge() -> None:
    # VADER alone scores these as friendly; detected sarcasm/insult must pull them below zero.
    assert analyze("Wow, great job reading the label").sentiment < 0
    assert analyze("Frankly, my dear, I don't give a damn").sentiment < 0
    assert analyze("Thank you so much, we really appreciate it!").sentiment > 0
    assert analyze(SEED_BAD).sentiment <= 0  # VADER alone says +0.39


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
    assert {"quality", "labels", "features", "sentiment", "rules", "spans", "words"} <= set(data)
    assert set(FEATURES) <= set(data["features"])
    assert all(isinstance(v, bool) for v in data["features"].values())
    assert all(0 <= p <= 1 for p in data["labels"].values())
    assert -1 <= data["quality"] <= 1
    assert data["words"] == a.words == 12
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
    assert "apology" not in on(SEED_BAD)
    assert a.quote("apology") == ""


def test_from_tags_trusts_the_author() -> None:
    a = from_tags("We apologize; what item were you looking for?", ["apology", "question"])
    assert isinstance(a, Analysis)
    assert a.features["apology"] and a.features["question"] and not a.features["argue"]
    assert a.spans == ()
    assert a.rules == {1: "kept", 6: "kept", 7: "kept", 8: "kept"}
    assert -1 <= a.sentiment <= 1
    assert a.quality > 0.3 and a.labels["apology"] == 1.0  # from the tags, no model involved
    sarcastic = from_tags("Wow, great job reading the label", ["sarcasm"])
    assert sarcastic.sentiment < 0 and sarcastic.quality < -0.5
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
    text = "Sorry about that, we'll sort it. " + "x" * 1_000_000 + " you idiot"
    a = analyze(text)
    assert not a.features["insult"]  # beyond the 5,000-character cap
    assert all(s.end <= analysis.MAX_CHARS for s in a.spans)
    assert a.text is text


def test_control_characters_emoji_and_other_scripts() -> None:
    text = "Sorry\x00 about\u200b the\u202e delay 🙏🏽👨‍👩‍👧! Please DM us your order number.\x1b[31m"
    a = analyze(text)
    assert a.features["private_move"]
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
    assert a.quality < 0


def test_non_string_is_rejected() -> None:
    with pytest.raises(TypeError):
        analyze(None)  # type: ignore[arg-type]


def test_vader_fallback_keeps_the_module_working(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis, "_vader", None)
    monkeypatch.setattr(analysis, "_vader_failed", True)
    assert analyze("Thanks, this is great!").sentiment > 0
    assert analyze("This is terrible and wrong.").sentiment < 0
    assert from_tags("Wow, great job reading the label", ["sarcasm"]).sentiment < 0


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
    assert -1.0 <= a.quality <= 1.0
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
