"""`crisis serve`: the UI in a browser, so a drill can be projected in a room or joined from laptops.

textual-serve runs one `crisis` process per browser tab and streams its screen over a
websocket. There is no login: whoever can reach the port can play and read the saved sessions
of this machine's data directory. So the server binds to loopback (127.0.0.1) unless told
otherwise, and says loudly what it means when it is told otherwise.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import shlex
import socket
import sys
from urllib.parse import urlsplit

from simulator.cli.core import load_or_fail
from simulator.cli.errors import Failure, UsageError

DEFAULT_PORT = 8000


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve the UI to a browser, for a room (loopback by default)")
    p.add_argument("scenario", nargs="?", help="open straight into this scenario (id or path); default: the home screen")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only; 0.0.0.0 lets others on the network join)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--drill", action="store_true", help="open the scenario as a team drill")
    p.add_argument("--seed", type=int, default=None, help="fixed seed for every browser tab (default: a new one each time)")
    p.add_argument("--public-url", metavar="URL",
                   help="the address browsers use, when it differs from --host (e.g. http://192.168.1.20:8000); "
                        "its host name is the only name, besides this machine's addresses, the server answers to")
    p.add_argument("--max-clients", type=int, default=None, metavar="N",
                   help="browser tabs served at once (default 8, at most 64; each tab is a process of ~90 MB)")
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
    # The UI package, loaded only when serving (textual-serve itself is imported later, by serve()).
    from simulator.ui import served

    max_clients = served.DEFAULT_MAX_CLIENTS if args.max_clients is None else args.max_clients
    if not 1 <= max_clients <= served.MAX_CLIENTS_LIMIT:
        raise UsageError(f"--max-clients takes a number from 1 to {served.MAX_CLIENTS_LIMIT}")
    if args.public_url is not None:
        parts = urlsplit(args.public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError("--public-url takes an http:// or https:// address with a host name (e.g. http://192.168.1.20:8000)")
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
    try:
        served.serve(app_command(args), host, args.port, public_url, max_clients)
    except OSError as exc:
        raise Failure(f"{host}:{args.port}: error: serve: cannot listen: {exc.strerror or exc}") from None
    return 0
