"""Issue 16's first hour: `--save` names the session, `latest` works wherever a session is taken,
every scenario `crisis list` shows opens by its id, playtest files validate as playtests,
non-file errors read `crisis: error: ...`, and `--home` goes anywhere on the line."""

import json
import shutil

import pytest
from helpers import STARTER

from simulator import services
from simulator.cli import main

SCRIPT = "seed: 7\nactions:\n  - choose: model\n  - choose: fix_public\n  - wait: 30m\n"


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "play.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    return str(path)


def _sessions(home):
    return sorted(p.stem for p in (home / "sessions").glob("*.jsonl"))


def test_run_save_names_the_session_in_text_and_json(tmp_path, script, capsys):
    home = tmp_path / "home"
    assert main(["--home", str(home), "run", "stock-check", "--script", script, "--save"]) == 0
    out = capsys.readouterr().out
    [first] = _sessions(home)
    assert f"saved session {first}" in out
    assert main(["--home", str(home), "run", "stock-check", "--script", script, "--save", "--json", "--seed", "8"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["session"] in _sessions(home) and card["session"] != first
    assert main(["--home", str(home), "run", "stock-check", "--script", script, "--json"]) == 0
    assert "session" not in json.loads(capsys.readouterr().out)  # not saved: nothing to name


def test_latest_and_latest_n_wherever_a_session_is_taken(tmp_path, script, capsys):
    home = tmp_path / "home"
    ids = []
    for seed in (3, 4):
        assert main(["--home", str(home), "run", "stock-check", "--script", script, "--save", "--json", "--seed", str(seed)]) == 0
        ids.append(json.loads(capsys.readouterr().out)["session"])
    ws = services.Workspace.at(home)
    assert services.session_path(ws, "latest").stem == ids[1]
    assert services.session_path(ws, "latest~1").stem == ids[0]
    assert services.load_saved(ws, "latest~1").session.seed == 3
    assert services.resume(ws, "latest").seed == 4
    assert services.is_drill(ws, "latest") is False

    assert main(["report", "latest", "--home", str(home)]) == 0  # --home after the subcommand
    assert capsys.readouterr().out.strip()
    assert main(["report", "latest~1", "--home", str(home), "--date", "2026-01-02"]) == 0
    assert capsys.readouterr().out.strip()
    assert main(["--home", str(home), "playbook", "latest", "--date", "2026-01-02"]) == 0
    assert capsys.readouterr().out.strip()
    assert main(["--home", str(home), "fork", "latest", "--list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["decisions"]
    assert main(["--home", str(home), "worst-case", "latest~1", "--rollouts", "5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)

    assert main(["--home", str(home), "report", "latest~2"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("crisis: error: ") and "only 2 saved sessions" in err


def test_latest_with_no_sessions_is_a_plain_error(tmp_path, capsys):
    assert main(["report", "latest", "--home", str(tmp_path / "empty")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("crisis: error: no saved sessions yet")
    assert ":1:1:" not in err


def test_home_is_accepted_before_and_after_the_subcommand(tmp_path, script, capsys):
    before, after = tmp_path / "before", tmp_path / "after"
    assert main(["run", "stock-check", "--script", script, "--save", "--home", str(after)]) == 0
    assert main(["--home", str(before), "run", "stock-check", "--script", script, "--save"]) == 0
    assert len(_sessions(after)) == 1 and len(_sessions(before)) == 1
    assert main(["--home", str(before), "history", "--json"]) == 0
    capsys.readouterr()
    assert main(["msel", "export", str(STARTER), "--home", str(before)]) == 0


@pytest.mark.parametrize("argv", [["run", "no-such-id", "--script", "SCRIPT"], ["test", "no-such-id"],
                                  ["graph", "no-such-id"], ["forecast", "no-such-id"]])
def test_an_unknown_id_is_not_a_file_position(argv, script, capsys):
    assert main([a if a != "SCRIPT" else script for a in argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith("crisis: error: no scenario 'no-such-id'")
    assert ":1:1:" not in err and "None" not in err


def test_every_listed_scenario_opens_by_its_id(tmp_path, script, monkeypatch, capsys):
    """The starter's comment promises it: `crisis new late-parcel` in ./scenarios, then `crisis run late-parcel`."""
    monkeypatch.chdir(tmp_path)
    assert main(["new", "Late Parcel", "-o", "scenarios"]) == 0
    extra = tmp_path / "more"
    extra.mkdir()
    shutil.copy(tmp_path / "scenarios" / "late-parcel.yaml", extra / "renamed-file.yaml")
    text = (extra / "renamed-file.yaml").read_text(encoding="utf-8").replace("id: late-parcel", "id: other-parcel", 1)
    (extra / "renamed-file.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("CRISIS_SCENARIOS", str(extra))
    capsys.readouterr()
    assert main(["list", "--json"]) == 0
    listed = {s["id"] for s in json.loads(capsys.readouterr().out)["scenarios"]}
    assert {"late-parcel", "other-parcel", "stock-check"} <= listed  # CRISIS_SCENARIOS adds, never replaces
    play = tmp_path / "p.yaml"
    for sid in ("late-parcel", "other-parcel"):
        first = services.find(sid).beats[0].choices[0].id
        play.write_text(f"seed: 1\nactions:\n  - choose: {first}\n", encoding="utf-8")
        assert main(["run", sid, "--script", str(play), "--json"]) == 0, capsys.readouterr().err
        assert json.loads(capsys.readouterr().out)["scenario"] == sid
        assert main(["test", sid]) == 0, capsys.readouterr().out
        capsys.readouterr()
    # play and drill resolve ids the same way (services.locate), without opening the UI here
    from simulator.cli.core import load_or_fail
    assert load_or_fail("late-parcel").id == "late-parcel"
    assert load_or_fail("other-parcel").id == "other-parcel"


def test_validate_checks_playtest_files_as_playtests(tmp_path, capsys):
    folder = tmp_path / "scenarios"
    assert main(["new", "Late Parcel", "-o", str(folder)]) == 0
    (folder / "late-parcel.playtest.yaml").write_text(
        "tests:\n  - name: waits\n    actions: [{wait: 30m}]\n    expect: {overall_min: 0}\n", encoding="utf-8")
    capsys.readouterr()
    files = sorted(str(p) for p in folder.glob("*.yaml"))
    assert main(["validate", *files]) == 0, capsys.readouterr().err
    assert "2 of 2 files valid" in capsys.readouterr().out
    (folder / "late-parcel.playtest.yaml").write_text("tests:\n  - nme: x\n", encoding="utf-8")
    assert main(["validate", *files]) == 1
    err = capsys.readouterr().err
    assert "late-parcel.playtest.yaml:" in err and "late-parcel.yaml:" not in err
