"""`crisis test`: scripted playthroughs pass and fail like a test runner, with the reason."""

import json
import shutil
from pathlib import Path

from simulator.authoring.playtest import collect, playtest_files, run_suite, scenario_for
from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "scenarios" / "stock-check.yaml"


def copy_starter(tmp_path) -> Path:
    target = tmp_path / "stock-check.yaml"
    shutil.copy(STARTER, target)
    return target


def test_the_starter_passes(capsys):
    assert main(["test", str(STARTER)]) == 0
    out = capsys.readouterr().out.splitlines()
    n = len(collect(STARTER).tests)  # its good, bad, nothing and good_beats_bad, and the own-words tests (issue 13)
    assert n >= 8
    assert [line.split()[0] for line in out[:-1]] == ["PASS"] * n
    assert out[-1] == f"{n} passed, 0 failed"
    assert out[0].startswith(f"PASS  {STARTER}:") and " good  [overall " in out[0]


def test_failures_say_what_was_expected_and_what_happened(tmp_path, capsys):
    path = copy_starter(tmp_path)
    (tmp_path / "stock-check.playtest.yaml").write_text(
        "tests:\n"
        "  - name: wrong_hopes\n"
        "    seed: 7\n"
        "    actions: [{choose: defend}]\n"
        "    expect:\n"
        "      outcome: raving_fan\n"
        "      overall_min: 90\n"
        "      rules_kept: [7]\n"
        "      rules_broken: [9]\n"
        "      beats: [details]\n"
        "      negative_reach_max: 0\n"
        "      no_spillover: [parent_forum]\n"
        "      grade: A\n"
        "  - name: beats_good\n"
        "    seed: 7\n"
        "    actions: [{wait: 1h}]\n"
        "    expect: {better_than: good}\n", encoding="utf-8")
    assert main(["test", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  " in out and "playtest.yaml:2:5 wrong_hopes" in out
    for reason in ("expected outcome raving_fan, got", "expected overall at least 90, got", "expected rule 7 to be kept; it never was",
                   "expected rule 9 to be broken; it never was", "expected beat 'details' to be visited; visited opening, backlash",
                   "expected negative reach at most 0, got", "expected spillover 'parent_forum' not to fire; it did",
                   "expected grade A, got", "expected overall above test 'good'"):
        assert reason in out, reason
    assert out.rstrip().endswith("8 passed, 2 failed")  # the starter's 4 tests, its 4 own-words tests (issue 13), 2 failing


def test_unplayable_action_is_an_error_not_a_crash(tmp_path, capsys):
    path = copy_starter(tmp_path)
    (tmp_path / "stock-check.extra.playtest.yaml").write_text(
        "tests:\n  - name: too_soon\n    actions: [{choose: fix_public}]\n", encoding="utf-8")
    assert main(["test", str(path), "-k", "too_soon"]) == 1
    out = capsys.readouterr().out
    assert "ERROR " in out and "action 1 (choose: fix_public) could not be played at T+0m: choice 'fix_public' is not available now" in out


def test_playtest_file_can_be_given_directly_and_names_its_scenario(tmp_path, capsys):
    copy_starter(tmp_path)
    other = tmp_path / "anything.playtest.yaml"
    other.write_text("scenario: stock-check.yaml\ntests:\n  - {name: calm, seed: 7, actions: [{choose: model}], expect: {rules_kept: [8]}}\n",
                     encoding="utf-8")
    assert scenario_for(other) == tmp_path / "stock-check.yaml"
    assert main(["test", str(other), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] == 1 and data["tests"][0]["name"] == "calm"


def test_collection_finds_files_next_to_the_scenario(tmp_path):
    path = copy_starter(tmp_path)
    for name in ("stock-check.playtest.yaml", "stock-check.more.playtest.yaml", "other.playtest.yaml"):
        (tmp_path / name).write_text("tests: []\n", encoding="utf-8")
    assert [p.name for p in playtest_files(path)] == ["stock-check.more.playtest.yaml", "stock-check.playtest.yaml"]
    assert scenario_for(tmp_path / "stock-check.more.playtest.yaml") == path


def test_invalid_playtest_file_reports_positions(tmp_path, capsys):
    path = copy_starter(tmp_path)
    (tmp_path / "stock-check.playtest.yaml").write_text("tests:\n  - name: x\n    expect: {outcom: satisfied}\n", encoding="utf-8")
    assert main(["test", str(path)]) == 1
    out = capsys.readouterr().err
    assert "stock-check.playtest.yaml:3:14: error: unknown-key: unknown key 'outcom'" in out
    assert "(did you mean 'outcome'?)" in out


def test_results_are_deterministic():
    first = [(r.test.name, r.overall, r.outcome, r.negative_reach) for r in run_suite(collect(STARTER))]
    again = [(r.test.name, r.overall, r.outcome, r.negative_reach) for r in run_suite(collect(STARTER))]
    assert first == again


def test_no_tests_found(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(STARTER.read_text(encoding="utf-8").split("\ntests:")[0] + "\n", encoding="utf-8")
    assert main(["test", str(path)]) == 0
    assert "no tests found" in capsys.readouterr().out
