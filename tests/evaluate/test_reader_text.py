"""No internal ids, no HTML entities and one time format in what a person reads (issue 16).

Every bundled scenario is played headless the way the golden transcripts play it (a free course
that escalates, offers, DMs, follows up and walks away; a drill with a facilitator and role
players), and everything a reader sees of the result is rendered: the Markdown and HTML reports,
the CLI scorecard, the playbook, the drill's decision list (the fork menu), the play screen's
feed and the briefing. None of it may show an id from the scenario file (a role, remedy, group, beat, choice, state,
spillover or post id: `public_apology`, `servers_forum`, `c3`) unless the author also wrote that
word in prose, nor an HTML entity in a text document, nor a time that is not `T+1h 31m`-style.
"""

from __future__ import annotations

import contextlib
import html
import re

import pytest
import yaml
from golden import play_free
from helpers import BUNDLED

from simulator.cli.core import render_scorecard
from simulator.engine.session import Session, Start
from simulator.evaluate import drill as D
from simulator.evaluate import playbook, report
from simulator.evaluate.examples import examples
from simulator.evaluate.scoring import score
from simulator.format import actions as A
from simulator.format.scenario import load_scenario
from simulator.ui.view import build_view

TOKEN = re.compile(r"(?<![\w/.@#:-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]{1,4}\d+)(?![\w/-])")
ENTITY = re.compile(r"&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.IGNORECASE)
# A time on the clock written some other way than format_duration's: T+91m, T+1.5h, T+90 min, T+1h31m.
ODD_TIME = re.compile(r"T\+(?:(?:[6-9]\d|\d{3,})m\b|\d+h(?! \d{2}m)|\d+\.\d+\s*h\b|\d+\s*(?:min|minutes)\b)")


def _ids(raw: dict) -> set[str]:
    """Every name the author gave something, which the program must never show in its place."""
    found: set[str] = set()

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("id", "platform", "archetype", "remedy", "role", "group", "escalate_to") and isinstance(v, str):
                    found.add(v)
                if k in ("state", "vars") and isinstance(v, dict):
                    found.update(v)
                if k == "wants" and isinstance(v, list):
                    found.update(x for x in v if isinstance(x, str))
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)

    walk(raw)
    return found


def _prose_words(raw: dict) -> set[str]:
    """Words the author wrote in text (labels, titles, posts): an id that is also one of these may show."""
    words: set[str] = set()

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key not in ("id", "when", "set", "platform", "role", "remedy", "group", "archetype"):
            words.update(TOKEN.findall(node))

    walk(raw)
    return words


def _text_of_html(page: str) -> str:
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", page))


def _free(scenario) -> Session:
    session = Session(scenario, 7, trainee="Reader")
    play_free(session, scenario)
    hideable = [p for p in session.posts.values() if p.author not in ("brand", "brand_voice") and p.public and not p.hidden]
    if hideable and not session.finished:
        session.act(A.Hide(hideable[-1].id, "Please keep it civil."))
    if not session.finished:
        session.finish()
    return session


def _drill(scenario) -> Session:
    team = tuple((r.id, f"Player {i}") for i, r in enumerate(scenario.roles))
    session = Session(scenario, 7, start=Start(drill=True, team=team), trainee="Team")
    roles = [r for r in scenario.roles if not r.trainee]
    offered = session.choices()
    if offered:
        session.act(A.Choose(offered[0].id))
    if roles:
        session.act(A.Escalate(roles[0].id, "we need a decision"))
        session.advance(max(r.delay for r in roles) + 5)
        for i, role in enumerate(sorted(session.pending)):
            session.decide(role, i == 0, who="Pat", note="go ahead" if i == 0 else "not now")
    if scenario.remedies and not session.finished:
        with contextlib.suppress(ValueError):  # an offer this scenario does not allow here (ActionError is one)
            session.act(A.Offer(scenario.remedies[0].id, 10))
    D.answer(session, 1, "Pat", "The worst case is the local news by tonight.")
    if not session.finished:
        session.finish()
    return session


def _documents(session) -> dict[str, str]:
    card = score(session)
    docs = {
        "report.md": report.render_markdown(session, card, date="2026-01-02"),
        "report.html": _text_of_html(report.render_html(session, card, date="2026-01-02")),
        "crisis run": render_scorecard(card, session.scenario, examples(session)),
        "play screen feed": "\n".join(f"{e.author} {e.title} {e.text}" for e in build_view(session).feed),
        "briefing": "\n".join([session.scenario.summary, session.scenario.situation,
                               *(o.text for o in session.scenario.objectives), *(b.text for b in session.scenario.beats)]),
    }
    if session.start.drill:
        docs["playbook"] = playbook.render(session, card, date="2026-01-02")
        docs["fork menu"] = "\n".join(f"{d.label} {d.who}" for d in D.decisions(session))
    return docs


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_what_a_person_reads_shows_no_ids_no_entities_and_one_time_format(path):
    scenario = load_scenario(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    ids = {i for i in _ids(raw) if TOKEN.fullmatch(i)}  # the ids a reader could mistake for nothing else
    allowed = _prose_words(raw)
    courses = {"free": _free(scenario)}
    if scenario.track == "drill" or scenario.roles:
        courses["drill"] = _drill(scenario)
    problems = []
    for course, session in courses.items():
        post_ids = {p for p in session.posts if TOKEN.fullmatch(p)}
        for where, text in _documents(session).items():
            for token in set(TOKEN.findall(text)) & (ids | post_ids):
                if token in post_ids or token not in allowed:  # a post id is never words, even in the author's prose
                    at = text.index(token)
                    problems.append(f"{course} / {where}: id {token!r} in …{text[max(0, at - 50):at + 40]!r}…")
            if where != "report.html":  # the page's own text, entities already decoded: any left were escaped twice
                for m in ENTITY.finditer(text):
                    problems.append(f"{course} / {where}: entity {m.group()!r} in …{text[max(0, m.start() - 40):m.end() + 20]!r}…")
            else:
                for m in ENTITY.finditer(text):
                    problems.append(f"{course} / {where}: escaped twice {m.group()!r}")
            for m in ODD_TIME.finditer(text):
                problems.append(f"{course} / {where}: time {m.group()!r} in …{text[max(0, m.start() - 40):m.end() + 20]!r}…")
    assert not problems, "\n".join(problems[:20])


def test_the_check_would_catch_an_id_an_entity_and_an_odd_time():
    """The patterns above are not vacuous: each finds what it is for, and lets the reader's forms pass."""
    assert TOKEN.findall("escalated to head_baker, hid post c3") == ["head_baker", "c3"]
    assert not TOKEN.findall("Crumb & Co. at 3 a.m., HX-20, @dadfixesit, #StopDeleting, scenarios/a_b.yaml")
    assert ENTITY.findall("Crumb &amp; Co. &#60;") == ["&amp;", "&#60;"]
    assert ODD_TIME.findall("T+91m T+1.5h T+1h31m") == ["T+91m", "T+1.5h", "T+1h"]
    assert not ODD_TIME.findall("T+0m T+45m T+1h 31m T+1d 3h 00m")
