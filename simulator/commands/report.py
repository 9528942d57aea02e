"""`crisis report SESSION`: the after-action report of a saved session.

The report is recomputed from the transcript (replayed and scored), so it always matches the
code and the scenario file; the date comes from the history index or the file, because the
transcript holds no wall-clock time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..cli import Failure, UsageError
from .core import emit


def register(sub) -> None:
    p = sub.add_parser("report", help="after-action report of a saved session (Markdown or HTML)")
    p.add_argument("session", metavar="SESSION", help="session id, a unique part of it, or a transcript path")
    p.add_argument("--format", choices=("md", "html"), default=None, help="md (default) or html; -o FILE.html implies html")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--forecast", type=int, default=0, metavar="N",
                   help="add a forecast histogram from N rollouts of the complaint (0: none)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the report date (default: when the session was played)")
    p.set_defaults(handler=cmd_report)


def cmd_report(args) -> int:
    import datetime as dt

    from .. import transcript as T
    from ..diagnostics import ScenarioError
    from ..report import render
    from ..scoring import score
    from ..store import Store, scenario_for, started_of

    if args.forecast < 0 or args.forecast > 100_000:
        raise UsageError("--forecast takes a number of rollouts from 0 to 100000")
    if args.date:
        try:
            dt.date.fromisoformat(args.date)
        except ValueError:
            raise UsageError(f"--date: '{args.date}' is not a date like 2025-03-14") from None
    fmt = args.format or ("html" if args.output and Path(args.output).suffix.lower() in (".html", ".htm") else "md")
    store = Store()
    try:
        path = store.path_of(args.session)
    except FileNotFoundError as exc:
        raise Failure(f"{args.session}:1:1: error: not-found: {exc}") from None
    try:
        transcript = T.read(path)
        scenario = scenario_for(transcript)
        try:
            session = T.restore(transcript, scenario)
        except T.TranscriptError as exc:
            if "replays differently" not in str(exc):
                raise
            # The code changed since it was played: report what the moves give now, and say so.
            print(f"{exc}; note: reporting the moves as the current version plays them", file=sys.stderr)
            session = T.restore(transcript, scenario, verify=False)
    except T.TranscriptError as exc:
        raise Failure(f"{_one_line(exc)}" if ":" in str(exc) else f"{path}:1:1: error: transcript: {exc}") from None
    except ScenarioError as exc:
        raise Failure(f"{path}:1:1: error: scenario: the session's scenario no longer loads:\n{exc}") from None
    except FileNotFoundError as exc:
        raise Failure(f"{path}:1:1: error: scenario: {exc}") from None
    if transcript.truncated:
        print(f"{path}: note: the last line was cut off (a crash mid-write); reporting the steps before it", file=sys.stderr)
    if not transcript.finished:
        print(f"{path}: note: the session was not finished; the report assumes the trainee stopped here", file=sys.stderr)
    card = score(session)
    row = store.row(path)
    date = args.date or (row.started if row is not None else started_of(path))
    forecast = _forecast(session, args.forecast) if args.forecast else None
    emit(render(session, card, fmt, forecast, date=date), args.output)
    return 0


def _one_line(exc) -> str:
    text = str(exc)
    return text if ": error: " in text else text.replace(": ", ": error: transcript: ", 1)


def _forecast(session, rollouts: int):
    """What the opening complaint could have done on this audience, from the session's seed."""
    from ..forecast import forecast_cascades

    item = next((i for i in session.ripple.items() if i.source == "customer"), None)
    if item is None:
        return None
    return forecast_cascades(session.audience, session.scenario.ripple, item, rollouts, session.seed)
