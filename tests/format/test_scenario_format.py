"""The format: every bundled scenario loads, errors are precise and complete, the schema is one source."""

import json
from pathlib import Path

import jsonschema
import pytest
from helpers import BUNDLED, STARTER

from simulator.format.diagnostics import ScenarioError
from simulator.format.scenario import load_scenario, load_scenario_bytes
from simulator.format.schema import to_json_schema
from simulator.format.yamlsafe import load_path


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_scenarios_load(path):
    scenario = load_scenario(path)
    assert scenario.id and scenario.beats is not None and len(scenario.sha256) == 64


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_scenarios_match_the_published_json_schema(path):
    jsonschema.Draft7Validator(to_json_schema()).validate(load_path(path).data)


def test_json_schema_is_valid_draft7_with_descriptions_defaults_and_enums():
    schema = to_json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"].startswith("http://json-schema.org/draft-07/")
    props = schema["properties"]
    assert props["track"]["enum"] == ["onboarding", "drill"]
    assert props["difficulty"]["default"] == 2
    assert "description" in props["persona"]["properties"]["archetype"]
    assert "jerk_for_sport" in props["persona"]["properties"]["archetype"]["enum"]
    assert props["persona"]["additionalProperties"] is False


def _errors(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_bytes(text.encode(), "s.yaml")
    return [d.format() for d in info.value.diagnostics]


def _starter_difficulty() -> int:
    return load_scenario(STARTER).difficulty


def _starter_with(*replacements) -> str:
    text = STARTER.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_every_problem_in_one_pass_with_line_and_column():
    errors = _errors(_starter_with(
        ("title:", "titel:"),
        (f"difficulty: {_starter_difficulty()}", "difficulty: 9"),
        ("goto: details", "goto: detials"),
        ('when: "replies == 0"', 'when: "replys == 0"'),
    ))
    text = "\n".join(errors)
    assert "s.yaml:4:1: error: unknown-key: unknown key 'titel' at the top level (did you mean 'title'?)" in text
    assert "error: range: difficulty must be at most 5, got 9" in text
    assert "missing-beat: goto 'detials': no such beat (did you mean 'details'?)" in text
    assert "unknown-name: condition reads 'replys'" in text and "did you mean 'replies'" in text
    assert all(e.startswith("s.yaml:") and e.count(":") >= 4 for e in errors)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("archetype: reasonable", "archetype: jerk"), "enum"),
        (("anger: 0.55", "anger: loud"), "type"),
        (("anger: 0.55", "anger: 1.5"), "range"),
        (("time_limit: 3h", "time_limit: soon"), "duration"),
        (("guidelines_posted: false", "guidelines_posted: no"), "type"),
        (("- id: model", "- id: form"), "duplicate-id"),
        (('when: "replies == 0"', 'when: "__import__(1)"'), "condition"),
        (("set: {knows_item: true}", "set: {knows_itm: true}"), "unknown-name"),
        (("set: {knows_item: true}", "set: {knows_item: 3}"), "type"),
        (("- {id: supervisor,", "- {id: supervisor, colour: red,"), "unknown-key"),
    ],
)
def test_specific_errors(change, code):
    errors = _errors(_starter_with(change))
    assert any(f": error: {code}: " in e for e in errors), errors


def test_missing_required_sections():
    errors = _errors("id: x\ntitle: y\n")
    assert any("needs 'summary'" in e for e in errors)
    assert any("needs 'brand'" in e for e in errors)
    assert any("needs 'persona'" in e for e in errors)


@pytest.mark.parametrize("text", ["", "[]", "42", "'just text'", "id: [1, 2]\n", "persona: 5\n"])
def test_wrong_shapes_are_errors_not_tracebacks(text):
    errors = _errors(text)
    assert errors


def test_markup_in_titles_is_kept_as_text():
    scenario = load_scenario_bytes(_starter_with(("title: \"“Your online stock check sucks”\"", 'title: "[bold]x[/]"')).encode(), "s.yaml")
    assert scenario.title == "[bold]x[/]"


def test_defaults_fill_in(starter):
    assert starter.mode == "turns"
    assert starter.ripple.negativity == pytest.approx(1.7)
    assert starter.trainee_role.id == "agent"
    assert starter.scoring.expected_response == 15
    assert dict(starter.scoring.weights)["outcome"] == pytest.approx(0.3)


def test_schema_cli_prints_the_same_schema(capsys):
    from simulator.cli import main

    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == to_json_schema()


def test_scenario_file_paths_are_reported(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("id: [\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.diagnostics[0].path == str(path)
    assert Path(info.value.diagnostics[0].path).name == "x.yaml"


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(("when", "offset", "hint"), [
    ('"replies = 0"', 8, "use '==' to compare ('=' alone is not allowed)"),
    ('"t > 3 && replies == 0"', 6, "use 'and' instead of '&&'"),
    ('"t > 3 || !knows_item"', 6, "use 'or' instead of '||'"),
    ("t > 3 and replies = 0", 18, "use '=='"),
])
def test_condition_errors_point_at_their_column_with_a_hint(when, offset, hint):
    text = _starter_with(('    when: "replies == 0"', f"    when: {when}"))
    [error] = _errors(text)
    line = _line_of(text, f"    when: {when}")
    col = len("    when: ") + 1 + when.startswith('"') + offset
    assert error.startswith(f"s.yaml:{line}:{col}: error: condition: in injects.0.when: not a valid expression: {hint}"), error


def test_an_unknown_name_in_a_condition_points_at_the_name():
    text = _starter_with(('    when: "replies == 0"', '    when: "t > 3 and replys == 0"'))
    [error] = _errors(text)
    col = len('    when: "') + 1 + len("t > 3 and ")
    assert error == (f"s.yaml:{_line_of(text, 'replys')}:{col}: error: unknown-name: condition reads 'replys', "
                     "which is neither declared in state: nor built in (did you mean 'replies'?)")
    text = _starter_with(('    when: "replies == 0"', "    when: zzz == 0"))
    [error] = _errors(text)
    assert "condition reads 'zzz'" in error and "declare it under state:" in error


@pytest.mark.parametrize(("text", "line", "hint"), [
    ("id: x\ntitle: y\n\tfoo: 1\n", 3, "YAML indents with spaces, never tabs"),
    ("id: x\ntitle: @bob\n", 2, "a value that starts with @ must be in quotes"),
    ("id: x\ntitle: `bob`\n", 2, "a value that starts with ` must be in quotes"),
    ("id: x\ntitle: Note: this\n", 2, "a value that contains ': ' must be in quotes"),
    ("id: x\ntags: {a: Team #1, b: 2}\ntitle: y\n", 3, "' #' starts a comment in YAML"),
])
def test_yaml_syntax_errors_carry_a_hint(text, line, hint):
    [error] = _errors(text)
    assert error.startswith(f"s.yaml:{line}:") and "error: yaml-syntax:" in error and hint in error, error


@pytest.mark.parametrize(("value", "message"), [
    ("-5", "range: commenters.0.reach must be at least 0, got -5"),
    ("2000000000", "range: commenters.0.reach must be at most 1,000,000,000, got 2000000000"),
    ("lots", "type: commenters.0.reach must be a whole number, got 'lots'"),
    ("2.5", "type: commenters.0.reach must be a whole number, got 2.5"),
])
def test_a_commenters_reach_out_of_range_is_pointed_at(tmp_path, capsys, value, message):
    """`crisis validate` names the file, line and column of a bad `reach:` under `commenters:`."""
    from simulator.cli import main

    source = (Path(__file__).resolve().parents[2] / "scenarios" / "consider-yourself-embraced.yaml").read_text(encoding="utf-8")
    assert "    reach: 2500\n" in source
    path = tmp_path / "cye.yaml"
    path.write_text(source.replace("    reach: 2500\n", f"    reach: {value}\n", 1), encoding="utf-8")
    line = source[:source.index("    reach: 2500\n")].count("\n") + 1
    assert main(["validate", str(path)]) == 1
    assert f"{path}:{line}:12: error: {message}" in capsys.readouterr().err
