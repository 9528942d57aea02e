"""`crisis fuzz`: reproducible random playthroughs that find errors, dead ends and dull choices."""

import json
from pathlib import Path

import pytest

from simulator.authoring.fuzz import Run, fuzz, playthrough, summarise
from simulator.cli import main
from simulator.engine import session as session_module
from simulator.format.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "scenarios" / "stock-check.yaml"

SMALL = """\
id: small
title: Small
summary: A two-beat story with a loose end.
time_limit: 90m
brand: {name: Brand, handle: "@brand"}
persona: {name: Pat Doe, handle: "@pat", opening: "It broke."}
beats:
  - id: start
    choices:
      - {id: go, label: Go, text: "Sorry, Pat. What happened?", features: [apology, question], feedback: ok, goto: stranded}
      - {id: stay, label: Stay, text: "Hm.", feedback: meh}
  - id: stranded
    text: Nothing to pick here.
  - id: nowhere
    text: Nothing leads here.
"""


@pytest.fixture()
def small(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_same_seed_same_report():
    s = load_scenario(STARTER)
    assert fuzz(s, runs=6, seed=3).to_json() == fuzz(s, runs=6, seed=3).to_json()
    assert playthrough(s, 5) == playthrough(s, 5)


def test_run_i_uses_seed_plus_i():
    s = load_scenario(STARTER)
    report = fuzz(s, runs=4, seed=10)
    assert 10 <= report.spread["min_seed"] <= 13 and 10 <= report.spread["max_seed"] <= 13
    low = playthrough(s, report.spread["min_seed"])
    assert low.overall == report.spread["min"]


def test_dead_ends_and_never_reached_content(small):
    report = fuzz(load_scenario(small), runs=12, seed=0)
    [dead] = [p for p in report.problems if p.kind == "dead_end"]
    assert dead.where == "stranded" and "nothing to pick until the time ran out" in dead.message
    rerun = playthrough(load_scenario(small), dead.seed)
    assert rerun.dead_end and rerun.dead_end[0] == "stranded"
    assert report.never_reached["beats"] == ("nowhere",)
    assert report.failed


def test_errors_are_caught_with_the_seed(monkeypatch, capsys):
    original = session_module.Session.act

    def flaky(self, action):
        if action.kind == "offer":
            raise RuntimeError("boom in offer")
        return original(self, action)

    monkeypatch.setattr(session_module.Session, "act", flaky)
    s = load_scenario(STARTER)
    report = fuzz(s, runs=15, seed=0)
    errors = [p for p in report.problems if p.kind == "error"]
    assert len(errors) == 1 and "RuntimeError: boom in offer" in errors[0].message
    again = playthrough(s, errors[0].seed)
    assert again.error and again.actions[-1].get("offer")
    assert main(["fuzz", str(STARTER), "--runs", "15", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["failed"] and data["errors"][0]["seed"] == errors[0].seed


def test_obvious_choice_is_a_choice_whose_pickers_always_win():
    s = load_scenario(STARTER)

    def run(seed, overall, picked):
        offered = {("opening", "model"), ("opening", "defend")}
        return Run(seed, (), overall, "neutral", frozenset({"opening"}), frozenset(picked), frozenset(offered),
                   frozenset(), frozenset())

    runs = [run(1, 80, {("opening", "model")}), run(2, 75, {("opening", "model")}), run(3, 90, {("opening", "model")}),
            run(4, 40, {("opening", "defend")}), run(5, 60, {("opening", "defend")}), run(6, 50, set())]
    report = summarise(s, runs)
    [obvious] = report.obvious
    assert obvious.where == "opening.model" and obvious.seed == 2
    assert "lowest picker 75 (seed 2), best non-picker 60 (seed 5)" in obvious.message
    # one counter-example is enough to make it a real judgment call
    runs.append(run(7, 95, {("opening", "defend")}))
    assert not summarise(s, runs).obvious


def test_cli_text_report(small, capsys):
    assert main(["fuzz", str(small), "--runs", "8"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("small: 8 runs, seeds 0..7\nerrors: 0\ndead ends: 1\n")
    assert "overall score: min " in out and "p10 " in out and "median " in out
    assert "beats: nowhere" in out


def test_show_prints_a_play_script_that_crisis_run_accepts(tmp_path, capsys):
    assert main(["fuzz", str(STARTER), "--show", "4"]) == 0
    script = capsys.readouterr().out
    assert "seed: 4" in script
    path = tmp_path / "play.yaml"
    path.write_text(script, encoding="utf-8")
    assert main(["run", str(STARTER), "--script", str(path)]) == 0


def test_bad_arguments(capsys):
    assert main(["fuzz", str(STARTER), "--runs", "0"]) == 2
    assert main(["fuzz", str(STARTER), "--runs", "many"]) == 2
