"""A room server on aiohttp's test server, with its organiser code and helpers to call the API."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer
from helpers import workspace

from simulator.room import guard
from simulator.room.server import Limits, Server, make_app


class Api:
    def __init__(self, client: TestClient, server: Server):
        self.client = client
        self.server = server
        self.host = f"127.0.0.1:{client.port}"

    def headers(self, code=None, **extra):
        h = {"Host": self.host}
        if code:
            h["Authorization"] = f"Bearer {code}"
        h.update(extra)
        return h

    async def create(self, scenario="viral-receipt", seed=7, team=None, **body):
        body = {"scenario": scenario, "seed": seed, "drill": True,
                "team": team if team is not None else {"agent": "Ana", "supervisor": "Sam", "pr": "Pat"}, **body}
        r = await self.client.post("/api/rooms", json=body, headers=self.headers(self.server.organiser))
        assert r.status == 201, await r.text()
        return await r.json()

    async def act(self, room, code, action, **extra):
        r = await self.client.post(f"/api/rooms/{room}/actions", json={"action": action, **extra}, headers=self.headers(code))
        return r.status, await r.json()

    async def state(self, room, code):
        r = await self.client.get(f"/api/rooms/{room}", headers=self.headers(code))
        assert r.status == 200, await r.text()
        return await r.json()


@pytest.fixture
def limits():
    return Limits(tick=0.05)


@pytest.fixture
async def api(tmp_path, limits):
    server = Server(workspace(tmp_path / "home"), guard.allowed_hosts("127.0.0.1"), limits=limits)
    client = TestClient(TestServer(make_app(server), host="127.0.0.1"))
    await client.start_server()
    try:
        yield Api(client, server)
    finally:
        await client.close()
