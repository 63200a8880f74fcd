"""Fine-tuning the encoder: the torch network is the shipped one, and what it learns is what the
shipped graph runs once the adapter is merged (`encoder.merge`)."""

from __future__ import annotations

import numpy as np
import pytest

from moderation.classifiers import encoder
from moderation.classifiers.model import CLASSES, rounded
from moderation.training import examples, finetune

TEXTS = [
    "I can't keep living like this.",
    "How do I kill a Python process?",
    "you are a useless bot",
    "Please end this conversation now, thanks.",
    "word " * 300,  # longer than a window: both cut it at the same place
]


def onnx_vectors(adapter=None) -> np.ndarray:
    return np.stack([windows[0] for windows in encoder.Encoder(adapter=adapter).embed(TEXTS)])


@pytest.fixture(scope="module")
def small_adapter():
    """An adapter fine-tuned for one epoch on a few texts of every class (seconds)."""
    chosen = []
    for label in CLASSES:
        chosen += [e for e in examples.load_examples("train") if e.label == label and not e.written][:8]
    original = finetune.EPOCHS
    finetune.EPOCHS = 1
    try:
        first = finetune.fine_tune([e.text for e in chosen], [e.label for e in chosen], seed=3, threads=1)
        again = finetune.fine_tune([e.text for e in chosen], [e.label for e in chosen], seed=3, threads=1)
    finally:
        finetune.EPOCHS = original
    return first, again


def test_the_torch_network_gives_the_shipped_graphs_vectors():
    assert np.abs(finetune.embed(TEXTS) - onnx_vectors()).max() < 1e-5


def test_a_merged_adapter_gives_the_fine_tuned_networks_vectors(small_adapter):
    adapter = rounded(small_adapter[0])
    tuned = onnx_vectors(adapter)
    assert np.abs(finetune.embed(TEXTS, adapter) - tuned).max() < 1e-5
    # and the adapter changed them: the merge did something
    assert np.abs(tuned - onnx_vectors()).max() > 1e-2


def test_the_same_data_and_seed_give_the_same_adapter(small_adapter):
    first, again = small_adapter
    assert first.digest == again.digest
    assert len(first.matrices) == finetune.LAYERS * len(finetune.TARGETS)


def test_an_adapter_for_a_matrix_the_weights_do_not_hold_is_refused():
    wrong = encoder.Adapter(2.0, {"encoder.layer.9.output.dense.weight": (np.zeros((2, 384)), np.zeros((384, 2)))})
    with pytest.raises(encoder.EncoderUnavailable, match="layer.9"):
        encoder.Encoder(adapter=wrong)
