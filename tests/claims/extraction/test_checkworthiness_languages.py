"""Check-worthiness in English, Dutch and Spanish: a claim with figures scores above small
talk or an opinion, every score is a probability, and articles in those languages get ranked
candidates instead of unscored sentences. Arabic has no model (none trained on the CheckThat!
tweets beat calling every tweet check-worthy on dev), so its sentences are chosen by signals."""

import numpy as np
import pytest

from claims.extraction.candidates import propose_candidates, score_text
from claims.extraction.checkworthiness import (
    Calibration,
    band,
    languages_with_model,
    load_model,
    scorer_for,
)

# Written for these tests: for each language, a sourced claim with figures, then a greeting
# and an opinion, which a fact-checker would not pick.
SENTENCES = {
    "en": (
        "The health ministry said 3,400 people were admitted to hospital last week, "
        "a rise of 18 percent.",
        "Good morning everyone, have a wonderful weekend!",
        "I think this is a lovely day for a walk in the park.",
    ),
    "es": (
        "El Gobierno aseguró que el paro bajó un 12 % en 2019 hasta los 3,2 millones de personas.",
        "¡Buenos días a todos! Que tengáis un feliz fin de semana.",
        "Creo que hoy es un día precioso para pasear por el parque.",
    ),
    "nl": (
        "Minister De Jonge zei dat er 40.000 mondkapjes zijn afgekeurd omdat ze niet voldoen "
        "aan de eisen.",
        "Goedemorgen allemaal, fijne zondag en geniet van het zonnetje!",
        "Ik vind het vandaag een heerlijke dag om te wandelen in het park.",
    ),
}
ARABIC = (
    "قالت وزارة الصحة إن عدد الإصابات بفيروس كورونا ارتفع إلى 3500 حالة يوم الثلاثاء "
    "بزيادة 12 في المئة عن الأسبوع الماضي.",
    "صباح الخير لكل الأصدقاء، جمعة مباركة وأسعد الله أيامكم!",
    "أعتقد أن اليوم جميل جدا للتنزه في الحديقة مع العائلة.",
)


def test_english_dutch_and_spanish_have_a_model() -> None:
    assert languages_with_model() == frozenset({"en", "nl", "es"})
    assert scorer_for("fr") is None and scorer_for("ru") is None and scorer_for("ar") is None
    assert scorer_for("es-ES") is scorer_for("es")  # a region is not a language
    assert scorer_for("en-GB") is load_model()


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_a_claim_with_figures_scores_above_small_talk_and_opinion(language: str) -> None:
    scorer = scorer_for(language)
    assert scorer is not None
    claim, greeting, opinion = scorer.score(list(SENTENCES[language]))
    assert claim > greeting and claim > opinion
    assert claim >= scorer.threshold > max(greeting, opinion)
    assert all(0.0 <= score <= 1.0 for score in (claim, greeting, opinion))


@pytest.mark.parametrize("language", ["es", "nl"])
def test_an_article_in_the_language_gets_scored_candidates(language: str) -> None:
    claim, greeting, opinion = SENTENCES[language]
    extraction = propose_candidates(f"{greeting} {claim}\n\n{opinion}", language_hint=language)
    scorer = scorer_for(language)
    assert scorer is not None
    [candidate] = extraction.candidates
    assert candidate.text == claim
    assert (candidate.checkworthiness, candidate.scored_by) == (
        scorer.score([claim])[0],
        scorer.name,
    )
    assert extraction.note == ""


def test_an_arabic_article_gets_unscored_candidates_chosen_by_signals() -> None:
    claim, greeting, opinion = ARABIC
    extraction = propose_candidates(f"{greeting}\n\n{claim}\n\n{opinion}", language_hint="ar")
    texts = [c.text for c in extraction.candidates]
    assert claim in texts and opinion in texts
    starts = [c.span_start for c in extraction.candidates]
    assert starts == sorted(starts)  # unscored: listed in the order of the text
    assert {(c.checkworthiness, c.scored_by) for c in extraction.candidates} == {(0.0, "")}
    assert "no check-worthiness model for ar" in extraction.note


def test_a_claim_an_editor_writes_is_scored_in_its_language() -> None:
    claim = SENTENCES["nl"][0]
    nl = scorer_for("nl")
    assert nl is not None
    assert score_text(claim) == (nl.score([claim])[0], nl.name)  # language detected
    assert score_text(claim, "nl-BE") == (nl.score([claim])[0], nl.name)
    assert score_text("Le chômage a baissé de 3 % en 2019, selon l'Insee.", "fr") == (0.0, "")


def test_english_scores_are_the_networks_probabilities_calibrated() -> None:
    model = load_model()
    sentences = list(SENTENCES["en"])
    network = model.network_probabilities(sentences)
    calibrated = np.asarray(model.score(sentences))
    # Calibration keeps the order and changes the values (the network is over-confident).
    assert list(np.argsort(network)) == list(np.argsort(calibrated))
    assert not np.allclose(network, calibrated, atol=0.01)


def test_calibration_is_strictly_increasing_so_it_never_ties_two_scores() -> None:
    curve = Calibration(a=1.3, b=-0.4).probabilities(np.array([-3.0, -0.1, 0.0, 0.1, 3.0]))
    assert np.all(np.diff(curve) > 0) and curve[0] > 0 and curve[-1] < 1


def test_bands_name_the_calibrated_probability() -> None:
    assert band(0.5, scored=True) == "likely" and band(0.93, scored=True) == "likely"
    assert band(0.2, scored=True) == "possible" and band(0.49, scored=True) == "possible"
    assert band(0.19, scored=True) == "unlikely" and band(0.0, scored=True) == "unlikely"
    assert band(0.0, scored=False) == "unscored"
