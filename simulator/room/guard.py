"""Who may talk to the room server: the Host and Origin checks, and the headers every page carries.

Binding to loopback does not keep other web pages out: any page the trainer opens can send
requests to 127.0.0.1, and DNS rebinding points a stranger's name at it. So every request must
name an allowed Host (the bound address, loopback names, the public URL's host and any
`--allow-host`), and a request that carries an Origin (every browser's websocket and POST does)
must come from the page's own origin. Non-browser clients (curl, `crisis join`) send no Origin;
they still need a code. Pages run under a strict Content-Security-Policy: scripts and styles
only from this server, no inline script, nothing framed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def host_name(host: str) -> str:
    """The name part of a Host header or netloc, lower case, brackets and port removed."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else host
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def allowed_hosts(bind: str, public_url: str | None = None, extra=(), wildcard_names=()) -> frozenset[str]:
    names = set(LOOPBACK_NAMES)
    if bind not in ("0.0.0.0", "::", "[::]", ""):
        names.add(host_name(bind))
    else:
        names.update(host_name(n) for n in wildcard_names if n)
    if public_url:
        netloc = urlsplit(public_url).netloc
        if netloc:
            names.add(host_name(netloc))
    names.update(host_name(h) for h in extra if h)
    return frozenset(names)


def check(headers, allowed: frozenset[str]) -> str | None:
    """Why this request is refused (None: it is not): an unknown Host, or an Origin not its own."""
    host = headers.get("Host", "")
    if not host or host_name(host) not in allowed:
        return "refused: this server does not answer to that Host name (start it with --allow-host NAME to add one)"
    origin = headers.get("Origin")
    if origin is None:
        return None
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "refused: requests from another origin are not accepted"
    if parts.netloc.lower() != host.strip().lower():
        return "refused: requests from another origin are not accepted"
    return None
