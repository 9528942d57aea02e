"""The room server (aiohttp): the JSON API, the live stream and the pages, in one asyncio process.

Routes (docs/room-api.md has the contract):

    GET  /                               the organiser's page (create a room)
    GET  /room/{room}/{view}             facilitator | seat | projector | observer pages
    GET  /static/{file}                  the pages' scripts and styles (package data)
    GET  /api/scenarios                  the scenarios a room can run       (organiser code)
    POST /api/rooms                      a new room: its session and codes  (organiser code)
    GET  /api/rooms/{room}               the room's state, as the code's role sees it
    POST /api/rooms/{room}/actions       {"action": {...}} as the code's role
    GET  /api/rooms/{room}/stream        websocket: send {"code": ...} first, then states arrive
    GET  /api/rooms/{room}/report        ?format=md|html
    GET  /api/rooms/{room}/playbook
    GET  /api/rooms/{room}/fork          the decisions; POST with {"at", "action"} for the fork
    GET  /api/rooms/{room}/forecast      the worst-case forecast             (facilitator)

Codes travel in `Authorization: Bearer CODE` (the websocket's first message for the stream, as
browsers cannot set headers on one); a page's code comes from its link's #fragment, which never
reaches a server log. Every request passes `guard.check` (Host and Origin) first.
"""

from __future__ import annotations

import asyncio
import functools
import json
import secrets
import time
from dataclasses import dataclass, field
from importlib import resources

from aiohttp import WSMsgType, web

from simulator import services
from simulator.evaluate import drill as D
from simulator.room import guard
from simulator.room.codes import Attempts, Codes, new_code
from simulator.room.room import Client, Refused, Room, new_room_id

MAX_BODY = 64 * 1024
MAX_WS_MESSAGE = 4 * 1024
MAX_SEED = 2**63 - 1
VIEWS = ("facilitator", "seat", "projector", "observer")
PAGES = ("index.html", "room.html")
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}
AUTH_TIMEOUT = 10.0


@dataclass
class Limits:
    rooms: int = 20
    clients_per_room: int = 40
    pending_sockets: int = 100  # websockets that have not sent a code yet
    idle_seconds: float = 4 * 3600.0  # a room nobody is connected to closes after this
    attempts: int = 10  # failed codes per client address per minute
    tick: float = 1.0


@dataclass
class Server:
    """The server's state: the rooms, the organiser code, the limits."""

    workspace: services.Workspace
    allowed: frozenset[str]
    organiser: str = field(default_factory=new_code)
    limits: Limits = field(default_factory=Limits)
    rooms: dict[str, Room] = field(default_factory=dict)
    pending: int = 0

    def __post_init__(self) -> None:
        self.attempts = Attempts(self.limits.attempts, 60.0)
        self._catalogue = None

    def catalogue(self):
        if self._catalogue is None:
            self._catalogue = services.catalogue()
        return self._catalogue


SERVER = web.AppKey("server", Server)
REAPER: web.AppKey[asyncio.Task] = web.AppKey("reaper", asyncio.Task)


# ---------------------------------------------------------------- helpers


def _error(status: int, message: str, **headers) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers or None)


def _bearer(request: web.Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    scheme, _, code = auth.partition(" ")
    return code.strip() if scheme.lower() == "bearer" and code.strip() else None


def _client(request: web.Request) -> str:
    return request.remote or "?"


def _refuse_code(server: Server, request: web.Request, code: str | None) -> web.Response:
    if code is None:
        return _error(401, "a code is needed: Authorization: Bearer CODE", **{"WWW-Authenticate": "Bearer"})
    server.attempts.failed(_client(request))
    return _error(403, "that code is not valid here (codes die with their room)")


def _blocked(server: Server, request: web.Request) -> web.Response | None:
    wait = server.attempts.blocked(_client(request))
    if wait:
        return _error(429, "too many wrong codes from this address: wait a minute", **{"Retry-After": str(int(wait) + 1)})
    return None


def _organiser(server: Server, request: web.Request) -> web.Response | None:
    blocked = _blocked(server, request)
    if blocked is not None:
        return blocked
    code = _bearer(request)
    if code is None or not secrets.compare_digest(code.encode(), server.organiser.encode()):
        return _refuse_code(server, request, code)
    return None


def _room_and_role(server: Server, request: web.Request) -> tuple[Room, str] | web.Response:
    blocked = _blocked(server, request)
    if blocked is not None:
        return blocked
    room = server.rooms.get(request.match_info["room"])
    code = _bearer(request)
    role = room.codes.role_of(code) if room is not None else None
    if room is None or role is None:
        return _refuse_code(server, request, code)
    return room, role


def in_room(handler):
    """A room endpoint: the request's room and the role its code opens, or the refusal (401/403/429)."""

    @functools.wraps(handler)
    async def endpoint(request: web.Request) -> web.StreamResponse:
        server: Server = request.app[SERVER]
        found = _room_and_role(server, request)
        if isinstance(found, web.Response):
            return found
        room, role = found
        return await handler(request, server, room, role)

    return endpoint


async def _json(request: web.Request) -> dict:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text=json.dumps({"error": "the body is not JSON"}), content_type="application/json") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text=json.dumps({"error": "the body is a JSON object"}), content_type="application/json")
    return body


# ---------------------------------------------------------------- middleware


@web.middleware
async def _guard(request: web.Request, handler):
    server: Server = request.app[SERVER]
    why = guard.check(request.headers, server.allowed)
    if why is not None:
        return _error(403, why)
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        return _error(413, f"the body is too large (at most {MAX_BODY} bytes)")


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    for key, value in guard.HEADERS.items():
        response.headers.setdefault(key, value)


# ---------------------------------------------------------------- pages


def _asset(name: str) -> bytes | None:
    try:
        return resources.files("simulator.room").joinpath("pages", name).read_bytes()
    except (FileNotFoundError, IsADirectoryError, OSError):
        return None


async def index(request: web.Request) -> web.Response:
    return web.Response(body=_asset("index.html"), content_type="text/html", charset="utf-8")


async def room_page(request: web.Request) -> web.Response:
    if request.match_info["view"] not in VIEWS:
        raise web.HTTPNotFound()
    return web.Response(body=_asset("room.html"), content_type="text/html", charset="utf-8")


async def static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    suffix = name[name.rfind("."):] if "." in name else ""
    if "/" in name or "\\" in name or name.startswith(".") or suffix not in (".js", ".css"):
        raise web.HTTPNotFound()
    body = _asset(name)
    if body is None:
        raise web.HTTPNotFound()
    return web.Response(body=body, content_type=STATIC_TYPES[suffix], charset="utf-8")


# ---------------------------------------------------------------- the API


async def list_scenarios(request: web.Request) -> web.Response:
    server: Server = request.app[SERVER]
    refused = _organiser(server, request)
    if refused is not None:
        return refused
    cat = await asyncio.to_thread(server.catalogue)
    return web.json_response({"scenarios": [
        {"id": s.id, "title": s.title, "track": s.track, "mode": s.mode,
         "roles": [{"id": r.id, "title": r.title, "trainee": r.trainee} for r in s.roles]}
        for s in cat.scenarios if s.roles]})


async def create_room(request: web.Request) -> web.Response:
    server: Server = request.app[SERVER]
    refused = _organiser(server, request)
    if refused is not None:
        return refused
    body = await _json(request)
    if len([r for r in server.rooms.values() if not r.closed]) >= server.limits.rooms:
        return _error(503, f"this server holds at most {server.limits.rooms} rooms: close one first")
    try:
        room = await asyncio.to_thread(_open_room, server, body)
    except Refused as exc:
        return _error(exc.status, str(exc))
    server.rooms[room.id] = room
    room.start()
    return web.json_response({"room": room.id, "session": room.session_id, "codes": room.codes.as_dict()}, status=201)


def _open_room(server: Server, body: dict) -> Room:
    """A new drill (or a saved drill resumed) held by a new room. Runs in a worker thread."""
    ws = server.workspace
    facilitator = " ".join(str(body.get("facilitator") or "Facilitator").split())[:60] or "Facilitator"
    if body.get("drill", True) is not True:
        raise Refused(400, "a room runs a drill: drill must be true")
    if "resume" in body:
        ref = body["resume"]
        if not isinstance(ref, str) or not ref or len(ref) > 200 or any(c in ref for c in "/\\*?[") or ref.startswith("."):
            raise Refused(400, "resume takes a saved session's id")
        try:
            if not services.is_drill(ws, ref):
                raise Refused(400, f"session '{ref}' was not played as a drill")
            session = services.resume(ws, ref, what="room")
        except services.SessionLocked as exc:
            raise Refused(409, str(exc)) from None
        except (FileNotFoundError, ValueError, OSError) as exc:
            raise Refused(404, f"cannot resume '{ref}': {exc}") from None
        except Exception as exc:  # a transcript that no longer replays
            raise Refused(400, f"cannot resume '{ref}': {exc}") from None
        team = D.team_from_session(session)
    else:
        scenario_id = body.get("scenario")
        scenario = server.catalogue().get(scenario_id) if isinstance(scenario_id, str) else None
        if scenario is None:
            known = ", ".join(s.id for s in server.catalogue().scenarios if s.roles)
            raise Refused(400, f"no scenario '{scenario_id}' (scenarios with roles: {known})")
        if not scenario.roles:
            raise Refused(400, f"{scenario.id} has no roles to seat a team in")
        seed = body.get("seed")
        if seed is None:
            seed = secrets.randbelow(2**31)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise Refused(400, f"seed is a whole number from 0 to {MAX_SEED}")
        team_body = body.get("team") or {}
        if not isinstance(team_body, dict) or len(team_body) > 50 or not all(isinstance(v, str) for v in team_body.values()):
            raise Refused(400, "team maps role ids to names: {\"agent\": \"Ana\"}")
        try:
            team = D.team_of(scenario, team_body)
        except D.DrillError as exc:
            raise Refused(400, str(exc)) from None
        session = services.open_session(ws, scenario, seed, trainee=", ".join(p for _, p in team.pairs()),
                                        start=D.drill_start(team), what="room")
    roles = ["facilitator", "observer", "projector", *(s.role for s in team.seats)]
    return Room(new_room_id(), ws, session, team, Codes(roles), facilitator=facilitator, tick=server.limits.tick)


def open_first_room(server: Server, body: dict) -> Room:
    """A room opened before the server starts (`crisis serve SCENARIO`); its clock starts with the server."""
    room = _open_room(server, body)
    server.rooms[room.id] = room
    return room


@in_room
async def room_state(request: web.Request, server: Server, room: Room, role: str) -> web.Response:
    state = await room.read(lambda s: room.view(role))
    return web.json_response(state)


@in_room
async def room_action(request: web.Request, server: Server, room: Room, role: str) -> web.Response:
    body = await _json(request)
    if "action" not in body:
        return _error(400, "the body is {\"action\": {...}}")
    who = body.get("as", "")
    try:
        done = await room.act(role, body["action"], who if isinstance(who, str) else "")
    except Refused as exc:
        return _error(exc.status, str(exc))
    if room.closed:
        await _hang_up(room)
    return web.json_response({"ok": True, "version": done.version, "events": list(done.events)})


async def _hang_up(room: Room) -> None:
    for client in list(room.clients):
        if client.conn is not None:
            await client.conn.close(code=4410, message=b"the room is closed")


async def stream(request: web.Request) -> web.StreamResponse:
    server: Server = request.app[SERVER]
    room = server.rooms.get(request.match_info["room"])
    blocked = _blocked(server, request)
    if blocked is not None:
        return blocked
    if server.pending >= server.limits.pending_sockets:
        return _error(503, "too many connections waiting to sign in")
    ws = web.WebSocketResponse(max_msg_size=MAX_WS_MESSAGE, heartbeat=30.0)
    await ws.prepare(request)
    server.pending += 1
    try:
        try:
            msg = await asyncio.wait_for(ws.receive(), AUTH_TIMEOUT)
        except TimeoutError:
            await ws.close(code=4401, message=b"send {\"code\": ...} first")
            return ws
        code = None
        if msg.type == WSMsgType.TEXT:
            try:
                first = json.loads(msg.data)
                code = first.get("code") if isinstance(first, dict) else None
            except ValueError:
                code = None
        role = room.codes.role_of(code) if room is not None and isinstance(code, str) else None
        if room is None or role is None:
            server.attempts.failed(_client(request))
            await ws.close(code=4403, message=b"that code is not valid here")
            return ws
        if len(room.clients) >= server.limits.clients_per_room:
            await ws.close(code=4429, message=b"the room is full")
            return ws
    finally:
        server.pending -= 1
    client = Client(role, ws.send_str)
    client.conn = ws
    await room.attach(client)
    client.task = asyncio.get_running_loop().create_task(client.pump())
    try:
        async for message in ws:
            if message.type == WSMsgType.TEXT and message.data == "ping":
                await ws.send_str('{"type":"pong"}')
    finally:
        room.detach(client)
        client.task.cancel()
    return ws


@in_room
async def report(request: web.Request, server: Server, room: Room, role: str) -> web.Response:
    if role == "projector":
        return _error(403, "the projector has no documents")
    fmt = request.query.get("format", "md")
    if fmt not in ("md", "html"):
        return _error(400, "format is md or html")
    text = await room.read(lambda s: services.session_report(s, fmt))
    name = f"{room.session_id or room.id}.report.{fmt}"
    return web.Response(text=text, content_type="text/html" if fmt == "html" else "text/markdown", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


@in_room
async def playbook(request: web.Request, server: Server, room: Room, role: str) -> web.Response:
    if role == "projector":
        return _error(403, "the projector has no documents")
    text = await room.read(lambda s: services.playbook_text(s))
    name = f"{room.session_id or room.id}.playbook.md"
    return web.Response(text=text, content_type="text/markdown", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


@in_room
async def fork(request: web.Request, server: Server, room: Room, role: str) -> web.Response:
    if role not in ("facilitator", "observer"):
        return _error(403, "the fork is the facilitator's and the observers'")
    if request.method == "GET":
        listed = await room.read(D.decisions)
        return web.json_response({"decisions": [{"n": d.n, "t": d.t, "kind": d.kind, "label": d.label, "who": d.who}
                                                for d in listed]})
    body = await _json(request)
    at, alternative, then = body.get("at"), body.get("action"), body.get("then", "finish")
    if isinstance(at, bool) or not isinstance(at, int) or not isinstance(alternative, dict) or then not in ("finish", "rest"):
        return _error(400, "the body is {\"at\": N, \"action\": {...}, \"then\": \"finish\"|\"rest\"}")
    try:
        result = await room.read(lambda s: D.fork(s, at, alternative, then=then))
    except D.DrillError as exc:
        return _error(400, str(exc))
    return web.json_response(result.to_json(), headers={"Content-Disposition": f'attachment; filename="{room.session_id}.fork-{at}.json"'})


@in_room
async def forecast(request: web.Request, server: Server, room: Room, role: str) -> web.Response:
    if role != "facilitator":
        return _error(403, "the forecast is the facilitator's")
    try:
        result = await room.forecast()
    except D.DrillError as exc:
        return _error(409, str(exc))
    return web.json_response(result)


# ---------------------------------------------------------------- the app


async def _reaper(app: web.Application) -> None:
    """Rooms nobody has been connected to for `idle_seconds` close, and their codes with them."""
    server: Server = app[SERVER]
    while True:
        await asyncio.sleep(min(60.0, server.limits.idle_seconds / 4))
        now = time.monotonic()
        for room_id, room in list(server.rooms.items()):
            if room.closed or (not room.clients and now - room.last_active > server.limits.idle_seconds):
                await room.close()
                server.rooms.pop(room_id, None)


async def _start_background(app: web.Application) -> None:
    app[REAPER] = asyncio.get_running_loop().create_task(_reaper(app))
    for room in app[SERVER].rooms.values():
        room.start()


async def _shutdown(app: web.Application) -> None:
    app[REAPER].cancel()
    server: Server = app[SERVER]
    for room in list(server.rooms.values()):
        await _hang_up(room)
        await room.close()


def make_app(server: Server) -> web.Application:
    app = web.Application(middlewares=[_guard], client_max_size=MAX_BODY)
    app[SERVER] = server
    app.on_response_prepare.append(_headers)
    app.on_startup.append(_start_background)
    app.on_shutdown.append(_shutdown)
    app.router.add_get("/", index)
    app.router.add_get("/room/{room}/{view}", room_page)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/api/scenarios", list_scenarios)
    app.router.add_post("/api/rooms", create_room)
    app.router.add_get("/api/rooms/{room}", room_state)
    app.router.add_post("/api/rooms/{room}/actions", room_action)
    app.router.add_get("/api/rooms/{room}/stream", stream)
    app.router.add_get("/api/rooms/{room}/report", report)
    app.router.add_get("/api/rooms/{room}/playbook", playbook)
    app.router.add_get("/api/rooms/{room}/fork", fork)
    app.router.add_post("/api/rooms/{room}/fork", fork)
    app.router.add_get("/api/rooms/{room}/forecast", forecast)
    return app


def run(server: Server, host: str, port: int) -> None:
    """Serve until interrupted (Ctrl+C closes every room and releases its session)."""
    web.run_app(make_app(server), host=host, port=port, print=None, handle_signals=True, access_log=None)
