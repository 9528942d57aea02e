"""Play a whole session without a UI: from Python in a few lines, or from a play script.

    from simulator.headless import play
    card = play("stock-check", seed=7, actions=[{"choose": "model"}, {"choose": "fix_public"}])
    print(card.overall, card.grade, card.outcome)

A thin layer over the services: nothing is saved unless asked, and no use case is re-implemented.
"""

from __future__ import annotations

from pathlib import Path

from simulator import services
from simulator.engine.session import Session, SessionError, Start
from simulator.format.scenario import Scenario
from simulator.format.script import Script, load_script


def resolve(scenario) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    return services.find(str(scenario) if scenario else None)


def run(scenario, actions=(), seed: int = 0, *, session: Session | None = None, start: Start | None = None,
        workspace: services.Workspace | None = None) -> Session:
    """Apply actions (values or play-script dicts) and finish; returns the finished session."""
    scenario = resolve(scenario)
    session = session or services.new_session(workspace, scenario, seed, start=start)
    try:
        services.play_actions(session, actions)
    except services.ActionFailed as exc:
        raise SessionError(str(exc)) from None
    if not session.finished:
        session.finish()
    return session


def play(scenario, actions=(), seed: int = 0, *, turning_points: bool = True, workspace: services.Workspace | None = None):
    """Play headless and return the scorecard."""
    return services.finish_and_score(None, run(scenario, actions, seed, workspace=workspace), turning_points=turning_points)


__all__ = ["Path", "Script", "load_script", "play", "resolve", "run"]
