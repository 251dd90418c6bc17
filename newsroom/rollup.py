"""The newsroom's figures kept per day and per month (the `Tally` table), so that a period's
figure sums at most a few rows per day of the period, however many facts there are.

Each figure counts one model's rows, grouped by a key, on the day (UTC) of one of their
times: claims by when they were accepted, checks by their first publication, review
events by when they happened, provider jobs by when their gathering run started, reviews
(their stage times) by when their claim was accepted. The definitions below serve three
ways, so they cannot drift apart:

- `days_recount`: the services say which days of which model changed
  (factcheck/facts.py, inside their transaction); those days' rows are counted again
  from the facts and replace the stored ones, and each month's rows move by the same
  difference. So the figures change with the facts, or neither does.
- `tallies_rebuild`: everything counted again (`manage.py analytics_rebuild`, and the
  migration that filled the table in), with the models of a migration's state if given.
- `counted_from_scratch`: the same counts as a rebuild, not stored (the tests compare).

On PostgreSQL, a recount holds an advisory lock on its (model, day) for the rest of its
transaction, so two transactions never count the same day over each other; a rebuild
holds one that excludes all recounts. On SQLite, a writing transaction already excludes
every other writer (the services write their facts before they recount).
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.db import connection, transaction
from django.db.models import Count, F, Func, IntegerField, Model, Q, QuerySet
from django.db.models.functions import Cast, Floor

from claims.models import ProviderJob
from newsroom.models import Tally
from reviewers.models import PublishedCheck, Review, ReviewEvent

TENTH_OF_AN_HOUR = 360  # seconds: the time-per-stage figure's precision
STAGES = ["accepted", *(name.removesuffix("_at") for name in Review.STAGE_TIMES.values())]
LOCKS = 1_717_000  # the advisory locks' namespace (PostgreSQL): this, plus a source's number
BATCH = 5000
MONTH_ADD = (
    "INSERT INTO newsroom_tally (figure, span, day, key, n) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (figure, span, day, key) DO UPDATE SET n = newsroom_tally.n + excluded.n"
)
Key = tuple[Any, ...]


class EpochDay(Func):
    """The day (UTC) of a timestamp, as days since 1970, exactly: the database groups rows
    by day without handing Python a timestamp per row."""

    output_field = IntegerField()
    template = "((%(expressions)s AT TIME ZONE 'UTC')::date - DATE '1970-01-01')"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        # Django keeps UTC text there; julianday of a date is n + 0.5 exactly.
        days = "CAST(julianday(date(%(expressions)s)) - 2440587.5 AS INTEGER)"
        return self.as_sql(compiler, connection, template=days, **extra)


EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Figure:
    """A count of the rows that match `where`, per value of `key` (fields or annotations)."""

    name: str
    where: Q = field(default_factory=Q)
    key: tuple[str, ...] = ()
    annotations: Mapping[str, Any] = field(default_factory=dict)

    def key_text(self, values: Key) -> str:
        """One key as stored: nothing, the one value, or several as a JSON list."""
        if not values:
            return ""
        if len(values) == 1:
            return "" if values[0] is None else str(values[0])
        return json.dumps(list(values))


@dataclass(frozen=True)
class Source:
    """The figures counted from one model's rows, on the day of one of their times."""

    number: int  # its advisory locks' class, LOCKS + number
    model: str  # "app_label.ModelName"
    moment: str
    figures: tuple[Figure, ...]


def _stage(name: str) -> Figure:
    """How many reviews took each number of tenths of an hour (to the nearest, a half up)
    to reach the stage's end, among those that reached it."""
    seconds = f"{name}_seconds"
    rounded = Floor((F(seconds) + TENTH_OF_AN_HOUR // 2) / float(TENTH_OF_AN_HOUR))
    tenths = Cast(rounded, IntegerField())
    return Figure(
        f"stage_{name}", Q(**{f"{seconds}__isnull": False}), ("tenths",), {"tenths": tenths}
    )


DONE, FAILED = ProviderJob.Status.DONE, ProviderJob.Status.FAILED
SOURCES = (
    Source(1, "claims.Claim", "accepted_at", (
        Figure("claims_in"),
        Figure("claimants", ~Q(claimant=""), ("claimant",)),
        Figure("sources", ~Q(article__publisher=""), ("article__publisher",)),
    )),
    Source(2, "reviewers.PublishedCheck", "published_at", (
        Figure("checks_out", Q(version=1)),
        # The checks that stand: current versions, not retracted (`.public()`).
        Figure(
            "verdicts",
            Q(is_current=True) & ~Q(change=PublishedCheck.Change.RETRACTED),
            ("rating_value", "rating_label"),
        ),
    )),
    Source(3, "reviewers.ReviewEvent", "created_at", (
        Figure("sent_for_approval", Q(to_state=Review.State.AWAITING_APPROVAL), ("actor_id",)),
    )),
    Source(4, "claims.ProviderJob", "run__started_at", (
        Figure("jobs", Q(), ("provider",)),
        Figure("jobs_done", Q(status=DONE), ("provider",)),
        Figure("jobs_failed", Q(status=FAILED), ("provider",)),
        Figure("jobs_found", Q(status=DONE, evidence_found__gt=0), ("provider",)),
    )),
    Source(5, "reviewers.Review", "accepted_at", tuple(_stage(name) for name in STAGES[1:])),
)  # fmt: skip
SOURCE_OF_MODEL = {source.model: source for source in SOURCES}
assert ReviewEvent._meta.label in SOURCE_OF_MODEL


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def month_of(day: date) -> date:
    return day.replace(day=1)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _counts(
    source: Source, figures: Iterable[Figure], rows: QuerySet[Any]
) -> Iterable[tuple[str, date, str, int]]:
    """Count each figure's rows among `rows`, per day and key: (figure, day, key, n), no
    zeros. Figures with the same key and no annotations of their own are counted by one
    grouped query, a filtered count each: a provider job's four figures are one query."""
    for together in _sharing_a_query(figures):
        first = together[0]
        if len(together) == 1:
            rows_counted, counted = rows.filter(first.where), {"n0": Count("pk")}
        else:
            rows_counted = rows
            counted = {
                f"n{number}": Count("pk", filter=figure.where or None)
                for number, figure in enumerate(together)
            }
        grouped = (
            rows_counted.annotate(**first.annotations, tally_day=EpochDay(source.moment))
            .values("tally_day", *first.key)
            .annotate(**counted)
            .order_by()
        )
        for row in grouped.iterator(BATCH):
            day = EPOCH + timedelta(days=row["tally_day"])
            key = first.key_text(tuple(row[name] for name in first.key))
            for number, figure in enumerate(together):
                if row[f"n{number}"]:
                    yield figure.name, day, key, row[f"n{number}"]


def _sharing_a_query(figures: Iterable[Figure]) -> list[list[Figure]]:
    by_key: dict[tuple[str, ...], list[Figure]] = defaultdict(list)
    alone: list[list[Figure]] = []
    for figure in figures:
        if figure.annotations:
            alone.append([figure])
        else:
            by_key[figure.key].append(figure)
    return [*by_key.values(), *alone]


def _rows(source: Source, apps: Apps) -> QuerySet[Any]:
    model: type[Model] = apps.get_model(source.model)
    return model._base_manager.filter(**{f"{source.moment}__isnull": False})


# --- Keeping the days current ------------------------------------------------------------


def days_recount(model: type[Model], moments: Iterable[datetime]) -> None:
    """Count again the figures of `model`'s rows on the days of `moments`, store them, and
    move each month's rows by the difference; in the caller's transaction."""
    source = SOURCE_OF_MODEL.get(model._meta.label)
    if source is None:
        return
    with transaction.atomic():
        _advisory_lock(LOCKS, 0, shared=True)  # a rebuild excludes recounts
        for day in sorted({day_of(moment) for moment in moments}):
            _advisory_lock(LOCKS + source.number, (day - EPOCH).days)
            _day_recount(source, day)


def _day_recount(source: Source, day: date) -> None:
    moment = source.moment
    todays = _rows(source, installed_apps).filter(
        **{f"{moment}__gte": _midnight(day), f"{moment}__lt": _midnight(day + timedelta(1))}
    )
    fresh: dict[str, dict[str, int]] = defaultdict(dict)
    for name, _, key, n in _counts(source, source.figures, todays):
        fresh[name][key] = n
    names = [figure.name for figure in source.figures]
    stored = Tally.objects.filter(figure__in=names, span=Tally.Span.DAY, day=day)
    before: dict[str, dict[str, int]] = defaultdict(dict)
    for name, key, n in stored.values_list("figure", "key", "n"):
        before[name][key] = n
    for name in names:
        if fresh[name] != before[name]:
            _day_replace(name, day, fresh[name], before[name])


def _day_replace(
    figure: str, day: date, fresh: Mapping[str, int], before: Mapping[str, int]
) -> None:
    """Store the figure's fresh counts of the day and move its month by the difference."""
    Tally.objects.filter(figure=figure, span=Tally.Span.DAY, day=day).delete()
    Tally.objects.bulk_create(
        Tally(figure=figure, span=Tally.Span.DAY, day=day, key=key, n=n) for key, n in fresh.items()
    )
    moved = {key: fresh.get(key, 0) - before.get(key, 0) for key in fresh.keys() | before}
    _month_add(figure, month_of(day), {k: d for k, d in moved.items() if d})


def _month_add(figure: str, month: date, differences: Mapping[str, int]) -> None:
    """Add to the month's rows, atomically (other days of the month may be recounted at the
    same time), and drop the rows that fall to zero."""
    day = connection.ops.adapt_datefield_value(month)
    with connection.cursor() as cursor:
        cursor.executemany(
            MONTH_ADD,
            [
                (figure, Tally.Span.MONTH.value, day, key, n)
                for key, n in sorted(differences.items())
            ],
        )
    Tally.objects.filter(
        figure=figure, span=Tally.Span.MONTH, day=month, key__in=list(differences), n=0
    ).delete()


def _advisory_lock(namespace: int, number: int, *, shared: bool = False) -> None:
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s::integer, %s::integer)", [namespace, number])


# --- Counting everything again -----------------------------------------------------------


def counted_from_scratch(apps: Apps = installed_apps) -> dict[tuple[str, str, date, str], int]:
    """Every figure counted from the facts: (figure, span, day, key) → count, no zeros."""
    counts: dict[tuple[str, str, date, str], int] = defaultdict(int)
    for source in SOURCES:
        for figure, day, key, n in _counts(source, source.figures, _rows(source, apps)):
            counts[(figure, "day", day, key)] += n
            counts[(figure, "month", month_of(day), key)] += n
    return dict(counts)


def tallies_rebuild(apps: Apps = installed_apps) -> int:
    """Replace every tally by a count from the facts; return how many rows were written."""
    tally = apps.get_model("newsroom", "Tally")
    with transaction.atomic():
        _advisory_lock(LOCKS, 0)
        tally.objects.all().delete()
        rows = (
            tally(figure=figure, span=span, day=day, key=key, n=n)
            for (figure, span, day, key), n in counted_from_scratch(apps).items()
        )
        return len(tally.objects.bulk_create(rows, batch_size=BATCH))


def stored_tallies() -> dict[tuple[str, str, date, str], int]:
    """Every stored tally, as `counted_from_scratch` gives them (for comparison)."""
    rows = Tally.objects.values_list("figure", "span", "day", "key", "n")
    return {(figure, span, day, key): n for figure, span, day, key, n in rows}
