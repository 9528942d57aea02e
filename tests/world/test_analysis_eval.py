"""Measure the reply analyser against the labelled replies in tests/data/replies.yaml.

The floors are there to catch regressions, not to certify accuracy: the set was written by the
same hand as the lexicon, so in-sample scores are optimistic (see docs/analysis.md for the
held-out run). `pytest -s` prints the table; `python tests/world/test_analysis_eval.py` does too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.world.analysis import CORE_LABELS

DATA = Path(__file__).resolve().parents[1] / "data" / "replies.yaml"
CORE = CORE_LABELS
STRICT = ("apology", "private_move", "question", "blame", "argue")  # the debrief leans on these
STRICT_FLOOR = 0.85
OTHER_FLOOR = 0.70


def evaluate(path: str | Path = DATA) -> dict[str, Any]:
    """Per-feature precision/recall for a labelled file (delegates to simulator.world.analysis)."""
    from simulator.world.analysis import evaluate as _evaluate

    return _evaluate(path)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    from simulator.world.analysis import format_table

    result = evaluate(DATA)
    print("\n" + format_table(result))
    return result


def test_dataset_is_well_formed() -> None:
    rows = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert len(rows) >= 150
    assert sum(1 for r in rows if r.get("professional")) >= 40
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    texts = [r["text"] for r in rows]
    assert len(texts) == len(set(texts))
    for row in rows:
        assert set(row["expect"]) == set(CORE), row["id"]  # every core feature labelled
        assert all(isinstance(v, bool) for v in row["expect"].values()), row["id"]
        assert row["kind"] in {"bad", "subtle", "good", "professional", "edge"}, row["id"]
        assert row["professional"] == (row["kind"] == "professional"), row["id"]
    kinds = {r["kind"] for r in rows}
    assert {"bad", "subtle", "good", "professional"} <= kinds


@pytest.mark.parametrize("feature", CORE)
def test_precision_and_recall_floors(report: dict[str, Any], feature: str) -> None:
    row = report["features"][feature]
    floor = STRICT_FLOOR if feature in STRICT else OTHER_FLOOR
    misses = [m for m in report["misses"] if m["feature"] == feature]
    assert row["precision"] >= floor, (feature, row, misses)
    assert row["recall"] >= floor, (feature, row, misses)


def test_professional_replies_are_not_called_rude(report: dict[str, Any]) -> None:
    assert len(report["professional_false_positives"]) <= 1, report["professional_false_positives"]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from simulator.world.analysis import format_table

    result = evaluate(sys.argv[1] if len(sys.argv) > 1 else DATA)
    print(format_table(result))
    for miss in result["misses"]:
        want = "missed" if miss["expected"] else "false positive"
        print(f"  {miss['id']} {miss['feature']}: {want}: {miss['text']}")
