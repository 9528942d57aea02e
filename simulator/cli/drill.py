"""The drill's commands: `crisis drill`, `crisis playbook`, `crisis fork`, `crisis worst-case`.

`drill` opens the UI in team mode (role assignment, role players' approvals, the seven questions,
the facilitator console, the forecast). The others read a saved session (an id, a unique part of
it, or a transcript path), replay it and print: the team's playbook, a counterfactual fork side
by side, or the worst-case forecast from where the session stands. See docs/drill.md.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from simulator.cli.core import _clean, emit, load_or_fail, load_saved, workspace
from simulator.cli.errors import Failure, UsageError
from simulator.format.durations import format_duration, parse_duration
from simulator.format.textsafe import json_text


def register(sub) -> None:
    p = sub.add_parser("drill", help="run a scenario as a team drill: roles, facilitator, forecast, playbook")
    p.add_argument("scenario", nargs="?", help="scenario id or path (default: the starter)")
    p.add_argument("--seed", type=int, default=None, help="seed (default: a new one each time)")
    p.add_argument("--team", action="append", default=[], metavar="ROLE=NAME",
                   help="who plays a role (repeat; skips the role-assignment screen)")
    p.set_defaults(handler=cmd_drill)

    p = sub.add_parser("playbook", help="the Markdown playbook from a drill's decisions")
    p.add_argument("session", metavar="SESSION", help="session id, a unique part of it, a transcript path, or latest (latest~1 the one before)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--forecast", type=int, default=0, metavar="N",
                   help="add the worst-case forecast with N rollouts per course (0: none)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the playbook date and the base of due dates (default: today)")
    p.set_defaults(handler=cmd_playbook)

    p = sub.add_parser("fork", help="replay a session from one decision with a different one; compare side by side")
    p.add_argument("session", metavar="SESSION", help="session id, a unique part of it, a transcript path, or latest (latest~1 the one before)")
    p.add_argument("--list", action="store_true", help="list the decisions you can fork from")
    p.add_argument("--at", type=int, metavar="N", help="the decision number (see --list)")
    p.add_argument("--action", metavar="JSON", help='the different decision: {"reply": "..."}, {"escalate": "legal"}, '
                                                    '{"offer": {"remedy": "credit", "value": 25}}, {"decide": {"role": "pr", "approve": false}}')
    p.add_argument("--then", choices=("finish", "rest"), default="finish",
                   help="after the change: close the case at once (default) or play the original's later moves")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=cmd_fork)

    p = sub.add_parser("worst-case", help="forecast from a session's current state: do nothing vs the current course")
    p.add_argument("session", metavar="SESSION", help="session id, a unique part of it, a transcript path, or latest (latest~1 the one before)")
    p.add_argument("--rollouts", type=int, default=300, metavar="N", help="rollouts per course (default 300)")
    p.add_argument("--horizon", default="2h", metavar="DURATION", help="how far ahead each course is played (default 2h)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=cmd_worst_case)


# ---------------------------------------------------------------- helpers


def load_session(args, ref):
    """Replay a saved session (see core.load_saved): (path, session), or Failure."""
    saved = load_saved(args, ref)
    return saved.path, saved.session


def _date(value):
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--date: '{value}' is not a date like 2025-03-14") from None


# ---------------------------------------------------------------- commands


def cmd_drill(args) -> int:
    from simulator.evaluate.drill import DrillError, parse_assignments, team_of

    scenario = load_or_fail(args.scenario)
    try:
        team = team_of(scenario, parse_assignments(args.team)) if args.team else None
    except DrillError as exc:
        raise UsageError(str(exc)) from None
    from simulator.ui.app import run_app

    return run_app(scenario=scenario, seed=args.seed, drill=True, team=team, workspace=workspace(args))


def cmd_playbook(args) -> int:
    from simulator.evaluate.drill import DrillError, worst_case
    from simulator.services import playbook_text

    if not 0 <= args.forecast <= 100_000:
        raise UsageError("--forecast takes a number of rollouts from 0 to 100000")
    date = _date(args.date)
    path, session = load_session(args, args.session)
    if not session.drill:
        print(f"{path}: note: this session was not played as a team drill; the playbook has no team or role decisions",
              file=sys.stderr)
    try:
        worst = worst_case(session, rollouts=args.forecast) if args.forecast else None
        text = playbook_text(session, worst=worst, date=date)
    except DrillError as exc:
        raise Failure(f"{path}:1:1: error: drill: {exc}") from None
    emit(text, args.output)
    return 0


def cmd_fork(args) -> int:
    from simulator.evaluate.drill import DrillError, decisions, fork
    if not args.list and (args.at is None or args.action is None):
        raise UsageError("fork needs --at N and --action JSON (or --list to see the decisions)")
    path, session = load_session(args, args.session)
    listed = decisions(session)
    if args.list:
        if args.json:
            print(json_text(json.dumps({"decisions": [{"n": d.n, "t": d.t, "kind": d.kind, "label": d.label, "who": d.who}
                                            for d in listed]}, ensure_ascii=False)))
            return 0
        if not listed:
            print("no decisions in this session")
        for d in listed:
            who = f" ({_clean(d.who)})" if d.who else ""
            print(f"{d.n:>3}  T+{format_duration(d.t):<8} {d.kind:<10} {_clean(d.label)[:90]}{who}")
        return 0
    if len(args.action) > 20_000:
        raise UsageError("--action is longer than 20,000 characters")
    try:
        alternative = json.loads(args.action)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--action is not JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise UsageError("--action is nested too deeply (one action is a map of at most two levels)") from None
    try:
        result = fork(session, args.at, alternative, then=args.then)
    except DrillError as exc:
        raise Failure(f"{path}:1:1: error: fork: {exc}") from None
    if args.json:
        print(json_text(json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True)))
        return 0
    at = result.at
    print(f"Decision {at.n} at T+{format_duration(at.t)}: {_clean(at.label)[:100]}")
    print(f"  instead: {_clean(json.dumps(result.alternative_step, ensure_ascii=False))[:120]}")
    then = "then closed the case" if result.then == "finish" else f"then the original's later moves ({result.dropped} no longer applied)"
    print(f"  {then}; same seed {session.seed}")
    print()
    width = max(len(r[0]) for r in result.rows())
    print(f"  {'':<{width}}  {'what the team did':>18}  {'what if':>12}  {'difference':>10}")
    for name, a, b, d in result.rows():
        print(f"  {name:<{width}}  {_clean(a):>18}  {_clean(b):>12}  {d:>10}")
    return 0


def cmd_worst_case(args) -> int:
    from simulator.evaluate.drill import MAX_ROLLOUTS, DrillError, worst_case
    if not 1 <= args.rollouts <= MAX_ROLLOUTS:
        raise UsageError(f"--rollouts takes a number from 1 to {MAX_ROLLOUTS}")
    try:
        horizon = parse_duration(args.horizon)
    except ValueError as exc:
        raise UsageError(f"--horizon: {exc}") from None
    path, session = load_session(args, args.session)
    try:
        result = worst_case(session, rollouts=args.rollouts, horizon=horizon)
    except DrillError as exc:
        raise Failure(f"{path}:1:1: error: drill: {exc}") from None
    if args.json:
        print(json_text(json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True)))
        return 0
    print(f"From T+{format_duration(result.t)}, {format_duration(result.horizon)} ahead, {result.rollouts} rollouts per course "
          f"of the customer's next post (seed {result.seed})")
    for c in (result.nothing, result.current):
        nr = c.result.negative_reach
        news = "no news channel" if c.news is None else f"news {c.news:.0%}"
        print(f"  {c.label:<15} negative reach p50 {nr.p50:>8,.0f}  p90 {nr.p90:>8,.0f}  p99 {nr.p99:>8,.0f}   {news}   "
              f"customer {c.mood}")
    peak = max(max(n, m) for _, _, n, m in result.histogram())
    print()
    print("  negative reach            do nothing (#)   current course (=)")
    for lo, hi, n, m in result.histogram():
        bar_n = "#" * round(24 * n / peak) if peak else ""
        bar_m = "=" * round(24 * m / peak) if peak else ""
        print(f"  {lo:>9,.0f}-{hi:<9,.0f}  {bar_n:<24} {bar_m}")
    return 0
