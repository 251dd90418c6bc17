"""Matching for readers' tips (claims/matching/lookup.py): a tip is compared with each
earlier tip by the matcher that compares their two languages, as claims are, and is the
same claim only from the same-claim threshold."""

import pytest

from claims.matching import engine
from claims.matching.engine import multilingual
from claims.matching.lookup import Stored, same_claim_as, text_language, text_vectors
from claims.matching.services import same_claim_threshold
from tests.claims.matching.crosslingual import LEMON_FLU_TIPS, LEMON_SLIMMING_TIP

LIBRARIES = [
    "Someone on Facebook says the council is closing all the public libraries next year "
    "to save money.",
    "Is the council really shutting every public library in town next year to cut costs?",
]
UKRAINIAN = "Кажуть, що міська рада наступного року закриє всі публічні бібліотеки заради економії."


def stored(key: int, text: str) -> Stored:
    language = text_language(text)
    return Stored(key, text, language, text_vectors(text, language))


def same_as(text: str, earlier: list[Stored]) -> int | None:
    language = text_language(text)
    return same_claim_as(text, text_vectors(text, language), language, earlier)


def test_a_tips_language_is_detected_and_read_by_the_encoder_that_reads_it() -> None:
    assert [text_language(LEMON_FLU_TIPS[code]) for code in ("en", "es", "de")] == [
        "en",
        "es",
        "de",
    ]
    assert text_language(UKRAINIAN) == "uk"
    assert text_vectors(LEMON_FLU_TIPS["es"], "es").multilingual is not None
    assert text_vectors(UKRAINIAN, "uk").multilingual is None


@pytest.mark.parametrize("language", ["es", "de"])
def test_a_tip_is_the_same_claim_as_an_earlier_one_in_another_language(language: str) -> None:
    earlier = [stored(1, LEMON_FLU_TIPS["en"]), stored(2, LEMON_SLIMMING_TIP)]

    assert same_as(LEMON_FLU_TIPS[language], earlier) == 1


def test_two_spanish_tips_are_compared_in_the_multilingual_space() -> None:
    """The English matcher alone takes these two for one claim: they share most words."""
    earlier = [stored(1, LEMON_FLU_TIPS["es"])]
    text = LEMON_SLIMMING_TIP
    index = engine.MatchIndex()
    index.add_many([("1", LEMON_FLU_TIPS["es"])])
    [english_hit] = index.search(text, top=1)
    assert english_hit.score >= same_claim_threshold()

    assert same_as(text, earlier) is None


def test_two_english_tips_are_still_compared_by_the_english_matcher() -> None:
    """The multilingual matcher alone would not take these two for one claim."""
    earlier = [stored(1, LIBRARIES[0])]
    index = multilingual.MultilingualIndex()
    index.add_many([("1", LIBRARIES[0])])
    [multilingual_hit] = index.search(LIBRARIES[1], top=1)
    assert multilingual_hit.score < same_claim_threshold()

    assert same_as(LIBRARIES[1], earlier) == 1
