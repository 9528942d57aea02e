"""Big generated audiences kept between runs, in the cache directory, with a size cap.

networkx takes seconds to build a 100,000-node graph and the same scenario and seed always give
the same graph, so the services layer hands the engine this shelf (`Session(..., shelf=...)`).
Files are plain .npz (no pickles) named by `world.audience.cache_key`; when the directory grows
past `max_bytes` the least recently used files go first. A read-only or full disk only costs
speed: nothing here raises `OSError`.

Each file has a `.sha256` beside it, written after the file itself: a file whose digest is missing
or does not match (truncated by a crash, a full disk, or edited) is deleted and the audience is
built again, so a broken cache never breaks a scenario. Only regular files within the cap are read.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path

from simulator.world.audience import Audience, load_audience, save_audience

DEFAULT_MAX_BYTES = 512 * 1024 * 1024


class AudienceCache:
    def __init__(self, directory: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES):
        self.directory = Path(directory)
        self.max_bytes = int(max_bytes)

    def path(self, key: str) -> Path:
        return self.directory / f"audience-{key}.npz"

    def digest_path(self, key: str) -> Path:
        return self.directory / f"audience-{key}.npz.sha256"

    def load(self, key: str) -> Audience | None:
        """The cached audience, or None (then the caller builds it and saves it again)."""
        path = self.path(key)
        if not self._verified(key):
            return None
        audience = load_audience(path)
        if audience is None or not _consistent(audience):
            self._discard(key)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: evicted last
        return audience

    def _verified(self, key: str) -> bool:
        """Whether the file is a regular file within the cap whose bytes match its recorded digest."""
        path, digest_path = self.path(key), self.digest_path(key)
        try:
            info = path.lstat()
        except OSError:
            return False
        if not stat.S_ISREG(info.st_mode) or info.st_size > self.max_bytes:
            self._discard(key)
            return False
        try:
            expected = digest_path.read_text(encoding="ascii").strip() if digest_path.lstat().st_size <= 128 else ""
            actual = _sha256(path)
        except (OSError, ValueError):
            expected, actual = "", None
        if expected != actual:
            self._discard(key)
            return False
        return True

    def _discard(self, key: str) -> None:
        for p in (self.path(key), self.digest_path(key)):
            with contextlib.suppress(OSError):
                p.unlink()

    def save(self, key: str, audience: Audience) -> None:
        with contextlib.suppress(OSError):
            save_audience(audience, self.path(key))
            digest = _sha256(self.path(key))
            tmp = self.digest_path(key).with_name(self.digest_path(key).name + f".{os.getpid()}.tmp")
            tmp.write_text(digest + "\n", encoding="ascii")
            os.replace(tmp, self.digest_path(key))
            self.evict(keep=self.path(key))

    def evict(self, keep: Path | None = None) -> list[Path]:
        """Delete the least recently used files until the directory is within the cap."""
        try:
            files = [(p.stat().st_mtime, p.stat().st_size, p) for p in self.directory.glob("audience-*.npz")]
        except OSError:
            return []
        total = sum(size for _, size, _ in files)
        removed = []
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            if keep is not None and path == keep:
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
                removed.append(path)
            with contextlib.suppress(OSError):
                path.with_name(path.name + ".sha256").unlink()
        return removed


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _consistent(audience: Audience) -> bool:
    """The arrays fit together (a graph whose indices point outside it would crash the ripple)."""
    try:
        n = int(audience.n)
        if n < 1 or len(audience.indptr) != n + 1 or int(audience.indptr[-1]) != len(audience.indices):
            return False
        if len(audience.indices) and (int(audience.indices.min()) < 0 or int(audience.indices.max()) >= n):
            return False
        if any(len(getattr(audience, name)) != n for name in ("group", "reach", "activity", "susceptibility", "stance0")):
            return False
        return 0 <= int(audience.brand_node) < n and 0 <= int(audience.customer_node) < n
    except (TypeError, ValueError, AttributeError, IndexError):
        return False
