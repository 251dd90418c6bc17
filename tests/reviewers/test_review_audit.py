"""The audit trail and the comment thread: events are only ever added — the application
cannot change or delete them, and neither can plain SQL — and every review has a thread."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.test import Client

from claims.models import Claim
from reviewers.models import AuditTrailIsAppendOnly, Review, ReviewEvent
from reviewers.services import review_comment, review_self_assign


@pytest.fixture
def review(accepted_claim: Claim, reviewer: User) -> Review:
    return review_self_assign(claim=accepted_claim, actor=reviewer)


def test_events_cannot_be_changed_or_deleted_through_the_models(review: Review) -> None:
    event = review.events.get()
    event.reason = "Rewritten history"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        ReviewEvent.objects.filter(review=review).update(reason="Rewritten")
    with pytest.raises(AuditTrailIsAppendOnly):
        ReviewEvent.objects.filter(review=review).delete()
    event.refresh_from_db()
    assert event.reason == "Assigned to reviewer."


def test_the_database_refuses_to_change_events(review: Review) -> None:
    table = ReviewEvent._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET reason = 'Rewritten'")  # noqa: S608
    assert review.events.get().reason == "Assigned to reviewer."


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for flushes")
def test_the_database_refuses_to_delete_events(review: Review) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {ReviewEvent._meta.db_table}")  # noqa: S608
    assert review.events.count() == 1


def test_the_admin_shows_events_read_only(review: Review, admin_user: User) -> None:
    client = Client()
    client.force_login(admin_user)
    event = review.events.get()
    assert client.get("/admin/reviewers/reviewevent/").status_code == 200
    page = client.get(f"/admin/reviewers/reviewevent/{event.id}/change/")
    assert page.status_code == 200
    assert b'name="reason"' not in page.content  # shown, not editable
    client.post(f"/admin/reviewers/reviewevent/{event.id}/change/", {"reason": "Rewritten"})
    assert client.get(f"/admin/reviewers/reviewevent/{event.id}/delete/").status_code == 403
    client.post(f"/admin/reviewers/reviewevent/{event.id}/delete/", {"post": "yes"})
    assert client.get("/admin/reviewers/reviewevent/add/").status_code == 403
    event.refresh_from_db()
    assert event.reason == "Assigned to reviewer."


def test_anyone_on_the_desk_comments(
    review: Review, reviewer: User, chief_editor: User, editor: User
) -> None:
    review_comment(review=review, actor=chief_editor, body="  Is the audit final?  ")
    review_comment(review=review, actor=reviewer, body="Yes, published in March.")
    assert [(c.author.username, c.body) for c in review.comments.all()] == [
        ("chief_editor", "Is the audit final?"),
        ("reviewer", "Yes, published in March."),
    ]
    with pytest.raises(PermissionDenied):
        review_comment(review=review, actor=editor, body="Me too")
    with pytest.raises(ValidationError, match="Write something"):
        review_comment(review=review, actor=reviewer, body="   ")
    assert review.comments.count() == 2


def test_comments_in_the_api(review: Review, reviewer: User, client_for: Any) -> None:
    url = f"/api/v1/reviews/{review.id}/comments/"
    as_reviewer = client_for(reviewer)
    posted = as_reviewer.post(url, {"body": "Found the auditor's report."})
    assert posted.status_code == 201
    assert posted.json()["author"] == "reviewer"
    assert as_reviewer.post(url, {"body": ""}).status_code == 400
    assert [c["body"] for c in as_reviewer.get(url).json()] == ["Found the auditor's report."]
    detail = as_reviewer.get(f"/api/v1/reviews/{review.id}/").json()
    assert [c["body"] for c in detail["comments"]] == ["Found the auditor's report."]
