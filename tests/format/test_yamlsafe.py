"""The loader refuses what makes YAML dangerous, and says where."""

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.format.yamlsafe import YamlError, load_bytes, load_text


@pytest.mark.parametrize(
    ("text", "code", "line", "col"),
    [
        ("a: &x 1\nb: *x\n", "yaml-anchor", 1, 4),
        ("a: 1\nb: *x\n", "yaml-alias", 2, 4),
        ("a: 'x\x07'\n", "yaml-character", 1, 6),
        ("a: !!python/object/apply:os.system ['true']\n", "yaml-tag", 1, 4),
        ("a: !custom x\n", "yaml-tag", 1, 4),
        ("a: !!str 5\n", "yaml-tag", 1, 4),
        ("a: 1\nb: 2\na: 3\n", "duplicate-key", 3, 1),
        ("---\na: 1\n---\nb: 2\n", "yaml-documents", 3, 1),
        ("a: [1, 2\n", "yaml-syntax", 2, 1),
        ("[" * 200, "yaml-depth", 1, 49),
        ("? [a, b]\n: 1\n", "yaml-key", 1, 3),
    ],
)
def test_refusals_point_at_the_problem(text, code, line, col):
    with pytest.raises(YamlError) as info:
        load_text(text)
    assert info.value.code == code
    assert (info.value.line, info.value.col) == (line, col)


def test_billion_laughs_is_refused_fast():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n"
    with pytest.raises(YamlError) as info:
        load_text(bomb)
    assert info.value.code == "yaml-anchor"


def test_yaml_1_1_booleans_stay_strings():
    data = load_text("a: No\nb: yes\nc: off\nd: true\ne: False\nf: 'true'\n").data
    assert data == {"a": "No", "b": "yes", "c": "off", "d": True, "e": False, "f": "true"}


def test_marks_for_keys_and_values():
    loaded = load_text("top:\n  items:\n    - id: one\n    - id: two\n")
    assert loaded.mark(("top", "items", 1, "id")) == (4, 11)
    assert loaded.key_mark(("top", "items")) == (2, 3)
    assert loaded.mark(("top", "missing", "deeper")) == loaded.mark(("top",))


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"a: 1\x00", "binary"),
        (b"a: \xff\xfe", "encoding"),
        (b"a" * 1_000_001, "too-large"),
    ],
)
def test_bytes_that_are_not_text(raw, code):
    with pytest.raises(YamlError) as info:
        load_bytes(raw)
    assert info.value.code == code


def test_utf8_bom_and_unicode_are_fine():
    assert load_bytes("\ufeffa: 'caf\u00e9 \U0001f600'\n".encode()).data == {"a": "caf\u00e9 \U0001f600"}


def test_empty_document_is_none():
    assert load_text("").data is None
    assert load_text("# only a comment\n").data is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_either_load_or_raise_yamlerror(raw):
    try:
        load_bytes(raw)
    except YamlError as exc:
        assert exc.line >= 1 and exc.col >= 1 and exc.code


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!?|>'\"#,\n 1%@`")), max_size=200))
def test_yamlish_text_never_crashes(text):
    with contextlib.suppress(YamlError):
        load_text(text)
