"""The audience: a social graph built with networkx, then frozen into CSR arrays.

networkx is only used to *generate* (or load) the graph.  Everything the simulation touches
afterwards is a flat numpy array: the adjacency in compressed-sparse-row form (both arc
directions, so "followers see what you share" works either way round), one group index per
node, and per-node stance, reach, activity and susceptibility.  The cascade kernels index these
arrays directly; converting through networkx on the hot path costs seconds at 100k nodes,
building CSR from the edge array costs ~0.1 s.

Group placement is designed to look like the situation the game describes:

* hubs (the highest-degree nodes) are the influencers, journalists and bloggers;
* the brand account is the highest-degree node left after the hubs, and the brand's followers
  are the nodes nearest to it (a BFS ball);
* the customer is an ordinary but connected account (degree between the 75th and the 95th
  percentile), and the customer's followers are the BFS ball around them, so a complaint first
  lands among people who know the customer;
* each community group (e.g. a 1,700-member Facebook group) is a BFS ball from a random
  seed: a connected, clustered block, which is what a group is;
* everyone else (``public`` and any other kinds) is spread at random over what is left.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from simulator.format.specs import AudienceSpec, GroupSpec
from simulator.world.rng import stream

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "Audience",
    "AudienceError",
    "GroupInfo",
    "build_audience",
    "csr_from_edges",
    "edges_of",
    "followers",
]

MAX_FILE_BYTES = 64 * 1024 * 1024  # an author's graph file larger than this is refused
MAX_NODES = 2_000_000
HUB_KINDS = ("influencers", "journalists", "bloggers")
EDGE_LIST_SUFFIXES = (".edges", ".edgelist", ".txt", ".csv", ".tsv", ".el")
GRAPHML_SUFFIXES = (".graphml", ".xml")


class AudienceError(ValueError):
    """The audience cannot be built: a missing or malformed graph file, or an impossible spec."""


@dataclass(frozen=True)
class GroupInfo:
    """A group as built: the spec's numbers plus the resolved size and trust values."""

    id: str
    kind: str
    index: int
    size: int
    stance: float
    activity: float
    susceptibility: float
    reach: float
    trust_brand: float
    trust_customer: float


@dataclass(frozen=True, eq=False)
class Audience:
    """The frozen audience.  Arrays are never mutated after `build_audience` returns.

    ``indptr``/``indices`` are CSR over both arc directions: the neighbours of node ``v`` are
    ``indices[indptr[v]:indptr[v + 1]]``.  ``edges`` keeps the undirected edge array (each edge
    once) so `graph` can rebuild a networkx graph for inspection without storing one.
    """

    n: int
    indptr: np.ndarray  # int64, n + 1
    indices: np.ndarray  # int32, 2 * edges
    group: np.ndarray  # int16, group index per node
    groups: tuple[GroupInfo, ...]
    reach: np.ndarray  # float32, relative voice weight (group reach x degree / mean degree)
    activity: np.ndarray  # float32, 0..1
    susceptibility: np.ndarray  # float32, > 0
    stance0: np.ndarray  # float32, -1..1 stance toward the brand before anything happens
    brand_node: int
    customer_node: int
    edges: np.ndarray  # int32, (m, 2) undirected edges

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)

    def neighbours(self, node: int) -> np.ndarray:
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    def group_index(self, group_id: str) -> int:
        for g in self.groups:
            if g.id == group_id:
                return g.index
        raise KeyError(group_id)

    def members(self, group_id: str) -> np.ndarray:
        """Node ids of one group (sorted)."""
        return np.flatnonzero(self.group == self.group_index(group_id))

    @functools.cached_property
    def graph(self) -> nx.Graph:
        """A networkx view for inspection and authoring tools; built lazily, never on a hot path."""
        g = nx.Graph()
        g.add_nodes_from(range(self.n))
        g.add_edges_from(self.edges.tolist())
        for gi in self.groups:
            for v in np.flatnonzero(self.group == gi.index).tolist():
                g.nodes[v]["group"] = gi.id
        return g


def followers(audience: Audience, reach: int, visibility: float, rng: np.random.Generator) -> np.ndarray:
    """The audience members who see the posts of an author outside the graph (a named commenter).

    `reach` is the author's followers; a `visibility` share of them sees each post, as with the
    follow edges of the customer and the brand, up to everyone but the brand account. They are a
    prefix of one seeded ordering of the audience, so for the same `rng` a larger reach always
    includes a smaller one's followers: more reach never means fewer people.
    """
    pool = np.flatnonzero(np.arange(audience.n) != audience.brand_node)
    order = pool[rng.permutation(pool.size)]
    count = min(pool.size, round(max(0, int(reach)) * min(max(float(visibility), 0.0), 1.0)))
    return np.sort(order[:count]).astype(np.int64)


def csr_from_edges(n: int, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CSR (indptr int64, indices int32) over both arc directions, straight from an edge array.

    Self-loops and duplicate edges are dropped.  One sort of ``src * n + dst`` keys does the
    ordering and the de-duplication; ``bincount`` + ``cumsum`` gives ``indptr``.
    """
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    u, v = e[:, 0], e[:, 1]
    keep = u != v
    u, v = u[keep], v[keep]
    key = np.sort(np.concatenate([u * n + v, v * n + u]))
    if key.size:  # np.unique is several times slower than sort + neighbour compare here
        head = np.empty(key.size, dtype=bool)
        head[0] = True
        np.not_equal(key[1:], key[:-1], out=head[1:])
        key = key[head]
    src = key // n
    indices = (key - src * n).astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, indices


def edges_of(g: nx.Graph) -> np.ndarray:
    """The (m, 2) int64 edge array of a graph whose nodes are 0..n-1 (fast path via fromiter)."""
    m = g.number_of_edges()
    if m == 0:
        return np.zeros((0, 2), dtype=np.int64)
    flat = np.fromiter(itertools.chain.from_iterable(g.edges()), dtype=np.int64, count=2 * m)
    return flat.reshape(m, 2)


def _generate(spec: AudienceSpec, seed: int) -> tuple[int, np.ndarray]:
    n = int(spec.size)
    if n < 10 or n > MAX_NODES:
        raise AudienceError(f"audience size must be between 10 and {MAX_NODES}, got {n}")
    m = int(spec.m)
    if m < 1 or m >= n:
        raise AudienceError(f"audience m must be between 1 and size - 1, got {m}")
    nx_seed = int(stream(seed, "audience:graph").integers(2**31 - 1))
    model = spec.model
    if model == "powerlaw_cluster":
        g = nx.powerlaw_cluster_graph(n, m, float(spec.p), seed=nx_seed)
    elif model == "barabasi_albert":
        g = nx.barabasi_albert_graph(n, m, seed=nx_seed)
    elif model == "watts_strogatz":
        g = nx.connected_watts_strogatz_graph(n, max(2, 2 * m), float(spec.p), seed=nx_seed)
    else:
        raise AudienceError(
            f"unknown audience model {model!r} "
            "(use powerlaw_cluster, barabasi_albert, watts_strogatz or file)"
        )
    return n, edges_of(g)


def _load_file(spec: AudienceSpec, base_dir: Path | None) -> tuple[int, np.ndarray]:
    if not spec.file:
        raise AudienceError("audience model 'file' needs a file name")
    path = Path(spec.file)
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    if not path.is_file():
        raise AudienceError(f"audience file not found: {path}")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise AudienceError(
            f"audience file too large: {path} is {size} bytes (limit {MAX_FILE_BYTES})"
        )
    suffix = path.suffix.lower()
    if suffix in GRAPHML_SUFFIXES:
        try:
            g = nx.read_graphml(path)
        except Exception as exc:  # networkx raises several types for bad XML
            raise AudienceError(f"audience file {path} is not valid GraphML: {exc}") from exc
        g = nx.Graph(g)  # undirected, no multi-edges
        labels = {node: i for i, node in enumerate(g.nodes())}
        n = len(labels)
        edges = np.array([(labels[a], labels[b]) for a, b in g.edges()], dtype=np.int64)
    elif suffix in EDGE_LIST_SUFFIXES:
        n, edges = _parse_edge_list(path)
    else:
        raise AudienceError(
            f"audience file {path} has an unknown type {suffix!r} "
            f"(GraphML: {', '.join(GRAPHML_SUFFIXES)}; edge list: {', '.join(EDGE_LIST_SUFFIXES)})"
        )
    if n < 2 or edges.size == 0:
        raise AudienceError(f"audience file {path} has no edges")
    if n > MAX_NODES:
        raise AudienceError(f"audience file {path} has {n} nodes (limit {MAX_NODES})")
    return n, edges.reshape(-1, 2)


MAX_EDGE_FILE_BYTES = 256 * 1024 * 1024


def _parse_edge_list(path: Path) -> tuple[int, np.ndarray]:
    """``a b`` (or ``a,b`` / tab separated) per line; ``#`` comments; extra columns ignored."""
    if not path.is_file():  # a FIFO or a device (/dev/zero) would block or never end
        raise AudienceError(f"audience file {path} is not a regular file")
    if path.stat().st_size > MAX_EDGE_FILE_BYTES:
        raise AudienceError(f"audience file {path} is larger than {MAX_EDGE_FILE_BYTES // (1024 * 1024)} MiB")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise AudienceError(f"audience file {path} is not UTF-8 text: {exc}") from exc
    labels: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.replace(",", " ").replace(";", " ").split()
        if len(parts) < 2:
            raise AudienceError(f"{path}:{lineno}: expected two node names, got {raw!r}")
        a = labels.setdefault(parts[0], len(labels))
        b = labels.setdefault(parts[1], len(labels))
        pairs.append((a, b))
    return len(labels), np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _group_counts(groups: tuple[GroupSpec, ...], n: int) -> list[int]:
    """Exact sizes first, then the rest split by share (largest remainder)."""
    if not groups:
        raise AudienceError("the audience needs at least one group")
    counts = [0] * len(groups)
    fixed = 0
    for i, g in enumerate(groups):
        if g.size is not None:
            if g.size < 0:
                raise AudienceError(f"group {g.id!r}: size must not be negative")
            counts[i] = int(g.size)
            fixed += int(g.size)
    if fixed > n:
        raise AudienceError(f"groups with a fixed size need {fixed} nodes, the audience has {n}")
    rest = n - fixed
    shared = [i for i, g in enumerate(groups) if g.size is None and g.share > 0]
    if shared:
        total = sum(groups[i].share for i in shared)
        exact = [rest * groups[i].share / total for i in shared]
        base = [math.floor(x) for x in exact]
        left = rest - sum(base)
        order = sorted(range(len(shared)), key=lambda k: exact[k] - base[k], reverse=True)
        for k in order[:left]:
            base[k] += 1
        for k, i in enumerate(shared):
            counts[i] = base[k]
    elif rest:
        # nobody has a share: the leftover nodes join the last non-hub group
        target = max(
            (i for i, g in enumerate(groups) if g.kind not in HUB_KINDS), default=len(groups) - 1
        )
        counts[target] += rest
    return counts


def _ball(
    indptr: np.ndarray,
    indices: np.ndarray,
    centre: int,
    need: int,
    free: np.ndarray,
    rng: np.random.Generator,
    through_taken: bool = True,
) -> np.ndarray:
    """Up to `need` free nodes nearest to `centre` (BFS layers, random order within a layer).

    With `through_taken` the BFS walks through already-claimed nodes too, so a follower ball
    stays close to its centre even when a neighbouring block was claimed first; without it the
    ball only grows through free nodes, which keeps a community one connected block.  Falls back
    to random free nodes if the reachable part runs out.
    """
    n = free.size
    seen = np.zeros(n, dtype=bool)
    seen[centre] = True
    frontier = np.array([centre], dtype=np.int64)
    out: list[np.ndarray] = []
    got = 0
    while frontier.size and got < need:
        layer = frontier[free[frontier]]
        layer = layer[rng.permutation(layer.size)][: need - got]
        out.append(layer)
        got += layer.size
        starts, ends = indptr[frontier], indptr[frontier + 1]
        nb = indices[_ranges(starts, ends)]
        nb = nb[~seen[nb]]
        if not through_taken:
            nb = nb[free[nb]]
        seen[nb] = True  # duplicates in nb are harmless: setting True twice
        nb = np.flatnonzero(np.bincount(nb, minlength=n)) if nb.size else nb
        frontier = nb.astype(np.int64)
    taken = np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
    if got < need:
        mask = free.copy()
        mask[taken] = False
        others = np.flatnonzero(mask)
        taken = np.concatenate([taken, rng.choice(others, need - got, replace=False)])
    return taken


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, e)`` for each pair, without a Python loop."""
    lens = ends - starts
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offs = np.repeat(starts - np.cumsum(lens) + lens, lens)
    return offs + np.arange(total, dtype=np.int64)


def _trust_customer(g: GroupSpec) -> float:
    if g.trust_customer is not None:
        return float(g.trust_customer)
    return 0.8 if g.kind == "customer_followers" else 0.5


def build_audience(spec: AudienceSpec, seed: int, base_dir: Path | None = None) -> Audience:
    """Build (or load) the graph, place the groups, draw per-node traits, freeze to arrays.

    Deterministic in ``(spec, seed)``: the graph comes from ``stream(seed, "audience:graph")``
    and placement and traits from ``stream(seed, "audience")``.
    """
    if spec.model == "file" or spec.file:
        n, edges = _load_file(spec, base_dir)
    else:
        n, edges = _generate(spec, seed)
    ids = [g.id for g in spec.groups]
    if len(set(ids)) != len(ids):
        raise AudienceError(f"group ids must be unique: {ids}")
    indptr, indices = csr_from_edges(n, edges)
    edges = edges[edges[:, 0] != edges[:, 1]].astype(np.int32)
    deg = np.diff(indptr)
    rng = stream(seed, "audience")
    counts = _group_counts(spec.groups, n)

    group = np.full(n, -1, dtype=np.int16)
    free = np.ones(n, dtype=bool)
    # degree order, ties broken at random so equal-degree nodes do not favour low ids
    by_degree = np.lexsort((rng.random(n), -deg))

    # 1. hubs: influencers, journalists, bloggers take the top-degree nodes, mixed at random
    hub_groups = [i for i, g in enumerate(spec.groups) if g.kind in HUB_KINDS]
    n_hubs = sum(counts[i] for i in hub_groups)
    if n_hubs:
        hubs = by_degree[:n_hubs][rng.permutation(n_hubs)]
        pos = 0
        for i in hub_groups:
            group[hubs[pos : pos + counts[i]]] = i
            pos += counts[i]
        free[hubs] = False

    # 2. the brand: the biggest account left
    rest_by_degree = by_degree[free[by_degree]]
    if rest_by_degree.size == 0:
        raise AudienceError("no nodes left for the brand and the customer after the hubs")
    brand_node = int(rest_by_degree[0])

    def claim(i: int, nodes: np.ndarray) -> None:
        group[nodes] = i
        free[nodes] = False

    def index_of_kind(kind: str) -> int | None:
        for i, g in enumerate(spec.groups):
            if g.kind == kind:
                return i
        return None

    # 3. communities: connected blocks grown through free nodes from random free seeds
    free[brand_node] = False  # the brand account stays out of every other group's ball
    for i, g in enumerate(spec.groups):
        if g.kind == "community" and counts[i]:
            pool = np.flatnonzero(free)
            if pool.size < counts[i]:
                raise AudienceError(f"not enough nodes left for group {g.id!r}")
            centre = int(pool[rng.integers(pool.size)])
            claim(i, _ball(indptr, indices, centre, counts[i], free, rng, through_taken=False))

    # 4. the customer: an ordinary but connected account, and the ball of followers around it
    candidates = by_degree[free[by_degree]]
    if candidates.size:
        d = deg[candidates]
        lo, hi = np.percentile(d, 75), np.percentile(d, 95)
        pool = candidates[(d >= lo) & (d <= hi)]
        if pool.size == 0:
            pool = candidates
        customer_node = int(pool[rng.integers(pool.size)])
    else:
        customer_node = brand_node
    ci = index_of_kind("customer_followers")
    bi = index_of_kind("brand_followers")
    if ci is not None and counts[ci] and customer_node != brand_node:
        claim(ci, _ball(indptr, indices, customer_node, counts[ci], free, rng))
    free[brand_node] = group[brand_node] < 0
    # brand followers: the ball around the brand (the brand account is a member)
    if bi is not None and counts[bi]:
        claim(bi, _ball(indptr, indices, brand_node, counts[bi], free, rng))
    # everything else at random
    rest_groups = [i for i in range(len(spec.groups)) if not (group == i).any() and counts[i]]
    pool = np.flatnonzero(free)
    pool = pool[rng.permutation(pool.size)]
    pos = 0
    for i in rest_groups:
        take = min(counts[i], pool.size - pos)
        claim(i, pool[pos : pos + take])
        pos += take
    if (group < 0).any():  # rounding or a starved group: give leftovers to the largest group
        group[group < 0] = int(np.argmax(counts))

    # Follow edges: an account's posts land in its followers' feeds, not just its graph
    # neighbourhood. A visible share of the customer's and the brand's follower groups is wired
    # straight to the account, so a complaint is seen by the people who follow its author.
    # An author's own graph file already says who follows whom, so it is left as written.
    from_file = spec.model == "file" or bool(spec.file)
    extra = []
    for gi, account in ((ci, customer_node), (bi, brand_node)):
        if gi is None or spec.visibility <= 0 or from_file:
            continue
        members = np.flatnonzero(group == gi)
        members = members[members != account]
        seen = members[rng.random(members.size) < spec.visibility]
        extra.append(np.stack([np.full(seen.size, account, dtype=np.int64), seen.astype(np.int64)], axis=1))
    if extra:
        edges = np.concatenate([edges.astype(np.int64), *extra]).astype(np.int32)
        indptr, indices = csr_from_edges(n, edges)
        deg = np.diff(indptr)

    # per-node traits from the group's numbers plus seeded noise
    gs = spec.groups
    g_stance = np.array([g.stance for g in gs], dtype=np.float64)[group]
    g_act = np.array([g.activity for g in gs], dtype=np.float64)[group]
    g_sus = np.array([g.susceptibility for g in gs], dtype=np.float64)[group]
    g_reach = np.array([g.reach for g in gs], dtype=np.float64)[group]
    stance0 = np.clip(g_stance + rng.normal(0.0, 0.2, n), -1.0, 1.0)
    sigma = 0.25  # log-normal noise with mean 1, so group means are what the author wrote
    activity = np.clip(g_act * rng.lognormal(-(sigma**2) / 2, sigma, n), 0.0, 1.0)
    susceptibility = g_sus * rng.lognormal(-(sigma**2) / 2, sigma, n)
    mean_deg = max(float(deg.mean()), 1e-9)
    reach = (g_reach * deg / mean_deg).astype(np.float32)
    activity[brand_node] = 0.0  # the brand account never reshares other people's posts
    activity = activity.astype(np.float32)
    susceptibility = susceptibility.astype(np.float32)
    stance0 = stance0.astype(np.float32)

    infos = tuple(
        GroupInfo(
            id=g.id,
            kind=g.kind,
            index=i,
            size=int((group == i).sum()),
            stance=float(g.stance),
            activity=float(g.activity),
            susceptibility=float(g.susceptibility),
            reach=float(g.reach),
            trust_brand=float(g.trust_brand),
            trust_customer=_trust_customer(g),
        )
        for i, g in enumerate(gs)
    )
    arrays = (group, stance0, activity, susceptibility, reach, indptr, indices, edges)
    for a in arrays:
        a.setflags(write=False)
    return Audience(
        n=n,
        indptr=indptr,
        indices=indices,
        group=group,
        groups=infos,
        reach=reach,
        activity=activity,
        susceptibility=susceptibility,
        stance0=stance0,
        brand_node=brand_node,
        customer_node=customer_node,
        edges=edges,
    )


# ------------------------------------------------------------------------------ disk cache

CACHE_FORMAT = 1
_ARRAYS = ("indptr", "indices", "group", "reach", "activity", "susceptibility", "stance0", "edges")


def cache_key(spec: AudienceSpec, seed: int) -> str:
    """A stable name for a generated audience: the spec, the seed and the builder's version."""
    text = repr((CACHE_FORMAT, spec, int(seed), np.__version__.split(".")[0]))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def save_audience(audience: Audience, path: Path) -> None:
    """Write an audience as a plain .npz (no pickles), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": CACHE_FORMAT,
        "n": audience.n,
        "brand_node": audience.brand_node,
        "customer_node": audience.customer_node,
        "groups": [g.__dict__ for g in audience.groups],
    }
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        np.savez(handle, meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
                 **{name: getattr(audience, name) for name in _ARRAYS})
    os.replace(tmp, path)


def load_audience(path: Path) -> Audience | None:
    """An audience saved by `save_audience`, or None if the file is missing or not one."""
    try:
        with np.load(Path(path), allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            if meta.get("format") != CACHE_FORMAT:
                return None
            arrays = {name: data[name] for name in _ARRAYS}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError, zipfile.BadZipFile, RecursionError):
        return None  # truncated, tampered or not ours: the caller builds the audience again
    for a in arrays.values():
        a.setflags(write=False)
    try:
        return Audience(
            n=int(meta["n"]),
            groups=tuple(GroupInfo(**g) for g in meta["groups"]),
            brand_node=int(meta["brand_node"]),
            customer_node=int(meta["customer_node"]),
            **arrays,
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
