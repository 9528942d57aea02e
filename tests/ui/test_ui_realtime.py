"""Real-time mode: the clock runs by itself at the scenario's speed, and pause stops it.

The app ticks by a clock handed in at its factory; here a `ManualClock` moved by hand, so the
test needs no real sleeps and does not depend on how loaded the machine is.
"""

from __future__ import annotations

from helpers import STARTER
from ui_helpers import make_app, settle

from simulator.format.scenario import load_scenario_bytes
from simulator.services import Catalog
from simulator.ui.clock import ManualClock
from simulator.ui.screens.play import PlayScreen


def _realtime_starter():
    text = STARTER.read_text(encoding="utf-8").replace("mode: turns", "mode: realtime\nspeed: 3", 1)
    return load_scenario_bytes(text.encode("utf-8"), str(STARTER))


async def _seconds(pilot, clock: ManualClock, n: int) -> None:
    """n real seconds, one tick at a time, each step let to finish."""
    for _ in range(n):
        clock.advance(1.0)
        await settle(pilot)


async def test_the_clock_runs_in_real_time_and_pause_stops_it():
    clock = ManualClock()
    app = make_app(catalog=Catalog((_realtime_starter(),)), clock=clock)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("enter")  # home -> briefing
        await pilot.pause()
        await pilot.press("enter")  # briefing -> play
        await settle(pilot)
        play = app.screen
        assert isinstance(play, PlayScreen) and play.session.scenario.mode == "realtime"
        assert play.session.t == 0.0  # nothing moves until the clock does
        await _seconds(pilot, clock, 2)
        assert play.session.t == 6.0  # 3 simulated minutes per real second

        await pilot.press("space")
        await settle(pilot)
        assert play.paused
        stopped = play.session.t
        await _seconds(pilot, clock, 2)
        assert play.session.t == stopped  # nothing moves while paused

        await pilot.press("space")
        await _seconds(pilot, clock, 2)
        assert not play.paused and play.session.t == stopped + 6.0
        assert {step.get("advance") is not None for step in play.session.steps} == {True}  # time is recorded as steps


def test_the_manual_clock_fires_each_due_tick_in_order():
    clock = ManualClock()
    fired = []
    clock.every(None, 1.0, lambda: fired.append(("a", clock.now)))
    timer = clock.every(None, 1.5, lambda: fired.append(("b", clock.now)))
    assert clock.advance(3.0) == 5
    assert fired == [("a", 1.0), ("b", 1.5), ("a", 2.0), ("a", 3.0), ("b", 3.0)]
    timer.stop()
    fired.clear()
    clock.advance(1.5)
    assert fired == [("a", 4.0)]
