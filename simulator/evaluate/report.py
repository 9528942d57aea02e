"""The after-action report: what happened, why it scored as it did, and what to do next time.

The shape is the one exercise planners know (GUIDE.md section 5): overview, objectives rated
P/S/M/U, a timeline, strengths, areas for improvement tied to a decision, a quote and a rule or
planning question, turning points, recommended playbook entries and, for drills, an improvement
plan with owners and due dates. Markdown for pasting into a wiki; HTML as one self-contained page
(inline CSS and SVG drawn here, no scripts, no network) that prints well.

Everything a scenario author or a trainee wrote is hostile text: it is stripped of control
characters and escaped for the target (HTML entities; Markdown punctuation), never interpreted.
The report reads only the session, the scorecard and an optional forecast; the date is passed in
(from the history index or the file's mtime) because the transcript holds no wall-clock time.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from simulator.evaluate import observations as O
from simulator.evaluate.examples import Example, examples
from simulator.evaluate.scoring import RATINGS, Scorecard, baseline, describe
from simulator.format import textsafe
from simulator.format.durations import format_duration
from simulator.world import rules as R

# ---------------------------------------------------------------- text safety (format/textsafe.py)

clean = textsafe.document
h = textsafe.html
md = textsafe.markdown


def _t(minutes: float) -> str:
    """Scenario time in the one format the clock, the TUI and the playbook use ('T+1h 31m')."""
    return f"T+{format_duration(max(0.0, float(minutes)))}"


def _date(value) -> _dt.date:
    if value is None:
        return _dt.date.today()
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value)[:10])


# ---------------------------------------------------------------- content


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    t: float
    who: str
    kind: str  # label: complaint, reply, private, escalation, inject, spillover...
    text: str
    detail: str = ""
    n: int | None = None  # the trainee's action number, when it was theirs
    tone: str = ""  # brand | customer | world | facilitator | system


_LABELS = {
    "post": "post", "brand_reply": "public reply", "private_out": "private message", "private_in": "private message",
    "escalation": "escalation", "approval": "approval", "offer": "offer", "offer_blocked": "offer blocked",
    "hidden": "hid a post", "walk_away": "walked away", "follow_up": "follow-up", "inject": "inject",
    "spillover": "spillover", "promise": "promise", "mood": "mood", "note": "facilitator note", "end": "end",
    "approval_needed": "approval asked", "approval_denied": "approval denied",
}


def _words(name: object) -> str:
    """An author's id as words ('review_site' -> 'review site'), where no label exists."""
    return str(name or "").replace("_", " ")


def person(session, actor: str) -> str:
    """Who posted, as a reader knows them: the customer's handle, a commenter's handle, never an id."""
    sc = session.scenario
    if actor == "customer":
        return sc.persona.handle or sc.persona.name
    if actor == "brand":
        return "brand"
    if actor == "brand_voice":
        return "brand account"
    commenter = sc.commenter(actor) if sc.commenters else None
    if commenter is not None:
        return commenter.handle or commenter.name
    return _words(actor)


def timeline(session) -> list[Entry]:
    """Posts, the trainee's actions, injects, spillovers, facilitator notes, in the order they happened."""
    by_post = {r.post: r for r in session.replies}
    out: list[Entry] = []
    records = list(session.records)
    for e in session.events:
        kind = e.kind
        if kind in ("beat", "coach"):
            if kind == "coach" and out and out[-1].tone == "brand":
                kept, broken = e.data.get("kept", []), e.data.get("broken", [])
                # A message that broke a rule is not credited with the ones it kept.
                bits = [f"rule {n} BROKEN" for n in broken] if broken else [f"rule {n} kept" for n in kept]
                if bits:
                    out[-1] = Entry(out[-1].t, out[-1].who, out[-1].kind, out[-1].text, "; ".join(bits), out[-1].n, out[-1].tone)
            continue
        if kind == "inject" and e.data.get("item"):
            continue  # the post it made is already on the timeline
        label = _LABELS.get(kind) or _words(kind)
        who, tone, detail, n = person(session, e.actor), "world", "", None
        text = e.text
        if kind == "post":
            tone = "customer" if e.actor == "customer" else "world"
            label = "complaint" if e.item == "c1" else ("customer post" if e.actor == "customer" else e.data.get("kind", "post").replace("_", " "))
            if e.data.get("platform") not in (None, "main"):
                detail = f"on {_words(e.data.get('platform'))}"
        elif kind in ("brand_reply", "private_out", "walk_away", "follow_up"):
            tone = "brand"
            rec = by_post.get(e.item)
            n = rec.n if rec else None
            who = "brand"
            if kind == "private_out" and e.data.get("why_hidden"):
                label = "told the poster why"
        elif kind == "private_in":
            tone, who = "customer", "customer"
        elif kind in ("escalation", "offer", "offer_blocked", "hidden"):
            tone = "brand"
            rec = next((r for r in records if r.kind in ("escalate", "offer", "hide") and abs(r.t - e.t) < 1e-6), None)
            n = rec.n if rec else None
            if kind == "escalation":
                text = f"to {e.data.get('title', '')}" + (f": {e.text}" if e.text else "")
            elif kind == "hidden":
                post = session.posts.get(e.item)
                whose = f"by {person(session, post.author)}" if post is not None else ""
                text = " ".join(x for x in ("a post", whose, f"(told them: {e.text})" if e.text else "(without telling them why)") if x)
            elif kind == "offer":
                text = f"{e.text} ({e.data.get('value', 0):g}, {'public' if e.data.get('public') else 'private'})"
        elif kind == "approval":
            tone = "world"
        elif kind == "spillover":
            tone = "world"
            who = _words(e.data.get("platform", e.actor))
            detail = e.data.get("title", "")
        elif kind == "mood":
            tone = "customer"
            text = f"{e.data.get('from', '')} \u2192 {e.data.get('to', '')}"
        elif kind == "promise":
            tone = "brand"
            label = f"promise {e.data.get('status', '')}".strip()
        elif kind == "note":
            tone = "facilitator"
            if e.data.get("decision"):
                label = "decision"
                q = e.data.get("question")
                if q and 1 <= int(q) <= 7:
                    detail = f"planning question {q}: {R.QUESTIONS[int(q) - 1].title}"
        elif kind == "inject":
            tone = "world"
        elif kind == "end":
            tone = "system"
            text = f"{e.text} (customer {e.data.get('outcome', '').replace('_', ' ')})"
        out.append(Entry(float(e.t), who, label, text, detail, n, tone))
    return out


@dataclass(frozen=True)
class PlayEntry:
    """A recommended playbook line: what to do next time, and where the lesson comes from."""

    topic: str
    text: str
    source: str  # "rule 7", "question 2", "scenario"
    because: str = ""  # what happened in this session that calls for it


RULE_PLAYBOOK = {
    1: "Never tell a customer in public that they are wrong or used it wrong; start from their experience.",
    2: "Treat every poster like royalty, whatever their tone: no sarcasm, no put-downs, ever.",
    3: "Unreasonable customers are not the enemy: answer the need under the demand.",
    4: "Answer anger with a calm, generous demeanour: short, warm, specific.",
    5: "Meet rudeness with politeness; never mirror the tone.",
    6: "Ask a question that recruits the customer into the fix (\u201cWhat item were you looking for?\u201d).",
    7: "Never argue online: correct facts with a fix, not a rebuttal; take detail private after acknowledging.",
    8: "Apologise first, even when the brand is not at fault: it costs nothing and disarms.",
    9: "When the request cannot be granted: apologise, say what you cannot do, offer what you can.",
}
QUESTION_PLAYBOOK = {
    1: "Answer a public complaint within {expected}; silence is read as not caring.",
    2: "Name who must be told and by when: {escalation}.",
    3: "Acknowledge in public first, then move private, and keep every promise made there.",
    4: "Know your all-in: what you may give without asking ({authority}), and when to ask for more.",
    5: "Watch for ripple effects: check where the story is spreading and answer there too.",
    6: "Have a walk-away rule: hide only abusive posts under posted guidelines and say why; walk away gracefully only after trying.",
    7: "Close the loop in public: a short follow-up when the issue is resolved.",
}


def playbook(session, card: Scorecard) -> list[PlayEntry]:
    """Playbook lines derived from what happened: each broken rule or missed question gives one."""
    sc = session.scenario
    out: list[PlayEntry] = []
    seen: set[str] = set()
    fill = {
        "expected": format_duration(sc.scoring.expected_response),
        "escalation": (f"{sc.role(sc.scoring.escalate_to).title} within {format_duration(sc.scoring.escalate_within)}"
                       if sc.scoring.escalate_to and sc.role(sc.scoring.escalate_to) else "the next level, when it exceeds your authority"),
        "authority": f"up to {sc.trainee_role.authority:g}",
    }
    for f in card.improvements:
        if f.rule and f"r{f.rule}" not in seen:
            seen.add(f"r{f.rule}")
            quote = f" \u201c{textsafe.clip(f.quote, 120)}\u201d" if f.quote else ""
            out.append(PlayEntry(R.rule(f.rule).title, RULE_PLAYBOOK[f.rule], f"rule {f.rule}", f"rule broken:{quote}".strip()))
        elif f.question and f"q{f.question}" not in seen:
            seen.add(f"q{f.question}")
            out.append(PlayEntry(R.QUESTIONS[f.question - 1].title, QUESTION_PLAYBOOK[f.question].format(**fill),
                                 f"question {f.question}", f.text))
    for f in card.strengths:  # what worked is worth writing down too
        key = f"r{f.rule}" if f.rule else f"q{f.question}" if f.question else ""
        if key and key not in seen:
            seen.add(key)
            if f.rule:
                out.append(PlayEntry(R.rule(f.rule).title, RULE_PLAYBOOK[f.rule], f"rule {f.rule}", "worked here: keep doing it"))
            else:
                out.append(PlayEntry(R.QUESTIONS[f.question - 1].title, QUESTION_PLAYBOOK[f.question].format(**fill),
                                     f"question {f.question}", "worked here: keep doing it"))
    if sc.lesson:
        out.append(PlayEntry("This scenario's lesson", " ".join(sc.lesson.split()), "scenario", ""))
    return out


@dataclass(frozen=True)
class PlanItem:
    action: str
    owner: str
    due: str  # ISO date
    ref: str
    priority: int


def improvement_plan(session, card: Scorecard, date=None) -> list[PlanItem]:
    """Corrective actions for a drill, each with an owner and a due date (HSEEP improvement plan)."""
    sc = session.scenario
    start = _date(date)
    trainee = sc.trainee_role.title
    senior = max(sc.roles, key=lambda r: r.authority).title if sc.roles else trainee
    owners = {1: trainee, 2: senior, 3: trainee, 4: senior, 5: "Communications lead", 6: "Community manager", 7: "Communications lead"}
    items: list[PlanItem] = []
    seen: set[str] = set()
    for entry in playbook(session, card):
        if entry.source == "scenario" or "keep doing" in entry.because or entry.source in seen:
            continue
        seen.add(entry.source)
        kind, _, number = entry.source.partition(" ")
        n = int(number)
        priority = 1 if (kind == "rule" and n in (1, 7)) or (kind == "question" and n in (1, 2, 3)) else 2
        owner = owners[n] if kind == "question" else f"{trainee}; coached by {senior}"
        due = start + _dt.timedelta(days=14 if priority == 1 else 30)
        items.append(PlanItem(f"Write into the playbook and rehearse: {entry.text}", owner, due.isoformat(), entry.source, priority))
    if not items:
        due = (start + _dt.timedelta(days=90)).isoformat()
        items.append(PlanItem("Re-run this drill with a harder variant to keep the response sharp.", senior, due, "drill", 3))
    return sorted(items, key=lambda i: (i.priority, i.ref))


# ---------------------------------------------------------------- Markdown


def render_markdown(session, card: Scorecard, forecast=None, *, date=None, trainee: str | None = None) -> str:
    sc = session.scenario
    trainee = session.trainee if trainee is None else trainee
    day = _date(date)
    L: list[str] = []
    L += [f"# After-action report: {md(sc.title)}", ""]
    L += ["## Overview", ""]
    L += ["| | |", "|---|---|"]
    L += [f"| Scenario | {md(sc.title)} (`{md(sc.id)}`), {md(sc.track)}, difficulty {sc.difficulty} |"]
    L += [f"| Trainee | {md(trainee) or 'not recorded'} |", f"| Date | {day.isoformat()} |"]
    L += [f"| Seed | {card.seed} |", f"| Simulated time | {_t(session.t)} |"]
    L += [f"| Outcome | customer {md(card.outcome.replace('_', ' '))}; {md(session.end_reason)} |"]
    L += [f"| Overall | **{card.overall}/100, grade {card.grade}** |", ""]
    if sc.summary:
        L += [md(sc.summary), ""]
    L += ["### Scores", "", "| dimension | score | weight | why |", "|---|---:|---:|---|"]
    for d, v in card.dimensions.items():
        why = " ".join(card.explain.get(d, ()))
        L.append(f"| {d} | {v:.0f} | {card.weights.get(d, 0) * 100:.0f}% | {md(why)} |")
    m, b = card.metrics, card.baseline
    L += ["", f"Reach {m['reach']:,}: negative {m['negative_reach']:,} (doing nothing: {b['negative_reach']:,}), "
              f"neutral {m.get('neutral_reach', 0):,}, positive {m.get('positive_reach', 0):,}; "
              f"net sentiment {m['net_sentiment']:+.2f} (doing nothing: {b['net_sentiment']:+.2f}), spillovers {m['spillovers']}.", ""]
    if forecast is not None:
        fv = forecast_values(forecast)
        if fv is not None:
            key, values, n = fv
            vs = sorted(values)
            L += [f"Forecast ({n} rollouts of the complaint): {key.replace('_', ' ')} median {vs[len(vs) // 2]:,.0f}, "
                  f"90th percentile {vs[min(len(vs) - 1, int(0.9 * len(vs)))]:,.0f}, worst {vs[-1]:,.0f}.", ""]

    L += ["## Objectives", ""]
    rated = O.ratings(session)
    if card.objectives and rated:
        L += ["| objective | rating | why | observers |", "|---|---|---|---|"]
        for o in card.objectives:
            L.append(f"| {md(o.text)} | **{o.rating}** ({RATINGS[o.rating]}) | {md(o.why)} | {md(O.rating_text(rated.get(o.id, ()))) or '—'} |")
    elif card.objectives:
        L += ["| objective | rating | why |", "|---|---|---|"]
        for o in card.objectives:
            L.append(f"| {md(o.text)} | **{o.rating}** ({RATINGS[o.rating]}) | {md(o.why)} |")
    else:
        L.append("The scenario states no objectives.")
    L += ["", "Ratings: " + "; ".join(f"{k} = {v}" for k, v in RATINGS.items()) + ".", ""]
    written = O.notes(session)
    if written:
        L += ["## Notes from the room", ""]
        L += [f"- {_t(n.t)} {md(n.who)} ({n.by}): {md(n.text)}" for n in written]
        L.append("")

    L += ["## Timeline", "", "| time | who | what | text | notes |", "|---|---|---|---|---|"]
    for e in timeline(session):
        who = f"#{e.n} {e.who}" if e.n else e.who
        L.append(f"| {_t(e.t)} | {md(who)} | {md(e.kind)} | {md(textsafe.clip(e.text, 300))} | {md(e.detail)} |")
    L.append("")

    L += ["## Your messages, and what the author suggested", ""]
    L += [line for ex in examples(session) for line in _md_example(ex)] or ["You sent no messages."]
    L.append("")

    L += ["## Strengths", ""]
    L += [_md_finding(f) for f in card.strengths] or ["None recorded."]
    L += ["", "## Areas for improvement", ""]
    L += [_md_finding(f) for f in card.improvements] or ["None recorded."]
    L += ["", "## Turning points", ""]
    if card.turning_points:
        for tp in card.turning_points:
            what = "helped" if tp.helped else "hurt"
            L.append(f"- **{_t(tp.t)}, move #{tp.n} ({md(tp.kind.replace('_', ' '))}) {what}:** \u201c{md(textsafe.clip(tp.text, 240))}\u201d")
            L.append(f"  - Against the same seed without it: {md(tp.describe())}"
                     + (f" ({tp.dropped} later move(s) depended on it)" if tp.dropped else "") + ".")
            if tp.rule:
                L.append(f"  - Rule {tp.rule} {tp.verdict}: {md(R.rule(tp.rule).text)}")
            elif tp.question:
                q = R.QUESTIONS[tp.question - 1]
                L.append(f"  - Planning question {q.number} ({md(q.title)}): {md(q.text)}")
    else:
        L.append("No single move changed the result measurably.")
    L += ["", "## Recommended playbook entries", ""]
    for p in playbook(session, card):
        because = f" *({md(p.because)})*" if p.because else ""
        L.append(f"- **{md(p.topic)}** ({md(p.source)}): {md(p.text)}{because}")
    if sc.track == "drill":
        L += ["", "## Improvement plan", "", "| # | corrective action | owner | due | from |", "|---:|---|---|---|---|"]
        for i, item in enumerate(improvement_plan(session, card, day), start=1):
            L.append(f"| {i} | {md(item.action)} | {md(item.owner)} | {item.due} | {md(item.ref)} |")
    L += ["", "## The nine rules in this session", "", "| rule | kept | broken |", "|---|---:|---:|"]
    for number, v in card.rules.items():
        L.append(f"| {number}. {md(R.rule(int(number)).title)} | {v['kept']} | {v['broken']} |")
    L.append("")
    return "\n".join(L)


def _md_example(ex: Example) -> list[str]:
    """One message, the author's best suggestion at that point (or the judge's reason), and the rule."""
    out = [f"- **{_t(ex.t)}, #{ex.n} {md(ex.kind.replace('_', ' '))}:** \u201c{md(textsafe.clip(ex.text, 300))}\u201d"]
    if ex.same:
        out.append("  - This was the author's best suggestion at that point.")
    elif ex.suggestion:
        out.append(f"  - The author's best suggestion then ({md(ex.suggestion_label)}): \u201c{md(textsafe.clip(ex.suggestion, 300))}\u201d")
    if ex.reason and not ex.same:
        out.append(f"  - The judge: {md(ex.reason)}")
    if ex.rule:
        out.append(f"  - {md(ex.rule_line)}.")
    return out


def _md_finding(f) -> str:
    tags = []
    if f.rule:
        tags.append(f"rule {f.rule}: {R.rule(f.rule).title}")
    if f.question:
        tags.append(f"planning question {f.question}: {R.QUESTIONS[f.question - 1].title}")
    when = f"{_t(f.t)}: " if f.t is not None else ""
    quote = f" \u201c{md(textsafe.clip(f.quote, 240))}\u201d" if f.quote else ""
    tag = f" ({md('; '.join(tags))})" if tags else ""
    return f"- {when}{md(f.text)}{quote}{tag}"


# ---------------------------------------------------------------- charts (SVG)

INK, MUTED, GRID = "#1f2933", "#616e7c", "#d9dee3"
RED, BLUE, GREEN, AMBER = "#c8102e", "#1d5fa8", "#2f855a", "#b7791f"


def _nice(maximum: float) -> float:
    if maximum <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(maximum))
    for f in (1, 2, 2.5, 5, 10):
        if f * exp >= maximum:
            return f * exp
    return 10 * exp


def _poly(points) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _series(history, attr: str):
    return [(0.0, 0.0)] + [(float(s.t), float(getattr(s, attr))) for s in history]


MARKER_ROW = 19  # px between rows of move markers (a marker is a circle of radius 8)
MARKER_GAP = 19  # px two markers in one row keep between their centres


def chart_timeline(session, base=None) -> str:
    """Reach and negative reach (with doing nothing, dashed) and net sentiment over time, moves marked."""
    W, H = 820, 426
    left, right, top = 64, 36, 50
    ph1, gap, ph2 = 190, 48, 90
    x1 = W - right
    tmax = max(session.scenario.time_limit, session.t, 1.0)
    hist = list(session.ripple.history)
    # Move markers in rows: a marker goes in the first row whose last marker is far enough left, and
    # the plot moves down to make room for every row, so markers never cover each other or a title.
    moves = [r for r in session.records if r.kind != "wait"]
    lanes: list[float] = []
    lane_of: dict[int, int] = {}
    for r in moves:
        x = left + (x1 - left) * float(r.t) / tmax
        lane = next((k for k, last in enumerate(lanes) if x - last >= MARKER_GAP), len(lanes))
        if lane == len(lanes):
            lanes.append(x)
        lanes[lane] = x
        lane_of[id(r)] = lane
    extra = MARKER_ROW * max(len(lanes) - 1, 0)
    top += extra
    H += extra
    bhist = list(base.ripple.history) if base is not None else []
    reach = _series(hist, "reach")
    neg = _series(hist, "negative_reach")
    bneg = _series(bhist, "negative_reach") if bhist else []
    sent = _series(hist, "net_sentiment")
    bsent = _series(bhist, "net_sentiment") if bhist else []
    ystep = _nice(max([v for _, v in reach + bneg] + [4]) / 4)
    ymax = 4 * ystep
    smax = max([abs(v) for _, v in sent + bsent] + [0.05])
    smax = _nice(smax)

    def X(t):
        return left + (x1 - left) * float(t) / tmax

    def Y(v):
        return top + ph1 - ph1 * v / ymax

    s_top = top + ph1 + gap

    def YS(v):
        return s_top + ph2 / 2 - (ph2 / 2) * v / smax

    out = [f'<svg id="chart-timeline" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" '
           f'role="img" aria-labelledby="chart-timeline-title">',
           '<title id="chart-timeline-title">Reach and sentiment over time, with the trainee\'s moves marked</title>']
    # grid and axes
    for k in range(5):
        v = ymax * k / 4
        y = Y(v)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">{v:,.0f}</text>')
    for v in (smax, 0.0, -smax):
        y = YS(v)
        dash = "" if v == 0 else ' stroke-dasharray="2 3"'
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"{dash}/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">{v:+.2f}</text>')
    steps = 6
    for k in range(steps + 1):
        t = tmax * k / steps
        x = X(t)
        out.append(f'<line x1="{x:.1f}" y1="{top + ph1}" x2="{x:.1f}" y2="{top + ph1 + 4}" stroke="{MUTED}"/>')
        anchor = "start" if k == 0 else "end" if k == steps else "middle"  # the end labels stay inside the chart
        out.append(f'<text x="{x:.1f}" y="{top + ph1 + 16}" text-anchor="{anchor}" font-size="11" fill="{MUTED}">{_t(t)}</text>')
    out.append(f'<text x="8" y="13" font-size="12" font-weight="bold" fill="{INK}">People reached</text>')
    out.append(f'<text x="{left}" y="{s_top - 8}" font-size="12" font-weight="bold" fill="{INK}">Net sentiment among those reached</text>')
    # moves
    for r in moves:
        x = X(r.t)
        cy = top - 8 - MARKER_ROW * lane_of[id(r)]
        colour = RED if (r.kind in ("reply", "private", "follow_up", "walk_away") and "broken" in r.data.get("rules", {}).values()) else BLUE
        out.append(f'<g class="move"><line x1="{x:.1f}" y1="{cy}" x2="{x:.1f}" y2="{s_top + ph2}" stroke="{colour}" '
                   f'stroke-width="1" stroke-dasharray="3 3" opacity="0.7"/>'
                   f'<circle cx="{x:.1f}" cy="{cy}" r="8" fill="{colour}"/>'
                   f'<text x="{x:.1f}" y="{cy + 4}" text-anchor="middle" font-size="10" fill="#fff">{r.n}</text>'
                   f'<title>{h(f"#{r.n} {_t(r.t)} {_words(r.kind)}")}</title></g>')
    for e in session.events:
        if e.kind == "spillover":
            x = X(e.t)
            out.append(f'<path d="M{x - 6:.1f},{top + ph1} L{x + 6:.1f},{top + ph1} L{x:.1f},{top + ph1 - 10} Z" fill="{AMBER}">'
                       f'<title>{h("spillover: " + str(e.data.get("title") or e.text))}</title></path>')
    # series
    if bneg:
        out.append(f'<polyline class="series-baseline" points="{_poly((X(t), Y(v)) for t, v in bneg)}" fill="none" '
                   f'stroke="{RED}" stroke-width="1.5" stroke-dasharray="6 4" opacity="0.6"/>')
    out.append(f'<polyline class="series-reach" points="{_poly((X(t), Y(v)) for t, v in reach)}" fill="none" stroke="{BLUE}" stroke-width="2"/>')
    out.append(f'<polyline class="series-negative" points="{_poly((X(t), Y(v)) for t, v in neg)}" fill="none" stroke="{RED}" stroke-width="2"/>')
    if bsent:
        out.append(f'<polyline points="{_poly((X(t), YS(v)) for t, v in bsent)}" fill="none" stroke="{MUTED}" '
                   f'stroke-width="1.5" stroke-dasharray="6 4"/>')
    out.append(f'<polyline class="series-sentiment" points="{_poly((X(t), YS(v)) for t, v in sent)}" fill="none" stroke="{GREEN}" stroke-width="2"/>')
    # legend
    ly = H - 12
    legend = [(BLUE, "", "reach"), (RED, "", "negative reach"), (RED, "6 4", "negative reach, doing nothing"),
              (GREEN, "", "net sentiment"), (MUTED, "6 4", "sentiment, doing nothing")]
    x = left
    for colour, dash, label in legend:
        d = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x}" y1="{ly - 4}" x2="{x + 22}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"{d}/>')
        out.append(f'<text x="{x + 27}" y="{ly}" font-size="11" fill="{INK}">{label}</text>')
        x += 34 + 6.2 * len(label)
    out.append("</svg>")
    return "".join(out)


def forecast_values(forecast):
    """(metric name, values, rollouts) from a forecast object, duck-typed; None if it has none.

    Accepts simulator.world.forecast.ForecastResult (its `samples`), a mapping with `samples`, or
    anything with a `values` sequence.
    """
    samples = forecast.get("samples") if isinstance(forecast, Mapping) else getattr(forecast, "samples", None)
    if isinstance(samples, Mapping):
        for key in ("negative_reach", "reach", "cascade_size"):
            if key in samples:
                values = [float(v) for v in samples[key]]
                if values:
                    return key, values, len(values)
    values = getattr(forecast, "values", None)
    if values is not None and not callable(values):
        values = [float(v) for v in values]
        if values:
            return "negative_reach", values, len(values)
    return None


def chart_forecast(forecast, actual: dict | None = None, bins: int = 20) -> str:
    """Histogram of the forecast's rollouts, the session's own result marked against it."""
    fv = forecast_values(forecast)
    W, H = 820, 260
    left, right, top, ph = 64, 20, 30, 170
    out = [f'<svg id="chart-forecast" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
           'aria-labelledby="chart-forecast-title"><title id="chart-forecast-title">Forecast: what could have happened</title>']
    if fv is None:
        out.append(f'<text x="{W / 2}" y="{H / 2}" text-anchor="middle" fill="{MUTED}">No forecast data.</text></svg>')
        return "".join(out)
    key, values, n = fv
    vs = sorted(values)
    mark = float(actual[key]) if actual and key in actual else None
    # Cascades are heavy-tailed: when the worst case dwarfs the median, bin on log(1 + x).
    log = vs[0] >= 0 and vs[-1] > 20 * (vs[len(vs) // 2] + 1)

    def f(v):
        return math.log10(1 + max(v, 0)) if log else v

    def finv(u):
        return 10 ** u - 1 if log else u

    lo, hi = f(vs[0]), f(vs[-1])
    if mark is not None:
        lo, hi = min(lo, f(mark)), max(hi, f(mark))
    if hi <= lo:
        hi = lo + 1
    width = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((f(v) - lo) / width))] += 1
    cmax = max(counts) or 1
    x1 = W - right

    def X(v):
        return left + (x1 - left) * (f(v) - lo) / (hi - lo)

    bw = (x1 - left) / bins
    scale = " (log scale)" if log else ""
    out.append(f'<text x="{left}" y="{top - 12}" font-size="12" font-weight="bold" fill="{INK}">'
               f'{h(key.replace("_", " ").capitalize())} over {n:,} rollouts of the complaint{scale}</text>')
    for k in range(5):
        c = cmax * k / 4
        y = top + ph - ph * c / cmax
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">{c:.0f}</text>')
    for i, c in enumerate(counts):
        y = top + ph - ph * c / cmax
        a, b = finv(lo + i * width), finv(lo + (i + 1) * width)
        out.append(f'<rect class="hbar" x="{left + i * bw + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" height="{top + ph - y:.1f}" '
                   f'fill="{RED}" opacity="0.75"><title>{a:,.0f}\u2013{b:,.0f}: {c}</title></rect>')
    for k in range(6):
        v = finv(lo + (hi - lo) * k / 5)
        out.append(f'<text x="{X(v):.1f}" y="{top + ph + 16}" text-anchor="middle" font-size="11" fill="{MUTED}">{v:,.0f}</text>')
    for row, (q, label) in enumerate(((0.5, "median"), (0.9, "p90"), (1.0, "worst"))):
        v = vs[min(len(vs) - 1, int(q * len(vs)))]
        anchor = "end" if X(v) > x1 - 90 else "start"
        dx = -4 if anchor == "end" else 4
        out.append(f'<line x1="{X(v):.1f}" y1="{top}" x2="{X(v):.1f}" y2="{top + ph}" stroke="{INK}" stroke-dasharray="4 3"/>'
                   f'<text x="{X(v) + dx:.1f}" y="{top + 14 + 14 * row}" text-anchor="{anchor}" font-size="11" fill="{INK}">'
                   f'{label} {v:,.0f}</text>')
    if mark is not None:
        anchor = "end" if X(mark) > x1 - 120 else "start"
        dx = -5 if anchor == "end" else 5
        out.append(f'<line x1="{X(mark):.1f}" y1="{top - 4}" x2="{X(mark):.1f}" y2="{top + ph}" stroke="{BLUE}" stroke-width="3"/>'
                   f'<text x="{X(mark) + dx:.1f}" y="{top + ph - 8}" text-anchor="{anchor}" font-size="11" font-weight="bold" '
                   f'fill="{BLUE}">this session {mark:,.0f}</text>')
    out.append("</svg>")
    return "".join(out)


def _item(session, item: str) -> str:
    """A shared item as a reader knows it: who posted it and its first words (the item id is internal)."""
    post = session.posts.get(item)
    if post is None:
        return "a post"
    who = _words(post.platform) if post.author == "platform" else person(session, post.author)
    text = " ".join(clean((post.title or post.text) if post.author == "platform" else post.text).split())
    return f"{who}: {text}" if text else who


def chart_blast(session) -> str:
    """Blast radius: which audience groups shared which item (link width = sharers)."""
    amp = session.ripple.amplifiers()
    posts = session.posts
    items = sorted(amp, key=lambda i: (posts[i].t if i in posts else 0.0, i))
    groups_total: dict[str, int] = {}
    for i in items:
        for g, c in amp[i].items():
            groups_total[g] = groups_total.get(g, 0) + int(c)
    groups = sorted(groups_total, key=lambda g: -groups_total[g])
    rows = max(len(items), len(groups), 1)
    row_h = 34
    W = 820
    top = 40
    H = top + rows * row_h + 20
    out = [f'<svg id="chart-blast" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
           'aria-labelledby="chart-blast-title"><title id="chart-blast-title">Blast radius: who amplified what</title>',
           f'<text x="10" y="18" font-size="12" font-weight="bold" fill="{INK}">Items</text>',
           f'<text x="{W - 10}" y="18" text-anchor="end" font-size="12" font-weight="bold" fill="{INK}">Audience groups that shared them</text>']
    if not items:
        out.append(f'<text x="{W / 2}" y="{top + 14}" text-anchor="middle" fill="{MUTED}">Nobody shared anything.</text></svg>')
        return "".join(out)
    biggest = max(c for i in items for c in amp[i].values()) or 1
    lx, rx = 330, W - 250

    def iy(k):
        return top + k * row_h + row_h / 2

    gy = {g: top + k * row_h + row_h / 2 for k, g in enumerate(groups)}
    for k, i in enumerate(items):
        brand = posts.get(i).author == "brand" if i in posts else False
        colour = BLUE if brand else RED
        for g, c in sorted(amp[i].items()):
            w = 1.5 + 14 * c / biggest
            y0, y1 = iy(k), gy[g]
            mid = (lx + rx) / 2
            tip = h(f"{_item(session, i)} to {_words(g)}: {c} sharers")
            out.append(f'<path class="link" d="M{lx},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {rx},{y1:.1f}" fill="none" '
                       f'stroke="{colour}" stroke-width="{w:.1f}" opacity="0.35"><title>{tip}</title></path>')
    for k, i in enumerate(items):
        post = posts.get(i)
        label = textsafe.clip(_item(session, i), 46)
        colour = BLUE if post is not None and post.author == "brand" else RED
        out.append(f'<circle cx="{lx}" cy="{iy(k):.1f}" r="5" fill="{colour}"/>'
                   f'<text x="{lx - 10}" y="{iy(k) + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">{h(label)}</text>')
    for g in groups:
        out.append(f'<circle cx="{rx}" cy="{gy[g]:.1f}" r="5" fill="{INK}"/>'
                   f'<text x="{rx + 10}" y="{gy[g] + 4:.1f}" font-size="11" fill="{INK}">{h(g.replace("_", " "))} '
                   f'({groups_total[g]:,} sharers)</text>')
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------- HTML

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9dee3; --bg: #f7f8fa; --red: #c8102e; --blue: #1d5fa8; --green: #2f855a; --amber: #b7791f; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       margin: 0; background: var(--bg); }
main { max-width: 900px; margin: 0 auto; padding: 28px 32px 48px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 30px 0 10px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.sub { color: var(--muted); margin: 0 0 18px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); overflow-wrap: break-word;
         hyphens: manual; }
td.due, td.nowrap { white-space: nowrap; }
th { background: var(--bg); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.dim { white-space: nowrap; font-weight: 600; }
.tl td:nth-child(2), .tl td:nth-child(3) { white-space: nowrap; }
.overview td:first-child { width: 160px; color: var(--muted); }
.headline { display: flex; gap: 18px; align-items: center; margin: 14px 0; flex-wrap: wrap; }
.grade { font-size: 40px; font-weight: 700; width: 74px; height: 74px; border-radius: 50%; display: flex; align-items: center;
         justify-content: center; color: #fff; background: var(--blue); }
.grade.F, .grade.D { background: var(--red); } .grade.C { background: var(--amber); } .grade.A, .grade.B { background: var(--green); }
.score { font-size: 28px; font-weight: 700; } .outcome { color: var(--muted); }
.bar { background: var(--line); height: 10px; border-radius: 5px; width: 160px; display: inline-block; vertical-align: middle; }
.bar > span { display: block; height: 10px; border-radius: 5px; background: var(--blue); }
.why { color: var(--muted); font-size: 13px; }
.rating { font-weight: 700; display: inline-block; width: 26px; text-align: center; border-radius: 4px; color: #fff; }
.rating.P { background: var(--green); } .rating.S { background: #5a8f29; } .rating.M { background: var(--amber); } .rating.U { background: var(--red); }
svg.chart { width: 100%; height: auto; display: block; margin: 6px 0 14px; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
figure { margin: 0 0 12px; } figcaption { color: var(--muted); font-size: 13px; }
.tl td:first-child { white-space: nowrap; color: var(--muted); }
.tl tr.brand td { background: #f1f6fc; } .tl tr.customer td { background: #fdf3f4; } .tl tr.facilitator td { background: #fff8e6; }
.tl .n { display: inline-block; min-width: 22px; padding: 0 4px; border-radius: 10px; background: var(--blue); color: #fff; font-size: 12px; text-align: center; }
ul.findings { padding-left: 20px; } ul.findings li { margin: 0 0 8px; }
q, .quote { font-style: italic; } .tag { color: var(--muted); font-size: 13px; }
table.examples td { vertical-align: top; } table.examples td:nth-child(2), table.examples td:nth-child(3) { width: 38%; }
table.examples .broken { color: var(--red); } table.examples .kept { color: var(--green); }
.tp { border-left: 4px solid var(--blue); padding: 6px 12px; margin: 0 0 10px; background: var(--bg); }
.tp.hurt { border-color: var(--red); }
footer { color: var(--muted); font-size: 12px; margin-top: 30px; }
@media print {
  body { background: #fff; font-size: 11pt; } main { max-width: none; padding: 0; }
  /* A heading never ends a page: it reserves room for what follows (Chromium ignores break-after
     on its own), and long tables break between rows, not before the table, so no heading is
     stranded above a half-empty page. A4 and Letter both: no page size is forced. */
  h2, h3 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  h2::after, h3::after { content: ""; display: block; height: 120px; margin-bottom: -120px; }
  table { break-inside: auto; } tr, th, td { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  figure, .tp, li, svg.chart { break-inside: avoid; page-break-inside: avoid; }
  .tl tr.brand td, .tl tr.customer td, .tl tr.facilitator td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .grade, .rating, .bar > span, .tl .n { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  @page { margin: 16mm 14mm; }
}
"""


def render_html(session, card: Scorecard, forecast=None, *, date=None, trainee: str | None = None) -> str:
    sc = session.scenario
    trainee = session.trainee if trainee is None else trainee
    day = _date(date)
    P: list[str] = []
    P.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
             f"<title>After-action report: {h(sc.title)}</title><style>{CSS}</style></head><body><main>")
    P.append(f"<h1>After-action report: {h(sc.title)}</h1>")
    P.append(f'<p class="sub">{h(sc.summary)}</p>')
    P.append('<section id="overview"><h2>Overview</h2>')
    P.append(f'<div class="headline"><div class="grade {h(card.grade)}">{h(card.grade)}</div>'
             f'<div><div class="score">{card.overall}/100</div>'
             f'<div class="outcome">Customer ended <b>{h(card.outcome.replace("_", " "))}</b> ({h(session.end_reason)})</div></div></div>')
    rows = [("Scenario", f"{h(sc.title)} <span class=\"tag\">({h(sc.id)}; {h(sc.track)}; difficulty {sc.difficulty})</span>"),
            ("Trainee", h(trainee) or '<span class="tag">not recorded</span>'), ("Date", day.isoformat()),
            ("Seed", str(card.seed)), ("Simulated time", _t(session.t)),
            ("Participants", ", ".join(h(r.title) for r in sc.roles))]
    P.append('<table class="overview">' + "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows) + "</table>")
    P.append('<h3>Scores</h3><table><tr><th>dimension</th><th class="num">score</th><th></th><th class="num">weight</th><th>why</th></tr>')
    for d, v in card.dimensions.items():
        P.append(f'<tr><td class="dim">{h(d)}</td><td class="num">{v:.0f}</td><td><span class="bar"><span style="width:{max(0, min(100, v)):.0f}%">'
                 f'</span></span></td><td class="num">{card.weights.get(d, 0) * 100:.0f}%</td>'
                 f'<td class="why">{"<br>".join(h(x) for x in card.explain.get(d, ()))}</td></tr>')
    P.append("</table></section>")

    P.append('<section id="objectives"><h2>Objectives</h2>')
    rated = O.ratings(session)
    if card.objectives:
        P.append("<table><tr><th>objective</th><th>rating</th><th>why</th>" + ("<th>observers</th>" if rated else "") + "</tr>")
        for o in card.objectives:
            seen = f'<td class="why">{h(O.rating_text(rated.get(o.id, ()))) or "—"}</td>' if rated else ""
            P.append(f'<tr><td>{h(o.text)}</td><td><span class="rating {o.rating}">{o.rating}</span> {h(RATINGS[o.rating])}</td>'
                     f'<td class="why">{h(o.why)}</td>{seen}</tr>')
        P.append("</table>")
    else:
        P.append("<p>The scenario states no objectives.</p>")
    written = O.notes(session)
    if written:
        P.append('<h3>Notes from the room</h3><ul id="room-notes">')
        P.extend(f"<li>{h(_t(n.t))} {h(n.who)} ({h(n.by)}): {h(n.text)}</li>" for n in written)
        P.append("</ul>")
    P.append("</section>")

    m, b = card.metrics, card.baseline
    P.append('<section id="charts"><h2>What the audience saw</h2><figure>')
    P.append(chart_timeline(session, baseline(session)))
    P.append(f"<figcaption>Reach {m['reach']:,}: negative {m['negative_reach']:,} against {b['negative_reach']:,} had the "
             f"brand said nothing, neutral {m.get('neutral_reach', 0):,}, positive {m.get('positive_reach', 0):,}; net sentiment {m['net_sentiment']:+.2f} (doing nothing: {b['net_sentiment']:+.2f}); "
             f"spillovers {m['spillovers']}. Numbered markers are your moves (red: a rule broken); triangles are spillovers.</figcaption></figure>")
    if forecast is not None:
        P.append("<figure>" + chart_forecast(forecast, m) + "<figcaption>How bad it could have got: the complaint's spread over many "
                 "random rollouts on the same audience; the blue line is what happened in this session.</figcaption></figure>")
    P.append("<figure>" + chart_blast(session) + "<figcaption>Blast radius: each public item on the left, the audience groups that "
             "shared it on the right; wider links, more sharers. Red items work against the brand, blue are the brand's own.</figcaption></figure>")
    P.append("</section>")

    P.append('<section id="timeline"><h2>Timeline</h2><table class="tl"><tr><th>time</th><th>who</th><th>what</th><th>text</th></tr>')
    for e in timeline(session):
        num = f'<span class="n">{e.n}</span> ' if e.n else ""
        detail = f'<div class="tag">{h(e.detail)}</div>' if e.detail else ""
        P.append(f'<tr class="{h(e.tone)}"><td>{_t(e.t)}</td><td>{num}{h(e.who)}</td><td>{h(e.kind)}</td><td>{h(e.text)}{detail}</td></tr>')
    P.append("</table></section>")

    P.append('<section id="examples"><h2>Your messages, and what the author suggested</h2>' + _html_examples(examples(session))
             + "</section>")
    P.append('<section id="strengths"><h2>Strengths</h2>' + _html_findings(card.strengths) + "</section>")
    P.append('<section id="improvements"><h2>Areas for improvement</h2>' + _html_findings(card.improvements) + "</section>")

    P.append('<section id="turning-points"><h2>Turning points</h2>')
    if card.turning_points:
        for tp in card.turning_points:
            cls = "tp" if tp.helped else "tp hurt"
            head = f"{_t(tp.t)}, move {tp.n} ({h(tp.kind.replace('_', ' '))}) {'helped' if tp.helped else 'hurt'}"
            rule = ""
            if tp.rule:
                rule = f'<div class="tag">Rule {tp.rule} {h(tp.verdict)}: {h(R.rule(tp.rule).text)}</div>'
            elif tp.question:
                q = R.QUESTIONS[tp.question - 1]
                rule = f'<div class="tag">Planning question {q.number}, {h(q.title)}: {h(q.text)}</div>'
            dropped = f" ({tp.dropped} later move(s) depended on it)" if tp.dropped else ""
            P.append(f'<div class="{cls}"><b>{head}</b><div class="quote">\u201c{h(tp.text)}\u201d</div>'
                     f"<div>Against the same seed without it: {h(tp.describe())}{dropped}.</div>{rule}</div>")
    else:
        P.append("<p>No single move changed the result measurably.</p>")
    P.append("</section>")

    P.append('<section id="playbook"><h2>Recommended playbook entries</h2><ul class="findings">')
    for p in playbook(session, card):
        because = f' <span class="tag">({h(p.because)})</span>' if p.because else ""
        P.append(f"<li><b>{h(p.topic)}</b> <span class=\"tag\">{h(p.source)}</span><br>{h(p.text)}{because}</li>")
    P.append("</ul></section>")
    if sc.track == "drill":
        P.append('<section id="improvement-plan"><h2>Improvement plan</h2><table><tr><th class="num">#</th><th>corrective action</th>'
                 "<th>owner</th><th>due</th><th>from</th></tr>")
        for i, item in enumerate(improvement_plan(session, card, day), start=1):
            P.append(f'<tr><td class="num">{i}</td><td>{h(item.action)}</td><td>{h(item.owner)}</td><td class="due">{item.due}</td>'
                     f"<td>{h(item.ref)}</td></tr>")
        P.append("</table></section>")
    P.append('<section id="rules"><h2>The nine rules in this session</h2><table><tr><th>rule</th><th class="num">kept</th>'
             '<th class="num">broken</th></tr>')
    for number, v in card.rules.items():
        rule = R.rule(int(number))
        P.append(f'<tr><td>{number}. {h(rule.text)}</td><td class="num">{v["kept"]}</td><td class="num">{v["broken"]}</td></tr>')
    P.append("</table></section>")
    P.append(f"<footer>Crisis Tabletop after-action report. Scenario file sha256 {h(sc.sha256[:16])}; seed {card.seed}. "
             "The same scenario, seed and moves always produce this report's numbers.</footer>")
    P.append("</main></body></html>\n")
    return "\n".join(P)


def _html_examples(items) -> str:
    """Each message beside the author's best suggestion at that point (or the judge's reason), and the rule."""
    if not items:
        return "<p>You sent no messages.</p>"
    out = ['<table class="examples"><tr><th>time</th><th>you wrote</th><th>the author suggested</th><th>rule</th></tr>']
    for ex in items:
        if ex.same:
            other = '<span class="tag">the same: this was the best suggestion then</span>'
        elif ex.suggestion:
            other = (f'<span class="quote">\u201c{h(ex.suggestion)}\u201d</span><div class="tag">{h(ex.suggestion_label)}</div>'
                     + (f'<div class="tag">the judge: {h(ex.reason)}</div>' if ex.reason else ""))
        else:
            other = f'<span class="tag">no suggestion then; the judge: {h(ex.reason)}</span>'
        rule = f'<span class="{h(ex.verdict)}">{h(ex.rule_line)}</span>' if ex.rule else ""
        out.append(f'<tr><td>{_t(ex.t)} <span class="tag">#{ex.n} {h(ex.kind.replace("_", " "))}</span></td>'
                   f'<td class="quote">\u201c{h(ex.text)}\u201d</td><td>{other}</td><td>{rule}</td></tr>')
    out.append("</table>")
    return "".join(out)


def _html_findings(findings) -> str:
    if not findings:
        return "<p>None recorded.</p>"
    out = ['<ul class="findings">']
    for f in findings:
        when = f"<b>{_t(f.t)}</b> " if f.t is not None else ""
        quote = f' <span class="quote">\u201c{h(f.quote)}\u201d</span>' if f.quote else ""
        tags = []
        if f.rule:
            tags.append(f"rule {f.rule}: {R.rule(f.rule).title}")
        if f.question:
            tags.append(f"planning question {f.question}: {R.QUESTIONS[f.question - 1].title}")
        tag = f'<div class="tag">{h("; ".join(tags))}</div>' if tags else ""
        out.append(f"<li>{when}{h(f.text)}{quote}{tag}</li>")
    out.append("</ul>")
    return "".join(out)


def render(session, card: Scorecard, fmt: str = "md", forecast=None, *, date=None, trainee: str | None = None) -> str:
    if fmt == "html":
        return render_html(session, card, forecast, date=date, trainee=trainee)
    if fmt == "md":
        return render_markdown(session, card, forecast, date=date, trainee=trainee)
    raise ValueError(f"unknown report format {fmt!r} (md or html)")


def write_report(session, card: Scorecard, path, fmt: str | None = None, forecast=None, *, date=None,
                 trainee: str | None = None) -> Path:
    """Write a report file (format from the suffix when not given); the debrief screen uses this."""
    path = Path(path)
    fmt = fmt or ("html" if path.suffix.lower() in (".html", ".htm") else "md")
    text = render(session, card, fmt, forecast, date=date, trainee=trainee)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


__all__ = ["chart_blast", "chart_forecast", "chart_timeline", "clean", "describe", "improvement_plan", "playbook",
           "render", "render_html", "render_markdown", "timeline", "write_report"]
