"""The `crisis` command: parse arguments, call the core, print, exit 0/1/2.

Exit codes (PRODUCT.md section 5): 0 success, 1 invalid input or a failed check, 2 usage error.
Errors go to stderr as `path:line:col: message`, never as a traceback. Each command group lives in
a module of this package (`core`, `authoring`, `drill`, ...) with `register(subparsers)`; heavy
imports (textual, numpy kernels) happen inside the command, so `crisis --help` and `crisis
validate` start fast. The exception classes live in `errors` so command modules need not import
this one.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import pkgutil
import sys
from pathlib import Path

from simulator.cli.core import open_home
from simulator.cli.errors import Failure, UsageError
from simulator.format import limits
from simulator.format.limits import CleanError

NOT_COMMANDS = frozenset({"main", "errors", "audit"})  # helpers, not command groups


def _command_modules() -> list[str]:
    """Every command module of this package registers its own subcommands (core first)."""
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                   if not m.name.startswith("_") and m.name not in NOT_COMMANDS)
    names.sort(key=lambda n: n != "core")
    return [f"simulator.cli.{n}" for n in names]


def _workspace(home):
    """The services layer's workspace for --home (or CRISIS_HOME, or the user's directories), built
    when a command first asks for it: `crisis validate` and `crisis --help` stay fast."""
    holder: dict = {}

    def get():
        if "ws" not in holder:
            from simulator.services import Workspace

            holder["ws"] = Workspace.from_environment(home)
        return holder["ws"]

    return get


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help with each option's default shown, unless it is empty or the help already says it."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        empty = default is None or default is False or default is argparse.SUPPRESS or default in ("", [])
        if not action.option_strings or empty or "default" in text.lower():
            return text
        return f"{text} (default: %(default)s)"


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):  # argparse's own usage errors: exit 2, no traceback
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="crisis",
        description="Crisis Tabletop: train for angry customers in public, on social media.",
    )
    parser.add_argument("--home", metavar="DIR", help="where sessions and history live (default: $CRISIS_HOME or the user data directory)")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in _command_modules():
        importlib.import_module(name).register(sub)
    _home_anywhere(parser)
    return parser


def _home_anywhere(parser: argparse.ArgumentParser) -> None:
    """`--home DIR` after the subcommand too (`crisis report latest --home DIR`): every subcommand
    accepts it, without a default of its own so it never hides one given before the subcommand."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in set(action.choices.values()):
                if not any("--home" in a.option_strings for a in child._actions):
                    child.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS,
                                       help="where sessions and history live (as before the command)")
                _home_anywhere(child)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    args.workspace = _workspace(args.home)
    if args.version:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(version("crisis-tabletop"))
        except PackageNotFoundError:
            print("unknown")
        return 0
    handler = getattr(args, "handler", None)
    if handler is None:
        handler = open_home
    try:
        _check_bounds(args)
        return int(handler(args) or 0)
    except UsageError as exc:
        print(f"crisis: error: {exc}", file=sys.stderr)
        return 2
    except Failure as exc:
        if str(exc):
            print(str(exc), file=sys.stderr)
        return 1
    except CleanError as exc:
        print(f"crisis: error: {exc}", file=sys.stderr)
        return 1
    except RecursionError:
        print("crisis: error: the input is nested too deeply to read", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("crisis: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if exc.errno in ENVIRONMENT_ERRNOS:  # the machine, not the program: say what it is
            where = f"{exc.filename}: " if exc.filename else ""
            print(f"crisis: error: {where}{exc.strerror or exc}{ENVIRONMENT_ERRNOS[exc.errno]}", file=sys.stderr)
            return 1
        return _internal(exc)
    except Exception as exc:  # a bug of ours: one line for the user, the traceback on request
        return _internal(exc)


def _internal(exc: BaseException) -> int:
    if os.environ.get("CRISIS_DEBUG"):
        raise exc
    print(f"crisis: internal error: {type(exc).__name__}: {exc} "
          "(run again with CRISIS_DEBUG=1 to see where, and please report it)", file=sys.stderr)
    return 1


# Errors of the machine (a full disk, a read-only or unwritable home, a name the OS refuses):
# reported as what they are, with what to do.
ENVIRONMENT_ERRNOS = {
    errno.ENOSPC: " (the disk is full: free some space and run again)",
    errno.EDQUOT: " (the disk quota is used up)",
    errno.EROFS: " (a read-only file system: give a writable --home or CRISIS_HOME)",
    errno.EACCES: " (permission denied: give a writable --home or CRISIS_HOME)",
    errno.EPERM: " (not permitted: give a writable --home or CRISIS_HOME)",
    errno.ENAMETOOLONG: " (a name longer than the file system allows)",
    errno.ENOTDIR: " (a file is in the way of a directory)",
    errno.EISDIR: " (a directory where a file was expected)",
    errno.EIO: " (an input/output error from the disk)",
}


def _check_bounds(args) -> None:
    """Seeds and names are bounded where they come in (docs/limits.md)."""
    for attr in ("seed", "show"):
        value = getattr(args, attr, None)
        if value is not None:
            try:
                limits.seed(value, f"--{attr}")
            except CleanError as exc:
                raise UsageError(str(exc)) from None
    trainee = getattr(args, "trainee", None)
    if trainee:
        try:
            limits.name(trainee, "--trainee")
        except CleanError as exc:
            raise UsageError(str(exc)) from None


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
