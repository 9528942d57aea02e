"""The terminal UI served to browsers (textual-serve): one `crisis` process per tab.

It lives in the UI package because it is the UI's own transport; the command line only checks the
options and prints where to connect. textual-serve is optional (`pip install '.[serve]'`).
"""

from __future__ import annotations


class ServeUnavailable(RuntimeError):
    """textual-serve is not installed."""


def serve(command: str, host: str, port: int, public_url: str) -> None:
    """Serve `command` (the shell command for one tab) on host:port until interrupted."""
    try:
        from textual_serve.server import Server
    except ImportError:
        raise ServeUnavailable("textual-serve is not installed") from None
    Server(command, host=host, port=port, title="Crisis Tabletop", public_url=public_url).serve()
