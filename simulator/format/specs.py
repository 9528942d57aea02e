"""Value types for the parts of a scenario that the audience and ripple models read.

They live apart from `scenario.py` so that the audience and ripple modules (and their
benchmarks) can be used without loading a scenario file: a test builds an `AudienceSpec`
in one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GROUP_KINDS = (
    "customer_followers",
    "brand_followers",
    "influencers",
    "journalists",
    "bloggers",
    "community",
    "public",
)


@dataclass(frozen=True)
class GroupSpec:
    """One slice of the audience: who they are and how they lean before anything happens."""

    id: str
    kind: str = "public"
    share: float = 0.0  # fraction of the nodes (shares are normalised over groups)
    size: int | None = None  # or an exact count (e.g. a 1,700-member group)
    stance: float = 0.0  # mean stance toward the brand, -1..1
    activity: float = 0.3  # 0..1, how likely a member shares what they see
    susceptibility: float = 1.0  # multiplier on the chance an exposure makes them share
    reach: float = 1.0  # relative weight of one member's voice (followers)
    trust_brand: float = 0.5  # how much a brand post moves them, 0..1
    trust_customer: float | None = None  # how much the customer's posts move them, 0..1
    # (None: 0.8 for customer_followers, 0.5 for everyone else)


@dataclass(frozen=True)
class AudienceSpec:
    """How to build the audience graph: a seeded standard generator or an author's file."""

    size: int = 2000
    model: str = "powerlaw_cluster"  # powerlaw_cluster | barabasi_albert | watts_strogatz | file
    m: int = 3
    p: float = 0.1
    file: str | None = None  # GraphML or edge list, relative to the scenario file
    visibility: float = 0.4  # share of an account's follower group that sees each of its posts
    groups: tuple[GroupSpec, ...] = field(
        default_factory=lambda: (
            GroupSpec("customer_followers", "customer_followers", share=0.35),
            GroupSpec("brand_followers", "brand_followers", share=0.45, stance=0.3),
            GroupSpec("public", "public", share=0.18),
            GroupSpec("influencers", "influencers", share=0.015, activity=0.5, reach=20.0),
            GroupSpec("journalists", "journalists", share=0.005, activity=0.4, reach=50.0),
        )
    )


@dataclass(frozen=True)
class SpilloverSpec:
    """A jump to another platform when an item's spread crosses a threshold, after a delay."""

    id: str
    platform: str = "blog"  # blog | forum | news | community | other
    title: str = ""
    text: str = ""
    metric: str = "negative_reach"  # reach | negative_reach | item_reach
    threshold: int = 500
    delay: float = 150.0  # minutes (news-to-blog peak lag ~2.5 h, Leskovec et al. 2009)
    valence: float = -0.6
    arousal: float = 0.6
    group: str = "bloggers"  # which audience group seeds it (falls back to the biggest reach)
    when: Any = None  # a conditions.Condition: it appears only once this holds (checked by the session)
    texts: tuple = ()  # conditional text: (Condition, text) pairs, the first that holds wins


@dataclass(frozen=True)
class RippleParams:
    """Spread parameters, with defaults grounded in published figures (see docs/ripple.md)."""

    platform: str = "twitter"
    base_probability: float = 0.03  # platform base chance an exposure is reshared
    negativity: float = 1.7  # odds multiplier for negative content (Vosoughi et al. 2018: +70%)
    moral_emotion: float = 0.2  # +20% per moral-emotional word (Brady et al. 2017)
    arousal: float = 1.0  # weight of anger/arousal on the odds (Berger & Milkman 2012)
    s0: float = 5.0  # minutes: SEISMIC kernel is flat up to s0 (Zhao et al. 2015)
    theta: float = 0.23  # SEISMIC power-law exponent 1 + theta
    stance_step: float = 0.15  # how far one exposure moves a stance toward the item's valence
    max_generations: int = 60
    spillovers: tuple[SpilloverSpec, ...] = ()
