"""`crisis lint`: every code fires where the problem is, once, and can be silenced per line."""

import json
import re
from pathlib import Path

import pytest

from simulator.authoring.lint import CODES, lint_path
from simulator.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "authoring"
ALL = DATA / "lint-all.yaml"
STARTER = Path(__file__).resolve().parents[2] / "scenarios" / "stock-check.yaml"


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


EXPECTED = [
    ("duplicate-id", "{id: hello, trigger: question"),
    ("type-mismatch", 'when: "flag == 3"'),
    ("duplicate-id", "{id: ping, threshold"),
    ("unwritten-variable", "flag: {type: bool"),
    ("unread-variable", "unused: {type: str"),
    ("unwritten-variable", "constant: {type: bool"),
    ("no-feedback", "id: quiet"),
    ("no-choices", "id: middle"),
    ("unreachable-beat", "id: orphan"),
    ("duplicate-id", "id: go\n"),
    ("unreachable-beat", "id: stuck"),
    ("never-true", 'when: "t > 500"'),
    ("missing-ref", "'supervisr' in escalated"),
    ("type-mismatch", 'when: "flag > 2"'),
    ("dead-end", "id: loose"),
    ("inject-after-end", "at: 3h"),
    ("missing-ref", "mood == 'furius'"),
    ("objective-unweighted", "{id: calm"),
    ("cut-by-comment", "#social-desk"),
]


def test_every_code_fires_once_at_its_line():
    result = lint_path(ALL)
    assert result.valid
    got = [(d.code, d.line) for d in result.diagnostics]
    text = ALL.read_text(encoding="utf-8")
    expected = []
    for code, needle in EXPECTED:
        if needle.endswith("\n"):  # the second `- id: go` (the orphan's)
            lines = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "- id: go"]
            expected.append((code, lines[1]))
        else:
            expected.append((code, line_of(ALL, needle)))
    assert sorted(got) == sorted(expected)
    assert {c for c, _ in got} == set(CODES)
    assert all(d.severity == "warning" for d in result.diagnostics)


def test_messages_explain_why():
    by_code = {}
    for d in lint_path(ALL).diagnostics:
        by_code.setdefault(d.code, []).append(d.message)
    assert any("did you mean 'supervisor'" in m for m in by_code["missing-ref"])
    assert any("did you mean 'furious'" in m for m in by_code["missing-ref"])
    assert "'t' runs from 0 to 2h 00m" in by_code["never-true"][0]
    assert "only entered from 'orphan'" in " ".join(by_code["unreachable-beat"])


def test_never_true_knows_the_values_state_can_take(tmp_path):
    text = ALL.read_text(encoding="utf-8").replace('when: "t > 500"', 'when: "counter == 7"')
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    [d] = [d for d in lint_path(path).diagnostics if d.code == "never-true"]
    assert "'counter' is only ever 0, 1" in d.message
    # ...and a value some `set:` writes makes it possible again
    path.write_text(text.replace('when: "counter == 7"', 'when: "counter == 1 and t > 30"'), encoding="utf-8")
    assert not [d for d in lint_path(path).diagnostics if d.code == "never-true"]


def test_suppression_comment_on_the_line_or_above(tmp_path):
    text = ALL.read_text(encoding="utf-8")
    text = text.replace("  - id: orphan\n", "  # lint: ignore[unreachable-beat]\n  - id: orphan\n")
    text = text.replace("      - id: quiet\n", "      - id: quiet   # lint: ignore[no-feedback, dead-end]\n")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    result = lint_path(path)
    codes = [d.code for d in result.diagnostics]
    assert "no-feedback" not in codes
    assert codes.count("unreachable-beat") == 1  # 'stuck' is still reported
    assert result.suppressed == 2
    # a comment naming another code silences nothing
    path.write_text(ALL.read_text(encoding="utf-8").replace("      - id: quiet\n", "      - id: quiet  # lint: ignore[dead-end]\n"),
                    encoding="utf-8")
    assert "no-feedback" in [d.code for d in lint_path(path).diagnostics]


def test_file_wide_suppression(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("# lint: ignore-file[duplicate-id]\n" + ALL.read_text(encoding="utf-8"), encoding="utf-8")
    assert "duplicate-id" not in [d.code for d in lint_path(path).diagnostics]


def test_cli_text_output_and_exit_codes(capsys):
    assert main(["lint", str(ALL)]) == 1
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert len(err) == 19 and all(re.match(r"^.+:\d+:\d+: warning: [a-z-]+: .+", line) for line in err)
    assert captured.out.splitlines() == ["1 file: 19 warnings"]  # the result alone on stdout
    assert main(["lint", "--exit-zero", str(ALL)]) == 0


def test_cli_json(capsys):
    assert main(["lint", "--json", str(ALL)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert main(["lint", "--format", "json", str(ALL)]) == 1  # the older spelling still works
    assert json.loads(capsys.readouterr().out) == data
    assert data["warnings"] == 19 and data["errors"] == 0
    first = data["files"][0]["diagnostics"][0]
    assert set(first) == {"path", "line", "col", "severity", "code", "message"}


def test_invalid_file_reports_its_errors(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\ntitle: T\nsummary: S\nbrand: {name: B, handle: b}\npersona: {name: P, handle: p}\n"
                    "beats:\n  - id: a\n    choices:\n      - {id: c, label: L, text: t, goto: nowhere}\n", encoding="utf-8")
    assert main(["lint", str(path)]) == 1
    captured = capsys.readouterr()
    assert f"{path}:5:10: error: required:" in captured.err  # diagnostics on stderr, the summary on stdout
    assert "error: missing-beat: goto 'nowhere'" in captured.err
    assert "fix the errors first" in captured.out and "error:" not in captured.out


def test_clean_file_exits_zero(tmp_path, capsys):
    # the starter reads its one variable (a choice depends on it) and lints clean as shipped
    path = tmp_path / "s.yaml"
    path.write_text(STARTER.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["lint", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "1 file: 0 warnings"


def test_list_codes(capsys):
    assert main(["lint", "--list-codes"]) == 0
    out = capsys.readouterr().out
    for code in CODES:
        assert code in out


def test_no_paths_is_a_usage_error(capsys):
    assert main(["lint"]) == 2


@pytest.mark.parametrize("condition", ["'\\x1b[31m' in visited", "mood == '\\x1b[2J'"])
def test_hostile_text_in_conditions_is_printed_inert(tmp_path, capsys, condition):
    text = ALL.read_text(encoding="utf-8").replace("\"'supervisr' in escalated\"", f'"{condition}"')
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    main(["lint", str(path)])
    assert "\x1b" not in capsys.readouterr().out


def test_a_value_cut_by_a_hashtag_comment_is_a_warning(tmp_path, capsys):
    text = STARTER.read_text(encoding="utf-8")
    assert '    from: "@maple_mum"\n' in text
    path = tmp_path / "cut.yaml"
    path.write_text(text.replace('    from: "@maple_mum"\n', '    from: "@maple_mum"\n    delivery: Team chat #social-desk\n'
                                 '    to: Social team # an ordinary comment\n', 1), encoding="utf-8")
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().err
    line = line_of(path, "#social-desk")
    assert (f"{path}:{line}:25: warning: cut-by-comment: '#social-desk' is read as a comment, so the value is only "
            "'Team chat'; put the whole value in quotes: \"Team chat #social-desk\"") in out
    assert out.count("cut-by-comment") == 1  # `# an ordinary comment` is a comment
