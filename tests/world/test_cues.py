"""The lexicon's cues (simulator/judge/cues.py): exact words the judge weighs and the coach quotes.

These patterns used to be the decision; now they are evidence for the learned judge, and these
tests pin what each cue finds so the judge's inputs do not drift unnoticed.
"""

from __future__ import annotations

import pytest

from simulator.world.analysis import ALL_FEATURES, ReplyContext, Span
from simulator.world.judge import cues


class _Cues:
    """What the cues find in one reply, shaped like an Analysis for the assertions below."""

    def __init__(self, text: str, context: ReplyContext | None = None) -> None:
        ctx = context or ReplyContext()
        found = cues.find(text, ctx.customer_name, ctx.customer_post)
        self.features = {name: bool(found.get(name)) for name in ALL_FEATURES}
        self.spans = [Span(n, s, e, text[s:e]) for n in found for s, e in sorted(set(found[n]))]

    def quote(self, feature: str) -> str:
        return next((s.text for s in self.spans if s.feature == feature), "")

    def to_json(self) -> dict:
        return {"spans": [(s.feature, s.text) for s in self.spans]}


def analyze(text: str, context: ReplyContext | None = None) -> _Cues:
    return _Cues(text, context)


def on(text: str, context: ReplyContext | None = None) -> set[str]:
    return {name for name, value in analyze(text, context).features.items() if value}


def spans_of(text: str, feature: str) -> list[str]:
    return [s.text for s in analyze(text).spans if s.feature == feature]


SEED_BAD = "well it's not really representative of the store's stock. Did you call???"


def test_seed_bad_reply_cues() -> None:
    a = analyze(SEED_BAD)
    assert {"argue", "blame", "shouting"} <= on(SEED_BAD)
    assert a.quote("argue") == "it's not really"
    assert "Did you call" in a.quote("blame")
    assert a.quote("shouting") == "???"


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


