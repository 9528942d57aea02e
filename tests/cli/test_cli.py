"""The command-line contract (PRODUCT.md section 5), through the real entry point."""

import json
import subprocess
import sys

import pytest
from helpers import ROOT, STARTER

from simulator.cli import main

GOOD_SCRIPT = "seed: 7\nactions:\n  - choose: model\n  - choose: fix_public\n  - wait: 30m\n"
BAD_SCRIPT = "seed: 7\nactions:\n  - reply: \"Well it's not really representative of the store's stock. Did you call???\"\n  - reply: \"As we said, it's a guide. You should have called.\"\n"


def crisis(*args, stdin=None):
    """Run the installed-style entry point in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "simulator", *args], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, timeout=120)


def test_validate_ok_and_exit_codes(tmp_path):
    ok = crisis("validate", str(STARTER))
    assert ok.returncode == 0 and "1 of 1 file valid" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: [\n", encoding="utf-8")
    result = crisis("validate", str(STARTER), str(bad))
    assert result.returncode == 1
    assert f"{bad}:" in result.stderr and ": error: yaml-syntax: " in result.stderr
    assert "Traceback" not in result.stderr
    usage = crisis("validate")
    assert usage.returncode == 2 and "usage:" in usage.stderr


def test_validate_json(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitel: y\n", encoding="utf-8")
    assert main(["validate", "--format", "json", str(bad)]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is False
    diag = out["files"][0]["diagnostics"]
    assert {"path", "line", "col", "severity", "code", "message"} <= set(diag[0])
    assert any(d["code"] == "unknown-key" and d["line"] == 2 for d in diag)


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02", b"a: &x 1\nb: *x\n", b"[" * 10_000, b"x: " + b"a" * 2_000_000, b"\xff\xfe\xfd",
     b"!!python/object/apply:os.system ['echo hacked']\n", b"- - - - -\n" * 1000],
    ids=["empty", "binary", "alias", "deep", "huge", "not-utf8", "python-tag", "nested-lists"],
)
def test_validate_never_tracebacks(tmp_path, content):
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    result = crisis("validate", str(path))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{path}:")
    assert "Traceback" not in result.stderr and "hacked" not in result.stdout


def test_run_prints_the_scorecard_json_with_the_contract_fields(tmp_path):
    script = tmp_path / "good.yaml"
    script.write_text(GOOD_SCRIPT, encoding="utf-8")
    result = crisis("run", "stock-check", "--script", str(script), "--json")
    assert result.returncode == 0, result.stderr
    card = json.loads(result.stdout)
    assert card["scenario"] == "stock-check" and card["seed"] == 7
    assert 0 <= card["overall"] <= 100 and card["grade"] in "ABCDF"
    assert set(card["dimensions"]) == {"outcome", "reputation", "conduct", "timeliness", "judgment"}
    assert card["outcome"] in ("raving_fan", "satisfied", "neutral", "churned", "hostile")
    assert set(card["rules"]) == {str(n) for n in range(1, 10)}
    assert all(set(v) == {"kept", "broken"} for v in card["rules"].values())
    assert {"reach", "negative_reach", "net_sentiment", "spillovers"} <= set(card["metrics"])
    assert isinstance(card["turning_points"], list)


def test_good_play_scores_clearly_higher_than_bad(tmp_path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(GOOD_SCRIPT, encoding="utf-8")
    bad.write_text(BAD_SCRIPT, encoding="utf-8")
    g = json.loads(crisis("run", "stock-check", "--script", str(good), "--json").stdout)
    b = json.loads(crisis("run", "stock-check", "--script", str(bad), "--json").stdout)
    assert g["overall"] >= b["overall"] + 30, (g["overall"], b["overall"])
    assert g["outcome"] in ("satisfied", "raving_fan") and b["outcome"] in ("churned", "hostile")
    assert b["rules"]["7"]["broken"] >= 1 and g["rules"]["8"]["kept"] >= 1


def test_run_seed_flag_overrides_the_script(tmp_path, capsys):
    script = tmp_path / "s.yaml"
    script.write_text(GOOD_SCRIPT, encoding="utf-8")
    assert main(["run", str(STARTER), "--script", str(script), "--seed", "99", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["seed"] == 99


def test_run_is_deterministic(tmp_path):
    script = tmp_path / "s.yaml"
    script.write_text(BAD_SCRIPT, encoding="utf-8")
    a = crisis("run", "stock-check", "--script", str(script), "--json").stdout
    b = crisis("run", "stock-check", "--script", str(script), "--json").stdout
    assert a == b and a


def test_run_human_output(tmp_path, capsys):
    script = tmp_path / "s.yaml"
    script.write_text(GOOD_SCRIPT, encoding="utf-8")
    assert main(["run", "stock-check", "--script", str(script)]) == 0
    out = capsys.readouterr().out
    assert "Overall" in out and "grade" in out and "negative reach" in out


@pytest.mark.parametrize(
    ("script", "fragment"),
    [
        ("actions:\n  - shout: hi\n", "unknown action 'shout'"),
        ("actions:\n  - wait: soon\n", "wait:"),
        ("actions: 5\n", "actions must be a list"),
        ("seed: x\nactions: []\n", "seed must be a whole number"),
        ("actions:\n  - choose: nope\n", "choice 'nope' is not available"),
        ("actions:\n  - escalate: ceo\n", "no role 'ceo'"),
        ("actions:\n  - offer: {remedy: unicorn}\n", "no remedy 'unicorn'"),
        ("actions: [\n", "yaml-syntax"),
    ],
)
def test_bad_play_scripts_are_clear_errors(tmp_path, script, fragment):
    path = tmp_path / "play.yaml"
    path.write_text(script, encoding="utf-8")
    result = crisis("run", "stock-check", "--script", str(path))
    assert result.returncode == 1, result.stdout
    assert fragment in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.startswith(str(path))


def test_run_unknown_scenario_and_usage_errors(tmp_path):
    script = tmp_path / "s.yaml"
    script.write_text(GOOD_SCRIPT, encoding="utf-8")
    missing = crisis("run", "no-such-scenario", "--script", str(script))
    assert missing.returncode == 1 and "no scenario 'no-such-scenario'" in missing.stderr
    assert crisis("run", "stock-check").returncode == 2
    assert crisis("frobnicate").returncode == 2


def test_list_json(capsys):
    assert main(["list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ids = {s["id"] for s in data["scenarios"]}
    assert "stock-check" in ids
    starter = next(s for s in data["scenarios"] if s["id"] == "stock-check")
    assert starter["track"] == "onboarding" and 1 <= starter["difficulty"] <= 5 and starter["summary"]


def test_list_text(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "ONBOARDING" in out and "stock-check" in out


def test_analyze_json_contract():
    result = crisis("analyze", "--json", "Well it's not really representative of the store's stock. Did you call???")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["features"]["argue"] is True and data["features"]["blame"] is True
    assert -1 <= data["sentiment"] <= 1
    assert data["rules"]["7"] == "broken" and data["rules"]["1"] == "broken"


def test_analyze_reads_stdin_and_never_echoes_escapes():
    result = crisis("analyze", "-", stdin="Sorry! \x1b[31mred\x1b[0m What item were you after?")
    assert result.returncode == 0
    assert "\x1b" not in result.stdout


def test_home_flag_sets_the_data_directory(tmp_path):
    script = tmp_path / "s.yaml"
    script.write_text(GOOD_SCRIPT, encoding="utf-8")
    home = tmp_path / "elsewhere"
    result = crisis("--home", str(home), "run", "stock-check", "--script", str(script), "--save", "--json")
    assert result.returncode == 0, result.stderr
    assert list((home / "sessions").glob("*.jsonl"))
    assert (home / "history.sqlite").exists()


def test_version_and_help():
    assert crisis("--version").returncode == 0
    helped = crisis("--help")
    assert helped.returncode == 0 and "validate" in helped.stdout and "run" in helped.stdout


def test_an_unexpected_error_is_one_line_not_a_traceback(monkeypatch, capsys):
    from simulator.cli import core

    def boom(args):
        raise RuntimeError("something we did not foresee")

    monkeypatch.setattr(core, "cmd_schema", boom)
    monkeypatch.delenv("CRISIS_DEBUG", raising=False)
    assert main(["schema"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("crisis: internal error: RuntimeError: something we did not foresee") and "Traceback" not in err
    monkeypatch.setenv("CRISIS_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["schema"])


@pytest.mark.parametrize("command", [["report"], ["playbook"], ["fork", "--list"]])
def test_every_saved_session_command_survives_a_transcript_that_replays_differently(tmp_path, command):
    """Report, playbook and fork open saved sessions the same way (commands.core.load_saved)."""
    script = tmp_path / "s.yaml"
    script.write_text(GOOD_SCRIPT, encoding="utf-8")
    home = tmp_path / "home"
    assert crisis("--home", str(home), "run", "stock-check", "--script", str(script), "--save").returncode == 0
    path = next((home / "sessions").glob("*.jsonl"))
    lines = path.read_text(encoding="utf-8").splitlines()
    step = json.loads(lines[1])
    step["events"][0]["text"] = "as an older version of the game recorded it"
    lines[1] = json.dumps(step)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = crisis("--home", str(home), command[0], path.stem, *command[1:])
    assert result.returncode == 0, result.stderr
    assert "replays differently" in result.stderr and "as the current version plays them" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_shows_each_message_beside_the_authors_suggestion(tmp_path):
    """`crisis run` in text: the trainee's words, the author's best suggestion then, the rule."""
    script = tmp_path / "snipe.yaml"
    script.write_text("seed: 7\nactions:\n  - reply: \"Sure, Professor Coffee. Most people phone ahead.\"\n  - wait: 10m\n",
                      encoding="utf-8")
    out = crisis("run", "stock-check", "--script", str(script)).stdout
    block = out.split("Your messages, and what the author suggested", 1)[1]
    assert "Sure, Professor Coffee" in block and "author: “We apologize, Dan" in block
    assert "broken: " in block and "judge: " in block
    assert "neutral " in out and "positive " in out
