"""`crisis report SESSION`: the after-action report of a saved session.

The report is recomputed from the transcript (replayed and scored), so it always matches the
code and the scenario file; the date comes from the history index or the file, because the
transcript holds no wall-clock time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..cli import UsageError
from .core import emit, load_saved


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

    from ..report import render
    from ..scoring import score
    from ..store import Store, started_of

    if args.forecast < 0 or args.forecast > 100_000:
        raise UsageError("--forecast takes a number of rollouts from 0 to 100000")
    if args.date:
        try:
            dt.date.fromisoformat(args.date)
        except ValueError:
            raise UsageError(f"--date: '{args.date}' is not a date like 2025-03-14") from None
    fmt = args.format or ("html" if args.output and Path(args.output).suffix.lower() in (".html", ".htm") else "md")
    store = Store()
    path, transcript, session = load_saved(args.session)
    if not transcript.finished:
        print(f"{path}: note: the session was not finished; the report assumes the trainee stopped here", file=sys.stderr)
    card = score(session)
    row = store.row(path)
    date = args.date or (row.started if row is not None else started_of(path))
    forecast = _forecast(session, args.forecast) if args.forecast else None
    emit(render(session, card, fmt, forecast, date=date), args.output)
    return 0


def _forecast(session, rollouts: int):
    """What the opening complaint could have done on this audience, from the session's seed."""
    from ..forecast import forecast_cascades

    item = next((i for i in session.ripple.items() if i.source == "customer"), None)
    if item is None:
        return None
    return forecast_cascades(session.audience, session.scenario.ripple, item, rollouts, session.seed)
