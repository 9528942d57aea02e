"""The terminal UI served to browsers (textual-serve): one `crisis` process per tab.

It lives in the UI package because it is the UI's own transport; the command line only checks the
options and prints where to connect. textual-serve is optional (`pip install '.[serve]'`).

textual-serve trusts whoever connects. Binding to loopback is not enough for that: any web page the
trainer opens can reach a loopback port, and DNS rebinding makes a foreign name resolve to it. So
`HardenedServer` (a subclass, so textual-serve's own code stays as it is) adds what it lacks:

- the Host header must name this server (loopback names, the bound address, the public URL's
  host, or any IP literal when bound to every interface): a rebound name gets 421;
- a websocket's Origin, when a browser sends one, must be this same server: 403 otherwise;
- a terminal is at most MAX_COLUMNS x MAX_ROWS cells (a resize to 100000x100000 would otherwise
  make the app allocate without end), a websocket message at most MAX_MESSAGE bytes;
- at most `max_clients` tabs at once (each is a process of ~90 MB); the next one is told so;
- a tab's process is stopped when its websocket closes, and killed if it does not quit in time;
- pages are not framed by other sites and say so in their headers.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
from urllib.parse import urlsplit

MAX_COLUMNS = 400
MAX_ROWS = 200
MIN_COLUMNS = 10
MIN_ROWS = 5
MAX_MESSAGE = 64 * 1024  # bytes in one websocket message (keys, a paste, a resize)
DEFAULT_MAX_CLIENTS = 8
MAX_CLIENTS_LIMIT = 64
QUIT_GRACE = 5.0  # seconds a tab's process has to quit on its own before it is terminated

log = logging.getLogger("crisis.serve")


class ServeUnavailable(RuntimeError):
    """textual-serve is not installed."""


def clamp_size(width: object, height: object) -> tuple[int, int]:
    """A terminal size a browser asked for, within MIN..MAX (anything not a number: 80x24)."""

    def number(value: object, default: int) -> int:
        if isinstance(value, bool):
            return default
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value == value and abs(value) < 1e9:
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 12:
            return int(value)
        return default

    w = min(max(number(width, 80), MIN_COLUMNS), MAX_COLUMNS)
    h = min(max(number(height, 24), MIN_ROWS), MAX_ROWS)
    return w, h


def _host_and_port(netloc: str) -> tuple[str, int | None] | None:
    """`host[:port]` split (IPv6 in brackets), lower-cased; None when it does not parse."""
    try:
        parts = urlsplit("//" + netloc)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host or parts.username is not None or parts.password is not None:
        return None
    return host.lower().rstrip("."), port


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class HostPolicy:
    """Which Host headers and Origins name this server (see the module docstring)."""

    LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})

    def __init__(self, host: str, port: int, public_url: str | None):
        self.port = port
        bound = host.strip("[]").lower()
        self.any_interface = bound in ("0.0.0.0", "::", "")
        self.names = set(self.LOOPBACK_NAMES) | {bound}
        self.public_port: int | None = None
        self.scheme = (urlsplit(public_url).scheme if public_url else "") or "http"
        if public_url:
            parsed = _host_and_port(urlsplit(public_url).netloc)
            if parsed:
                self.names.add(parsed[0])
                self.public_port = parsed[1]

    def host_ok(self, header: str | None) -> bool:
        if not header:
            return False
        parsed = _host_and_port(header)
        if parsed is None:
            return False
        name, port = parsed
        if port is not None and port not in (self.port, self.public_port):
            return False
        if name in self.names:
            return True
        if self.any_interface and _is_ip(name):
            return True
        return name.startswith("127.") and _is_ip(name)

    def origin_ok(self, origin: str | None, host_header: str | None) -> bool:
        """A browser's Origin must be this very server (the public URL's scheme, the Host the request came to)."""
        if origin is None:
            return True  # not a browser: a browser always sends Origin on a websocket
        parts = urlsplit(origin)
        if parts.scheme != self.scheme or not host_header:  # https://same-host is another origin than http://
            return False
        return parts.netloc.lower() == host_header.lower() and self.host_ok(parts.netloc)


def build_server(command: str, host: str, port: int, public_url: str, max_clients: int = DEFAULT_MAX_CLIENTS):
    """The textual-serve Server with the checks above (imported here: textual-serve is optional)."""
    try:
        from aiohttp import WSMsgType, web
        from textual_serve.app_service import AppService
        from textual_serve.server import Server
    except ImportError:
        raise ServeUnavailable("textual-serve is not installed") from None

    class BoundedAppService(AppService):
        """One tab's process: sizes clamped, and stopped for certain when the tab leaves."""

        async def set_terminal_size(self, width: int, height: int) -> None:
            w, h = clamp_size(width, height)
            await super().set_terminal_size(w, h)

        async def stop(self) -> None:
            process = self._process
            with contextlib.suppress(asyncio.TimeoutError, OSError, RuntimeError):
                await asyncio.wait_for(super().stop(), QUIT_GRACE)
            if process is not None and process.returncode is None:
                for signal_it in (process.terminate, process.kill):
                    try:
                        signal_it()
                        await asyncio.wait_for(process.wait(), QUIT_GRACE)
                        break
                    except ProcessLookupError:
                        break
                    except TimeoutError:
                        continue
            if self._task is not None:
                self._task.cancel()
                self._task = None

    class HardenedServer(Server):
        app_service_class = BoundedAppService

        def __init__(self, *args, max_clients: int = DEFAULT_MAX_CLIENTS, **kwargs):
            super().__init__(*args, **kwargs)
            self.policy = HostPolicy(self.host, self.port, self.public_url)
            self.max_clients = max_clients
            self.clients = 0

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(self._guard)
            return app

        @web.middleware
        async def _guard(self, request: web.Request, handler):
            host = request.headers.get("Host")
            if not self.policy.host_ok(host):
                log.warning("refused a request for host %r", host)
                return web.Response(status=421, text="crisis serve: this server does not answer to that host name\n")
            if not self.policy.origin_ok(request.headers.get("Origin"), host):
                log.warning("refused a request from origin %r", request.headers.get("Origin"))
                return web.Response(status=403, text="crisis serve: requests from other sites are refused\n")
            response = await handler(request)
            if not isinstance(response, web.WebSocketResponse):
                response.headers.setdefault("X-Frame-Options", "DENY")
                response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
                response.headers.setdefault("X-Content-Type-Options", "nosniff")
                response.headers.setdefault("Referrer-Policy", "no-referrer")
            return response

        async def _process_messages(self, websocket, app_service) -> None:
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    envelope = json.loads(message.data)
                except (ValueError, RecursionError):
                    continue
                if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
                    continue
                kind, data = envelope[0], (envelope[1] if len(envelope) > 1 else None)
                if kind == "stdin" and isinstance(data, str):
                    await app_service.send_bytes(data.encode("utf-8", "replace"))
                elif kind == "resize" and isinstance(data, dict):
                    await app_service.set_terminal_size(data.get("width"), data.get("height"))
                elif kind == "ping" and isinstance(data, (str, int, float)) and len(str(data)) <= 64:
                    await websocket.send_json(["pong", data])
                elif kind == "blur":
                    await app_service.blur()
                elif kind == "focus":
                    await app_service.focus()

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
            if self.clients >= self.max_clients:
                await websocket.prepare(request)
                await websocket.send_bytes(
                    f"\r\ncrisis serve: {self.max_clients} browser tabs are already connected (the most this server "
                    "takes); close one and reload.\r\n".encode())
                await websocket.close(code=1013, message=b"too many clients")
                return websocket
            width, height = clamp_size(request.query.get("width", "80"), request.query.get("height", "24"))
            self.clients += 1
            app_service = None
            try:
                await websocket.prepare(request)
                app_service = self.app_service_class(
                    self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                    close=websocket.close, download_manager=self.download_manager, debug=self.debug)
                await app_service.start(width, height)
                await self._process_messages(websocket, app_service)
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:  # one tab's failure must not stop the server
                log.exception(error)
            finally:
                self.clients -= 1
                if app_service is not None:
                    await app_service.stop()
            return websocket

    return HardenedServer(command, host=host, port=port, title="Crisis Tabletop", public_url=public_url,
                          max_clients=max_clients)


def serve(command: str, host: str, port: int, public_url: str, max_clients: int = DEFAULT_MAX_CLIENTS) -> None:
    """Serve `command` (the shell command for one tab) on host:port until interrupted."""
    build_server(command, host, port, public_url, max_clients).serve()
