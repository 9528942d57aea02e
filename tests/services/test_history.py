"""`crisis history` and `crisis report` through the real CLI, with CRISIS_HOME in a temp dir."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import services
from simulator.cli import main
from simulator.format.actions import Reply
from simulator.format.scenario import load_scenario
from simulator.services import Workspace

ROOT = Path(__file__).resolve().parents[2]
GOOD = "seed: 7\nactions:\n  - choose: model\n  - choose: fix_public\n  - wait: 30m\n"
BAD = "seed: 7\nactions:\n  - choose: defend\n  - choose: double_down\n"


@pytest.fixture
def home(tmp_path, monkeypatch):
    path = tmp_path / "home"
    monkeypatch.setenv("CRISIS_HOME", str(path))
    return path


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _save(capsys, tmp_path, script, trainee="Ann"):
    play = tmp_path / f"play-{len(list(tmp_path.glob('play-*')))}.yaml"
    play.write_text(script, encoding="utf-8")
    code, out, err = _cli(capsys, "run", "stock-check", "--script", str(play), "--save", "--trainee", trainee, "--json")
    assert code == 0, err
    return json.loads(out)


def _interrupted(home, trainee="Zed"):
    """A session killed mid-play: its transcript has steps but no finish."""
    session = services.open_session(Workspace.at(home), load_scenario(ROOT / "scenarios" / "stock-check.yaml"), 11, trainee=trainee)
    session.act(Reply("Sorry Dan, what were you looking for?"))
    session.writer.close()
    return session.writer.path


def test_history_lists_sessions_scores_and_progress(home, tmp_path, capsys):
    first = _save(capsys, tmp_path, BAD, "Ann")
    second = _save(capsys, tmp_path, GOOD, "Ann")
    code, out, err = _cli(capsys, "history", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [s["overall"] for s in data["sessions"]] == [second["overall"], first["overall"]]  # newest first
    assert all(s["trainee"] == "Ann" and s["scenario"] == "stock-check" and s["seed"] == 7 for s in data["sessions"])
    progress = data["scenarios"]["stock-check"]
    assert progress["best"] == second["overall"] and progress["latest"] == second["overall"]
    assert progress["scores"] == [first["overall"], second["overall"]] and progress["trend"] == "improving"
    code, out, _ = _cli(capsys, "history")
    assert code == 0 and "PROGRESS" in out and "improving" in out and "Ann" in out


def test_interrupted_session_shows_as_resumable_and_resumes(home, tmp_path, capsys):
    path = _interrupted(home)
    code, out, _ = _cli(capsys, "history", "--json")
    assert code == 0
    row = json.loads(out)["sessions"][0]
    assert row["status"] == "in_progress" and row["resumable"] and row["steps"] == 1
    code, out, _ = _cli(capsys, "history")
    assert code == 0 and "interrupted: resumable" in out
    session = services.resume(Workspace.at(home), path.stem[-12:])
    assert len(session.steps) == 1 and not session.finished
    session.finish()
    session.writer.close()
    assert Workspace.at(home).store.rows()[0].status == "finished"


def test_corrupt_and_truncated_transcripts_are_reported_and_skipped(home, tmp_path, capsys):
    _save(capsys, tmp_path, GOOD)
    sessions = home / "sessions"
    (sessions / "20250101-000000-junk-s1.jsonl").write_bytes(b"\x00\xffnot json at all\n")
    truncated = _interrupted(home)
    with truncated.open("ab") as handle:
        handle.write(b'{"type": "step", "n": 2, "st')  # the process died mid-write
    code, out, err = _cli(capsys, "history", "--json")
    assert code == 0
    data = json.loads(out)
    assert "junk" in err and "skipped" in err and "Traceback" not in err
    assert [s["id"] for s in data["skipped"]] == ["20250101-000000-junk-s1"]
    ids = [s["id"] for s in data["sessions"]]
    assert truncated.stem in ids and "20250101-000000-junk-s1" not in ids  # a cut-off last line is still resumable
    assert data["scenarios"]["stock-check"]["sessions"] == 2


def test_rebuild_recreates_the_index_from_transcripts(home, tmp_path, capsys):
    card = _save(capsys, tmp_path, GOOD, "Ann")
    _interrupted(home, "Zed")
    before = json.loads(_cli(capsys, "history", "--json")[1])["sessions"]
    (home / "history.sqlite").unlink()
    code, out, err = _cli(capsys, "history", "--rebuild")
    assert code == 0 and "rebuilt the index from 2 transcript(s)" in out, err
    after = json.loads(_cli(capsys, "history", "--json")[1])["sessions"]
    keys = ("id", "scenario", "trainee", "seed", "status", "overall", "grade", "outcome", "started")
    assert [{k: s[k] for k in keys} for s in after] == [{k: s[k] for k in keys} for s in before]
    assert next(s for s in after if s["status"] == "finished")["overall"] == card["overall"]


def test_damaged_index_is_rebuilt_not_fatal(home, tmp_path, capsys):
    _save(capsys, tmp_path, GOOD)
    (home / "history.sqlite").write_bytes(b"this is not a database" * 100)
    code, out, err = _cli(capsys, "history", "--json")
    assert code == 0 and "damaged" in err
    assert len(json.loads(out)["sessions"]) == 1


def test_index_writes_are_transactions(home):
    store = Workspace.at(home).store
    with pytest.raises(RuntimeError), store._connect() as con:
        con.execute("INSERT INTO sessions (id, path, scenario, started, seed, status, updated) VALUES ('x', 'p', 's', 'd', 1, 'finished', 'd')")
        raise RuntimeError("crash mid-transaction")
    assert store.rows() == []
    with sqlite3.connect(store.db_path) as con:
        assert con.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0


def test_home_flag_and_platform_default(tmp_path, monkeypatch, capsys):
    other = tmp_path / "elsewhere"
    play = tmp_path / "p.yaml"
    play.write_text(GOOD, encoding="utf-8")
    assert main(["--home", str(other), "run", "stock-check", "--script", str(play), "--save"]) == 0
    assert len(list((other / "sessions").glob("*.jsonl"))) == 1 and (other / "history.sqlite").exists()
    monkeypatch.delenv("CRISIS_HOME")
    from platformdirs import user_cache_dir, user_data_dir

    ws = Workspace.from_environment()
    assert ws.data_dir == Path(user_data_dir("crisis-tabletop", appauthor=False))
    assert ws.cache_dir == Path(user_cache_dir("crisis-tabletop", appauthor=False))
    assert "CRISIS_HOME" not in os.environ  # --home is passed down, never written to the environment


def test_empty_history_says_so(home, capsys):
    code, out, _ = _cli(capsys, "history")
    assert code == 0 and "No sessions yet" in out
    assert json.loads(_cli(capsys, "history", "--json")[1])["sessions"] == []


def test_history_filters_by_scenario(home, tmp_path, capsys):
    _save(capsys, tmp_path, GOOD)
    assert json.loads(_cli(capsys, "history", "--json", "--scenario", "nope")[1])["sessions"] == []
    assert len(json.loads(_cli(capsys, "history", "--json", "--scenario", "stock-check")[1])["sessions"]) == 1


def test_report_command_by_id_part_and_path(home, tmp_path, capsys):
    card = _save(capsys, tmp_path, GOOD)
    path = next((home / "sessions").glob("*.jsonl"))
    code, out, err = _cli(capsys, "report", path.stem[:15])
    assert code == 0, err
    assert out.startswith("# After-action report") and f"**{card['overall']}/100, grade {card['grade']}**" in out
    assert f"| Date | {path.stem[:4]}-{path.stem[4:6]}-{path.stem[6:8]} |" in out  # the day it was played
    target = tmp_path / "out" / "r.html"
    code, _, err = _cli(capsys, "report", str(path), "-o", str(target), "--date", "2025-03-14")
    assert code == 0 and target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and "2025-03-14" in target.read_text()
    code, out, _ = _cli(capsys, "report", path.stem, "--format", "html", "--forecast", "50")
    assert code == 0 and '<svg id="chart-forecast"' in out


def test_report_of_an_interrupted_session_notes_it(home, capsys):
    path = _interrupted(home)
    code, out, err = _cli(capsys, "report", path.stem)
    assert code == 0 and "not finished" in err and "# After-action report" in out


def test_report_errors_are_clear(home, tmp_path, capsys):
    code, _, err = _cli(capsys, "report", "no-such-session")
    assert code == 1 and "no saved session 'no-such-session'" in err and "Traceback" not in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text("garbage\n", encoding="utf-8")
    code, _, err = _cli(capsys, "report", str(bad))
    assert code == 1 and f"{bad}:1:1:" in err and "header" in err
    code, _, err = _cli(capsys, "report", str(bad), "--date", "yesterday")
    assert code == 2


def test_report_through_a_real_process(home, tmp_path, capsys):
    _save(capsys, tmp_path, GOOD)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CRISIS_HOME": str(home)}
    done = subprocess.run([sys.executable, "-m", "simulator", "report", "stock-check", "--format", "html"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert '<svg id="chart-timeline"' in done.stdout
