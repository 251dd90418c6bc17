"""What the public sees of a check: the frozen version and its schema.org ClaimReview."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Max, Min

from .models import Rating, Review


def check_url(review: Review) -> str:
    return f"{settings.SITE_URL}/api/v1/checks/{review.pk}/"


def claim_review(
    review: Review, *, published_at: datetime, modified_at: datetime
) -> dict[str, Any]:
    """Return the ClaimReview JSON-LD for a review, following schema.org and the
    fact-check markup guidelines."""
    claim = review.claim
    article = claim.article
    assert review.rating is not None
    item_reviewed: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant:
        item_reviewed["author"] = {"@type": "Organization", "name": claim.claimant}
    if article.published_at:
        item_reviewed["datePublished"] = article.published_at.date().isoformat()
    appearance_url = article.canonical_url or article.url
    if appearance_url:
        item_reviewed["appearance"] = {"@type": "CreativeWork", "url": appearance_url}
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": check_url(review),
        "claimReviewed": claim.text,
        "name": review.headline,
        "datePublished": published_at.date().isoformat(),
        "author": {
            "@type": "Organization",
            "name": settings.PUBLISHER_NAME,
            "url": settings.PUBLISHER_URL,
        },
        "reviewRating": review_rating(review.rating),
        "itemReviewed": item_reviewed,
    }
    if modified_at != published_at:
        document["dateModified"] = modified_at.isoformat()
    return document


def review_rating(rating: Rating) -> dict[str, Any]:
    """Return a schema.org Rating: numeric on the scored scale, by name only otherwise."""
    document: dict[str, Any] = {"@type": "Rating", "alternateName": rating.label}
    if rating.scored:
        bounds = Rating.objects.filter(scored=True).aggregate(best=Max("value"), worst=Min("value"))
        document.update(
            ratingValue=rating.value, bestRating=bounds["best"], worstRating=bounds["worst"]
        )
    return document
