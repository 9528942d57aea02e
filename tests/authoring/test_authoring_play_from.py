"""`crisis play --from BEAT --set VAR=VALUE --clock T+1h`: authors start mid-scenario, end to end."""

import sys
import types
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.engine.session import Session
from simulator.format.scenario import load_scenario
from simulator.headless import run

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "scenarios" / "stock-check.yaml"


@pytest.fixture()
def fake_ui(monkeypatch):
    """Stands in for the Textual app: records what `crisis play` would open."""
    calls = []
    module = types.ModuleType("simulator.ui.app")
    module.run_app = lambda **kwargs: calls.append(kwargs) or 0
    package = sys.modules.get("simulator.ui") or types.ModuleType("simulator.ui")
    monkeypatch.setitem(sys.modules, "simulator.ui", package)
    monkeypatch.setitem(sys.modules, "simulator.ui.app", module)
    monkeypatch.setattr(package, "app", module, raising=False)
    return calls


def test_start_mid_scenario(fake_ui):
    assert main(["play", str(STARTER), "--from", "details", "--set", "knows_item=true", "--clock", "T+1h", "--seed", "7"]) == 0
    [call] = fake_ui
    start = call["start"]
    assert (start.beat, start.clock, start.values) == ("details", 60.0, (("knows_item", True),))
    session = Session(call["scenario"], call["seed"], start=start)
    assert session.beat == "details" and session.visited == ["details"]
    assert session.t == 60.0 and session.vars["knows_item"] is True
    assert {c.id for c in session.choices()} == {"fix_public", "fix_private", "blame_site"}
    # the clock ran for real: the 30-minute inject fired (nobody had replied)
    assert "me_too" in session.fired
    # and the session plays on from there
    finished = run(call["scenario"], [{"choose": "fix_public"}], seed=7, session=session)
    assert finished.finished and finished.replies[0].choice == "fix_public"


def test_defaults_start_at_the_first_beat(fake_ui):
    assert main(["play", str(STARTER)]) == 0
    start = fake_ui[0]["start"]
    session = Session(load_scenario(STARTER), 1, start=start)
    assert session.beat == "opening" and session.t == 0.0


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "detials"], "--from: no beat 'detials' in stock-check (did you mean 'details'?)"),
    (["--set", "knows=true"], "--set: 'knows' is not a state variable of stock-check (did you mean 'knows_item'?)"),
    (["--set", "knows_item=3"], "--set: 'knows_item' is bool, not 3"),
    (["--set", "knows_item"], "--set takes VAR=VALUE, got 'knows_item'"),
    (["--clock", "soon"], "--clock: 'soon' is not a duration"),
])
def test_bad_starts_are_usage_errors(fake_ui, capsys, args, message):
    assert main(["play", str(STARTER), *args]) == 2
    assert message in capsys.readouterr().err
    assert not fake_ui
