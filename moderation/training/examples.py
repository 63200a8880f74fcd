"""The labelled examples the `builtin` model learns from, and the test set locked away from it.

`data/` holds the shared dev split (`dev_*.jsonl`, public datasets) and examples written for this
project (`written_*.jsonl`, CC0, training only: no figure is ever measured on them).

**The locked test set.** Before any text of the dev split was read for the current model, a
stratified 25 % of it was set aside (`data/locked_test_ids.txt`, written by `lock_ids` below):
inside every (label, source) group, the items whose sha256(LOCK_SALT + id) sorts first. Only
ids were written. Training and cross-validation never see those items (`split="train"`); they
are scored once per model, by `manage.py evaluate_moderation --locked`. The final artifact is
then trained on the whole dev split (`split="all"`), so the locked figures describe the recipe
trained on 75 % of the data, not the shipped weights.

This module is plain Python: the evaluation commands use it without scikit-learn.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from moderation.classifiers.base import LABELS

DATA_DIR = Path(__file__).resolve().parent / "data"
LOCKED_IDS_PATH = DATA_DIR / "locked_test_ids.txt"
LOCK_SALT = "locked-test-2026-11-29:"
LOCK_FRACTION = 0.25
SAFE_LABELS = ("benign", "benign_sensitive")
Split = Literal["train", "locked", "all"]


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # one of LABELS, or benign / benign_sensitive
    source: str
    written: bool  # written for this project: training only, never scored


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def locked_ids(path: Path = LOCKED_IDS_PATH) -> frozenset[str]:
    return frozenset(path.read_text(encoding="utf-8").split())


def lock_ids(items: list[dict[str, Any]], fraction: float = LOCK_FRACTION) -> list[str]:
    """The ids to lock away: per (label, source), the first `fraction` by salted hash."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in items:
        groups[(item["label"], item["source"])].append(item["id"])
    chosen: list[str] = []
    for key in sorted(groups):
        ids = sorted(groups[key], key=lambda i: hashlib.sha256((LOCK_SALT + i).encode()).hexdigest())
        chosen.extend(ids[: round(len(ids) * fraction)])
    return sorted(chosen)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def load_examples(split: Split = "train", data_dir: Path = DATA_DIR) -> list[Example]:
    """Examples in a fixed order (file name, then line).

    `train`: the dev split minus the locked ids, plus the written examples; `locked`: the locked
    ids only; `all`: everything. A written example whose text (case and punctuation aside) is
    already in the public data is dropped, so nothing is counted twice.
    """
    locked = locked_ids(data_dir / LOCKED_IDS_PATH.name)
    public: list[Example] = []
    written: list[Example] = []
    # Every public text, locked ones included: a written example that happens to repeat one is
    # dropped, so no locked text reaches training by way of the written files.
    seen: set[str] = set()
    for path in sorted(data_dir.glob("*.jsonl")):
        is_written = path.name.startswith("written_")
        for item in read_jsonl(path):
            label = item["label"]
            if label not in LABELS and label not in SAFE_LABELS:
                raise ValueError(f"{path.name}: unknown label {label!r}")
            example = Example(item["text"], label, item.get("source", path.stem), is_written)
            if is_written:
                if split != "locked":
                    written.append(example)
                continue
            seen.add(_key(example.text))
            if split == "all" or (split == "locked") == (item["id"] in locked):
                public.append(example)
    kept = []
    for example in written:
        if _key(example.text) not in seen:
            seen.add(_key(example.text))
            kept.append(example)
    return public + kept
