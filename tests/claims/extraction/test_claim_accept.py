"""An editor accepts a candidate; a gathering run starts, its jobs queued after commit."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from claims.extraction.services import claim_accept
from claims.models import Claim


@pytest.fixture
def candidate(make_article: Any) -> Claim:
    article = make_article("The bridge cost 400 million dollars, a post claims.")
    return Claim.objects.create(article=article, text=article.text, checkworthiness=0.7)


def test_accepting_starts_gathering(
    candidate: Claim, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        claim_accept(claim=candidate, user=editor)
    candidate.refresh_from_db()
    assert candidate.status == Claim.Status.ACCEPTED
    assert candidate.accepted_by == editor and candidate.accepted_at is not None
    assert candidate.gathering == Claim.Gathering.PENDING
    run = candidate.gathering_runs.get()
    assert run.started_by == editor
    assert run.providers_total == run.jobs.count() == 3  # archive, links, our checks
    assert len(enqueued) == 4  # a task per provider, and matching ("checked before?")
    assert candidate.matching == Claim.Matching.PENDING


def test_accepting_twice_changes_nothing(
    candidate: Claim, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    first = claim_accept(claim=candidate, user=editor)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        second = claim_accept(claim=candidate, user=editor)
    assert second.accepted_at == first.accepted_at
    assert enqueued == []


def test_only_editors_accept(candidate: Claim, outsider: User, client_for: Any) -> None:
    with pytest.raises(PermissionDenied):
        claim_accept(claim=candidate, user=outsider)
    response = client_for(outsider).post(f"/api/v1/claims/{candidate.id}/accept/")
    assert response.status_code == 403
    candidate.refresh_from_db()
    assert candidate.status == Claim.Status.CANDIDATE


def test_editor_accepts_in_the_api(candidate: Claim, editor: User, client_for: Any) -> None:
    response = client_for(editor).post(f"/api/v1/claims/{candidate.id}/accept/")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert client_for(editor).post("/api/v1/claims/999999/accept/").status_code == 404
