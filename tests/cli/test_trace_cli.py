"""`crisis run --trace`, `crisis test -v`, and the checks an author meets (issue 18), through the real entry point."""

import json
import subprocess
import sys

from helpers import ROOT, STARTER

from simulator.format.scenario import validate_path


def crisis(*args):
    return subprocess.run([sys.executable, "-m", "simulator", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


SCRIPT = """seed: 7
# a comment, so the action lines are not the action numbers
actions:
  - choose: model

  - reply: "Sorry Dan, we'll have one set aside for you today at Bay Road."
  - wait: 30m
"""


def test_run_trace_explains_beats_matches_promises_state_and_choices(tmp_path):
    script = tmp_path / "play.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    result = crisis("run", str(STARTER), "--script", str(script), "--trace")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("trace:\n")
    assert "entered opening (start)" in out
    assert "knows_item: False -> True (by choice model)" in out
    assert "entered details (goto from choice model)" in out
    assert "free text “Sorry Dan" in out and "-> choice fix_public" in out
    assert "blame_site: different tone" in out
    assert "promise p1 made" in out
    assert "fix_public unavailable: already taken" in out
    assert "customer spoke (trigger" in out
    assert "Overall" in out  # the scorecard still follows


def test_run_trace_json_is_plain_data(tmp_path):
    script = tmp_path / "play.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    result = crisis("run", str(STARTER), "--script", str(script), "--trace", "--json")
    data = json.loads(result.stdout)
    kinds = {entry["kind"] for entry in data["trace"]}
    assert {"beat", "choices", "match", "promise", "state", "line"} <= kinds
    match = next(e for e in data["trace"] if e["kind"] == "match")
    assert match["matched"] == "fix_public" and any(c["choice"] == "fix_public" and "jaccard" in c for c in match["candidates"])


def test_run_without_trace_prints_none(tmp_path):
    script = tmp_path / "play.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    assert "trace" not in json.loads(crisis("run", str(STARTER), "--script", str(script), "--json").stdout)


def test_a_script_error_points_at_the_scripts_line_and_says_why(tmp_path):
    script = tmp_path / "play.yaml"
    script.write_text("seed: 7\n# note\nactions:\n\n  - choose: model\n  - choose: model\n", encoding="utf-8")
    result = crisis("run", str(STARTER), "--script", str(script))
    assert result.returncode == 1
    assert f"{script}:6:5: error: bad-action: action 2: choice 'model' is not available now: it belongs to beat 'opening'" \
        in result.stderr


def test_test_verbose_prints_each_tests_trace():
    result = crisis("test", str(STARTER), "-v", "-k", "good")
    assert "entered opening (start)" in result.stdout and "      T+0m" in result.stdout
    data = json.loads(crisis("test", str(STARTER), "-v", "-k", "good", "--json").stdout)
    assert all(t["trace"] for t in data["tests"])


def test_an_expectation_naming_a_spillover_or_beat_that_does_not_exist_fails(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(STARTER.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "s.playtest.yaml").write_text(
        "tests:\n  - name: typo\n    actions: [{wait: 10m}]\n    expect: {no_spillover: [a_typo], beats: [openin]}\n", encoding="utf-8")
    result = crisis("test", str(tmp_path / "s.playtest.yaml"))
    assert result.returncode == 1
    assert "no_spillover: the scenario has no spillover 'a_typo'" in result.stdout
    assert "beats: the scenario has no beat 'openin' (did you mean 'opening'?)" in result.stdout


def test_inline_test_expectations_are_checked_by_validate(tmp_path):
    text = STARTER.read_text(encoding="utf-8").rstrip("\n")
    assert text.splitlines()[-1].startswith("      ")  # the tests: section ends the file
    path = tmp_path / "s.yaml"
    path.write_text(text + "\n  - name: typo\n    expect: {no_spillover: [a_typo], beats: [openin]}\n", encoding="utf-8")
    found = {(d.code, d.message) for d in validate_path(path)}
    assert ("missing-spillover", "no spillover 'a_typo'") in found
    assert ("missing-beat", "no beat 'openin' (did you mean 'opening'?)") in found


def test_state_names_conditions_cannot_read_are_refused_with_the_usable_name(tmp_path):
    text = STARTER.read_text(encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("state:\n", "state:\n  got-refund: {type: bool}\n", 1), encoding="utf-8")
    result = crisis("validate", str(path))
    assert result.returncode == 1
    assert "bad-name: state variable 'got-refund' cannot be read by a condition" in result.stderr
    assert "call it 'got_refund'" in result.stderr
