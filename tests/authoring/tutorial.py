"""docs/authoring.md played for real: every `$ ...` block in it is regenerated here.

The tutorial edits one file step by step. This module makes the same edits, taking the YAML and
the spreadsheet rows it inserts from the tutorial's own ```yaml and ```csv blocks, runs each
command shown in a ```console block in a fresh folder through the real entry point, and compares
the block with what the command printed (stdout, then stderr). `python tests/authoring/tutorial.py
--write` rewrites the blocks with the real output; tests/authoring/test_tutorial_outputs.py fails
when they differ.

Every command is deterministic (fuzz runs from a fixed seed), so nothing is normalised except
what a terminal shows differently from a pipe: `cat` of the exported sheet without its byte-order
mark and with plain line ends. Three blocks need more than running the command:
- `crisis fuzz --show SEED` shows the run the fuzz report above it found a dead end in, so its
  seed is taken from the real report (a changed engine rewrites the command too); the prose that
  names that run is checked by `prose_problems`.
- `crisis play` opens the interactive game: it runs through the real CLI with the Textual app
  replaced by a recorder that starts the session it was handed and prints nothing when the game
  would open where the command asked (beat, clock, values), or what differs.
- `crisis run --trace` runs from the repository (its script lives in docs/examples/) and is
  compared up to the scorecard, which the tutorial says follows.
UNCHECKED lists any block that cannot be run, with the reason (none today).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "authoring.md"
FILE = "my-scenarios/late-parcel.yaml"
BLOCK = re.compile(r"```(yaml|console|csv)\n(.*?)```", re.S)
UNCHECKED: dict[int, str] = {}  # block number -> why it cannot be run offline
DEAD_END = re.compile(r"^dead ends: [1-9]\d*\n  seed (\d+):", re.M)

# `crisis play` with the Textual app replaced: start the session the CLI built and say only what
# differs from what the command asked for.
_PLAY = r"""
import sys, types
from simulator.engine.session import Session

def run_app(*, scenario=None, seed=None, start=None, **_):
    session = Session(scenario, seed or 0, start=start)
    if start.beat and session.beat != start.beat:
        print(f"the game opened in beat {session.beat}, not {start.beat}")
    if start.clock is not None and session.t != start.clock:
        print(f"the game opened at T+{session.t:g}m, not T+{start.clock:g}m")
    for name, value in start.values:
        if session.vars.get(name) != value:
            print(f"the game opened with {name}={session.vars.get(name)!r}, not {value!r}")
    return 0

ui = types.ModuleType("simulator.ui")
app = types.ModuleType("simulator.ui.app")
app.run_app = run_app
ui.app = app
sys.modules["simulator.ui"] = ui
sys.modules["simulator.ui.app"] = app
from simulator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def blocks(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, body, start, end) of each ```yaml, ```csv and ```console block, in order."""
    return [(m.group(1), m.group(2), m.start(2), m.end(2)) for m in BLOCK.finditer(text)]


def crisis(command: str, cwd: Path) -> str:
    """What `command` prints in `cwd` (stdout, then stderr): `crisis ...` through the real entry
    point (`crisis play` with the recorder above), or `cat FILE`."""
    args = shlex.split(command)
    if args[0] == "cat":
        return (cwd / args[1]).read_text(encoding="utf-8-sig").replace("\r\n", "\n").rstrip("\n")
    assert args[0] == "crisis", command
    runner = ["-c", _PLAY] if args[1] == "play" else ["-m", "simulator"]
    done = subprocess.run([sys.executable, *runner, *args[1:]], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=_env(cwd))
    return (done.stdout + done.stderr).rstrip("\n")


def _env(cwd: Path) -> dict:
    env = dict(os.environ)
    env["CRISIS_HOME"] = str(cwd / ".crisis-home")
    env["COLUMNS"] = "100"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def _insert_after(text: str, anchor: str, snippet: str) -> str:
    assert anchor in text, anchor
    return text.replace(anchor, anchor + snippet, 1)


def _edit(index: int, body: str, folder: Path) -> None:
    """The tutorial's edit that goes with its YAML block number `index`."""
    path = folder / FILE
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if index == 3:  # a state variable, under state:
        text = _insert_after(text, '  asked_order: {type: bool, default: false, description: "The trainee asked for the order number."}\n', body)
    elif index == 4:  # a third choice at the end of the fix beat's choices
        text = _insert_after(text, '        feedback: "Better late than never: rule 6 kept."\n        set: {asked_order: true}\n', body)
    elif index == 6:  # the missing beat, after the fix beat
        text = _insert_after(text, "        goto: thanked\n", "\n" + body)
    elif index == 8:  # the suppression comment on the choice's line
        text = text.replace("      - id: offer_credit\n", body, 1)
    elif index == 10:  # the choice, rewritten
        start = text.index("      - id: offer_credit")
        end = text.index("        goto: thanked\n", start) + len("        goto: thanked\n")
        text = text[:start] + body + text[end:]
    elif index == 14:  # a test at the end of tests:
        text = text.rstrip("\n") + "\n" + body
    elif index == 15:  # "With `overall_min: 85` it passes."
        text = text.replace("      overall_min: 95\n", "      overall_min: 85\n", 1)
    elif index == 16:
        (folder / "my-scenarios" / "late-parcel.playtest.yaml").write_text(body, encoding="utf-8")
        return
    elif index == -1:  # after `--show`: "we mark the beat as an ending (`end: true` under `text: ...`)"
        text = _insert_after(text, "    text: Sam says thanks for the credit.\n", "    end: true\n")
    else:
        return
    path.write_text(text, encoding="utf-8")


def _sheet(number: int, row: str, folder: Path) -> None:
    """The tutorial's spreadsheet edits: its first ```csv row is added to the exported sheet, its
    second is the same row mistyped, in msel-bad.csv (the header and first row as exported)."""
    sheet = folder / "msel.csv"
    if number == 0:
        sheet.write_text(sheet.read_text(encoding="utf-8-sig") + row.replace("\n", "\r\n"), encoding="utf-8-sig")
    else:
        exported = sheet.read_text(encoding="utf-8-sig").splitlines(keepends=True)[:2]
        (folder / "msel-bad.csv").write_text("".join(exported) + row.replace("\n", "\r\n"), encoding="utf-8-sig")


def play(folder: Path) -> dict[int, str]:
    """Run the tutorial in `folder`; the real text of every console block, by block number."""
    out: dict[int, str] = {}
    sheets = 0
    for i, (kind, body, _, _) in enumerate(blocks(DOC.read_text(encoding="utf-8"))):
        first = body.splitlines()[0]
        if kind == "yaml":
            _edit(i, body, folder)
            continue
        if kind == "csv":
            _sheet(sheets, body, folder)
            sheets += 1
            continue
        if i in UNCHECKED:
            continue
        if first.startswith("$ crisis run ") and "--trace" in first:
            out[i] = _trace_block(first[2:])
            continue
        commands = [line[2:] for line in body.splitlines() if line.startswith("$ ")]
        if " --show " in first:
            commands = [_show_command(first[2:], out[max(out)])]
        out[i] = "\n".join(f"$ {c}\n{crisis(c, folder)}".rstrip("\n") for c in commands).replace("\n$ ", "\n\n$ ") + "\n"
        if i == 15:
            _edit(15, "", folder)
        if " --show " in first:
            _edit(-1, "", folder)
    return out


def _show_command(command: str, report: str) -> str:
    """`crisis fuzz FILE --show SEED` with the seed of the first dead end in the report before it."""
    found = DEAD_END.search(report)
    assert found, "the fuzz report before `--show` finds no dead end any more:\n" + report
    return re.sub(r"--show \d+", f"--show {found.group(1)}", command)


def prose_problems(text: str) -> list[str]:
    """Where the prose around the fuzz report names a run the report does not show."""
    parts = blocks(text)
    show = next(i for i, (kind, body, _, _) in enumerate(parts) if kind == "console" and " --show " in body.split("\n")[0])
    seed = re.search(r"--show (\d+)", parts[show][1]).group(1)
    between = text[parts[show - 1][3]:parts[show][2]]
    problems = [] if f"in run {seed} " in between else [f"the prose before `--show {seed}` does not say 'in run {seed}'"]
    if f"(fuzz run, seed {seed})" not in parts[show][1]:
        problems.append(f"the `--show` block does not show seed {seed}")
    return problems


def _trace_block(command: str) -> str:
    """The `--trace` example, run from the repository (its script lives in docs/examples/): the
    trace part of the output, which the tutorial shows before saying the scorecard follows."""
    text = crisis(command, ROOT)
    return f"$ {command}\n" + text.split("\n\n", 1)[0] + "\n"


def write(folder: Path) -> int:
    """Rewrite the console blocks of docs/authoring.md with the real output; returns how many changed."""
    text = DOC.read_text(encoding="utf-8")
    real = play(folder)
    changed = 0
    for i, (_, body, start, end) in reversed(list(enumerate(blocks(text)))):
        if i in real and real[i] != body:
            text = text[:start] + real[i] + text[end:]
            changed += 1
    DOC.write_text(text, encoding="utf-8")
    return changed


if __name__ == "__main__":  # python tests/authoring/tutorial.py --write
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        if "--write" in sys.argv:
            print(f"{write(Path(tmp))} block(s) rewritten in {DOC}")
            print("\n".join(prose_problems(DOC.read_text(encoding="utf-8"))))
        else:
            for number, text in play(Path(tmp)).items():
                print(f"--- block {number}\n{text}")
