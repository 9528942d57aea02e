"""The HTML report printed to PDF by headless Chromium on A4 and on Letter, and read back (issue 16).

What a printed report must be: pages (not one blank sheet), the scenario's title and every section
heading in the text, and no heading left as the last line of a page (stranded above the section it
names). The PDF is made with Playwright driving the Debian Chromium (never a downloaded browser);
the text is read with pypdf. Without Chromium the test skips and says what was not checked.
"""

from __future__ import annotations

import html
import re
import unicodedata

import pytest
from helpers import BUNDLED, CHROMIUM_FLAGS, chromium

from simulator.engine.session import Session, Start
from simulator.evaluate import report
from simulator.evaluate.scoring import score
from simulator.format import actions as A
from simulator.format.scenario import load_scenario

pytestmark = pytest.mark.browser

pypdf = pytest.importorskip("pypdf", reason="pypdf (the test extra) reads the printed PDF's text")


def _played_drill():
    """A drill with every section filled: moves, an escalation answered, a spillover, findings, a plan."""
    scenario = load_scenario(next(p for p in BUNDLED if p.stem == "viral-receipt"))
    team = tuple((r.id, f"Player {i}") for i, r in enumerate(scenario.roles))
    session = Session(scenario, 7, start=Start(drill=True, team=team), trainee="Pat")
    offered = session.choices()
    session.act(A.Choose(offered[0].id))
    role = next(r for r in scenario.roles if not r.trainee)
    session.act(A.Escalate(role.id, "we need the statement approved"))
    session.advance(role.delay + 5)
    for pending in sorted(session.pending):
        session.decide(pending, True, who="Sam", note="go ahead")
    session.act(A.Reply("Well, the server broke our policy. Did you even read it?"))
    session.advance(120)
    session.finish()
    return session


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    session = _played_drill()
    text = report.render_html(session, score(session), date="2026-01-02")
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(text, encoding="utf-8")
    headings = [html.unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h2>(.*?)</h2>", text)]
    return path, session.scenario.title, headings


def _print(binary, source, target, paper):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=binary, args=CHROMIUM_FLAGS, headless=True)
        try:
            tab = browser.new_page()
            tab.goto(source.as_uri())
            tab.pdf(path=str(target), format=paper, print_background=True)
        finally:
            browser.close()


def _lines(text: str) -> list[str]:
    """A page's lines as a reader sees them (the font's ligatures, such as "ﬁ", read as their letters)."""
    text = unicodedata.normalize("NFKC", text)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_printed_report_has_its_title_every_heading_and_no_stranded_heading(page, tmp_path, paper):
    binary = chromium(f"the report was not printed to PDF on {paper}")
    source, title, headings = page
    assert len(headings) >= 10 and "Improvement plan" in headings  # a drill's report: every section
    pdf = tmp_path / f"report-{paper}.pdf"
    _print(binary, source, pdf, paper)
    reader = pypdf.PdfReader(str(pdf))
    width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
    want = {"A4": (595.3, 841.9), "Letter": (612, 792)}[paper]  # points; Chromium rounds to its pixels
    assert abs(width - want[0]) < 2 and abs(height - want[1]) < 2, (width, height)
    pages = [_lines(p.extract_text()) for p in reader.pages]
    assert 3 <= len(pages) <= 30, len(pages)
    assert all(pages), "a blank page"
    text = " ".join(" ".join(p) for p in pages)
    assert f"After-action report: {title}" in text
    for heading in headings:
        assert heading in text, heading
    stranded = [(n, p[-1]) for n, p in enumerate(pages, start=1) if p[-1] in headings]
    assert not stranded, f"a heading ends a page: {stranded}"
