"""Ripple mechanics: keyed randomness, delays, the clock, damping, spillovers, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.format.specs import AudienceSpec, RippleParams, SpilloverSpec
from simulator.world.audience import build_audience
from simulator.world.ripple import (
    MAX_DELAY,
    Item,
    Ripple,
    _unique_first,
    content_multiplier,
    seismic_delays,
    spread,
)
from simulator.world.rng import stream


@pytest.fixture(scope="module")
def aud():
    return build_audience(AudienceSpec(size=3000, m=3), seed=3)


HOT = RippleParams(base_probability=0.07)


def complaint(created: float = 0.0, seeds: tuple[int, ...] = (), **kw) -> Item:
    fields = dict(valence=-0.8, arousal=0.8, moral=1)
    fields.update(kw)
    return Item("complaint", "complaint", "customer", seeds=seeds, created=created, **fields)


def test_stream_is_keyed_and_reproducible():
    a = stream(1, "cascade:x").random(5)
    assert np.array_equal(a, stream(1, "cascade:x").random(5))
    assert not np.array_equal(a, stream(1, "cascade:y").random(5))
    assert not np.array_equal(a, stream(2, "cascade:x").random(5))
    assert np.array_equal(stream(-1, "k").random(3), stream(0xFFFFFFFF, "k").random(3))


def test_seismic_delays_median_and_tail():
    d = seismic_delays(np.random.default_rng(0), 400_000)
    assert 40.0 <= np.median(d) <= 43.0  # analytic median 5 * 0.6148^(-1/0.23) = 41.4 min
    assert 0.45 <= (d > 60).mean() <= 0.47  # analytic 45.9% after the first hour
    assert 0.18 <= (d <= 5).mean() <= 0.195  # flat part holds theta / (1 + theta) = 18.7%
    assert d.min() > 0 and d.max() <= MAX_DELAY


def test_content_multiplier_orders_content():
    p = RippleParams()
    calm_good = Item("a", "reply", "brand", 0.6, 0.1, (), 0.0)
    angry_bad = Item("b", "complaint", "customer", -1.0, 1.0, (), 0.0, moral=2)
    neutral = Item("c", "x", "audience", 0.0, 0.5, (), 0.0)
    assert content_multiplier(p, neutral) == pytest.approx(1.0)
    assert content_multiplier(p, calm_good) < 1.0 < content_multiplier(p, angry_bad)
    assert content_multiplier(p, angry_bad) == pytest.approx(1.7 * 1.2**2 * 1.34**2, rel=1e-6)


def test_unique_first_keeps_the_earliest_time():
    keys = np.array([5, 3, 5, 9, 3, 5])
    time = np.array([4.0, 2.0, 1.0, 0.5, 3.0, 7.0])
    k, idx = _unique_first(keys, time)
    assert k.tolist() == [3, 5, 9]
    assert idx.tolist() == [1, 2, 3]


def test_spread_activates_each_node_once_and_times_follow_parents(aud):
    rng = np.random.default_rng(1)
    sp = spread(
        aud.indptr,
        aud.indices,
        0.3,
        np.zeros(2, int),
        np.array([0, 1]),
        rng=rng,
        seed_time=np.zeros(2),
    )
    assert np.unique(sp.node).size == sp.node.size
    child = sp.parent >= 0
    assert (sp.time[child] > sp.time[sp.parent[child]]).all()
    assert (sp.gen[child] == sp.gen[sp.parent[child]] + 1).all()
    # every parent is a neighbour of its child
    for c in np.flatnonzero(child)[:200]:
        assert sp.node[c] in aud.neighbours(int(sp.node[sp.parent[c]]))


def loud(aud) -> tuple[int, ...]:
    """The customer plus an influencer who picked it up: a complaint that does spread."""
    return (aud.customer_node, int(aud.members("influencers")[0]))


def _run(aud, seed, params=HOT, steps=60, dt=30.0, actions=None):
    r = Ripple(aud, params, seed)
    r.post(complaint(seeds=loud(aud)))
    spills = []
    for k in range(1, steps + 1):
        if actions:
            actions(r, k * dt)
        spills += r.advance(k * dt)
    return r, spills


def test_history_metrics_are_consistent(aud):
    r, _ = _run(aud, 4)
    assert len(r.history) == 60
    reach = [s.reach for s in r.history]
    assert reach == sorted(reach) and reach[-1] > 0
    last = r.history[-1]
    assert last.negative_reach == last.reach  # only a negative item was posted
    assert r.item_reach("complaint") == last.reach
    assert -1 <= last.net_sentiment <= 1
    heat = r.group_heat()
    assert set(heat) == {g.id for g in aud.groups} and all(0 <= h <= 1 for h in heat.values())
    sizes = {g.id: g.size for g in aud.groups}
    assert sum(heat[g] * sizes[g] for g in heat) == pytest.approx(last.reach)
    amp = r.amplifiers()["complaint"]
    assert sum(amp.values()) >= 1
    assert max(s.share_velocity for s in r.history) > 0


def test_exposure_moves_stance_toward_valence(aud):
    r = Ripple(aud, HOT, 1)
    r.post(complaint())
    r.advance(10_000.0)
    seen = r.exposed
    assert (r.stance[seen] <= aud.stance0[seen] + 1e-6).all()
    assert (r.stance[~seen] == aud.stance0[~seen]).all()
    assert r.history[-1].net_sentiment < 0


def test_same_seed_same_history_other_seed_differs(aud):
    a, _ = _run(aud, 9)
    b, _ = _run(aud, 9)
    c, _ = _run(aud, 10)
    assert a.history == b.history
    assert a.history != c.history


def test_common_random_numbers_across_counterfactuals(aud):
    """The same item posted in a replay that differs elsewhere gets the same cascade."""
    a = Ripple(aud, HOT, 5)
    a.post(complaint())
    b = Ripple(aud, HOT, 5)
    b.post(Item("other", "reply", "brand", 0.5, 0.2, (), 0.0))
    b.post(complaint())
    assert a.planned_size("complaint") == b.planned_size("complaint")
    assert np.array_equal(a.state().pending["complaint"][0], b.state().pending["complaint"][0])


def test_damp_thins_only_the_future_and_drops_descendants(aud):
    r = Ripple(aud, RippleParams(base_probability=0.09), 2)
    r.post(complaint(seeds=loud(aud)))
    full = r.planned_size("complaint")
    r.advance(60.0)
    before = r.item_reach("complaint")
    r.damp("complaint", 0.5, 60.0)
    plan = r._plans["complaint"]
    assert plan.alive[: plan.done].all()  # the past is not rewritten
    child = plan.parent >= 0
    dead_parent = child & ~plan.alive[np.maximum(plan.parent, 0)]
    assert not plan.alive[dead_parent].any()  # no share survives a dropped parent
    assert r.planned_size("complaint") < full
    assert r.item_reach("complaint") == before
    r.damp("complaint", 0.0, 60.0)
    r.advance(MAX_DELAY * 3)
    assert r.planned_size("complaint") == plan.done - (~plan.alive[: plan.done]).sum()


def test_spillover_fires_once_after_its_delay(aud):
    spec = SpilloverSpec(
        "blog",
        platform="blog",
        metric="negative_reach",
        threshold=30,
        delay=150.0,
        group="journalists",
    )
    params = RippleParams(base_probability=0.09, spillovers=(spec,))
    r = Ripple(aud, params, 8)
    r.post(complaint(seeds=loud(aud)))
    crossed, fired = None, []
    for k in range(1, 400):
        now = k * 10.0
        out = r.advance(now)
        if crossed is None and r.negative_reach >= 30:
            crossed = now
        fired += [(now, s) for s in out]
    assert crossed is not None
    assert len(fired) == 1
    when, spill = fired[0]
    assert spill.spec_id == "blog" and spill.item.platform == "blog"
    assert spill.item.created == pytest.approx(crossed + 150.0)
    assert when == pytest.approx(crossed + 150.0)
    assert aud.group[spill.item.seeds[0]] == aud.group_index("journalists")
    assert r.history[-1].spillovers == 1
    assert r.item_reach("spill:blog") > 0


def test_clock_and_posting_errors(aud):
    r = Ripple(aud, HOT, 1)
    r.post(complaint())
    with pytest.raises(ValueError):
        r.post(complaint())
    r.advance(10.0)
    with pytest.raises(ValueError):
        r.advance(5.0)
    with pytest.raises(ValueError):
        r.post(Item("bad", "x", "audience", 0.0, 0.0, (aud.n + 5,), 0.0))
    with pytest.raises(KeyError):
        r.damp("nope", 0.5, 10.0)


def test_fork_is_independent(aud):
    r = Ripple(aud, HOT, 1)
    r.post(complaint())
    r.advance(30.0)
    f = r.fork()
    f.damp("complaint", 0.0, 30.0)
    f.advance(5000.0)
    r.advance(5000.0)
    assert f.item_reach("complaint") <= r.item_reach("complaint")
    assert len(r.history) == len(f.history) == 2
    st = r.state()
    assert st.exposed.sum() == r.reach and st.stance is not r.stance
