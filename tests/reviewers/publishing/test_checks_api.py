"""Anyone can read published checks as JSON, each with its schema.org ClaimReview."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.extraction.services import claim_accept
from claims.models import Claim, Evidence
from reviewers.models import Rating, Review
from reviewers.services import review_approve, review_draft, review_publish, review_submit


def publish(
    claim: Claim, author: User, approver: User, evidence: Evidence, rating: str = "False"
) -> Review:
    review = review_draft(
        claim=claim,
        author=author,
        rating=Rating.objects.get(label=rating),
        headline=f"Verdict on claim {claim.id}",
        justification="Because of the evidence.",
        cited_evidence=[evidence],
    )
    review_submit(review=review, actor=author)
    review_approve(review=review, approver=approver)
    review_publish(review=review, publisher=approver)
    return review


@pytest.fixture
def published(
    accepted_claim: Claim, reviewer: User, chief_editor: User, make_evidence: Any
) -> Review:
    return publish(accepted_claim, reviewer, chief_editor, make_evidence(accepted_claim))


def test_anyone_lists_published_checks(published: Review, client_for: Any) -> None:
    response = client_for(None).get("/api/v1/checks/")
    assert response.status_code == 200
    [check] = response.json()["results"]
    assert check["id"] == published.id
    assert check["rating_label"] == "False"
    assert check["claimant"] == "A post on social media"


def test_unpublished_reviews_stay_private(
    accepted_claim: Claim, reviewer: User, client_for: Any
) -> None:
    review = review_draft(
        claim=accepted_claim, author=reviewer, rating=None, headline="", justification=""
    )
    assert client_for(None).get("/api/v1/checks/").json()["results"] == []
    assert client_for(None).get(f"/api/v1/checks/{review.id}/").status_code == 404


def test_detail_carries_complete_claim_review(
    published: Review, client_for: Any, settings: Any
) -> None:
    settings.PUBLISHER_NAME = "Riverton Fact Desk"
    body = client_for(None).get(f"/api/v1/checks/{published.id}/").json()
    claim_review = body["claim_review"]
    assert claim_review["@context"] == "https://schema.org"
    assert claim_review["@type"] == "ClaimReview"
    assert claim_review["url"] == f"http://127.0.0.1:8000/checks/{published.id}/"
    assert claim_review["claimReviewed"] == published.claim.text
    assert claim_review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 6,
        "worstRating": 1,
        "alternateName": "False",
    }
    assert claim_review["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "A post on social media"},
        "datePublished": "2026-10-12",
        "appearance": {"@type": "CreativeWork", "url": "https://news.example/bridge"},
    }
    assert claim_review["author"]["@type"] == "Organization"
    assert "datePublished" in claim_review and "dateModified" not in claim_review
    assert body["justification"] == "Because of the evidence."


def test_unscored_rating_is_named_not_numbered(
    accepted_claim: Claim, reviewer: User, chief_editor: User, client_for: Any, make_evidence: Any
) -> None:
    evidence = make_evidence(accepted_claim)
    review = publish(accepted_claim, reviewer, chief_editor, evidence, rating="Unverifiable")
    body = client_for(None).get(f"/api/v1/checks/{review.id}/").json()
    assert body["claim_review"]["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Unverifiable",
    }


def test_list_query_count_does_not_grow_with_page_size(
    make_article: Any,
    make_evidence: Any,
    editor: User,
    reviewer: User,
    chief_editor: User,
    client_for: Any,
) -> None:
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_for(None).get("/api/v1/checks/").status_code == 200
        return len(queries)

    def publish_one(number: int) -> None:
        article = make_article(f"Claim number {number} is about {number} bridges in town.")
        claim = Claim.objects.create(article=article, text=article.text, checkworthiness=0.5)
        claim = claim_accept(claim=claim, user=editor)
        publish(claim, reviewer, chief_editor, make_evidence(claim))

    publish_one(1)
    with_one = list_queries()
    for number in range(2, 8):
        publish_one(number)
    assert list_queries() == with_one
