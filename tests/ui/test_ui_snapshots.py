"""Snapshots of every screen and modal at 80x24 and 120x40 (pytest-textual-snapshot).

Stable across runs: a fresh CRISIS_HOME per test (conftest), seed 7, a fixed "now" for the
history index, and no blinking cursor. Update with `pytest tests/ui/test_ui_snapshots.py --snapshot-update`
after checking the report.
"""

from __future__ import annotations

import time

import pytest
from helpers import STARTER, workspace
from ui_helpers import make_app, settle

from simulator import services
from simulator.evaluate.scoring import score
from simulator.format import actions as A
from simulator.format.scenario import load_scenario

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


class _FixedTime:
    """The store's clock, stopped: session ids and 'started' stamps come out the same every run."""

    @staticmethod
    def localtime(*_):
        return time.struct_time((2025, 3, 1, 10, 0, 0, 5, 60, 0))

    strftime = staticmethod(time.strftime)
    time = staticmethod(time.time)


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch):
    monkeypatch.setattr("simulator.storage.store.time", _FixedTime)


def _app():
    """Only the starter in the catalogue (make_app's default), so new bundled scenarios do not change these pictures."""
    return make_app()


async def _play(pilot):
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


def _seed_history():
    scenario = load_scenario(STARTER)
    ws = workspace()
    store = ws.store
    for actions in ([A.Choose("model"), A.Choose("fix_public")], [A.Choose("defend"), A.Choose("double_down")]):
        session = services.open_session(ws, scenario, 7, trainee="Pat")
        for action in actions:
            session.act(action)
        session.finish()
        store.record_score(session.writer.path, score(session, turning_points=False))
        session.writer.close()
    paused = services.open_session(ws, scenario, 11, trainee="Pat")
    paused.act(A.Choose("model"))
    paused.writer.close()


def _run(*keys, play=True, after_play=(), rounds=4):
    async def run_before(pilot):
        if play:
            await _play(pilot)
        for key in keys:
            await pilot.press(*key) if isinstance(key, tuple) else await pilot.press(key)
            await settle(pilot, rounds=rounds)

    return run_before


def _notice(pilot):
    """Two notifications up at once: they sit over the top of the feed, clear of the suggestions."""
    async def run_before(pilot):
        await _run("1")(pilot)
        screen = pilot.app.screen
        screen.notify("Your supervisor approved the $40 store credit.", title="Escalation answered", timeout=600)
        screen.notify("A thread on the parents' forum links to Dan's post.", title="It spread to the forum",
                      severity="warning", timeout=600)
        await settle(pilot)

    return run_before(pilot)


CASES = {
    "home": dict(run_before=None),
    "briefing": dict(run_before=_run("enter", play=False)),
    "play": dict(run_before=_run("1")),
    "play_private": dict(run_before=_run("1", "p", tuple("Thanks Dan, sending you the store's number."), "enter")),
    "debrief": dict(run_before=_run("1", "1", "d", "y", rounds=8)),
    "help": dict(run_before=_run("question_mark")),
    "escalate_modal": dict(run_before=_run("e")),
    "offer_modal": dict(run_before=_run("o")),
    "wait_modal": dict(run_before=_run("w")),
    "hide_modal": dict(run_before=_run("h")),
    "leave_modal": dict(run_before=_run("1", "q")),
    "play_notice": dict(run_before=_notice),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", CASES)
def test_screen(snap_compare, case, size):
    spec = CASES[case]
    assert snap_compare(_app(), terminal_size=SIZES[size], run_before=spec["run_before"])


@pytest.mark.parametrize("size", SIZES)
def test_history_screen(snap_compare, size):
    _seed_history()

    async def run_before(pilot):
        await pilot.pause()
        await pilot.press("ctrl+o")
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_home_with_a_session_to_resume(snap_compare, size):
    _seed_history()
    assert snap_compare(_app(), terminal_size=SIZES[size], run_before=lambda pilot: settle(pilot))
