"""Pilot tests: the whole starter scenario played through the keyboard, and resume after a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from helpers import workspace
from textual.widgets import Static
from ui_helpers import make_app, settle

from simulator.ui.screens.briefing import BriefingScreen
from simulator.ui.screens.debrief import DebriefScreen
from simulator.ui.screens.home import HomeScreen
from simulator.ui.screens.modals import (
    EscalateModal,
    LeaveModal,
    MessageModal,
    OfferModal,
    WaitModal,
)
from simulator.ui.screens.play import PlayScreen

ROOT = Path(__file__).resolve().parents[2]
SIZE = (100, 32)


async def _to_play(pilot):
    app = pilot.app
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, BriefingScreen)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, PlayScreen)
    assert app.screen.session is not None
    return app.screen


async def test_play_the_starter_through_the_keyboard():
    app = make_app(trainee="Pat")
    async with app.run_test(size=SIZE) as pilot:
        play = await _to_play(pilot)
        session = play.session
        assert session.t == 0 and not session.replies

        # a free-text public reply
        await pilot.press("r")
        await pilot.press(*"Sorry Dan, that is on us. What item were you looking for?")
        await pilot.press("enter")
        await settle(pilot)
        reply = session.replies[-1]
        assert reply.kind == "reply" and reply.public
        assert reply.text == "Sorry Dan, that is on us. What item were you looking for?"
        assert session.t > 0
        assert "What item were you looking for?" in play.query_one("#feed").text()

        # escalate to the supervisor through the modal
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EscalateModal)
        await pilot.press("enter")
        await settle(pilot)
        assert session.escalated == ["supervisor"]

        # offer the $20 credit (third in the catalogue)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OfferModal)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert session.offered == ["gas_credit"]
        assert session.spent == 20

        # go private: the DM pane opens and shows the conversation
        await pilot.press("p")
        await pilot.press(*"Dan, DM me your number and the Bay Road store will call you.")
        await pilot.press("enter")
        await settle(pilot)
        assert session.private is True
        assert session.replies[-1].kind == "private"
        pane = play.query_one("#private")
        assert pane.display and "Bay Road store will call you" in pane.text()

        # wait a quarter of an hour through the wait modal
        before = session.t
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WaitModal)
        await pilot.press("down", "enter")  # 15 minutes
        await settle(pilot)
        assert session.t >= before + 15 - 1e-6
        assert "supervisor" in session.approved  # answered after its 15-minute delay

        # finish: confirm, then the debrief scores the session
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, rounds=8)
        assert session.finished
        assert isinstance(app.screen, DebriefScreen)
        card = app.screen.card
        assert card is not None
        assert card.scenario == "stock-check" and card.seed == 7
        assert card.rules["8"]["kept"] >= 1  # the apology
        assert card.outcome in ("satisfied", "raving_fan", "neutral")
        assert 0 <= card.overall <= 100
        head = str(app.screen.query_one("#score-head").content)
        assert f"{card.overall}/100" in head

        rows = workspace().store.rows()
        assert len(rows) == 1
        assert rows[0].status == "finished" and rows[0].overall == card.overall and rows[0].trainee == "Pat"


async def test_suggested_reply_is_one_keystroke_and_coach_explains_it():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        play = await _to_play(pilot)
        await pilot.press("2")  # "Explain that the stock check is only a guide": argues and blames
        await settle(pilot)
        session = play.session
        assert session.replies[-1].choice == "defend"
        assert session.current_beat().id == "backlash"
        coach = play.query_one("#coach")
        assert coach.has_class("shown") and coach.has_class("broken")
        assert "7" in str(coach.content)
        # the next beat's suggestions replaced the old ones
        assert "Apologise properly" in play.suggestions_text()


async def test_quitting_mid_session_asks_and_home_offers_resume():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _to_play(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, LeaveModal)
        await pilot.press("escape")  # keep playing
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#resume").display
        assert [r.status for r in workspace().store.rows()] == ["in_progress"]


async def test_offer_over_authority_is_blocked_and_says_so():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        play = await _to_play(pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # same-day delivery, 40 > 25
        await settle(pilot)
        assert play.session.offered == []
        assert any(e.kind == "offer_blocked" for e in play.session.events)
        assert "over your authority" in play.query_one("#feed").text()


CRASH = textwrap.dedent("""
    import asyncio, json, os, signal, sys
    sys.path[:0] = {tests!r}
    from ui_helpers import make_app, settle

    async def main():
        app = make_app()
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.press("enter"); await pilot.pause()
            await pilot.press("enter"); await settle(pilot)
            await pilot.press("1"); await settle(pilot)
            await pilot.press("e"); await pilot.pause(); await pilot.press("enter"); await settle(pilot)
            s = app.screen.session
            print(json.dumps({{"t": s.t, "steps": s.steps, "escalated": s.escalated, "anger": s.persona.anger,
                              "events": len(s.events), "posts": sorted(s.posts)}}), flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(main())
""")


async def test_resume_after_an_abrupt_exit(tmp_path):
    code = CRASH.format(tests=[str(Path(__file__).parent), str(Path(__file__).parents[1])])
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == -9, result.stderr[-2000:]
    before = json.loads(result.stdout.strip().splitlines()[-1])
    assert before["steps"] and before["escalated"] == ["supervisor"]

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.query_one("#resume").option_count == 1
        await pilot.press("ctrl+r")
        await settle(pilot)
        play = app.screen
        assert isinstance(play, PlayScreen)
        s = play.session
        assert s.steps == before["steps"]
        assert s.t == before["t"] and s.escalated == before["escalated"]
        assert s.persona.anger == before["anger"] and len(s.events) == before["events"]
        assert sorted(s.posts) == before["posts"]
        # and it goes on from there, appending to the same transcript
        await pilot.press("3")
        await settle(pilot)
        assert len(s.steps) == len(before["steps"]) + 1
        rows = workspace().store.rows()
        assert len(rows) == 1 and rows[0].steps == len(s.steps)


async def test_report_from_a_served_tab_is_a_download_never_a_browser_on_the_server(monkeypatch):
    """`o` on the debrief in a browser tab (textual-serve): the server must not open its own browser."""
    import webbrowser

    from simulator.ui.app import CrisisApp

    opened: list = []
    delivered: list = []
    monkeypatch.setattr(webbrowser, "get", lambda *a, **k: opened.append(a) or webbrowser.BackgroundBrowser("true"))
    monkeypatch.setattr(webbrowser.BackgroundBrowser, "open", lambda self, url, *a, **k: opened.append(url) or True)
    monkeypatch.setattr(CrisisApp, "is_web", property(lambda self: True))
    app = make_app()
    app.open_browser = True
    monkeypatch.setattr(app, "deliver_text", lambda path, **kw: delivered.append((Path(path), kw)) or "key")
    async with app.run_test(size=SIZE) as pilot:
        await _to_play(pilot)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, rounds=8)
        assert isinstance(app.screen, DebriefScreen) and app.screen.card is not None
        await pilot.press("o")
        await settle(pilot, rounds=6)
        assert opened == []
        assert len(delivered) == 1
        path, options = delivered[0]
        assert path.suffix == ".html" and path.exists() and options["open_method"] == "download"
        assert isinstance(app.screen, MessageModal)
        assert "sent to this browser as a download" in str(app.screen.query_one(".dialog-body", Static).content)


async def test_the_debrief_shows_the_authors_suggestion_beside_each_message():
    """Issue 13: the debrief teaches by example, message by message, with the rule involved."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        play = await _to_play(pilot)
        session = play.session
        best = next(c for c in session.choices() if c.id == "model")
        await pilot.press("r")
        await pilot.press(*"Sure, Professor Coffee. Most people phone ahead.")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, rounds=8)
        assert isinstance(app.screen, DebriefScreen)
        text = str(app.screen.query_one("#examples").content)
        assert "Sure, Professor Coffee. Most people phone ahead." in text
        assert best.text in text  # the author's best suggestion at that point
        assert "broken" in text and "kept" not in text.split("Professor Coffee")[0]
        ex = app.screen.examples[0]
        assert ex.verdict == "broken" and ex.rule in (1, 2, 5, 7) and ex.suggestion_id == "model"


async def test_words_that_commit_to_a_remedy_ask_before_applying_it():
    from simulator.ui.screens.modals import ConfirmModal

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        play = await _to_play(pilot)
        session = play.session
        text = "I've put an HX-20 on hold for you at our Bay Road store, Dan."
        await pilot.press("r")
        await pilot.press(*text)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)  # nothing is sent until the trainee answers
        assert not session.replies
        await pilot.press("n")
        await settle(pilot)
        assert session.replies[-1].text == text and session.offered == []
        assert session.steps[-1] == {"act": {"reply": {"text": text, "commit": False}}}

        again = "We'll credit you $20 for the wasted trip, Dan."
        await pilot.press("r")
        await pilot.press(*again)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert session.offered == ["gas_credit"] and session.spent == 20
        assert session.steps[-1] == {"act": {"reply": again}}
