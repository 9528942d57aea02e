"""The `crisis` command: parse arguments, call the core, print, exit 0/1/2.

Exit codes (PRODUCT.md section 5): 0 success, 1 invalid input or a failed check, 2 usage error.
Errors go to stderr as `path:line:col: message`, never as a traceback. Each subcommand lives in a
module under `simulator/commands/` with `register(subparsers)`; heavy imports (textual, numpy
kernels) happen inside the command, so `crisis --help` and `crisis validate` start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys


def _command_modules() -> list[str]:
    """Every module in simulator/commands registers its own subcommands (core first)."""
    import pkgutil

    from . import commands

    names = sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))
    names.sort(key=lambda n: n != "core")
    return [f"simulator.commands.{n}" for n in names]


class UsageError(Exception):
    """Wrong arguments: exit code 2."""


class Failure(Exception):
    """Invalid input or a failed check: exit code 1. The message is already user-facing."""


class _Parser(argparse.ArgumentParser):
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
    return parser


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.home:
        os.environ["CRISIS_HOME"] = args.home
    if args.version:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(version("crisis-tabletop"))
        except PackageNotFoundError:
            print("unknown")
        return 0
    handler = getattr(args, "handler", None)
    if handler is None:
        from .commands.core import open_home

        handler = open_home
    try:
        return int(handler(args) or 0)
    except UsageError as exc:
        print(f"crisis: error: {exc}", file=sys.stderr)
        return 2
    except Failure as exc:
        if str(exc):
            print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("crisis: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: one line for the user, the traceback on request
        if os.environ.get("CRISIS_DEBUG"):
            raise
        print(f"crisis: internal error: {type(exc).__name__}: {exc} "
              "(run again with CRISIS_DEBUG=1 to see where, and please report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
