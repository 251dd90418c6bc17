"""A published check is corrected or retracted by writing a new frozen version; the
versions before it stay exactly as they were, and every step is permission-checked and audited."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from reviewers.models import PublishedCheck, Rating, Review
from reviewers.services import (
    InvalidTransition,
    review_correct,
    review_correction_approve,
    review_draft,
    review_retract,
)

Publish = Callable[..., Review]


def test_correction_freezes_the_next_version(
    publish_check: Publish, chief_editor: User, site_admin: User
) -> None:
    review = publish_check(rating="False")
    first = review.versions.get()
    proposed = review_correct(
        review=review,
        corrector=chief_editor,
        rating=Rating.objects.get(label="Mostly false"),
        note="The bridge did cost more than first reported.",
    )
    assert (
        proposed is None
    )  # a new rating waits for a second person (test_review_correction_approval.py)
    check = review_correction_approve(review=review, approver=site_admin)
    first.refresh_from_db()
    assert (first.version, first.is_current, first.rating_label) == (1, False, "False")
    assert (check.version, check.is_current, check.change) == (2, True, "corrected")
    assert check.rating_label == "Mostly false"
    assert check.published_at == first.published_at
    assert check.modified_at > first.modified_at
    assert check.claim_review["datePublished"] == first.claim_review["datePublished"]
    assert check.claim_review["dateModified"] == check.modified_at.isoformat()
    assert check.claim_review["reviewRating"]["alternateName"] == "Mostly false"
    review.refresh_from_db()
    assert review.state == Review.State.PUBLISHED
    event = review.events.last()
    assert event is not None
    assert (event.from_state, event.to_state, event.actor) == (
        "correction_pending",
        "published",
        site_admin,
    )
    assert event.reason == "The bridge did cost more than first reported."


def test_correction_needs_a_note(publish_check: Publish, chief_editor: User) -> None:
    review = publish_check()
    with pytest.raises(ValidationError, match="correction"):
        review_correct(review=review, corrector=chief_editor, note="  ", headline="New")
    assert review.versions.count() == 1


def test_correction_needs_the_publish_permission(publish_check: Publish, editor: User) -> None:
    review = publish_check()
    with pytest.raises(PermissionDenied):
        review_correct(review=review, corrector=editor, note="Typo.")
    assert review.versions.count() == 1


def test_retraction_is_a_last_version_without_claim_review(
    publish_check: Publish, chief_editor: User
) -> None:
    review = publish_check()
    check = review_retract(
        review=review, retractor=chief_editor, reason="We checked the wrong claim."
    )
    assert (check.version, check.change, check.is_current) == (2, "retracted", True)
    assert check.claim_review == {}
    assert check.note == "We checked the wrong claim."
    review.refresh_from_db()
    assert review.state == Review.State.RETRACTED
    assert review.events.last().to_state == "retracted"  # type: ignore[union-attr]
    with pytest.raises(InvalidTransition):
        review_correct(review=review, corrector=chief_editor, note="Too late.")
    with pytest.raises(InvalidTransition):
        review_retract(review=review, retractor=chief_editor, reason="Again.")
    assert PublishedCheck.objects.filter(review=review).count() == 2


def test_unpublished_reviews_cannot_be_corrected(
    accepted_claim: Any, reviewer: User, chief_editor: User
) -> None:
    review = review_draft(
        claim=accepted_claim, author=reviewer, rating=None, headline="", justification=""
    )
    with pytest.raises(InvalidTransition):
        review_correct(review=review, corrector=chief_editor, note="Nothing to correct.")


def test_api_corrects_and_retracts(
    publish_check: Publish, chief_editor: User, editor: User, client_for: Any
) -> None:
    review = publish_check()
    url = f"/api/v1/reviews/{review.id}/"
    assert client_for(chief_editor).post(url + "correct/", {}).status_code == 400
    assert client_for(editor).post(url + "correct/", {"note": "Typo."}).status_code == 403
    corrected = client_for(chief_editor).post(
        url + "correct/", {"note": "Typo in the headline.", "headline": "Better headline"}
    )
    assert corrected.status_code == 201
    assert (corrected.json()["version"], corrected.json()["headline"]) == (2, "Better headline")
    retracted = client_for(chief_editor).post(url + "retract/", {"reason": "Wrong claim."})
    assert retracted.status_code == 201
    assert retracted.json()["change"] == "retracted"
    again = client_for(chief_editor).post(url + "retract/", {"reason": "Again."})
    assert again.status_code == 409
