"""Real-time mode: the clock runs by itself at the scenario's speed, and pause stops it."""

from __future__ import annotations

from helpers import STARTER
from ui_helpers import make_app, settle

from simulator.format.scenario import load_scenario_bytes
from simulator.services import Catalog
from simulator.ui.screens.play import PlayScreen


def _realtime_starter():
    text = STARTER.read_text(encoding="utf-8").replace("mode: turns", "mode: realtime\nspeed: 3", 1)
    return load_scenario_bytes(text.encode("utf-8"), str(STARTER))


async def test_the_clock_runs_in_real_time_and_pause_stops_it():
    app = make_app(catalog=Catalog((_realtime_starter(),)))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("enter")  # home -> briefing
        await pilot.pause()
        await pilot.press("enter")  # briefing -> play
        await settle(pilot)
        play = app.screen
        assert isinstance(play, PlayScreen) and play.session.scenario.mode == "realtime"
        await pilot.pause(2.6)
        await settle(pilot)
        running = play.session.t
        assert running >= 3.0  # at least one tick of 3 simulated minutes per real second

        await pilot.press("space")
        await settle(pilot)
        assert play.paused
        stopped = play.session.t
        await pilot.pause(2.2)
        await settle(pilot)
        assert play.session.t == stopped  # nothing moves while paused

        await pilot.press("space")
        await pilot.pause(2.2)
        await settle(pilot)
        assert not play.paused and play.session.t > stopped
        assert {step.get("advance") is not None for step in play.session.steps} == {True}  # time is recorded as steps
