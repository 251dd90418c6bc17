# ruff: noqa: E501  (the translations are data: one sentence a line, however long)
"""Claims we checked, in English, and the same claims as people post them in six other
languages: what the cross-language matching tests and figures are made of.

Each check is the claim as our desk wrote it down and the headline of its check. Each
translation is not the check's sentence translated word for word: it is the claim as
somebody else put it (other words, sometimes a number written out), written in Russian,
German, Spanish, French, Dutch and Arabic for this project. `measure` hides the checks
among real claims (the CheckThat! verified claims, read from the shared data) and reports how
often each translated claim finds its check, and above which threshold.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from claims.matching.engine import checkthat, multilingual
from claims.matching.engine.reranking import load_reranker

LANGUAGES = ("ru", "de", "es", "fr", "nl", "ar")


@dataclass(frozen=True)
class Check:
    claim: str
    headline: str
    translations: dict[str, str]


CHECKS = (
    Check(
        claim="The new Harbour Street bridge in Riverton cost taxpayers 400 million dollars.",
        headline="No, Riverton's Harbour Street bridge did not cost 400 million dollars",
        translations={
            "ru": "Новый мост на Харбор-стрит в Ривертоне обошёлся налогоплательщикам в 400 миллионов долларов.",
            "de": "Die neue Brücke an der Harbour Street in Riverton hat die Steuerzahler 400 Millionen Dollar gekostet.",
            "es": "El nuevo puente de Harbour Street en Riverton costó a los contribuyentes 400 millones de dólares.",
            "fr": "Le nouveau pont de Harbour Street à Riverton a coûté 400 millions de dollars aux contribuables.",
            "nl": "De nieuwe brug in de Harbour Street in Riverton heeft de belastingbetaler 400 miljoen dollar gekost.",
            "ar": "كلف الجسر الجديد في شارع هاربور في ريفرتون دافعي الضرائب 400 مليون دولار.",
        },
    ),
    Check(
        claim="Drinking hot water with lemon every morning cures cancer.",
        headline="Hot lemon water does not cure cancer",
        translations={
            "ru": "Если каждое утро пить горячую воду с лимоном, можно вылечить рак.",
            "de": "Wer jeden Morgen heißes Wasser mit Zitrone trinkt, heilt damit Krebs.",
            "es": "Beber agua caliente con limón todas las mañanas cura el cáncer.",
            "fr": "Boire de l'eau chaude citronnée chaque matin guérit le cancer.",
            "nl": "Elke ochtend heet water met citroen drinken geneest kanker.",
            "ar": "شرب الماء الساخن مع الليمون كل صباح يشفي من السرطان.",
        },
    ),
    Check(
        claim="5G mobile phone masts spread the coronavirus.",
        headline="5G masts do not spread the coronavirus",
        translations={
            "ru": "Вышки сотовой связи 5G распространяют коронавирус.",
            "de": "5G-Funkmasten verbreiten das Coronavirus.",
            "es": "Las antenas de telefonía 5G propagan el coronavirus.",
            "fr": "Les antennes de téléphonie 5G propagent le coronavirus.",
            "nl": "5G-zendmasten verspreiden het coronavirus.",
            "ar": "أبراج الهواتف المحمولة من الجيل الخامس تنشر فيروس كورونا.",
        },
    ),
    Check(
        claim="The European Union is banning the sale of new petrol and diesel cars from 2035.",
        headline="Yes, the EU ends sales of new petrol and diesel cars in 2035",
        translations={
            "ru": "С 2035 года Евросоюз запрещает продажу новых бензиновых и дизельных автомобилей.",
            "de": "Ab 2035 verbietet die EU den Verkauf neuer Benzin- und Dieselautos.",
            "es": "La Unión Europea prohibirá vender coches nuevos de gasolina y diésel a partir de 2035.",
            "fr": "L'Union européenne interdit la vente de voitures neuves à essence et diesel à partir de 2035.",
            "nl": "Vanaf 2035 verbiedt de Europese Unie de verkoop van nieuwe benzine- en dieselauto's.",
            "ar": "الاتحاد الأوروبي يحظر بيع السيارات الجديدة العاملة بالبنزين والديزل اعتبارا من عام 2035.",
        },
    ),
    Check(
        claim="The Great Wall of China is visible from the Moon with the naked eye.",
        headline="You cannot see the Great Wall of China from the Moon",
        translations={
            "ru": "Великую Китайскую стену можно увидеть с Луны невооружённым глазом.",
            "de": "Die Chinesische Mauer ist vom Mond aus mit bloßem Auge zu sehen.",
            "es": "La Gran Muralla China se ve desde la Luna a simple vista.",
            "fr": "La Grande Muraille de Chine est visible depuis la Lune à l'œil nu.",
            "nl": "De Chinese Muur is vanaf de maan met het blote oog te zien.",
            "ar": "يمكن رؤية سور الصين العظيم من القمر بالعين المجردة.",
        },
    ),
    Check(
        claim="Riverton's city council voted to close all three public libraries next year.",
        headline="Riverton is not closing its libraries: the council voted on opening hours",
        translations={
            "ru": "Городской совет Ривертона проголосовал за закрытие всех трёх публичных библиотек в следующем году.",
            "de": "Der Stadtrat von Riverton hat beschlossen, nächstes Jahr alle drei öffentlichen Bibliotheken zu schließen.",
            "es": "El ayuntamiento de Riverton votó cerrar las tres bibliotecas públicas el año que viene.",
            "fr": "Le conseil municipal de Riverton a voté la fermeture des trois bibliothèques publiques l'an prochain.",
            "nl": "De gemeenteraad van Riverton heeft besloten volgend jaar alle drie de openbare bibliotheken te sluiten.",
            "ar": "صوت مجلس مدينة ريفرتون على إغلاق المكتبات العامة الثلاث جميعها في العام المقبل.",
        },
    ),
    Check(
        claim="Eating carrots greatly improves your night vision.",
        headline="Carrots will not give you night vision",
        translations={
            "ru": "Морковь сильно улучшает зрение в темноте.",
            "de": "Karotten essen verbessert das Sehen bei Nacht enorm.",
            "es": "Comer zanahorias mejora muchísimo la visión nocturna.",
            "fr": "Manger des carottes améliore beaucoup la vision de nuit.",
            "nl": "Wortels eten verbetert je zicht in het donker enorm.",
            "ar": "تناول الجزر يحسن الرؤية الليلية بشكل كبير.",
        },
    ),
    Check(
        claim="Unemployment in Spain fell below ten percent for the first time since 2008.",
        headline="Spain's unemployment rate is still above ten percent",
        translations={
            "ru": "Безработица в Испании впервые с 2008 года опустилась ниже десяти процентов.",
            "de": "Die Arbeitslosigkeit in Spanien ist erstmals seit 2008 unter zehn Prozent gefallen.",
            "es": "El paro en España ha bajado del diez por ciento por primera vez desde 2008.",
            "fr": "Le chômage en Espagne est passé sous la barre des dix pour cent pour la première fois depuis 2008.",
            "nl": "De werkloosheid in Spanje is voor het eerst sinds 2008 onder de tien procent gezakt.",
            "ar": "انخفضت البطالة في إسبانيا إلى أقل من عشرة بالمئة لأول مرة منذ عام 2008.",
        },
    ),
    Check(
        claim="Bill Gates wants to put microchips in people through vaccines.",
        headline="No, vaccines do not contain Bill Gates's microchips",
        translations={
            "ru": "Билл Гейтс хочет вживлять людям микрочипы с помощью вакцин.",
            "de": "Bill Gates will den Menschen über Impfungen Mikrochips einpflanzen.",
            "es": "Bill Gates quiere implantar microchips a la gente a través de las vacunas.",
            "fr": "Bill Gates veut implanter des puces électroniques aux gens grâce aux vaccins.",
            "nl": "Bill Gates wil via vaccins microchips bij mensen inbrengen.",
            "ar": "يريد بيل غيتس زرع رقائق إلكترونية في أجسام الناس عبر اللقاحات.",
        },
    ),
    Check(
        claim="A shark was photographed swimming on a flooded highway after the hurricane.",
        headline="The photo of a shark on a flooded highway is fake",
        translations={
            "ru": "После урагана сфотографировали акулу, плывущую по затопленному шоссе.",
            "de": "Nach dem Hurrikan wurde ein Hai fotografiert, der auf einer überfluteten Autobahn schwamm.",
            "es": "Tras el huracán fotografiaron un tiburón nadando por una autopista inundada.",
            "fr": "Après l'ouragan, un requin a été photographié en train de nager sur une autoroute inondée.",
            "nl": "Na de orkaan is een haai gefotografeerd die over een ondergelopen snelweg zwom.",
            "ar": "تم تصوير سمكة قرش تسبح في طريق سريع غمرته المياه بعد الإعصار.",
        },
    ),
    Check(
        claim="The minimum wage in Germany rose to 12 euros an hour in October 2022.",
        headline="Yes, Germany's minimum wage became 12 euros in October 2022",
        translations={
            "ru": "В октябре 2022 года минимальная зарплата в Германии выросла до 12 евро в час.",
            "de": "Der Mindestlohn in Deutschland ist im Oktober 2022 auf 12 Euro pro Stunde gestiegen.",
            "es": "El salario mínimo en Alemania subió a 12 euros por hora en octubre de 2022.",
            "fr": "Le salaire minimum en Allemagne est passé à 12 euros de l'heure en octobre 2022.",
            "nl": "Het minimumloon in Duitsland is in oktober 2022 gestegen naar 12 euro per uur.",
            "ar": "ارتفع الحد الأدنى للأجور في ألمانيا إلى 12 يورو في الساعة في أكتوبر 2022.",
        },
    ),
    Check(
        claim="Wind turbines kill more birds than cats do.",
        headline="Cats kill far more birds than wind turbines",
        translations={
            "ru": "Ветряные турбины убивают больше птиц, чем кошки.",
            "de": "Windräder töten mehr Vögel als Katzen.",
            "es": "Los aerogeneradores matan más pájaros que los gatos.",
            "fr": "Les éoliennes tuent plus d'oiseaux que les chats.",
            "nl": "Windmolens doden meer vogels dan katten.",
            "ar": "توربينات الرياح تقتل طيورا أكثر مما تقتل القطط.",
        },
    ),
    Check(
        claim="Riverton's tap water is contaminated with lead from the old pipes.",
        headline="Riverton's tap water meets the lead limit, tests show",
        translations={
            "ru": "Водопроводная вода в Ривертоне загрязнена свинцом из старых труб.",
            "de": "Das Leitungswasser in Riverton ist durch die alten Rohre mit Blei verseucht.",
            "es": "El agua del grifo de Riverton está contaminada con plomo de las tuberías viejas.",
            "fr": "L'eau du robinet de Riverton est contaminée au plomb à cause des vieilles canalisations.",
            "nl": "Het kraanwater in Riverton is door de oude leidingen met lood vervuild.",
            "ar": "مياه الصنبور في ريفرتون ملوثة بالرصاص بسبب الأنابيب القديمة.",
        },
    ),
    Check(
        claim="Humans only use ten percent of their brains.",
        headline="The ten percent brain myth is false",
        translations={
            "ru": "Человек использует только десять процентов своего мозга.",
            "de": "Der Mensch nutzt nur zehn Prozent seines Gehirns.",
            "es": "Los seres humanos solo usamos el diez por ciento del cerebro.",
            "fr": "Les humains n'utilisent que dix pour cent de leur cerveau.",
            "nl": "Mensen gebruiken maar tien procent van hun hersenen.",
            "ar": "البشر لا يستخدمون سوى عشرة بالمئة من أدمغتهم.",
        },
    ),
    Check(
        claim="The government plans to confiscate people's savings above 100,000 euros.",
        headline="There is no plan to seize savings over 100,000 euros",
        translations={
            "ru": "Правительство собирается конфисковать сбережения граждан свыше 100 000 евро.",
            "de": "Die Regierung plant, Ersparnisse über 100.000 Euro zu beschlagnahmen.",
            "es": "El Gobierno planea confiscar los ahorros de la gente que superen los 100.000 euros.",
            "fr": "Le gouvernement prévoit de confisquer l'épargne des citoyens au-delà de 100 000 euros.",
            "nl": "De regering is van plan spaargeld boven de 100.000 euro in beslag te nemen.",
            "ar": "تخطط الحكومة لمصادرة مدخرات المواطنين التي تتجاوز 100 ألف يورو.",
        },
    ),
    Check(
        claim="Lightning never strikes the same place twice.",
        headline="Lightning can and does strike the same place twice",
        translations={
            "ru": "Молния никогда не бьёт дважды в одно и то же место.",
            "de": "Der Blitz schlägt nie zweimal an derselben Stelle ein.",
            "es": "Un rayo nunca cae dos veces en el mismo sitio.",
            "fr": "La foudre ne frappe jamais deux fois au même endroit.",
            "nl": "De bliksem slaat nooit twee keer op dezelfde plek in.",
            "ar": "البرق لا يضرب المكان نفسه مرتين أبدا.",
        },
    ),
    Check(
        claim="Migrants receive a monthly state allowance higher than the average pension.",
        headline="Asylum seekers' allowance is far below the average pension",
        translations={
            "ru": "Мигранты получают от государства ежемесячное пособие больше средней пенсии.",
            "de": "Migranten bekommen vom Staat jeden Monat mehr Geld als die Durchschnittsrente.",
            "es": "Los inmigrantes cobran una ayuda mensual del Estado mayor que la pensión media.",
            "fr": "Les migrants touchent une allocation mensuelle de l'État supérieure à la retraite moyenne.",
            "nl": "Migranten krijgen maandelijks een uitkering van de staat die hoger is dan het gemiddelde pensioen.",
            "ar": "يحصل المهاجرون على إعانة شهرية من الدولة أعلى من متوسط المعاش التقاعدي.",
        },
    ),
    Check(
        claim="Goldfish have a memory span of only three seconds.",
        headline="Goldfish remember for months, not three seconds",
        translations={
            "ru": "Память золотой рыбки длится всего три секунды.",
            "de": "Goldfische haben ein Gedächtnis von nur drei Sekunden.",
            "es": "Los peces de colores solo tienen tres segundos de memoria.",
            "fr": "Les poissons rouges n'ont que trois secondes de mémoire.",
            "nl": "Goudvissen hebben een geheugen van maar drie seconden.",
            "ar": "ذاكرة السمكة الذهبية لا تدوم سوى ثلاث ثوان.",
        },
    ),
    Check(
        claim="The Riverton hospital turned away patients without insurance during the flu outbreak.",
        headline="Riverton hospital did not refuse uninsured flu patients",
        translations={
            "ru": "Во время вспышки гриппа больница Ривертона отказывала в приёме пациентам без страховки.",
            "de": "Das Krankenhaus in Riverton hat während der Grippewelle Patienten ohne Versicherung abgewiesen.",
            "es": "El hospital de Riverton rechazó a pacientes sin seguro durante el brote de gripe.",
            "fr": "L'hôpital de Riverton a refusé des patients sans assurance pendant l'épidémie de grippe.",
            "nl": "Het ziekenhuis van Riverton heeft tijdens de griepgolf onverzekerde patiënten weggestuurd.",
            "ar": "رفض مستشفى ريفرتون استقبال المرضى غير المؤمن عليهم خلال تفشي الإنفلونزا.",
        },
    ),
    Check(
        claim="Electric cars produce more carbon dioxide over their lifetime than petrol cars.",
        headline="Over their lifetime, electric cars emit less CO2 than petrol cars",
        translations={
            "ru": "За весь срок службы электромобили выбрасывают больше углекислого газа, чем бензиновые машины.",
            "de": "Elektroautos stoßen über ihre gesamte Lebensdauer mehr CO2 aus als Benziner.",
            "es": "Los coches eléctricos emiten más dióxido de carbono que los de gasolina a lo largo de su vida útil.",
            "fr": "Sur toute leur durée de vie, les voitures électriques rejettent plus de CO2 que les voitures à essence.",
            "nl": "Elektrische auto's stoten over hun hele levensduur meer CO2 uit dan benzineauto's.",
            "ar": "تنتج السيارات الكهربائية طوال عمرها ثاني أكسيد كربون أكثر من سيارات البنزين.",
        },
    ),
)


# Readers' tips of one claim, as readers in three languages might send it (written for
# this project), and a Spanish tip of another claim about the same lemon water. The
# English matcher alone groups none of the translations, and takes the two Spanish tips
# for one claim (they share most of their words).
LEMON_FLU_TIPS = {
    "en": "Drinking a glass of hot water with lemon every morning cures the flu.",
    "es": "Beber un vaso de agua caliente con limón cada mañana cura la gripe.",
    "de": "Jeden Morgen ein Glas heißes Wasser mit Zitrone zu trinken heilt die Grippe.",
}
LEMON_SLIMMING_TIP = "Beber agua con limón por la mañana ayuda a adelgazar."


def measure(corpus_path: Path, distractors: int = 2000) -> dict[str, object]:
    """Index the checks (each with its headline) among `distractors` real claims (with their
    titles as headlines), search every translated claim, and return per language and in
    all: how often its check is the top hit, in the top five, above the product's possible
    and same-claim thresholds; and how often, with its check taken out, a claim still gets
    a hit above either (a false suggestion). Also the other way: the English claims against
    the checks written in each language."""
    shipped = load_reranker()
    possible, same = shipped.possible_match_threshold, shipped.same_claim_threshold
    corpus = checkthat.read_corpus(corpus_path)[:distractors]
    corpus_vectors = multilingual.embed([row.text for row in corpus])
    title_vectors = multilingual.embed([row.title for row in corpus])

    def index_of(texts: list[str], headlines: list[str]) -> multilingual.MultilingualIndex:
        index = multilingual.MultilingualIndex()
        index.add_many(
            [(f"corpus:{row.id}", row.text) for row in corpus],
            corpus_vectors,
            headlines=[row.title for row in corpus],
            headline_vectors=title_vectors,
        )
        index.add_many([(f"check:{n}", text) for n, text in enumerate(texts)], headlines=headlines)
        return index

    def outcomes(index: multilingual.MultilingualIndex, queries: list[str]) -> dict[str, float]:
        vectors = multilingual.embed(queries)
        top, top5, above_possible, above_same, absent_possible, absent_same = ([] for _ in range(6))
        for number, (query, vector) in enumerate(zip(queries, vectors, strict=True)):
            hits = index.search(query, top=5, vector=vector)
            key = f"check:{number}"
            right = next((hit.score for hit in hits if hit.key == key), 0.0)
            top.append(bool(hits) and hits[0].key == key)
            top5.append(right > 0 or any(hit.key == key for hit in hits))
            above_possible.append(right >= possible)
            above_same.append(bool(hits) and hits[0].key == key and right >= same)
            wrong = _scores_without(index, key, query, vector)
            absent_possible.append(max(wrong, default=0.0) >= possible)
            absent_same.append(max(wrong, default=0.0) >= same)
        return {
            name: round(float(np.mean(values)), 3)
            for name, values in (
                ("top_hit", top),
                ("in_top_5", top5),
                ("above_possible", above_possible),
                ("top_hit_above_same_claim", above_same),
                ("check_absent_hit_above_possible", absent_possible),
                ("check_absent_hit_above_same_claim", absent_same),
            )
        }

    english = index_of([c.claim for c in CHECKS], [c.headline for c in CHECKS])
    report: dict[str, object] = {
        "checks": len(CHECKS),
        "distractors": len(corpus),
        "thresholds": {"possible_match": possible, "same_claim": same},
    }
    into_english = {
        language: outcomes(english, [c.translations[language] for c in CHECKS])
        for language in LANGUAGES
    }
    into_english["all"] = _mean_of(into_english)
    report["claim_in_language_finds_english_check"] = into_english
    from_english = {}
    for language in LANGUAGES:
        foreign = index_of([c.translations[language] for c in CHECKS], ["" for _ in CHECKS])
        from_english[language] = outcomes(foreign, [c.claim for c in CHECKS])
    from_english["all"] = _mean_of(from_english)
    report["english_claim_finds_check_in_language_without_headline"] = from_english
    return report


def _scores_without(
    index: multilingual.MultilingualIndex, key: str, query: str, vector: np.ndarray
) -> list[float]:
    """Score the query's candidates as if `key` were not indexed (ranks and gaps without it)."""
    found = [candidate for candidate in index.retrieve(query, vector) if candidate.key != key]
    scores = multilingual.load_reranker().probabilities([c.signals for c in found])
    return [float(score) for score in scores]


def _mean_of(by_language: dict[str, dict[str, float]]) -> dict[str, float]:
    names = next(iter(by_language.values()))
    return {
        name: round(float(np.mean([row[name] for row in by_language.values()])), 3)
        for name in names
    }
