"""What a session holds, declared once for the parts that work on it (story, moves, team, customer,
clock, ledger): each part is a class of behaviour over this state, and `Session` puts them
together. Only the type checker reads the declarations below; `Session.__init__` sets them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.engine.agenda import Agenda
    from simulator.engine.events import Event
    from simulator.engine.ledger import Post, Promise, Record, ReplyRecord
    from simulator.engine.payloads import Payload
    from simulator.engine.steps import Step
    from simulator.format.scenario import Choice, Scenario
    from simulator.world import analysis
    from simulator.world.audience import Audience
    from simulator.world.persona import Archetype, PersonaState, Stimulus
    from simulator.world.ripple import Ripple


class SessionError(ValueError):
    """An action that cannot be applied now (unknown choice, finished session...)."""


class SessionState:
    if TYPE_CHECKING:
        scenario: Scenario
        seed: int
        trainee: str
        start: Any
        writer: Any
        t: float
        audience: Audience
        ripple: Ripple
        archetype: Archetype
        persona: PersonaState
        vars: dict[str, object]
        events: list[Event]
        posts: dict[str, Post]
        replies: list[ReplyRecord]
        records: list[Record]
        promises: list[Promise]
        steps: list[dict]
        agenda: Agenda
        authority: float
        escalated: list[str]
        approved: list[str]
        offered: list[str]
        spent: float
        hidden: list[str]
        walked_away: bool
        followed_up: bool
        private: bool
        acknowledged_at: float | None
        first_response_at: float | None
        unanswered: list[float]
        response_gaps: list[float]
        customer_posts: int
        beat: str | None
        visited: list[str]
        chosen: list[str]
        fired: list[str]
        skipped: list[str]
        said: list[str]
        used_lines: set[str]
        line_counts: dict[str, int]
        finished: bool
        _settling: bool
        end_reason: str
        last_action: str
        _counter: dict[str, int]
        _pile_on_mark: int
        _mood: str
        _silence_from: float
        rules_kept: dict[int, int]
        rules_broken: dict[int, int]
        drill: bool
        pending: dict[str, float]
        denied: list[str]
        review: float
        _needless: set[str]
        trace: list[Any]
        returns: list[str]
        brand_posts: list[Any]
        commenters: dict[str, PersonaState]
        _offer_view: tuple
        _held_seen: set[tuple[str, str]]

        # Behaviour one part uses and another (or the facade) provides.
        def env(self) -> dict: ...
        def outcome(self) -> str: ...
        def choices(self) -> tuple[Choice, ...]: ...
        def _next_id(self, prefix: str) -> str: ...
        def _rng(self, key: str) -> Any: ...
        def _emit(self, kind: str, actor: str = "", text: str = "", item: str = "", payload: Payload | None = None) -> Event: ...
        def _schedule(self, at: float, kind: str, payload: dict) -> None: ...
        def _record(self, step: Step, mark: int) -> None: ...
        def _enter(self, beat_id: str) -> None: ...
        def _end(self, reason: str) -> None: ...
        def _after_step(self) -> None: ...
        def _fire_inject(self, inject: Any) -> None: ...
        def _run_until(self, target: float) -> None: ...
        def _react(self, stimulus: Stimulus, about: str = "") -> None: ...
        def _say(self, trigger: str, public: bool, valence: float, variant: str = "", about: str = "") -> None: ...
        def _content(self) -> bool: ...
        def _public_item(self, source: str, kind: str, text: str, valence: float, arousal: float, *, item_id: str | None = None,
                         seeds: Any = None, moral: int = 0, author: str | None = None, key: str = "a",
                         platform: str = "main", title: str = "", followers: Any = None) -> str: ...
        def _customer_post(self, text: str, public: bool, valence: float, trigger: str | None) -> None: ...
        def _responded(self) -> None: ...
        def _keep(self, promise: Promise) -> None: ...
        def _message(self, n: int, action: Any, choice: Choice | None, offered: Any = ()) -> Choice | None: ...
        def _escalate(self, n: int, action: Any) -> None: ...
        def _offer(self, n: int, action: Any) -> None: ...
        def _hide(self, n: int, action: Any) -> None: ...
        def _screenshot(self, text: str, features: Any) -> None: ...
        def _analyse(self, text: str, choice: Choice | None) -> analysis.Analysis: ...
        def _mood_check(self) -> None: ...
        def _group_seed(self, group: str | None) -> tuple[int, ...]: ...
        def _trace(self, kind: str, **data: Any) -> None: ...
        def _set_vars(self, pairs: Any, by: str) -> None: ...
        def _context(self) -> analysis.ReplyContext: ...
        def current_beat(self) -> Any: ...
        def _brand_voice(self, inject: Any, text: str) -> str: ...
        def _thread_open(self) -> None: ...
        def _commenter_react(self, commenter_id: str, stimulus: Stimulus) -> None: ...
        def _commenter_happen(self, kind: str, payload: dict) -> None: ...
        def _addressee(self, to: str | None) -> str | None: ...
        def _after_choice(self, choice: Choice) -> None: ...
