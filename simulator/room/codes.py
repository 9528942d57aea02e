"""Room codes: one unguessable code per role, compared in constant time, dying with the room.

A code is `secrets.token_urlsafe(24)`: 192 random bits, so guessing is hopeless even before the
rate limit (`Attempts`) slows a client to a few tries a minute. The code decides the role and
therefore the view and the acts allowed; nobody chooses their role by asking for it.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque

CODE_BYTES = 24  # 192 bits (the brief asks for at least 128)


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


class Codes:
    """role -> code for one room."""

    def __init__(self, roles):
        self._codes: dict[str, str] = {role: new_code() for role in roles}

    def __iter__(self):
        return iter(self._codes)

    def as_dict(self) -> dict[str, str]:
        return dict(self._codes)

    def role_of(self, code: str | None) -> str | None:
        """The role whose code this is (every code compared, in constant time), else None."""
        if not code or not isinstance(code, str) or len(code) > 200:
            return None
        found = None
        given = code.encode("utf-8", "replace")
        for role, real in self._codes.items():
            if hmac.compare_digest(given, real.encode()):
                found = role
        return found

    def revoke(self) -> None:
        self._codes.clear()


class Attempts:
    """Failed code attempts per client address: more than `limit` in `window` seconds are refused (429)."""

    def __init__(self, limit: int = 10, window: float = 60.0, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failed: dict[str, deque[float]] = {}

    def _recent(self, client: str) -> deque[float]:
        now = self.clock()
        q = self._failed.setdefault(client, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        if not q:
            self._failed.pop(client, None)
        return q

    def blocked(self, client: str) -> float:
        """Seconds until this client may try again (0: it may)."""
        q = self._recent(client)
        if len(q) < self.limit:
            return 0.0
        return max(0.0, q[0] + self.window - self.clock())

    def failed(self, client: str) -> None:
        q = self._recent(client)
        q.append(self.clock())
        self._failed[client] = q
        if len(self._failed) > 10_000:  # a flood of addresses: forget the oldest
            self._failed.pop(next(iter(self._failed)))
