"""`crisis join URL --code CODE`: a seat of a drill room in the terminal (docs/room-api.md)."""

from __future__ import annotations

from simulator.cli.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("join", help="join a drill room on a seat, in the terminal (crisis serve hosts the room)")
    p.add_argument("url", metavar="URL", help="the seat's room link, e.g. http://192.168.1.20:8000/room/ROOM/seat")
    p.add_argument("--code", metavar="CODE", help="the seat's code (default: the link's #fragment)")
    p.set_defaults(handler=cmd_join)


def cmd_join(args) -> int:
    from simulator.ui.remote import JoinError, RoomLink

    try:
        link = RoomLink.parse(args.url, args.code)
    except JoinError as exc:
        raise UsageError(str(exc)) from None
    from simulator.ui.joined import run_join

    return run_join(link)
