"""`crisis forecast SCENARIO`: the contract of PRODUCT.md section 5, through the real entry point."""

import json

from simulator.cli import main


def test_forecast_json(capsys):
    assert main(["forecast", "stock-check", "--rollouts", "300", "--seed", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scenario"] == "stock-check" and out["rollouts"] == 300 and out["seed"] == 4
    neg = out["negative_reach"]
    assert 0 < neg["p50"] <= neg["p90"] <= neg["p99"] <= neg["max"]
    assert neg["ci_p99"][0] <= neg["p99"] <= neg["ci_p99"][1]
    assert [s["spec_id"] for s in out["spillovers"]] == ["parent_forum"]
    assert 0 <= out["spillovers"][0]["p"] <= 1
    assert sum(b["count"] for b in out["histogram"]) == 300


def test_forecast_is_deterministic_and_seeded(capsys):
    main(["forecast", "stock-check", "--rollouts", "200", "--seed", "1", "--json"])
    a = capsys.readouterr().out
    main(["forecast", "stock-check", "--rollouts", "200", "--seed", "1", "--json"])
    b = capsys.readouterr().out
    main(["forecast", "stock-check", "--rollouts", "200", "--seed", "2", "--json"])
    c = capsys.readouterr().out
    assert a == b and a != c


def test_forecast_text_and_errors(capsys):
    assert main(["forecast", "stock-check", "--rollouts", "100", "--horizon", "1h"]) == 0
    out = capsys.readouterr().out
    assert "p99" in out and "up to T+1h 00m" in out and "spillover parent_forum" in out
    assert main(["forecast", "stock-check", "--rollouts", "0"]) == 2
    assert main(["forecast", "stock-check", "--horizon", "soon"]) == 2
    assert main(["forecast", "no-such-scenario"]) == 1
