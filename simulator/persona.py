"""The customer: who they are, how they feel, and how they react to what the brand does.

The archetypes are the seeds' cast (seed 003: "the annoying, the abusive, the stubborn, the petty,
the grandstander, the desperate, the vengeful", the jerk for sport and the well-meaning but
ill-informed), each a parameter set plus a few behaviours that teach a lesson: arguing with a jerk
for sport feeds them; correcting the ill-informed in public backfires while a gentle private
explanation works; a grandstander screenshots a brush-off DM; the desperate run out of patience
fast; the vengeful take it to a blog when ignored. State moves with the analysed reply, the time
since the brand last answered, what the audience is doing and promises kept or broken.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .vocab import MOODS


@dataclass(frozen=True)
class Archetype:
    """How one kind of customer reacts. Rates are per event; patience decay is per hour of silence."""

    name: str
    calm_rate: float = 1.0  # how much a good reply lowers anger
    rage_rate: float = 1.0  # how much a bad reply raises anger
    trust_rate: float = 1.0
    patience_decay: float = 0.35  # patience lost per hour without an answer
    reply_appetite: float = 0.6  # chance they answer a brand reply publicly
    fixes_to_reject: int = 0  # the stubborn reject the first fixes offered
    trust_cap: float = 1.0  # the jerk for sport never becomes a fan
    feeds_on_replies: bool = False  # every reply feeds the jerk for sport
    public_correction_backfires: bool = False  # the well-meaning but ill-informed
    screenshots_dm: bool = False  # the grandstander plays to the audience
    blogs_when_ignored: bool = False  # the vengeful
    profane: bool = False  # the abusive
    pile_on_boost: float = 0.1  # how much a growing crowd emboldens them
    petty: bool = False  # small slights weigh more (form letters, slow replies)
    description: str = ""


ARCHETYPES: dict[str, Archetype] = {
    a.name: a
    for a in (
        Archetype("reasonable", description="Most people: wants to be heard and to have it fixed."),
        Archetype("annoying", reply_appetite=0.9, patience_decay=0.45, calm_rate=0.8,
                  description="Posts a lot and repeats themselves; calms slowly but does calm."),
        Archetype("abusive", rage_rate=1.2, calm_rate=0.6, profane=True, reply_appetite=0.8,
                  description="Profane and personal. Hiding the post is right when guidelines are posted and they are told why."),
        Archetype("stubborn", fixes_to_reject=2, calm_rate=0.8,
                  description="Rejects the first two fixes, then accepts a good one."),
        Archetype("petty", petty=True, rage_rate=1.3, trust_rate=0.8,
                  description="Small slights weigh heavily: form letters and slow answers sting."),
        Archetype("grandstander", screenshots_dm=True, reply_appetite=0.9, pile_on_boost=0.25,
                  description="Plays to the audience; a brush-off DM ends up as a public screenshot."),
        Archetype("desperate", patience_decay=1.2, calm_rate=1.2,
                  description="Needs it fixed now: patience runs out fast; speed and a real fix matter most."),
        Archetype("vengeful", blogs_when_ignored=True, rage_rate=1.2, trust_rate=0.7,
                  description="When ignored or slighted, takes it to a blog."),
        Archetype("jerk_for_sport", feeds_on_replies=True, trust_cap=0.35, calm_rate=0.1, reply_appetite=1.0,
                  pile_on_boost=0.3, description="Never satisfied; every reply feeds them. Walking away is right."),
        Archetype("ill_informed", public_correction_backfires=True, rage_rate=1.3,
                  description="Has the facts wrong; a public correction backfires, a gentle private explanation works."),
        Archetype("loyal_fan", calm_rate=1.5, trust_rate=1.5, patience_decay=0.15, reply_appetite=0.8,
                  description="Already likes you; a small surprise makes a raving fan."),
    )
}


@dataclass(frozen=True)
class PersonaState:
    anger: float
    trust: float
    patience: float
    heard: float = 0.0  # 0..1: do they feel listened to
    resolved: float = 0.0  # 0..1: is what they want taken care of
    fixes_rejected: int = 0
    attention: float = 0.5  # 0..1: how engaged they are (the jerk for sport feeds on it)
    went_public_elsewhere: bool = False  # took it to a blog or rallied a mob
    left: bool = False  # stopped talking ("Frankly, my dear, I don't give a damn")

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
        )


def mood_of(anger: float) -> str:
    if anger < 0.25:
        return MOODS[0]
    if anger < 0.5:
        return MOODS[1]
    if anger < 0.75:
        return MOODS[2]
    return MOODS[3]


def outcome_of(state: PersonaState, archetype: Archetype) -> str:
    """Where the relationship stands: raving fan, satisfied, neutral, churned or hostile."""
    if state.went_public_elsewhere or state.anger >= 0.8:
        return "hostile"
    if (
        state.resolved >= 0.8
        and state.trust >= 0.75
        and state.anger <= 0.15
        and archetype.trust_cap >= 0.75
    ):
        return "raving_fan"
    if (state.resolved >= 0.55 or (state.heard >= 0.7 and state.resolved >= 0.3)) and state.anger <= 0.4:
        return "satisfied"
    if state.left or state.trust <= 0.15 or (state.patience <= 0.0 and state.anger >= 0.5):
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
    satisfies: tuple = ()  # wants a remedy answers
    acknowledged: bool = False  # the brand had already acknowledged them in public
    guidelines: bool = False
    explained: bool = False
    first_private: bool = False


@dataclass(frozen=True)
class Reaction:
    state: PersonaState
    trigger: str  # picks the authored line (vocab.TRIGGERS)
    speak: bool  # do they post something now
    public: bool  # in public or in the private channel
    valence: float  # how their post leans: -1 against the brand .. 1 for it
    screenshot: bool = False  # they post a screenshot of the brand's words
    blog: bool = False  # they take it to a blog
    backlash: bool = False  # a deletion they noticed


GOOD = {"apology": 0.22, "empathy": 0.2, "thanks": 0.05, "question": 0.12, "solution": 0.28, "personalised": 0.1, "promise": 0.04}
BAD = {"argue": 0.35, "blame": 0.45, "sarcasm": 0.55, "insult": 0.8, "profanity": 0.6, "shouting": 0.25, "form_letter": 0.15, "non_apology": 0.25}


def quality(features) -> float:
    """-1..1: how a reply lands with a customer, from its features (not its sentiment)."""
    good = sum(w for f, w in GOOD.items() if f in features)
    bad = sum(w for f, w in BAD.items() if f in features)
    return float(max(-1.0, min(1.0, good - bad)))


def _trigger_for_reply(features, q: float) -> str:
    for f, trig in (("insult", "rude"), ("sarcasm", "rude"), ("profanity", "rude"), ("blame", "blame"), ("argue", "argue"),
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


def react(arch: Archetype, s: PersonaState, stim: Stimulus, rng: np.random.Generator) -> Reaction:
    """The customer's new state and what they do about it. Deterministic given the rng."""
    f = stim.features
    roll = float(rng.random())
    trigger, speak, public, screenshot, blog, backlash = "any", False, stim.public, False, False, False
    kind = stim.kind

    if kind in ("reply", "private", "follow_up"):
        q = quality(f)
        if arch.petty and "form_letter" in f:
            q -= 0.2
        corrected_in_public = arch.public_correction_backfires and stim.public and ("argue" in f or "blame" in f)
        gentle_private = arch.public_correction_backfires and not stim.public and q > 0
        if corrected_in_public:
            q -= 0.35
        if gentle_private:
            q += 0.2
        if arch.feeds_on_replies:
            # Every reply is attention; a bad one is a gift.
            s = replace(s, attention=s.attention + 0.2, anger=s.anger + (0.15 if q < 0 else 0.02),
                        heard=s.heard + 0.05)
        elif q >= 0:
            s = replace(
                s,
                anger=s.anger - q * 0.45 * arch.calm_rate,
                trust=s.trust + q * 0.25 * arch.trust_rate,
                heard=s.heard + (0.35 if f & {"apology", "empathy", "personalised", "question"} else 0.1),
                resolved=s.resolved + (0.4 if "solution" in f else 0.0),
                patience=s.patience + 0.25,
            )
        else:
            s = replace(s, anger=s.anger - q * 0.5 * arch.rage_rate, trust=s.trust + q * 0.3, patience=s.patience - 0.1)
        trigger = _trigger_for_reply(f, q)
        if kind == "private":
            if stim.first_private:
                brushoff = not (f & {"apology", "empathy", "solution", "question", "personalised"})
                if brushoff:
                    trigger = "brushoff"
                    s = replace(s, anger=s.anger + 0.12 * arch.rage_rate, trust=s.trust - 0.08)
                    screenshot = arch.screenshots_dm
                else:
                    trigger = "private" if trigger in ("any", "good_reply") else trigger
                    bonus = 0.04 if arch.screenshots_dm else (0.1 if stim.acknowledged else 0.05)
                    s = replace(s, anger=s.anger - bonus, heard=s.heard + 0.1)
            public = False
        speak = roll < (arch.reply_appetite if stim.public else 0.95) or q < -0.2
        if arch.feeds_on_replies:
            speak = True
            public = True
        if kind == "follow_up":
            trigger = "follow_up"
            speak = roll < 0.5
    elif kind == "offer":
        wants_met = bool(set(stim.satisfies))
        generous = stim.fair <= 0 or stim.value >= stim.fair * 0.8
        if arch.fixes_to_reject > s.fixes_rejected:
            s = replace(s, fixes_rejected=s.fixes_rejected + 1, anger=s.anger + 0.03)
            trigger, speak = "offer_rejected", True
        elif arch.feeds_on_replies:
            s = replace(s, attention=s.attention + 0.1)
            trigger, speak = "offer_rejected", True
        elif wants_met or generous:
            gain = 0.5 if (wants_met and generous) else 0.3
            s = replace(s, resolved=s.resolved + gain, anger=s.anger - 0.25 * arch.calm_rate, trust=s.trust + 0.2 * arch.trust_rate,
                        heard=s.heard + 0.15)
            trigger, speak = "offer_accepted", True
        else:
            s = replace(s, anger=s.anger + 0.05, resolved=s.resolved + 0.1)
            trigger, speak = "offer_rejected", True
        public = stim.public
    elif kind == "hide":
        if arch.profane and stim.guidelines and stim.explained:
            s = replace(s, anger=s.anger - 0.1, attention=s.attention - 0.3)
            trigger, speak, public = "hidden", roll < 0.5, False
        else:
            bump = 0.3 if not stim.guidelines else 0.15
            s = replace(s, anger=s.anger + bump, trust=s.trust - 0.2)
            trigger, speak, public, backlash = "hidden", True, True, True
            blog = arch.blogs_when_ignored and s.anger > 0.7
    elif kind == "walk_away":
        if arch.feeds_on_replies or arch.profane:
            s = replace(s, attention=s.attention - 0.6, left=True)
            trigger, speak = "walked_away", roll < 0.35
        else:
            s = replace(s, anger=s.anger + 0.2 * arch.rage_rate, trust=s.trust - 0.25, left=True)
            trigger, speak = "walked_away", True
            blog = arch.blogs_when_ignored
        public = True
    elif kind == "silence":
        hours = stim.value
        s = replace(s, patience=s.patience - hours * arch.patience_decay * (1.3 if arch.petty else 1.0))
        if s.patience <= 0.0:
            s = replace(s, anger=s.anger + 0.2 * arch.rage_rate, trust=s.trust - 0.1, patience=0.35)
            trigger, speak, public = "ignored", not s.left, True
            if arch.blogs_when_ignored and s.anger >= 0.6:
                blog = True
        if arch.feeds_on_replies and not s.left:
            s = replace(s, attention=s.attention - hours * 0.3)
    elif kind == "promise_broken":
        s = replace(s, anger=s.anger + 0.25 * arch.rage_rate, trust=s.trust - 0.2)
        trigger, speak, public = "promise_broken", True, True
        blog = arch.blogs_when_ignored
    elif kind == "promise_kept":
        s = replace(s, trust=s.trust + 0.15 * arch.trust_rate, anger=s.anger - 0.1, resolved=s.resolved + 0.1)
        trigger, speak, public = "promise_kept", False, False
    elif kind == "pile_on":
        s = replace(s, anger=s.anger + arch.pile_on_boost * 0.5, attention=s.attention + arch.pile_on_boost)
        trigger = "pile_on"
        speak = not s.left and roll < 0.5 + arch.pile_on_boost
        public = True
    elif kind == "escalated":
        trigger = "escalated"

    s = s.clamp(arch.trust_cap)
    if blog:
        s = replace(s, went_public_elsewhere=True)
    valence = _valence(s, arch)
    if s.left and kind not in ("walk_away",) and trigger != "ignored":
        speak = speak and kind in ("reply", "private", "offer")
    return Reaction(s, trigger, speak, public, valence, screenshot, blog, backlash)


def _valence(s: PersonaState, arch: Archetype) -> float:
    """How the customer's next post leans: anger pulls it down, being resolved and trust lift it."""
    v = 0.9 * (s.resolved * 0.6 + s.trust * 0.4) - s.anger
    if arch.feeds_on_replies:
        v = min(v, -0.3)
    return float(max(-1.0, min(1.0, round(v, 4))))


# Built-in lines, so a scenario with few lines still plays. Keyed by trigger, then mood band.
FALLBACK: dict[str, dict[str, str]] = {
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
    "private": {"any": "OK, sent you a DM."},
    "brushoff": {"any": "'DM us' — so you can hide this from everyone? No."},
    "offer_accepted": {"calm": "That's really generous, thank you!", "annoyed": "OK, that's fair. Thanks.", "angry": "Fine. I'll take it.", "furious": "Whatever."},
    "offer_rejected": {"any": "That's not what I asked for."},
    "ignored": {"calm": "Still waiting for an answer...", "annoyed": "Hello? Anyone there?", "angry": "Still no reply. Says it all.", "furious": "Hours and not a word. Never shopping here again."},
    "promise_broken": {"any": "You said you'd get back to me. You didn't."},
    "promise_kept": {"any": "Thanks for following up like you said."},
    "hidden": {"any": "They deleted my post! Censorship much?"},
    "walked_away": {"calm": "OK then.", "annoyed": "Fine, be that way.", "angry": "Typical. They just stopped answering.", "furious": "Frankly, I don't give a damn anymore. Done with them."},
    "follow_up": {"any": "Appreciate the update."},
    "resolved": {"any": "All sorted now. Thanks!"},
    "pile_on": {"any": "See? I'm not the only one."},
    "escalated": {"any": "OK, waiting."},
    "any": {"calm": "OK.", "annoyed": "Hmm.", "angry": "Not good enough.", "furious": "Unbelievable."},
}


def fallback_line(trigger: str, mood: str) -> str:
    table = FALLBACK.get(trigger) or FALLBACK["any"]
    return table.get(mood) or table.get("any") or FALLBACK["any"][mood]


def pick_line(lines, trigger: str, mood: str, env: dict, used: set, rng: np.random.Generator):
    """The authored line that fits best (trigger and mood, then trigger, then 'any'), or None."""
    tiers = (
        lambda ln: ln.trigger == trigger and ln.mood == mood,
        lambda ln: ln.trigger == trigger and ln.mood == "any",
        lambda ln: ln.trigger == "any" and ln.mood == mood and trigger not in ("opening",),
    )
    for tier in tiers:
        pool = [
            ln for ln in lines
            if tier(ln) and not (ln.once and ln.id in used) and (ln.when is None or ln.when(env))
        ]
        if pool:
            return pool[int(rng.integers(len(pool)))] if len(pool) > 1 else pool[0]
    return None
