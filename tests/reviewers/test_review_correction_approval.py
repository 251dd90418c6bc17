"""Four eyes for corrections too: a correction that changes a published check's rating is a
new verdict, so it waits for a second person's approval while the public keeps the published
version; a correction that keeps the rating (a typo, a better sentence) stays one person's act."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from reviewers.models import PublishedCheck, Rating, Review
from reviewers.services import (
    FourEyesViolation,
    InvalidTransition,
    review_correct,
    review_correction_approve,
    review_correction_reject,
)

Publish = Callable[..., Review]
State = Review.State


def rating_of(review: Review) -> str:
    return review.rating.label if review.rating else ""


def flip_to_true(review: Review, corrector: User) -> PublishedCheck | None:
    return review_correct(
        review=review,
        corrector=corrector,
        rating=Rating.objects.get(label="True"),
        headline="It did cost 400 million",
        note="New accounts came to light.",
    )


def test_one_chief_editor_cannot_flip_a_published_rating_alone(
    publish_check: Publish, chief_editor: User
) -> None:
    review = publish_check(rating="False")
    assert flip_to_true(review, chief_editor) is None
    review.refresh_from_db()
    assert review.state == State.CORRECTION_PENDING
    assert rating_of(review) == "False"  # the working verdict is unchanged too
    current = PublishedCheck.objects.get(review=review, is_current=True)
    assert (current.version, current.rating_label) == (1, "False")
    with pytest.raises(FourEyesViolation):
        review_correction_approve(review=review, approver=chief_editor)
    assert PublishedCheck.objects.filter(review=review).count() == 1


def test_a_second_person_approves_and_the_correction_is_published(
    publish_check: Publish, chief_editor: User, site_admin: User
) -> None:
    review = publish_check(rating="False")
    flip_to_true(review, chief_editor)
    check = review_correction_approve(review=review, approver=site_admin)
    assert (check.version, check.change, check.rating_label) == (2, "corrected", "True")
    assert check.headline == "It did cost 400 million"
    assert check.note == "New accounts came to light."
    review.refresh_from_db()
    assert (review.state, rating_of(review), review.pending_correction) == (
        State.PUBLISHED,
        "True",
        {},
    )
    actors = [(event.to_state, event.actor) for event in review.events.order_by("id")][-2:]
    assert actors == [(State.CORRECTION_PENDING, chief_editor), (State.PUBLISHED, site_admin)]


def test_a_rejected_correction_leaves_the_published_verdict(
    publish_check: Publish, chief_editor: User, site_admin: User
) -> None:
    review = publish_check(rating="False")
    flip_to_true(review, chief_editor)
    review_correction_reject(review=review, actor=site_admin, note="The new accounts are forged.")
    review.refresh_from_db()
    assert (review.state, rating_of(review), review.pending_correction) == (
        State.PUBLISHED,
        "False",
        {},
    )
    assert PublishedCheck.objects.filter(review=review).count() == 1
    with pytest.raises(InvalidTransition):
        review_correction_approve(review=review, approver=site_admin)


def test_a_correction_keeping_the_rating_is_one_persons_act(
    publish_check: Publish, chief_editor: User
) -> None:
    review = publish_check(rating="False")
    check = review_correct(
        review=review,
        corrector=chief_editor,
        rating=Rating.objects.get(label="False"),
        headline="Typo fixed",
        note="Typo in the headline.",
    )
    assert check is not None and (check.version, check.headline) == (2, "Typo fixed")


def test_no_second_correction_while_one_awaits_approval(
    publish_check: Publish, chief_editor: User, site_admin: User
) -> None:
    review = publish_check(rating="False")
    flip_to_true(review, chief_editor)
    with pytest.raises(InvalidTransition):
        review_correct(review=review, corrector=site_admin, headline="Other", note="Typo.")


def test_the_api_answers_202_and_a_second_chief_approves(
    publish_check: Publish,
    chief_editor: User,
    site_admin: User,
    client_for: Callable[[User | None], APIClient],
) -> None:
    review = publish_check(rating="False")
    url = f"/api/v1/reviews/{review.id}/"
    proposed = client_for(chief_editor).post(url + "correct/", {"note": "New.", "rating": "True"})
    assert proposed.status_code == 202
    assert proposed.json()["state"] == "correction_pending"
    assert proposed.json()["pending_correction"]["by"] == chief_editor.id
    own = client_for(chief_editor).post(url + "correction/approve/", {})
    assert own.status_code == 403
    approved = client_for(site_admin).post(url + "correction/approve/", {})
    assert approved.status_code == 201 and approved.json()["rating_label"] == "True"


def test_the_desk_offers_the_approval_to_another_chief_only(
    publish_check: Publish, chief_editor: User, site_admin: User
) -> None:
    review = publish_check(rating="False")
    flip_to_true(review, chief_editor)
    desk = f"/admin/reviewers/review/desk/{review.claim_id}/"
    pages = {}
    for user in (chief_editor, site_admin):
        client = Client()
        client.force_login(user)
        pages[user.username] = client.get(desk).content.decode()
    assert 'value="Approve and publish the correction"' not in pages["chief_editor"]
    assert 'value="Approve and publish the correction"' in pages["site_admin"]
    assert "Correction awaiting approval" in pages["site_admin"]
