"""How a whole session behaves on a 100,000-node audience: build, act, tick, finish, score.

Run by hand: `python benchmarks/session_bench.py [--nodes 100000]`. Targets (PRODUCT.md section 6):
one simulated tick stays interactive (under 20 ms of engine time), so the UI answers at once.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--ticks", type=int, default=200)
    args = parser.parse_args()

    from simulator.engine.session import Session
    from simulator.evaluate.scoring import score
    from simulator.format.actions import Reply, Wait
    from simulator.format.scenario import load_scenario_bytes

    text = (ROOT / "scenarios" / "stock-check.yaml").read_text(encoding="utf-8")
    text = text.replace("size: 3000", f"size: {args.nodes}").replace("m: 3\n", "m: 5\n", 1)
    text = text.replace("time_limit: 3h", "time_limit: 1d")
    scenario = load_scenario_bytes(text.encode(), "bench.yaml")

    t0 = time.perf_counter()
    session = Session(scenario, 1)
    build = time.perf_counter() - t0
    print(f"audience of {session.audience.n:,} nodes, {len(session.audience.edges):,} edges")
    print(f"session start (graph build + freeze + opening post): {build * 1000:8.1f} ms")

    t0 = time.perf_counter()
    session.act(Reply("We apologize, Dan; it's not a perfect system. What item were you looking for?"))
    print(f"act (analyse, post, react, 1.9 min of world):       {(time.perf_counter() - t0) * 1000:8.1f} ms")

    ticks = []
    for _ in range(args.ticks):
        if session.finished:
            break
        t0 = time.perf_counter()
        session.advance(1.0)
        ticks.append(time.perf_counter() - t0)
    ticks.sort()
    p = lambda q: ticks[min(len(ticks) - 1, int(q * len(ticks)))] * 1000  # noqa: E731
    print(f"advance(1 min) x{len(ticks)}: median {statistics.median(ticks) * 1000:.2f} ms, p95 {p(0.95):.2f} ms, "
          f"max {ticks[-1] * 1000:.2f} ms   (target < 20 ms)")
    snap = session.ripple.snapshot()
    print(f"  by then: reach {snap.reach:,}, negative reach {snap.negative_reach:,}")

    t0 = time.perf_counter()
    if session.finished:
        print("(the scenario ended during the ticks)")
        return
    session.act(Wait(30))
    print(f"wait 30 min:                                         {(time.perf_counter() - t0) * 1000:8.1f} ms")
    t0 = time.perf_counter()
    session.finish()
    print(f"finish (world runs to the time limit):               {(time.perf_counter() - t0) * 1000:8.1f} ms")
    t0 = time.perf_counter()
    card = score(session)
    print(f"score with baseline + turning points:                {(time.perf_counter() - t0) * 1000:8.1f} ms")
    print(f"  overall {card.overall} {card.grade}, negative reach {card.metrics['negative_reach']:,} "
          f"(doing nothing {card.baseline['negative_reach']:,})")


if __name__ == "__main__":
    main()
