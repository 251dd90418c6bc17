"""Claimant and article stance in Russian, French, Spanish, German, Dutch and Arabic: who
says a claim (a reporting verb, "according to", a quotation's speaker), and a claim
reported only to be rebutted — the seed's "claims on social media … can be safely refuted"
— comes out as its own candidate, attributed to where it circulated, refuted."""

import pytest

from claims.extraction.attribution import Attribution, attribute, reported_claims
from claims.extraction.candidates import propose_candidates

# The seed's pattern in each language: (language, sentence, where the claim circulated,
# the claim's first words, the rebuttal's words).
SEED_PATTERN = [
    (
        "ru",
        "МИД России отметил, что информацию в социальных сетях и интернет-ресурсах о том, что "
        "миротворческие усилия России якобы были направлены на «отрыв Нагорного Карабаха», "
        "«передачу его» Азербайджану и превращение Армении в «протекторат», можно смело "
        "опровергнуть.",
        "социальных сетях и интернет-ресурсах",
        "миротворческие усилия России",
        "можно смело опровергнуть",
    ),
    (
        "de",
        "Die Behauptungen in sozialen Netzwerken und Online-Medien, dass Russlands "
        "Friedensbemühungen angeblich darauf abzielten, „Bergkarabach abzuspalten“ und Armenien "
        "in ein „Protektorat“ zu verwandeln, lassen sich mit Sicherheit widerlegen.",
        "sozialen Netzwerken und Online-Medien",
        "Russlands Friedensbemühungen",
        "lassen sich mit Sicherheit widerlegen",
    ),
    (
        "fr",
        "Les informations circulant sur les réseaux sociaux et les ressources en ligne selon "
        "lesquelles les efforts de paix de la Russie visaient prétendument à « détacher le "
        "Haut-Karabakh » et à faire de l’Arménie un « protectorat » peuvent être réfutées en "
        "toute sécurité.",
        "réseaux sociaux et les ressources en ligne",
        "les efforts de paix de la Russie",
        "peuvent être réfutées en toute sécurité",
    ),
    (
        "es",
        "La información en las redes sociales y en los recursos en línea de que los esfuerzos "
        "de paz de Rusia supuestamente buscaban «separar Nagorno Karabaj» y convertir Armenia "
        "en un «protectorado» puede refutarse con total seguridad.",
        "redes sociales y los recursos en línea",
        "los esfuerzos de paz de Rusia",
        "puede refutarse con total seguridad",
    ),
    (
        "nl",
        "De berichten op sociale media en internetbronnen dat de vredesinspanningen van "
        "Rusland zogenaamd gericht waren op ‘het afscheiden van Nagorno-Karabach’ en het maken "
        "van Armenië tot een ‘protectoraat’ kunnen gerust worden weerlegd.",
        "sociale media en internetbronnen",
        "de vredesinspanningen van Rusland",
        "kunnen gerust worden weerlegd",
    ),
    (
        "ar",
        "وأكدت الوزارة أن المعلومات المتداولة على شبكات التواصل الاجتماعي والمواقع الإلكترونية "
        "بأن جهود حفظ السلام الروسية كانت تهدف إلى «فصل ناغورنو كاراباخ» وتحويل أرمينيا إلى "
        "«محمية» يمكن دحضها بكل ثقة.",
        "شبكات التواصل الاجتماعي والمواقع الإلكترونية",
        "جهود حفظ السلام الروسية",
        "يمكن دحضها بكل ثقة",
    ),
]

# (language, sentence, claimant, cue): a reporting verb either side of its speaker,
# "according to", and the speaker after a quotation, in each language.
SPEAKERS = [
    ("ru", "Министерство иностранных дел России заявило, что Москва не претендует на монополию.",
     "Министерство иностранных дел России", "заявило"),
    ("ru", "«Мы не стремимся к монополии», — заявила официальный представитель МИД Мария Захарова.",
     "официальный представитель МИД Мария Захарова", "заявила"),
    ("ru", "По словам Дмитрия Пескова, переговоры продолжатся на следующей неделе.",
     "Дмитрия Пескова", "по словам"),
    ("de", "Das Auswärtige Amt erklärte, die Zahl der Anträge sei um 12 Prozent gestiegen.",
     "Auswärtige Amt", "erklärte"),
    ("de", "„Wir planen keine neuen Steuern“, sagte Finanzminister Christian Lindner am Dienstag.",
     "Finanzminister Christian Lindner", "sagte"),
    ("de", "Am Montag erklärte das Auswärtige Amt, die Zahl der Anträge sei gestiegen.",
     "Auswärtige Amt", "erklärte"),  # the verb second, the subject after it
    ("de", "Der Minister sagte die Reise nach Berlin am Freitag ab.", "Minister", "sagte"),
    ("de", "Laut dem Statistischen Bundesamt stiegen die Verbraucherpreise im März um 2,2 Prozent.",
     "Statistischen Bundesamt", "laut"),
    ("fr", "Le ministère des Affaires étrangères a déclaré que 300 soldats resteraient sur place.",
     "ministère des Affaires étrangères", "a déclaré"),
    ("fr", "« Nous ne cherchons pas le monopole », a déclaré le porte-parole du ministère.",
     "porte-parole du ministère", "a déclaré"),
    ("fr", "Selon l’Insee, le taux de chômage a baissé à 7,3 % au premier trimestre.",
     "Insee", "selon"),
    ("es", "El Ministerio de Asuntos Exteriores afirmó que las tropas permanecerán en la región.",
     "Ministerio de Asuntos Exteriores", "afirmó"),
    ("es", "«No buscamos ningún monopolio», dijo el portavoz del ministerio.",
     "portavoz del ministerio", "dijo"),
    ("es", "Según el Instituto Nacional de Estadística, el paro bajó al 11,6 % en marzo.",
     "Instituto Nacional de Estadística", "según"),
    ("nl", "Het ministerie van Buitenlandse Zaken verklaarde dat de troepen in de regio blijven.",
     "ministerie van Buitenlandse Zaken", "verklaarde"),
    ("nl", "‘Wij streven geen monopolie na’, zei minister Hanke Bruins Slot dinsdag.",
     "minister Hanke Bruins Slot", "zei"),
    ("nl", "Dinsdag zei de minister dat de prijzen met 4 procent stijgen.", "minister", "zei"),
    ("nl", "Volgens het CBS steeg de inflatie in maart naar 3,1 procent.", "CBS", "volgens"),
    ("ar", "وقال وزير الخارجية الروسي سيرغي لافروف إن القوات ستبقى في المنطقة.",
     "وزير الخارجية الروسي سيرغي لافروف", "وقال"),
    ("ar", "وفقا لوزارة الصحة، ارتفع عدد الإصابات إلى 1200 حالة.", "وزارة الصحة", "وفقا ل"),
    ("ar", "ذكرت وكالة الأنباء الرسمية أن الاجتماع سيعقد الأسبوع المقبل.",
     "وكالة الأنباء الرسمية", "ذكرت"),
]  # fmt: skip

# (language, a claim someone makes, the next sentence refuting it, its claimant, the cue)
REFUTED_NEXT = [
    ("ru", "Пользователи соцсетей утверждают, что новый мост обошёлся в 400 миллионов рублей.",
     "Мэр города заявил, что эти цифры не соответствуют действительности.",
     "Пользователи соцсетей", "не соответствуют действительности"),
    ("de", "Ein viraler Beitrag behauptet, dass die neue Brücke 400 Millionen Euro gekostet habe.",
     "Bürgermeisterin Anna Weber sagte, diese Zahl sei falsch.",
     "Ein viraler Beitrag", "sei falsch"),
    ("fr", "Une publication virale affirme que le nouveau pont a coûté 400 millions d’euros.",
     "La maire Anne Dubois a déclaré que ce chiffre est faux.",
     "Une publication virale", "est faux"),
    ("es", "Una publicación viral afirma que el nuevo puente costó 400 millones de euros.",
     "La alcaldesa Ana García dijo que esa cifra es falsa.",
     "Una publicación viral", "es falsa"),
    ("nl", "Een virale post beweert dat de nieuwe brug 400 miljoen euro heeft gekost.",
     "Burgemeester Anna de Vries zei dat dat cijfer onjuist is.",
     "Een virale post", "onjuist"),
    ("ar", "يزعم منشور متداول على فيسبوك أن الجسر الجديد كلف 400 مليون دولار.",
     "وقال رئيس البلدية إن هذه الأرقام غير صحيحة.",
     "منشور متداول على فيسبوك", "غير صحيحة"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "sentence", "where", "claim", "cue"), SEED_PATTERN)
def test_a_claim_reported_to_be_rebutted_is_attributed_to_where_it_circulated(
    language: str, sentence: str, where: str, claim: str, cue: str
) -> None:
    [reported] = reported_claims(sentence, language)
    assert sentence[reported.start : reported.end].startswith(claim)
    assert (reported.attribution.claimant, reported.attribution.stance) == (where, "refutes")
    assert reported.attribution.cue == cue


@pytest.mark.parametrize(("language", "sentence", "where", "claim", "cue"), SEED_PATTERN)
def test_the_seeds_pattern_gives_a_refuted_candidate_in_each_language(
    language: str, sentence: str, where: str, claim: str, cue: str
) -> None:
    candidates = propose_candidates(sentence, language_hint=language).candidates
    [refuted] = [c for c in candidates if c.text.startswith(claim)]
    assert (refuted.claimant, refuted.article_stance, refuted.stance_cue) == (
        where,
        "refutes",
        cue,
    )
    assert sentence[refuted.span_start : refuted.span_end] == refuted.text


@pytest.mark.parametrize(("language", "sentence", "claimant", "cue"), SPEAKERS)
def test_the_speaker_of_a_sentence_is_its_claimant(
    language: str, sentence: str, claimant: str, cue: str
) -> None:
    assert attribute(sentence, language=language) == Attribution(claimant, "reports", cue)


@pytest.mark.parametrize(("language", "claim", "rebuttal", "claimant", "cue"), REFUTED_NEXT)
def test_a_refutation_in_the_next_sentence_sets_the_stance(
    language: str, claim: str, rebuttal: str, claimant: str, cue: str
) -> None:
    candidates = propose_candidates(f"{claim} {rebuttal}", language_hint=language).candidates
    [made] = [c for c in candidates if c.text == claim]
    assert (made.claimant, made.article_stance, made.stance_cue) == (claimant, "refutes", cue)


@pytest.mark.parametrize(
    ("language", "sentence", "cue"),
    [
        ("ru", "По словам Минздрава, якобы пострадали 300 человек.", "якобы"),
        ("de", "Laut der Opposition hat die Regierung angeblich 300 Stellen gekürzt.", "angeblich"),
        ("fr", "Selon l’opposition, le gouvernement aurait prétendument supprimé 300 postes.",
         "prétendument"),
        ("es", "Según la oposición, el Gobierno supuestamente eliminó 300 puestos.",
         "supuestamente"),
        ("nl", "Volgens de oppositie heeft het kabinet zogenaamd 300 banen geschrapt.",
         "zogenaamd"),
        ("ar", "وقال المتحدث إن الحكومة ألغت 300 وظيفة المزعومة.", "المزعومة"),
    ],
)  # fmt: skip
def test_a_doubted_claim_is_disputed(language: str, sentence: str, cue: str) -> None:
    attribution = attribute(sentence, language=language)
    assert (attribution.stance, attribution.cue) == ("disputes", cue)


def test_a_sentence_in_its_own_voice_asserts() -> None:
    sentence = "Die Brücke wurde im Jahr 2019 für den Verkehr freigegeben."
    assert attribute(sentence, language="de").stance == "asserts"


def test_a_regional_tag_reads_with_its_languages_cues() -> None:
    sentence = "Según el Instituto Nacional de Estadística, el paro bajó al 11,6 % en marzo."
    assert attribute(sentence, language="es-MX").claimant == "Instituto Nacional de Estadística"
