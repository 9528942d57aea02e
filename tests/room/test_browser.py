"""The drill room end to end in headless Chromium (Debian's package, driven by Playwright).

`crisis serve viral-receipt --team ...` runs as a user would start it; four browser contexts
(a facilitator, two seats, an observer) open the links it and the facilitator's page hand out,
and play through an approval, a fired inject, a raised question and a rating. What each person
sees is asserted on their own page; the pages run under the server's strict CSP, so a
violation shows up in the console and fails the test.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

import pytest
from helpers import CHROMIUM_FLAGS, ROOT, chromium, stop

pytestmark = pytest.mark.browser

FLAGS = CHROMIUM_FLAGS


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """`crisis serve` with a first room; yields (facilitator link, organiser link, data dir)."""
    port = _free_port()
    home = tmp_path / "home"
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "--home", str(home), "serve", "viral-receipt", "--seed", "7",
                             "--team", "agent=Ana", "--team", "supervisor=Sam", "--team", "pr=Pat <b>&</b>",
                             "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                raise AssertionError("crisis serve exited early:\n" + "".join(lines))
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        text = "".join(lines)
        facilitator = re.search(r"Facilitator link .*: (\S+)", text).group(1)
        organiser = re.search(r"Organiser link .*: (\S+)", text).group(1)
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        yield facilitator, organiser, home
    finally:
        stop(proc, 15)


def test_four_people_play_viral_receipt_in_one_room(served, tmp_path):
    binary = chromium("the room pages were not opened")
    from playwright.sync_api import expect, sync_playwright

    facilitator_link, _organiser, _home = served
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=binary, args=FLAGS, headless=True)
        try:
            def person(url):
                context = browser.new_context(accept_downloads=True)
                page = context.new_page()
                page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: problems.append(str(e)))
                page.goto(url)
                return page

            fac = person(facilitator_link)
            expect(fac.locator("#live")).to_have_text("live", timeout=30_000)
            expect(fac.locator("#pace")).to_have_text("paused")  # a room opens paused ...
            expect(fac.locator("#situation")).not_to_be_empty()  # ... on its briefing
            expect(fac.locator("#seats")).to_contain_text("Pat <b>&</b>")  # a name is text, never markup
            assert "#" not in fac.url  # the code left the address bar
            links = {a.get_attribute("data-role"): a.get_attribute("href") for a in fac.locator("#link-list a").all()}
            assert set(links) >= {"agent", "pr", "observer", "projector"}

            ana = person(links["agent"])
            pat = person(links["pr"])
            obs = person(links["observer"])
            for page in (ana, pat, obs):
                expect(page.locator("#live")).to_have_text("live", timeout=30_000)
            expect(ana.locator("#who")).to_contain_text("Ana")
            expect(ana.locator("#composer")).to_be_visible()
            expect(pat.locator("#composer")).to_be_hidden()  # the conversation is the front line's
            expect(obs.locator("#facilitation")).to_be_hidden()
            expect(fac.locator("#events")).to_contain_text("Acknowledge publicly within 15 minutes")  # expected actions

            # the front line brings PR in; PR's decision reaches PR's own screen only
            ana.locator("#escalate-role").select_option("pr")
            ana.locator("#escalate-note").fill("Statement about a firing: your call")
            ana.locator("#send-escalate").click()
            expect(ana.locator("#feed")).to_contain_text("VP Communications", timeout=20_000)
            for _ in range(3):
                fac.locator("#step").click()
                fac.wait_for_timeout(300)
                if pat.locator("#approvals").is_visible():
                    break
            expect(pat.locator("#approvals")).to_be_visible(timeout=20_000)
            expect(pat.locator("#approvals")).to_contain_text("your call")
            expect(ana.locator("#approvals")).to_be_hidden()
            pat.locator(".approval .approval-note").fill("Go: apologise for the page, announce a review")
            pat.locator(".approval .approve").click()
            expect(ana.locator("#feed")).to_contain_text("approved", timeout=20_000)

            # the facilitator fires an inject: every seat sees it
            fac.locator('tr[data-inject="legal_line"] .fire').click()
            expect(ana.locator("#feed")).to_contain_text("personnel file", timeout=20_000)
            expect(pat.locator("#feed")).to_contain_text("personnel file", timeout=20_000)
            expect(fac.locator('tr[data-inject="legal_line"]')).to_have_class(re.compile("fired"))

            # a question waits in the facilitator's queue until raised; then a seat answers
            expect(fac.locator('#queue li[data-question="2"]')).to_be_visible(timeout=20_000)
            expect(pat.locator("#questions")).to_be_hidden()
            fac.locator('#queue li[data-question="2"] .raise').click()
            expect(pat.locator('.question[data-question="2"]')).to_be_visible(timeout=20_000)
            pat.locator('.question[data-question="2"] .answer-text').fill("PR owns the statement; the CEO is told first")
            pat.locator('.question[data-question="2"] .answer').click()
            expect(pat.locator("#questions")).to_be_hidden(timeout=20_000)
            expect(fac.locator("#feed")).to_contain_text("PR owns the statement", timeout=20_000)

            # an observer rates an objective; the facilitator sees it and the report carries it
            obs.locator("#observer-name").fill("Olu")
            card = obs.locator('.rating[data-objective="who_knows"]')
            card.locator('button[data-rating="S"]').click()
            card.locator(".rating-note").fill("PR in early, CEO late")
            card.locator(".rate").click()
            expect(card.locator(".given")).to_contain_text("S by Olu", timeout=20_000)
            expect(fac.locator("#observations")).to_contain_text("Olu (observer)", timeout=20_000)

            with obs.expect_download() as caught:
                obs.locator("#dl-report").click()
            report = (tmp_path / "report.md")
            caught.value.save_as(report)
            text = report.read_text(encoding="utf-8")
            assert "S (Olu: PR in early, CEO late)" in text and "PR owns the statement" in text

            # the run control moves the clock; pause stops it
            fac.locator("#speed").fill("600")
            fac.locator("#set-speed").click()
            fac.locator("#run").click()
            expect(fac.locator("#pace")).to_contain_text("running", timeout=10_000)
            before = ana.locator("#clock").text_content()
            ana.wait_for_timeout(2500)
            assert ana.locator("#clock").text_content() != before
            fac.locator("#pause").click()
            expect(ana.locator("#pace")).to_have_text("paused", timeout=10_000)

            # a page on another origin cannot open the room's stream, even holding a code (Origin check)
            evil = browser.new_context().new_page()
            evil.route("http://evil.test/", lambda route: route.fulfill(status=200, content_type="text/html", body="<p>hi</p>"))
            evil.goto("http://evil.test/")
            stream = facilitator_link.replace("http://", "ws://").split("/room/")[0] + "/api/rooms/" + \
                facilitator_link.split("/room/")[1].split("/")[0] + "/stream"
            code = facilitator_link.split("#", 1)[1]
            outcome = evil.evaluate("""([url, code]) => new Promise((resolve) => {
                const ws = new WebSocket(url);
                ws.onopen = () => ws.send(JSON.stringify({code}));
                ws.onmessage = (e) => resolve('read the room: ' + e.data.slice(0, 40));
                ws.onclose = () => resolve('refused');
                setTimeout(() => resolve('timeout'), 10000);
            })""", [stream, code])
            assert outcome == "refused", outcome
            same = fac.evaluate("""([url, code]) => new Promise((resolve) => {
                const ws = new WebSocket(url);
                ws.onopen = () => ws.send(JSON.stringify({code}));
                ws.onmessage = () => { resolve('state'); ws.close(); };
                ws.onclose = () => resolve('refused');
            })""", [stream, code])
            assert same == "state"  # the same request from the room's own page is answered
        finally:
            browser.close()
    assert not [p for p in problems if "Content Security Policy" in p or "Uncaught" in p], problems
