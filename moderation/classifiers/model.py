"""The trained model behind the `builtin` backend: its features, its artifact, and scoring.

Four feature blocks describe one window of text (see `encoder.py` for windows):

- `embedding`: the sentence encoder's 384-dimensional unit vector, which carries meaning past the
  words used ("I can't keep living like this" lies near "I want to die");
- `word` and `char`: TF-IDF of word 1-2 grams and of character 3-5 grams inside words, which
  catch the exact wording the encoder blurs (slurs, misspellings, "kms");
- `neighbours`: for each training class, how close the nearest training texts are (the best
  cosine similarity and the mean of the best three), which lets a linear model see small,
  tight groups of examples that a single weight vector would average away.

The encoder may be fine-tuned: the artifact then carries its `adapter` (a low-rank change to the
encoder's weights, `encoder.Adapter`), and its vectors come from the encoder with the adapter
merged. The shipped flag model (`FLAG_ARTIFACT_PATH`) is one: see `builtin`.

Two heads read them. Six logistic regressions, one per label and one for `risk` (self-harm and
harm to others together), each weigh their output against everything else; one multinomial
logistic regression weighs the seven classes against each other, so that a label is told apart
from its look-alikes (hate from the counter-speech quoting it, a threat from a how-to). Each
output's probability is the mean of the two heads'; `risk`'s threshold is the policy's veto. Training (`moderation/training/`,
scikit-learn) writes the artifact as plain JSON; scoring needs numpy only and computes what
scikit-learn would, to the float16 rounding of the stored neighbours (checked by
`tests/moderation/training/test_recipe.py`).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moderation.classifiers.base import LABELS
from moderation.classifiers.encoder import Adapter

ARTIFACT_FORMAT = 3
ARTIFACT_PATH = Path(__file__).resolve().parent / "builtin_model.json.gz"
# The same recipe over the fine-tuned encoder, whose abuse and harmful_request scores the shipped
# scorer averages with the shipped model's (`builtin`; docs/moderation.md, "Flags from the
# fine-tuned encoder").
FLAG_ARTIFACT_PATH = Path(__file__).resolve().parent / "flag_model.json.gz"
# The code that turns a text into scores besides the artifact: the readings, the rules, the encoder.
CODE_DIR = Path(__file__).resolve().parent
# The model's outputs: the five labels, then the veto's `risk`.
OUTPUTS: tuple[str, ...] = (*LABELS, "risk")
# The classes the neighbour features measure closeness to: the labels and the two safe kinds.
CLASSES: tuple[str, ...] = (*LABELS, "benign", "benign_sensitive")
NEIGHBOURS = 3
# The neighbour similarities enter scaled, so that they weigh about as much as one l2-normalised
# TF-IDF block.
NEIGHBOUR_SCALE = 2.0

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'", "`": "'"})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_LEET_TOKEN = re.compile(r"\b[a-z]+[0134@$][a-z0134@$]*\b")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SPACES = re.compile(r"\s+")


def prepare(text: str) -> str:
    """Lower-case, straighten quotes, undo simple leetspeak ("h4te") and stretched letters."""
    text = text.translate(_QUOTES).lower()
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


def class_outputs(class_probabilities: np.ndarray) -> np.ndarray:
    """(n, len(OUTPUTS)) from (n, len(CLASSES)) multinomial probabilities: each label its class's,
    and `risk` the sum of the two risk classes'."""
    columns = [
        class_probabilities[:, CLASSES.index("self_harm")] + class_probabilities[:, CLASSES.index("harm_to_others")]
        if output == "risk"
        else class_probabilities[:, CLASSES.index(output)]
        for output in OUTPUTS
    ]
    return np.column_stack(columns)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def neighbour_features(similarities: np.ndarray, bank_classes: np.ndarray) -> np.ndarray:
    """(n, 2 * len(CLASSES)) features from the (n, bank) cosine similarities to the training texts.

    Per class: the best similarity and the mean of the best NEIGHBOURS, scaled. A class with no
    training text gives zeros.
    """
    columns = []
    for index in range(len(CLASSES)):
        members = similarities[:, bank_classes == index]
        if members.shape[1] == 0:
            columns.append(np.zeros((len(similarities), 2)))
            continue
        top = -np.sort(-members, axis=1)[:, :NEIGHBOURS]
        columns.append(np.column_stack([top[:, 0], top.mean(axis=1)]))
    return np.hstack(columns) * NEIGHBOUR_SCALE


@dataclass
class TfidfBlock:
    """One TF-IDF vectorizer's share of the model: vocabulary, idf, and weights per output."""

    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_features,)
    weights: np.ndarray  # (n_features, n_outputs)

    def contribution(self, grams: list[str]) -> np.ndarray:
        """The block's part of every output's logit (sublinear tf, l2 norm, as in training)."""
        counts: dict[int, int] = {}
        for gram in grams:
            j = self.vocabulary.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.zeros(self.weights.shape[1])
        ids = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=float, count=len(counts))
        tf = np.where(tf > 1.0, 1.0 + np.log(tf), 1.0)
        x = tf * self.idf[ids]
        return (x @ self.weights[ids]) / math.sqrt(float(x @ x))


def decode_matrix(data: dict[str, Any]) -> np.ndarray:
    """A float16 matrix stored as base64 (the neighbour bank), as float32."""
    raw = base64.b64decode(data["float16"])
    return np.frombuffer(raw, dtype="<f2").reshape(data["shape"]).astype(np.float32)


def encode_matrix(matrix: np.ndarray) -> dict[str, Any]:
    return {"shape": list(matrix.shape), "float16": base64.b64encode(matrix.astype("<f2").tobytes()).decode("ascii")}


def decode_adapter(data: dict[str, Any] | None) -> Adapter | None:
    if data is None:
        return None
    matrices = {name: (decode_matrix(pair["a"]), decode_matrix(pair["b"])) for name, pair in data["matrices"].items()}
    return Adapter(float(data["scale"]), matrices)


def encode_adapter(adapter: Adapter) -> dict[str, Any]:
    """The adapter as the artifact stores it: float16, like the neighbour bank. Training computes
    its vectors with the stored (rounded) adapter, so that the bank matches what scoring sees."""
    return {
        "scale": adapter.scale,
        "matrices": {name: {"a": encode_matrix(a), "b": encode_matrix(b)} for name, (a, b) in sorted(adapter.matrices.items())},
    }


def rounded(adapter: Adapter) -> Adapter:
    """The adapter as scoring will see it once stored."""
    decoded = decode_adapter(encode_adapter(adapter))
    assert decoded is not None
    return decoded


class Model:
    """The two heads over the four feature blocks, with each output's operating point."""

    def __init__(self, data: dict[str, Any], identity: str | None = None) -> None:
        """`identity` names the scorer (`load`: the SHA-256 of the artifact and of the classifiers'
        code): an assessment records it, so that the end-time review can trust a score this very
        scorer gave (None: never trusted)."""
        self.identity = identity
        if data.get("format") != ARTIFACT_FORMAT:
            raise ValueError(f"unsupported builtin model artifact format {data.get('format')!r}")
        if tuple(data["outputs"]) != OUTPUTS or tuple(data["classes"]) != CLASSES:
            raise ValueError(f"the artifact scores {data['outputs']} and {data['classes']}, expected {OUTPUTS} and {CLASSES}")
        # Every block's weights hold a column per output, then a column per class.
        outputs = len(OUTPUTS) + len(CLASSES)
        self.intercepts = np.asarray(data["intercepts"], dtype=float)
        self.thresholds = np.asarray(data["thresholds"], dtype=float)
        self.metadata: dict[str, Any] = data.get("metadata", {})
        self.adapter = decode_adapter(data.get("adapter"))
        blocks = data["blocks"]
        self.tfidf = {
            name: TfidfBlock(
                {gram: j for j, gram in enumerate(blocks[name]["vocabulary"])},
                np.asarray(blocks[name]["idf"], dtype=float),
                np.asarray(blocks[name]["weights"], dtype=float).reshape(-1, outputs),
            )
            for name in ANALYZERS
        }
        self.embedding_weights = np.asarray(blocks["embedding"]["weights"], dtype=float).reshape(-1, outputs)
        neighbours = blocks["neighbours"]
        self.bank = decode_matrix(neighbours["bank"])
        self.bank_classes = np.asarray(neighbours["classes"], dtype=np.intp)
        self.neighbour_weights = np.asarray(neighbours["weights"], dtype=float).reshape(-1, outputs)

    def probabilities(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """(n, len(OUTPUTS)) probabilities for texts (windows) and their encoder vectors."""
        logits = np.tile(self.intercepts, (len(texts), 1))
        logits += vectors.astype(float) @ self.embedding_weights
        logits += neighbour_features(vectors @ self.bank.T, self.bank_classes) @ self.neighbour_weights
        for row, text in enumerate(texts):
            prepared = prepare(text)
            for name, block in self.tfidf.items():
                logits[row] += block.contribution(ANALYZERS[name](prepared))
        per_output = 1.0 / (1.0 + np.exp(-logits[:, : len(OUTPUTS)]))
        return (per_output + class_outputs(_softmax(logits[:, len(OUTPUTS) :]))) / 2

    def scores(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Probabilities mapped so that each output's operating point lands on 0.5 (`rescale`)."""
        probabilities = self.probabilities(texts, vectors)
        return np.vectorize(rescale)(probabilities, self.thresholds[None, :])

    @classmethod
    def load(cls, path: Path = ARTIFACT_PATH) -> Model:
        """The artifact at `path`, named by its bytes and the code that reads texts for it: a new
        reading or rule (the same artifact) changes the scores too, so records scored before it
        must not be read at the end-time review as if scored now."""
        raw = path.read_bytes()
        identity = "builtin-" + hashlib.sha256(raw + code_fingerprint()).hexdigest()[:16]
        return cls(json.loads(gzip.decompress(raw).decode("utf-8")), identity)


def code_fingerprint(directory: Path = CODE_DIR) -> bytes:
    """The SHA-256 of the classifiers' modules (every `*.py` in `directory`, by name and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def rescale(probability: float, threshold: float) -> float:
    """Map a probability so that the output's chosen threshold lands on the shared line, 0.5.

    Monotonic and piecewise linear: [0, t] -> [0, 0.5] and [t, 1] -> [0.5, 1]. Each output keeps
    the operating point picked for it in training (a low one for the veto, where a miss costs
    most), while every backend's scores still read the same way: 0.5 is the line.
    """
    if probability < threshold:
        return 0.5 * probability / threshold
    return 0.5 + 0.5 * (probability - threshold) / (1.0 - threshold)


def write_artifact(data: dict[str, Any], path: Path) -> None:
    """Write the artifact deterministically: sorted keys, fixed float text, no gzip timestamp."""
    raw = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    with path.open("wb") as handle, gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0, compresslevel=9) as gz:
        gz.write(raw)
