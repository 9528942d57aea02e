"""The trainee's moves, as values.

The same values come from the keyboard, from a play script (`crisis run --script`), from a
scenario's `tests:` and from the fuzzer, and go into the transcript; so a session can be replayed
exactly from its seed and its actions, whoever made them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from simulator.format.diagnostics import did_you_mean
from simulator.format.durations import parse_duration

MAX_TEXT = 5000
CHANNELS = ("dm", "email", "phone")


@dataclass(frozen=True)
class Reply:
    """A public reply (free text, or the author's suggestion `choice`); `to` aims it at a post or a named commenter."""

    text: str
    choice: str | None = None
    commit: bool | None = None  # False: the trainee declined to apply what the words commit to
    to: str | None = None
    kind = "reply"


@dataclass(frozen=True)
class Private:
    """Move to (or continue in) a private channel."""

    text: str
    channel: str = "dm"
    choice: str | None = None
    commit: bool | None = None
    kind = "private"


@dataclass(frozen=True)
class Escalate:
    """Ask a role up the ladder to step in (who needs to know)."""

    role: str
    note: str = ""
    kind = "escalate"


@dataclass(frozen=True)
class Offer:
    """Offer a remedy from the catalogue, within the authority the trainee has."""

    remedy: str
    value: float | None = None
    kind = "offer"


@dataclass(frozen=True)
class Hide:
    """Hide or delete a post; `tell` is the explanation sent to the poster (or empty)."""

    post: str
    tell: str = ""
    kind = "hide"


@dataclass(frozen=True)
class WalkAway:
    """Leave the conversation gracefully, with a last word that leaves the door open."""

    text: str
    choice: str | None = None
    kind = "walk_away"


@dataclass(frozen=True)
class FollowUp:
    """A visible post in the aftermath."""

    text: str
    choice: str | None = None
    commit: bool | None = None
    kind = "follow_up"


@dataclass(frozen=True)
class Wait:
    """Let the clock run and watch."""

    minutes: float
    kind = "wait"


@dataclass(frozen=True)
class Choose:
    """Pick one of the current beat's suggested moves by id."""

    choice: str
    kind = "choose"


Action = Reply | Private | Escalate | Offer | Hide | WalkAway | FollowUp | Wait | Choose

ACTION_TYPES = {cls.kind: cls for cls in (Reply, Private, Escalate, Offer, Hide, WalkAway, FollowUp, Wait, Choose)}


class ActionError(ValueError):
    """A play-script entry that is not a valid action; `where` is its path inside the list."""

    def __init__(self, message: str, where: tuple = ()):
        super().__init__(message)
        self.where = where


def to_dict(action) -> dict:
    """The action as it is written in play scripts and transcripts (one key per action)."""
    data = {k: v for k, v in asdict(action).items() if v not in (None, "")}
    kind = action.kind
    if kind == "wait":
        return {"wait": action.minutes}
    if kind == "choose":
        return {"choose": action.choice}
    if kind == "escalate":
        return {"escalate": data} if action.note else {"escalate": action.role}
    if kind == "offer":
        return {"offer": data}
    if kind == "hide":
        return {"hide": data} if action.tell else {"hide": action.post}
    declined = getattr(action, "commit", None) is False
    if kind in ("reply", "walk_away", "follow_up"):
        return {kind: data} if (action.choice or declined or getattr(action, "to", None)) else {kind: action.text}
    if kind == "private":
        return {"private": data} if (action.choice or action.channel != "dm" or declined) else {"private": action.text}
    raise AssertionError(kind)


def _text(value, where, kind) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ActionError(f"{kind} needs text", where)
    text = str(value)
    if len(text) > MAX_TEXT:
        raise ActionError(f"{kind} text is longer than {MAX_TEXT} characters", where)
    return text


def parse_action(entry, where: tuple = (), refs: dict | None = None):
    """One action from its play-script form, e.g. {'reply': 'text'} or {'offer': {'remedy': 'credit'}}."""
    if isinstance(entry, str) and entry in ("wait",):
        raise ActionError("wait needs a duration, e.g. 'wait: 30m'", where)
    if not isinstance(entry, dict) or len(entry) != 1:
        raise ActionError(
            "each action is a one-key map such as `reply: \"text\"`, `choose: ID`, `wait: 30m`", where
        )
    (kind, value), = entry.items()
    refs = refs or {}

    def known(name, value, what):
        pool = refs.get(name)
        if pool is not None and value not in pool:
            raise ActionError(f"no {what} '{value}'{did_you_mean(value, pool)}", (*where, kind))

    if kind in ("reply", "walk_away", "follow_up", "private"):
        cls: Any = ACTION_TYPES[kind]
        if isinstance(value, dict):
            allowed = {"text", "choice"} | ({"channel"} if kind == "private" else set()) | (
                {"commit"} if kind != "walk_away" else set()) | ({"to"} if kind == "reply" else set())
            extra = set(value) - allowed
            if extra:
                raise ActionError(f"{kind} takes {', '.join(sorted(allowed))}; not {', '.join(sorted(extra))}", (*where, kind))
            if value.get("choice") is not None:
                known("choices", value["choice"], "choice")
            kwargs: dict[str, Any] = {"text": _text(value.get("text", ""), where, kind), "choice": value.get("choice")}
            if kind == "reply" and value.get("to") is not None:
                if not isinstance(value["to"], str) or not value["to"].strip():
                    raise ActionError("reply to: needs a post id (c1, i2, dana1...) or a commenter id", (*where, kind))
                kwargs["to"] = value["to"]
            if "commit" in value:
                if not isinstance(value["commit"], bool):
                    raise ActionError(f"{kind} commit is true or false", (*where, kind))
                kwargs["commit"] = value["commit"]
            if kind == "private":
                channel = value.get("channel", "dm")
                if channel not in CHANNELS:
                    raise ActionError(f"channel must be one of {', '.join(CHANNELS)}", (*where, kind))
                kwargs["channel"] = channel
            return cls(**kwargs)
        return cls(text=_text(value, where, kind))
    if kind == "choose":
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise ActionError("choose needs a choice id", where)
        known("choices", str(value), "choice")
        return Choose(str(value))
    if kind == "escalate":
        if isinstance(value, dict):
            role, note = value.get("role"), value.get("note", "")
        else:
            role, note = value, ""
        if not isinstance(role, str):
            raise ActionError("escalate needs a role id", where)
        known("roles", role, "role")
        return Escalate(role, _text(note, where, kind) if note else "")
    if kind == "offer":
        remedy: Any
        if isinstance(value, str):
            remedy, amount = value, None
        elif isinstance(value, dict):
            remedy, amount = value.get("remedy"), value.get("value")
            extra = set(value) - {"remedy", "value"}
            if extra:
                raise ActionError(f"offer takes remedy and value; not {', '.join(sorted(extra))}", (*where, kind))
        else:
            raise ActionError("offer needs a remedy id or {remedy: ID, value: N}", where)
        if not isinstance(remedy, str):
            raise ActionError("offer needs a remedy id", where)
        known("remedies", remedy, "remedy")
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0 or amount > 1e9):
            raise ActionError("offer value must be a number, 0 or more", (*where, kind))
        return Offer(remedy, float(amount) if amount is not None else None)
    if kind == "hide":
        if isinstance(value, dict):
            post, tell = value.get("post"), value.get("tell", "")
        else:
            post, tell = value, ""
        if not isinstance(post, str):
            raise ActionError("hide needs a post id", where)
        return Hide(post, _text(tell, where, kind) if tell else "")
    if kind == "wait":
        try:
            minutes = parse_duration(value)
        except ValueError as exc:
            raise ActionError(f"wait: {exc}", where) from None
        if minutes <= 0 or minutes > 30 * 1440:
            raise ActionError("wait must be more than 0 and at most 30 days", where)
        return Wait(minutes)

    raise ActionError(f"unknown action '{kind}'{did_you_mean(kind, ACTION_TYPES)}", where)


def parse_actions(entries, refs: dict | None = None) -> list:
    if not isinstance(entries, list):
        raise ActionError("actions must be a list")
    return [parse_action(entry, (i,), refs) for i, entry in enumerate(entries)]
