"""Counts of the judge's corpus and the labellers' agreement, as Markdown.

    python training/corpus_stats.py

Agreement compares corpus/agreement/second-pass.jsonl with the first labelling of the same real
replies (matched by `source`): Cohen's kappa per label, and the mean absolute difference in
quality.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.world.judge.model import LABELS
from training.corpus import CORPUS, HELDOUT, TRAIN, read_items, training_items


def kappa(a: list[bool], b: list[bool]) -> float | None:
    n = len(a)
    if not n:
        return None
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return None if pe == 1 else (po - pe) / (1 - pe)


def agreement() -> dict:
    second = {it.source: it for it in read_items(CORPUS / "agreement" / "second-pass.jsonl")}
    first = {it.source: it for p in sorted(TRAIN.glob("*.jsonl")) for it in read_items(p) if it.source in second}
    both = sorted(set(first) & set(second))
    out = {"items": len(both), "kappa": {}, "quality_mad": None}
    if not both:
        return out
    for label in LABELS:
        a = [label in first[s].labels for s in both]
        b = [label in second[s].labels for s in both]
        if any(a) or any(b):
            out["kappa"][label] = kappa(a, b)
    out["quality_mad"] = sum(abs(first[s].quality - second[s].quality) for s in both) / len(both)
    return out


def main() -> None:
    print("| file | items |\n|---|---|")
    for path in sorted(TRAIN.glob("*.jsonl")) + sorted(HELDOUT.glob("*.jsonl")):
        print(f"| {path.relative_to(CORPUS)} | {sum(1 for line in path.open(encoding='utf-8') if line.strip())} |")
    items = training_items()
    print(f"\n{len(items)} training items after removing repeated texts.\n")
    counts = Counter(label for it in items for label in it.labels)
    print("| label | training items |\n|---|---|")
    for label in LABELS:
        print(f"| {label} | {counts[label]} |")
    sources = Counter(it.source.split(":")[0] for it in items)
    print("\n| source | items |\n|---|---|")
    for src, n in sorted(sources.items()):
        print(f"| {src} | {n} |")
    agree = agreement()
    print(f"\nAgreement on {agree['items']} real replies labelled twice:")
    if agree["items"]:
        print("\n| label | Cohen's kappa |\n|---|---|")
        for label, k in agree["kappa"].items():
            print(f"| {label} | {'n/a' if k is None else f'{k:.2f}'} |")
        print(f"\nMean absolute difference in quality: {agree['quality_mad']:.2f}")


if __name__ == "__main__":
    main()
