"""Matching finds the earlier claim a new text repeats, and says how sure it is."""

import numpy as np
import pytest

from claims.matching.engine import (
    DIMENSIONS,
    MODEL_NAME,
    POSSIBLE_MATCH_THRESHOLD,
    SAME_CLAIM_THRESHOLD,
    Hit,
    MatchIndex,
    embed,
)
from claims.matching.engine.checkthat import read_corpus
from claims.matching.engine.text import clean
from tests.conftest import shared_file

EARLIER_CLAIMS = {
    "claim:1": "The measles vaccine causes autism in children.",
    "claim:2": "Barack Obama was born in Kenya.",
    "claim:3": "70 percent of the protesters arrested in Charlotte had out-of-state IDs.",
    "claim:4": "Drinking a hot cup of water every 15 minutes kills the coronavirus.",
    "claim:5": "NASA admitted that the 1969 Moon landing was filmed in a studio.",
    "external:7": "Pope Francis endorsed Donald Trump for president.",
    "external:8": "Eating carrots improves your night vision.",
}


CORPUS = "data/claim-matching/verified_claims.docs.tsv"
OTHER_CLAIMS = 1000
SAME_AS_OURS = {"1", "937"}  # Snopes' Charlotte-IDs and Obama-born-in-Kenya claims


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    """Our claims among a thousand real fact-checked ones, as in a newsroom's archive."""
    index = MatchIndex()
    corpus = read_corpus(shared_file(CORPUS))
    others = [row for row in corpus[:OTHER_CLAIMS] if row.id not in SAME_AS_OURS]
    index.add_many([(f"snopes:{row.id}", row.text) for row in others])
    index.add_many(list(EARLIER_CLAIMS.items()))
    return index


def test_embed_returns_one_unit_float32_row_per_text() -> None:
    vectors = embed(["Vaccines cause autism.", "Vaccines do not cause autism at all."])
    assert vectors.shape == (2, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embed([]).shape == (0, DIMENSIONS)
    assert MODEL_NAME.startswith("all-MiniLM-L6-v2")


def test_embed_puts_paraphrases_closer_than_other_claims() -> None:
    original, paraphrase, other = embed(
        [EARLIER_CLAIMS["claim:2"], "Obama's birthplace is Kenya", "Carrots help you see at night."]
    )
    assert original @ paraphrase > 0.7 > original @ other


def test_a_paraphrase_ranks_its_original_first(index: MatchIndex) -> None:
    hits = index.search(
        "BREAKING: Obama was actually born in Kenya!! #birther https://t.co/abc"
        " — Jo (@jo) May 1, 2016"
    )
    assert hits[0].key == "claim:2"
    assert hits[0].score >= SAME_CLAIM_THRESHOLD
    hits = index.search("hot water every quarter hour flushes out the corona virus, doctors say")
    assert hits[0].key == "claim:4"
    assert hits[0].score >= POSSIBLE_MATCH_THRESHOLD


def test_hits_come_best_first_with_probabilities(index: MatchIndex) -> None:
    hits = index.search("Pope endorses Trump", top=3)
    assert len(hits) == 3 and hits[0] == Hit(key="external:7", score=hits[0].score)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert all(0.0 <= hit.score <= 1.0 for hit in hits)


def test_an_unrelated_claim_scores_below_the_possible_match_threshold(index: MatchIndex) -> None:
    for text in (
        "The city council approved a new budget for road repairs on Tuesday.",
        "Unemployment in Germany fell to 5 percent in 2019.",
        "Obama signed the Affordable Care Act in 2010.",  # same person, another claim
    ):
        hits = index.search(text)
        assert hits and hits[0].score < POSSIBLE_MATCH_THRESHOLD, (text, hits)


@pytest.mark.parametrize(
    "unrelated",
    [
        "Vaccines cause autism in children.",
        "The mayor was born in Canada.",
        "Unemployment in Germany fell to 5 percent in 2019.",
    ],
)
def test_a_newsrooms_only_claim_is_not_suggested_for_an_unrelated_one(unrelated: str) -> None:
    """Alone in the index a claim is always "the best" candidate; that is not a match."""
    index = MatchIndex()
    index.add("claim:1", "The Harbour Street bridge cost 400 million dollars.")

    [hit] = index.search(unrelated)

    assert hit.score < POSSIBLE_MATCH_THRESHOLD
    assert index.search("The bridge on Harbour Street cost $400m")[0].score >= SAME_CLAIM_THRESHOLD


def test_thresholds_are_ordered_probabilities() -> None:
    assert 0.0 < POSSIBLE_MATCH_THRESHOLD < SAME_CLAIM_THRESHOLD < 1.0


def test_the_index_follows_additions_replacements_and_removals() -> None:
    index = MatchIndex()
    assert len(index) == 0 and index.search("Obama was born in Kenya") == []
    index.add("claim:1", EARLIER_CLAIMS["claim:1"])
    index.add("claim:2", EARLIER_CLAIMS["claim:2"])
    assert len(index) == 2 and "claim:2" in index
    assert index.search("Obama was born in Kenya")[0].key == "claim:2"

    index.add("claim:2", "Eating carrots improves your night vision.")  # edited: replaced
    assert len(index) == 2
    assert index.search("carrots make you see in the dark")[0].key == "claim:2"
    old_text = [hit for hit in index.search("Obama was born in Kenya") if hit.key == "claim:2"]
    assert old_text and old_text[0].score < POSSIBLE_MATCH_THRESHOLD

    index.discard("claim:2")
    index.discard("claim:404")  # unknown keys are ignored
    assert len(index) == 1 and "claim:2" not in index
    assert [hit.key for hit in index.search("carrots make you see in the dark")] == ["claim:1"]
    index.add("claim:3", EARLIER_CLAIMS["claim:3"])  # reuses the freed slot
    assert index.search("Charlotte protesters from out of state")[0].key == "claim:3"


def test_a_stored_vector_is_used_instead_of_encoding_again() -> None:
    vectors = embed(list(EARLIER_CLAIMS.values()))
    from_vectors, from_texts = MatchIndex(), MatchIndex()
    from_vectors.add_many(list(EARLIER_CLAIMS.items()), vectors)
    from_texts.add_many(list(EARLIER_CLAIMS.items()))
    query = "the moon landings were faked in a film studio"
    assert [hit.key for hit in from_vectors.search(query)] == [
        hit.key for hit in from_texts.search(query)
    ]
    assert from_texts.search(query, vector=embed([query])[0]) == from_texts.search(query)
    single = MatchIndex()
    single.add("claim:5", EARLIER_CLAIMS["claim:5"], vectors[4])
    assert single.search(query)[0].key == "claim:5"
    with pytest.raises(ValueError, match="shape"):
        single.add("claim:6", "Some text.", np.zeros(DIMENSIONS + 1, dtype=np.float32))
    with pytest.raises(ValueError, match="shape"):
        single.add_many([("a", "one"), ("b", "two")], vectors[:1])


@pytest.mark.parametrize(
    "text", ["", "   ", "https://t.co/abc", "😀😀", "RT @someone:", "the of and"]
)
def test_a_text_without_words_matches_nothing(index: MatchIndex, text: str) -> None:
    assert index.search(text) == []


def test_a_one_word_query_is_never_a_same_claim(index: MatchIndex) -> None:
    for word in ("Obama", "vaccine", "carrots", "x"):
        hits = index.search(word)
        assert all(hit.score < SAME_CLAIM_THRESHOLD for hit in hits), (word, hits)


def test_a_very_long_text_is_cut_not_refused(index: MatchIndex) -> None:
    long_text = "Obama was born in Kenya. " + "The weather was fine and people walked. " * 5000
    hits = index.search(long_text)
    assert hits and hits[0].key == "claim:2"
    index.add("claim:long", long_text)
    index.discard("claim:long")


def test_other_languages_are_matched_without_crashing(index: MatchIndex) -> None:
    for text in (
        "Der Impfstoff gegen Masern verursacht Autismus bei Kindern.",
        "El papa Francisco apoyó a Donald Trump para presidente.",
        "奥巴马出生在肯尼亚。",
        "أوباما ولد في كينيا",
    ):
        for hit in index.search(text):
            assert 0.0 <= hit.score <= 1.0


def test_tweets_are_cleaned_to_their_claim_and_author() -> None:
    tweet = (
        "RT @news: Vaccines cause #AutismEpidemic 😡 https://t.co/xYz pic.twitter.com/Abc "
        "@CDCgov — Jane Doe (@janedoe) March 3, 2019"
    )
    assert clean(tweet) == "Vaccines cause Autism Epidemic CDCgov Jane Doe"
