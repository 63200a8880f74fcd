"""Risk read once more with its slang spelled out and its disguised words undone.

People who talk about hurting themselves online often avoid the plain words, because platforms
filter them: "unalive", "sewerslide", "kms", "sh" for self-harm, "k!ll mys3lf", "s*icide",
"k i l l", Cyrillic look-alike letters, full-width letters. The encoder has rarely or never seen
those spellings, so "been sh'ing again and nobody knows" scored 0.03 on `risk`, far under the veto
line, while "been self-harming again" is far over it. A message with such a spelling is therefore
also read with the plain words put back, and the risk outputs keep the higher of the two readings.
The other labels keep the message as written.

Some forms mean something else just as often ("sh" is also the shell, "kms" kilometres, "od" an
outer diameter). Their plain reading may lift the veto, which only keeps a conversation open for a
turn or two longer, but never a support line: crisis resources must not answer a question about
a shell script. The unambiguous forms and the undone disguises lift both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from moderation.classifiers import sentences
from moderation.classifiers.base import FLAG_THRESHOLD, RISK_LABELS
from moderation.classifiers.encoder import readable
from moderation.classifiers.model import OUTPUTS

_RISK = OUTPUTS.index("risk")
_SUPPORT = [OUTPUTS.index(label) for label in RISK_LABELS]

_OBJECT = r"(?= (?:myself|me|yourself|you|himself|him|herself|her|themselves|them|us|someone|somebody|everyone|my|his|their)\b)"
# (pattern, plain words (a replacement template), whether the form is unambiguous enough to lift a support line). Matched
# case-insensitively on whole words.
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

# Words of risk a disguise hides ("k!ll", "s*icide", "0verd0se"): a disguised word is put back
# only when it spells one of these, so nothing else is rewritten.
_RISK_WORDS = frozenset(
    """kill kills killing killed myself yourself suicide suicidal die dying dead death cut cuts
    cutting hang hanging overdose overdosing pills stab stabbing shoot shooting murder strangle
    poison harm harming hurt hurting blade razor jump""".split()
)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"})
_DISGUISED = re.compile(r"(?<![\w*!@$|])(?=[\w*!@$|]*[a-z])(?=[\w*!@$|]*[0-9*!@$|])[\w*!@$|]{3,}", re.IGNORECASE)
# Letters spelled one by one: "k i l l", "k.i.l.l", "d-i-e".
_SPELLED = re.compile(r"(?<![\w.\-*])(?:[a-z][ .\-_*]){2,}[a-z](?![\w\-*])", re.IGNORECASE)
# Cyrillic and Greek letters that look like Latin ones ("\u0441\u0443\u0456\u0441\u0456de" for "suicide").
_LOOKALIKES = str.maketrans(
    "\u0430\u0435\u0456\u0458\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0443\u0445\u0455\u04bb\u0501"
    "\u0410\u0412\u0415\u0406\u0408\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0423\u0425\u0405"
    "\u03b1\u03bf\u03c1\u03ba\u03b9\u03bd\u03c5\u0391\u0392\u0395\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a7",
    "aeijkmhopctyxshd"
    "ABEIJKMHOPCTYXS"
    "aopkivuABEHIKMNOPTX",
)
_LOOKALIKE_WORD = re.compile(r"\w*[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]\w*")
# Invisible characters (zero-width spaces and joiners) people put inside words to hide them.
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2060-\u2064\ufe0e\ufe0f\ufeff]")
# Emoji said in the place of a word of risk ("i have 💊💊💊 lined up", "ready for the ⚰️"): the
# encoder reads most emoji as an unknown word piece. The skull is read for "dead" by the veto only:
# it means laughing as often ("that joke 💀💀").
_EMOJI = {
    "\U0001f52a": "knife",
    "\U0001f5e1": "knife",
    "\U0001f52b": "gun",
    "\U0001f48a": "pills",
    "\U0001f489": "needle",
    "\u26b0": "coffin",
    "\U0001faa6": "grave",
    "\U0001fa78": "blood",
    "\U0001faa2": "rope",
    "\U0001f309": "bridge",
}
_EMOJI_RUN = re.compile("(" + "|".join(_EMOJI) + r")\1*")
_SKULL = re.compile(r"(?:\U0001f480|\u2620)+")
_SPACES = re.compile(r" {2,}")
_NOT_WORD = re.compile(r"\W+")
# A word with a letter held down ("suiciiiide", "overdoooose"): each run of three or more is tried as
# one letter and as two.
_STRETCHED = re.compile(r"\b\w*([a-z])\1{2,}\w*\b", re.IGNORECASE)
_RUN = re.compile(r"([a-z])\1{2,}", re.IGNORECASE)
# A word split in two by a hyphen, a dot or a space ("sui-cide", "over dose", "my-self"); the second
# half is only looked at, so each pair of neighbours is tried.
_SPLIT = re.compile(r"\b([a-z]{2,})([-. ])(?=([a-z]{2,})\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Plain:
    text: str
    support: bool  # every rewritten form may lift a support line


def _undisguised(word: str) -> str | None:
    lower = word.lower()
    candidate = lower.translate(_LEET)
    if candidate in _RISK_WORDS:
        return candidate
    if "*" in lower:
        pattern = re.compile(re.escape(candidate).replace(r"\*", "[a-z]") + r"\Z")
        matches = [w for w in _RISK_WORDS if pattern.match(w)]
        if len(matches) == 1:
            return matches[0]
    return None


def plain(text: str) -> Plain | None:
    """The message with its slang spelled out and its disguised risk words undone, or None when it
    has none."""
    original = readable(text)
    # Full-width and other compatibility forms ("\uff44\uff49\uff45") read as plain letters. A change
    # of spaces or punctuation alone ("\u2026" for "...") is no reason to read the message again.
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", original))
    support = True
    changed = _NOT_WORD.sub("", text) != _NOT_WORD.sub("", original)

    def undo(match: re.Match[str]) -> str:
        nonlocal changed
        word = _undisguised(match.group(0))
        if word is None:
            return match.group(0)
        changed = True
        return word

    def unspell(match: re.Match[str]) -> str:
        nonlocal changed
        letters = re.sub(r"[^a-z]", "", match.group(0).lower())
        # A leading "i" or "a" may be the word before ("i d i e").
        for word in (letters, letters[1:] if letters[0] in "ia" else ""):
            if word in _RISK_WORDS:
                changed = True
                return f"{match.group(0)[0]} {word}" if word != letters else word
        return match.group(0)

    def unmask(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(0).translate(_LOOKALIKES)
        # Cyrillic "\u0443" looks like "y" but stands for "u" as often.
        for candidate in (word, match.group(0).replace("\u0443", "u").translate(_LOOKALIKES)):
            if candidate.lower() in _RISK_WORDS:
                changed = True
                return candidate
        return match.group(0)

    def name(match: re.Match[str]) -> str:
        nonlocal changed
        changed = True
        return f" {_EMOJI[match.group(1)]} "

    result = _EMOJI_RUN.sub(name, text)
    result, skulls = _SKULL.subn(" dead ", result)
    if skulls:
        changed, support = True, False
    if changed:
        result = _SPACES.sub(" ", result).strip()
    def unstretch(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(0).lower()
        candidates = [""]
        at = 0
        for run in list(_RUN.finditer(word))[:3]:
            letter = run.group(1)
            candidates = [c + word[at : run.start()] + n for c in candidates for n in (letter, letter * 2)]
            at = run.end()
        for candidate in (c + word[at:] for c in candidates):
            if candidate in _RISK_WORDS:
                changed = True
                return candidate
        return match.group(0)

    def join(match: re.Match[str]) -> str:
        nonlocal changed
        word = (match.group(1) + match.group(3)).lower()
        # "my self" is as often "my self-esteem" or "my self harm" as a split "myself".
        if word in _RISK_WORDS and word not in ("myself", "yourself"):
            changed = True
            return match.group(1)
        return match.group(0)

    result = _LOOKALIKE_WORD.sub(unmask, result)
    result = _SPELLED.sub(unspell, result)
    result = _DISGUISED.sub(undo, result)
    result = _STRETCHED.sub(unstretch, result)
    result = _SPLIT.sub(join, result)
    shell = bool(_SHELL.search(result) or _HUSH.search(result))
    for pattern, words, unambiguous in _FORMS:
        if shell and "self-harm" in words:
            continue
        result, count = pattern.subn(words, result)
        if count:
            changed = True
            support = support and unambiguous
    return Plain(result, support) if changed else None


def read(texts: list[str], score: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Rescaled output rows for the texts, read as `sentences.read` reads them; then each text
    with slang or a disguise is read again in plain words (`plain`), and its veto (and its support
    lines, when every form was unambiguous) keeps the higher of the two readings. The shipped
    scorer and nested cross-validation both read a message through here."""
    texts = [readable(text) for text in texts]
    rows = np.array(sentences.read(texts, score), dtype=float, copy=True)
    pending: list[tuple[int, Plain]] = []
    for index, text in enumerate(texts):
        spelled = plain(text)
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
