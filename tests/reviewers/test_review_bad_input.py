"""Bad input on the desk: the wrong state, the wrong user, a stale form, a missing rating,
an empty justification — each a clear error, with nothing half-saved."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.models import Claim, Evidence
from reviewers.models import Rating, Review
from reviewers.services import review_draft

MakeEvidence = Callable[..., Evidence]


@pytest.fixture
def evidence(accepted_claim: Claim, make_evidence: MakeEvidence) -> Evidence:
    return make_evidence(accepted_claim)


@pytest.fixture
def drafted(accepted_claim: Claim, reviewer: User, evidence: Evidence) -> Review:
    return review_draft(
        claim=accepted_claim,
        author=reviewer,
        rating=Rating.objects.get(label="False"),
        headline="Not 400 million",
        justification="The accounts say 212 million.",
        cited_evidence=[evidence],
    )


def snapshot(review: Review) -> tuple[Any, ...]:
    review.refresh_from_db()
    return (
        review.state,
        review.version,
        review.rating_id,
        review.headline,
        review.justification,
        list(review.cited_evidence.values_list("id", flat=True)),
        review.events.count(),
    )


def draft_body(review: Review, **changes: Any) -> dict[str, Any]:
    body = {
        "claim": review.claim_id,
        "rating": "False",
        "headline": "Not 400 million",
        "justification": "The accounts say 212 million.",
        "version": review.version,
    }
    return {**body, **changes}


def test_wrong_state_is_409(drafted: Review, chief_editor: User, client_for: Any) -> None:
    before = snapshot(drafted)
    response = client_for(chief_editor).post(f"/api/v1/reviews/{drafted.id}/publish/")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The review is Drafting; this step needs it to be Approved."
    )
    assert snapshot(drafted) == before


def test_wrong_user_is_403(drafted: Review, second_reviewer: User, client_for: Any) -> None:
    before = snapshot(drafted)
    as_other = client_for(second_reviewer)
    submitted = as_other.post(f"/api/v1/reviews/{drafted.id}/submit/")
    assert submitted.status_code == 403
    assert "assignee" in submitted.json()["detail"]
    rewritten = as_other.post("/api/v1/reviews/", draft_body(drafted, headline="Mine now"))
    assert rewritten.status_code == 403
    assert snapshot(drafted) == before


def test_stale_draft_form_is_409_and_saves_nothing(
    drafted: Review, reviewer: User, client_for: Any
) -> None:
    opened_at = drafted.version
    as_reviewer = client_for(reviewer)
    first = as_reviewer.post("/api/v1/reviews/", draft_body(drafted, headline="First edit"))
    assert first.status_code == 201
    before = snapshot(drafted)
    stale = as_reviewer.post(
        "/api/v1/reviews/", draft_body(drafted, headline="Stale edit", version=opened_at)
    )
    assert stale.status_code == 409
    assert "changed this review after you opened it" in stale.json()["detail"]
    assert snapshot(drafted) == before
    assert drafted.headline == "First edit"


def test_stale_transition_is_409(drafted: Review, reviewer: User, client_for: Any) -> None:
    before = snapshot(drafted)
    response = client_for(reviewer).post(
        f"/api/v1/reviews/{drafted.id}/submit/", {"version": drafted.version - 1}
    )
    assert response.status_code == 409
    assert snapshot(drafted) == before


def test_missing_rating_blocks_submission(drafted: Review, reviewer: User, client_for: Any) -> None:
    as_reviewer = client_for(reviewer)
    body = draft_body(drafted, rating=None)
    assert as_reviewer.post("/api/v1/reviews/", body, format="json").status_code == 201
    before = snapshot(drafted)
    response = as_reviewer.post(f"/api/v1/reviews/{drafted.id}/submit/")
    assert response.status_code == 400
    assert response.json() == {"detail": ["The verdict needs a rating first."]}
    assert snapshot(drafted) == before


def test_empty_justification_blocks_submission(
    drafted: Review, reviewer: User, client_for: Any
) -> None:
    as_reviewer = client_for(reviewer)
    assert (
        as_reviewer.post("/api/v1/reviews/", draft_body(drafted, justification="   ")).status_code
        == 201
    )
    before = snapshot(drafted)
    response = as_reviewer.post(f"/api/v1/reviews/{drafted.id}/submit/")
    assert response.status_code == 400
    assert "justification" in response.json()["detail"][0]
    assert snapshot(drafted) == before


def test_citing_another_claims_evidence_saves_nothing(
    drafted: Review, reviewer: User, client_for: Any, make_evidence: MakeEvidence, make_article: Any
) -> None:
    other = make_article("The ferry fares rose by 3 percent in 2025.")
    foreign = make_evidence(Claim.objects.create(article=other, text=other.text))
    before = snapshot(drafted)
    response = client_for(reviewer).post(
        "/api/v1/reviews/",
        draft_body(drafted, headline="Changed", cited_evidence=[foreign.id]),
        format="json",
    )
    assert response.status_code == 400
    assert "another claim" in response.json()["cited_evidence"][0]
    assert snapshot(drafted) == before


def test_unknown_evidence_rating_and_reasons_are_400(
    drafted: Review, reviewer: User, chief_editor: User, client_for: Any
) -> None:
    before = snapshot(drafted)
    as_reviewer = client_for(reviewer)
    unknown = as_reviewer.post(
        "/api/v1/reviews/", draft_body(drafted, cited_evidence=[999999]), format="json"
    )
    assert unknown.status_code == 400 and "cited_evidence" in unknown.json()
    assert (
        as_reviewer.post("/api/v1/reviews/", draft_body(drafted, rating="Meh")).status_code == 400
    )
    long = as_reviewer.post("/api/v1/reviews/", draft_body(drafted, headline="x" * 301))
    assert long.status_code == 400 and "headline" in long.json()
    dismissed = client_for(chief_editor).post(
        f"/api/v1/reviews/queue/{drafted.claim_id}/dismiss/", {"reason": "boring"}
    )
    assert dismissed.status_code == 400 and "reason" in dismissed.json()
    assert snapshot(drafted) == before


def test_unknown_ids_are_404(reviewer: User, client_for: Any) -> None:
    as_reviewer = client_for(reviewer)
    assert as_reviewer.post("/api/v1/reviews/queue/999999/assign/").status_code == 404
    assert as_reviewer.post("/api/v1/reviews/999999/submit/").status_code == 404
    assert as_reviewer.get(f"/api/v1/reviews/{10**30}/comments/").status_code == 404
