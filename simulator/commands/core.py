"""The foundation's commands: play, list, validate, run, analyze, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..cli import Failure, UsageError


def register(sub) -> None:
    p = sub.add_parser("play", help="open the game straight into a scenario (default: the starter)")
    p.add_argument("scenario", nargs="?", help="scenario id or path")
    p.add_argument("--seed", type=int, default=None, help="seed (default: a new one each time)")
    p.add_argument("--trainee", default="", help="your name, for the history and the report")
    p.add_argument("--from", dest="from_beat", metavar="BEAT", help="start at this beat (authors)")
    p.add_argument("--set", dest="values", action="append", default=[], metavar="VAR=VALUE", help="set a state variable (authors)")
    p.add_argument("--clock", metavar="T+1h", help="start with the clock already run to this time (authors)")
    p.set_defaults(handler=cmd_play)

    p = sub.add_parser("list", help="bundled and local scenarios")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("paths", nargs="*", help="extra folders or files to include")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("validate", help="validate scenario files")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("run", help="play headless from a script of actions and print the scorecard")
    p.add_argument("scenario", help="scenario id or path")
    p.add_argument("--script", required=True, metavar="PLAY.yaml", help="play script: seed (optional) and actions")
    p.add_argument("--seed", type=int, default=None, help="seed (overrides the script's)")
    p.add_argument("--json", action="store_true", help="print the scorecard as one JSON object")
    p.add_argument("--save", action="store_true", help="keep the session in the history")
    p.add_argument("--trainee", default="", help="name recorded with a saved session")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser(
        "analyze",
        help="judge a reply (or a file of replies): labels with evidence, quality, rules",
        description="Judge what a reply does, the way a seasoned social-media manager reads it: "
        "labels with the sentence that carries each, a quality in [-1, 1], and Blanchard's rules.",
    )
    p.add_argument("text", nargs="?", help="the reply ('-' reads standard input)")
    p.add_argument("--json", action="store_true", help="one JSON object (per reply)")
    p.add_argument("--context", metavar="POST", default="", help="the customer's post the reply answers")
    p.add_argument("--name", default="", help="the customer's name")
    p.add_argument("--unreasonable", action="store_true", help="the customer's request cannot be granted (rule 9)")
    p.add_argument("--jsonl", metavar="FILE", help='judge many replies: one {"text": ..., "context": ...} per line (- for stdin)')
    p.add_argument("--csv", metavar="FILE", help="judge a spreadsheet export: a 'text' or 'reply' column, optionally the customer's post")
    p.set_defaults(handler=cmd_analyze)

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    p.set_defaults(handler=cmd_schema)


# ---------------------------------------------------------------- helpers


def load_or_fail(ref):
    """A scenario from an id or path, or Failure with its diagnostics."""
    from ..diagnostics import ScenarioError
    from ..scenario import find_scenario, load_scenario

    try:
        path = find_scenario(ref)
    except FileNotFoundError as exc:
        raise Failure(f"{ref}:1:1: error: not-found: {exc}") from None
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise Failure(str(exc)) from None


def scenario_files(paths) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(x for x in p.glob("*.yaml") if not x.name.endswith(".playtest.yaml")))
        else:
            out.append(p)
    return out


def parse_start(args):
    from ..conditions import BUILTIN_NAMES  # noqa: F401  (names are checked against the scenario below)
    from ..durations import parse_duration
    from ..session import Start

    values = []
    for item in args.values or []:
        if "=" not in item:
            raise UsageError(f"--set takes VAR=VALUE, got '{item}'")
        name, raw = item.split("=", 1)
        from ..yamlsafe import YamlError, load_text

        try:
            value = load_text(raw).data if raw.strip() else ""
        except YamlError:
            value = raw
        values.append((name.strip(), value))
    clock = 0.0
    if args.clock:
        try:
            clock = parse_duration(args.clock)
        except ValueError as exc:
            raise UsageError(f"--clock: {exc}") from None
    return Start(args.from_beat, clock, tuple(values))


def check_start(scenario, start) -> None:
    if start.beat and scenario.beat(start.beat) is None:
        from ..diagnostics import did_you_mean

        raise UsageError(f"--from: no beat '{start.beat}' in {scenario.id}{did_you_mean(start.beat, [b.id for b in scenario.beats])}")
    declared = {v.name: v for v in scenario.state}
    for name, value in start.values:
        if name not in declared:
            from ..diagnostics import did_you_mean

            raise UsageError(f"--set: '{name}' is not a state variable of {scenario.id}{did_you_mean(name, declared)}")
        kind = declared[name].type
        ok = {"bool": isinstance(value, bool), "int": isinstance(value, int) and not isinstance(value, bool),
              "float": isinstance(value, int | float) and not isinstance(value, bool), "str": isinstance(value, str)}[kind]
        if not ok:
            raise UsageError(f"--set: '{name}' is {kind}, not {value!r}")


# ---------------------------------------------------------------- commands


def open_home(args) -> int:
    from ..ui.app import run_app

    return run_app()


def cmd_play(args) -> int:
    scenario = load_or_fail(args.scenario)
    start = parse_start(args)
    check_start(scenario, start)
    from ..ui.app import run_app

    return run_app(scenario=scenario, seed=args.seed, trainee=args.trainee, start=start)


def cmd_list(args) -> int:
    from ..diagnostics import ScenarioError
    from ..scenario import bundled_dir, load_scenario

    folders = [bundled_dir(), *[Path(p) for p in args.paths]]
    cwd_scenarios = Path.cwd() / "scenarios"
    if cwd_scenarios.is_dir() and cwd_scenarios.resolve() != bundled_dir().resolve():
        folders.append(cwd_scenarios)
    entries, problems = [], []
    seen = set()
    for path in scenario_files([str(f) for f in folders if Path(f).exists()]):
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        try:
            s = load_scenario(path)
        except ScenarioError as exc:
            problems.append({"path": str(path), "errors": len(exc.diagnostics)})
            continue
        entries.append({
            "id": s.id, "title": s.title, "track": s.track, "difficulty": s.difficulty, "summary": s.summary,
            "time_limit": s.time_limit, "lesson": s.lesson, "source": s.source,
            "bundled": path.resolve().parent == bundled_dir().resolve(), "path": str(path),
        })
    entries.sort(key=lambda e: (e["track"] != "onboarding", e["difficulty"], e["title"]))
    if args.json:
        print(json.dumps({"scenarios": entries, "invalid": problems}, ensure_ascii=False))
        return 0
    from ..durations import format_duration

    for track in ("onboarding", "drill"):
        rows = [e for e in entries if e["track"] == track]
        if not rows:
            continue
        print(f"{track.upper()}")
        for e in rows:
            print(f"  {e['id']:<28} {'★' * e['difficulty']:<5} {format_duration(e['time_limit']):>8}  {_clean(e['title'])}")
            print(f"  {'':<28} {_clean(e['summary'])[:100]}")
        print()
    for p in problems:
        print(f"{p['path']}: invalid ({p['errors']} errors; run `crisis validate {p['path']}`)", file=sys.stderr)
    return 0


def emit(text: str, output: str | None) -> None:
    """A document to -o FILE (saying so on stderr) or to stdout; an unwritable file is exit 1."""
    if output:
        try:
            path = Path(output)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)  # a half-written report never replaces a good one
        except OSError as exc:
            raise Failure(f"{output}:1:1: error: io: {exc.strerror or exc}") from None
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _clean(text) -> str:
    """Scenario text printed on a terminal: control characters shown, never obeyed."""
    return "".join(ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" for ch in " ".join(str(text).split()))


def load_saved(ref):
    """A saved session replayed from its transcript: (path, transcript, session), or Failure.

    Every command that opens a saved session (report, playbook, fork, worst-case) goes through
    here, so they accept the same references and fail the same way. A transcript that replays
    differently because the code changed since it was played is replayed as the current version
    plays its moves, with a note, so old sessions stay usable.
    """
    from .. import transcript as T
    from ..diagnostics import ScenarioError
    from ..store import Store, scenario_for

    try:
        path = Store().path_of(ref)
    except FileNotFoundError as exc:
        raise Failure(f"{ref}:1:1: error: not-found: {exc}") from None
    try:
        transcript = T.read(path)
        scenario = scenario_for(transcript)
        try:
            session = T.restore(transcript, scenario)
        except T.TranscriptError as exc:
            if "replays differently" not in str(exc):
                raise
            print(f"{exc}; note: using the moves as the current version plays them", file=sys.stderr)
            session = T.restore(transcript, scenario, verify=False)
    except T.TranscriptError as exc:
        text = str(exc)
        raise Failure(text if ": error: " in text else text.replace(": ", ": error: transcript: ", 1)) from None
    except ScenarioError as exc:
        raise Failure(f"{path}:1:1: error: scenario: the session's scenario no longer loads:\n{exc}") from None
    except FileNotFoundError as exc:
        raise Failure(f"{path}:1:1: error: scenario: {exc}") from None
    if transcript.truncated:
        print(f"{path}: note: the last line was cut off (a crash mid-write); using the steps before it", file=sys.stderr)
    return path, transcript, session


def cmd_validate(args) -> int:
    from ..scenario import validate_path

    all_diags, results = [], []
    for path in scenario_files(args.paths):
        diags = validate_path(path)
        all_diags += diags
        results.append({"path": str(path), "valid": not diags, "diagnostics": [d.to_json() for d in diags]})
    if args.format == "json":
        print(json.dumps({"valid": not all_diags, "files": results}, ensure_ascii=False))
    else:
        for d in all_diags:
            print(_clean_line(d.format()), file=sys.stderr)
        ok = sum(1 for r in results if r["valid"])
        print(f"{ok} of {len(results)} file{'s' if len(results) != 1 else ''} valid", file=sys.stderr if all_diags else sys.stdout)
    if not results:
        raise UsageError("no scenario files found")
    return 1 if all_diags else 0


def _clean_line(text: str) -> str:
    return "".join(ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" for ch in text)


def cmd_run(args) -> int:
    from ..diagnostics import ScenarioError
    from ..headless import load_script
    from ..scoring import score
    from ..session import Session, SessionError

    scenario = load_or_fail(args.scenario)
    try:
        script = load_script(args.script)
    except ScenarioError as exc:
        raise Failure(str(exc)) from None
    seed = args.seed if args.seed is not None else (script.seed if script.seed is not None else 0)
    if args.save:
        from ..store import Store

        store = Store()
        session = store.open(scenario, seed, trainee=args.trainee)
    else:
        store, session = None, Session(scenario, seed)
    for i, action in enumerate(script.actions, start=1):
        if session.finished:
            print(f"{args.script}: note: the scenario ended before action {i}; the rest were not played", file=sys.stderr)
            break
        try:
            session.act(action)
        except SessionError as exc:
            raise Failure(f"{args.script}:{i}:1: error: bad-action: action {i}: {exc}") from None
    if not session.finished:
        session.finish()
    card = score(session)
    if store is not None:
        store.record_score(session.writer.path, card)
        session.writer.close()
    if args.json:
        print(json.dumps(card.to_json(), ensure_ascii=False, sort_keys=True))
    else:
        print(render_scorecard(card, scenario))
    return 0


def render_scorecard(card, scenario) -> str:
    from ..rules import rule

    lines = [
        f"{_clean(scenario.title)}  (seed {card.seed})",
        f"Overall {card.overall}/100  grade {card.grade}  outcome: {card.outcome.replace('_', ' ')}",
        "",
    ]
    for name, value in card.dimensions.items():
        bar = "█" * round(value / 10) + "·" * (10 - round(value / 10))
        lines.append(f"  {name:<11} {bar} {value:5.1f}")
    m, b = card.metrics, card.baseline
    lines += [
        "",
        f"  reach {m['reach']:,}   negative reach {m['negative_reach']:,} (doing nothing: {b['negative_reach']:,})"
        f"   net sentiment {m['net_sentiment']:+.2f}   spillovers {m['spillovers']}",
        "",
        "Rules  " + "  ".join(f"{n}:{'✓' * v['kept']}{'✗' * v['broken']}" for n, v in card.rules.items() if v["kept"] or v["broken"]),
    ]
    if card.turning_points:
        lines += ["", "Turning points"]
        for tp in card.turning_points:
            arrow = "▲ helped" if tp.helped else "▼ hurt"
            rule_txt = f" — rule {tp.rule} {tp.verdict}: {rule(tp.rule).title}" if tp.rule else ""
            lines.append(f"  T+{tp.t:.0f}m {arrow}: “{_clean(tp.text)[:90]}” (negative reach {tp.effect_negative_reach:+,}){rule_txt}")
    if card.improvements:
        lines += ["", "To improve"]
        lines += [f"  - {_clean(f.text)}" + (f" “{_clean(f.quote)[:80]}”" if f.quote else "") for f in card.improvements[:6]]
    if card.strengths:
        lines += ["", "Strengths"]
        lines += [f"  + {_clean(f.text)}" for f in card.strengths[:6]]
    return "\n".join(lines)


def cmd_analyze(args) -> int:
    from .. import audit

    if args.jsonl or args.csv:
        if args.text is not None:
            raise UsageError("give a reply or --jsonl/--csv, not both")
        if args.jsonl and args.csv:
            raise UsageError("give --jsonl or --csv, not both")
        source = args.jsonl or args.csv
        try:
            if source == "-":
                raw = sys.stdin.buffer.read(audit.MAX_BATCH_BYTES + 1)
            else:
                raw = audit.read_limited(Path(source))
        except OSError as exc:
            raise Failure(f"crisis: error: {source}: {exc.strerror or exc}") from None
        except audit.AuditError as exc:
            raise Failure(f"crisis: error: {source}: {exc}") from None
        if len(raw) > audit.MAX_BATCH_BYTES:
            raise Failure(f"crisis: error: {source}: larger than {audit.MAX_BATCH_BYTES // 1_000_000} MB")
        rows = audit.rows_from_jsonl(raw) if args.jsonl else audit.rows_from_csv(raw)
        failed = 0
        try:
            for row in rows:
                if row.error:
                    failed += 1
                    print(f"{source}:{row.line}:1: error: {row.error}", file=sys.stderr)
                    print(json.dumps({"line": row.line, "error": row.error}), flush=False)
                    continue
                result = audit.judge_row(row, unreasonable=args.unreasonable)
                print(json.dumps(result, ensure_ascii=False, sort_keys=True))
        except audit.AuditError as exc:
            raise Failure(f"crisis: error: {source}: {exc}") from None
        return 1 if failed else 0

    if args.text is None:
        raise UsageError("give the reply to judge, '-' for standard input, or --jsonl/--csv FILE")
    text = audit.decode(sys.stdin.buffer.read(audit.MAX_REPLY_BYTES + 1)) if args.text == "-" else audit.safe(args.text)
    if not text.strip():
        raise Failure("crisis: error: the reply is empty: nothing to judge")
    context = audit.context_for(args.context, args.name, args.unreasonable)
    result = audit.analyse(text, context)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True))
        return 0
    print(audit.describe(result))
    return 0


def cmd_schema(args) -> int:
    from ..schema import to_json_schema

    print(json.dumps(to_json_schema(), indent=2, ensure_ascii=False))
    return 0
