"""The public list's unfiltered pages (the commonest request of the public API), read with a
statement written once per process instead of a queryset built and compiled at each request.

It reads what `keyset_page(PublishedCheck.objects.public().values("id", *fields), …)` reads:
the same rows, in the order of the list's partial index (`check_public_idx`, whose condition
is the public queryset's own, written the same way so that PostgreSQL uses it), with the
same values (aware datetimes, parsed JSON). Building and compiling the ORM's query cost the
request more CPU than the database's answer did (bench/README.md);
tests/reviewers/publishing/test_public_list_statement.py holds the two to the same pages.
A filtered list goes through the ORM.
"""

import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import DateTimeField, Field, JSONField
from django.utils.dateparse import parse_datetime

from reviewers.models import PublishedCheck
from reviewers.publishing.keyset import Cursor, Page, page_of


def public_page(fields: tuple[str, ...], *, cursor: Cursor | None, size: int) -> Page:
    """Return a page of the current versions that stand, newest first, from the cursor on,
    each row a dictionary of `id` and `fields` (which must include `modified_at`)."""
    shape = "first" if cursor is None else ("after" if cursor.forward else "before")
    params: list[Any] = [PublishedCheck.Change.RETRACTED]
    if cursor is not None:
        stamp = connection.ops.adapt_datetimefield_value(cursor.modified_at)
        params += [stamp, cursor.id, stamp]
    params.append(size + 1)
    names = ("id", *fields)
    with connection.cursor() as db:
        db.execute(_statement(connection.vendor, shape, names), params)
        rows = db.fetchall()
    readers = _readers(names)
    found = [
        {name: read(value) for name, read, value in zip(names, readers, row, strict=True)}
        for row in rows
    ]
    return page_of(found, cursor=cursor, size=size)


@cache
def _statement(vendor: str, shape: str, names: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    table = quote(PublishedCheck._meta.db_table)

    def column(name: str) -> str:
        field = PublishedCheck._meta.get_field(name)
        assert isinstance(field, Field) and field.column
        return f"{table}.{quote(field.column)}"

    stamp, key = column("modified_at"), column("id")
    where = f"{column('is_current')} AND NOT ({column('change')} = %s)"  # as the index's
    if shape == "after":  # as keyset_page: a range the index seeks to, then the ties
        where += f" AND {stamp} <= %s AND NOT ({key} >= %s AND {stamp} = %s)"
    elif shape == "before":
        where += f" AND {stamp} >= %s AND NOT ({key} <= %s AND {stamp} = %s)"
    order = "ASC" if shape == "before" else "DESC"
    selected = ", ".join(f"{column(name)} AS {quote(name)}" for name in names)
    return (
        f"SELECT {selected} FROM {table} WHERE {where}"  # noqa: S608 (names from the model)
        f" ORDER BY {stamp} {order}, {key} {order} LIMIT %s"
    )


@cache
def _readers(names: tuple[str, ...]) -> list[Any]:
    """How to read each column's value as the ORM would."""
    readers: list[Any] = []
    for name in names:
        field = PublishedCheck._meta.get_field(name)
        if isinstance(field, DateTimeField):
            readers.append(_aware)
        elif isinstance(field, JSONField):
            readers.append(_json)
        else:
            readers.append(_same)
    return readers


def _same(value: Any) -> Any:
    return value


def _json(value: str | None) -> Any:
    """Django reads JSON columns as text (on PostgreSQL too) and parses it."""
    return None if value is None else json.loads(value)


def _aware(value: datetime | str | None) -> datetime | None:
    """SQLite gives datetimes naive (or as text), in UTC; PostgreSQL gives them aware."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(value)
    assert parsed is not None, value
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
