"""The play and drill screens in small terminals (issue 16): 80x24 and 100 columns.

What a newcomer in a default terminal must still see: the ripple's numbers beside the feed (the
customer's card shrinks to three lines under 30 rows), notifications that never cover the
suggestions, the composer or the side panel, and every move's key whole in the footer or on the
composer's borders (the help line), including `t` when a named commenter can be answered.
"""

from __future__ import annotations

import re

import pytest
from helpers import SCENARIOS
from textual.widgets import Footer
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast
from ui_helpers import make_app, settle

from simulator.evaluate import drill as D
from simulator.format import actions as A
from simulator.format.scenario import load_scenario
from simulator.services import Catalog
from simulator.ui.clock import ManualClock
from simulator.ui.screens.drill_play import DrillPlayScreen
from simulator.ui.screens.play import PlayScreen
from simulator.ui.widgets.composer import Composer

PLAY_KEYS = {"1-9", "r", "p", "e", "o", "h", "a", "f", "w", "d", "?", "q"}
DRILL_KEYS = PLAY_KEYS | {"c", "v", "k", "space"}


async def _into_play(pilot) -> PlayScreen:
    await pilot.pause()
    await pilot.press("enter")  # home -> briefing
    await pilot.pause()
    await pilot.press("enter")  # briefing -> play
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PlayScreen) and screen.session is not None
    return screen


def _shown_whole(screen, widget) -> bool:
    """Every row of `widget` is on screen, inside the screen's width, and drawn by that widget."""
    region = widget.region
    if not region or region.right > screen.size.width or region.bottom > screen.size.height:
        return False
    return all(screen.get_widget_at(region.x, y)[0] is widget for y in range(region.y, region.bottom))


def _ripple_rows(screen) -> list[str]:
    return str(screen.query_one("#ripple-numbers").content).splitlines()


async def test_at_80x24_the_ripple_numbers_stay_in_view_even_with_the_coach_up():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        play = await _into_play(pilot)
        await pilot.press("1")  # onboarding: the coach appears after a message
        await settle(pilot)
        assert play.query_one("#coach").has_class("shown")
        assert play.has_class("-short") and play.has_class("-narrow")
        numbers = play.query_one("#ripple-numbers")
        rows = _ripple_rows(play)
        assert [r.split()[0] for r in rows] == ["reach", "negative", "sentiment", "neutral", "shares/h"]
        assert numbers.region.height == len(rows)
        assert _shown_whole(play, numbers), numbers.region
        line = play.query_one("#customer-line")
        assert _shown_whole(play, line) and not play.query_one("#customer").display
        text = str(line.content)
        assert "Dan Ortiz" in text and "anger" in text and "patience" in text and "trust" in text
        for name in ("anger", "patience", "trust"):
            value = round(getattr(play.view, name) * 100)
            assert f"{name} {value}%" in text


async def test_at_120x40_the_full_card_with_bars_is_shown():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        play = await _into_play(pilot)
        assert play.has_class("-tall") and play.has_class("-wide")
        card = play.query_one("#customer")
        assert card.display and not play.query_one("#customer-line").display
        assert "█" in str(card.content) and "wants" in str(card.content)
        assert _shown_whole(play, play.query_one("#ripple-numbers"))


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_notifications_never_cover_the_suggestions_the_composer_or_the_side_panel(size):
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        play = await _into_play(pilot)
        for n in range(3):
            play.notify(f"Notice {n}: your supervisor approved the credit; it spread to the forum as well.",
                        title="Escalation answered", timeout=60)
        await settle(pilot)
        toasts = list(play.query(Toast))
        assert toasts
        feed = play.query_one("#feed").region
        kept_clear = [play.query_one(sel).region for sel in ("#suggestions", "#composer", "#side", "#status", Footer)]
        for toast in toasts:
            if not toast.region:
                continue  # scrolled out of the rack (fewer stay up in a short terminal)
            assert feed.contains_region(toast.region), (toast.region, feed)
            assert not any(toast.region.overlaps(r) for r in kept_clear), toast.region
        suggestions = play.query_one("#suggestions")
        assert _shown_whole(play, suggestions)


def _help_lines(screen) -> str:
    composer = screen.query_one(Composer)
    parts = []
    width = composer.region.width - 4  # the corners and the spaces Textual puts round a border title
    for title in (composer.border_title, composer.border_subtitle):
        text = str(title or "")
        assert len(text) <= width, f"the help line is cut at {width} columns: {text!r}"
        parts.append(text)
    return " · ".join(parts)


def _visible_keys(screen) -> set[str]:
    """Keys named whole in the footer, or as 'KEY word' on the composer's borders."""
    keys = set()
    for key in screen.query(FooterKey):
        if key.has_class("-command-palette"):
            continue
        if key.display and _shown_whole(screen, key):
            keys.add(key.key_display)
    for item in re.split(r"\s*·\s*|:\s*", _help_lines(screen)):
        m = re.match(r"(\S+) \w", item.strip())
        if m:
            keys.add(m.group(1))
    return keys


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_every_move_key_is_whole_in_the_footer_or_the_help_line_on_the_play_screen(size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        play = await _into_play(pilot)
        missing = PLAY_KEYS - _visible_keys(play)
        assert not missing, missing
        assert "t reply to one" not in str(play.query_one(Composer).border_title)  # no named commenter here


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_every_key_of_a_real_time_drill_is_whole_in_the_footer_or_the_help_line(size):
    scenario = load_scenario(SCENARIOS / "viral-receipt.yaml")
    team = D.team_of(scenario, {r.id: f"P{i}" for i, r in enumerate(scenario.roles)})
    app = make_app(scenario=scenario, drill=True, team=team, clock=ManualClock())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        while not isinstance(app.screen, DrillPlayScreen):  # a planning question asked at the start: later
            await pilot.press("escape")
            await settle(pilot)
        screen = app.screen
        assert screen.has_class("realtime")
        missing = DRILL_KEYS - _visible_keys(screen)
        assert not missing, missing


async def test_t_is_offered_once_a_named_commenter_can_be_answered():
    scenario = load_scenario(SCENARIOS / "two-am-bakery.yaml")
    app = make_app(catalog=Catalog((scenario,)))
    async with app.run_test(size=(80, 24)) as pilot:
        play = await _into_play(pilot)
        composer = play.query_one(Composer)
        for _ in range(6):
            if play.view.named:
                break
            play.act(A.Wait(15))
            await settle(pilot)
        assert play.view.named, "no commenter posted in the first 90 minutes"
        assert "t reply to one" in str(composer.border_title)
        assert "t" in _visible_keys(play)
        await pilot.press("r")  # writing: the title says what is being written
        await pilot.pause()
        assert "t reply" not in str(composer.border_title)
        await pilot.press("escape")
        await pilot.pause()
        assert "t reply to one" in str(composer.border_title)  # and comes back at rest
