"""The wheel is the product: it carries the bundled scenarios, the JSON Schema and the judge's
weights, and the program finds them with importlib.resources wherever it is installed.

The wheel tests build the sdist and the wheel from it (as `python -m build` and pipx do), unpack
the wheel into a bare folder and run the command from there, far from the checkout. They load
both cores for a while, which starves the timing-sensitive UI snapshots running beside them, so
the suite runs them only with CRISIS_TEST_WHEEL=1; CI covers the same ground in `.ci/wheel-smoke`
(a fresh virtual environment, a non-editable install, the first hour of commands), which runs
before the suite.
"""

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from helpers import BUNDLED, ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def test_every_package_under_simulator_is_listed_for_the_wheel():
    """pyproject lists the packages (two are mapped from outside simulator/); a new one must be added."""
    found = {".".join(d.relative_to(ROOT).parts) for d in (ROOT / "simulator").rglob("*")
             if d.is_dir() and d.name != "__pycache__" and any(f.is_file() and f.suffix != ".pyc" for f in d.iterdir())}
    found.add("simulator")
    listed = set(SETUPTOOLS["packages"])
    assert found <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"
    mapped = SETUPTOOLS["package-dir"]
    assert mapped == {"simulator._bundled.scenarios": "scenarios", "simulator._bundled.docs": "docs"}
    assert listed - found == set(mapped)


def test_license_is_mit_with_an_spdx_expression():
    assert PYPROJECT["project"]["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Crisis Tabletop contributors" in text
    floor = next(r for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools"))
    assert floor.replace(" ", "").startswith("setuptools>=") and int(floor.split(">=")[1].split(".")[0]) >= 77


def test_a_checkout_uses_its_own_folders(monkeypatch, tmp_path):
    """Editable install or plain source tree: nothing is built into simulator/_bundled, the
    top-level scenarios/ folder is used; CRISIS_SCENARIOS adds folders after it."""
    from simulator.format.scenario import bundled_dir, bundled_resource, scenario_folders

    assert bundled_resource("scenarios") is None
    assert bundled_dir() == ROOT / "scenarios"
    monkeypatch.setenv("CRISIS_SCENARIOS", os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")]))
    assert scenario_folders() == [ROOT / "scenarios", tmp_path / "a", tmp_path / "b"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    if not os.environ.get("CRISIS_TEST_WHEEL"):
        pytest.skip("set CRISIS_TEST_WHEEL=1 to build the wheel here; CI does it in .ci/wheel-smoke")
    pytest.importorskip("build", reason="the `build` package is in the [test] extra")
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "build", "-q", "--outdir", str(out), str(ROOT)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    [whl] = out.glob("*.whl")
    return whl


@pytest.mark.slow
def test_the_wheel_carries_what_the_program_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in BUNDLED:
        assert f"simulator/_bundled/scenarios/{path.name}" in names
    assert "simulator/_bundled/docs/scenario.schema.json" in names  # the bundled files' ../docs modeline
    for npz in (ROOT / "simulator" / "world" / "judge" / "data").glob("*.npz"):
        assert f"simulator/world/judge/data/{npz.name}" in names
    assert {"simulator/ui/crisis.tcss", "simulator/ui/drill.tcss"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    meta = next(zipfile.ZipFile(wheel).read(n) for n in names if n.endswith(".dist-info/METADATA")).decode()
    assert "License-Expression: MIT" in meta


@pytest.mark.slow
def test_the_unpacked_wheel_finds_its_scenarios_far_from_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "CRISIS_HOME": str(tmp_path / "home")}
    env.pop("CRISIS_SCENARIOS", None)

    def crisis(*args):
        return subprocess.run([sys.executable, "-m", "simulator", *args], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=300)

    listed = crisis("list", "--json")
    assert listed.returncode == 0, listed.stderr
    scenarios = json.loads(listed.stdout)["scenarios"]
    assert {s["id"] for s in scenarios} == {p.stem for p in BUNDLED}
    assert all(s["bundled"] and Path(s["path"]).is_relative_to(site) for s in scenarios)
    script = elsewhere / "play.yaml"
    script.write_text("seed: 7\nactions:\n  - choose: model\n  - choose: fix_public\n", encoding="utf-8")
    run = crisis("run", "stock-check", "--script", str(script), "--save", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["session"]
    report = crisis("report", "latest")
    assert report.returncode == 0 and report.stdout.strip(), report.stderr
    new = crisis("new", "x")
    assert new.returncode == 0, new.stderr
    assert crisis("validate", "x.yaml").returncode == 0
    assert (elsewhere / "x.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=./scenario.schema.json")
    assert (elsewhere / "scenario.schema.json").is_file()


# The lowest versions without a known advisory (docs/security.md); a floor below one would let a
# fresh install pick a vulnerable release.
SAFE_FLOORS = {"aiohttp": "3.13.3", "jinja2": "3.1.6", "requests": "2.32.4", "pyyaml": "5.4", "numpy": "1.22"}


def _floors(requirements) -> dict[str, tuple[int, ...]]:
    import re

    out = {}
    for req in requirements:
        m = re.match(r"\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*>=\s*([0-9][0-9.]*)", req)
        if m:
            out[m.group(1).lower()] = tuple(int(x) for x in m.group(2).rstrip(".").split("."))
    return out


def test_dependency_floors_exclude_known_vulnerable_versions():
    project = PYPROJECT["project"]
    for group, requirements in {"dependencies": project["dependencies"],
                                **{f"[{k}]": v for k, v in project["optional-dependencies"].items()}}.items():
        floors = _floors(requirements)
        names = {r.split(">")[0].split("=")[0].split("[")[0].strip().lower() for r in requirements}
        for name, safe in SAFE_FLOORS.items():
            if name in names:
                assert name in floors, f"{group}: {name} has no floor"
                assert floors[name] >= tuple(int(x) for x in safe.split(".")), f"{group}: {name} floor below {safe}"
    assert "textual-serve>=1.1" in project["optional-dependencies"]["serve"]
    assert {"aiohttp", "jinja2"} <= set(_floors(project["optional-dependencies"]["serve"]))
    build = _floors(PYPROJECT["build-system"]["requires"])
    assert build["setuptools"] >= (78, 1, 1)
