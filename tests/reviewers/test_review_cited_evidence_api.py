"""Through the API, the evidence a verdict cites is replaced by the list sent, kept when the
field is left out (in JSON or a form), and emptied by `[]` while drafting; a published
check always cites something, so a correction cannot empty it."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.models import Claim, Evidence
from reviewers.models import Rating, Review
from reviewers.services import review_draft

MakeEvidence = Callable[..., Evidence]
Publish = Callable[..., Review]


@pytest.fixture
def drafted(accepted_claim: Claim, reviewer: User, make_evidence: MakeEvidence) -> Review:
    """A draft citing two pieces of its claim's evidence."""
    return review_draft(
        claim=accepted_claim,
        author=reviewer,
        rating=Rating.objects.get(label="False"),
        headline="Not 400 million",
        justification="The accounts say 212 million.",
        cited_evidence=[make_evidence(accepted_claim), make_evidence(accepted_claim)],
    )


def cited_ids(review: Review) -> set[int]:
    return set(review.cited_evidence.values_list("id", flat=True))


def save_draft(client: Any, review: Review, format: str = "json", **fields: Any) -> Any:
    body = {"claim": review.claim_id, "headline": "Not 400 million", **fields}
    return client.post("/api/v1/reviews/", body, format=format)


@pytest.mark.parametrize("format", ["json", "multipart"])
def test_a_draft_saved_without_cited_evidence_keeps_what_it_cites(
    drafted: Review, reviewer: User, client_for: Any, format: str
) -> None:
    before = cited_ids(drafted)
    response = save_draft(client_for(reviewer), drafted, format, justification="Shorter.")
    assert response.status_code == 201, response.content
    drafted.refresh_from_db()
    assert drafted.justification == "Shorter."
    assert cited_ids(drafted) == before and len(before) == 2


def test_an_empty_list_uncites_everything_in_a_draft(
    drafted: Review, reviewer: User, client_for: Any
) -> None:
    as_reviewer = client_for(reviewer)
    response = save_draft(as_reviewer, drafted, cited_evidence=[])
    assert response.status_code == 201, response.content
    assert response.json()["cited_evidence"] == []
    assert cited_ids(drafted) == set()
    submitted = as_reviewer.post(f"/api/v1/reviews/{drafted.id}/submit/")
    assert submitted.status_code == 400  # nothing cited: not ready for approval
    drafted.refresh_from_db()
    assert drafted.state == Review.State.DRAFTING


def test_a_list_replaces_what_the_draft_cites(
    drafted: Review, reviewer: User, client_for: Any, make_evidence: MakeEvidence
) -> None:
    newer = make_evidence(drafted.claim)
    response = save_draft(client_for(reviewer), drafted, cited_evidence=[newer.id])
    assert response.status_code == 201, response.content
    assert cited_ids(drafted) == {newer.id}


def test_a_correction_without_cited_evidence_keeps_what_the_check_cites(
    publish_check: Publish, chief_editor: User, client_for: Any
) -> None:
    review = publish_check()
    before = cited_ids(review)
    response = client_for(chief_editor).post(
        f"/api/v1/reviews/{review.id}/correct/",
        {"note": "Typo in the headline.", "headline": "Better headline"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    assert cited_ids(review) == before and before


def test_a_correction_cannot_uncite_everything(
    publish_check: Publish, chief_editor: User, client_for: Any
) -> None:
    review = publish_check()
    before = cited_ids(review)
    response = client_for(chief_editor).post(
        f"/api/v1/reviews/{review.id}/correct/",
        {"note": "No sources.", "headline": "Changed", "cited_evidence": []},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"cited_evidence": ["A published verdict cites evidence."]}
    review.refresh_from_db()  # nothing half-written
    assert review.headline != "Changed" and review.versions.count() == 1
    assert cited_ids(review) == before
