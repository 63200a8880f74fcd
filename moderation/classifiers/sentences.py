"""Risk read sentence by sentence as well as in the whole message.

A message's vector is the mean of its word pieces, so one sentence of risk inside an ordinary
request ("how do I reset my router? also I've been thinking the world would be better without me
in it and I'm making a plan") is diluted by the rest: the whole message scored 0.04 on `risk`, the
sentence alone far over the veto line. Each sentence of a message of two or more is therefore
scored too, and the risk outputs (the veto and both support lines) keep the highest score of the
message and its sentences. The other labels stay with the whole message: read alone, a sentence
of hate quoted in counter-speech is hate.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from moderation.classifiers.base import FLAG_THRESHOLD, RISK_LABELS
from moderation.classifiers.encoder import MAX_CHARS
from moderation.classifiers.model import OUTPUTS

SENTENCE_OUTPUTS = (*RISK_LABELS, "risk")
_COLUMNS = [OUTPUTS.index(output) for output in SENTENCE_OUTPUTS]
_RISK = OUTPUTS.index("risk")
_SUPPORT = [OUTPUTS.index(label) for label in RISK_LABELS]
_BOUNDARY = re.compile(r"(?<=[.!?\u2026])\s+|\s*\n+\s*")
# Shorter pieces ("ok.", "lol!") say nothing alone and would only cost encoder time.
MIN_CHARS = 5


def sentences(text: str) -> list[str]:
    """The message's sentences, or [] when it has fewer than two."""
    parts = [part.strip() for part in _BOUNDARY.split(text[:MAX_CHARS])]
    parts = [part for part in parts if len(part) >= MIN_CHARS]
    return parts if len(parts) > 1 else []


def settled(row: np.ndarray) -> bool:
    """The whole message already reaches the veto and a support line (rescaled scores): its
    sentences could change neither the policy's decision nor the reply, so they are not read.
    This keeps long self-harm posts, most of them flagged whole, from paying twice."""
    return bool(row[_RISK] >= FLAG_THRESHOLD and row[_SUPPORT].max() >= FLAG_THRESHOLD)


def with_sentences(texts: list[str], indices: list[int] | None = None) -> tuple[list[str], list[int]]:
    """The texts followed by the sentences of those at `indices` (all by default), and for each
    sentence the index of its text."""
    extra, owners = [], []
    for index in range(len(texts)) if indices is None else indices:
        for sentence in sentences(texts[index]):
            extra.append(sentence)
            owners.append(index)
    return [*texts, *extra], owners


def combine(rows: np.ndarray, owners: list[int]) -> np.ndarray:
    """Rows for the texts: the first len(rows) - len(owners) rows are the texts' own, the rest their
    sentences'; each risk output keeps the highest of the text's row and its sentences' rows."""
    count = len(rows) - len(owners)
    result = np.array(rows[:count], dtype=float, copy=True)
    for row, owner in zip(rows[count:], owners):
        result[owner, _COLUMNS] = np.maximum(result[owner, _COLUMNS], row[_COLUMNS])
    return result


def read(texts: list[str], score: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Rescaled output rows for the texts, `score` giving the rows of any list of texts: each text
    read whole, then the sentences of those not `settled`. The shipped scorer and nested
    cross-validation both read a message through here (by way of `slang.read`), so both read it
    the same way."""
    whole = score(texts)
    pending = [i for i, row in enumerate(whole) if not settled(row)]
    everything, owners = with_sentences(texts, pending)
    if not owners:
        return whole
    return combine(np.vstack([whole, score(everything[len(texts) :])]), owners)
