"""Checked before? weighs the headline of a published check: the claim's match entry takes
the headline when a version is published or corrected, and the sweep catches a lost update."""

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import User

from claims.extraction.services import claim_accept
from claims.matching import follower
from claims.matching.claimreviews import Found
from claims.matching.engine import embed
from claims.matching.imports import external_review_import
from claims.matching.services import claim_headline_index, claim_match, external_reviews_index
from claims.models import Claim, MatchEntry
from claims.sweep import stuck_work_requeue
from reviewers.models import Review
from reviewers.services import review_correct

pytestmark = pytest.mark.django_db

BRIDGE = "The new Harbour Street bridge in Riverton cost taxpayers 400 million dollars."
HEADLINE = "Did Riverton's Harbour Street bridge cost $400 million?"
CORRECTED = "No, Riverton's Harbour Street bridge did not cost $400 million"


@pytest.fixture(autouse=True)
def fresh_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(follower, "_process_followers", {})
    yield


def entry_of(review: Review) -> MatchEntry:
    return MatchEntry.objects.get(claim_id=review.claim_id)


def headline_vector(entry: MatchEntry) -> np.ndarray:
    vector = entry.headline_array()
    assert vector is not None
    return vector


def test_a_claim_matched_after_publication_is_indexed_with_its_headline(
    publish_check: Callable[..., Review],
) -> None:
    review = publish_check(BRIDGE, headline=HEADLINE)
    claim_match(claim_id=review.claim_id)

    entry = entry_of(review)
    assert (entry.text, entry.headline, entry.target) == (BRIDGE, HEADLINE, True)
    assert np.allclose(headline_vector(entry), embed([HEADLINE])[0], atol=1e-5)


def test_publishing_asks_for_the_headline_to_be_indexed(
    publish_check: Callable[..., Review], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        review = publish_check(BRIDGE, headline=HEADLINE)

    refreshes = [
        callback.args
        for callback in enqueued
        if getattr(callback.func, "__self__", None) is not None
        and callback.func.__self__.name == "claims.tasks.refresh_match_headline"
    ]
    assert refreshes == [(review.claim_id,)]


def test_a_correction_gives_the_entry_its_new_headline_as_a_new_row(
    publish_check: Callable[..., Review], chief_editor: User
) -> None:
    review = publish_check(BRIDGE, headline=HEADLINE)
    claim_match(claim_id=review.claim_id)
    before = entry_of(review)

    review_correct(review=review, corrector=chief_editor, note="Sharper", headline=CORRECTED)
    assert claim_headline_index(claim_id=review.claim_id) is True

    after = entry_of(review)
    assert after.id > before.id  # new rows are how every worker's index notices
    assert (after.text, after.headline) == (BRIDGE, CORRECTED)
    assert bytes(after.vector) == bytes(before.vector)  # the text is not encoded again
    assert np.allclose(headline_vector(after), embed([CORRECTED])[0], atol=1e-5)
    assert claim_headline_index(claim_id=review.claim_id) is False  # nothing left to do


def test_a_claim_not_matched_yet_waits_for_matching(
    publish_check: Callable[..., Review],
) -> None:
    review = publish_check(BRIDGE, headline=HEADLINE)
    assert claim_headline_index(claim_id=review.claim_id) is False
    assert not MatchEntry.objects.filter(claim_id=review.claim_id).exists()


def test_the_sweep_enqueues_a_headline_update_that_was_lost(
    publish_check: Callable[..., Review], django_capture_on_commit_callbacks: Any
) -> None:
    review = publish_check(BRIDGE, headline=HEADLINE)
    claim_match(claim_id=review.claim_id)
    MatchEntry.objects.filter(claim_id=review.claim_id).update(headline="", headline_vector=None)

    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert stuck_work_requeue() == 1
    assert [callback.args for callback in enqueued] == [(review.claim_id,)]

    claim_headline_index(claim_id=review.claim_id)
    assert entry_of(review).headline == HEADLINE
    assert stuck_work_requeue() == 0


def test_another_fact_checkers_review_is_indexed_with_its_headline() -> None:
    found = Found(
        {
            "@type": "ClaimReview",
            "url": "https://checkers.example/bridge",
            "claimReviewed": BRIDGE,
            "headline": HEADLINE,
            "author": {"name": "Checkers United"},
            "reviewRating": {"alternateName": "False"},
        },
        {},
    )
    review, _ = external_review_import(found=found, source="reviews.jsonl", user=None)
    external_reviews_index(review_ids=[review.id])

    entry = MatchEntry.objects.get(external=review)
    assert entry.headline == HEADLINE
    assert np.allclose(headline_vector(entry), embed([HEADLINE])[0], atol=1e-5)
    [candidate] = follower.process_index().index.retrieve("The bridge cost 400 million.")
    assert candidate.key == f"review:{review.id}"
    assert candidate.signals.headline_cosine is not None


def test_a_claim_without_a_published_check_has_no_headline(
    make_article: Callable[..., Any], editor: User
) -> None:
    article = make_article(BRIDGE)
    claim = Claim.objects.create(article=article, text=BRIDGE, checkworthiness=0.7)
    claim_accept(claim=claim, user=editor)
    claim_match(claim_id=claim.id)

    entry = MatchEntry.objects.get(claim=claim)
    assert (entry.headline, entry.headline_vector) == ("", None)
