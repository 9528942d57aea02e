"""Stylized facts of online spread, as tests.  No timing asserts; fixed seeds throughout.

* fidelity: the vectorised kernel is an independent cascade (matches a plain reference);
* most posts die; sizes are heavy-tailed near criticality (Goel et al. 2012; Cheng et al. 2014);
* negative, aroused content is more infectious, and the effect on reach is non-linear;
* hubs matter; a good reply calms spread and an argumentative one feeds it.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy.stats import ks_2samp

from simulator.format.specs import AudienceSpec, RippleParams
from simulator.world.audience import build_audience, csr_from_edges, edges_of
from simulator.world.forecast import forecast_cascades
from simulator.world.ripple import (
    Item,
    Ripple,
    branching_factor,
    ic_reference,
    receiver_probability,
    spread,
)


def _sizes(indptr, indices, prob, seeds, seed, timed=False):
    rng = np.random.default_rng(seed)
    r = np.arange(seeds.size)
    sp = spread(
        indptr,
        indices,
        prob,
        r,
        seeds,
        rng=rng,
        max_generations=10_000,
        seed_time=np.zeros(seeds.size) if timed else None,
    )
    return np.bincount(sp.roll, minlength=seeds.size)


@pytest.mark.parametrize("timed", [False, True])
def test_kernel_matches_reference_independent_cascade(timed):
    g = nx.powerlaw_cluster_graph(300, 2, 0.2, seed=4)
    indptr, indices = csr_from_edges(300, edges_of(g))
    prob = np.random.default_rng(1).uniform(0.05, 0.2, 300)  # receiver probabilities, R ~ 1
    seeds = np.random.default_rng(2).integers(300, size=2000)
    fast = _sizes(indptr, indices, prob, seeds, 3, timed)
    rng = np.random.default_rng(5)
    ref = np.array([len(ic_reference(indptr, indices, prob, [int(s)], rng)) for s in seeds])
    assert ks_2samp(fast, ref).pvalue > 0.01
    assert abs(fast.mean() - ref.mean()) < 0.15 * ref.mean()


@pytest.fixture(scope="module")
def twitterish():
    return build_audience(AudienceSpec(size=5000, m=2, visibility=0.0), seed=7)


def _p_for_r(aud, target):
    """Base probability giving mean-field R = target (R is ~linear in p at these sizes)."""
    lo, hi = 1e-4, 0.5
    for _ in range(40):
        mid = (lo + hi) / 2
        r = branching_factor(
            aud.indptr, receiver_probability(aud, RippleParams(base_probability=mid))
        )
        lo, hi = (mid, hi) if r < target else (lo, mid)
    return lo


def test_most_posts_die(twitterish):
    p = _p_for_r(twitterish, 0.7)
    prob = receiver_probability(twitterish, RippleParams(base_probability=p))
    seeds = np.random.default_rng(0).integers(twitterish.n, size=5000)
    sizes = _sizes(twitterish.indptr, twitterish.indices, prob, seeds, 1)
    assert (sizes == 1).mean() >= 0.8
    assert (sizes >= 100).mean() <= 0.001


def test_heavy_tail_near_criticality(twitterish):
    p = _p_for_r(twitterish, 1.0)
    prob = receiver_probability(twitterish, RippleParams(base_probability=p))
    seeds = np.random.default_rng(0).integers(twitterish.n, size=5000)
    sizes = _sizes(twitterish.indptr, twitterish.indices, prob, seeds, 2)
    assert np.percentile(sizes, 99) / np.percentile(sizes, 50) >= 10


def test_negativity_is_monotone_and_non_linear(twitterish):
    p = _p_for_r(twitterish, 0.6)
    seeds = np.random.default_rng(0).integers(twitterish.n, size=5000)
    means, tails = [], []
    mults = (1.0, 1.3, 1.7, 2.2)
    for m in mults:
        prob = receiver_probability(twitterish, RippleParams(base_probability=p), m)
        sizes = _sizes(twitterish.indptr, twitterish.indices, prob, seeds, 3)
        means.append(sizes.mean())
        tails.append(np.percentile(sizes, 99))
    assert means == sorted(means) and tails == sorted(tails)
    # more than proportional: doubling-ish the odds more than doubles the extra reach
    assert (means[-1] - 1) / (means[0] - 1) > mults[-1]
    assert tails[-1] / tails[0] > mults[-1]


def test_hubs_matter(twitterish):
    """Seeding at the brand or an influencer reaches far more people than an ordinary node."""
    params = RippleParams(base_probability=_p_for_r(twitterish, 0.8))
    public = twitterish.members("public")
    ordinary = public[np.random.default_rng(1).integers(public.size, size=40)]
    infl = twitterish.members("influencers")
    influencer = int(infl[np.argmax(twitterish.degree[infl])])

    def mean_reach(node, rollouts):
        item = Item(f"post@{node}", "post", "audience", 0.0, 0.5, (int(node),), 0.0)
        f = forecast_cascades(twitterish, params, item, rollouts, seed=4)
        return f.reach.mean, f.cascade_size.mean

    plain = np.mean([mean_reach(v, 25) for v in ordinary], axis=0)
    brand = mean_reach(twitterish.brand_node, 1000)
    inf = mean_reach(influencer, 1000)
    assert brand[0] > 3 * plain[0] and inf[0] > 10 * plain[0]  # reach (exposures)
    assert brand[1] - 1 > 3 * (plain[1] - 1) and inf[1] - 1 > 3 * (plain[1] - 1)  # reshares


def _negative_reach(aud, seed, reply):
    params = RippleParams(base_probability=0.06)
    r = Ripple(aud, params, seed)
    r.post(
        Item(
            "complaint",
            "complaint",
            "customer",
            -0.8,
            0.8,
            (aud.customer_node, int(aud.members("influencers")[0])),
            0.0,
            moral=1,
        )
    )
    r.advance(20.0)
    if reply == "good":
        r.damp("complaint", 0.4, 20.0)
        r.post(Item("reply", "reply", "brand", 0.7, 0.2, (aud.brand_node,), 20.0))
    elif reply == "argue":
        r.post(
            Item(
                "screenshot",
                "screenshot",
                "customer",
                -0.9,
                0.95,
                (aud.customer_node,),
                20.0,
                moral=2,
            )
        )
    r.advance(3 * 24 * 60.0)
    return r.history[-1].negative_reach, r.history[-1].net_sentiment


def test_good_reply_calms_argumentative_reply_inflames(twitterish):
    none, good, argue = [], [], []
    for seed in range(8):
        none.append(_negative_reach(twitterish, seed, None))
        good.append(_negative_reach(twitterish, seed, "good"))
        argue.append(_negative_reach(twitterish, seed, "argue"))
    n_neg, g_neg, a_neg = (np.array([x[0] for x in v]) for v in (none, good, argue))
    assert (g_neg <= n_neg).all() and g_neg.mean() < 0.9 * n_neg.mean()
    assert (a_neg >= n_neg).all() and a_neg.mean() > 1.1 * n_neg.mean()
    # others watch: the good reply also wins sentiment among those who saw the affair
    assert np.mean([x[1] for x in good]) > np.mean([x[1] for x in none])
