"""The HTML report rendered by a real headless browser (Debian's Chromium): the charts are there.

`.ci/run` installs Chromium from the system packages; without it this test skips and says why.
"""

from __future__ import annotations

import re
import struct
import subprocess

import pytest
from helpers import CHROMIUM_FLAGS, chromium

from simulator.evaluate import report
from simulator.evaluate.scoring import score
from simulator.headless import run

pytestmark = pytest.mark.browser  # renders the report in headless Chromium

FLAGS = [*CHROMIUM_FLAGS, "--hide-scrollbars"]


class _Forecast:
    def __init__(self, values):
        self.samples = {"negative_reach": values}


@pytest.fixture
def page(tmp_path, starter):
    session = run(starter, [{"choose": "model"}, {"choose": "fix_public"}, {"wait": "30m"}], 7)
    path = tmp_path / "report.html"
    forecast = _Forecast([3, 5, 8, 13, 13, 21, 34, 55, 400] * 10)
    path.write_text(report.render_html(session, score(session), forecast, date="2025-03-14",
                                       trainee="<b>Ann</b>"), encoding="utf-8")
    return path


def _browse(binary, tmp_path, *args):
    profile = tmp_path / "profile"
    done = subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120)
    return done


def test_chromium_renders_the_charts(tmp_path, page):
    binary = chromium("the HTML report was not rendered")
    done = _browse(binary, tmp_path, "--dump-dom", page.as_uri())
    dom = done.stdout
    assert dom, done.stderr[-2000:]
    for chart in ("chart-timeline", "chart-forecast", "chart-blast"):
        assert re.search(rf'<svg[^>]*id="{chart}"', dom), chart
    assert dom.count('class="move"') == 2
    assert re.search(r'<table class="examples">.*We apologize, Dan', dom, re.S)  # each message beside the suggestion
    assert "<b>Ann</b>" not in dom and "&lt;b&gt;Ann&lt;/b&gt;" in dom  # the trainee's name is text, not markup


def test_chromium_screenshot_is_a_real_page(tmp_path, page):
    binary = chromium("the HTML report was not rendered")
    shot = tmp_path / "report.png"
    done = _browse(binary, tmp_path, "--window-size=1000,2400", f"--screenshot={shot}", page.as_uri())
    assert shot.exists(), done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 2400)
    assert len(data) > 50_000  # text and charts, not a blank page


def test_chromium_prints_it_to_pdf(tmp_path, page):
    binary = chromium("the HTML report was not rendered")
    pdf = tmp_path / "report.pdf"
    done = _browse(binary, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert pdf.exists(), done.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 2  # several printed pages
