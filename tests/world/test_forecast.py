"""Monte Carlo forecast: distributions, intervals, determinism, live starts, histograms."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.format.specs import AudienceSpec, RippleParams, SpilloverSpec
from simulator.world.audience import build_audience
from simulator.world.forecast import forecast_cascades, histogram
from simulator.world.ripple import Item, Ripple


@pytest.fixture(scope="module")
def aud():
    return build_audience(AudienceSpec(size=3000, m=3), seed=2)


PARAMS = RippleParams(
    base_probability=0.05,
    spillovers=(
        SpilloverSpec("blog", metric="negative_reach", threshold=200),
        SpilloverSpec("viral", metric="item_reach", threshold=100_000),
    ),
)
COMPLAINT = Item("complaint", "complaint", "customer", -0.8, 0.8, (), 0.0, moral=1)


def test_forecast_summaries_are_consistent_and_serialisable(aud):
    calls = []
    r = forecast_cascades(
        aud, PARAMS, COMPLAINT, 1200, seed=1, progress=lambda d, t: calls.append((d, t)), batch=300
    )
    assert calls[-1] == (1200, 1200) and len(calls) == 4
    d = r.reach
    assert d.n == 1200 and d.p50 <= d.p90 <= d.p99 <= d.max
    assert d.ci_mean[0] <= d.mean <= d.ci_mean[1]
    assert d.ci_p90[0] <= d.p90 <= d.ci_p90[1]
    assert np.array_equal(r.samples["reach"], r.samples["negative_reach"])  # negative item
    assert (r.samples["reach"] >= r.samples["cascade_size"]).all()
    assert r.sentiment_change.max < 0  # a complaint only pushes stances down
    blog, viral = r.spillovers
    assert blog.p == pytest.approx((r.samples["negative_reach"] >= 200).mean())
    assert blog.ci[0] <= blog.p <= blog.ci[1]
    assert viral.p == 0.0
    json.dumps(r.to_json())


def test_forecast_is_deterministic_and_independent_of_workers(aud):
    a = forecast_cascades(aud, PARAMS, COMPLAINT, 600, seed=3, batch=200)
    b = forecast_cascades(aud, PARAMS, COMPLAINT, 600, seed=3, batch=200, workers=2)
    c = forecast_cascades(aud, PARAMS, COMPLAINT, 600, seed=4, batch=200)
    assert np.array_equal(a.samples["reach"], b.samples["reach"])
    assert a.reach == b.reach
    assert not np.array_equal(a.samples["reach"], c.samples["reach"])


def test_forecast_matches_the_ripple_in_distribution(aud):
    """The forecast's final reach and the live Ripple's reach are the same model."""
    f = forecast_cascades(aud, PARAMS, COMPLAINT, 1500, seed=5)
    live = []
    for s in range(300):
        r = Ripple(aud, PARAMS, s)
        r.post(COMPLAINT)
        r.advance(1e6)
        live.append(r.item_reach("complaint"))
    live = np.array(live)
    assert abs(np.median(live) - f.reach.p50) <= max(3, 0.3 * f.reach.p50)
    assert abs(live.mean() - f.reach.mean) < 0.35 * f.reach.mean


def test_horizon_counts_only_early_shares(aud):
    full = forecast_cascades(aud, PARAMS, COMPLAINT, 800, seed=6)
    early = forecast_cascades(aud, PARAMS, COMPLAINT, 800, seed=6, horizon=30.0)
    assert early.cascade_size.mean < full.cascade_size.mean
    assert early.horizon == 30.0


def test_forecast_from_a_live_state(aud):
    r = Ripple(aud, PARAMS, 1)
    r.post(
        Item(
            "earlier",
            "complaint",
            "customer",
            -0.5,
            0.5,
            (int(aud.members("influencers")[0]),),
            0.0,
        )
    )
    r.advance(2000.0)
    st = r.state()
    f = forecast_cascades(aud, PARAMS, COMPLAINT, 300, seed=1, start=st)
    assert f.reach.p50 >= st.exposed.sum()
    assert (f.samples["reach"] <= aud.n).all()
    assert (f.samples["negative_reach"] >= st.negative_exposed.sum()).all()


def test_histogram():
    h = histogram([1, 1, 2, 3, 10, 100], bins=4)
    assert sum(c for _, _, c in h) == 6 and h[0][0] == 1 and h[-1][1] == 100
    hl = histogram([1, 1, 2, 3, 10, 100], bins=4, log=True)
    assert sum(c for _, _, c in hl) == 6 and hl[1][0] == pytest.approx(10**0.5)
    assert histogram([], 3) == ()
    assert histogram([5, 5], 3) == ((5.0, 5.0, 2),)
