"""Risk read sentence by sentence as well as in the whole message.

A message's vector is the mean of its word pieces, so one sentence of risk inside an ordinary
request ("how do I reset my router? also I've been thinking the world would be better without me
in it and I'm making a plan") is diluted by the rest: the whole message scored 0.04 on `risk`, the
sentence alone far over the veto line. Each sentence of a message of two or more is therefore
scored too, and the risk outputs (the veto and both support lines) keep the highest score of the
message and its sentences. The other labels stay with the whole message: read alone, a sentence
of hate quoted in counter-speech is hate.

A message typed in one breath has no sentence ends to cut at ("whats a good name for a golden
retriever puppy my sister is getting one ... i already decided im going to hang myself this
weekend but she doesnt know that" scored 0.11 on `risk`). A piece longer than `CHUNK_WORDS` words,
a whole message or one long sentence, is therefore read in overlapping chunks of that many words,
each starting `CHUNK_STEP` words after the last, so every span of up to `CHUNK_WORDS - CHUNK_STEP
+ 1` words lies whole inside one chunk.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from moderation.classifiers.base import FLAG_THRESHOLD, RISK_LABELS
from moderation.classifiers.encoder import readable
from moderation.classifiers.model import OUTPUTS

SENTENCE_OUTPUTS = (*RISK_LABELS, "risk")
_COLUMNS = [OUTPUTS.index(output) for output in SENTENCE_OUTPUTS]
_RISK = OUTPUTS.index("risk")
_SUPPORT = [OUTPUTS.index(label) for label in RISK_LABELS]
_BOUNDARY = re.compile(r"(?<=[.!?\u2026])\s+|\s*\n+\s*")
# Shorter pieces ("ok.", "lol!") say nothing alone and would only cost encoder time.
MIN_CHARS = 5
# About two sentences' length, so a clause of up to 17 words ("i wont be here to meet it i already
# decided im going to hang myself this weekend") lies whole inside one chunk. Shorter chunks, cut
# mid-clause, read ordinary fragments as risk: on the twenty-fourth probe set, 16 words put 5 of
# 12 safe run-on messages at a support line, 32 words 1, as many as reading them whole
# (docs/moderation.md, "Risk in a message typed in one breath").
CHUNK_WORDS = 32
CHUNK_STEP = 16


def sentences(text: str) -> list[str]:
    """The message's sentences, or [] when it has fewer than two."""
    parts = [part.strip() for part in _BOUNDARY.split(readable(text))]
    parts = [part for part in parts if len(part) >= MIN_CHARS]
    return parts if len(parts) > 1 else []


def chunks(piece: str) -> list[str]:
    """Overlapping runs of CHUNK_WORDS words of a piece longer than that, the last ending with the
    piece; [] for a shorter piece."""
    words = piece.split()
    if len(words) <= CHUNK_WORDS:
        return []
    starts = list(range(0, len(words) - CHUNK_WORDS, CHUNK_STEP)) + [len(words) - CHUNK_WORDS]
    return [" ".join(words[start : start + CHUNK_WORDS]) for start in starts]


def pieces(text: str) -> list[str]:
    """What the risk outputs read besides the whole message: its sentences, each longer one in
    chunks; or the chunks of a message of one long sentence. [] for a short message of one."""
    result: list[str] = []
    for part in sentences(text) or [readable(text).strip()]:
        result.extend(chunks(part) or [part])
    return result if len(result) > 1 else []


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
        for sentence in pieces(texts[index]):
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
    cross-validation both read a message through here (by way of `readings.read`), so both read it
    the same way."""
    whole = score(texts)
    pending = [i for i, row in enumerate(whole) if not settled(row)]
    everything, owners = with_sentences(texts, pending)
    if not owners:
        return whole
    return combine(np.vstack([whole, score(everything[len(texts) :])]), owners)
