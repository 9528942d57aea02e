"""Text from authors and trainees, made safe for each place it is shown: one module for all of them.

Scenario files, play scripts, free-text replies, team answers and saved transcripts are untrusted.
Wherever such text leaves the program it goes through one of these functions:

- `terminal(text)`: a terminal line (the CLI, the TUI's `Content`). Every control character
  (C0, C1, DEL: so no CSI or OSC sequence can start), every bidi override or isolate ("Trojan
  Source") and every other non-printable character is shown as a visible escape (`\\x1b`,
  `\\u202e`) instead of being obeyed or silently dropped, so an author sees what is really in
  the file. Tabs become spaces; newlines become spaces unless `newlines=True`; `collapse=True`
  folds every run of whitespace into one space.
- `markup(text)`: `terminal(text)` with Textual/Rich markup escaped, for the few Textual APIs
  that parse markup (notifications).
- `document(text)`: text for a written document (the report, the playbook): controls, bidi
  controls and lone surrogates made visible, newlines and other printable Unicode (no-break spaces, emoji) kept.
- `markdown(text)`: `document(text)` escaped for Markdown: punctuation backslashed, HTML
  brackets as entities, line-start markers (`#`, `-`, `1.`) neutralised, one line when inline.
  An ampersand stays as it is ("Crumb & Co." reads the same in the .md file and rendered); only
  one that would start an entity (`&amp;`, `&#60;`) is backslashed, so it renders as typed.
- `html(text)`: `document(text)` escaped for HTML text and attribute values.
- `json_text(encoded)`: JSON printed to a terminal or a file with C1, bidi and surrogates escaped.
- `csv_cell(text)` / `csv_value(cell)`: a spreadsheet cell that no spreadsheet runs as a
  formula (a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` in front), and its
  exact inverse, so what we export comes back unchanged when imported.
"""

from __future__ import annotations

import html as _html
import re

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_char(ch: str) -> str:
    """One character as a visible escape: `\\x1b`, `\\u202e`, `\\U0001f600`."""
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _unsafe_in_documents(ch: str) -> bool:
    """C0, DEL, C1, bidi controls, and lone surrogates (no encoding can write them: a JSON `\\ud800`)."""
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or ch in BIDI_CONTROLS or 0xD800 <= code <= 0xDFFF


def terminal(text: object, *, newlines: bool = False, collapse: bool = False) -> str:
    """Printable text for a terminal (see the module docstring)."""
    text = str(text)
    if collapse:
        text = " ".join(text.split())
    out = []
    for ch in text.replace("\r\n", "\n"):
        if ch == "\t":
            out.append(" ")
        elif ch == "\n":
            out.append("\n" if newlines else " ")
        elif ch == "\r":
            continue  # a lone carriage return would overwrite the line: dropped, like a line break
        elif ch == " " or (ch.isprintable() and ch not in BIDI_CONTROLS):
            out.append(ch)
        else:
            out.append(escape_char(ch))
    return "".join(out)


def markup(text: object, *, newlines: bool = False) -> str:
    """`terminal(text)` with Textual markup escaped (for APIs that parse markup, like notifications).

    Textual 8 reads any `[...]` as a tag (`[$x]`, `[B]`, `[ b]` included), so every `[` is escaped.
    """
    return terminal(text, newlines=newlines).replace("[", "\\[")


def document(text: object) -> str:
    """Text for a written document: controls and bidi controls visible, everything else kept."""
    text = "" if text is None else str(text)
    text = text.replace("\r\n", "\n").replace("\t", " ")
    return "".join(escape_char(ch) if ch != "\n" and _unsafe_in_documents(ch) else ch for ch in text)


def html(text: object) -> str:
    """Escaped for HTML text and attribute values."""
    return _html.escape(document(text), quote=True)


_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")  # what CommonMark would read as an entity reference
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=\-]|\d+[.)])", re.MULTILINE)


def _md_line_start(m: re.Match) -> str:
    """`# x`, `- x`, `1. x` at the start of a line would become a heading or a list: escape the marker."""
    marker = m.group(2)
    if marker[0].isdigit():
        return m.group(1) + marker[:-1] + "\\" + marker[-1]
    return m.group(1) + "\\" + marker


def markdown(text: object, *, inline: bool = True) -> str:
    """Escaped for Markdown: punctuation backslashed, HTML brackets as entities, one line when inline."""
    text = document(text)
    if inline:
        text = " ".join(text.split())
    text = _MD_SPECIAL.sub(r"\\\1", text)  # first: the backslashes added below must stay single
    text = _MD_ENTITY.sub(r"\\&", text).replace("<", "&lt;").replace(">", "&gt;")
    return _MD_LINE_START.sub(_md_line_start, text)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def json_text(encoded: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with DEL, C1 controls, bidi controls,
    line separators and lone surrogates written as `\\uXXXX` escapes: the same JSON value, but
    nothing a terminal acts on when it is printed, and always valid UTF-8. (JSON already escapes
    C0 controls; these characters can only occur inside strings, where an escape means the same.)"""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


def csv_cell(text: object) -> str:
    """A spreadsheet cell that is never run as a formula (OWASP's CSV injection advice)."""
    text = "" if text is None else str(text)
    if text.startswith((*FORMULA_START, "'")):
        return "'" + text
    return text


def csv_value(cell: str) -> str:
    """The text a `csv_cell` stood for (a cell a person typed without a quote mark is kept as is)."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_START, "'")):
        return cell[1:]
    return cell


def spreadsheet(text: object) -> str:
    """A spreadsheet cell (CSV or xlsx) from untrusted text: no formula, no raw ESC/OSC/CSI.

    `document()` first (control and bidi characters become visible `\\x1b`-style escapes, so
    neither a terminal showing the CSV nor a spreadsheet reads them), then `csv_cell()`.
    """
    return csv_cell(document(text))


def clip(text: object, limit: int) -> str:
    """At most `limit` characters, and an ellipsis wherever something was cut (never a silent cut)."""
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"
