"""Twenty clients acting at once leave one consistent transcript that `crisis report` replays, and
every connected screen ends on the same, newest state."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
from helpers import ROOT

from simulator.room.server import Limits


@pytest.fixture
def limits():
    return Limits(tick=0.05, clients_per_room=40)


async def test_twenty_clients_at_once(api, tmp_path):
    made = await api.create()
    room, codes = made["room"], made["codes"]
    screens = []
    for role in ("facilitator", "observer", "projector", "agent", "supervisor", "pr"):
        ws = await api.client.ws_connect(f"/api/rooms/{room}/stream", headers={"Host": api.host})
        await ws.send_json({"code": codes[role]})
        assert (await ws.receive_json(timeout=10))["type"] == "state"
        screens.append(ws)
    assert (await api.act(room, codes["facilitator"], {"raise": 2}))[0] == 200

    def job(i):
        """Twenty people, each doing what their role may (and some what it may not)."""
        kinds = [
            ("agent", {"reply": f"We hear you ({i}). We're looking into it now."}),
            ("agent", {"wait": "5m"}),
            ("facilitator", {"note": f"note {i}"}),
            ("observer", {"rate": {"objective": "acknowledge", "rating": "PSMU"[i % 4], "note": f"obs {i}"}}),
            ("supervisor", {"answer": {"question": 2, "text": f"answer {i}"}}),
            ("pr", {"reply": "not my move"}),
            ("supervisor", {"decide": {"approve": True}}),
        ]
        return kinds[i % len(kinds)]

    jobs = [job(i) for i in range(20)]
    results = await asyncio.gather(*(api.act(room, codes[role], action) for role, action in jobs))
    statuses = [status for status, _ in results]
    assert set(statuses) <= {200, 409}, results
    applied = [body for status, body in results if status == 200]
    versions = sorted(body["version"] for body in applied)
    assert versions == list(range(versions[0], versions[0] + len(applied)))  # one after another, none lost
    assert statuses.count(409) >= 3  # the pr seat's replies, the supervisor's decisions with nothing waiting, a second answer
    refused = [body["error"] for status, body in results if status == 409]
    assert all(isinstance(e, str) and e for e in refused)

    # every screen ends on the newest version
    newest = versions[-1]
    for ws in screens:
        last = None
        while last is None or last["state"]["version"] < newest:
            last = await ws.receive_json(timeout=20)
        assert last["state"]["version"] == newest
        await ws.close()

    assert (await api.act(room, codes["facilitator"], {"close": True}))[0] == 200
    home = api.server.workspace.data_dir
    done = subprocess.run([sys.executable, "-m", "simulator", "--home", str(home), "report", made["session"]],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "replays differently" not in done.stderr, done.stderr
    transcript = home / "sessions" / f"{made['session']}.jsonl"
    lines = [json.loads(line) for line in transcript.read_text(encoding="utf-8").splitlines()[1:]]
    assert [line["n"] for line in lines] == list(range(1, len(lines) + 1))  # never interleaved
    assert "obs " in done.stdout and "note " in done.stdout
