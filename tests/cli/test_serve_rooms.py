"""`crisis serve` hosts drill rooms: loopback by default, the organiser link, a first room, clear errors."""

from __future__ import annotations

import re

import pytest

from simulator.cli import main


@pytest.fixture
def ran(monkeypatch):
    import simulator.room.server as server_module

    calls = []
    monkeypatch.setattr(server_module, "run", lambda server, host, port: calls.append((server, host, port)))
    return calls


def test_rooms_by_default_on_loopback_with_an_organiser_link(ran, capsys):
    assert main(["serve"]) == 0
    server, host, port = ran[0]
    assert (host, port) == ("127.0.0.1", 8000) and server.rooms == {}
    err = capsys.readouterr().err
    assert "Drill rooms on http://127.0.0.1:8000 (this machine only)" in err and "warning" not in err
    assert f"http://127.0.0.1:8000/#k={server.organiser}" in err and len(server.organiser) >= 32
    assert "attacker.example" not in server.allowed and "127.0.0.1" in server.allowed


def test_a_first_room_with_its_team_and_the_network_warning(ran, capsys):
    assert main(["serve", "viral-receipt", "--seed", "3", "--team", "agent=Ana", "--team", "pr=Pat", "--host", "0.0.0.0",
                 "--port", "8124", "--allow-host", "drill.example.org"]) == 0
    server, _host, _ = ran[0]
    (room,) = server.rooms.values()
    assert room.team.person("pr") == "Pat" and room.session.seed == 3 and room.session.drill
    err = capsys.readouterr().err
    assert err.startswith("warning: serving drill rooms on 0.0.0.0:8124") and "Anyone with a room's code" in err
    link = re.search(r"Facilitator link .*: (\S+)", err).group(1)
    assert link.endswith(f"/room/{room.id}/facilitator#{room.codes.as_dict()['facilitator']}")
    assert "drill.example.org" in server.allowed
    room.session.writer.close()


def test_room_usage_errors(ran, capsys):
    assert main(["serve", "viral-receipt", "--team", "cfo=X"]) == 2
    assert "no role 'cfo' in viral-receipt (roles: agent, supervisor, pr, legal, executive)" in capsys.readouterr().err
    assert main(["serve", "--team", "agent=X"]) == 2
    assert main(["serve", "viral-receipt", "--drill"]) == 2
    assert main(["serve", "no-such-scenario"]) == 2
    assert "no scenario 'no-such-scenario'" in capsys.readouterr().err
    assert ran == []
