"""`crisis serve` (the single-player textual-serve mode) under attack: a page on another site, a
rebound DNS name, a giant resize, a giant message, too many tabs, a tab that leaves.

The real server runs on a free loopback port; websockets are opened with aiohttp (the server's
own dependency) and, for the cross-site cases, from a page in headless Chromium.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import CHROMIUM_FLAGS, chromium, stop

from simulator.ui import served as SV

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")

FLAGS = CHROMIUM_FLAGS


# ---------------------------------------------------------------- the policy, without a server


def test_clamp_size_bounds_every_request():
    assert SV.clamp_size(100000, 100000) == (SV.MAX_COLUMNS, SV.MAX_ROWS)
    assert SV.clamp_size(2000, 2000) == (SV.MAX_COLUMNS, SV.MAX_ROWS)
    assert SV.clamp_size(-5, 0) == (SV.MIN_COLUMNS, SV.MIN_ROWS)
    assert SV.clamp_size("120", "40") == (120, 40)
    assert SV.clamp_size("9" * 400, None) == (80, 24)
    assert SV.clamp_size(float("nan"), float("inf")) == (80, 24)
    assert SV.clamp_size(True, [1]) == (80, 24)


@pytest.mark.parametrize("header, ok", [
    ("127.0.0.1:8000", True), ("localhost:8000", True), ("[::1]:8000", True), ("LOCALHOST:8000", True),
    ("127.0.0.1", True), ("evil.example:8000", False), ("attacker.test", False), ("127.0.0.1:9999", False),
    ("", False), (None, False), ("user@127.0.0.1:8000", False), ("127.0.0.1:notaport", False),
    ("192.168.1.20:8000", False),
])
def test_host_policy_on_loopback(header, ok):
    assert SV.HostPolicy("127.0.0.1", 8000, "http://127.0.0.1:8000").host_ok(header) is ok


def test_host_policy_on_every_interface_takes_addresses_and_the_public_name_only():
    policy = SV.HostPolicy("0.0.0.0", 8000, "http://trainer-laptop.local:8000")
    assert policy.host_ok("192.168.1.20:8000") and policy.host_ok("trainer-laptop.local:8000")
    assert not policy.host_ok("rebind.attacker.test:8000")


def test_origin_must_be_the_same_server():
    policy = SV.HostPolicy("127.0.0.1", 8000, "http://127.0.0.1:8000")
    assert policy.origin_ok(None, "127.0.0.1:8000")  # not a browser
    assert policy.origin_ok("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert not policy.origin_ok("http://127.0.0.1:8001", "127.0.0.1:8000")  # another localhost port
    assert not policy.origin_ok("http://localhost:8000", "127.0.0.1:8000")
    assert not policy.origin_ok("null", "127.0.0.1:8000")
    assert not policy.origin_ok("https://evil.example", "127.0.0.1:8000")
    assert not policy.origin_ok("https://127.0.0.1:8000", "127.0.0.1:8000")  # another scheme is another origin
    assert SV.HostPolicy("0.0.0.0", 8000, "https://drill.example").origin_ok("https://drill.example", "drill.example")


def test_a_tab_asking_for_a_huge_terminal_gets_a_bounded_one(monkeypatch):
    """What reaches the app process (the resize meta packet) is clamped, whatever the browser says."""
    from textual_serve.app_service import AppService
    from textual_serve.download_manager import DownloadManager

    server = SV.build_server("true", "127.0.0.1", 8000, "http://127.0.0.1:8000")
    sent: list[dict] = []

    async def record(self, data):
        sent.append(data)
        return True

    monkeypatch.setattr(AppService, "send_meta", record)

    async def go():
        service = server.app_service_class("true", write_bytes=None, write_str=None, close=None,
                                           download_manager=DownloadManager())
        await service.set_terminal_size(100000, 100000)

    asyncio.run(go())
    assert sent == [{"type": "resize", "width": SV.MAX_COLUMNS, "height": SV.MAX_ROWS}]


# ---------------------------------------------------------------- the real server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    """Every descendant process of `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                    stat = fh.read()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - out
        out |= frontier
    return out


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@pytest.fixture
def server(tmp_path):
    """`crisis serve` (the home screen) on a free loopback port, at most 2 tabs; stopped at the end."""
    port = _free_port()
    env = {**os.environ, "CRISIS_HOME": str(tmp_path / "home"), "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--tui", "--port", str(port), "--max-clients", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, proc.stderr.read().decode(errors="replace")[-2000:]
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "crisis serve did not listen"
                time.sleep(0.2)
        yield port, proc
    finally:
        stop(proc, 10)


async def _get(url: str, **headers) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        await response.read()
        return response.status, dict(response.headers)


async def _ws_status(url: str, **headers) -> int:
    """101 when the websocket opened (then closed at once), else the HTTP status of the refusal."""
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, headers=headers, timeout=aiohttp.ClientWSTimeout(ws_close=5)) as ws:
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


async def _wait_for_screen(ws, seconds: float = 40) -> None:
    """Until the app has drawn something (its first data frame)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        msg = await ws.receive(timeout=deadline - time.monotonic())
        if msg.type == aiohttp.WSMsgType.BINARY and len(msg.data) > 100:
            return
        if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            raise AssertionError(f"the websocket closed before the app drew: {msg}")
    raise AssertionError("the app drew nothing")


@pytest.mark.slow
def test_foreign_host_and_origin_are_refused(server):
    port, _ = server
    base = f"http://127.0.0.1:{port}"

    async def go():
        assert (await _get(base + "/"))[0] == 200
        _status, headers = await _get(base + "/")
        assert headers.get("X-Frame-Options") == "DENY" and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert (await _get(base + "/", Host=f"rebind.attacker.test:{port}"))[0] == 421  # DNS rebinding
        assert (await _get(base + "/static/js/textual.js", Host=f"rebind.attacker.test:{port}"))[0] == 421
        ws = f"ws://127.0.0.1:{port}/ws"
        assert await _ws_status(ws, Origin=f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}") == 403
        assert await _ws_status(ws, Origin="https://evil.example") == 403
        assert await _ws_status(ws, Origin="null") == 403
        assert await _ws_status(ws, Host=f"rebind.attacker.test:{port}", Origin=f"http://rebind.attacker.test:{port}") == 421
        assert await _ws_status(ws, Origin=f"http://127.0.0.1:{port}") == 101  # the page the server itself serves

    asyncio.run(go())


@pytest.mark.slow
def test_giant_resize_and_message_are_bounded_and_a_leaving_tab_frees_its_process(server):
    port, proc = server

    async def go():
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(f"ws://127.0.0.1:{port}/ws?width=100000&height=100000")
            await _wait_for_screen(ws)
            apps = _children(proc.pid)
            assert apps, "no app process for the tab"
            await ws.send_str(json.dumps(["resize", {"width": 100000, "height": 100000}]))
            await ws.send_str("not json")
            await ws.send_str(json.dumps(["resize", "x"]))
            await ws.send_str("[" * 20000 + "]" * 20000)  # nested beyond the parser's recursion limit
            await asyncio.sleep(4)
            peak = max(_rss_mb(p) for p in apps)
            assert peak < 400, f"an app process grew to {peak:.0f} MB after a giant resize"
            await ws.send_str(json.dumps(["ping", "still there"]))
            pong = await ws.receive(timeout=10)
            while pong.type == aiohttp.WSMsgType.BINARY:
                pong = await ws.receive(timeout=10)
            assert json.loads(pong.data) == ["pong", "still there"]
            await ws.send_str(json.dumps(["stdin", "x" * (SV.MAX_MESSAGE + 1)]))
            closed = await ws.receive(timeout=10)
            while closed.type == aiohttp.WSMsgType.BINARY:
                closed = await ws.receive(timeout=10)
            assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
            assert ws.close_code == 1009  # message too big
            await ws.close()
        deadline = time.monotonic() + 3 * SV.QUIT_GRACE
        while _children(proc.pid) and time.monotonic() < deadline:
            await asyncio.sleep(0.3)
        assert not _children(proc.pid), "the app process outlived its tab"

    asyncio.run(go())
    assert proc.poll() is None


@pytest.mark.slow
def test_clients_are_capped(server):
    port, _proc = server

    async def go():
        async with aiohttp.ClientSession() as session:
            first = await session.ws_connect(f"ws://127.0.0.1:{port}/ws")
            second = await session.ws_connect(f"ws://127.0.0.1:{port}/ws")
            third = await session.ws_connect(f"ws://127.0.0.1:{port}/ws")
            text = b""
            while True:
                msg = await third.receive(timeout=10)
                if msg.type != aiohttp.WSMsgType.BINARY:
                    break
                text += msg.data
            assert b"2 browser tabs are already connected" in text and third.close_code == 1013
            await second.close()
            await asyncio.sleep(0.5)
            fourth = await session.ws_connect(f"ws://127.0.0.1:{port}/ws")  # a freed slot is taken again
            await _wait_for_screen(fourth)
            await fourth.close()
            await first.close()

    asyncio.run(go())


# ---------------------------------------------------------------- from a page on another site, in Chromium


ATTACK_PAGE = """<!doctype html><title>pending</title><script>
const ws = new WebSocket("ws://127.0.0.1:%(port)d/ws");
let got = 0;
ws.onmessage = () => { got += 1; ws.send(JSON.stringify(["stdin", "h"])); };
ws.onopen = () => { document.title = "opened"; };
ws.onerror = () => { document.title = "refused"; };
fetch("http://127.0.0.1:%(port)d/", {mode: "no-cors"}).catch(() => {});
</script>"""


@pytest.mark.browser
@pytest.mark.slow
def test_a_page_on_another_origin_cannot_drive_the_server(server, tmp_path):
    binary = chromium("the cross-site page was not opened")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    port, proc = server
    page_html = (ATTACK_PAGE % {"port": port}).encode()

    class Attack(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page_html)

        def log_message(self, *args):
            pass

    evil = ThreadingHTTPServer(("127.0.0.1", 0), Attack)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=binary, args=[
                *FLAGS, "--host-resolver-rules=MAP rebind.attacker.test 127.0.0.1"], headless=True)
            try:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{evil.server_address[1]}/", timeout=30_000)  # another localhost port
                page.wait_for_function("document.title !== 'pending'", timeout=20_000)
                assert page.title() == "refused"
                assert page.evaluate("got") == 0
                # DNS rebinding: a foreign name that resolves to this machine gets no page.
                response = page.goto(f"http://rebind.attacker.test:{port}/", timeout=30_000)
                assert response is not None and response.status == 421
                # The server's own page still works.
                response = page.goto(f"http://127.0.0.1:{port}/", timeout=30_000)
                assert response is not None and response.status == 200
            finally:
                browser.close()
    finally:
        evil.shutdown()
    time.sleep(1)
    assert proc.poll() is None
