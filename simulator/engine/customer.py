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
from simulator.world.judge import resemblance, similarity
from simulator.world.judge.deadline import find as find_deadline
from simulator.world.judge.text import sentences
from simulator.world.ripple import Item

NAMES_PROMISE = 0.35  # an authored broken-promise line this close to the broken promise already names it
TOLD = 0.85  # a sentence of an answer this close to something the customer already posted repeats what they told you
ALREADY = {"calm": "Like I said:", "annoyed": "As I said already:", "angry": "I already told you.", "furious": "I ALREADY told you."}
LINE_REPEATS = 2  # a built-in line is said at most this often in a session
# Reactions whose built-in lines are warm; a churned or hostile customer says them through gritted teeth.
# (Answering a question or moving to DM gives facts, not warmth: those lines stay.)
WARM = frozenset({"good_reply", "apology", "solution", "promise_kept", "follow_up", "resolved", "any", "escalated"})
PILE_ON_STEP = 250  # negative reach growth between two "pile-on" nudges to the customer
# Reactions the customer makes in public even once the conversation has gone private.
BRAND_STIMULI = frozenset({"reply", "private", "offer", "follow_up", "walk_away", "hide"})
PUBLIC_TRIGGERS = frozenset({"brushoff", "promise_broken", "ignored", "hidden", "walked_away", "pile_on", "rude"})


class CustomerPart(SessionState):
    def _public_item(self, source, kind, text, valence, arousal, *, item_id=None, seeds=None, moral=0, author=None, key="a",
                     platform="main", title="", followers=None) -> str:
        item_id = item_id or self._next_id(key)
        if seeds is None:
            seeds = (self.audience.customer_node,)
        self.ripple.post(Item(item_id, kind, source, float(valence), float(arousal), tuple(int(s) for s in seeds), self.t,
                              platform=platform, text=text, moral=int(moral)), followers=followers)
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

    def _react(self, stimulus: persona.Stimulus, about: str = "") -> None:
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
            if about and reaction.trigger == stimulus.kind:
                payload["about"] = about  # the promise a "you broke your promise" post is about
            self._schedule(self.t + reaction.delay, "customer_says", payload)

    def _mood_check(self) -> None:
        mood = self.persona.mood
        if mood != self._mood:
            self._emit("mood", "customer", "", payload=P.MoodData(before=self._mood, to=mood, anger=round(self.persona.anger, 4)))
            self._mood = mood

    def _say(self, trigger: str, public: bool, valence: float, variant: str = "", about: str = "") -> None:
        if self.persona.disengaged and trigger not in ("walked_away", "hidden"):
            return  # lost interest: nothing more to say
        env = self.env()
        lines = self.scenario.persona.lines
        mood = self.persona.mood
        if self._gone() and trigger in WARM:
            # Churned or hostile: kind words earn a grudging answer, not a cheerful one. Only a
            # remedy they accept (the story's reason to come back) warms them up.
            mood = "furious"
            lines = tuple(ln for ln in lines if ln.mood in ("angry", "furious"))
        if self._answered():
            # The brand just gave an answer: a generic line asking for one would not be listening.
            lines = tuple(ln for ln in lines if not (ln.trigger == "any" and ln.text.rstrip().endswith("?")))
        rng = self._rng(f"line:{trigger}")
        line = persona.pick_line(lines, trigger, mood, env, self.used_lines, rng)
        if line is None and trigger == "leaving":
            # Authors often write the customer's last word as the furious "ignored" line.
            line = persona.pick_line(lines, "ignored", "furious", env, self.used_lines, rng)
        if line is not None:
            self.used_lines.add(line.id)
            text = pick_text(line.text, line.texts, env) if line.texts else line.text
            if trigger == "question" and self._told_already(text):
                # Asked for what they already gave: they say so, and give it again.
                lead = text[:1].lower() + text[1:] if text[:1].isupper() and text[1:2].islower() else text
                text = f"{ALREADY.get(self.persona.mood, ALREADY['calm'])} {lead}"
        else:
            fallback = self._fallback(trigger, mood, variant)
            if fallback is None:
                self._trace("line", who="customer", trigger=trigger, mood=mood, line="(none: a built-in line said twice already; they stay quiet)")
                return
            text = fallback
        self._trace("line", who="customer", trigger=trigger, mood=mood,
                    line=line.id if line is not None else "(built in: no authored line fits)")
        promise = next((p for p in self.promises if p.id == about), None) if about else None
        if promise is not None and self._about_another(text, promise):
            # The customer complains about the promise that was broken, not the one the author imagined.
            text = persona.broken_promise_line(promise.text, text if line is None else "", self.archetype.name)
        go_public = public and (not self.private or trigger in PUBLIC_TRIGGERS or trigger == "leaving")
        self._customer_post(text, go_public, valence, trigger)

    def _fallback(self, trigger: str, mood: str, variant: str) -> str | None:
        """A built-in line, said at most twice a session: a customer who repeats the same words a
        third time reads as a machine. Other variants and neighbouring moods stand in first."""
        n = self.customer_posts
        moods = sorted(persona.MOODS, key=lambda m: abs(persona.MOODS.index(m) - persona.MOODS.index(mood)))
        candidates = [persona.fallback_line(trigger, m, self.archetype.name, variant, n + k) for m in moods for k in range(3)]
        text = next((t for t in candidates if self.line_counts.get(t, 0) < LINE_REPEATS), None)
        if text is None:
            if trigger != "leaving":
                return None  # said twice already: they have made their point and stay quiet
            text = candidates[0]
        self.line_counts[text] = self.line_counts.get(text, 0) + 1
        return text

    def _told_already(self, text: str) -> bool:
        """A sentence of this answer repeats one the customer already posted (the facts they gave)."""
        facts = [text[a:b] for a, b in sentences(text) if len(text[a:b].split()) >= 3]
        earlier = [post.text for post in self.posts.values() if post.author == "customer"]
        return any(resemblance(said, facts) >= TOLD for said in earlier) if facts else False

    def _gone(self) -> bool:
        """The customer has churned or turned hostile (left, took it elsewhere, or is furious)."""
        s = self.persona
        return s.left or s.went_public_elsewhere or self.outcome() in ("churned", "hostile")

    def _answered(self) -> bool:
        """The brand's latest message answered (a fix, a promise, a clear no) or an offer was made."""
        if self.last_action == "offer":
            return True
        last = self.replies[-1] if self.replies else None
        return last is not None and any(last.analysis.features.get(f) for f in ("solution", "promise", "refusal"))

    def _about_another(self, text: str, promise) -> bool:
        """An authored "you broke your promise" line that reads as about a different promise.

        A line naming the promise's own deadline is about it, one naming another deadline is not.
        Otherwise: with one promise made, the
        author's line is about it; with several, it must be closer to the broken one than to any
        other, or the customer names the broken one.
        """
        said = find_deadline(text)
        if said is not None and promise.named is not None:
            return said.minutes != promise.named  # "within the hour" is not about a promise of twenty minutes
        others = [p for p in self.promises if p.id != promise.id]
        if not others:
            return False
        mine = similarity(text, promise.text)
        return mine < NAMES_PROMISE or any(similarity(text, p.text) > mine for p in others)

    def _content(self) -> bool:
        """A customer whose issue is taken care of is not waiting for anything."""
        return self.persona.resolved >= 0.55 and self.persona.anger < 0.3

