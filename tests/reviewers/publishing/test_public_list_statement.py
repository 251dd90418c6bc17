"""The public list's unfiltered pages, read with a statement written once
(reviewers/publishing/list_statement.py), are the queryset's pages: the same versions with
the same values, forwards and backwards through versions of one instant, corrections at
their current version and retractions left out."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User

from reviewers.models import PublishedCheck, Review
from reviewers.publishing.api import LISTED
from reviewers.publishing.keyset import Cursor, Page, keyset_page
from reviewers.publishing.list_statement import public_page
from reviewers.services import review_correct, review_retract


def by_queryset(cursor: Cursor | None, size: int) -> Page:
    rows = PublishedCheck.objects.public().values("id", *LISTED)
    return keyset_page(rows, cursor=cursor, size=size)


def test_pages_forwards_and_backwards_are_the_querysets_pages(
    publish_check: Callable[..., Review], chief_editor: User
) -> None:
    reviews = [publish_check(tags=("bridge", "budget")[: n % 3]) for n in range(17)]
    review_correct(review=reviews[3], corrector=chief_editor, note="Fixed the figure.")
    review_retract(review=reviews[5], retractor=chief_editor, reason="Wrong claim checked.")
    instant = datetime(2026, 11, 2, 9, 30, 15, 250000, tzinfo=UTC)  # seven of one instant
    PublishedCheck.objects.filter(review__in=reviews[6:13]).update(modified_at=instant)
    PublishedCheck.objects.filter(review=reviews[14]).update(modified_at=instant + timedelta(1))
    size, cursor, seen = 4, None, []
    while True:
        page = public_page(LISTED, cursor=cursor, size=size)
        assert page == by_queryset(cursor, size)
        seen += [row["review_id"] for row in page.rows]
        if page.next is None:
            break
        cursor = page.next
    assert len(seen) == 16 and reviews[5].id not in seen
    last_page = [row["review_id"] for row in page.rows]
    cursor, back = page.previous, list[int]()
    while cursor is not None:
        page = public_page(LISTED, cursor=cursor, size=size)
        assert page == by_queryset(cursor, size)
        back = [row["review_id"] for row in page.rows] + back
        cursor = page.previous
    assert back + last_page == seen


def test_rows_hold_the_values_the_orm_reads(publish_check: Callable[..., Review]) -> None:
    publish_check(tags=("bridge",))
    [row] = public_page(LISTED, cursor=None, size=50).rows
    assert row["tags"] == ["bridge"]
    assert all(row[name].tzinfo is not None for name in ("published_at", "modified_at"))
    assert list(row) == ["id", *LISTED]


def test_an_empty_list_is_an_empty_page(db: Any) -> None:
    page = public_page(LISTED, cursor=None, size=50)
    assert (page.rows, page.next, page.previous) == ([], None, None)
