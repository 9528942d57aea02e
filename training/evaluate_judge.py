"""Measure the reply judge on the frozen held-out split, beside the old lexicon and VADER.

    python training/evaluate_judge.py             # the table, as Markdown, on stdout
    python training/evaluate_judge.py --json      # the same figures as JSON

The held-out split (corpus/heldout) was written by a labeller who never saw the training data
and frozen in commit 63e7b62 before the judge was trained or tuned; nothing here feeds back
into training. Run it once per design and report what it says.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.world.analysis import quality_from_tags
from simulator.world.judge import LABELS, cues
from simulator.world.judge import load as load_judge
from training.corpus import HELDOUT, Item, read_items, read_pairs

TARGETS = {  # the project's targets (issue 12)
    "apology": 0.85, "question": 0.85, "private_move": 0.85, "solution": 0.85,
    "argue|blame": 0.85, "sarcasm": 0.85, "promise": 0.85,
}  # fmt: skip
GROUPS = {"argue|blame": ("argue", "blame"), "sarcasm|insult|threat": ("sarcasm", "insult", "threat")}
HOSTILE = {"sarcasm", "insult", "threat", "profanity"}


def _prf(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    tp = sum(1 for want, got in pairs if want and got)
    fp = sum(1 for want, got in pairs if got and not want)
    fn = sum(1 for want, got in pairs if want and not got)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "support": tp + fn}


def lexicon_labels(item: Item) -> set[str]:
    found = cues.find(item.text, "", item.context)
    return {name for name, spans in found.items() if spans}


def vader_quality(text: str) -> float:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    global _VADER
    try:
        analyzer = _VADER
    except NameError:
        analyzer = _VADER = SentimentIntensityAnalyzer()
    return float(analyzer.polarity_scores(text)["compound"])


def evaluate(folder: Path = HELDOUT) -> dict:
    items = read_items(folder / "replies.jsonl")
    pairs = read_pairs(folder / "pairs.jsonl")
    judge = load_judge()
    t0 = time.perf_counter()
    verdicts = [judge(it.text, it.context) for it in items]
    per_reply_ms = (time.perf_counter() - t0) * 1000 / max(1, len(items))
    systems = {
        "judge": [set(v.decided) for v in verdicts],
        "lexicon": [lexicon_labels(it) for it in items],
    }
    out: dict = {"replies": len(items), "pairs": len(pairs), "per_reply_ms": round(per_reply_ms, 2)}
    names = [*LABELS, *GROUPS]
    for system, got in systems.items():
        table = {}
        for name in names:
            members = GROUPS.get(name, (name,))
            table[name] = _prf(
                [(bool(it.labels & set(members)), bool(g & set(members))) for it, g in zip(items, got, strict=True)]
            )
        out[system] = {"labels": table}
    # quality: pairs ranked right, padding test, correlation with the labellers' quality
    quality = {
        "judge": lambda text, ctx: judge(text, ctx).quality,
        "lexicon": lambda text, ctx: quality_from_tags(
            {n: bool(s) for n, s in cues.find(text, "", ctx).items()}
        ),
        "vader": lambda text, ctx: vader_quality(text),
    }
    padded = [it for it in items if it.source == "hand:padding" and it.labels & HOSTILE]
    for system, fn in quality.items():
        ranked = [fn(p.better, p.context) > fn(p.worse, p.context) for p in pairs]
        scores = [fn(it.text, it.context) for it in items]
        pad = [fn(it.text, it.context) for it in padded]
        section = out.setdefault(system, {})
        section["pairs_ranked_right"] = round(sum(ranked) / max(1, len(ranked)), 3)
        section["padded_hostile"] = {"count": len(pad), "above_zero": sum(1 for q in pad if q >= 0)}
        section["quality_mae"] = round(
            sum(abs(s - it.quality) for s, it in zip(scores, items, strict=True)) / len(items), 3
        )
        section["quality_spearman"] = round(_spearman(scores, [it.quality for it in items]), 3)
    out["judge"]["calibration"] = _calibration(items, verdicts)
    return out


def _rank(xs: list[float]) -> list[float]:
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def _spearman(a: list[float], b: list[float]) -> float:
    ra, rb = _rank(a), _rank(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb) if va and vb else 0.0


def _calibration(items: list[Item], verdicts) -> dict:
    """Reliability: for predicted probabilities in each tenth, how often the label was true."""
    bins = [[0, 0.0, 0] for _ in range(10)]
    for it, v in zip(items, verdicts, strict=True):
        for name in LABELS:
            p = v.labels[name]
            b = bins[min(9, int(p * 10))]
            b[0] += 1
            b[1] += p
            b[2] += name in it.labels
    rows = []
    ece = 0.0
    total = sum(b[0] for b in bins)
    for k, (n, sp, pos) in enumerate(bins):
        if n:
            rows.append({"bin": f"{k / 10:.1f}-{(k + 1) / 10:.1f}", "n": n,
                         "mean_p": round(sp / n, 3), "observed": round(pos / n, 3)})  # fmt: skip
            ece += n / total * abs(sp / n - pos / n)
    return {"ece": round(ece, 3), "bins": rows}


def markdown(r: dict) -> str:
    lines = [
        f"Held-out split: {r['replies']} replies, {r['pairs']} better/worse pairs "
        f"(frozen in commit 63e7b62). Judge: {r['per_reply_ms']} ms per reply.",
        "",
        "| label | judge P | judge R | judge F1 | lexicon F1 | support | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in [*LABELS, *GROUPS]:
        j, lx = r["judge"]["labels"][name], r["lexicon"]["labels"][name]
        target = TARGETS.get(name)
        lines.append(
            f"| {name} | {j['precision']:.2f} | {j['recall']:.2f} | **{j['f1']:.2f}** | {lx['f1']:.2f} "
            f"| {j['support']} | {f'>= {target}' if target else ''} |"
        )
    lines += [
        "",
        "| quality | judge | lexicon | VADER |",
        "|---|---|---|---|",
    ]
    for key, label in (
        ("pairs_ranked_right", "pairs ranked right (target >= 0.95)"),
        ("quality_spearman", "Spearman with the labellers' quality"),
        ("quality_mae", "mean absolute error"),
    ):
        lines.append(f"| {label} | {r['judge'][key]} | {r['lexicon'][key]} | {r['vader'][key]} |")
    pad = {s: r[s]["padded_hostile"] for s in ("judge", "lexicon", "vader")}
    lines.append(
        f"| padded hostile replies at or above 0 (of {pad['judge']['count']}; target 0) | "
        f"{pad['judge']['above_zero']} | {pad['lexicon']['above_zero']} | {pad['vader']['above_zero']} |"
    )
    cal = r["judge"]["calibration"]
    lines += ["", f"Calibration (all labels pooled): expected calibration error {cal['ece']}.", "",
              "| predicted | replies x labels | mean predicted | observed |", "|---|---|---|---|"]
    lines += [f"| {b['bin']} | {b['n']} | {b['mean_p']} | {b['observed']} |" for b in cal["bins"]]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = evaluate()
    print(json.dumps(result, indent=2) if args.json else markdown(result))


if __name__ == "__main__":
    main()
