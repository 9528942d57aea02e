"""The room's JSON API as a facilitator, seats and an observer use it."""

from __future__ import annotations

import json

from simulator import services


async def test_a_room_opens_paused_on_a_briefing_with_codes_per_role(api):
    made = await api.create()
    codes = made["codes"]
    assert set(codes) == {"facilitator", "observer", "projector", "agent", "supervisor", "pr", "legal", "executive"}
    assert all(len(c) >= 32 for c in codes.values()) and len(set(codes.values())) == len(codes)
    state = await api.state(made["room"], codes["facilitator"])
    assert state["session"] == made["session"] and state["running"] is False and state["t"] == 0
    seats = {s["role"]: s["person"] for s in state["briefing"]["seats"]}
    assert seats["agent"] == "Ana" and seats["legal"] == ""
    assert any(o["id"] == "acknowledge" for o in state["briefing"]["objectives"])
    assert state["briefing"]["situation"]
    assert [e["id"] for e in state["events"]][:2] == ["page_flood", "birthday_booking"]
    assert state["events"][0]["expected"].startswith("Acknowledge publicly")
    projector = await api.state(made["room"], codes["projector"])
    assert "events" not in projector and "pending" not in projector and "briefing" not in projector


async def test_only_the_seat_with_the_conversation_replies_and_roles_decide_their_own(api):
    made = await api.create()
    room, codes = made["room"], made["codes"]
    status, body = await api.act(room, codes["pr"], {"reply": "hello"})
    assert status == 409 and "Ana" in body["error"]
    status, body = await api.act(room, codes["agent"], {"escalate": "pr"})
    assert status == 200 and any(e["kind"] == "escalation" for e in body["events"])
    status, body = await api.act(room, codes["supervisor"], {"decide": {"approve": True}})
    assert status == 409 and "no request" in body["error"]
    status, _ = await api.act(room, codes["facilitator"], {"step": True})
    for _ in range(6):
        pr = await api.state(room, codes["pr"])
        if any(p["role"] == "pr" for p in pr["pending"]):
            break
        assert (await api.act(room, codes["facilitator"], {"step": True}))[0] == 200
    assert any(p["role"] == "pr" for p in pr["pending"])
    status, body = await api.act(room, codes["pr"], {"decide": {"approve": True, "note": "go"}})
    assert status == 200 and any(e["kind"] == "approval" for e in body["events"])
    status, body = await api.act(room, codes["observer"], {"inject": "ceo_call"})
    assert status == 403


async def test_questions_wait_for_the_facilitator_then_any_seat_answers(api):
    made = await api.create()
    room, codes = made["room"], made["codes"]
    status, body = await api.act(room, codes["agent"], {"answer": {"question": 2, "text": "PR owns it"}})
    assert status == 409 and "not been raised" in body["error"]
    assert (await api.act(room, codes["facilitator"], {"raise": 2}))[0] == 200
    seat = await api.state(room, codes["supervisor"])
    assert [q["question"] for q in seat["questions"]] == [2]
    status, body = await api.act(room, codes["supervisor"], {"answer": {"question": 2, "text": "PR owns it"}})
    assert status == 200 and body["events"][0]["data"]["question"] == 2
    assert (await api.state(room, codes["facilitator"]))["questions"] == []


async def test_clock_is_the_facilitators(api):
    made = await api.create()
    room, codes = made["room"], made["codes"]
    assert (await api.act(room, codes["agent"], {"run": True}))[0] == 403
    assert (await api.act(room, codes["facilitator"], {"speed": 0}))[0] == 400
    assert (await api.act(room, codes["facilitator"], {"speed": 600}))[0] == 200
    assert (await api.act(room, codes["facilitator"], {"run": True}))[0] == 200
    import asyncio
    await asyncio.sleep(0.5)
    assert (await api.act(room, codes["facilitator"], {"pause": True}))[0] == 200
    t = (await api.state(room, codes["facilitator"]))["t"]
    assert t > 0
    await asyncio.sleep(0.3)
    assert (await api.state(room, codes["facilitator"]))["t"] == t  # paused means paused
    status, _body = await api.act(room, codes["facilitator"], {"step": True})
    assert status == 200
    state = await api.state(room, codes["facilitator"])
    assert state["t"] == 25.0 and next(e for e in state["events"] if e["id"] == "birthday_booking")["fired"]
    assert (await api.act(room, codes["facilitator"], {"skip": "ceo_call"}))[0] == 200  # due at 45m
    assert (await api.act(room, codes["facilitator"], {"skip": "birthday_booking"}))[0] == 409  # already played
    assert (await api.act(room, codes["facilitator"], {"step": True}))[0] == 200
    state = await api.state(room, codes["facilitator"])
    assert state["t"] == 90.0 and next(e for e in state["events"] if e["id"] == "ceo_call")["skipped"]
    assert not next(e for e in state["events"] if e["id"] == "ceo_call")["fired"]


async def test_ratings_notes_and_documents(api):
    made = await api.create()
    room, codes = made["room"], made["codes"]
    status, _ = await api.act(room, codes["observer"], {"rate": {"objective": "acknowledge", "rating": "M", "note": "late"}},
                              **{"as": "Olu"})
    assert status == 200
    assert (await api.act(room, codes["observer"], {"rate": {"objective": "nope", "rating": "M"}}))[0] == 409
    assert (await api.act(room, codes["facilitator"], {"note": "Team hesitated"}))[0] == 200
    seat = await api.state(room, codes["agent"])  # evaluation stays with the evaluators
    assert not any("rated" in f["text"] or "hesitated" in f["text"] for f in seat["feed"])
    assert any("hesitated" in f["text"] for f in (await api.state(room, codes["observer"]))["feed"])
    assert (await api.act(room, codes["facilitator"], {"finish": True}))[0] == 200
    assert (await api.act(room, codes["observer"], {"rate": {"objective": "contain", "rating": "P"}}, **{"as": "Olu"}))[0] == 200
    r = await api.client.get(f"/api/rooms/{room}/report", headers=api.headers(codes["observer"]))
    text = await r.text()
    assert r.status == 200 and "attachment" in r.headers["Content-Disposition"]
    assert "M (Olu: late)" in text and "P (Olu)" in text and "Team hesitated" in text
    r = await api.client.get(f"/api/rooms/{room}/playbook", headers=api.headers(codes["facilitator"]))
    assert r.status == 200 and "## Objectives: computed and observed" in await r.text()
    r = await api.client.get(f"/api/rooms/{room}/report", headers=api.headers(codes["projector"]))
    assert r.status == 403
    r = await api.client.get(f"/api/rooms/{room}/fork", headers=api.headers(codes["facilitator"]))
    decisions = (await r.json())["decisions"]
    assert r.status == 200
    if decisions:
        r = await api.client.post(f"/api/rooms/{room}/fork", json={"at": 1, "action": {"wait": "10m"}},
                                  headers=api.headers(codes["facilitator"]))
        assert r.status in (200, 400)
    # the transcript replays with the ratings and notes: what `crisis report` reads
    saved = services.load_saved(api.server.workspace, made["session"])
    assert [s for s in saved.session.steps if "facilitate" in s and s["facilitate"]["kind"] == "rate"]


async def test_the_room_is_the_sessions_only_writer_and_closing_frees_it(api):
    made = await api.create()
    ws = api.server.workspace
    try:
        services.resume(ws, made["session"])
        raise AssertionError("a second writer was let in")
    except services.SessionLocked as exc:
        assert "room (pid" in str(exc)
    assert (await api.act(made["room"], made["codes"]["facilitator"], {"close": True}))[0] == 200
    assert (await api.act(made["room"], made["codes"]["facilitator"], {"pause": True}))[0] == 403  # codes died
    again = services.resume(ws, made["session"])
    assert again.drill  # a drill reopens as a drill
    again.writer.close()
    # and a room can pick it up again
    r = await api.client.post("/api/rooms", json={"resume": made["session"]}, headers=api.headers(api.server.organiser))
    assert r.status == 201, await r.text()
    body = await r.json()
    assert body["session"] == made["session"] and body["codes"]["facilitator"] != made["codes"]["facilitator"]


async def test_bad_rooms_are_refused_with_a_reason(api):
    for body, needle in (({"scenario": "nope"}, "no scenario 'nope'"),
                         ({"scenario": "viral-receipt", "team": {"cfo": "X"}}, "roles: agent, supervisor"),
                         ({"scenario": "viral-receipt", "seed": 2**64}, "seed is a whole number"),
                         ({"scenario": "viral-receipt", "drill": False}, "drill must be true"),
                         ({"scenario": "/etc/passwd"}, "no scenario"),
                         ({"resume": "../x"}, "resume takes")):
        r = await api.client.post("/api/rooms", json=body, headers=api.headers(api.server.organiser))
        assert r.status == 400 and needle in (await r.json())["error"], (body, await r.text())
    r = await api.client.post("/api/rooms", data=b"{", headers=api.headers(api.server.organiser))
    assert r.status == 400
    assert json.loads(await r.text())["error"] == "the body is not JSON"
