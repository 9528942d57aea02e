"""Where sessions live: transcripts in the user's data directory and an SQLite index of them.

The transcript is the truth (it is written as the session goes); the index is a cache that makes
`crisis history` and the home screen fast, written in transactions, and rebuilt from the
transcripts whenever it is lost or doubted (`crisis history --rebuild`). `CRISIS_HOME` or
`--home DIR` move everything elsewhere, which is what tests do.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from . import transcript as T

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


def home(override: str | os.PathLike | None = None) -> Path:
    """The data directory: --home, then CRISIS_HOME, then the platform's user data directory."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("CRISIS_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("crisis-tabletop", appauthor=False))


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


class Store:
    def __init__(self, root: str | os.PathLike | None = None):
        self.root = home(root)
        self.sessions_dir = self.root / "sessions"
        self.db_path = self.root / "history.sqlite"

    def _connect(self) -> sqlite3.Connection:
        self.root.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.db_path, timeout=10)
        con.executescript(SCHEMA)
        return con

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

    def open(self, scenario, seed: int, *, trainee: str = "", start=None):
        """A new session that writes its transcript as it goes and keeps the index current."""
        from .session import Session

        path = self.new_path(scenario.id, seed)
        writer = T.Writer.for_session(path, scenario, seed, start, trainee)
        session = Session(scenario, seed, writer=writer, start=start, trainee=trainee)
        self.register(path, scenario, seed, trainee)
        writer.on_step = self._progress_hook(path)
        return session

    def resume(self, session_id_or_path):
        path = self.path_of(session_id_or_path)
        session = T.resume(path)
        session.writer.on_step = self._progress_hook(path)
        return session

    def _progress_hook(self, path: Path):
        def hook(session):
            self.update(path, session)

        return hook

    def path_of(self, ref) -> Path:
        candidate = Path(str(ref))
        if candidate.suffix == ".jsonl" and candidate.exists():
            return candidate
        named = self.sessions_dir / f"{ref}.jsonl"
        if named.exists():
            return named
        matches = sorted(self.sessions_dir.glob(f"*{ref}*.jsonl")) if self.sessions_dir.exists() else []
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
                (path.stem, str(path), scenario.id, scenario.title, trainee, _now(), int(seed), _now()),
            )

    def update(self, path: Path, session) -> None:
        with self._connect() as con:
            con.execute(
                "UPDATE sessions SET steps = ?, sim_minutes = ?, updated = ?, status = ? WHERE id = ?",
                (len(session.steps), session.t, _now(), "finished" if session.finished else "in_progress", path.stem),
            )

    def record_score(self, path: Path, card) -> None:
        with self._connect() as con:
            con.execute(
                "UPDATE sessions SET status = 'finished', overall = ?, grade = ?, outcome = ?, dimensions = ?, updated = ?"
                " WHERE id = ?",
                (card.overall, card.grade, card.outcome, json.dumps(card.dimensions, sort_keys=True), _now(), path.stem),
            )

    def rows(self, scenario: str | None = None) -> list[SessionRow]:
        with self._connect() as con:
            sql = "SELECT id, path, scenario, title, trainee, started, seed, status, steps, sim_minutes, overall, grade," \
                  " outcome, dimensions, error FROM sessions"
            args: tuple = ()
            if scenario:
                sql += " WHERE scenario = ?"
                args = (scenario,)
            sql += " ORDER BY started DESC, id DESC"
            out = []
            for row in con.execute(sql, args):
                dims = json.loads(row[13]) if row[13] else None
                out.append(SessionRow(*row[:13], dims, row[14]))
            return out

    def best_scores(self) -> dict[str, int]:
        with self._connect() as con:
            return {s: b for s, b in con.execute(
                "SELECT scenario, MAX(overall) FROM sessions WHERE overall IS NOT NULL GROUP BY scenario")}

    def rebuild(self, *, score: bool = True) -> list[str]:
        """Re-create the index from the transcripts; returns the problems found (corrupt files)."""
        problems: list[str] = []
        rows = []
        for path in sorted(self.sessions_dir.glob("*.jsonl")) if self.sessions_dir.exists() else []:
            try:
                tr = T.read(path)
            except T.TranscriptError as exc:
                problems.append(str(exc))
                rows.append((path.stem, str(path), "?", "", "", _now(), 0, "corrupt", 0, 0.0, None, None, None, None, str(exc), _now()))
                continue
            head = tr.header
            started = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(path.stat().st_mtime))
            overall = grade = outcome = dims = None
            status = "finished" if tr.finished else "in_progress"
            error = ""
            sim = 0.0
            if score and tr.finished:
                try:
                    from .scoring import score as score_session

                    session = T.restore(tr)
                    card = score_session(session, turning_points=False)
                    overall, grade, outcome, dims = card.overall, card.grade, card.outcome, json.dumps(card.dimensions, sort_keys=True)
                    sim = session.t
                except Exception as exc:  # a transcript of a changed or deleted scenario: keep the row, say why
                    error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            rows.append((path.stem, str(path), head["scenario"], head.get("title", ""), head.get("trainee", ""), started,
                         int(head["seed"]), status, len(tr.steps), sim, overall, grade, outcome, dims, error, _now()))
        with self._connect() as con:
            con.execute("DELETE FROM sessions")
            con.executemany("INSERT INTO sessions VALUES (" + ",".join("?" * 16) + ")", rows)
        return problems
