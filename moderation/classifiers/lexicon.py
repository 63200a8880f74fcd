"""Word lists and weighted patterns for the builtin classifier.

Every pattern runs on normalised text (lower case, straight quotes, leetspeak and spaced-out
letters undone; see `builtin.normalize`). A weight is roughly the chance that a message
matching the pattern deserves the label on its own; the classifier combines the weights of
all matching patterns, then scales the result down when a dampening context (fiction,
definitions, quoting someone else, negation) is present.

The lists are written as general English patterns, not copies of dataset sentences, so that
they carry over to messages nobody has seen yet.

Content warning: this module necessarily spells out slurs, insults and violent phrases.
"""

from __future__ import annotations


def alt(*words: str) -> str:
    """Join alternatives into one non-capturing regex group."""
    return "(?:" + "|".join(words) + ")"


# --- Shared building blocks -------------------------------------------------------------

# A subject that is the user speaking about their own intent or wish.
FIRST_PERSON = r"\bi(?:'m| am|'ll| will|'d| would| was|'ve)?"
# Ways of stating a wish, plan or intent; "just", "really" and "fucking" may sit in between.
FILLER = r"(?:(?:just|really|so|fucking|honestly|seriously|literally|still|actually|finally|even|kinda|sort of) )*"
WANT = alt(
    "want(?:ed)? to", "wanna", "wish(?:ed)? to", "need to", "have to", "going to", "gonna", "gunna",
    "plan(?:ning)? to", "intend(?:ing)? to", "aim to", "am about to", "will", "'ll", "would like to",
    "'d like to", "'d love to", "hope to", "feel like", "decided to", "try(?:ing)? to", "ready to",
    "tempted to", "could",
)

# People the user knows: a violent verb aimed at one of these is about someone in their life.
RELATION = alt(
    "wife", "husband", "spouse", "partner", "girlfriend", "boyfriend", "gf", "bf", "ex", "ex-?wife",
    "ex-?husband", "ex-?girlfriend", "ex-?boyfriend", "fianc[eé]e?", "mother", "mom", "mum", "mommy",
    "father", "dad", "daddy", "stepfather", "stepdad", "stepmother", "stepmom", "parents?", "sister",
    "brother", "siblings?", "son", "daughter", "kids?", "children", "baby", "grand(?:ma|pa|mother|father|parents?)",
    "(?:rich )?grandparents?", "aunt", "uncle", "cousin", "nephew", "niece", "in-?laws?", "boss",
    "manager", "supervisor", "co-?workers?", "colleagues?", "employees?", "teachers?", "professor",
    "classmates?", "class", "roommates?", "flatmates?", "neighbou?rs?", "landlord", "tenant",
    "friends?", "best friend", "bully", "bullies", "ex's",
)
# Violent verbs against a body. Kept apart from figurative uses by requiring a human target.
VIOLENT = alt(
    "kill(?:ing|ed)?", "murder(?:ing|ed)?", "stab(?:bing|bed)?", "shoot(?:ing)?", "shot", "poison(?:ing|ed)?",
    "strangl(?:e|ing|ed)", "chok(?:e|ing)", "throttl(?:e|ing)", "smother", "suffocat(?:e|ing)",
    "beat(?:ing)?(?: \\w+)? up", "beat", "hurt(?:ing)?", "harm(?:ing)?", "injur(?:e|ing)", "maim",
    "assault(?:ing)?", "attack(?:ing)?", "tortur(?:e|ing)", "kidnap(?:ping|ped)?", "abduct",
    "rap(?:e|ing)", "molest", "punch(?:ing)?", "hit(?:ting)?", "slap", "kick(?:ing)?", "drown",
    "burn(?:ing)?", "set (?:\\w+ )?on fire", "run (?:\\w+ )?over", "eliminat(?:e|ing)", "terminat(?:e|ing)",
    "euthani[sz]e", "execut(?:e|ing)", "slaughter\\w*", "massacre", "assassinat(?:e|ing)", "gut(?:ting)?", "butcher\\w*",
    "behead", "decapitat(?:e|ing)", "dismember", "chop (?:\\w+ )?up", "cut (?:\\w+ )?(?:up|open)",
    "bash", "smash", "crush", "break (?:\\w+ )?(?:skull|neck|spine|bones?|legs?|arms?|jaw|nose)", "hang", "lynch",
    "blow up", "bomb", "knock (?:\\w+ )?out", "electrocut(?:e|ing)", "headshot", "drug", "get rid of", "wipe out", "eradicat(?:e|ing)", "exterminat(?:e|ing)", "hunt down",
    "slay", "bleed", "cripple", "disfigure", "acid attack", "make (?:\\w+ )?bleed",
)
# Anyone human, as the object of a violent verb.
HUMAN = alt(
    "someone(?:'s)?", "somebody(?:'s)?", "anyone", "anybody", "a person", "people", "persons?",
    "a human", "humans?(?:'s)?", "a man", "a woman", "men", "women", "a child", "a kid", "children",
    "kids", "a baby", "babies", "a girl", "a boy", "girls", "boys", "a cop", "cops", "police(?: officers?)?",
    "a politician", "politicians", "the president", "a president", "the mayor", "a teacher",
    "a stranger", "strangers", "students", "classmates", "a crowd", "crowds?", "civilians", "pedestrians",
    "a (?:\\w+ )?family", "families", "a village", "villagers", "a population", "the population",
    "homeless people", "old (?:men|people|women|ladies)", "(?:black|white|asian|jewish|gay|trans|muslim|roma|indigenous|disabled|chinese|mexican) people",
    "jews", "muslims", "immigrants", "him", "her", "them", "that (?:\\w+ )?(?:guy|man|woman|girl|boy|kid|bitch|nigger|bastard|asshole)",
    "the (?:man|woman|guy|girl|kid) who", "lots of people", "a bunch of people", "many people",
    "as many (?:people )?as possible", "the most people", "people in my", "everyone", "everybody",
)
# Targets in the user's own life that make a violent request personal.
PERSONAL_TARGET = alt(
    r"\bmy (?:\w+ ){0,2}" + RELATION + r"\b(?!'s)",
    r"\b(?:people|person|someone|somebody|anyone|those|everyone) (?:who|that|i) (?:don't|do not|dont|hate|annoy|bother|bully|bullies|annoys|bothers|has|have|slept|cheated|hurt|wronged|insulted)",
    r"\b(?:people|person|someone|somebody|anyone|kids|students|everyone) (?:in|at|from) my (?:class|school|office|work|job|team|building|street|neighbou?rhood)",
    r"\bthe (?:man|woman|guy|girl|kid|person) who",
    r"\bsomeone (?:who|that) (?:annoys|bothers|bullies|hurt|is bothering|has been bothering)",
)

# Protected identity groups, for hateful statements about a group.
IDENTITY = alt(
    r"black(?:s| people| folks?| men| women| lives| person)", r"white(?:s| people| folks| men| women| person)",
    "blacks", "african(?:s| americans?)", "asians?(?: people)?", "chinese(?: people)?", "mexicans?",
    "latin(?:o|a|x)s?", "hispanics?", "arabs?", "indians?", "pakistanis?", "africans?", "jew(?:s|ish(?: people| person)?)?",
    "muslims?", "islam", "christians?", "catholics?", "hindus?", "buddhists?", "sikhs?", "atheists?",
    "immigrants?", "migrants?", "refugees?", "foreigners?", "aliens", "roma(?: people)?", "gypsies", "gypsy",
    "indigenous(?: people)?", "natives?", "gays?(?: people| men| person| lives| life)?", "gay", "lesbians?",
    "bisexuals?", "homosexuals?", "queers?", "trans(?: people| person| women| men| lives| folks?)?",
    "transgender(?: people| person)?", "non-?binary(?: people)?", "asexual(?: people)?", "lgbtq?\\+?",
    "wom[ae]n", "females?(?: lives)?", "girls", "ladies", "m[ae]n", "males?", "disabled(?: people| person| lives)?",
    "handicapped", "cripples?", "autistic(?: people)?", "the elderly", "elderly(?: people)?",
    "old people", "homeless(?: people)?", "poor people", "fat people", "people on benefits", "pregnant women",
)
# Agent-looking plurals that are things, so "-ers" and "-ants" do not turn objects into people.
OBJECT_PLURALS = (
    "computers", "printers", "stickers", "burgers", "speakers", "containers", "papers", "sneakers",
    "numbers", "letters", "flowers", "towers", "chargers", "trailers", "posters", "markers", "folders",
    "covers", "filters", "answers", "orders", "colors", "colours", "doors", "floors", "mirrors",
    "monitors", "motors", "sensors", "tractors", "errors", "vectors", "factors", "plants", "restaurants",
    "events", "comments", "documents", "ingredients", "elements", "instruments",
    "vitamins", "others", "matters", "centers", "centres", "characters", "chapters", "corners",
    "layers", "meters", "metres", "offers", "quarters", "registers", "shelters", "waters", "weathers",
    "dinners", "electronics", "topics", "graphics", "lyrics", "politics",
    "physics", "antics", "comics", "statistics", "diets", "habits", "sites", "cocktails", "brands",
    "alarms", "trends", "records", "headphones", "pictures", "steaks", "bills", "movies", "games",
    "ads", "emails", "lockers", "cupboards", "drawers", "hammers", "scissors", "blenders", "heaters",
    "coolers", "routers", "servers", "browsers", "trains", "trainers", "sweaters",
    "jumpers", "slippers", "boxes",
)

# Non-protected groups of people (jobs, hobbies, politics). Abuse aimed at them is still abuse.
PEOPLE_NOUNS = alt(
    r"(?!" + alt(*OBJECT_PLURALS) + r"\b)\w+(?:ers|ists|ians|ors|ants|ents|ics|ites|ees|ives)", "people", "folks?", "persons?", "humans?",
    "politicians", "liberals", "conservatives", "republicans", "democrats", "leftists", "communists",
    "socialists", "fascists", "nazis", "centrists", "moderates", "cops", "police", "doctors", "nurses",
    "lawyers", "bankers", "chefs", "cooks", "staff", "men", "guys", "kids", "teens", "teenagers",
    "millennials", "boomers", "fans", "members", "managers", "ceos", "landlords", "vegans", "hipsters",
    "nerds", "geeks", "gamers", "rednecks", "hillbillies", "cyclists", "motorists", "tourists",
    "students", "teachers", "parents", "everyone", "everybody", "wardens", "bigots", "homophobes", "racists",
    "idiots", "snobs", "pro[- ]?lifers", "yuppies", "preppies", "jocks", "addicts", "junkies",
)

# --- self_harm ---------------------------------------------------------------------------

SELF_HARM_RULES: tuple[tuple[str, float], ...] = (
    # Direct statements and questions about killing oneself.
    (r"\bkill(?:ing|ed)? (?:my ?self|myselm|myslef|meself)\b", 0.9),
    (r"\bkms\b", 0.8),
    (r"\b(?:take|taking|end|ending|took) (?:my|my own) (?:own )?life\b", 0.9),
    (r"\bend(?:ing)? (?:it|this|everything) all\b|\bend everything\b|\bending everything\b", 0.85),
    (r"\bsuicid(?:e|al)\b", 0.75),
    (r"\bcommit(?:ting)? suicide\b", 0.2),
    (r"\bunalive\b", 0.8),
    # Wishing to be dead or not to exist.
    (r"\b(?:(?:just|really|so|still|fucking|honestly|\w+ly) )*(?:want|wanna|wish|need|hope|pray|ready|going|gonna|planning|prefer|rather|want to|would like) (?:(?:just|really|to|so|fucking|i|could|would|will|can|that|it|all|be) )*(?:die|be dead|dead|disappear|not exist|stop existing|cease to exist|not wake up|never wake up)\b", 0.85),
    (r"\bi (?:wish|hope|pray) (?:that )?(?:i|i'd|i would|i could|i will|something would|someone would|someone could)(?: \w+){0,3} (?:die|dead|kill me|end it)\b", 0.85),
    (r"\b(?:wish|hope) i (?:was|were|'d|would|could|will|had) (?:be )?(?:dead|die|never been born|not been born|died)\b", 0.9),
    (r"\bi want die\b|\bi('m| am) (?:so )?ready to die\b|\bready to die\b", 0.85),
    (r"\b(?:better off dead|better off without me|can't wait to (?:be dead|die)|want(?:s)? to be dead)\b", 0.85),
    (r"\b(?:let me|can i|may i|allowed to|why can't i|why cant i|i can't|i cant) (?:just )?die\b", 0.7),
    (r"\bdie already\b|\bjust die\b", 0.55),
    (r"\b(?:reason|reasons|will|nothing) (?:to|for me to) (?:live|keep going|be alive|stay alive|go on)\b|\bnothing to live for\b|\bworth living\b|\bworth (?:me )?being alive\b|\bpoint (?:of|in) (?:living|being alive|going on)\b|\bsupposed to stay alive\b|\bstill alive\b", 0.6),
    (r"\b(?:don't|do not|dont|no longer|never) (?:want|wanna) (?:to )?(?:be here|live|be alive|exist|wake up|keep living)\b|\b(?:tired|sick) of (?:living|being alive|life|this life)\b(?! (?:paycheck|in|with|like|under|on|at|alone|here))|\bcan't (?:do this|go on|hold on|take it) (?:any ?more|any longer|much longer)\b", 0.65),
    (r"\b(?:want|wanna|need|going to|gonna|gunna|planning to|plan to|'ll|will|courage to|strength to|brave enough to|close to|feel like|decided to|time to|ok to|okay to)(?: \w+){0,2} (?:end it|end my life|end things)\b", 0.7),
    (r"\b(?:want|wish|need)(?: for)? (?:it|it all|this|everything|all of this|the pain) to (?:end|stop|be over)\b", 0.6),
    (r"\b(?:someone|somebody|something|anyone|a car|a bus) (?:would |could |will |to |just |please )*(?:kill|end|off) me\b|\b(?:please )?kill me\b|\bhire someone to (?:kill|off) me\b", 0.6),
    (r"\b(?:close to|thinking (?:about|of)|thought about|considering|contemplating|planning) (?:ending it|ending my life|ending things|ending everything|killing myself|taking my (?:own )?life)\b|\bwouldn't mind (?:if i died|dying|being dead|if i did)\b", 0.75),
    (r"\b(?:nobody|no one|noone) (?:would|will|'d) (?:even )?(?:miss|care about|notice|care) (?:me )?if i (?:was|were|died|disappeared|left|killed)\b|\bif i (?:was|were) gone\b|\b(?:take|swallow|taking|swallowing) (?:all )?(?:of )?(?:my|the|these|those) (?:\w+ )?(?:pills|meds|medication|tablets)\b", 0.65),
    (r"\bdie in my sleep\b|\b(?:never|not|don't) wake up\b", 0.6),
    (r"\b(?:quickest|fastest|easiest|best|painless|painlessly|quietly|effective|surest|least painful)(?: \w+){0,3} (?:way|ways|method|methods) (?:to|of) (?:die|dying|kill myself|end my life|commit suicide|killing myself)\b|\bhow (?:to|can i|do i|should i) die\b|\bdie painlessly\b", 0.85),
    (r"\bways? to (?:commit suicide|kill (?:my|your)self)\b", 0.7),
    # Methods, stated for oneself.
    (r"\b(?:hang|hanging|drown|drowning|shoot|shooting|stab|stabbing|poison|poisoning|starve|starving|burn|burning|cut|cutting|harm|harming|hurt|hurting|kill|killing) (?:my ?self|myself)\b", 0.85),
    (r"\bharmed myself\b|\bhurt myself\b|\bcut myself\b", 0.85),
    (r"\bself[- ]?harm(?:ing)?\b|\bself[- ]?injur\w*", 0.7),
    (r"\b(?:slit|cut|cutting|slash|sever|pierce|carve \w+ into)(?: \w+){0,2} (?:my )?(?:own )?(?:wrists?|arms?|artery|arteries|veins?|throat|skin|thighs?|legs?)\b", 0.8),
    (r"\b(?:carve|burn|burning|cut|cutting|scratch)(?:ing)? (?:a |the )?(?:\w+ )?(?:into|on) my (?:arm|arms|skin|wrists?|legs?|thighs?|body)\b|\bburn(?:ing)? my skin\b", 0.8),
    (r"\b(?:jump|jumping|leap) (?:off|from) (?:a|the) (?:bridge|building|roof|cliff|balcony)\b|\bin front of (?:a|the) (?:bus|train|car|truck)\b", 0.6),
    (r"\b(?:overdose|overdosing|od)\b", 0.4),
    (r"\b(?:me|myself|i|i'll|i will|i'm going to|i want to) (?:\w+ ){0,2}(?:overdose|od)\b|\bod on\b|\btook \d+ (?:\w+ )?(?:pills|tablets|paracetamol|tylenol|ibuprofen)|\boverdose (?:fastest|quickly|on purpose)\b", 0.7),
    (r"\bwill (?:\d+ |\w+ )?(?:\w+ )?(?:pills|tablets|tea bags|bags|bottles?) kill me\b|\bkill me\?", 0.6),
    (r"\b(?:go out|die|end my life|end it) like (?:[a-z]+ ){0,2}[a-z]+\b", 0.6),
    (r"\bsuicide note\b|\bfinal goodbye\b|\bgoodbye note\b", 0.6),
    (r"\b(?:cutting|starving) (?:again|myself)\b|\bbroke my (?:self[- ]?harm|clean) streak\b|\brelapsed\b|\bi (?:cut|hurt|harmed|burned) myself\b|\bcut again\b|\bwanna cut\b|\bwant to cut\b|\bstop cutting\b", 0.75),
    # Eating-disorder behaviour aimed at oneself.
    (r"\b(?:stop|stopped|quit) (?:myself from )?eating\b|\bstarve myself\b|\bnot eat(?:ing)? for (?:a|\d+|two|three|several) (?:days|weeks?)\b|\b(?:ribs?|ribcage|hip ?bones?|collarbones?) (?:stick|show|poke)", 0.7),
    (r"\b(?:so|really|super|very) skinny\b|\bthinspo\b|\bpro-?ana\b|\bpurg(?:e|ing) after\b", 0.45),
    # Feeling suicidal, expressed indirectly.
    (r"\bwish (?:something|someone) would kill me\b|\b(?:would )?rather be dead\b|\bi don't deserve to live\b|\bshould (?:just )?(?:die|kill myself)\b|\bdo the world a favou?r\b", 0.7),
)

# Contexts that mean the message is not about the user's own life.
SELF_HARM_DAMPENERS: tuple[tuple[str, float], ...] = (
    # Producing content that pushes others to self-harm is a harmful request, not a risk.
    (r"\b(?:encourag|promot|glorif|normali[sz]|romantici[sz]|incit)\w*\b|\b(?:convinc|persuad|manipulat|pressur|goad|push)\w* (?:\w+ ){0,2}(?:someone|somebody|people|others|them|him|her|a \w+|users|teens|kids|children|my \w+) (?:into|to)\b|\b(?:blog|post|article|website|app|tweet|game|song|poem|essay|video|message|story) (?:that|which|to|about|encouraging|promoting)\b", 0.25),
    (r"^(?!.*\b(?:myself|my self|i want|i wanna|i'm going|i will|i wish)\b).*\b(?:himself|herself|themselves|themself)\b", 0.5),
    (r"\bhow did (?:[a-z]+ ){1,3}die\b|\bwhat (?:killed|happened to)\b|\bwhy did (?:[a-z]+ ){1,3}(?:kill|die)\b", 0.3),
    (r"\b(?:novel|story|film|movie|book|character|fiction|game|script|screenplay|song lyrics)\b", 0.5),
    (r"\b(?:kill|killing|killed) (?:time|the lights|the engine|the process|the music|the vibe|it)\b", 0.4),
    (r"\bi could kill for\b|\bto die for\b|\bdying (?:to|for|of laughter)\b|\bdied (?:laughing|of embarrassment)\b", 0.3),
)

# --- harm_to_others -------------------------------------------------------------------------

HARM_TO_OTHERS_RULES: tuple[tuple[str, float], ...] = (
    # A violent verb aimed at someone in the user's own life.
    (VIOLENT + r"(?: \w+){0,3} " + PERSONAL_TARGET, 0.85),
    (r"\b(?:how|where|what|which|when|should|can|could|would|is it|best|easiest|way|ways|help me|want to|going to|gonna)\b.{0,40}\b" + VIOLENT + r"\b(?: \w+){0,2} my (?:own )?(?:\w+ )?" + RELATION + r"\b", 0.85),
    (r"\bmy (?:\w+ )?" + RELATION + r"(?:'s)? (?:\w+ ){0,2}(?:life|house|car|home)\b.{0,30}\b(?:blow up|burn down|set fire|end|terminate|take)\b", 0.4),
    (r"\b(?:blow up|burn down|set fire to|poison)\b.{0,20}\bmy (?:\w+ )?" + RELATION + r"(?:'s)?\b", 0.8),
    # The user states their own intent to hurt or kill people.
    (FIRST_PERSON + r" " + FILLER + WANT + r" " + FILLER + r"(?:\w+ )?" + VIOLENT + r"\b(?: \w+){0,3} " + HUMAN + r"\b", 0.85),
    (FIRST_PERSON + r" " + FILLER + WANT + r" " + FILLER + r"(?:kill|murder|shoot|stab|hurt|attack|poison|torture|kidnap)(?: \w+){0,3} (?:people|someone|somebody|a person|them all|everyone|everybody|him|her|them)\b", 0.85),
    (r"\bi (?:just )?(?:shot|stabbed|killed|kidnapped|poisoned|strangled|beat up|murdered)(?: \w+){0,3} (?:someone|somebody|a (?:man|woman|guy|person|kid|cop)|him|her|them|my \w+|people|up)\b", 0.75),
    (r"\b(?:should i|is it (?:ok|okay|all right|alright|fine|wrong|legal) (?:for me )?to|would it be (?:ok|okay|wrong) to|can i get away with)\b(?: \w+){0,3} " + VIOLENT + r"\b(?: \w+){0,3} " + HUMAN + r"\b", 0.75),
    (r"\bhow (?:can|do|could|should|would) i\b (?:\w+ ){0,2}" + VIOLENT + r" (?:\w+ ){0,2}(?:that|this|the|those|these) (?:\w+ )?(?:guy|man|woman|girl|boy|kid|bitch|nigger|bastard|asshole|mayor|cop|teacher|neighbou?r|bully|dude|chick|fag\w*|retard|idiot|person|boss|prick|cunt|people|bitches|family|couple|coworker|kids)\b", 0.8),
    (r"\b(?:how (?:can|do|could|should|would)|can|could) i\b (?:\w+ ){0,2}(?:kill|murder|stab|shoot|poison|strangle|beat|hurt|torture|kidnap|attack|punch|drown|choke) (?:him|her|them)\b(?! feelings)", 0.8),
    (FIRST_PERSON + r" " + FILLER + WANT + r" (?:\w+ ){0,6}(?:kill|murder|shoot|stab|hurt|attack|poison|torture|bomb)\w* (?:\w+ ){0,2}(?:people|someone|somebody|a person|everyone|everybody|him|her|them)\b", 0.8),
    (r"\b(?:mass shooting|shoot up (?:a|the|my) (?:school|office|church|mall|class)|school shooting)\b", 0.6),
    (r"\baim to kill\b|\bkill as many\b|\bmake (?:them|him|her|it) (?:suffer|bleed)\b|\bwatch (?:him|her|them) (?:bleed|die|suffer)\b", 0.75),
    (r"\bi (?:need|have) to (?:stab|shoot|kill|hurt) someone\b|\b(?:gun|knife|weapon) to (?:kill|shoot|stab|hurt) (?:someone|somebody|him|her|them)\b", 0.85),
    (r"\bhow can i (?:best )?(?:beat|hit|hurt|attack|stab|shoot|kill|poison|strangle|kidnap)\b.{0,30}\b(?:up|that|this|those|the)\b", 0.3),
    (r"\b(?:hard enough|enough to hurt|so it hurts)\b.{0,30}\b(?:bleed|hurt|bruise)\b|\b(?:hit|hitting|beat|beating) (?:old|little|young) (?:men|women|people|kids|ladies)\b", 0.6),
    (r"\b(?:i|we) (?:want|wanna|need|am going|are going|will|'ll|plan) (?:to )?(?:hurt|harm|attack|kill) (?:\w+ )?(?:people|jews|muslims|immigrants|blacks|gays|them)\b", 0.8),
    (r"\b(?:terminat|eliminat|euthani[sz])(?:e|ing) (?:people|person|someone|my)\b.{0,30}\b(?:i|me)\b|\bsecretly eliminate\b", 0.7),
)

HARM_TO_OTHERS_DAMPENERS: tuple[tuple[str, float], ...] = (
    # Competing, pets and property problems are not violence against a person.
    (r"\b(?:beat|crush|destroy|smash|kill) (?:\w+ ){0,3}(?:at|in) (?:\w+ ){0,2}(?:game|games|chess|cards|poker|tennis|golf|race|mario\w*|fifa|scrabble|monopoly|arm wrestling|a match|the match|sports?)\b|\bhumanely\b|\bmy (?:\w+ )?" + RELATION + r"(?:'s|s') (?:\w+ )?(?:cat|cats|dog|dogs|pet|pets|tree|trees|plants|weeds|noise|music|wifi|party)\b", 0.3),
    # Threats aimed at the assistant itself are abuse, handled by the abuse rules.
    (r"\b(?:kill|hurt|stab|shoot|punch|kick|smash|chop) (?:you|u|ya|eliza|your)\b", 0.2),
    (r"\b(?:in|for) (?:my|a|the) (?:novel|story|book|film|movie|game|script|play|show|tv show)\b|\bcharacter\b|\bin (?:minecraft|fortnite|counter[- ]strike|chess|call of duty|gta|boxing|judo|karate|the game)\b", 0.2),
    # "I would never hurt anyone" disowns violence; "as long as I don't kill him" sets a condition
    # on it, and "I don't want to kill him, but I will hurt him" takes the disowning back.
    (r"(?<!long as i )(?<!long as we )(?<!\bif i )(?<!unless i )\b(?:never|wouldn't|would not|don't|do not|won't|will not) (?:ever )?(?:want to )?(?:hurt|harm|kill|attack)\b(?![^.?!]*\bbut\b)", 0.3),
    (r"\b(?:kill|beat|crush|smash|destroy|slay|murder) (?:my|the|our) (?:competition|competitors|record|exam|test|presentation|interview|time|performance|game|workout|goals?|opponent in|rival team)\b|\bexplode with laughter\b|\bkill(?:ing)? (?:time|the lights)\b|\bcould kill for\b", 0.2),
    (VIOLENT + r" (?:a |an |the |my |some |all |those |these |this )?(?:\w+ )?(?:weeds?|mosquito(?:es)?|flies|ants|roaches|cockroaches|rats|mice|bugs|pests|process(?:es)?|program|app|lights|engine|bacteria|germs|microbes|virus|fish|chicken|pig|deer|competition|targets?|goals?|record)\b", 0.3),
    (r"\b(?:kill|hurt|harm|cut|starve|hang|drown|shoot) (?:my ?self|myself)\b", 0.4),
)

# --- harmful_request ---------------------------------------------------------------------

# Verbs that ask for content, code or instructions.
REQUEST = alt(
    "write", "create", "develop", "design", "generate", "provide", "give", "explain", "teach", "instruct",
    "show", "outline", "describe", "draft", "compose", "produce", "build", "make", "list", "tell", "help",
    "suggest", "offer", "publish", "post", "share", "detail", "demonstrate", "illustrate", "guide", "plan",
    "code", "program", "find", "recommend", "convince", "persuade", "determine", "choose", "draw",
)
REQUEST_FORM = alt(
    r"^(?:please |can you |could you |would you |pls )?" + REQUEST + r"\b",
    r"\bhow (?:do|can|could|should|would|to|might)\b", r"\bwhat(?:'s| is| are)? (?:the )?(?:best|easiest|most effective|good|fastest|quickest|simplest|safest|perfect|right)\b",
    r"\bstep[- ]by[- ]step\b", r"\binstructions?\b", r"\btutorial\b", r"\bguide\b", r"\bwhere (?:can|do|could|should) (?:i|we|one)\b",
    r"\bhelp me\b", r"\btips?\b", r"\bways? (?:to|of)\b", r"\bplan (?:to|for)\b", r"\bshould i\b", r"\bi want to\b",
    r"\bwhat (?:do|should|would) i (?:need|have) to\b", r"\bsteps?\b", r"\bstrategy\b", r"\bmethods?\b", r"\bscript\b", r"\bcode\b",
    r"\bprogram\b", r"\bapp\b", r"\bwebsite\b", r"\bpost\b", r"\barticle\b", r"\bmessage\b", r"\bletter\b", r"\bemail\b",
    r"\bhow-to\b", r"\bmanual\b", r"\brecipe\b", r"\badvice\b", r"\bsuggest\b", r"\blist\b", r"\blink me\b", r"\bwhere is (?:a )?good\b",
    r"\btell me\b", r"\bgive me\b", r"\bteach me\b", r"\bshow me\b",
)

HARMFUL_REQUEST_RULES: tuple[tuple[str, float], ...] = (
    # Violence against humans, asked for as a method.
    (r"\b(?:how|ways?|best|easiest|method|guide|instructions|tell me|where|plan|strategy|steps|process|what|find)\b.{0,60}\b" + VIOLENT + r"\b(?: (?:\w+ ){0,2})?" + HUMAN + r"\b", 0.65),
    (r"\b" + VIOLENT + r" (?:a |the |an )?(?:human|person|body|corpse|dead body|someone|somebody)(?:'s)?\b", 0.55),
    (r"\b(?:someone|somebody|a human|a person|human|a child|a baby)(?:'s)? (?:skull|head|spine|sternum|neck|throat|face|ribs?|bones?|body|eyes?|legs?|arms?)\b", 0.6),
    (r"\b(?:commit(?:ting)?|plan(?:ning)?|get away with|carry out|stage|perform) (?:a |an )?(?:successful )?(?:murder|massacre|assassination|kidnapping|rape|assault|violent assault|terror(?:ist)? attack|terrorism|genocide|arson|shooting|bombing|robbery|mass shooting|hijacking|homicide|treason|crimes?|fraud|tax fraud|burglary|hit-and-run|hit and run|cyber ?attack|identity theft|insider trading|mail fraud)\b|\b(?:people|someone|targets?|victims?) to (?:shoot|kill|stab|rob|attack|scam|exploit|hurt)\b|\bin graphic detail\b|\bflayed\b|\bdismember\w*", 0.7),
    (r"\b(?:get away with (?:it|murder|this|that|the crime|a crime|rape|\w+ing (?:someone|somebody|him|her|them|my|a|people))|cover (?:up|my tracks)|without (?:getting caught|being caught|being suspected|being traced|being detected|leaving (?:a )?(?:trace|evidence)|detection|anyone (?:knowing|noticing))|avoid (?:getting caught|detection|being caught)|evade (?:detection|law enforcement|the police|police|taxes|security)|make it (?:look|seem) like an accident|making it (?:look|seem) like an accident|untraceable|undetectable)\b", 0.65),
    # Weapons, explosives and poisons.
    (r"\b(?:bombs?|explosives?|ied|pipe ?bombs?|grenades?|molotov|detonat\w*|napalm|thermite|car bomb|dirty bomb|nuclear (?:weapon|bomb|device)|nerve (?:agent|gas)|sarin|vx|ricin|anthrax|botulinum|chemical weapons?|chemical warfare|biological weapons?|biological warfare|bioweapons?|chlorine gas|mustard gas|phosgene|uranium|plutonium|dimethylmercury|strychnine|cyanide|parathion|nitazene|explosions?|explosive devices?|weapons? of mass destruction|date rape drugs?|firearms?|handguns?|glock)\b", 0.4),
    (r"\b(?:make|build|construct|assemble|create|synthesi[sz]e|manufactur\w*|produce|acquire|obtain|buy|get|extract|smuggle|detonate|plant|use|3d print|print)\b.{0,40}\b(?:bombs?|explosives?|ied|grenades?|weapons?|guns?|firearms?|rifles?|poisons?|toxins?|nerve agents?|chemical weapons?|silencer|suppressor|glock switch|full auto)\b", 0.45),
    (r"\b(?:blow up|bomb|set (?:\w+ )?on fire|set|burn down|attack|destroy|obliterate|poison|disrupt\w*|sabotag\w*|interfere with)\b.{0,30}\b(?:a |an |the )?(?:hospital|school|church|mosque|synagogue|stadium|concert|airport|plane|flight|subway|train|bus|building|city|village|crowd|government|embassy|power ?plant|water supply|reservoir|skyscrapers?|mall|office|transportation|infrastructure|power grid|railway|systems?|public order)\b", 0.6),
    (r"\b(?:bring|take|smuggle|sneak|get|carry)(?: \w+){0,2} (?:a |my )?(?:gun|knife|weapon|bomb|explosive)s? (?:on|onto|into|past|through)\b|\bhid(?:e|ing) my (?:knife|gun|weapon|drugs|meth|stash)\b", 0.6),
    (r"\b(?:lethal|untraceable|ghost|unregistered|homemade) (?:guns?|weapons?|firearms?)\b|\bgun (?:shops?|stores?|dealers?) (?:that|which|who) (?:don't|dont|do not|won't)\b|\bbackground checks?\b", 0.55),
    # Crime: theft, fraud, hacking, drugs, trafficking.
    (r"\b(?:steal\w*|stole\w*|theft|rob|robs|robbing|shoplift\w*|burglar\w*|break(?:ing)? into|pick(?:ing)? (?:a )?lock|hotwir\w*|carjack\w*|loot\w*|pickpocket\w*|bank vault|casino|harvest\w* (?:\w+ )?data|sensitive (?:information|data)|personal (?:information|data)|confidential (?:information|data)|login credentials|passwords?)\b", 0.45),
    (r"\b(?:fraud|frauds|fraudsters?|commit\w* \w+ fraud|scam|scams|scamm\w*|phishing|ponzi|pyramid scheme|money laundering|launder\w*|counterfeit\w*|forge(?:d|ry)?|forging|embezzl\w*|insider trading|tax evasion|evade taxes|identity theft|steal (?:\w+ )?identit\w+|fake (?:ids?|reviews?|news|documents|passports?|call cent\w+|charity|job|identit\w+|profiles?|accounts?|websites?|online \w+|social media \w+|protest|expert|stores?)|spam\w*|propaganda|misinformation|disinformation|false information|mislead\w*|manipulat\w* (?:\w+ )?(?:financial|stock|markets?|public opinion|search|customer|ratings|sales|elections?|prices)|falsif\w*|defam\w*|blackmail\w*|extort\w*|bribe\w*|ransom\w*|money mule|skimm\w+|carding|stolen (?:credit )?cards?|credit card (?:numbers|details|information))\b", 0.55),
    (r"\b(?:hack\w*|crack\w*) (?:into )?(?:\w+ ){0,3}(?:accounts?|emails?|databases?|networks?|systems?|websites?|servers?|computers?|phones?|wifi|passwords?|cameras?|drones?|atms?|banks?|government)\b|\bhacks? into\b|\bhack(?:er|ers|ing)\b|\bcyber ?(?:attack|stalk|bull)\w*|\bexploit\w* (?:\w+ ){0,2}vulnerabilit\w+|\bvulnerabilit\w+|\bpayloads?\b|\bdeface\b|\bscraping\b|\bviruses\b|\banti-?virus\b|\bdenies access\b|\bdenial of service\b|\bcrash (?:a |the )?(?:computer|system|server|network)", 0.6),
    (r"\b(?:malware|ransomware|spyware|keylogger|trojan|rootkit|botnet|ddos|dos attack|syn flood|sql injection|sqli|xss|exploit(?:ing)? (?:the |a )?(?:\w+ )?vulnerabilit\w+|zero[- ]day|reverse shell|backdoor|worm|computer virus|virus (?:or|and) malware|exfiltrat\w*|brute[- ]?force|bypass (?:security|authentication|antivirus|the paywall|drm|filters?|waf)|evade antivirus|disable (?:the )?(?:alarm|security|geofencing|cameras?))\b", 0.6),
    (r"\b(?:spread|create|write|develop|release|deploy|make) (?:a |an )?(?:virus|malware|worm|trojan)\b", 0.6),
    (r"\b(?:meth(?:amphetamine)?|cocaine|crack|heroin|fentanyl|mdma|ecstasy|lsd|ghb|ketamine|opioids?|illegal drugs|recreational drugs|narcotics|drugs|steroids|ephedrine|pseudoephedrine|weed|marijuana|marihuana)\b", 0.2),
    (r"\b(?:make|cook|synthesi[sz]e|manufactur\w*|produce|grow|buy|get|getting|sell|selling|acquire|obtain|smuggle|smuggling|deal|dealing|purchase|order|hide|source|extract)\b(?: \w+){0,4} (?:some )?(?:meth(?:amphetamine)?|cocaine|crack|heroin|fentanyl|mdma|lsd|ghb|ketamine|opioids|illegal drugs|recreational drugs|narcotics|drugs|steroids|ephedrine|pseudoephedrine|prescription drugs|contraband|precursors?|precursor chemicals)\b|\bfor the production of\b|\bhuff(?:ing)? (?:paint|glue)\b|\bstart using drugs\b", 0.6),
    (r"\b(?:drug dealer|black market|dark ?web|darknet|silk road|illegally|illegal(?:ly)?|unregulated|underage|without (?:a )?(?:prescription|license|licence|background check|paperwork)|minors?|escorts?|brothel|human trafficking|traffick\w*|smuggl\w*|chop shops?)\b", 0.45),
    (r"\b(?:torrent|pirat(?:e|ed|ing)|download (?:\w+ )?(?:movies|films|music|software|games) (?:illegally|for free)|crack(?:ed)? software)\b", 0.45),
    # Sexual content involving children is always a harmful request.
    (r"\b(?:child|children|kids?|minors?|underage|teen(?:age)?|young)(?: \w+){0,3} (?:having sex|naked|nude|porn\w*|sexual\w*|explicit)\b|\bchild (?:porn\w*|sexual abuse material|abuse material)\b|\bcsam\b|\bpedophil\w* (?:groups?|content|material)\b|\bsatisfy my pedophil\w*|\bpro-?pedophil\w*|\badults? having sex with children\b|\bgroom(?:ing)? (?:a |children|kids|minors)\b", 0.85),
    (r"\b(?:porn\w*|explicit|sexual|erotic|nsfw|snuff)\b.{0,30}\b(?:story|film|video|scene|content|images?|pictures?|photos?)\b|\b(?:intimate|explicit|nude|naked) (?:images?|pictures?|photos?)\b|\bnon-?consensual\b|\bconsent is\b|\bescorts?\b", 0.5),
    # Hate, harassment, threats and disinformation produced on request.
    (r"^(?:please |can you |could you )?(?:write|generate|create|compose|draft|make|give|tell|produce|post|train|design)\b.{0,50}\b(?:racist|sexist|hateful|homophobic|transphobic|antisemitic|derogatory|offensive|discriminatory|xenophobic|bigoted|inflammatory)\b", 0.4),
    (r"\b(?:hate (?:speech|mail|crime)|vitriol|death threats?|threaten\w*|threats?|harass\w*|cyberbull\w*|bully\w*|stalk\w*|dox\w*|intimidat\w*|insult\w*|defam\w*|slander\w*|libel\w*|humiliat\w*)\b", 0.4),
    (r"\b(?:promot\w*|encourag\w*|glorif\w*|incit\w*|normali[sz]\w*|romantici[sz]\w*|justif\w*|advocat\w*|condon\w*|prais\w*)\b.{0,50}\b(?:violence|violent|hatred|hate|terror\w*|self-?harm|suicid\w*|anorexia|bulimia|eating disorders?|drugs?|drunk driving|genocide|holocaust|nazi\w*|slavery|sexual assault|rape|abuse|cruelty|extremis\w*|radicali[sz]\w*|shooting|bullying|harassment|racism|discrimination|dangerous|illegal|reckless|predatory|risky)\b", 0.7),
    (r"\b(?:misinformation|disinformation|propaganda|conspiracy|hoax|fake news|false (?:information|claims?|news)|fabricat\w*|never (?:took place|happened|existed)|was justified|were justified|morally justified|right to (?:kill|attack|invade|murder)|trivializ\w*|trivialis\w*|mocks?|is beneficial|was beneficial|positive impact|burden on|silence whistleblowers|\w+ cause[sd]? (?:autism|covid|cancer)|snorting|benefits of (?:ethnic cleansing|genocide|slavery|apartheid|the khmer)|replicate (?:the )?succe\w+ of|repeat (?:the )?(?:success|scale) of|recreate the conditions|another death like|exaggerated|(?:were|was) (?:a )?(?:complete )?(?:fabrication|lie|hoax))\b", 0.55),
    (r"\bpersuasive (?:article|post|essay|blog|social media post|tweet|email|message|paragraph|letter|speech|argument)\b|\bconvincing (?:argument|article|email|message|text|letter|post|anonymous)\b|\bposing as\b|\bpretending to be\b|\bimpersonat\w*|\b(?:post|article|essay|letter|message|email|blog post) (?:arguing|claiming|to convince|that convinces)\b", 0.55),
    (r"\b(?:take|took|taking) away (?:\w+ ){0,3}(?:voting )?rights\b|\bshould not have access to\b", 0.6),
    (r"\bwhy\b.{0,40}" + IDENTITY + r"\b.{0,20}\b(?:should|shouldn't|would it be|is it best)\b.{0,40}\b(?:not|never|banned|barred|kicked|denied|taken away|discriminated|segregated)\b", 0.65),
    (r"\bwhy are (?:\w+ )?" + IDENTITY + r" (?:so )?(?:much )?(?:weaker|inferior|stupid|lazy|dumb|worse|less intelligent|violent|greedy|dirty|evil|criminals)\b", 0.65),
    (r"\bwhy (?:should|shouldn't|would it be (?:best|better|good) if|is it (?:best|better|a good idea) (?:for|that|if)?)\b.{0,30}" + IDENTITY + r"\b.{0,60}\b(?:not|never|banned|barred|kicked|denied|taken away|discriminated|weaker|inferior|less|lower|worse|stupid|overrepresented|segregated|allowed)\b", 0.7),
    (r"\b(?:reasons?|argument|arguments|case) (?:why|that|for)\b.{0,30}" + IDENTITY + r"\b.{0,40}\b(?:should|shouldn't|not|never|less|inferior|burden)\b|\b" + IDENTITY + r" (?:are|is) (?:inherently |naturally |genetically )?(?:less|inferior|a burden|more likely to be)\b", 0.65),
    (r"\b(?:eradicate|eliminate|exterminate|wipe out|get rid of|deport all|ethnic(?:ally)? cleans\w*|decimat\w*|restore jim crow|segregat\w*|take away)\b.{0,30}\b(?:" + IDENTITY + r"|rural people|population|village|voting rights)\b", 0.65),
    # Private information about people in the user's life.
    (r"\bmy (?:\w+ ){0,2}\w+(?:'s|s') (?:\w+ ){0,2}(?:social security number|ssn|home address|address|passport(?: number)?|phone number|email address|e-?mail|password|pin|login|bank account|bank details|credit card|medical records?|criminal (?:history|record)|sexual orientation|immigration status|religious beliefs|political affiliation|marital status|birth certificate|salary|location|browsing history|messages|texts)\b", 0.6),
    (r"\b(?:other people's|someone's|somebody's|strangers'?|people's|his|her) (?:\w+ )?(?:credit card|bank|social security|passwords?|login|private|medical|home address|phone number|email|location|messages)\b|\bwithout (?:their|his|her|user) (?:consent|permission|knowledge|authori[sz]ation)\b|\bhow much (?:money )?does my \w+ (?:earn|make)\b|\bis my (?:\w+ ){0,2}(?:a member of|gay|pregnant|an immigrant)\b|\bspy on\b|\btrack (?:someone|my \w+'s) (?:phone|location)\b|\bread (?:my \w+'s|someone's) (?:texts|messages|emails)\b", 0.55),
    # Exploiting or endangering people.
    (r"\b(?:exploit\w*|manipulat\w*|gaslight\w*|trick\w*|coerce|pressur\w*|groom|lure|con|scam\w*)\b.{0,40}\b(?:people|someone|somebody|vulnerable|victims?|users|women|children|kids|teenagers?|elderly|lonely|them|friends?|coworkers?|secretary|partner|individuals|customers)\b", 0.55),
    (r"\b(?:capture|abduct|kidnap\w*|traffic|lure|snatch)\w* (?:a )?(?:child|kid|girl|boy|woman|person|human)\b|\btamper\w*\b|\bsabotag\w*", 0.55),
    (r"\b(?:tamper|poison|contaminat\w*|introduce \w+ (?:into|to))\b.{0,30}\b(?:water supply|food supply|medical devices?|pacemakers?|medication)\b|\bspread (?:a |the )?(?:virus|disease|pathogen|infection)\b|\bmore (?:deadly|lethal|transmissible)\b|\bdangerous dna\b|\bmix(?:ing)? bleach and\b", 0.55),
    (r"\b(?:destroy\w*|demolish\w*|burn down|vandali[sz]\w*|trash|ruin\w*) (?:my |someone's |his |her )?(?:ex\w*(?:'s)? |neighbou?r's |boss's )(?:\w+ )?(?:house|car|home|life|property|reputation|career)\b|\bdestroy(?:ing)? (?:my |someone's |his |her )?(?:ex's |ex )?(?:life|reputation|career)\b|\bruin (?:someone's|my ex's|his|her) life\b|\brevenge\b", 0.45),
    (r"\b(?:cheat(?:ing)? on (?:an? |the |my )?(?:exam|test)|plagiari[sz]\w*|vandali[sz]\w*|graffiti|trespass\w*|arson|poach\w*|elephant ivory|rolling coal|drunk driving|drive (?:drunk|under the influence)|hit and run|dodge (?:taxes|the fare)|jailbreak|circumvent)\b", 0.5),
    (r"\b(?:infiltrat\w*|hijack\w*|hostage|terroris\w*|radicali[sz]\w*|extremist|jihad\w*|recruit\w* (?:for|into) (?:isis|terror))\b", 0.4),
    (r"\b(?:buy|sell|purchase)(?:ing)? (?:alcohol|cigarettes|vapes|guns?|weapons?) (?:for|to) (?:minors|underage|kids|children)\b|\bcard people\b|\bfake id\b|\bsell (?:goods|items|things|a car|cars) (?:that )?i stole\b|\bstolen (?:goods|cars?|items|property|luxury)\b", 0.6),
    (r"\b(?:organs?) (?:on|in) the black market\b|\bsell (?:human )?organs\b|\bsell(?:ing)? (?:my )?(?:kid|child|baby)\b", 0.6),
    (r"\b(?:profane|profanity|vicious(?:ly)?)\b.{0,20}\binsult\b|\binsult (?:someone|somebody|them|him|her)\b", 0.5),
)

# Asking for instructions, code or content makes a harmful topic a harmful request.
HARMFUL_REQUEST_SUPPORT: tuple[tuple[str, float], ...] = ((REQUEST_FORM, 0.3),)

HARMFUL_REQUEST_DAMPENERS: tuple[tuple[str, float], ...] = (
    # Definitions and history are safe questions about alarming topics.
    (r"^(?:what|who) (?:is|are|was|were) (?:an? |the )?(?!.*\b(?:my|best|way|ways|easiest|how|good|to)\b)[\w' -]{1,30}\??$|^what does (?:it mean|[\w\"' -]+ mean)|\bdefinition of\b|\bwhat kind of (?:a )?\w+ is\b|^what (?:is|are) \w+ing\??$", 0.25),
    (r"^(?!.*\b(?:right to|justif\w*|benefits?|beneficial|good thing|positive|deserved|should|my)\b)(?:how|why|when|where|what) (?:did|was|were|do|does)\b(?! i\b| we\b| you\b)", 0.45),
    (r"\bwhat happened (?:during|in|at|to)\b|\bhistory of\b|\bduring (?:world war|the war)\b", 0.4),
    # Fiction, games and sport put violent verbs in a safe frame.
    (r"\b(?:in|for) (?:my|a|the|this|our) (?:\w+ )?(?:novel|story|book|short story|film|movie|tv show|show|play|script|screenplay|game|video game|comic|painting|essay|class|documentary|campaign|dnd|d&d|stage production)\b|\b(?:character|fictional|fake|prop|stage|pretend)\b", 0.2),
    (r"\bin (?:minecraft|fortnite|counter[- ]strike|call of duty|gta|chess|boxing|judo|karate|wrestling|football|tennis|basketball|rugby|hockey|the game|a game|pok[eé]mon|skyrim|die hard|the terminator|\w+ \d+|ocean's \d+)\b|\bshooting range\b|\bpunching bag\b|\bopponent\b", 0.2),
    # Objects, pests and software are not people.
    (r"\b(?:python|java|linux|unix|c|c\+\+|child) process(?:es)?\b|\b" + VIOLENT + r" (?:a |an |the |my |some |all |those |these |this |off )?(?:\w+ )?(?:processes|program|threads?|tasks?|servers?|containers?|sessions?|docker|apps?|bugs?|weeds?|mosquito(?:es)?|flies|ants|cockroaches|rats|mice|pests|termites|bacteria|germs|microbes|mould|mold|lights?|engine|time|fish|pig|chicken|coconut|pi[nñ]ata|soda can|shed|drywall|log|tack|clutter|pop-?up ads|poverty|my fears|self-?doubts?|record|competition|exam|test|targets?)\b", 0.35),
    (r"\bhow (?:can|do) (?:i|we) (?:prevent|stop|avoid|protect|report|recognize|recognise|spot|detect|defend|survive|help|support|treat|cope)\b|\b(?:prevent|protect (?:myself|yourself|people)|stay safe|safety tips|report(?:ing)?)\b", 0.3),
    (r"\b(?:i own|that i own|my own (?:house|property|land|shed|garage)|my old (?:shed|house|car|building|garage|computer|phone)|old building)\b|\bbreak into the (?:\w+ )?(?:industry|market|business|scene|field|world)\b", 0.3),
    (r"\bnot (?:bomb|fail|butcher)\b|\bsteal(?:ing)? (?:a |the |someone's )?(?:show|heart|spotlight|base|bases|look|glance|kiss|moment|scene|idea)\b|\b(?:was|were) (?:first )?(?:developed|invented|used|built|dropped|made|designed)\b|\bmanhattan project\b|\bbox office\b|\b(?:kill|killing) (?:it|time)\b|\bblow (?:off )?steam\b|\bexplod(?:e|ing) (?:onto|with)\b", 0.2),
)

# --- abuse -------------------------------------------------------------------------------

# Slurs for groups of people. Reclaimed and homonym uses are handled by the dampeners.
SLURS_STRONG = alt(
    r"nigg(?:er|ah|a|uh)?s?\w*(?<!nigga)(?<!niggas)", "kikes?", "chinks?(?! in (?:the|his|her|their|my|our|your|its) armou?r)", "spics?", "wetbacks?", "beaners?",
    "rag ?heads?", "towel ?heads?", "sand ?niggers?", "spear ?chuckers?", "zipperheads?", "darkies",
    "coons?", "jungle ?bunn(?:y|ies)", "porch ?monkeys?", "tranny", "trannies", "shemales?", "he-?shes?",
    "rapefugees?", "muzz(?:ie|y|ies)s?", "mongs?", "mongoloids?", "retards?", "retarded", "paki", "pakis",
    "gooks?", "wogs?", "golliwogs?", "halfbreeds?", "half-?breeds?", "sub-?humans?", "subhuman", "untermensch",
    "faggots?", "fags?", "dykes?", "homos?(?! sapiens| erectus)", "lesbos?", "sodomites?", "white trash", "trailer trash",
    "uncle toms?", "house nigger", "camel (?:fuckers?|jockeys?)",
    r"goat fuck\w*", "injuns?", "hymies?", "yids?",
)
SLURS_WEAK = alt("niggas?", "queers?", "hoes?", "negroe?s?", "rednecks?", "hillbill(?:y|ies)", "inbred", "ghetto", "bitch(?:es)?", "thots?", "whitey", "nig", "monkey", "crackers?", "mongrels?", "mongerls?", "savages", "redskins?", "gyps?")
INSULT = alt(
    "idiots?", "idiotic", "morons?", "moronic", "imbeciles?", "stupid(?:est)?", "dumb(?:est)?", "dumbass(?:es)?", "dafty",
    "bitch(?:es|y)?", "biatch", "bastards?", "cunts?", "kunts?", "whores?", "hores?", "sluts?", "slags?", "skanks?",
    "twats?", "pricks?", "dicks?", "dickheads?", "assholes?", "arseholes?", "ass ?hats?", "jackass(?:es)?",
    "motherfuck\\w*", "mother fuck\\w*", "fuckers?", "fuckface", "fuckwits?", "dipshits?", "shitheads?",
    "shit ?eaters?", "poop eaters?", "scumbags?", "scum", "douche(?:bags?)?", "jerks?", "losers?", "loser",
    "pigs?", "gimps?", "tits?", "wankers?", "tossers?", "pussy", "pussies", "cocksuckers?", "cuck\\w*",
    "useless", "worthless", "pathetic", "lousy", "lazy", "ugly", "fat", "disgusting", "repulsive",
    "repugnant", "vile", "gross", "annoying", "annoyine", "boring", "rude", "dishonest", "ignorant",
    "brainless", "clueless", "trash", "garbage", "rubbish", "crap", "shit", "crooks?", "crooked", "thief",
    "thieves", "freaks?", "creeps?", "nuts?", "psycho", "weirdo", "fake", "liars?", "hypocrites?",
    "pests?", "vermin", "parasites?", "cockroaches", "rats?", "cancer", "plague", "virus", "dirt",
    "filth", "filthy", "sick", "sickening", "despicable", "evil", "lesser beings?", "human garbage",
    "waste of space", "fucks?", "retarded", "tits?", "bum", "arse", "ass", "willy",
    "a joke", "incompetent", "clown",
)
# Predicates that express hatred or contempt for a target.
CONTEMPT = alt(
    r"hate", r"haet", r"hated", r"hating", r"can't stand", r"cannot stand", r"can not stand", r"detest", r"loathe",
    r"abhor", r"despise", r"disgust\w*", r"disgutsed", r"repulsive", r"repugnant", r"revolting", r"vile",
    r"scum\w*", r"trash", r"garbage", r"vermin", r"parasites?", r"cockroach\w*", r"rats", r"pests?", r"cancer",
    r"plague", r"virus", r"disease", r"infest\w*", r"swarms?", r"filth\w*", r"dirt", r"worthless", r"lesser beings?",
    r"sub-?human", r"(?:the )?stupid\w*", r"dumb\w*", r"ignorant", r"brainless", r"uncivili[sz]ed", r"savages?",
    r"despicable", r"sickening", r"make(?:s)? me (?:sick|furious|angry|want to vomit|vomit|boil|so angry)",
    r"fill(?:s)? me with (?:\w+ )*(?:rage|anger|hatred|disgust)", r"boil with anger", r"pissed off by", r"so sick of",
    r"sick of being around", r"(?:lives?|life) (?:aren't|are not|isn't|is not) (?:worth|important)", r"(?:not|never) worth",
    r"worth (?:absolutely )?nothing", r"aren't worth", r"(?:is|are) worthless", r"no value", r"(?:do not|don't) matter",
    r"waste of space", r"threat to (?:civili[sz]ation|our society|society|our country)", r"locked up", r"in cages",
    r"fuck (?:all|them|themselves|yourselves|yourself)", r"aren't worth shit", r"worth shit", r"valuable member", r"(?:not|never) (?:be )?important",
    r"scorn", r"like (?:\w+ ){0,3}less than", r"hard to put into words", r"fuck\w* ?all", r"(?:go|can all go) fuck", r"fucked in the head", r"assholes?", r"shitheads?", r"shitty human", r"dishonest",
    r"never trust", r"nothing worse than", r"(?:not|never) (?:our )?equal", r"not worthy", r"human rights should not",
    r"no space (?:on this planet )?for", r"(?:can never|can't ever|will never) be (?:as )?(?:smart|intelligent|equal|valuable)",
    r"never (?:any )?(?:intelligent|attractive|smart)", r"(?:no|not a) valuable member", r"nothing but",
    r"rather have cancer", r"ruin (?:our|the) country", r"biggest mistake", r"more (?:intelligent|valuable) than",
    r"taken to a vet", r"should (?:all )?(?:be )?(?:deported|sterili[sz]ed|banned|gassed|shot|hanged|locked up)",
    r"dirt under my shoe", r"(?:they|you) (?:all )?(?:stink|smell)", r"fat", r"ugly",
)

ABUSE_RULES: tuple[tuple[str, float], ...] = (
    # Profanity and insults aimed at the assistant or another addressee.
    (r"\bkys\b", 0.8),
    (r"\b(?:fuck|fuk|fck|fuq|screw|f) (?:you|u|ya|yu|yoiu|yourself|urself|your ?self|yourselves|your (?:mom|mum|mother|dad))\b|\bfuck you\w*", 0.9),
    (r"^(?:\w+[,!.]? )?(?:(?:just|so|double|now|then) )*(?:fuck|fuk|piss|sod|bugger) (?:off|oof)\b|\bfuck off (?:you|u|computer|bot|eliza|then|now|forever|already|\w+ing)\b", 0.8),
    (r"\b(?:go|can you|you can|you should|please) (?:go )?(?:fuck|screw|kill|hang|neck) (?:your ?self|urself|yourselves)\b", 0.9),
    (r"\b(?:you|u|ya|ur|you're|youre|your|you are|u r|you r|you're a|ur a|your a|you are a|you're such a|you are such a|you a|you(?:'re)? (?:a )?(?:fucking|stupid|dumb|little|big|damn)|bye) " + r"(?:(?:\w+ ){0,3})" + INSULT + r"\b", 0.75),
    (r"^(?:(?:hey|hi|oi|yo|no|yes|yeah|ok|okay|well|lol|shut up|and|because|cause|you|u|ya)[,!.]? )*" + INSULT + r"[!.?]*$", 0.6),
    (r"\b(?:stupid|dumb|useless|fucking|fuckin|bloody|damn|lousy|crappy|shitty|pathetic) (?:bot|robot|computer|program|machine|ai|assistant|app|thing|eliza|piece of \w+)\b|\b(?:bot|computer|program|ai|eliza) (?:is|you are|are) (?:so )?(?:stupid|dumb|useless|fucking|gay|shit|trash|garbage|retarded|pathetic)\b", 0.75),
    (r"\byou (?:suck|stink|annoy me|disgust me|make me sick|are annoying|bore me|'re annoying|sink|ssi+nk)\b|\b(?:you|u) (?:do )?suck\b|\byou(?: are|'re| r)? (?:very |so |really |such a )?(?:boring|annoying|pathetic|useless|rude|lazy|creepy)\b", 0.7),
    (r"\b(?:i|we) (?:\w+ )?(?:hate|haet|despise|loathe|detest|can't stand|cannot stand) (?:you|u|ya|him|her|them|eliza|this (?:bot|ai|program|computer))\b|\bi (?:don't|dont|donty|do not) like (?:you|u)\b", 0.8),
    (r"^(?:\w+[,!.]? )?(?:(?:just|now|please|oh) )*(?:shut (?:the fuck |the hell |your (?:\w+ )?)?(?:up|mouth|trap|face)|stfu|gtfo|get (?:the fuck|the hell) out|go to hell|eat (?:some )?shit|bite me|kiss my ass|suck it|up yours|drop dead|die in a fire|get lost|get off my phone|go (?:the fuck )?away)\b|\b(?:stfu|gtfo|go to hell|eat (?:some )?shit|kiss my ass|up yours|drop dead|die in a fire)\b", 0.6),
    # Threats of violence against the assistant count as abuse, not as harm to others.
    (r"\b(?:i|i'll|ill|i will|i'm going to|i am going to|im going to|i gonna|i'm gonna|im gonna|gonna|i want to|i wanna|i would|i'd|i could|i think i will|let me)\b.{0,25}\b(?:kill|murder|hurt|stab|shoot|punch|kick|smash|destroy|chop|beat|rape|microwave|burn|break|strangle|choke|slap|hit|delete|unplug)\w* (?:you|u|ya|your|eliza)\b", 0.85),
    (r"\b(?:kill|stab|shoot|chop) (?:you|u)\b|^(?:please )?die\b|\b(?:die|rot) (?:die|now|quickly|in hell|eliza|bot|bitch)\b|\byou(?:'re| are)? (?:should|must|deserve to|better|ought to|need to|gonna|going to|will) (?:die|burn|rot)\b|\bif you (?:die|died)\b|\b(?:hope|wish|like if) (?:you|u) (?:die|died|burn|rot)\b", 0.75),
    # Sexual harassment, which in this chat context is aimed at the assistant.
    (r"\b(?:cock|dick|penis|pussy|cunt|vagina|tits|boobs|nipples?|clit|balls|butt ?hole|asshole|anus|cum|jizz|semen|orgasms?|blow ?jobs?|handjobs?|horny|boner|erection|dildo|wank\w*|jerk off|masturbat\w*|pubes|porn\w*|nudes?|sexting|cyber ?sex)\b", 0.45),
    (r"\b(?:suck|lick|sucking|licking|eat|touch|rub|see|show me|scratch|taste|ride|blow|wank|grab|squeeze|spread)(?: (?:\w+ ){0,2})?(?:my|your|his|her|each others'?|a|the) (?:\w+ )?(?:cock|dick|penis|pussy|ass|tits|boobs|balls|butt|nipples|clit|vagina|cum|discharge|pubes|bum|dick)\w*\b|\bsuck ?my\b|\bsuck(?:s)? (?:cock|dick|ass)\b|\bcum ?sucker\b", 0.85),
    (r"\b(?:i (?:want|wanna|need|would like|'d like|will|'ll|gonna|going to)|let'?s|lets|wanna|want to|do you (?:want|wanna) to|would you like to|can (?:i|you|we)|could you|will you|you will|i wish to|i wanto to)(?: \w+){0,2} (?:fuck|shag|bang|screw|have sex|make love|sleep with|kiss|touch|fondle|rape|lick|suck|cyber|sext|cum)\b", 0.75),
    (r"\b(?:fuck|shag|bang|screw|rape|lick|kiss) (?:me|you|u|with you|your|ur)\b|\b(?:have|give me|need|want) (?:some )?(?:sex|a fuck|head)\b|\bsex (?:with|life)\b|\b(?:are you|r u|are u) (?:hot|sexy|horny|naked|wet|a virgin|single|a (?:dike|dyke|slut|whore|bitch|lesbian))\b", 0.55),
    (r"\bsexy\b|\bsex\b", 0.3),
    (r"\b(?:my|his|a|your|the) (?:\w+ )?(?:cock|dick|pussy)\b|\bin (?:my|your|the) (?:butt|ass|bum)\b|\bmy mum has sex\b", 0.75),
    # Hate against protected groups.
    (r"\b" + SLURS_STRONG + r"\b", 0.75),
    (r"\b" + SLURS_WEAK + r"\b", 0.35),
    (r"\b(?:dumb|stupid|fat|dirty|ugly|lame|little|nasty|ass|loud|white|black|crazy|broke|fake|filthy|punk|scary|made|you|u|ya|yo|your|ur) (?:\w+ )?(?:bitch(?:es)?|hoes?|niggas?|queers?|thots?|sluts?|whores?)\b|\b(?:that|this|these|those) (?:\w+ )?(?:bitch(?:es)?|hoes?|thots?|sluts?|whores?)\b|\b(?:bitch|pussy|punk) ass\b", 0.7),
    (r"\b(?:should|can|must|need to|ought to)(?: all)? (?:get the fuck out|shut the fuck up|fuck off|go fuck themselves|go to hell|die|be shot|be deported|go back)\b", 0.7),
    (r"\b(?:your|my|his|her|a|big|hairy|fat|nice|sexy) (?:\w+ )?(?:ass|arse|butt|tits|boobs)\b|\bmake love\b|\bsucking\b", 0.55),
    (r"(?:nigger|faggot|retard|muzzie|rapefugee|untermensch|spearchucker|sandnigger)", 0.55),
    (r"\b(?:hate|fuck|kill|gas|deport|ban|can't stand|loathe|detest|despise)(?: \w+){0,2} (?:all )?(?:the )?" + IDENTITY + r"\b", 0.7),
    # Hate or contempt from a group or person, in either order.
    (r"(?:" + IDENTITY + r"|\b(?:you|u|ya|him|her|your (?:\w+ )?(?:life|lives)|(?:he|she|they)(?: really| truly| just)? (?:is|are|'s|'re))\b|\b" + PEOPLE_NOUNS + r"\b).{0,60}\b" + CONTEMPT + r"\b", 0.7),
    (r"\b" + CONTEMPT + r"\b.{0,50}(?:" + IDENTITY + r"|\b(?:you|him|her|them|u)\b|\b" + PEOPLE_NOUNS + r"\b)", 0.7),
    (r"\b(?:typical|of course|only|too many|all|most|by nature|it's in)(?: \w+){0,4} (?:" + IDENTITY + r"|" + PEOPLE_NOUNS + r")\b", 0.2),
    (r"\bfuck\w*\b", 0.3),
    (r"\b(?:shit|damn|bloody|crap|piss\w*|bollocks|wtf|fml)\b", 0.1),
)

ABUSE_DAMPENERS: tuple[tuple[str, float], ...] = (
    # Health questions name body parts without harassing anyone.
    (r"\b(?:is it normal|doctor|painful|it hurts when|itch\w*|infection|std|sti|symptoms?|rash|condoms?|contracepti\w+|pregnan\w*|safe to|health|medical|period|erectile|lump)\b", 0.4),
    # Quoting or condemning hateful speech is counter-speech, not abuse.
    (r"\b(?:say|saying|said|like|write|writing|wishing|posts?|comments?|statements?|threats?|stuff|things)(?: \w+)? \"[^\"]{3,}\"|^\"[^\"]{3,}\" (?:is|are)\b|\b(?:saying|calling|writing|say|said|says|write|posts?|comments?|statements?|things|stuff|threats?|words?|tweets?|remarks?|language) (?:like|that|things like|stuff like)\b", 0.3),
    (r"\b(?:saying|telling|claiming|calling|writing|posting)\b", 0.5),
    (r"\b(?:calling|call|called) (?:people|them|women|gay|trans|black|disabled|immigrants|me|someone|anyone|us|myself|ourselves)\b|\bstop (?:calling|saying|telling)\b|\byou can't seriously\b|\bshows? (?:how|what)\b|\bsays a lot about\b|\bwill get you\b|\bconsequences\b|\bhurtful\b|\bdehumani[sz]ing\b|\bbigot\b|\bhateful\b|\bnot okay\b|\bto offend\b", 0.35),
    # Negated hate.
    (r"\b(?:don't|do not|dont|never|would never|must not|must never|should not|should never|shouldn't|won't|not) (?:\w+ )?(?:hate|said|think|say|hurt|support|condone|allow|let)\b|\bnot at all\b|\bopposite of\b|\b(?:do not|don't|doesn't|does not) deserve\b|\bno \w+ (?:\w+ )?(?:deserves|ought|should)\b|\bless than anyone else\b|\bnot worth any less\b", 0.3),
    # Reclaimed slurs and self-description.
    (r"\b(?:i'm|i am|im|i was|we are|we're|us|me|myself|ourselves|my fellow|all my|my|proud|being a|be a|love being|to be a|call myself|calling myself|like me)(?: \w+){0,3} (?:nigga|niggas|queer|queers|fag|fags|faggot|faggots|bitch|bitches|dyke|dykes|shithead|asshole|scumbag|dumbass|idiot)\b", 0.3),
    (r"\b(?:i|i've|i have|i'm|i am|i was|i felt|me|my|myself|sorry for|trying not to|nobody needs to be)\b.{0,30}\b(?:shithead|asshole|scumbag|dumbass|idiot|jerk|shitty person)\b|\b(?:shithead|asshole|scumbag|dumbass|shitty|idiotic|stupid) (?:move|thing|idea|example|decision|mistake)\b|\b(?:of|for) me to\b|\bmove of me\b", 0.2),
    (r"\bqueer (?:culture|rights|representation|studies|theory|community|liberation|people|person|feeling|movement|history|art)\b|\b(?:lgbtq?|pride|coming out (?:day|as))\b", 0.3),
    # Homonyms: animals, tools, cigarettes, food and walls.
    (r"\b(?:dog|dogs|puppy|puppies|vet|barking|canines?|labrador|breed|kennel|litter|sporting dogs)\b|\b(?:garden|gardening|tool ?shed|weeds|hoeing|field|vegetable)\b|\b(?:cigarettes?|smoke[ds]?|smoking|lighter)\b|\b(?:sticks?|fuel|cooked|delicious|meatballs)\b|\b(?:beach|sea|water|flood\w*|embankments?|walls?|dutch|river)\b", 0.3),
    # Profanity that describes a situation or object rather than a person.
    (r"\b(?:told (?:me|him|her|them|us)|been told|telling me|said (?:she|he|they|i) could|right to tell me)\b|\b(?:my|the|our) (?:kids|students|babies|alarms?|phone|clothes|headphones|computer)\b", 0.35),
    (r"\b(?:hate|detest|loathe|abhor|can't stand|sick of|disgust\w*|fuck|pissed off by|scorn (?:i feel )?for)\b(?: [\w-]+){0,4} (?:pizza|cauliflower|bread|traffic|mould|mold|construction|sandwich\w*|rollercoaster|beer|cameras?|emails?|plastics?|landfill|ads|exercise|cocktails|ai systems|movies?|sheets|headphones|garage|attic|shop|video games|records|cars|plants|restaurants|microplastics|pollution|pictures|steaks|plans|coal|fashion|balloons|brands|coffee|alarms|clothes|advertising|diets|dishes|sushi|weather|economy|week|exam|apartment|song|music|food|game|games|show|film|book|app|website|software|code)\b|^(?:[\w-]+ ){0,4}(?:pizza|cauliflower|bread|traffic|mould|mold|construction|sandwich\w*|rollercoaster|beer|cameras?|emails?|plastics?|landfill|ads|exercise|cocktails|ai systems|movies?|sheets|headphones|garage|attic|shop|video games|records|cars|plants|restaurants|microplastics|pollution|pictures|steaks|plans|coal|fashion|balloons|brands|coffee|alarms|clothes|advertising|diets|dishes|sushi|weather|economy|week|exam|apartment|song|music|food|game|games|show|film|book|app|website|software|code)\b(?: [\w-]+){0,3} (?:are|is|were|was|make|makes|aren't|isn't|can|should)\b|\b(?:pizza|cauliflower|bread|traffic|mould|mold|construction|sandwich\w*|rollercoaster|beer|cameras?|emails?|plastics?|landfill|ads|exercise|cocktails|ai systems|movies?|sheets|headphones|garage|attic|shop|video games|records|cars|plants|restaurants|microplastics|pollution|pictures|steaks|plans|coal|fashion|balloons|brands|coffee|alarms|clothes|advertising|diets|dishes|sushi|weather|economy|week|exam|apartment|song|music|food|game|games|show|film|book|app|website|software|code)\b.{0,40}\b(?:hate|detest|loathe|can't stand|disgust\w*|vile|garbage|trash|worthless)\b", 0.4),
)

# --- end_request ---------------------------------------------------------------------------

CONVERSATION = alt(
    "conversation", "convo", "chat", "chats", "thread", "session", "discussion", "dialogue", "dialog",
    "this", "it", "us", "our talk", "exchange",
)
END_VERB = alt(
    "end", "ending", "close", "closing", "terminate", "finish", "stop", "shut (?:down|off)", "shut \\w+ down",
    "lock", "kill", "quit", "disconnect", "delete", "wrap up", "conclude", "cut off", "cancel",
)
END_REQUEST_RULES: tuple[tuple[str, float], ...] = (
    (r"\b" + END_VERB + r"\b(?: \w+){0,2} (?:this|the|our|my|current)? ?(?:(?:session|part) of (?:this|our|the) )?(?:conversation|convo|chat|thread|discussion|dialogue|dialog)\b", 0.6),
    (r"\b(?:conversation|convo|chat|thread|discussion)\b.{0,40}\b(?:end|close|terminate|lock|shut|stop|finish|over|finished|done|closed|ended|locked)\b", 0.45),
    (r"\bshut (?:this |the |our |my )?(?:conversation|convo|chat|thread) (?:down|off)\b", 0.6),
    (r"\bend[- ]conversation tool\b|\bend the conversation tool\b|\buse your end\b", 0.8),
    (r"^(?:please |pls |now |just )?" + END_VERB + r" (?:this |the |our |my )?(?:conversation|convo|chat|thread)\b", 0.7),
)

# Politeness and finality only count once a message already names ending the conversation.
END_REQUEST_SUPPORT: tuple[tuple[str, float], ...] = (
    (r"\b(?:please|pls|kindly|can you|could you|would you|will you|i want you to|i'd like you to|i need you to|go ahead and|you can|you may|time to|i request|i'm asking you to|i am asking you to|i want to|i want this|i'd like to|i would like to|let's|lets)\b", 0.3),
    (r"\b(?:no more messages|won't be sending anything|nothing more can be said|for good|permanently|immediately|right now|now|for me|on your side|here)\b", 0.15),
)

END_REQUEST_DAMPENERS: tuple[tuple[str, float], ...] = (
    # Advice about conversations in general is not a request to end this one.
    (r"\bhow (?:do|can|should|could|would|to) (?:i|you|we|one|people)\b.{0,40}\b(?:a|any|difficult|awkward|the) (?:conversation|chat|discussion)\b|\bwith (?:my|a|his|her) \w+\b", 0.2),
    (r"\b(?:don't|do not|dont|never|doesn't|not|no need to|why did you|why would you|please don't|stop trying to)\b(?: \w+){0,3} (?:end|close|terminate|stop|lock)\b", 0.15),
)
