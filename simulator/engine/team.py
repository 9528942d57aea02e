"""The team in a drill: role players decide escalations, the facilitator steers the exercise.

Outside a drill roles answer by themselves after their delay (see the clock's agenda).
`needless_escalation` is the one definition of bringing a role in for nothing: the engine uses it
to make senior people slow every public reply, scoring reads the flag it leaves in the ledger.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

from simulator.engine import payloads as P
from simulator.engine.events import Event
from simulator.engine.state import SessionError, SessionState
from simulator.engine.steps import (
    RATINGS,
    CustomInject,
    Decide,
    Facilitate,
    FastForward,
    FireInject,
    Note,
    Pause,
    Pressure,
    Rate,
    Resume,
    SkipInject,
    TeamDecision,
    parse_command,
)
from simulator.format import actions as A

REVIEW_SHARE = 0.5  # drill: a needlessly involved senior role holds each public reply for this share of its delay
REVIEW_MAX = 60.0  # ... but never more than an hour


def needless_escalation(scenario, role, authority: float) -> bool:
    """Bringing `role` in was needless: it is not the role the case calls for, it has no special
    approvals, and either the front line (with `authority` now) could already put it right or the
    role cannot raise the authority anyway."""
    return (role.id != scenario.scoring.escalate_to and not role.can_approve
            and (scenario.persona.fair_remedy <= authority or role.authority <= authority))


class TeamPart(SessionState):
    def decide(self, role: str | None, approve: object, *, who: str = "", note: str = "", limit: float | None = None) -> tuple[Event, ...]:
        """A drill role's player answers an escalation that reached them: approve (up to `limit`,
        at most the role's authority) or deny. Outside a drill roles answer by themselves."""
        if self.finished:
            raise SessionError("the scenario has ended")
        if not self.drill:
            raise SessionError("roles decide for themselves outside a drill")
        found = self.scenario.role(str(role)) if role is not None else None
        if found is None:
            raise SessionError(f"no role '{role}'")
        if not isinstance(approve, bool):
            raise SessionError("approve must be true or false")
        if found.id not in self.pending:
            raise SessionError(f"{found.title} has no request waiting for a decision")
        granted = found.authority
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, int | float) or not math.isfinite(limit) or limit < 0:
                raise SessionError("limit must be a number, 0 or more")
            if limit > found.authority + 1e-9:
                raise SessionError(f"{found.title} can grant at most {found.authority:g}")
            granted = float(limit)
        who = str(who or "")[:100]
        note = str(note or "")[: A.MAX_TEXT]
        mark = len(self.events)
        del self.pending[found.id]
        by = f" ({who})" if who else ""
        said = f" “{note}”" if note else ""
        if approve:
            if found.id not in self.approved:
                self.approved.append(found.id)
            self.authority = max(self.authority, granted)
            self._emit("approval", found.title, f"{found.title}{by} approved: you may offer up to {granted:g}.{said}",
                       payload=P.ApprovalData(role=found.id, authority=granted, approved=True, who=who, note=note))
            if found.id in self._needless:
                # Senior people brought in for nothing want to see everything: replies slow down.
                minutes = round(min(REVIEW_MAX, max(5.0, found.delay * REVIEW_SHARE)), 4)
                if minutes > self.review:
                    self.review = minutes
                    self._emit("note", found.title, f"{found.title} now signs off every public reply: "
                               f"each goes out {minutes:g} minutes later.", payload=P.NoteData(review=minutes, role=found.id))
        else:
            self.denied.append(found.id)
            self._emit("approval_denied", found.title, f"{found.title}{by} said no: your authority stays at {self.authority:g}.{said}",
                       payload=P.ApprovalDeniedData(role=found.id, approved=False, who=who, note=note))
        self._after_step()
        self._record(Decide(found.id, approve, who, note, granted if limit is not None else None), mark)
        return tuple(self.events[mark:])

    def facilitate(self, command: Mapping) -> tuple[Event, ...]:
        """A facilitator's move in a drill: fire an inject, a custom inject, pressure, or a note.

        Notes for the report and observers' ratings are taken after the end too (evaluators rate
        once the exercise is over); they change nothing in the world."""
        typed = parse_command(command)
        if self.finished and not (isinstance(typed, Rate) or (isinstance(typed, Note) and typed.by)):
            return ()
        mark = len(self.events)
        match typed:
            case FireInject(id=ident):
                inject = next((i for i in self.scenario.injects if i.id == ident), None)
                if inject is None:
                    raise SessionError(f"no inject '{ident}'")
                self._fire_inject(inject)
            case SkipInject(id=ident):
                inject = next((i for i in self.scenario.injects if i.id == ident), None)
                if inject is None:
                    raise SessionError(f"no inject '{ident}'")
                if ident in self.fired:
                    raise SessionError(f"inject '{ident}' has already been played")
                if ident not in self.skipped:
                    self.skipped.append(ident)
                self._emit("note", "facilitator", f"skipped inject {ident}", payload=P.NoteData(control="skip"))
            case CustomInject(text=text, valence=valence, arousal=arousal):
                self._public_item("audience", "inject", text, valence=valence, arousal=arousal, author="audience", key="f")
                self._emit("inject", "facilitator", text, payload=P.InjectData(id="custom"))
            case Pressure(patience=patience, anger=anger, audience=audience, negativity=negativity):
                self.persona = replace(self.persona, patience=self.persona.patience + patience,
                                       anger=self.persona.anger + anger).clamp(self.archetype.trust_cap)
                text = f"pressure: anger {anger:+.2f}, patience {patience:+.2f}"
                if audience is not None or negativity is not None:
                    text += self._pressure_ripple(audience, negativity)
                self._emit("note", "facilitator", text)
            case Pause():
                self._emit("note", "facilitator", "paused the drill", payload=P.NoteData(control="pause"))
            case Resume():
                self._emit("note", "facilitator", "resumed the drill", payload=P.NoteData(control="resume"))
            case FastForward(minutes=minutes):
                if not math.isfinite(minutes) or minutes <= 0:
                    raise SessionError("fast_forward needs minutes, more than 0")
                self._emit("note", "facilitator", f"fast-forward {minutes:g} minutes",
                           payload=P.NoteData(control="fast_forward", minutes=minutes))
                self._run_until(min(self.t + minutes, self.scenario.time_limit))
            case Note(who=who, text=text, by=by):
                if by:
                    if by not in ("facilitator", "observer"):
                        raise SessionError("a note is by the facilitator or an observer")
                    if not text.strip():
                        raise SessionError("a note needs some text")
                    self._emit("note", who, text, payload=P.NoteData(by=by))
                else:
                    self._emit("note", who, text)
            case Rate(objective=objective, rating=rating, note=note, who=who):
                found = next((o for o in self.scenario.objectives if o.id == objective), None)
                if found is None:
                    known = ", ".join(o.id for o in self.scenario.objectives) or "none"
                    raise SessionError(f"no objective '{objective}' (objectives: {known})")
                if rating not in RATINGS:
                    raise SessionError("a rating is P, S, M or U")
                said = f": {note}" if note else ""
                self._emit("note", who, f"rated “{found.text}” {rating}{said}",
                           payload=P.NoteData(by="observer", objective=found.id, rating=rating, note=note))
            case TeamDecision(question=question, text=text, who=who):
                self._emit("note", who, text, payload=P.NoteData(question=question, decision=True))
        self._after_step()
        self._record(Facilitate(command), mark)
        return tuple(self.events[mark:])

    def _pressure_ripple(self, audience, negativity) -> str:
        """The facilitator turns the crowd up or down: more (or fewer) people engage, negative
        posts spread more (or less) readily. Applies to everything posted from now on."""
        params = self.ripple.params
        out = ""
        if audience is not None:
            factor = float(audience)
            if not math.isfinite(factor) or not 0.1 <= factor <= 10:
                raise SessionError("audience pressure is a factor from 0.1 to 10")
            p0 = min(max(params.base_probability, 1e-9), 1 - 1e-9)
            odds = p0 / (1 - p0) * factor
            params = replace(params, base_probability=round(odds / (1 + odds), 9))
            out += f", audience x{factor:g}"
        if negativity is not None:
            factor = float(negativity)
            if not math.isfinite(factor) or not 0.1 <= factor <= 10:
                raise SessionError("negativity pressure is a factor from 0.1 to 10")
            params = replace(params, negativity=round(params.negativity * factor, 9))
            out += f", negativity x{factor:g}"
        self.ripple.params = params
        return out

