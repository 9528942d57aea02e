"""The team drill: role players decide, the seven questions come up from the state, the
facilitator's controls are recorded, the worst-case forecast, the fork, the improvement plan,
and the drill's commands."""

from __future__ import annotations

import json

import pytest
import yaml
from drill_helpers import drill_session, drill_yaml
from helpers import workspace

from simulator import services
from simulator.cli import main
from simulator.engine.session import Session, SessionError, Start, replay
from simulator.evaluate import drill as D
from simulator.evaluate.scoring import score
from simulator.format import actions as A
from simulator.format.scenario import load_scenario
from simulator.storage import transcript as T


@pytest.fixture
def drill_scenario(tmp_path):
    return load_scenario(drill_yaml(tmp_path))


@pytest.fixture
def team(drill_scenario):
    return D.team_of(drill_scenario, {"agent": "Ana", "supervisor": "Sam", "Executive": "Eve", "legal": "Lou"})


def kinds(events):
    return [e.kind for e in events]


# ---------------------------------------------------------------- team and transcript


def test_team_seats_every_role_and_rejects_unknown_roles(drill_scenario, team):
    assert [s.role for s in team.seats] == ["agent", "supervisor", "pr", "legal", "executive"]
    assert team.person("executive") == "Eve"  # assigned by title
    assert team.seat("pr").person == "" and team.seat("pr").label == "PR lead"
    assert team.seat("supervisor").label == "Supervisor (Sam)"
    with pytest.raises(D.DrillError, match="no role 'cfo'"):
        D.team_of(drill_scenario, {"cfo": "Carl"})
    with pytest.raises(D.DrillError, match="ROLE=NAME"):
        D.parse_assignments(["supervisor"])
    assert D.parse_assignments(["supervisor = Sam Smith"]) == {"supervisor": "Sam Smith"}


def test_non_drill_transcript_header_is_unchanged(drill_scenario):
    head = T.header(drill_scenario, 3, Start())
    assert "start" not in head
    head = T.header(drill_scenario, 3, Start(beat="details"))
    assert set(head["start"]) == {"beat", "clock", "values"}


def test_drill_transcript_records_team_and_resumes(drill_scenario, team):
    session = services.open_session(workspace(), drill_scenario, 7, start=D.drill_start(team))
    session.act(A.Escalate("supervisor", "fair remedy is 60"))
    session.advance(12)
    session.decide("supervisor", True, who="Sam", limit=80)
    D.answer(session, 2, "Sam", "Supervisor for anything over 25, within 15 minutes")
    session.writer.close()
    transcript = T.read(session.writer.path)
    assert transcript.header["start"]["drill"] is True
    assert transcript.header["start"]["team"] == {"agent": "Ana", "supervisor": "Sam", "legal": "Lou", "executive": "Eve"}
    again = T.restore(transcript)  # verifies every step's events
    assert again.drill and again.authority == 80 and dict(again.start.team)["supervisor"] == "Sam"
    assert {"decide": {"role": "supervisor", "approve": True, "who": "Sam", "limit": 80.0}} in transcript.steps


# ---------------------------------------------------------------- role players decide


def test_escalation_waits_for_the_role_player(drill_scenario, team):
    session = drill_session(drill_scenario, team)
    session.act(A.Escalate("supervisor"))
    events = session.advance(15)
    needed = [e for e in events if e.kind == "approval_needed"]
    assert len(needed) == 1 and needed[0].data["player"] == "Sam"
    assert "approval" not in kinds(events) and session.authority == 25 and session.pending == {"supervisor": needed[0].t}
    solo = Session(drill_scenario, 7)  # outside a drill the role answers by itself
    solo.act(A.Escalate("supervisor"))
    assert "approval" in kinds(solo.advance(15)) and solo.authority == 100


def test_approve_with_a_limit_and_deny(drill_scenario, team):
    session = drill_session(drill_scenario, team)
    session.act(A.Escalate("supervisor"))
    session.advance(15)
    with pytest.raises(SessionError, match="at most 100"):
        session.decide("supervisor", True, limit=500)
    events = session.decide("supervisor", True, who="Sam", note="go ahead", limit=60)
    assert kinds(events)[0] == "approval" and session.authority == 60 and "supervisor" in session.approved
    assert events[0].data == {"role": "supervisor", "authority": 60.0, "approved": True, "who": "Sam", "note": "go ahead"}
    with pytest.raises(SessionError, match="no request waiting"):
        session.decide("supervisor", True)
    session.act(A.Escalate("executive"))
    session.advance(45)
    events = session.decide("executive", False, who="Eve", note="not for a drill")
    assert kinds(events)[0] == "approval_denied" and session.authority == 60 and session.denied == ["executive"]
    with pytest.raises(SessionError, match="no role"):
        session.decide("cfo", True)
    with pytest.raises(SessionError, match="true or false"):
        session.apply_step({"decide": {"role": "supervisor", "approve": "yes"}})
    solo = Session(drill_scenario, 7)
    with pytest.raises(SessionError, match="outside a drill"):
        solo.decide("supervisor", True)


def test_too_little_escalation_blocks_the_offer_and_costs_score(drill_scenario, team):
    asked = drill_session(drill_scenario, team)
    asked.act(A.Choose("model"))
    asked.act(A.Escalate("supervisor", "he needs 60"))
    asked.advance(12)
    asked.decide("supervisor", True, who="Sam")
    events = asked.act(A.Offer("gas_credit", 50))
    assert "offer" in kinds(events)

    skipped = drill_session(drill_scenario, team)
    skipped.act(A.Choose("model"))
    events = skipped.act(A.Offer("gas_credit", 50))
    assert "offer_blocked" in kinds(events) and "gas_credit" not in skipped.offered
    skipped.advance(12)
    assert score(asked).dimensions["judgment"] > score(skipped).dimensions["judgment"]


def test_too_much_escalation_slows_every_public_reply(tmp_path):
    d = yaml.safe_load(drill_yaml(tmp_path).read_text(encoding="utf-8"))
    d["persona"]["fair_remedy"] = 20  # the front line can put it right alone
    d["scoring"].pop("escalate_to")
    d["roles"][-1].pop("can_approve")
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False, allow_unicode=True), encoding="utf-8")
    sc = load_scenario(path)
    team = D.team_of(sc, {"legal": "Lou", "executive": "Eve"})

    def play(escalate_to: str | None):
        s = Session(sc, 7, start=D.drill_start(team))
        if escalate_to:
            s.act(A.Escalate(escalate_to))
            s.advance(45)
            s.decide(escalate_to, True, who="someone")
        else:
            s.advance(47)
        before = s.t
        s.act(A.Reply("Sorry Dan, which item were you looking for?"))
        s.finish()
        return s, s.events, before

    def reply_delay(events, before):
        reply = next(e for e in events if e.kind == "brand_reply")
        return reply.t - before

    legal, legal_events, t_legal = play("legal")
    plain, plain_events, t_plain = play(None)
    boss, _, _ = play("executive")
    # Legal (30 min to answer) now signs off every public reply: half its delay each time.
    assert reply_delay(legal_events, t_legal) == pytest.approx(reply_delay(plain_events, t_plain) + 15.0)
    assert legal.review == 15.0 and any(e.data.get("review") == 15.0 for e in legal_events if e.kind == "note")
    assert plain.review == 0.0 and boss.review == 20.0
    assert score(legal).dimensions["timeliness"] <= score(plain).dimensions["timeliness"]
    assert score(boss).dimensions["judgment"] < score(plain).dimensions["judgment"]


# ---------------------------------------------------------------- the seven questions


def test_questions_come_up_from_the_state_and_answers_are_recorded(drill_scenario, team):
    session = drill_session(drill_scenario, team)
    assert D.decision_points(session) == ()  # nothing has happened yet: no quiz
    session.act(A.Offer("gas_credit", 50))
    due = {p.question: p for p in D.due_questions(session)}
    assert 2 in due and "authority" in due[2].reason and 4 in due
    assert 5 not in due and 7 not in due
    D.answer(session, 2, "Sam", "Anything over 25 goes to the supervisor at once")
    points = {p.question: p for p in D.decision_points(session)}
    assert points[2].answered and points[2].answers[0].who == "Sam" and points[2].answers[0].t == session.t
    assert 2 not in {p.question for p in D.due_questions(session)}
    session.advance(180)  # silence: it spreads, spills over and the end draws near
    later = {p.question for p in D.decision_points(session)}
    assert {1, 5, 7} <= later
    again = replay(drill_scenario, 7, session.steps, start=session.start)
    assert D.decision_points(again) == D.decision_points(session)
    with pytest.raises(D.DrillError):
        D.answer(session, 8, "x", "y")
    with pytest.raises(D.DrillError):
        D.answer(session, 3, "x", "   ")


def test_extra_moments_from_the_ui(drill_scenario, team):
    session = drill_session(drill_scenario, team)
    points = D.decision_points(session, {1: (0.0, "the team opened the forecast")})
    assert [(p.question, p.reason) for p in points] == [(1, "the team opened the forecast")]


# ---------------------------------------------------------------- facilitator controls


def test_facilitator_controls_are_recorded_and_replayed(drill_scenario, team):
    session = drill_session(drill_scenario, team)
    session.facilitate({"kind": "inject", "id": "me_too"})  # any inject from the list, on the spot
    assert session.fired == ["me_too"] and session.t == 0
    session.facilitate({"kind": "pause"})
    session.facilitate({"kind": "resume"})
    session.facilitate({"kind": "fast_forward", "minutes": 30})
    assert session.t == 30
    session.facilitate({"kind": "pressure", "audience": 2.0, "negativity": 1.5, "patience": -0.2})
    assert session.ripple.params.negativity == pytest.approx(drill_scenario.ripple.negativity * 1.5)
    assert session.ripple.params.base_probability > drill_scenario.ripple.base_probability
    session.facilitate({"kind": "custom", "text": "[b]A reporter[/b] asks for comment", "valence": -0.6})
    session.facilitate({"kind": "note", "who": "Facilitator", "text": "Team argued about the refund"})
    again = replay(drill_scenario, 7, session.steps, start=session.start)
    assert [e.to_json() for e in again.events] == [e.to_json() for e in session.events]
    controls = [e.data.get("control") for e in session.events if e.kind == "note" and e.data.get("control")]
    assert controls == ["pause", "resume", "fast_forward"]
    with pytest.raises(SessionError):
        session.facilitate({"kind": "pressure", "negativity": 50})
    with pytest.raises(SessionError):
        session.facilitate({"kind": "fast_forward", "minutes": -5})


def test_negativity_pressure_makes_the_crowd_worse(drill_scenario, team):
    def run(factor):
        s = drill_session(drill_scenario, team)
        s.facilitate({"kind": "pressure", "negativity": factor, "audience": factor})
        s.facilitate({"kind": "custom", "text": "Everyone is talking about this", "valence": -0.9, "arousal": 0.9})
        s.advance(120)
        return s.ripple.snapshot().negative_reach

    assert run(3.0) > run(1.0) > run(0.3)


# ---------------------------------------------------------------- worst case


def test_worst_case_do_nothing_against_a_good_course(drill_scenario, team):
    session = drill_session(drill_scenario, team)
    session.act(A.Choose("model"))
    session.act(A.Choose("fix_public"))
    wc = D.worst_case(session, rollouts=120, horizon=60)
    assert wc.t == session.t and wc.horizon == 60 and wc.rollouts == 120
    assert wc.current.result.negative_reach.p50 < wc.nothing.result.negative_reach.p50
    assert wc.nothing.negative_reach_then > wc.current.negative_reach_then
    assert wc.current.news is not None and 0.0 <= wc.current.news <= wc.nothing.news <= 1.0
    bins = wc.histogram(10)
    assert sum(b[2] for b in bins) == 120 and sum(b[3] for b in bins) == 120
    same = D.worst_case(D.position(session), rollouts=120, horizon=60)
    assert json.dumps(same.to_json()) == json.dumps(wc.to_json())  # deterministic, and a Position is enough
    assert session.t == wc.t  # the live session was not moved
    with pytest.raises(D.DrillError):
        D.worst_case(session, rollouts=0)


def test_worst_case_reports_progress(drill_scenario, team):
    seen = []
    D.worst_case(drill_session(drill_scenario, team), rollouts=50, horizon=30, progress=lambda d, n: seen.append((d, n)))
    assert seen and seen[-1] == (100, 100) and all(n == 100 for _, n in seen)


# ---------------------------------------------------------------- the fork


def test_fork_replays_from_a_decision_with_another_choice(drill_scenario, team):
    session = drill_session(drill_scenario, team)
    session.act(A.Choose("model"))
    session.act(A.Choose("fix_public"))
    session.act(A.Wait(30))
    session.finish()
    listed = D.decisions(session)
    assert [d.kind for d in listed] == ["choose", "choose"] and listed[1].t > 0
    worse = D.fork(session, 1, {"reply": "Well it's not really representative of the store's stock. Did you CALL???"})
    assert worse.alternative.card.overall < worse.original.card.overall
    assert worse.original.card.overall == score(session).overall
    rows = {r[0]: r for r in worse.rows()}
    assert int(rows["overall"][3]) < 0 and rows["negative reach"][2] != rows["negative reach"][1]
    again = D.fork(session, 1, {"reply": "Well it's not really representative of the store's stock. Did you CALL???"})
    assert again.to_json() == worse.to_json()
    rest = D.fork(session, 1, {"reply": "Thanks for your patience."}, then="rest")
    assert rest.then == "rest" and rest.dropped == 1  # fix_public is only offered once the story moved on
    with pytest.raises(D.DrillError, match="from 1 to 2"):
        D.fork(session, 3, {"wait": "5m"})
    with pytest.raises(D.DrillError):
        D.fork(session, 1, {"dance": "now"})
    with pytest.raises(D.DrillError, match="cannot be played"):
        D.fork(session, 1, {"choose": "no_such_choice"})


def test_fork_a_role_players_decision(drill_scenario, team):
    session = drill_session(drill_scenario, team)
    session.act(A.Choose("model"))
    session.act(A.Escalate("supervisor"))
    session.advance(12)
    session.decide("supervisor", False, who="Sam")
    session.act(A.Offer("gas_credit", 50))
    decided = [d for d in D.decisions(session) if d.kind == "decide"]
    assert decided and decided[0].who == "Sam" and "denied" in decided[0].label
    result = D.fork(session, decided[0].n, {"decide": {"role": "supervisor", "approve": True, "who": "Sam"}}, then="rest")
    assert result.dropped == 0
    assert result.alternative.card.metrics != result.original.card.metrics or \
        result.alternative.card.overall != result.original.card.overall


# ---------------------------------------------------------------- improvement plan


def test_improvement_plan_names_people_and_dates(drill_scenario, team):
    session = drill_session(drill_scenario, team)
    session.act(A.Offer("gas_credit", 50))
    session.act(A.Escalate("legal"))
    session.advance(60)
    rows = D.improvement_plan(session, date="2025-03-14")
    assert rows and all(r.due > "2025-03-14" for r in rows)
    unanswered = [r for r in rows if r.action.startswith("Agree and write down")]
    assert {r.ref for r in unanswered} >= {"question 2", "question 4"}
    assert any("(Sam)" in r.owner for r in rows)
    assert any("blocked" in r.action and r.ref == "question 4" for r in rows)
    D.answer(session, 2, "Sam", "Supervisor above 25")
    after = D.improvement_plan(session, date="2025-03-14")
    assert not any(r.action.startswith("Agree and write down") and r.ref == "question 2" for r in after)
    with pytest.raises(D.DrillError):
        D.improvement_plan(session, date="next week")


# ---------------------------------------------------------------- commands


def saved_drill(drill_scenario, team):
    session = services.open_session(workspace(), drill_scenario, 7, start=D.drill_start(team))
    session.act(A.Choose("model"))
    session.act(A.Escalate("supervisor"))
    session.advance(12)
    session.decide("supervisor", True, who="Sam")
    D.answer(session, 4, "Eve", "Up to 60 in credit; the supervisor decides within 15 minutes")
    session.act(A.Choose("fix_public"))
    session.finish()
    session.writer.close()
    return session


def test_cli_fork_list_and_side_by_side(drill_scenario, team, capsys):
    session = saved_drill(drill_scenario, team)
    path = str(session.writer.path)
    assert main(["fork", path, "--list"]) == 0
    out = capsys.readouterr().out
    assert "escalate" in out and "Supervisor approved (Sam)" in out
    assert main(["fork", path, "--at", "1", "--action", '{"reply": "Did you even call the store?"}', "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["at"]["n"] == 1 and data["alternative"]["overall"] < data["original"]["overall"]
    assert main(["fork", path, "--at", "1", "--action", '{"reply": "Did you even call the store?"}']) == 0
    assert "what if" in capsys.readouterr().out
    assert main(["fork", path, "--at", "9", "--action", '{"wait": "5m"}']) == 1
    assert ":1:1: error: fork:" in capsys.readouterr().err
    assert main(["fork", path, "--at", "1", "--action", "{not json"]) == 2
    assert main(["fork", path]) == 2


def test_cli_worst_case_and_errors(drill_scenario, team, capsys, tmp_path):
    session = saved_drill(drill_scenario, team)
    assert main(["worst-case", str(session.writer.path), "--rollouts", "40", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rollouts"] == 40 and {"nothing", "current", "histogram"} <= set(data)
    assert main(["worst-case", str(session.writer.path), "--rollouts", "40"]) == 0
    assert "do nothing" in capsys.readouterr().out
    assert main(["worst-case", "no-such-session"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("crisis: error: no saved session 'no-such-session'") and "Traceback" not in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not a transcript\n", encoding="utf-8")
    assert main(["playbook", str(bad)]) == 1
    assert f"{bad}:1:1:" in capsys.readouterr().err
    assert main(["worst-case", str(session.writer.path), "--horizon", "soon"]) == 2


def test_cli_drill_rejects_unknown_roles(drill_scenario, capsys):
    assert main(["drill", drill_scenario.path, "--team", "cfo=Carl"]) == 2
    assert "no role 'cfo'" in capsys.readouterr().err
