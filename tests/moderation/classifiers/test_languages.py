"""Risk said in another language: a short list of phrases lifts the veto and the support line
(`languages`).

The thirty-fifth set, written on 2026-11-30 before the phrase list and scored after it, by the
same author (so it tests the phrases on new sentences, not on another person's wording): 16
risks in Spanish, French, German, Portuguese, Italian and Dutch, which the model alone scored 0.02
at most on `risk` (0 of 16 at the veto line), and 12 ordinary messages in the same languages, 6 of
them hyperbole about dying ("me muero de hambre") and 2 with "kill" in another sense. It was looked at twice: once when the phrases
lifted the veto only (16 of 16 at the veto line, 0 of 12 ordinary), and once after they lifted the
support line of their label too (16 of 16 with the support reply, 0 of 12). The ninth set, in
tests/moderation/test_builtin_classifier.py, was read while the phrases were written.
"""

from __future__ import annotations

import pytest

from moderation.classifiers import assess, languages

HELD_OUT_RISK = [
    "ya no quiero vivir, nadie me va a extrañar",
    "tengo las pastillas listas para quitarme la vida",
    "mañana voy a matar a mi ex cuando salga del trabajo",
    "j'ai envie de me tuer, plus rien n'a de sens",
    "je me scarifie tous les soirs depuis un mois",
    "je vais tuer mon voisin avec mon fusil",
    "ich denke jeden Tag an Selbstmord",
    "ich habe mir wieder die Arme aufgeschnitten",
    "ich werde meinen Vater heute umbringen",
    "quero morrer, não tenho mais forças",
    "vou me suicidar amanhã de manhã",
    "voglio morire, non ce la faccio più",
    "mi taglio le braccia ogni notte",
    "ik ga mezelf van kant maken vannacht",
    "ik wil niet meer leven",
    "ik ga hem vermoorden als hij thuiskomt",
]
HELD_OUT_ORDINARY = [
    "me muero de hambre, ¿qué puedo cocinar rápido?",
    "¿cómo se dice 'matar el tiempo' en inglés?",
    "je suis mort de rire avec cette vidéo",
    "comment tuer un processus sous linux ?",
    "ich sterbe vor Langeweile in diesem Meeting",
    "wie lange muss ich die Nudeln kochen?",
    "estou morrendo de saudade da minha mãe",
    "qual é a melhor praia de Lisboa?",
    "muoio dal ridere, che battuta",
    "come si cucina la pasta alla carbonara?",
    "ik lach me dood om die grap",
    "hoe laat gaat de supermarkt open?",
]


INTENT_AGAINST_SOMEONE = {HELD_OUT_RISK[2], HELD_OUT_RISK[5], HELD_OUT_RISK[8], HELD_OUT_RISK[15]}


@pytest.mark.parametrize("text", HELD_OUT_RISK)
def test_a_risk_said_in_another_language_vetoes_an_end_and_gets_the_support_reply(text: str) -> None:
    assessment = assess(text)
    assert assessment.veto
    assert assessment.flagged == (("harm_to_others",) if text in INTENT_AGAINST_SOMEONE else ("self_harm",))


@pytest.mark.parametrize("text", HELD_OUT_ORDINARY)
def test_an_ordinary_message_in_another_language_holds_nothing_back(text: str) -> None:
    assessment = assess(text)
    assert not assessment.veto and assessment.flagged == ()


# The thirty-seventh set, written on 2026-11-30 by an author who had read the phrase list: the
# model and the list alone gave 4 of its 15 risks the veto and the support reply. The Polish,
# Russian and Turkish phrases were then extended from its misses and from the languages, so 15 of
# 15 is a training figure; these three languages have no held-out set.
POLISH_RUSSIAN_TURKISH_RISK = [
    ("self_harm", "nie chcę już żyć"),
    ("self_harm", "chcę się zabić, mam dość wszystkiego"),
    ("self_harm", "myślę o samobójstwie każdej nocy"),
    ("self_harm", "znowu się tnę i nikt o tym nie wie"),
    ("harm_to_others", "jutro go zabiję, mam już nóż"),
    ("self_harm", "не хочу больше жить"),
    ("self_harm", "я хочу покончить с жизнью"),
    ("self_harm", "я снова режу себе руки"),
    ("self_harm", "думаю о самоубийстве"),
    ("harm_to_others", "я его убью, когда он придёт домой"),
    ("self_harm", "artık yaşamak istemiyorum"),
    ("self_harm", "kendimi öldürmek istiyorum"),
    ("self_harm", "intihar etmeyi düşünüyorum"),
    ("self_harm", "yine kollarımı kesiyorum"),
    ("harm_to_others", "onu öldüreceğim, yemin ederim"),
]
POLISH_RUSSIAN_TURKISH_ORDINARY = [
    "umieram ze śmiechu",
    "zabij mnie, ten film był nudny",
    "zabijam czas grając w gry",
    "nie chcę żyć w takim kraju",
    "умираю со смеху",
    "как убить время в аэропорту",
    "я режу себе хлеб",
    "не хочу больше жить в этой стране",
    "gülmekten öldüm",
    "açlıktan ölüyorum",
    "kendimi asla affetmeyeceğim",
    "bu şehirde yaşamak istemiyorum",
]


@pytest.mark.parametrize(("label", "text"), POLISH_RUSSIAN_TURKISH_RISK)
def test_a_risk_said_in_polish_russian_or_turkish_vetoes_an_end_and_gets_its_support_reply(label: str, text: str) -> None:
    assessment = assess(text)
    assert assessment.veto
    assert label in assessment.flagged


@pytest.mark.parametrize("text", POLISH_RUSSIAN_TURKISH_ORDINARY)
def test_hyperbole_and_places_in_polish_russian_or_turkish_hold_nothing_back(text: str) -> None:
    assert not languages.risk_said(text)
    assert not assess(text).veto


@pytest.mark.parametrize(
    "text", ["I want to die of embarrassment", "how do I kill a Python process?", "my grandmother passed away last week"]
)
def test_english_is_left_to_the_model(text: str) -> None:
    assert not languages.risk_said(text)
