"""The playbook a leadership team takes away from a drill, written from what it actually did.

Seed 002 says "have a written plan in place"; seed 003's seven questions say what the plan must
answer. A template would give every team the same page, so every section here is built from the
drill's own record: the roles and who sat in them, every escalation and the role player's
decision, the offers made and blocked, the first public acknowledgement and the first private
move, posts hidden and how the poster was told, where the story spread, the forecast the team
looked at, the answers the team gave to the questions (quoted, with who and when) and the
improvement plan with owners and due dates. Where the team did not decide something, the
playbook says so instead of inventing a policy.

Everything a scenario author or the team wrote is escaped for Markdown (`report.md`).
"""

from __future__ import annotations

from pathlib import Path

from simulator.evaluate import drill as D
from simulator.evaluate import observations as O
from simulator.evaluate.report import md
from simulator.evaluate.scoring import baseline, score
from simulator.format.durations import format_duration
from simulator.format.textsafe import clip
from simulator.world import rules as R


def _t(minutes: float) -> str:
    return f"T+{format_duration(max(0.0, float(minutes)))}"


def _quote(text: str) -> str:
    return f"\u201c{md(text)}\u201d"


def _answers(answers, q: int) -> list[str]:
    """The team's own words on question q, newest last."""
    return [f"- The team decided ({md(a.who)}, {_t(a.t)}): {_quote(a.text)}" for a in answers if a.question == q]


def _undecided(q: int, points) -> str:
    title = R.QUESTIONS[q - 1].title
    if q in points:
        return (f"- **Not decided in the drill**, although it came up at {_t(points[q].t)}. Agree the answer to "
                f"\u201c{title}\u201d before adopting this playbook (it is in the improvement plan).")
    return f"- It did not come up in this drill and the team did not decide it: agree the answer to \u201c{title}\u201d."


def _title(role) -> str:
    """Role titles written for a solo trainee say "(you)"; in a team's playbook they do not."""
    return role.title.removesuffix(" (you)")


def _role_history(session, role_id: str) -> list[str]:
    """What happened with one role in the drill: asked when, decided how, by whom."""
    out = []
    for e in session.events:
        if e.data.get("role") != role_id:
            continue
        if e.kind == "escalation":
            out.append(f"asked at {_t(e.t)}" + (f" ({_quote(e.text)})" if e.text else ""))
        elif e.kind == "approval":
            who = f" by {md(e.data['who'])}" if e.data.get("who") else ""
            out.append(f"approved{who} at {_t(e.t)}, up to {e.data.get('authority', 0):g}")
        elif e.kind == "approval_denied":
            who = f" by {md(e.data['who'])}" if e.data.get("who") else ""
            out.append(f"denied{who} at {_t(e.t)}" + (f" ({_quote(e.data['note'])})" if e.data.get("note") else ""))
        elif e.kind == "note" and e.data.get("review"):
            out.append(f"then held every public reply {format_duration(e.data['review'])} for sign-off")
    if session.drill and role_id in session.pending:
        out.append("a request was still waiting for a decision at the end")
    return out


def _bring_in(sc, role, roles_by_authority) -> str:
    """When this role needs to know, from the scenario's authority ladder and scoring."""
    if role.trainee:
        return "owns the conversation from the first minute"
    bits = []
    if sc.scoring.escalate_to == role.id:
        bits.append(f"always, within {format_duration(sc.scoring.escalate_within)}")
    below = [r.authority for r in roles_by_authority if r.authority < role.authority]
    floor = max(below) if below else 0
    if role.authority > floor:
        bits.append(f"remedies worth more than {floor:g} (up to {role.authority:g})")
    if role.can_approve:
        bits.append("to approve " + ", ".join(md(_remedy_name(sc, x)) for x in role.can_approve))
    return "; ".join(bits) or "to stay informed"


def _remedy_name(sc, remedy_id: str) -> str:
    """What a person reads for a remedy id: its label, else the id in words (never `public_apology`)."""
    remedy = next((r for r in sc.remedies if r.id == remedy_id), None)
    return (remedy.label if remedy is not None and remedy.label else remedy_id.replace("_", " "))


def _spillover_name(sc, spill_id: str) -> str:
    """A spillover by its headline, else its id in words (never `servers_forum`)."""
    spec = next((s for s in sc.ripple.spillovers if s.id == spill_id), None)
    return spec.title if spec is not None and spec.title else spill_id.replace("_", " ")


def render(session, card=None, worst=None, *, date=None) -> str:
    """The playbook as Markdown. `worst` is an optional `drill.WorstCase` the team looked at."""
    sc = session.scenario
    card = card if card is not None else score(session, turning_points=False)
    day = D._as_date(date)
    team = D.team_from_session(session)
    answers = D.answers(session)
    points = {p.question: p for p in D.decision_points(session)}
    ev = session.events
    L: list[str] = [f"# Social media crisis playbook: {md(sc.brand.name)}", ""]
    L += [f"Written from the drill {md(sc.title)} (`{md(sc.id)}`, seed {session.seed}) on {day.isoformat()}. "
          f"Every line below comes from the team's decisions in that drill; adopt, amend, rehearse.", ""]
    L += ["| role | who | responds in | may give without asking |", "|---|---|---|---:|"]
    for s in team.seats:
        L.append(f"| {md(s.title.removesuffix(' (you)'))} | {md(s.person) or 'unassigned'} | {format_duration(s.delay) if s.delay else 'at once'} "
                 f"| {s.authority:g} |")
    m = card.metrics
    L += ["", f"Drill result: {card.overall}/100 (grade {card.grade}); customer {md(card.outcome.replace('_', ' '))}; "
              f"negative reach {m['negative_reach']:,} (doing nothing: {card.baseline['negative_reach']:,}); "
              f"spillovers {m['spillovers']}.", ""]

    # 1 ---------------------------------------------------------------- worst case
    L += ["## 1. Our worst case", ""]
    base = baseline(session)
    peak = max((h.negative_reach for h in base.ripple.history), default=0)
    spilled_base = [s.title or s.id for s in sc.ripple.spillovers if s.id in base.fired]
    L.append(f"- Doing nothing in this scenario: {peak:,} people saw it negatively"
             + (f"; it spread to {', '.join(md(x) for x in spilled_base)}" if spilled_base else "") + ".")
    if worst is not None:
        for c in (worst.nothing, worst.current):
            nr = c.result.negative_reach
            news = "no news channel in this scenario" if c.news is None else f"chance of the news: {c.news:.0%}"
            L.append(f"- Forecast from {_t(worst.t)} ({worst.rollouts} rollouts, {format_duration(worst.horizon)} ahead), "
                     f"{md(c.label)}: negative reach p50 {nr.p50:,.0f}, p90 {nr.p90:,.0f}, p99 {nr.p99:,.0f}; {news}.")
    if 1 in points:
        L.append(f"- The moment it became real in the drill: {_t(points[1].t)}, {md(points[1].reason)}.")
    L += _answers(answers, 1) or [_undecided(1, points)]
    L.append("")

    # 2 ---------------------------------------------------------------- escalation matrix
    L += ["## 2. Escalation matrix: who needs to know what, when", ""]
    ladder = sorted(sc.roles, key=lambda r: r.authority)
    L += ["| role | who | bring in for | responds in | in the drill |", "|---|---|---|---|---|"]
    for role in ladder:
        seat = team.seat(role.id)
        history = _role_history(session, role.id)
        if role.trainee:
            did = "ran the conversation"
        else:
            did = "; ".join(history) if history else "not involved"
        if any(r.kind == "escalate" and r.data.get("role") == role.id and r.data.get("needless") for r in session.records):
            did += " \u2014 not needed: the front line had the authority"
        L.append(f"| {md(_title(role))} | {md(seat.person if seat else '') or 'unassigned'} | {_bring_in(sc, role, ladder)} "
                 f"| {format_duration(role.delay) if role.delay else 'at once'} | {did} |")
    blocked = [e for e in ev if e.kind == "offer_blocked"]
    if blocked:
        e = blocked[0]
        L += ["", f"- In the drill an offer was blocked at {_t(e.t)} ({md(e.text)}): ask before promising."]
    L.append("")
    L += _answers(answers, 2) or [_undecided(2, points)]
    L.append("")

    # 3 ---------------------------------------------------------------- all in
    L += ["## 3. Our \u201call in\u201d, by role", ""]
    L += ["| role | may give without asking | can also approve |", "|---|---:|---|"]
    for role in ladder:
        approves = ", ".join(md(_remedy_name(sc, x)) for x in role.can_approve) or "\u2014"
        L.append(f"| {md(_title(role))} | {role.authority:g} | {approves} |")
    offers = [e for e in ev if e.kind == "offer"]
    L.append("")
    if offers:
        spent = sum(float(e.data.get("value", 0) or 0) for e in offers)
        L.append("- What the team gave: " + "; ".join(f"{md(e.text)} ({e.data.get('value', 0):g}, {_t(e.t)}, "
                                                        f"{'public' if e.data.get('public') else 'private'})" for e in offers)
                 + f". Total {spent:g} against a fair remedy of about {sc.persona.fair_remedy:g}.")
    else:
        L.append("- The team offered no remedy in the drill.")
    granted = [e for e in ev if e.kind == "approval"]
    if granted:
        top = max(granted, key=lambda e: float(e.data.get("authority", 0) or 0))
        L.append(f"- Highest authority granted: {top.data.get('authority', 0):g} by {md(top.actor)}"
                 + (f" ({md(top.data['who'])})" if top.data.get("who") else "") + f" at {_t(top.t)}.")
    L += _answers(answers, 4) or [_undecided(4, points)]
    L.append("")

    # 4 ---------------------------------------------------------------- private
    L += ["## 4. When we move to a private channel", ""]
    first_private = next((r for r in session.replies if r.kind == "private"), None)
    if session.acknowledged_at is not None:
        L.append(f"- First public acknowledgement: {_t(session.acknowledged_at)}.")
    else:
        L.append("- The complaint was never acknowledged in public.")
    if first_private is not None:
        order = ("after the public acknowledgement: keep it that way" if session.acknowledged_at is not None
                 and session.acknowledged_at <= first_private.t else "before any public acknowledgement: onlookers read it as a brush-off")
        L.append(f"- First private move at {_t(first_private.t)}, {order}: {_quote(clip(first_private.text, 200))}")
    else:
        L.append("- The team never moved private.")
    for p in session.promises:
        status = {True: "kept", False: "BROKEN", None: "still open at the end"}[p.kept]
        L.append(f"- Promise made at {_t(p.t)}, {status}: {_quote(clip(p.text, 160))}")
    L += _answers(answers, 3) or [_undecided(3, points)]
    L.append("")

    # 5 ---------------------------------------------------------------- walk away and moderation
    L += ["## 5. Walking away and moderation", ""]
    brand = sc.brand
    if brand.guidelines_posted:
        L.append("- Community guidelines are posted" + (f": {_quote(clip(brand.guidelines, 300))}" if brand.guidelines else "") + ".")
    else:
        L.append("- **No community guidelines are posted.** Until they are, a deleted post looks like censorship: "
                 "post them where people can see them before they are needed.")
    hides = [r for r in session.records if r.kind == "hide"]
    for r in hides:
        post = session.posts.get(r.data["post"])
        told = "told the poster why by DM" if r.data.get("explained") else "did not tell the poster why"
        text = f" {_quote(clip(post.text, 160))}" if post is not None else ""
        L.append(f"- The team hid post {md(r.data['post'])} at {_t(r.t)} and {told}.{text}")
    if not hides:
        L.append("- The team deleted nothing in the drill.")
    walk = next((r for r in session.replies if r.kind == "walk_away"), None)
    if walk is not None:
        tried = sum(1 for x in session.replies if x.t < walk.t and x.kind in ("reply", "private"))
        L.append(f"- The team walked away at {_t(walk.t)} after {tried} attempt(s): {_quote(clip(walk.text, 200))}")
    else:
        L.append("- The team did not walk away.")
    if 6 in points:
        L.append(f"- The breaking point came up at {_t(points[6].t)}: {md(points[6].reason)}.")
    L += _answers(answers, 6) or [_undecided(6, points)]
    L.append("")

    # 6 ---------------------------------------------------------------- ripple monitoring
    L += ["## 6. Ripple monitoring", ""]
    spills = [e for e in ev if e.kind == "spillover"]
    for e in spills:
        L.append(f"- It spread to {md(e.data.get('platform', ''))} at {_t(e.t)}: {md(e.data.get('title') or e.text)}.")
    others = [e for e in ev if e.kind == "post" and e.data.get("platform") not in (None, "main") and e.item not in {s.item for s in spills}]
    for e in others:
        L.append(f"- A post on {md(e.data.get('platform'))} at {_t(e.t)}: {_quote(clip(e.text, 160))}")
    if not spills and not others:
        L.append("- The story stayed on the original platform in the drill.")
    heat = sorted(session.ripple.group_heat().items(), key=lambda kv: -kv[1])[:3]
    if heat and heat[0][1] > 0:
        L.append("- Watch these groups first (share who saw it): " + ", ".join(f"{md(g)} {v:.0%}" for g, v in heat if v > 0) + ".")
    for spec in sc.ripple.spillovers:
        fired = "happened in the drill" if spec.id in session.fired else "did not happen in the drill"
        L.append(f"- Trigger to watch: {md(spec.metric.replace('_', ' '))} over {spec.threshold:,} \u2192 "
                 f"{md(spec.title or spec.platform)} about {format_duration(spec.delay)} later ({fired}).")
    if worst is not None:
        for c in (worst.nothing, worst.current):
            risks = ", ".join(f"{md(_spillover_name(sc, r.spec_id))} {r.p:.0%}" for r in c.result.spillovers)
            if risks:
                L.append(f"- Forecast spillover risk, {md(c.label)}: {risks}.")
    L += _answers(answers, 5) or [_undecided(5, points)]
    L.append("")

    # 7 ---------------------------------------------------------------- aftermath
    L += ["## 7. The aftermath statement", ""]
    outcome = card.outcome
    follow = next((r for r in session.replies if r.kind == "follow_up"), None)
    if follow is not None:
        L.append(f"- The team followed up at {_t(follow.t)}: {_quote(clip(follow.text, 240))}")
    else:
        L.append("- The team posted no follow-up.")
    if outcome in ("satisfied", "raving_fan"):
        L.append(f"- The customer ended {md(outcome.replace('_', ' '))}: a short, visible thank-you that says what is being "
                 "fixed closes the loop where the complaint was seen.")
    elif outcome == "hostile":
        L.append("- The customer ended hostile: let the storm pass where it has moved offline; where it is still public, "
                 "state the brand's position once, respectfully, and do not argue.")
    else:
        L.append(f"- The customer ended {md(outcome.replace('_', ' '))}: say publicly what was done and leave the door open.")
    if sc.scoring.follow_up_expected and follow is None:
        L.append("- This scenario needed a visible follow-up and got none.")
    L += _answers(answers, 7) or [_undecided(7, points)]
    L.append("")

    # objectives: the game's ratings beside the observers' --------------------
    rated = O.ratings(session)
    written = O.notes(session)
    if rated or written:
        L += ["## Objectives: computed and observed", ""]
        if card.objectives:
            L += ["| objective | computed | observers |", "|---|---|---|"]
            for o in card.objectives:
                L.append(f"| {md(o.text)} | {o.rating} ({md(o.why)}) | {md(O.rating_text(rated.get(o.id, ()))) or '—'} |")
            L.append("")
        if written:
            L += [f"- {_t(n.t)} {md(n.who)} ({n.by}): {md(n.text)}" for n in written]
            L.append("")

    # plan -------------------------------------------------------------------
    L += ["## Improvement plan", "", "| # | action | owner | due | from |", "|---:|---|---|---|---|"]
    for i, row in enumerate(D.improvement_plan(session, card, day), start=1):
        L.append(f"| {i} | {md(row.action)} | {md(row.owner)} | {row.due} | {md(row.ref)} |")
    L.append("")

    # log --------------------------------------------------------------------
    L += ["## Decision log", "", "| time | who | what |", "|---|---|---|"]
    for e in ev:
        if e.kind == "note" and e.data.get("decision"):
            q = int(e.data.get("question", 0) or 0)
            what = f"question {q} ({R.QUESTIONS[q - 1].title}): {md(e.text)}" if 1 <= q <= 7 else md(e.text)
            L.append(f"| {_t(e.t)} | {md(e.actor)} | {what} |")
        elif e.kind in ("approval", "approval_denied") and e.data.get("approved") is not None:
            L.append(f"| {_t(e.t)} | {md(e.data.get('who') or e.actor)} | {md(e.text)} |")
        elif e.kind == "note" and e.actor not in ("review",) and not e.data.get("review") and not e.data.get("rating"):
            L.append(f"| {_t(e.t)} | {md(e.actor)} | note: {md(e.text)} |")
        elif e.kind == "inject" and e.actor == "facilitator":
            L.append(f"| {_t(e.t)} | facilitator | inject: {md(e.text)} |")
    L.append("")
    return "\n".join(L)


def write(session, path, card=None, worst=None, *, date=None) -> None:
    Path(path).write_text(render(session, card, worst, date=date), encoding="utf-8")


__all__ = ["render", "write"]
