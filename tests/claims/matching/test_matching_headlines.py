"""A check's headline helps find it: people post claims worded like the headlines of the
checks that answer them ("Did Republicans vote to ...?")."""

from dataclasses import dataclass

import numpy as np
import pytest

from claims.matching.engine import MatchIndex, embed
from claims.matching.engine.checkthat import Row, read_corpus
from claims.matching.engine.lexical import BM25Index
from tests.conftest import shared_file

CORPUS = "data/claim-matching/verified_claims.docs.tsv"
OTHER_CLAIMS = 1000
# Two dev tweets of CheckThat! 2020 and the Snopes claim each repeats: the claims are
# worded unlike the tweets, the headlines almost like them.
TWEETS = {
    "662": "Breaking News: Republicans vote to make it legal nationwide to ban gays & lesbians "
    "from adopting. https://t.co/6yIxlaysnc — BEN PATRICK JOHNSON (@benpatrick90069) "
    "July 12, 2018",
    "352": "Clinton Foundation Honors Wife of Palestinian Terrorist https://t.co/JUpxDiDpuh — "
    "ARnews 1936 (@ARnews1936) September 20, 2016",
}


@dataclass(frozen=True)
class Archive:
    """The archive's claims with their texts' and headlines' vectors, encoded once for the
    module: each test builds the indexes it compares from the same vectors."""

    rows: list[Row]
    vectors: np.ndarray
    headline_vectors: np.ndarray


@pytest.fixture(scope="module")
def archive() -> Archive:
    rows = read_corpus(shared_file(CORPUS))
    rows = rows[:OTHER_CLAIMS] + [row for row in rows if row.id in TWEETS]
    return Archive(rows, embed([row.text for row in rows]), embed([row.title for row in rows]))


def indexed(archive: Archive, *, headlines: bool) -> MatchIndex:
    index = MatchIndex()
    index.add_many(
        [(row.id, row.text) for row in archive.rows],
        archive.vectors,
        headlines=[row.title if headlines else "" for row in archive.rows],
        headline_vectors=archive.headline_vectors,
    )
    return index


@pytest.fixture(scope="module")
def with_headlines(archive: Archive) -> MatchIndex:
    return indexed(archive, headlines=True)


@pytest.fixture(scope="module")
def texts_only(archive: Archive) -> MatchIndex:
    return indexed(archive, headlines=False)


@pytest.mark.parametrize("claim_id", sorted(TWEETS))
def test_the_checks_headline_brings_its_claim_to_the_top(
    claim_id: str, with_headlines: MatchIndex, texts_only: MatchIndex
) -> None:
    headlined = with_headlines.search(TWEETS[claim_id], top=5)
    assert headlined[0].key == claim_id
    plain = {hit.key: hit.score for hit in texts_only.search(TWEETS[claim_id], top=20)}
    assert headlined[0].score > plain.get(claim_id, 0.0)


def test_headlines_count_only_when_every_candidate_has_one(archive: Archive) -> None:
    # One earlier claim of ours without a check, on the same topic: its lack of a headline
    # must not make the headlined ones win on headline signals alone.
    ours = ("claim:1", "Republicans voted to let adoption agencies turn away gay couples.")
    mixed = indexed(archive, headlines=True)
    mixed.add(*ours)
    plain = indexed(archive, headlines=False)
    plain.add(*ours)
    assert mixed.search(TWEETS["662"], top=5) == plain.search(TWEETS["662"], top=5)


def test_the_index_follows_a_headline_added_changed_and_dropped() -> None:
    index = MatchIndex()
    index.add("review:1", "Pope Francis endorsed Donald Trump for president.")
    index.add("review:2", "Eating carrots improves your night vision.", headline="Carrots")

    def headline_signals() -> dict[str, float | None]:
        found = index.retrieve("Did the Pope endorse Trump?")
        return {candidate.key: candidate.signals.headline_cosine for candidate in found}

    assert headline_signals()["review:1"] is None
    index.add(
        "review:1",
        "Pope Francis endorsed Donald Trump for president.",
        headline="Did Pope Francis Endorse Donald Trump?",
    )
    assert (headline_signals()["review:1"] or 0.0) > 0.7
    index.add("review:1", "Pope Francis endorsed Donald Trump for president.")
    assert headline_signals()["review:1"] is None
    index.discard("review:2")
    assert "review:2" not in headline_signals()


@pytest.mark.parametrize("headline", ["", "   ", "https://t.co/abc", "🙂"])
def test_a_headline_without_text_is_no_headline(headline: str) -> None:
    index = MatchIndex()
    index.add("review:1", "Pope Francis endorsed Donald Trump for president.", headline=headline)
    [candidate] = index.retrieve("The Pope endorsed Trump.")
    assert candidate.signals.headline_cosine is None


def test_headlines_must_go_with_the_items() -> None:
    with pytest.raises(ValueError, match="expected 2 headlines, got 1"):
        MatchIndex().add_many([("a", "One claim here."), ("b", "Another claim.")], headlines=["x"])


def test_headline_bm25_of_the_candidates_alone_equals_the_full_scoring() -> None:
    bm25 = BM25Index()
    texts = ["pope endorse trump", "trump tower fire", "carrot vision vision", "pope visit"]
    for slot, text in enumerate(texts):
        bm25.add(slot, text.split())
    query = ["pope", "trump", "vision"]
    assert np.allclose(bm25.scores_of(query, [3, 0, 2, 7]), [*bm25.scores(query, 4)[[3, 0, 2]], 0])
