"""The words of the trainee's world that the format, the engine and the UI share.

Kept in one place so the JSON Schema's enums, the validator, the persona and the UI can never
disagree about what an archetype, a want or a trigger is called.
"""

ARCHETYPES = (
    "reasonable",
    "annoying",
    "abusive",
    "stubborn",
    "petty",
    "grandstander",
    "desperate",
    "vengeful",
    "jerk_for_sport",
    "ill_informed",
    "loyal_fan",
)

WANTS = ("to_be_heard", "fix", "compensation", "apology", "attention", "revenge", "information", "delight")

MOODS = ("calm", "annoyed", "angry", "furious")

OUTCOMES = ("raving_fan", "satisfied", "neutral", "churned", "hostile")

# What the customer is reacting to; authored persona lines are picked by trigger and mood.
TRIGGERS = (
    "any",
    "opening",
    "good_reply",
    "apology",
    "question",
    "solution",
    "argue",
    "blame",
    "rude",
    "form_letter",
    "non_apology",
    "private",
    "brushoff",
    "offer_accepted",
    "offer_rejected",
    "ignored",
    "promise_broken",
    "promise_kept",
    "hidden",
    "walked_away",
    "follow_up",
    "resolved",
    "pile_on",
    "escalated",
    "leaving",  # at their limit, before they churn ("Frankly, my dear, I don't give a damn")
    "repeated",  # the brand said the same thing again
)

FEATURES = (
    "apology",
    "non_apology",
    "empathy",
    "thanks",
    "argue",
    "blame",
    "sarcasm",
    "insult",
    "profanity",
    "shouting",
    "question",
    "solution",
    "private_move",
    "promise",
    "personalised",
    "form_letter",
    "private_brushoff",
    "refusal",
    "threat",
    "off_topic",
)

REMEDY_KINDS = (
    "apology",
    "refund",
    "credit",
    "replacement",
    "refer_competitor",
    "public_apology",
    "policy_exception",
    "gift",
    "other",
)

ACTION_KINDS = ("reply", "private", "escalate", "offer", "hide", "walk_away", "follow_up", "wait")

CHOICE_ACTIONS = ("reply", "private", "follow_up", "walk_away")

DIMENSIONS = ("outcome", "reputation", "conduct", "timeliness", "judgment")

DEFAULT_WEIGHTS = {"outcome": 0.3, "reputation": 0.25, "conduct": 0.2, "timeliness": 0.1, "judgment": 0.15}

PLATFORMS = ("main", "twitter", "facebook", "instagram", "blog", "forum", "news", "community", "review_site", "other")
