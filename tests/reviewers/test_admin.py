"""Reviewers work in the admin through the same services as the API."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims.models import Claim
from reviewers.models import Rating, Review


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def drafted(accepted_claim: Claim, reviewer: User) -> Review:
    response = logged_in(reviewer).post(
        "/admin/reviewers/review/add/",
        {
            "claim": accepted_claim.id,
            "rating": Rating.objects.get(label="Mostly false").id,
            "headline": "Not 400 million",
            "justification": "The accounts say 212 million.",
        },
    )
    assert response.status_code == 302, response.content
    return Review.objects.get(claim=accepted_claim)


def test_reviewer_drafts_a_verdict_in_the_admin(drafted: Review, reviewer: User) -> None:
    assert drafted.author == reviewer
    assert drafted.rating.label == "Mostly false"  # type: ignore[union-attr]
    assert drafted.events.get().to_state == "drafting"


def act(user: User, action: str, review: Review) -> str:
    response = logged_in(user).post(
        "/admin/reviewers/review/",
        {"action": action, "_selected_action": [review.id]},
        follow=True,
    )
    return " ".join(str(message) for message in response.context["messages"])


def test_author_cannot_approve_in_the_admin(drafted: Review, reviewer: User) -> None:
    act(reviewer, "submit_for_approval", drafted)
    message = act(reviewer, "approve", drafted)
    assert "cannot approve" in message
    drafted.refresh_from_db()
    assert drafted.state == Review.State.AWAITING_APPROVAL


def test_second_reviewer_approves_and_publishes_in_the_admin(
    drafted: Review, reviewer: User, second_reviewer: User
) -> None:
    act(reviewer, "submit_for_approval", drafted)
    act(second_reviewer, "approve", drafted)
    act(second_reviewer, "publish", drafted)
    drafted.refresh_from_db()
    assert drafted.state == Review.State.PUBLISHED
    assert drafted.versions.get().is_current


def test_admin_pages_open(drafted: Review, admin_user: User) -> None:
    client = logged_in(admin_user)
    for path in [
        "/admin/",
        "/admin/claims/article/",
        "/admin/claims/article/add/",
        f"/admin/claims/article/{drafted.claim.article_id}/change/",
        "/admin/claims/claim/",
        f"/admin/claims/claim/{drafted.claim_id}/change/",
        "/admin/claims/evidence/",
        "/admin/reviewers/review/",
        f"/admin/reviewers/review/{drafted.id}/change/",
        "/admin/reviewers/publishedcheck/",
        "/admin/reviewers/rating/",
    ]:
        assert client.get(path).status_code == 200, path
