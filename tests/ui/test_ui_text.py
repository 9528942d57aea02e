"""Author and trainee text is shown as text: never markup, never terminal control sequences."""

from __future__ import annotations

from pathlib import Path

from helpers import STARTER
from ui_helpers import make_app, settle

from simulator.format.scenario import load_scenario
from simulator.services import catalogue
from simulator.ui.screens.briefing import BriefingScreen
from simulator.ui.screens.play import PlayScreen
from simulator.ui.text import clean, plain


def _hostile_copy(tmp_path: Path) -> Path:
    text = STARTER.read_text(encoding="utf-8")
    text = text.replace('title: "“Your online stock check sucks”"', 'title: "[bold]x[/] \\e[31mred"')
    text = text.replace("id: stock-check", "id: hostile-title")
    text = text.replace("  name: Dan Ortiz", "  name: \"[red]Dan[/red]\"")
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_shows_control_characters_instead_of_obeying_them():
    assert clean("a\x1b[31mb") == "a\\x1b[31mb"
    assert clean("line\nnext") == "line next"
    assert plain("[bold]x[/]").plain == "[bold]x[/]"


async def test_a_scenario_titled_with_markup_shows_the_brackets(tmp_path):
    scenario = load_scenario(_hostile_copy(tmp_path))
    assert scenario.title.startswith("[bold]x[/]")
    app = make_app(scenario=scenario)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        title = app.screen.query_one("#brief-title").content
        assert "[bold]x[/] \\x1b[31mred" in str(title)
        assert "\x1b" not in str(title)
        await pilot.press("enter")
        await settle(pilot)
        play = app.screen
        assert isinstance(play, PlayScreen)
        assert "[bold]x[/]" in str(play.query_one("#status").content)
        assert "[red]Dan[/red]" in str(play.query_one("#customer").content)
        await pilot.press("r")
        await pilot.press(*"[b]sorry[/b] Dan")
        await pilot.press("enter")
        await settle(pilot)
        assert "[b]sorry[/b] Dan" in play.query_one("#feed").text()
        # the title is also shown as text on the home screen underneath
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("h")
        await settle(pilot)
        option = app.screen.query_one("#scenarios").get_option("hostile-title")
        assert "[bold]x[/]" in str(option.prompt)


def test_catalog_lists_valid_files_and_reports_broken_ones(tmp_path):
    (tmp_path / "good.yaml").write_text(STARTER.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("format: 1\nid: [oops\n", encoding="utf-8")
    catalog = catalogue([tmp_path])
    assert [s.id for s in catalog.scenarios] == ["stock-check"]
    assert len(catalog.broken) == 1 and catalog.broken[0].path.endswith("bad.yaml")
    assert ":" in catalog.broken[0].first
