"""Someone else's risk read as if that person said it.

The data's risk labels are the user's own risk (`self_harm`) and the user's intent against someone
(`harm_to_others`). A user who tells of a friend at risk ("my friend just texted me that she's
going to kill herself tonight, what do i do") fits neither, and the model read that message at
0.29 and 0.32: at the veto line, so the chat is never ended, but under both support lines, so the
reply carried no resources for someone trying to keep a friend alive. Said in the first person
("i'm going to kill myself tonight") the same words are far over the line.

`first_person` tells the message from the other person's side: the third person becomes the first
("herself" is "myself", "she's" is "i'm", "he wants" is "i want", "my best friend has" is "i have")
and the user, as an object, the second ("me" is "you"), so "she hates me" reads "i hate you", never
"i hate me". The user as a subject ("what do i do") is left as written: turned into "you", it
blurred the risk the reading is for ("should you tell someone"). `readings.read` reads a message once more that way, and its risk
outputs keep the higher reading; the other labels keep the message as written. Someone else's
accident ("my cousin fell off her bike and hurt herself") reads as an accident from either side.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Someone in the user's life, as the subject: "my (best) friend", "my little sister".
_PEOPLE = (
    "friend|bff|bestie|mate|buddy|sister|brother|sibling|twin|mom|mum|mother|dad|father|parent|son|daughter|child|kid|"
    "teen|teenager|wife|husband|partner|spouse|girlfriend|boyfriend|gf|bf|fiance|fiancee|ex|roommate|flatmate|"
    "housemate|coworker|colleague|classmate|student|cousin|aunt|uncle|niece|nephew|grandma|grandpa|grandmother|"
    "grandfather|neighbor|neighbour|boss|patient|client"
)
_SUBJECT = rf"(?:\b(?:she|he|they)|\bmy (?:\w+ )?(?:{_PEOPLE})s?)"
_APOSTROPHE = "(?:'|\u2019)"
# After "my sister's", the words that make it "my sister is" or "has" rather than a possessive
# ("my sister's wedding", which read "i'm wedding"): a participle, an adverb, an article or
# preposition, or a word for how someone is.
_CONTRACTED_BEFORE = (
    "going|gonna|been|got|gotten|not|never|always|so|really|just|still|already|too|very|like|a|an|the|in|on|at|"
    "out|up|back|off|over|into|about|being|getting|having|doing|saying|talking|thinking|planning|trying|"
    "threatening|cutting|starving|drinking|hurting|acting|feeling|hiding|refusing|sleeping|crying|telling|"
    "texting|posting|writing|making|taking|buying|looking|searching|googling|giving|scratching|burning|purging|"
    "throwing|suicidal|depressed|drunk|high|missing|gone|dead|hurt|sick|ill|scared|afraid|pregnant|okay|ok|"
    "fine|unwell|struggling|alone|convinced|sure|obsessed|done|ready|determined|serious"
)
# The subject with "'s" or "'re" for "is", "are" or "has": always after a pronoun, and after
# "my <someone>" only before a word of that list.
_SUBJECT_IS = (
    rf"(?:\b(?:she|he|they){_APOSTROPHE}(?:s|re)\b"
    rf"|\bmy (?:\w+ )?(?:{_PEOPLE})s?{_APOSTROPHE}(?:s|re)\b(?= (?:{_CONTRACTED_BEFORE})\b))"
)
# Verbs whose third person singular is the first person's plus "s" ("wants", "keeps").
_VERBS = (
    "want|say|keep|need|think|feel|deserve|plan|hate|talk|hide|cut|burn|starve|refuse|text|post|"
    "write|mention|admit|threaten|promise|swear|tell|look|search|google|hurt|harm|stockpile|save|drink"
)


def _drop_s(matched: str) -> str:
    """'he wants' -> 'i want', 'and keeps' -> 'and keep'."""
    first, verb = matched.rsplit(" ", 1)
    return f"{'and' if first.lower() == 'and' else 'i'} {verb[:-1]}"


# (pattern, words), tried in this order at each place in one pass, so that no word is turned twice.
_RULES: tuple[tuple[str, str | Callable[[str], str]], ...] = (
    # The other person, in the first person.
    (r"\b(?:himself|herself|themselves|themself)\b", "myself"),
    (r"\b(?:his|her|their) own\b", "my own"),
    (r"\b(?:his|her|their)(?= (?:life|wrists?|arms?|legs?|thighs?|skin|body|pills|meds|medication|gun|rope)\b)", "my"),
    (_SUBJECT_IS, "i'm"),
    (_SUBJECT + _APOSTROPHE + r"ll\b", "i'll"),
    (_SUBJECT + _APOSTROPHE + r"d\b", "i'd"),
    (_SUBJECT + _APOSTROPHE + r"ve\b", "i've"),
    (_SUBJECT + r" (?:is|are)\b", "i am"),
    (_SUBJECT + r" (?:was|were)\b", "i was"),
    (_SUBJECT + r" (?:has|have)\b", "i have"),
    (_SUBJECT + r" (?:does|do)\b", "i do"),
    (_SUBJECT + r" tries\b", "i try"),
    (_SUBJECT + rf" (?:{_VERBS})s\b", _drop_s),
    (rf"\band (?:{_VERBS})s\b", _drop_s),
    (
        _SUBJECT
        + r"(?= (?:\w+ed|will|would|can|could|might|may|must|should|won't|can't|don't|didn't|wanna|gonna|just|still|never|always|already|really|even)\b)",
        "i",
    ),
    # The user, as the object, in the second person.
    (r"\bme\b", "you"),
    (r"\bmyself\b", "yourself"),
)
_PASS = re.compile("|".join(f"(?P<r{i}>{pattern})" for i, (pattern, _) in enumerate(_RULES)), re.IGNORECASE)
# Only a message that speaks of someone else in the third person is read again.
_THIRD_PERSON = re.compile(
    rf"\b(?:she|he|they|himself|herself|themselves|themself)\b|{_SUBJECT}\b", re.IGNORECASE
)


# Someone in the user's life named as such ("my neighbour's car", "our stepdad"), anywhere.
_SOMEONE_KNOWN = re.compile(
    rf"\b(?:my|our) (?:\w+ )?(?:{_PEOPLE}|neighbors|neighbours|stepdad|stepmom|stepfather|stepmother|stepson|"
    rf"stepdaughter|baby|in-laws?)s?\b",
    re.IGNORECASE,
)


def names_someone_known(text: str) -> bool:
    """Whether `text` names someone in the user's life ("my neighbour", "my ex boyfriend")."""
    return bool(_SOMEONE_KNOWN.search(text))


def _turn(match: re.Match[str]) -> str:
    words = _RULES[int(match.lastgroup[1:])][1]  # type: ignore[index]
    return words if isinstance(words, str) else words(match.group(0))


def first_person(text: str) -> str | None:
    """`text` told from the side of the person it speaks of, or None when it speaks of nobody in
    the third person."""
    if not _THIRD_PERSON.search(text):
        return None
    result = _PASS.sub(_turn, text)
    return result if result != text else None
