"""What each person in a drill room sees, as JSON: built from the session under the room's lock.

A view is chosen by role, never by what the client asks for: the facilitator gets the events
list (MSEL) with times, expected player actions and contingencies, the questions' queue, notes
and ratings; a seat gets the feed, the customer, the ripple and what is addressed to it (the
composer when it owns the conversation, its approvals, raised questions); the projector gets the
feed and the ripple only; an observer gets the objectives to rate and the feed. Every string
an author or a player wrote passes `textsafe.document` (controls and bidi overrides made
visible); the pages set it with textContent, so nothing here is ever markup.
"""

from __future__ import annotations

from simulator.evaluate import drill as D
from simulator.evaluate import observations as O
from simulator.format.durations import format_duration
from simulator.format.textsafe import document

FEED_KINDS = ("post", "brand_reply", "follow_up", "walk_away", "spillover")
PRIVATE_KINDS = ("private_out", "private_in")
NOTE_KINDS = ("beat", "escalation", "approval", "approval_denied", "approval_needed", "offer", "offer_blocked", "hidden",
              "promise", "inject", "note", "end")
FEED_MAX = 150  # the newest entries; the report has the rest


def _s(text) -> str:
    return document(text)


def clock(t: float) -> str:
    return f"T+{format_duration(t)}"


def _feed(session, *, private: bool, notes: bool, evaluators: bool = False) -> list[dict]:
    """The feed a role sees; notes and ratings written for the report stay with the evaluators."""
    sc = session.scenario
    out = []
    for e in session.events:
        if e.kind in FEED_KINDS:
            post = session.posts.get(e.item)
            author = {"customer": sc.persona.handle or sc.persona.name, "brand": sc.brand.handle}.get(e.actor, e.actor)
            if e.kind == "spillover":
                author = e.data.get("platform", e.actor)
            out.append({"t": e.t, "clock": clock(e.t), "kind": "brand" if e.actor == "brand" else "post",
                        "event": e.kind, "author": _s(author), "text": _s(e.text), "item": e.item,
                        "platform": _s(post.platform if post else e.data.get("platform", "main")),
                        "hidden": bool(post and post.hidden),
                        "seen": session.ripple.item_reach(e.item) if e.item else 0})
        elif private and e.kind in PRIVATE_KINDS:
            author = sc.brand.handle if e.kind == "private_out" else (sc.persona.handle or sc.persona.name)
            out.append({"t": e.t, "clock": clock(e.t), "kind": "private", "event": e.kind, "author": _s(author),
                        "text": _s(e.text), "item": e.item, "platform": _s(e.data.get("channel", "dm"))})
        elif notes and e.kind in NOTE_KINDS:
            if e.kind == "inject" and (e.item or e.data.get("item") or e.data.get("kind") == "customer"):
                continue  # the post itself is in the feed
            if e.kind == "note" and e.data.get("by") and not evaluators:
                continue
            author, text = e.actor, e.text
            if e.kind == "escalation":
                title = e.data.get("title", e.data.get("role", "?"))
                author = "front line"
                text = f"asked {title} to step in (answer in ~{format_duration(e.data.get('delay', 0) or 0)})" + (
                    f": “{e.text}”" if e.text else "")
            out.append({"t": e.t, "clock": clock(e.t), "kind": "note", "event": e.kind, "author": _s(author),
                        "text": _s(text), "item": e.item})
    return out[-FEED_MAX:]


def _metrics(session) -> dict:
    snap = session.ripple.snapshot()
    history = session.ripple.history[-60:]
    return {"reach": snap.reach, "negative_reach": snap.negative_reach, "sentiment": round(snap.net_sentiment, 3),
            "spillovers": snap.spillovers,
            "history": [{"t": h.t, "reach": h.reach, "negative_reach": h.negative_reach} for h in history]}


def _customer(session) -> dict:
    p = session.persona
    sc = session.scenario
    return {"name": _s(sc.persona.name), "handle": _s(sc.persona.handle), "mood": p.mood, "anger": round(p.anger, 3),
            "trust": round(p.trust, 3), "patience": round(p.patience, 3), "outcome": session.outcome()}


def _seats(session, team: D.Team) -> list[dict]:
    return [{"role": s.role, "title": _s(s.title), "person": _s(s.person), "authority": s.authority,
             "responds_in": format_duration(s.delay) if s.delay else "at once", "trainee": s.trainee,
             "description": _s(s.description)} for s in team.seats]


def _pending(session) -> list[dict]:
    notes = {}
    for e in session.events:
        if e.kind == "escalation":
            notes[e.data.get("role")] = e.text
    out = []
    for role_id, since in sorted(session.pending.items(), key=lambda kv: kv[1]):
        role = session.scenario.role(role_id)
        if role is None:
            continue
        out.append({"role": role_id, "title": _s(role.title), "since": since, "clock": clock(since),
                    "authority": role.authority, "note": _s(notes.get(role_id, ""))})
    return out


def _question(point) -> dict:
    return {"question": point.question, "title": _s(point.title), "prompt": _s(point.prompt), "t": point.t,
            "clock": clock(point.t), "reason": _s(point.reason)}


def _briefing(session, team: D.Team) -> dict:
    sc = session.scenario
    return {"title": _s(sc.title), "situation": _s(getattr(sc, "situation", "")),
            "objectives": [{"id": o.id, "text": _s(o.text)} for o in sc.objectives],
            "seats": _seats(session, team)}


def common(room, session) -> dict:
    """What every role sees: the room, the clock, the feed and the ripple."""
    sc = session.scenario
    return {
        "room": room.id, "session": room.session_id, "scenario": sc.id, "title": _s(sc.title), "version": room.version,
        "t": session.t, "clock": clock(session.t), "time_limit": sc.time_limit, "mode": sc.mode,
        "running": room.running, "speed": room.speed, "finished": session.finished, "end_reason": _s(session.end_reason),
        "closed": room.closed, "metrics": _metrics(session),
    }


def build(room, session, role: str) -> dict:
    """The state of the room as `role` sees it (facilitator, observer, projector or a seat's role id)."""
    team = room.team
    out = common(room, session)
    out["role"] = role
    if role == "projector":
        out["feed"] = _feed(session, private=False, notes=False)
        return out
    out["briefing"] = _briefing(session, team)
    out["feed"] = _feed(session, private=True, notes=True, evaluators=role in ("facilitator", "observer"))
    out["customer"] = _customer(session)
    out["authority"] = session.authority
    out["pending"] = _pending(session)
    out["questions"] = [_question(p) for p in room.raised_points(session)]
    if role == "facilitator":
        out["queue"] = [_question(p) for p in room.queued_points(session)]
        out["events"] = _events(session)
        out["observations"] = _observations(session)
        out["codes"] = room.codes.as_dict()  # the facilitator hands out the seats' links
    elif role == "observer":
        out["observations"] = _observations(session)
        out["events"] = _events(session)
    else:
        seat = team.seat(role)
        owner = next((s for s in team.seats if s.trainee), None)
        title = (seat.title.removesuffix(" (you)") if seat.person else seat.title) if seat else role
        out["you"] = {"role": role, "title": _s(title), "person": _s(seat.person if seat else ""),
                      "composer": bool(seat and seat.trainee),
                      "owner": _s(owner.label if owner else "")}
        if seat and seat.trainee and not session.finished:
            out["suggestions"] = [{"id": c.id, "label": _s(c.label), "action": c.action, "text": _s(c.text)}
                                  for c in session.choices()[:9]]
            out["roles"] = [{"id": r.id, "title": _s(r.title)} for r in session.scenario.roles if not r.trainee]
            out["remedies"] = [{"id": r.id, "label": _s(r.label), "cost": r.cost} for r in session.scenario.remedies]
            out["hideable"] = [f["item"] for f in out["feed"] if f["kind"] == "post" and f["item"] and not f.get("hidden")
                               and f["item"] in session.posts and session.posts[f["item"]].author != "brand"]
    return out


def _events(session) -> list[dict]:
    """The MSEL: every inject with its time or condition, what players are expected to do, and the contingency."""
    fired, skipped = set(session.fired), set(session.skipped)
    out = []
    for i in session.scenario.injects:
        out.append({"id": i.id, "at": i.at, "clock": clock(i.at) if i.at is not None else "",
                    "when": _s(i.when.source if i.when is not None else ""),
                    "kind": i.kind, "from": _s(i.sender), "to": _s(i.to), "delivery": _s(i.delivery), "text": _s(i.text),
                    "expected": _s(i.expected), "objective": i.objective, "contingency": i.contingency,
                    "fired": i.id in fired, "skipped": i.id in skipped})
    return out


def _observations(session) -> list[dict]:
    return [{"t": o.t, "clock": clock(o.t), "by": o.by, "who": _s(o.who), "text": _s(o.text), "objective": o.objective,
             "rating": o.rating, "note": _s(o.note)} for o in O.observations(session)]
