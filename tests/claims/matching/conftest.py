"""The "checked before?" tests' set-up: a fresh matching index each, claims an editor makes
and the worker matches, and other fact-checkers' reviews as imported and indexed."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.extraction.decisions import claim_create
from claims.matching import follower
from claims.matching.claimreviews import Found
from claims.matching.imports import external_review_import
from claims.matching.services import claim_match, external_reviews_index
from claims.models import Article, Claim, ExternalReview


@pytest.fixture(autouse=True)
def fresh_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts its process index from its own database."""
    monkeypatch.setattr(follower, "_process_followers", {})
    yield


@pytest.fixture
def new_claim(make_article: Callable[..., Article], editor: User) -> Callable[..., Claim]:
    """A claim an editor makes from an article's text, as the editor's view does (the
    article's fields, such as its language, as given)."""

    def make(text: str, **fields: Any) -> Claim:
        article = make_article(text, **fields)
        claim, _ = claim_create(article=article, user=editor, span_start=0, span_end=len(text))
        return claim

    return make


@pytest.fixture
def matched() -> Callable[[Claim], Claim]:
    """Run the matching task's service for a claim, as the worker would, and re-read it."""

    def run(claim: Claim) -> Claim:
        claim_match(claim_id=claim.id)
        claim.refresh_from_db()
        return claim

    return run


def imported_review(text: str, url: str, language: str = "", headline: str = "") -> ExternalReview:
    """Another fact-checker's review of `text`, imported and indexed ("" for a language or
    headline its page does not give)."""
    found = Found(
        {
            "@type": "ClaimReview",
            "url": url,
            "claimReviewed": text,
            "headline": headline,
            "inLanguage": language,
            "author": {"name": "Checkers United"},
            "reviewRating": {"alternateName": "False"},
        },
        {},
    )
    review, _ = external_review_import(found=found, source="reviews.jsonl", user=None)
    external_reviews_index(review_ids=[review.id])
    return review
