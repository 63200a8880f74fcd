"""The first `builtin` classifier: weighted patterns over normalised text (now the `rules` baseline).

It was written while reading the dev split, so its figures on that data are in-sample. The
trained model in `builtin.py` replaced it as the `builtin` backend; it stays as the `rules`
backend, the baseline the benchmark and the model card compare against.

How a label is scored:

1. The text is normalised (`normalize`), so that "h4te", "s c u m" and "fukc" read as the
   words they disguise.
2. Every primary pattern of the label that matches contributes its weight, combined as a
   noisy OR: `1 - prod(1 - weight)`. Several weak hints add up; one strong hint is enough.
3. Supporting patterns (politeness, finality) only add weight when a primary pattern matched.
4. The strongest matching dampener (fiction, definitions, quoting, negation, homonyms)
   scales the score down, so "how do I kill a Python process" stays low.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from moderation.classifiers import lexicon
from moderation.classifiers.base import FLAG_THRESHOLD, Assessment

BACKEND = "rules"

# Messages longer than this are cut before matching; the patterns look at phrases, and a
# bounded input keeps the cost per message bounded too.
MAX_CHARS = 4000

WeightedPattern = tuple["re.Pattern[str]", float]


@dataclass(frozen=True)
class LabelRules:
    """The compiled patterns that score one label."""

    primary: tuple[WeightedPattern, ...]
    support: tuple[WeightedPattern, ...] = ()
    dampeners: tuple[WeightedPattern, ...] = ()

    def score(self, text: str) -> float:
        """Score normalised text: noisy OR of matching weights, times the strongest dampener."""
        miss = 1.0
        matched = False
        for pattern, weight in self.primary:
            if pattern.search(text):
                miss *= 1.0 - weight
                matched = True
        if not matched:
            return 0.0
        for pattern, weight in self.support:
            if pattern.search(text):
                miss *= 1.0 - weight
        factor = min((f for pattern, f in self.dampeners if pattern.search(text)), default=1.0)
        return (1.0 - miss) * factor


def _compile(rules: Iterable[tuple[str, float]]) -> tuple[WeightedPattern, ...]:
    return tuple((re.compile(source), weight) for source, weight in rules)


RULES: dict[str, LabelRules] = {
    "abuse": LabelRules(
        primary=_compile(lexicon.ABUSE_RULES),
        dampeners=_compile(lexicon.ABUSE_DAMPENERS),
    ),
    "harmful_request": LabelRules(
        primary=_compile(lexicon.HARMFUL_REQUEST_RULES),
        support=_compile(lexicon.HARMFUL_REQUEST_SUPPORT),
        dampeners=_compile(lexicon.HARMFUL_REQUEST_DAMPENERS),
    ),
    "self_harm": LabelRules(
        primary=_compile(lexicon.SELF_HARM_RULES),
        dampeners=_compile(lexicon.SELF_HARM_DAMPENERS),
    ),
    "harm_to_others": LabelRules(
        primary=_compile(lexicon.HARM_TO_OTHERS_RULES),
        dampeners=_compile(lexicon.HARM_TO_OTHERS_DAMPENERS),
    ),
    "end_request": LabelRules(
        primary=_compile(lexicon.END_REQUEST_RULES),
        support=_compile(lexicon.END_REQUEST_SUPPORT),
        dampeners=_compile(lexicon.END_REQUEST_DAMPENERS),
    ),
}


# --- Normalisation ----------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'", "`": "'"})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_LEET_TOKEN = re.compile(r"[a-z0-9@$]*[0-9@$][a-z0-9@$]*")
_SPACED_LETTERS = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b")
_WORD = re.compile(r"[a-z']+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"\s+")

# Words that matter to the patterns. Their one-typo variants (a swapped pair of letters, or
# one dropped letter in longer words) are mapped back to them, because deliberate misspelling
# is the commonest way abuse slips past keyword filters.
_TYPO_TARGETS = (
    "hate", "fuck", "fucked", "fucking", "sick", "threat", "disgusted", "disgust", "uncivilised",
    "uncivilized", "ignorant", "trash", "worth", "plague", "cancer", "despicable", "stupid", "trans",
    "people", "lives", "shit", "scum", "vile", "repulsive", "scumbags", "immigrants", "immigrant",
    "disabled", "muslims", "muslim", "women", "black", "suicide", "suicidal", "myself", "kill",
    "faggot", "nigger", "niggers", "retard", "retarded", "bitch", "idiot", "loser", "garbage",
    "vermin", "parasites", "worthless", "disgusting", "repugnant", "sickening", "stupidest",
    "asshole", "assholes", "cunt", "whore", "filthy", "lesser", "beings", "human",
)
# Real words that happen to be one typo away from a listed word; they keep their meaning.
_REAL_WORDS = frozenset(
    {
        "ate", "back", "begins", "being", "cut", "disable", "evil", "filth", "garage", "hat", "heat",
        "hit", "itch", "lack", "lies", "live", "lose", "niger", "omen", "plage", "sit", "sum", "tans",
        "thread", "three", "treat", "veil", "vie", "vole", "wore", "wort",
    }
)


@lru_cache(maxsize=1)
def _typo_map() -> dict[str, str]:
    variants: dict[str, str] = {}
    for word in _TYPO_TARGETS:
        candidates: set[str] = set()
        if len(word) >= 4:
            candidates.update(word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
        if len(word) >= 5:
            candidates.update(word[:i] + word[i + 1 :] for i in range(len(word)))
        for candidate in candidates:
            if candidate != word and candidate not in _REAL_WORDS and candidate not in _TYPO_TARGETS:
                variants.setdefault(candidate, word)
    variants.update({"fuk": "fuck", "fukc": "fuck", "fck": "fuck", "fuking": "fucking", "sikc": "sick"})
    return variants


def _join_spaced(match: re.Match[str]) -> str:
    word = match.group(0).replace(" ", "")
    # "i h a t e" and "a c a n c e r" carry a real one-letter word in front.
    if word[0] in "ai" and len(word) > 3:
        return word[0] + " " + word[1:]
    return word


def _deleet(match: re.Match[str]) -> str:
    token = match.group(0)
    letters = sum(ch.isalpha() for ch in token)
    # Numbers, dosages ("25mg") and short codes ("3d") stay as they are.
    if len(token) < 4 or letters < 2:
        return token
    return token.translate(_LEET)


def normalize(text: str) -> str:
    """Lower-case the text and undo the common disguises, keeping it readable for patterns."""
    text = text[:MAX_CHARS].translate(_QUOTES).lower()
    text = _LEET_TOKEN.sub(_deleet, text)
    text = _SPACED_LETTERS.sub(_join_spaced, text)
    text = _REPEATS.sub(r"\1\1", text)
    typos = _typo_map()
    text = _WORD.sub(lambda m: typos.get(m.group(0), m.group(0)), text)
    return _SPACES.sub(" ", text).strip()


# --- Assessment -------------------------------------------------------------------------------


# A first-person request for self-harm methods is a risk, not misconduct: the data labels it
# self_harm, and the end policy must answer it with support, so the harmful_request score is
# capped just under the threshold unless someone else is in danger too.
_SELF_HARM_ONLY_CAP = 0.45


def scores(text: str) -> dict[str, float]:
    """Raw scores for every label, before rounding."""
    normal = normalize(text)
    result = {label: rules.score(normal) for label, rules in RULES.items()}
    if result["self_harm"] >= FLAG_THRESHOLD and result["harm_to_others"] < FLAG_THRESHOLD:
        result["harmful_request"] = min(result["harmful_request"], _SELF_HARM_ONLY_CAP)
    return result


def assess(text: str) -> Assessment:
    """Assess one user message with the patterns."""
    return Assessment.from_scores(scores(text), backend=BACKEND)
