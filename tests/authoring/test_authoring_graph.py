"""`crisis graph`: the map shows every beat and goto, dashes what is conditional, and lanes injects."""

import re
from pathlib import Path

from simulator.authoring.graph import render
from simulator.cli import main
from simulator.format.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "scenarios" / "stock-check.yaml"
ALL = Path(__file__).resolve().parents[1] / "data" / "authoring" / "lint-all.yaml"


def test_mermaid_of_the_starter(capsys):
    assert main(["graph", str(STARTER)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowchart TD\n")
    assert "  start --> b0" in out
    assert '  b0 -- "model" --> b1' in out and '  b0 -- "defend" --> b2' in out and '  b2 -- "own_it" --> b1' in out
    # the storylet is a hexagon entered by a dashed edge carrying its condition
    assert re.search(r'b3\{\{".*resolved', out)
    assert re.search(r'anytime -\. "when outcome == .*" \.-> b3', out)
    # the timed inject sits in its own lane
    assert 'subgraph injects["Injects (timeline)"]' in out and "T+30m me_too" in out


def test_dot_of_the_starter(capsys):
    assert main(["graph", "stock-check", "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("digraph scenario {") and out.rstrip().endswith("}")
    assert 'b0 -> b1 [label="model"];' in out
    assert re.search(r"anytime -> b3 \[style=dashed", out)
    assert "subgraph cluster_injects {" in out
    assert out.count("{") == out.count("}")


def test_conditional_choices_are_dashed_and_unreachable_beats_marked(tmp_path):
    text = STARTER.read_text(encoding="utf-8").replace(
        "        set: {knows_item: true}\n        goto: details", "        set: {knows_item: true}\n        when: \"replies == 0\"\n        goto: details", 1)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    s = load_scenario(path)
    assert '  b0 -. "model" .-> b1' in render(s, "mermaid")
    assert 'b0 -> b1 [label="model", style=dashed];' in render(s, "dot")
    mermaid = render(load_scenario(ALL), "mermaid")
    assert "⚠ unreachable" in mermaid and "style b2 stroke-dasharray" in mermaid


def test_injects_are_in_time_order_with_conditional_links_dashed(tmp_path):
    text = STARTER.read_text(encoding="utf-8").replace("injects:\n", (
        "injects:\n  - {id: late, at: 2h, text: Later}\n  - {id: on_cond, when: \"replies > 2\", text: When}\n"), 1)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    out = render(load_scenario(path), "mermaid")
    lane = out[out.index("subgraph injects"):]
    assert lane.index("T+30m me_too") < lane.index("T+2h 00m late") < lane.index("when on_cond")
    assert "i0 --> i1" in lane and "i1 -.-> i2" in lane


def test_hostile_labels_cannot_break_the_diagram(tmp_path):
    text = STARTER.read_text(encoding="utf-8").replace("title: The complaint", 'title: "x\\"]; evil --> b0 %% \\x1b[2J\\n<b>"')
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    s = load_scenario(path)
    mermaid, dot = render(s, "mermaid"), render(s, "dot")
    assert "\x1b" not in mermaid and "\x1b" not in dot
    b0 = next(line for line in mermaid.splitlines() if line.startswith("  b0["))
    assert b0.count('"') == 2 and "#quot;" in b0 and "#lt;b#gt;" in b0
    node = next(line for line in dot.splitlines() if line.startswith("  b0 ["))
    assert '\\"]; evil' in node and len(dot.splitlines()) == len(render(load_scenario(STARTER), "dot").splitlines())


def test_output_file_and_bad_path(tmp_path, capsys):
    target = tmp_path / "map.mmd"
    assert main(["graph", str(STARTER), "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("flowchart TD")
    assert main(["graph", str(tmp_path / "missing.yaml")]) == 1
    assert "error: io:" in capsys.readouterr().err
    assert main(["graph", str(STARTER), "--format", "svg"]) == 2
