"""`crisis report SESSION`: the after-action report of a saved session.

The report is recomputed from the transcript (replayed and scored), so it always matches the
code and the scenario file; the date comes from the history index or the file, because the
transcript holds no wall-clock time.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from simulator.cli.core import emit, load_saved, workspace
from simulator.cli.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("report", help="after-action report of a saved session (Markdown or HTML)")
    p.add_argument("session", metavar="SESSION", help="session id, a unique part of it, a transcript path, or latest (latest~1 the one before)")
    p.add_argument("--format", choices=("md", "html"), default=None, help="md (default) or html; -o FILE.html implies html")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--forecast", type=int, default=0, metavar="N",
                   help="add a forecast histogram from N rollouts of the complaint (0: none)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the report date (default: when the session was played)")
    p.set_defaults(handler=cmd_report)


def cmd_report(args) -> int:
    from simulator.services import report_text

    if args.forecast < 0 or args.forecast > 100_000:
        raise UsageError("--forecast takes a number of rollouts from 0 to 100000")
    if args.date:
        try:
            dt.date.fromisoformat(args.date)
        except ValueError:
            raise UsageError(f"--date: '{args.date}' is not a date like 2025-03-14") from None
    fmt = args.format or ("html" if args.output and Path(args.output).suffix.lower() in (".html", ".htm") else "md")
    saved = load_saved(args, args.session)
    if not saved.transcript.finished:
        print(f"{saved.path}: note: the session was not finished; the report assumes the trainee stopped here", file=sys.stderr)
    emit(report_text(workspace(args), saved, fmt, forecast_rollouts=args.forecast, date=args.date), args.output)
    return 0
