"""Recorded steps and facilitator commands as typed values, with one JSON form each."""

from __future__ import annotations

import pytest

from simulator.engine import steps as S
from simulator.engine.session import SessionError
from simulator.format import actions as A


@pytest.mark.parametrize("step", [
    S.Act(A.Reply("Sorry, Dan")), S.Act(A.Choose("model")), S.Advance(12.5), S.Finish(),
    S.Decide("supervisor", True, "Sam", "fine", 60.0), S.Decide("pr", False),
    S.Facilitate({"kind": "pressure", "anger": 0.1}),
])
def test_each_step_reads_back_from_its_json(step):
    again = S.parse_step(step.to_json())
    assert again.to_json() == step.to_json()
    assert type(again) is type(step)


def test_the_json_forms_are_the_transcript_forms():
    assert S.Advance(1.23456789).to_json() == {"advance": 1.234568}
    assert S.Finish().to_json() == {"finish": True}
    assert S.Decide("pr", False).to_json() == {"decide": {"role": "pr", "approve": False}}
    assert S.Act(A.Choose("model")).to_json() == {"act": {"choose": "model"}}


@pytest.mark.parametrize(("command", "typed"), [
    ({"kind": "inject", "id": "x"}, S.FireInject("x")),
    ({"kind": "skip", "id": "x"}, S.SkipInject("x")),
    ({"kind": "rate", "objective": "o", "rating": "s", "note": "n"}, S.Rate("o", "S", "n", "observer")),
    ({"kind": "note", "text": "t", "by": "observer"}, S.Note("facilitator", "t", "observer")),
    ({"kind": "custom", "text": "hi"}, S.CustomInject("hi", -0.4, 0.5)),
    ({"kind": "pressure", "anger": 0.2, "audience": 2}, S.Pressure(0.0, 0.2, 2, None)),
    ({"kind": "pause"}, S.Pause()),
    ({"kind": "resume"}, S.Resume()),
    ({"kind": "fast_forward", "minutes": "5"}, S.FastForward(5.0)),
    ({"kind": "note", "text": "t"}, S.Note("facilitator", "t")),
    ({"kind": "decision", "question": "2", "text": "t"}, S.TeamDecision(2, "t", "team")),
])
def test_facilitator_commands_have_one_type_per_kind(command, typed):
    assert S.parse_command(command) == typed


def test_unknown_steps_and_commands_are_session_errors():
    with pytest.raises(SessionError, match="unknown step"):
        S.parse_step({"jump": 1})
    with pytest.raises(SessionError, match="unknown facilitator command"):
        S.parse_command({"kind": "explode"})
    with pytest.raises(SessionError, match="decide step is a mapping"):
        S.parse_step({"decide": "yes"})
