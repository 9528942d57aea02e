"""Big generated audiences kept between runs, in the cache directory, with a size cap.

networkx takes seconds to build a 100,000-node graph and the same scenario and seed always give
the same graph, so the services layer hands the engine this shelf (`Session(..., shelf=...)`).
Files are plain .npz (no pickles) named by `world.audience.cache_key`; when the directory grows
past `max_bytes` the least recently used files go first. A read-only or full disk only costs
speed: nothing here raises `OSError`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from simulator.world.audience import Audience, load_audience, save_audience

DEFAULT_MAX_BYTES = 512 * 1024 * 1024


class AudienceCache:
    def __init__(self, directory: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES):
        self.directory = Path(directory)
        self.max_bytes = int(max_bytes)

    def path(self, key: str) -> Path:
        return self.directory / f"audience-{key}.npz"

    def load(self, key: str) -> Audience | None:
        path = self.path(key)
        audience = load_audience(path)
        if audience is not None:
            with contextlib.suppress(OSError):
                os.utime(path)  # recently used: evicted last
        return audience

    def save(self, key: str, audience: Audience) -> None:
        with contextlib.suppress(OSError):
            save_audience(audience, self.path(key))
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
        return removed
