"""Matches as the matching task stores them, and other fact-checkers' reviews as imported:
what the "checked before?" tests start from (with the fixtures in conftest.py)."""

from datetime import date
from typing import Any

from claims.models import Claim, ClaimMatch, ExternalReview


def suggest(claim: Claim, other: Claim | ExternalReview, score: float = 0.9) -> ClaimMatch:
    """A match as the matching task stores it."""
    target: dict[str, Any] = (
        {"matched_claim": other} if isinstance(other, Claim) else {"matched_external": other}
    )
    rank = claim.matches.count() + 1
    return ClaimMatch.objects.create(claim=claim, score=score, rank=rank, **target)


def another_review(publisher: str, url: str) -> ExternalReview:
    """Another fact-checker's review of the bridge claim, as imported."""
    return ExternalReview.objects.create(
        publisher_name=publisher,
        publisher_url=url.rsplit("/", 2)[0],
        url=url,
        claim_reviewed="The Harbour Street bridge cost 400 million dollars.",
        claim_hash="0" * 64,
        rating_name="False",
        rating_value=1,
        rating_best=5,
        rating_worst=1,
        review_date=date(2026, 10, 14),
        raw={},
        source="reviews.jsonl",
    )
