"""The customer: who they are, how they feel, and how they react to what the brand does.

The archetypes are the seeds' cast (seed 003: "the annoying, the abusive, the stubborn, the petty,
the grandstander, the desperate, the vengeful", the jerk for sport and the well-meaning but
ill-informed, plus seed 002's loyal fan who is one surprise away from a raving fan). Each is a
parameter set plus the few behaviours that teach its lesson: arguing with a jerk for sport feeds
them; correcting the ill-informed in public backfires while a gentle private explanation works; a
grandstander screenshots a brush-off DM; the desperate run out of patience fast; the vengeful take
it to a blog when ignored; the stubborn turn down the first two fixes; hiding an abusive post is
right only with posted guidelines and a word to the poster. The table in docs/personas.md is the
reference; tests/test_persona_lessons.py states each lesson as behaviour.

State moves with the analysed reply, the kind of action, the time the customer has been waiting,
what the audience is doing (a pile-on emboldens them) and promises kept or broken. `react()` is a
pure function of (archetype, state, stimulus, rng) so a session replays byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from simulator.format.vocab import MOODS


@dataclass(frozen=True)
class Archetype:
    """How one kind of customer reacts. Rates scale effects; patience decay is per hour of waiting."""

    name: str
    calm_rate: float = 1.0  # how much a good reply lowers anger
    rage_rate: float = 1.0  # how much a bad reply raises anger
    trust_rate: float = 1.0  # how fast trust is won (and a broken promise loses it)
    patience_decay: float = 0.35  # patience lost per hour without an answer
    reply_appetite: float = 0.6  # chance they answer a brand reply publicly
    fixes_to_reject: int = 0  # the stubborn turn down the first fixes offered
    trust_cap: float = 1.0  # the jerk for sport never trusts you
    feeds_on_replies: bool = False  # every reply feeds the jerk for sport
    never_satisfied: bool = False  # no path leads to satisfied or better
    public_correction_backfires: bool = False  # the well-meaning but ill-informed
    screenshots_dm: bool = False  # the grandstander plays to the audience
    private_factor: float = 1.0  # how much a good private move helps (the grandstander: less)
    blogs_when_ignored: bool = False  # the vengeful
    profane: bool = False  # the abusive: hiding their post can be right
    pile_on_boost: float = 0.1  # how much a growing crowd emboldens them
    petty: bool = False  # small slights weigh more (form letters, slow replies)
    needs_speed: bool = False  # the desperate: sympathy without a fix does little
    delights_easily: bool = False  # the loyal fan: a personal touch is already a surprise
    strikes_to_leave: int = 3  # times their patience may run out before they leave for good
    volume: float = 1.0  # how loud their public posts are (arousal multiplier for the ripple)
    reply_delay: tuple[float, float] = (3.0, 12.0)  # minutes before they answer (min, max)
    promise_window: float = 90.0  # minutes a promise that names no time may stay open before they call it broken
    description: str = ""
    lesson: str = ""  # the seed's lesson this customer teaches (for the debrief and the docs)


ARCHETYPES: dict[str, Archetype] = {
    a.name: a
    for a in (
        Archetype(
            "reasonable",
            description="Most people: wants to be heard and to have it fixed.",
            lesson="An apology and a question that recruits them into the fix turn a ranting customer into a fan.",
        ),
        Archetype(
            "annoying", reply_appetite=0.95, patience_decay=0.6, calm_rate=0.8, strikes_to_leave=99,
            reply_delay=(2.0, 6.0), promise_window=60.0,
            description="Posts a lot and repeats themselves; calms slowly but does calm.",
            lesson="Politeness and patience (rule 5): they keep bumping the thread until someone answers.",
        ),
        Archetype(
            "abusive", rage_rate=1.2, calm_rate=0.6, profane=True, reply_appetite=0.8, volume=1.2,
            description="Profane and personal. Hiding the post is right when guidelines are posted and they are told why.",
            lesson="Post your rules before you need them; hide, and tell the poster why (seed 003, Nationwide).",
        ),
        Archetype(
            "stubborn", fixes_to_reject=2, calm_rate=0.8, strikes_to_leave=4,
            description="Rejects the first two fixes, then accepts a good one.",
            lesson="Don't give up or get curt after two refusals: the third good fix lands.",
        ),
        Archetype(
            "petty", petty=True, rage_rate=1.3, trust_rate=0.8, strikes_to_leave=2, promise_window=60.0,
            description="Small slights weigh heavily: form letters and slow answers sting.",
            lesson="Personalise every response and answer fast; a form letter is an insult to them.",
        ),
        Archetype(
            "grandstander", screenshots_dm=True, private_factor=0.4, reply_appetite=0.9, pile_on_boost=0.25,
            volume=1.35,
            description="Plays to the audience; a brush-off DM ends up as a public screenshot.",
            lesson="Resolve where the audience can see it; a DM with no empathy becomes a screenshot.",
        ),
        Archetype(
            "desperate", patience_decay=1.2, calm_rate=1.2, needs_speed=True, strikes_to_leave=2,
            pile_on_boost=0.05, reply_delay=(1.0, 4.0), promise_window=45.0,
            description="Needs it fixed now: patience runs out fast; speed and a real fix matter most.",
            lesson="Answer at once with a concrete fix; every hour of silence costs far more than with others.",
        ),
        Archetype(
            "vengeful", blogs_when_ignored=True, rage_rate=1.2, trust_rate=0.7,
            description="When ignored or slighted, takes it to a blog.",
            lesson="Ignoring the problem is not a strategy: the story comes back as a blog post (question 5).",
        ),
        Archetype(
            "jerk_for_sport", feeds_on_replies=True, never_satisfied=True, trust_cap=0.35, calm_rate=0.1,
            reply_appetite=1.0, pile_on_boost=0.3, volume=1.4, reply_delay=(1.0, 5.0),
            description="Never satisfied; every reply feeds them. Walking away is right.",
            lesson="Sometimes people just want to fight: answer once, then walk away gracefully (question 6).",
        ),
        Archetype(
            "ill_informed", public_correction_backfires=True, rage_rate=1.3,
            description="Has the facts wrong; a public correction backfires, a gentle private explanation works.",
            lesson="Never tell a customer in public that they are wrong; explain gently, in private.",
        ),
        Archetype(
            "loyal_fan", calm_rate=1.5, trust_rate=1.5, patience_decay=0.15, reply_appetite=0.8,
            delights_easily=True, volume=0.8, promise_window=240.0,
            description="Already likes you; a small surprise makes a raving fan.",
            lesson="Reward loyal customers 'just because' (seed 002, Dunn Brothers): it costs little.",
        ),
    )
}


@dataclass(frozen=True)
class PersonaState:
    """The customer's inner state. Every float is 0..1 after `clamp()`."""

    anger: float
    trust: float
    patience: float
    heard: float = 0.0  # do they feel listened to
    resolved: float = 0.0  # is what they want taken care of
    fixes_rejected: int = 0
    attention: float = 0.5  # how engaged they are (the jerk for sport feeds on it)
    went_public_elsewhere: bool = False  # took it to a blog or rallied a mob
    left: bool = False  # gone for good ("Frankly, my dear, I don't give a damn")
    strikes: int = 0  # times their patience ran out
    waited: float = 0.0  # hours since the brand last answered them
    delighted: bool = False  # the brand went beyond what they asked (the raving-fan moment)
    disengaged: bool = False  # lost interest (the jerk for sport once nobody bites)

    @property
    def mood(self) -> str:
        return mood_of(self.anger)

    def clamp(self, trust_cap: float = 1.0) -> PersonaState:
        def c(x: float) -> float:
            return float(min(1.0, max(0.0, round(x, 6))))

        return replace(
            self,
            anger=c(self.anger),
            trust=min(c(self.trust), trust_cap),
            patience=c(self.patience),
            heard=c(self.heard),
            resolved=c(self.resolved),
            attention=c(self.attention),
            waited=max(0.0, round(self.waited, 6)),
        )


def mood_of(anger: float) -> str:
    """The mood band authored lines are chosen by."""
    if anger < 0.25:
        return MOODS[0]
    if anger < 0.5:
        return MOODS[1]
    if anger < 0.75:
        return MOODS[2]
    return MOODS[3]


HOSTILE_ANGER = 0.85  # furious and still here: they rally others against the brand


def outcome_of(state: PersonaState, archetype: Archetype) -> str:
    """Where the relationship stands: raving fan, satisfied, neutral, churned or hostile.

    A customer who took it elsewhere is hostile; one who has left is churned, however angry (they
    said "I don't give a damn" and went). A raving fan needs more than a fix: they were delighted,
    the seeds' "great customer service moment". The jerk for sport can be at best neutral.
    """
    if state.went_public_elsewhere:
        return "hostile"
    if state.left:
        return "churned"
    if state.anger >= HOSTILE_ANGER:
        return "hostile"
    if state.disengaged:
        return "neutral"  # they lost interest: nothing won, nothing lost
    if not archetype.never_satisfied:
        if (
            state.delighted
            and state.resolved >= 0.8
            and state.trust >= 0.75
            and state.anger <= 0.15
            and archetype.trust_cap >= 0.75
        ):
            return "raving_fan"
        if (state.resolved >= 0.55 or (state.heard >= 0.7 and state.resolved >= 0.3)) and state.anger <= 0.4:
            return "satisfied"
    if state.trust <= 0.15 or (state.patience <= 0.0 and state.anger >= 0.5):
        return "churned"
    return "neutral"


@dataclass(frozen=True)
class Stimulus:
    """What the customer just experienced."""

    kind: str  # reply private offer hide walk_away follow_up silence promise_broken promise_kept pile_on escalated
    features: frozenset = frozenset()
    public: bool = True
    value: float = 0.0  # remedy value, or hours of silence
    fair: float = 0.0  # the scenario's fair remedy value
    satisfies: tuple = ()  # the customer's wants this remedy answers
    acknowledged: bool = False  # the brand had already acknowledged them in public
    guidelines: bool = False
    explained: bool = False
    first_private: bool = False
    remedy_kind: str = ""  # vocab.REMEDY_KINDS; refer_competitor is the Rhett Butler move
    remedy_satisfies: tuple = ()  # everything the remedy answers, wanted or not ("delight" surprises)
    facts_wrong: bool = False  # the scenario says the customer has the facts wrong
    repeated: bool = False  # the brand said this (or as good as this) already
    unreasonable: bool = False  # their request cannot be granted (rule 9)
    own_post: bool = True  # a hidden post was theirs (not a bystander's)
    hostile: bool = False  # the judge found a sentence that spoils the reply, whatever surrounds it
    by_trainee: bool = True  # False: the brand's own account posted it (a brand-voice inject), not the trainee


@dataclass(frozen=True)
class Reaction:
    state: PersonaState
    trigger: str  # picks the authored line (vocab.TRIGGERS, plus "leaving")
    speak: bool  # do they post something now
    public: bool  # in public or in the private channel
    valence: float  # how their post leans: -1 against the brand .. 1 for it
    screenshot: bool = False  # they post a screenshot of the brand's private words
    blog: bool = False  # they take it to a blog
    backlash: bool = False  # a deletion they noticed and call censorship
    leaving: bool = False  # they are at their limit and go ("Frankly, my dear...")
    variant: str = ""  # refines the built-in line: "accepted" (a hidden post they accept), "explained"
    delay: float = 0.0  # minutes before they post


GOOD = {"apology": 0.22, "empathy": 0.2, "thanks": 0.05, "question": 0.12, "solution": 0.28, "personalised": 0.1, "promise": 0.04}
BAD = {"argue": 0.35, "blame": 0.45, "sarcasm": 0.55, "insult": 0.8, "profanity": 0.6, "shouting": 0.25, "form_letter": 0.15, "non_apology": 0.25,
       "threat": 0.8}
CARING = frozenset({"apology", "empathy", "question", "solution", "personalised"})
HOSTILE = frozenset({"argue", "blame", "sarcasm", "insult", "profanity", "shouting", "non_apology"})
# What no gentle explanation contains. A private correction that points at what the customer got
# wrong (argue, blame) is still an explanation; contempt, threats and shouting never are.
CONTEMPT = frozenset({"sarcasm", "insult", "profanity", "shouting", "threat"})


def quality(features) -> float:
    """-1..1: how a reply lands with a customer, from its features (not its sentiment)."""
    good = sum(w for f, w in GOOD.items() if f in features)
    bad = sum(w for f, w in BAD.items() if f in features)
    return float(max(-1.0, min(1.0, good - bad)))


def _trigger_for_reply(features, q: float) -> str:
    for f, trig in (("insult", "rude"), ("sarcasm", "rude"), ("profanity", "rude"), ("threat", "rude"), ("blame", "blame"), ("argue", "argue"),
                    ("non_apology", "non_apology")):
        if f in features:
            return trig
    if "solution" in features:
        return "solution"
    if "question" in features:
        return "question"
    if "apology" in features:
        return "apology"
    if "form_letter" in features:
        return "form_letter"
    return "good_reply" if q > 0 else "any"


@dataclass
class _Out:
    """The reaction being assembled (a scratch pad inside react(), never returned)."""

    trigger: str = "any"
    speak: bool = False
    public: bool = True
    screenshot: bool = False
    blog: bool = False
    backlash: bool = False
    leaving: bool = False
    variant: str = ""
    extra: dict = field(default_factory=dict)


def react(arch: Archetype, s: PersonaState, stim: Stimulus, rng: np.random.Generator) -> Reaction:
    """The customer's new state and what they do about it. Deterministic given the rng."""
    roll = float(rng.random())
    delay_roll = float(rng.random())
    out = _Out(public=stim.public)
    handler = _HANDLERS.get(stim.kind)
    if handler is not None:
        s = handler(arch, s, stim, roll, out)
    s = s.clamp(arch.trust_cap)
    if not stim.by_trainee and s.left and out.leaving:
        # Angered by a post the trainee did not write, they still give the social desk one
        # chance to answer before they go: the drill starts from the damage, not after it.
        s = replace(s, left=False)
        out.leaving, out.trigger = False, "rude"
    if out.blog:
        s = replace(s, went_public_elsewhere=True)
    if s.left and not out.leaving and stim.kind not in ("walk_away",) and out.trigger not in ("hidden", "promise_broken"):
        # Gone is gone: they answer the brand at most once more, and never the silence.
        out.speak = out.speak and stim.kind in ("reply", "private", "offer", "follow_up") and roll < 0.3
    lo, hi = arch.reply_delay
    delay = round(lo + (hi - lo) * delay_roll, 4)
    return Reaction(s, out.trigger, out.speak, out.public, _valence(s, arch), out.screenshot, out.blog, out.backlash,
                    out.leaving, out.variant, delay)


def _limit(arch: Archetype, s: PersonaState, out: _Out) -> PersonaState:
    """Mistreated once too often, they go: the seeds' "Frankly, my dear, I don't give a damn"."""
    if not s.left and not arch.feeds_on_replies and s.trust <= 0.1 and s.anger >= 0.6:
        out.leaving, out.trigger, out.speak, out.public = True, "leaving", True, True
        s = replace(s, left=True)
    return s


def _on_message(arch: Archetype, s: PersonaState, stim: Stimulus, roll: float, out: _Out) -> PersonaState:
    f = set(stim.features)
    kind = stim.kind
    q = quality(f)
    trigger = _trigger_for_reply(f, q)
    if stim.repeated and q > 0:
        q = -0.1  # the same words again: nothing new, and it shows nobody is listening
    contempt = bool(f & CONTEMPT) or stim.hostile
    if contempt:
        # One contemptuous sentence is what they read and what they answer: "sorry" and "thanks"
        # around it do not buy it back (the padded reply the seeds warn about).
        q = min(q, -0.35)
        if trigger not in ("argue", "blame"):
            trigger = "rude"
    correction = bool(f & {"argue", "blame"})
    ill_informed = arch.public_correction_backfires or stim.facts_wrong
    explained = False
    if arch.petty:
        if "form_letter" in f:
            q -= 0.2
        if s.waited > 0.5:
            q -= 0.1  # a slow answer is a slight in itself
    if arch.needs_speed:
        q -= min(0.3, 0.2 * s.waited)  # late help is worth less to someone who needed it now
        if q > 0 and "solution" not in f:
            q *= 0.5  # sympathy without a fix
    if "refusal" in f and "solution" not in f:
        q -= 0.25  # rule 9: saying no without offering something else
    elif stim.unreasonable and f >= {"apology", "refusal", "solution"}:
        q += 0.1  # rule 9 kept: an honest no, with an alternative, is respected
    if ill_informed and correction:
        if stim.public:
            q -= 0.35  # corrected in front of everyone: they double down
        elif not (f & CONTEMPT):
            # The same facts, gently and in private: an explanation, not a correction.
            q = max(q + BAD["argue"], 0.15) + 0.15
            explained = True
    elif ill_informed and q > 0:
        if stim.public:
            q *= 0.7
        else:
            q += 0.15
            explained = True

    if arch.feeds_on_replies:
        # Every reply is attention; a bad one is a gift. Nothing calms them.
        s = replace(s, attention=s.attention + 0.25, anger=s.anger + (0.15 * arch.rage_rate if q < 0 else 0.03),
                    heard=s.heard + 0.05, waited=0.0, disengaged=False)
        out.trigger = trigger if trigger in ("argue", "blame", "rude") else "any"
        out.speak, out.public = True, True
        return s

    rejecting = "solution" in f and arch.fixes_to_reject > s.fixes_rejected
    if q >= 0:
        heard = 0.35 if f & {"apology", "empathy", "personalised", "question"} else 0.1
        s = replace(
            s,
            anger=s.anger - q * 0.45 * arch.calm_rate,
            trust=s.trust + q * 0.25 * arch.trust_rate,
            heard=s.heard + heard,
            resolved=s.resolved + (0.4 if "solution" in f and not rejecting else 0.0) + (0.3 if explained else 0.0),
            patience=s.patience + 0.25,
        )
    else:
        s = replace(s, anger=s.anger - q * 0.5 * arch.rage_rate, trust=s.trust + q * 0.3 * arch.trust_rate,
                    patience=s.patience - 0.1)
    s = replace(s, waited=0.0)
    if rejecting:
        s = replace(s, fixes_rejected=s.fixes_rejected + 1, anger=s.anger + 0.02)
        trigger = "offer_rejected"
    if explained and trigger in ("argue", "any", "good_reply"):
        trigger = "private"
        out.variant = "explained"

    speak_chance = arch.reply_appetite if stim.public else 0.95
    if "question" in f and q > 0:
        speak_chance = 1.0  # asked politely what they need, people answer (rule 6)
    out.speak = roll < speak_chance or q < -0.2 or contempt
    out.public = stim.public
    if kind == "private" or (kind == "reply" and "private_brushoff" in f):
        brushoff = "private_brushoff" in f or not (f & CARING or explained)
        if brushoff and (stim.first_private or arch.screenshots_dm or not stim.acknowledged):
            # "DM us" before (or instead of) listening reads as hiding the complaint (question 3).
            trigger = "brushoff"
            s = replace(s, anger=s.anger + 0.12 * arch.rage_rate * (1.5 if arch.screenshots_dm else 1.0),
                        trust=s.trust - 0.08, heard=s.heard - 0.1)
            out.screenshot = arch.screenshots_dm and kind == "private"
            out.speak, out.public = True, True
        elif kind == "private":
            if trigger in ("any", "good_reply"):
                trigger = "private"
            if q > 0:
                bonus = (0.1 if stim.acknowledged else 0.05) * arch.private_factor
                s = replace(s, anger=s.anger - bonus, heard=s.heard + 0.1 * arch.private_factor)
                if arch.private_factor < 1.0:
                    # Part of the good a private move does is that others see it: here, nobody does.
                    s = replace(s, anger=s.anger + q * 0.45 * arch.calm_rate * (1.0 - arch.private_factor))
            out.public = arch.screenshots_dm and roll < 0.3  # the grandstander tells the crowd anyway
            if not out.public:
                out.speak = roll < 0.95 or q < -0.2
    if kind == "follow_up":
        if q >= 0 and s.resolved >= 0.55:
            trigger = "follow_up"
            if f & {"personalised", "thanks"} and (arch.delights_easily or s.resolved >= 0.8):
                s = replace(s, delighted=True, trust=s.trust + 0.1 * arch.trust_rate)
        out.speak = roll < 0.5 or q < -0.2
    if arch.delights_easily and q > 0.3 and f & {"personalised", "question"} and s.resolved >= 0.5:
        s = replace(s, delighted=True)
    if stim.repeated and trigger in ("any", "good_reply", "apology", "question", "form_letter", "solution", "private"):
        trigger = "repeated"
        out.speak = True
    out.trigger = trigger
    return _limit(arch, s, out)


def _on_offer(arch: Archetype, s: PersonaState, stim: Stimulus, roll: float, out: _Out) -> PersonaState:
    out.public = stim.public
    out.speak = True
    s = replace(s, waited=0.0)
    if arch.never_satisfied:
        # They take it and ask for more: a freebie is more attention.
        out.trigger = "offer_rejected"
        return replace(s, attention=s.attention + 0.15, resolved=s.resolved + 0.1)
    if arch.fixes_to_reject > s.fixes_rejected:
        out.trigger = "offer_rejected"
        return replace(s, fixes_rejected=s.fixes_rejected + 1, anger=s.anger + 0.03, heard=s.heard + 0.05)
    wants_met = bool(set(stim.satisfies))
    generous = stim.fair <= 0 or stim.value >= stim.fair * 0.8
    if stim.remedy_kind == "refer_competitor":
        # Rhett Butler: an honest "we're not the right fit, they are" wins trust for life.
        out.trigger = "offer_accepted"
        return replace(s, resolved=s.resolved + 0.6, trust=s.trust + 0.3 * arch.trust_rate,
                       anger=s.anger - 0.3 * arch.calm_rate, heard=s.heard + 0.2)
    if wants_met or generous:
        gain = 0.6 if (wants_met and generous) else 0.3
        calm = 0.25 * arch.calm_rate
        if arch.needs_speed and "fix" not in stim.satisfies and "fix" not in stim.remedy_satisfies:
            gain, calm = gain * 0.5, calm * 0.5  # money is no use to someone who needs it working today
        s = replace(s, resolved=s.resolved + gain, anger=s.anger - calm, trust=s.trust + 0.2 * arch.trust_rate,
                    heard=s.heard + 0.15)
        surprise = "delight" in stim.remedy_satisfies or (stim.fair > 0 and stim.value >= stim.fair * 1.5)
        if surprise or (arch.delights_easily and stim.remedy_kind == "gift"):
            s = replace(s, delighted=True, trust=s.trust + 0.1 * arch.trust_rate, anger=s.anger - 0.1)
        out.trigger = "offer_accepted"
        return s
    out.trigger = "offer_rejected"
    return replace(s, anger=s.anger + 0.05 * arch.rage_rate, resolved=s.resolved + 0.1)


def _on_hide(arch: Archetype, s: PersonaState, stim: Stimulus, roll: float, out: _Out) -> PersonaState:
    out.trigger = "hidden"
    if arch.profane and stim.guidelines and stim.explained:
        # Nationwide's experience (seed 003): none re-posted; many apologised and talked civilly.
        out.speak, out.public, out.variant = roll < 0.6, False, "accepted"
        return replace(s, anger=s.anger - 0.15, attention=s.attention - 0.4, trust=s.trust + 0.05)
    if not stim.own_post:
        out.speak, out.public = roll < 0.5, True
        return replace(s, anger=s.anger + 0.08 * arch.rage_rate, trust=s.trust - 0.05)
    if arch.profane and stim.guidelines:
        # The rules were posted, but nobody told them: resentment, not a scandal.
        out.speak, out.public = True, True
        return replace(s, anger=s.anger + 0.1 * arch.rage_rate, trust=s.trust - 0.05)
    bump = 0.3 if not stim.guidelines else 0.2
    s = replace(s, anger=s.anger + bump * arch.rage_rate, trust=s.trust - 0.2, attention=s.attention + 0.2)
    out.speak, out.public, out.backlash = True, True, True
    out.blog = arch.blogs_when_ignored
    return _limit(arch, s, out)


def _on_walk_away(arch: Archetype, s: PersonaState, stim: Stimulus, roll: float, out: _Out) -> PersonaState:
    out.trigger, out.public = "walked_away", True
    graceful = not (stim.features & HOSTILE)
    if (arch.feeds_on_replies or arch.profane) and graceful:
        # Nothing left to fight: they lose interest. Walking away was the right call.
        out.speak = roll < 0.35
        return replace(s, attention=s.attention - 0.6, disengaged=True, anger=s.anger - 0.05)
    if arch.feeds_on_replies:
        out.speak = True  # a parting shot is one more thing to screenshot
        return replace(s, attention=s.attention + 0.2, anger=s.anger + 0.1)
    if graceful and s.resolved >= 0.55 and s.anger < 0.3:
        # Closing a conversation that is already settled, politely, is not abandoning anyone
        # (seed 003's vendor: "here's how we're dealing with it; reach me any time").
        out.speak = roll < 0.3
        return replace(s, attention=s.attention - 0.3)
    out.speak = True
    out.blog = arch.blogs_when_ignored
    return replace(s, anger=s.anger + 0.2 * arch.rage_rate, trust=s.trust - 0.25, left=True)


def _on_silence(arch: Archetype, s: PersonaState, stim: Stimulus, roll: float, out: _Out) -> PersonaState:
    hours = max(0.0, stim.value)
    if arch.feeds_on_replies:
        s = replace(s, attention=s.attention - hours * 0.3)  # nobody is biting
    if s.left or s.disengaged:
        return s
    s = replace(s, waited=s.waited + hours,
                patience=s.patience - hours * arch.patience_decay * (1.3 if arch.petty else 1.0))
    if s.patience > 0.0:
        return s
    if arch.feeds_on_replies and s.attention < 0.2:
        return replace(s, disengaged=True)  # nobody bit: they move on to someone else
    strikes = s.strikes + 1
    s = replace(s, strikes=strikes, anger=s.anger + 0.15 * arch.rage_rate, trust=s.trust - 0.1, patience=0.35)
    out.speak, out.public = True, True
    if strikes >= arch.strikes_to_leave and arch.feeds_on_replies:
        out.trigger = "ignored"  # one last jab, then off to bother someone else
        return replace(s, disengaged=True)
    if strikes >= arch.strikes_to_leave:
        out.trigger, out.leaving = "leaving", True
        out.blog = arch.blogs_when_ignored
        return replace(s, left=True)
    out.trigger = "ignored"
    out.blog = arch.blogs_when_ignored  # the vengeful do not wait to be ignored twice
    return s


def _on_promise_broken(arch: Archetype, s: PersonaState, stim: Stimulus, roll: float, out: _Out) -> PersonaState:
    out.trigger, out.speak, out.public = "promise_broken", True, True
    out.blog = arch.blogs_when_ignored
    s = replace(s, anger=s.anger + 0.25 * arch.rage_rate, trust=s.trust - 0.2 * max(1.0, arch.trust_rate),
                patience=s.patience - 0.2)
    return _limit(arch, s, out)


def _on_promise_kept(arch: Archetype, s: PersonaState, stim: Stimulus, roll: float, out: _Out) -> PersonaState:
    out.trigger, out.speak, out.public = "promise_kept", False, False
    return replace(s, trust=s.trust + 0.15 * arch.trust_rate, anger=s.anger - 0.1, resolved=s.resolved + 0.1)


def _on_pile_on(arch: Archetype, s: PersonaState, stim: Stimulus, roll: float, out: _Out) -> PersonaState:
    out.trigger, out.public = "pile_on", True
    if s.left or s.disengaged:
        return s
    if s.resolved >= 0.55 and s.anger < 0.3 and not arch.feeds_on_replies:
        return s  # their problem is solved: a crowd elsewhere is no longer their fight
    out.speak = roll < 0.5 + arch.pile_on_boost
    return replace(s, anger=s.anger + arch.pile_on_boost * 0.5, attention=s.attention + arch.pile_on_boost)


def _on_escalated(arch: Archetype, s: PersonaState, stim: Stimulus, roll: float, out: _Out) -> PersonaState:
    out.trigger = "escalated"
    return replace(s, patience=s.patience + (0.1 if arch.needs_speed else 0.15), heard=s.heard + 0.05)


_HANDLERS = {
    "reply": _on_message,
    "private": _on_message,
    "follow_up": _on_message,
    "offer": _on_offer,
    "hide": _on_hide,
    "walk_away": _on_walk_away,
    "silence": _on_silence,
    "promise_broken": _on_promise_broken,
    "promise_kept": _on_promise_kept,
    "pile_on": _on_pile_on,
    "escalated": _on_escalated,
}


def _valence(s: PersonaState, arch: Archetype) -> float:
    """How the customer's next post leans: anger pulls it down, being resolved and trust lift it."""
    v = 0.9 * (s.resolved * 0.6 + s.trust * 0.4) - s.anger
    if s.delighted:
        v += 0.2
    if arch.feeds_on_replies:
        v = min(v, -0.3)
    return float(max(-1.0, min(1.0, round(v, 4))))


def arousal_of(s: PersonaState, arch: Archetype) -> float:
    """How heated their public post is (drives its spread): anger, their volume, their appetite."""
    base = max(0.1, s.anger)
    if arch.feeds_on_replies:
        base = max(base, 0.4 + 0.5 * s.attention)
    return float(min(1.0, round(base * arch.volume, 4)))


# Built-in lines, so a scenario with few lines still plays. Keyed by trigger (or "trigger:variant"),
# then mood band or "any"; a tuple holds variants said in turn.
LineText = str | tuple[str, ...]
FALLBACK: dict[str, dict[str, LineText]] = {
    "opening": {"any": "This is not OK."},
    "good_reply": {"calm": "Thanks, appreciate it.", "annoyed": "OK. Thanks for answering, I guess.", "angry": "Fine. Words are cheap though.", "furious": "We'll see."},
    "apology": {"calm": "Thanks for the apology, that helps.", "annoyed": "Appreciate the apology. Now what?", "angry": "Sorry doesn't fix it.", "furious": "Your 'sorry' means nothing."},
    "question": {"calm": "Sure, here are the details.", "annoyed": "Fine, here's what happened.", "angry": "Why do I have to explain this again?", "furious": "Stop asking and fix it."},
    "solution": {"calm": "That works, thank you!", "annoyed": "OK, that would actually help.", "angry": "About time.", "furious": "Too little, too late."},
    "argue": {"calm": "Wow, are you really arguing with me?", "annoyed": "Are you seriously telling me I'm wrong?", "angry": "Unbelievable. The brand is arguing with its customers.", "furious": "Everyone look at how this company talks to customers."},
    "blame": {"any": "So it's MY fault now? Great customer service."},
    "rude": {"any": "Did your social media team really just say that? Screenshot taken."},
    "form_letter": {"calm": "That reads like a form letter.", "annoyed": "Copy-paste reply. Did anyone actually read my post?", "angry": "A bot could have written that.", "furious": "Don't send me your template."},
    "non_apology": {"any": "'Sorry you feel that way' is not an apology."},
    "repeated": {"calm": "You said that already.", "annoyed": "You already said that. Anything new?", "angry": ("Copy, paste, repeat. Is anyone actually reading this?", "Same words again. Do you have anything else?"), "furious": ("Stop repeating yourself and fix it.", "Saying it louder won't fix it either.")},
    "private": {"any": "OK, sent you a DM."},
    "private:explained": {"calm": "Oh, I didn't know that. Thanks for explaining it, that makes sense.", "annoyed": "Huh. OK, I didn't know that. Thanks.", "angry": "Fine. Nobody told me that before.", "furious": "Whatever. Should have been clearer."},
    "brushoff": {"any": "'DM us' — so you can hide this from everyone? No."},
    "offer_accepted": {"calm": "That's really generous, thank you!", "annoyed": "OK, that's fair. Thanks.", "angry": "Fine. I'll take it.", "furious": "Whatever."},
    "offer_rejected": {"any": "That's not what I asked for."},
    "ignored": {"calm": ("Still waiting for an answer...", "Anyone? Still hoping for a reply."),
                "annoyed": ("Hello? Anyone there?", "Still nothing. Do you read your mentions?"),
                "angry": ("Still no reply. Says it all.", "Hours now. Not a word. Noted."),
                "furious": ("Hours and not a word. Never shopping here again.", "Still ignoring me. Everyone, take note.")},
    "leaving": {"any": "Frankly, my dear, I don't give a damn anymore. Taking my business elsewhere."},
    "promise_broken": {"any": "You said you'd get back to me. You didn't."},
    "promise_kept": {"any": "Thanks for following up like you said."},
    "hidden": {"any": "They deleted my post! Censorship much?"},
    "hidden:accepted": {"any": "Fair enough. I lost my temper. Can we start again?"},
    "walked_away": {"calm": "OK then.", "annoyed": "Fine, be that way.", "angry": "Typical. They just stopped answering.", "furious": "Frankly, I don't give a damn anymore. Done with them."},
    "follow_up": {"any": "Appreciate the update."},
    "resolved": {"any": "All sorted now. Thanks!"},
    "pile_on": {"any": ("See? I'm not the only one.", "Look at all these replies. It's not just me.",
                        "Told you. Everyone's having the same problem.")},
    "escalated": {"any": "OK, waiting."},
    "any": {"calm": "OK.", "annoyed": "Hmm.", "angry": "Not good enough.", "furious": "Unbelievable."},
}

# Each archetype's own voice where it differs from the reasonable customer's.
VOICES: dict[str, dict[str, dict[str, LineText]]] = {
    "annoying": {
        "ignored": {"any": ("Bumping this. Still waiting. Hello??", "Bump. Again. Did anyone see this?",
                            "Third time asking. Is anybody there??")},
        "good_reply": {"any": "OK thanks. Also, one more thing while I have you..."},
        "apology": {"any": "OK, thanks. But also, while we're at it, the other thing I mentioned..."},
        "solution": {"calm": "Great, thanks! Oh, and one more question...", "any": "OK. And what about the other issue?"},
        "pile_on": {"any": "SEE. Told you all. Told them too. Three times."},
    },
    "abusive": {
        "opening": {"any": "You f***ing clowns ruined my order AGAIN."},
        "any": {"calm": "Yeah. OK.", "annoyed": "Whatever, idiots.", "angry": "You people are f***ing useless.", "furious": "Bunch of f***ing clowns."},
        "apology": {"calm": "OK. Fine. Thanks.", "any": "Sorry doesn't cut it, morons."},
        "argue": {"any": "Don't you dare tell me I'm wrong, you clowns."},
        "blame": {"any": "MY fault?? Are you f***ing kidding me?"},
        "rude": {"any": "Oh you want to go? Screenshotted, you absolute clowns."},
        "ignored": {"any": "Hiding from me now, cowards?"},
        "hidden": {"any": "DELETED my post?! Censoring customers now, you f***ing cowards?"},
        "hidden:accepted": {"any": "...Fine. I was out of line. Still need my order sorted though."},
        "walked_away": {"any": "Yeah, run away."},
        "offer_rejected": {"any": "Shove it."},
        "leaving": {"any": "Frankly I don't give a damn anymore. Done with you clowns."},
    },
    "stubborn": {
        "offer_rejected": {"any": "No. That doesn't solve anything. Try again."},
        "solution": {"any": "That's not going to work for me."},
        "offer_accepted": {"any": "...Fine. That actually works. Thank you."},
    },
    "petty": {
        "form_letter": {"any": "A copy-paste reply. You couldn't even be bothered to use my name."},
        "good_reply": {"any": "Took you long enough."},
        "ignored": {"any": "Noted: still no reply. I'm keeping count."},
        "offer_accepted": {"any": "Fine. And I'll remember how long that took."},
    },
    "grandstander": {
        "any": {"calm": "Everyone watching: they answered. Let's see if it's real.", "annoyed": "Still waiting, and so are all of you.",
                "angry": "RT if you've had this from them too.", "furious": "Everybody needs to see how this company treats people."},
        "brushoff": {"any": "They want me to 'DM them' so nobody sees this. Here's what they sent me. RT."},
        "private": {"any": "They've moved me to DMs. I'll let you all know what happens."},
        "pile_on": {"any": ("Hundreds of you agree. Keep sharing!", "This is what happens when enough of us speak up. Keep going.",
                            "Every share counts. They can't ignore all of us.")},
        "offer_accepted": {"any": "Update for everyone following: they made it right. Thank you all for the support."},
        "ignored": {"any": "Day one and still silence. Keep sharing, folks."},
    },
    "desperate": {
        "apology": {"any": "I don't need sorry, I need it fixed. Today. Please."},
        "question": {"any": "Yes, anything, here are the details, please hurry."},
        "solution": {"any": "Thank you, thank you. That's exactly what I needed."},
        "ignored": {"any": "Please, anyone? I really need help with this right now."},
        "leaving": {"any": "Forget it. I don't give a damn anymore, I'll get it somewhere that answers."},
    },
    "vengeful": {
        "ignored": {"any": ("Fine. Ignore me. You'll be reading about this.",
                            "Still ignoring me? Good. Makes the write-up easier.")},
        "hidden": {"any": "Deleting my post won't make this go away. Writing it all up now."},
        "walked_away": {"any": "Walk away then. My blog readers will hear all about it."},
        "promise_broken": {"any": "Another broken promise. That's going in the write-up."},
    },
    "jerk_for_sport": {
        "opening": {"any": "lol imagine paying for this garbage"},
        "any": {"any": "lol keep typing, this is great content"},
        "argue": {"any": "Oh we're doing this? Popcorn time. Everyone get in here."},
        "blame": {"any": "My fault? LOL. Tell me more, brand account."},
        "rude": {"any": "HAHA the brand account lost it. Screenshot for posterity."},
        "offer_rejected": {"any": "A coupon? That's it? lol. Try harder."},
        "walked_away": {"any": "Aww, leaving already? Boring."},
        "ignored": {"any": "Silence. Figures. Nobody home?"},
        "pile_on": {"any": "Look at all these people agreeing with me lmao"},
        "hidden": {"any": "Deleted my post lol. Censorship speedrun."},
    },
    "ill_informed": {
        "argue": {"any": "I KNOW what your policy says. Don't lecture me in public."},
        "blame": {"any": "So I'm stupid now? Nice way to talk to customers in front of everyone."},
        "private:explained": {"any": "Oh! I honestly didn't know that. Thank you for explaining it nicely."},
    },
    "loyal_fan": {
        "opening": {"any": "Could really use a coffee right now... wish you delivered!"},
        "good_reply": {"any": "Aw, you guys are the best."},
        "question": {"any": "Ha, it's the office on 5th Street! Why do you ask? 👀"},
        "offer_accepted": {"any": "No way, you actually did it! Best coffee people ever. Telling everyone."},
        "form_letter": {"any": "Oh. That's a bit of a form reply. Thought you knew me better!"},
        "ignored": {"any": "Guess nobody's listening today. Oh well."},
        "follow_up": {"any": "This is why I keep coming back. Thank you!"},
    },
}


def fallback_line(trigger: str, mood: str, archetype: str = "reasonable", variant: str = "", n: int = 0) -> str:
    """A built-in line in the archetype's own voice, so a scenario with few lines still plays."""
    keys = ([f"{trigger}:{variant}"] if variant else []) + [trigger]
    if trigger not in FALLBACK:
        keys.append("any")
    voice = VOICES.get(archetype, {})
    for key in keys:
        for table_set in (voice, FALLBACK):
            table = table_set.get(key)
            line = table and (table.get(mood) or table.get("any"))
            if line:
                return _nth(line, n)
    table = FALLBACK["any"]
    return _nth(table.get(mood) or table["calm"], n)


def broken_promise_line(promise: str, built_in: str = "", archetype: str = "reasonable") -> str:
    """The customer quotes the promise that was broken back at the brand.

    `built_in` is the archetype's own line when no authored one was used; its last sentence
    ("That's going in the write-up.") keeps their voice after the quote.
    """
    quote = " ".join(promise.split())
    parts = [p for p in re.split(r"(?<=[.!?;])\s+", quote) if p]
    pledges = [p for p in parts if re.search(r"\b(?:I|we)(?:'ll| will| shall)\b", p, re.IGNORECASE)]
    quote = (pledges or parts or [quote])[-1]  # the sentence that pledged, not the greeting before it
    if len(quote) > 120:
        quote = quote[:119].rstrip() + "\u2026"
    tail = "Nothing since."
    voice = VOICES.get(archetype, {}).get("promise_broken", {}).get("any")
    if isinstance(voice, str) and ". " in voice:
        tail = voice.split(". ", 1)[1]
    elif built_in and built_in != FALLBACK["promise_broken"]["any"] and ". " in built_in:
        tail = built_in.split(". ", 1)[1]
    return f"You said \u201c{quote}\u201d {tail}"


def _nth(line: str | tuple[str, ...], n: int) -> str:
    """One of a line's variants, so a customer repeating themselves does not repeat word for word."""
    return line if isinstance(line, str) else line[n % len(line)]


def pick_line(lines, trigger: str, mood: str, env: Mapping, used: set, rng: np.random.Generator):
    """The authored line that fits best (trigger and mood, then trigger, then 'any'), or None.

    Lines are storylets: each may carry a `when:` condition read against the session's names, and a
    `once` line is never said twice. A line for "any" trigger only stands in for reactions to what
    the brand did, never for the opening or the customer's departure.
    """
    tiers = (
        lambda ln: ln.trigger == trigger and ln.mood == mood,
        lambda ln: ln.trigger == trigger and ln.mood == "any",
        lambda ln: ln.trigger == "any" and ln.mood == mood and trigger not in ("opening", "leaving"),
        lambda ln: ln.trigger == "any" and ln.mood == "any" and trigger in ("any", "good_reply"),
    )
    for tier in tiers:
        pool = [
            ln for ln in lines
            if tier(ln) and not (ln.once and ln.id in used) and (ln.when is None or ln.when(env))
        ]
        if pool:
            return pool[int(rng.integers(len(pool)))] if len(pool) > 1 else pool[0]
    return None
