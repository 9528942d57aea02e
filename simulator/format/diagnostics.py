"""Diagnostics in the one form editors, CI and people all read: `path:line:col: severity: CODE: message`.

Every checker (loader, schema, cross-references, lint, MSEL import) produces these values, so a
scenario author sees every problem of a file in one pass, each pointing at a line and column.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    severity: str  # "error" | "warning"
    code: str
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.code}: {self.message}"

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


class ScenarioError(Exception):
    """Raised when a scenario cannot be used; carries every diagnostic found, not just the first."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.line, d.col, d.code, d.message))
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def did_you_mean(word: str, choices) -> str:
    """A short ' (did you mean X?)' suffix, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
