"""Training the flag model: the recipe (`recipe`) over an encoder fine-tuned on the same texts.

The shipped scorer averages this model's `abuse` and `harmful_request` with the shipped model's
(`builtin.FLAG_OUTPUTS`).
Training fine-tunes the encoder first (`finetune`, PyTorch, about six minutes on one core), stores
the adapter rounded as the artifact stores it, and fits the recipe's features, heads and operating
points on the vectors of the shipped graph with that adapter merged: the very vectors scoring sees.
The operating points come from inner folds over that one encoder, which has seen every training
text; docs/moderation.md says what that does to the figures.

Cross-validation (`outer_fold_outputs`, `cross_validate`) scores each public example of the train
split the way the shipped scorer would with models that never saw it: the recipe's nested
cross-validation gives the shipped model's rows, and each outer fold (the same folds) fine-tunes
its own encoder on its training part and fits the recipe over it for the flag model's rows; the
two are combined as `builtin` combines them. Five fine-tunings: about half an hour on one core.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from moderation.classifiers.builtin import FLAG_OUTPUTS, hears_flag_model, with_flags
from moderation.classifiers.model import encode_adapter, rescale, rounded
from moderation.training import recipe
from moderation.training.examples import Example

# The adapter's seed; its figures in docs/moderation.md are this seed's and another's.
FINE_TUNE_SEED = 1
# One thread, as the recipe's BLAS: torch's sums, and the adapter with them, come out the same on
# any machine.
FINE_TUNE_THREADS = 1


def train(examples: Sequence[Example], seed: int = recipe.SEED, fine_tune_seed: int = FINE_TUNE_SEED) -> dict[str, Any]:
    """The flag model's artifact data, trained on the examples."""
    data, _, _ = _fit(examples, seed, fine_tune_seed)
    return data


def _fit(examples: Sequence[Example], seed: int, fine_tune_seed: int) -> tuple[dict[str, Any], recipe.Features, recipe.Heads]:
    from moderation.training import finetune  # torch: requirements-finetune.txt

    texts, labels = [e.text for e in examples], [e.label for e in examples]
    adapter = rounded(finetune.fine_tune(texts, labels, seed=fine_tune_seed, threads=FINE_TUNE_THREADS))
    data, features, heads = recipe.train(examples, seed, recipe.Embeddings(adapter))
    data["adapter"] = encode_adapter(adapter)
    data["metadata"]["fine_tuned"] = {
        "method": "LoRA on every attention and feed-forward matrix (moderation/training/finetune.py)",
        "rank": finetune.RANK,
        "epochs": finetune.EPOCHS,
        "seed": fine_tune_seed,
        "scores_used": list(FLAG_OUTPUTS),
    }
    return data, features, heads


def outer_fold_outputs(
    examples: Sequence[Example], folds: int = 5, seed: int = recipe.SEED + 1, fine_tune_seed: int = FINE_TUNE_SEED
) -> tuple[dict[int, np.ndarray], list[list[float]]]:
    """The shipped scorer's out-of-fold rows (by example index), as `recipe.outer_fold_outputs`
    gives the shipped model's, with the flag model's heard as `builtin` hears it; and each fold's
    shipped operating points."""
    rows, fold_thresholds = recipe.outer_fold_outputs(examples, folds, seed)
    flag_rows = flag_model_rows(examples, folds, seed, fine_tune_seed)
    return {i: with_flags(row, flag_rows[i]) if hears_flag_model(row) else row for i, row in rows.items()}, fold_thresholds


@threadpool_limits.wrap(limits=recipe.BLAS_THREADS)
def flag_model_rows(
    examples: Sequence[Example], folds: int = 5, seed: int = recipe.SEED + 1, fine_tune_seed: int = FINE_TUNE_SEED
) -> dict[int, np.ndarray]:
    """Each public example's flag-model row (rescaled), from a flag model trained on its outer
    fold's training part, encoder included; the folds are `recipe.outer_fold_outputs`'s."""
    scored = np.array([not e.written for e in examples])
    scored_idx, always = np.flatnonzero(scored), np.flatnonzero(~scored)
    rows: dict[int, np.ndarray] = {}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_part, test_part in splitter.split(scored_idx, [examples[i].label for i in scored_idx]):
        data, features, heads = _fit([examples[i] for i in np.concatenate([scored_idx[train_part], always])], recipe.SEED, fine_tune_seed)
        test_idx = scored_idx[test_part]
        probabilities = recipe.sklearn_probabilities(features, heads, [examples[i].text for i in test_idx])
        for i, row in zip(test_idx, probabilities):
            rows[int(i)] = np.array([rescale(float(p), float(t)) for p, t in zip(row, data["thresholds"])])
    return rows


def cross_validate(examples: Sequence[Example], folds: int = 5, seed: int = recipe.SEED + 1) -> dict[str, Any]:
    """Cross-validation of the shipped scorer with its flag model; metrics on public examples only."""
    started = time.perf_counter()
    rows, fold_thresholds = outer_fold_outputs(examples, folds, seed)
    return recipe.fold_metrics(examples, rows, fold_thresholds, started)
