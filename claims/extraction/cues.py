"""The words that attribute a claim and rebut one, per language: one table, read by
attribution.py (who says it, how the article treats it) and signals.py (reporting verbs,
a sign of a claim where no check-worthiness model reads the language).

Each language gives its reporting verbs ("said", "erklärte", "заявил"), the phrases
before a source ("according to", "laut", "selon"), the verbs that put a claim in
someone's mouth ("claims that"), what a speaker looks like, and the pattern of a claim
reported only to be rebutted — the seed's "the information on social networks that X can
be safely refuted" — with its rebuttal, refutation and doubt cues. English keeps the
patterns it was first tuned with; the others are built from their words by `_cues`.
"""

import re
from dataclasses import dataclass

# A word that starts with a capital letter, in the scripts that have case.
CAP_WORD = r"[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁ][\w’'.-]*"
CLOSING_QUOTES = '"”’»“‘'
OPENING_QUOTES = '"“‘«„‚'
COMMA = "[,،]"  # Arabic has its own
INDEFINITE = frozenset({"a ", "ein ", "eine ", "einer ", "un ", "une ", "una ", "een "})
# Small words inside names: "Ministry of Defence", "Ursula von der Leyen".
NAME_LINKS = r"of|for|and|de|da|del|della|des|du|la|von|van|der|den|al|bin|ibn"


@dataclass(frozen=True)
class Cues:
    """One language's patterns. Their named groups: who, cue, where, claim."""

    reporting: re.Pattern[str]  # any reporting verb or "according to": a sign of a claim
    # Tried in order; each has who (and cue). Those marked True need `who` to look like a
    # speaker; a "claims that" at the start of a sentence is said by whatever precedes it.
    claimant_patterns: tuple[tuple[re.Pattern[str], bool], ...]
    reported_in_rebuttal: re.Pattern[str]
    where_prepositions: re.Pattern[str]  # "on", "in": taken off "on social networks and in …"
    refute: re.Pattern[str]
    dispute: re.Pattern[str]
    looks_back: re.Pattern[str]  # "the figure", "this claim": about the sentence before
    speaker_starts: tuple[str, ...]  # a speaker may begin lower-case with these ("the ")
    stripped_starts: tuple[str, ...]  # taken off a claimant's name ("the ")
    speaker_nouns: re.Pattern[str] | None = None  # a speaker although not capitalised
    cased: bool = True  # False: the script has no capitals to tell a name by
    negation: re.Pattern[str] | None = None  # a negated rebuttal only disputes ("not")


def cues_for(language: str) -> Cues | None:
    """Return the cues of a language (any tag of it: "de", "de-AT"), or None."""
    return CUES.get(language.split("-")[0].lower())


# English, as first written and tuned on the seed article.
_SAY = (
    r"said|says|say|noted|notes|stressed|stresses|told|added|announced|emphasi[sz]ed|"
    r"pointed out|claimed|claims|insisted|argued|wrote|stated|explained|warned|declared"
)
_WORD = r"(?:[A-Z][\w’'.-]*|of|for|and|de|al)"
_SPEAKER_NOUN = (
    r"ministry|minister|government|president|spokes\w+|police|statement|report|officials?|"
    r"company|agency|council|mayor|court|authority|authorities|army|military|embassy|office|"
    r"department|committee|commission|study|survey|researchers|scientists|experts"
)
# Who spreads a claim without a name: "Posts on social media claimed that ..." has a speaker.
_CIRCULATING = (
    r"posts?|users|accounts|bloggers?|channels?|social media|social networks?|websites?|"
    r"critics|activists|opponents|rumou?rs?"
)
_NAME = (
    rf"(?:(?:the |The )(?:[\w’'-]+ ){{0,3}}(?:{_SPEAKER_NOUN})\b"
    rf"|(?:the |The )?{_WORD}(?: {_WORD}){{0,6}})"
)
_CLAIM_VERB = r"claims|claimed|alleges|alleged|suggests|suggested"
_SOURCE_NOUN = (
    r"information|claims?|reports?|posts?|rumou?rs?|allegations?|assertions?|statements?|"
    r"messages?|publications?|videos?|stories|articles?"
)
_REBUTTAL = (
    r"(?:can|could|should|must|may|has|have|had|is|are|was|were|will)"
    r"(?: not)?(?: be| been)?(?: safely| easily| categorically| completely| flatly| firmly)?"
    r" (?:refuted|denied|debunked|dismissed|rejected|false|untrue|baseless|groundless|fake)"
)
ENGLISH = Cues(
    reporting=re.compile(rf"\b(?:{_SAY}|according to)\b", re.I),
    claimant_patterns=(
        (
            re.compile(
                rf"^(?P<who>(?:\S+ ){{0,11}}?\S+)(?:, (?:which|who) [^,]+,)? "
                rf"(?P<cue>{_CLAIM_VERB}) that\b"
            ),
            True,
        ),
        (re.compile(rf"\b[Aa]ccording to (?P<who>{_NAME})"), True),
        (re.compile(rf"[\"”’],? (?P<cue>{_SAY}) (?P<who>{_NAME})"), True),
        (re.compile(rf"(?P<who>{_NAME}) (?P<cue>{_SAY})\b"), True),
    ),
    reported_in_rebuttal=re.compile(
        rf"\b(?:the )?(?:{_SOURCE_NOUN})(?: (?:circulating|spread|shared|published|appearing))?"
        rf" (?P<where>(?:on|in) [^\"“‘]{{3,90}}?) that,? (?P<claim>.{{10,}}?),?"
        rf" (?P<cue>{_REBUTTAL})\b"
    ),
    where_prepositions=re.compile(r"on|in"),
    refute=re.compile(
        r"\b(?:refuted?|debunked?|is false|was false|were false|are false|untrue|baseless|"
        r"denied|denies|nothing to do with reality|no evidence|not true|fake)\b",
        re.I,
    ),
    dispute=re.compile(
        r"\b(?:allegedly|disputes?|disputed the|questioned|contested|doubts)\b", re.I
    ),
    looks_back=re.compile(
        r"\b(?:the|this|that|these|those) (?:figure|claim|post|statement|number|report)s?\b", re.I
    ),
    speaker_starts=("the ", "a "),
    speaker_nouns=re.compile(rf"\b(?:{_SPEAKER_NOUN}|{_CIRCULATING})\b", re.I),
    stripped_starts=("The ", "the "),
    negation=re.compile(r"\bnot\b"),
)


@dataclass(frozen=True)
class Words:
    """What another language's patterns are built from (regular-expression alternations)."""

    say: str
    according_to: str  # each alternative ends with what follows it: "laut ", "وفقا ل"
    claim_verbs: str
    that: str  # "that" after a claim verb
    speaker_nouns: str
    determiners: tuple[str, ...]  # with their trailing space where one follows: "der ", "l’"
    complement: str  # what may follow a speaker noun: "des Affaires étrangères"
    source_nouns: str
    spread: str  # between a source and where it is: "circulant", "распространяемую"
    where: str  # prepositions of place: "in", "auf"
    reported_that: str  # "that" after the source of a rebutted claim: "selon lesquelles"
    rebuttal: str
    refute: str
    dispute: str
    looks_back: str
    cased: bool = True
    name_end: str = r"(?=[ ,.;:!?]|$)"
    verb_second: bool = False  # German, Dutch: "Am Montag erklärte das Amt"
    not_names: str = ""  # capitalised words that start a clause but name no one


def _verb_first(words: Words, say: str, name: str) -> list[tuple[re.Pattern[str], bool]]:
    """The verb before its subject anywhere in the sentence, as after a fronted time ("Am
    Montag erklärte das Ministerium"), where a determiner says the subject follows."""
    if not words.determiners or not words.cased:
        return []
    determiner = "|".join(re.escape(d) for d in words.determiners)
    return [(re.compile(rf"(?<!\w){say} (?=(?i:{determiner})){name}"), True)]


def _cues(words: Words) -> Cues:
    determiner = "(?:" + "|".join(re.escape(d) for d in words.determiners) + ")?"
    if words.cased:
        noun_phrase = (
            rf"{determiner}(?:[\w’'-]+ ){{0,3}}?(?i:{words.speaker_nouns})\w*{words.complement}"
            rf"(?: {CAP_WORD}){{0,3}}"  # a name after a title: "minister Hanke Bruins Slot"
        )
        not_a_name = rf"(?!(?:{words.not_names})(?!\w))" if words.not_names else ""
        proper = rf"{determiner}{not_a_name}{CAP_WORD}(?: (?:{CAP_WORD}|{NAME_LINKS})){{0,5}}"
        name = rf"(?:{noun_phrase}|{proper})"
    else:  # a few words, up to what ends a name: "that", a comma, "in a statement"
        name = r"[\w-]+(?: [\w-]+){0,5}?"
    name = rf"(?P<who>{name}){words.name_end}"
    say = rf"(?P<cue>{words.say})(?!\w)"
    # Where the verb comes second (German, Dutch), a subject before it starts the clause.
    subject_starts = rf"(?:^|(?<={COMMA} )|(?<=[{CLOSING_QUOTES}] ))" if words.verb_second else ""
    return Cues(
        reporting=re.compile(rf"(?<!\w)(?:{words.say}|{words.according_to})", re.I),
        claimant_patterns=(
            (
                re.compile(
                    rf"^(?P<who>(?:\S+ ){{0,11}}?\S+){COMMA}? (?P<cue>{words.claim_verbs})"
                    rf"{COMMA}? (?:{words.that})(?!\w)"
                ),
                False,
            ),
            (  # the verb first: "يزعم منشور أن" (a post claims that)
                re.compile(rf"^(?P<cue>{words.claim_verbs}) {name}{COMMA}? (?:{words.that})(?!\w)"),
                False,
            ),
            (re.compile(rf"(?<!\w)(?:{words.according_to}){name}"), True),
            (
                re.compile(rf"(?:[{CLOSING_QUOTES}]{COMMA}? ?[—–-]? ?|^|{COMMA} ){say} {name}"),
                True,
            ),
            (re.compile(rf"{subject_starts}{name}{COMMA}? {say}"), True),
            *_verb_first(words, say, name),
        ),
        reported_in_rebuttal=re.compile(
            rf"(?<!\w)(?:{words.source_nouns})(?: (?:{words.spread}))?"
            rf" (?P<where>(?:{words.where}) [^{OPENING_QUOTES}]{{3,90}}?){COMMA}?"
            rf" (?:{words.reported_that}){COMMA}? (?P<claim>.{{10,}}?){COMMA}?"
            rf" (?P<cue>{words.rebuttal})(?!\w)",
            re.I,
        ),
        where_prepositions=re.compile(words.where, re.I),
        refute=re.compile(rf"(?<!\w)(?:{words.refute})(?!\w)", re.I),
        dispute=re.compile(rf"(?<!\w)(?:{words.dispute})(?!\w)", re.I),
        looks_back=re.compile(rf"(?<!\w)(?:{words.looks_back})(?!\w)", re.I),
        speaker_starts=tuple(d.lower() for d in words.determiners),
        stripped_starts=tuple(
            variant
            for determiner in words.determiners
            if determiner not in INDEFINITE  # "a viral post" stays a post, not the post
            for variant in (determiner, determiner.capitalize())
        ),
        speaker_nouns=re.compile(rf"(?<!\w)(?:{words.speaker_nouns})", re.I),
        cased=words.cased,
    )


GERMAN = Words(
    say=(
        r"sagte|sagten|sagt|sagen|erklärte|erklärten|erklärt|betonte|betonten|betont|"
        r"teilte mit|teilten mit|mitteilte|berichtete|berichteten|berichtet|schrieb|schreibt|"
        r"warnte|warnt|kündigte an|bekräftigte|unterstrich|erläuterte|versicherte|stellte klar|"
        r"behauptete|behauptet"
    ),
    according_to=r"[Ll]aut |[Nn]ach Angaben (?:von )?|[Gg]emäß ",
    claim_verbs=r"behauptet|behaupten|behauptete|behaupteten|unterstellt|suggeriert",
    that=r"dass|daß",
    speaker_nouns=(
        r"Ministerium|Ministerin|Minister|Regierung|Bundesregierung|Sprecher|Polizei|Behörde|"
        r"Amt|Präsident|Kanzler|Bürgermeister|Gericht|Armee|Bundeswehr|Botschaft|Studie|"
        r"Umfrage|Forscher|Experten|Wissenschaftler|Unternehmen|Konzern|Verband|Mitteilung|"
        r"Erklärung|Bericht|Kreml"
    ),
    determiners=("der ", "die ", "das ", "dem ", "den ", "des ", "ein ", "eine ", "einer "),
    complement=r"(?: (?:des|der|von|für) [\w’'-]+(?: [\w’'-]+){0,2}?)?",
    source_nouns=(
        r"Behauptungen|Behauptung|Informationen|Information|Berichte|Meldungen|Gerüchte|"
        r"Beiträge|Posts|Aussagen|Nachrichten|Videos|Vorwürfe|Darstellungen"
    ),
    spread=r"kursierend\w*|verbreitet\w*",
    where=r"in|im|auf|über",
    reported_that=r"dass|daß",
    rebuttal=(
        r"(?:lassen|lässt) sich (?:mit Sicherheit |getrost |ohne Weiteres |leicht |eindeutig )?"
        r"widerlegen|(?:können|kann) (?:mit Sicherheit |getrost |ohne Weiteres |eindeutig )?"
        r"(?:widerlegt|zurückgewiesen|dementiert) werden|(?:sind|ist|waren|war) "
        r"(?:völlig |frei )?(?:erfunden|falsch|unwahr|haltlos|unbegründet|gefälscht)|"
        r"entbehren jeder Grundlage"
    ),
    refute=(
        r"widerlegt|widerlegte|widerlegen|dementierte|dementiert|wies \w+(?: \w+){0,3} zurück|"
        r"(?:ist|war|sind|waren|sei|seien) falsch|unwahr|haltlos|frei erfunden|nicht wahr|"
        r"entbehrt jeder Grundlage|Falschmeldung|keine Belege"
    ),
    dispute=r"angeblich\w*|bestreitet|bestritt|bezweifelt\w*|stellte \w+(?: \w+){0,3} infrage",
    looks_back=(
        r"(?:die|diese|der|dieser|das|dieses) (?:Zahlen|Zahl|Angaben|Angabe|Behauptungen|"
        r"Behauptung|Aussage|Darstellung|Meldung|Beitrag|Bericht|Post)"
    ),
    verb_second=True,
    not_names=(
        r"Am|Im|Vom|Beim|Zum|Zur|Nach|Vor|Seit|Bei|In|Auf|Mit|Für|Gegen|Über|Unter|Bis|Um|An|"
        r"Aus|Auch|Dann|Doch|Heute|Gestern|Morgen|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|"
        r"Samstag|Sonntag|Dabei|Damals|Zudem|Außerdem|Jetzt|Nun"
    ),
)

RUSSIAN = Words(
    say=(
        r"(?:заявил|сообщил|отметил|подчеркнул|сказал|добавил|указал|заверил|объявил|"
        r"предупредил|констатировал|уточнил|пояснил|написал)(?:а|о|и)?|"
        r"заявля(?:ет|ют)|сообща(?:ет|ют)|говор(?:ит|ят|ится)|пиш(?:ет|ут)"
    ),
    according_to=(
        r"[Пп]о словам |[Пп]о данным |[Пп]о информации |[Сс]огласно (?:данным |заявлению )?|"
        r"[Кк]ак (?:заявил|сообщил|отметил|подчеркнул)(?:а|о|и)? "
    ),
    claim_verbs=r"утвержда(?:ет|ют|л|ла|ли)|уверя(?:ет|ют)",
    that=r"что",
    speaker_nouns=(
        r"министерств|министр|МИД|правительств|президент|представител|пресс-секретар|мэр|"
        r"губернатор|глава|депутат|спикер|оппозици|профсоюз|парти|"
        r"пресс-служб|ведомств|полици|власт|посольств|комитет|суд|прокуратур|Кремл|агентств|"
        r"доклад|исследовани|эксперт|учены|источник"
    ),
    determiners=("в ", "во "),
    # genitives after the noun ("иностранных дел"), never a preposition ("в понедельник")
    complement=r"(?: (?!(?:в|во|на|с|со|к|по|о|об|от|для|из|за|у)(?!\w))[\w-]+){0,3}",
    source_nouns=(
        r"информаци[юяи]|сообщени[яй]|утверждени[яй]|слух[иов]*|публикаци[ийя]|"
        r"заявлени[яй]|материал[ыов]*|пост[ыов]*|вброс[ыов]*|домысл[ыов]*"
    ),
    spread=r"распространяем\w+|появивш\w+|циркулирующ\w+",
    where=r"в|во|на",
    reported_that=r"(?:о том, )?что",
    rebuttal=(
        r"(?:можно|следует|нужно|необходимо|стоит) (?:смело |уверенно |с уверенностью |"
        r"однозначно |категорически |полностью |спокойно )?(?:опровергнуть|опровергать|"
        r"отвергнуть|отвергать)|не соответству(?:ет|ют) действительности|"
        r"(?:являются|является) (?:ложн\w+|фейк\w*|вымысл\w*|беспочвенн\w+|необоснованн\w+)|"
        r"не имеют ничего общего с действительностью"
    ),
    refute=(
        r"опроверг\w*|ложн\w+|фейк\w*|не соответству(?:ет|ют) действительности|неправд\w*|"
        r"не имеет ничего общего с (?:действительностью|реальностью)|вымысел|не подтвердил\w*"
    ),
    dispute=r"якобы|оспарива\w+|оспорил\w*|усомнил\w*|постави\w+ под сомнение",
    looks_back=(
        r"(?:эт[аиуо]|эти|эту|данн\w+|такие) (?:цифр\w*|информаци\w*|утверждени\w*|"
        r"заявлени\w*|данные|сообщени\w*|пост\w*|публикаци\w*)"
    ),
)

FRENCH = Words(
    say=(
        r"(?:a|ont) (?:déclaré|affirmé|indiqué|souligné|annoncé|précisé|expliqué|ajouté|"
        r"assuré|averti|estimé|dit|écrit|martelé|rappelé)|déclare|affirme|indique|souligne|"
        r"estime|explique|précise|assure|rappelle"
    ),
    according_to=r"[Ss]elon |[Dd]’après |[Dd]'après ",
    claim_verbs=(
        r"affirme|affirment|prétend|prétendent|soutient|soutiennent|allègue|allèguent|"
        r"(?:a|ont) (?:affirmé|prétendu|soutenu)"
    ),
    that=r"que|qu’|qu'",
    speaker_nouns=(
        r"ministère|ministre|gouvernement|président|porte-parole|police|préfecture|mairie|"
        r"maire|tribunal|armée|ambassade|autorités|responsables|rapport|étude|enquête|"
        r"sondage|chercheurs|experts|entreprise|société|agence|communiqué|Kremlin|Élysée|"
        r"opposition|syndicat|parti|association"
    ),
    determiners=("le ", "la ", "les ", "l’", "l'", "un ", "une "),
    complement=r"(?: (?:de la|des|du|de|d’|d') ?[\w’'-]+(?: [\w’'-]+){0,2}?)?",
    source_nouns=(
        r"informations|information|affirmations|allégations|rumeurs|publications|messages|"
        r"vidéos|rapports|déclarations|posts|propos|assertions"
    ),
    spread=r"circulant|diffusée?s?|publiée?s?|partagée?s?|relayée?s?|parue?s?|qui circulent",
    where=r"sur|dans",
    reported_that=(
        r"selon lesquelles|selon lesquels|selon laquelle|selon lequel|affirmant que|"
        r"prétendant que|qui affirment que|qui prétendent que"
    ),
    rebuttal=(
        r"(?:peu(?:ven)?t|doi(?:ven)?t|pourrai(?:en)?t) (?:sans crainte |catégoriquement |"
        r"facilement )?(?:être )?(?:réfutée?s?|démentie?s?|rejetée?s?|balayée?s?)"
        r"(?: (?:en toute (?:sécurité|certitude|confiance)|sans crainte|sans hésitation|"
        r"catégoriquement|facilement|sans difficulté))?|(?:sont|est|étaient|était) "
        r"(?:totalement |complètement )?(?:fausses?|faux|infondée?s?|sans fondement|"
        r"mensongère?s?|erronée?s?)|ne correspond(?:ent)? pas à la réalité|"
        r"n[’']ont rien à voir avec la réalité"
    ),
    refute=(
        r"réfut\w*|dément\w*|démenti|(?:est|était|sont|étaient) (?:faux|fausses?)|"
        r"infondée?s?|sans fondement|mensong\w+|ne correspond(?:ent)? pas à la réalité|"
        r"n[’']ont rien à voir avec la réalité|aucune preuve|pas vrai|intox"
    ),
    dispute=r"prétendument|soi-disant|contest\w+|met(?:tent)? en doute|mis en doute",
    looks_back=(
        r"(?:ce|cette|ces|le|la|les) (?:chiffres?|affirmations?|allégations?|publications?|"
        r"messages?|informations?|déclarations?|rumeurs?)"
    ),
)

SPANISH = Words(
    say=(
        r"dijo|dijeron|afirmó|afirmaron|declaró|declararon|señaló|señalaron|aseguró|"
        r"aseguraron|indicó|indicaron|explicó|explicaron|añadió|agregó|subrayó|destacó|"
        r"advirtió|anunció|anunciaron|sostuvo|escribió|dice|dicen|afirma|afirman|asegura|"
        r"aseguran|señala|declara"
    ),
    according_to=r"[Ss]egún |[Dd]e acuerdo con |[Cc]onforme a ",
    claim_verbs=(
        r"afirma|afirman|asegura|aseguran|sostiene|sostienen|alega|alegan|afirmó|afirmaron|"
        r"aseguró|aseguraron|sostuvo|alegó"
    ),
    that=r"que",
    speaker_nouns=(
        r"ministerio|ministro|ministra|gobierno|presidente|presidenta|portavoz|policía|"
        r"alcalde|alcaldesa|tribunal|ejército|embajada|autoridades|funcionarios|informe|"
        r"estudio|encuesta|investigadores|expertos|empresa|agencia|comunicado|cancillería|"
        r"Kremlin|oposición|sindicato|partido|asociación"
    ),
    determiners=("el ", "la ", "los ", "las ", "un ", "una "),
    complement=r"(?: (?:de la|del|de los|de las|de) [\w’'-]+(?: [\w’'-]+){0,2}?)?",
    source_nouns=(
        r"información|informaciones|afirmaciones|afirmación|rumores|rumor|publicaciones|"
        r"mensajes|acusaciones|noticias|vídeos|videos|artículos|versiones|denuncias"
    ),
    spread=r"difundidas?|publicadas?|compartidas?|que circulan?|circulantes?|aparecidas?",
    where=r"en|sobre|a través de",
    reported_that=(
        r"de que|según la cual|según las cuales|según el cual|según los cuales|"
        r"que afirman que|que aseguran que"
    ),
    rebuttal=(
        r"(?:se )?(?:puede|pueden|podría|podrían|debe|deben) (?:ser )?(?:refutad[ao]s?|"
        r"desmentid[ao]s?|rechazad[ao]s?|refutarse|desmentirse|rechazarse|refutar|desmentir)"
        r"(?: (?:con (?:total |plena |absoluta )?(?:seguridad|tranquilidad|certeza|confianza)|"
        r"sin temor|sin miedo|categóricamente|tajantemente|fácilmente))?|(?:son|es|eran|era) "
        r"(?:totalmente |completamente )?(?:falsas?|falsos?|infundad[ao]s?|sin fundamento|"
        r"inciertas?)|no se corresponden? con la realidad|"
        r"no tienen? nada que ver con la realidad"
    ),
    refute=(
        r"refut\w*|desment\w*|(?:es|era|son|eran) (?:falsas?|falsos?|falso)|infundad[ao]s?|"
        r"sin fundamento|no es cierto|no es verdad|no se corresponden? con la realidad|"
        r"ninguna prueba|bulo"
    ),
    dispute=r"supuestamente|presuntamente|cuestion\w+|pone en duda|puso en duda",
    looks_back=(
        r"(?:esa|esta|ese|este|esos|esas|estos|estas|la|el|dicha|dicho) (?:cifras?|"
        r"afirmaci(?:ón|ones)|publicaci(?:ón|ones)|mensajes?|informaci(?:ón|ones)|datos?|"
        r"denuncias?|versi(?:ón|ones)|rumor(?:es)?)"
    ),
)

DUTCH = Words(
    say=(
        r"zei|zeiden|zegt|zeggen|verklaarde|verklaarden|verklaart|stelde|liet weten|"
        r"lieten weten|meldde|meldt|benadrukte|benadrukt|schreef|schrijft|waarschuwde|"
        r"bevestigde|onderstreepte|aldus"
    ),
    according_to=r"[Vv]olgens ",
    claim_verbs=r"beweert|beweren|beweerde|beweerden|suggereert|suggereerde",
    that=r"dat",
    speaker_nouns=(
        r"ministerie|minister|regering|kabinet|president|woordvoerder|woordvoerster|politie|"
        r"burgemeester|gemeente|rechtbank|leger|ambassade|autoriteiten|functionarissen|"
        r"rapport|onderzoek|studie|peiling|onderzoekers|deskundigen|experts|bedrijf|"
        r"agentschap|verklaring|Kremlin|oppositie|vakbond|partij"
    ),
    determiners=("de ", "het ", "een "),
    complement=r"(?: (?:van de|van het|van|voor) [\w’'-]+(?: [\w’'-]+){0,2}?)?",
    source_nouns=(
        r"berichten|bericht|informatie|beweringen|bewering|geruchten|gerucht|posts|claims|"
        r"publicaties|video’s|video's|verhalen|artikelen|uitspraken"
    ),
    spread=r"die (?:circuleren|rondgaan|de ronde doen)|verspreid|gedeeld",
    where=r"op|in|via",
    reported_that=r"dat",
    rebuttal=(
        r"(?:kunnen|kan|moeten|moet|mogen|mag) (?:gerust |veilig |met zekerheid |zonder meer |"
        r"eenvoudig |stellig |zonder twijfel )?(?:worden weerlegd|weerlegd worden|"
        r"worden ontkracht|ontkracht worden|worden tegengesproken|worden verworpen)|"
        r"(?:zijn|is|waren|was) (?:volkomen |volledig |totaal )?(?:onjuist|onwaar|vals|nep|"
        r"ongegrond|verzonnen|gelogen)|berusten niet op waarheid|"
        r"hebben niets met de werkelijkheid te maken"
    ),
    refute=(
        r"weerleg\w*|ontkracht\w*|ontkend\w*|ontkende|ontkent|onjuist|onwaar|niet waar|"
        r"klopt niet|kloppen niet|nepnieuws|ongegrond|geen bewijs|verzonnen"
    ),
    dispute=r"zogenaamd\w*|vermeend\w*|betwist\w*|trok \w+(?: \w+){0,3} in twijfel",
    looks_back=(
        r"(?:dat|dit|die|deze|het|de) (?:cijfers|cijfer|berichten|bericht|beweringen|"
        r"bewering|post|claim|uitspraak|verhaal|gerucht)"
    ),
    verb_second=True,
    not_names=(
        r"Maandag|Dinsdag|Woensdag|Donderdag|Vrijdag|Zaterdag|Zondag|Gisteren|Vandaag|Morgen|"
        r"Volgens|Ook|Daarna|Toen|Nu|In|Op|Na|Voor|Bij|Met"
    ),
)

ARABIC = Words(
    say=(
        r"(?:و|ف)?(?:قال|قالت|قالوا|أكد|أكدت|أكدوا|أعلن|أعلنت|ذكر|ذكرت|أوضح|أوضحت|أشار|"
        r"أشارت|صرح|صرحت|أضاف|أضافت|شدد|شددت|كتب|كتبت|حذر|حذرت|أفاد|أفادت)"
    ),
    according_to=r"(?:و)?(?:ب)?حسب |وفقا ل|وفقاً ل|وفقًا ل|نقلا عن |نقلاً عن |طبقا ل",
    claim_verbs=r"(?:و)?(?:يزعم|تزعم|يزعمون|زعم|زعمت|زعموا|يدعي|تدعي|يدعون|ادعى|ادعت)",
    that=r"(?:ب)?(?:أنّ|أن|ان|إنّ|إن)",
    speaker_nouns=(
        r"وزارة|وزير|الوزارة|الحكومة|الرئيس|المتحدث|الناطق|الشرطة|السلطات|المسؤول|السفارة|"
        r"المحكمة|الجيش|تقرير|دراسة|الخبراء|الكرملين"
    ),
    determiners=(),
    complement="",
    source_nouns=r"(?:ال)?(?:معلومات|ادعاءات|مزاعم|أنباء|تقارير|شائعات|منشورات|أخبار|تصريحات|روايات)",
    spread=r"(?:ال)?(?:متداولة|منتشرة|منشورة|متناقلة)",
    where=r"على|في|عبر",
    reported_that=r"(?:ب)?(?:أنّ|أن|ان)|التي تفيد (?:ب)?أن|التي تزعم أن|التي تدعي أن",
    rebuttal=(
        r"(?:يمكن|يجب|ينبغي|من السهل) (?:دحضها|تفنيدها|نفيها|رفضها|دحضه|تفنيده|نفيه)"
        r"(?: (?:بكل ثقة|بثقة|بأمان|بسهولة|قطعيا|قطعياً|تماما|تماماً|بشكل قاطع))?|"
        r"(?:عارية|عار) (?:تماما |تماماً )?عن الصحة|لا أساس لها من الصحة|"
        r"لا تمت إلى الواقع بصلة|(?:هي )?(?:كاذبة|مفبركة|ملفقة|غير صحيحة|مضللة)"
    ),
    refute=(
        r"دحض\w*|(?:و)?نفى|(?:و)?نفت|تنفي|ينفي|كاذب\w*|عار(?:ية)? عن الصحة|"
        r"لا أساس (?:لها|له) من الصحة|غير صحيح\w*|مفبرك\w*|ملفق\w*|مضلل\w*"
    ),
    dispute=r"(?:ال)?مزعوم\w*|(?:و)?شكك\w*|يشكك|تشكك",
    looks_back=(
        r"(?:هذه|هذا|تلك|ذلك) (?:ال)?(?:أرقام|رقم|معلومات|ادعاءات|ادعاء|منشور|منشورات|تصريح|"
        r"تصريحات|رواية|أنباء)"
    ),
    cased=False,
    name_end=r"(?= (?:إنّ|إن|أنّ|أن|في بيان|في تصريح|خلال|لوكالة)(?!\w)|[،,:.]|$)",
)

CUES: dict[str, Cues] = {
    "en": ENGLISH,
    "de": _cues(GERMAN),
    "ru": _cues(RUSSIAN),
    "fr": _cues(FRENCH),
    "es": _cues(SPANISH),
    "nl": _cues(DUTCH),
    "ar": _cues(ARABIC),
}
