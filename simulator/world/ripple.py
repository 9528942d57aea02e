"""Independent-cascade spread of public items over the audience, on the session clock.

Model (details, parameters and sources in docs/ripple.md):

* **Independent cascade** (Kempe, Kleinberg & Tardos 2003).  A node that shares an item gives
  each neighbour one chance to share it in turn.  The chance depends on the *receiver*:
  platform base probability, turned into odds, times the item's content multiplier, times the
  receiver's susceptibility and activity.  Applying the multiplier to the odds keeps
  probabilities below 1 and makes "70% more likely to be reshared" mean what the papers mean.
* **Content multiplier** = negativity^(how negative) x (1 + moral_emotion)^(moral words)
  x arousal factor.  Negative, moral, angry content is *more infectious*, not differently
  shaped: the same process runs with a higher per-arc probability (Vosoughi et al. 2018;
  Brady et al. 2017; Berger & Milkman 2012).
* **Delays**: each hop waits a SEISMIC-kernel delay (Zhao et al. 2015): flat density up to
  s0 = 5 min, then a power law with exponent 1 + theta, theta = 0.23.  Median 41.4 min,
  46% of reshares after the first hour.
* **Exposure**: a sharer exposes itself and all its neighbours.  Reach counts unique exposed
  nodes.  Each node newly exposed to an item moves its stance toward the item's valence by
  ``stance_step x trust in the source``.

`Ripple.post` plans an item's whole cascade at once (vectorised, frontier by frontier, over the
CSR arrays) from ``rng.stream(seed, "cascade:" + item.id)``, so the same item posted in a
counterfactual replay gets the same cascade.  `Ripple.advance` realises the planned activations
up to the session clock with binary searches on time-sorted arrays; `Ripple.damp` thins the part
of a cascade that has not happened yet (a good reply calming a complaint).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

import numpy as np

from simulator.format.specs import RippleParams, SpilloverSpec
from simulator.world.audience import Audience, _ranges
from simulator.world.rng import stream

__all__ = [
    "ACTIVITY_REF",
    "AROUSAL_LOG_ODDS",
    "MAX_DELAY",
    "Item",
    "Ripple",
    "RippleSnapshot",
    "RippleState",
    "Spill",
    "Spread",
    "base_probability_for",
    "branching_factor",
    "content_multiplier",
    "ic_reference",
    "receiver_probability",
    "scratch",
    "seismic_delays",
    "sorted_unique",
    "spread",
]

MAX_DELAY = 7 * 24 * 60.0  # minutes; SEISMIC delays are capped at a week
MIN_DELAY = 1e-3  # minutes; keeps a child strictly later than its parent
ACTIVITY_REF = 0.3  # the default group activity: a default member shares at the platform rate
# Berger & Milkman (2012): +1 SD anger -> odds x1.34 of making the most-e-mailed list; we read
# one SD as a quarter of the 0..1 arousal scale, so the log-odds slope is ln(1.34) / 0.25.
AROUSAL_LOG_ODDS = math.log(1.34) / 0.25
AUDIENCE_TRUST = 0.5  # how much an item from the audience or a platform moves a stance
VELOCITY_WINDOW = 60.0  # minutes: share velocity counts shares in the last hour
POSITIVE_VALENCE = 0.1  # an item leaning further than this for the brand counts towards positive reach


# ----------------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Item:
    """One public thing that can spread: a complaint, a reply, a screenshot, a blog post."""

    id: str
    kind: str
    source: str  # customer | brand | audience | platform
    valence: float  # -1 (against the brand) .. 1 (for it)
    arousal: float  # 0 calm .. 1 furious
    seeds: tuple[int, ...]
    created: float
    platform: str = "main"
    text: str = ""
    moral: int = 0  # moral-emotional words (Brady et al. 2017: +20% diffusion each)


@dataclass(frozen=True)
class RippleSnapshot:
    """Metrics after one `Ripple.advance`.

    ``net_sentiment`` is the mean stance *change* (now minus before the affair) over every node
    exposed to anything so far, clipped to -1..1 (0 before anyone is exposed): what the affair
    has done to the opinion of the people who saw it.  A change, not a level, so that who
    happened to be exposed (brand fans start positive) does not masquerade as an effect.
    ``share_velocity`` counts shares in the last 60 minutes (so it is per hour).
    """

    t: float
    reach: int
    negative_reach: int
    net_sentiment: float
    share_velocity: float
    spillovers: int
    positive_reach: int = 0  # saw something positive and nothing negative

    @property
    def neutral_reach(self) -> int:
        """Reached, but by nothing that leaned either way (a friendly wish, a plain question)."""
        return max(0, self.reach - self.negative_reach - self.positive_reach)


@dataclass(frozen=True)
class Spill:
    """A spillover that fired: the item has just appeared on another platform."""

    spec_id: str
    item: Item


@dataclass(frozen=True, eq=False)
class RippleState:
    """A read-only copy of the live state, for forecasts that start from the present."""

    t: float
    stance: np.ndarray
    exposed: np.ndarray  # bool per node: exposed to any item
    negative_exposed: np.ndarray  # bool per node: exposed to a negative item
    pending: dict[str, tuple[np.ndarray, np.ndarray]]  # item id -> (nodes, times) still to come


@dataclass(frozen=True, eq=False)
class Spread:
    """Result of the cascade kernel: one row per activation, generation by generation.

    ``parent`` indexes into these same arrays (-1 for seeds).  ``time`` is None unless the
    caller gave seed times.
    """

    roll: np.ndarray
    node: np.ndarray
    parent: np.ndarray
    gen: np.ndarray
    time: np.ndarray | None


# ------------------------------------------------------------------------- model functions


def content_multiplier(params: RippleParams, item: Item) -> float:
    """Odds multiplier for an item's content: negativity, moral emotion and arousal."""
    neg = params.negativity ** max(0.0, -float(item.valence))
    moral = (1.0 + params.moral_emotion) ** max(0, int(item.moral))
    arousal = math.exp(params.arousal * AROUSAL_LOG_ODDS * (float(item.arousal) - 0.5))
    return neg * moral * arousal


def receiver_probability(
    audience: Audience, params: RippleParams, multiplier: float = 1.0
) -> np.ndarray:
    """Per-node chance of resharing when exposed: base odds x multiplier x traits -> probability."""
    p0 = min(max(params.base_probability, 0.0), 1.0 - 1e-9)
    odds = (p0 / (1.0 - p0)) * multiplier
    w = audience.susceptibility.astype(np.float64) * (
        audience.activity.astype(np.float64) / ACTIVITY_REF
    )
    o = odds * w
    return o / (1.0 + o)


def branching_factor(indptr: np.ndarray, prob: float | np.ndarray) -> float:
    """Mean-field reproduction number R of an independent cascade with receiver probabilities.

    A node reached along an arc is picked in proportion to ``degree x p`` and gets ``degree - 1``
    further arcs, each succeeding with the arc-end average probability.  R < 1: most posts die;
    R ~ 1: heavy-tailed sizes; R > 1: a finite chance of a big outbreak.
    """
    deg = np.diff(indptr).astype(np.float64)
    p = np.broadcast_to(np.asarray(prob, dtype=np.float64), deg.shape)
    w = deg * p
    if w.sum() == 0:
        return 0.0
    return float((w * (deg - 1)).sum() / w.sum() * w.sum() / deg.sum())


def base_probability_for(
    audience: Audience,
    target_r: float,
    params: RippleParams | None = None,
    multiplier: float = 1.0,
) -> float:
    """The platform base probability giving mean-field R = `target_r` on this audience.

    R depends on the graph's degree spread as much as on p (for the same p, a 100k-node
    powerlaw graph with m = 5 is ~2.4x as infectious as the default 2,000-node, m = 3 one),
    so scenario authors should pick R and let this find p.  Bisection; R is monotone in p.
    """
    params = params or RippleParams()
    lo, hi = 0.0, 1.0 - 1e-9
    for _ in range(50):
        mid = (lo + hi) / 2
        trial = replace(params, base_probability=mid)
        r = branching_factor(audience.indptr, receiver_probability(audience, trial, multiplier))
        lo, hi = (mid, hi) if r < target_r else (lo, mid)
    return lo


def seismic_delays(
    rng: np.random.Generator,
    size: int,
    s0: float = 5.0,
    theta: float = 0.23,
    cap: float = MAX_DELAY,
) -> np.ndarray:
    """Reshare delays (minutes) from the SEISMIC memory kernel, by inverse CDF.

    Density c for t <= s0 and c (t/s0)^-(1+theta) after, c = theta / (s0 (1 + theta)).
    CDF: F(t) = (t/s0) theta/(1+theta) below s0, 1 - (t/s0)^-theta / (1+theta) above.
    Delays beyond `cap` are set to `cap` (14% of the mass lies beyond a week for theta = 0.23:
    those shares still count in the final reach, they just arrive after any session ends).
    """
    u = rng.random(size)
    f0 = theta / (1.0 + theta)
    flat = s0 * u / f0
    tail = s0 * np.power((1.0 + theta) * (1.0 - u), -1.0 / theta)
    t = np.where(u < f0, flat, tail)
    return np.clip(t, MIN_DELAY, cap)


def _positions(rng: np.random.Generator, total: int, p: float) -> np.ndarray:
    """Indices in ``range(total)`` each kept with probability p (geometric skipping when p small)."""
    if p <= 0.0 or total <= 0:
        return np.zeros(0, dtype=np.int64)
    if p >= 0.25:
        return np.flatnonzero(rng.random(total) < p)
    mean = total * p
    k = int(mean + 6.0 * math.sqrt(mean) + 16)
    pos = np.cumsum(rng.geometric(p, size=k)) - 1
    while pos[-1] < total - 1:  # rare: the first batch of skips fell short
        more = np.cumsum(rng.geometric(p, size=k)) + pos[-1]
        pos = np.concatenate([pos, more])
    return pos[: np.searchsorted(pos, total)]


def scratch(size: int) -> np.ndarray:
    """An all-False bool array with its pages already touched.

    ``np.zeros`` hands back lazily mapped pages, and the kernel's scattered first writes into
    them cost ~7x the whole run (page faults); one sequential fill up front is ~10 ms for 50 MB.
    """
    a = np.empty(size, dtype=bool)
    a.fill(False)
    return a


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """``np.unique`` for 1-D arrays via one sort (numpy 2.x's unique costs ~7 ms even for
    1,000 int64 values here, which alone would break the 20 ms tick budget)."""
    s = np.sort(a)
    if s.size < 2:
        return s
    head = np.empty(s.size, dtype=bool)
    head[0] = True
    np.not_equal(s[1:], s[:-1], out=head[1:])
    return s[head]


def _unique_first(keys: np.ndarray, time: np.ndarray | None = None):
    """Sorted unique keys and, for each, the index of its earliest-time (else any) occurrence.

    One sort and a neighbour compare; ``np.unique`` is several times slower for int64 here.
    Duplicates (two frontier nodes reaching the same new node) are rare, so the time tie-break
    only sorts the duplicated keys.
    """
    order = np.argsort(keys)
    s = keys[order]
    head = np.ones(s.size, dtype=bool)
    np.not_equal(s[1:], s[:-1], out=head[1:])
    if time is not None and not head.all():
        dup = np.flatnonzero(~head)
        groups = sorted_unique(np.concatenate([dup - 1, dup]))  # small: every member of a dup run
        sub = order[groups]
        best = sub[np.lexsort((time[sub], keys[sub]))]
        bk = keys[best]
        first = np.ones(best.size, dtype=bool)
        first[1:] = bk[1:] != bk[:-1]
        winners = dict(zip(bk[first].tolist(), best[first].tolist(), strict=True))
        kept = order[head]
        kk = s[head]
        for pos in np.flatnonzero(np.isin(kk, bk[first])).tolist():
            kept[pos] = winners[int(kk[pos])]
        return kk, kept
    return s[head], order[head]


def spread(
    indptr: np.ndarray,
    indices: np.ndarray,
    prob: float | np.ndarray,
    seed_roll: np.ndarray,
    seed_node: np.ndarray,
    *,
    rng: np.random.Generator,
    max_generations: int = 60,
    seed_time: np.ndarray | None = None,
    s0: float = 5.0,
    theta: float = 0.23,
    visited: np.ndarray | None = None,
) -> Spread:
    """Run many independent cascades at once (``roll`` tells them apart).

    Frontier by frontier: every arc out of the newly active nodes is tried once.  Trials use
    geometric skipping at the largest probability, then thinning to each receiver's own
    probability, so the cost is proportional to the *successful* trials, not the arcs.  A
    ``(roll, node)`` key is active at most once; newly activated keys are de-duplicated by one
    sort (keeping the earliest time when times are tracked).

    `visited` is an optional all-False bool scratch array of at least ``rolls * n`` entries;
    it is restored to all-False before returning, so a caller can reuse it across batches.
    """
    n = indptr.size - 1
    seed_roll = np.asarray(seed_roll, dtype=np.int64)
    seed_node = np.asarray(seed_node, dtype=np.int64)
    rolls = int(seed_roll.max()) + 1 if seed_roll.size else 0
    if visited is None:
        visited = scratch(rolls * n)
    elif visited.size < rolls * n:
        raise ValueError("visited scratch array is too small")
    scalar = np.ndim(prob) == 0
    p_max = float(prob) if scalar else float(np.max(prob)) if np.size(prob) else 0.0
    timed = seed_time is not None

    keys, first = _unique_first(seed_roll * n + seed_node)
    times: Any = np.asarray(seed_time, dtype=np.float64)[first] if timed else None
    visited[keys] = True
    roll = keys // n
    node = keys - roll * n
    out_roll, out_node, out_parent, out_gen, out_time = [roll], [node], [], [], []
    out_parent.append(np.full(keys.size, -1, dtype=np.int64))
    out_gen.append(np.zeros(keys.size, dtype=np.int16))
    if timed:
        out_time.append(times)
    all_keys = [keys]
    base = 0
    for gen in range(1, max_generations + 1):
        if node.size == 0:
            break
        starts = indptr[node]
        deg = indptr[node + 1] - starts
        cum = np.cumsum(deg)
        total = int(cum[-1]) if cum.size else 0
        pos = _positions(rng, total, p_max)
        if pos.size == 0:
            break
        fi = np.searchsorted(cum, pos, side="right")
        tgt = indices[starts[fi] + pos - (cum[fi] - deg[fi])].astype(np.int64)
        if not scalar:
            ok = rng.random(pos.size) * p_max < cast(np.ndarray, prob)[tgt]
            fi, tgt = fi[ok], tgt[ok]
        k = roll[fi] * n + tgt
        fresh = ~visited[k]
        k, fi = k[fresh], fi[fresh]
        if k.size == 0:
            break
        if timed:
            t = times[fi] + seismic_delays(rng, k.size, s0, theta)
            k, idx = _unique_first(k, t)
            fi, times = fi[idx], t[idx]
        else:
            k, idx = _unique_first(k)
            fi = fi[idx]
        visited[k] = True
        all_keys.append(k)
        parent = base + fi
        base += node.size
        roll = k // n
        node = k - roll * n
        out_roll.append(roll)
        out_node.append(node)
        out_parent.append(parent)
        out_gen.append(np.full(k.size, gen, dtype=np.int16))
        if timed:
            out_time.append(times)
    for k in all_keys:
        visited[k] = False
    return Spread(
        roll=np.concatenate(out_roll),
        node=np.concatenate(out_node),
        parent=np.concatenate(out_parent),
        gen=np.concatenate(out_gen),
        time=np.concatenate(out_time) if timed else None,
    )


def _merge(parts: list[Spread]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Several timed cascades of one item as one plan: (node, time, parent, gen), sorted by time.

    A node activated in more than one cascade shares once, at its earliest time; the children of
    its later activations hang under that earliest one (which is earlier than they are, so every
    parent still comes before its children), and generations are counted again from the roots.
    """
    nodes, times, parents = [], [], []
    base = 0
    for sp in parts:
        nodes.append(sp.node)
        times.append(cast(np.ndarray, sp.time))
        parents.append(np.where(sp.parent >= 0, sp.parent + base, -1))
        base += sp.node.size
    node, time, parent = np.concatenate(nodes), np.concatenate(times), np.concatenate(parents)
    order = np.argsort(time, kind="stable")
    inv = np.empty_like(order)
    inv[order] = np.arange(order.size)
    node, time = node[order], time[order]
    parent = np.where(parent[order] >= 0, inv[np.maximum(parent[order], 0)], -1)
    _, first, which = np.unique(node, return_index=True, return_inverse=True)
    earliest = first[which]  # row -> the row where its node first shares
    keep = np.zeros(node.size, dtype=bool)
    keep[first] = True
    renumber = np.cumsum(keep) - 1
    rows = np.flatnonzero(keep)
    parent = np.where(parent[rows] >= 0, renumber[earliest[np.maximum(parent[rows], 0)]], -1)
    gen = np.zeros(rows.size, dtype=np.int16)
    for i, p in enumerate(parent.tolist()):
        if p >= 0:
            gen[i] = gen[p] + 1
    return node[rows], time[rows], parent, gen


def ic_reference(
    indptr: Sequence[int] | np.ndarray,
    indices: Sequence[int] | np.ndarray,
    prob: float | Sequence[float] | np.ndarray,
    seeds: Sequence[int],
    rng: np.random.Generator,
) -> set[int]:
    """Plain independent cascade, one arc at a time: the obviously correct version for tests.

    `prob` is one probability for every arc or one per receiving node.
    """
    indptr = [int(x) for x in indptr]
    indices = [int(x) for x in indices]
    per_node = np.ndim(prob) > 0
    probs: Any = [float(x) for x in cast(Sequence[float], prob)] if per_node else None
    active = set(int(s) for s in seeds)
    frontier = list(active)
    while frontier:
        nxt = []
        for u in frontier:
            for j in range(indptr[u], indptr[u + 1]):
                v = indices[j]
                if v in active:
                    continue
                pv = probs[v] if per_node else float(cast(float, prob))
                if rng.random() < pv:
                    active.add(v)
                    nxt.append(v)
        frontier = nxt
    return active


# ------------------------------------------------------------------------------ the Ripple


@dataclass
class _Plan:
    """One posted item's cascade, sorted by time, and what has been realised of it."""

    item: Item
    node: np.ndarray  # int64
    time: np.ndarray  # float64, sorted
    parent: np.ndarray  # int64, index into these arrays, -1 for seeds
    gen: np.ndarray  # int16
    alive: np.ndarray  # bool: False once thinned by damp()
    calive: np.ndarray  # int64, len + 1: cumulative count of alive entries
    exposed: np.ndarray  # bool per node: saw this item
    trust: np.ndarray  # float32 per node: how much this item moves each node
    done: int = 0  # entries [0, done) are realised
    reach: int = 0
    damps: int = 0
    sharers_by_group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    direct: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # followers who see it when posted
    direct_done: bool = False


class Ripple:
    """The live spread of every public item in one session.  Mutable; owned by one Session."""

    def __init__(self, audience: Audience, params: RippleParams, seed: int):
        self.audience = audience
        self.params = params
        self.seed = int(seed)
        self.t = 0.0
        self.history: list[RippleSnapshot] = []
        n = audience.n
        self.stance = audience.stance0.astype(np.float64).copy()
        self.exposed = np.zeros(n, dtype=bool)
        self.negative_exposed = np.zeros(n, dtype=bool)
        self.positive_exposed = np.zeros(n, dtype=bool)
        self.reach = 0
        self.negative_reach = 0
        self.positive_reach = 0  # exposed to a positive item and to no negative one
        self._plans: dict[str, _Plan] = {}
        self._fired: set[str] = set()  # spillover specs whose threshold was crossed
        self._due: list[tuple[float, SpilloverSpec]] = []  # spills waiting for their delay
        self._spilled = 0
        gs = audience.groups
        self._trust_brand = np.array([g.trust_brand for g in gs], dtype=np.float32)[audience.group]
        self._trust_customer = np.array([g.trust_customer for g in gs], dtype=np.float32)[
            audience.group
        ]
        self._ngroups = len(gs)

    # --------------------------------------------------------------------------- posting

    def post(self, item: Item, followers: Sequence[int] | np.ndarray | None = None) -> None:
        """Plan the item's whole cascade now; it unfolds as the clock passes its times.

        `followers` are audience nodes that follow an author who is not in the graph (a named
        commenter): they see the item when it is posted, and each may reshare it and start a
        cascade of its own (see `_follower_cascades`). More followers never spread an item less.
        """
        if item.id in self._plans:
            raise ValueError(f"item {item.id!r} was already posted")
        a = self.audience
        seeds = tuple(item.seeds)
        if not seeds:
            seeds = (a.brand_node,) if item.source == "brand" else (a.customer_node,)
        seeds_arr = np.asarray(seeds, dtype=np.int64)
        if seeds_arr.min() < 0 or seeds_arr.max() >= a.n:
            raise ValueError(f"item {item.id!r} has a seed node outside the audience")
        prob = receiver_probability(a, self.params, content_multiplier(self.params, item))
        rng = stream(self.seed, "cascade:" + item.id)
        sp = spread(
            a.indptr,
            a.indices,
            prob,
            np.zeros(seeds_arr.size, dtype=np.int64),
            seeds_arr,
            rng=rng,
            max_generations=self.params.max_generations,
            seed_time=np.full(seeds_arr.size, float(item.created)),
            s0=self.params.s0,
            theta=self.params.theta,
        )
        spread_time = cast(np.ndarray, sp.time)  # timed: seed_time was given
        direct = np.zeros(0, dtype=np.int64)
        if followers is not None and len(followers):
            direct = np.unique(np.asarray(followers, dtype=np.int64))
            if direct.min() < 0 or direct.max() >= a.n:
                raise ValueError(f"item {item.id!r} has a follower outside the audience")
            node, time, parent, gen = _merge([sp, *self._follower_cascades(item, prob, direct)])
        else:
            order = np.argsort(spread_time, kind="stable")
            inv = np.empty_like(order)
            inv[order] = np.arange(order.size)
            parent = sp.parent[order]
            parent = np.where(parent >= 0, inv[np.maximum(parent, 0)], -1)
            node, time, gen = sp.node[order], spread_time[order], sp.gen[order]
        alive = np.ones(node.size, dtype=bool)
        if item.source == "brand":
            trust = self._trust_brand
        elif item.source == "customer":
            trust = self._trust_customer
        else:
            trust = np.full(a.n, AUDIENCE_TRUST, dtype=np.float32)
        self._plans[item.id] = _Plan(
            item=item,
            node=node,
            time=time,
            parent=parent,
            gen=gen,
            alive=alive,
            calive=np.arange(node.size + 1, dtype=np.int64),
            exposed=np.zeros(a.n, dtype=bool),
            trust=trust,
            sharers_by_group=np.zeros(self._ngroups, dtype=np.int64),
            direct=direct,
        )

    def _follower_cascades(self, item: Item, prob: np.ndarray, followers: np.ndarray) -> list[Spread]:
        """The cascades the followers of an author outside the graph start.

        Each follower reshares with its own receiver probability, decided by one uniform draw per
        audience node from ``stream(seed, "follow:<id>")``, after a SEISMIC delay; each resharer's
        cascade draws from a stream of its own (``"cascade:<id>:<node>"``). So a follower's share
        and its cascade do not depend on who else follows: a larger set of followers (a prefix of
        the same ordering, `audience.followers`) yields a superset of the cascades, and the item
        never reaches fewer people.
        """
        a = self.audience
        u = stream(self.seed, "follow:" + item.id).random(a.n)
        sharers = followers[u[followers] < prob[followers]]
        visited = scratch(a.n)
        out = []
        for j in sharers.tolist():
            rng = stream(self.seed, f"cascade:{item.id}:{j}")
            start = float(item.created) + float(seismic_delays(rng, 1, self.params.s0, self.params.theta)[0])
            out.append(spread(a.indptr, a.indices, prob, np.zeros(1, dtype=np.int64), np.array([j], dtype=np.int64), rng=rng,
                              max_generations=self.params.max_generations, seed_time=np.array([start]),
                              s0=self.params.s0, theta=self.params.theta, visited=visited))
        return out

    def damp(self, item_id: str, factor: float, now: float) -> None:
        """Thin the item's spread after `now`: each pending share survives with prob `factor`.

        A dropped share takes its whole subtree with it (nobody can reshare from a share that
        never happened).  Deterministic: draws come from ``stream(seed, "damp:<id>:<k>")``.
        """
        plan = self._plans.get(item_id)
        if plan is None:
            raise KeyError(item_id)
        factor = min(max(float(factor), 0.0), 1.0)
        i0 = max(int(np.searchsorted(plan.time, now, side="right")), plan.done)
        if i0 >= plan.node.size:
            return
        rng = stream(self.seed, f"damp:{item_id}:{plan.damps}")
        plan.damps += 1
        keep = rng.random(plan.node.size - i0) < factor
        alive = plan.alive
        alive[i0:] &= keep
        tail_gen = plan.gen[i0:]
        tail_parent = plan.parent[i0:]
        for g in range(1, int(tail_gen.max()) + 1 if tail_gen.size else 1):
            sel = np.flatnonzero(tail_gen == g)
            if sel.size:
                alive[i0 + sel] &= alive[tail_parent[sel]]
        plan.calive = np.concatenate([[0], np.cumsum(alive)])

    # ---------------------------------------------------------------------------- the clock

    def advance(self, now: float, gate=None) -> tuple[Spill, ...]:
        """Realise every planned share with time <= now; fire spillovers whose delay is over.

        `gate(spec)` (the session's, for spillovers with `when:` or conditional text) returns the
        text the spillover appears with, or None to hold it back: a held spillover stays due and
        is asked again at the next advance.
        """
        now = float(now)
        if now < self.t:
            raise ValueError(f"ripple clock cannot go back from {self.t} to {now}")
        spills: list[Spill] = []
        held: list[tuple[float, SpilloverSpec]] = []
        while True:
            self._realise(now)
            self._check_thresholds(now)
            due = [d for d in self._due if d[0] <= now]
            if not due:
                break
            self._due = [d for d in self._due if d[0] > now]
            for when, spec in sorted(due, key=lambda d: (d[0], d[1].id)):
                text = None
                if gate is not None:
                    text = gate(spec)
                    if text is None:
                        held.append((when, spec))
                        continue
                item = self._spill_item(spec, when)
                if text is not None:
                    item = replace(item, text=text)
                self.post(item)
                self._spilled += 1
                spills.append(Spill(spec.id, item))
        self._due.extend(held)
        self.t = now
        self.history.append(self.snapshot())
        return tuple(spills)

    def _realise(self, now: float) -> None:
        work = []
        for plan in self._plans.values():
            hi = int(np.searchsorted(plan.time, now, side="right"))
            direct = bool(plan.direct.size) and not plan.direct_done and plan.item.created <= now
            if hi > plan.done or direct:
                start = float(plan.item.created) if direct else float(plan.time[plan.done])
                work.append((start, plan, hi, direct))
        work.sort(key=lambda w: w[0])  # items whose shares started earlier move stances first
        a = self.audience
        for _, plan, hi, direct in work:
            seen = [plan.direct] if direct else []
            plan.direct_done = plan.direct_done or direct
            lo = plan.done
            plan.done = hi
            sharers = plan.node[lo:hi][plan.alive[lo:hi]]
            if sharers.size:
                plan.sharers_by_group += np.bincount(a.group[sharers], minlength=self._ngroups)
                seen += [sharers, a.indices[_ranges(a.indptr[sharers], a.indptr[sharers + 1])]]
            if not seen:
                continue
            cand = sorted_unique(np.concatenate(seen))
            new = cand[~plan.exposed[cand]]
            if new.size == 0:
                continue
            plan.exposed[new] = True
            plan.reach += new.size
            fresh = new[~self.exposed[new]]
            self.exposed[fresh] = True
            self.reach += fresh.size
            v = float(plan.item.valence)
            if v < 0:
                fneg = new[~self.negative_exposed[new]]
                self.negative_exposed[fneg] = True
                self.negative_reach += fneg.size
                self.positive_reach -= int(self.positive_exposed[fneg].sum())
            elif v > POSITIVE_VALENCE:
                fpos = new[~self.positive_exposed[new]]
                self.positive_exposed[fpos] = True
                self.positive_reach += int((~self.negative_exposed[fpos]).sum())
            s = self.stance[new]
            s += self.params.stance_step * plan.trust[new] * (v - s)
            self.stance[new] = np.clip(s, -1.0, 1.0)

    def _check_thresholds(self, now: float) -> None:
        for spec in self.params.spillovers:
            if spec.id in self._fired:
                continue
            if spec.metric == "reach":
                value = self.reach
            elif spec.metric == "negative_reach":
                value = self.negative_reach
            elif spec.metric == "item_reach":
                value = max((p.reach for p in self._plans.values()), default=0)
            else:
                raise ValueError(f"spillover {spec.id!r}: unknown metric {spec.metric!r}")
            if value >= spec.threshold:
                self._fired.add(spec.id)
                self._due.append((now + float(spec.delay), spec))

    def _spill_item(self, spec: SpilloverSpec, when: float) -> Item:
        """The spillover's item, seeded at the biggest voice of its group who saw the affair."""
        a = self.audience
        reach = a.reach
        try:
            members = a.members(spec.group)
        except KeyError:
            members = np.zeros(0, dtype=np.int64)
        if members.size:
            seen = members[self.exposed[members]]
            pool = seen if seen.size else members
        else:
            pool = np.arange(a.n)
        node = int(pool[np.argmax(reach[pool])])
        return Item(
            id=f"spill:{spec.id}",
            kind="spillover",
            source="audience",
            valence=float(spec.valence),
            arousal=float(spec.arousal),
            seeds=(node,),
            created=float(when),
            platform=spec.platform,
            text=spec.text or spec.title,
        )

    # ---------------------------------------------------------------------------- metrics

    def snapshot(self) -> RippleSnapshot:
        """The metrics as of the last `advance` (cached: the session reads them many times a tick)."""
        cached = self.__dict__.get("_snap")
        if cached is not None and cached[0] == self._version():
            return cached[1]
        snap = self._measure()
        self.__dict__["_snap"] = (self._version(), snap)
        return snap

    def _version(self) -> tuple:
        return (self.t, self.reach, self.negative_reach, self.positive_reach, self._spilled, len(self._plans),
                sum(plan.done for plan in self._plans.values()))

    def _measure(self) -> RippleSnapshot:
        now = self.t
        shares = 0
        for plan in self._plans.values():
            hi = plan.done
            lo = int(np.searchsorted(plan.time, now - VELOCITY_WINDOW, side="right"))
            if hi > lo:
                shares += int(plan.calive[hi] - plan.calive[lo])
        if self.reach:
            seen = self.exposed
            net = float(np.clip((self.stance[seen] - self.audience.stance0[seen]).mean(), -1, 1))
        else:
            net = 0.0
        return RippleSnapshot(
            t=now,
            reach=int(self.reach),
            negative_reach=int(self.negative_reach),
            net_sentiment=net,
            share_velocity=float(shares) * 60.0 / VELOCITY_WINDOW,
            spillovers=self._spilled,
            positive_reach=int(self.positive_reach),
        )

    def item_reach(self, item_id: str) -> int:
        """Unique nodes that have seen the item so far."""
        plan = self._plans.get(item_id)
        return 0 if plan is None else int(plan.reach)

    def items(self) -> tuple[Item, ...]:
        return tuple(p.item for p in self._plans.values())

    def planned_size(self, item_id: str) -> int:
        """Shares still alive in the item's whole plan (realised or not): its final cascade size."""
        plan = self._plans[item_id]
        return int(plan.calive[-1])

    def group_heat(self) -> dict[str, float]:
        """Group id -> fraction of its members exposed to anything."""
        a = self.audience
        counts = np.bincount(a.group[self.exposed], minlength=self._ngroups)
        return {g.id: (float(counts[g.index]) / g.size if g.size else 0.0) for g in a.groups}

    def amplifiers(self) -> dict[str, dict[str, int]]:
        """Item id -> group id -> number of sharers so far: the debrief's blast radius."""
        groups = self.audience.groups
        return {
            item_id: {
                g.id: int(plan.sharers_by_group[g.index])
                for g in groups
                if plan.sharers_by_group[g.index]
            }
            for item_id, plan in self._plans.items()
        }

    # ----------------------------------------------------------------- forecasting hooks

    def fork(self, seed: int | None = None) -> Ripple:
        """An independent copy of the live ripple (for what-if runs from the present).

        With a new `seed`, items posted to the fork (and damps applied to it) draw new random
        numbers; the already-planned cascades stay as they are.
        """
        twin = copy.copy(self)
        twin.history = list(self.history)
        twin.stance = self.stance.copy()
        twin.exposed = self.exposed.copy()
        twin.negative_exposed = self.negative_exposed.copy()
        twin.positive_exposed = self.positive_exposed.copy()
        twin._fired = set(self._fired)
        twin._due = list(self._due)
        twin._plans = {}
        for k, p in self._plans.items():
            q = copy.copy(p)
            q.alive = p.alive.copy()
            q.calive = p.calive.copy()
            q.exposed = p.exposed.copy()
            q.sharers_by_group = p.sharers_by_group.copy()
            twin._plans[k] = q
        if seed is not None:
            twin.seed = int(seed)
        return twin

    def state(self) -> RippleState:
        """Stances, exposure masks and the still-pending shares of every item, as copies."""
        pending = {}
        for k, p in self._plans.items():
            sel = np.flatnonzero(p.alive[p.done :]) + p.done
            pending[k] = (p.node[sel].copy(), p.time[sel].copy())
        return RippleState(
            t=self.t,
            stance=self.stance.copy(),
            exposed=self.exposed.copy(),
            negative_exposed=self.negative_exposed.copy(),
            pending=pending,
        )
