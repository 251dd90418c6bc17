"""A claim on the desk is assigned, its verdict drafted, sent for approval, approved by
someone else (or sent back) and published; every step is checked, locked and audited."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from claims.models import Claim, Evidence
from reviewers.models import PublishedCheck, Rating, Review
from reviewers.services import (
    FourEyesViolation,
    InvalidTransition,
    review_approve,
    review_assign,
    review_dismiss,
    review_draft,
    review_publish,
    review_self_assign,
    review_send_back,
    review_submit,
)

MakeEvidence = Callable[..., Evidence]


def draft(claim: Claim, author: User, rating: str | None = "False", **more: Any) -> Review:
    return review_draft(
        claim=claim,
        author=author,
        rating=Rating.objects.get(label=rating) if rating else None,
        headline="The bridge cost 212 million dollars",
        justification="The city's final accounts say so (evidence #1).",
        **more,
    )


def history(review: Review) -> list[tuple[str, str, str]]:
    return [(e.from_state, e.to_state, e.actor.username) for e in review.events.all()]


@pytest.fixture
def evidence(accepted_claim: Claim, make_evidence: MakeEvidence) -> Evidence:
    return make_evidence(accepted_claim)


@pytest.fixture
def submitted(accepted_claim: Claim, reviewer: User, evidence: Evidence) -> Review:
    return review_submit(
        review=draft(accepted_claim, reviewer, cited_evidence=[evidence]), actor=reviewer
    )


def test_an_accepted_claim_is_new_until_someone_takes_it(accepted_claim: Claim) -> None:
    assert not Review.objects.filter(claim=accepted_claim).exists()


def test_self_assigning_writes_the_review_and_its_first_event(
    accepted_claim: Claim, reviewer: User
) -> None:
    review = review_self_assign(claim=accepted_claim, actor=reviewer)
    review.refresh_from_db()
    assert (review.state, review.assignee) == (Review.State.ASSIGNED, reviewer)
    assert history(review) == [("new", "assigned", "reviewer")]
    assert review.events.get().created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_drafting_a_new_claim_self_assigns_then_starts_the_verdict(
    accepted_claim: Claim, reviewer: User
) -> None:
    review = draft(accepted_claim, reviewer)
    review.refresh_from_db()
    assert (review.state, review.author, review.assignee) == ("drafting", reviewer, reviewer)
    assert history(review) == [
        ("new", "assigned", "reviewer"),
        ("assigned", "drafting", "reviewer"),
    ]


def test_saving_a_draft_again_writes_no_event_but_counts_the_version(
    accepted_claim: Claim, reviewer: User
) -> None:
    first = draft(accepted_claim, reviewer)
    second = draft(accepted_claim, reviewer, rating="Mostly false")
    assert second.version == first.version + 1
    assert second.events.count() == 2


def test_only_accepted_claims_can_be_reviewed(accepted_claim: Claim, reviewer: User) -> None:
    Claim.objects.filter(id=accepted_claim.id).update(status=Claim.Status.CANDIDATE)
    with pytest.raises(InvalidTransition):
        draft(accepted_claim, reviewer)
    assert not Review.objects.exists()


def test_editor_cannot_write_verdicts(accepted_claim: Claim, editor: User) -> None:
    with pytest.raises(PermissionDenied):
        draft(accepted_claim, editor)
    assert not Review.objects.exists()


def test_submitting_needs_a_complete_verdict(accepted_claim: Claim, reviewer: User) -> None:
    review = draft(accepted_claim, reviewer, rating=None)
    with pytest.raises(ValidationError, match="rating"):
        review_submit(review=review, actor=reviewer)
    review.refresh_from_db()
    assert review.state == Review.State.DRAFTING
    assert review.events.count() == 2


def test_submitting_needs_cited_evidence(accepted_claim: Claim, reviewer: User) -> None:
    review = draft(accepted_claim, reviewer)
    with pytest.raises(ValidationError, match="cite at least one"):
        review_submit(review=review, actor=reviewer)
    review.refresh_from_db()
    assert review.state == Review.State.DRAFTING


def test_citing_another_claims_evidence_is_refused(
    accepted_claim: Claim, reviewer: User, make_evidence: MakeEvidence, make_article: Any
) -> None:
    other_article = make_article("The ferry fares rose by 3 percent in 2025.")
    other = Claim.objects.create(article=other_article, text=other_article.text)
    foreign = make_evidence(other)
    with pytest.raises(ValidationError, match="another claim"):
        draft(accepted_claim, reviewer, cited_evidence=[make_evidence(accepted_claim), foreign])
    assert not Review.objects.exists()  # not even the self-assignment is kept


def test_the_verdict_keeps_its_cited_evidence(submitted: Review, evidence: Evidence) -> None:
    assert list(submitted.cited_evidence.all()) == [evidence]


def test_author_cannot_approve_own_verdict(
    accepted_claim: Claim, chief_editor: User, evidence: Evidence
) -> None:
    review = draft(accepted_claim, chief_editor, cited_evidence=[evidence])
    review_submit(review=review, actor=chief_editor)
    with pytest.raises(FourEyesViolation):
        review_approve(review=review, approver=chief_editor)
    review.refresh_from_db()
    assert review.state == Review.State.AWAITING_APPROVAL
    assert review.approved_by is None


def test_whoever_held_the_verdict_cannot_approve_it(
    accepted_claim: Claim, chief_editor: User, site_admin: User, reviewer: User, evidence: Evidence
) -> None:
    draft(accepted_claim, chief_editor, cited_evidence=[evidence])  # starts it, then hands over
    review = review_assign(claim=accepted_claim, actor=site_admin, assignee=reviewer)
    draft(accepted_claim, reviewer, rating="Mostly false")
    review_submit(review=review, actor=reviewer)
    with pytest.raises(FourEyesViolation, match="held"):
        review_approve(review=review, approver=chief_editor)
    review_approve(review=review, approver=site_admin)
    review.refresh_from_db()
    assert (review.author, review.approved_by) == (reviewer, site_admin)


def test_database_refuses_self_approval_too(submitted: Review, reviewer: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(id=submitted.id).update(approved_by=reviewer)


def test_reviewers_no_longer_approve(submitted: Review, second_reviewer: User) -> None:
    with pytest.raises(PermissionDenied, match="approve_review"):
        review_approve(review=submitted, approver=second_reviewer)


def test_chief_editor_approves(submitted: Review, chief_editor: User) -> None:
    review_approve(review=submitted, approver=chief_editor)
    submitted.refresh_from_db()
    assert submitted.state == Review.State.APPROVED
    assert submitted.approved_by == chief_editor
    assert history(submitted)[-1] == ("awaiting_approval", "approved", "chief_editor")


def test_publishing_freezes_version_one_with_the_cited_evidence(
    submitted: Review, chief_editor: User, evidence: Evidence, make_evidence: MakeEvidence
) -> None:
    make_evidence(submitted.claim, passage="An uncited passage stays out of the check.")
    review_approve(review=submitted, approver=chief_editor)
    check = review_publish(review=submitted, publisher=chief_editor)
    check.refresh_from_db()
    assert (check.version, check.is_current) == (1, True)
    assert check.rating_label == "False"
    assert check.claim_review["claimReviewed"] == submitted.claim.text
    assert [item["passage"] for item in check.evidence] == [evidence.passage]
    states = list(submitted.events.values_list("to_state", flat=True))
    assert states == ["assigned", "drafting", "awaiting_approval", "approved", "published"]


@pytest.mark.parametrize("reason", ["more_evidence", "changes_requested"])
def test_sending_back_returns_the_verdict_to_drafting(
    submitted: Review, chief_editor: User, reviewer: User, reason: str
) -> None:
    review_send_back(review=submitted, actor=chief_editor, reason=reason, note="Cite the audit.")
    submitted.refresh_from_db()
    assert (submitted.state, submitted.approved_by) == (Review.State.DRAFTING, None)
    event = submitted.events.last()
    assert event is not None
    assert (event.from_state, event.to_state, event.reason_code) == (
        "awaiting_approval",
        "drafting",
        reason,
    )
    assert "Cite the audit." in event.reason
    review_submit(review=submitted, actor=reviewer)  # the writer fixes it and sends it again


def test_an_approved_verdict_can_be_sent_back_too(submitted: Review, chief_editor: User) -> None:
    review_approve(review=submitted, approver=chief_editor)
    review_send_back(
        review=submitted, actor=chief_editor, reason="changes_requested", note="Headline."
    )
    submitted.refresh_from_db()
    assert (submitted.state, submitted.approved_by) == (Review.State.DRAFTING, None)


def test_sending_back_needs_a_known_reason_and_a_note(
    submitted: Review, chief_editor: User
) -> None:
    with pytest.raises(ValidationError, match="Choose one of"):
        review_send_back(review=submitted, actor=chief_editor, reason="bored", note="x")
    with pytest.raises(ValidationError, match="needs"):
        review_send_back(review=submitted, actor=chief_editor, reason="more_evidence", note=" ")
    submitted.refresh_from_db()
    assert submitted.state == Review.State.AWAITING_APPROVAL


@pytest.mark.parametrize("reason", ["not_check_worthy", "duplicate"])
def test_dismissing_a_new_claim(accepted_claim: Claim, chief_editor: User, reason: str) -> None:
    review = review_dismiss(claim=accepted_claim, actor=chief_editor, reason=reason)
    review.refresh_from_db()
    assert review.state == Review.State.DISMISSED
    event = review.events.get()
    assert (event.from_state, event.to_state, event.reason_code) == ("new", "dismissed", reason)


def test_a_dismissed_review_takes_no_more_steps(
    accepted_claim: Claim, chief_editor: User, reviewer: User
) -> None:
    review_dismiss(claim=accepted_claim, actor=chief_editor, reason="duplicate", note="See #4.")
    with pytest.raises(InvalidTransition, match="Dismissed"):
        review_self_assign(claim=accepted_claim, actor=reviewer)
    with pytest.raises(InvalidTransition):
        draft(accepted_claim, reviewer)


def test_published_checks_cannot_be_dismissed(submitted: Review, chief_editor: User) -> None:
    review_approve(review=submitted, approver=chief_editor)
    review_publish(review=submitted, publisher=chief_editor)
    with pytest.raises(InvalidTransition):
        review_dismiss(claim=submitted.claim, actor=chief_editor, reason="duplicate")


def test_steps_out_of_order_are_refused(submitted: Review, chief_editor: User) -> None:
    with pytest.raises(InvalidTransition, match="Awaiting approval"):
        review_publish(review=submitted, publisher=chief_editor)
    review_approve(review=submitted, approver=chief_editor)
    review_publish(review=submitted, publisher=chief_editor)
    with pytest.raises(InvalidTransition):
        review_publish(review=submitted, publisher=chief_editor)
    assert PublishedCheck.objects.count() == 1


def test_only_the_assignee_edits_a_draft(
    accepted_claim: Claim, reviewer: User, second_reviewer: User
) -> None:
    draft(accepted_claim, reviewer)
    with pytest.raises(PermissionDenied, match="assignee"):
        draft(accepted_claim, second_reviewer)


def test_api_answers_four_eyes_with_403_and_wrong_state_with_409(
    accepted_claim: Claim,
    chief_editor: User,
    site_admin: User,
    evidence: Evidence,
    client_for: Any,
) -> None:
    review = draft(accepted_claim, chief_editor, cited_evidence=[evidence])
    review_submit(review=review, actor=chief_editor)
    approve_url = f"/api/v1/reviews/{review.id}/approve/"
    refused = client_for(chief_editor).post(approve_url)
    assert refused.status_code == 403
    assert "cannot approve" in refused.json()["detail"]
    assert client_for(site_admin).post(approve_url).status_code == 200
    again = client_for(site_admin).post(approve_url)
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
    assert body["assignee"] == body["author"] == "reviewer"
    assert [e["to_state"] for e in body["events"]] == ["assigned", "drafting", "awaiting_approval"]
    assert body["cited_evidence"] == list(submitted.cited_evidence.values_list("id", flat=True))


def test_the_whole_desk_through_the_api(
    accepted_claim: Claim, reviewer: User, chief_editor: User, evidence: Evidence, client_for: Any
) -> None:
    as_reviewer, as_chief = client_for(reviewer), client_for(chief_editor)
    taken = as_reviewer.post(f"/api/v1/reviews/queue/{accepted_claim.id}/assign/")
    assert taken.status_code == 200, taken.content
    review_id = taken.json()["id"]
    drafted = as_reviewer.post(
        "/api/v1/reviews/",
        {
            "claim": accepted_claim.id,
            "rating": "False",
            "headline": "Not 400 million",
            "justification": "The accounts say 212 million.",
            "cited_evidence": [evidence.id],
            "version": taken.json()["version"],
        },
        format="json",
    )
    assert drafted.status_code == 201, drafted.content
    assert as_reviewer.post(f"/api/v1/reviews/{review_id}/submit/").status_code == 200
    sent_back = as_chief.post(
        f"/api/v1/reviews/{review_id}/send-back/",
        {"reason": "more_evidence", "note": "Find the auditor's report."},
    )
    assert sent_back.json()["state"] == "drafting"
    assert as_reviewer.post(f"/api/v1/reviews/{review_id}/submit/").status_code == 200
    assert as_chief.post(f"/api/v1/reviews/{review_id}/approve/").status_code == 200
    published = as_chief.post(f"/api/v1/reviews/{review_id}/publish/")
    assert published.status_code == 201
    assert published.json()["version"] == 1
