"""A named commenter's followers (their `reach`): they see the post, some reshare it, and more
reach never spreads a post less, for the same seed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.format.specs import AudienceSpec, RippleParams
from simulator.world.audience import build_audience, followers
from simulator.world.ripple import MAX_DELAY, Item, Ripple
from simulator.world.rng import stream

AUD = build_audience(AudienceSpec(size=600, m=3), seed=5)
PARAMS = RippleParams(base_probability=0.05)


def post(reach: int, seed: int, *, visibility: float = 0.4, valence: float = -0.5) -> Ripple:
    ripple = Ripple(AUD, PARAMS, seed)
    item = Item("kit1", "commenter_post", "audience", valence, 0.6, (AUD.customer_node,), 10.0)
    ripple.post(item, followers=followers(AUD, reach, visibility, stream(seed, "followers:kit")))
    return ripple


def final_reach(ripple: Ripple) -> int:
    ripple.advance(10.0 + 2 * MAX_DELAY)
    return ripple.item_reach("kit1")


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), low=st.integers(0, 2_000), extra=st.integers(0, 2_000))
def test_higher_reach_never_spreads_less(seed, low, extra):
    assert final_reach(post(low, seed)) <= final_reach(post(low + extra, seed))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), low=st.integers(0, 1_000), extra=st.integers(0, 1_000),
       now=st.floats(10.0, 600.0))
def test_higher_reach_never_spreads_less_at_any_moment(seed, low, extra, now):
    a, b = post(low, seed), post(low + extra, seed)
    a.advance(now)
    b.advance(now)
    assert a.item_reach("kit1") <= b.item_reach("kit1")
    assert a.reach <= b.reach and a.negative_reach <= b.negative_reach


def test_reach_spreads_a_post_much_further_on_average():
    low = [final_reach(post(20, s)) for s in range(12)]
    high = [final_reach(post(1_000, s)) for s in range(12)]
    assert all(a <= b for a, b in zip(low, high, strict=True))
    assert np.mean(high) > 1.5 * np.mean(low)


def test_followers_see_the_post_when_it_appears_even_if_nobody_reshares():
    ripple = Ripple(AUD, RippleParams(base_probability=0.0), 1)
    fans = followers(AUD, 500, 0.4, stream(1, "followers:kit"))
    assert fans.size == 200 and AUD.brand_node not in fans
    ripple.post(Item("kit1", "commenter_post", "audience", -0.5, 0.5, (AUD.customer_node,), 30.0), followers=fans)
    ripple.advance(29.0)
    assert ripple.item_reach("kit1") == 0
    ripple.advance(30.0)
    thread = {AUD.customer_node, *AUD.neighbours(AUD.customer_node).tolist()}
    assert ripple.item_reach("kit1") == len(thread | set(fans.tolist()))


def test_followers_are_nested_and_capped_by_the_audience():
    small = followers(AUD, 100, 0.4, stream(7, "followers:kit"))
    big = followers(AUD, 1_000, 0.4, stream(7, "followers:kit"))
    assert set(small.tolist()) <= set(big.tolist()) and small.size == 40 and big.size == 400
    assert followers(AUD, 10**9, 1.0, stream(7, "followers:kit")).size == AUD.n - 1
    assert followers(AUD, 0, 0.4, stream(7, "followers:kit")).size == 0


def test_a_merged_plan_is_one_cascade_in_time_order():
    ripple = post(1_500, 3)
    plan = ripple._plans["kit1"]
    assert np.all(np.diff(plan.time) >= 0)
    assert np.unique(plan.node).size == plan.node.size  # a node shares once
    has_parent = plan.parent >= 0
    assert np.all(plan.parent[has_parent] < np.flatnonzero(has_parent))  # parents come first
    assert np.array_equal(plan.gen[has_parent], plan.gen[plan.parent[has_parent]] + 1)
    assert np.all(plan.gen[~has_parent] == 0)
    ripple.damp("kit1", 0.0, 11.0)  # a calming reply still thins what has not happened yet
    assert ripple.planned_size("kit1") <= int(np.count_nonzero(plan.time <= 11.0))


def test_without_followers_a_post_plans_exactly_as_before():
    item = Item("c1", "customer_post", "customer", -0.6, 0.7, (AUD.customer_node,), 0.0)
    plain, empty = Ripple(AUD, PARAMS, 9), Ripple(AUD, PARAMS, 9)
    plain.post(item)
    empty.post(item, followers=np.zeros(0, dtype=np.int64))
    for field in ("node", "time", "parent", "gen"):
        assert np.array_equal(getattr(plain._plans["c1"], field), getattr(empty._plans["c1"], field))


def test_a_follower_outside_the_audience_is_refused():
    with pytest.raises(ValueError, match="follower outside the audience"):
        Ripple(AUD, PARAMS, 1).post(Item("x", "commenter_post", "audience", 0.0, 0.5, (0,), 0.0), followers=[AUD.n])
