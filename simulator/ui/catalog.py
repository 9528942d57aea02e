"""The scenarios the home screen offers, loaded and validated at the edge.

Widgets never open files: the app factory builds a `Catalog` (bundled scenarios, plus the current
directory's scenarios/ folder when there is one) and a file that does not validate is listed with
its first diagnostic instead of breaking the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import ScenarioError
from ..scenario import Scenario, bundled_dir, load_scenario


@dataclass(frozen=True)
class Broken:
    path: str
    errors: int
    first: str


@dataclass(frozen=True)
class Catalog:
    scenarios: tuple[Scenario, ...]
    broken: tuple[Broken, ...] = ()

    def get(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)


def folders() -> list[Path]:
    out = [bundled_dir()]
    local = Path.cwd() / "scenarios"
    if local.is_dir() and local.resolve() != bundled_dir().resolve():
        out.append(local)
    return out


def load_catalog(dirs: list[Path] | None = None, extra: tuple[Scenario, ...] = ()) -> Catalog:
    """Every valid scenario once (first by id wins), onboarding before drills, easy first."""
    found: dict[str, Scenario] = {s.id: s for s in extra}
    broken: list[Broken] = []
    seen: set[Path] = set()
    for folder in dirs if dirs is not None else folders():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            if path.name.endswith(".playtest.yaml") or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            try:
                scenario = load_scenario(path)
            except ScenarioError as exc:
                first = exc.diagnostics[0].format() if exc.diagnostics else str(exc)
                broken.append(Broken(str(path), len(exc.diagnostics), first))
                continue
            found.setdefault(scenario.id, scenario)
    ordered = sorted(found.values(), key=lambda s: (s.track != "onboarding", s.difficulty, s.title))
    return Catalog(tuple(ordered), tuple(broken))
