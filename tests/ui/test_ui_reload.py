"""Authoring hot reload: edit the file, reload, and be put back where you were (or see why not)."""

from __future__ import annotations

from helpers import STARTER
from ui_helpers import make_app, settle

from simulator.format.scenario import load_scenario
from simulator.ui.screens.modals import MessageModal
from simulator.ui.screens.play import PlayScreen


async def test_reload_replays_moves_on_the_edited_file_and_keeps_the_session_on_errors(tmp_path):
    path = tmp_path / "draft.yaml"
    path.write_text(STARTER.read_text(encoding="utf-8"), encoding="utf-8")
    app = make_app(scenario=load_scenario(path))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        play = app.screen
        assert isinstance(play, PlayScreen)
        await pilot.press("1")
        await settle(pilot)
        steps, t = list(play.session.steps), play.session.t
        assert play.session.current_beat().id == "details"

        path.write_text(path.read_text(encoding="utf-8").replace("Hold one at Bay Road, apologise for the trip",
                                                                  "Hold an HX-20 at Bay Road"), encoding="utf-8")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert play.session.steps == steps and play.session.t == t
        assert play.session.current_beat().id == "details"
        assert "Hold an HX-20 at Bay Road" in play.suggestions_text()
        # the moves continue on the rebuilt session and into the same transcript
        await pilot.press("1")
        await settle(pilot)
        assert len(play.session.steps) == len(steps) + 1

        good = play.session
        path.write_text("format: 1\nid: draft\ntitle: 3\n", encoding="utf-8")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, MessageModal)
        assert "draft.yaml:" in app.screen._body
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is play and play.session is good
