"""UI benchmark (not a test): time to first screen and keypress-to-update latency.

Run: `PYTHONPATH=. python benchmarks/ui_bench.py [--nodes 100000]`. Prints figures; asserts
nothing. It drives the real app headless through Textual's pilot, the way the tests do:
- first screen: from `create_app()` (catalogue loading included) to the home screen mounted;
- play ready: from Enter on the briefing to the session open and shown (audience built);
- keypress -> update: from the "1" key event (a suggested reply) to the step's view on screen
  (keys are posted as the terminal driver posts them; pilot.press adds its own idle waits);
- keypress answered during a long step: on the big audience, a 2-hour wait runs in the worker
  while "?" opens the help screen; the help screen must not wait for the step.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def _until(pilot, predicate, timeout: float = 120.0) -> float:
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("condition not reached")
        await pilot.pause(0.001)
    return time.perf_counter() - start


def _scenario(nodes: int | None):
    from simulator.format.scenario import load_scenario

    starter = ROOT / "scenarios" / "stock-check.yaml"
    if not nodes:
        return load_scenario(starter)
    text = starter.read_text(encoding="utf-8").replace("  size: 3000\n", f"  size: {nodes}\n")
    path = Path(tempfile.mkdtemp()) / "stock-check-big.yaml"
    path.write_text(text.replace("id: stock-check", "id: stock-check-big"), encoding="utf-8")
    return load_scenario(path)


async def _key(app, key: str) -> float:
    """Deliver one keypress the way the terminal driver does; returns the time it was sent."""
    from textual import events

    sent = time.perf_counter()
    app.post_message(events.Key(key, key if len(key) == 1 else None))
    return sent


async def run(nodes: int | None, repeats: int) -> dict:
    scenario = _scenario(nodes)
    out: dict = {"create_app": [], "first_screen": [], "play_ready": [], "key_to_update": [], "key_during_step": [],
                 "long_step": [], "step_in_worker": []}
    for _ in range(repeats):
        await _once(scenario if nodes else None, out)
    return out


async def _once(scenario, out: dict) -> None:
    from simulator.ui.app import create_app
    from simulator.ui.screens.help import HelpScreen
    from simulator.ui.screens.home import HomeScreen
    from simulator.ui.screens.play import PlayScreen

    os.environ["CRISIS_HOME"] = tempfile.mkdtemp()
    t0 = time.perf_counter()
    app = create_app(scenario, seed=7, blink=False, open_browser=False)
    out["create_app"].append(time.perf_counter() - t0)
    async with app.run_test(size=(100, 32)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, HomeScreen) or type(app.screen).__name__ == "BriefingScreen")
        out["first_screen"].append(time.perf_counter() - t0)
        if isinstance(app.screen, HomeScreen):
            await pilot.press("enter")
            await pilot.pause()
        await asyncio.sleep(0.2)
        t1 = await _key(app, "enter")
        while not (isinstance(app.screen, PlayScreen) and app.screen.view is not None):
            await asyncio.sleep(0.001)
        out["play_ready"].append(time.perf_counter() - t1)
        play = app.screen
        await asyncio.sleep(0.3)
        # keypress -> the step ran in the worker and its view is on screen
        sent = await _key(app, "1")
        while play.view.steps < 1 or play.busy:
            await asyncio.sleep(0.001)
        out["key_to_update"].append(time.perf_counter() - sent)
        # a long step in the worker (2 simulated hours), and a keypress while it runs
        marks: dict = {}

        def long_wait(session):
            marks["start"] = time.perf_counter()
            events = session.advance(120)
            marks["end"] = time.perf_counter()
            return events

        play.submit("wait", long_wait)
        sent = await _key(app, "question_mark")
        while not isinstance(app.screen, HelpScreen):
            await asyncio.sleep(0.001)
        out["key_during_step"].append(time.perf_counter() - sent)
        while play.busy:
            await asyncio.sleep(0.001)
        out["long_step"].append(time.perf_counter() - sent)
        out["step_in_worker"].append(marks["end"] - marks["start"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=0, help="audience size (default: the starter's 3,000)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    figures = asyncio.run(run(args.nodes or None, args.repeats))
    label = f"{args.nodes:,} nodes" if args.nodes else "starter (3,000 nodes)"
    print(f"UI benchmark, {label}, {args.repeats} runs (median, max) in milliseconds")
    for name, values in figures.items():
        ms = [v * 1000 for v in values]
        print(f"  {name:<16} {statistics.median(ms):8.1f} {max(ms):8.1f}")


if __name__ == "__main__":
    main()
