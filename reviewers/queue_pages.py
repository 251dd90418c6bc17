"""Keyset pages of the review queue, for the admin's desk and the API alike.

A page is the claims after (or before) the last one seen, in the queue's order
(`-checkworthiness, -accepted_at, -id`, the order of `claim_review_queue_idx`), so the
database seeks to it in the index: page 2,000 costs what page 1 costs, and no request
counts the whole queue to number its pages. How many claims a view holds is counted up to
COUNT_LIMIT only.
"""

import base64
import binascii
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.timezone import is_aware

from claims.models import Claim
from factcheck.api import MAX_ID

# A view's count stops here: "two pages or more" is all a desk needs, and PostgreSQL counts
# up to about a hundred claims on its own, where more would start parallel workers (tens
# of milliseconds to start them, to count what takes one: bench/README.md).
COUNT_LIMIT = 100
Row = Claim | dict[str, Any]
FORWARD_ORDER = ("-checkworthiness", "-accepted_at", "-id")
BACKWARD_ORDER = ("checkworthiness", "accepted_at", "id")


@dataclass(frozen=True)
class QueueCursor:
    """Where a page starts: just after (forward) or just before a claim's place."""

    forward: bool
    checkworthiness: float
    accepted_at: datetime
    id: int

    @classmethod
    def at(cls, row: "Row", *, forward: bool) -> "QueueCursor":
        """The cursor at a claim of a page: a Claim, or its `.values()` row."""
        if isinstance(row, dict):
            return cls(forward, row["checkworthiness"], row["accepted_at"], row["id"])
        assert row.accepted_at is not None  # every accepted claim has one (a constraint)
        return cls(forward, row.checkworthiness, row.accepted_at, row.id)

    @classmethod
    def decode(cls, text: str | None) -> "QueueCursor | None":
        """Return the cursor a client sent back, or refuse it with a ValidationError."""
        if not text:
            return None
        try:
            fields = base64.urlsafe_b64decode(text.encode()).decode().split("|")
            direction, score, stamp, key = fields
            cursor = cls(direction == "n", float(score), datetime.fromisoformat(stamp), int(key))
        except (ValueError, UnicodeError, binascii.Error):
            cursor = None
        if (
            cursor is None
            or direction not in ("n", "p")
            or not (math.isfinite(cursor.checkworthiness) and 0 <= cursor.checkworthiness <= 1)
            or not 0 < cursor.id <= MAX_ID
            or not is_aware(cursor.accepted_at)
        ):
            raise ValidationError({"cursor": "Not a cursor the queue gave: use next or previous."})
        return cursor

    def encode(self) -> str:
        direction = "n" if self.forward else "p"
        text = f"{direction}|{self.checkworthiness!r}|{self.accepted_at.isoformat()}|{self.id}"
        return base64.urlsafe_b64encode(text.encode()).decode()


@dataclass(frozen=True)
class QueuePage:
    claims: list[Any]  # Claims, or their `.values()` rows: what the queryset gave
    next: QueueCursor | None
    previous: QueueCursor | None


def queue_page(claims: QuerySet[Claim, Any], *, cursor: QueueCursor | None, size: int) -> QueuePage:
    """Return a page of the queue (`review_queue`'s claims, or their `.values()`) from the
    cursor on."""
    if cursor is None or cursor.forward:
        if cursor is not None:
            claims = _after(claims, cursor)
        found = list(claims.order_by(*FORWARD_ORDER)[: size + 1])
    else:
        found = list(_before(claims, cursor).order_by(*BACKWARD_ORDER)[: size + 1])
    return page_of(found, cursor=cursor, size=size)


def page_of(found: list[Any], *, cursor: QueueCursor | None, size: int) -> QueuePage:
    """Return the page from the first `size + 1` claims read from the cursor on, in the
    order read (backwards for a backward cursor), and its neighbours' cursors."""
    if cursor is None or cursor.forward:
        page, more = found[:size], len(found) > size
        return QueuePage(
            page,
            next=QueueCursor.at(page[-1], forward=True) if more else None,
            previous=QueueCursor.at(page[0], forward=False) if cursor and page else None,
        )
    page, more = found[:size][::-1], len(found) > size
    return QueuePage(
        page,
        next=QueueCursor.at(page[-1], forward=True) if page else None,
        previous=QueueCursor.at(page[0], forward=False) if more else None,
    )


def bounded_count(claims: QuerySet[Claim, Any]) -> tuple[int, bool]:
    """Return how many claims the view holds, counted up to COUNT_LIMIT, and whether that
    is all of them.

    Counted newest first: most of a newsroom's accepted claims were checked long ago, and
    what still waits is recent, so the limit is reached after a few pages' worth of claims
    rather than after a walk through years of finished ones.
    """
    counted = newest_first(claims.values("id"))[: COUNT_LIMIT + 1].count()
    return min(counted, COUNT_LIMIT), counted <= COUNT_LIMIT


def newest_first(claims: QuerySet[Claim, Any]) -> QuerySet[Claim, Any]:
    """Claims in the order a bounded count should meet them: newest first on PostgreSQL,
    which walks the index on `accepted_at` backwards and stops; in any order on SQLite,
    which keeps no statistics and would sort every claim first (20 ms at 20,000 claims,
    against 0.8 ms through the queue's covering index)."""
    if connection.vendor == "postgresql":
        return claims.order_by("-accepted_at")
    return claims.order_by()


def _after(claims: QuerySet[Claim, Any], cursor: QueueCursor) -> QuerySet[Claim, Any]:
    # A range on the index's first ordered column (which the database seeks to), then the
    # claims of the cursor's own score that come before it.
    score, stamp = cursor.checkworthiness, cursor.accepted_at
    return claims.filter(checkworthiness__lte=score).exclude(
        Q(checkworthiness=score)
        & (Q(accepted_at__gt=stamp) | Q(accepted_at=stamp, id__gte=cursor.id))
    )


def _before(claims: QuerySet[Claim, Any], cursor: QueueCursor) -> QuerySet[Claim, Any]:
    score, stamp = cursor.checkworthiness, cursor.accepted_at
    return claims.filter(checkworthiness__gte=score).exclude(
        Q(checkworthiness=score)
        & (Q(accepted_at__lt=stamp) | Q(accepted_at=stamp, id__lte=cursor.id))
    )
