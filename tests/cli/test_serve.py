"""`crisis serve`: loopback by default, a loud warning otherwise, and the real thing end to end:
the server on a free loopback port, headless Chromium (Debian's package) driven by Playwright,
a few keys played, and the screen checked.

The browser draws the terminal on a canvas, so "text in the page" is read from what the page
receives over its websocket (the terminal stream the canvas is drawn from, escape codes
stripped); a screenshot is saved next to the test's temporary files for a human to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from helpers import CHROMIUM_FLAGS, chromium

from simulator.cli import main
from simulator.cli import serve as S

FLAGS = CHROMIUM_FLAGS
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


# ---------------------------------------------------------------- without a browser


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
                                            ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("10.0.0.1", False)])
def test_loopback_detection(host, loopback):
    assert S.is_loopback(host) is loopback


def test_app_command_runs_this_python_and_quotes_the_scenario():
    args = SimpleNamespace(scenario="my scenario; rm -rf ~.yaml", drill=True, seed=5)
    command = S.app_command(args)
    assert command.startswith(sys.executable.replace(" ", "\\ ") if " " not in sys.executable else "'")
    assert "drill 'my scenario; rm -rf ~.yaml' --seed 5" in command
    assert S.app_command(SimpleNamespace(scenario=None, drill=False, seed=None)).endswith("-m simulator")


class _FakeServer:
    made: list = []

    def __init__(self, command, host, port, public_url, max_clients):
        self.args = (command, host, port, public_url)
        self.max_clients = max_clients
        _FakeServer.made.append(self)


@pytest.fixture
def fake_server(monkeypatch):
    from simulator.ui import served

    _FakeServer.made = []
    monkeypatch.setattr(served, "serve", _FakeServer)
    return _FakeServer


def test_serve_binds_loopback_by_default_and_says_how_to_expose(fake_server, capsys):
    pytest.importorskip("textual_serve")
    assert main(["serve", "stock-check", "--tui"]) == 0
    command, host, port, public_url = fake_server.made[0].args
    assert host == "127.0.0.1" and port == 8000 and public_url == "http://127.0.0.1:8000"
    assert command.endswith("play stock-check")
    err = capsys.readouterr().err
    assert "this machine only" in err and "--host 0.0.0.0" in err and "warning" not in err


def test_serve_warns_when_not_loopback(fake_server, capsys):
    pytest.importorskip("textual_serve")
    assert main(["serve", "stock-check", "--tui", "--drill", "--host", "0.0.0.0", "--port", "8123"]) == 0
    command, host, port, public_url = fake_server.made[0].args
    assert host == "0.0.0.0" and port == 8123 and "drill stock-check" in command
    assert public_url.startswith("http://") and not public_url.startswith("http://0.0.0.0")
    err = capsys.readouterr().err
    assert err.startswith("warning: serving on 0.0.0.0:8123") and "no login" in err


def test_serve_usage_errors(fake_server, capsys):
    assert main(["serve", "--port", "0"]) == 2
    assert main(["serve", "--tui", "--drill"]) == 2
    assert main(["serve", "--tui", "no-such-scenario"]) == 1
    assert "crisis: error: no scenario" in capsys.readouterr().err
    assert main(["serve", "--tui", "--max-clients", "0"]) == 2
    assert main(["serve", "--tui", "--max-clients", "65"]) == 2
    assert main(["serve", "--tui", "--public-url", "javascript:alert(1)"]) == 2
    assert "--max-clients takes a number from 1 to 64" in capsys.readouterr().err
    assert main(["serve", "--public-url", "javascript:alert(1)"]) == 2  # rooms check it too
    assert main(["serve", "--max-clients", "0"]) == 2
    assert fake_server.made == []


def test_serve_passes_the_client_cap(fake_server):
    pytest.importorskip("textual_serve")
    assert main(["serve", "--tui", "--max-clients", "3"]) == 0
    assert fake_server.made[0].max_clients == 3


# ---------------------------------------------------------------- end to end in Chromium


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"crisis serve exited early: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"crisis serve did not listen on 127.0.0.1:{port} within {seconds:.0f}s")


@pytest.fixture
def served(tmp_path):
    """`crisis serve` on a free loopback port, as a drill; stopped (bounded) at the end."""
    port = _free_port()
    env = {**os.environ, "CRISIS_HOME": str(tmp_path / "home"), "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "stock-check", "--tui", "--drill", "--seed", "7",
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        _wait_for_port(port, proc, 30)
        yield port, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # the server and the app processes it started
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


class _Screen:
    """What the page has received over its websocket, as plain text."""

    def __init__(self, page):
        self.raw: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        self.raw.append(payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload)

    def mark(self) -> int:
        return len(self.raw)

    def text(self, since: int = 0) -> str:
        return ANSI.sub("", "".join(self.raw[since:]))


def _wait_text(page, screen: _Screen, needle: str, since: int = 0, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = screen.text(since)
        if needle in re.sub(r"\s+", " ", text) or needle in text:
            return text
        page.wait_for_timeout(200)
    raise AssertionError(f"{needle!r} did not appear on the served screen; last text: {screen.text(since)[-1500:]!r}")


@pytest.mark.browser
@pytest.mark.slow
def test_served_drill_in_headless_chromium(served, tmp_path):
    binary = chromium("the served UI was not opened in a browser")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    port, proc = served
    url = f"http://127.0.0.1:{port}/"
    with sync_api.sync_playwright() as pw:
        # A fresh profile directory (Playwright passes it as --user-data-dir).
        browser = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=binary, args=FLAGS,
                                                        headless=True, viewport={"width": 1400, "height": 900})
        try:
            page = browser.new_page()
            screen = _Screen(page)
            page.goto(url, timeout=30_000)
            page.wait_for_selector("textarea", state="attached", timeout=30_000)
            page.focus("textarea")  # the terminal's keyboard input (xterm.js)
            _wait_text(page, screen, "Who plays which role", seconds=40)
            page.wait_for_timeout(500)
            page.keyboard.type("Ana", delay=30)
            page.keyboard.press("Enter")  # next role
            page.wait_for_timeout(500)
            page.keyboard.type("Sam", delay=30)
            mark = screen.mark()
            page.keyboard.press("Control+s")  # start the drill
            _wait_text(page, screen, "Public feed", mark)
            mark = screen.mark()
            page.keyboard.press("1")  # the first suggested reply
            _wait_text(page, screen, "We apologize, Dan", mark)
            mark = screen.mark()
            page.keyboard.press("o")  # offer free same-day delivery: over the agent's authority
            _wait_text(page, screen, "Offer a remedy", mark)
            for _ in range(3):
                page.keyboard.press("ArrowDown")
                page.wait_for_timeout(100)
            mark = screen.mark()
            page.keyboard.press("Enter")
            answered = 0
            asked: set[str] = set()
            while answered < 7:  # the planning questions whose moment came: the room answers each once
                deadline = time.monotonic() + 4
                fresh = None
                while fresh is None and time.monotonic() < deadline:
                    numbers = set(re.findall(r"Planning question (\d)", screen.text(mark)))
                    fresh = next(iter(sorted(numbers - asked)), None)
                    if fresh is None:
                        page.wait_for_timeout(200)
                if fresh is None:
                    break
                asked.add(fresh)
                page.wait_for_timeout(300)
                mark = screen.mark()
                page.keyboard.type("We answer in public first", delay=10)
                page.keyboard.press("Enter")
                answered += 1
                page.wait_for_timeout(300)
            assert answered >= 1  # a blocked offer asks who needs to know and what the all-in is
            mark = screen.mark()
            page.keyboard.press("c")  # the facilitator console
            _wait_text(page, screen, "Facilitator console", mark)
            mark = screen.mark()
            page.keyboard.press("Control+g")  # pause the drill from the console
            _wait_text(page, screen, "paused the drill", mark)  # the note on the timeline
            page.screenshot(path=str(tmp_path / "served-drill.png"))
            shots = os.environ.get("CRISIS_SCREENSHOTS")
            if shots:
                shutil.copy(tmp_path / "served-drill.png", shots)
        finally:
            browser.close()
    assert proc.poll() is None  # still serving until the fixture stops it
    # What the browser did is in the drill's transcript, like any session.
    import json

    (path,) = (tmp_path / "home" / "sessions").rglob("*.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert records[0]["start"]["drill"] is True and records[0]["start"]["team"] == {"agent": "Ana", "supervisor": "Sam"}
    steps = [r["step"] for r in records[1:]]
    assert {"act": {"choose": "model"}} in steps
    decisions = [s["facilitate"] for s in steps if s.get("facilitate", {}).get("kind") == "decision"]
    assert len(decisions) == answered and all(d["who"] == "Ana" for d in decisions)
    assert {"facilitate": {"kind": "pause"}} in steps
