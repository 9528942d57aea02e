"""The playbook is written from the team's decisions: different drills give different playbooks,
and nothing the team or the author typed is interpreted as Markdown or HTML."""

from __future__ import annotations

import pytest
from drill_helpers import drill_session, drill_yaml
from helpers import workspace

from simulator import services
from simulator.cli import main
from simulator.evaluate import drill as D
from simulator.evaluate import playbook
from simulator.format import actions as A
from simulator.format.scenario import load_scenario


@pytest.fixture
def scenario(tmp_path):
    return load_scenario(drill_yaml(tmp_path))


@pytest.fixture
def team(scenario):
    return D.team_of(scenario, {"agent": "Ana", "supervisor": "Sam", "executive": "Eve", "legal": "Lou"})


def careful(scenario, team, **kw):
    """A team that acknowledges, asks the supervisor, gets a yes, fixes it and says so."""
    s = drill_session(scenario, team, **kw)
    s.act(A.Choose("model"))
    D.answer(s, 1, "Eve", "Worst case: the local news runs it by tonight")
    s.act(A.Escalate("supervisor", "he needs the drill today; 60 is fair"))
    s.advance(12)
    s.decide("supervisor", True, who="Sam", limit=80, note="credit approved")
    D.answer(s, 2, "Sam", "Supervisor for anything over 25, answer within 15 minutes")
    s.act(A.Offer("gas_credit", 50))
    D.answer(s, 4, "Eve", "Up to 80 in credit without asking me")
    s.act(A.Choose("fix_public"))
    s.act(A.FollowUp("Thanks Dan, and sorry again. We've asked the web team to fix the stock check."))
    D.answer(s, 7, "Ana", "Thank him in public and say what we're fixing")
    s.finish()
    return s


def careless(scenario, team):
    """A team that argues, hides the complaint without a word and never asks anyone."""
    s = drill_session(scenario, team)
    s.act(A.Choose("defend"))
    s.act(A.Hide("c1"))
    s.act(A.Offer("gas_credit", 50))
    s.advance(150)
    s.finish()
    return s


def test_playbook_uses_the_teams_decisions(scenario, team):
    text = playbook.render(careful(scenario, team), date="2025-03-14")
    for heading in ("Our worst case", "Escalation matrix", "all in", "private channel", "Walking away and moderation",
                    "Ripple monitoring", "aftermath statement", "Improvement plan", "Decision log"):
        assert heading in text, heading
    assert "| Supervisor | Sam |" in text and "approved by Sam at T+" in text and "up to 80" in text
    assert "“Supervisor for anything over 25, answer within 15 minutes”" in text
    assert "The team decided (Eve, T+" in text and "Up to 80 in credit without asking me" in text
    assert "$20 credit for the wasted trip (50," in text  # what the team gave, with its value
    assert "The team followed up at T+" in text
    assert "No profanity, no personal attacks." in text  # the brand's own guidelines
    assert "| Executive | Eve | remedies worth more than 100 (up to 1000); to approve Free same-day delivery |" in text  # the label, not the id
    assert "2025-03-14" in text


def test_different_drills_give_different_playbooks(scenario, team):
    good = playbook.render(careful(scenario, team), date="2025-03-14")
    bad = playbook.render(careless(scenario, team), date="2025-03-14")
    assert good != bad
    assert "The team hid post c1 at T+" in bad and "did not tell the poster why" in bad
    assert "The team deleted nothing in the drill." in good
    assert "was blocked at T+" in bad and "ask before promising" in bad
    assert "Not decided in the drill" in bad and "It spread to news" in bad
    assert "The team posted no follow-up." in bad
    assert bad.count("**Not decided in the drill**") > good.count("**Not decided in the drill**")


def test_forecast_goes_into_the_playbook(scenario, team):
    session = careful(scenario, team)
    worst = D.worst_case(session, rollouts=40, horizon=30)
    text = playbook.render(session, worst=worst, date="2025-03-14")
    assert "40 rollouts" in text and "do nothing: negative reach p50" in text and "current course: negative reach p50" in text
    assert "chance of the news" in text


def test_hostile_text_is_escaped(scenario):
    team = D.team_of(scenario, {"supervisor": "<script>x</script> | **Sam**"})
    s = drill_session(scenario, team)
    D.answer(s, 6, "# Eve", "[click](http://evil) <b>delete</b> \x1b[31m everything |")
    text = playbook.render(s, date="2025-03-14")
    assert "<script>" not in text and "&lt;script&gt;" in text and "\\*\\*Sam\\*\\*" in text
    assert "\x1b" not in text and "\\x1b" in text
    assert "[click](http://evil)" not in text and "\\[click\\](http://evil)" in text
    assert "\n# Eve" not in text


def test_cli_playbook_writes_a_file(scenario, team, tmp_path, capsys):
    ws = workspace()
    session = services.open_session(ws, scenario, 7, start=D.drill_start(team))
    session.act(A.Choose("model"))
    D.answer(session, 3, "Ana", "Go private once he has told us what he needs")
    session.finish()
    session.writer.close()
    out = tmp_path / "playbook.md"
    assert main(["playbook", str(session.writer.path), "-o", str(out), "--date", "2025-03-14"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Social media crisis playbook: Harbor Home") and "Go private once he has told us" in text
    assert main(["playbook", str(session.writer.path), "--date", "tomorrow"]) == 2
    assert main(["playbook", str(session.writer.path), "--forecast", "20", "--date", "2025-03-14"]) == 0
    assert "20 rollouts" in capsys.readouterr().out
    solo = services.open_session(ws, scenario, 3)
    solo.finish()
    solo.writer.close()
    assert main(["playbook", str(solo.writer.path), "--date", "2025-03-14"]) == 0
    assert "not played as a team drill" in capsys.readouterr().err
