"""Named commenters in the play screen: pick a post with `t`, and the reply goes to that person (issue 18)."""

from __future__ import annotations

from helpers import SCENARIOS
from ui_helpers import make_app, settle

from simulator.format.scenario import load_scenario
from simulator.services import Catalog
from simulator.ui.screens.modals import ReplyToModal
from simulator.ui.screens.play import PlayScreen

SIZE = (110, 34)


async def test_reply_to_a_named_commenter_through_the_keyboard():
    scenario = load_scenario(SCENARIOS / "two-am-bakery.yaml")
    app = make_app(catalog=Catalog((scenario,)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # home -> briefing
        await pilot.pause()
        await pilot.press("enter")  # briefing -> play
        await settle(pilot)
        play = app.screen
        assert isinstance(play, PlayScreen) and play.session is not None
        feed = play.query_one("#feed").text()
        assert "@gus_regular" in feed  # a commenter is shown by their handle
        assert "(the brand's account, not you)" in feed or play.session.t < 1  # the owner's post, once it is up

        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ReplyToModal)
        items = [o.id for o in app.screen.query_one("#posts").options]
        assert "gus1" in items and "c1" in items
        app.screen.dismiss("gus1")
        await pilot.pause()
        assert "gus_regular" in str(play.query_one("#composer").border_title)
        await pilot.press(*"Thanks Gus, kind of you. We owe Lena an apology all the same.")
        await pilot.press("enter")
        await settle(pilot)
        record = play.session.records[-1]
        assert record.kind == "reply" and record.data["to"] == "gus"
