"""The desk's queue: accepted claims by priority (check-worthiness, then recency), the
filters a reviewer works with, assignment by oneself, by a chief editor, or to whoever
has the least to write; one query a page in the API."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Article, Claim, Evidence
from reviewers.models import Rating, Review
from reviewers.queue import QueueFilters, review_queue, state_counts
from reviewers.services import (
    InvalidTransition,
    review_assign,
    review_auto_assign,
    review_dismiss,
    review_draft,
    review_self_assign,
    review_submit,
)

MakeClaim = Callable[..., Claim]


@pytest.fixture
def make_claim(make_article: Callable[..., Article], editor: User) -> MakeClaim:
    """An accepted claim with a score, accepted `hours_ago`."""
    count = iter(range(1, 1000))

    def make(score: float, hours_ago: float = 0, claimant: str = "A viral post") -> Claim:
        number = next(count)
        article = make_article(f"Claim {number}: the bridge cost {number} hundred million.")
        accepted_at = datetime(2026, 11, 1, tzinfo=UTC) - timedelta(hours=hours_ago)
        return Claim.objects.create(
            article=article,
            text=article.text,
            claimant=claimant,
            checkworthiness=score,
            status=Claim.Status.ACCEPTED,
            accepted_by=editor,
            accepted_at=accepted_at,
        )

    return make


def ids(user: User, **filters: Any) -> list[int]:
    return [claim.id for claim in review_queue(user=user, filters=QueueFilters(**filters))]


def write(claim: Claim, author: User, evidence: Evidence, submit: bool = False) -> Review:
    review = review_draft(
        claim=claim,
        author=author,
        rating=Rating.objects.get(label="Mostly false"),
        headline="Less than that",
        justification="The accounts.",
        cited_evidence=[evidence],
    )
    return review_submit(review=review, actor=author) if submit else review


def test_most_check_worthy_first_then_most_recent(make_claim: MakeClaim, reviewer: User) -> None:
    older = make_claim(0.9, hours_ago=5)
    newer = make_claim(0.9, hours_ago=1)
    low = make_claim(0.2)
    candidate = make_claim(0.99)
    Claim.objects.filter(id=candidate.id).update(status=Claim.Status.CANDIDATE)
    assert ids(reviewer) == [newer.id, older.id, low.id]


def test_a_page_of_the_queue_is_read_from_an_index_in_its_order(
    make_claim: MakeClaim, reviewer: User
) -> None:
    """No sort of every accepted claim: the page is the top of the index, so the database
    stops after a page however many claims are waiting."""
    for score in (0.9, 0.5, 0.1):
        make_claim(score, hours_ago=score)
    page = review_queue(user=reviewer)[:50]
    if connection.vendor == "postgresql":
        # Three rows are cheaper to sort than to read through an index; forbid sorting
        # and scanning (for this test's transaction) to see that neither is needed.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off")
    plan = page.explain()
    assert "claim_review_queue_idx" in plan
    assert "Sort" not in plan and "B-TREE FOR ORDER BY" not in plan, plan


def test_filters(
    make_claim: MakeClaim,
    make_evidence: Callable[..., Evidence],
    reviewer: User,
    second_reviewer: User,
    chief_editor: User,
) -> None:
    new = make_claim(0.9, claimant="The mayor")
    mine = make_claim(0.8)
    theirs = make_claim(0.7)
    waiting = make_claim(0.6)
    own_waiting = make_claim(0.5)
    dismissed = make_claim(0.4)
    review_self_assign(claim=mine, actor=reviewer)
    review_self_assign(claim=theirs, actor=second_reviewer)
    write(waiting, reviewer, make_evidence(waiting), submit=True)
    write(own_waiting, chief_editor, make_evidence(own_waiting), submit=True)
    review_dismiss(claim=dismissed, actor=chief_editor, reason="not_check_worthy")

    assert ids(reviewer) == [new.id, mine.id, theirs.id, waiting.id, own_waiting.id]
    assert ids(reviewer, mine=True) == [mine.id, waiting.id]
    assert ids(reviewer, unassigned=True) == [new.id]
    assert ids(reviewer, state="new") == [new.id]
    assert ids(reviewer, state="dismissed") == [dismissed.id]
    assert ids(reviewer, state="assigned") == [mine.id, theirs.id]
    assert ids(chief_editor, awaiting_my_approval=True) == [waiting.id]  # not its own
    assert ids(reviewer, awaiting_my_approval=True) == []  # reviewers do not approve
    assert ids(reviewer, rating="Mostly false") == [waiting.id, own_waiting.id]
    assert ids(reviewer, claimant="mayor") == [new.id]
    assert state_counts()["new"] == 1
    assert state_counts()["awaiting_approval"] == 2
    assert state_counts()["published"] == 0


def test_self_assign_does_not_take_someone_elses_review(
    make_claim: MakeClaim, reviewer: User, second_reviewer: User, chief_editor: User
) -> None:
    claim = make_claim(0.5)
    review_self_assign(claim=claim, actor=reviewer)
    with pytest.raises(PermissionDenied, match="assigned to reviewer"):
        review_self_assign(claim=claim, actor=second_reviewer)
    review = review_assign(claim=claim, actor=chief_editor, assignee=second_reviewer)
    assert review.assignee == second_reviewer
    assert review.events.last().reason == "Assigned to second_reviewer."  # type: ignore[union-attr]


def test_only_people_who_write_verdicts_can_be_assigned(
    make_claim: MakeClaim, chief_editor: User, editor: User
) -> None:
    claim = make_claim(0.5)
    with pytest.raises(ValidationError, match="does not write verdicts"):
        review_assign(claim=claim, actor=chief_editor, assignee=editor)
    assert not Review.objects.filter(claim=claim).exists()


def test_auto_assign_picks_the_reviewer_with_the_least_to_write(
    make_claim: MakeClaim, reviewer: User, second_reviewer: User, chief_editor: User
) -> None:
    for _ in range(2):
        review_assign(claim=make_claim(0.5), actor=chief_editor, assignee=reviewer)
    review_assign(claim=make_claim(0.5), actor=chief_editor, assignee=second_reviewer)
    picked = review_auto_assign(claim=make_claim(0.9), actor=chief_editor)
    assert picked.assignee == second_reviewer
    again = review_auto_assign(claim=make_claim(0.9), actor=chief_editor)
    assert again.assignee == reviewer  # 2 each now: the earlier account wins the tie


def test_auto_assign_without_reviewers_is_a_clear_error(
    make_claim: MakeClaim, chief_editor: User
) -> None:
    with pytest.raises(ValidationError, match="Nobody can be assigned"):
        review_auto_assign(claim=make_claim(0.5), actor=chief_editor)


def test_api_lists_the_queue_in_pages_with_its_filters(
    make_claim: MakeClaim, reviewer: User, client_for: Any
) -> None:
    top = make_claim(0.9, claimant="The mayor")
    make_claim(0.5)
    review_self_assign(claim=top, actor=reviewer)
    as_reviewer = client_for(reviewer)
    body = as_reviewer.get("/api/v1/reviews/queue/", {"page_size": 1}).json()
    assert body["count"] == 2 and body["next"]
    [item] = body["results"]
    assert item["claim"] == top.id
    assert (item["state"], item["assignee"], item["claimant"]) == (
        "assigned",
        "reviewer",
        "The mayor",
    )
    assert item["review"] == top.review.id
    new = as_reviewer.get("/api/v1/reviews/queue/", {"unassigned": "true"}).json()["results"]
    assert [(i["state"], i["review"]) for i in new] == [("new", None)]
    assert as_reviewer.get("/api/v1/reviews/queue/", {"state": "nope"}).status_code == 400
    assert as_reviewer.get("/api/v1/reviews/queue/", {"rating": "Nope"}).status_code == 400


def test_api_queue_takes_the_same_queries_for_any_number_of_claims(
    make_claim: MakeClaim,
    make_evidence: Callable[..., Evidence],
    reviewer: User,
    chief_editor: User,
    client_for: Any,
    django_assert_num_queries: Any,
) -> None:
    as_reviewer = client_for(reviewer)

    def fill(count: int) -> None:
        for _ in range(count):
            claim = make_claim(0.5)
            write(claim, reviewer, make_evidence(claim), submit=True)
            make_claim(0.4)

    fill(1)
    with CaptureQueriesContext(connection) as first:
        as_reviewer.get("/api/v1/reviews/queue/")
    assert len(first.captured_queries) <= 4  # permissions (unless cached), count, page
    fill(10)
    with django_assert_num_queries(len(first.captured_queries)):
        body = as_reviewer.get("/api/v1/reviews/queue/").json()
    assert body["count"] == 22


def test_api_assigns_auto_assigns_and_dismisses(
    make_claim: MakeClaim, reviewer: User, chief_editor: User, client_for: Any
) -> None:
    as_chief = client_for(chief_editor)
    one, two = make_claim(0.5), make_claim(0.5)
    auto = as_chief.post(f"/api/v1/reviews/queue/{one.id}/auto-assign/")
    assert auto.status_code == 200 and auto.json()["assignee"] == "reviewer"
    dismissed = as_chief.post(
        f"/api/v1/reviews/queue/{two.id}/dismiss/", {"reason": "duplicate", "note": "Of #1."}
    )
    assert dismissed.json()["state"] == "dismissed"
    assert dismissed.json()["events"][-1]["reason"] == "Duplicate. Of #1."


@pytest.mark.django_db
def test_a_claim_confirmed_as_checked_before_never_enters_the_queue(
    make_claim: MakeClaim, reviewer: User
) -> None:
    earlier, repeat = make_claim(0.9), make_claim(0.8)
    repeat.duplicate_of = earlier  # as claim_match_confirm leaves it
    repeat.save(update_fields=["duplicate_of"])

    assert ids(reviewer) == [earlier.id]
    assert state_counts()[Review.State.NEW] == 1
    with pytest.raises(InvalidTransition, match=f"same as claim {earlier.id}"):
        review_self_assign(claim=repeat, actor=reviewer)
    assert not Review.objects.filter(claim=repeat).exists()


@pytest.mark.django_db
def test_a_review_under_way_stays_when_its_claim_is_found_checked_before(
    make_claim: MakeClaim, reviewer: User
) -> None:
    earlier, repeat = make_claim(0.9), make_claim(0.8)
    review_self_assign(claim=repeat, actor=reviewer)
    repeat.duplicate_of = earlier
    repeat.save(update_fields=["duplicate_of"])

    assert ids(reviewer, mine=True) == [repeat.id]  # to be dismissed as a duplicate
