"""Issue 16's first hour in the terminal UI: the filter only filters, the name is kept, the theme too."""

from __future__ import annotations

import json

from helpers import workspace
from ui_helpers import make_app, settle

from simulator.format.scenario import load_scenario
from simulator.services import Catalog, load_saved, report_text
from simulator.ui.screens.briefing import BriefingScreen
from simulator.ui.screens.home import HomeScreen
from simulator.ui.screens.play import PlayScreen

SIZE = (100, 30)


async def test_typing_in_home_only_filters_even_words_that_start_with_a_shortcut_letter():
    from helpers import BUNDLED

    catalog = Catalog(tuple(load_scenario(p) for p in BUNDLED))
    app = make_app(catalog=catalog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        for word in ("house", "the", "quit", "r/t?"):
            await pilot.press(*word)
            await pilot.pause()
            assert app.screen is home, word  # no History, no team dialog, no quit
            assert home.query_one("#filter").value == word
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press(*"house")
        await pilot.pause()
        listing = home.query_one("#scenarios")
        shown = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert "house-rules" in shown and "stock-check" not in shown
        await pilot.press("ctrl+o")  # the shortcuts are on modifiers
        await settle(pilot)
        assert type(app.screen).__name__ == "HistoryScreen"


async def test_the_name_typed_on_the_briefing_is_saved_and_reported():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        box = app.screen.query_one("#trainee")
        box.focus()
        await pilot.press(*"Robin Q")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.session.trainee == "Robin Q"
        await pilot.press("w")
        await settle(pilot)
    ws = workspace()
    report = report_text(ws, load_saved(ws, "latest"))
    assert "Robin Q" in report and "not recorded" not in report


async def test_the_theme_is_remembered_between_runs():
    first = make_app()
    async with first.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first.theme != "nord"
        first.theme = "nord"  # what ctrl+p "Change theme" does
        await settle(pilot)
    ws = workspace()
    assert json.loads((ws.data_dir / "settings.json").read_text(encoding="utf-8"))["theme"] == "nord"
    second = make_app()
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert second.theme == "nord"


async def test_a_damaged_settings_file_is_ignored():
    ws = workspace()
    ws.data_dir.mkdir(parents=True, exist_ok=True)
    (ws.data_dir / "settings.json").write_text("{not json", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"


async def test_the_composer_takes_several_lines_and_enter_sends():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        play = app.screen
        assert isinstance(play, PlayScreen)
        composer = play.query_one("#composer")
        assert "h hide" in str(composer.border_subtitle) and "a walk away" in str(composer.border_subtitle)
        idle_height = composer.size.height
        await pilot.press("r")
        await pilot.press(*"Sorry Dan, that is on us and the website should have said so plainly.")
        await pilot.press("ctrl+j")
        await pilot.press(*"What item were you looking for?")
        await pilot.pause()
        assert composer.size.height > idle_height  # it wraps and grows instead of scrolling sideways
        assert "Enter sends" in str(composer.border_subtitle)
        await pilot.press("enter")
        await settle(pilot)
        reply = play.session.replies[-1]
        assert reply.text.startswith("Sorry Dan") and reply.text.endswith("What item were you looking for?")
        assert "\n" in reply.text
        assert play.query_one("#composer-input").text == ""
