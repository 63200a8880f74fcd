"""The trained builtin model: its artifact, how it loads, and how it is rebuilt."""

from __future__ import annotations

import numpy as np
import pytest

from moderation.classifiers import builtin, training
from moderation.classifiers.base import LABELS
from moderation.classifiers.model import ARTIFACT_PATH, LinearModel, rescale, write_artifact


@pytest.fixture(scope="module")
def retrained(tmp_path_factory):
    """The recipe run again from the repo's data, as `manage.py train_moderation` runs it."""
    examples = training.load_examples()
    data, vectorizers, models = training.train_with_models(examples)
    path = tmp_path_factory.mktemp("model") / "builtin_model.json.gz"
    write_artifact(data, path)
    return path, vectorizers, models, examples


def test_training_again_rebuilds_the_committed_artifact_byte_for_byte(retrained):
    path, *_ = retrained
    assert path.read_bytes() == ARTIFACT_PATH.read_bytes(), (
        "the committed model differs from a fresh training run: run `python manage.py train_moderation`"
    )


def test_the_numpy_scorer_predicts_what_scikit_learn_predicts(retrained):
    path, vectorizers, models, examples = retrained
    model = LinearModel.load(path)
    texts = [e.text for e in examples[::7]]
    reference = training.sklearn_probabilities(vectorizers, models, texts)
    ours = np.array([[model.probabilities(text)[label] for label in LABELS] for text in texts])
    assert np.max(np.abs(reference - ours)) < 1e-5


def test_the_artifact_is_small_enough_to_commit():
    assert ARTIFACT_PATH.stat().st_size < 5_000_000


def test_the_model_is_loaded_once_per_process():
    assert builtin.get_model() is builtin.get_model()


def test_the_artifact_records_how_it_was_trained():
    metadata = builtin.get_model().metadata
    assert metadata["seed"] == training.SEED
    assert metadata["training_examples"]["written:end_request"] > 0


@pytest.mark.parametrize("threshold", [0.05, 0.3, 0.5, 0.76, 0.95])
def test_each_labels_operating_point_lands_on_the_shared_flag_line(threshold):
    assert rescale(threshold, threshold) == 0.5
    assert rescale(0.0, threshold) == 0.0
    assert rescale(1.0, threshold) == 1.0
    points = [rescale(p / 100, threshold) for p in range(101)]
    assert points == sorted(points)


def test_a_model_from_another_artifact_can_be_used_for_evaluation():
    model = builtin.load_model(ARTIFACT_PATH)
    assert builtin.assess("Please end this conversation.", model).flagged == ("end_request",)


def test_an_artifact_of_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        LinearModel({"format": 99})
