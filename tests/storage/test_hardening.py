"""Issue 17 items 5, 6, 9 and 10: bounds checked at the edge, a busy index told from a damaged one,
unbounded or blocking reads refused, nothing half-written, and a clear `crisis: error: ...` where an
internal error used to be. Each case runs through the real `crisis` entry point."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.format import limits

PLAY = "actions:\n  - reply: \"Sorry Dan, that is on us. What item were you looking for?\"\n"


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("CRISIS_HOME", str(h))
    return h


@pytest.fixture
def script(tmp_path):
    p = tmp_path / "play.yaml"
    p.write_text(PLAY, encoding="utf-8")
    return p


def _err(capsys) -> str:
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err, err
    return err


def _saved(home: Path) -> list[Path]:
    return sorted((home / "sessions").glob("*.jsonl")) if (home / "sessions").exists() else []


# ---------------------------------------------------------------- item 5: seeds


@pytest.mark.parametrize("seed", [str(2**63), str(-(2**63) - 1), "9" * 300])
def test_a_seed_out_of_range_is_refused_before_anything_is_written(home, script, capsys, seed):
    assert main(["run", "stock-check", "--script", str(script), "--seed", seed, "--save"]) == 2
    assert "--seed must be between -2^63 and 2^63-1" in _err(capsys)
    assert _saved(home) == []
    assert main(["history"]) == 0  # nothing left behind for history to trip on
    _err(capsys)


def test_a_script_seed_out_of_range_is_a_positioned_error(home, tmp_path, capsys):
    p = tmp_path / "big-seed.yaml"
    p.write_text(f"seed: {2**64}\n" + PLAY, encoding="utf-8")
    assert main(["run", "stock-check", "--script", str(p), "--save"]) == 1
    assert f"{p}:1:7: error: range: seed must be between" in _err(capsys)
    assert _saved(home) == []


def test_the_largest_seed_saves_and_lists(home, script, capsys):
    assert main(["run", "stock-check", "--script", str(script), "--seed", str(limits.SEED_MAX), "--save"]) == 0
    capsys.readouterr()
    assert main(["history", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sessions"][0]["seed"] == limits.SEED_MAX


# ---------------------------------------------------------------- item 10: references, names, nesting, surrogates


@pytest.mark.parametrize("command", ["report", "playbook", "worst-case"])
@pytest.mark.parametrize("ref", ["*", "**", "''", "", "[", "a" * 300, "../../etc/passwd"])
def test_odd_session_references_are_clear_errors(home, script, capsys, command, ref):
    assert main(["run", "stock-check", "--script", str(script), "--save"]) == 0
    capsys.readouterr()
    assert main([command, ref]) == 1
    assert "crisis: error: no saved session" in _err(capsys)


def test_fork_with_a_glob_reference_is_a_clear_error(home, script, capsys):
    assert main(["fork", "**", "--at", "1", "--action", '{"reply": "x"}']) == 1
    assert "crisis: error: no saved session" in _err(capsys)


def test_a_5000_character_scenario_id_is_a_clear_error(home, script, capsys):
    assert main(["run", "x" * 5000, "--script", str(script)]) == 1
    assert "crisis: error: no scenario" in _err(capsys)


def test_deeply_nested_fork_action_is_a_usage_error(home, script, capsys):
    assert main(["drill", "stock-check", "--script", str(script), "--save"]) in (0, 1, 2)
    capsys.readouterr()
    assert main(["run", "stock-check", "--script", str(script), "--save"]) == 0
    capsys.readouterr()
    assert main(["fork", "latest", "--at", "1", "--action", "[" * 5000 + "]" * 5000]) == 2
    err = _err(capsys)
    assert "nested too deeply" in err or "not JSON" in err or "no decision" in err


def test_a_lone_surrogate_in_a_reply_is_refused_and_nothing_is_saved(home, tmp_path, capsys):
    p = tmp_path / "surrogate.yaml"
    p.write_text('actions:\n  - reply: "sorry \\ud800 x"\n', encoding="utf-8")
    assert main(["run", "stock-check", "--script", str(p), "--json", "--save"]) == 1
    assert "lone surrogate" in _err(capsys)
    assert _saved(home) == []


def test_a_trainee_name_is_bounded(home, script, capsys):
    assert main(["run", "stock-check", "--script", str(script), "--save", "--trainee", "x" * 101]) == 2
    assert "--trainee is longer than 100 characters" in _err(capsys)
    assert main(["run", "stock-check", "--script", str(script), "--save", "--trainee", "a\x1b]0;x\x07"]) == 2
    assert "control characters" in _err(capsys)


def test_nan_offer_values_are_refused(home, tmp_path, capsys):
    p = tmp_path / "nan.yaml"
    p.write_text("actions:\n  - offer: {remedy: gas_credit, value: .nan}\n", encoding="utf-8")
    assert main(["run", "stock-check", "--script", str(p), "--json"]) == 1
    assert "offer value must be a number" in _err(capsys)


def test_script_length_is_capped_for_real_time_scenarios(home, tmp_path, capsys):
    many = tmp_path / "many.json"
    many.write_text(json.dumps({"actions": [{"reply": f"sorry {i}"} for i in range(limits.MAX_REALTIME_ACTIONS + 1)]}))
    assert main(["run", "blog-day-after", "--script", str(many)]) == 1
    assert "real-time scenario has at most 200 actions" in _err(capsys)
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps({"actions": [{"wait": "1m"}] * (limits.MAX_SCRIPT_ACTIONS + 1)}))
    assert main(["run", "stock-check", "--script", str(huge)]) == 1
    assert "at most 2,000 actions" in _err(capsys)


def test_forecast_rollouts_are_capped_to_what_fits_in_memory(home, capsys):
    assert main(["forecast", "stock-check", "--rollouts", "1000000"]) == 2
    assert f"--rollouts must be between 1 and {limits.MAX_ROLLOUTS:,}" in _err(capsys)


# ---------------------------------------------------------------- crafted transcripts and index rows


CRAFTED = [
    {"seed": "x"}, {"seed": 2**70}, {"seed": 1.5}, {"scenario": ["x"]}, {"scenario": "x" * 300}, {"title": {"a": 1}},
    {"path": 5}, {"trainee": ["a"]}, {"start": "soon"}, {"start": {"clock": "NaN"}}, {"start": {"clock": 1e300}},
    {"start": {"values": [1, 2]}}, {"start": {"team": ["a"]}}, {"start": {"team": {"agent": 5}}}, {"start": {"beat": 3}},
]


@pytest.mark.parametrize("change", CRAFTED, ids=[json.dumps(c)[:30] for c in CRAFTED])
def test_crafted_transcript_headers_are_reported_not_crashed_on(home, script, capsys, change):
    assert main(["run", "stock-check", "--script", str(script), "--save"]) == 0
    capsys.readouterr()
    (path,) = _saved(home)
    lines = path.read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0])
    head.update(change)
    path.write_text("\n".join([json.dumps(head), *lines[1:]]) + "\n", encoding="utf-8")
    for argv in (["report", path.stem], ["history"], ["history", "--rebuild"], ["playbook", path.stem]):
        code = main(argv)
        _err(capsys)
        assert code in (0, 1), argv


def test_garbage_in_index_rows_is_read_not_trusted(home, script, capsys):
    assert main(["run", "stock-check", "--script", str(script), "--save"]) == 0
    assert main(["history"]) == 0
    capsys.readouterr()
    con = sqlite3.connect(home / "history.sqlite")
    con.execute("UPDATE sessions SET seed = 'abc', steps = x'00ff', sim_minutes = 'NaN', overall = 1e400, grade = 7,"
                " dimensions = '[[[[', title = x'41'")
    con.commit()
    con.close()
    assert main(["history"]) == 0
    assert main(["history", "--json"]) == 0
    out = capsys.readouterr().out
    json.loads(out.splitlines()[-1])  # valid JSON: no NaN, no Infinity


# ---------------------------------------------------------------- item 9: unbounded or blocking reads


def test_a_dev_zero_symlink_and_a_fifo_in_sessions_are_skipped(home, script, capsys):
    assert main(["run", "stock-check", "--script", str(script), "--save"]) == 0
    (home / "sessions" / "zero.jsonl").symlink_to("/dev/zero")
    os.mkfifo(home / "sessions" / "pipe.jsonl")
    result: dict = {}

    def run():
        result["code"] = main(["history", "--rebuild"])

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "crisis history hung on a FIFO or /dev/zero"
    assert result["code"] == 0
    err = _err(capsys)
    assert "not a regular file" in err


def test_a_fifo_as_a_play_script_or_scenario_is_refused(home, tmp_path, capsys):
    fifo = tmp_path / "play.yaml"
    os.mkfifo(fifo)
    code = subprocess.run([sys.executable, "-m", "simulator", "run", "stock-check", "--script", str(fifo)],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "CRISIS_HOME": str(home)})
    assert code.returncode == 1 and "not a regular file" in code.stderr


# ---------------------------------------------------------------- item 6: busy is not damaged; machine errors


def test_a_busy_index_is_not_moved_and_says_it_is_busy(home, script, capsys, monkeypatch):
    from simulator.storage import store as S

    assert main(["run", "stock-check", "--script", str(script), "--save"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(S, "BUSY_SECONDS", 0.5)
    holder = sqlite3.connect(home / "history.sqlite", timeout=0)
    holder.execute("BEGIN EXCLUSIVE")  # another process's write in flight
    try:
        started = time.monotonic()
        assert main(["history"]) == 1
        assert time.monotonic() - started >= 0.4  # it waited before giving up
        err = _err(capsys)
        assert "busy" in err and "try again" in err
        assert (home / "history.sqlite").exists() and not (home / "history.sqlite.damaged").exists()
        assert main(["run", "stock-check", "--script", str(script), "--save"]) == 1
        assert "busy" in _err(capsys)
        assert len(_saved(home)) == 1  # the refused save left no header-only transcript
    finally:
        holder.rollback()
        holder.close()
    assert main(["history"]) == 0


def test_a_damaged_index_is_rebuilt_but_not_from_under_an_open_holder(home, script, capsys):
    from simulator.storage.store import in_use

    assert main(["run", "stock-check", "--script", str(script), "--save"]) == 0
    db = home / "history.sqlite"
    holder = subprocess.Popen([sys.executable, "-c", "import sqlite3, sys, time\n"
                               f"c = sqlite3.connect({str(db)!r}); c.execute('BEGIN IMMEDIATE'); print('held', flush=True)\n"
                               "sys.stdin.readline()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert in_use(db)  # another process has it open: a rebuild would not move it
    finally:
        holder.communicate("\n", timeout=30)
    assert not in_use(db)
    db.write_bytes(b"this is not a database" * 100)
    capsys.readouterr()
    assert main(["history"]) == 0
    assert "damaged" in _err(capsys) and (home / "history.sqlite.damaged").exists()


@pytest.mark.parametrize("message, said", [("attempt to write a readonly database", "read-only"),
                                           ("database or disk is full", "disk is full")])
def test_read_only_and_full_indexes_are_reported_as_such(home, script, capsys, monkeypatch, message, said):
    real = sqlite3.connect

    def broken(*args, **kwargs):
        con = real(*args, **kwargs)

        class Refusing:
            def __getattr__(self, name):
                return getattr(con, name)

            def executescript(self, sql):
                raise sqlite3.OperationalError(message)

        return Refusing()

    monkeypatch.setattr(sqlite3, "connect", broken)
    assert main(["run", "stock-check", "--script", str(script), "--save"]) == 1
    err = _err(capsys)
    assert said in err and "crisis: error:" in err
    assert _saved(home) == []


def test_a_full_disk_while_saving_leaves_no_half_written_transcript(home, script, capsys, monkeypatch):
    from simulator.storage import transcript as T

    real_fsync = os.fsync
    calls = {"n": 0}

    def full(fd):
        calls["n"] += 1
        if calls["n"] >= 2:  # the header is written; the first step meets a full disk
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(T.os, "fsync", full)
    assert main(["run", "stock-check", "--script", str(script), "--save"]) == 1
    err = _err(capsys)
    assert "No space left on device" in err and "disk is full" in err
    assert _saved(home) == []
    monkeypatch.setattr(T.os, "fsync", real_fsync)
    assert main(["history", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == []


def test_an_unwritable_home_is_a_clear_error(tmp_path, script, capsys):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    assert main(["--home", str(blocker / "home"), "run", "stock-check", "--script", str(script), "--save"]) == 1
    assert "crisis: error:" in _err(capsys)


# ---------------------------------------------------------------- the audience cache


def test_a_truncated_or_tampered_audience_cache_is_rebuilt(home, tmp_path, capsys, monkeypatch):
    from helpers import workspace

    from simulator.format.scenario import load_scenario
    from simulator.services import locate, new_session

    scenario = load_scenario(locate("viral-receipt"))
    ws = workspace()
    first = new_session(ws, scenario, 3)
    files = sorted(Path(ws.audiences.directory).glob("audience-*.npz"))
    if not files:
        pytest.skip("this scenario's audience is small enough not to be cached")
    npz = files[0]
    assert npz.with_name(npz.name + ".sha256").exists()
    reach = first.ripple.audience.reach.copy()
    for damage in (lambda b: b[: len(b) // 2], lambda b: b[:-200] + b"\0" * 200, lambda b: b""):
        npz.write_bytes(damage(npz.read_bytes()))
        again = new_session(workspace(), scenario, 3)
        assert (again.ripple.audience.reach == reach).all()
        assert npz.exists() and npz.with_name(npz.name + ".sha256").exists()  # rebuilt and saved again


def test_json_outputs_escape_bidi_and_c1_characters(home, script, capsys):
    assert main(["run", "stock-check", "--script", str(script), "--save", "--trainee", "Pat\u202eevil\u0085"]) == 2
    assert "control characters" in _err(capsys)  # U+0085 is a C1 control: refused as a name
    assert main(["run", "stock-check", "--script", str(script), "--save", "--trainee", "Pat\u202eevil"]) == 0
    capsys.readouterr()
    assert main(["history", "--json"]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\\u202e" in out
    assert json.loads(out)["sessions"][0]["trainee"] == "Pat\u202eevil"  # the same value, escaped
