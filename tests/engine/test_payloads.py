"""One payload type per event kind; each reads back exactly the data transcripts hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.engine import payloads as P
from simulator.engine.events import KINDS, Event

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "transcripts"


def test_every_event_kind_has_a_payload_type():
    assert set(P.PAYLOADS) == set(KINDS)


def test_every_recorded_event_reads_back_as_its_payload():
    seen = set()
    for path in sorted(GOLDEN.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            for raw in json.loads(line)["events"]:
                event = Event.from_json(raw)
                payload = event.payload
                assert isinstance(payload, P.PAYLOADS[event.kind])
                assert payload.to_data() == event.data, (path.name, raw)
                seen.add(event.kind)
    assert len(seen) >= 15, sorted(set(KINDS) - seen)


def test_optional_keys_are_left_out_and_renamed_keys_are_kept():
    assert P.InjectData(id="custom").to_data() == {"id": "custom"}
    assert P.MoodData(before="calm", to="angry", anger=0.5).to_data() == {"from": "calm", "to": "angry", "anger": 0.5}
    assert P.CoachData(kept=[1], broken=[], matched=P.OMIT).to_data() == {"kept": [1], "broken": []}


def test_the_engine_refuses_a_payload_of_the_wrong_kind(starter):
    from simulator.engine.session import Session

    session = Session(starter, 1)
    with pytest.raises(TypeError, match="carries MoodData"):
        session._emit("mood", payload=P.EndData(outcome="x"))
