"""Where sessions live: transcripts in the user's data directory and an SQLite index of them.

The transcript is the truth (it is written as the session goes); the index is a cache that makes
`crisis history` and the home screen fast, written in transactions, and rebuilt from the
transcripts whenever it is lost or doubted (`crisis history --rebuild`). The directory is handed
in (the services layer's `Workspace` works it out from `--home`, `CRISIS_HOME` or the platform);
scores are handed in too (`scorer`), so storage never imports the engine's scoring.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simulator.format import limits
from simulator.storage import transcript as T

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    scenario TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    trainee TEXT NOT NULL DEFAULT '',
    started TEXT NOT NULL,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL,          -- in_progress | finished | corrupt
    steps INTEGER NOT NULL DEFAULT 0,
    sim_minutes REAL NOT NULL DEFAULT 0,
    overall INTEGER,
    grade TEXT,
    outcome TEXT,
    dimensions TEXT,
    error TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_scenario ON sessions(scenario, started);
"""


BUSY_SECONDS = 10.0  # how long a command waits for another process's write to finish


class IndexBusy(limits.CleanError):
    """Another process holds the history index's lock: it is healthy, only busy. Try again later."""


class IndexUnavailable(limits.CleanError):
    """The index cannot be opened or written for a reason of the machine (read-only, full, no permission)."""


class IndexDamaged(sqlite3.DatabaseError):
    """The index file is not a (sound) SQLite database: it is rebuilt from the transcripts."""


_BUSY = ("locked", "busy")
_UNAVAILABLE = {"readonly": "the file system or the file is read-only", "read-only": "the file system or the file is read-only",
                "disk is full": "the disk is full", "unable to open": "the file cannot be opened (permissions?)",
                "disk i/o": "an input/output error from the disk", "permission": "permission denied"}


def classify(exc: sqlite3.Error, db_path) -> Exception:
    """Tell busy, unavailable and damaged apart (all arrive as sqlite3 errors; only damage warrants a rebuild)."""
    text = str(exc).lower()
    if any(word in text for word in _BUSY):
        return IndexBusy(f"{db_path}: the history index is busy: another crisis process is writing it "
                         f"(waited {BUSY_SECONDS:g} s); try again in a moment")
    for word, why in _UNAVAILABLE.items():
        if word in text:
            return IndexUnavailable(f"{db_path}: the history index cannot be written: {why} ({exc})")
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError | sqlite3.InterfaceError |
                                                                   sqlite3.ProgrammingError):
        return IndexDamaged(f"{exc}")
    if "malformed" in text or "not a database" in text:
        return IndexDamaged(f"{exc}")
    return IndexUnavailable(f"{db_path}: the history index cannot be used: {exc}")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime())


@dataclass(frozen=True)
class SessionRow:
    id: str
    path: str
    scenario: str
    title: str
    trainee: str
    started: str
    seed: int
    status: str
    steps: int
    sim_minutes: float
    overall: int | None
    grade: str | None
    outcome: str | None
    dimensions: dict | None
    error: str

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


Scorer = Callable[[T.Transcript], "Scored"]


@dataclass(frozen=True)
class Scored:
    """What the index keeps of a finished session's scorecard (the services layer computes it)."""

    overall: int
    grade: str
    outcome: str
    dimensions: dict
    sim_minutes: float


class Store:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).expanduser()
        self.sessions_dir = self.root / "sessions"
        self.db_path = self.root / "history.sqlite"

    @contextlib.contextmanager
    def _connect(self):
        """One transaction: committed when the block ends, rolled back on error, always closed.

        SQLite waits up to BUSY_SECONDS for another writer; its errors come out classified
        (IndexBusy, IndexUnavailable, IndexDamaged), so a busy index is never taken for a damaged one.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            con = sqlite3.connect(self.db_path, timeout=BUSY_SECONDS)
        except sqlite3.Error as exc:
            raise classify(exc, self.db_path) from None
        try:
            con.executescript(SCHEMA)
            with con:
                yield con
        except IndexDamaged:
            raise
        except sqlite3.Error as exc:
            raise classify(exc, self.db_path) from None
        finally:
            con.close()

    def new_path(self, scenario_id: str, seed: int) -> Path:
        self.sessions_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime())
        base = f"{stamp}-{scenario_id}-s{seed}"
        path = self.sessions_dir / f"{base}.jsonl"
        k = 1
        while path.exists():
            k += 1
            path = self.sessions_dir / f"{base}-{k}.jsonl"
        return path

    def progress_hook(self, path: Path):
        """The callback a transcript writer calls after each durable step: keeps the index current."""

        def hook(session):
            self.update(path, session)

        return hook

    def path_of(self, ref) -> Path:
        """The transcript a reference names: a path, an id, or a unique part of one (taken literally:
        `*`, `?` and `[` are characters of the id, never patterns). Raises FileNotFoundError."""
        ref = str(ref)
        try:
            limits.ref(ref)
        except limits.LimitError as exc:
            raise FileNotFoundError(f"no saved session: the {exc}") from None
        if not ref.strip():
            raise FileNotFoundError("no saved session '' (give an id from `crisis history`, or 'latest')")
        candidate = Path(ref)
        try:
            if candidate.suffix == ".jsonl" and candidate.exists():
                return candidate
            named = self.sessions_dir / f"{ref}.jsonl"
            if "/" not in ref and named.exists():
                return named
        except (OSError, ValueError):  # a name the OS refuses (too long for a file name)
            pass
        exists = self.sessions_dir.exists()
        matches = sorted(p for p in self.sessions_dir.glob("*.jsonl") if ref in p.stem) if exists else []
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise FileNotFoundError(f"no saved session '{ref}' in {self.sessions_dir} (see `crisis history`)")
        raise FileNotFoundError(f"'{ref}' matches {len(matches)} sessions; give more of the id")

    def register(self, path: Path, scenario, seed: int, trainee: str = "") -> None:
        with self._connect() as con:
            con.execute(
                "INSERT OR REPLACE INTO sessions (id, path, scenario, title, trainee, started, seed, status, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'in_progress', ?)",
                (path.stem, str(path), scenario.id, scenario.title, trainee, started_of(path), _bounded_seed(seed), _now()),
            )

    def forget(self, path: Path) -> None:
        """Drop a session's row (its transcript could not be written and was removed)."""
        with contextlib.suppress(limits.CleanError, sqlite3.Error), self._connect() as con:
            con.execute("DELETE FROM sessions WHERE id = ?", (Path(path).stem,))

    def update(self, path: Path, session) -> None:
        with self._connect() as con:
            con.execute(
                "UPDATE sessions SET steps = ?, sim_minutes = ?, updated = ?, status = ? WHERE id = ?",
                (len(session.steps), session.t, _now(), "finished" if session.finished else "in_progress", path.stem),
            )

    def record_score(self, path: Path, card, session=None) -> None:
        with self._connect() as con:
            con.execute(
                "UPDATE sessions SET status = 'finished', overall = ?, grade = ?, outcome = ?, dimensions = ?, updated = ?"
                " WHERE id = ?",
                (card.overall, card.grade, card.outcome, json.dumps(card.dimensions, sort_keys=True), _now(), Path(path).stem),
            )
            if session is not None:
                con.execute("UPDATE sessions SET steps = ?, sim_minutes = ? WHERE id = ?",
                            (len(session.steps), session.t, Path(path).stem))

    def rows(self, scenario: str | None = None) -> list[SessionRow]:
        """Index rows, newest first. Raises sqlite3.DatabaseError when the index file is damaged."""
        with self._connect() as con:
            sql = "SELECT id, path, scenario, title, trainee, started, seed, status, steps, sim_minutes, overall, grade," \
                  " outcome, dimensions, error FROM sessions"
            args: tuple = ()
            if scenario:
                sql += " WHERE scenario = ?"
                args = (scenario,)
            sql += " ORDER BY started DESC, id DESC"
            return [_row(row) for row in con.execute(sql, args)]

    def row(self, ref) -> SessionRow | None:
        """The index row of one session (id, unique part of it, or transcript path), if indexed."""
        try:
            stem = self.path_of(ref).stem
        except FileNotFoundError:
            return None
        try:
            return next((r for r in self.rows() if r.id == stem), None)
        except (sqlite3.DatabaseError, IndexBusy, IndexUnavailable):
            return None

    def best_scores(self) -> dict[str, int]:
        with self._connect() as con:
            return {s: b for s, b in con.execute(
                "SELECT scenario, MAX(overall) FROM sessions WHERE overall IS NOT NULL GROUP BY scenario")}

    def progress(self, rows: list[SessionRow] | None = None) -> dict[str, dict]:
        """Per scenario: sessions, finished, best, latest, and the trend of the last scores (oldest first)."""
        rows = self.rows() if rows is None else rows
        out: dict[str, dict] = {}
        for r in sorted(rows, key=lambda r: (r.started, r.id)):
            if r.status == "corrupt":
                continue
            entry = out.setdefault(r.scenario, {"scenario": r.scenario, "title": r.title, "sessions": 0, "finished": 0,
                                                "resumable": 0, "best": None, "latest": None, "first": None, "scores": []})
            entry["sessions"] += 1
            entry["title"] = r.title or entry["title"]
            if r.status == "in_progress":
                entry["resumable"] += 1
            if r.overall is not None:
                entry["finished"] += 1
                entry["scores"].append(r.overall)
                entry["latest"] = r.overall
                entry["first"] = entry["first"] if entry["first"] is not None else r.overall
                entry["best"] = r.overall if entry["best"] is None else max(entry["best"], r.overall)
        for entry in out.values():
            entry["trend"] = trend(entry["scores"])
        return out

    def sync(self, *, scorer: Scorer | None = None) -> list[str]:
        """Index transcripts the index does not know (a crash before registering, a copied file).

        Returns the problems found (corrupt transcripts); they are indexed as `corrupt` and
        left out of the progress figures, never raised.
        """
        if not self.sessions_dir.exists():
            return []
        with self._connect() as con:
            known = {row[0] for row in con.execute("SELECT id FROM sessions")}
        fresh = [p for p in sorted(self.sessions_dir.glob("*.jsonl")) if p.stem not in known]
        problems: list[str] = []
        rows = [self._row_from_transcript(p, problems, scorer) for p in fresh]
        if rows:
            with self._connect() as con:
                con.executemany("INSERT OR REPLACE INTO sessions VALUES (" + ",".join("?" * 16) + ")", rows)
        return problems

    def check(self, rows: list[SessionRow]) -> list[tuple[SessionRow, str]]:
        """Rows whose transcript is gone or no longer readable, with the reason (nothing is raised)."""
        bad = []
        for r in rows:
            if r.status == "corrupt":
                bad.append((r, r.error or "corrupt transcript"))
                continue
            if r.status != "in_progress":
                continue
            try:
                T.read(r.path)
            except T.TranscriptError as exc:
                bad.append((r, str(exc)))
        return bad

    def rebuild(self, *, scorer: Scorer | None = None) -> list[str]:
        """Re-create the index from the transcripts; returns the problems found (corrupt files)."""
        problems: list[str] = []
        paths = sorted(self.sessions_dir.glob("*.jsonl")) if self.sessions_dir.exists() else []
        rows = [self._row_from_transcript(path, problems, scorer) for path in paths]
        if self.db_path.exists():
            try:
                with self._connect() as con:
                    con.execute("SELECT COUNT(*) FROM sessions").fetchone()
            except IndexDamaged:
                # Not a database any more: keep the damaged file for inspection, start a new one;
                # but never from under another process that has it open (it would lose its commit).
                if in_use(self.db_path):
                    raise IndexBusy(f"{self.db_path}: the history index is damaged but another crisis process has it "
                                    "open; close it and run `crisis history --rebuild`") from None
                self.db_path.replace(self.db_path.with_suffix(".sqlite.damaged"))
        with self._connect() as con:
            con.execute("DELETE FROM sessions")
            con.executemany("INSERT INTO sessions VALUES (" + ",".join("?" * 16) + ")", rows)
        return problems

    def _row_from_transcript(self, path: Path, problems: list[str], scorer: Scorer | None = None) -> tuple:
        started = started_of(path)
        try:
            tr = T.read(path)
        except T.TranscriptError as exc:
            problems.append(str(exc))
            return (path.stem, str(path), "?", "", "", started, 0, "corrupt", 0, 0.0, None, None, None, None, str(exc), _now())
        head = tr.header
        overall = grade = outcome = dims = None
        status = "finished" if tr.finished else "in_progress"
        error = ""
        try:
            sim = float(tr.events[-1][-1]["t"]) if tr.events and tr.events[-1] else 0.0
        except (TypeError, KeyError, ValueError, IndexError):
            sim = 0.0
        if scorer is not None and tr.finished:
            try:
                card = scorer(tr)
                overall, grade, outcome, dims = card.overall, card.grade, card.outcome, json.dumps(card.dimensions, sort_keys=True)
                sim = card.sim_minutes
            except Exception as exc:  # a transcript of a changed or deleted scenario: keep the row, say why
                error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        try:
            seed = int(head["seed"])
        except (TypeError, ValueError):
            seed = 0
        return (path.stem, str(path), str(head["scenario"]), str(head.get("title", "")), str(head.get("trainee", "")), started,
                seed, status, len(tr.steps), sim, overall, grade, outcome, dims, error, _now())


def _bounded_seed(seed) -> int:
    """The seed as SQLite stores it (a signed 64-bit integer; the edge already refused others)."""
    value = int(seed)
    return value if limits.SEED_MIN <= value <= limits.SEED_MAX else 0


def _text(value, default: str = "") -> str:
    return value if isinstance(value, str) else default if value is None else str(value)


def _int(value, default=0):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    return default


def _float(value) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) else 0.0


def _row(row) -> SessionRow:
    """An index row with every field of its declared type: an index edited by hand (text in a number
    column, a blob, NaN) is read, never trusted."""
    dims = None
    if isinstance(row[13], str) and row[13]:
        try:
            dims = json.loads(row[13])
        except (ValueError, RecursionError):
            dims = None
        if not isinstance(dims, dict):
            dims = None
    overall = _int(row[10], None)
    return SessionRow(_text(row[0]), _text(row[1]), _text(row[2], "?"), _text(row[3]), _text(row[4]), _text(row[5]),
                      _int(row[6]), _text(row[7], "corrupt"), max(0, _int(row[8])), _float(row[9]),
                      overall if overall is None or 0 <= overall <= 100 else None,
                      _text(row[11]) if row[11] is not None else None, _text(row[12]) if row[12] is not None else None,
                      dims, _text(row[14]))


def in_use(path: Path) -> bool:
    """Whether another process holds a lock on an SQLite file (SQLite locks with fcntl byte ranges)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: assume nobody (the rename then fails loudly if the OS refuses)
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 0, 0)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 0, 0)
        return False
    finally:
        os.close(fd)


_STAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-")


def started_of(path: Path) -> str:
    """When a session started: the stamp in its file name (written at creation), else the file's mtime.

    The transcript itself holds no wall-clock time (so it is reproducible byte for byte).
    """
    m = _STAMP.match(Path(path).name)
    if m:
        y, mo, d, h, mi, s = m.groups()
        return f"{y}-{mo}-{d}T{h}:{mi}:{s}"
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(Path(path).stat().st_mtime))
    except OSError:
        return _now()


def trend(scores: list[int]) -> str:
    """improving | declining | steady | "" (fewer than two scores): the last three against the ones before."""
    if len(scores) < 2:
        return ""
    recent = scores[-3:]
    earlier = scores[:-3] or scores[:1]
    delta = sum(recent) / len(recent) - sum(earlier) / len(earlier)
    if len(scores) <= 3:
        delta = scores[-1] - scores[0]
    if delta >= 5:
        return "improving"
    if delta <= -5:
        return "declining"
    return "steady"
