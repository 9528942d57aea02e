"""`crisis stats`: counts, words and the shortest and longest path through the beats."""

import json
from pathlib import Path

from simulator.authoring.stats import stats_of, words
from simulator.cli import main
from simulator.format.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "scenarios" / "stock-check.yaml"


def test_starter_stats():
    st = stats_of(load_scenario(STARTER))
    assert (st.beats, st.storylets, st.choices, st.injects, st.timed_injects, st.spillovers) == (4, 1, 10, 1, 1, 1)
    assert (st.lines, st.roles, st.remedies, st.variables, st.objectives, st.tests) == (19, 2, 4, 1, 4, 8)  # 4 + own-words (issue 13)
    assert st.shortest == ("opening", "details")
    assert st.longest == ("opening", "backlash", "details")
    assert st.paths == 2
    assert 500 < st.words < 2000


def test_words_counts_words_not_punctuation():
    assert words("Don't argue -- ever, ever!") == 4
    assert words("") == 0


def test_paths_follow_only_gotos_that_can_happen(tmp_path):
    text = STARTER.read_text(encoding="utf-8").replace(
        "        goto: backlash", "        when: \"t > 9999\"\n        goto: backlash", 1)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    st = stats_of(load_scenario(path))
    assert st.longest == ("opening", "details") and st.paths == 1


def test_cli(capsys):
    assert main(["stats", str(STARTER)]) == 0
    out = capsys.readouterr().out
    assert "  beats       4 (1 storylet, 0 end)" in out
    assert "  longest     3 beats: opening → backlash → details" in out
    assert main(["stats", "stock-check", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["scenarios"][0]
    assert data["id"] == "stock-check" and data["shortest"] == ["opening", "details"]
