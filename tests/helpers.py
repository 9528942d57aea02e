"""Paths and small helpers shared by tests (importable because pytest puts tests/ on sys.path)."""

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from simulator.services import Workspace

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
STARTER = SCENARIOS / "stock-check.yaml"
BUNDLED = sorted(p for p in SCENARIOS.glob("*.yaml") if not p.name.endswith(".playtest.yaml"))


def workspace(home=None) -> Workspace:
    """The services layer's workspace: `home`, else CRISIS_HOME (each test has its own, see conftest)."""
    return Workspace.at(home) if home is not None else Workspace.from_environment()


# Headless Chromium as this machine's closed network needs it (no background connections, no sandbox as root).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(what: str) -> str:
    """The Debian Chromium (.ci/run installs it), or skip saying what was not checked in a browser."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"no Chromium binary (apt-get install chromium; .ci/run does this): {what}")


def stop(proc: subprocess.Popen, grace: float = 10) -> None:
    """Stop a server started in its own process group: Ctrl+C first (it cleans up), then kill."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
