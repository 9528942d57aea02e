"""The after-action report: the planners' shape, hostile text kept inert, charts present."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.evaluate import report
from simulator.evaluate.scoring import score
from simulator.format.actions import Reply
from simulator.format.scenario import load_scenario
from simulator.headless import run

HOSTILE = "<script>alert(1)</script> **bold** [link](http://x) \x1b[31mRED\x1b[0m | pipe"
DATE = "2025-03-14"


@pytest.fixture
def good(starter):
    session = run(starter, [{"choose": "model"}, {"choose": "fix_public"}, {"wait": "30m"}], 7)
    return session, score(session)


@pytest.fixture
def hostile(starter):
    session = run(starter, [Reply(HOSTILE), {"escalate": "supervisor"}, {"hide": "c1"}], 7)
    session.trainee = "Mallory <img src=x onerror=alert(2)>"
    return session, score(session)


@pytest.fixture
def drill(tmp_path, starter):
    text = Path(starter.path).read_text(encoding="utf-8").replace("track: onboarding", "track: drill")
    path = tmp_path / "drill.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    session = run(scenario, [{"choose": "defend"}, {"choose": "double_down"}, {"wait": "60m"}], 7)
    return session, score(session)


def test_markdown_has_the_after_action_shape(good):
    session, card = good
    text = report.render_markdown(session, card, date=DATE, trainee="Ann")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings[:8] == ["Overview", "Objectives", "Timeline", "Your messages, and what the author suggested", "Strengths",
                            "Areas for improvement", "Turning points", "Recommended playbook entries"]
    assert "| Date | 2025-03-14 |" in text and "| Trainee | Ann |" in text
    assert "| Acknowledge Dan in public within 15 minutes | **P**" in text
    assert "We apologize, Dan; it's not a perfect system" in text
    assert "Improvement plan" not in text  # onboarding, not a drill
    assert f"**{card.overall}/100, grade {card.grade}**" in text


def test_timeline_holds_posts_moves_and_injects(starter):
    session = run(starter, [{"wait": "35m"}, {"reply": "Sorry Dan, what were you looking for?"}], 7)
    session_entries = report.timeline(session)
    kinds = [e.kind for e in session_entries]
    assert kinds[0] == "complaint"
    assert "public reply" in kinds
    assert any(e.who == "@maple_mum" or "maple" in e.who for e in session_entries), kinds  # the inject's post
    reply = next(e for e in session_entries if e.kind == "public reply")
    assert reply.n == 2 and "rule" in reply.detail
    assert [e.t for e in session_entries] == sorted(e.t for e in session_entries)


def test_facilitator_notes_appear_on_the_timeline(starter):
    from simulator.engine.session import Session

    session = Session(starter, 7)
    session.facilitate({"kind": "decision", "who": "CEO", "text": "We refund everyone.", "question": 4})
    session.finish()
    entry = next(e for e in report.timeline(session) if e.tone == "facilitator")
    assert entry.who == "CEO" and entry.kind == "decision" and "All in" in entry.detail


def test_improvements_quote_the_trainee_and_name_the_rule_and_playbook_follows(drill):
    session, card = drill
    text = report.render_markdown(session, card, date=DATE)
    assert "Rule 7 broken in public" in text and "Did you call???" in text
    entries = report.playbook(session, card)
    assert any(e.source == "rule 7" and "Never argue online" in e.text for e in entries)
    assert any(e.source == "rule 1" for e in entries)
    assert entries[-1].source == "scenario"  # the scenario's own lesson closes the list


def test_drills_get_an_improvement_plan_with_owner_and_due_date(drill):
    session, card = drill
    plan = report.improvement_plan(session, card, DATE)
    assert plan
    for item in plan:
        assert item.owner and item.action
        assert item.due in ("2025-03-28", "2025-04-13")
    text = report.render_markdown(session, card, date=DATE)
    assert "## Improvement plan" in text and "| corrective action | owner | due | from |" in text
    html = report.render_html(session, card, date=DATE)
    assert 'id="improvement-plan"' in html and "2025-03-28" in html


def test_hostile_text_stays_text_in_markdown(hostile):
    session, card = hostile
    text = report.render_markdown(session, card, date=DATE)
    assert "<script" not in text and "<img" not in text
    assert "\x1b" not in text
    assert "&lt;script&gt;" in text and "\\*\\*bold\\*\\*" in text and "\\[link\\]" in text and "\\|" in text
    # no table row was broken by a stray pipe: every row of the timeline has the header's column count
    table = text.split("## Timeline")[1].split("## Strengths")[0]
    rows = [line for line in table.splitlines() if line.startswith("|")]
    assert {len(re.findall(r"(?<!\\)\|", r)) for r in rows} == {6}


def test_hostile_text_stays_text_in_html(hostile):
    session, card = hostile
    html = report.render_html(session, card, date=DATE)
    assert "<script" not in html.lower().replace("&lt;script", "")
    assert "<img" not in html
    assert "\x1b" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Mallory &lt;img src=x onerror=alert(2)&gt;" in html


def test_html_is_self_contained_with_charts(good):
    session, card = good
    html = report.render_html(session, card, date=DATE)
    assert html.startswith("<!DOCTYPE html>")
    for chart in ("chart-timeline", "chart-blast"):
        assert f'<svg id="{chart}"' in html
    assert "chart-forecast" not in html  # no forecast was run
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<script" not in html and "@media print" in html
    for section in ("overview", "objectives", "charts", "timeline", "strengths", "improvements", "turning-points", "playbook"):
        assert f'<section id="{section}">' in html
    # the moves are marked on the timeline chart, numbered like the timeline table
    assert html.count('<g class="move">') == 2


class _Forecast:
    """Duck-typed: only `samples`, like simulator.world.forecast.ForecastResult."""

    def __init__(self, values):
        self.samples = {"negative_reach": values}


def test_forecast_histogram_is_drawn_from_any_forecast_like_object(good):
    session, card = good
    actual = card.metrics["negative_reach"]
    values = [5] * 50 + [12] * 30 + [40] * 15 + [max(900, 30 * actual)] * 5
    html = report.render_html(session, card, _Forecast(values), date=DATE)
    svg = html.split('<svg id="chart-forecast"')[1].split("</svg>")[0]
    bars = re.findall(r'<rect class="hbar"[^>]*height="([0-9.]+)"', svg)
    assert len(bars) == 20 and sum(float(b) > 0 for b in bars) == 4
    worst = f"worst {max(values):,}"
    assert "log scale" in svg and f"this session {actual:,}" in svg and worst in svg
    md = report.render_markdown(session, card, _Forecast(values), date=DATE)
    assert "Forecast (100 rollouts of the complaint)" in md and worst in md


def test_real_forecast_result_is_accepted(good):
    from simulator.world.forecast import forecast_cascades

    session, card = good
    item = next(i for i in session.ripple.items() if i.source == "customer")
    result = forecast_cascades(session.audience, session.scenario.ripple, item, 64, 7)
    svg = report.chart_forecast(result, card.metrics)
    assert svg.startswith('<svg id="chart-forecast"') and "64 rollouts" in svg


def test_blast_radius_links_items_to_the_groups_that_shared_them(good):
    session, _ = good
    svg = report.chart_blast(session)
    amp = session.ripple.amplifiers()
    assert svg.count('<path class="link"') == sum(len(g) for g in amp.values())
    for groups in amp.values():
        for group in groups:
            assert group.replace("_", " ") in svg


def test_write_report_picks_the_format_from_the_suffix(tmp_path, good):
    session, card = good
    html_path = report.write_report(session, card, tmp_path / "r.html", date=DATE)
    md_path = report.write_report(session, card, tmp_path / "r.md", date=DATE)
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert md_path.read_text(encoding="utf-8").startswith("# After-action report")


def test_report_is_deterministic_given_the_date(good, starter):
    session, card = good
    again = run(starter, [{"choose": "model"}, {"choose": "fix_public"}, {"wait": "30m"}], 7)
    assert report.render_html(session, card, date=DATE) == report.render_html(again, score(again), date=DATE)


@pytest.fixture
def snipe(starter):
    session = run(starter, [Reply("Sure, Professor Coffee. Most people phone ahead."), {"wait": "10m"}], 7)
    return session, score(session)


def test_each_message_sits_beside_the_authors_best_suggestion_in_markdown(snipe, starter):
    session, card = snipe
    text = report.render_markdown(session, card, date=DATE)
    section = text.split("## Your messages, and what the author suggested", 1)[1].split("## Strengths", 1)[0]
    assert "Sure, Professor Coffee" in section
    model = next(c for b in starter.beats for c in b.choices if c.id == "model")
    assert report.md(model.text)[:40] in section  # the highest-quality suggestion on offer then
    assert re.search(r"Rule \d broken: ", section)
    assert "The judge:" in section


def test_each_message_sits_beside_the_authors_best_suggestion_in_html(snipe, good):
    session, card = snipe
    html = report.render_html(session, card, date=DATE)
    block = html.split('<section id="examples">', 1)[1].split("</section>", 1)[0]
    assert "Professor Coffee" in block and 'class="broken"' in block and "We apologize, Dan" in block
    same = report.render_html(*good, date=DATE).split('<section id="examples">', 1)[1].split("</section>", 1)[0]
    assert "the same: this was the best suggestion then" in same and 'class="kept"' in same


def test_the_hostile_sentence_is_the_judges_reason_when_nothing_was_offered(starter):
    from simulator.evaluate.examples import examples

    session = run(starter, [{"choose": "model"}, {"choose": "fix_public"}, {"wait": "30m"},
                            Reply("Honestly Dan, some people just can't read a stock count.")], 7)
    last = examples(session)[-1]
    if last.suggestion:  # the story still offered something good: then it is shown instead
        assert last.suggestion_id and not last.same
    else:
        assert last.reason and last.verdict == "broken" and last.rule


def test_timeline_markers_never_overlap_each_other_the_titles_or_the_edge(starter):
    # six moves within a few minutes: the markers need several rows
    actions = [Reply(f"Dan, sorry, point {i}: what item were you looking for?") for i in range(6)]
    session = run(starter, actions, seed=7)
    svg = report.chart_timeline(session)
    view_w, view_h = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    circles = [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="8"', svg)]
    assert len(circles) == 6
    for i, (ax, ay) in enumerate(circles):
        assert ay - 8 > 18, "a marker covers the 'People reached' title"
        for bx, by in circles[i + 1:]:
            assert (ax - bx) ** 2 + (ay - by) ** 2 >= 16 ** 2, "two markers overlap"
    labels = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="(start|middle|end)" font-size="11" fill="[^"]+">T\+([^<]+)</text>', svg)
    assert labels and labels[-1][1] == "end" and float(labels[-1][0]) <= view_w and labels[0][1] == "start"
    assert float(re.search(r'<svg[^>]*viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1)) == view_h


def test_the_html_report_keeps_headings_with_what_follows_in_print():
    css = report.CSS
    assert "@media print" in css and "h2::after" in css and "tr, th, td { break-inside: avoid" in css
    assert "overflow-wrap: anywhere" not in css  # long words wrap, short ones are never cut mid-word
    assert not re.search(r"[^-]size:", css)  # no @page size forced: A4 and Letter both print
