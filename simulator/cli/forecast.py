"""`crisis forecast`: how bad can this scenario's complaint get if nobody answers it?

Planning question 1 ("what's your worst case?") as numbers: many seeded rollouts of the opening
complaint's cascade over the scenario's audience, up to its time limit, summarised as p50/p90/p99
with bootstrap confidence intervals and the chance of each spillover. A drill's live forecast from
the current state is `crisis worst-case SESSION`.
"""

from __future__ import annotations

import json

from simulator.cli._progress import progress_bar
from simulator.cli.core import _clean, load_or_fail, workspace
from simulator.cli.errors import UsageError
from simulator.format import limits
from simulator.format.durations import format_duration, parse_duration
from simulator.format.textsafe import json_text


def register(sub) -> None:
    p = sub.add_parser("forecast", help="Monte Carlo worst-case forecast of a scenario's complaint if nobody answers")
    p.add_argument("scenario", help="scenario id or path")
    p.add_argument("--rollouts", type=int, default=1000, help="number of rollouts")
    p.add_argument("--seed", type=int, default=0, help="seed")
    p.add_argument("--horizon", metavar="DURATION", help="how far to look (default: the scenario's time limit)")
    p.add_argument("--workers", type=int, default=1, help="threads to use")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=cmd_forecast)


def cmd_forecast(args) -> int:
    from simulator.services import new_session
    from simulator.world.forecast import forecast_cascades, histogram

    if args.rollouts < 1 or args.rollouts > limits.MAX_ROLLOUTS:  # the batch grows with them: see limits.py
        raise UsageError(f"--rollouts must be between 1 and {limits.MAX_ROLLOUTS:,}")
    if args.workers < 1 or args.workers > 64:
        raise UsageError("--workers must be between 1 and 64")
    scenario = load_or_fail(args.scenario)
    try:
        horizon = parse_duration(args.horizon) if args.horizon else scenario.time_limit
    except ValueError as exc:
        raise UsageError(f"--horizon: {exc}") from None
    session = new_session(workspace(args), scenario, args.seed)  # the audience and the complaint as they stand at T+0
    complaint = session.ripple.items()[0]
    with progress_bar("forecast", "rollouts") as progress:
        result = forecast_cascades(session.audience, scenario.ripple, complaint, args.rollouts, args.seed,
                                   horizon=horizon, progress=progress, workers=args.workers)
    bins = histogram(result.samples["negative_reach"], bins=12, log=True)
    if args.json:
        out = {"scenario": scenario.id, "seed": args.seed, "audience": session.audience.n, **result.to_json(),
               "horizon": horizon, "histogram": [{"lo": lo, "hi": hi, "count": int(c)} for lo, hi, c in bins]}
        print(json_text(json.dumps(out, ensure_ascii=False, sort_keys=True)))
        return 0
    print(f"Worst case if nobody answers: {_clean(scenario.title)}")
    print(f"{args.rollouts:,} rollouts of the complaint over {session.audience.n:,} people, "
          f"up to T+{format_duration(horizon)}, seed {args.seed}")
    print()
    print(f"  {'':<16}{'p50':>10}{'p90':>10}{'p99':>10}   95% interval of p99")
    for label, dist in (("reach", result.reach), ("negative reach", result.negative_reach)):
        print(f"  {label:<16}{dist.p50:>10,.0f}{dist.p90:>10,.0f}{dist.p99:>10,.0f}   "
              f"{dist.ci_p99[0]:,.0f} – {dist.ci_p99[1]:,.0f}")
    s = result.sentiment_change
    print(f"  {'sentiment':<16}{s.p50:>+10.3f}{s.p90:>+10.3f}{s.p99:>+10.3f}")
    if result.spillovers:
        print()
        for risk in result.spillovers:
            print(f"  spillover {risk.spec_id:<22} {risk.p:6.1%}  (95% interval {risk.ci[0]:.1%} – {risk.ci[1]:.1%};"
                  f" {risk.metric} ≥ {risk.threshold:,})")
    if bins:
        print("\n  negative reach, rollouts per bin")
        top = max(int(c) for _, _, c in bins) or 1
        for lo, hi, count in bins:
            bar = "█" * max(0 if count == 0 else 1, round(28 * int(count) / top))
            print(f"  {lo:>9,.0f} – {hi:<9,.0f} {bar} {int(count):,}")
    return 0
