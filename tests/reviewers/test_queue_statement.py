"""The queue's one-statement pages (reviewers/queue_statement.py) list exactly what the
queue's queryset lists: the same claims with the same columns, page after page forwards
and backwards through ties, with the same bounded count, the same cursors, and the same
claimant search."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.models import Article, Claim
from reviewers.models import Rating, Review
from reviewers.queue import OPEN_STATES, QueueFilters, review_queue
from reviewers.queue_api import ITEM_FIELDS
from reviewers.queue_pages import COUNT_LIMIT, QueuePage, bounded_count, queue_page
from reviewers.queue_statement import ITEM_COLUMNS, queue_page_and_count, reads

State = Review.State
# A review in every state, closed ones (left out of the queue) included.
STATES = [None, *State.values]
UNRATED = {State.NEW, State.ASSIGNED, State.DRAFTING, State.DISMISSED}
APPROVED = set(State.values) - UNRATED - {State.AWAITING_APPROVAL}
CLAIMANTS = ["The Mayor", "A viral post", "100% mayor_s office", "the mayor's aide"]


@pytest.fixture
def desk(db: None, reviewer: User, second_reviewer: User) -> None:
    """2 × COUNT_LIMIT accepted claims over few scores and instants (ties that the order
    settles by id), with reviews in every state, some confirmed as checked before."""
    start = datetime(2026, 11, 1, tzinfo=UTC)
    total = 2 * COUNT_LIMIT
    articles = Article.objects.bulk_create(
        Article(text=f"Text {n}", title=f"Story {n}", content_hash=f"{n:064d}")
        for n in range(total)
    )
    claims = Claim.objects.bulk_create(
        Claim(
            article=article,
            text=f"Claim {n}",
            claimant=CLAIMANTS[n % len(CLAIMANTS)],
            checkworthiness=[0.9, 0.5, 0.5, 0.25][n % 4],
            status=Claim.Status.ACCEPTED,
            accepted_at=start + timedelta(minutes=n // 3),
        )
        for n, article in enumerate(articles)
    )
    Claim.objects.filter(id__in=[c.id for c in claims[::7]]).update(duplicate_of=claims[1])
    rating = Rating.objects.get(label="False")
    verdict = {"headline": "Less than that", "justification": "The accounts."}
    Review.objects.bulk_create(
        Review(
            claim=claim,
            state=state,
            assignee=reviewer if n % 2 else second_reviewer,
            author=second_reviewer,
            approved_by=reviewer if state in APPROVED else None,
            rating=rating if state not in UNRATED or n % 4 else None,
            **(verdict if state not in UNRATED or n % 4 else {}),
        )
        for n, claim in enumerate(claims)
        if n % 5 and (state := STATES[n % len(STATES)]) is not None
    )


def by_queryset(user: User, claimant: str, cursor: Any, size: int) -> tuple[QueuePage, Any]:
    claims = review_queue(user=user, filters=QueueFilters(claimant=claimant))
    return queue_page(claims.values(*ITEM_COLUMNS), cursor=cursor, size=size), bounded_count(claims)


@pytest.mark.parametrize("claimant", ["", "mayor", "100%", "_s", "nobody"])
def test_pages_forwards_and_backwards_are_the_querysets_pages(
    desk: None, reviewer: User, claimant: str
) -> None:
    size, cursor, seen = 13, None, []
    while True:
        page, count, exact = queue_page_and_count(claimant=claimant, cursor=cursor, size=size)
        assert (page, (count, exact)) == by_queryset(reviewer, claimant, cursor, size)
        seen += [row["id"] for row in page.claims]
        if page.next is None:
            break
        cursor = page.next
    assert seen == [
        claim.id for claim in review_queue(user=reviewer, filters=QueueFilters(claimant=claimant))
    ]
    if claimant == "nobody":
        assert seen == [] and (count, exact) == (0, True)
        return
    last_page = [row["id"] for row in page.claims]
    cursor, back = page.previous, list[int]()
    while cursor is not None:
        page, count, exact = queue_page_and_count(claimant=claimant, cursor=cursor, size=size)
        assert (page, (count, exact)) == by_queryset(reviewer, claimant, cursor, size)
        back = [row["id"] for row in page.claims] + back
        cursor = page.previous
    assert back + last_page == seen


def test_the_count_stops_at_the_limit_and_says_so(desk: None) -> None:
    _page, count, exact = queue_page_and_count(claimant="", cursor=None, size=50)
    assert (count, exact) == (COUNT_LIMIT, False)
    _page, count, exact = queue_page_and_count(claimant="the mayor", cursor=None, size=50)
    assert count < COUNT_LIMIT and exact


def test_rows_carry_every_column_the_api_shows(desk: None) -> None:
    page, _count, _exact = queue_page_and_count(claimant="", cursor=None, size=50)
    assert list(ITEM_FIELDS.values()) == ITEM_COLUMNS
    assert all(list(row) == ITEM_COLUMNS for row in page.claims)
    states = {row["desk_state"] for row in page.claims}
    assert State.NEW in states and states <= set(OPEN_STATES)
    assert all(row["accepted_at"].tzinfo is not None for row in page.claims)


def test_only_the_unfiltered_and_claimant_views_are_read_so() -> None:
    assert reads(QueueFilters()) and reads(QueueFilters(claimant="mayor"))
    for other in ({"mine": True}, {"unassigned": True}, {"state": "drafting"}, {"rating": "False"}):
        assert not reads(QueueFilters(**other))
