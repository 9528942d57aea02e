"""Snapshots of the drill's screens at 80x24 and 120x40: role assignment, the drill play screen,
a role player's approval, the facilitator console and the drill debrief.

Stable across runs like the other snapshots (seed 7, a stopped store clock, no blinking cursor);
a manual clock (so the playbook is dated 2025-03-01); the workspace is a relative folder under the test's own directory, so the playbook path the
debrief shows is the same every run. Update with
`pytest tests/ui/test_drill_snapshots.py --snapshot-update` after checking the report.
"""

from __future__ import annotations

import pytest
from drill_helpers import drill_yaml
from test_ui_snapshots import SIZES, _FixedTime
from ui_helpers import make_app, settle

from simulator.evaluate import drill as D
from simulator.format import actions as A
from simulator.format.scenario import load_scenario
from simulator.services import Workspace
from simulator.ui.clock import ManualClock


@pytest.fixture(autouse=True)
def _fixed(monkeypatch, tmp_path):
    monkeypatch.setattr("simulator.storage.store.time", _FixedTime)
    monkeypatch.chdir(tmp_path)


def _app(tmp_path, *, team=True):
    scenario = load_scenario(drill_yaml(tmp_path))
    chosen = D.team_of(scenario, {"agent": "Ana", "supervisor": "Sam"}) if team else None
    return make_app(scenario=scenario, drill=True, team=chosen, workspace=Workspace.at("home"), clock=ManualClock())


async def _answer(pilot, text="We decide together"):
    """Answer the planning question the room is asked, if any."""
    from simulator.ui.screens.drill_modals import QuestionPrompt

    await settle(pilot)
    if isinstance(pilot.app.screen, QuestionPrompt):
        await pilot.press(*text)
        await pilot.press("enter")
        await settle(pilot)


async def _started(pilot):
    await settle(pilot)
    await _answer(pilot)


async def _approval(pilot):
    await _started(pilot)
    screen = pilot.app.screen
    screen.act(A.Escalate("supervisor", "he needs 60"))
    await _answer(pilot)
    screen.act(A.Wait(12))
    await settle(pilot)


async def _console(pilot):
    await _started(pilot)
    await pilot.press("c")
    await settle(pilot)


async def _debrief(pilot):
    await _started(pilot)
    screen = pilot.app.screen
    screen.act(A.Choose("model"))
    await _answer(pilot)
    screen.submit("finish", lambda s: s.finish())
    await settle(pilot)
    screen.action_finish()
    await settle(pilot, rounds=8)


CASES = {
    "drill_play": _started,
    "approval": _approval,
    "console": _console,
    "debrief": _debrief,
}


async def _roles(pilot):
    """The role assignment dialog, once its first field has the focus (it arrives a frame late),
    with the text cursor held steady (a blinking cursor is on or off depending on when the picture
    is taken)."""
    from textual.widgets import Input

    from simulator.ui.screens.drill_modals import RoleAssignment

    await settle(pilot)
    for _ in range(40):
        if isinstance(pilot.app.screen, RoleAssignment) and pilot.app.focused is not None:
            break
        await pilot.pause(0.05)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_role_assignment(snap_compare, size, tmp_path):
    assert snap_compare(_app(tmp_path, team=False), terminal_size=SIZES[size], run_before=_roles)


def _steady(run_before):
    """Then hold every text cursor steady, as for the role assignment."""
    from textual.widgets import Input

    async def run(pilot):
        await run_before(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", CASES)
def test_drill_screen(snap_compare, case, size, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=SIZES[size], run_before=_steady(CASES[case]))
