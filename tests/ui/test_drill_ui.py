"""The drill in the terminal UI, driven with Textual's pilot: roles, a role player's approval,
a planning question at its moment, the facilitator console, the forecast, the debrief with the
playbook and the fork. Assertions are on the session's record, not only on what is shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from drill_helpers import drill_yaml
from ui_helpers import make_app, settle

from simulator.format import actions as A
from simulator.format.scenario import load_scenario
from simulator.ui.screens.drill_debrief import DrillDebriefScreen
from simulator.ui.screens.drill_facilitator import FacilitatorConsole
from simulator.ui.screens.drill_forecast import ForecastScreen
from simulator.ui.screens.drill_fork import ForkScreen
from simulator.ui.screens.drill_modals import ApprovalModal, QuestionPrompt, RoleAssignment
from simulator.ui.screens.drill_play import DrillPlayScreen


@pytest.fixture
def scenario(tmp_path):
    return load_scenario(drill_yaml(tmp_path))


def text_of(screen) -> str:
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in screen.query(Static))


async def test_role_assignment_starts_a_recorded_drill(scenario):
    app = make_app(scenario=scenario, drill=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RoleAssignment)
        assert "Who plays which role" in text_of(app.screen)
        await pilot.press(*"Ana", "tab", *"Sam")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DrillPlayScreen)
        session = screen.session
        assert session.drill and dict(session.start.team) == {"agent": "Ana", "supervisor": "Sam"}
        header = Path(session.writer.path).read_text(encoding="utf-8").splitlines()[0]
        assert '"drill":true' in header and '"supervisor":"Sam"' in header


def team_app(scenario):
    """The drill app with Ana at the keyboard and Sam as supervisor, roles already assigned."""
    from simulator.evaluate.drill import team_of

    return make_app(scenario=scenario, drill=True, team=team_of(scenario, {"agent": "Ana", "supervisor": "Sam"}))


async def answer_dialogs(pilot, app, *, approve=True, answer="We decide together"):
    """Deal with whatever the room is asked now: approve/deny, or answer the question."""
    seen = []
    for _ in range(6):
        await settle(pilot)
        screen = app.screen
        if isinstance(screen, ApprovalModal):
            seen.append(("approval", screen.role.id))
            await pilot.press(*"fine by me")
            await pilot.press("ctrl+a" if approve else "ctrl+d")
        elif isinstance(screen, QuestionPrompt):
            seen.append(("question", screen.point.question))
            await pilot.press(*answer)
            await pilot.press("enter")
        else:
            break
    await settle(pilot)
    return seen


@pytest.mark.slow
async def test_approval_question_console_forecast_and_debrief(scenario):
    app = team_app(scenario)
    async with app.run_test(size=(130, 45)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DrillPlayScreen)
        screen.act(A.Escalate("supervisor", "he needs 60"))
        seen = await answer_dialogs(pilot, app)
        assert ("question", 2) in seen  # who needs to know: asked when the team escalated
        screen.act(A.Wait(12))
        seen = await answer_dialogs(pilot, app)
        assert ("approval", "supervisor") in seen
        session = screen.session
        assert session.authority == 100 and "supervisor" in session.approved
        assert {"decide": {"role": "supervisor", "approve": True, "who": "Sam", "note": "fine by me"}} in session.steps
        answers = [s["facilitate"] for s in session.steps if s.get("facilitate", {}).get("kind") == "decision"]
        assert 2 in {a["question"] for a in answers} and all(a["who"] == "Ana" and a["text"] == "We decide together" for a in answers)

        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, FacilitatorConsole)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert screen.paused and session.steps[-1] == {"facilitate": {"kind": "pause"}}
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#custom").value = "[b]A reporter[/b] calls"
        app.screen.query_one("#custom").focus()
        await pilot.press("enter")
        await answer_dialogs(pilot, app)
        assert {"facilitate": {"kind": "custom", "text": "[b]A reporter[/b] calls"}} in session.steps

        await pilot.press("v")
        await settle(pilot, rounds=8)
        forecast = app.screen
        assert isinstance(forecast, ForecastScreen)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert forecast.worst is not None
        shown = str(forecast.query_one("#forecast-chart").render())
        assert "do nothing" in shown and "p90" in shown and "current course" in shown
        await pilot.press("escape")
        await answer_dialogs(pilot, app)

        screen.submit("finish", lambda s: s.finish())
        await settle(pilot)
        screen.action_finish()
        await settle(pilot, rounds=8)
        debrief = app.screen
        assert isinstance(debrief, DrillDebriefScreen)
        playbook = Path(session.writer.path).with_suffix(".playbook.md")
        assert playbook.exists() and "| Supervisor | Sam |" in playbook.read_text(encoding="utf-8")
        assert "Playbook written to" in text_of(debrief)

        await pilot.press("f")
        await settle(pilot)
        fork = app.screen
        assert isinstance(fork, ForkScreen) and fork.decisions
        fork.query_one("#fork-decisions").highlighted = 0
        fork.query_one("#fork-alternative").value = "Did you even call the store first?"
        fork.query_one("#fork-alternative").focus()
        await pilot.press("enter")
        await settle(pilot, rounds=8)
        result = str(fork.query_one("#fork-result").render())
        assert "what the team did" in result and "what if" in result and "overall" in result


async def test_home_starts_a_team_drill_with_role_assignment():
    from ui_helpers import make_app, settle

    from simulator.ui.screens.drill_modals import RoleAssignment
    from simulator.ui.screens.home import HomeScreen

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, RoleAssignment)


async def test_a_question_waits_while_someone_is_typing(scenario):
    """A dialog that opened mid-sentence would take the rest of the sentence as its answer."""
    app = team_app(scenario)
    async with app.run_test(size=(130, 45)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DrillPlayScreen)
        await pilot.press("r")
        await pilot.press(*"Sorry Sam, ")
        screen.act(A.Escalate("supervisor", "he needs 60"))  # question 2 falls due now
        await settle(pilot)
        assert app.screen is screen, "no dialog while the reply is being typed"
        await pilot.press(*"that's on us.")
        assert screen.query_one("#composer-input").text == "Sorry Sam, that's on us."
        await pilot.press("enter")
        await settle(pilot)
        if not isinstance(app.screen, QuestionPrompt):  # a commitment check may come first
            await settle(pilot, rounds=6)
        seen = await answer_dialogs(pilot, app)
        assert ("question", 2) in seen
        replies = [s["act"]["reply"] for s in screen.session.steps if "reply" in s.get("act", {})]
        assert replies == ["Sorry Sam, that's on us."]
