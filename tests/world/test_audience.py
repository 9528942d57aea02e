"""The audience graph: placement of groups, per-node traits, files, errors."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from simulator.format.specs import AudienceSpec, GroupSpec
from simulator.world import audience as audience_mod
from simulator.world.audience import AudienceError, build_audience, csr_from_edges

GROUPS = (
    GroupSpec("customer_followers", "customer_followers", share=0.3),
    GroupSpec("brand_followers", "brand_followers", share=0.4, stance=0.3),
    GroupSpec("public", "public", share=0.3),
    GroupSpec("influencers", "influencers", size=20, reach=20.0),
    GroupSpec("journalists", "journalists", size=10, reach=50.0),
    GroupSpec("fb_group", "community", size=1700, stance=-0.2),
)


@pytest.fixture(scope="module")
def aud():
    return build_audience(AudienceSpec(size=5000, m=3, groups=GROUPS), seed=11)


def test_group_sizes_honour_exact_sizes_and_shares(aud):
    sizes = {g.id: g.size for g in aud.groups}
    assert sizes["fb_group"] == 1700
    assert sizes["influencers"] == 20 and sizes["journalists"] == 10
    assert sum(sizes.values()) == aud.n == 5000
    rest = 5000 - 1730
    assert abs(sizes["brand_followers"] - 0.4 * rest) <= 1
    assert np.bincount(aud.group, minlength=len(aud.groups)).tolist() == [
        g.size for g in aud.groups
    ]


def test_csr_is_symmetric_and_matches_the_edges(aud):
    g = nx.Graph()
    g.add_nodes_from(range(aud.n))
    g.add_edges_from(aud.edges.tolist())
    for v in (0, 17, aud.brand_node, aud.customer_node):
        assert sorted(aud.neighbours(v).tolist()) == sorted(g.neighbors(v))
    assert aud.indptr.dtype == np.int64 and aud.indices.dtype == np.int32
    assert aud.indptr[-1] == 2 * g.number_of_edges()
    assert aud.graph.number_of_edges() == g.number_of_edges()


def test_csr_from_edges_drops_loops_and_duplicates():
    indptr, indices = csr_from_edges(4, np.array([[0, 1], [1, 0], [2, 2], [1, 3]]))
    assert indptr.tolist() == [0, 1, 3, 3, 4]
    assert indices.tolist() == [1, 0, 3, 1]


def test_hubs_brand_and_customer_placement(aud):
    deg = aud.degree
    hubs = np.isin(aud.group, [aud.group_index("influencers"), aud.group_index("journalists")])
    assert deg[hubs].min() >= np.percentile(deg[~hubs], 99)
    assert aud.group[aud.brand_node] == aud.group_index("brand_followers")
    assert deg[aud.brand_node] == deg[~hubs].max()
    assert aud.group[aud.customer_node] == aud.group_index("customer_followers")
    nb = aud.neighbours(aud.customer_node)
    ordinary = nb[~hubs[nb]]
    assert (aud.group[ordinary] == aud.group_index("customer_followers")).mean() >= 0.5


def test_community_is_a_connected_block(aud):
    members = aud.members("fb_group")
    sub = aud.graph.subgraph(members.tolist())
    biggest = max(nx.connected_components(sub), key=len)
    assert len(biggest) >= 0.9 * members.size


def test_traits_are_in_range_frozen_and_follow_group_means(aud):
    assert aud.stance0.min() >= -1 and aud.stance0.max() <= 1
    assert (aud.activity >= 0).all() and (aud.activity <= 1).all()
    assert (aud.susceptibility > 0).all()
    bf = aud.stance0[aud.members("brand_followers")].mean()
    fb = aud.stance0[aud.members("fb_group")].mean()
    assert bf > 0.2 and fb < -0.1
    with pytest.raises(ValueError):
        aud.stance0[0] = 0.5
    assert (
        aud.reach[aud.members("journalists")].mean() > 10 * aud.reach[aud.members("public")].mean()
    )


def test_same_seed_same_audience_other_seed_differs():
    spec = AudienceSpec(size=800, m=2)
    a, b, c = build_audience(spec, 5), build_audience(spec, 5), build_audience(spec, 6)
    assert np.array_equal(a.indices, b.indices) and np.array_equal(a.group, b.group)
    assert np.array_equal(a.stance0, b.stance0)
    assert not np.array_equal(a.indices, c.indices)


@pytest.mark.parametrize("model", ["powerlaw_cluster", "barabasi_albert", "watts_strogatz"])
def test_generators(model):
    a = build_audience(AudienceSpec(size=300, m=2, model=model), 1)
    assert a.n == 300 and a.indptr[-1] > 0


def _small_spec(file: str) -> AudienceSpec:
    return AudienceSpec(
        model="file",
        file=file,
        groups=(
            GroupSpec("customer_followers", "customer_followers", share=0.5),
            GroupSpec("brand_followers", "brand_followers", share=0.5),
        ),
    )


def test_graphml_file(tmp_path):
    g = nx.karate_club_graph()
    g = nx.relabel_nodes(g, {i: f"user{i}" for i in g.nodes()})
    nx.write_graphml(g, tmp_path / "club.graphml")
    a = build_audience(_small_spec("club.graphml"), 1, base_dir=tmp_path)
    assert a.n == 34 and a.indptr[-1] == 2 * 78


def test_edge_list_file(tmp_path):
    (tmp_path / "net.edges").write_text(
        "# who follows whom\nalice bob\nbob carol\ncarol,alice\ndave alice 0.5\n\n"
    )
    a = build_audience(_small_spec("net.edges"), 1, base_dir=tmp_path)
    assert a.n == 4 and a.indptr[-1] == 8


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(AudienceError, match="not found"):
        build_audience(_small_spec("nope.graphml"), 1, base_dir=tmp_path)


def test_bad_files_are_clear_errors(tmp_path, monkeypatch):
    (tmp_path / "bad.graphml").write_text("<graphml><not closed")
    with pytest.raises(AudienceError, match="not valid GraphML"):
        build_audience(_small_spec("bad.graphml"), 1, base_dir=tmp_path)
    (tmp_path / "bad.edges").write_text("alice\n")
    with pytest.raises(AudienceError, match=r"bad\.edges:1"):
        build_audience(_small_spec("bad.edges"), 1, base_dir=tmp_path)
    (tmp_path / "empty.edges").write_text("# nothing\n")
    with pytest.raises(AudienceError, match="no edges"):
        build_audience(_small_spec("empty.edges"), 1, base_dir=tmp_path)
    (tmp_path / "x.pdf").write_text("a b\n")
    with pytest.raises(AudienceError, match="unknown type"):
        build_audience(_small_spec("x.pdf"), 1, base_dir=tmp_path)
    (tmp_path / "big.edges").write_text("a b\n" * 100)
    monkeypatch.setattr(audience_mod, "MAX_FILE_BYTES", 50)
    with pytest.raises(AudienceError, match="too large"):
        build_audience(_small_spec("big.edges"), 1, base_dir=tmp_path)


def test_impossible_specs():
    with pytest.raises(AudienceError, match="fixed size"):
        build_audience(AudienceSpec(size=100, groups=(GroupSpec("g", size=500),)), 1)
    with pytest.raises(AudienceError, match="unknown audience model"):
        build_audience(AudienceSpec(size=100, model="lattice"), 1)
    assert issubclass(AudienceError, ValueError)


def test_big_audiences_are_cached_on_disk_and_come_back_identical(tmp_path, monkeypatch):
    from simulator.engine import session as S
    from simulator.format.scenario import load_scenario_bytes
    from simulator.services import Workspace
    from simulator.world.audience import load_audience, save_audience

    ws = Workspace.at(tmp_path)
    monkeypatch.setattr(S, "DISK_CACHE_NODES", 100)
    text = (Path(__file__).resolve().parents[2] / "scenarios" / "stock-check.yaml").read_text(encoding="utf-8")
    scenario = load_scenario_bytes(text.replace("size: 3000", "size: 400").encode(), "s.yaml")
    S._AUDIENCE_CACHE.clear()
    first = S.cached_audience(scenario, 3, ws.audiences)
    files = list((tmp_path / "cache").glob("audience-*.npz"))
    assert len(files) == 1
    S._AUDIENCE_CACHE.clear()
    again = S.cached_audience(scenario, 3, ws.audiences)
    for name in ("indptr", "indices", "group", "reach", "activity", "susceptibility", "stance0", "edges"):
        assert np.array_equal(getattr(first, name), getattr(again, name)), name
    assert (first.groups, first.brand_node, first.customer_node) == (again.groups, again.brand_node, again.customer_node)
    files[0].write_bytes(b"not an npz")
    assert load_audience(files[0]) is None
    save_audience(first, tmp_path / "x.npz")
    assert load_audience(tmp_path / "x.npz").n == first.n
    S._AUDIENCE_CACHE.clear()
    S.cached_audience(scenario, 4)  # no shelf handed in: the engine writes nothing
    assert len(list((tmp_path / "cache").glob("audience-*.npz"))) == 1
    S._AUDIENCE_CACHE.clear()


def test_the_audience_cache_keeps_within_its_size_cap(tmp_path):
    import os

    from simulator.storage.audiences import AudienceCache

    cache = AudienceCache(tmp_path, max_bytes=250)
    for i, name in enumerate(("a", "b", "c")):
        path = cache.path(name)
        path.write_bytes(b"x" * 100)
        os.utime(path, (1000 + i, 1000 + i))
    removed = cache.evict()
    assert [p.name for p in removed] == ["audience-a.npz"]
    assert sorted(p.name for p in tmp_path.glob("*.npz")) == ["audience-b.npz", "audience-c.npz"]
