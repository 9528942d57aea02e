"""Monte Carlo forecast of one item's spread: what could happen, with honest uncertainty.

Many independent cascades of the same item run *batched*: one `spread` call advances hundreds
of rollouts frontier by frontier over the CSR arrays, which amortises numpy's per-call overhead
(a lone cascade on a big graph is mostly overhead).  Each batch draws from its own keyed stream
``stream(seed, "forecast:<item id>:<batch>")``, so results do not depend on how many workers
ran the batches.

From the rollouts come distributions of reach, negative reach and the mean stance change among
those exposed, with p50/p90/p99 and bootstrap 95% confidence intervals, and the probability
that each spillover threshold is crossed (Wilson 95% interval).

Forecasting from a live session: pass ``start=ripple.state()`` (see `simulator.world.ripple.Ripple`).
Reach then counts nodes already exposed plus new ones, stance changes start from the current
stances.  The already-planned cascades of earlier items are fixed by common random numbers and
are *not* re-sampled; to compare "do nothing" with "current course", fork the ripple
(`Ripple.fork`), apply each course to its fork, advance both to the horizon for the planned part,
and forecast the new items from each fork's `state()`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from simulator.format.specs import RippleParams
from simulator.world.audience import Audience, _ranges
from simulator.world.ripple import (
    AUDIENCE_TRUST,
    Item,
    RippleState,
    content_multiplier,
    receiver_probability,
    scratch,
    spread,
)
from simulator.world.rng import stream

__all__ = ["Distribution", "ForecastResult", "SpillRisk", "forecast_cascades", "histogram"]

SCRATCH_BYTES = 40_000_000  # per worker: (batch x nodes) bool arrays for the visited marks
ARC_CHUNK = 4_000_000  # exposure pass: neighbour arcs gathered per step
BOOTSTRAP = 400


@dataclass(frozen=True)
class Distribution:
    """Summary of one metric over the rollouts; ``ci_*`` are bootstrap 95% intervals."""

    n: int
    mean: float
    p50: float
    p90: float
    p99: float
    max: float
    ci_mean: tuple[float, float]
    ci_p50: tuple[float, float]
    ci_p90: tuple[float, float]
    ci_p99: tuple[float, float]

    def to_json(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class SpillRisk:
    """P(a spillover threshold is crossed) with its Wilson 95% interval."""

    spec_id: str
    metric: str
    threshold: int
    p: float
    ci: tuple[float, float]

    def to_json(self) -> dict:
        d = asdict(self)
        d["ci"] = list(self.ci)
        return d


@dataclass(frozen=True, eq=False)
class ForecastResult:
    """What `forecast_cascades` found.  ``samples`` keeps the raw per-rollout values."""

    item_id: str
    rollouts: int
    seed: int
    horizon: float | None
    cascade_size: Distribution
    reach: Distribution
    negative_reach: Distribution
    sentiment_change: Distribution
    spillovers: tuple[SpillRisk, ...]
    samples: dict[str, np.ndarray]

    def to_json(self) -> dict:
        return {
            "item_id": self.item_id,
            "rollouts": self.rollouts,
            "seed": self.seed,
            "horizon": self.horizon,
            "cascade_size": self.cascade_size.to_json(),
            "reach": self.reach.to_json(),
            "negative_reach": self.negative_reach.to_json(),
            "sentiment_change": self.sentiment_change.to_json(),
            "spillovers": [s.to_json() for s in self.spillovers],
        }


def histogram(values: Sequence[float] | np.ndarray, bins: int = 20, log: bool = False):
    """``((lo, hi, count), ...)`` for a UI bar chart or the report; log-spaced bins if `log`.

    Heavy-tailed reach is unreadable on linear bins; ``log=True`` uses geometric edges from
    the smallest positive value.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return ()
    lo, hi = float(v.min()), float(v.max())
    if hi <= lo:
        return ((lo, hi, int(v.size)),)
    if log and lo > 0:
        edges = np.geomspace(lo, hi, bins + 1)
    else:
        edges = np.linspace(lo, hi, bins + 1)
    counts, edges = np.histogram(v, bins=edges)
    return tuple(
        (float(a), float(b), int(c)) for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
    )


def _quantile_sorted(values: np.ndarray, cum: np.ndarray, total: int, q: float) -> np.ndarray:
    """Inverted-CDF quantile from per-value counts (rows of `cum` are cumulative counts)."""
    k = math.ceil(q * total)
    idx = (cum < max(k, 1)).sum(axis=-1)
    return values[np.minimum(idx, values.size - 1)]


def _summarise(x: np.ndarray, rng: np.random.Generator) -> Distribution:
    """Point estimates plus a bootstrap that resamples *counts of distinct values*.

    Reach has many ties (most cascades die at size 1), so drawing multinomial counts over the
    distinct values is the same bootstrap as resampling rollouts, at a fraction of the cost.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    s = np.sort(x)
    head = np.ones(n, dtype=bool)
    np.not_equal(s[1:], s[:-1], out=head[1:])
    starts = np.flatnonzero(head)
    values = s[starts]
    counts = np.diff(np.append(starts, n))
    boot = rng.multinomial(n, counts / n, size=BOOTSTRAP)
    cum = np.cumsum(boot, axis=1)
    base_cum = np.cumsum(counts)

    def ci(a: np.ndarray) -> tuple[float, float]:
        return (float(np.percentile(a, 2.5)), float(np.percentile(a, 97.5)))

    qs: dict[str, Any] = {}
    for name, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        qs[name] = float(_quantile_sorted(values, base_cum, n, q))
        qs["ci_" + name] = ci(_quantile_sorted(values, cum, n, q))
    return Distribution(
        n=n,
        mean=float(x.mean()),
        max=float(x.max()),
        ci_mean=ci(boot @ values / n),
        **qs,
    )


def _wilson(k: int, n: int) -> tuple[float, float]:
    if n == 0:
        return (0.0, 1.0)
    z = 1.959964
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, centre - half), min(1.0, centre + half))


def _exposures(
    audience: Audience,
    roll: np.ndarray,
    node: np.ndarray,
    b: int,
    scratch: np.ndarray,
    weights: tuple[np.ndarray, ...],
    delta: np.ndarray,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Per rollout: counts of exposed nodes (one count per mask in `weights`) and sum of `delta`.

    Sharers and their neighbours are marked in a (b, n) bitmap, gathering neighbour arcs in
    chunks so a batch of big outbreaks never allocates hundreds of millions of indices.  Small
    batches are read back sparsely (sort the marked keys); big outbreaks densely, row by row
    (count_nonzero and a matrix-vector product), whichever touches less memory.
    """
    n = audience.n
    ex = scratch[: b * n]
    indptr, indices = audience.indptr, audience.indices
    deg = indptr[node + 1] - indptr[node]
    cum = np.cumsum(deg)
    touched = [roll * n + node]
    ex[touched[0]] = True
    marked = touched[0].size + (int(cum[-1]) if cum.size else 0)
    sparse = marked * 8 < b * n
    start = 0
    while start < node.size:
        base = cum[start - 1] if start else 0
        stop = max(int(np.searchsorted(cum, base + ARC_CHUNK, side="right")), start + 1)
        nd = node[start:stop]
        arcs = _ranges(indptr[nd], indptr[nd + 1])
        keys = np.repeat(roll[start:stop], deg[start:stop]) * n + indices[arcs]
        ex[keys] = True
        if sparse:
            touched.append(keys)
        start = stop
    if sparse:
        keys = np.concatenate(touched)
        ex[keys] = False
        keys = np.sort(keys)
        head = np.ones(keys.size, dtype=bool)
        np.not_equal(keys[1:], keys[:-1], out=head[1:])
        keys = keys[head]
        rows = keys // n
        cols = keys - rows * n
        counts = [np.bincount(rows[w[cols]], minlength=b) for w in weights]
        total = np.bincount(rows, weights=delta[cols], minlength=b)
        return counts, total
    grid = ex.reshape(b, n)
    counts = [np.zeros(b, dtype=np.int64) for _ in weights]
    total = np.zeros(b, dtype=np.float64)
    d32 = delta.astype(np.float32)
    step = max(1, 2_000_000 // n)
    for r0 in range(0, b, step):
        block = grid[r0 : r0 + step]
        for c, w in zip(counts, weights, strict=True):
            c[r0 : r0 + step] = np.count_nonzero(block & w, axis=1)
        total[r0 : r0 + step] = block.view(np.uint8).astype(np.float32) @ d32
    ex[:] = False
    return counts, total


def forecast_cascades(
    audience: Audience,
    params: RippleParams,
    item: Item,
    rollouts: int,
    seed: int,
    horizon: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    start: RippleState | None = None,
    workers: int = 1,
    batch: int | None = None,
) -> ForecastResult:
    """Run `rollouts` cascades of `item` and summarise what they reach.

    `horizon` (minutes after ``item.created``) counts only shares that happen by then (SEISMIC
    delays are drawn); None means the final cascade.  `progress(done, total)` is called after
    each batch.  `workers` > 1 runs batches on threads (numpy releases the GIL in its sorts and
    random fills; see docs/ripple.md for what that buys).
    """
    if rollouts < 1:
        raise ValueError("rollouts must be at least 1")
    n = audience.n
    seeds = tuple(item.seeds) or (
        (audience.brand_node,) if item.source == "brand" else (audience.customer_node,)
    )
    seeds_arr = np.asarray(seeds, dtype=np.int64)
    prob = receiver_probability(audience, params, content_multiplier(params, item))
    stance = start.stance if start is not None else audience.stance0.astype(np.float64)
    if item.source == "brand":
        trust = np.array([g.trust_brand for g in audience.groups])[audience.group]
    elif item.source == "customer":
        trust = np.array([g.trust_customer for g in audience.groups])[audience.group]
    else:
        trust = np.full(n, AUDIENCE_TRUST)
    delta = np.clip(stance + params.stance_step * trust * (item.valence - stance), -1, 1) - stance
    old_exposed = start.exposed if start is not None else np.zeros(n, dtype=bool)
    old_negative = start.negative_exposed if start is not None else np.zeros(n, dtype=bool)
    negative = item.valence < 0
    everyone = np.ones(n, dtype=bool)

    b = batch or max(1, min(rollouts, SCRATCH_BYTES // max(n, 1)))
    batches = [(i, lo, min(rollouts, lo + b)) for i, lo in enumerate(range(0, rollouts, b))]
    size = np.zeros(rollouts, dtype=np.int64)
    item_reach = np.zeros(rollouts, dtype=np.int64)
    new_reach = np.zeros(rollouts, dtype=np.int64)
    new_neg = np.zeros(rollouts, dtype=np.int64)
    sent = np.zeros(rollouts, dtype=np.float64)
    done = [0]

    def run(job, buf):
        i, lo, hi = job
        k = hi - lo
        rng = stream(seed, f"forecast:{item.id}:{i}")
        roll0 = np.repeat(np.arange(k, dtype=np.int64), seeds_arr.size)
        node0 = np.tile(seeds_arr, k)
        sp = spread(
            audience.indptr,
            audience.indices,
            prob,
            roll0,
            node0,
            rng=rng,
            max_generations=params.max_generations,
            seed_time=None if horizon is None else np.full(roll0.size, float(item.created)),
            s0=params.s0,
            theta=params.theta,
            visited=buf,
        )
        roll, node = sp.roll, sp.node
        if horizon is not None:
            keep = sp.time <= item.created + horizon
            roll, node = roll[keep], node[keep]
        size[lo:hi] = np.bincount(roll, minlength=k)
        masks = (everyone, ~old_exposed) + ((~old_negative,) if negative else ())
        counts, tot = _exposures(audience, roll, node, k, buf, masks, delta)
        item_reach[lo:hi] = counts[0]
        new_reach[lo:hi] = counts[1]
        if negative:
            new_neg[lo:hi] = counts[2]
        sent[lo:hi] = tot / np.maximum(counts[0], 1)

    def job_done(k):
        done[0] += k
        if progress is not None:
            progress(done[0], rollouts)

    if workers <= 1 or len(batches) == 1:
        buf = scratch(b * n)
        for job in batches:
            run(job, buf)
            job_done(job[2] - job[1])
    else:
        scratches = [scratch(b * n) for _ in range(workers)]

        def worker(w):
            for job in batches[w::workers]:
                run(job, scratches[w])
                job_done(job[2] - job[1])

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(worker, range(workers)))

    reach = int(old_exposed.sum()) + new_reach
    neg = int(old_negative.sum()) + new_neg
    brng = stream(seed, f"forecast:{item.id}:bootstrap")
    risks = []
    for spec in params.spillovers:
        metric = {"reach": reach, "negative_reach": neg, "item_reach": item_reach}.get(spec.metric)
        if metric is None:
            raise ValueError(f"spillover {spec.id!r}: unknown metric {spec.metric!r}")
        hits = int((metric >= spec.threshold).sum())
        risks.append(
            SpillRisk(
                spec.id, spec.metric, spec.threshold, hits / rollouts, _wilson(hits, rollouts)
            )
        )
    return ForecastResult(
        item_id=item.id,
        rollouts=rollouts,
        seed=int(seed),
        horizon=horizon,
        cascade_size=_summarise(size, brng),
        reach=_summarise(reach, brng),
        negative_reach=_summarise(neg, brng),
        sentiment_change=_summarise(sent, brng),
        spillovers=tuple(risks),
        samples={
            "cascade_size": size,
            "reach": reach,
            "negative_reach": neg,
            "sentiment_change": sent,
            "item_reach": item_reach,
        },
    )
