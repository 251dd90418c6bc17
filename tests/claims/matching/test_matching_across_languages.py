"""Checked before?, across languages: a claim in a language the multilingual encoder reads
finds our check, an earlier claim or another fact-checker's review written in another
language, in the same match list, with the same score and thresholds; a claim in a language
it does not read is told that its list is limited to its own language."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.extraction.services import claim_accept
from claims.matching import follower
from claims.matching.engine import multilingual
from claims.matching.services import (
    possible_threshold,
    same_claim_threshold,
    similar_claims,
    stale_entries_refresh,
)
from claims.models import Claim, MatchEntry
from tests.claims.matching.conftest import imported_review
from tests.claims.matching.crosslingual import CHECKS, LANGUAGES, measure
from tests.conftest import shared_file

pytestmark = pytest.mark.django_db

CORPUS = "data/claim-matching/verified_claims.docs.tsv"
BRIDGE = CHECKS[0]
LEMON = CHECKS[1]
MASTS = CHECKS[2]
UNRELATED = "The Riverton marathon will start at 7 a.m. on Sunday near the town hall."


@pytest.fixture
def checked(
    new_claim: Callable[..., Claim], matched: Callable[[Claim], Claim], editor: User
) -> Callable[..., Claim]:
    """An earlier claim of ours, accepted and matched: a match target."""

    def make(text: str, language: str = "en") -> Claim:
        return matched(claim_accept(claim=new_claim(text, language=language), user=editor))

    return make


def test_a_russian_claim_finds_our_english_check(
    checked: Callable[..., Claim], new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    bridge = checked(BRIDGE.claim)
    checked(LEMON.claim)
    checked(MASTS.claim)

    claim = matched(new_claim(BRIDGE.translations["ru"], language="ru"))

    assert claim.matching == Claim.Matching.DONE and claim.matching_note == ""
    match = claim.matches.get()
    assert (match.matched_claim, match.rank, match.status) == (bridge, 1, "suggested")
    assert possible_threshold() <= match.score <= 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_claim_in_each_language_finds_our_english_check_first(
    language: str,
    checked: Callable[..., Claim],
    new_claim: Callable[..., Claim],
    matched: Callable[..., Claim],
) -> None:
    ours = [checked(check.claim) for check in CHECKS[:6]]

    claim = matched(new_claim(CHECKS[4].translations[language], language=language))

    best = claim.matches.order_by("rank").first()
    assert best is not None and best.matched_claim == ours[4]
    assert best.score >= possible_threshold()


def test_a_german_claim_finds_another_fact_checkers_english_review(
    new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    review = imported_review(
        LEMON.claim, "https://checkers.example/lemon", language="en", headline=LEMON.headline
    )
    imported_review(
        MASTS.claim, "https://checkers.example/masts", language="en", headline=MASTS.headline
    )
    imported_review(
        BRIDGE.claim, "https://checkers.example/bridge", language="en", headline=BRIDGE.headline
    )

    claim = matched(new_claim(LEMON.translations["de"], language="de-AT"))

    match = claim.matches.get()
    assert (match.matched_external, match.matched_claim) == (review, None)
    assert match.score >= same_claim_threshold()  # shown as "likely the same claim"


def test_an_english_claim_finds_a_french_review_the_other_way_round(
    new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    review = imported_review(MASTS.translations["fr"], "https://verif.example/5g", language="fr")
    imported_review(LEMON.translations["fr"], "https://verif.example/citron", language="fr")
    imported_review(BRIDGE.translations["fr"], "https://verif.example/pont", language="fr")

    claim = matched(new_claim("Phone masts for 5G are spreading COVID, a viral post says."))

    assert claim.matches.get().matched_external == review


def test_an_arabic_claim_finds_our_english_check_among_the_evidence_we_checked_before(
    checked: Callable[..., Claim], new_claim: Callable[..., Claim], editor: User
) -> None:
    bridge = checked(BRIDGE.claim)
    checked(LEMON.claim)
    claim = claim_accept(claim=new_claim(BRIDGE.translations["ar"], language="ar"), user=editor)

    assert list(similar_claims(claim)) == [bridge.id]  # what the "our checks" provider asks


def test_a_thai_claim_finds_our_english_check(
    checked: Callable[..., Claim], new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    # Thai is one of the encoder's languages (its model card), so it is matched across.
    bridge = checked(BRIDGE.claim)
    checked(LEMON.claim)
    thai = "สะพานใหม่บนถนนฮาร์เบอร์ในริเวอร์ตันทำให้ผู้เสียภาษีต้องจ่าย 400 ล้านดอลลาร์"

    claim = matched(new_claim(thai, language="th"))

    assert claim.matching_note == ""
    assert claim.matches.get().matched_claim == bridge


def test_a_hindi_claim_is_told_the_list_is_limited_to_its_language(
    checked: Callable[..., Claim], new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    checked(BRIDGE.claim)
    hindi = "रिवरटन में हार्बर स्ट्रीट के नए पुल पर करदाताओं के 400 मिलियन डॉलर खर्च हुए।"

    claim = matched(new_claim(hindi, language="hi"))

    assert claim.matching == Claim.Matching.DONE
    notice = "Matches are limited to texts in the claim's language (hi)"
    assert claim.matching_note.startswith(notice)
    assert "reads ar, de, en, es, fr" in claim.matching_note and "not hi" in claim.matching_note
    # (the editor's view shows it: test_claim_matching.py)


def test_a_claim_in_a_language_it_reads_gets_no_notice_and_no_unrelated_match(
    checked: Callable[..., Claim], new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    checked(BRIDGE.claim)
    checked(LEMON.claim)
    checked(MASTS.claim)
    spanish = (
        "El maratón de Riverton empezará el domingo a las 7 de la mañana junto al ayuntamiento."
    )

    claim = matched(new_claim(spanish, language="es"))

    assert claim.matching == Claim.Matching.DONE and claim.matching_note == ""
    assert not claim.matches.exists()


def test_two_english_claims_are_still_compared_by_the_english_matcher(
    checked: Callable[..., Claim], new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    bridge = checked(BRIDGE.claim)
    paraphrase = "Riverton spent $400 million of public money on the Harbour Street bridge."
    index = follower.process_index()
    [english_hit] = index.index.search(paraphrase, top=1)

    claim = matched(new_claim(paraphrase))

    match = claim.matches.get()
    assert match.matched_claim == bridge and match.score == english_hit.score


def test_every_target_and_claim_stores_both_vectors_and_its_language(
    checked: Callable[..., Claim], new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    bridge = checked(BRIDGE.claim, language="en-GB")
    hindi = matched(new_claim("यह एक परीक्षण दावा है जिसमें 400 शब्द हैं।", language="hi"))
    review = imported_review(LEMON.translations["nl"], "https://check.example/nl", language="nl")

    english, dutch = MatchEntry.objects.get(claim=bridge), MatchEntry.objects.get(external=review)
    assert (english.language, english.multilingual_model_name) == ("en", multilingual.MODEL_NAME)
    assert (dutch.language, dutch.multilingual_model_name) == ("nl", multilingual.MODEL_NAME)
    vector = dutch.multilingual_array()
    assert vector is not None and vector.shape == (multilingual.DIMENSIONS,)
    unread = MatchEntry.objects.get(claim=hindi)
    assert (unread.language, unread.multilingual_model_name) == ("hi", "")
    assert unread.multilingual_vector is None


def test_entries_stored_before_are_given_their_multilingual_vectors(
    checked: Callable[..., Claim], new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    bridge = checked(BRIDGE.claim)
    before = MatchEntry.objects.get(claim=bridge)
    # As the table was before this feature: English vectors only, no language.
    MatchEntry.objects.filter(id=before.id).update(
        language="", multilingual_model_name="", multilingual_vector=None
    )
    follower._process_followers.clear()

    assert stale_entries_refresh() == 1  # the task the sweep enqueues for stale entries

    after = MatchEntry.objects.get(claim=bridge)
    assert after.id > before.id  # a new row, which every worker's index follows
    assert bytes(after.vector) == bytes(before.vector)  # the English vector was kept
    assert after.multilingual_model_name == multilingual.MODEL_NAME
    assert stale_entries_refresh() == 0
    claim = matched(new_claim(BRIDGE.translations["es"], language="es"))
    assert claim.matches.get().matched_claim == bridge


@pytest.fixture(scope="module")
def recall() -> dict[str, Any]:
    """The translated claims measured among a thousand real claims (crosslingual.measure)."""
    return measure(shared_file(CORPUS), distractors=1000)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translated_claims_find_our_english_checks_among_a_thousand_real_claims(
    recall: dict[str, Any], language: str
) -> None:
    found = recall["claim_in_language_finds_english_check"][language]
    assert found["top_hit"] >= 0.95
    assert found["above_possible"] >= 0.95
    assert found["top_hit_above_same_claim"] >= 0.6
    assert found["check_absent_hit_above_same_claim"] <= 0.05


@pytest.mark.parametrize("language", LANGUAGES)
def test_english_claims_find_checks_written_in_each_language(
    recall: dict[str, Any], language: str
) -> None:
    found = recall["english_claim_finds_check_in_language_without_headline"][language]
    assert found["in_top_5"] >= 0.9
    assert found["above_possible"] >= 0.9
