"""The trained linear model behind the `builtin` backend: features, the artifact, and scoring.

Training (`moderation.classifiers.training`, scikit-learn) fits one logistic regression per label
on TF-IDF word and character n-grams plus the five scores of the pattern classifier (`rules`).
Scoring does not need scikit-learn: the artifact stores
the vocabulary, the inverse document frequencies and the weights as plain JSON, and `LinearModel`
computes exactly what scikit-learn's TfidfVectorizer + LogisticRegression would, with numpy.
That keeps the per-message cost to a few dictionary look-ups and one small matrix product,
which is what lets the backend run inline on every user message.

The analyzers below are the very functions the vectorizers were fitted with, so training and
scoring cannot drift apart.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moderation.classifiers import rules
from moderation.classifiers.base import LABELS

# Messages longer than this are cut before scoring, so the cost per message is bounded.
MAX_CHARS = 4000
ARTIFACT_FORMAT = 1
ARTIFACT_PATH = Path(__file__).resolve().parent / "builtin_model.json.gz"

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'", "`": "'"})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_LEET_TOKEN = re.compile(r"\b[a-z]+[0134@$][a-z0134@$]*\b")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SPACES = re.compile(r"\s+")


def prepare(text: str) -> str:
    """Lower-case, straighten quotes, undo simple leetspeak ("h4te") and stretched letters."""
    text = text[:MAX_CHARS].translate(_QUOTES).lower()
    text = _LEET_TOKEN.sub(lambda m: m.group(0).translate(_LEET), text)
    text = _REPEATS.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


def word_ngrams(prepared: str) -> list[str]:
    """Word unigrams and bigrams of prepared text."""
    words = _WORD.findall(prepared)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def char_ngrams(prepared: str, low: int = 3, high: int = 5) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space (scikit-learn's char_wb)."""
    grams: list[str] = []
    for word in prepared.split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if size < n:
                break
            grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return grams


ANALYZERS = {"word": word_ngrams, "char": char_ngrams}

# The pattern classifier's scores enter the model as five extra features, scaled so that a
# confident pattern match weighs about as much as a whole TF-IDF block (whose norm is 1).
RULE_SCALE = 2.0


def rule_vector(text: str) -> list[float]:
    found = rules.scores(text)
    return [RULE_SCALE * found[label] for label in LABELS]


@dataclass
class Block:
    """One TF-IDF vectorizer's share of the model: vocabulary, idf, and weights per label."""

    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_features,)
    weights: np.ndarray  # (n_features, n_labels)

    def contribution(self, grams: list[str], n_labels: int) -> np.ndarray:
        """The block's part of every label's logit for one message (sublinear tf, l2 norm)."""
        index = self.vocabulary
        counts: dict[int, int] = {}
        for gram in grams:
            j = index.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.zeros(n_labels)
        ids = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=float, count=len(counts))
        tf = np.where(tf > 1.0, 1.0 + np.log(tf), 1.0)  # sublinear tf, as in training
        x = tf * self.idf[ids]
        return (x @ self.weights[ids]) / math.sqrt(float(x @ x))


class LinearModel:
    """Per-label logistic regressions over word and character TF-IDF, with per-label operating points."""

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != ARTIFACT_FORMAT:
            raise ValueError(f"unsupported builtin model artifact format {data.get('format')!r}")
        self.labels: tuple[str, ...] = tuple(data["labels"])
        if set(self.labels) != set(LABELS):
            raise ValueError(f"the artifact scores {self.labels}, expected {LABELS}")
        self.intercepts = np.asarray(data["intercepts"], dtype=float)
        self.thresholds = np.asarray(data["thresholds"], dtype=float)
        self.metadata: dict[str, Any] = data.get("metadata", {})
        self.blocks: dict[str, Block] = {}
        self.rule_weights: np.ndarray | None = None
        for name, block in data["blocks"].items():
            if name == "rules":
                self.rule_weights = np.asarray(block["weights"], dtype=float).reshape(len(LABELS), len(self.labels))
                continue
            idf = np.asarray(block["idf"], dtype=float)
            weights = np.asarray(block["weights"], dtype=float).reshape(len(idf), len(self.labels))
            vocabulary = {gram: j for j, gram in enumerate(block["vocabulary"])}
            self.blocks[name] = Block(vocabulary, idf, weights)

    def probabilities(self, text: str) -> dict[str, float]:
        """Each label's logistic-regression probability, before the operating point is applied."""
        prepared = prepare(text)
        logits = self.intercepts.copy()
        for name, block in self.blocks.items():
            logits += block.contribution(ANALYZERS[name](prepared), len(self.labels))
        if self.rule_weights is not None:
            logits += np.asarray(rule_vector(text)) @ self.rule_weights
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        return dict(zip(self.labels, probabilities.tolist()))

    def scores(self, text: str) -> dict[str, float]:
        """Scores in [0, 1] where 0.5 is each label's operating point (see `rescale`)."""
        probabilities = self.probabilities(text)
        return {
            label: rescale(probabilities[label], float(threshold))
            for label, threshold in zip(self.labels, self.thresholds)
        }

    @classmethod
    def load(cls, path: Path = ARTIFACT_PATH) -> LinearModel:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls(json.load(handle))


def rescale(probability: float, threshold: float) -> float:
    """Map a probability so that the label's chosen threshold lands on the shared flag line, 0.5.

    The mapping is monotonic and piecewise linear: [0, t] -> [0, 0.5] and [t, 1] -> [0.5, 1].
    Each label keeps the operating point picked for it in training (lower for the risk labels,
    where a miss costs most) while every backend still flags at 0.5.
    """
    if probability < threshold:
        return 0.5 * probability / threshold
    return 0.5 + 0.5 * (probability - threshold) / (1.0 - threshold)


def write_artifact(data: dict[str, Any], path: Path) -> None:
    """Write the artifact deterministically: sorted keys, fixed float text, no gzip timestamp."""
    raw = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    with path.open("wb") as handle, gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0, compresslevel=9) as gz:
        gz.write(raw)
