"""The engine: determinism, replay, the transcript on disk, crash safety, actions and their effects."""

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from helpers import ROOT, STARTER

from simulator.engine.session import Session, SessionError, Start, replay
from simulator.evaluate.scoring import score
from simulator.format import actions as A
from simulator.headless import run
from simulator.storage import transcript as T

GOOD = [{"choose": "model"}, {"choose": "fix_public"}, {"wait": "30m"}]
BAD = [{"choose": "defend"}, {"choose": "double_down"}, {"wait": "60m"}]
MIXED = [
    {"reply": "Sorry about that, Dan! Which store were you at?"},
    {"escalate": "supervisor"},
    {"wait": "20m"},
    {"private": "Thanks Dan, I'll DM you the details of the Bay Road store now."},
    {"offer": {"remedy": "gas_credit", "value": 20}},
    {"follow_up": "Glad we could sort it out, Dan."},
]


def _transcript_bytes(scenario, seed, steps, path):
    writer = T.Writer.for_session(path, scenario, seed)
    session = Session(scenario, seed, writer=writer)
    for step in steps:
        session.apply_step(step)
    writer.close()
    return path.read_bytes(), session


def test_same_scenario_seed_actions_give_byte_identical_transcripts_and_scorecards(starter, tmp_path):
    steps = [{"act": a} for a in MIXED] + [{"advance": 15}, {"finish": True}]
    a, sa = _transcript_bytes(starter, 11, steps, tmp_path / "a.jsonl")
    b, sb = _transcript_bytes(starter, 11, steps, tmp_path / "b.jsonl")
    assert a == b
    ca, cb = json.dumps(score(sa).to_json(), sort_keys=True), json.dumps(score(sb).to_json(), sort_keys=True)
    assert ca == cb


def test_transcripts_are_identical_across_processes(starter, tmp_path):
    script = textwrap.dedent(
        f"""
        import sys
        from simulator.format.scenario import load_scenario
        from simulator.storage import transcript as T
        from simulator.engine.session import Session
        s = load_scenario({str(STARTER)!r})
        w = T.Writer.for_session(sys.argv[1], s, 5)
        session = Session(s, 5, writer=w)
        for a in {MIXED!r}:
            from simulator.format.actions import parse_action
            session.act(parse_action(a))
        session.finish()
        """
    )
    outs = []
    for name in ("p1.jsonl", "p2.jsonl"):
        env = {**os.environ, "PYTHONHASHSEED": str(len(outs) + 1)}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / name)], cwd=ROOT, env=env, check=True, timeout=120)
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]


def test_different_seeds_differ(starter):
    a = run(starter, BAD, seed=1)
    b = run(starter, BAD, seed=2)
    assert [e.to_json() for e in a.events] != [e.to_json() for e in b.events]


def test_transcript_has_header_and_one_line_per_step(starter, tmp_path):
    data, _ = _transcript_bytes(starter, 3, [{"act": GOOD[0]}, {"advance": 10}], tmp_path / "t.jsonl")
    lines = [json.loads(x) for x in data.decode().splitlines()]
    assert lines[0]["type"] == "header" and lines[0]["scenario"] == "stock-check" and lines[0]["seed"] == 3
    assert lines[0]["sha256"] == starter.sha256
    assert [x["step"] for x in lines[1:]] == [{"act": {"choose": "model"}}, {"advance": 10.0}]
    assert any(e["kind"] == "brand_reply" for e in lines[1]["events"])


def test_restore_replays_to_the_identical_state(starter, tmp_path):
    steps = [{"act": a} for a in MIXED]
    _, original = _transcript_bytes(starter, 9, steps, tmp_path / "r.jsonl")
    restored = T.restore(T.read(tmp_path / "r.jsonl"))
    assert [e.to_json() for e in restored.events] == [e.to_json() for e in original.events]
    assert restored.persona == original.persona and restored.t == original.t
    assert restored.ripple.snapshot() == original.ripple.snapshot()


def test_a_truncated_last_line_is_ignored_and_resume_continues(starter, tmp_path):
    path = tmp_path / "cut.jsonl"
    _transcript_bytes(starter, 4, [{"act": GOOD[0]}, {"act": GOOD[1]}], path)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) - 40])  # the process died while writing the last step
    tr = T.read(path)
    assert tr.truncated and len(tr.steps) == 1
    session = T.resume(path)
    session.act(A.Wait(10))
    session.writer.close()
    again = T.read(path)
    assert not again.truncated and len(again.steps) == 2


def test_a_killed_process_loses_at_most_the_action_in_flight(tmp_path):
    """Kill -9 a headless player between actions; the transcript holds every finished action."""
    path = tmp_path / "killed.jsonl"
    script = textwrap.dedent(
        f"""
        import sys, time
        from simulator.format.scenario import load_scenario
        from simulator.storage import transcript as T
        from simulator.engine.session import Session
        from simulator.format.actions import parse_action
        s = load_scenario({str(STARTER)!r})
        session = Session(s, 8, writer=T.Writer.for_session({str(path)!r}, s, 8))
        for a in {MIXED[:3]!r}:
            session.act(parse_action(a))
        print("ready", flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    session = T.resume(path)
    assert len(session.steps) == 3
    assert session.escalated == ["supervisor"]
    session.writer.close()


def test_resume_detects_a_transcript_that_replays_differently(starter, tmp_path):
    path = tmp_path / "x.jsonl"
    _transcript_bytes(starter, 2, [{"act": GOOD[0]}], path)
    lines = path.read_text().splitlines()
    step = json.loads(lines[1])
    step["events"][0]["text"] = "tampered"
    lines[1] = json.dumps(step)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(T.TranscriptError, match="replays differently"):
        T.restore(T.read(path))


@pytest.mark.parametrize(
    "content",
    [b"", b"not json\n", b'{"type": "step"}\n', b'{"type":"header","format":99,"seed":1,"scenario":"x"}\n'],
)
def test_corrupt_transcripts_are_reported(tmp_path, content):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(T.TranscriptError) as info:
        T.read(path)
    assert str(path) in str(info.value)


def test_turn_mode_costs_time_and_longer_replies_cost_more(starter):
    s1, s2 = Session(starter, 1), Session(starter, 1)
    s1.act(A.Reply("Sorry Dan!"))
    s2.act(A.Reply("Sorry Dan! " + "We are looking into exactly what went wrong with the stock count at Elm Street. " * 4))
    assert 0 < s1.t < s2.t


def test_choose_applies_the_authored_choice(starter):
    session = Session(starter, 1)
    assert [c.id for c in session.choices()] == ["model", "defend", "form", "dm_only"]
    session.act(A.Choose("model"))
    assert session.beat == "details" and session.vars["knows_item"] is True
    assert session.replies[0].choice == "model" and session.replies[0].analysis.rules[8] == "kept"
    with pytest.raises(SessionError, match="not available"):
        session.act(A.Choose("defend"))


def test_escalation_answers_after_the_role_delay_and_raises_authority(starter):
    session = Session(starter, 1)
    blocked = session.act(A.Offer("delivery"))
    assert any(e.kind == "offer_blocked" for e in blocked)
    session.act(A.Escalate("supervisor"))
    assert session.authority == 25
    session.advance(16)
    assert session.approved == ["supervisor"] and session.authority == 100
    events = session.act(A.Offer("delivery"))
    assert any(e.kind == "offer" for e in events) and session.offered == ["delivery"]


def test_unkept_promise_makes_the_customer_post_again(starter):
    session = Session(starter, 1)
    session.act(A.Reply("Sorry Dan, that's on us. Which item was it?"))
    session.act(A.Private("Thanks Dan, I'll check the Bay Road store and get back to you within the hour."))
    assert session.promises and session.promises[0].kept is None
    session.advance(120)
    assert session.promises[0].kept is False
    broken = [e for e in session.events if e.kind == "post" and e.data.get("trigger") == "promise_broken"]
    assert broken, "the customer should call out the broken promise in public"


def test_kept_promise(starter):
    session = Session(starter, 1)
    session.act(A.Reply("Sorry Dan, that's on us. Which item was it?"))
    session.act(A.Private("I'll check the Bay Road store and get back to you shortly."))
    session.act(A.Offer("hold"))
    assert session.promises[0].kept is True


def test_hiding_a_non_abusive_post_without_guidelines_backfires(starter):
    session = Session(starter, 1)
    events = session.act(A.Hide("c1"))
    assert any(e.kind == "post" and e.data.get("kind") == "deletion_noticed" for e in events)
    session.advance(20)
    assert any(e.kind == "post" and e.data.get("trigger") == "hidden" for e in session.events)
    with pytest.raises(SessionError):
        session.act(A.Hide("no-such-post"))


def test_finish_runs_the_clock_to_the_time_limit(starter):
    session = Session(starter, 1)
    session.act(A.Choose("model"))
    session.finish()
    assert session.finished and session.t == starter.time_limit
    assert session.events[-1].kind == "end"
    with pytest.raises(SessionError):
        session.act(A.Wait(5))
    assert session.advance(10) == ()


def test_time_limit_ends_the_session(starter):
    session = Session(starter, 1)
    session.advance(10_000)
    assert session.finished and session.end_reason == "time is up"


def test_timed_inject_fires_only_when_its_condition_holds(starter):
    quiet = Session(starter, 1)
    quiet.advance(31)
    assert "me_too" in quiet.fired
    answered = Session(starter, 1)
    answered.act(A.Choose("model"))
    answered.advance(31)
    assert "me_too" not in answered.fired


def test_storylet_beat_comes_up_when_its_condition_holds(starter):
    session = run(starter, GOOD, seed=7)
    assert "resolved" in session.visited


def test_start_options_for_authors(starter):
    session = Session(starter, 1, start=Start(beat="details", clock=30, values=(("knows_item", True),)))
    assert session.beat == "details" and session.t == 30 and session.vars["knows_item"] is True


def test_replay_from_steps_matches(starter):
    a = run(starter, MIXED, seed=12)
    b = replay(starter, 12, a.steps)
    assert [e.to_json() for e in a.events] == [e.to_json() for e in b.events]


def test_bad_advance_values(starter):
    session = Session(starter, 1)
    for bad in (-1, float("nan"), float("inf")):
        with pytest.raises(SessionError):
            session.advance(bad)


def test_facilitator_steps_are_recorded_and_replayed(starter):
    session = Session(starter, 1)
    session.facilitate({"kind": "note", "text": "Team agreed to apologise first", "who": "Facilitator"})
    session.facilitate({"kind": "custom", "text": "A local reporter asks for comment", "valence": -0.5})
    session.facilitate({"kind": "pressure", "patience": -0.3})
    again = replay(starter, 1, session.steps)
    assert [e.to_json() for e in again.events] == [e.to_json() for e in session.events]
    with pytest.raises(SessionError):
        session.facilitate({"kind": "nope"})


def test_finishing_now_and_waiting_out_the_clock_are_the_same_silence(starter):
    """The "do nothing" baseline must not depend on how nothing was done."""
    waited = run(starter, [{"wait": "3h"}], seed=7)
    finished = run(starter, [], seed=7)
    assert waited.ripple.snapshot().negative_reach == finished.ripple.snapshot().negative_reach
    assert waited.persona == finished.persona
    assert [e.to_json() for e in waited.events if e.kind != "end"] == [e.to_json() for e in finished.events if e.kind != "end"]


def test_hiding_under_guidelines_and_telling_the_poster_why_is_a_response():
    from helpers import SCENARIOS

    from simulator.format.scenario import load_scenario

    scenario = load_scenario(SCENARIOS / "house-rules.yaml")
    session = Session(scenario, 1)
    session.act(A.Hide("c1", "We removed your post because it broke our posted community guidelines "
                             "(no profanity). You're welcome to post it again without it."))
    assert session.first_response_at is not None and session.acknowledged_at is not None
    assert not any(e.kind == "post" and e.data.get("kind") == "deletion_noticed" for e in session.events)


def test_free_text_that_does_what_a_suggested_move_does_moves_the_story(starter):
    good = run(starter, [{"reply": "So sorry about that, Dan. What were you looking for?"}], seed=7)
    assert good.visited[:2] == ["opening", "details"] and good.records[0].data["matched"] == "model"
    assert good.vars["knows_item"] is True  # the move's `set:` applies too
    bad = run(starter, [{"reply": "It is only a guide. Did you call the store???"}], seed=7)
    assert bad.visited[:2] == ["opening", "backlash"]
    coach = next(e for e in bad.events if e.kind == "coach")
    assert coach.data["matched"] == "defend" and "Rules 1 and 7" in coach.text


def test_free_text_with_another_tone_or_too_little_in_common_does_not_match():
    from simulator.engine.session import closest_choice

    class C:  # a stand-in for a tagged suggested reply
        def __init__(self, ident, features, action="reply"):
            self.id, self.features, self.action, self.tagged = ident, tuple(features), action, True

    offered = [C("model", ["apology", "question", "personalised"]), C("defend", ["argue", "blame", "shouting"])]
    assert closest_choice("reply", frozenset({"apology", "question"}), offered).id == "model"
    assert closest_choice("reply", frozenset({"apology", "question", "sarcasm"}), offered) is None
    assert closest_choice("reply", frozenset({"thanks"}), offered) is None
    assert closest_choice("private", frozenset({"apology", "question", "personalised"}), offered) is None
    assert closest_choice("reply", frozenset({"argue", "blame"}), offered).id == "defend"


def test_suggested_moves_are_once_only_unless_sticky(starter):
    live = Session(starter, 7)
    live.act(A.Choose("model"))
    live.act(A.Choose("fix_public"))
    live.act(A.Wait(20))
    assert live.beat == "resolved" and [c.id for c in live.choices()] == ["thank_publicly"]
    live.act(A.Choose("thank_publicly"))
    assert live.choices() == ()
    with pytest.raises(SessionError, match="not available"):
        live.act(A.Choose("thank_publicly"))


def test_the_complaint_is_seen_the_moment_it_is_posted(starter):
    session = Session(starter, 7)
    assert session.t == 0 and session.ripple.snapshot().reach > 0
