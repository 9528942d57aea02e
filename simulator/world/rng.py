"""Keyed random streams derived from the one session seed.

Every random draw in the project comes from ``stream(seed, key)``.  The key names the purpose
(``"cascade:<item id>"``, ``"persona"``, ``"audience"``), so a counterfactual replay that drops
one action still draws the *same* random numbers for everything else.  These are common random
numbers: differences between a replay and the original are caused by the trainee's choices,
not by the random generator having been advanced a different number of times.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["stream"]


def stream(seed: int, key: str) -> np.random.Generator:
    """A fresh generator for ``(seed, key)``; the same pair always gives the same numbers.

    The seed is reduced to 32 bits (``seed & 0xFFFFFFFF``) so negative or huge seeds behave,
    and the key is hashed with CRC-32: cheap, stable across Python versions and processes
    (unlike ``hash()``), and collisions only matter for keys that are also used together.
    """
    return np.random.default_rng(
        np.random.SeedSequence([int(seed) & 0xFFFFFFFF, zlib.crc32(key.encode("utf-8"))])
    )
