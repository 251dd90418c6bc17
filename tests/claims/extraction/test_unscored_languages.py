"""A language no check-worthiness model reads never floods the editor: at most
UNSCORED_CANDIDATES_PER_ARTICLE of its sentences become candidates, chosen by numbers,
quotations, names and reporting verbs over filler, unscored and marked so, and the
article's note says how many were kept of how many."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims.extraction.candidates import propose_candidates
from claims.extraction.checkworthiness import languages_with_model, load_model
from claims.extraction.services import claims_propose
from claims.extraction.signals import signals
from claims.models import Article, Claim

# What a long German news page is mostly made of: sentences with nothing to check.
FILLER = [
    "Die Stimmung in der kleinen Stadt war an diesem Abend ruhig und entspannt.",
    "Viele Besucher blieben noch lange auf dem Platz vor der alten Kirche stehen.",
    "Es war ein langer Tag für alle, die an der Veranstaltung beteiligt waren.",
    "Am Ende gingen die meisten Gäste zufrieden und müde nach Hause.",
    "Die Organisatoren zeigten sich mit dem Verlauf des Festes sehr zufrieden.",
    "Auch das Wetter spielte an diesem sonnigen Wochenende ohne Probleme mit.",
]
NUMBERS = [
    f"Die Arbeitslosenquote stieg im {month} auf {rate} Prozent, deutlich mehr als erwartet."
    for month, rate in [
        ("Januar", "6,1"), ("Februar", "6,2"), ("März", "6,4"), ("April", "6,3"),
        ("Mai", "6,0"), ("Juni", "5,9"), ("Juli", "5,8"), ("August", "5,9"),
        ("September", "6,1"), ("Oktober", "6,2"),
    ]
]  # fmt: skip
QUOTATIONS = [
    f"„Wir werden die Steuern in diesem Jahr nicht erhöhen“, sagte der Minister in {city}."
    for city in [
        "Bonn", "Kiel", "Jena", "Ulm", "Trier", "Gera", "Hof", "Fulda", "Passau", "Lübeck",
    ]
]  # fmt: skip
NAMES = [
    f"Bundeskanzler Olaf Scholz traf sich mit Präsident Emmanuel Macron in der Stadt {city}."
    for city in ["Paris", "Lyon", "Nizza", "Lille", "Nantes", "Metz", "Brest", "Dijon"]
]


def long_german_page() -> str:
    """About 320 sentences in paragraphs of eight, the checkable ones spread through."""
    filler = [FILLER[n % len(FILLER)] for n in range(292)]
    checkable = NUMBERS + QUOTATIONS + NAMES
    sentences = filler[:]
    for index, sentence in enumerate(checkable):
        sentences.insert(index * 11 + 5, sentence)
    paragraphs = [" ".join(sentences[n : n + 8]) for n in range(0, len(sentences), 8)]
    return "\n\n".join(paragraphs)


def test_german_has_no_model_yet() -> None:
    assert "de" not in languages_with_model() and "en" in languages_with_model()


def test_a_long_page_keeps_the_cap_chosen_by_signals_over_filler() -> None:
    text = long_german_page()
    extraction = propose_candidates(text, language_hint="de")
    kept = [candidate.text for candidate in extraction.candidates]
    assert len(kept) == 25
    assert set(NUMBERS) <= set(kept) and set(QUOTATIONS) <= set(kept)
    assert not set(FILLER) & set(kept)
    assert len(set(kept) & set(NAMES)) == 5  # names weigh less than numbers and quotations
    spans = [candidate.span_start for candidate in extraction.candidates]
    assert spans == sorted(spans)  # in the order of the text: chosen, not ranked
    for candidate in extraction.candidates:
        assert (candidate.checkworthiness, candidate.scored_by) == (0.0, "")
        assert text[candidate.span_start : candidate.span_end] == candidate.text


def test_the_note_says_how_many_of_how_many_and_how_they_were_chosen() -> None:
    extraction = propose_candidates(long_german_page(), language_hint="de")
    assert extraction.note == (
        "25 of 320 sentences in de kept as candidates, unscored: no check-worthiness model for "
        "de (the models read Dutch, English and Spanish only); chosen by numbers, "
        "quotations, names and reporting verbs, at most 25 per article."
    )


def test_the_cap_is_a_setting(settings: Any) -> None:
    settings.UNSCORED_CANDIDATES_PER_ARTICLE = 5
    extraction = propose_candidates(long_german_page(), language_hint="de")
    assert [c.text for c in extraction.candidates] == NUMBERS[:5]
    assert extraction.note.startswith("5 of 320 sentences in de kept as candidates")


def test_a_short_page_keeps_every_sentence_and_says_they_are_unscored() -> None:
    text = " ".join(FILLER[:3] + NUMBERS[:1])
    extraction = propose_candidates(text, language_hint="de")
    assert len(extraction.candidates) == 4
    assert extraction.note == (
        "Sentences in de are proposed unscored: no check-worthiness model for de "
        "(the models read Dutch, English and Spanish only)."
    )


def test_english_sentences_are_scored_whatever_the_cap(settings: Any) -> None:
    settings.UNSCORED_CANDIDATES_PER_ARTICLE = 1
    english = "Unemployment fell to 3.5 percent in 2019, the lowest rate in fifty years."
    extraction = propose_candidates(f"{english}\n\n{long_german_page()}")
    scored = [c for c in extraction.candidates if c.scored_by == load_model().name]
    assert [c.text for c in scored] == [english]
    assert len(extraction.candidates) == 2


@pytest.mark.parametrize(
    ("sentence", "language", "kinds"),
    [
        ("Инфляция в марте составила 7,4 процента, сообщил Росстат.", "ru",
         {"number", "name", "reporting"}),
        ("«Мы не повышали налоги», — заявил министр финансов.", "ru", {"quotation", "reporting"}),
        ("ارتفع عدد السكان إلى ٥٠ مليون نسمة هذا العام.", "ar", {"number"}),
        ("Le pain a augmenté de 12 € selon l’Insee.", "fr", {"number", "name", "reporting"}),
        ("Die Stimmung in der Stadt war ruhig.", "de", set()),  # German nouns are not names
        ("Die Deutsche Bahn meldet Verspätungen.", "de", {"name"}),
        ("C’était une belle journée au bord du lac.", "fr", set()),
        ("Het weer was goed en iedereen was blij.", "nl", set()),
        ("De EU kondigde nieuwe regels aan.", "nl", {"name"}),
    ],
)  # fmt: skip
def test_signals_that_work_in_any_language(sentence: str, language: str, kinds: set[str]) -> None:
    assert signals(sentence, language).kinds == kinds


def test_the_article_says_so_and_the_editor_shows_them_unscored(
    make_article: Callable[..., Article], editor: User
) -> None:
    article = make_article(long_german_page(), language="de-DE")
    assert claims_propose(article_id=article.id) == 25
    article.refresh_from_db()
    assert article.candidates_note.startswith("25 of 320 sentences in de kept as candidates")
    assert Claim.objects.filter(article=article, scored_by="", checkworthiness=0).count() == 25

    client = Client()
    client.force_login(editor)
    html = client.get(f"/admin/claims/article/{article.id}/claims/").content.decode()
    assert article.candidates_note in html
    assert html.count('<div class="help">not scored: no model for this language</div>') == 25
    assert 'class="claim-mark cw-unscored"' in html
    assert "· not scored: no model for this language" in html  # a highlight's title


def test_the_claims_page_says_it_is_not_scored(
    make_article: Callable[..., Article], editor: User
) -> None:
    article = make_article(" ".join(NUMBERS[:2]), language="de")
    claims_propose(article_id=article.id)
    claim = Claim.objects.filter(article=article).first()
    assert claim is not None
    client = Client()
    client.force_login(editor)
    html = client.get(f"/admin/claims/claim/{claim.id}/change/").content.decode()
    assert "not scored: no model for this language" in html
    assert "check-worthiness 0.00" not in html
