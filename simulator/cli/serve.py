"""`crisis serve`: drill rooms for browsers (the default), or the terminal UI in a browser (`--tui`).

Drill rooms (simulator/room): one process holds each room's session as its single writer; the
facilitator, the seats, a projector and observers join it from their own browsers with a code
per role. Creating rooms takes the organiser link printed here. `--tui` is the older
single-player mode: textual-serve runs one `crisis` process per browser tab and streams its
screen over a websocket; there is no login, whoever can reach the port can play and read the
saved sessions of this machine's data directory. Either way the server binds to loopback
(127.0.0.1) unless told otherwise, and says loudly what it means when it is told otherwise.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import shlex
import socket
import sys

from simulator.cli.core import load_or_fail
from simulator.cli.errors import Failure, UsageError

DEFAULT_PORT = 8000


def register(sub) -> None:
    p = sub.add_parser("serve", help="host drill rooms for browsers (loopback by default); --tui: the terminal UI in a browser")
    p.add_argument("scenario", nargs="?", help="rooms: open a first room on this scenario id; --tui: open straight into it "
                                               "(id or path; default: the home screen)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only; 0.0.0.0 lets others on the network join)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--drill", action="store_true", help="open the scenario as a team drill")
    p.add_argument("--seed", type=int, default=None, help="fixed seed for every browser tab (default: a new one each time)")
    p.add_argument("--public-url", metavar="URL",
                   help="the address browsers use, when it differs from --host (e.g. http://192.168.1.20:8000)")
    p.add_argument("--tui", action="store_true", help="serve the single-player terminal UI (one process per tab) instead of rooms")
    p.add_argument("--team", action="append", default=[], metavar="ROLE=NAME",
                   help="rooms: who sits in a role of the first room (repeat)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="rooms: another Host name browsers use (a reverse proxy's); others are refused")
    p.add_argument("--max-rooms", type=int, default=20, metavar="N", help="rooms: at most N rooms at once (default 20)")
    p.add_argument("--max-clients", type=int, default=40, metavar="N", help="rooms: at most N screens per room (default 40)")
    p.set_defaults(handler=cmd_serve)


def is_loopback(host: str) -> bool:
    """Whether only this machine can connect to `host` (names are resolved; every address must be loopback)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def app_command(args) -> str:
    """The shell command textual-serve runs for each browser tab: this Python, this package."""
    parts = [sys.executable, "-m", "simulator"]
    if getattr(args, "home", None):  # each tab's process uses the same data directory
        parts += ["--home", str(args.home)]
    if args.scenario or args.drill:
        parts.append("drill" if args.drill else "play")
        if args.scenario:
            parts.append(args.scenario)
        if args.seed is not None:
            parts += ["--seed", str(args.seed)]
    return shlex.join(parts)


def _lan_address() -> str:
    """This machine's address on the local network, for the message that tells people where to go."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent, the OS only picks a route
            return s.getsockname()[0]
    except OSError:
        return socket.gethostname()


def cmd_serve(args) -> int:
    if not 1 <= args.port <= 65535:
        raise UsageError("--port takes a number from 1 to 65535")
    if not getattr(args, "tui", True):
        return _serve_rooms(args)
    if args.drill and not args.scenario:
        raise UsageError("--drill needs a scenario (crisis serve SCENARIO --drill)")
    if args.scenario:
        load_or_fail(args.scenario)  # a bad scenario fails here, not in every browser tab
    if importlib.util.find_spec("textual_serve") is None:
        raise Failure("crisis: error: crisis serve needs textual-serve: pip install textual-serve into the same environment "
                      "(from a checkout: pip install '.[serve]')")
    host = args.host
    loopback = is_loopback(host)
    unspecified = host in ("0.0.0.0", "::", "[::]")
    public_url = args.public_url
    if public_url is None:
        shown = _lan_address() if unspecified else host
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        public_url = f"http://{shown}:{args.port}"
    if loopback:
        print(f"Serving Crisis Tabletop on {public_url} (this machine only).", file=sys.stderr)
        print("  To let laptops in the room join, run on a trusted network:  crisis serve --host 0.0.0.0"
              + (f" --port {args.port}" if args.port != DEFAULT_PORT else ""), file=sys.stderr)
    else:
        print(f"warning: serving on {host}:{args.port}, reachable from other machines: there is no login, so anyone who can "
              "reach this port can play and read the saved sessions in this data directory. Use a trusted network "
              "(or a firewall rule), and stop the server (Ctrl+C) when the drill is over.", file=sys.stderr)
        print(f"Open {public_url} in a browser.", file=sys.stderr)
    print("Press Ctrl+C to stop.", file=sys.stderr)
    from simulator.ui.served import serve  # the UI package, loaded only when serving

    try:
        serve(app_command(args), host, args.port, public_url)
    except OSError as exc:
        raise Failure(f"{host}:{args.port}: error: serve: cannot listen: {exc.strerror or exc}") from None
    return 0


def _public_url(args) -> str:
    if args.public_url:
        return args.public_url.rstrip("/")
    unspecified = args.host in ("0.0.0.0", "::", "[::]")
    shown = _lan_address() if unspecified else args.host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{args.port}"


def _serve_rooms(args) -> int:
    """Drill rooms: the organiser link, an optional first room, and the server until Ctrl+C."""
    from simulator.cli.core import workspace
    from simulator.evaluate.drill import DrillError, parse_assignments

    if args.drill:
        raise UsageError("--drill is for --tui: every room is a drill")
    if not 1 <= args.max_rooms <= 1000 or not 1 <= args.max_clients <= 1000:
        raise UsageError("--max-rooms and --max-clients take a number from 1 to 1000")
    if args.seed is not None and not 0 <= args.seed < 2**63:
        raise UsageError("--seed takes a whole number from 0 to 2**63-1")
    try:
        team = parse_assignments(args.team)
    except DrillError as exc:
        raise UsageError(str(exc)) from None
    if args.team and not args.scenario:
        raise UsageError("--team needs a scenario (crisis serve SCENARIO --team ROLE=NAME)")
    from simulator.room import guard
    from simulator.room.room import Refused
    from simulator.room.server import Limits, Server, open_first_room, run

    host = args.host
    public_url = _public_url(args)
    allowed = guard.allowed_hosts(host, public_url, args.allow_host, wildcard_names=(_lan_address(), socket.gethostname()))
    server = Server(workspace(args), allowed, limits=Limits(rooms=args.max_rooms, clients_per_room=args.max_clients))
    first = None
    if args.scenario:
        try:
            first = open_first_room(server, {"scenario": args.scenario, "seed": args.seed, "team": team})
        except Refused as exc:
            if exc.status == 400:
                raise UsageError(str(exc)) from None
            raise Failure(f"crisis: error: {exc}") from None
    if is_loopback(host):
        print(f"Drill rooms on {public_url} (this machine only).", file=sys.stderr)
        print("  To let laptops in the room join, run on a trusted network:  crisis serve --host 0.0.0.0"
              + (f" --port {args.port}" if args.port != DEFAULT_PORT else ""), file=sys.stderr)
    else:
        print(f"warning: serving drill rooms on {host}:{args.port}, reachable from other machines. Anyone with a room's code "
              "can join that room in the code's role, and anyone with the organiser link can open rooms: hand links out "
              "in the room only. Use a trusted network, or a TLS reverse proxy (docs/room-api.md), and stop the server "
              "(Ctrl+C) when the drill is over.", file=sys.stderr)
        print(f"  Others reach it at {public_url} (if that is not the address they use, say --public-url URL).", file=sys.stderr)
    print(f"Organiser link (opens rooms; keep it to yourself): {public_url}/#k={server.organiser}", file=sys.stderr)
    if first is not None:
        code = first.codes.as_dict()["facilitator"]
        print(f"Room {first.id} on {first.session.scenario.id} (session {first.session_id}).", file=sys.stderr)
        print(f"  Facilitator link (the seats' links are on its page): {public_url}/room/{first.id}/facilitator#{code}",
              file=sys.stderr)
    print("Press Ctrl+C to stop (the sessions stay saved; resume them in a terminal or a new room).", file=sys.stderr)
    try:
        run(server, host, args.port)
    except OSError as exc:
        raise Failure(f"{host}:{args.port}: error: serve: cannot listen: {exc.strerror or exc}") from None
    return 0
