"""Hostile-input harness (issue 17): tries what an attacker or a clumsy user would, per surface,
and counts what is handled cleanly.

    python benchmarks/hostile/harness.py [--surface inputs|outputs|crash|serve] [-v]

Surfaces and what "handled cleanly" means:
- inputs: a hostile argument, file or script given to `crisis`: exit 0, 1 or 2 within the time
  limit, no traceback, no "internal error".
- outputs: hostile text (markup, click actions, ESC/OSC/CSI, C1, bidi, lone surrogates, HTML,
  formulas) in scenarios, scripts and names: every output (stdout, stderr, report HTML/Markdown,
  playbook, JSON) holds no raw control or bidi character, JSON is strict, HTML holds no live tag.
- crash: kill -9 at many points of a saved run, a full disk, a busy, read-only or damaged index,
  a damaged audience cache: afterwards `crisis history` and `crisis report latest` answer without a
  traceback, and no transcript is half-written.
- serve: the served UI (`crisis serve`): foreign Host and Origin refused, sizes and messages
  bounded, tabs capped, a leaving tab's process freed, the server alive after every case.

It is a benchmark (run by hand; needs a few minutes of CPU), not a test: the regression tests
are in tests/. Prints one line per surface, `surface: handled/tried`, and the failures with -v.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import io
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from simulator.cli import main as crisis_main  # noqa: E402

PLAY = 'actions:\n  - reply: "Sorry Dan, that is on us. What item were you looking for?"\n  - wait: 30m\n'
EVIL = "[/] [@click=app.quit]x[/] \x1b]0;pwned\x07 \x1b[5;31mblink\x1b[0m \x9b2J \u202eevil\u202c <script>alert(1)</script> =HYPERLINK(\"x\")"
BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class Result:
    def __init__(self):
        self.tried = 0
        self.failures: list[str] = []

    trace = False

    def check(self, name: str, ok: bool, note: str = "") -> None:
        if self.trace:
            sys.__stderr__.write(f"{'ok ' if ok else 'NOT'} {name} {note[:200] if not ok else ''}\n")
            sys.__stderr__.flush()
        self.tried += 1
        if not ok:
            self.failures.append(f"{name}: {note}"[:400])

    @property
    def handled(self) -> int:
        return self.tried - len(self.failures)


def run_cli(argv: list[str], home: Path, stdin: bytes | None = None, timeout: float = 120) -> tuple[int | None, str, str]:
    """`crisis argv` in this process (fast), with a time limit; (exit code or None when it hung, out, err)."""
    out, err = io.StringIO(), io.StringIO()
    box: dict = {}

    def go():
        old_env = os.environ.get("CRISIS_HOME")
        os.environ["CRISIS_HOME"] = str(home)
        old_stdin = sys.stdin
        if stdin is not None:
            sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="ascii", errors="strict")
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                box["code"] = crisis_main(argv)
        except SystemExit as exc:
            box["code"] = int(exc.code or 0)
        except BaseException as exc:  # a crash the CLI let through
            box["code"] = f"raised {type(exc).__name__}: {exc}"
        finally:
            sys.stdin = old_stdin
            if old_env is None:
                os.environ.pop("CRISIS_HOME", None)
            else:
                os.environ["CRISIS_HOME"] = old_env

    worker = threading.Thread(target=go, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return None, out.getvalue(), err.getvalue()
    code = box.get("code")
    return code if isinstance(code, int) else -1, out.getvalue(), err.getvalue() + (code if isinstance(code, str) else "")


def clean_exit(code, out: str, err: str) -> tuple[bool, str]:
    if code is None:
        return False, "hung"
    if code not in (0, 1, 2):
        return False, f"exit {code}: {err[-300:]}"
    if "internal error" in err or "Traceback" in err or "Traceback" in out:
        return False, err[-300:]
    return True, ""


def setup_home(base: Path, name: str, saved: int = 1) -> Path:
    home = base / name
    script = base / "play.yaml"
    script.write_text(PLAY, encoding="utf-8")
    for _ in range(saved):
        run_cli(["run", "stock-check", "--script", str(script), "--save", "--seed", "7"], home)
    return home


# ---------------------------------------------------------------- inputs


def inputs(base: Path, r: Result) -> None:
    home = setup_home(base, "inputs")
    files = base / "in"
    files.mkdir()

    def case(name: str, argv: list[str], stdin: bytes | None = None, timeout: float = 120) -> None:
        code, out, err = run_cli(argv, home, stdin, timeout)
        ok, note = clean_exit(code, out, err)
        r.check(f"inputs {name}", ok, note)

    def write(name: str, data: str | bytes) -> str:
        p = files / name
        p.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
        return str(p)

    script = write("ok.yaml", PLAY)
    seeds = [str(2**63), str(-(2**63) - 1), "9" * 300, "-" + "9" * 300, "abc", "1e5", "", "0x10", str(2**63 - 1), "-1"]
    for s in seeds:
        for cmd in (["run", "stock-check", "--script", script, "--save"], ["forecast", "stock-check", "--rollouts", "10"],
                    ["fuzz", "stock-check", "--runs", "1"]):
            case(f"seed {s[:20]} {cmd[0]}", [*cmd, "--seed", s])
    refs = ["*", "**", "''", "", "[", "]", "?", "a" * 300, "../../etc/passwd", "/etc/passwd", "/dev/zero", "latest~999",
            "latest~-1", "latest~x", "~", "\\", "%s%n", "a/b", ".jsonl", "-"]
    for ref in refs:
        for cmd in ("report", "playbook", "worst-case"):
            case(f"ref {ref[:20]!r} {cmd}", [cmd, ref], timeout=60)
        case(f"ref {ref[:20]!r} fork", ["fork", ref, "--at", "1", "--action", '{"reply": "x"}'], timeout=60)
    fifo = files / "fifo.yaml"
    os.mkfifo(fifo)
    big = files / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(5_000_000)
    scenario_refs = ["x" * 5000, "../../etc/passwd", "/dev/zero", str(fifo), str(files), "nope.yaml", write("empty.yaml", ""),
                     write("binary.yaml", bytes(range(256)) * 10), str(big), write("deep.yaml", "a: " + "[" * 10000 + "]" * 10000),
                     write("bomb.yaml", "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"), write("tabs.yaml", "\tid: x\n"),
                     write("bom.yaml", "\ufeffformat: 1\n"), write("list.yaml", "- 1\n- 2\n"), write("nul.yaml", "id: a\x00b\n"),
                     write("surrogate.yaml", "id: \"\\ud800\"\n"), write("huge-int.yaml", "format: " + "9" * 5000 + "\n")]
    for ref in scenario_refs:
        for cmd in (["validate"], ["run", "--script", script], ["lint"], ["stats"], ["graph"], ["msel", "export"]):
            argv = [*cmd[:1], *(cmd[1:2] if cmd[0] == "msel" else []), ref, *(cmd[1:] if cmd[0] == "run" else [])]
            case(f"scenario {Path(ref).name[:20]} {cmd[0]}", argv, timeout=20)
    scripts = {
        "surrogate": 'actions:\n  - reply: "a \\ud800 b"\n', "nan offer": "actions:\n  - offer: {remedy: gas_credit, value: .nan}\n",
        "inf offer": "actions:\n  - offer: {remedy: gas_credit, value: .inf}\n", "negative offer": "actions:\n  - offer: {remedy: gas_credit, value: -1}\n",
        "huge wait": "actions:\n  - wait: 999999999d\n", "negative wait": "actions:\n  - wait: -5m\n", "nan wait": "actions:\n  - wait: .nan\n",
        "unknown action": "actions:\n  - explode: now\n", "deep action": "actions:\n  - reply: " + "[" * 5000 + "]" * 5000 + "\n",
        "not utf8": b"actions:\n  - reply: \"\xff\xfe\"\n", "seed 2^64": f"seed: {2**64}\nactions: []\n", "seed bool": "seed: true\nactions: []\n",
        "seed float": "seed: 1.5\nactions: []\n", "3000 actions": json.dumps({"actions": [{"wait": "1m"}] * 3000}),
        "long reply": json.dumps({"actions": [{"reply": "x" * 100_000}]}), "actions not list": "actions: 5\n",
        "empty": "", "null": "null\n", "list": "- reply: hi\n", "nul": "actions:\n  - reply: \"a\\0b\"\n",
        "escalate unknown": "actions:\n  - escalate: nobody\n", "choose unknown": "actions:\n  - choose: nothing\n",
        "hide unknown": "actions:\n  - hide: nothing\n", "private bad channel": "actions:\n  - private: {text: hi, channel: carrier-pigeon}\n",
    }
    for name, text in scripts.items():
        case(f"script {name}", ["run", "stock-check", "--script", write(f"s-{len(name)}-{abs(hash(name))}.yaml", text),
                                "--save", "--json"])
    case("script fifo", ["run", "stock-check", "--script", str(fifo)], timeout=30)
    case("script /dev/zero", ["run", "stock-check", "--script", "/dev/zero"], timeout=30)
    case("script directory", ["run", "stock-check", "--script", str(files)])
    case("script 201 actions realtime", ["run", "blog-day-after", "--script", write("rt.json", json.dumps(
        {"actions": [{"reply": f"sorry {i}"} for i in range(201)]}))])
    for name in ["x" * 101, "a\x1b]0;x\x07", "[/]" * 10, "\u202eevil", "a\nb"]:
        case(f"trainee {name[:10]!r}", ["run", "stock-check", "--script", script, "--save", "--trainee", name])
    for action in ["[" * 5000 + "]" * 5000, "{", "x" * 30000, '{"reply": "\\ud800"}', "null", "[]", '{"offer": {"remedy": "gas_credit", "value": NaN}}',
                   '{"wait": "-1m"}', '{"reply": 5}', '{"decide": {"role": "x", "approve": "maybe"}}']:
        case(f"fork action {action[:20]!r}", ["fork", "latest", "--at", "1", "--action", action])
    for n in ["0", "-1", "1000000", "20001", "x"]:
        case(f"forecast rollouts {n}", ["forecast", "stock-check", "--rollouts", n])
    for h in ["-5m", "0", "999999d", "nan", "1e400"]:
        case(f"forecast horizon {h}", ["forecast", "stock-check", "--rollouts", "5", "--horizon", h])
    for w in ["0", "1000"]:
        case(f"forecast workers {w}", ["forecast", "stock-check", "--rollouts", "5", "--workers", w])
    case("analyze non-utf8 stdin", ["analyze", "-"], stdin=b"hello \xff\xfe idiot\n")
    case("analyze 2MB stdin", ["analyze", "-"], stdin=b"x" * 2_000_000)
    case("analyze jsonl surrogate", ["analyze", "--jsonl", write("a.jsonl", '{"text": "\\ud800"}\n{"text": ' + "[" * 5000 + "]" * 5000 + "}\n")])
    for argv in (["serve", "--port", "0"], ["serve", "--port", "70000"], ["serve", "--tui", "--max-clients", "0"],
                 ["serve", "--tui", "--max-clients", "1000"], ["serve", "--public-url", "javascript:alert(1)"], ["serve", "--tui", "--drill"],
                 ["serve", "x" * 5000]):
        case(f"serve {' '.join(argv[1:])[:30]}", argv)
    for n in ["-1", "100001"]:
        case(f"report forecast {n}", ["report", "latest", "--forecast", n])
        case(f"worst-case rollouts {n}", ["worst-case", "latest", "--rollouts", n])
    case("report date garbage", ["report", "latest", "--date", "2026-13-45"])
    case("report -o into a missing directory", ["report", "latest", "-o", str(files / "no" / "such" / "r.html")])
    case("report -o a directory", ["report", "latest", "-o", str(files)])
    case("drill team garbage", ["drill", "stock-check", "--team", "nobody=x", "--team", "agent"], timeout=30)
    case("home is a file", ["--home", script, "history"])
    case("home with NUL-free long name", ["--home", str(base / ("h" * 300)), "history"])


# ---------------------------------------------------------------- outputs


def _hostile_scenario(base: Path) -> Path:
    import yaml

    d = yaml.safe_load((ROOT / "scenarios" / "stock-check.yaml").read_text(encoding="utf-8"))
    d.update(id="hostile-out", title="title " + EVIL)
    d["persona"]["name"] = "name " + EVIL
    d["ripple"]["spillovers"][0].update(title="spill " + EVIL, text="spill text " + EVIL, threshold=1, delay="1m")
    d["roles"][1]["title"] = "role " + EVIL
    for remedy in d["remedies"]:
        remedy["label"] = "remedy " + EVIL
    for beat in d["beats"]:
        beat["title"] = "beat " + EVIL
        beat["text"] = "text " + EVIL
        for choice in beat.get("choices", []):
            choice["label"] = "choice " + EVIL
    d["end"] = [{"when": "t >= 100", "text": "ended " + EVIL}]
    d.pop("tests", None)
    path = base / "hostile-out.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def outputs(base: Path, r: Result) -> None:
    home = base / "outputs"
    scenario = _hostile_scenario(base)
    script = base / "out-play.yaml"
    script.write_text(json.dumps({"actions": [{"reply": "reply " + EVIL}, {"escalate": {"role": "supervisor", "note": "note " + EVIL}},
                                              {"choose": "defend"}, {"wait": "30m"}, {"private": "dm " + EVIL}, {"wait": "30m"}]}),
                      encoding="utf-8")

    def safe_text(name: str, text: str) -> None:
        bad = BAD_CHARS.findall(text)
        r.check(f"outputs {name}: no raw controls/bidi", not bad, repr(bad[:5]))

    def cli(name: str, argv: list[str], *, json_out: bool = False) -> str:
        code, out, err = run_cli(argv, home)
        ok, note = clean_exit(code, out, err)
        r.check(f"outputs {name}: clean exit", ok, note)
        safe_text(f"{name} stdout", out)
        safe_text(f"{name} stderr", err)
        if json_out and code == 0:
            try:
                json.loads(out.strip().splitlines()[-1], parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
                r.check(f"outputs {name}: strict JSON", True)
            except (ValueError, IndexError) as exc:
                r.check(f"outputs {name}: strict JSON", False, str(exc))
        return out

    cli("run", ["run", str(scenario), "--script", str(script), "--trainee", "[/]Pat[@click=app.quit]", "--save"])
    cli("run --json", ["run", str(scenario), "--script", str(script), "--json"], json_out=True)
    cli("history", ["history"])
    cli("history --json", ["history", "--json"], json_out=True)
    md = cli("report md", ["report", "latest"])
    r.check("outputs report md: no raw HTML", "<script>" not in md, "raw <script>")
    html_path = base / "r.html"
    cli("report html", ["report", "latest", "-o", str(html_path)])
    html = html_path.read_text(encoding="utf-8") if html_path.exists() else ""
    safe_text("report html file", html)
    r.check("outputs report html: no live tag from the payload", "<script>alert(1)" not in html and bool(html), "live <script>")
    cli("validate", ["validate", str(scenario)])
    cli("lint", ["lint", str(scenario)])
    cli("stats", ["stats", str(scenario)])
    cli("graph mermaid", ["graph", str(scenario)])
    cli("graph dot", ["graph", str(scenario), "--format", "dot"])
    cli("list", ["--home", str(home), "list"])
    cli("analyze", ["analyze", "reply " + EVIL])
    cli("analyze json", ["analyze", "--json", "reply " + EVIL], json_out=True)
    cli("fuzz", ["fuzz", str(scenario), "--runs", "3"])
    cli("forecast", ["forecast", str(scenario), "--rollouts", "20"])
    cli("forecast json", ["forecast", str(scenario), "--rollouts", "20", "--json"], json_out=True)
    drill = base / "drill-play.yaml"
    drill.write_text(PLAY, encoding="utf-8")
    cli("drill", ["drill", str(scenario), "--team", "agent=[/]Ana", "--team", "supervisor=Sam \u202eevil"])
    bad_yaml = base / "bad.yaml"
    bad_yaml.write_text("format: 1\nid: \"" + EVIL.replace('"', "'") + "\"\ntitle: [\n", encoding="utf-8")
    cli("validate errors", ["validate", str(bad_yaml)])
    # the text-safety module itself, for every output kind, on a sample of hostile strings
    from simulator.format import textsafe as ts

    samples = [EVIL, "\ud800", "\x00\x1b\x9b\x85", "\u2028\u2029\u200b", "=1+1", "@SUM(A1)", "\t=cmd", "\r=x"]
    for kind in ("terminal", "markup", "document", "html", "markdown"):
        for s in samples:
            out = getattr(ts, kind)(s)
            ok = not BAD_CHARS.findall(out.replace("\n", ""))
            try:
                out.encode("utf-8")
            except UnicodeEncodeError:
                ok = False
            r.check(f"outputs textsafe.{kind}({s[:8]!r})", ok, repr(out[:60]))
    for s in samples:
        r.check(f"outputs textsafe.csv_cell({s[:8]!r})", not ts.csv_cell(s).startswith(ts.FORMULA_START), ts.csv_cell(s))


# ---------------------------------------------------------------- crash safety


def _subprocess_env(home: Path) -> dict:
    return {**os.environ, "CRISIS_HOME": str(home), "PYTHONPATH": str(ROOT)}


def _after(home: Path, r: Result, name: str) -> None:
    """After the damage: history and report answer cleanly; no transcript is header-only."""
    code, out, err = run_cli(["history"], home, timeout=120)
    ok, note = clean_exit(code, out, err)
    r.check(f"crash {name}: history answers", ok and code in (0, 1), note)
    code, out, err = run_cli(["report", "latest"], home, timeout=120)
    ok, note = clean_exit(code, out, err)
    r.check(f"crash {name}: report answers", ok, note)
    sessions = home / "sessions"
    partial = []
    for p in sessions.glob("*.jsonl") if sessions.exists() else []:
        if p.is_symlink() or not p.is_file() or p.stat().st_size > 64 << 20:
            continue  # planted by the harness itself (/dev/zero, a FIFO, a sparse giant)
        with contextlib.suppress(OSError):
            raw = p.read_bytes()
            if raw and not raw.endswith(b"\n") and b"\n" not in raw:
                partial.append(p.name)
    r.check(f"crash {name}: no transcript cut inside its header", not partial, str(partial))


def crash(base: Path, r: Result) -> None:
    script = base / "crash-play.json"
    script.write_text(json.dumps({"actions": [{"reply": f"Sorry Dan, we are on it ({i})"} if i % 2 else {"wait": "5m"}
                                              for i in range(40)]}), encoding="utf-8")
    # kill -9 at many points of a saved run
    delays = [0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1, 2.5, 3.0, 3.5, 4.0, 5.0]
    for i, delay in enumerate(delays):
        home = base / f"kill-{i}"
        proc = subprocess.Popen([sys.executable, "-m", "simulator", "run", "stock-check", "--script", str(script), "--save"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_subprocess_env(home))
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _after(home, r, f"kill -9 after {delay}s")
    from simulator.storage import store as S
    from simulator.storage import transcript as T

    play = base / "play.yaml"
    play.write_text(PLAY, encoding="utf-8")
    # a full disk at the k-th durable write
    real_fsync = T.os.fsync
    for k in (1, 2, 3):
        home = base / f"full-{k}"
        calls = {"n": 0}

        def full(fd, k=k, calls=calls):
            calls["n"] += 1
            if calls["n"] >= k:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_fsync(fd)

        T.os.fsync = full
        try:
            code, out, err = run_cli(["run", "stock-check", "--script", str(play), "--save"], home)
        finally:
            T.os.fsync = real_fsync
        ok, note = clean_exit(code, out, err)
        r.check(f"crash disk full at write {k}: clean message", ok and "disk is full" in err, err[-200:])
        _after(home, r, f"disk full at write {k}")
    # busy, read-only, damaged index
    home = setup_home(base, "busy")
    S.BUSY_SECONDS = 0.5
    holder = subprocess.Popen([sys.executable, "-c", "import sqlite3,sys\n"
                               f"c=sqlite3.connect({str(home / 'history.sqlite')!r}); c.execute('BEGIN EXCLUSIVE'); print('held', flush=True)\n"
                               "sys.stdin.readline()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    holder.stdout.readline()
    for argv in (["history"], ["run", "stock-check", "--script", str(play), "--save"], ["history", "--rebuild"], ["report", "latest"]):
        code, out, err = run_cli(argv, home)
        ok, note = clean_exit(code, out, err)
        r.check(f"crash busy index {argv[0]}: clean", ok, note)
        r.check(f"crash busy index {argv[0]}: not moved", not (home / "history.sqlite.damaged").exists(), "moved")
    holder.communicate("\n", timeout=30)
    S.BUSY_SECONDS = 10.0
    _after(home, r, "busy index released")
    for name, damage in {"zero bytes": b"", "garbage": b"not a database" * 100, "half": None, "header only": b"SQLite format 3\x00"}.items():
        home = setup_home(base, f"damaged-{name.replace(' ', '-')}")
        db = home / "history.sqlite"
        db.write_bytes(db.read_bytes()[: len(db.read_bytes()) // 2] if damage is None else damage)
        _after(home, r, f"damaged index ({name})")
    real_connect = sqlite3.connect
    for message in ("attempt to write a readonly database", "database or disk is full", "unable to open database file",
                    "disk I/O error"):
        home = setup_home(base, f"ro-{len(message)}")

        def refusing(*a, message=message, **k):
            raise sqlite3.OperationalError(message)

        sqlite3.connect = refusing
        try:
            for argv in (["history"], ["run", "stock-check", "--script", str(play), "--save"]):
                code, out, err = run_cli(argv, home)
                ok, note = clean_exit(code, out, err)
                r.check(f"crash index '{message}' {argv[0]}: reported as such", ok and "crisis: error" in err, note or err[-200:])
        finally:
            sqlite3.connect = real_connect
    # damaged transcripts
    home = setup_home(base, "transcripts", saved=2)
    paths = sorted((home / "sessions").glob("*.jsonl"))
    damage = {"truncated mid-line": lambda b: b[:-7], "garbage line": lambda b: b + b"\x00\xff garbage\n",
              "deep line": lambda b: b + b"[" * 100000 + b"]" * 100000 + b"\n", "empty": lambda b: b"",
              "header only": lambda b: b.split(b"\n")[0] + b"\n", "binary": lambda b: bytes(range(256)) * 50}
    for name, fn in damage.items():
        paths[-1].write_bytes(fn(paths[0].read_bytes()))
        _after(home, r, f"transcript {name}")
    (home / "sessions" / "zero.jsonl").symlink_to("/dev/zero")
    _after(home, r, "transcript symlink to /dev/zero")
    os.mkfifo(home / "sessions" / "fifo.jsonl")
    _after(home, r, "transcript FIFO")
    (home / "sessions" / "dir.jsonl").mkdir()
    _after(home, r, "transcript directory")
    with (home / "sessions" / "sparse.jsonl").open("wb") as fh:
        fh.truncate(200_000_000)
    _after(home, r, "transcript 200 MB sparse")
    # the audience cache
    from simulator.format.scenario import load_scenario
    from simulator.services import Workspace, locate, new_session

    home = base / "cache"
    ws = Workspace.at(home)
    scenario = load_scenario(locate("viral-receipt"))
    reach = new_session(ws, scenario, 3).ripple.audience.reach.copy()
    cache_dir = Path(ws.audiences.directory)
    npz = next(iter(sorted(cache_dir.glob("audience-*.npz"))), None)
    cache_damage = {"truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
                    "zeroed tail": lambda p: p.write_bytes(p.read_bytes()[:-300] + b"\0" * 300),
                    "empty": lambda p: p.write_bytes(b""), "garbage": lambda p: p.write_bytes(b"PK\x03\x04" + b"x" * 1000),
                    "digest removed": lambda p: p.with_name(p.name + ".sha256").unlink(),
                    "digest wrong": lambda p: p.with_name(p.name + ".sha256").write_text("0" * 64),
                    "symlink to /dev/zero": lambda p: (p.unlink(), p.symlink_to("/dev/zero")),
                    "directory": lambda p: (p.unlink(), p.mkdir())}
    for name, fn in cache_damage.items():
        if npz is None:
            r.check(f"crash audience cache {name}", False, "no cached audience to damage")
            continue
        try:
            fn(npz)
            again = new_session(Workspace.at(home), scenario, 3)
            ok = bool((again.ripple.audience.reach == reach).all())
            note = ""
        except Exception as exc:
            ok, note = False, f"{type(exc).__name__}: {exc}"
        r.check(f"crash audience cache {name}: rebuilt", ok, note)
        if npz.is_dir():
            npz.rmdir()
        if not npz.exists():
            new_session(Workspace.at(home), scenario, 3)


# ---------------------------------------------------------------- serve


def serve(base: Path, r: Result) -> None:
    import aiohttp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--tui", "--port", str(port), "--max-clients", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_subprocess_env(base / "serve"),
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            time.sleep(0.2)
        asyncio.run(_serve_cases(port, proc, r, aiohttp))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _children(pid: int) -> set[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path(f"/proc/{entry}/stat").read_text(errors="replace")
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    out: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - out
        out |= frontier
    return out


def _rss_mb(pids) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
    return total


async def _serve_cases(port: int, proc, r: Result, aiohttp) -> None:
    base = f"http://127.0.0.1:{port}"
    ws_url = f"ws://127.0.0.1:{port}/ws"

    async def status(path: str, **headers) -> int:
        async with aiohttp.ClientSession() as s, s.get(base + path, headers=headers, allow_redirects=False) as resp:
            await resp.read()
            return resp.status

    async def ws_status(url: str = ws_url, **headers) -> int:
        async with aiohttp.ClientSession() as s:
            try:
                async with s.ws_connect(url, headers=headers) as ws:
                    await ws.close()
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    def alive(name: str) -> None:
        r.check(f"serve {name}: server alive", proc.poll() is None, f"exit {proc.poll()}")

    r.check("serve own page", await status("/") == 200, "")
    for host in ["evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", f"localhost.evil:{port}",
                 f"127.0.0.1:{port + 1}", f"user@127.0.0.1:{port}", "", f"[::1]:{port + 1}", f"0x7f.1:{port}", f"LOCALHOST.:{port}z"]:
        got = await status("/", Host=host)
        r.check(f"serve Host {host!r} refused on /", got in (400, 421), str(got))
        got = await ws_status(Host=host)
        r.check(f"serve Host {host!r} refused on /ws", got in (400, 421), str(got))
    for origin in [f"http://127.0.0.1:{port + 1}", "null", f"https://127.0.0.1:{port}", "file://", "chrome-extension://abc",
                   f"http://localhost:{port}", "https://evil.example", f"http://127.0.0.1:{port}.evil.example", " ", "javascript:1"]:
        got = await ws_status(Origin=origin)
        r.check(f"serve Origin {origin!r} refused", got == 403, str(got))
    r.check("serve same Origin accepted", await ws_status(Origin=f"http://127.0.0.1:{port}") == 101, "")
    for path in ["/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/download/nope", "/download/" + "a" * 5000]:
        got = await status(path)
        r.check(f"serve path {path[:30]}", got in (400, 403, 404, 414, 431), str(got))
    alive("paths")
    async with aiohttp.ClientSession() as s:
        ws = await s.ws_connect(ws_url + "?width=100000&height=100000")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            msg = await ws.receive(timeout=60)
            if msg.type == aiohttp.WSMsgType.BINARY and len(msg.data) > 100:
                break
        apps = _children(proc.pid)
        messages = [json.dumps(["resize", {"width": 100000, "height": 100000}]), json.dumps(["resize", {"width": -5, "height": "x"}]),
                    json.dumps(["resize", {"width": float("1e308"), "height": True}]), json.dumps(["resize", 5]), "not json", "[]", "{}",
                    json.dumps([5]), json.dumps(["stdin", 5]), json.dumps(["stdin", {"a": 1}]), json.dumps(["ping", "x" * 1000]),
                    json.dumps(["unknown", 1]), "[" * 20000 + "]" * 20000, json.dumps(["stdin", "\ud800"])[:-3] + '"]']
        for m in messages:
            await ws.send_str(m)
        await ws.send_bytes(b"\x00" * 1000)
        await asyncio.sleep(4)
        rss = _rss_mb(apps)
        r.check("serve giant resize: app stays small", rss < 400, f"{rss:.0f} MB")
        await ws.send_str(json.dumps(["ping", "alive"]))
        pong = None
        with contextlib.suppress(asyncio.TimeoutError):
            while True:
                msg = await ws.receive(timeout=10)
                if msg.type == aiohttp.WSMsgType.TEXT:
                    pong = msg.data
                    break
                if msg.type != aiohttp.WSMsgType.BINARY:
                    break
        r.check("serve hostile messages: tab still answers", pong == '["pong", "alive"]', str(pong))
        for name, payload in (("65 KiB", "x" * (65 * 1024)), ("1 MiB", "x" * (1 << 20))):
            w2 = await s.ws_connect(ws_url)
            with contextlib.suppress(Exception):
                await w2.send_str(json.dumps(["stdin", payload]))
                while True:
                    msg = await w2.receive(timeout=20)
                    if msg.type not in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                        break
            r.check(f"serve {name} message: connection closed (1009)", w2.close_code == 1009, str(w2.close_code))
            await w2.close()
            alive(f"{name} message")
        third = [await s.ws_connect(ws_url) for _ in range(2)]
        capped = third[-1]
        text = b""
        with contextlib.suppress(Exception):
            while True:
                msg = await capped.receive(timeout=20)
                if msg.type != aiohttp.WSMsgType.BINARY:
                    break
                text += msg.data
        r.check("serve third tab refused (max 2)", capped.close_code == 1013 and b"already connected" in text, str(capped.close_code))
        for w in third:
            await w.close()
        await ws.close()
    deadline = time.monotonic() + 20
    while _children(proc.pid) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    r.check("serve tabs gone: processes freed", not _children(proc.pid), str(_children(proc.pid)))
    # an abrupt disconnect (no close frame)
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    time.sleep(3)
    sock.close()
    deadline = time.monotonic() + 30
    while _children(proc.pid) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    r.check("serve abrupt disconnect: process freed", not _children(proc.pid), str(_children(proc.pid)))
    alive("end")


SURFACES: dict[str, Callable] = {"inputs": inputs, "outputs": outputs, "crash": crash, "serve": serve}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surface", choices=sorted(SURFACES), action="append")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--trace", action="store_true", help="print every case as it is tried (on stderr)")
    args = parser.parse_args()
    total_ok = True
    with tempfile.TemporaryDirectory(prefix="crisis-hostile-") as tmp:
        for name in args.surface or list(SURFACES):
            base = Path(tmp) / name
            base.mkdir()
            r = Result()
            r.trace = args.trace
            started = time.monotonic()
            SURFACES[name](base, r)
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__  # a case that hung may have left them redirected
            print(f"{name}: {r.handled}/{r.tried} handled cleanly ({time.monotonic() - started:.0f} s)", flush=True)
            if r.failures and (args.verbose or len(r.failures) <= 20):
                for f in r.failures:
                    print(f"  not handled: {f}", flush=True)
            total_ok = total_ok and not r.failures
    return 0 if total_ok else 1


if __name__ == "__main__":
    sys.exit(main())
