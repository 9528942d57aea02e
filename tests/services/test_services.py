"""The services layer: one workspace object, one catalogue, one way to open saved sessions."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from helpers import STARTER, workspace

from simulator import services
from simulator.cli import main
from simulator.format import actions as A
from simulator.format.scenario import load_scenario


def test_the_workspace_comes_from_home_then_the_environment(tmp_path):
    ws = services.Workspace.from_environment(tmp_path / "h", environ={"CRISIS_HOME": str(tmp_path / "env")})
    assert ws.data_dir == tmp_path / "h" and ws.cache_dir == tmp_path / "h" / "cache"
    assert ws.store.root == ws.data_dir and ws.audiences.directory == ws.cache_dir
    ws = services.Workspace.from_environment(environ={"CRISIS_HOME": str(tmp_path / "env")})
    assert ws.data_dir == tmp_path / "env"


def test_home_is_passed_down_not_written_to_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CRISIS_HOME")
    assert main(["--home", str(tmp_path / "h"), "history", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["home"] == str(tmp_path / "h")
    assert "CRISIS_HOME" not in os.environ


def test_the_catalogue_has_one_scenario_per_id_for_list_and_home(tmp_path, capsys):
    copy = tmp_path / "more"
    copy.mkdir()
    shutil.copy(STARTER, copy / "stock-check-copy.yaml")
    catalog = services.catalogue(services.catalogue_sources([copy]))
    assert [s.id for s in catalog.scenarios].count("stock-check") == 1
    assert catalog.is_bundled(catalog.get("stock-check"))
    assert main(["list", "--json", str(copy)]) == 0
    listed = json.loads(capsys.readouterr().out)["scenarios"]
    assert [e["id"] for e in listed].count("stock-check") == 1
    assert next(e for e in listed if e["id"] == "stock-check")["bundled"] is True


def test_start_options_are_checked_against_the_scenario():
    scenario = load_scenario(STARTER)
    start = services.parse_start(None, "T+30m", [])
    assert start.clock == 30
    with pytest.raises(services.StartError, match="--set takes VAR=VALUE"):
        services.parse_start(None, None, ["nope"])
    with pytest.raises(services.StartError, match="no beat"):
        services.check_start(scenario, services.parse_start("no-such-beat"))


def test_finish_score_record_and_load_saved():
    ws = workspace()
    scenario = load_scenario(STARTER)
    session = services.open_session(ws, scenario, 7, trainee="Pat")
    session.act(A.Choose("model"))
    card = services.finish_and_score(ws, session)
    row = ws.store.rows()[0]
    assert (row.status, row.overall, row.grade, row.trainee) == ("finished", card.overall, card.grade, "Pat")
    saved = services.load_saved(ws, row.id[-10:])
    assert saved.session.steps == session.steps and saved.notes == ()
    with pytest.raises(services.SavedSessionError, match="crisis: error: no saved session"):
        services.load_saved(ws, "no-such-session")


def test_the_history_index_is_rebuilt_with_scores_from_services():
    ws = workspace()
    session = services.open_session(ws, load_scenario(STARTER), 3)
    session.act(A.Choose("model"))
    card = services.finish_and_score(ws, session)
    ws.store.db_path.unlink()
    assert services.rebuild_history(ws) == []
    assert ws.store.rows()[0].overall == card.overall


def test_reports_and_playbooks_are_written_in_the_workspace():
    ws = workspace()
    session = services.new_session(ws, load_scenario(STARTER), 7)
    card = services.finish_and_score(ws, session, turning_points=False)
    report = services.write_report_html(ws, session, card)
    assert report.parent == ws.reports_dir and report.read_text(encoding="utf-8").startswith("<!")
    path, text = services.write_playbook(ws, session, card, date="2025-03-01")
    assert path.parent == ws.playbooks_dir and path.read_text(encoding="utf-8") == text


def test_play_actions_says_which_action_failed_or_was_left_unplayed():
    scenario = load_scenario(STARTER)
    session = services.new_session(None, scenario, 7)
    assert services.play_actions(session, [{"choose": "model"}, A.Wait(30)]) is None
    with pytest.raises(services.ActionFailed) as failed:
        services.play_actions(session, [A.Wait(1), A.Escalate("nobody")])
    assert failed.value.number == 2 and "no role 'nobody'" in str(failed.value.error)
    session.finish()
    assert services.play_actions(session, [A.Wait(1), A.Wait(2)]) == 1
