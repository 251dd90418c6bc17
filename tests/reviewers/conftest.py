"""Published checks in the shapes the publishing tests need."""

import itertools
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User

from claims.extraction.services import claim_accept
from claims.models import Article, Claim, Evidence
from reviewers.models import PublishedCheck, Rating, Review, Tag
from reviewers.services import review_approve, review_draft, review_publish, review_submit

_numbers = itertools.count(1)


@pytest.fixture
def publish_check(
    make_article: Callable[..., Article],
    make_evidence: Callable[..., Evidence],
    editor: User,
    reviewer: User,
    chief_editor: User,
) -> Callable[..., Review]:
    """Make an accepted claim and take its verdict through to publication."""

    def publish(
        text: str | None = None,
        *,
        rating: str = "False",
        claimant: str = "A viral post",
        language: str = "en",
        tags: tuple[str, ...] = (),
        headline: str | None = None,
        justification: str = "The council's accounts say otherwise.",
        published_at: datetime | None = None,
    ) -> Review:
        number = next(_numbers)
        text = text or f"The bridge number {number} cost {number} hundred million dollars."
        article = make_article(
            f"{text} (article {number})",
            url=f"https://news.example/story-{number}",
            language=language,
            published_at=datetime(2026, 10, 12, tzinfo=UTC),
        )
        claim = Claim.objects.create(
            article=article, text=text, claimant=claimant, checkworthiness=0.7
        )
        claim_accept(claim=claim, user=editor)
        review = review_draft(
            claim=claim,
            author=reviewer,
            rating=Rating.objects.get(label=rating),
            headline=headline or f"Verdict number {number}",
            justification=justification,
            tags=[Tag.objects.get_or_create(slug=slug, name=slug.title())[0] for slug in tags],
            cited_evidence=[make_evidence(claim)],
        )
        review_submit(review=review, actor=reviewer)
        review_approve(review=review, approver=chief_editor)
        review_publish(review=review, publisher=chief_editor)
        if published_at:
            PublishedCheck.objects.filter(review=review).update(published_at=published_at)
        return review

    return publish
