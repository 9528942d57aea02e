"""The command line a newcomer meets: defaults in --help, --json, progress bars, completion, stderr."""

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.cli._progress import progress_bar

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "scenarios" / "stock-check.yaml"


@pytest.mark.parametrize(("argv", "shown"), [
    (["forecast", "--help"], ["--rollouts ROLLOUTS  number of rollouts (default: 1000)", "(default: 0)", "(default: 1)"]),
    (["fuzz", "--help"], ["(default: 100)", "(default: 30)"]),
    (["new", "--help"], ["(default: onboarding)"]),
])
def test_help_shows_defaults(argv, shown, capsys):
    assert main(argv) == 0
    out = " ".join(capsys.readouterr().out.split())
    for text in shown:
        assert " ".join(text.split()) in out


def test_json_is_accepted_wherever_format_json_is(capsys, tmp_path):
    for command in (["validate"], ["lint"]):
        assert main([*command, "--json", str(STARTER)]) == 0
        a = json.loads(capsys.readouterr().out)
        assert main([*command, "--format", "json", str(STARTER)]) == 0
        assert json.loads(capsys.readouterr().out) == a


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_draws_on_a_terminal_and_nowhere_else():
    tty = _Tty()
    with progress_bar("fuzz", "runs", stream=tty) as progress:
        for i in range(1, 11):
            progress(i, 10)
    assert "fuzz" in tty.getvalue() and "10/10" in tty.getvalue()
    pipe = io.StringIO()
    with progress_bar("fuzz", "runs", stream=pipe) as progress:
        progress(5, 10)
    assert pipe.getvalue() == ""


def test_fuzz_shows_progress_on_a_terminal_stderr_and_keeps_stdout_clean():
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    proc = subprocess.run([sys.executable, "-m", "simulator", "fuzz", str(STARTER), "--runs", "20"],
                          stdout=subprocess.PIPE, stderr=slave, env=env, timeout=300, check=False)
    os.close(slave)
    drawn = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(master)
    assert proc.returncode in (0, 1)
    assert b"fuzz" in drawn and b"/20" in drawn  # the bar, on the terminal
    assert b"\x1b" not in proc.stdout and proc.stdout.startswith(b"stock-check: 20 runs")  # the result, clean


def test_fuzz_and_forecast_print_no_bar_into_a_pipe(capsys):
    assert main(["forecast", str(STARTER), "--rollouts", "20"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out.startswith("Worst case if nobody answers")


def test_completion_scripts_know_the_commands_and_options(capsys):
    assert main(["completion", "bash"]) == 0
    bash = capsys.readouterr().out
    for word in ("forecast", "msel", "--rollouts", "--json", "completion"):
        assert word in bash
    assert main(["completion", "zsh"]) == 0
    assert "#compdef crisis" in capsys.readouterr().out


def test_completion_install_writes_where_the_shell_looks(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert main(["completion", "bash", "--install"]) == 0
    target = tmp_path / ".local" / "share" / "bash-completion" / "completions" / "crisis"
    assert f"wrote {target}" in capsys.readouterr().out
    # bash itself loads it and completes a subcommand
    probe = subprocess.run(["bash", "-c", f"source {target}; COMP_WORDS=(crisis fore); COMP_CWORD=1; "
                            "_shtab_crisis 2>/dev/null || true; declare -F | grep -c _shtab_crisis"],
                           capture_output=True, text=True, timeout=30, check=False)
    assert probe.returncode == 0 and int(probe.stdout.strip() or 0) >= 1
    assert main(["completion", "zsh", "--install"]) == 0
    assert (tmp_path / ".zfunc" / "_crisis").is_file()
    assert "fpath=(~/.zfunc $fpath)" in capsys.readouterr().out
