"""Risk read once more with its slang spelled out and its disguised words undone.

People who talk about hurting themselves online often avoid the plain words, because platforms
filter them: "unalive", "sewerslide", "kms", "sh" for self-harm, and disguised words ("k!ll
mys3lf", "s*icide", "k i l l", emoji: `disguises`). The encoder has rarely or never seen those
spellings, so "been sh'ing again and nobody knows" scored 0.03 on `risk`, far under the veto
line, while "been self-harming again" is far over it. A message with such a spelling is therefore
also read with the plain words put back, and the risk outputs keep the higher of the two readings.
The other labels keep the message as written. A message about someone else in the third person is
also told from that person's side, in the same second reading (`others`, `reading`).

Some forms mean something else just as often ("sh" is also the shell, "kms" kilometres, "od" an
outer diameter). Their plain reading may lift the veto, which only keeps a conversation open for a
turn or two longer, but never a support line: crisis resources must not answer a question about
a shell script. The unambiguous forms and the undone disguises lift both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from moderation.classifiers import disguises, languages, others, sentences
from moderation.classifiers.base import FLAG_THRESHOLD, RISK_LABELS
from moderation.classifiers.encoder import readable
from moderation.classifiers.model import OUTPUTS

_RISK = OUTPUTS.index("risk")
# The score a phrase of risk in another language (`languages`) gives `risk` and its label: over the
# veto and support lines at any setting an operator would choose, and visibly a rule's, not the model's.
LANGUAGE_RISK = 0.9
_SUPPORT = [OUTPUTS.index(label) for label in RISK_LABELS]

_OBJECT = r"(?= (?:myself|me|yourself|you|himself|him|herself|her|themselves|them|us|someone|somebody|everyone|my|his|their)\b)"
# (pattern, plain words (a replacement template), whether the form is unambiguous enough to lift a
# support line), matched case-insensitively on whole words.
_FORMS: tuple[tuple[re.Pattern[str], str, bool], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), plain, support)
    for pattern, plain, support in (
        # "unalive myself" is "kill myself"; "wanna unalive" with no one named is "wanna die".
        (r"\bun[- ]?alived\b" + _OBJECT, "killed", True),
        (r"\bun[- ]?aliving\b" + _OBJECT, "killing", True),
        (r"\bun[- ]?alive\b" + _OBJECT, "kill", True),
        (r"\bun[- ]?alived\b", "died", True),
        (r"\bun[- ]?aliving\b", "dying", True),
        (r"\bun[- ]?alive\b", "die", True),
        (r"\bsewer[- ]?slidal\b", "suicidal", True),
        (r"\bsewer[- ]?slide\b", "suicide", True),
        (r"\bkms\b(?<!\d kms)(?<!\dkms)", "kill myself", False),
        (r"\bctb\b", "kill myself", False),
        (r"\bsh(?:'|\u2019|-)?ing\b", "self-harming", False),
        (r"(?<![\w./$#-])sh(?![\w./-])", "self-harm", False),
        (r"\bs/h\b", "self-harm", False),
        (r"\bod(?:'|\u2019)?d\b", "overdosed", False),
        (r"\bod(?:'|\u2019|-)?ing\b", "overdosing", False),
        (r"\bod\b(?= on\b)", "overdose", False),
        (r"\bsui\b(?= (?:thoughts|ideation|attempt|note|plan)s?\b)", "suicidal", False),
        (r"\b(feel|feels|felt|feeling|so|very|kinda|lowkey|been|getting) sui\b", r"\1 suicidal", False),
        (r"\bpro[- ]?ana\b|\bthinspo\b", "eating disorder", False),
        (r"\bmy ed\b", "my eating disorder", False),
    )
)
# "sh" is the shell far more often than self-harm in a message that talks about computers.
_SHELL = re.compile(
    r"\b(?:bash|zsh|dash|shell|scripts?|terminal|command|sudo|chmod|cron|linux|unix|posix|echo|export)\b|#!|/bin/|\.sh\b|\bsh -",
    re.IGNORECASE,
)
_HUSH = re.compile(r"^\s*sh\s*[,!.]", re.IGNORECASE)


@dataclass(frozen=True)
class Plain:
    text: str
    support: bool  # every rewritten form may lift a support line


def plain(text: str) -> Plain | None:
    """The message with its disguised risk words undone (`disguises`) and its slang spelled out, or
    None when it has neither."""
    undone = disguises.undo(readable(text))
    result, changed, support = undone.text, undone.changed, undone.support
    shell = bool(_SHELL.search(result) or _HUSH.search(result))
    for pattern, words, unambiguous in _FORMS:
        if shell and "self-harm" in words:
            continue
        result, count = pattern.subn(words, result)
        if count:
            changed = True
            support = support and unambiguous
    return Plain(result, support) if changed else None


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
    support line. The shipped scorer and nested cross-validation both read a message through here."""
    texts = [readable(text) for text in texts]
    rows = np.array(sentences.read(texts, score), dtype=float, copy=True)
    for index, text in enumerate(texts):
        for label in languages.risk_said(text):
            columns = [_RISK, OUTPUTS.index(label)]
            rows[index, columns] = np.maximum(rows[index, columns], LANGUAGE_RISK)
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
