"""The use cases both front ends perform, once: the CLI, the TUI and the headless API call these.

Everything that touches the user's files goes through a `Workspace`: the data directory (saved
sessions, the history index, reports, playbooks), the cache directory (big generated audiences,
size-capped) and the history store, worked out once from `--home`, `CRISIS_HOME` or the
platform's directories and then passed around. The engine below never reads the environment or
the disk; it is handed what it needs (the audience shelf, the transcript writer).

Use cases:
- the scenario catalogue (`catalogue`, one scenario per id, for `crisis list` and the home screen),
  finding a scenario (`find`) and validating start options (`parse_start`, `check_start`);
- sessions: a new unsaved one (`new_session`), a new saved one (`open_session`), `resume`,
  `reload` (hot reload of the scenario file), a list of actions (`play_actions`),
  finish-score-record (`finish_and_score`, `record_score`);
- saved sessions: `session_path` (ids, `latest`, `latest~N`), `load_saved` (tolerant of code changes, with the same notes everywhere),
  the history index (`sync_history`, `rebuild_history`);
- documents: the after-action report (`report_text`, `write_report_html`) and the drill's
  playbook (`playbook_text`, `write_playbook`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

from simulator.engine.session import Session, SessionError, Start, replay
from simulator.evaluate import playbook as playbook_module
from simulator.evaluate import report as report_module
from simulator.evaluate.scoring import Scorecard, score
from simulator.format.actions import parse_action
from simulator.format.diagnostics import ScenarioError, did_you_mean
from simulator.format.durations import parse_duration
from simulator.format.scenario import (
    Scenario,
    bundled_dir,
    find_scenario,
    load_scenario,
    scenario_files,
    scenario_folders,
)
from simulator.format.yamlsafe import YamlError, load_text
from simulator.storage import transcript as T
from simulator.storage.audiences import DEFAULT_MAX_BYTES, AudienceCache
from simulator.storage.lock import (
    SessionLocked as SessionLocked,  # re-exported: front ends catch it
)
from simulator.storage.store import Scored, Store, started_of
from simulator.world.forecast import forecast_cascades

APP_NAME = "crisis-tabletop"


# ---------------------------------------------------------------- the workspace


@dataclass(frozen=True)
class Workspace:
    """Where this user's things live: one object, built at the edge and handed down."""

    data_dir: Path
    cache_dir: Path
    store: Store = field(compare=False)
    audiences: AudienceCache = field(compare=False)

    @classmethod
    def at(cls, data_dir: str | os.PathLike, cache_dir: str | os.PathLike | None = None,
           *, cache_max_bytes: int = DEFAULT_MAX_BYTES) -> Workspace:
        data = Path(data_dir).expanduser()
        cache = Path(cache_dir).expanduser() if cache_dir is not None else data / "cache"
        return cls(data, cache, Store(data), AudienceCache(cache, cache_max_bytes))

    @classmethod
    def from_environment(cls, home: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None) -> Workspace:
        """`--home DIR`, else `CRISIS_HOME`, else the platform's user data and cache directories.

        With an explicit home (tests, a shared drill laptop) the cache goes under it too, so
        nothing is written anywhere else.
        """
        env = os.environ if environ is None else environ
        chosen = home or env.get("CRISIS_HOME")
        if chosen:
            return cls.at(chosen)

        return cls.at(user_data_dir(APP_NAME, appauthor=False), user_cache_dir(APP_NAME, appauthor=False))

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def playbooks_dir(self) -> Path:
        return self.data_dir / "playbooks"


# ---------------------------------------------------------------- settings

SETTINGS_FILE = "settings.json"
SETTINGS_MAX_BYTES = 64_000


def read_settings(ws: Workspace) -> dict:
    """The user's remembered choices (the UI theme...): {} when absent, unreadable or not an object."""
    path = ws.data_dir / SETTINGS_FILE
    try:
        if not path.is_file() or path.stat().st_size > SETTINGS_MAX_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_setting(ws: Workspace, key: str, value) -> bool:
    """Remember one choice (atomically); False when the data directory cannot be written (not fatal)."""
    settings = read_settings(ws)
    settings[key] = value
    path = ws.data_dir / SETTINGS_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(settings, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError:
        return False
    return True


# ---------------------------------------------------------------- scenarios


def find(ref: str | None) -> Scenario:
    """A scenario from an id or a path (None: the starter). Raises FileNotFoundError or ScenarioError."""
    return load_scenario(locate(ref))


def locate(ref: str | None, extra: Iterable[str | os.PathLike] = ()) -> Path:
    """The file of a scenario id (or the path given), looked up where `crisis list` looks: the
    bundled folder, CRISIS_SCENARIOS, extra folders and ./scenarios. So every scenario the list
    shows opens by its id in play, run, drill and test. Raises FileNotFoundError."""
    return find_scenario(ref, catalogue_sources(extra))


@dataclass(frozen=True)
class Broken:
    path: str
    errors: int
    first: str


@dataclass(frozen=True)
class Catalog:
    """Every valid scenario once (the first found with an id wins), onboarding first, easy first."""

    scenarios: tuple[Scenario, ...]
    broken: tuple[Broken, ...] = ()

    def get(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    def is_bundled(self, scenario: Scenario) -> bool:
        return bool(scenario.path) and Path(scenario.path).resolve().parent == bundled_dir().resolve()


def catalogue_sources(extra: Iterable[str | os.PathLike] = (), cwd: Path | None = None) -> list[Path]:
    """The bundled folder, the CRISIS_SCENARIOS folders, extra folders or files, and the current
    directory's scenarios/ folder."""
    out = [*scenario_folders(), *[Path(p) for p in extra]]
    local = (cwd or Path.cwd()) / "scenarios"
    if local.is_dir() and all(local.resolve() != f.resolve() for f in out):
        out.append(local)
    return out


def catalogue(sources: Iterable[str | os.PathLike] | None = None, extra: tuple[Scenario, ...] = ()) -> Catalog:
    """The scenarios `crisis list` prints and the home screen offers, de-duplicated by id.

    A file that does not validate is listed as broken with its first diagnostic instead of
    breaking the list.
    """
    found: dict[str, Scenario] = {s.id: s for s in extra}
    broken: list[Broken] = []
    seen: set[Path] = set()
    folders = catalogue_sources() if sources is None else [Path(s) for s in sources]
    for path in scenario_files([str(f) for f in folders if Path(f).exists()]):
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            first = exc.diagnostics[0].format() if exc.diagnostics else str(exc)
            broken.append(Broken(str(path), len(exc.diagnostics), first))
            continue
        found.setdefault(scenario.id, scenario)
    ordered = sorted(found.values(), key=lambda s: (s.track != "onboarding", s.difficulty, s.title))
    return Catalog(tuple(ordered), tuple(broken))


# ---------------------------------------------------------------- start options


class StartError(ValueError):
    """A start option that does not fit (the CLI shows it as a usage error)."""


def parse_start(beat: str | None = None, clock: str | None = None, values: Iterable[str] = ()) -> Start:
    """`--from BEAT`, `--clock T+1h` and `--set VAR=VALUE` as a `Start` (values read as YAML scalars)."""
    parsed = []
    for item in values or []:
        if "=" not in item:
            raise StartError(f"--set takes VAR=VALUE, got '{item}'")
        name, raw = item.split("=", 1)
        try:
            value = load_text(raw).data if raw.strip() else ""
        except YamlError:
            value = raw
        parsed.append((name.strip(), value))
    minutes = 0.0
    if clock:
        try:
            minutes = parse_duration(clock)
        except ValueError as exc:
            raise StartError(f"--clock: {exc}") from None
    return Start(beat, minutes, tuple(parsed))


def check_start(scenario: Scenario, start: Start) -> None:
    """The beat exists and every value names a state variable of the right type, or StartError."""
    if start.beat and scenario.beat(start.beat) is None:
        raise StartError(f"--from: no beat '{start.beat}' in {scenario.id}{did_you_mean(start.beat, [b.id for b in scenario.beats])}")
    declared = {v.name: v for v in scenario.state}
    for name, value in start.values:
        if name not in declared:
            raise StartError(f"--set: '{name}' is not a state variable of {scenario.id}{did_you_mean(name, declared)}")
        kind = declared[name].type
        ok = {"bool": isinstance(value, bool), "int": isinstance(value, int) and not isinstance(value, bool),
              "float": isinstance(value, int | float) and not isinstance(value, bool), "str": isinstance(value, str)}[kind]
        if not ok:
            raise StartError(f"--set: '{name}' is {kind}, not {value!r}")


# ---------------------------------------------------------------- sessions


def new_session(ws: Workspace | None, scenario: Scenario, seed: int, *, start: Start | None = None,
                trainee: str = "") -> Session:
    """A session that is not saved (headless runs, forecasts), sharing the workspace's audience cache."""
    return Session(scenario, seed, start=start, trainee=trainee, shelf=ws.audiences if ws is not None else None)


def open_session(ws: Workspace, scenario: Scenario, seed: int, *, trainee: str = "", start: Start | None = None,
                 what: str = "terminal") -> Session:
    """A new session that writes its transcript as it goes and keeps the history index current.

    The session is locked for this writer (`what` names it in a second writer's refusal) until
    its writer is closed."""
    store = ws.store
    path = store.new_path(scenario.id, seed)
    writer = T.Writer.for_session(path, scenario, seed, start, trainee, what=what)
    try:
        session = Session(scenario, seed, writer=writer, start=start, trainee=trainee, shelf=ws.audiences)
        store.register(path, scenario, seed, trainee)
    except BaseException:  # nothing half-made is left: no header-only transcript, no row
        writer.abandon()
        writer.close()
        raise
    writer.on_step = store.progress_hook(path)
    writer.on_abandon = lambda: store.forget(path)
    return session


LATEST = re.compile(r"latest(?:~(\d+))?")


def session_path(ws: Workspace, ref) -> Path:
    """A saved session's transcript: an id, a unique part of one, a transcript path, or `latest`
    (the newest saved session) and `latest~N` (the N-th before it). Every use case that takes a
    saved session resolves it here. Raises FileNotFoundError (the message says what was looked for)."""
    m = LATEST.fullmatch(str(ref).strip())
    if m is None:
        return ws.store.path_of(ref)
    n = int(m.group(1) or 0)
    paths = newest_sessions(ws)
    if n < len(paths):
        return paths[n]
    if not paths:
        raise FileNotFoundError(f"no saved sessions yet in {ws.store.sessions_dir} (save one with `crisis run ... --save` or play one)")
    raise FileNotFoundError(f"'{ref}': there are only {len(paths)} saved sessions (latest~{len(paths) - 1} is the oldest)")


def newest_sessions(ws: Workspace) -> list[Path]:
    """Saved transcripts, newest first: by the start stamp in the file name, then by last write."""
    folder = ws.store.sessions_dir
    if not folder.is_dir():
        return []

    def key(path: Path):
        try:
            written = path.stat().st_mtime_ns
        except OSError:
            written = 0
        return (started_of(path), written, path.name)

    return sorted(folder.glob("*.jsonl"), key=key, reverse=True)


def resume(ws: Workspace, ref, *, what: str = "terminal") -> Session:
    """An interrupted session, replayed from its transcript and appended to from now on.

    A drill comes back as a drill: its start (team, drill flag) is in the transcript header.
    SessionLocked when another writer (a room, another terminal) holds it.
    """
    path = session_path(ws, ref)
    session = T.resume(path, shelf=ws.audiences, what=what)
    session.writer.on_step = ws.store.progress_hook(path)
    return session


def is_drill(ws: Workspace, ref) -> bool:
    """Whether a saved session was played as a team drill (so it reopens as one)."""
    try:
        transcript = T.read(session_path(ws, ref))
    except (FileNotFoundError, T.TranscriptError):
        return False
    start = transcript.header.get("start")
    return isinstance(start, dict) and bool(start.get("drill"))


@dataclass(frozen=True)
class Reloaded:
    session: Session | None
    problems: tuple[str, ...] = ()


def reload(ws: Workspace, session: Session) -> Reloaded:
    """The same session on the scenario file as it is now (an author's hot reload).

    The steps so far are replayed on the new file; a saved session keeps writing to its
    transcript and the history index. Problems are returned, never raised.
    """
    try:
        scenario = load_scenario(session.scenario.path)
    except ScenarioError as exc:
        return Reloaded(None, tuple(d.format() for d in exc.diagnostics) or (str(exc),))
    path = session.writer.path if session.writer is not None else None
    try:
        if path is None:
            new = replay(scenario, session.seed, list(session.steps), start=session.start, shelf=ws.audiences)
        else:
            new = T.restore(T.read(path), scenario, verify=False, shelf=ws.audiences)
    except (T.TranscriptError, SessionError, ValueError) as exc:
        return Reloaded(None, (f"the session so far cannot be replayed on the new file: {exc}",))
    if path is not None:
        what = "terminal"
        if session.writer is not None:
            what = session.writer.lock.what
            session.writer.close()
        writer = T.Writer(path, what=what)
        writer.on_step = ws.store.progress_hook(path)
        new.writer = writer
    return Reloaded(new)


class ActionFailed(SessionError):
    """Action `number` (1-based) of a list could not be applied; `error` says why."""

    def __init__(self, number: int, error: Exception):
        super().__init__(f"action {number}: {error}")
        self.number = number
        self.error = error


def play_actions(session: Session, actions) -> int | None:
    """Apply actions (values or play-script mappings) in order, as `crisis run` and `headless.run` do.

    Returns the number (1-based) of the first action left unplayed because the scenario had
    already ended, or None when every action was played; ActionFailed for one that cannot be.
    """
    for number, action in enumerate(actions, start=1):
        if isinstance(action, dict):
            action = parse_action(action, (number - 1,))
        if session.finished:
            return number
        try:
            session.act(action)
        except SessionError as exc:
            raise ActionFailed(number, exc) from None
    return None


def record_score(ws: Workspace, session: Session, card: Scorecard, *, close: bool = True) -> None:
    """Put a finished saved session's score in the history index and close its transcript.

    A drill room keeps it open (`close=False`): observers rate and the facilitator notes after the end."""
    if session.writer is None:
        return
    try:
        ws.store.record_score(session.writer.path, card)
    finally:
        if close:
            session.writer.close()


def finish_and_score(ws: Workspace | None, session: Session, *, turning_points: bool = True) -> Scorecard:
    """Finish the session if it is not, score it, and record the score when it is saved."""
    if not session.finished:
        session.finish()
    card = score(session, turning_points=turning_points)
    if ws is not None:
        record_score(ws, session, card)
    return card


# ---------------------------------------------------------------- saved sessions


class SavedSessionError(Exception):
    """A saved session that cannot be opened; the message is user-facing (path:line:col: error: ...)."""


@dataclass(frozen=True)
class Saved:
    path: Path
    transcript: T.Transcript
    session: Session
    notes: tuple[str, ...] = ()  # said to the user wherever the session is opened


def scenario_for(transcript: T.Transcript) -> Scenario:
    """The scenario a transcript was played on: its recorded path, else the bundled scenario of that id."""
    recorded = transcript.header.get("path")
    if recorded and Path(recorded).exists():
        return load_scenario(recorded)
    return load_scenario(locate(str(transcript.header["scenario"])))


REPLAYED_AS_NOW = "note: using the moves as the current version plays them"


def load_saved(ws: Workspace, ref) -> Saved:
    """A saved session replayed from its transcript, or SavedSessionError.

    Every front end that opens a saved session (report, playbook, fork, worst-case, History ->
    debrief) goes through here, so they accept the same references and fail the same way. A
    transcript that replays differently because the code changed since it was played is replayed
    as the current version plays its moves, with a note, so old sessions stay usable.
    """
    try:
        path = session_path(ws, ref)
    except FileNotFoundError as exc:
        raise SavedSessionError(f"crisis: error: {exc}") from None
    notes: list[str] = []
    try:
        transcript = T.read(path)
        scenario = scenario_for(transcript)
        try:
            session = T.restore(transcript, scenario, shelf=ws.audiences)
        except T.TranscriptError as exc:
            if "replays differently" not in str(exc):
                raise
            notes.append(f"{exc}; {REPLAYED_AS_NOW}")
            session = T.restore(transcript, scenario, verify=False, shelf=ws.audiences)
    except T.TranscriptError as exc:
        text = str(exc)
        raise SavedSessionError(text if ": error: " in text else text.replace(": ", ": error: transcript: ", 1)) from None
    except ScenarioError as exc:
        raise SavedSessionError(f"{path}:1:1: error: scenario: the session's scenario no longer loads:\n{exc}") from None
    except FileNotFoundError as exc:
        raise SavedSessionError(f"{path}:1:1: error: scenario: {exc}") from None
    if transcript.truncated:
        notes.append(f"{path}: note: the last line was cut off (a crash mid-write); using the steps before it")
    return Saved(path, transcript, session, tuple(notes))


def index_scorer(ws: Workspace):
    """What the history index keeps of a finished transcript: replayed as the code plays it now, scored."""

    def scorer(transcript: T.Transcript) -> Scored:
        session = T.restore(transcript, scenario_for(transcript), verify=False, shelf=ws.audiences)
        card = score(session, turning_points=False)
        return Scored(card.overall, card.grade, card.outcome, card.dimensions, session.t)

    return scorer


def sync_history(ws: Workspace) -> list[str]:
    """Index transcripts the index does not know; returns the problems found."""
    return ws.store.sync(scorer=index_scorer(ws))


def rebuild_history(ws: Workspace) -> list[str]:
    """Re-create the history index from the transcripts; returns the problems found."""
    return ws.store.rebuild(scorer=index_scorer(ws))


# ---------------------------------------------------------------- documents


def played_on(ws: Workspace, path: Path) -> str:
    """When a saved session was played: the history index, else its file name or mtime."""
    row = ws.store.row(path)
    return row.started if row is not None else started_of(path)


def opening_forecast(session: Session, rollouts: int):
    """What the opening complaint could have done on this audience, from the session's seed."""
    item = next((i for i in session.ripple.items() if i.source == "customer"), None)
    if item is None:
        return None
    return forecast_cascades(session.audience, session.scenario.ripple, item, rollouts, session.seed)


def report_text(ws: Workspace, saved: Saved, fmt: str = "md", *, forecast_rollouts: int = 0, date: str | None = None) -> str:
    """The after-action report of a saved session, recomputed from its transcript."""
    card = score(saved.session)
    forecast = opening_forecast(saved.session, forecast_rollouts) if forecast_rollouts else None
    return report_module.render(saved.session, card, fmt, forecast, date=date or played_on(ws, saved.path))


def report_path(ws: Workspace, session: Session, suffix: str = ".html") -> Path:
    stem = Path(session.writer.path).stem if session.writer is not None else f"{session.scenario.id}-s{session.seed}"
    return ws.reports_dir / f"{stem}{suffix}"


def write_report_html(ws: Workspace, session: Session, card: Scorecard) -> Path:
    """The HTML after-action report of a session, written to the workspace's reports folder."""
    target = report_path(ws, session)
    html = report_module.render_html(session, card)
    _write(target, html)
    return target


def session_report(session: Session, fmt: str = "md", *, date: str | None = None) -> str:
    """The after-action report of a session in play (a drill room's download), scored as it stands."""
    card = score(session, turning_points=False)
    if fmt == "html":
        return report_module.render_html(session, card, date=date)
    return report_module.render(session, card, fmt, date=date)


def playbook_text(session: Session, card: Scorecard | None = None, *, worst=None, date=None) -> str:
    return playbook_module.render(session, card, worst=worst, date=date)


def playbook_path(ws: Workspace, session: Session) -> Path:
    """Next to the session's transcript, else in the workspace's playbooks folder."""
    if session.writer is not None:
        return Path(session.writer.path).with_suffix(".playbook.md")
    return ws.playbooks_dir / f"{session.scenario.id}-{session.seed}.playbook.md"


def write_playbook(ws: Workspace, session: Session, card: Scorecard | None = None, *, date=None) -> tuple[Path, str]:
    """The drill's playbook written to its file; returns (path, text). `date` defaults to today."""
    text = playbook_text(session, card, date=date)
    path = playbook_path(ws, session)
    _write(path, text)
    return path, text


def _write(path: Path, text: str) -> None:
    """Atomically: a half-written document never replaces a good one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
