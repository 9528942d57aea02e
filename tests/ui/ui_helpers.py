"""Shared pieces of the UI tests: building the app the way the CLI does, and waiting for workers."""

from __future__ import annotations

from helpers import STARTER

from simulator.format.scenario import load_scenario
from simulator.services import Catalog
from simulator.ui.app import create_app


def make_app(**kwargs):
    """The app through the CLI's factory, with the cursor not blinking and no browser.

    The catalogue holds only the starter unless a test says otherwise, so Home's first entry (what
    Enter opens) does not change as the bundled library grows.
    """
    kwargs.setdefault("seed", 7)
    kwargs.setdefault("catalog", Catalog((load_scenario(STARTER),)))
    return create_app(blink=False, open_browser=False, **kwargs)


async def settle(pilot, rounds: int = 4) -> None:
    """Let queued steps, scoring and message handlers all finish."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()
