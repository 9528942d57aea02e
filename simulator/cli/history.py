"""`crisis history`: past sessions and progress per scenario, from the SQLite index.

The index is a cache of the transcripts: transcripts it does not know are indexed on the way
(a crash before registering, a copied file); a corrupt or truncated transcript is reported and
left out, never fatal; a damaged index is rebuilt; `--rebuild` recreates it from scratch.
"""

from __future__ import annotations

import json
import sqlite3
import sys

from simulator.cli.core import workspace
from simulator.cli.errors import Failure
from simulator.format.textsafe import json_text, terminal


def register(sub) -> None:
    p = sub.add_parser("history", help="past sessions and progress per scenario")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--rebuild", action="store_true", help="recreate the index from the transcripts")
    p.add_argument("--scenario", metavar="ID", help="only this scenario")
    p.set_defaults(handler=cmd_history)


def cmd_history(args) -> int:
    from simulator.services import rebuild_history, sync_history

    ws = workspace(args)
    store = ws.store
    problems: list[str] = []
    try:
        if args.rebuild:
            problems = rebuild_history(ws)
        else:
            problems = sync_history(ws)
        rows = store.rows(args.scenario)
    except sqlite3.DatabaseError as exc:
        print(f"{store.db_path}: warning: the history index is damaged ({exc}); rebuilding it from the transcripts", file=sys.stderr)
        try:
            problems = rebuild_history(ws)
            rows = store.rows(args.scenario)
        except (sqlite3.Error, OSError) as exc2:
            raise Failure(f"{store.db_path}:1:1: error: index: cannot rebuild the history index: {exc2}") from None
    except OSError as exc:
        raise Failure(f"{store.root}:1:1: error: io: {exc.strerror or exc}") from None
    bad = store.check(rows)
    bad_ids = {r.id for r, _ in bad}
    reported = set()
    for r, why in bad:
        line = _clean(why if why.startswith(r.path) else f"{r.path}: {why}")
        reported.add(line)
        print(f"{line} (skipped: this transcript is corrupt)", file=sys.stderr)
    for p in problems:
        if _clean(p) not in reported:
            print(f"{_clean(p)} (skipped: this transcript is corrupt)", file=sys.stderr)
    good = [r for r in rows if r.id not in bad_ids]
    progress = store.progress(good)
    if args.json:
        out = {
            "home": str(store.root),
            "sessions": [{**r.to_json(), "resumable": r.status == "in_progress"} for r in good],
            "scenarios": progress,
            "skipped": [{"id": r.id, "path": r.path, "error": why} for r, why in bad],
        }
        print(json_text(json.dumps(out, ensure_ascii=False, sort_keys=True)))
        return 0
    if args.rebuild:
        print(f"rebuilt the index from {len(rows)} transcript(s) in {store.sessions_dir}")
    if not good:
        print(f"No sessions yet in {store.root}. Play one with `crisis play` or `crisis run SCENARIO --script PLAY.yaml --save`.")
        return 0
    print("SESSIONS")
    print(f"  {'date':<17} {'scenario':<22} {'trainee':<14} {'seed':>6}  {'score':>5} {'':<2} {'outcome':<11} id")
    for r in good:
        if r.status == "in_progress":
            score, grade, outcome = "  \u2014", "", "interrupted: resumable"
        else:
            score = f"{r.overall:>5}" if r.overall is not None else "    ?"
            grade = r.grade or ""
            outcome = (r.outcome or "").replace("_", " ") or (f"unscored: {r.error}" if r.error else "")
        date = r.started.replace("T", " ")[:16]
        print(f"  {date:<17} {_clean(r.scenario)[:22]:<22} {_clean(r.trainee)[:14]:<14} {r.seed:>6}  {score:>5} {grade:<2} "
              f"{_clean(outcome):<11} {_clean(r.id)}")
    print()
    print("PROGRESS")
    print(f"  {'scenario':<22} {'played':>6} {'best':>5} {'latest':>6}  trend")
    for sid, p in sorted(progress.items()):
        best = "" if p["best"] is None else str(p["best"])
        latest = "" if p["latest"] is None else str(p["latest"])
        spark = " ".join(str(s) for s in p["scores"][-6:])
        trend = {"improving": "\u2197 improving", "declining": "\u2198 declining", "steady": "\u2192 steady"}.get(p["trend"], "")
        extra = f"  ({p['resumable']} resumable)" if p["resumable"] else ""
        print(f"  {_clean(sid)[:22]:<22} {p['sessions']:>6} {best:>5} {latest:>6}  {trend:<12} {spark}{extra}")
    return 0


def _clean(text) -> str:
    """Text from a transcript printed on a terminal, on one line: controls shown, never obeyed."""
    return terminal(text, collapse=True)
