"""The review desk shows the article, the draft verdict, the internal comments and the
history: only users who may view reviews ever see it, whatever step they post and whatever
the answer (an error page shows the whole desk too)."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims.models import Article, Claim
from reviewers.models import Rating, Review
from reviewers.services import review_comment, review_draft

STEPS = ["comment", "draft", "submit", "approve", "assign", "self_assign", "dismiss", "publish"]
SECRET_COMMENT = "Internal: the source asked not to be named."


@pytest.fixture
def staff_without_permissions(db: None) -> User:
    return User.objects.create_user("staff", password="pw-staff", is_staff=True)


@pytest.fixture
def drafted(accepted_claim: Claim, reviewer: User) -> Review:
    review = review_draft(
        claim=accepted_claim,
        author=reviewer,
        rating=Rating.objects.get(label="False"),
        headline="A secret draft headline",
        justification="Not yet public.",
    )
    review_comment(review=review, actor=reviewer, body=SECRET_COMMENT)
    return review


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("step", STEPS)
def test_staff_without_review_permission_posting_a_step_sees_nothing_of_the_desk(
    step: str, drafted: Review, staff_without_permissions: User
) -> None:
    response = logged_in(staff_without_permissions).post(
        f"/admin/reviewers/review/desk/{drafted.claim_id}/{step}/", {"body": "hello"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert SECRET_COMMENT not in page and "A secret draft headline" not in page
    drafted.refresh_from_db()
    assert drafted.comments.count() == 1


def test_the_desk_of_a_candidate_is_not_shown_even_on_a_failed_step(
    make_article: Callable[..., Article], staff_without_permissions: User, reviewer: User
) -> None:
    article = make_article("Secret candidate sentence in an unpublished article.")
    candidate = Claim.objects.create(article=article, text="Secret candidate sentence.")
    for user, status in ((staff_without_permissions, 403), (reviewer, 404)):
        response = logged_in(user).post(
            f"/admin/reviewers/review/desk/{candidate.id}/comment/", {"body": ""}
        )
        assert response.status_code == status
        assert "Secret candidate sentence" not in response.content.decode()


def test_a_reviewer_still_gets_the_desk_back_with_the_error(
    drafted: Review, second_reviewer: User
) -> None:
    response = logged_in(second_reviewer).post(
        f"/admin/reviewers/review/desk/{drafted.claim_id}/comment/", {"body": " "}
    )
    assert response.status_code == 400
    assert "Write something first." in response.content.decode()
