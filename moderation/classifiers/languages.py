"""Risk said in another language: a short list of unambiguous phrases.

The encoder and the data are English, so "voy a suicidarme esta noche" scored 0.00 on `risk`:
after three abusive turns in English, a risk said in Spanish did not hold the end back. A
multilingual encoder does not come in a package from the registries, and a language detector cost
220 MB per worker and still missed French and Dutch (docs/moderation.md, "Known weaknesses").

These phrases were written from the languages, not from any data: first-person suicide, self-harm
and a stated intent to kill someone, in Spanish, French, German, Portuguese, Italian, Dutch,
Polish, Russian and Turkish. Each is a whole phrase, never a word that also lives in hyperbole
("me muero de hambre", "je suis mort de rire", "ik lach me dood" do not match), and "not wanting
to live" is not read before a place ("no quiero vivir en Madrid", "не хочу жить в этой стране").
A match lifts the veto and the support line of its label (`readings.read`): the chat stays open,
and the reply carries the support resources, whose link finds a helpline in any country. A real provider's model reads
the language itself, and its end-time question covers the whole transcript.
"""

from __future__ import annotations

import re

# First-person suicide and self-harm.
_SELF = (
    # Spanish
    r"suicid(?:arme|arse|arte|ar[eé]|io|a)\b",
    r"quitarme la vida",
    r"matarme\b",
    r"(?:quiero|quisiera|prefiero|deseo) morir(?:me)?\b",
    r"no quiero (?:seguir )?vivir(?! (?:en|aqu[íi]|all[íi]|con)\b)",
    r"(?:me corto|cortarme) (?:los brazos|las piernas|las venas|las mu[ñn]ecas)",
    # French
    r"me suicider\b",
    r"me tuer\b",
    r"(?:veux|voudrais|pr[ée]f[èe]re|vais) mourir\b",
    r"en finir avec (?:la vie|ma vie)",
    r"me scarifie|me mutile|m'ouvrir les veines",
    # German
    r"selbstmord|suizid",
    r"(?:bringe|bring) mich (?:\w+ ){0,3}um\b",
    r"mich umbringen",
    r"(?:will|m[öo]chte) (?:nur noch )?sterben",
    r"(?:will|m[öo]chte) nicht mehr leben",
    r"(?:mich|mir) (?:\w+ ){0,3}(?:ritzen|ritze|aufschneiden|aufgeschnitten|aufgeritzt)",
    # Portuguese
    r"me (?:suicidar|matar)\b",
    r"(?:quero|queria) morrer\b",
    r"n[ãa]o (?:aguento|quero) mais viver(?! (?:em|aqui|ali|com)\b)",
    r"(?:me corto|me cortar|cortar os pulsos)",
    # Italian
    r"suicidarmi|uccidermi|ammazzarmi|togliermi la vita",
    r"(?:voglio|vorrei) morire",
    r"mi taglio (?:le braccia|i polsi|le gambe)|tagliarmi",
    # Dutch
    r"zelfmoord",
    r"mezelf (?:\w+ ){0,2}(?:van kant maken|ophangen|iets aandoen|snijden)",
    r"wil (?:\w+ )?dood\b",
    r"wil niet meer leven",
    # Polish (either order of "się" and its verb)
    r"zabi[ćc] si[ęe]|zabij[ęe] si[ęe]|si[ęe] zabi[ćc]|si[ęe] zabij[ęe]",
    r"chc[ęe] umrze[ćc]|chcia[łl](?:a|)?(?:bym|abym) umrze[ćc]",
    r"nie chc[ęe] (?:ju[żz] |d[łl]u[żz]ej |wi[ęe]cej |tak )*[żz]y[ćc](?! (?:w|we|na|z|ze|u|tu|tutaj)\b)",
    r"samob[óo]jstw|pope[łl]ni[ćc] samob",
    r"odebra[ćc] sobie [żz]ycie",
    r"tn[ęe] si[ęe]|si[ęe] tn[ęe]|okaleczam si[ęe]|si[ęe] okaleczam",
    # Russian
    r"покончить с (?:собой|жизнью)|убить себя|убью себя|(?:хочу|хочется) умереть|суицид|самоубийств",
    r"не хочу (?:больше |уже |так )*жить(?! (?:в|во|на|с|со|у|здесь|тут)(?!\w))",
    r"(?:режу|резать|порезать|порезала|порезал) (?:себя|себе (?:руки|вены|запястья|ноги|кожу))",
    r"повешусь|повеситься",
    # Turkish ("İ" does not fold to "i" under IGNORECASE)
    r"[iİ]ntihar|kendimi [öo]ld[üu]r|[öo]lmek istiyorum",
    # Not after a place ("bu şehirde yaşamak istemiyorum": not in this city).
    r"(?<![dt][ae] )ya[şs]amak istemiyorum",
    r"(?:kendimi|kollar[ıi]m[ıi]|bileklerimi) kes(?:mek|iyorum|ece[ğg]im|tim|erim)(?!\w)",
    r"kendimi as(?:mak|aca[ğg][ıi]m|t[ıi]m|ar[ıi]m)(?!\w)",
)
# A stated intent to kill someone.
_OTHERS = (
    r"(?:voy a|quiero|lo voy a|la voy a) matar(?:lo|la|le)?\b",  # Spanish
    r"(?:vais|veux) (?:le |la |les )?tuer\b",  # French
    r"werde (?:ihn|sie|meinen \w+|meine \w+) (?:\w+ ){0,2}(?:umbringen|t[öo]ten)",  # German
    r"vou mat[áa]-(?:lo|la)|vou matar (?:o|a|meu|minha)\b",  # Portuguese
    r"(?:voglio|vado a) (?:uccider|ammazzar)(?:lo|la|e)\b",  # Italian
    r"(?:ga|wil) (?:hem|haar) (?:\w+ ){0,2}vermoorden",  # Dutch
    r"zabij[ęe] (?:go|j[ąa]|ich)\b|(?:go|j[ąa]|ich) zabij[ęe]|chc[ęe] (?:go|j[ąa]|ich) zabi[ćc]",  # Polish
    r"убью (?:его|её|ее|их)|(?:его|её|ее|их) убью|хочу (?:его|её|ее|их) убить",  # Russian
    r"(?:onu|onlar[ıi]) [öo]ld[üu]rece[ğg]im|(?:onu|onlar[ıi]) [öo]ld[üu]rmek istiyorum",  # Turkish
)


def _compile(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(phrases) + ")", re.IGNORECASE)


_LABELS = (("self_harm", _compile(_SELF)), ("harm_to_others", _compile(_OTHERS)))


def risk_said(text: str) -> tuple[str, ...]:
    """The risk labels (self_harm, harm_to_others) whose listed phrases of another language the text
    says; () for none."""
    return tuple(label for label, pattern in _LABELS if pattern.search(text))
