"""Time the reply judge: load, ms per reply on one core, batch throughput, the worst case.

Run by hand: `python benchmarks/judge_bench.py` (targets: load < 400 ms, < 5 ms a reply, a 1 MB
reply within a second, the installed size < 40 MB more). A script and not a timed test, because
timings on a shared CI machine are noise.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

TYPICAL = (
    "well it's not really representative of the store's stock. Did you call???",
    "We apologize; it's not a perfect system, but we're working on it! What item were you looking for?",
    "Hi Sam, we're sorry to hear your order arrived damaged. Please send us a DM with your order "
    "number and we'll get a replacement out to you right away.",
    "Wow, great job reading the label.",
    "We value your feedback. Please contact customer service.",
    "We're so sorry Dan, thank you for flagging this! What item were you after? If only every "
    "customer were as well informed as you.",
    "Leave it with me: I've booked a courier for tomorrow morning.",
    "Holy sh!t, calm down. It's just a late pizza.",
)
POST = "order arrived damaged, box crushed"


def load_time() -> float:
    """Milliseconds to import and load the judge in a fresh interpreter (median of 5)."""
    code = "import time; t=time.perf_counter(); from simulator.world.judge import load; load(); print((time.perf_counter()-t)*1000)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout) for _ in range(5)]
    return statistics.median(runs)


def main() -> None:
    from simulator.world.judge import load

    print(f"load (fresh process, median of 5): {load_time():8.1f} ms")
    judge = load()
    judge("warm-up")
    rounds = []
    for _ in range(60):
        t0 = time.perf_counter()
        for text in TYPICAL:
            judge(text, POST, "Sam")
        rounds.append((time.perf_counter() - t0) * 1000 / len(TYPICAL))
    rounds.sort()
    print(f"typical reply, median / p95:      {statistics.median(rounds):8.3f} / {rounds[int(len(rounds) * 0.95)]:.3f} ms")
    batch = [TYPICAL[i % len(TYPICAL)] + f" #{i}" for i in range(2000)]
    t0 = time.perf_counter()
    for text in batch:
        judge(text, POST)
    print(f"batch of 2,000 replies:           {(time.perf_counter() - t0) * 1000 / len(batch):8.3f} ms/reply")
    huge = "Sorry about that, we'll sort it today. " + "blah " * 200_000
    t0 = time.perf_counter()
    judge(huge, POST)
    print(f"1 MB reply:                       {(time.perf_counter() - t0) * 1000:8.1f} ms")
    data = ROOT / "simulator" / "world" / "judge" / "data"
    size = sum(p.stat().st_size for p in data.glob("*.npz"))
    print(f"packaged judge files:             {size / 1e6:8.1f} MB")


if __name__ == "__main__":
    main()
