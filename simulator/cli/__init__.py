"""The `crisis` command: `main` parses and dispatches, one module per command group registers its
subcommands, `errors` holds the exit-code exceptions. `simulator.cli:main` stays the entry point."""

from simulator.cli.errors import Failure, UsageError
from simulator.cli.main import main

__all__ = ["Failure", "UsageError", "main"]
