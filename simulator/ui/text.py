"""Scenario and trainee text as terminal-safe content.

Strings written by authors and trainees reach the screen only through these helpers: they become
`Content` (never parsed as markup, so "[bold]x[/]" shows its brackets) and control characters are
shown as `\\x1b`-style escapes instead of being obeyed or silently dropped, so an author sees what
is really in their file.
"""

from __future__ import annotations

from textual.content import Content

from simulator.format import textsafe

clean = textsafe.terminal  # printable text: controls and bidi overrides shown as escapes (format/textsafe.py)
markup = textsafe.markup  # the same, for the Textual APIs that parse markup (notifications)


def plain(text: object, style: str = "") -> Content:
    """Author or trainee text as content, styled as a whole."""
    return Content.styled(clean(text), style)


def assemble(*parts: str | tuple[str, str] | Content) -> Content:
    """Join pieces (strings are cleaned, never parsed as markup)."""
    safe: list = []
    for part in parts:
        if isinstance(part, str):
            safe.append(clean(part))
        elif isinstance(part, tuple):
            safe.append((clean(part[0]), part[1]))
        else:
            safe.append(part)
    return Content.assemble(*safe)


def lines(*rows: Content | str) -> Content:
    """Rows of content, one per line."""
    return Content("\n").join(r if isinstance(r, Content) else plain(r) for r in rows)


def words(name: str) -> str:
    """An identifier as words ('raving_fan' -> 'raving fan')."""
    return clean(name).replace("_", " ")


def meter(value: float, width: int = 10) -> str:
    """A bar that reads without colour: filled blocks and a number beside it."""
    value = max(0.0, min(1.0, float(value)))
    filled = round(value * width)
    return "█" * filled + "░" * (width - filled)


def arrow(delta: float, eps: float = 1e-9) -> str:
    """Direction of a change as a glyph, so colour is never the only signal."""
    if delta > eps:
        return "▲"
    if delta < -eps:
        return "▼"
    return "="
