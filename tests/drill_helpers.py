"""The drill scenario and session the drill tests share (evaluate/, ui/): the starter rebuilt as a drill."""

from __future__ import annotations

from pathlib import Path

import yaml
from helpers import STARTER

from simulator.engine.session import Session
from simulator.evaluate import drill as D


def drill_yaml(tmp_path: Path) -> Path:
    """The starter rebuilt as a drill: five roles, a fair remedy beyond the front line, a news spillover."""
    d = yaml.safe_load(Path(STARTER).read_text(encoding="utf-8"))
    d.update(id="drill-test", track="drill", title="Drill test")
    d["persona"]["fair_remedy"] = 60
    d["brand"].update(guidelines_posted=True, guidelines="No profanity, no personal attacks.")
    d["roles"] = [
        {"id": "agent", "title": "Social agent", "delay": "0m", "authority": 25, "trainee": True},
        {"id": "supervisor", "title": "Supervisor", "delay": "10m", "authority": 100},
        {"id": "pr", "title": "PR lead", "delay": "20m", "authority": 0},
        {"id": "legal", "title": "Legal counsel", "delay": "30m", "authority": 0},
        {"id": "executive", "title": "Executive", "delay": "40m", "authority": 1000, "can_approve": ["delivery"]},
    ]
    d["ripple"]["spillovers"].append({"id": "local_news", "platform": "news", "title": "Local news picks it up",
                                      "text": "Harbor Home under fire", "metric": "negative_reach", "threshold": 400,
                                      "delay": "20m", "group": "local_news"})
    d["scoring"] = {"expected_response": "15m", "escalate_to": "supervisor", "escalate_within": "60m", "private_ok": True,
                    "follow_up_expected": True}
    d.pop("tests", None)
    path = tmp_path / "drill-test.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def drill_session(scenario, team, seed=7, **kw):
    return Session(scenario, seed, start=D.drill_start(team), **kw)
