"""The authoring toolchain's commands: new, lint, graph, test, fuzz, stats, msel export/import.

Thin wrappers: parse, call simulator.authoring, print, exit 0/1/2 (PRODUCT.md section 5). Every
line that carries author text goes through `clean()`, so a scenario cannot drive the terminal.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from simulator.cli.core import load_or_fail, locate_or_fail
from simulator.cli.errors import Failure, UsageError
from simulator.format.textsafe import json_text, terminal


def register(sub) -> None:
    p = sub.add_parser("new", help="write a commented, valid, playable starter scenario")
    p.add_argument("name", help="scenario name; the file is NAME.yaml (slugged)")
    p.add_argument("--track", choices=("onboarding", "drill"), default="onboarding", help="onboarding: one trainee; drill: a team with roles")
    p.add_argument("-o", "--output", metavar="DIR", default=".", help="folder to write into (default: here)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("lint", help="warn about unreachable content, impossible conditions, unused state...")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--format", choices=("text", "json"), default="text", help="json: one JSON object on stdout")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are warnings (errors still exit 1)")
    p.add_argument("--list-codes", action="store_true", help="print every warning code with what it means")
    p.set_defaults(handler=cmd_lint)

    p = sub.add_parser("graph", help="the flow of beats, choices, storylets and injects as Mermaid or DOT")
    p.add_argument("scenario", metavar="PATH")
    p.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(handler=cmd_graph)

    p = sub.add_parser("test", help="run scripted playthrough tests (tests: and *.playtest.yaml)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("-k", dest="select", metavar="NAME", help="only tests whose name contains NAME")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print each test's trace: beats, injects, customer lines, matches, promises, state, choices not on offer")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_test)

    p = sub.add_parser("fuzz", help="seeded random playthroughs: errors, dead ends, unreached content, score spread")
    p.add_argument("scenario", metavar="PATH")
    p.add_argument("--runs", type=int, default=100, help="how many playthroughs")
    p.add_argument("--seed", type=int, default=0, help="run i uses seed SEED+i")
    p.add_argument("--max-actions", type=int, default=30, help="actions per run before the robot lets the clock run out")
    p.add_argument("--show", type=int, metavar="SEED", help="print the play script of the run with this seed, and its score")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_fuzz)

    p = sub.add_parser("stats", help="beats, choices, injects, words, shortest and longest path")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser("msel", help="injects and spillovers as a master scenario events list (CSV or xlsx)")
    msel_sub = p.add_subparsers(dest="msel_command", metavar="export|import")
    e = msel_sub.add_parser("export", help="write the injects and spillovers of a scenario as an MSEL sheet")
    e.add_argument("scenario", metavar="PATH")
    e.add_argument("-o", "--output", metavar="FILE", help="where to write (default: standard output, CSV only)")
    e.add_argument("--format", choices=("csv", "xlsx"), default=None,
                   help="csv (UTF-8 with BOM) or xlsx (needs openpyxl: pip install 'crisis-tabletop[xlsx]'); "
                        "default: from the output's extension, else csv")
    e.set_defaults(handler=cmd_msel_export)
    i = msel_sub.add_parser("import", help="apply an MSEL sheet (CSV or .xlsx) to a scenario's injects and spillovers")
    i.add_argument("csv", metavar="FILE.csv|FILE.xlsx")
    i.add_argument("-o", "--output", metavar="PATH",
                   help="scenario file edited in place, comments and quoting kept (default: print the YAML)")
    i.set_defaults(handler=cmd_msel_import)
    p.set_defaults(handler=_msel_usage)


def _clean(text: str) -> str:
    return terminal(text)


def _out(line: str = "") -> None:
    print(_clean(line))


def _diag(line: str) -> None:
    """A diagnostic (error or warning about a file): always standard error, results stay on standard output."""
    print(_clean(line), file=sys.stderr)


# ---------------------------------------------------------------- new


def cmd_new(args) -> int:
    from simulator.authoring.new import SchemaConflict, slug, write_starter

    if not args.name.strip():
        raise UsageError("new needs a NAME")
    try:
        path = write_starter(args.name, args.track, args.output, force=args.force)
    except SchemaConflict as exc:
        raise Failure(f"{exc}:1:1: error: exists: a different file of that name is in the way of the scenario "
                      "JSON Schema; move it, or write the scenario into another folder") from None
    except FileExistsError:
        raise Failure(f"{Path(args.output) / (slug(args.name) + '.yaml')}:1:1: error: exists: the file already exists "
                      "(use --force to overwrite it)") from None
    except OSError as exc:
        raise Failure(f"{args.output}:1:1: error: io: {exc.strerror or exc}") from None
    _out(f"wrote {path}")
    _out(f"next: crisis lint {path} && crisis test {path} && crisis play {path}")
    return 0


# ---------------------------------------------------------------- lint


def cmd_lint(args) -> int:
    from simulator.authoring.lint import CODES, lint_path
    from simulator.format.scenario import scenario_files

    if args.list_codes:
        for code, text in CODES.items():
            _out(f"{code:<22} {text}")
        return 0
    files = scenario_files(args.paths)
    if not files:
        raise UsageError("lint needs at least one scenario file")
    results = [lint_path(f) for f in files]
    warnings = sum(1 for r in results for d in r.diagnostics if d.severity == "warning")
    errors = sum(1 for r in results for d in r.diagnostics if d.severity == "error")
    if args.format == "json":
        print(json_text(json.dumps({"files": [r.to_json() for r in results], "warnings": warnings, "errors": errors}, ensure_ascii=False)))
    else:
        for r in results:
            for d in r.diagnostics:
                _diag(d.format())
        suppressed = sum(r.suppressed for r in results)
        summary = f"{len(results)} file{'s' if len(results) != 1 else ''}: {warnings} warning{'s' if warnings != 1 else ''}"
        if errors:
            summary += f", {errors} error{'s' if errors != 1 else ''} (invalid files are not linted; fix the errors first)"
        if suppressed:
            summary += f" ({suppressed} suppressed)"
        _out(summary)
    if errors:
        return 1
    return 0 if (warnings == 0 or args.exit_zero) else 1


# ---------------------------------------------------------------- graph


def cmd_graph(args) -> int:
    from simulator.authoring.graph import render
    text = render(load_or_fail(args.scenario), args.format)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise Failure(f"{args.output}:1:1: error: io: {exc.strerror or exc}") from None
        _out(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


# ---------------------------------------------------------------- test


def cmd_test(args) -> int:
    from simulator.authoring.playtest import SUFFIX, collect, run_suite
    from simulator.format.diagnostics import ScenarioError

    targets: list[Path] = []
    for raw in args.paths:
        p = Path(raw)
        if p.is_dir():
            targets += sorted(x for x in p.glob("*.yaml") if not x.name.endswith(SUFFIX))
        else:
            targets.append(locate_or_fail(raw))
    results, problems = [], []
    for target in targets:
        try:
            suite = collect(target)
        except ScenarioError as exc:
            problems += exc.diagnostics
            continue
        if args.select:
            suite.tests = [t for t in suite.tests if args.select in t.name]
        results += run_suite(suite)
    passed = sum(1 for r in results if r.passed)
    failed = len(results) - passed
    if args.json:
        print(json_text(json.dumps({"passed": passed, "failed": failed, "errors": [d.to_json() for d in problems],
                                    "tests": [{**r.to_json(), **({"trace": r.trace_json()} if args.verbose else {})}
                                              for r in results]}, ensure_ascii=False)))
    else:
        for d in problems:
            _diag(d.format())
        for r in results:
            status = "PASS" if r.passed else ("ERROR" if r.error else "FAIL")
            score = f"overall {r.overall} ({r.grade}), {r.outcome.replace('_', ' ')}, negative reach {r.negative_reach:,}" if r.overall is not None else ""
            _out(f"{status:<5} {r.test.where} {r.test.name}" + (f"  [{score}]" if score else ""))
            for failure in r.failures:
                _out(f"        {failure}")
            if args.verbose:
                from simulator.authoring.tracing import render

                for line in render(r.trace, "      "):
                    _out(line)
        _out(f"{passed} passed, {failed} failed" + (f", {len(problems)} file errors" if problems else ""))
    if not results and not problems:
        _out("no tests found (add a tests: section or a NAME.playtest.yaml file)")
    return 1 if (failed or problems) else 0


# ---------------------------------------------------------------- fuzz


def cmd_fuzz(args) -> int:
    from simulator.authoring.fuzz import fuzz, playthrough
    if args.runs < 1 or args.runs > 100_000:
        raise UsageError("--runs must be between 1 and 100000")
    if args.max_actions < 1 or args.max_actions > 1000:
        raise UsageError("--max-actions must be between 1 and 1000")
    scenario = load_or_fail(args.scenario)
    if args.show is not None:
        run = playthrough(scenario, args.show, args.max_actions)
        from simulator.authoring.msel import quote

        _out(f"# crisis run {args.scenario} --script THIS_FILE  (fuzz run, seed {args.show})")
        _out(f"seed: {args.show}")
        _out("actions:" if run.actions else "actions: []")
        for action in run.actions:
            (kind, value), = action.items()
            if isinstance(value, dict):
                inner = ", ".join(f"{k}: {quote(v) if isinstance(v, str) else v}" for k, v in value.items())
                _out(f"  - {kind}: {{{inner}}}")
            else:
                _out(f"  - {kind}: {quote(value) if isinstance(value, str) else value}")
        _out(f"# overall {run.overall}, outcome {run.outcome}" if run.overall is not None else f"# error: {run.error}")
        return 1 if run.error else 0
    from simulator.cli._progress import progress_bar

    with progress_bar("fuzz", "runs") as progress:
        report = fuzz(scenario, args.runs, args.seed, args.max_actions, progress=progress)
    if args.json:
        print(json_text(json.dumps(report.to_json(), ensure_ascii=False)))
        return 1 if report.failed else 0
    _out(f"{scenario.id}: {report.runs} runs, seeds {args.seed}..{args.seed + report.runs - 1}")
    errors = [p for p in report.problems if p.kind == "error"]
    dead = [p for p in report.problems if p.kind == "dead_end"]
    _out(f"errors: {len(errors)}")
    for p in errors:
        _out(f"  seed {p.seed}: {p.message}")
    _out(f"dead ends: {len(dead)}")
    for p in dead:
        _out(f"  seed {p.seed}: {p.message}")
    s = report.spread
    if s:
        _out(f"overall score: min {s['min']} (seed {s['min_seed']})  p10 {s['p10']:g}  median {s['median']:g}  "
             f"p90 {s['p90']:g}  max {s['max']} (seed {s['max_seed']})")
        _out("outcomes: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report.outcomes.items()))
    lines = {line.id: line for line in scenario.persona.lines}
    never = report.never_reached
    if any(never.values()):
        _out("never reached:")
        for kind, ids in never.items():
            if not ids:
                continue
            if kind == "lines":
                shown = [f"{i} ({lines[i].trigger}/{lines[i].mood}: “{lines[i].text[:40]}”)" for i in ids]
                _out(f"  lines ({len(ids)}):")
                for item in shown:
                    _out(f"    {item}")
            else:
                _out(f"  {kind}: {', '.join(ids)}")
    else:
        _out("never reached: nothing (every beat, choice, line, inject and spillover was reached)")
    if report.obvious:
        _out("obvious choices:")
        for p in report.obvious:
            _out(f"  {p.where}: {p.message}")
    else:
        _out("obvious choices: none")
    _out(f"reproduce a run: crisis fuzz {args.scenario} --show SEED")
    return 1 if report.failed else 0


# ---------------------------------------------------------------- stats


def cmd_stats(args) -> int:
    from simulator.authoring.stats import stats_of
    rows = []
    for ref in args.paths:
        scenario = load_or_fail(ref)
        rows.append((scenario, stats_of(scenario)))
    if args.json:
        print(json_text(json.dumps({"scenarios": [{"id": s.id, "path": s.path, **st.to_json()} for s, st in rows]}, ensure_ascii=False)))
        return 0
    for scenario, st in rows:
        _out(f"{scenario.id} ({scenario.path})")
        _out(f"  beats       {st.beats} ({st.storylets} storylet{'s' if st.storylets != 1 else ''}, {st.end_beats} end)")
        _out(f"  choices     {st.choices}")
        _out(f"  lines       {st.lines}")
        _out(f"  injects     {st.injects} ({st.timed_injects} timed)")
        _out(f"  spillovers  {st.spillovers}")
        _out(f"  roles       {st.roles}   remedies {st.remedies}   state variables {st.variables}")
        _out(f"  objectives  {st.objectives}   tests {st.tests}")
        _out(f"  words       {st.words:,} (about {st.reading_minutes:g} min of reading)")
        if st.shortest:
            _out(f"  shortest    {len(st.shortest)} beat{'s' if len(st.shortest) != 1 else ''}: {' → '.join(st.shortest)}")
            _out(f"  longest     {len(st.longest)} beat{'s' if len(st.longest) != 1 else ''}: {' → '.join(st.longest)}")
            _out(f"  paths       {st.paths} from the first beat")
    return 0


# ---------------------------------------------------------------- msel


def _msel_usage(args) -> int:
    raise UsageError("msel needs a subcommand: crisis msel export PATH -o FILE.csv | crisis msel import FILE.csv -o PATH")


def cmd_msel_export(args) -> int:
    from simulator.authoring.msel import MissingExtra, export_csv, export_xlsx, extras_of
    from simulator.format.yamlsafe import YamlError, load_path

    scenario = load_or_fail(args.scenario)
    try:
        extras = extras_of(load_path(locate_or_fail(args.scenario)).data)
    except (YamlError, OSError):
        extras = {}
    fmt = args.format or ("xlsx" if str(args.output or "").lower().endswith(".xlsx") else "csv")
    rows = len(scenario.injects) + len(scenario.ripple.spillovers)
    if fmt == "xlsx":
        if not args.output:
            raise UsageError("--format xlsx writes a file: add -o FILE.xlsx")
        try:
            data = export_xlsx(scenario, extras)
        except MissingExtra as exc:
            raise Failure(f"crisis: error: {exc}") from None
    else:
        data = export_csv(scenario, extras).encode("utf-8")
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise Failure(f"{args.output}:1:1: error: io: {exc.strerror or exc}") from None
        spills = len(scenario.ripple.spillovers)
        _out(f"wrote {args.output} ({rows} row{'s' if rows != 1 else ''}: {len(scenario.injects)} "
             f"inject{'s' if len(scenario.injects) != 1 else ''}, {spills} spillover{'s' if spills != 1 else ''})")
    else:
        sys.stdout.flush()
        if hasattr(sys.stdout, "buffer"):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data.decode("utf-8"))
    return 0


def cmd_msel_import(args) -> int:
    from simulator.authoring.msel import (
        MissingExtra,
        csv_rows,
        import_rows,
        injects_yaml,
        write_into,
        xlsx_rows,
    )
    from simulator.format.diagnostics import ScenarioError
    from simulator.format.yamlsafe import YamlError, load_path

    try:
        if not Path(args.csv).is_file():
            raise Failure(f"{args.csv}:1:1: error: io: not a regular file")
        with Path(args.csv).open("rb") as handle:
            raw = handle.read(2_000_001)  # bounded: a FIFO or /dev/zero cannot hang or exhaust it
    except OSError as exc:
        raise Failure(f"{args.csv}:1:1: error: io: {exc.strerror or exc}") from None
    if len(raw) > 2_000_000:
        raise Failure(f"{args.csv}:1:1: error: too-large: the sheet is {len(raw):,} bytes; the limit is 2,000,000")
    if raw.startswith(b"PK\x03\x04") or args.csv.lower().endswith(".xlsx"):
        try:
            rows, problems = xlsx_rows(raw, args.csv)
        except MissingExtra as exc:
            raise Failure(f"crisis: error: {exc}") from None
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise Failure(f"{args.csv}:{line}:1: error: encoding: the sheet is not UTF-8 (save it as 'CSV UTF-8')") from None
        rows, problems = csv_rows(text, args.csv)
    if problems:
        raise Failure("\n".join(_clean(d.format()) for d in problems))
    state = None
    if args.output:
        try:
            data = load_path(args.output).data
        except (YamlError, OSError) as exc:
            raise Failure(f"{args.output}:1:1: error: io: cannot read the scenario to update ({exc})") from None
        declared = (data or {}).get("state") if isinstance(data, dict) else None
        state = {k: v.get("type") for k, v in (declared or {}).items() if isinstance(v, dict)}
    result = import_rows(rows, args.csv, state)
    if result.diagnostics:
        raise Failure("\n".join(_clean(d.format()) for d in result.diagnostics))
    if not args.output:
        sys.stdout.write(_clean_lines(injects_yaml(result.injects, result.spillovers)))
        return 0
    try:
        write_into(args.output, result)
    except ScenarioError as exc:
        raise Failure("\n".join(_clean(d.format()) for d in exc.diagnostics)) from None
    n, s = len(result.injects), len(result.spillovers)
    spills = f", {s} spillover{'s' if s != 1 else ''}" if s else " (spillovers left as they were: the sheet has none)"
    _out(f"updated {args.output}: {n} inject{'s' if n != 1 else ''}{spills} from {args.csv}")
    return 0


def _clean_lines(text: str) -> str:
    return "".join(_clean(line) + "\n" for line in text.splitlines())
