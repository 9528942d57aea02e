"""Transcripts stay byte-identical: every bundled scenario, four plays, against files recorded
before the layering (tests/data/transcripts/, written by tests/golden.py at commit 6634d38).

The `free` plays (typed replies) were re-recorded once, when the reply judge replaced the keyword
lexicon (issue 12): what a typed reply means changed on purpose. The `choices`, `silence` and
`drill` plays, which use only authored moves, are still the files recorded before the layering,
which is also the proof that scripted play does not depend on the model; except that
frozen-payouts and wish-you-delivered were re-recorded when a promise that names no time started
falling due after what that kind of customer waits (45 minutes for the desperate, 4 hours for a
loyal fan; issue 13), which moved only their promises' due times; and all of them when built-in
lines started to vary (no built-in line more than twice a session: the pile-on lines), which
changed only the customer's words.
"""

from __future__ import annotations

from pathlib import Path

import golden
import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "transcripts"
CASES = [(p, kind) for p in golden.bundled() for kind in golden.PLAYS]


def test_every_bundled_scenario_has_golden_transcripts():
    expected = {f"{p.stem}.{kind}.jsonl" for p, kind in CASES}
    assert expected <= {p.name for p in GOLDEN.glob("*.jsonl")}


@pytest.mark.parametrize(("path", "kind"), CASES, ids=[f"{p.stem}-{k}" for p, k in CASES])
def test_transcript_is_byte_identical_to_the_recorded_one(path, kind, tmp_path):
    out = tmp_path / "t.jsonl"
    golden.play(path, kind, out)
    expected = (GOLDEN / f"{path.stem}.{kind}.jsonl").read_bytes()
    assert golden.normalised(out) == expected
