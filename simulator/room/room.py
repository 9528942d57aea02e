"""A drill room: one session, one writer, many screens.

The room holds its session through the services layer (a saved, locked transcript) and is the
only thing that touches it. Every change (an action from a seat, a facilitator's or an
observer's act, a tick of the real-time clock) goes through `Room.act` under one asyncio lock,
so changes apply one at a time in arrival order; each is either applied and recorded in the
transcript or refused with a reason (`Refused`, carrying the HTTP status: 409 when it is not that
seat's move or the moment for it). After each change the room renders one view per role in use
and hands it to every connected client's sender (latest state wins: a slow screen never holds
up the room). The engine runs in a worker thread so one room's step does not stall the others.

Pacing is the facilitator's: a room opens paused on its briefing; `run`, `pause`, `speed` and
`step` (to the next scheduled inject) move the clock; the seven questions wait in the
facilitator's queue until `raise`d, then any seat may answer.
"""

from __future__ import annotations

import asyncio
import json
import math
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from simulator import services
from simulator.engine.session import Session, SessionError
from simulator.evaluate import drill as D
from simulator.format import actions as A
from simulator.room import views
from simulator.room.codes import Codes
from simulator.world import rules as R

CONVERSATION = frozenset(A.ACTION_TYPES)  # reply, choose, escalate, offer, hide, private, wait, follow_up, walk_away
FACILITATOR_ACTS = frozenset({"pause", "run", "resume", "speed", "step", "inject", "skip", "custom", "pressure", "raise",
                              "fast_forward", "close"})
SPEED_RANGE = (0.25, 600.0)  # simulated minutes per real minute
MAX_NAME = 60


class Refused(Exception):
    """An action the room will not apply; `status` is the HTTP status, the message says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Done:
    """An applied action: the version it produced and the events it caused (JSON)."""

    version: int
    events: tuple[dict, ...]


class Client:
    """One connected screen: its role, and the newest state waiting to be sent to it."""

    def __init__(self, role: str, send: Callable[[str], object]):
        self.role = role
        self._send = send
        self._latest: str | None = None
        self._ready = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.conn = None  # the websocket, so the server can hang up when the room closes

    def offer(self, text: str) -> None:
        self._latest = text
        self._ready.set()

    async def pump(self) -> None:
        """Send the latest state whenever there is a new one, until cancelled or the socket fails."""
        while True:
            await self._ready.wait()
            self._ready.clear()
            text, self._latest = self._latest, None
            if text is not None:
                await self._send(text)


class Room:
    def __init__(self, room_id: str, ws: services.Workspace, session: Session, team: D.Team, codes: Codes, *,
                 facilitator: str = "Facilitator", tick: float = 1.0):
        self.id = room_id
        self.ws = ws
        self.session = session
        self.team = team
        self.codes = codes
        self.facilitator = facilitator
        self.session_id = Path(session.writer.path).stem if session.writer is not None else ""
        self.lock = asyncio.Lock()
        self.running = False
        self.speed = 1.0
        self.version = 0
        self.closed = False
        self.raised: dict[int, float] = {}  # question -> when the facilitator raised it
        self.extra: dict[int, tuple[float, str]] = {}  # moments the session does not see (the forecast was opened)
        self.clients: set[Client] = set()
        self.tick = tick
        self.last_active = time.monotonic()
        self._ticker: asyncio.Task | None = None
        self._scored = False

    # ------------------------------------------------------------ questions

    def queued_points(self, session: Session) -> tuple[D.DecisionPoint, ...]:
        return tuple(p for p in D.due_questions(session, self.extra) if p.question not in self.raised)

    def raised_points(self, session: Session) -> tuple[D.DecisionPoint, ...]:
        known = {p.question: p for p in D.decision_points(session, self.extra)}
        out = []
        for q, t in sorted(self.raised.items(), key=lambda kv: kv[1]):
            point = known.get(q)
            if point is None:
                question = R.QUESTIONS[q - 1]
                point = D.DecisionPoint(q, question.key, question.title, question.text, t, "raised by the facilitator")
            out.append(point)
        return tuple(out)

    # ------------------------------------------------------------ views

    def view(self, role: str) -> dict:
        """The state as `role` sees it (call under the lock, or when nothing else runs)."""
        return views.build(self, self.session, role)

    def _roles(self) -> frozenset[str]:
        """The roles on screen now (read on the event loop: clients come and go there)."""
        return frozenset(c.role for c in self.clients)

    def _render(self, roles: frozenset[str]) -> dict[str, str]:
        """One JSON state per role in use (runs in a worker thread, under the room's lock)."""
        return {role: self._render_one(role) for role in roles}

    def _publish(self, rendered: Mapping[str, str]) -> None:
        for client in list(self.clients):
            text = rendered.get(client.role)
            if text is not None:
                client.offer(text)

    async def attach(self, client: Client) -> None:
        async with self.lock:
            self.clients.add(client)
            text = await asyncio.to_thread(lambda: self._render_one(client.role))
            client.offer(text)
        self.last_active = time.monotonic()

    def _render_one(self, role: str) -> str:
        return json.dumps({"type": "state", "state": self.view(role)}, ensure_ascii=False)

    def detach(self, client: Client) -> None:
        self.clients.discard(client)
        self.last_active = time.monotonic()

    # ------------------------------------------------------------ acting

    async def act(self, role: str, action, who: str = "") -> Done:
        """Apply one action as `role`, in arrival order; Refused with a status when it cannot be."""
        if not isinstance(action, dict) or len(action) != 1:
            raise Refused(400, "an action is a one-key mapping, e.g. {\"reply\": \"text\"} or {\"pause\": true}")
        (kind,) = action
        if not isinstance(kind, str):
            raise Refused(400, "an action's key is its kind")
        self._allowed(role, kind)
        async with self.lock:
            if self.closed:
                raise Refused(410, "the room is closed")
            mark = len(self.session.events)
            await asyncio.to_thread(self._apply, role, action, who)
            self.version += 1
            events = tuple(e.to_json() for e in self.session.events[mark:])
            rendered = await asyncio.to_thread(self._render, self._roles())
            self._publish(rendered)
            version = self.version
        self.last_active = time.monotonic()
        if kind == "close":
            await self.close()
        return Done(version, events)

    def _allowed(self, role: str, kind: str) -> None:
        seat = self.team.seat(role)
        if role == "projector":
            raise Refused(403, "the projector only shows the room")
        if kind in FACILITATOR_ACTS:
            if role != "facilitator":
                raise Refused(403, f"only the facilitator can {kind}")
        elif kind == "rate":
            if role != "observer":
                raise Refused(403, "only observers rate objectives")
        elif kind == "note":
            if role not in ("facilitator", "observer"):
                raise Refused(403, "notes are the facilitator's and the observers'")
        elif kind == "finish":
            if role != "facilitator" and not (seat and seat.trainee):
                raise Refused(403, "the facilitator or the seat with the conversation closes the case")
        elif kind in ("decide", "answer"):
            if seat is None:
                raise Refused(403, f"only a seat at the table can {kind}")
        elif kind in CONVERSATION:
            if seat is None:
                raise Refused(403, "only a seat at the table acts in the conversation")
        else:
            raise Refused(400, f"unknown action '{kind}'")

    def _apply(self, role: str, action: dict, who: str) -> None:
        """Runs in a worker thread with the room's lock held."""
        s = self.session
        (kind, value), = action.items()
        seat = self.team.seat(role)
        name = seat.person or seat.title if seat is not None else (" ".join(str(who or "").split())[:MAX_NAME]
                                                                    or ("Observer" if role == "observer" else self.facilitator))
        ended = s.finished and kind not in ("rate", "note", "close", "pause", "speed")
        if ended:
            raise Refused(409, "the drill has ended: ratings and notes are still taken")
        try:
            if kind in CONVERSATION:
                if not seat or not seat.trainee:
                    owner = next((x for x in self.team.seats if x.trainee), None)
                    raise Refused(409, f"not your move: the conversation belongs to {owner.label if owner else 'the front line'}")
                s.act(A.parse_action(action))
            elif kind == "decide":
                self._decide(role, value, name)
            elif kind == "answer":
                self._answer(value, name)
            elif kind == "finish":
                s.finish()
                self.running = False
            elif kind in ("pause",):
                if self.running:
                    self.running = False
                    if not s.finished:
                        s.facilitate({"kind": "pause"})
            elif kind in ("run", "resume"):
                if s.scenario.mode != "realtime":
                    raise Refused(409, "this scenario moves in turns: step to the next inject, or let the seat wait")
                if not self.running:
                    self.running = True
                    s.facilitate({"kind": "resume"})
            elif kind == "speed":
                speed = _number(value, "speed")
                if not SPEED_RANGE[0] <= speed <= SPEED_RANGE[1]:
                    raise Refused(400, f"speed is simulated minutes per real minute, from {SPEED_RANGE[0]:g} to {SPEED_RANGE[1]:g}")
                self.speed = speed
            elif kind == "step":
                self._step()
            elif kind == "fast_forward":
                s.facilitate({"kind": "fast_forward", "minutes": _number(value, "fast_forward")})
            elif kind == "inject":
                if not isinstance(value, str) or not any(i.id == value for i in s.scenario.injects):
                    known = ", ".join(i.id for i in s.scenario.injects) or "none"
                    raise Refused(400, f"no inject '{value}' (injects: {known})")
                s.facilitate({"kind": "inject", "id": value})
            elif kind == "skip":
                if not isinstance(value, str) or not any(i.id == value for i in s.scenario.injects):
                    raise Refused(400, f"no inject '{value}'")
                s.facilitate({"kind": "skip", "id": value})
            elif kind == "custom":
                text = value.get("text") if isinstance(value, dict) else value
                if not isinstance(text, str) or not text.strip():
                    raise Refused(400, "a custom inject needs some text")
                s.facilitate({"kind": "custom", "text": text[: A.MAX_TEXT]})
            elif kind == "pressure":
                if not isinstance(value, dict) or set(value) - {"patience", "anger", "audience", "negativity"}:
                    raise Refused(400, "pressure takes patience, anger, audience, negativity")
                for key, number in value.items():
                    _number(number, f"pressure {key}")
                s.facilitate({"kind": "pressure", **value})
            elif kind == "note":
                text = value.get("text") if isinstance(value, dict) else value
                if not isinstance(text, str) or not text.strip():
                    raise Refused(400, "a note needs some text")
                s.facilitate({"kind": "note", "by": role, "who": name, "text": text[: A.MAX_TEXT]})
            elif kind == "rate":
                if not isinstance(value, dict):
                    raise Refused(400, "rate takes {objective, rating, note}")
                s.facilitate({"kind": "rate", "objective": str(value.get("objective", "")),
                              "rating": str(value.get("rating", "")), "note": str(value.get("note", ""))[: A.MAX_TEXT],
                              "who": name})
            elif kind == "raise":
                q = value if isinstance(value, int) and not isinstance(value, bool) else None
                if q is None or not 1 <= q <= 7:
                    raise Refused(400, "raise takes a question number from 1 to 7")
                if any(a.question == q for a in D.answers(s)):
                    raise Refused(409, f"question {q} is already answered")
                self.raised.setdefault(q, round(s.t, 4))
            elif kind == "close":
                self.running = False
        except A.ActionError as exc:
            raise Refused(400, str(exc)) from None
        except D.DrillError as exc:
            raise Refused(400, str(exc)) from None
        except SessionError as exc:
            raise Refused(409, str(exc)) from None
        except (TypeError, ValueError) as exc:
            raise Refused(400, f"{kind}: {exc}") from None
        if s.finished:
            self.running = False
            self._score()

    def _decide(self, role: str, value, name: str) -> None:
        s = self.session
        if isinstance(value, bool):
            value = {"approve": value}
        if not isinstance(value, dict) or not isinstance(value.get("approve"), bool):
            raise Refused(400, "decide takes {approve: true|false, limit?, note?}")
        if role not in s.pending:
            raise Refused(409, "no request is waiting for your decision")
        s.decide(role, value["approve"], who=name, note=str(value.get("note", "") or "")[: A.MAX_TEXT],
                 limit=value.get("limit"))

    def _answer(self, value, name: str) -> None:
        if not isinstance(value, dict):
            raise Refused(400, "answer takes {question, text}")
        q = value.get("question")
        if q not in self.raised:
            raise Refused(409, f"question {q} has not been raised by the facilitator")
        D.answer(self.session, q, name, str(value.get("text", "")))
        del self.raised[q]

    def _step(self) -> None:
        """To the next scheduled inject (else the next thing on the agenda)."""
        s = self.session
        upcoming = [i.at for i in s.scenario.injects
                    if i.at is not None and i.id not in s.fired and i.id not in s.skipped and i.at > s.t + 1e-9]
        target = min(upcoming, default=None)
        if target is None:
            nxt = s.agenda.next_at()
            target = nxt if math.isfinite(nxt) and nxt > s.t else None
        if target is None:
            raise Refused(409, "nothing more is scheduled: run the clock or fire an inject")
        s.advance(target - s.t)

    def _score(self) -> None:
        if self._scored:
            return
        self._scored = True
        card = services.finish_and_score(None, self.session, turning_points=False)
        services.record_score(self.ws, self.session, card, close=False)

    # ------------------------------------------------------------ the clock

    def start(self) -> None:
        if self._ticker is None and self.session.scenario.mode == "realtime":
            self._ticker = asyncio.get_running_loop().create_task(self._tick_loop())

    async def _tick_loop(self) -> None:
        last = time.monotonic()
        while not self.closed:
            await asyncio.sleep(self.tick)
            now = time.monotonic()
            elapsed, last = now - last, now
            if not self.running or self.session.finished:
                continue
            minutes = self.speed * elapsed / 60.0
            async with self.lock:
                if self.closed or not self.running:
                    continue
                await asyncio.to_thread(self.session.advance, minutes)
                if self.session.finished:
                    self.running = False
                    await asyncio.to_thread(self._score)
                self.version += 1
                self._publish(await asyncio.to_thread(self._render, self._roles()))

    # ------------------------------------------------------------ documents (read under the lock)

    async def read(self, fn):
        async with self.lock:
            return await asyncio.to_thread(fn, self.session)

    async def forecast(self, rollouts: int = 200) -> dict:
        async with self.lock:
            position = await asyncio.to_thread(D.position, self.session)
            self.extra.setdefault(1, (round(self.session.t, 4), "the facilitator opened the worst-case forecast"))
        result = await asyncio.to_thread(D.worst_case, position, rollouts=rollouts)
        return result.to_json()

    # ------------------------------------------------------------ the end

    async def close(self) -> None:
        """Stop the clock, release the session (it can be resumed in a terminal), drop the codes."""
        if self.closed:
            return
        async with self.lock:
            self.closed = True
            self.running = False
            self.codes.revoke()
            self._publish(await asyncio.to_thread(self._render, self._roles()))
            if self.session.writer is not None:
                self.session.writer.close()
        if self._ticker is not None:
            self._ticker.cancel()


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Refused(400, f"{what} takes a number")
    return float(value)


def new_room_id() -> str:
    return secrets.token_urlsafe(8)
