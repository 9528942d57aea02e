"""Golden transcripts: the same plays over every bundled scenario, recorded as transcript files.

`tests/data/transcripts/` holds the files this module wrote with the code as it was before the
layering (issue 14) — `python tests/golden.py OUT_DIR` run against that commit; the module
imports either layout. `tests/engine/test_golden_transcripts.py` records the same plays with the
code as it is now and compares byte for byte, so a restructuring cannot change what a session
writes. The header's scenario path is machine-specific and is written as `scenarios/FILE`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:  # the layered package
    from simulator.engine.session import Session, Start
    from simulator.format import actions as A
    from simulator.format.scenario import load_scenario
    from simulator.storage import transcript as T
except ImportError:  # the flat package before issue 14
    from simulator.scenario import load_scenario
    from simulator.session import Session, Start

    from simulator import actions as A
    from simulator import transcript as T

SCENARIOS = ROOT / "scenarios"
PLAYS = ("choices", "free", "silence", "drill")


def bundled() -> list[Path]:
    return sorted(p for p in SCENARIOS.glob("*.yaml") if not p.name.endswith(".playtest.yaml"))


def _free_moves(scenario) -> list[dict]:
    moves: list[dict] = [
        {"reply": "Sorry about that! What happened exactly? We want to put this right."},
        {"wait": "10m"},
    ]
    roles = [r for r in scenario.roles if not r.trainee]
    if roles:
        moves.append({"escalate": roles[0].id})
    moves += [{"private": "Thanks for bearing with us, I'll DM you the details now."}, {"wait": "20m"}]
    if scenario.remedies:
        moves.append({"offer": {"remedy": scenario.remedies[0].id, "value": 10}})
    moves += [
        {"reply": "Well it's not really our fault. Did you even check???"},
        {"follow_up": "Glad we could sort it out. Thanks for your patience."},
        {"wait": "45m"},
        {"walk_away": "We've done what we can here; our door stays open."},
    ]
    return moves


def play_free(session, scenario) -> None:
    """The free-text moves every scenario gets, skipping those it does not allow (as in play)."""
    for move in _free_moves(scenario):
        if session.finished:
            break
        try:
            session.act(A.parse_action(move))
        except ValueError:
            continue  # a move this scenario does not allow: not recorded, as in play


def play(path: Path, kind: str, out: Path) -> None:
    """Play `kind` on the scenario at `path`, writing its transcript to `out`."""
    scenario = load_scenario(path)
    seed = 7
    start = None
    roles = [r for r in scenario.roles if not r.trainee]
    if kind == "drill":
        team = tuple((r.id, f"Player {i}") for i, r in enumerate(scenario.roles))
        start = Start(drill=True, team=team)
    writer = T.Writer.for_session(out, scenario, seed, start, "Golden")
    session = Session(scenario, seed, writer=writer, start=start, trainee="Golden")
    try:
        if kind == "choices":
            for _ in range(12):
                offered = session.choices()
                if session.finished or not offered:
                    break
                session.act(A.Choose(offered[0].id))
        elif kind == "free":
            play_free(session, scenario)
        elif kind == "silence":
            session.advance(30)
        elif kind == "drill":
            if roles:
                session.act(A.parse_action({"escalate": roles[0].id}))
            session.facilitate({"kind": "pressure", "anger": 0.1, "patience": -0.1, "audience": 1.5, "negativity": 1.2})
            session.facilitate({"kind": "pause"})
            session.facilitate({"kind": "note", "who": "Facilitator", "text": "Think about who needs to know."})
            session.facilitate({"kind": "resume"})
            if scenario.injects:
                session.facilitate({"kind": "inject", "id": scenario.injects[0].id})
            session.advance(max(r.delay for r in roles) + 5 if roles else 15)
            for i, role in enumerate(sorted(session.pending)):
                session.decide(role, i == 0, who="Golden", note="go ahead" if i == 0 else "not now")
            session.facilitate({"kind": "fast_forward", "minutes": 10})
            session.facilitate({"kind": "custom", "text": "A reporter calls the press office."})
            session.facilitate({"kind": "decision", "question": 1, "text": "We answer in public first.", "who": "Golden"})
            offered = session.choices()
            if offered and not session.finished:
                session.act(A.Choose(offered[0].id))
        if not session.finished:
            session.finish()
    finally:
        writer.close()


def normalised(path: Path) -> bytes:
    """The transcript's bytes with the header's scenario path made machine-independent."""
    raw = path.read_bytes()
    first, _, rest = raw.partition(b"\n")
    header = json.loads(first)
    header["path"] = "scenarios/" + Path(header["path"]).name
    return T.dumps(header).encode("utf-8") + b"\n" + rest


def record_all(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in bundled():
        for kind in PLAYS:
            target = out_dir / f"{path.stem}.{kind}.jsonl"
            play(path, kind, target)
            target.write_bytes(normalised(target))
            written.append(target)
    return written


if __name__ == "__main__":  # python tests/golden.py OUT_DIR
    for p in record_all(Path(sys.argv[1])):
        print(p)
