"""`crisis join`: a seat of a room in the Textual UI, talking to the room's API (Textual's pilot)."""

from __future__ import annotations

import asyncio

import pytest

from simulator.cli import main
from simulator.ui.joined import JoinedApp
from simulator.ui.remote import JoinError, RoomLink, command

pytestmark = pytest.mark.ui


async def _until(pilot, predicate, seconds=20.0, message=lambda: ""):
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"the screen never showed it {message()}")


def _text(app, selector) -> str:
    return str(app.query_one(selector).render())


async def test_the_conversation_seat_plays_from_the_terminal(api):
    made = await api.create()
    link = RoomLink.parse(f"http://{api.host}/room/{made['room']}/seat#{made['codes']['agent']}")
    app = JoinedApp(link)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: bool(app.state))
        assert "Ana" in _text(app, "#head") and "paused" in _text(app, "#head")
        assert "/1" in _text(app, "#asks")  # the suggested moves, numbered
        await pilot.click("#composer")
        await pilot.press(*"/1", "enter")
        await _until(pilot, lambda: any(f["kind"] == "brand" for f in app.state.get("feed", [])))
        await pilot.press(*"/escalate pr need a statement", "enter")
        await _until(pilot, lambda: "asked VP Communications" in _text(app, "#feed-text"))
        await pilot.press(*"/answer 2 nope", "enter")
        await _until(pilot, lambda: "not been raised" in _text(app, "#status"))


async def test_another_seat_decides_what_is_addressed_to_it(api):
    made = await api.create()
    room, codes = made["room"], made["codes"]
    app = JoinedApp(RoomLink.parse(f"http://{api.host}/room/{room}/seat", codes["pr"]))
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: bool(app.state))
        assert "conversation is" in _text(app, "#asks")
        await pilot.click("#composer")
        await pilot.press(*"hello", "enter")
        await _until(pilot, lambda: "not your move" in _text(app, "#status"))
        composer = app.query_one("#composer")
        assert composer.value == "hello"  # a refused line stays, to be fixed or cleared
        composer.value = ""
        await api.act(room, codes["agent"], {"escalate": "pr"})
        for _ in range(3):
            await api.act(room, codes["facilitator"], {"step": True})
        await _until(pilot, lambda: "DECIDE" in _text(app, "#asks"))
        await pilot.press(*"/approve 300 go ahead", "enter")
        await _until(pilot, lambda: "approved" in _text(app, "#feed-text"), message=lambda: _text(app, "#status"))
        assert any(e for e in app.state["feed"] if "up to 300" in e["text"])
        await api.act(room, codes["facilitator"], {"close": True})
        await _until(pilot, lambda: "closed" in _text(app, "#status") or "closed" in _text(app, "#head"))
        await asyncio.sleep(0)


def test_commands_and_links():
    assert command("we hear you") == {"reply": "we hear you"}
    assert command("/2", [{"id": "a"}, {"id": "b"}]) == {"choose": "b"}
    assert command("/offer gift_card 25") == {"offer": {"remedy": "gift_card", "value": 25.0}}
    assert command("/deny not now") == {"decide": {"approve": False, "note": "not now"}}
    with pytest.raises(JoinError):
        command("/9", [])
    with pytest.raises(JoinError):
        command("/bogus")
    link = RoomLink.parse("https://drill.example.org/room/abc/seat#CODE")
    assert (link.base, link.room, link.code) == ("https://drill.example.org", "abc", "CODE")
    assert RoomLink.parse("http://h:1/room/abc/seat#x", "given").code == "given"
    with pytest.raises(JoinError, match="a code is needed"):
        RoomLink.parse("http://h:1/room/abc/seat")


def test_join_usage_errors(capsys):
    assert main(["join", "ftp://x/room/a"]) == 2
    assert main(["join", "http://127.0.0.1:8000/room/abc/seat"]) == 2
    assert "a code is needed" in capsys.readouterr().err
