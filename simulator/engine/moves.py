"""The brand's moves: messages (public, private, walk away, follow-up), escalations, offers, hides.

Each move is analysed, booked in the ledger, shown to the audience when it is public, and read
by the customer. `cost_of` is what a move takes off the clock in turn mode.
"""

from __future__ import annotations

from dataclasses import replace

from simulator.engine import payloads as P
from simulator.engine.commitments import Commitment, commitment
from simulator.engine.ledger import Post, Promise, Record, ReplyRecord
from simulator.engine.state import SessionError, SessionState
from simulator.engine.story import SAME_WORDS, TONE, closest_choice
from simulator.engine.team import needless_escalation
from simulator.engine.trace import explain_match
from simulator.format.actions import Offer
from simulator.format.scenario import Choice
from simulator.world import analysis, persona
from simulator.world.judge import resemblance, similarity

TYPING_WPM = 30.0  # how fast a trainee composes; longer replies cost more clock
FULFILS = 0.4  # with several promises open, a delivery this close to one of them keeps that one
REPEATED = 0.92  # meaning this close to an earlier message of the same kind is saying it again
SAYS = 0.6  # a sentence this close in meaning to one of a `says:` trigger's phrasings fires it
PROMISE_GRACE = 15.0  # minutes past a named deadline before the customer calls the promise broken


class MovesPart(SessionState):
    def _context(self) -> analysis.ReplyContext:
        """What the reply answers: the complaint and the customer's latest words (for personalisation
        and for rules 3 and 5, which are about how rude posts are answered)."""
        p = self.scenario.persona
        latest = next((post.text for post in reversed(self.posts.values()) if post.author == "customer"), "")
        said = p.opening if latest in ("", p.opening) else f"{p.opening}\n{latest}"
        return analysis.ReplyContext(customer_name=p.name, customer_post=said, unreasonable_request=p.unreasonable_request)

    def _analyse(self, text: str, choice: Choice | None) -> analysis.Analysis:
        if choice is not None and choice.tagged:
            return analysis.from_tags(text, choice.features, self._context())
        return analysis.analyze(text, self._context())

    def _apply(self, action, choice: Choice | None) -> None:
        kind = action.kind
        self.last_action = kind
        n = len(self.records) + 1
        if kind in ("reply", "private", "walk_away", "follow_up"):
            if self.review and kind != "private":
                self._emit("note", "review", f"held {self.review:g} minutes for sign-off", payload=P.NoteData(review=self.review))
                self._run_until(min(self.t + self.review, self.scenario.time_limit))
                if self.finished:
                    return
            aimed = self._addressee(getattr(action, "to", None))
            # A reply to a commenter is a side conversation: it does not stand in for the story's suggested moves.
            offered = self.choices() if choice is None and aimed is None else ()
            flow = self._message(n, action, choice, offered)
            if choice is None and getattr(action, "commit", None) is not False and not self.finished:
                retyped = flow is not None and similarity(action.text, flow.text) >= SAME_WORDS
                if not retyped:
                    self._commit(action)
            if choice is None and flow is not None:
                choice = flow  # free text that does what a suggested move does moves the story the same way
        elif kind == "escalate":
            self._escalate(n, action)
        elif kind == "offer":
            self._offer(n, action)
        elif kind == "hide":
            self._hide(n, action)
        elif kind == "wait":
            self.records.append(Record(n, self.t, action, "wait", {"minutes": action.minutes}))
            self._run_until(min(self.t + action.minutes, self.scenario.time_limit))
        if choice is not None:
            self.chosen.append(choice.id)
            self._set_vars(choice.set, f"choice {choice.id}")
            self._after_choice(choice)

    def _message(self, n: int, action, choice: Choice | None, offered=()) -> Choice | None:
        """Post a brand message; returns the suggested move free text turned out to match, if any."""
        kind = action.kind
        result = self._analyse(action.text, choice)
        features = frozenset(f for f, v in result.features.items() if v is True)
        match = closest_choice(kind, features, offered, action.text) if choice is None else None
        if choice is None and offered:
            self._trace("match", text=action.text, features=sorted(features), matched=match.id if match else None,
                        candidates=explain_match(kind, features, offered, action.text, match, TONE))
        guide = choice or match
        public = kind != "private"
        first_private = kind == "private" and not self.private
        post_id = self._next_id("b")
        self.posts[post_id] = Post(post_id, self.t, "brand", action.text, public=public)
        record = ReplyRecord(n, self.t, kind, action.text, result, public, getattr(choice, "id", None),
                             getattr(guide, "feedback", ""), post_id)
        self.replies.append(record)
        said = self._says(kind, action.text)
        aimed = self._addressee(getattr(action, "to", None))
        self.records.append(Record(n, self.t, action, kind, {"post": post_id, "features": sorted(features),
                                                            "rules": {str(k): v for k, v in sorted(result.rules.items())},
                                                            **({"matched": match.id} if match else {}),
                                                            **({"said": said} if said else {}),
                                                            **({"to": aimed} if aimed else {})}))
        for rule, verdict in result.rules.items():
            bucket = self.rules_kept if verdict == "kept" else self.rules_broken
            bucket[rule] = bucket.get(rule, 0) + 1
        event_kind = {"reply": "brand_reply", "private": "private_out", "walk_away": "walk_away", "follow_up": "follow_up"}[kind]
        self._emit(event_kind, "brand", action.text, post_id,
                   P.BrandMessageData(features=sorted(features), channel=getattr(action, "channel", "public")))
        self._emit("coach", "coach", getattr(guide, "feedback", "") or "", post_id, P.CoachData(
            kept=sorted(k for k, v in result.rules.items() if v == "kept"),
            broken=sorted(k for k, v in result.rules.items() if v == "broken"),
            matched=match.id if match else P.OMIT,
        ))
        self._responded()
        acknowledging = features & {"apology", "empathy", "question", "solution"}
        hostile = features & {"argue", "blame", "sarcasm", "insult", "threat"}
        if public and acknowledging and not hostile and self.acknowledged_at is None:
            self.acknowledged_at = self.t
        q = persona.quality(features)
        if public:
            valence = max(-1.0, min(1.0, q * 1.3))
            arousal = min(1.0, 0.15 + sum(0.25 for f in ("argue", "blame", "sarcasm", "insult", "profanity", "shouting", "threat") if f in features))
            self._public_item("brand", "brand_reply", action.text, valence, arousal, item_id=post_id,
                              seeds=(self.audience.brand_node, self.audience.customer_node))
            if q > 0.15:
                for item in self.ripple.items():
                    if item.source == "customer" and item.valence < 0:
                        self.ripple.damp(item.id, max(0.25, 1.0 - 0.9 * q), self.t)
            if features & {"argue", "blame", "sarcasm", "insult", "profanity", "threat"}:
                self._screenshot(action.text, features)
        if kind == "private":
            self.private = True
        if kind == "walk_away":
            self.walked_away = True
        if kind == "follow_up":
            self.followed_up = True
        # Promises: a commitment made earlier is kept by a later message that delivers on it.
        if "solution" in features or kind == "follow_up":
            promise = self._fulfilled(action.text, promising="promise" in features)
            if promise is not None:
                self._keep(promise)
        if "promise" in features:
            quote = result.quote("promise") if hasattr(result, "quote") else action.text
            pid = self._next_id("p")
            # A promise falls due on its own terms: "by Friday" is not broken ninety minutes later;
            # one that names no time gets what this kind of customer will wait.
            named = getattr(result, "deadline_minutes", None)
            window = self.archetype.promise_window if named is None else float(named) + PROMISE_GRACE
            # Promising what cannot be granted (rule 9 broken) is a promise no later words can keep.
            # (Once an honest alternative has been given, rule 9 kept, later promises are about it.)
            impossible = result.rules.get(9) == "broken" and not self.rules_kept.get(9)
            self.promises.append(Promise(pid, self.t, self.t + window, quote or action.text, impossible=impossible,
                                         named=None if named is None else float(named)))
            self._schedule(self.t + window, "promise_due", {"id": pid})
            self._emit("promise", "brand", quote or action.text, payload=P.PromiseData(id=pid, status="made", due=round(self.t + window, 4)))
        stim_kind = {"reply": "reply", "private": "private", "walk_away": "walk_away", "follow_up": "follow_up"}[kind]
        repeated = any(similarity(action.text, r.text) >= REPEATED for r in self.replies[:-1] if r.kind == kind)
        if aimed is not None:
            self._commenter_react(aimed, persona.Stimulus(stim_kind, features, public=public, repeated=repeated))
            return match
        self._react(persona.Stimulus(stim_kind, features, public=public, acknowledged=self.acknowledged_at is not None,
                                     first_private=first_private, facts_wrong=self.scenario.persona.facts_wrong,
                                     unreasonable=self.scenario.persona.unreasonable_request, repeated=repeated,
                                     hostile=bool(getattr(result, "hostile", ""))))
        return match

    def _says(self, kind: str, text: str) -> list[str]:
        """The scenario's `says:` triggers these words fire: each sets the state it names."""
        fired = []
        for trigger in self.scenario.says:
            if trigger.kind not in ("any", kind) or (trigger.once and trigger.id in self.said):
                continue
            if resemblance(text, trigger.like) >= SAYS:
                self.said.append(trigger.id)
                fired.append(trigger.id)
                for name, value in trigger.set:
                    self.vars[name] = value
        return fired

    def committed(self, text: str, kind: str = "reply") -> Commitment | None:
        """What typed words would commit to, asked before they are sent (the terminal confirms)."""
        if kind == "walk_away":
            return None
        return commitment(self.scenario, self._analyse(text, None), self.offered)

    def _commit(self, action) -> None:
        """Words that commit to a remedy are the offer they describe (engine/commitments.py)."""
        if action.kind == "walk_away":
            return
        record = self.replies[-1]
        found = commitment(self.scenario, record.analysis, self.offered)
        if found is None:
            return
        self._offer(len(self.records) + 1, Offer(found.remedy, found.value), said=found.sentence)

    def _fulfilled(self, text: str, phrases: tuple[str, ...] = (), promising: bool = False) -> Promise | None:
        """The open promise a later message or act delivers on: the one it is most like.

        With a single promise open, delivering anything counts (people rarely repeat the promise
        word for word when they keep it); with several, only the one it resembles, so one fix
        does not keep every promise made; a message that itself promises more ("I'll also
        check...") has to resemble the earlier promise to count. A promise nobody could keep is
        never kept by words.
        """
        open_ = [p for p in self.promises if p.kept is None and not p.impossible]
        if not open_:
            return None
        if len([p for p in self.promises if p.kept is None]) == 1 and not promising:
            return open_[0]
        scored = [(max(resemblance(p.text, (text, *phrases)), similarity(p.text, text)), i) for i, p in enumerate(open_)]
        best, i = max(scored)
        return open_[i] if best >= FULFILS else None

    def _keep(self, promise: Promise) -> None:
        promise.kept = True
        self._emit("promise", "brand", promise.text, payload=P.PromiseData(id=promise.id, status="kept"))
        self._react(persona.Stimulus("promise_kept"))

    def _escalate(self, n: int, action) -> None:
        role = self.scenario.role(action.role)
        if role is None:
            raise SessionError(f"no role '{action.role}'")
        self.escalated.append(role.id)
        needless = needless_escalation(self.scenario, role, self.authority)
        if needless:
            self._needless.add(role.id)
        self.records.append(Record(n, self.t, action, "escalate", {"role": role.id, "needless": needless}))
        self._emit("escalation", "brand", action.note, payload=P.EscalationData(role=role.id, title=role.title, delay=role.delay))
        self._schedule(self.t + role.delay, "approval", {"role": role.id})

    def _offer(self, n: int, action, said: str = "") -> None:
        remedy = self.scenario.remedy(action.remedy)
        if remedy is None:
            raise SessionError(f"no remedy '{action.remedy}'")
        value = remedy.cost if action.value is None else action.value
        approved_specially = any(remedy.id in (role.can_approve if (role := self.scenario.role(r)) else ()) for r in self.approved)
        within = value <= self.authority + 1e-9 or approved_specially
        missing = [r for r in remedy.requires if r not in self.approved]
        if missing:
            # `requires:` is a sign-off, not an amount: no authority stands in for the role's approval.
            self.records.append(Record(n, self.t, action, "offer", {"remedy": remedy.id, "value": value, "within": False,
                                                                    "requires": missing, **({"said": said} if said else {})}))
            titles = ", ".join((role.title if (role := self.scenario.role(r)) else r) for r in missing)
            self._trace("blocked", remedy=remedy.id, requires=missing)
            self._emit("offer_blocked", "system", f"{remedy.label}: needs the approval of {titles}; escalate first",
                       payload=P.OfferBlockedData(remedy=remedy.id, value=value, authority=self.authority, requires=missing))
            return
        data = {"remedy": remedy.id, "value": value, "within": within, **({"said": said} if said else {})}
        self.records.append(Record(n, self.t, action, "offer", data))
        if not within:
            approver = next((r.title for r in self.scenario.roles
                             if r.id != self.scenario.trainee_role.id and (r.authority + 1e-9 >= value or remedy.id in r.can_approve)), "")
            ask = f"escalate to {approver} first" if approver else "escalate first"
            text = (f"Your reply commits to {remedy.label} ({value:g}), over your authority ({self.authority:g}): {ask}"
                    if said else f"{remedy.label}: {value:g} is over your authority ({self.authority:g}); {ask}")
            self._emit("offer_blocked", "system", text,
                       payload=P.OfferBlockedData(remedy=remedy.id, value=value, authority=self.authority))
            return
        self.offered.append(remedy.id)
        self.spent += value
        public = remedy.public or not self.private
        self._emit("offer", "brand", remedy.label, payload=P.OfferData(remedy=remedy.id, value=value, public=public))
        self._responded()
        promise = self._fulfilled(remedy.label, remedy.examples)
        if promise is not None:
            self._keep(promise)
        wants = set(self.scenario.persona.wants)
        satisfies = tuple(sorted(wants & set(remedy.satisfies)))
        if remedy.kind == "refer_competitor" and "fix" in wants:
            satisfies = (*satisfies, "fix")
        if public:
            self._public_item("brand", "offer", f"{self.scenario.brand.name} offered: {remedy.label}", 0.5, 0.2,
                              seeds=(self.audience.brand_node, self.audience.customer_node))
        self._react(persona.Stimulus("offer", public=public, value=value, fair=self.scenario.persona.fair_remedy, satisfies=satisfies,
                                     remedy_kind=remedy.kind, remedy_satisfies=tuple(remedy.satisfies)))

    def _hide(self, n: int, action) -> None:
        post = self.posts.get(action.post)
        if post is None or post.author == "brand":
            raise SessionError(f"no post '{action.post}' from someone else to hide")
        self.posts[post.id] = replace(post, hidden=True)
        self.hidden.append(post.id)
        if post.author == "brand_voice":
            # Taking down the brand's own post (the owner's 2am rant) is not moderating a customer.
            self.records.append(Record(n, self.t, action, "hide", {"post": post.id, "brand_voice": True, "guidelines": True,
                                                                 "explained": True, "abusive": False}))
            self._emit("hidden", "brand", action.tell, post.id, P.HiddenData(guidelines=True, explained=True))
            self.ripple.damp(post.id, 0.0, self.t)
            return
        guidelines = self.scenario.brand.guidelines_posted
        explained = bool(action.tell.strip())
        self.records.append(Record(n, self.t, action, "hide", {"post": post.id, "guidelines": guidelines, "explained": explained,
                                                             "abusive": self.archetype.profane}))
        self._emit("hidden", "brand", action.tell, post.id, P.HiddenData(guidelines=guidelines, explained=explained))
        self.ripple.damp(post.id, 0.0, self.t)
        if explained:
            self._emit("private_out", "brand", action.tell, payload=P.BrandMessageData(channel="dm", why_hidden=True))
            self._responded()  # telling the poster why is an answer (seed 003, Nationwide)
            if guidelines and self.acknowledged_at is None:
                self.acknowledged_at = self.t  # moderation by posted rules, explained, is out in the open
        if not (guidelines and explained and self.archetype.profane):
            self._public_item("audience", "deletion_noticed", f"{self.scenario.brand.name} deleted a customer's post",
                              -0.7, 0.8, seeds=(self.audience.customer_node,), moral=2)
        self._react(persona.Stimulus("hide", guidelines=guidelines, explained=explained, own_post=post.author == "customer"))

    def _screenshot(self, text: str, features) -> None:
        moral = sum(1 for f in ("insult", "profanity", "blame", "sarcasm", "threat") if f in features) + 1
        self._public_item("audience", "screenshot", f"Screenshot: \u201c{text[:140]}\u201d", -0.85, 0.9,
                          seeds=(self.audience.customer_node,), moral=moral)


def cost_of(action) -> float:
    """Minutes an action takes in turn mode: reading and typing cost time; longer replies cost more."""
    kind = action.kind
    if kind in ("reply", "private", "walk_away", "follow_up"):
        words = len(action.text.split())
        return round(1.0 + words / TYPING_WPM, 4)
    return {"escalate": 2.0, "offer": 2.0, "hide": 1.0, "wait": 0.0}.get(kind, 1.0)

