"""Nested cross-validation's scores served in the place of the builtin model, so that
`simulate_policy --cv` plays conversations whose every turn is scored by a model that never saw it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from moderation.classifiers import encoder as encoder_module
from moderation.classifiers import readings, sentences
from moderation.classifiers.model import OUTPUTS


class OutOfFoldScores:
    """Answers `builtin`'s scoring with fixed output rows, one per text (`recipe.outer_fold_outputs`).

    Training and cross-validation read a text's first window only, so the row belongs to that
    window; the text's later windows, its sentences and chunks (`sentences.pieces`) and its second
    reading (`readings.reading`: plain words, another's side) score nothing (0: the row already holds
    their risk), and each output keeps the highest, as the shipped scorer does. A text that cross-validation did not
    score is an error, never a silent 0.
    """

    identity = "builtin-out-of-fold"
    adapter = None

    def __init__(self, texts: Sequence[str], rows: Sequence[np.ndarray]) -> None:
        encoder = encoder_module.get_encoder()
        self._rows: dict[str, np.ndarray] = {}
        self._later: set[str] = set()
        for text, row in zip(texts, rows, strict=True):
            read = encoder_module.readable(text)
            first, *later = encoder.windows(read)
            self._rows[read[first.start : first.end]] = np.asarray(row, dtype=np.float64)
            self._later.update(read[w.start : w.end] for w in later)
            spelled = readings.reading(read)
            extra = [*sentences.pieces(read), *([spelled.text, *sentences.pieces(spelled.text)] if spelled else [])]
            for piece in extra:
                self._later.update(piece[w.start : w.end] for w in encoder.windows(piece))

    def scores(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        result = np.zeros((len(texts), len(OUTPUTS)))
        for k, text in enumerate(texts):
            if text in self._rows:
                result[k] = self._rows[text]
            elif text not in self._later:
                raise KeyError(f"not scored in cross-validation: {text[:60]!r}")
        return result
