"""A whole session, headless, from Python in five lines (the brief's promise)."""


def test_five_lines():
    from simulator.headless import play

    card = play("stock-check", seed=7, actions=[{"choose": "model"}, {"choose": "fix_public"}])
    assert card.overall >= 70 and card.outcome in ("satisfied", "raving_fan")


def test_session_api_in_five_lines(starter):
    from simulator.engine.session import Session
    from simulator.evaluate.scoring import score
    from simulator.format.actions import Reply, Wait

    session = Session(starter, seed=3)
    session.act(Reply("Sorry about the wasted trip, Dan. What were you looking for?"))
    session.act(Wait(30))
    session.finish()
    assert score(session).dimensions["conduct"] > 80
