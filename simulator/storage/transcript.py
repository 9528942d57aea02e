"""The session on disk, written as it goes.

One JSON line for the header (scenario id, path and hash, seed, start options) and one line per
step (the action or the passing of time, and every event it produced), flushed and fsynced after
each step: a killed process loses at most the step in flight. The line holds no wall-clock time,
so the same scenario, seed and actions give the same file byte for byte. Resuming replays the
steps into a fresh session and checks that the same events come out.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from simulator.engine.session import Session, SessionError, Start
from simulator.format import limits
from simulator.format.scenario import load_scenario
from simulator.storage.lock import DEFAULT_HOLDER, SessionLock

FORMAT = 1


def dumps(obj) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class TranscriptError(Exception):
    """A transcript that cannot be read or replayed; the message says what and where."""


class Writer:
    """Appends steps to a transcript file, one durable line each.

    It holds the session's lock (storage/lock.py) from the moment it opens until `close()`: a
    second writer of the same transcript is refused with `SessionLocked`, naming `what` holds it.
    """

    def __init__(self, path: Path, header: dict | None = None, *, what: str = DEFAULT_HOLDER, lock: SessionLock | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.on_step = None  # callback(session) after each durable step (the history index uses it)
        self.on_abandon = None  # callback() when a new transcript is removed because it could not be written
        self._fresh = header is not None  # this writer created the file: it may remove it again
        self.lock = lock if lock is not None and lock.held else SessionLock(self.path, what).acquire()
        try:
            if header is not None:
                data = (dumps(header) + "\n").encode("utf-8")
                try:
                    with self.path.open("wb") as handle:
                        handle.write(data)
                        handle.flush()
                        os.fsync(handle.fileno())
                except BaseException:
                    self._remove()
                    raise
            self._handle = self.path.open("ab")
        except BaseException:
            self.lock.release()
            raise
        self._good = self._handle.tell()  # bytes known to be whole lines on disk
        self._n = 0
        self._written = 0  # steps this writer made durable

    @classmethod
    def for_session(cls, path: Path, scenario, seed: int, start=None, trainee: str = "", *, what: str = DEFAULT_HOLDER) -> Writer:
        return cls(path, header(scenario, seed, start, trainee), what=what)

    def step(self, step: dict, events, session) -> None:
        """Append one step as one durable line, or nothing at all.

        The line is encoded before anything is written (text no file can hold fails here, whole);
        a write that fails (disk full, a read-only disk) cuts the file back to its last whole line,
        and a transcript this writer created that holds no step yet is removed, so no half-written
        session is left for `crisis history` to trip on.
        """
        n = len(session.steps)
        line = {"type": "step", "n": n, "t": round(session.t, 4), "step": step,
                "events": [e.to_json() for e in events]}
        if session.finished:
            line["finished"] = True
        try:
            data = (dumps(line) + "\n").encode("utf-8")
        except (UnicodeEncodeError, ValueError):
            self.abandon()
            raise
        try:
            self._handle.write(data)
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError:
            self.abandon()
            raise
        self._good += len(data)
        self._n = n
        self._written += 1
        if self.on_step is not None:
            self.on_step(session)

    def abandon(self) -> None:
        """Leave the file as it was after its last whole step (removed if it holds none this writer made)."""
        with contextlib.suppress(OSError, ValueError):
            self._handle.close()
        if self._fresh and self._written == 0:
            self._remove()
            if self.on_abandon is not None:
                self.on_abandon()
            return
        with contextlib.suppress(OSError), self.path.open("r+b") as handle:
            handle.truncate(self._good)

    def _remove(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        self.lock.release()


def header(scenario, seed: int, start=None, trainee: str = "") -> dict:
    out = {
        "type": "header",
        "format": FORMAT,
        "scenario": scenario.id,
        "title": scenario.title,
        "path": str(Path(scenario.path).resolve()) if scenario.path and not scenario.path.startswith("<") else scenario.path,
        "sha256": scenario.sha256,
        "seed": int(seed),
    }
    if trainee:
        out["trainee"] = trainee
    if start is not None and (start.beat or start.clock or start.values or getattr(start, "drill", False)):
        out["start"] = {"beat": start.beat, "clock": start.clock, "values": dict(start.values)}
        if getattr(start, "drill", False):  # written only for drills: other transcripts stay byte for byte
            out["start"]["drill"] = True
            out["start"]["team"] = dict(start.team)
    return out


@dataclass(frozen=True)
class Transcript:
    path: Path
    header: dict
    steps: tuple  # tuple of step dicts
    events: tuple  # recorded events per step (lists of dicts)
    finished: bool
    truncated: bool  # the last line was cut off (a crash mid-write) and was ignored

    @property
    def seed(self) -> int:
        return int(self.header["seed"])


def read(path) -> Transcript:
    """Parse a transcript; a cut-off last line is ignored, anything else wrong is an error."""
    path = Path(path)
    try:
        raw = read_regular(path, limits.MAX_FILE_BYTES)
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise TranscriptError(f"{path}: {exc}") from None
    lines = raw.split(b"\n")
    truncated = False
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        truncated = True
        lines.pop()
    if not lines:
        raise TranscriptError(f"{path}:1:1: empty transcript")
    try:
        head = json.loads(lines[0].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise TranscriptError(f"{path}:1:1: the first line is not a transcript header") from None
    if not isinstance(head, dict) or head.get("type") != "header" or "seed" not in head or "scenario" not in head:
        raise TranscriptError(f"{path}:1:1: the first line is not a transcript header")
    if head.get("format") != FORMAT:
        raise TranscriptError(f"{path}:1:1: transcript format {str(head.get('format'))[:40]!r} is not supported")
    problem = header_problem(head)
    if problem:
        raise TranscriptError(f"{path}:1:1: a damaged transcript header: {problem}")
    steps, events, finished = [], [], False
    for number, line in enumerate(lines[1:], start=2):
        try:
            obj = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            if number == len(lines):
                truncated = True
                break
            raise TranscriptError(f"{path}:{number}:1: not a JSON line") from None
        if not isinstance(obj, dict) or obj.get("type") != "step" or not isinstance(obj.get("step"), dict):
            raise TranscriptError(f"{path}:{number}:1: not a step line")
        if not isinstance(obj.get("events", []), list):
            raise TranscriptError(f"{path}:{number}:1: not a step line")
        steps.append(obj["step"])
        events.append(obj.get("events", []))
        finished = finished or bool(obj.get("finished"))
    return Transcript(path, head, tuple(steps), tuple(events), finished, truncated)


def read_regular(path: Path, limit: int) -> bytes:
    """A file's bytes, only if it is a regular file of at most `limit` bytes.

    A FIFO would block the reader, a symlink to /dev/zero would never end: both are refused
    before a byte is read (opened non-blocking, checked with fstat). Raises OSError or ValueError.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file (a pipe, a device or a directory): refused")
        if info.st_size > limit:
            raise ValueError(f"larger than {limit // (1024 * 1024)} MiB: refused")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise ValueError(f"larger than {limit // (1024 * 1024)} MiB: refused")
        return b"".join(chunks)
    finally:
        os.close(fd)


def header_problem(head: dict) -> str:
    """What is wrong with a header's fields ('' when nothing is): every field replay uses is typed and bounded."""
    seed = head.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int) or not limits.SEED_MIN <= seed <= limits.SEED_MAX:
        return "the seed is not a 64-bit whole number"
    if not isinstance(head.get("scenario"), str) or not head["scenario"] or len(head["scenario"]) > limits.MAX_REF:
        return "the scenario id is not text of at most 200 characters"
    for key in ("title", "path", "sha256", "trainee"):
        if head.get(key) is not None and not isinstance(head[key], str):
            return f"'{key}' is not text"
    if isinstance(head.get("trainee"), str) and len(head["trainee"]) > limits.MAX_NAME:
        return f"the trainee's name is longer than {limits.MAX_NAME} characters"
    start = head.get("start")
    if start is None:
        return ""
    if not isinstance(start, dict):
        return "'start' is not a mapping"
    if start.get("beat") is not None and not isinstance(start["beat"], str):
        return "the start beat is not text"
    clock = start.get("clock", 0.0)
    if isinstance(clock, bool) or not isinstance(clock, int | float) or not math.isfinite(clock) or not 0 <= clock <= 1e7:
        return "the start clock is not a number of minutes"
    if not isinstance(start.get("values") or {}, dict):
        return "the start values are not a mapping"
    team = start.get("team") or {}
    if not isinstance(team, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in team.items()):
        return "the team is not a mapping of roles to names"
    return ""


def restore(transcript: Transcript, scenario=None, *, verify: bool = True, writer=None, shelf=None):
    """Rebuild the session a transcript describes by replaying its steps.

    With `verify`, every step must produce the events it recorded (same scenario file, same code);
    a scenario whose hash changed (hot reload) is replayed without that check.
    """
    if scenario is None:
        path = transcript.header.get("path")
        if not path:
            raise TranscriptError(f"{transcript.path}: the header names no scenario file")
        scenario = load_scenario(path)
    same_file = scenario.sha256 == transcript.header.get("sha256")
    start_data = transcript.header.get("start") or {}
    team = start_data.get("team") or {}
    try:
        start = Start(start_data.get("beat"), float(start_data.get("clock", 0.0)),
                      tuple(sorted((start_data.get("values") or {}).items())), drill=bool(start_data.get("drill", False)),
                      team=tuple((str(k), str(v)) for k, v in team.items()) if isinstance(team, dict) else ())
        session = Session(scenario, transcript.seed, start=start, trainee=transcript.header.get("trainee", ""), shelf=shelf)
    except (SessionError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise TranscriptError(f"{transcript.path}:1:1: the header's start cannot be replayed: {exc}") from None
    for i, step in enumerate(transcript.steps):
        try:
            produced = session.apply_step(step)
        except (SessionError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise TranscriptError(f"{transcript.path}:{i + 2}:1: step {i + 1} cannot be replayed: {exc}") from None
        if verify and same_file and json.loads(dumps([e.to_json() for e in produced])) != transcript.events[i]:
            raise TranscriptError(f"{transcript.path}:{i + 2}:1: step {i + 1} replays differently (was the code changed?)")
    session.writer = writer
    return session


def resume(path, scenario=None, *, shelf=None, what: str = DEFAULT_HOLDER):
    """Continue a session from its transcript, appending to the same file.

    The lock is taken first (SessionLocked when another writer holds it), so nobody else's
    half-written line is trimmed and no step is replayed from under a live writer.
    """
    lock = SessionLock(Path(path), what).acquire()
    try:
        transcript = read(path)
        if transcript.truncated:
            _drop_partial_line(Path(path))
        session = restore(transcript, scenario, shelf=shelf)
        session.writer = Writer(Path(path), lock=lock)
    except BaseException:
        lock.release()
        raise
    return session


def _drop_partial_line(path: Path) -> None:
    raw = path.read_bytes()
    cut = raw.rfind(b"\n") + 1
    with path.open("r+b") as handle:
        handle.truncate(cut)
