"""One text-safety module for every output: properties over any text (Hypothesis)."""

from __future__ import annotations

import csv
import html as html_module
import io
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.format import textsafe as ts

# Any text, with the dangerous parts over-represented: escapes, CSI/OSC, bidi overrides, markup.
HOSTILE = st.sampled_from(["\x1b[31m", "\x1b]8;;http://x\x07", "\x9b2J", "\u202e", "\u2066", "\r", "\n", "\t", "\x00",
                           "[b]", "[/]", "[$x]", "\\", "<script>", "&", "# ", "- ", "1. ", "|", "=", "+", "-", "@", "'"])
TEXT = st.lists(st.one_of(st.text(max_size=8), HOSTILE), max_size=12).map("".join)


def _no_controls(text: str, *, allow_newline: bool = False) -> bool:
    for ch in text:
        if ch == "\n" and allow_newline:
            continue
        if unicodedata.category(ch) == "Cc" or ch in ts.BIDI_CONTROLS:
            return False
    return True


@settings(max_examples=300)
@given(TEXT, st.booleans(), st.booleans())
def test_terminal_output_has_nothing_a_terminal_obeys(text, newlines, collapse):
    out = ts.terminal(text, newlines=newlines, collapse=collapse)
    assert _no_controls(out, allow_newline=newlines)
    assert all(ch == " " or ch == "\n" or ch.isprintable() for ch in out)
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    if text.isprintable():
        assert out == (" ".join(text.split()) if collapse else text)  # safe text is left alone


@settings(max_examples=300)
@given(TEXT)
def test_markup_shows_exactly_the_terminal_text(text):
    from textual.markup import to_content

    assert to_content(ts.markup(text)).plain == ts.terminal(text)


@settings(max_examples=300)
@given(TEXT, st.booleans())
def test_markdown_has_no_html_no_controls_and_no_structure(text, inline):
    out = ts.markdown(text, inline=inline)
    assert "<" not in out and ">" not in out
    assert _no_controls(out, allow_newline=not inline)
    if inline:
        assert "\n" not in out
    for line in out.split("\n"):
        stripped = line.lstrip()
        assert not stripped.startswith(("#", ">", "- ", "+ ", "= ")), line  # no heading, quote or list
        assert not (stripped[:1].isdigit() and stripped.lstrip("0123456789")[:1] in (".", ")")), line
    for special in "`*_[]|~":
        assert all(out[i - 1] == "\\" for i, ch in enumerate(out) if ch == special)


@settings(max_examples=300)
@given(TEXT)
def test_html_is_inert_and_reads_back_as_the_document_text(text):
    out = ts.html(text)
    assert not set("<>\"'") & set(out)
    assert _no_controls(out, allow_newline=True)
    assert html_module.unescape(out) == ts.document(text)


@settings(max_examples=300)
@given(TEXT)
def test_csv_cells_never_start_a_formula_and_read_back_exactly(text):
    cell = ts.csv_cell(text)
    assert not cell.startswith(ts.FORMULA_START)
    assert ts.csv_value(cell) == text
    buffer = io.StringIO()
    csv.writer(buffer).writerow([cell])
    (read,) = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert ts.csv_value(read[0]) == text


def test_escapes_are_visible_and_name_the_character():
    assert ts.terminal("a\x1b[31mb") == "a\\x1b[31mb"
    assert ts.terminal("x\u202ey") == "x\\u202ey"
    assert ts.document("line\none\x07") == "line\none\\x07"
    assert ts.csv_cell("=1+1") == "'=1+1" and ts.csv_cell("plain") == "plain"


# Arbitrary Unicode, lone surrogates and unassigned code points included (st.text() leaves surrogates out).
ANY_CHAR = st.characters(categories=["Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp", "Zs", "Mn", "Lo", "Ll", "So", "Sm", "Ps", "Pe", "Po"])
ANY = st.lists(st.one_of(st.text(alphabet=ANY_CHAR, max_size=12), HOSTILE), max_size=10).map("".join)
OUTPUTS = {
    "terminal": lambda t: ts.terminal(t),
    "terminal-lines": lambda t: ts.terminal(t, newlines=True),
    "markup": ts.markup,
    "document": ts.document,
    "html": ts.html,
    "markdown": ts.markdown,
    "markdown-block": lambda t: ts.markdown(t, inline=False),
}


@settings(max_examples=400)
@given(ANY, st.sampled_from(sorted(OUTPUTS)))
def test_every_output_of_any_unicode_is_encodable_and_obeys_nothing(text, kind):
    """Whatever comes in (a lone surrogate from a JSON `\\ud800`, C1 controls, bidi isolates),
    each output writes as strict UTF-8 and holds no control character a terminal, a browser or
    an editor would act on."""
    out = OUTPUTS[kind](text)
    out.encode("utf-8")  # no UnicodeEncodeError on --save, --json or a report
    allow_newline = kind in ("terminal-lines", "document", "html", "markdown-block")
    assert _no_controls(out, allow_newline=allow_newline), (kind, out)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in out)
    if kind in ("terminal", "terminal-lines", "markup"):
        assert all(ch in " \n" or ch.isprintable() for ch in out)


@settings(max_examples=300)
@given(ANY)
def test_csv_cells_of_any_unicode_never_start_a_formula(text):
    cell = ts.csv_cell(text)
    assert not cell.startswith(ts.FORMULA_START) and ts.csv_value(cell) == text


def test_a_lone_surrogate_is_shown_as_an_escape_in_documents():
    assert ts.document("a\ud800b") == "a\\ud800b"
    assert ts.html("\udfff") == "\\udfff"


@settings(max_examples=300)
@given(st.dictionaries(ANY, st.one_of(ANY, st.lists(ANY, max_size=3)), max_size=4))
def test_json_text_is_the_same_value_with_nothing_a_terminal_obeys(value):
    import json

    out = ts.json_text(json.dumps(value, ensure_ascii=False, sort_keys=True))
    assert json.loads(out) == value
    out.encode("utf-8")
    assert _no_controls(out)
    assert not any(0x7F <= ord(ch) <= 0x9F or 0xD800 <= ord(ch) <= 0xDFFF or ch in "\u2028\u2029" for ch in out)
