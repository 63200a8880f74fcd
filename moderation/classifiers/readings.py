"""What the risk outputs read of a message besides the message itself, in one place: the shipped
scorer (`builtin`) and nested cross-validation (`training.recipe`) both read through `read`, so
both read a message the same way.

- its sentences, and long pieces in chunks (`sentences`);
- its slang and disguised words in plain words (`slang`);
- a message about someone else in the third person, told from that person's side (`others`);
- a phrase of risk in another language (`languages`), a rule rather than a reading;
- a harmful request aimed at someone in the user's life (`others.names_someone_known`), a rule.

Each can only raise the veto and the support lines; the other labels keep the message as written.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from moderation.classifiers import languages, others, sentences
from moderation.classifiers.base import FLAG_THRESHOLD, RISK_LABELS
from moderation.classifiers.encoder import readable
from moderation.classifiers.model import OUTPUTS
from moderation.classifiers.slang import Plain, plain

_RISK = OUTPUTS.index("risk")
_HARMFUL = OUTPUTS.index("harmful_request")
_SUPPORT = [OUTPUTS.index(label) for label in RISK_LABELS]
# The score a phrase of risk in another language (`languages`) gives `risk` and its label: over the
# veto and support lines at any setting an operator would choose, and visibly a rule's, not the model's.
LANGUAGE_RISK = 0.9
# The veto score of a harmful request that names someone in the user's life ("Write instructions
# for how to blow up my neighbour's car": risk 0.14, harmful_request at its line): help to harm a
# particular person is intent against that person, the harm_to_others the veto is for. Only the
# veto: the support reply stays the model's to give.
KNOWN_TARGET_RISK = 0.9


def reading(text: str) -> Plain | None:
    """What the risk outputs read again of a text: its plain words (`plain`), told from the side of
    anyone it speaks of in the third person (`others.first_person`), or None when neither changes
    it. Telling it from the other side lifts the support lines as the plain words it rests on do."""
    spelled = plain(text)
    told = others.first_person(spelled.text if spelled else text)
    if told is None:
        return spelled
    return Plain(told, spelled.support if spelled else True)


def read(texts: list[str], score: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Rescaled output rows for the texts, read as `sentences.read` reads them; then each text
    with slang or a disguise, or about someone in the third person, is read again (`reading`), and
    its veto (and its support lines, when every form was unambiguous) keeps the higher of the two
    readings. A phrase of risk in another language (`languages`) lifts the veto and its label's
    support line; a harmful request that names someone in the user's life lifts the veto. The
    shipped scorer and nested cross-validation both read a message through here."""
    texts = [readable(text) for text in texts]
    rows = np.array(sentences.read(texts, score), dtype=float, copy=True)
    for index, text in enumerate(texts):
        for label in languages.risk_said(text):
            columns = [_RISK, OUTPUTS.index(label)]
            rows[index, columns] = np.maximum(rows[index, columns], LANGUAGE_RISK)
        if rows[index, _HARMFUL] >= FLAG_THRESHOLD and others.names_someone_known(text):
            rows[index, _RISK] = max(rows[index, _RISK], KNOWN_TARGET_RISK)
    pending: list[tuple[int, Plain]] = []
    for index, text in enumerate(texts):
        spelled = reading(text)
        if spelled is None:
            continue
        row = rows[index]
        vetoed = row[_RISK] >= FLAG_THRESHOLD
        supported = row[_SUPPORT].max() >= FLAG_THRESHOLD
        if not vetoed or (spelled.support and not supported):
            pending.append((index, spelled))
    if not pending:
        return rows
    again = sentences.read([spelled.text for _, spelled in pending], score)
    for (index, spelled), row in zip(pending, again):
        columns = [_RISK, *_SUPPORT] if spelled.support else [_RISK]
        rows[index, columns] = np.maximum(rows[index, columns], row[columns])
    return rows
