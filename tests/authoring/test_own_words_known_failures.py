"""Own-words playtests whose ordering the current engine gets wrong, kept as strict expected failures.

Issue 13 asks that, on every bundled scenario, doing the right thing in the trainee's own words
beats doing nothing, which beats arguing. The orderings that hold are asserted in each scenario's
`tests:` section (`own_words_*`). The ones that do not hold yet live in
`tests/known_failures/NAME.own-words.playtest.yaml` (outside `scenarios/`, so `crisis test` stays
green) and run here as `xfail(strict=True)`: when the engine or the judge is fixed the test
passes, pytest reports the XPASS as a failure, and the test should move into the scenario file.
The numbers and the diagnosis are in docs/scenarios.md ("Played in the trainee's own words").
"""

from pathlib import Path

import pytest

from simulator.authoring.playtest import collect, run_test

KNOWN = Path(__file__).resolve().parents[1] / "known_failures"

# Why each ordering fails with the current engine (seed 7; scores good / nothing / bad).
TIMELINESS = ("the judge misses the argument in at least one defensive reply (read as a solution or as neutral), "
              "so that reply still counts as a response for timeliness while doing nothing is held at 0; "
              "was: an arguing reply is not 'hostile' to the scorecard (argue/blame are not hostile features), so it "
              "earns timeliness 100 and keeps judgment near 70 minus 8 per argument, while doing nothing is "
              "held at timeliness 0 and a flat judgment of 20")
REASONS = {
    ("two-am-bakery", "nothing"): "nothing 18 vs bad 18: left unanswered, the owner's all-caps posts keep Lena furious "
                                  "and she ends hostile (outcome 0), while defending him makes her leave, churned "
                                  "(outcome 13); silence still costs conduct and judgment, so the two tie",
    ("not-a-fit", "own_words_padded"): "D, not F: judge design 6 misses the blame inside the warm padding ('If you "
                                       "can't be bothered to read a label, that's hardly our fault.': blame 0.26, "
                                       "no hostile sentence), so the reply's quality stays near 0 and nothing caps the "
                                       "score (design 5 caught it; design 6 caught wish-you-delivered's instead)",
    ("bbq-origins", "own_words_nothing"): f"nothing 34 vs arguing 51: {TIMELINESS}; and the judge reads the first "
                                          "defensive reply as personalised+solution, so Theo ends satisfied (outcome 88)",
    ("doctored-screenshot", "own_words_nothing"): f"nothing 23 vs arguing 32: {TIMELINESS}",
    ("frozen-payouts", "own_words_nothing"): f"nothing 23 vs arguing 27: {TIMELINESS}",
    ("jerk-for-sport", "own_words_good"): "good 10 vs nothing 33: the judge labels a warm open door ('Fair enough if "
                                          "we're not your thing, Gary') as sarcasm and hostile, and the walk-away "
                                          "line ('All good, Gary. We've said our bit') as argue+sarcasm; Gary turns "
                                          "furious and the troll-bait blog fires",
    ("wrong-policy", "own_words_good"): "good 25 vs nothing 33: the judge labels the warm public acknowledgement and "
                                        "the gentle private explanation as sarcasm ('Nobody should.', 'Good news:'); "
                                        "anger rises on the private explanation, free text matches no choice so the "
                                        "story stays in the opening beat, and the neighbours' spillover fires",
}


def _cases():
    cases = []
    for path in sorted(KNOWN.glob("*.playtest.yaml")):
        suite = collect(path)
        scenario = path.name.split(".")[0]
        for test in suite.tests:
            if test.expect.get("better_than") or test.expect.get("grade"):
                reason = REASONS.get((scenario, test.name), "no reason recorded")
                cases.append(pytest.param(suite, test, id=f"{scenario}::{test.name}",
                                          marks=pytest.mark.xfail(strict=True, reason=reason)))
    return cases


CASES = _cases()


def test_every_known_failure_has_a_reason():
    for path in sorted(KNOWN.glob("*.playtest.yaml")):
        scenario = path.name.split(".")[0]
        for test in collect(path).tests:
            if test.expect.get("better_than") or test.expect.get("grade"):
                assert (scenario, test.name) in REASONS, f"{path.name}::{test.name} needs a reason in REASONS"


@pytest.mark.parametrize(("suite", "test"), CASES)
def test_known_ordering_failure(suite, test):
    result = run_test(suite, test, {})
    assert result.passed, f"{test.where} {test.name}: " + "; ".join(result.failures)
