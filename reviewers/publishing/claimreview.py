"""What the public sees of a check: the frozen version and its schema.org ClaimReview."""

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Max, Min, Prefetch
from django.utils.safestring import SafeString, mark_safe

from claims.models import Snapshot
from reviewers.models import Rating, Review


def check_url(review: Review) -> str:
    """Return the public page of a check: the ClaimReview's `url`."""
    return f"{settings.SITE_URL}/checks/{review.pk}/"


def frozen_evidence(review: Review) -> list[dict[str, Any]]:
    """Return the evidence the verdict cites as it is published: each source, its passage
    and stance, and the id of the archived copy (the latest snapshot) where one was kept.

    Only a stance a person set or confirmed is published; a suggested one is left out ("")."""
    latest_snapshots = Snapshot.objects.order_by("-fetched_at").only("id", "article_id")
    rows = review.cited_evidence.select_related("source")
    rows = rows.prefetch_related(Prefetch("source__snapshots", queryset=latest_snapshots))
    return [
        {
            "title": row.source.title,
            "url": row.source.canonical_url or row.source.url,
            "passage": row.passage,
            "stance": row.get_stance_display() if row.stance_by_id else "",
            "retrieved_at": row.retrieved_at.isoformat(),
            "snapshot": next((s.id for s in row.source.snapshots.all()), None),
        }
        for row in rows.order_by("rank")
    ]


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


# Inside <script>, JSON must not contain "</script>" or "<!--" (they end or change the
# script's parsing), and U+2028/U+2029 end lines in older JavaScript: escape them all.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def json_ld_script(document: dict[str, Any]) -> SafeString:
    """Return a <script type="application/ld+json"> element that text inside cannot leave."""
    data = json.dumps(document, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{data}</script>')  # noqa: S308
