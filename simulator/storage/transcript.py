"""The session on disk, written as it goes.

One JSON line for the header (scenario id, path and hash, seed, start options) and one line per
step (the action or the passing of time, and every event it produced), flushed and fsynced after
each step: a killed process loses at most the step in flight. The line holds no wall-clock time,
so the same scenario, seed and actions give the same file byte for byte. Resuming replays the
steps into a fresh session and checks that the same events come out.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from simulator.engine.session import Session, SessionError, Start
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
        self.lock = lock if lock is not None and lock.held else SessionLock(self.path, what).acquire()
        try:
            if header is not None:
                with self.path.open("w", encoding="utf-8") as handle:
                    handle.write(dumps(header) + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
            self._handle = self.path.open("a", encoding="utf-8")
        except BaseException:
            self.lock.release()
            raise
        self._n = 0

    @classmethod
    def for_session(cls, path: Path, scenario, seed: int, start=None, trainee: str = "", *, what: str = DEFAULT_HOLDER) -> Writer:
        return cls(path, header(scenario, seed, start, trainee), what=what)

    def step(self, step: dict, events, session) -> None:
        self._n = len(session.steps)
        line = {"type": "step", "n": self._n, "t": round(session.t, 4), "step": step,
                "events": [e.to_json() for e in events]}
        if session.finished:
            line["finished"] = True
        self._handle.write(dumps(line) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        if self.on_step is not None:
            self.on_step(session)

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
        raw = path.read_bytes()
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > 200_000_000:
        raise TranscriptError(f"{path}: too large to be a transcript")
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
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TranscriptError(f"{path}:1:1: the first line is not a transcript header") from None
    if not isinstance(head, dict) or head.get("type") != "header" or "seed" not in head or "scenario" not in head:
        raise TranscriptError(f"{path}:1:1: the first line is not a transcript header")
    if head.get("format") != FORMAT:
        raise TranscriptError(f"{path}:1:1: transcript format {head.get('format')!r} is not supported")
    steps, events, finished = [], [], False
    for number, line in enumerate(lines[1:], start=2):
        try:
            obj = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            if number == len(lines):
                truncated = True
                break
            raise TranscriptError(f"{path}:{number}:1: not a JSON line") from None
        if not isinstance(obj, dict) or obj.get("type") != "step" or not isinstance(obj.get("step"), dict):
            raise TranscriptError(f"{path}:{number}:1: not a step line")
        steps.append(obj["step"])
        events.append(obj.get("events", []))
        finished = finished or bool(obj.get("finished"))
    return Transcript(path, head, tuple(steps), tuple(events), finished, truncated)


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
    start = Start(start_data.get("beat"), float(start_data.get("clock", 0.0)), tuple(sorted((start_data.get("values") or {}).items())),
                  drill=bool(start_data.get("drill", False)),
                  team=tuple((str(k), str(v)) for k, v in team.items()) if isinstance(team, dict) else ())
    session = Session(scenario, transcript.seed, start=start, trainee=transcript.header.get("trainee", ""), shelf=shelf)
    for i, step in enumerate(transcript.steps):
        try:
            produced = session.apply_step(step)
        except (SessionError, ValueError) as exc:
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
