"""The foundation's commands: play, list, validate, run, analyze, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from simulator.cli import audit
from simulator.cli.errors import Failure, UsageError
from simulator.format import limits
from simulator.format.durations import format_duration
from simulator.format.textsafe import clip, json_text, terminal
from simulator.world.rules import rule


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
    p.add_argument("--format", choices=("text", "json"), default="text", help="json: one JSON object on stdout")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("run", help="play headless from a script of actions and print the scorecard")
    p.add_argument("scenario", help="scenario id or path")
    p.add_argument("--script", required=True, metavar="PLAY.yaml", help="play script: seed (optional) and actions")
    p.add_argument("--seed", type=int, default=None, help="seed (overrides the script's)")
    p.add_argument("--json", action="store_true", help="print the scorecard as one JSON object")
    p.add_argument("--save", action="store_true", help="keep the session in the history and print its id ('latest' names it too)")
    p.add_argument("--trainee", default="", help="name recorded with a saved session")
    p.add_argument("--trace", action="store_true",
                   help="print why the story went this way: beats entered and replaced, injects, customer lines, "
                        "free-text matches, promises, state changes, choices not on offer (with --json: a 'trace' list)")
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

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format (or --write it into a folder)",
                       description="Print the JSON Schema of the scenario format. With --write DIR, put it in "
                       "DIR/scenario.schema.json, where the modeline `# yaml-language-server: "
                       "$schema=./scenario.schema.json` of a scenario in DIR finds it.")
    p.add_argument("--write", metavar="DIR", help="write DIR/scenario.schema.json instead of printing it")
    p.set_defaults(handler=cmd_schema)


# ---------------------------------------------------------------- helpers


def workspace(args):
    """The services layer's workspace for this invocation (built by `main` from --home)."""
    get = getattr(args, "workspace", None)
    if get is not None:
        return get()
    from simulator.services import Workspace

    return Workspace.from_environment()


def load_or_fail(ref):
    """A scenario from an id or path, or Failure with its diagnostics.

    An id is looked up wherever `crisis list` looks (services.locate); an id that names nothing
    is `crisis: error: ...`, not a file position.
    """
    from simulator.format.diagnostics import ScenarioError
    from simulator.format.scenario import load_scenario

    path = locate_or_fail(ref)
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise Failure(str(exc)) from None


def locate_or_fail(ref) -> Path:
    """The file of a scenario id or path (services.locate), or Failure."""
    from simulator.services import locate

    try:
        return locate(ref)
    except FileNotFoundError as exc:
        raise Failure(f"crisis: error: {exc}") from None


def parse_start(args):
    """--from, --clock and --set as a session Start (services.parse_start), usage errors as exit 2."""
    from simulator.services import StartError
    from simulator.services import parse_start as parse

    try:
        return parse(args.from_beat, args.clock, args.values)
    except StartError as exc:
        raise UsageError(str(exc)) from None


def check_start(scenario, start) -> None:
    from simulator.services import StartError
    from simulator.services import check_start as check

    try:
        check(scenario, start)
    except StartError as exc:
        raise UsageError(str(exc)) from None


# ---------------------------------------------------------------- commands


def open_home(args) -> int:
    from simulator.ui.app import run_app

    return run_app(workspace=workspace(args))


def cmd_play(args) -> int:
    scenario = load_or_fail(args.scenario)
    start = parse_start(args)
    check_start(scenario, start)
    from simulator.ui.app import run_app

    return run_app(scenario=scenario, seed=args.seed, trainee=args.trainee, start=start, workspace=workspace(args))


def cmd_list(args) -> int:
    from simulator.services import catalogue, catalogue_sources

    catalog = catalogue(catalogue_sources(args.paths))
    entries = [{
        "id": s.id, "title": s.title, "track": s.track, "difficulty": s.difficulty, "summary": s.summary,
        "time_limit": s.time_limit, "lesson": s.lesson, "source": s.source,
        "bundled": catalog.is_bundled(s), "path": str(s.path),
    } for s in catalog.scenarios]
    problems = [{"path": b.path, "errors": b.errors} for b in catalog.broken]
    if args.json:
        print(json_text(json.dumps({"scenarios": entries, "invalid": problems}, ensure_ascii=False)))
        return 0
    from simulator.format.durations import format_duration

    for track in ("onboarding", "drill"):
        rows = [e for e in entries if e["track"] == track]
        if not rows:
            continue
        print(f"{track.upper()}")
        for e in rows:
            print(f"  {e['id']:<28} {'★' * e['difficulty']:<5} {format_duration(e['time_limit']):>8}  {_clean(e['title'])}")
            print(f"  {'':<28} {clip(_clean(e['summary']), 100)}")
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
    """Scenario or transcript text printed on a terminal, on one line: controls shown, never obeyed."""
    return terminal(text, collapse=True)


def load_saved(args, ref):
    """A saved session replayed from its transcript (services.load_saved): Saved, or Failure.

    Every command that opens a saved session (report, playbook, fork, worst-case) goes through
    here; the notes (a transcript that replays differently, a cut-off last line) go to stderr.
    """
    from simulator.services import SavedSessionError
    from simulator.services import load_saved as load

    try:
        saved = load(workspace(args), ref)
    except SavedSessionError as exc:
        raise Failure(str(exc)) from None
    for note in saved.notes:
        print(note, file=sys.stderr)
    return saved


def cmd_validate(args) -> int:
    from simulator.format.scenario import scenario_files, validate_path

    all_diags, results = [], []
    for path in scenario_files(args.paths):
        diags = _validate_playtest(path) if path.name.endswith(PLAYTEST_SUFFIX) else validate_path(path)
        all_diags += diags
        results.append({"path": str(path), "valid": not diags, "diagnostics": [d.to_json() for d in diags]})
    if args.format == "json":
        print(json_text(json.dumps({"valid": not all_diags, "files": results}, ensure_ascii=False)))
    else:
        for d in all_diags:
            print(_clean_line(d.format()), file=sys.stderr)
        ok = sum(1 for r in results if r["valid"])
        print(f"{ok} of {len(results)} file{'s' if len(results) != 1 else ''} valid", file=sys.stderr if all_diags else sys.stdout)
    if not results:
        raise UsageError("no scenario files found")
    return 1 if all_diags else 0


PLAYTEST_SUFFIX = ".playtest.yaml"


def _validate_playtest(path: Path) -> list:
    """A `NAME.playtest.yaml` named on the command line (`crisis validate scenarios/*.yaml`) is
    checked as a play-test file, not as a scenario."""
    from simulator.authoring.playtest import read_playtests
    from simulator.format.diagnostics import Diagnostic, ScenarioError

    try:
        read_playtests(path)
    except ScenarioError as exc:
        return list(exc.diagnostics)
    except OSError as exc:
        return [Diagnostic(str(path), 1, 1, "error", "io", str(exc.strerror or exc))]
    return []


def _clean_line(text: str) -> str:
    return terminal(text)


def cmd_run(args) -> int:
    from simulator.format.diagnostics import ScenarioError
    from simulator.format.script import load_script
    from simulator.services import (
        ActionFailed,
        finish_and_score,
        new_session,
        open_session,
        play_actions,
    )

    scenario = load_or_fail(args.scenario)
    try:
        script = load_script(args.script)
    except ScenarioError as exc:
        raise Failure(str(exc)) from None
    if scenario.mode == "realtime" and len(script.actions) > limits.MAX_REALTIME_ACTIONS:
        raise Failure(f"{args.script}:1:1: error: range: a play script for a real-time scenario has at most "
                      f"{limits.MAX_REALTIME_ACTIONS} actions (this one has {len(script.actions):,})")
    seed = args.seed if args.seed is not None else (script.seed if script.seed is not None else 0)
    ws = workspace(args)
    if args.save:
        session = open_session(ws, scenario, seed, trainee=args.trainee)
    else:
        session = new_session(ws, scenario, seed)
    try:
        unplayed = play_actions(session, script.actions)
    except ActionFailed as exc:
        line, col = script.marks[exc.number - 1] if exc.number - 1 < len(script.marks) else (exc.number, 1)
        if args.trace:
            from simulator.authoring.tracing import render

            print("\n".join(render(session.trace)))
        raise Failure(f"{args.script}:{line}:{col}: error: bad-action: action {exc.number}: {exc.error}") from None
    if unplayed is not None:
        print(f"{args.script}: note: the scenario ended before action {unplayed}; the rest were not played", file=sys.stderr)
    card = finish_and_score(ws, session)
    saved = Path(session.writer.path).stem if args.save and session.writer is not None else None
    if args.json:
        out = card.to_json()
        if saved:
            out["session"] = saved
        if args.trace:
            out["trace"] = [entry.to_json() for entry in session.trace]
        print(json_text(json.dumps(out, ensure_ascii=False, sort_keys=True)))
    else:
        if args.trace:
            from simulator.authoring.tracing import render

            print("trace:")
            print("\n".join(render(session.trace, "  ")))
            print()
        from simulator.evaluate.examples import examples

        print(render_scorecard(card, scenario, examples(session)))
        if saved:
            print(f"\nsaved session {saved}  (report: crisis report {saved}, or crisis report latest)")
    return 0


def render_scorecard(card, scenario, messages=()) -> str:
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
        f"   neutral {m.get('neutral_reach', 0):,}   positive {m.get('positive_reach', 0):,}"
        f"   net sentiment {m['net_sentiment']:+.2f}   spillovers {m['spillovers']}",
        "",
        "Rules  " + "  ".join(f"{n}:{'✓' * v['kept']}{'✗' * v['broken']}" for n, v in card.rules.items() if v["kept"] or v["broken"]),
    ]
    if card.turning_points:
        lines += ["", "Turning points"]
        for tp in card.turning_points:
            arrow = "▲ helped" if tp.helped else "▼ hurt"
            rule_txt = f" — rule {tp.rule} {tp.verdict}: {rule(tp.rule).title}" if tp.rule else ""
            lines.append(f"  T+{format_duration(tp.t)} {arrow}: “{clip(_clean(tp.text), 90)}” (negative reach {tp.effect_negative_reach:+,}){rule_txt}")
    if messages:
        lines += ["", "Your messages, and what the author suggested"]
        for ex in messages:
            lines.append(f"  T+{format_duration(ex.t)} #{ex.n} {ex.kind.replace('_', ' ')}: “{clip(_clean(ex.text), 90)}”"
                         + (f" — {ex.rule_line}" if ex.rule else ""))
            if ex.same:
                lines.append("      author: the same, the best suggestion at that point")
            elif ex.suggestion:
                lines.append(f"      author: “{clip(_clean(ex.suggestion), 110)}”")
            if ex.reason and not ex.same:
                lines.append(f"      judge:  {clip(_clean(ex.reason), 110)}")
    if card.improvements:
        lines += ["", "To improve"]
        lines += [f"  - {_clean(f.text)}" + (f" “{clip(_clean(f.quote), 80)}”" if f.quote else "") for f in card.improvements[:6]]
    if card.strengths:
        lines += ["", "Strengths"]
        lines += [f"  + {_clean(f.text)}" for f in card.strengths[:6]]
    return "\n".join(lines)


def cmd_analyze(args) -> int:

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
                    print(json_text(json.dumps({"line": row.line, "error": row.error})), flush=False)
                    continue
                result = audit.judge_row(row, unreasonable=args.unreasonable)
                print(json_text(json.dumps(result, ensure_ascii=False, sort_keys=True)))
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
        print(json_text(json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True)))
        return 0
    print(audit.describe(result))
    return 0


def cmd_schema(args) -> int:
    from simulator.authoring.new import SCHEMA_NAME, SchemaConflict, schema_text, write_schema

    if not args.write:
        sys.stdout.write(schema_text())
        return 0
    try:
        path, changed = write_schema(args.write)
    except SchemaConflict as exc:
        raise Failure(f"{exc}:1:1: error: exists: a different file of that name is there; not overwritten") from None
    except OSError as exc:
        raise Failure(f"{args.write}:1:1: error: io: {exc.strerror or exc}") from None
    print(f"{'wrote' if changed else 'up to date:'} {path}")
    print(f"first line of a scenario in {args.write}:  # yaml-language-server: $schema=./{SCHEMA_NAME}", file=sys.stderr)
    return 0
