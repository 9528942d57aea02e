"""Injects as a master scenario events list (MSEL): the spreadsheet exercise planners work in.

GUIDE.md section 5: one row per inject with sequence number, time (scenario offset), inject type,
delivery method, from, to, description, expected player action, objective and contingency. We
export those columns under the names planners know, plus the columns the engine needs (inject id,
condition, platform, valence, arousal, state set), so a sheet round-trips without loss: export,
edit in a spreadsheet, import, and the injects are equal. Import checks every cell and reports
`file.csv:row:col: error: CODE: message` (row and column as the spreadsheet shows them), all in
one pass, before anything is written. It replaces the `injects:` section of a scenario file and
leaves the rest of the file, comments included, as it was; the YAML it writes quotes every string
and uses no anchors, so it reads back through the safe loader exactly.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from simulator.format import conditions, schema
from simulator.format.diagnostics import Diagnostic, ScenarioError, did_you_mean
from simulator.format.durations import parse_duration
from simulator.format.scenario import Inject, Scenario, load_scenario_bytes
from simulator.format.textsafe import csv_cell, csv_value
from simulator.format.yamlsafe import load_text

# (header, inject field) in sheet order; the first ten are the MSEL columns of GUIDE.md section 5.
COLUMNS = (
    ("Seq", None),
    ("Time", "at"),
    ("Inject type", "kind"),
    ("Delivery method", "delivery"),
    ("From", "sender"),
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
)
HEADERS = tuple(h for h, _ in COLUMNS)
REQUIRED = ("Description",)
_ALIASES = {"sequence": "Seq", "sequence number": "Seq", "#": "Seq", "no.": "Seq", "time (scenario offset)": "Time",
            "type": "Inject type", "delivery": "Delivery method", "expected action": "Expected player action",
            "id": "Inject ID", "when": "Condition", "text": "Description"}
_ID = re.compile(schema.ID_PATTERN)


# ---------------------------------------------------------------- export


def format_time(minutes: float | None) -> str:
    """'T+1h 30m' for whole minutes (what planners read), 'T+12.5m' otherwise (never lossy)."""
    if minutes is None:
        return ""
    if float(minutes).is_integer():
        total = int(minutes)
        days, rest = divmod(total, 1440)
        hours, mins = divmod(rest, 60)
        parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins or not (days or hours) else ""]
        return "T+" + " ".join(p for p in parts if p)
    return f"T+{minutes!r}m"


def _number(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value)) if abs(value) < 1e15 else repr(float(value))


def export_rows(scenario: Scenario) -> list[list[str]]:
    rows = [list(HEADERS)]
    # Seq is the order in the file: it is also the order injects due at the same moment fire in.
    for seq, inject in enumerate(scenario.injects, start=1):
        rows.append([
            str(seq), format_time(inject.at), inject.kind, inject.delivery, inject.sender, inject.to, inject.text,
            inject.expected, inject.objective, inject.contingency, inject.id,
            inject.when.source if inject.when is not None else "", inject.platform,
            _number(inject.valence), _number(inject.arousal),
            json.dumps(dict(inject.set), ensure_ascii=False, sort_keys=True) if inject.set else "",
            json.dumps([{"when": c.source, "text": t} for c, t in inject.texts], ensure_ascii=False) if inject.texts else "",
        ])
    return rows


NUMERIC = frozenset({"Seq", "Time", "Valence", "Arousal"})


def export_csv(scenario: Scenario) -> str:
    """The sheet as CSV; text cells never start like a formula (textsafe.csv_cell; import undoes it)."""
    buffer = io.StringIO()
    rows = export_rows(scenario)
    text_columns = [i for i, name in enumerate(HEADERS) if name not in NUMERIC]
    safe = [rows[0]] + [[csv_cell(c) if i in text_columns else c for i, c in enumerate(row)] for row in rows[1:]]
    csv.writer(buffer, lineterminator="\r\n").writerows(safe)
    return buffer.getvalue()


# ---------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportResult:
    injects: tuple[dict, ...]  # in the scenario format, ready for YAML
    diagnostics: tuple[Diagnostic, ...]


def import_csv(text: str, path: str = "<msel.csv>", state: dict | None = None) -> ImportResult:
    """Parse a sheet into inject mappings; every bad cell is a diagnostic at its row and column.

    `state` (name -> declared type) lets import check `Set` and `Condition` against the scenario.
    """
    diags: list[Diagnostic] = []

    def err(row: int, col: int, code: str, message: str) -> None:
        diags.append(Diagnostic(path, row, col, "error", code, message))

    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return ImportResult((), (Diagnostic(path, 1, 1, "error", "empty", "the sheet is empty; it needs a header row"),))
    except csv.Error as exc:
        return ImportResult((), (Diagnostic(path, 1, 1, "error", "csv", str(exc)),))
    columns: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = raw.strip()
        canonical = next((h for h in HEADERS if h.lower() == name.lower()), None) or _ALIASES.get(name.lower())
        if canonical is None:
            if name:
                err(1, i + 1, "unknown-column", f"unknown column '{name}'{did_you_mean(name, HEADERS)}; the columns are {', '.join(HEADERS)}")
            continue
        if canonical in columns:
            err(1, i + 1, "duplicate-column", f"column '{canonical}' appears twice")
            continue
        columns[canonical] = i
    for name in REQUIRED:
        if name not in columns:
            err(1, 1, "missing-column", f"the sheet needs a '{name}' column")
    if "Time" not in columns and "Condition" not in columns:
        err(1, 1, "missing-column", "the sheet needs a 'Time' or a 'Condition' column")
    if diags:
        return ImportResult((), tuple(diags))

    kinds = schema.INJECT.fields["kind"].enum
    platforms = schema.INJECT.fields["platform"].enum
    injects: list[tuple[float, int, dict]] = []
    ids: dict[str, int] = {}
    contingencies: list[tuple[int, int, str]] = []
    row_no = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            err(reader.line_num, 1, "csv", str(exc))
            break
        row_no = reader.line_num - _extra_lines(cells)
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> tuple[str, int]:
            index = columns.get(name)
            if index is None or index >= len(cells):
                return "", (index + 1 if index is not None else 1)
            return csv_value(cells[index]), index + 1

        inject: dict = {}
        ident, col = cell("Inject ID")
        seq, seq_col = cell("Seq")
        ident = ident.strip()
        if not ident:
            ident = f"msel-{seq.strip() or len(injects) + 1}"
        if not _ID.match(ident):
            err(row_no, col, "bad-id", f"inject id '{ident}' must be letters, digits, _ . - (at most 64)")
        elif ident in ids:
            err(row_no, col, "duplicate-id", f"inject id '{ident}' is used twice (first on row {ids[ident]})")
        else:
            ids[ident] = row_no
        inject["id"] = ident
        order = math.inf
        if seq.strip():
            try:
                order = float(seq.strip())
            except ValueError:
                err(row_no, seq_col, "type", f"Seq must be a number, got '{seq}'")
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
            err(row_no, columns.get("Time", columns.get("Condition", 0)) + 1, "required", f"inject '{ident}' needs a Time, a Condition or both")
        for header, key, allowed in (("Inject type", "kind", kinds), ("Platform", "platform", platforms)):
            raw, col = cell(header)
            value = raw.strip()
            if value:
                if value not in allowed:
                    err(row_no, col, "enum", f"{header} must be one of {', '.join(allowed)}; got '{value}'{did_you_mean(value, allowed)}")
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
        if inject.get("contingency"):
            contingencies.append((row_no, cell("Contingency")[1], inject["contingency"]))
        for header, key, low in (("Valence", "valence", -1.0), ("Arousal", "arousal", 0.0)):
            raw, col = cell(header)
            if raw.strip():
                try:
                    value = float(raw.strip())
                    if not (low <= value <= 1.0):
                        raise ValueError
                    inject[key] = int(value) if value.is_integer() and "." not in raw else value
                except ValueError:
                    err(row_no, col, "range", f"{header} must be a number from {low:g} to 1, got '{raw.strip()}'")
        raw, col = cell("Set")
        if raw.strip():
            try:
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
                inject["set"] = values
            except ValueError as exc:
                err(row_no, col, "set", f"Set must be a JSON object such as {{\"flag\": true}}: {exc}")
        raw, col = cell("Text when")
        if raw.strip():
            try:
                variants = json.loads(raw)
                if not isinstance(variants, list) or not all(isinstance(v, dict) and set(v) == {"when", "text"}
                                                              and isinstance(v["when"], str) and isinstance(v["text"], str)
                                                              for v in variants):
                    raise ValueError("not a list of {\"when\": ..., \"text\": ...}")
                for v in variants:
                    conditions.parse(v["when"])
                inject["text_when"] = variants
            except (ValueError, conditions.ConditionError) as exc:
                err(row_no, col, "text-when", f"Text when must be a JSON list such as [{{\"when\": \"replies > 0\", \"text\": \"...\"}}]: {exc}")
        injects.append((order, len(injects), inject))
    for row, col, ref in contingencies:
        if ref not in ids:
            err(row, col, "missing-inject", f"contingency '{ref}': no inject with that id in the sheet{did_you_mean(ref, ids)}")
    ordered = tuple(d for _, _, d in sorted(injects, key=lambda x: (x[0], x[1])))
    return ImportResult(ordered if not diags else (), tuple(sorted(diags, key=lambda d: (d.line, d.col, d.code))))


def _extra_lines(cells: list[str]) -> int:
    """Line breaks inside quoted cells: the row starts that many lines above where it ends."""
    return sum(c.count("\n") for c in cells)


# ---------------------------------------------------------------- writing YAML


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
          "contingency", "valence", "arousal", "set", "text_when")


def injects_yaml(injects) -> str:
    """The `injects:` section, block style, every string quoted."""
    if not injects:
        return "injects: []\n"
    lines = ["injects:"]
    for inject in injects:
        first = True
        for key in _ORDER:
            if key not in inject:
                continue
            value = inject[key]
            prefix = "  - " if first else "    "
            first = False
            if key == "set":
                lines.append(f"{prefix}set:")
                lines += [f"      {name}: {_scalar(v)}" for name, v in value.items()]
            elif key == "text_when":
                lines.append(f"{prefix}text_when:")
                lines += [f"      - {{when: {_scalar(v['when'])}, text: {_scalar(v['text'])}}}" for v in value]
            elif key == "at":
                whole = float(value).is_integer()
                lines.append(f"{prefix}at: {format_time(value)[2:] if whole else _scalar(float(value))}")
            else:
                lines.append(f"{prefix}{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def replace_injects(text: str, section: str, loaded) -> str:
    """The scenario text with its top-level `injects:` replaced by `section` (or added before
    `end:`/`objectives:`/`scoring:`/`tests:`, or at the end). Other lines, comments included, stay."""
    lines = text.splitlines(keepends=True)
    top = sorted((loaded.key_mark((k,))[0], k) for k in (loaded.data or {}))
    start = next((line for line, k in top if k == "injects"), None)
    if start is not None:
        later = [line for line, _ in top if line > start]
        last = (later[0] if later else len(lines) + 1) - 1
        # Comments and blank lines just above the next key belong to it, not to the injects.
        while last > start and (not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")):
            last -= 1
        return "".join(lines[: start - 1]) + section + "".join(lines[last:])
    before = next((line for line, k in top if k in ("end", "objectives", "scoring", "tests")), None)
    if before is not None:
        i = before - 1
        while i > 0 and lines[i - 1].lstrip().startswith("#"):
            i -= 1
        return "".join(lines[:i]) + section + "\n" + "".join(lines[i:])
    joined = "".join(lines)
    if joined and not joined.endswith("\n"):
        joined += "\n"
    return joined + "\n" + section


def inject_key(inject: Inject) -> tuple:
    """An inject as comparable data (conditions compare by their text)."""
    data = {f.name: getattr(inject, f.name) for f in dataclasses.fields(inject)}
    data["when"] = inject.when.source if inject.when is not None else None
    data["texts"] = tuple((c.source, t) for c, t in inject.texts)
    return tuple(sorted(data.items()))


def write_into(scenario_path, result: ImportResult) -> Scenario:
    """Replace the injects of a scenario file; the file is only written if the result loads."""
    p = Path(scenario_path)
    text = p.read_text(encoding="utf-8")
    loaded = load_text(text)
    new_text = replace_injects(text, injects_yaml(result.injects), loaded)
    try:
        scenario = load_scenario_bytes(new_text.encode("utf-8"), str(p), base_dir=p.parent)
    except ScenarioError as exc:
        raise ScenarioError([Diagnostic(d.path, d.line, d.col, d.severity, d.code, d.message + " (after the import; the file was not changed)")
                             for d in exc.diagnostics]) from None
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(new_text, encoding="utf-8")
    tmp.replace(p)
    return scenario
