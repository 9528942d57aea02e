"""The clock: time runs on a tick grid, scheduled happenings fire from the agenda in order.

`_run_until` advances the ripple tick by tick (silence and pile-ons reach the customer as it
goes) and fires whatever the agenda holds for each moment: the customer speaking, a role
answering, a promise falling due, a blog post.
"""

from __future__ import annotations

import math
from dataclasses import replace

from simulator.engine import payloads as P
from simulator.engine.customer import PILE_ON_STEP
from simulator.engine.ledger import Post
from simulator.engine.state import SessionState
from simulator.format.scenario import pick_text
from simulator.world import persona

TICK = 5.0  # minutes between ripple metric samples while time runs


class ClockPart(SessionState):
    def _run_until(self, target: float) -> None:
        target = round(target, 6)
        while self.t < target - 1e-9 and not self.finished:
            step_end = min(target, (math.floor(self.t / TICK + 1e-9) + 1) * TICK)
            next_at = self.agenda.next_at()
            stop = min(step_end, next_at) if next_at > self.t else self.t
            self._tick_to(stop)
            while not self.finished and (due := self.agenda.pop_due(self.t)) is not None:
                self._happen(due.kind, due.payload)
            self._after_step()
            if self.t >= self.scenario.time_limit - 1e-9 and not self.finished:
                self._end("time is up")

    def _tick_to(self, when: float) -> None:
        dt = when - self.t
        self.t = round(when, 6)
        for spill in self.ripple.advance(self.t, self._spill_gate if self._gated else None):
            self.fired.append(spill.spec_id)
            self.posts[spill.item.id] = Post(spill.item.id, self.t, "platform", spill.item.text, True, spill.item.platform,
                                             title=next((s.title for s in self.scenario.ripple.spillovers if s.id == spill.spec_id), ""))
            self._emit("spillover", spill.item.platform, spill.item.text, spill.item.id,
                       P.SpilloverData(id=spill.spec_id, platform=spill.item.platform, title=self.posts[spill.item.id].title))
        if dt > 0 and self.unanswered and not self.walked_away and not self._content():
            self._react(persona.Stimulus("silence", value=dt / 60.0))
        elif dt > 0 and self.archetype.feeds_on_replies:
            # Nobody is biting: the jerk for sport loses interest (and, once walked away from, stays quiet).
            self.persona = replace(self.persona, attention=self.persona.attention - dt / 60 * 0.3).clamp(self.archetype.trust_cap)
        negative = self.ripple.snapshot().negative_reach
        if negative >= self._pile_on_mark and not self.walked_away:
            self._pile_on_mark = negative + PILE_ON_STEP * max(1, negative // 1000)
            self._react(persona.Stimulus("pile_on"))

    @property
    def _gated(self) -> bool:
        return any(s.when is not None or s.texts for s in self.scenario.ripple.spillovers)

    def _spill_gate(self, spec) -> str | None:
        """A due spillover's text now, or None while its `when:` does not hold (it waits)."""
        env = self.env()
        if spec.when is not None and not spec.when(env):
            return None
        return pick_text(spec.text or spec.title, spec.texts, env)

    def _happen(self, kind: str, payload: dict) -> None:
        if kind.startswith("commenter_"):
            self._commenter_happen(kind, payload)
        elif kind == "customer_says":
            self._say(payload["trigger"], payload["public"], payload["valence"], payload.get("variant", ""),
                      about=payload.get("about", ""))
        elif kind == "approval" and self.drill:
            role = self.scenario.role(payload["role"])
            assert role is not None  # only roles of this scenario are ever scheduled (moves._escalate)
            if self.finished or role.id in self.pending:
                return
            self.pending[role.id] = self.t
            player = dict(self.start.team).get(role.id, "")
            self._emit("approval_needed", role.title, f"{role.title} has the request: approve (up to {role.authority:g}) or deny?",
                       payload=P.ApprovalNeededData(role=role.id, authority=role.authority, player=player))
        elif kind == "approval":
            role = self.scenario.role(payload["role"])
            assert role is not None  # only roles of this scenario are ever scheduled (moves._escalate)
            if role.id not in self.approved:
                self.approved.append(role.id)
            self.authority = max(self.authority, role.authority)
            self._emit("approval", role.title, f"{role.title} is on it: you may offer up to {role.authority:g}.",
                       payload=P.ApprovalData(role=role.id, authority=role.authority))
        elif kind == "promise_due":
            promise = next(p for p in self.promises if p.id == payload["id"])
            if promise.kept is None:
                promise.kept = False
                self._emit("promise", "brand", promise.text, payload=P.PromiseData(id=promise.id, status="broken"))
                self._react(persona.Stimulus("promise_broken"), about=promise.id)
        elif kind == "blog":
            text = f"{self.scenario.persona.name}'s blog: My experience with {self.scenario.brand.name}"
            self._public_item("customer", "blog", text, -0.8, 0.8, seeds=(self.audience.customer_node,), moral=2,
                              author="customer", platform="blog", title="Blog post")

