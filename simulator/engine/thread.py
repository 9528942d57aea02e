"""The thread beyond the trainee and the customer: the brand's own voice, and named commenters.

Real incidents are rarely one customer and one agent. The owner posts at 2am from the brand's
account; an old post resurfaces; a page admin answers activists in the brand's name. Those posts
are the brand's (`from: brand` injects): the customer and the crowd react to them as to the brand,
but they are not the trainee's replies, so scoring does not charge them to the trainee; it scores
what the trainee does about them (evaluate/scoring.py). Named commenters see them like everyone
else (through the audience) but do not answer them: they were not addressed. And the thread has faces: a scenario's
`commenters:` are people with personas of their own whom the trainee can answer by name
(`reply: {to: ID or POST, text: ...}`); the crowd beyond them stays the audience model.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.engine.state import SessionError, SessionState
from simulator.format.scenario import Commenter, pick_text
from simulator.world import analysis, persona
from simulator.world.audience import followers
from simulator.world.rng import stream

HOSTILE = frozenset({"argue", "blame", "sarcasm", "insult", "profanity", "shouting"})


@dataclass(frozen=True)
class BrandPost:
    """A post by the brand's account that the trainee did not write."""

    id: str
    t: float
    inject: str
    text: str
    features: tuple[str, ...] = ()

    @property
    def hostile(self) -> bool:
        return bool(HOSTILE & set(self.features))


class ThreadPart(SessionState):
    # ------------------------------------------------------------ the brand's own voice

    def _brand_voice(self, inject, text: str) -> str:
        result = analysis.analyze(text, self._context())
        features = frozenset(f for f, v in result.features.items() if v is True)
        q = persona.quality(features)
        valence = max(-1.0, min(1.0, q * 1.3))
        arousal = min(1.0, 0.15 + sum(0.25 for f in ("argue", "blame", "sarcasm", "insult", "profanity", "shouting") if f in features))
        post_id = self._public_item("brand", "brand_voice", text, valence, arousal, key="i", author="brand_voice",
                                    seeds=(self.audience.brand_node, self.audience.customer_node), platform=inject.platform,
                                    title=self.scenario.brand.handle)
        post = BrandPost(post_id, self.t, inject.id, text, tuple(sorted(features)))
        self.brand_posts.append(post)
        self._trace("brand_voice", post=post_id, inject=inject.id, features=list(post.features), hostile=post.hostile)
        if features & {"argue", "blame", "sarcasm", "insult", "profanity"}:
            self._screenshot(text, features)
        self._react(persona.Stimulus("reply", features, public=True, acknowledged=self.acknowledged_at is not None,
                                     facts_wrong=self.scenario.persona.facts_wrong,
                                     unreasonable=self.scenario.persona.unreasonable_request, by_trainee=False))
        return post_id

    # ------------------------------------------------------------ named commenters

    def _thread_open(self) -> None:
        """Commenters who are there from the start post now; the others are scheduled."""
        for person in self.scenario.commenters:
            if person.at <= 0:
                self._commenter_post(person, person.opening, "opening", min(-0.2, 0.3 - person.anger), "opening")
            else:
                self._schedule(person.at, "commenter_opens", {"id": person.id})

    def _commenter_post(self, person: Commenter, text: str, trigger: str, valence: float, line: str = "") -> str:
        state = self.commenters[person.id]
        arch = persona.ARCHETYPES[person.archetype]
        post_id = self._public_item("audience", "commenter_post", text, valence, persona.arousal_of(state, arch),
                                    key=person.id, author=person.id, platform=person.platform, title=person.name,
                                    seeds=(self.audience.customer_node,), moral=1 if state.anger > 0.6 else 0,
                                    followers=self._followers(person))
        self._trace("line", who=person.id, trigger=trigger, mood=state.mood, line=line or "(built in)", post=post_id)
        return post_id

    def _followers(self, person: Commenter):
        """Who sees a commenter's posts besides the thread: their `reach` (own followers), a visible
        share of them, always the same people for a seed (so higher reach spreads at least as far)."""
        return followers(self.audience, person.reach, self.scenario.audience.visibility,
                         stream(self.seed, f"followers:{person.id}"))

    def _commenter_react(self, commenter_id: str, stimulus: persona.Stimulus) -> None:
        person = self.scenario.commenter(commenter_id)
        if person is None:
            return
        arch = persona.ARCHETYPES[person.archetype]
        reaction = persona.react(arch, self.commenters[person.id], stimulus, self._rng(f"commenter:{person.id}:{stimulus.kind}"))
        self.commenters[person.id] = reaction.state
        if reaction.speak:
            self._schedule(self.t + reaction.delay, "commenter_says",
                           {"id": person.id, "trigger": reaction.trigger, "valence": reaction.valence, "variant": reaction.variant})

    def _commenter_happen(self, kind: str, payload: dict) -> None:
        person = self.scenario.commenter(payload["id"])
        if person is None:
            return
        if kind == "commenter_opens":
            self._commenter_post(person, person.opening, "opening", min(-0.2, 0.3 - person.anger), "opening")
            return
        state = self.commenters[person.id]
        if state.disengaged:
            return
        env = self.env()
        said = {u.split(":", 1)[1] for u in self.used_lines if u.startswith(f"{person.id}:")}
        line = persona.pick_line(person.lines, payload["trigger"], state.mood, env, said,
                                 self._rng(f"commenter-line:{person.id}:{payload['trigger']}"))
        if line is not None:
            self.used_lines.add(f"{person.id}:{line.id}")
            text = pick_text(line.text, line.texts, env)
        else:
            text = persona.fallback_line(payload["trigger"], state.mood, person.archetype, payload.get("variant", ""), 1)
        self._commenter_post(person, text, payload["trigger"], payload["valence"], line.id if line is not None else "")

    def _addressee(self, to: str | None) -> str | None:
        """The commenter a reply is aimed at (None: the main customer); raises for a post that is not there."""
        if not to:
            return None
        if self.scenario.commenter(to) is not None:
            return to
        post = self.posts.get(to)
        if post is None:
            known = ", ".join(sorted(self.posts)) or "none yet"
            raise SessionError(f"no post or commenter '{to}' to reply to (posts so far: {known})")
        if self.scenario.commenter(post.author) is not None:
            return post.author
        if post.author == "customer":
            return None
        raise SessionError(f"post '{to}' is by {post.author}: reply to the customer's posts or a commenter's")
