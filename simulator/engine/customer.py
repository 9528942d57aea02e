"""The customer and the crowd: posts, what the customer says and does, and the ripple they start.

The persona reacts to every stimulus (a reply, an offer, silence, a pile-on) with keyed random
draws; public items go into the ripple, which spreads them through the audience.
"""

from __future__ import annotations

from dataclasses import replace

from simulator.engine import payloads as P
from simulator.engine.ledger import Post
from simulator.engine.state import SessionState
from simulator.format.scenario import pick_text
from simulator.world import persona
from simulator.world.ripple import Item

PILE_ON_STEP = 250  # negative reach growth between two "pile-on" nudges to the customer
# Reactions the customer makes in public even once the conversation has gone private.
BRAND_STIMULI = frozenset({"reply", "private", "offer", "follow_up", "walk_away", "hide"})
PUBLIC_TRIGGERS = frozenset({"brushoff", "promise_broken", "ignored", "hidden", "walked_away", "pile_on", "rude"})


class CustomerPart(SessionState):
    def _public_item(self, source, kind, text, valence, arousal, *, item_id=None, seeds=None, moral=0, author=None, key="a",
                     platform="main", title="") -> str:
        item_id = item_id or self._next_id(key)
        if seeds is None:
            seeds = (self.audience.customer_node,)
        self.ripple.post(Item(item_id, kind, source, float(valence), float(arousal), tuple(int(s) for s in seeds), self.t,
                              platform=platform, text=text, moral=int(moral)))
        if item_id not in self.posts:
            self.posts[item_id] = Post(item_id, self.t, author or source, text, True, platform, title=title)
            if source != "brand" or author == "brand_voice":
                self._emit("post", author or source, text, item_id,
                           P.PostData(item_kind=kind, platform=platform, title=title, valence=round(valence, 4)))
        return item_id

    def _customer_post(self, text: str, public: bool, valence: float, trigger: str | None) -> None:
        self.customer_posts += 1
        if public:
            arousal = persona.arousal_of(self.persona, self.archetype)
            moral = (1 if self.persona.anger > 0.6 else 0) + (1 if self.archetype.profane and self.persona.anger > 0.4 else 0)
            post_id = self._next_id("c")
            self._public_item("customer", "customer_post", text, valence, arousal, item_id=post_id,
                              seeds=(self.audience.customer_node,), moral=moral, author="customer")
            self.posts[post_id] = Post(post_id, self.t, "customer", text, True)
            self.events[-1] = replace(self.events[-1], data={**self.events[-1].data, "trigger": trigger or "opening",
                                                             "mood": self.persona.mood})
        else:
            post_id = self._next_id("m")
            self.posts[post_id] = Post(post_id, self.t, "customer", text, False)
            self._emit("private_in", "customer", text, post_id, P.PrivateInData(trigger=trigger or "", mood=self.persona.mood))
        if valence < 0.2:
            self.unanswered.append(self.t)
            self._silence_from = min(self._silence_from, self.t) if self.unanswered[1:] else self.t

    def _react(self, stimulus: persona.Stimulus) -> None:
        reaction = persona.react(self.archetype, self.persona, stimulus, self._rng(f"persona:{stimulus.kind}"))
        self.persona = reaction.state
        self._mood_check()
        if reaction.screenshot:
            last = next((r for r in reversed(self.replies) if not r.public), None)
            if last:
                self._public_item("customer", "screenshot", f"Look what {self.scenario.brand.handle} sent me: \u201c{last.text[:140]}\u201d",
                                  -0.7, 0.8, seeds=(self.audience.customer_node,), moral=1, author="customer")
        if reaction.blog and "blog:customer" not in self.fired:
            self.fired.append("blog:customer")
            delay = 30.0 + 60.0 * float(self._rng("blog").random())
            self._schedule(self.t + delay, "blog", {})
        if reaction.speak:
            if stimulus.kind in BRAND_STIMULI:
                # The customer reads everything the brand said before answering once: an answer
                # still pending to an earlier message is replaced by the answer to the newest.
                self.agenda.cancel("customer_says")
            payload = {"trigger": reaction.trigger, "public": reaction.public, "valence": reaction.valence}
            if reaction.variant:
                payload["variant"] = reaction.variant
            self._schedule(self.t + reaction.delay, "customer_says", payload)

    def _mood_check(self) -> None:
        mood = self.persona.mood
        if mood != self._mood:
            self._emit("mood", "customer", "", payload=P.MoodData(before=self._mood, to=mood, anger=round(self.persona.anger, 4)))
            self._mood = mood

    def _say(self, trigger: str, public: bool, valence: float, variant: str = "") -> None:
        if self.persona.disengaged and trigger not in ("walked_away", "hidden"):
            return  # lost interest: nothing more to say
        env = self.env()
        lines = self.scenario.persona.lines
        rng = self._rng(f"line:{trigger}")
        line = persona.pick_line(lines, trigger, self.persona.mood, env, self.used_lines, rng)
        if line is None and trigger == "leaving":
            # Authors often write the customer's last word as the furious "ignored" line.
            line = persona.pick_line(lines, "ignored", "furious", env, self.used_lines, rng)
        if line is not None:
            self.used_lines.add(line.id)
            text = pick_text(line.text, line.texts, env) if line.texts else line.text
        else:
            text = persona.fallback_line(trigger, self.persona.mood, self.archetype.name, variant, self.customer_posts)
        self._trace("line", who="customer", trigger=trigger, mood=self.persona.mood,
                    line=line.id if line is not None else "(built in: no authored line fits)")
        go_public = public and (not self.private or trigger in PUBLIC_TRIGGERS or trigger == "leaving")
        self._customer_post(text, go_public, valence, trigger)

    def _content(self) -> bool:
        """A customer whose issue is taken care of is not waiting for anything."""
        return self.persona.resolved >= 0.55 and self.persona.anger < 0.3

