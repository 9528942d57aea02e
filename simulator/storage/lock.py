"""One writer per session: an OS file lock held for as long as a transcript is being written.

Two processes (a terminal and a room, two terminals, two served tabs) that both append to one
transcript interleave their step numbers and leave a file nobody can replay. So whoever writes a
session first takes an exclusive lock on a small file beside it (`<transcript>.lock`), holds it
until the writer is closed, and writes into it who holds it (what, pid, host), so a second
writer is refused with a message that names the holder. The lock is the operating system's
(`fcntl.flock` on POSIX, `msvcrt.locking` on Windows): a process that dies releases it, so a
crash never leaves a session locked for good. The lock file is removed on release; a stale file
left by a crash is simply locked again by the next writer.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from pathlib import Path

if sys.platform == "win32":  # pragma: no cover (the CI runs on Linux)
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


DEFAULT_HOLDER = "a crisis process"


class SessionLocked(Exception):
    """Another writer holds the session; the message names it."""

    def __init__(self, path: Path, holder: dict):
        self.path = Path(path)
        self.holder = holder
        what = str(holder.get("what") or DEFAULT_HOLDER)[:80]
        pid = holder.get("pid")
        host = str(holder.get("host") or "")[:80]
        who = what + (f" (pid {pid}" + (f" on {host}" if host else "") + ")" if pid else "")
        super().__init__(f"{self.path}: error: session: this session is being written by {who}; "
                         "close it there first (one writer per session)")


def lock_path(transcript: Path) -> Path:
    return Path(transcript).with_name(Path(transcript).name + ".lock")


class SessionLock:
    """An exclusive lock on one transcript, taken at once or refused (never waited for)."""

    def __init__(self, transcript: Path, what: str = DEFAULT_HOLDER):
        self.path = lock_path(transcript)
        self.transcript = Path(transcript)
        self.what = what
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> SessionLock:
        """Take the lock or raise SessionLocked naming the holder."""
        if self._fd is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(20):  # the file can be unlinked by a releasing holder between open and lock
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _try_lock(fd):
                holder = _read_holder(fd)
                os.close(fd)
                raise SessionLocked(self.transcript, holder)
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                self._write_holder()
                return self
            _unlock(fd)
            os.close(fd)
        raise SessionLocked(self.transcript, {"what": "another writer (the lock file keeps changing)"})

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)  # while still locked: the next writer opens a fresh file
        _unlock(fd)
        os.close(fd)

    def _write_holder(self) -> None:
        assert self._fd is not None
        data = json.dumps({"what": self.what, "pid": os.getpid(), "host": socket.gethostname()}).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0) if hasattr(os, "pwrite") else os.write(self._fd, data)

    def __enter__(self) -> SessionLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read_holder(fd: int) -> dict:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, 4096)
        data = json.loads(raw.decode("utf-8")) if raw else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def holder(transcript: Path) -> dict | None:
    """Who holds a session's lock now (None: nobody): tries the lock without keeping it."""
    probe = SessionLock(transcript)
    try:
        probe.acquire()
    except SessionLocked as exc:
        return exc.holder or {"what": DEFAULT_HOLDER}
    probe.release()
    return None
