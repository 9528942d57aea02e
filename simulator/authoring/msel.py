"""Injects as a master scenario events list (MSEL): the spreadsheet exercise planners work in.

GUIDE.md section 5: one row per inject with sequence number, time (scenario offset), inject type,
delivery method, from, to, description, expected player action, objective and contingency. We
export those columns under the names planners know, plus the columns the engine needs (inject id,
condition, platform, valence, arousal, state set), and the spillovers (the day-after events
planners most need) as rows of their own, `Inject type` "spillover", whose Condition is their
threshold and whose Delay is their lag. A planner's own columns (Notes, Owner...) are kept in the
scenario under `msel:` and come back on the next export. Headers may use the HSEEP names ("Event #",
"Scenario Time", "Inject Mode", "Message").

Import checks every cell and reports `file.csv:row:col: error: CODE: message` (row and column as
the spreadsheet shows them), all in one pass, before anything is written. It then edits the
scenario in place with ruamel.yaml's round-trip mode: a value that did not change keeps its
spelling (`60m` stays `60m`, quotes stay), keys keep their order, comments stay where they were;
only changed cells are rewritten, new rows added, deleted rows removed.

The sheet is UTF-8 with a byte-order mark (so spreadsheets pick the right encoding), and every text
cell goes through `textsafe.spreadsheet`: no cell starts like a formula, and no control character
reaches the file raw. That last part is deliberately lossy: an escape character in a scenario comes
back from a round trip as the visible text `\\x1b`.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import difflib
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from simulator.format import conditions, schema
from simulator.format.diagnostics import Diagnostic, ScenarioError, did_you_mean
from simulator.format.durations import parse_duration
from simulator.format.scenario import Inject, Scenario, load_scenario_bytes
from simulator.format.textsafe import csv_value, spreadsheet

# (header, inject field) in sheet order; the first ten are the MSEL columns of GUIDE.md section 5.
# The last two only apply to spillover rows.
COLUMNS = (
    ("Seq", None),
    ("Time", "at"),
    ("Inject type", "kind"),
    ("Delivery method", "delivery"),
    ("From", "from"),
    ("To", "to"),
    ("Description", "text"),
    ("Expected player action", "expected"),
    ("Objective", "objective"),
    ("Contingency", "contingency"),
    ("Inject ID", "id"),
    ("Condition", "when"),
    ("Platform", "platform"),
    ("Valence", "valence"),
    ("Arousal", "arousal"),
    ("Set", "set"),
    ("Text when", "text_when"),
    ("Title", "title"),
    ("Delay", "delay"),
)
HEADERS = tuple(h for h, _ in COLUMNS)
FIELD = dict(COLUMNS)
REQUIRED = ("Description",)
SPILLOVER = "spillover"
# Other names for our columns: the HSEEP MSEL template's and what planners commonly write.
SYNONYMS = {
    "Seq": ("sequence", "sequence number", "#", "no.", "no", "number", "event #", "event no.", "event number",
            "inject #", "inject no.", "inject number", "msel #", "serial"),
    "Time": ("time (scenario offset)", "scenario time", "exercise time", "inject time", "offset", "time offset"),
    "Inject type": ("type", "event type", "inject category", "category"),
    "Delivery method": ("delivery", "inject mode", "mode", "method", "delivery mode", "means of delivery"),
    "From": ("sender", "source", "originator", "inject from"),
    "To": ("recipient", "recipients", "receiver", "player", "players", "inject to", "target"),
    "Description": ("text", "message", "inject", "event description", "inject description", "content",
                    "inject message", "description of event"),
    "Expected player action": ("expected action", "expected response", "expected outcome", "player action",
                               "expected player response", "expected actions"),
    "Objective": ("objectives", "exercise objective", "core capability", "capability"),
    "Contingency": ("contingency inject",),
    "Inject ID": ("id", "event id"),
    "Condition": ("when", "trigger"),
    "Title": ("headline",),
    "Delay": ("lag",),
}
_CANONICAL = {h.lower(): h for h in HEADERS} | {s: h for h, names in SYNONYMS.items() for s in names}
_ID = re.compile(schema.ID_PATTERN)
_SPILL_WHEN = re.compile(r"^\s*(reach|negative_reach|item_reach)\s*>=\s*(\d+)\s*$")
NUMERIC = frozenset({"Seq", "Time", "Valence", "Arousal", "Delay"})


def canonical(header: str) -> str | None:
    """Our name for a header (case and the usual synonyms ignored), or None for the planner's own column."""
    return _CANONICAL.get(" ".join(header.split()).lower())


def close_header(header: str) -> str | None:
    """The column a near-miss header was probably meant to be ('Descripton' -> 'Description')."""
    close = difflib.get_close_matches(" ".join(header.split()).lower(), list(_CANONICAL), n=1, cutoff=0.75)
    return _CANONICAL[close[0]] if close else None


# ---------------------------------------------------------------- export


def format_time(minutes: float | None) -> str:
    """'T+1h 30m' for whole minutes (what planners read), 'T+12.5m' otherwise (never lossy)."""
    if minutes is None:
        return ""
    return "T+" + format_duration(minutes)


def format_duration(minutes: float) -> str:
    """'1h 30m' for whole minutes, '12.5m' otherwise."""
    if float(minutes).is_integer():
        total = int(minutes)
        days, rest = divmod(total, 1440)
        hours, mins = divmod(rest, 60)
        parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins or not (days or hours) else ""]
        return " ".join(p for p in parts if p)
    return f"{minutes!r}m"


def _number(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value)) if abs(value) < 1e15 else repr(float(value))


def extras_of(data) -> dict[tuple[str, str], dict[str, str]]:
    """The planner's own columns stored in a scenario's plain data: (row kind, id) -> {header: cell}."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    if not isinstance(data, dict):
        return out
    ripple = data.get("ripple") if isinstance(data.get("ripple"), dict) else {}
    for kind, items in (("inject", data.get("injects")), (SPILLOVER, ripple.get("spillovers"))):
        for item in items or []:
            if isinstance(item, dict) and isinstance(item.get("msel"), dict):
                out[(kind, str(item.get("id")))] = {str(k): str(v) for k, v in item["msel"].items()}
    return out


def export_rows(scenario: Scenario, extras: dict | None = None) -> list[list[str]]:
    """The sheet as rows of raw text (header first); `extras` from `extras_of` adds the planner's columns."""
    extras = extras or {}
    own: list[str] = []
    for cells in extras.values():
        own += [name for name in cells if name not in own and canonical(name) is None]
    rows = [list(HEADERS) + own]

    def tail(kind: str, ident: str) -> list[str]:
        cells = extras.get((kind, ident), {})
        return [cells.get(name, "") for name in own]

    # Seq is the order in the file: it is also the order injects due at the same moment fire in.
    for seq, inject in enumerate(scenario.injects, start=1):
        rows.append([
            str(seq), format_time(inject.at), inject.kind, inject.delivery, inject.sender, inject.to, inject.text,
            inject.expected, inject.objective, inject.contingency, inject.id,
            inject.when.source if inject.when is not None else "", inject.platform,
            _number(inject.valence), _number(inject.arousal),
            json.dumps(dict(inject.set), ensure_ascii=False, sort_keys=True) if inject.set else "",
            _variants_cell(inject.texts), "", "",
            *tail("inject", inject.id),
        ])
    for seq, spill in enumerate(scenario.ripple.spillovers, start=len(scenario.injects) + 1):
        rows.append([
            str(seq), "", SPILLOVER, "", spill.group, "", spill.text, "", "", "", spill.id,
            f"{spill.metric} >= {spill.threshold}", spill.platform, _number(spill.valence), _number(spill.arousal), "",
            _variants_cell(getattr(spill, "texts", ())), spill.title, format_duration(spill.delay), *tail(SPILLOVER, spill.id),
        ])
    return rows


def _variants_cell(texts) -> str:
    """Conditional text (`text_when:`) as a JSON list, so import stays lossless."""
    return json.dumps([{"when": c.source, "text": t} for c, t in texts], ensure_ascii=False) if texts else ""


def _variants(row_no, cell, err, item: dict) -> None:
    raw, col = cell("Text when")
    if not raw.strip():
        return
    try:
        variants = json.loads(raw)
        if not isinstance(variants, list) or not all(isinstance(v, dict) and set(v) == {"when", "text"}
                                                      and isinstance(v["when"], str) and isinstance(v["text"], str)
                                                      for v in variants):
            raise ValueError("not a list of {\"when\": ..., \"text\": ...}")
        for v in variants:
            conditions.parse(v["when"])
        item["text_when"] = variants
    except (ValueError, RecursionError, conditions.ConditionError) as exc:
        err(row_no, col, "text-when", f"Text when must be a JSON list such as [{{\"when\": \"replies > 0\", \"text\": \"...\"}}]: {exc}")


def safe_rows(rows: list[list[str]]) -> list[list[str]]:
    """Every text cell through `textsafe.spreadsheet` (numbers and durations are ours: left alone)."""
    header = rows[0]
    text = [i for i, name in enumerate(header) if name not in NUMERIC]
    return [[spreadsheet(c) for c in header]] + [[spreadsheet(c) if i in text else c for i, c in enumerate(row)] for row in rows[1:]]


def export_csv(scenario: Scenario, extras: dict | None = None) -> str:
    """The sheet as CSV, UTF-8 with a byte-order mark (so spreadsheets read it as UTF-8)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer, lineterminator="\r\n").writerows(safe_rows(export_rows(scenario, extras)))
    return buffer.getvalue()


class MissingExtra(RuntimeError):
    """An optional dependency (openpyxl for xlsx) is not installed."""


def export_xlsx(scenario: Scenario, extras: dict | None = None) -> bytes:
    """The sheet as an Excel workbook: every text cell stored as text, never as a formula."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:
        raise MissingExtra("--format xlsx needs openpyxl: pip install 'crisis-tabletop[xlsx]' (or pip install openpyxl)") from None
    book = Workbook()
    sheet = book.active
    sheet.title = "MSEL"
    rows = safe_rows(export_rows(scenario, extras))
    numeric = {i for i, name in enumerate(rows[0]) if name in {"Seq", "Valence", "Arousal"}}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if r > 1 and c - 1 in numeric and value:
                cell.value = float(value) if "." in value or "e" in value else int(value)
            else:
                cell.value = value
                cell.data_type = "s"  # text even if it looks like a formula or a number
            if r == 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for c, name in enumerate(rows[0], start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = 40 if name in ("Description", "Expected player action") else 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- reading a sheet


@dataclass(frozen=True)
class ImportResult:
    injects: tuple[dict, ...]  # in the scenario format, ready for YAML
    diagnostics: tuple[Diagnostic, ...]
    spillovers: tuple[dict, ...] = ()  # the sheet's spillover rows, in the scenario format
    fields: frozenset[str] = frozenset()  # scenario keys the sheet has a column for (others are left alone)


def csv_rows(text: str, path: str) -> tuple[list[tuple[int, list[str]]], list[Diagnostic]]:
    """(row number as a spreadsheet shows it, cells) for each record; an unclosed quote is an error at its row."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    record = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return rows, []
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                message = "a quoted cell starts on this row and is never closed (a '\"' without its partner)"
                return rows, [Diagnostic(path, record, 1, "error", "csv", message)]
            return rows, [Diagnostic(path, reader.line_num, 1, "error", "csv", str(exc))]
        rows.append((record, [csv_value(c) for c in cells]))
        record = reader.line_num + 1


def xlsx_rows(raw: bytes, path: str) -> tuple[list[tuple[int, list[str]]], list[Diagnostic]]:
    """The first worksheet's rows as text (numbers as the sheet shows them)."""
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise MissingExtra("reading .xlsx needs openpyxl: pip install 'crisis-tabletop[xlsx]' (or pip install openpyxl)") from None
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:
        return [], [Diagnostic(path, 1, 1, "error", "xlsx", f"not a readable .xlsx workbook ({type(exc).__name__})")]
    rows = []
    for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        rows.append((number, [_xlsx_text(v) for v in values]))
    book.close()
    return rows, []


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return csv_value(str(value))


def import_csv(text: str, path: str = "<msel.csv>", state: dict | None = None) -> ImportResult:
    """Parse a CSV sheet (see `import_rows`)."""
    rows, problems = csv_rows(text, path)
    if problems:
        return ImportResult((), tuple(problems))
    return import_rows(rows, path, state)


def import_rows(records: Iterable[tuple[int, list[str]]], path: str = "<msel.csv>", state: dict | None = None) -> ImportResult:
    """Sheet rows into inject and spillover mappings; every bad cell is a diagnostic at its row and column.

    `state` (name -> declared type) lets import check `Set` and `Condition` against the scenario.
    """
    diags: list[Diagnostic] = []

    def err(row: int, col: int, code: str, message: str) -> None:
        diags.append(Diagnostic(path, row, col, "error", code, message))

    records = iter(records)
    try:
        _, header = next(records)
    except StopIteration:
        return ImportResult((), (Diagnostic(path, 1, 1, "error", "empty", "the sheet is empty; it needs a header row"),))
    columns: dict[str, int] = {}
    own: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = " ".join(str(raw).split())
        if not name:
            continue
        known = canonical(name)
        if known is None:
            near = close_header(name)
            if near is not None and near not in [canonical(h) for h in header]:
                err(1, i + 1, "unknown-column", f"unknown column '{name}' (did you mean '{near}'?); "
                    f"rename it, or give your own column a name further from ours")
            elif name in own:
                err(1, i + 1, "duplicate-column", f"column '{name}' appears twice")
            else:
                own[name] = i
            continue
        if known in columns:
            err(1, i + 1, "duplicate-column", f"column '{known}' appears twice ('{name}' and '{header[columns[known]]}')")
            continue
        columns[known] = i
    for name in REQUIRED:
        if name not in columns:
            err(1, 1, "missing-column", f"the sheet needs a '{name}' column")
    if "Time" not in columns and "Condition" not in columns:
        err(1, 1, "missing-column", "the sheet needs a 'Time' or a 'Condition' column")
    if diags:
        return ImportResult((), tuple(diags))

    injects: list[tuple[float, int, dict]] = []
    spills: list[tuple[float, int, dict]] = []
    ids: dict[str, int] = {}
    spill_ids: dict[str, int] = {}
    contingencies: list[tuple[int, int, str]] = []
    for row_no, cells in records:
        if not any(str(c).strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> tuple[str, int]:
            index = columns.get(name)
            if index is None or index >= len(cells):
                return "", (index + 1 if index is not None else 1)
            return cells[index], index + 1

        kind = cell("Inject type")[0].strip()
        seq, seq_col = cell("Seq")
        order = math.inf
        if seq.strip():
            try:
                order = float(seq.strip())
            except ValueError:
                err(row_no, seq_col, "type", f"Seq must be a number, got '{seq}'")
        if kind == SPILLOVER:
            item = _spillover_row(row_no, cell, err, spill_ids)
            target = spills
        else:
            item = _inject_row(row_no, cell, err, ids, state, len(injects) + 1, diags)
            target = injects
            if item.get("contingency"):
                contingencies.append((row_no, cell("Contingency")[1], item["contingency"]))
        mine = {name: cells[i] for name, i in own.items() if i < len(cells) and cells[i] != ""}
        for name, text in mine.items():
            if len(text) > 4000:
                err(row_no, own[name] + 1, "too-long", f"{name} is {len(text)} characters; at most 4000")
        if mine:
            item["msel"] = mine
        target.append((order, len(target), item))
    for row, col, ref in contingencies:
        if ref not in ids:
            err(row, col, "missing-inject", f"contingency '{ref}': no inject with that id in the sheet{did_you_mean(ref, ids)}")
    fields = frozenset(FIELD[c] for c in columns if FIELD[c]) | ({"msel"} if own else set())
    ordered = tuple(d for _, _, d in sorted(injects, key=lambda x: (x[0], x[1])))
    ordered_spills = tuple(d for _, _, d in sorted(spills, key=lambda x: (x[0], x[1])))
    diagnostics = tuple(sorted(diags, key=lambda d: (d.line, d.col, d.code)))
    if diagnostics:
        return ImportResult((), diagnostics, (), fields)
    return ImportResult(ordered, (), ordered_spills, fields)


def _row_id(row_no, cell, err, seen: dict, fallback: str) -> str:
    ident, col = cell("Inject ID")
    ident = ident.strip() or fallback
    if not _ID.match(ident):
        err(row_no, col, "bad-id", f"id '{ident}' must be letters, digits, _ . - (at most 64)")
    elif ident in seen:
        err(row_no, col, "duplicate-id", f"inject id '{ident}' is used twice (first on row {seen[ident]})")
    else:
        seen[ident] = row_no
    return ident


def _inject_row(row_no, cell, err, ids, state, position, diags) -> dict:
    kinds = schema.INJECT.fields["kind"].enum
    platforms = schema.INJECT.fields["platform"].enum
    seq = cell("Seq")[0].strip()
    inject: dict = {"id": _row_id(row_no, cell, err, ids, f"msel-{seq or position}")}
    ident = inject["id"]
    raw, col = cell("Time")
    if raw.strip():
        try:
            inject["at"] = parse_duration(raw)
        except ValueError as exc:
            err(row_no, col, "duration", f"Time: {exc}")
    raw, col = cell("Condition")
    if raw.strip():
        try:
            cond = conditions.parse(raw)
            unknown = sorted(cond.names - set(conditions.BUILTIN_NAMES) - set(state or {})) if state is not None else []
            for name in unknown:
                err(row_no, col, "unknown-name", f"Condition reads '{name}', which is neither a state variable nor built in"
                    f"{did_you_mean(name, [*conditions.BUILTIN_NAMES, *(state or {})])}")
            inject["when"] = raw.strip()
        except conditions.ConditionError as exc:
            err(row_no, col, "condition", f"Condition: {exc}")
    if "at" not in inject and "when" not in inject and not any(d.line == row_no for d in diags):
        err(row_no, cell("Time")[1] if cell("Time")[1] > 1 else cell("Condition")[1], "required",
            f"inject '{ident}' needs a Time, a Condition or both")
    for header, key, allowed in (("Inject type", "kind", kinds), ("Platform", "platform", platforms)):
        raw, col = cell(header)
        value = raw.strip()
        if value:
            choices = (*allowed, SPILLOVER) if key == "kind" else allowed
            if value not in allowed:
                err(row_no, col, "enum", f"{header} must be one of {', '.join(choices)}; got '{value}'{did_you_mean(value, choices)}")
            else:
                inject[key] = value
    for header, key, limit in (("From", "from", 200), ("To", "to", 200), ("Delivery method", "delivery", 200),
                               ("Description", "text", 4000), ("Expected player action", "expected", 4000),
                               ("Objective", "objective", 200), ("Contingency", "contingency", 200)):
        raw, col = cell(header)
        if len(raw) > limit:
            err(row_no, col, "too-long", f"{header} is {len(raw)} characters; at most {limit}")
        elif raw:
            inject[key] = raw
    if not inject.get("text", "").strip():
        err(row_no, cell("Description")[1], "required", f"inject '{ident}' needs a Description (what it says)")
    _unit_cells(row_no, cell, err, inject)
    raw, col = cell("Set")
    if raw.strip():
        try:
            inject["set"] = _set_cell(raw, state)
        except (ValueError, RecursionError) as exc:
            err(row_no, col, "set", f"Set must be a JSON object such as {{\"flag\": true}}: {exc}")
    _variants(row_no, cell, err, inject)
    for header in ("Title", "Delay"):
        raw, col = cell(header)
        if raw.strip():
            err(row_no, col, "spillover-only", f"{header} is for spillover rows (Inject type 'spillover'); leave it empty for an inject")
    return inject


def _spillover_row(row_no, cell, err, seen) -> dict:
    spill: dict = {"id": _row_id(row_no, cell, err, seen, f"spillover-{row_no}")}
    raw, col = cell("Condition")
    match = _SPILL_WHEN.match(raw)
    if match is None:
        err(row_no, col, "spillover", "a spillover's Condition is its threshold, e.g. 'negative_reach >= 800' "
            f"(reach, negative_reach or item_reach, then >= and a whole number); got '{raw.strip()}'")
    else:
        spill["metric"], spill["threshold"] = match.group(1), int(match.group(2))
    raw, col = cell("Time")
    if raw.strip():
        err(row_no, col, "spillover", "a spillover has no Time: it appears a Delay after its Condition first holds")
    raw, col = cell("Delay")
    if raw.strip():
        try:
            spill["delay"] = parse_duration(raw)
        except ValueError as exc:
            err(row_no, col, "duration", f"Delay: {exc}")
    raw, col = cell("Platform")
    platforms = schema.SPILLOVER.fields["platform"].enum
    if raw.strip():
        if raw.strip() not in platforms:
            err(row_no, col, "enum", f"Platform must be one of {', '.join(platforms)}; got '{raw.strip()}'{did_you_mean(raw.strip(), platforms)}")
        else:
            spill["platform"] = raw.strip()
    for header, key, limit in (("Title", "title", 4000), ("Description", "text", 4000), ("From", "group", 64)):
        raw, col = cell(header)
        if len(raw) > limit:
            err(row_no, col, "too-long", f"{header} is {len(raw)} characters; at most {limit}")
        elif raw.strip():
            spill[key] = raw.strip() if key == "group" else raw
    _unit_cells(row_no, cell, err, spill)
    _variants(row_no, cell, err, spill)
    for header in ("Delivery method", "To", "Expected player action", "Objective", "Contingency", "Set"):
        raw, col = cell(header)
        if raw.strip():
            err(row_no, col, "spillover-only", f"a spillover row has no {header}; put notes in a column of your own")
    return spill


def _unit_cells(row_no, cell, err, item: dict) -> None:
    for header, key, low in (("Valence", "valence", -1.0), ("Arousal", "arousal", 0.0)):
        raw, col = cell(header)
        if raw.strip():
            try:
                value = float(raw.strip())
                if not (low <= value <= 1.0):
                    raise ValueError
                item[key] = int(value) if value.is_integer() and "." not in raw else value
            except ValueError:
                err(row_no, col, "range", f"{header} must be a number from {low:g} to 1, got '{raw.strip()}'")


def _set_cell(raw: str, state: dict | None) -> dict:
    if len(raw) > 4000:
        raise ValueError("longer than 4000 characters")
    values = json.loads(raw)
    if not isinstance(values, dict):
        raise ValueError("not an object")
    for name, value in values.items():
        if not _ID.match(str(name)):
            raise ValueError(f"'{name}' is not a variable name")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"'{name}' must be finite")
        if not isinstance(value, bool | int | float | str):
            raise ValueError(f"'{name}' must be true/false, a number or text")
        if state is not None:
            if name not in state:
                raise ValueError(f"'{name}' is not a declared state variable{did_you_mean(name, state)}")
            expected = {"bool": bool, "int": int, "float": (int, float), "str": str}[state[name]]
            if not isinstance(value, expected) or (state[name] != "bool" and isinstance(value, bool)):
                raise ValueError(f"'{name}' is {state[name]}, not {value!r}")
    return values


# ---------------------------------------------------------------- YAML for printing


def quote(text: str) -> str:
    """A YAML double-quoted scalar that the safe loader reads back as exactly `text`."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == " " or (ch.isprintable() and code not in (0x85, 0x2028, 0x2029, 0xFEFF)):
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text and "." not in text.split("e")[0]:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        return text
    return quote(str(value))


_ORDER = ("id", "at", "when", "kind", "platform", "delivery", "from", "to", "text", "expected", "objective",
          "contingency", "valence", "arousal", "set", "text_when", "msel")
_SPILL_ORDER = ("id", "platform", "title", "text", "metric", "threshold", "delay", "valence", "arousal", "group",
                "text_when", "msel")
# spillover key -> the inject field of the column it is read from
_SPILL_COLUMN = {"platform": "platform", "title": "title", "text": "text", "metric": "when", "threshold": "when",
                 "delay": "delay", "valence": "valence", "arousal": "arousal", "group": "from", "text_when": "text_when",
                 "msel": "msel"}


def _mapping_lines(item: dict, order, indent: str) -> Iterator[str]:
    first = True
    for key in order:
        if key not in item:
            continue
        value = item[key]
        prefix = f"{indent}- " if first else f"{indent}  "
        first = False
        if key == "text_when":
            yield f"{prefix}text_when:"
            yield from (f"{indent}    - {{when: {_scalar(v['when'])}, text: {_scalar(v['text'])}}}" for v in value)
        elif key in ("set", "msel"):
            yield f"{prefix}{key}:"
            yield from (f"{indent}    {_scalar(str(k)) if key == 'msel' else k}: {_scalar(v)}" for k, v in value.items())
        elif key in ("at", "delay"):
            whole = float(value).is_integer()
            yield f"{prefix}{key}: {format_duration(value) if whole else _scalar(float(value))}"
        else:
            yield f"{prefix}{key}: {_scalar(value)}"


def injects_yaml(injects, spillovers=()) -> str:
    """The `injects:` section (and the sheet's spillovers), block style, every string quoted."""
    lines = ["injects:"] if injects else ["injects: []"]
    for inject in injects:
        lines += _mapping_lines(inject, _ORDER, "  ")
    if spillovers:
        lines += ["ripple:", "  spillovers:"]
        for spill in spillovers:
            lines += _mapping_lines(spill, _SPILL_ORDER, "    ")
    return "\n".join(lines) + "\n"


def inject_key(inject: Inject) -> tuple:
    """An inject as comparable data (conditions compare by their text)."""
    data = {f.name: getattr(inject, f.name) for f in dataclasses.fields(inject)}
    data["when"] = inject.when.source if inject.when is not None else None
    data["texts"] = tuple((c.source, t) for c, t in inject.texts)
    return tuple(sorted(data.items()))


# ---------------------------------------------------------------- editing the scenario in place


def _same(key: str, old, new) -> bool:
    """Whether a value in the file already says what the sheet says (so its spelling is kept)."""
    try:
        if key in ("at", "delay"):
            return parse_duration(old) == float(new)
        if key in ("valence", "arousal", "threshold"):
            return not isinstance(old, bool) and float(old) == float(new)
        if key == "text_when":
            return isinstance(old, list) and [{"when": str(v.get("when")), "text": str(v.get("text"))} for v in old] == list(new)
        if key in ("set", "msel"):
            return isinstance(old, dict) and {str(k): v for k, v in old.items()} == dict(new)
        if key == "when":
            return " ".join(str(old).split()) == " ".join(str(new).split())
        return isinstance(old, str) and old == new
    except (TypeError, ValueError):
        return False


def _styled(key: str, old, new):
    """The new value in the old one's style (quoted stays quoted; durations as '1h 30m')."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import ScalarString

    if key in ("at", "delay"):
        return format_duration(new) if float(new).is_integer() else float(new)
    if isinstance(new, dict):
        out = CommentedMap()
        for k, v in new.items():
            out[k] = v
        if old is not None and hasattr(old, "fa") and old.fa.flow_style():
            out.fa.set_flow_style()
        return out
    if isinstance(new, str) and isinstance(old, ScalarString) and "\n" not in new:
        return type(old)(new)
    return new


def _default(kind: str, key: str):
    obj = schema.INJECT if kind == "inject" else schema.SPILLOVER
    field = obj.fields.get(key)
    return None if field is None or field.default is schema._MISSING else field.default


def _update(item, new: dict, fields: frozenset[str], order, kind: str) -> None:
    """Make the mapping `item` say what `new` says for every key the sheet has a column for."""
    for key in (k for k in order if k in fields or k == "id"):
        if key in new:
            if key in item:
                if not _same(key, item[key], new[key]):
                    item[key] = _styled(key, item[key], new[key])
                continue
            default = _default(kind, key)
            if default is not None and _same(key, default, new[key]):
                continue  # the sheet shows the default: the file need not spell it out
            position = sum(1 for k in item if k in order and order.index(k) < order.index(key))
            item.insert(position, key, _styled(key, None, new[key]))
        elif key in item and key != "id":
            del item[key]


def _new_mapping(new: dict, order, kind: str):
    from ruamel.yaml.comments import CommentedMap

    item = CommentedMap()
    _update(item, new, frozenset(order), order, kind)
    return item


def _sync(seq, rows: tuple[dict, ...], fields, order, kind: str) -> None:
    """Make the list `seq` hold `rows` in order: matching ids edited in place, others added or removed."""
    existing = {str(m.get("id")): m for m in seq if hasattr(m, "get")}
    wanted = []
    for row in rows:
        item = existing.get(row["id"])
        if item is None:
            item = _new_mapping(row, order, kind)
        else:
            _update(item, row, fields, order, kind)
        wanted.append(item)
    if [id(m) for m in seq] != [id(m) for m in wanted]:
        # Comments ride on the items they follow; rebuild only when the order or the members change.
        for _ in range(len(seq)):
            seq.pop()
        seq.extend(wanted)


def _represent_float(rep, value):
    """A float as written (ruamel keeps its spelling) unless that spelling would not read back exactly."""
    from ruamel.yaml.representer import RoundTripRepresenter
    from ruamel.yaml.scalarfloat import ScalarFloat

    if isinstance(value, ScalarFloat):
        node = RoundTripRepresenter.represent_scalar_float(rep, value)
        with contextlib.suppress(ValueError):
            if float(node.value) == float(value):
                return node
    return rep.represent_scalar("tag:yaml.org,2002:float", _scalar(float(value)))


def _round_trip(text: str):
    """A ruamel round-trip loader/dumper set to the file's own indentation, and the loaded document.

    The bundled style (`key:` then `  - item`) is tried first, then ruamel's guess; the one that
    writes the untouched document back byte for byte wins.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.scalarfloat import ScalarFloat
    from ruamel.yaml.util import load_yaml_guess_indent

    _, guess_indent, guess_offset = load_yaml_guess_indent(text)
    styles = [(4, 2)]
    if guess_indent is not None:
        styles.append((max(guess_indent, (guess_offset or 0) + 2), guess_offset or 0))
    chosen = None
    for sequence, offset in styles:
        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        yaml.width = 1 << 16
        yaml.indent(mapping=2, sequence=sequence, offset=offset)
        # Floats written exactly (repr), as the safe loader reads them back; ruamel's own style rounds tiny ones.
        yaml.representer.add_representer(float, _represent_float)
        yaml.representer.add_representer(ScalarFloat, _represent_float)
        data = yaml.load(text)
        out = io.StringIO()
        yaml.dump(data, out)
        if chosen is None or out.getvalue() == text:
            chosen = (yaml, data)
        if out.getvalue() == text:
            break
    return chosen


def edit_yaml(text: str, result: ImportResult) -> str:
    """The scenario text with the sheet applied in place (ruamel.yaml round-trip: comments, quotes, order kept)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml, data = _round_trip(text)
    if not isinstance(data, CommentedMap):
        raise ValueError("the scenario is not a mapping")
    seq = data.get("injects")
    if not result.injects and seq is None:
        pass
    elif not isinstance(seq, CommentedSeq):
        seq = CommentedSeq()
        if "injects" in data:
            data["injects"] = seq
        else:
            keys = list(data)
            before = next((i for i, k in enumerate(keys) if k in ("end", "objectives", "scoring", "tests")), len(keys))
            data.insert(before, "injects", seq)
    if isinstance(seq, CommentedSeq):
        _sync(seq, result.injects, result.fields, _ORDER, "inject")
    if result.spillovers:
        ripple = data.get("ripple")
        if not isinstance(ripple, CommentedMap):
            ripple = data["ripple"] = CommentedMap()
        spills = ripple.get("spillovers")
        if not isinstance(spills, CommentedSeq):
            spills = ripple["spillovers"] = CommentedSeq()
        spill_fields = frozenset(k for k, f in _SPILL_COLUMN.items() if f in result.fields)
        _sync(spills, result.spillovers, spill_fields, _SPILL_ORDER, SPILLOVER)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def write_into(scenario_path, result: ImportResult) -> Scenario:
    """Apply the sheet to a scenario file; the file is only written if the result loads."""
    p = Path(scenario_path)
    text = p.read_text(encoding="utf-8")
    new_text = edit_yaml(text, result)
    try:
        scenario = load_scenario_bytes(new_text.encode("utf-8"), str(p), base_dir=p.parent)
    except ScenarioError as exc:
        raise ScenarioError([Diagnostic(d.path, d.line, d.col, d.severity, d.code, d.message + " (after the import; the file was not changed)")
                             for d in exc.diagnostics]) from None
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(new_text, encoding="utf-8")
    tmp.replace(p)
    return scenario

