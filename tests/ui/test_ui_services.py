"""The TUI goes through the services layer, so it behaves as the CLI does: the drill's score is
recorded at its end, an interrupted drill reopens as a drill, and History -> debrief opens every
session `crisis report` can open."""

from __future__ import annotations

import json

from drill_helpers import drill_yaml
from helpers import STARTER, workspace
from ui_helpers import make_app, settle

from simulator import services
from simulator.evaluate import drill as D
from simulator.format import actions as A
from simulator.format.scenario import load_scenario
from simulator.ui.screens.debrief import DebriefScreen
from simulator.ui.screens.drill_debrief import DrillDebriefScreen
from simulator.ui.screens.drill_modals import ApprovalModal, QuestionPrompt
from simulator.ui.screens.drill_play import DrillPlayScreen
from simulator.ui.screens.home import HomeScreen


async def _dismiss_questions(pilot):
    await settle(pilot)
    while isinstance(pilot.app.screen, QuestionPrompt):
        await pilot.press("escape")
        await settle(pilot)


async def test_the_drill_end_screen_records_the_score(tmp_path):
    scenario = load_scenario(drill_yaml(tmp_path))
    team = D.team_of(scenario, {"agent": "Ana", "supervisor": "Sam"})
    app = make_app(scenario=scenario, drill=True, team=team)
    async with app.run_test(size=(120, 40)) as pilot:
        await _dismiss_questions(pilot)
        screen = app.screen
        assert isinstance(screen, DrillPlayScreen)
        screen.act(A.Choose("model"))
        await _dismiss_questions(pilot)
        screen.submit("finish", lambda s: s.finish())
        await settle(pilot)
        screen.action_finish()
        await settle(pilot, rounds=8)
        assert isinstance(app.screen, DrillDebriefScreen)
    rows = workspace().store.rows()
    assert len(rows) == 1 and rows[0].status == "finished" and rows[0].overall is not None and rows[0].grade


async def test_resuming_a_drill_reopens_it_as_a_drill_with_its_pending_approval(tmp_path):
    scenario = load_scenario(drill_yaml(tmp_path))
    team = D.team_of(scenario, {"agent": "Ana", "supervisor": "Sam"})
    session = services.open_session(workspace(), scenario, 7, trainee="Ana, Sam", start=D.drill_start(team))
    session.act(A.Escalate("supervisor", "he needs 60"))
    session.act(A.Wait(12))
    assert "supervisor" in session.pending
    session.writer.close()

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+r")
        await settle(pilot)
        for _ in range(4):  # the room is asked its questions first, then the approval
            if isinstance(app.screen, ApprovalModal):
                break
            if isinstance(app.screen, QuestionPrompt):
                await pilot.press("escape")
            await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ApprovalModal) and modal.role.id == "supervisor"
        drill = app.screen_stack[-2]
        assert isinstance(drill, DrillPlayScreen)
        assert drill.session.drill and drill.team.person("supervisor") == "Sam"
        assert drill.session.steps == session.steps


async def test_history_debrief_opens_a_session_that_replays_differently():
    scenario = load_scenario(STARTER)
    ws = workspace()
    session = services.open_session(ws, scenario, 7, trainee="Pat")
    session.act(A.Choose("model"))
    services.finish_and_score(ws, session, turning_points=False)
    path = session.writer.path
    lines = path.read_text(encoding="utf-8").splitlines()
    step = json.loads(lines[1])
    step["events"][0]["text"] = "as an older version of the game recorded it"
    lines[1] = json.dumps(step)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_past_debrief(ws.store.rows()[0])
        await settle(pilot, rounds=8)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert debrief.card is not None and debrief.session is not None
        notes = [n.message for n in app._notifications]
        assert any("replays differently" in n and "as the current version plays them" in n for n in notes), notes
