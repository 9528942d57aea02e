"""The command line's two user-facing failures, apart from `main` so command modules need not import it."""

from __future__ import annotations


class UsageError(Exception):
    """Wrong arguments: exit code 2."""


class Failure(Exception):
    """Invalid input or a failed check: exit code 1. The message is already user-facing."""
