"""A drill room seen from a terminal: the room's JSON API and live stream, over aiohttp.

`crisis join URL --code CODE` opens the Textual UI on a seat of a room that another process
holds (`crisis serve`). The terminal never touches the session: it reads the state the room sends
for its code's role and posts actions, exactly as the room's web pages do (docs/room-api.md).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import aiohttp


class JoinError(ValueError):
    """A room link that cannot be used; the message says why."""


@dataclass(frozen=True)
class RoomLink:
    base: str  # scheme://host:port
    room: str
    code: str

    @classmethod
    def parse(cls, url: str, code: str | None = None) -> RoomLink:
        """A room's link (`http://HOST:PORT/room/ROOM/seat#CODE`); `code` wins over the link's fragment."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise JoinError(f"'{url}' is not a room link (http://HOST:PORT/room/ROOM/...)")
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) < 2 or segments[0] != "room":
            raise JoinError(f"'{url}' is not a room link: the path is /room/ROOM/VIEW")
        chosen = (code or parts.fragment or "").strip()
        if not chosen:
            raise JoinError("a code is needed: --code CODE (or the link with its #code)")
        return cls(urlunsplit((parts.scheme, parts.netloc, "", "", "")), segments[1], chosen)

    @property
    def api(self) -> str:
        return f"{self.base}/api/rooms/{self.room}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.code}"}


class RoomRefused(Exception):
    """The room said no; `status` is the HTTP status and the message its reason."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class RoomClient:
    def __init__(self, link: RoomLink, session: aiohttp.ClientSession):
        self.link = link
        self.http = session

    async def _answer(self, response: aiohttp.ClientResponse) -> dict:
        try:
            body = await response.json(content_type=None)
        except (ValueError, aiohttp.ContentTypeError):
            body = {"error": (await response.text())[:200]}
        if response.status >= 400:
            raise RoomRefused(response.status, str(body.get("error", f"refused ({response.status})")))
        return body

    async def state(self) -> dict:
        async with self.http.get(self.link.api, headers=self.link.headers) as r:
            return await self._answer(r)

    async def act(self, action: dict) -> dict:
        async with self.http.post(f"{self.link.api}/actions", json={"action": action}, headers=self.link.headers) as r:
            return await self._answer(r)

    async def states(self) -> AsyncIterator[dict]:
        """The room's state now and after every change, until the room closes the stream."""
        async with self.http.ws_connect(f"{self.link.api}/stream", max_msg_size=8 * 1024 * 1024) as ws:
            await ws.send_str(json.dumps({"code": self.link.code}))
            async for message in ws:
                if message.type == aiohttp.WSMsgType.TEXT:
                    data = json.loads(message.data)
                    if data.get("type") == "state":
                        yield data["state"]
            if ws.close_code in (4403, 4410, 4429):
                reason = {4403: "the code is not valid here (the room may be closed)", 4410: "the room is closed",
                          4429: "the room is full"}[ws.close_code]
                raise RoomRefused(ws.close_code, reason)


def command(line: str, suggestions=()) -> dict:
    """A line typed in the terminal as a room action. Plain text replies; `/...` are the other moves:

    /1../9 or /choose ID, /escalate ROLE [note], /offer REMEDY [value], /hide POST, /private TEXT,
    /wait 10m, /approve [limit] [note], /deny [note], /answer N TEXT, /finish.
    """
    text = line.strip()
    if not text:
        raise JoinError("type a reply, or a /command (/help lists them)")
    if not text.startswith("/"):
        return {"reply": text}
    name, _, rest = text[1:].partition(" ")
    rest = rest.strip()
    if name.isdigit():
        n = int(name)
        if not 1 <= n <= len(suggestions):
            raise JoinError(f"there is no suggested move {n} now")
        return {"choose": suggestions[n - 1]["id"]}
    if name == "choose" and rest:
        return {"choose": rest}
    if name == "escalate" and rest:
        role, _, note = rest.partition(" ")
        return {"escalate": {"role": role, "note": note.strip()} if note.strip() else role}
    if name == "offer" and rest:
        remedy, _, value = rest.partition(" ")
        if value.strip():
            try:
                return {"offer": {"remedy": remedy, "value": float(value)}}
            except ValueError:
                raise JoinError("/offer REMEDY [value]: the value is a number") from None
        return {"offer": remedy}
    if name == "hide" and rest:
        return {"hide": rest}
    if name == "private" and rest:
        return {"private": rest}
    if name == "wait" and rest:
        return {"wait": rest}
    if name in ("approve", "deny"):
        decision: dict = {"approve": name == "approve"}
        first, _, more = rest.partition(" ")
        if name == "approve" and first:
            try:
                decision["limit"] = float(first)
                rest = more.strip()
            except ValueError:
                pass
        if rest:
            decision["note"] = rest
        return {"decide": decision}
    if name == "answer":
        number, _, answer = rest.partition(" ")
        if not number.isdigit() or not answer.strip():
            raise JoinError("/answer N TEXT")
        return {"answer": {"question": int(number), "text": answer.strip()}}
    if name == "finish":
        return {"finish": True}
    raise JoinError(f"unknown command '/{name}': /help lists them")


HELP = ("Plain text posts a reply (the conversation's seat). /1../9 a suggested move · /escalate ROLE [note] · "
        "/offer REMEDY [value] · /hide POST · /private TEXT · /wait 10m · /approve [limit] [note] · /deny [note] · "
        "/answer N TEXT · /finish")
