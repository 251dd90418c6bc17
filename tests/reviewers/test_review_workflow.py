"""A verdict is drafted, sent for approval, approved by someone else and published;
every step is checked, locked and audited."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from claims.models import Claim
from reviewers.models import PublishedCheck, Rating, Review
from reviewers.services import (
    FourEyesViolation,
    InvalidTransition,
    review_approve,
    review_draft,
    review_publish,
    review_submit,
)


def draft(claim: Claim, author: User, rating: str | None = "False") -> Review:
    return review_draft(
        claim=claim,
        author=author,
        rating=Rating.objects.get(label=rating) if rating else None,
        headline="The bridge cost 212 million dollars",
        justification="The city's final accounts say so (evidence #1).",
    )


@pytest.fixture
def submitted(accepted_claim: Claim, reviewer: User) -> Review:
    return review_submit(review=draft(accepted_claim, reviewer), actor=reviewer)


def test_draft_starts_a_review_and_audits_it(accepted_claim: Claim, reviewer: User) -> None:
    review = draft(accepted_claim, reviewer)
    review.refresh_from_db()
    assert review.state == Review.State.DRAFTING
    assert review.author == reviewer
    assert [(e.from_state, e.to_state, e.actor) for e in review.events.all()] == [
        ("", "drafting", reviewer)
    ]


def test_only_accepted_claims_can_be_reviewed(accepted_claim: Claim, reviewer: User) -> None:
    Claim.objects.filter(id=accepted_claim.id).update(status=Claim.Status.CANDIDATE)
    with pytest.raises(InvalidTransition):
        draft(accepted_claim, reviewer)
    assert not Review.objects.exists()


def test_editor_cannot_write_verdicts(accepted_claim: Claim, editor: User) -> None:
    with pytest.raises(PermissionDenied):
        draft(accepted_claim, editor)


def test_submitting_needs_a_complete_verdict(accepted_claim: Claim, reviewer: User) -> None:
    review = draft(accepted_claim, reviewer, rating=None)
    with pytest.raises(ValidationError, match="rating"):
        review_submit(review=review, actor=reviewer)
    review.refresh_from_db()
    assert review.state == Review.State.DRAFTING
    assert review.events.count() == 1


def test_author_cannot_approve_own_verdict(submitted: Review, reviewer: User) -> None:
    with pytest.raises(FourEyesViolation):
        review_approve(review=submitted, approver=reviewer)
    submitted.refresh_from_db()
    assert submitted.state == Review.State.AWAITING_APPROVAL
    assert submitted.approved_by is None


def test_database_refuses_self_approval_too(submitted: Review, reviewer: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(id=submitted.id).update(approved_by=reviewer)


def test_second_reviewer_approves(submitted: Review, second_reviewer: User) -> None:
    review_approve(review=submitted, approver=second_reviewer)
    submitted.refresh_from_db()
    assert submitted.state == Review.State.APPROVED
    assert submitted.approved_by == second_reviewer
    assert submitted.events.last().to_state == "approved"  # type: ignore[union-attr]


def test_publishing_freezes_version_one(submitted: Review, second_reviewer: User) -> None:
    review_approve(review=submitted, approver=second_reviewer)
    check = review_publish(review=submitted, publisher=second_reviewer)
    check.refresh_from_db()
    assert (check.version, check.is_current) == (1, True)
    assert check.rating_label == "False"
    assert check.claim_review["claimReviewed"] == submitted.claim.text
    states = list(submitted.events.values_list("to_state", flat=True))
    assert states == ["drafting", "awaiting_approval", "approved", "published"]


def test_steps_out_of_order_are_refused(submitted: Review, second_reviewer: User) -> None:
    with pytest.raises(InvalidTransition, match="Awaiting approval"):
        review_publish(review=submitted, publisher=second_reviewer)
    review_approve(review=submitted, approver=second_reviewer)
    review_publish(review=submitted, publisher=second_reviewer)
    with pytest.raises(InvalidTransition):
        review_publish(review=submitted, publisher=second_reviewer)
    assert PublishedCheck.objects.count() == 1


def test_only_the_author_edits_a_draft(
    accepted_claim: Claim, reviewer: User, second_reviewer: User
) -> None:
    draft(accepted_claim, reviewer)
    with pytest.raises(PermissionDenied):
        draft(accepted_claim, second_reviewer)


def test_api_answers_four_eyes_with_403_and_wrong_state_with_409(
    submitted: Review, reviewer: User, second_reviewer: User, client_for: Any
) -> None:
    approve_url = f"/api/v1/reviews/{submitted.id}/approve/"
    refused = client_for(reviewer).post(approve_url)
    assert refused.status_code == 403
    assert "cannot approve" in refused.json()["detail"]
    assert client_for(second_reviewer).post(approve_url).status_code == 200
    again = client_for(second_reviewer).post(approve_url)
    assert again.status_code == 409
    assert "Approved" in again.json()["detail"]


def test_api_draft_reports_missing_fields(
    accepted_claim: Claim, reviewer: User, client_for: Any
) -> None:
    response = client_for(reviewer).post(
        "/api/v1/reviews/", {"claim": accepted_claim.id, "rating": "Wonderful"}
    )
    assert response.status_code == 400
    assert "rating" in response.json()
    assert not Review.objects.exists()


def test_review_history_is_listed_in_the_api(
    submitted: Review, reviewer: User, client_for: Any
) -> None:
    body = client_for(reviewer).get(f"/api/v1/reviews/{submitted.id}/").json()
    assert body["state"] == "awaiting_approval"
    assert [e["to_state"] for e in body["events"]] == ["drafting", "awaiting_approval"]
