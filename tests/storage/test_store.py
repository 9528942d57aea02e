"""The store's small contracts: finding a session by part of its id, dates, trends."""

from __future__ import annotations

import pytest

from simulator.storage.store import Store, started_of, trend


def test_path_of_accepts_id_unique_part_or_path(tmp_path):
    store = Store(tmp_path)
    store.sessions_dir.mkdir(parents=True)
    a = store.sessions_dir / "20250314-101500-stock-check-s7.jsonl"
    b = store.sessions_dir / "20250314-111500-stock-check-s8.jsonl"
    for p in (a, b):
        p.write_text("{}\n", encoding="utf-8")
    assert store.path_of(a.stem) == a
    assert store.path_of("1115") == b
    assert store.path_of(str(a)) == a
    with pytest.raises(FileNotFoundError, match="matches 2 sessions"):
        store.path_of("stock-check")
    with pytest.raises(FileNotFoundError, match="no saved session"):
        store.path_of("zzz")


def test_started_comes_from_the_file_name_else_the_mtime(tmp_path):
    assert started_of(tmp_path / "20250314-101500-x-s1.jsonl") == "2025-03-14T10:15:00"
    other = tmp_path / "copied.jsonl"
    other.write_text("", encoding="utf-8")
    assert started_of(other)[:2] == "20" and "T" in started_of(other)


@pytest.mark.parametrize(("scores", "expected"), [
    ([], ""), ([50], ""), ([40, 60], "improving"), ([60, 40], "declining"), ([60, 62], "steady"),
    ([20, 30, 70, 80, 90], "improving"), ([90, 90, 90, 60, 60, 60], "declining"),
])
def test_trend(scores, expected):
    assert trend(scores) == expected


def test_progress_ignores_corrupt_rows_and_counts_resumable(tmp_path):
    from simulator.storage.store import SessionRow

    def row(i, status, overall):
        return SessionRow(f"s{i}", "p", "x", "X", "", f"2025-01-0{i}T00:00:00", 1, status, 1, 1.0, overall, None, None, None, "")

    progress = Store(tmp_path).progress([row(1, "finished", 40), row(2, "corrupt", None), row(3, "in_progress", None),
                                         row(4, "finished", 70)])
    assert progress["x"]["sessions"] == 3 and progress["x"]["resumable"] == 1
    assert progress["x"]["best"] == 70 and progress["x"]["latest"] == 70 and progress["x"]["trend"] == "improving"
