"""Risk read once more with its slang spelled out and its disguised words undone.

People who talk about hurting themselves online often avoid the plain words, because platforms
filter them: "unalive", "sewerslide", "kms", "sh" for self-harm, and disguised words ("k!ll
mys3lf", "s*icide", "k i l l", emoji: `disguises`). The encoder has rarely or never seen those
spellings, so "been sh'ing again and nobody knows" scored 0.03 on `risk`, far under the veto
line, while "been self-harming again" is far over it. A message with such a spelling is therefore
also read with the plain words put back, and the risk outputs keep the higher of the two readings.
The other labels keep the message as written (`readings`, which reads every message).

Some forms mean something else just as often ("sh" is also the shell, "kms" kilometres, "od" an
outer diameter). Their plain reading may lift the veto, which only keeps a conversation open for a
turn or two longer, but never a support line: crisis resources must not answer a question about
a shell script. The unambiguous forms and the undone disguises lift both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderation.classifiers import disguises
from moderation.classifiers.encoder import readable

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
