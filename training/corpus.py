"""Read and check the judge's labelled corpus (corpus/*.jsonl); see docs/labelling-guide.md."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from simulator.world.judge.model import LABELS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TRAIN = CORPUS / "train"
HELDOUT = CORPUS / "heldout"


@dataclass(frozen=True)
class Item:
    id: str
    source: str
    context: str
    text: str
    labels: frozenset[str]
    deadline: str | None
    quality: float


@dataclass(frozen=True)
class Pair:
    id: str
    context: str
    better: str
    worse: str


class CorpusError(ValueError):
    pass


def _lines(path: Path):
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield n, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"{path}:{n}: not JSON: {exc}") from exc


def read_items(path: Path) -> list[Item]:
    out = []
    for n, row in _lines(path):
        try:
            labels = frozenset(row["labels"])
            unknown = labels - set(LABELS)
            if unknown:
                raise CorpusError(f"{path}:{n}: unknown labels {sorted(unknown)}")
            q = float(row["quality"])
            if not -1 <= q <= 1:
                raise CorpusError(f"{path}:{n}: quality {q} outside [-1, 1]")
            out.append(
                Item(
                    id=str(row["id"]),
                    source=str(row.get("source", "")),
                    context=str(row.get("context") or ""),
                    text=str(row["text"]),
                    labels=labels,
                    deadline=row.get("deadline"),
                    quality=q,
                )
            )
        except (KeyError, TypeError) as exc:
            raise CorpusError(f"{path}:{n}: missing or bad field: {exc}") from exc
    return out


def read_pairs(path: Path) -> list[Pair]:
    return [
        Pair(str(r["id"]), str(r.get("context") or ""), str(r["better"]), str(r["worse"]))
        for _, r in _lines(path)
    ]


def training_items(folder: Path = TRAIN) -> list[Item]:
    """Every training item, files in name order, duplicates of an earlier text dropped."""
    seen: set[str] = set()
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        for item in read_items(path):
            key = " ".join(item.text.split()).lower()
            if key in seen:
                continue
            seen.add(key)
            out.append(item)
    return out
