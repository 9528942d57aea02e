"""Every notification and title built from author or trainee text is shown as text (issue 17, item 3).

A spillover title, a role title, a remedy label, a beat title, an end reason, a team member's name
and a note each carry `[/]` (a MarkupError crash before), `[@click=app.quit]` (a clickable action
before), an OSC sequence (retitles the terminal) and CSI blink/colour: the app must not crash, no
action may be created, and what is shown must carry the escapes as visible text.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from helpers import STARTER
from textual.content import Content
from ui_helpers import make_app, settle

from simulator.format.scenario import load_scenario
from simulator.ui.screens.briefing import BriefingScreen
from simulator.ui.screens.modals import EscalateModal, OfferModal
from simulator.ui.screens.play import PlayScreen

EVIL = "[/] [@click=app.quit]click[/] \x1b]0;pwned\x07 \x1b[5;31mblink \u202eevil"


def _hostile(tmp_path: Path) -> Path:
    d = yaml.safe_load(STARTER.read_text(encoding="utf-8"))
    d["id"] = "hostile-notify"
    d["ripple"]["spillovers"][0].update(title="spill " + EVIL, threshold=1, delay="1m")
    d["roles"][1]["title"] = "role " + EVIL
    d["roles"][1]["delay"] = "1m"
    for remedy in d["remedies"]:
        remedy["label"] = "remedy " + EVIL
    d["beats"][0]["title"] = "beat " + EVIL
    d["end"] = [{"when": "t >= 100", "text": "ended " + EVIL}]
    d.pop("tests", None)
    path = tmp_path / "hostile-notify.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _record(app) -> list:
    """Every notification the app posts (toasts expire, so they are caught on the way in)."""
    seen: list = []
    original = app.notify

    def notify(message, *, title="", severity="information", timeout=None, markup=True):
        seen.append((str(message), str(title), markup))
        return original(message, title=title, severity=severity, timeout=timeout, markup=markup)

    app.notify = notify
    return seen


def _shown(seen) -> list[str]:
    """What each notification draws, as the toast does (markup parsed when the message allows)."""
    out = []
    for message, title, markup in seen:
        body = Content.from_markup(message) if markup else Content(message)
        assert not any(span.style and "@click" in str(span.style) for span in body.spans), message
        out.append(f"{title}\n{body.plain}")
    return out


def _assert_safe(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b]0;pwned\\x07" in text and "\\x1b[5;31m" in text and "\\u202e" in text
    assert "[/]" in text and "[@click=app.quit]" in text


async def test_hostile_titles_labels_and_reasons_are_text_in_every_notification(tmp_path):
    scenario = load_scenario(_hostile(tmp_path))
    app = make_app(scenario=scenario)
    seen = _record(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        await pilot.press("enter")
        await settle(pilot)
        play = app.screen
        assert isinstance(play, PlayScreen)
        # the beat title is the suggestions' border title: text, not markup
        border = play.query_one("#suggestions").border_title
        assert border is not None and "click" in border and "\x1b" not in border
        assert "@click" not in str(play.query_one("#suggestions")._border_title.spans)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OfferModal)
        await pilot.press("down", "down", "down", "enter")  # over authority: "Offer not sent"
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EscalateModal)
        await pilot.press(*"note " + "[/] [@click=app.quit]x")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")  # defend the stock check: negative reach grows, the spillover fires
        await settle(pilot)
        for _ in range(8):
            if play.session.finished:
                break
            await pilot.press("w")
            await pilot.pause()
            await pilot.press("down", "down", "enter")
            await settle(pilot)
        assert app.is_running and play.session is not None
        shown = _shown(seen)
        titles = "\n".join(shown)
        assert "Escalation answered" in titles and "The scenario has ended" in titles, titles
        for needle in ("role ", "ended ", "spill ", "remedy "):
            hits = [s for s in shown if needle + "[/]" in s]
            assert hits, f"no notification carried {needle!r}: {titles}"
            for s in hits:
                _assert_safe(s)
        assert any(e.kind == "offer_blocked" for e in play.session.events)


async def test_a_team_name_and_a_note_with_markup_do_not_crash_the_drill(tmp_path):
    from drill_helpers import drill_yaml

    from simulator.evaluate.drill import team_of

    scenario = load_scenario(drill_yaml(tmp_path))
    team = team_of(scenario, {"agent": "Ana [/] [@click=app.quit]x", "supervisor": "[/]Sam[@click=app.quit]"})
    app = make_app(scenario=scenario, drill=True, team=team)
    seen = _record(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*"[/] note [@click=app.quit]")
        await pilot.press("enter")
        await settle(pilot)
        for _ in range(3):
            await pilot.press("w")
            await pilot.pause()
            await pilot.press("down", "enter")
            await settle(pilot)
        assert app.is_running
        shown = _shown(seen)
        assert any("decision is waiting" in s for s in shown), shown
        from textual.widgets import Static

        from simulator.ui.screens.drill_modals import ApprovalModal

        assert isinstance(app.screen, ApprovalModal)  # the note, and who asked, shown as text
        drawn = "\n".join(str(w.content) for w in app.screen.query(Static))
        assert "Decision for [/]Sam[@click=app.quit]" in drawn, drawn
        for s in shown:
            assert "\x1b" not in s and "\x07" not in s
