"""Blanchard's nine rules of online conflict resolution and the seven planning questions, as data.

The texts come from the seed articles (rules: seed 001, Blanchard's *Social Media ROI*, ch. 12;
questions: seed 003, "Know The Drill") so the debrief can quote the source instead of paraphrasing
it. Two scraping slips in seed 001 are cleaned: rule 1 had its heading glued to its text ("The
Customer Is Always RightThe customer is always right.") and rule 6 reads "Recruit your customer
info helping you" where "into" is meant. Nothing else is reworded.

Which reply features keep or break a rule is decided in `simulator.world.analysis.rules_for`; this
module only holds the words, so scenario authors and the report can use them without importing
the analyser.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One of Blanchard's rules: `title` is short enough for a scorecard column."""

    number: int
    title: str
    text: str


@dataclass(frozen=True)
class Question:
    """One planning question from seed 003; `key` is the stable id scenarios and reports use."""

    number: int
    key: str
    title: str
    text: str


RULES: tuple[Rule, ...] = (
    Rule(1, "The customer is always right", "The customer is always right."),
    Rule(
        2,
        "Treat every customer like royalty",
        "You will treat every customer like royalty, regardless of how she behaves.",
    ),
    Rule(
        3, "Unreasonable customers are not the enemy", "Unreasonable customers are not the enemy."
    ),
    Rule(
        4,
        "Calm, generous demeanor",
        "The most effective weapon against an angry customer is a calm, generous demeanor.",
    ),
    Rule(
        5,
        "Politeness against rudeness",
        "The most effective weapon against a rude customer is politeness.",
    ),
    Rule(
        6,
        "Recruit the customer into the solution",
        "Recruit your customer into helping you craft a solution.",
    ),
    Rule(
        7,
        "Never argue online",
        "Never, ever, ever, under any circumstances get sucked into an argument with a customer, "
        "especially online.",
    ),
    Rule(
        8,
        "Don't be afraid to apologize",
        "Don't be afraid to apologize, even if you have nothing to apologize for.",
    ),
    Rule(
        9,
        "Unreasonable request: apologize, decline, offer",
        "If the customer's request for a resolution is unreasonable, apologize and say that you "
        "can't do that but offer a solution.",
    ),
)

QUESTIONS: tuple[Question, ...] = (
    Question(
        1,
        "worst_case",
        "Worst case",
        "What's your worst case? Think through the \u201cworst\u201d thing that might happen as a "
        "result of a customer service misfire.",
    ),
    Question(
        2,
        "who_needs_to_know",
        "Who needs to know",
        "Who needs to know? When does the next level need to get involved?",
    ),
    Question(
        3,
        "moving_private",
        "Moving private",
        "At what point do you try to move something into a more private medium, like email or "
        "phone? (Provided you do actually intend to address the issue once offline. Don't drop "
        "THAT ball.)",
    ),
    Question(
        4,
        "all_in",
        "All in",
        "What's your \u201cAll In\u201d? What are you willing or able to do in order to get a "
        "situation resolved?",
    ),
    Question(
        5,
        "ripple_effects",
        "Ripple effects",
        "How will you deal with any \u201cripple effects\u201d? How about if the conversation "
        "carries over elsewhere, like onto a different site or community?",
    ),
    Question(
        6,
        "walking_away",
        "Walking away",
        "When do you walk away? Try to have a guideline for when you'll gracefully walk away "
        "from the discussion.",
    ),
    Question(
        7,
        "aftermath",
        "Aftermath",
        "What do you communicate in the aftermath? Sometimes it's beneficial to follow up "
        "visibly and let the community know an issue has been resolved or that you're working "
        "on it.",
    ),
)

RULES_BY_NUMBER: dict[int, Rule] = {rule.number: rule for rule in RULES}
QUESTIONS_BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}


def rule(number: int) -> Rule:
    """Look a rule up by number; a KeyError here means a caller invented a tenth rule."""
    return RULES_BY_NUMBER[number]
