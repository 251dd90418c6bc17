"""Two chief editors approve the same verdict at the same moment: the row lock lets one
through; the other then sees the review approved and gets a clear error, not a second
approval (each thread has its own database connection, as two web requests would)."""

import threading
import time
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction

from claims.models import Claim, Evidence
from reviewers.models import Rating, Review
from reviewers.services import InvalidTransition, review_approve, review_draft, review_submit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Outcome = dict[str, object]


@pytest.fixture
def submitted(
    accepted_claim: Claim, reviewer: User, make_evidence: Callable[..., Evidence]
) -> Review:
    review = review_draft(
        claim=accepted_claim,
        author=reviewer,
        rating=Rating.objects.get(label="False"),
        headline="Not 400 million",
        justification="The accounts say 212 million.",
        cited_evidence=[make_evidence(accepted_claim)],
    )
    return review_submit(review=review, actor=reviewer)


def in_thread(work: Callable[[], object], outcome: Outcome) -> threading.Thread:
    def run() -> None:
        started = time.monotonic()
        try:
            outcome["result"] = work()
        except Exception as error:
            outcome["error"] = error
        finally:
            outcome["seconds"] = time.monotonic() - started
            connection.close()

    return threading.Thread(target=run)


def test_second_approval_waits_for_the_lock_then_gets_a_clear_error(
    submitted: Review, chief_editor: User, site_admin: User
) -> None:
    holding = threading.Event()
    first: Outcome = {}
    second: Outcome = {}

    def approve_slowly() -> object:
        with transaction.atomic():
            Review.objects.select_for_update().get(pk=submitted.pk)  # hold the row…
            holding.set()
            time.sleep(0.5)  # …while the other approval arrives
            return review_approve(review=submitted, approver=chief_editor)

    def approve_when_held() -> object:
        holding.wait(timeout=10)
        return review_approve(review=submitted, approver=site_admin)

    threads = [in_thread(approve_slowly, first), in_thread(approve_when_held, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert "error" not in first, first
    error = second.get("error")
    assert isinstance(error, InvalidTransition), second
    assert "Approved" in str(error)
    assert float(second["seconds"]) >= 0.3  # type: ignore[arg-type]  # it waited for the lock
    submitted.refresh_from_db()
    assert submitted.approved_by == chief_editor
    assert submitted.events.filter(to_state="approved").count() == 1


def test_racing_approvals_approve_once(
    submitted: Review, chief_editor: User, site_admin: User
) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[Outcome] = [{}, {}]

    def approve_as(user: User) -> Callable[[], object]:
        def approve() -> object:
            barrier.wait(timeout=10)
            return review_approve(review=submitted, approver=user)

        return approve

    threads = [
        in_thread(approve_as(user), outcome)
        for user, outcome in zip([chief_editor, site_admin], outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    errors = [outcome.get("error") for outcome in outcomes]
    assert sum(error is None for error in errors) == 1, errors
    assert any(isinstance(error, InvalidTransition) for error in errors), errors
    assert submitted.events.filter(to_state="approved").count() == 1
