"""The authoring docs stay true: generated parts are current, every key and command is covered."""

import json
import re
from pathlib import Path

from simulator.authoring.docgen import reference
from simulator.authoring.lint import CODES
from simulator.cli import main
from simulator.format import schema

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_schema_json_is_up_to_date(capsys):
    assert main(["schema"]) == 0
    assert json.loads((DOCS / "scenario.schema.json").read_text(encoding="utf-8")) == json.loads(capsys.readouterr().out), \
        "regenerate: crisis schema > docs/scenario.schema.json"


def test_reference_is_up_to_date():
    assert (DOCS / "scenario-format-reference.md").read_text(encoding="utf-8") == reference(), \
        "regenerate: python -m simulator.authoring.docgen > docs/scenario-format-reference.md"


def test_format_docs_mention_every_top_level_key():
    text = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    missing = [key for key in schema.SCENARIO.fields if not re.search(rf"(^|\n)#+ .*`{key}`|\n{key}:", text)]
    assert not missing, missing


def test_reference_covers_every_key_at_every_level():
    text = reference()

    def walk(f, path):
        node = f.items if f.kind == "list" and f.items is not None else f.values if f.kind == "map" and f.values is not None else f
        for key, sub in node.fields.items():
            assert f"| `{key}` |" in text, f"{path}.{key}"
            walk(sub, f"{path}.{key}")

    walk(schema.SCENARIO, "")


def test_tutorial_shows_every_command_and_lint_code():
    text = (DOCS / "authoring.md").read_text(encoding="utf-8")
    for command in ("crisis new", "crisis validate", "crisis lint", "crisis graph", "crisis test", "crisis fuzz",
                    "crisis stats", "crisis msel export", "crisis msel import", "crisis play", "--from", "--set", "--clock"):
        assert command in text, command
    for code in CODES:
        assert code in text, code
    assert "# lint: ignore[" in text and "yaml-language-server" in text


def test_annotated_example_is_valid_and_lint_clean(tmp_path):
    from simulator.authoring.lint import lint_path
    from simulator.format.scenario import validate_path

    text = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    assert validate_path(path) == []
    assert lint_path(path).diagnostics == ()
    assert set(schema.SCENARIO.fields) <= {line.split(":")[0] for line in example.splitlines() if line and line[0].isalpha()}
