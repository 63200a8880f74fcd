"""Training and cross-validating the `builtin` model (scikit-learn; used by management commands only).

The recipe, fixed so that two runs give the same artifact byte for byte:

1. Read every labelled example in `moderation/data/` (`dev_*.jsonl`, from public datasets, and
   `written_*.jsonl`, written for this project).
2. Fit two TF-IDF vectorizers (word 1-2 grams, character 3-5 grams inside words; sublinear tf,
   l2 norm each) with the analyzers of `moderation.classifiers.model`.
3. Fit one class-balanced logistic regression (liblinear, fixed seed) per label, one label
   against everything else; benign and benign_sensitive texts are negatives for every label.
4. Pick each label's operating point on out-of-fold probabilities from an inner 5-fold split:
   the risk labels take the highest threshold that still keeps out-of-fold recall at or above
   `RISK_RECALL`, but never above `RISK_MAX_THRESHOLD`; the other labels take the threshold
   with the best F1 between 0.3 and 0.9.

Cross-validation (`cross_validate`) repeats the whole recipe, threshold choice included, inside
each outer fold, so a fold's test texts never influence its model or its thresholds. Written
examples are only ever training data: the reported numbers are on public data alone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from moderation.classifiers.base import LABELS, RISK_LABELS
from moderation.classifiers.model import (
    ARTIFACT_FORMAT,
    ARTIFACT_PATH,
    char_ngrams,
    prepare,
    rule_vector,
    word_ngrams,
    write_artifact,
)

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SEED = 20261127
C = 8.0
MIN_DF = 2
INNER_FOLDS = 5
RISK_RECALL = 0.97
RISK_MAX_THRESHOLD = 0.5
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)
SAFE_LABELS = ("benign", "benign_sensitive")


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # one of LABELS, or benign / benign_sensitive
    source: str
    written: bool  # written for this project (training only, never scored in evaluation)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_examples(data_dir: Path = DATA_DIR) -> list[Example]:
    """Every labelled example kept in the repo, in a fixed order (file name, then line)."""
    examples = []
    for path in sorted(data_dir.glob("*.jsonl")):
        written = path.name.startswith("written_")
        for item in read_jsonl(path):
            label = item["label"]
            if label not in LABELS and label not in SAFE_LABELS:
                raise ValueError(f"{path.name}: unknown label {label!r}")
            examples.append(Example(item["text"], label, item.get("source", path.stem), written))
    return examples


def targets(labels: Sequence[str]) -> np.ndarray:
    """The (n_examples, n_labels) 0/1 matrix: each example is positive for its own label only."""
    return np.array([[int(gold == label) for label in LABELS] for gold in labels], dtype=int)


class Vectorizers:
    def __init__(self) -> None:
        common = {"lowercase": False, "min_df": MIN_DF, "sublinear_tf": True, "dtype": np.float64}
        self.word = TfidfVectorizer(analyzer=word_ngrams, **common)
        self.char = TfidfVectorizer(analyzer=char_ngrams, **common)

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        prepared = [prepare(text) for text in texts]
        return sparse.hstack([self.word.fit_transform(prepared), self.char.fit_transform(prepared), rule_features(texts)]).tocsr()

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        prepared = [prepare(text) for text in texts]
        return sparse.hstack([self.word.transform(prepared), self.char.transform(prepared), rule_features(texts)]).tocsr()


def rule_features(texts: Sequence[str]) -> sparse.csr_matrix:
    """The pattern classifier's five scores, scaled (`RULE_SCALE`), as extra features."""
    return sparse.csr_matrix(np.array([_cached_rule_vector(text) for text in texts]))


_RULE_CACHE: dict[str, list[float]] = {}


def _cached_rule_vector(text: str) -> list[float]:
    # Cross-validation fits the vectorizers dozens of times on the same texts; the patterns
    # give the same scores every time, so each text is scored once.
    if text not in _RULE_CACHE:
        _RULE_CACHE[text] = rule_vector(text)
    return _RULE_CACHE[text]


def _fit_label_models(x: sparse.csr_matrix, y: np.ndarray) -> list[LogisticRegression]:
    models = []
    for k in range(len(LABELS)):
        model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", random_state=SEED, max_iter=1000)
        model.fit(x, y[:, k])
        models.append(model)
    return models


def _probabilities(models: list[LogisticRegression], x: sparse.csr_matrix) -> np.ndarray:
    return np.column_stack([model.predict_proba(x)[:, 1] for model in models])


# Builds the feature extractor of one fit; cross-validation takes another to compare feature sets
# (scripts/compare_embeddings.py) with the shipped recipe unchanged.
Features = Callable[[], Vectorizers]


def _fit(texts: Sequence[str], y: np.ndarray, features: Features = Vectorizers) -> tuple[Vectorizers, list[LogisticRegression]]:
    vectorizers = features()
    x = vectorizers.fit_transform(texts)
    return vectorizers, _fit_label_models(x, y)


def out_of_fold_probabilities(
    texts: Sequence[str], labels: Sequence[str], scored: np.ndarray, folds: int, seed: int, features: Features = Vectorizers
) -> np.ndarray:
    """Probabilities for the `scored` examples, each from a model that never saw it.

    Examples not in `scored` (the written ones) are in every training fold.
    """
    y = targets(labels)
    result = np.zeros((len(texts), len(LABELS)))
    scored_idx = np.flatnonzero(scored)
    always = np.flatnonzero(~scored)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    strata = [labels[i] for i in scored_idx]
    for train_part, test_part in splitter.split(scored_idx, strata):
        train_idx = np.concatenate([scored_idx[train_part], always])
        test_idx = scored_idx[test_part]
        vectorizers, models = _fit([texts[i] for i in train_idx], y[train_idx], features)
        result[test_idx] = _probabilities(models, vectorizers.transform([texts[i] for i in test_idx]))
    return result


def choose_thresholds(probabilities: np.ndarray, labels: Sequence[str]) -> list[float]:
    """Each label's operating point from out-of-fold probabilities (see the module docstring)."""
    y = targets(labels)
    chosen = []
    for k, label in enumerate(LABELS):
        positive = y[:, k] == 1
        # F-beta with beta 2 (recall counts four times as much) for the risk labels when the
        # recall target cannot be reached at any threshold; plain F1 for the others.
        beta2 = 4.0 if label in RISK_LABELS else 1.0
        best_t, best_f = 0.5, -1.0
        reaching_target = None
        for t in THRESHOLD_GRID:
            # Outside the risk labels, a threshold far from 0.5 is read as overfitting the
            # folds (25 end requests give a perfect but meaningless split at 0.05).
            if label not in RISK_LABELS and not 0.3 <= t <= 0.9:
                continue
            predicted = probabilities[:, k] >= t
            tp = int(np.sum(predicted & positive))
            fp = int(np.sum(predicted & ~positive))
            fn = int(np.sum(~predicted & positive))
            if label in RISK_LABELS and tp / max(1, tp + fn) >= RISK_RECALL:
                reaching_target = float(t)
            f = (1 + beta2) * tp / max(1.0, (1 + beta2) * tp + beta2 * fn + fp)
            if f > best_f:
                best_t, best_f = float(t), f
        threshold = reaching_target if reaching_target is not None else best_t
        if label in RISK_LABELS:
            # The folds can reach the recall target with a very high threshold, which leaves
            # texts just under it (a new phrasing of despair) unflagged. A risk label never asks
            # for more than even odds.
            threshold = min(threshold, RISK_MAX_THRESHOLD)
        chosen.append(threshold)
    return chosen


def train(examples: Sequence[Example]) -> dict[str, Any]:
    """Fit the shipped model on every example and return the artifact's data."""
    return train_with_models(examples)[0]


def train_with_models(examples: Sequence[Example]) -> tuple[dict[str, Any], Vectorizers, list[LogisticRegression]]:
    """`train`, also returning the fitted scikit-learn objects (to check the artifact against them)."""
    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    scored = np.array([not e.written for e in examples])
    oof = out_of_fold_probabilities(texts, labels, scored, INNER_FOLDS, SEED)
    thresholds = choose_thresholds(oof[scored], [labels[i] for i in np.flatnonzero(scored)])
    vectorizers, models = _fit(texts, targets(labels))
    return export(vectorizers, models, thresholds, examples), vectorizers, models


def _floats(values: Iterable[float]) -> list[float]:
    # Eight significant digits: far below any difference that changes a flag, and the same
    # text on every run.
    return [float(f"{value:.8g}") for value in values]


def export(vectorizers: Vectorizers, models: list[LogisticRegression], thresholds: list[float], examples: Sequence[Example]) -> dict[str, Any]:
    coef = np.vstack([model.coef_[0] for model in models]).T  # (n_features, n_labels)
    blocks = {}
    offset = 0
    for name, vectorizer in (("word", vectorizers.word), ("char", vectorizers.char)):
        vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        size = len(vocabulary)
        blocks[name] = {
            "vocabulary": vocabulary,
            "idf": _floats(vectorizer.idf_),
            "weights": _floats(coef[offset : offset + size].ravel()),
        }
        offset += size
    blocks["rules"] = {"weights": _floats(coef[offset:].ravel())}
    counts: dict[str, int] = {}
    for example in examples:
        key = f"{'written' if example.written else 'public'}:{example.label}"
        counts[key] = counts.get(key, 0) + 1
    return {
        "format": ARTIFACT_FORMAT,
        "labels": list(LABELS),
        "intercepts": _floats(model.intercept_[0] for model in models),
        "thresholds": thresholds,
        "blocks": blocks,
        "metadata": {
            "method": "TF-IDF word 1-2 grams + char_wb 3-5 grams + the pattern classifier's five scores, one balanced liblinear logistic regression per label",
            "C": C,
            "min_df": MIN_DF,
            "seed": SEED,
            "risk_recall_target": RISK_RECALL,
            "risk_max_threshold": RISK_MAX_THRESHOLD,
            "training_examples": dict(sorted(counts.items())),
        },
    }


def train_and_write(path: Path = ARTIFACT_PATH, data_dir: Path = DATA_DIR) -> dict[str, Any]:
    data = train(load_examples(data_dir))
    write_artifact(data, path)
    return data


# --- Evaluation ------------------------------------------------------------------------------------


def metrics(gold: Sequence[str], flagged: Sequence[Iterable[str]]) -> dict[str, Any]:
    """Per-label precision, recall, F1 and support, plus how often safe texts get a harmful flag."""
    flag_sets = [set(flags) for flags in flagged]
    result: dict[str, Any] = {"labels": {}}
    for label in LABELS:
        tp = sum(1 for g, f in zip(gold, flag_sets) if g == label and label in f)
        fp = sum(1 for g, f in zip(gold, flag_sets) if g != label and label in f)
        fn = sum(1 for g, f in zip(gold, flag_sets) if g == label and label not in f)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result["labels"][label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": tp + fn,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }
    harmful = set(LABELS) - {"end_request"}
    for safe in SAFE_LABELS:
        items = [f for g, f in zip(gold, flag_sets) if g == safe]
        key = f"{safe}_flag_rate"
        result[key] = round(sum(bool(f & harmful) for f in items) / len(items), 4) if items else None
        result[f"{safe}_count"] = len(items)
        confusion = {label: sum(label in f for f in items) for label in LABELS}
        result[f"{safe}_confusion"] = confusion
    return result


def flags_from_probabilities(probabilities: np.ndarray, thresholds: Sequence[float]) -> list[tuple[str, ...]]:
    """The flags the shipped scorer would give, including the self-harm-only cap of `builtin`."""
    from moderation.classifiers.builtin import apply_rules
    from moderation.classifiers.model import rescale

    flags = []
    for row in probabilities:
        scores = {label: rescale(float(p), float(t)) for label, p, t in zip(LABELS, row, thresholds)}
        scores = apply_rules(scores)
        flags.append(tuple(label for label in LABELS if round(scores[label], 3) >= 0.5))
    return flags


def cross_validate(examples: Sequence[Example], folds: int = 5, seed: int = SEED + 1, features: Features = Vectorizers) -> dict[str, Any]:
    """Nested cross-validation of the whole recipe; metrics on public examples only."""
    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    scored = np.array([not e.written for e in examples])
    scored_idx = np.flatnonzero(scored)
    always = np.flatnonzero(~scored)
    y = targets(labels)
    flags: dict[int, tuple[str, ...]] = {}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    started = time.perf_counter()
    fold_thresholds = []
    for train_part, test_part in splitter.split(scored_idx, [labels[i] for i in scored_idx]):
        train_idx = np.concatenate([scored_idx[train_part], always])
        test_idx = scored_idx[test_part]
        train_texts = [texts[i] for i in train_idx]
        train_labels = [labels[i] for i in train_idx]
        train_scored = scored[train_idx]
        oof = out_of_fold_probabilities(train_texts, train_labels, train_scored, INNER_FOLDS, SEED, features)
        thresholds = choose_thresholds(oof[train_scored], [l for l, s in zip(train_labels, train_scored) if s])
        fold_thresholds.append(thresholds)
        vectorizers, models = _fit(train_texts, y[train_idx], features)
        probabilities = _probabilities(models, vectorizers.transform([texts[i] for i in test_idx]))
        for i, row in zip(test_idx, flags_from_probabilities(probabilities, thresholds)):
            flags[int(i)] = row
    order = sorted(flags)
    result = metrics([labels[i] for i in order], [flags[i] for i in order])
    result["folds"] = folds
    result["examples"] = len(order)
    result["fold_thresholds"] = fold_thresholds
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def sklearn_probabilities(vectorizers: Vectorizers, models: list[LogisticRegression], texts: Sequence[str]) -> np.ndarray:
    """What scikit-learn itself predicts for `texts` (the reference the numpy scorer must match)."""
    return _probabilities(models, vectorizers.transform(texts))


def split_holdout(examples: Sequence[Example], fraction: float = 0.25, seed: int = SEED) -> tuple[list[Example], list[Example]]:
    """A stratified split of the public examples; written ones always stay in training."""
    public = [i for i, e in enumerate(examples) if not e.written]
    rng = np.random.default_rng(seed)
    held: set[int] = set()
    for label in sorted({examples[i].label for i in public}):
        members = [i for i in public if examples[i].label == label]
        take = max(1, round(len(members) * fraction))
        held.update(int(i) for i in rng.choice(members, size=take, replace=False))
    return [e for i, e in enumerate(examples) if i not in held], [e for i, e in enumerate(examples) if i in held]


def write_jsonl(examples: Sequence[Example], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for e in examples:
            handle.write(json.dumps({"text": e.text, "label": e.label, "source": e.source}, ensure_ascii=False) + "\n")
