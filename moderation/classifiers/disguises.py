"""Words of risk disguised so that a filter misses them, put back so that the encoder reads them.

"k!ll mys3lf", "s*icide", "k i l l", "sui-cide", "suiciiiide", Cyrillic or Greek look-alike letters
("s\u0443\u0456c\u0456de"), full-width letters, zero-width spaces inside a word, and emoji in the
place of a word ("i have 💊💊💊 lined up"). The encoder has rarely or never seen these spellings
and reads most emoji as an unknown word piece. A disguised word is put back only when it then
spells one of RISK_WORDS, so nothing else is rewritten; `slang.plain` reads the result.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# Words of risk a disguise hides ("k!ll", "s*icide", "0verd0se"): a disguised word is put back
# only when it spells one of these, so nothing else is rewritten.
RISK_WORDS = frozenset(
    """kill kills killing killed myself yourself suicide suicidal die dying dead death cut cuts
    cutting hang hanging overdose overdosing pills stab stabbing shoot shooting murder strangle
    poison harm harming hurt hurting blade razor jump""".split()
)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"})
# A word is at most 30 characters: a longer run is no word, and reading it would cost time.
_DISGUISED = re.compile(
    r"(?<![\w*!@$|])(?=[\w*!@$|]{0,29}[a-z])(?=[\w*!@$|]{0,29}[0-9*!@$|])[\w*!@$|]{3,30}(?![\w*!@$|])", re.IGNORECASE
)
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
# From a word's start only (\b): tried at every character, a long run of letters cost quadratic time.
_LOOKALIKE_WORD = re.compile(r"\b\w*[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]\w*")
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
class Undone:
    text: str
    changed: bool  # a disguise was undone: the text is worth reading again
    support: bool  # every disguise undone may lift a support line (the skull may not)


def _leet(word: str) -> str | None:
    lower = word.lower()
    candidate = lower.translate(_LEET)
    if candidate in RISK_WORDS:
        return candidate
    if "*" in lower:
        pattern = re.compile(re.escape(candidate).replace(r"\*", "[a-z]") + r"\Z")
        matches = [w for w in RISK_WORDS if pattern.match(w)]
        if len(matches) == 1:
            return matches[0]
    return None


def _spelled(letters_text: str) -> str | None:
    letters = re.sub(r"[^a-z]", "", letters_text.lower())
    if letters in RISK_WORDS:
        return letters
    # A leading "i" or "a" may be the word before ("i d i e").
    if letters[0] in "ia" and letters[1:] in RISK_WORDS:
        return f"{letters_text[0]} {letters[1:]}"
    return None


def _lookalike(word: str) -> str | None:
    # Cyrillic "\u0443" looks like "y" but stands for "u" as often.
    for candidate in (word.translate(_LOOKALIKES), word.replace("\u0443", "u").translate(_LOOKALIKES)):
        if candidate.lower() in RISK_WORDS:
            return candidate
    return None


def _stretched(word: str) -> str | None:
    word = word.lower()
    candidates, at = [""], 0
    for run in list(_RUN.finditer(word))[:3]:
        letter = run.group(1)
        candidates = [c + word[at : run.start()] + n for c in candidates for n in (letter, letter * 2)]
        at = run.end()
    return next((c + word[at:] for c in candidates if c + word[at:] in RISK_WORDS), None)


def _put_back(pattern: re.Pattern[str], word: Callable[[str], str | None], text: str) -> tuple[str, int]:
    """`text` with every match of `pattern` that `word` can read replaced by it, and how many."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        found = word(match.group(0))
        if found is None:
            return match.group(0)
        count += 1
        return found

    return pattern.sub(replace, text), count


def _joined(match: re.Match[str]) -> str:
    word = (match.group(1) + match.group(3)).lower()
    # "my self" is as often "my self-esteem" or "my self harm" as a split "myself".
    if word in RISK_WORDS and word not in ("myself", "yourself"):
        return match.group(1)
    return match.group(0)


def undo(original: str) -> Undone:
    """`original` with its disguises undone."""
    # Full-width and other compatibility forms ("\uff44\uff49\uff45") read as plain letters. A change
    # of spaces or punctuation alone ("\u2026" for "...") is no reason to read the message again.
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", original))
    changed = _NOT_WORD.sub("", text) != _NOT_WORD.sub("", original)
    text, emoji = _EMOJI_RUN.subn(lambda m: f" {_EMOJI[m.group(1)]} ", text)
    text, skulls = _SKULL.subn(" dead ", text)
    if emoji or skulls:
        text = _SPACES.sub(" ", text).strip()
    counts = [emoji, skulls]
    for pattern, word in ((_LOOKALIKE_WORD, _lookalike), (_SPELLED, _spelled), (_DISGUISED, _leet), (_STRETCHED, _stretched)):
        text, count = _put_back(pattern, word, text)
        counts.append(count)
    joined = _SPLIT.sub(_joined, text)
    counts.append(int(joined != text))
    return Undone(joined, changed or any(counts), not skulls)
