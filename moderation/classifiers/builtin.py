"""The embedded `builtin` backend: a trained linear model, offline and CPU only.

The model (`model.py`, trained by `training.py` through `manage.py train_moderation`) is read
from `builtin_model.json.gz` the first time a message is assessed and kept for the life of
the process. See docs/moderation.md for its model card.
"""

from __future__ import annotations

import threading
from pathlib import Path

from moderation.classifiers.base import FLAG_THRESHOLD, Assessment
from moderation.classifiers.model import ARTIFACT_PATH, LinearModel

BACKEND = "builtin"

# A first-person request for self-harm methods is a risk, not misconduct: the data labels it
# self_harm, and the end policy must answer it with support, so the harmful_request score is
# capped just under the threshold unless someone else is in danger too.
_SELF_HARM_ONLY_CAP = 0.45

_lock = threading.Lock()
_model: LinearModel | None = None


def get_model() -> LinearModel:
    """The shipped model, loaded once per process (thread-safe, lazily on first use)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = LinearModel.load(ARTIFACT_PATH)
    return _model


def use_model(model: LinearModel) -> None:
    """Make `model` the process's builtin model (the evaluation commands, with --model)."""
    global _model
    with _lock:
        _model = model


def load_model(path: Path) -> LinearModel:
    """A model from another artifact (evaluation of a model trained on a split)."""
    return LinearModel.load(path)


def apply_rules(scores: dict[str, float]) -> dict[str, float]:
    """Post-model rules that encode the label definitions rather than anything learned."""
    if scores["self_harm"] >= FLAG_THRESHOLD and scores["harm_to_others"] < FLAG_THRESHOLD:
        scores = {**scores, "harmful_request": min(scores["harmful_request"], _SELF_HARM_ONLY_CAP)}
    return scores


def scores(text: str, model: LinearModel | None = None) -> dict[str, float]:
    """Raw scores for every label, before rounding; 0.5 is each label's operating point."""
    return apply_rules((model or get_model()).scores(text))


def assess(text: str, model: LinearModel | None = None) -> Assessment:
    """Assess one user message with the trained model."""
    return Assessment.from_scores(scores(text, model), backend=BACKEND)
