"""From a size on, the index finds the nearest vectors through an HNSW graph instead of
comparing every one: it must find the same matches as the exact search, follow additions,
replacements and removals, and be rebuilt by a worker from the stored vectors."""

from typing import Any

import numpy as np
import pytest

from claims.matching.claimreviews import Found
from claims.matching.engine import POSSIBLE_MATCH_THRESHOLD, Hit, MatchIndex, embed
from claims.matching.engine.checkthat import read_corpus, read_queries
from claims.matching.engine.vectors import VectorIndex
from claims.matching.follower import IndexFollower
from claims.matching.imports import external_review_import
from claims.matching.services import external_reviews_index
from claims.models import ExternalReview
from tests.conftest import shared_file

DATA = "data/claim-matching"
STORED = 1000
QUERIES = 40


@pytest.fixture(scope="module")
def archive() -> tuple[list[tuple[str, str]], np.ndarray, list[str]]:
    """A thousand real fact-checked claims with their vectors, and real tweets to match."""
    data = shared_file(DATA)
    rows = read_corpus(data / "verified_claims.docs.tsv")[:STORED]
    items = [(f"snopes:{row.id}", row.text) for row in rows]
    tweets = [row.text for row in read_queries(data / "dev" / "tweets.queries.tsv")][:QUERIES]
    return items, embed([text for _, text in items]), tweets


def both_indexes(
    items: list[tuple[str, str]], vectors: np.ndarray
) -> tuple[MatchIndex, MatchIndex]:
    exact = MatchIndex(exact_below=len(items) + 1)
    approximate = MatchIndex(exact_below=10)
    for index in (exact, approximate):
        index.add_many(items, vectors)
    return exact, approximate


def suggested(hits: list[Hit]) -> list[tuple[str, float]]:
    """What an editor would be shown: the hits from the threshold on, scores to 3 places."""
    return [(hit.key, round(hit.score, 3)) for hit in hits if hit.score >= POSSIBLE_MATCH_THRESHOLD]


def same_matches(approximate: list[Hit], exact: list[Hit]) -> bool:
    """The same suggestions, in order. Below the threshold the graph may bring up another
    near-zero candidate (it is approximate, and built on several threads), which nobody sees."""
    return suggested(approximate) == suggested(exact)


def test_the_graph_finds_the_same_matches_as_the_exact_search(archive: Any) -> None:
    items, vectors, tweets = archive
    exact, approximate = both_indexes(items, vectors)
    assert approximate.approximate and not exact.approximate

    found = [(approximate.search(tweet), exact.search(tweet)) for tweet in tweets]
    assert all(same_matches(*pair) for pair in found)
    assert any(suggested(exact_hits) for _, exact_hits in found)  # there were some to find


def test_the_graph_follows_additions_replacements_and_removals(archive: Any) -> None:
    items, vectors, tweets = archive
    exact, approximate = both_indexes(items[:-100], vectors[:-100])
    for index in (exact, approximate):
        index.add_many(items[-100:], vectors[-100:])  # added after the graph was built
        for key, _ in items[:300:3]:
            index.discard(key)
        index.add(items[1][0], "Eating carrots improves your night vision.")  # replaced

    assert approximate.approximate and len(approximate) == len(exact) == STORED - 100
    removed = {key for key, _ in items[:300:3]}
    for tweet in tweets:
        found = approximate.search(tweet)
        assert same_matches(found, exact.search(tweet)), tweet
        assert not removed & {hit.key for hit in found}
    assert approximate.search("carrots make you see in the dark")[0].key == items[1][0]


def test_below_the_size_the_search_is_exact_and_the_graph_is_built_once_reached() -> None:
    vectors = embed(["one claim about bridges", "another claim about taxes", "a third one"])
    index = VectorIndex(vectors.shape[1], exact_below=3)
    for slot in (0, 1):
        index.put(slot, vectors[slot])
    index.link()
    assert not index.approximate

    index.put(2, vectors[2])
    index.link()
    assert index.approximate
    assert list(index.nearest(vectors[1], 1)) == [1]
    index.remove(1)
    assert not index.approximate  # fewer than the size again: exact, the graph kept
    assert 1 not in index.nearest(vectors[1], 3)


def review(text: str, number: int) -> ExternalReview:
    found = Found(
        {"url": f"https://checkers.example/{number}", "claimReviewed": text, "author": "Desk"}, {}
    )
    stored, _ = external_review_import(found=found, source="test", user=None)
    external_reviews_index(review_ids=[stored.id])
    return stored


@pytest.mark.django_db
def test_a_worker_rebuilds_the_graph_from_the_stored_vectors_and_follows_it(
    settings: Any,
) -> None:
    settings.MATCH_EXACT_SEARCH_BELOW = 3
    texts = [
        "The Harbour Street bridge in Riverton cost 400 million dollars.",
        "The flu vaccine given at Riverton schools contains mercury.",
        "Riverton's mayor has banned dogs from every public park.",
        "Riverton's river water is unsafe to drink, a viral post says.",
    ]
    stored = [review(text, number) for number, text in enumerate(texts[:3])]

    follower = IndexFollower()  # as a worker starts: built from the table
    assert follower.refresh() == 3
    assert follower.index.approximate
    assert follower.search(texts[1], top=1)[0].key == f"review:{stored[1].id}"

    later = review(texts[3], 3)
    assert follower.refresh() == 1
    assert follower.search("is the river water safe to drink", top=1)[0].key == (
        f"review:{later.id}"
    )
    exact = IndexFollower()
    exact.index = MatchIndex(exact_below=100)
    exact.refresh()
    for text in texts:
        assert follower.search(text, top=4) == exact.search(text, top=4)
