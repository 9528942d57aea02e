"""`crisis new`: the starter file validates, lints clean, passes its tests and plays."""

import json
from pathlib import Path

import pytest

from simulator.authoring.lint import lint_path
from simulator.authoring.new import SCHEMA_NAME, schema_ref, slug
from simulator.cli import main
from simulator.format.scenario import load_scenario, validate_path
from simulator.format.schema import to_json_schema
from simulator.headless import run

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("track", ["onboarding", "drill"])
def test_starter_is_valid_clean_tested_and_playable(tmp_path, capsys, track):
    assert main(["new", "Late Parcel", "--track", track, "-o", str(tmp_path)]) == 0
    path = tmp_path / "late-parcel.yaml"
    assert f"wrote {path}" in capsys.readouterr().out
    assert validate_path(path) == []
    assert lint_path(path).diagnostics == ()
    assert main(["lint", str(path)]) == 0
    assert main(["test", str(path)]) == 0
    assert "3 passed, 0 failed" in capsys.readouterr().out
    scenario = load_scenario(path)
    assert scenario.id == "late-parcel" and scenario.title == "Late Parcel" and scenario.track == track
    first = scenario.beats[0].choices[0].id
    session = run(scenario, [{"choose": first}, {"wait": "30m"}], seed=2)
    assert session.finished and session.replies and session.visited[0] == scenario.beats[0].id


def test_modeline_points_at_the_schema_written_beside_the_file(tmp_path):
    main(["new", "x", "-o", str(tmp_path)])
    first = (tmp_path / "x.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./scenario.schema.json"
    assert json.loads((tmp_path / SCHEMA_NAME).read_text(encoding="utf-8")) == to_json_schema()
    # never an absolute path of this machine, nor a path into the installed package
    assert "file:" not in first and "site-packages" not in first
    # in the project's scenarios/ folder the docs' copy is current and is used instead
    assert schema_ref(ROOT / "scenarios") == "../docs/scenario.schema.json"


def test_new_refreshes_its_own_schema_and_keeps_a_foreign_file(tmp_path, capsys):
    (tmp_path / SCHEMA_NAME).write_text('{"$id": "https://crisis-tabletop.invalid/schema/scenario-v1.json"}', encoding="utf-8")
    assert main(["new", "a", "-o", str(tmp_path)]) == 0
    assert json.loads((tmp_path / SCHEMA_NAME).read_text(encoding="utf-8")) == to_json_schema()
    other = tmp_path / "other"
    other.mkdir()
    (other / SCHEMA_NAME).write_text('{"title": "someone else\'s"}', encoding="utf-8")
    capsys.readouterr()
    assert main(["new", "b", "-o", str(other)]) == 1
    assert "error: exists" in capsys.readouterr().err
    assert "someone else" in (other / SCHEMA_NAME).read_text(encoding="utf-8")
    assert not (other / "b.yaml").exists()


def test_schema_write_puts_the_schema_in_a_folder(tmp_path, capsys):
    target = tmp_path / "mine"
    assert main(["schema", "--write", str(target)]) == 0
    captured = capsys.readouterr()
    assert f"wrote {target / SCHEMA_NAME}" in captured.out
    assert "$schema=./scenario.schema.json" in captured.err
    assert json.loads((target / SCHEMA_NAME).read_text(encoding="utf-8")) == to_json_schema()
    assert main(["schema", "--write", str(target)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_refuses_to_overwrite(tmp_path, capsys):
    assert main(["new", "x", "-o", str(tmp_path)]) == 0
    (tmp_path / "x.yaml").write_text("mine", encoding="utf-8")
    assert main(["new", "x", "-o", str(tmp_path)]) == 1
    assert "error: exists:" in capsys.readouterr().err
    assert (tmp_path / "x.yaml").read_text(encoding="utf-8") == "mine"
    assert main(["new", "x", "-o", str(tmp_path), "--force"]) == 0
    assert validate_path(tmp_path / "x.yaml") == []


def test_hostile_names_become_safe_ids_and_quoted_titles(tmp_path):
    assert slug("Ünïcode: Late!! Parcel") == "n-code-late-parcel"
    assert slug("!!!") == "my-scenario"
    assert main(["new", 'Say "hi"\x1b[2J: yes', "-o", str(tmp_path)]) == 0
    [path] = tmp_path.glob("*.yaml")
    assert load_scenario(path).title == 'Say "hi"\x1b[2J: yes'


def test_bad_track_is_a_usage_error():
    assert main(["new", "x", "--track", "epic"]) == 2
