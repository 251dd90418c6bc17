"""Other fact-checkers' ClaimReviews: checked, then stored once each, never as our own.

Every way in (a page by URL in the admin, a dump by the management command) goes through
`external_review_import`, so every way checks and dedupes alike: a review is known by its
URL and the claim it reviews (one page may review several claims).
"""

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims import tasks
from claims.ingestion.fetching import PAGE_TYPES, FetchError, fetch
from claims.ingestion.pages import parse_published
from claims.matching.claimreviews import Found, reviews_in_page
from claims.matching.models import text_hash
from claims.models import ExternalReview
from factcheck.auth import require_perm
from factcheck.languages import normalise_language

MAX_CLAIM_CHARS = 5000
JSON_LD_TYPES = ("application/ld+json", "application/json")


@dataclass
class ImportSummary:
    """What an import did: how many were new, known already or refused, and why."""

    imported: list[int] = field(default_factory=list)
    known: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.problems)

    def __str__(self) -> str:
        return (
            f"{len(self.imported)} imported, {self.known} already known, {self.rejected} rejected"
        )


def external_review_import(
    *, found: Found, source: str, user: User | None, base_url: str = ""
) -> tuple[ExternalReview, bool]:
    """Store one ClaimReview if it is new; return it and whether it is new.

    `base_url` is the page it was read from: relative URLs are resolved against it, and a
    ClaimReview without its own `url` is taken to be the page. Raises ValidationError,
    saying what is wrong, for a review that cannot be stored. The caller has new reviews
    indexed for matching (`external_reviews_index`), one batch for all it imports.
    """
    require_perm(user, "claims.add_externalreview")
    fields = review_fields(found.review, base_url=base_url)
    known = ExternalReview.objects.filter(url=fields["url"], claim_hash=fields["claim_hash"])
    existing = known.first()
    if existing is not None:
        return existing, False
    review = ExternalReview(**fields, raw=found.raw, source=source[:2000], imported_by=user)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:  # imported by someone else meanwhile
        return known.get(), False
    return review, True


def external_reviews_import_url(*, url: str, user: User | None) -> ImportSummary:
    """Fetch a page (through the safe fetch) and import every ClaimReview in its JSON-LD."""
    require_perm(user, "claims.add_externalreview")
    try:
        page = fetch(url, accept=(*PAGE_TYPES, *JSON_LD_TYPES))
    except FetchError as error:
        raise ValidationError({"url": f"The page could not be fetched: {error}"}) from None
    read = reviews_in_page(page.body, page.content_type)
    if not read.reviews:
        reason = " ".join(read.problems) or "The page has no ClaimReview JSON-LD."
        raise ValidationError({"url": reason})
    summary = ImportSummary(problems=list(read.problems))
    for number, found in enumerate(read.reviews, start=1):
        try:
            review, created = external_review_import(
                found=found, source=page.url, user=user, base_url=page.url
            )
        except ValidationError as error:
            summary.problems.append(f"ClaimReview {number}: {' '.join(error.messages)}")
            continue
        if created:
            summary.imported.append(review.id)
        else:
            summary.known += 1
    if summary.imported:
        ExternalReview.objects.filter(id__in=summary.imported).update(
            index_queued_at=timezone.now()
        )
        tasks.index_external_reviews.delay_on_commit(summary.imported)
    return summary


def review_fields(review: dict[str, Any], *, base_url: str = "") -> dict[str, Any]:
    """Return the model fields of a ClaimReview, or refuse it with the reason."""
    claim_text = " ".join(_text(review.get("claimReviewed")).split())
    if not claim_text:
        raise ValidationError("claimReviewed is missing or empty.")
    if len(claim_text) > MAX_CLAIM_CHARS:
        raise ValidationError(f"claimReviewed is longer than {MAX_CLAIM_CHARS:,} characters.")
    url = _url(review.get("url"), base_url) or base_url
    if not url:
        raise ValidationError("url (the review's address) is missing or not an http(s) URL.")
    item = _first_object(review.get("itemReviewed"))
    publisher_name, publisher_url = _publisher(review, base_url)
    rating = _rating(_first_object(review.get("reviewRating")))
    return {
        "url": url,
        "claim_reviewed": claim_text,
        "claim_hash": text_hash(claim_text),
        "headline": _text(review.get("name") or review.get("headline"))[:500],
        "publisher_name": publisher_name or _host(url),
        "publisher_url": publisher_url,
        "claimant": _name(item.get("author"))[:300],
        "appearance_url": _appearance(item, base_url),
        "claim_date": _date(item.get("datePublished"), "itemReviewed.datePublished"),
        "review_date": _date(review.get("datePublished"), "datePublished"),
        "language": normalise_language(_language(review.get("inLanguage"))),
        **rating,
    }


def _text(value: Any) -> str:
    """Return a string value, or the first string of a list of them."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str)), "")
    if isinstance(value, dict):
        value = value.get("@value", "")
    return " ".join(value.split()) if isinstance(value, str) else ""


def _first_object(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, dict)), {})
    return value if isinstance(value, dict) else {}


def _name(value: Any) -> str:
    """Return the name of a Person or Organization, given as an object, a list or a string."""
    if isinstance(value, list):
        return next((name for name in map(_name, value) if name), "")
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("alternateName"))
    return _text(value)


def _url(value: Any, base_url: str) -> str:
    """Return an absolute http(s) URL of at most 2,000 characters, or an empty string."""
    text = _text(value if not isinstance(value, dict) else value.get("url") or value.get("@id"))
    if not text:
        return ""
    absolute = urljoin(base_url, text) if base_url else text
    try:
        URLValidator(schemes=["http", "https"])(absolute)
    except ValidationError:
        return ""
    return absolute if len(absolute) <= 2000 else ""


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _publisher(review: dict[str, Any], base_url: str) -> tuple[str, str]:
    """Return the fact-checker's name and site: the review's author, else its publisher."""
    for key in ("author", "publisher"):
        value = review.get(key)
        candidates = value if isinstance(value, list) else [value]
        for candidate in candidates:
            name = _name(candidate)
            if name:
                site = _url(candidate, base_url) if isinstance(candidate, dict) else ""
                return name[:300], site
    return "", ""


def _appearance(item: dict[str, Any], base_url: str) -> str:
    """Return where the claim was made: its appearance, first appearance, or (in older
    markup) the reviewed item's own url or sameAs."""
    for key in ("appearance", "firstAppearance", "url", "sameAs"):
        value = item.get(key)
        for candidate in value if isinstance(value, list) else [value]:
            url = _url(candidate, base_url)
            if url:
                return url
    return ""


def _date(value: Any, name: str) -> date | None:
    text = _text(value)
    if not text:
        return None
    moment = parse_published(text)
    if moment is None:
        raise ValidationError(f"{name} {text[:40]!r} is not an ISO 8601 date.")
    return moment.date()


def _language(value: Any) -> str:
    if isinstance(value, dict):
        return _text(value.get("alternateName") or value.get("name"))
    return _text(value)


def _rating(rating: dict[str, Any]) -> dict[str, Any]:
    """Return the rating's words and numbers. A rating is optional; a value that is not a
    number is kept as the rating's words when it has none."""
    name = _text(rating.get("alternateName") or rating.get("name"))
    numbers = {}
    for key, field_name in (
        ("ratingValue", "rating_value"),
        ("bestRating", "rating_best"),
        ("worstRating", "rating_worst"),
    ):
        numbers[field_name] = _number(rating.get(key))
    if numbers["rating_value"] is None and not name:
        name = _text(rating.get("ratingValue"))
    return {"rating_name": name[:200], **numbers}


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    try:
        number = float(_text(value))
    except ValueError:
        return None
    return number if math.isfinite(number) else None
