"""Time the reply analyser: ms per reply after start-up, for typical and worst-case input.

Run with `python benchmarks/analysis_bench.py`. The target is under 5 ms a reply once VADER is
loaded; this is a script rather than a timed test because timings on shared CI machines are noise.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.world.analysis import ReplyContext, analyze

TYPICAL = (
    "well it's not really representative of the store's stock. Did you call???",
    "We apologize; it's not a perfect system, but we're working on it! What item were you looking for?",
    "Hi Sam, we're sorry to hear your order arrived damaged. Please send us a DM with your order "
    "number and we'll get a replacement out to you right away. ^JB",
    "Wow, great job reading the label.",
    "We value your feedback. Please contact customer service.",
    "Sorry, but you should have read the terms before signing up.",
    "Thanks for flagging this, Priya. We've fixed the broken link on the checkout page — could you "
    "give it another try?",
    "Holy sh!t, calm down. It's just a late pizza.",
)
CONTEXT = ReplyContext(customer_name="Sam", customer_post="order arrived damaged, box crushed")


def bench(texts: tuple[str, ...], rounds: int) -> list[float]:
    per_reply = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for text in texts:
            analyze(text, CONTEXT)
        per_reply.append((time.perf_counter() - t0) * 1000 / len(texts))
    return per_reply


def main() -> None:
    t0 = time.perf_counter()
    analyze("warm-up: load VADER and compile the patterns")
    startup = (time.perf_counter() - t0) * 1000
    typical = bench(TYPICAL, 50)
    long_reply = (" ".join(TYPICAL) + " ") * 12  # > 5,000 chars, analysis caps at 5,000
    long = bench((long_reply,), 10)
    huge = bench(("x" * 1_000_000 + " sorry",), 3)
    print(f"start-up (first call):        {startup:8.1f} ms")
    print(
        f"typical reply   median/p95:   {statistics.median(typical):8.3f} / {sorted(typical)[int(len(typical) * 0.95) - 1]:.3f} ms/reply"
    )
    print(f"{len(long_reply):,}-char reply median:   {statistics.median(long):8.3f} ms/reply")
    print(f"1,000,000-char reply median:  {statistics.median(huge):8.3f} ms/reply")


if __name__ == "__main__":
    main()
