"""A progress bar on standard error for the long commands (forecast, fuzz), via rich.progress.

Only when standard error is a terminal: a pipe, a file or a test gets nothing, so standard output
stays the result alone and logs stay clean. The bar goes away when the work is done.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(label: str, unit: str, stream=None) -> Iterator[Callable[[int, int], None]]:
    """A `progress(done, total)` callback that draws a bar while the block runs (a no-op off a terminal)."""
    stream = stream if stream is not None else sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn(unit), TimeElapsedColumn(),
                   TextColumn("left"), TimeRemainingColumn(), console=Console(file=stream), transient=True)
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update
