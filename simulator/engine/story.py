"""The story: beats, the suggested moves (choices), storylets, injects and end conditions.

After every step the new state may make an inject fire, a beat begin or an end condition hold;
`_after_step` checks them until nothing changes. Ending lets the world run on to the time limit.
"""

from __future__ import annotations

from simulator.engine import payloads as P
from simulator.engine.state import SessionError, SessionState
from simulator.engine.trace import unavailable_reason
from simulator.format import actions as A
from simulator.format.scenario import Beat, Choice, pick_text
from simulator.world.judge import resemblance, similarity


class StoryPart(SessionState):
    def current_beat(self) -> Beat | None:
        return self.scenario.beat(self.beat) if self.beat else None

    def choices(self) -> tuple[Choice, ...]:
        """The suggested moves the trainee can pick now."""
        beat = self.current_beat()
        if beat is None or self.finished:
            return ()
        env = self.env()
        return tuple(
            c for c in beat.choices
            if (c.sticky or c.id not in self.chosen) and (c.when is None or c.when(env))
        )

    def _opening(self) -> None:
        p = self.scenario.persona
        self._customer_post(p.opening, public=True, valence=min(-0.2, 0.3 - p.anger), trigger=None)
        self.ripple.advance(0.0)  # the author's followers see the complaint the moment it is posted
        if self.scenario.commenters:
            self._thread_open()
        self._set_vars(self.start.values, "--set")
        first = self.start.beat or (self.scenario.beats[0].id if self.scenario.beats else None)
        if first:
            self._enter(first, "start")
        if self.start.clock > 0:
            self._run_until(min(self.start.clock, self.scenario.time_limit))
        self._after_step()

    def _enter(self, beat_id: str, how: str = "goto", by: str = "") -> None:
        beat = self.scenario.beat(beat_id)
        if beat is None:
            return
        self.beat = beat.id
        self.visited.append(beat.id)
        self._set_vars(beat.set, f"beat {beat.id}")
        text = pick_text(beat.text, beat.texts, self.env()) if beat.texts else beat.text
        self._trace("beat", beat=beat.id, how=how, **({"by": by} if by else {}))
        self._emit("beat", "narrator", text, payload=P.BeatData(beat=beat.id, title=beat.title))
        if beat.end:
            self._end(f"reached the end beat '{beat.id}'")
        elif how == "storylet" and beat.returns and not beat.choices:
            self._resume(beat)  # an interlude: said, then back to where the trainee was

    def _resume(self, tunnel: Beat) -> None:
        """Back from a `return: true` storylet to the beat it interrupted, with its choices."""
        if not self.returns or self.finished:
            return
        beat = self.scenario.beat(self.returns.pop())
        if beat is None:  # pragma: no cover (only beats of this scenario are pushed)
            return
        self.beat = beat.id
        text = pick_text(beat.text, beat.texts, self.env()) if beat.texts else beat.text
        self._trace("beat", beat=beat.id, how="return", by=tunnel.id)
        self._emit("beat", "narrator", text, payload=P.BeatData(beat=beat.id, title=beat.title, resumed=True))

    def _after_choice(self, choice: Choice) -> None:
        """A choice's `goto:`, or the end of a tunnel: a returning storylet's choice without one."""
        if self.finished:
            return
        beat = self.current_beat()
        if choice.goto:
            if beat is not None and beat.returns and self.returns and choice in beat.choices:
                self.returns.pop()  # a goto leaves the tunnel: the interrupted beat is not resumed
            self._enter(choice.goto, "goto", choice.id)
        elif beat is not None and beat.returns and self.returns and choice in beat.choices:
            self._resume(beat)

    def _resolve(self, action):
        """A `Choose` becomes the concrete action its choice describes."""
        self._addressee(getattr(action, "to", None))  # a reply aimed at nobody is refused before anything happens
        if not isinstance(action, A.Choose):
            choice = None
            ident = getattr(action, "choice", None)
            if ident:
                choice = next((c for c in self.choices() if c.id == ident), None)
                if choice is None:
                    raise SessionError(f"choice '{ident}' is not available now")
            return action, choice
        choice = next((c for c in self.choices() if c.id == action.choice), None)
        if choice is None:
            available = ", ".join(c.id for c in self.choices()) or "none"
            raise SessionError(f"choice '{action.choice}' is not available now{self._why_not(action.choice)} (available: {available})")
        text = choice.text
        concrete = {
            "reply": lambda: A.Reply(text, choice.id),
            "private": lambda: A.Private(text, "dm", choice.id),
            "follow_up": lambda: A.FollowUp(text, choice.id),
            "walk_away": lambda: A.WalkAway(text, choice.id),
        }[choice.action]()
        return concrete, choice

    def _why_not(self, choice_id: str) -> str:
        """Why a choice is not on offer, for the error an author sees."""
        beat = self.current_beat()
        own = next((c for c in beat.choices if c.id == choice_id), None) if beat is not None else None
        if own is None:
            where = [b.id for b in self.scenario.beats if any(c.id == choice_id for c in b.choices)]
            here = f"the current beat is '{beat.id}'" if beat is not None else "there is no current beat"
            return f": it belongs to beat {', '.join(repr(w) for w in where)} and {here}" if where else ""
        why = unavailable_reason(own, self.chosen, self.env())
        return f": {why}" if why else ""

    def _fire_inject(self, inject, why: str = "") -> None:
        self.fired.append(inject.id)
        self._trace("inject", id=inject.id, why=why)
        self._set_vars(inject.set, f"inject {inject.id}")
        text = pick_text(inject.text, inject.texts, self.env()) if inject.texts else inject.text
        item = P.OMIT
        if inject.brand_voice:
            item = self._brand_voice(inject, text)
        elif inject.kind in ("post", "news"):
            group = "journalists" if inject.kind == "news" else None
            seeds = self._group_seed(group)
            item_id = self._public_item("audience" if inject.kind == "post" else "platform", inject.kind, text,
                                        inject.valence, inject.arousal, seeds=seeds, author=inject.sender or "audience",
                                        key="i", platform=inject.platform, title=inject.sender)
            item = item_id
        elif inject.kind == "customer":
            self._customer_post(text, True, inject.valence, "inject")
        self._emit("inject", inject.sender or inject.kind, text,
                   payload=P.InjectData(id=inject.id, inject_kind=inject.kind, platform=inject.platform, sender=inject.sender, item=item))

    def _group_seed(self, group: str | None) -> tuple[int, ...]:
        if group:
            try:
                members = self.audience.members(group)
                if len(members):
                    reach = self.audience.reach[members]
                    return (int(members[int(reach.argmax())]),)
            except (KeyError, ValueError):
                pass
        return (self.audience.customer_node,)

    def _after_step(self) -> None:
        """Injects, storylets and end conditions that the new state may have made true."""
        if self.finished:
            return
        for _ in range(8):
            changed = False
            env = self.env()
            for inject in self.scenario.injects:
                if inject.id in self.fired or inject.id in self.skipped:
                    continue
                if inject.at is not None and self.t + 1e-9 < inject.at:
                    continue
                if inject.when is not None and not inject.when(env):
                    continue
                why = " and ".join(x for x in (f"at T+{inject.at:g}m" if inject.at is not None else "",
                                               f"when: {inject.when.source}" if inject.when is not None else "") if x)
                self._fire_inject(inject, why)
                changed = True
                env = self.env()
            if self._settling:
                if not changed:
                    break
                continue  # the story is over: only the world's own happenings go on
            if self._storylet(env):
                changed = True
            if self.finished:
                return
            for end in self.scenario.end:
                if end.when(self.env()):
                    self._end(end.text or f"end condition: {end.when.source}")
                    return
            if not changed:
                break

    def _storylet(self, env: dict) -> bool:
        """Enter the storylet that should come up now, if any (priority, then file order).

        A storylet never interrupts a beat of higher priority, nor a `return: true` storylet of
        the same priority: it waits (and is traced as held) until the trainee has moved on.
        """
        eligible = [b for b in self.scenario.beats
                    if b.when is not None and b.id != self.beat and not (b.once and b.id in self.visited) and b.when(env)]
        if not eligible:
            return False
        best = max(eligible, key=lambda b: b.priority)  # max keeps the first of equals: file order
        current = self.current_beat()
        if current is not None and not current.end and (
                best.priority < current.priority or (best.priority == current.priority and current.returns and self.returns)):
            if (best.id, current.id) not in self._held_seen:
                self._held_seen.add((best.id, current.id))
                self._trace("held", beat=best.id, priority=best.priority, current=current.id, current_priority=current.priority)
            return False
        if current is not None:
            self._trace("replaced", beat=current.id, by=best.id, when=best.when.source if best.when else "",
                        **({"returns": True} if best.returns else {}))
            if best.returns:
                self.returns.append(current.id)
        self._enter(best.id, "storylet", f"when: {best.when.source}" if best.when else "")
        return True

    def _end(self, reason: str) -> None:
        """Let the world run to the time limit (consequences continue), then close the session.

        The world runs on the same tick grid as waiting, with timed injects still firing, so
        finishing now and waiting out the clock are the same silence: the "do nothing" baseline
        does not depend on how nothing was done.
        """
        if self.finished or self._settling:
            return
        self.end_reason = self.end_reason or reason
        self._settling = True
        try:
            self._run_until(self.scenario.time_limit)
        finally:
            self._settling = False
        self.finished = True
        self._emit("end", "system", self.end_reason, payload=P.EndData(outcome=self.outcome()))


SAME_WORDS = 0.9  # meaning this close is the suggestion itself, retyped
TONE = frozenset({"argue", "blame", "sarcasm", "insult", "profanity", "shouting", "non_apology", "private_brushoff"})




def closest_choice(kind: str, features: frozenset, offered, text: str = "") -> Choice | None:
    """The suggested move that free text amounts to: same kind of move, same tone, most alike.

    Authors write the story's branches on their suggested replies; a trainee who says the same
    thing in their own words should see the story go the same way. Alike means what the reply
    does (the Jaccard similarity of the judged features) and what it says (the similarity of its
    meaning to the suggestion's words), weighted equally; typing a suggestion's own words, or a
    close paraphrase, selects it; so does a reply like one of the choice's `examples:` (the
    author's other phrasings, compared sentence by sentence). A civil reply never stands in for a hostile one, nor the other
    way round. Ties go to the earlier choice; below one half, nothing matches.
    """
    best, best_score = None, 0.0
    for choice in offered:
        if choice.action != kind or not ((choice.tagged and choice.features) or choice.examples):
            continue
        tagged = frozenset(choice.features)
        if bool(tagged & TONE) != bool(features & TONE):
            continue
        jaccard = len(tagged & features) / len(tagged | features) if tagged | features else 0.0
        meaning = similarity(text, choice.text) if text and choice.text else 0.0
        if text and choice.examples:
            meaning = max(meaning, resemblance(text, choice.examples))  # the author's other phrasings
        score = max(jaccard, 0.5 * jaccard + 0.5 * meaning) if text else jaccard
        if meaning >= SAME_WORDS:
            score = max(score, 1.0)
        if score > best_score + 1e-9:
            best, best_score = choice, score
    return best if best_score >= 0.5 else None

