"""Judging replies outside a game: one from the command line, or a team's export in bulk.

A team lead audits last month's real replies with `crisis analyze --csv export.csv`; a tool feeds
`--jsonl`. Everything a stranger's file can do wrong (wrong encoding, NUL bytes, a missing
column, a 1 MB cell, an unterminated quote) becomes a message at its line, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.format.textsafe import terminal
from simulator.world.analysis import Analysis, ReplyContext, analyze
from simulator.world.judge import LABELS
from simulator.world.rules import rule

MAX_REPLY_BYTES = 1_000_000
MAX_BATCH_BYTES = 50_000_000
MAX_ROWS = 200_000
TEXT_COLUMNS = ("text", "reply", "response", "message", "body", "content")
CONTEXT_COLUMNS = ("context", "post", "customer_post", "customer", "complaint", "original", "in_reply_to")
NAME_COLUMNS = ("name", "customer_name", "author", "user")


class AuditError(ValueError):
    """A batch that cannot be read at all (as opposed to one bad row)."""


@dataclass(frozen=True)
class Row:
    line: int
    text: str = ""
    context: str = ""
    name: str = ""
    error: str = ""


def safe(text: str) -> str:
    """Lone surrogates (from undecodable arguments) become U+FFFD so output can always be encoded."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def decode(raw: bytes) -> str:
    """Bytes from a file or a pipe as text: UTF-8 (BOM ignored), undecodable bytes replaced."""
    if len(raw) > MAX_REPLY_BYTES:
        raw = raw[:MAX_REPLY_BYTES]
    return raw.decode("utf-8-sig", "replace")


def read_limited(path: Path) -> bytes:
    """A regular file's bytes, refusing FIFOs, devices and anything over the batch limit."""
    if not path.is_file():
        raise AuditError("not a regular file")
    with path.open("rb") as fh:
        return fh.read(MAX_BATCH_BYTES + 1)


def context_for(post: str, name: str = "", unreasonable: bool = False) -> ReplyContext:
    return ReplyContext(customer_name=safe(name), customer_post=safe(post), unreasonable_request=unreasonable)


def analyse(text: str, context: ReplyContext) -> Analysis:
    return analyze(safe(text), context)


def rows_from_jsonl(raw: bytes) -> Iterator[Row]:
    text = decode_batch(raw)
    for n, line in enumerate(text.splitlines(), 1):
        if n > MAX_ROWS:
            raise AuditError(f"more than {MAX_ROWS} lines")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            yield Row(n, error="not a JSON object")
            continue
        if isinstance(obj, str):
            obj = {"text": obj}
        if not isinstance(obj, dict):
            yield Row(n, error="not a JSON object")
            continue
        yield _row(n, obj)


def rows_from_csv(raw: bytes) -> Iterator[Row]:
    text = decode_batch(raw)
    try:
        sample = text[:4096]
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise AuditError("the file is empty") from None
    except csv.Error as exc:
        raise AuditError(f"line 1: {exc}") from None
    text_col = next((header.index(c) for c in TEXT_COLUMNS if c in header), None)
    if text_col is None:
        raise AuditError(
            f"no column named {' or '.join(TEXT_COLUMNS[:2])} (found: {', '.join(header[:8]) or 'none'})"
        )
    ctx_col = next((header.index(c) for c in CONTEXT_COLUMNS if c in header), None)
    name_col = next((header.index(c) for c in NAME_COLUMNS if c in header), None)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise AuditError(f"line {reader.line_num}: {exc}") from None
        n = reader.line_num
        if n > MAX_ROWS:
            raise AuditError(f"more than {MAX_ROWS} rows")
        if not any(c.strip() for c in cells):
            continue
        obj = {"text": cells[text_col] if text_col < len(cells) else ""}
        if ctx_col is not None and ctx_col < len(cells):
            obj["context"] = cells[ctx_col]
        if name_col is not None and name_col < len(cells):
            obj["name"] = cells[name_col]
        yield _row(n, obj)


def decode_batch(raw: bytes) -> str:
    if b"\x00" in raw[:65536] and raw.count(b"\x00") > len(raw) // 4:
        raise AuditError("this is not a text file (it is full of NUL bytes: UTF-16? save it as UTF-8)")
    return raw.decode("utf-8-sig", "replace").replace("\x00", " ")


def _row(n: int, obj: dict) -> Row:
    text = obj.get("text", obj.get("reply"))
    if not isinstance(text, str):
        return Row(n, error="no reply text (a 'text' string)")
    if not text.strip():
        return Row(n, error="the reply is empty")
    context = obj.get("context", obj.get("post", ""))
    name = obj.get("name", "")
    return Row(
        n,
        text=safe(text[:MAX_REPLY_BYTES]),
        context=safe(context[:MAX_REPLY_BYTES]) if isinstance(context, str) else "",
        name=safe(name[:200]) if isinstance(name, str) else "",
    )


def judge_row(row: Row, unreasonable: bool = False) -> dict[str, Any]:
    result = analyse(row.text, context_for(row.context, row.name, unreasonable))
    return {"line": row.line, "text": row.text[:2000], **result.to_json()}


def _show(text: str, limit: int = 100) -> str:
    """Reply text for a terminal: one line, control sequences shown not obeyed, cut with an ellipsis."""
    flat = terminal(text, collapse=True)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def describe(result: Analysis) -> str:
    """The judgement as a person reads it: quality, each label with its evidence, the rules."""
    lines = [f"quality   {result.quality:+.2f}  ({_verdict(result.quality)})"]
    if result.hostile:
        lines.append(f"          one hostile sentence spoils the reply: “{_show(result.hostile)}”")
    on = [name for name in LABELS if result.features.get(name)]  # what the judge decided
    if not on:
        lines.append("labels    none")
    for i, name in enumerate(on):
        quote = result.quote(name)
        p = result.labels.get(name)
        head = "labels    " if i == 0 else "          "
        prob = f" {p:.2f}" if p is not None else ""
        lines.append(f"{head}{name.replace('_', ' '):<13}{prob}  “{_show(quote)}”" if quote else f"{head}{name.replace('_', ' '):<13}{prob}")
    if result.deadline:
        lines.append(f"deadline  “{_show(result.deadline)}”")
    for number, verdict in sorted(result.rules.items()):
        mark = "kept  " if verdict == "kept" else "BROKEN"
        lines.append(f"rule {number}    {mark} {rule(number).text}")
    return "\n".join(lines)


def _verdict(q: float) -> str:
    if q >= 0.6:
        return "a strong reply"
    if q >= 0.2:
        return "a decent reply"
    if q > -0.2:
        return "does little good or harm"
    if q > -0.6:
        return "makes it worse"
    return "hostile: it will be screenshotted"
