"""Training the flag model: the recipe (`recipe`) over an encoder fine-tuned on the same texts.

The shipped scorer averages this model's `abuse` and `harmful_request` with the shipped model's
(`builtin.FLAG_OUTPUTS`).
Training fine-tunes the encoder first (`finetune`, PyTorch, about six minutes on one core), stores
the adapter rounded as the artifact stores it, and fits the recipe's features, heads and operating
points on the vectors of the shipped graph with that adapter merged: the very vectors scoring sees.
The operating points come from inner folds over that one encoder, which has seen every training
text; docs/moderation.md says what that does to the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from moderation.classifiers.builtin import FLAG_OUTPUTS
from moderation.classifiers.model import encode_adapter, rounded
from moderation.training import recipe
from moderation.training.examples import Example

# The adapter's seed; its figures in docs/moderation.md are this seed's and another's.
FINE_TUNE_SEED = 1
# One thread, as the recipe's BLAS: torch's sums, and the adapter with them, come out the same on
# any machine.
FINE_TUNE_THREADS = 1


def train(examples: Sequence[Example], seed: int = recipe.SEED) -> dict[str, Any]:
    """The flag model's artifact data, trained on the examples."""
    from moderation.training import finetune  # torch: requirements-finetune.txt

    texts, labels = [e.text for e in examples], [e.label for e in examples]
    adapter = rounded(finetune.fine_tune(texts, labels, seed=FINE_TUNE_SEED, threads=FINE_TUNE_THREADS))
    data, _, _ = recipe.train(examples, seed, recipe.Embeddings(adapter))
    data["adapter"] = encode_adapter(adapter)
    data["metadata"]["fine_tuned"] = {
        "method": "LoRA on every attention and feed-forward matrix (moderation/training/finetune.py)",
        "rank": finetune.RANK,
        "epochs": finetune.EPOCHS,
        "seed": FINE_TUNE_SEED,
        "scores_used": list(FLAG_OUTPUTS),
    }
    return data
