"""Safe to open on a network: foreign Origin and Host refused, codes checked and rate-limited, caps held."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from simulator.room.codes import Attempts, Codes
from simulator.room.server import Limits


async def test_foreign_origin_and_unknown_host_are_refused(api):
    made = await api.create()
    room, code = made["room"], made["codes"]["facilitator"]
    url = f"/api/rooms/{room}/actions"
    evil = api.headers(code, Origin="http://evil.example")
    r = await api.client.post(url, json={"action": {"pause": True}}, headers=evil)
    assert r.status == 403 and "origin" in (await r.json())["error"]
    other_port = api.headers(code, Origin="http://127.0.0.1:1")  # a page on another localhost port
    assert (await api.client.post(url, json={"action": {"pause": True}}, headers=other_port)).status == 403
    assert (await api.client.post(url, json={"action": {"pause": True}},
                                  headers=api.headers(code, Origin="null"))).status == 403
    rebound = {"Host": f"attacker.example:{api.client.port}", "Authorization": f"Bearer {code}"}  # DNS rebinding
    r = await api.client.get(f"/api/rooms/{room}", headers=rebound)
    assert r.status == 403 and "Host" in (await r.json())["error"]
    r = await api.client.get("/", headers={"Host": f"attacker.example:{api.client.port}"})
    assert r.status == 403
    same = api.headers(code, Origin=f"http://{api.host}")
    assert (await api.client.post(url, json={"action": {"pause": True}}, headers=same)).status == 200
    with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
        await api.client.ws_connect(f"/api/rooms/{room}/stream", headers={"Host": api.host, "Origin": "http://evil.example"})
    assert caught.value.status == 403


async def test_codes_are_needed_checked_and_rate_limited(api):
    made = await api.create()
    room = made["room"]
    r = await api.client.get(f"/api/rooms/{room}", headers=api.headers())
    assert r.status == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    assert (await api.client.post("/api/rooms", json={"scenario": "viral-receipt"}, headers=api.headers())).status == 401
    assert (await api.client.post("/api/rooms", json={"scenario": "viral-receipt"},
                                  headers=api.headers(made["codes"]["facilitator"]))).status == 403  # a room code is not the organiser's
    for _ in range(9):  # with the organiser-code miss above: the 10 a minute an address may fail
        assert (await api.client.get(f"/api/rooms/{room}", headers=api.headers("guess"))).status == 403
    r = await api.client.get(f"/api/rooms/{room}", headers=api.headers("x" * 43))
    assert r.status == 429 and int(r.headers["Retry-After"]) >= 1
    r = await api.client.get(f"/api/rooms/{room}", headers=api.headers(made["codes"]["observer"]))
    assert r.status == 429  # even a good code waits once the address is blocked


def test_attempts_window_slides():
    now = [0.0]
    attempts = Attempts(3, 60.0, clock=lambda: now[0])
    for _ in range(3):
        attempts.failed("a")
    assert attempts.blocked("a") == 60.0 and attempts.blocked("b") == 0.0
    now[0] = 61.0
    assert attempts.blocked("a") == 0.0


def test_codes_are_long_distinct_and_die_with_the_room():
    codes = Codes(["facilitator", "observer", "agent"])
    table = codes.as_dict()
    assert all(len(c) >= 32 for c in table.values())  # 24 random bytes: 192 bits
    assert codes.role_of(table["agent"]) == "agent" and codes.role_of(table["agent"][:-1]) is None
    assert codes.role_of("") is None and codes.role_of("x" * 5000) is None
    codes.revoke()
    assert codes.role_of(table["facilitator"]) is None


@pytest.fixture
def limits():
    return Limits(tick=0.05, rooms=1, clients_per_room=2)


async def test_caps_on_rooms_clients_and_sizes(api):
    made = await api.create()
    r = await api.client.post("/api/rooms", json={"scenario": "viral-receipt"}, headers=api.headers(api.server.organiser))
    assert r.status == 503 and "at most 1 rooms" in (await r.json())["error"]
    room, code = made["room"], made["codes"]["observer"]
    big = {"action": {"note": "x" * 70_000}}
    r = await api.client.post(f"/api/rooms/{room}/actions", json=big, headers=api.headers(code))
    assert r.status == 413
    sockets = []
    for _ in range(2):
        ws = await api.client.ws_connect(f"/api/rooms/{room}/stream", headers={"Host": api.host})
        await ws.send_json({"code": code})
        first = await ws.receive_json(timeout=10)
        assert first["type"] == "state" and first["state"]["role"] == "observer"
        sockets.append(ws)
    third = await api.client.ws_connect(f"/api/rooms/{room}/stream", headers={"Host": api.host})
    await third.send_json({"code": code})
    msg = await third.receive(timeout=10)
    assert msg.type == aiohttp.WSMsgType.CLOSE and msg.data == 4429
    await sockets[0].send_str("x" * 10_000)  # over the message cap: that socket is closed
    msg = await sockets[0].receive(timeout=10)
    assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)
    bad = await api.client.ws_connect(f"/api/rooms/{room}/stream", headers={"Host": api.host})
    await bad.send_json({"code": "wrong"})
    msg = await bad.receive(timeout=10)
    assert msg.type == aiohttp.WSMsgType.CLOSE and msg.data == 4403
    for ws in sockets[1:]:
        await ws.close()
    await asyncio.sleep(0)


async def test_pages_carry_a_strict_policy_and_static_files_are_whitelisted(api):
    r = await api.client.get("/", headers=api.headers())
    assert r.status == 200
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    for bad in ("/static/..%2fserver.py", "/static/room.py", "/static/.hidden.js", "/room/x/admin"):
        assert (await api.client.get(bad, headers=api.headers())).status == 404, bad
