"""`crisis completion bash|zsh|tcsh`: shell completion for every command and option (shtab).

The script is generated from the same argparse parser the program uses, so it never goes stale.
`--install` writes it where the shell looks without any setup (bash-completion's user folder) or,
for zsh, into ~/.zfunc with the one line to add to ~/.zshrc.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from simulator.cli.errors import Failure

SHELLS = ("bash", "zsh", "tcsh")


def register(sub) -> None:
    p = sub.add_parser("completion", help="print (or --install) tab completion for bash, zsh or tcsh",
                       description="Tab completion for crisis. Install it with one command: "
                       "`crisis completion bash --install` (then open a new shell), or "
                       "`crisis completion zsh --install` and add the line it prints to ~/.zshrc.")
    p.add_argument("shell", choices=SHELLS)
    p.add_argument("--install", action="store_true", help="write it where the shell finds it instead of printing it")
    p.set_defaults(handler=cmd_completion)


def script(shell: str) -> str:
    import shtab

    from simulator.cli.main import build_parser

    return shtab.complete(build_parser(), shell=shell)


def install_path(shell: str) -> Path:
    home = Path.home()
    if shell == "bash":
        data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
        return data / "bash-completion" / "completions" / "crisis"
    if shell == "zsh":
        return home / ".zfunc" / "_crisis"
    return home / ".crisis-completion.tcsh"


def cmd_completion(args) -> int:
    text = script(args.shell)
    if not args.install:
        sys.stdout.write(text)
        return 0
    path = install_path(args.shell)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise Failure(f"crisis: error: cannot write {path}: {exc.strerror or exc}") from None
    print(f"wrote {path}")
    if args.shell == "bash":
        print("open a new shell to use it (bash-completion loads it from there)")
    elif args.shell == "zsh":
        print("add this to ~/.zshrc, before compinit:  fpath=(~/.zfunc $fpath)")
    else:
        print(f"add this to ~/.tcshrc:  source {path}")
    return 0
