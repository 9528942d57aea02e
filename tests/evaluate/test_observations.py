"""Observers' P/S/M/U ratings and the facilitator's notes: recorded steps that replay and reach the documents."""

import pytest
from helpers import SCENARIOS

from simulator.engine.session import Session, SessionError, replay
from simulator.evaluate import drill as D
from simulator.evaluate import observations as O
from simulator.evaluate import playbook, report
from simulator.evaluate.scoring import score
from simulator.format.actions import parse_action
from simulator.format.scenario import load_scenario


@pytest.fixture(scope="module")
def played():
    scenario = load_scenario(SCENARIOS / "viral-receipt.yaml")
    team = D.team_of(scenario, {"agent": "Ana", "pr": "Pat"})
    session = Session(scenario, 4, start=D.drill_start(team))
    session.act(parse_action({"choose": "acknowledge"}))
    session.facilitate({"kind": "note", "who": "Fran", "by": "facilitator", "text": "Team hesitated <b>before</b> PR"})
    session.facilitate({"kind": "rate", "objective": "acknowledge", "rating": "s", "note": "quick but | vague", "who": "Olu"})
    session.finish()
    # evaluators rate once the exercise is over: still recorded
    session.facilitate({"kind": "rate", "objective": "who_knows", "rating": "U", "who": "Olu"})
    return session


def test_ratings_and_notes_are_read_back_and_replay(played):
    rated = O.ratings(played)
    assert [o.rating for o in rated["acknowledge"]] == ["S"] and rated["who_knows"][0].rating == "U"
    assert [n.text for n in O.notes(played)] == ["Team hesitated <b>before</b> PR"]
    again = replay(played.scenario, played.seed, played.steps, start=played.start)
    assert O.observations(again) == O.observations(played)


def test_report_and_playbook_show_them_beside_the_computed_ratings(played):
    card = score(played, turning_points=False)
    md = report.render(played, card, "md")
    row = next(line for line in md.splitlines() if line.startswith("| Acknowledge the crowd"))
    computed = next(o for o in card.objectives if o.id == "acknowledge").rating
    assert f"**{computed}**" in row and "S (Olu: quick but \\| vague)" in row
    assert "## Notes from the room" in md and "Fran (facilitator)" in md
    html = report.render_html(played, card)
    assert "<th>observers</th>" in html and "U (Olu)" in html
    assert "<b>before</b>" not in html and "&lt;b&gt;before&lt;/b&gt;" in html
    book = playbook.render(played, card, date="2026-01-02")
    assert "## Objectives: computed and observed" in book and "U (Olu)" in book


def test_bad_ratings_are_refused(played):
    scenario = played.scenario
    session = Session(scenario, 4, start=played.start)
    with pytest.raises(SessionError, match="no objective 'nope'"):
        session.facilitate({"kind": "rate", "objective": "nope", "rating": "P"})
    with pytest.raises(SessionError, match="P, S, M or U"):
        session.facilitate({"kind": "rate", "objective": "acknowledge", "rating": "X"})
    assert session.steps == []
