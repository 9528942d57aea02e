"""`crisis msel`: injects to a planner's spreadsheet and back, without losing anything."""

import csv
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.authoring import msel
from simulator.cli import main
from simulator.format.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "scenarios" / "stock-check.yaml"

RICH_INJECTS = '''injects:
  - id: me_too
    at: 30m
    when: "replies == 0"
    kind: post
    from: "@maple_mum"
    to: Social team
    delivery: Twitter reply
    text: "Same thing \\"happened\\" to me;\\nthe website lies, 100%. Ünïcode ✓ 🚀"
    valence: -0.5
    arousal: 0.4
    expected: Acknowledge publicly; don't argue.
    objective: acknowledge
    contingency: escalate_note
    set: {knows_item: true}
  - id: escalate_note
    at: 12.5
    kind: internal
    platform: other
    text: "Your supervisor asks: what's going on?"
  - id: news
    when: "negative_reach > 400 and 'parent_forum' in fired"
    kind: news
    platform: news
    text: Local news asks for a comment.
    valence: -0.7
    arousal: 0.8
'''


def rich(tmp_path) -> Path:
    text = STARTER.read_text(encoding="utf-8")
    start = text.index("injects:")
    end = text.index("objectives:")
    path = tmp_path / "rich.yaml"
    path.write_text(text[:start] + RICH_INJECTS + "\n" + text[end:], encoding="utf-8")
    return path


def keys(scenario):
    return [msel.inject_key(i) for i in scenario.injects]


def test_msel_columns_come_first():
    rows = list(csv.reader(io.StringIO(msel.export_csv(load_scenario(STARTER)))))
    assert rows[0][:10] == ["Seq", "Time", "Inject type", "Delivery method", "From", "To", "Description",
                            "Expected player action", "Objective", "Contingency"]
    assert rows[1][:3] == ["1", "T+30m", "post"] and rows[1][10] == "me_too"


def test_round_trip_through_the_cli(tmp_path, capsys):
    source = rich(tmp_path)
    sheet = tmp_path / "msel.csv"
    assert main(["msel", "export", str(source), "-o", str(sheet)]) == 0
    assert f"wrote {sheet} (3 injects)" in capsys.readouterr().out
    target = tmp_path / "target.yaml"
    shutil.copy(STARTER, target)
    before = target.read_text(encoding="utf-8")
    assert main(["msel", "import", str(sheet), "-o", str(target)]) == 0
    assert keys(load_scenario(target)) == keys(load_scenario(source))
    after = target.read_text(encoding="utf-8")
    # everything outside the injects section, comments included, is untouched
    assert after[: after.index("injects:")] == before[: before.index("injects:")]
    assert after[after.index("objectives:"):] == before[before.index("objectives:"):]
    # and exporting again gives the same sheet
    assert msel.export_csv(load_scenario(target)) == sheet.read_bytes().decode("utf-8")


def test_import_adds_a_section_when_there_is_none(tmp_path):
    text = STARTER.read_text(encoding="utf-8")
    start, end = text.index("injects:"), text.index("objectives:")
    path = tmp_path / "none.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert load_scenario(path).injects == ()
    result = msel.import_csv(msel.export_csv(load_scenario(STARTER)), "x.csv")
    msel.write_into(path, result)
    assert keys(load_scenario(path)) == keys(load_scenario(STARTER))


def test_import_without_output_prints_yaml(tmp_path, capsys):
    sheet = tmp_path / "m.csv"
    sheet.write_text(msel.export_csv(load_scenario(STARTER)), encoding="utf-8", newline="")
    assert main(["msel", "import", str(sheet)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("injects:\n  - id: \"me_too\"\n    at: 30m\n")


def test_import_errors_point_at_row_and_column(tmp_path, capsys):
    sheet = tmp_path / "bad.csv"
    sheet.write_text(
        "Seq,Time,Inject type,Description,Inject ID,Condition,Valence,Set,Contingency\n"
        "1,soon,post,Hello,a,,,,\n"
        "2,T+1h,tweet,Hi,b,,2,,\n"
        "3,,post,\"multi\nline\",c,replies >,,,\n"
        "4,10m,post,,d,,,\"{\"\"nope\"\": 1}\",ghost\n"
        "5,10m,post,ok,a,,,,\n", encoding="utf-8")
    target = tmp_path / "t.yaml"
    shutil.copy(STARTER, target)
    before = target.read_text(encoding="utf-8")
    assert main(["msel", "import", str(sheet), "-o", str(target)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"{sheet}:2:2: error: duration: Time: 'soon' is not a duration (write e.g. '90m', '2h', '1d 3h')" in err
    assert any(line.startswith(f"{sheet}:3:3: error: enum: Inject type must be one of") and "'tweet'" in line for line in err)
    assert any(line.startswith(f"{sheet}:3:7: error: range: Valence") for line in err)
    assert any(line.startswith(f"{sheet}:4:6: error: condition:") for line in err)
    assert any(line.startswith(f"{sheet}:6:4: error: required:") for line in err)
    assert any(line.startswith(f"{sheet}:6:8: error: set:") and "'nope' is not a declared state variable" in line for line in err)
    assert any(line.startswith(f"{sheet}:6:9: error: missing-inject: contingency 'ghost'") for line in err)
    assert any(line.startswith(f"{sheet}:7:5: error: duplicate-id: inject id 'a' is used twice (first on row 2)") for line in err)
    assert target.read_text(encoding="utf-8") == before  # nothing written


def test_header_problems(tmp_path, capsys):
    sheet = tmp_path / "h.csv"
    sheet.write_text("Seq,Tme,Descripton\n1,10m,x\n", encoding="utf-8")
    assert main(["msel", "import", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert f"{sheet}:1:2: error: unknown-column: unknown column 'Tme' (did you mean 'Time'?)" in err
    assert f"{sheet}:1:1: error: missing-column: the sheet needs a 'Description' column" in err


def test_cross_references_are_checked_before_writing(tmp_path, capsys):
    sheet = tmp_path / "m.csv"
    sheet.write_text("Time,Description,Condition\n10m,hello,nobody > 2\n", encoding="utf-8")
    target = tmp_path / "t.yaml"
    shutil.copy(STARTER, target)
    assert main(["msel", "import", str(sheet), "-o", str(target)]) == 1
    assert f"{sheet}:2:3: error: unknown-name: Condition reads 'nobody'" in capsys.readouterr().err


def test_excel_bom_and_aliases(tmp_path):
    text = "\ufeffSequence number,Time (scenario offset),Type,Description\r\n1,45m,news,Breaking\r\n"
    result = msel.import_csv(text, "x.csv")
    assert not result.diagnostics
    assert result.injects == ({"id": "msel-1", "at": 45.0, "kind": "news", "text": "Breaking"},)


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60).filter(lambda s: s.strip())


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT, sender=st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
       at=st.one_of(st.none(), st.integers(0, 5000), st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 3))),
       valence=st.floats(-1, 1, allow_nan=False), flag=st.booleans())
def test_any_text_round_trips(tmp_path, text, sender, at, valence, flag):
    scenario = load_scenario(STARTER)
    inject = {"id": "x1", "text": text, "from": sender, "valence": valence, "set": {"knows_item": flag}}
    if at is None:
        inject["when"] = "replies > 1"
    else:
        inject["at"] = float(at)
    yaml_text = msel.injects_yaml([inject])
    path = tmp_path / "rt.yaml"
    shutil.copy(STARTER, path)
    result = msel.ImportResult((inject,), ())
    msel.write_into(path, result)
    loaded = load_scenario(path)
    [got] = loaded.injects
    assert got.text == text and got.sender == sender and got.valence == valence and dict(got.set) == {"knows_item": flag}
    assert got.at == (None if at is None else float(at))
    sheet = msel.export_csv(loaded)
    back = msel.import_csv(sheet, "rt.csv", {"knows_item": "bool"})
    assert not back.diagnostics, back.diagnostics
    msel.write_into(path, back)
    assert keys(load_scenario(path)) == keys(loaded)
    assert "&" not in yaml_text.split("\n")[0] and scenario.id == "stock-check"


def test_conditional_text_and_brand_voice_round_trip_through_the_sheet(tmp_path):
    from simulator.authoring.msel import export_csv, import_csv, inject_key, write_into
    from simulator.format.scenario import load_scenario

    source = Path(__file__).resolve().parents[2] / "scenarios" / "two-am-bakery.yaml"
    path = tmp_path / "s.yaml"
    text = source.read_text(encoding="utf-8").replace(
        '    text: "Our page was hacked last night. We are not responsible for those posts."\n',
        '    text: "Our page was hacked last night. We are not responsible for those posts."\n'
        '    text_when: [{when: "replies > 0", text: "We were hacked, and we are sorry."}]\n', 1)
    path.write_text(text, encoding="utf-8")
    before = load_scenario(path)
    assert any(i.texts for i in before.injects) and any(i.brand_voice for i in before.injects)
    result = import_csv(export_csv(before), "m.csv", {v.name: v.type for v in before.state})
    assert not result.diagnostics
    after = write_into(path, result)
    assert [inject_key(i) for i in after.injects] == [inject_key(i) for i in before.injects]
