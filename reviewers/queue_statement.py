"""The queue's commonest pages (every claim that still needs work, or those of a claimant)
and their bounded count, read with one hand-written SQL statement.

`review_queue` (queue.py) defines the queue; this reads the same rows as
`queue_page(review_queue(…).values(*ITEM_COLUMNS), …)` and the same count as
`bounded_count`, in one round trip and without building and compiling two querysets
at each request, which took more of the API's time than running them (bench/README.md).
tests/reviewers/test_queue_statement.py holds the two to the same answers. Any other
filter goes through the ORM.

The statement is written once per process for each of its shapes (first page, after a
cursor, before one; with or without a claimant): the column and table names come from
the models, and only values travel as parameters.
"""

from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model
from django.utils.dateparse import parse_datetime

from claims.models import Article, Claim
from reviewers import queue_pages
from reviewers.models import Rating, Review
from reviewers.queue import OPEN_STATES, QueueFilters
from reviewers.queue_pages import QueueCursor, QueuePage, page_of

State = Review.State
# The columns of a row, named as `.values()` names them on `review_queue`'s claims.
ITEM_COLUMNS = [
    "id", "text", "claimant", "checkworthiness", "accepted_at", "article_id", "article__title",
    "review_pk", "desk_state", "assignee_name", "author_name", "rating_label", "review_version",
]  # fmt: skip


def reads(filters: QueueFilters) -> bool:
    """Whether this statement reads the view these filters ask for."""
    return filters == QueueFilters(claimant=filters.claimant)


def queue_page_and_count(
    *, claimant: str, cursor: QueueCursor | None, size: int
) -> tuple[QueuePage, int, bool]:
    """Return a page of the queue from the cursor on, the view's count up to COUNT_LIMIT,
    and whether that count is all of it (as `queue_page` and `bounded_count` would)."""
    shape = "first" if cursor is None else ("after" if cursor.forward else "before")
    params: list[Any] = []
    where_params: list[Any] = [Claim.Status.ACCEPTED, *OPEN_STATES]
    if claimant:
        where_params.append(f"%{connection.ops.prep_for_like_query(claimant)}%")
    limit = queue_pages.COUNT_LIMIT  # read at each request, as bounded_count does
    params += [*where_params, limit + 1]  # the count's
    params += where_params  # the page's
    if cursor is not None:
        stamp = connection.ops.adapt_datetimefield_value(cursor.accepted_at)
        score = cursor.checkworthiness
        params += [score, score, stamp, stamp, cursor.id]
    params.append(size + 1)
    with connection.cursor() as db:
        db.execute(_statement(connection.vendor, shape, bool(claimant)), params)
        found = db.fetchall()
    counted = found[0][0]
    rows = [_row(values[1:]) for values in found if values[1] is not None]
    page = page_of(rows, cursor=cursor, size=size)
    return page, min(counted, limit), counted <= limit


def _row(values: tuple[Any, ...]) -> dict[str, Any]:
    row = dict(zip(ITEM_COLUMNS, values, strict=True))
    row["accepted_at"] = _aware(row["accepted_at"])
    return row


def _aware(value: datetime | str) -> datetime:
    """A timestamp as the ORM returns it, aware: SQLite gives it naive (or as text), in UTC."""
    parsed = value if isinstance(value, datetime) else parse_datetime(value)
    assert parsed is not None, value
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


@cache
def _statement(vendor: str, shape: str, by_claimant: bool) -> str:
    """The statement for a shape of request: the count (one row), joined to the page."""
    claim, review, article = _table(Claim), _table(Review), _table(Article)
    user, rating = _table(User), _table(Rating)
    c = _columns(Claim, "c")
    r = _columns(Review, "r")
    open_states = ", ".join(["%s"] * len(OPEN_STATES))
    # review_queue's condition: accepted, not confirmed as checked before unless a review
    # is under way, and with no review yet or one in a state that still needs work.
    where = (
        f"{c['status']} = %s"
        f" AND (({c['checked_by_external']} IS NULL AND {c['duplicate_of']} IS NULL)"
        f" OR {r['id']} IS NOT NULL)"
        f" AND ({r['id']} IS NULL OR {r['state']} IN ({open_states}))"
    )
    if by_claimant:
        lhs = connection.ops.lookup_cast("icontains", "CharField") % c["claimant"]
        where += f" AND {lhs} {connection.operators['icontains']}"
    # The count meets the newest claims first on PostgreSQL (queue_pages.newest_first).
    newest = f" ORDER BY {c['accepted_at']} DESC" if vendor == "postgresql" else ""
    count = (
        f"SELECT COUNT(*) AS counted FROM (SELECT {c['id']} FROM {claim} c"  # noqa: S608
        f" LEFT OUTER JOIN {review} r ON {c['id']} = {r['claim']}"
        f" WHERE {where}{newest} LIMIT %s) bounded"
    )
    score, stamp, key = c["checkworthiness"], c["accepted_at"], c["id"]
    if shape == "after":  # as queue_pages._after and _before
        where += (
            f" AND {score} <= %s AND NOT ({score} = %s AND ({stamp} > %s"
            f" OR ({stamp} = %s AND {key} >= %s)))"
        )
    elif shape == "before":
        where += (
            f" AND {score} >= %s AND NOT ({score} = %s AND ({stamp} < %s"
            f" OR ({stamp} = %s AND {key} <= %s)))"
        )
    order = "ASC" if shape == "before" else "DESC"
    quote = connection.ops.quote_name
    selected = [
        c["id"], c["text"], c["claimant"], score, stamp, c["article"], f"a.{quote('title')}",
        r["id"], f"COALESCE({r['state']}, '{State.NEW}')", f"assignee.{quote('username')}",
        f"author.{quote('username')}", f"g.{quote('label')}", r["version"],
    ]  # fmt: skip
    columns = ", ".join(
        f"{value} AS {quote(name)}" for value, name in zip(selected, ITEM_COLUMNS, strict=True)
    )
    page = (
        f"SELECT {columns}"  # noqa: S608 (names from the models, values as parameters)
        f" FROM {claim} c LEFT OUTER JOIN {review} r ON {c['id']} = {r['claim']}"
        f" LEFT OUTER JOIN {user} assignee ON {r['assignee']} = assignee.{quote('id')}"
        f" LEFT OUTER JOIN {user} author ON {r['author']} = author.{quote('id')}"
        f" LEFT OUTER JOIN {rating} g ON {r['rating']} = g.{quote('id')}"
        f" INNER JOIN {article} a ON {c['article']} = a.{quote('id')}"
        f" WHERE {where} ORDER BY {_order([score, stamp, key], order)} LIMIT %s"
    )
    # The count is one row, so the page's rows come with it (one row of NULLs: no page).
    in_page = [f"page.{quote(name)}" for name in ("checkworthiness", "accepted_at", "id")]
    return (
        f"SELECT counted.counted, page.* FROM ({count}) counted"  # noqa: S608
        f" LEFT OUTER JOIN ({page}) page ON 1 = 1 ORDER BY {_order(in_page, order)}"
    )


def _order(columns: list[str], direction: str) -> str:
    return ", ".join(f"{column} {direction}" for column in columns)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model: type[Model], alias: str) -> dict[str, str]:
    """Each concrete field's column, qualified by the table's alias, by field name."""
    quote = connection.ops.quote_name
    return {f.name: f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields}
