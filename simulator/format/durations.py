"""Durations as authors write them ("90m", "2h", "1d 3h", "45") and as the engine counts them (minutes).

One parser for scenario files, play scripts, the CLI's `--clock T+1h` and MSEL sheets, so a duration
means the same everywhere.
"""

from __future__ import annotations

import math
import re

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|min|s)?", re.IGNORECASE)
_UNIT = {"d": 1440.0, "h": 60.0, "m": 1.0, "min": 1.0, "s": 1 / 60, None: 1.0}


def parse_duration(value) -> float:
    """Minutes from a number (already minutes) or a string like '1h 30m'. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of minutes or a string like '90m' or '2h'")
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise ValueError("a duration must be a finite number of minutes, 0 or more")
        return float(value)
    if not isinstance(value, str):
        raise ValueError("a duration is a number of minutes or a string like '90m' or '2h'")
    text = value.strip().lower()
    if text.startswith("t+"):
        text = text[2:]
    if not text or len(text) > 40:
        raise ValueError(f"'{value}' is not a duration (write e.g. '90m', '2h', '1d 3h')")
    total, pos = 0.0, 0
    for match in _PART.finditer(text):
        if text[pos : match.start()].strip():
            raise ValueError(f"'{value}' is not a duration (write e.g. '90m', '2h', '1d 3h')")
        unit = match.group(2).lower() if match.group(2) else None
        total += float(match.group(1)) * _UNIT[unit]
        pos = match.end()
    if pos == 0 or text[pos:].strip():
        raise ValueError(f"'{value}' is not a duration (write e.g. '90m', '2h', '1d 3h')")
    return total


def format_duration(minutes: float) -> str:
    """The compact form a trainee reads on the clock: '0m', '45m', '2h 05m', '1d 3h 00m'."""
    total = round(minutes)
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {mins:02d}m"
    if hours:
        return f"{hours}h {mins:02d}m"
    return f"{mins}m"
