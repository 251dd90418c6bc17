"""The newsroom's figures over a period, for chief editors: claims in and checks out per
week, time per stage, the verdict mix, reviewer load, provider success and the most-checked
claimants and sources.

Each selector is one grouped query that starts from the period's rows through an index, so
a page costs what its period holds, not what the tables hold (bench/analytics.py measures
it). Each returns a `Table`: the page draws it as a chart and prints it as a table, the
same numbers.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from django import forms
from django.db.models import Count, F, FloatField, Func, Q, QuerySet
from django.db.models.functions import Floor
from django.utils import timezone

from claims.models import Claim, ProviderJob
from factcheck.api import midnight
from reviewers.models import PublishedCheck, Review, ReviewEvent

ANALYTICS_PERMISSION = "reviewers.publish_review"  # chief editors (and admins)
DEFAULT_WEEKS = 12
MAX_DAYS = 731  # two years: a longer period is an export's job
TOP = 10
WEEK_SECONDS = 7 * 24 * 3600
State = Review.State
# The stages of a check: from the claim's acceptance to the first time its review was
# assigned, first sent for approval ("drafted"), first approved and first published.
STAGES = ["accepted", *(field.removesuffix("_at") for field in Review.STAGE_TIMES.values())]
TENTH_OF_AN_HOUR = 360  # seconds: the figure's precision


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # excluded

    @classmethod
    def of_days(cls, since: date | None, until: date | None) -> "Period":
        """Return the days from `since` to `until`, both included; without `until`, up to
        today; without `since`, the twelve weeks before the end."""
        last = until or timezone.now().date()
        end = midnight(last + timedelta(days=1))
        start = midnight(since) if since else end - timedelta(weeks=DEFAULT_WEEKS)
        return cls(start, end)


class PeriodForm(forms.Form):
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Included.",
    )

    def clean(self) -> dict[str, date | None]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError("“Since” must not be after “until”.")
        period = Period.of_days(since, until)
        if period.end - period.start > timedelta(days=MAX_DAYS):
            raise forms.ValidationError(f"Choose a period of at most {MAX_DAYS} days.")
        return data

    def period(self) -> Period:
        """Return the chosen days, or the last twelve weeks when none (or bad ones) are."""
        if not self.is_bound or not self.is_valid():
            return Period.of_days(None, None)
        return Period.of_days(self.cleaned_data["since"], self.cleaned_data["until"])


@dataclass(frozen=True)
class Table:
    """One figure: a caption, column headings and rows; `chart` says how to draw it."""

    key: str
    caption: str
    columns: list[str]
    rows: list[list[str | int | float | None]]
    chart: str  # "bar", "stacked" or "line"
    series: list[int]  # the columns drawn, each against the first

    @property
    def script_id(self) -> str:
        return f"figure-data-{self.key}"

    @property
    def chart_data(self) -> dict[str, object]:
        """What analytics.js draws: the first column as labels, the series' columns."""
        series = [
            {"label": self.columns[i], "values": [row[i] for row in self.rows]} for i in self.series
        ]
        return {"chart": self.chart, "labels": [row[0] for row in self.rows], "series": series}


def newsroom_figures(period: Period) -> list[Table]:
    return [
        weekly_flow(period),
        stage_times(period),
        verdict_mix(period),
        reviewer_load(period),
        provider_success(period),
        top_claimants(period),
        top_sources(period),
    ]


def _accepted_in(period: Period) -> QuerySet[Claim]:
    return Claim.objects.filter(accepted_at__gte=period.start, accepted_at__lt=period.end)


def _first_versions_in(period: Period) -> QuerySet[PublishedCheck]:
    return PublishedCheck.objects.filter(
        version=1, published_at__gte=period.start, published_at__lt=period.end
    )


def weekly_flow(period: Period) -> Table:
    """Claims accepted for checking and checks first published, per week (weeks start on
    Monday, in UTC)."""
    origin = period.start - timedelta(days=period.start.weekday())
    claims_in = _per_week(_accepted_in(period), "accepted_at", origin)
    checks_out = _per_week(_first_versions_in(period), "published_at", origin)
    weeks = sorted(claims_in.keys() | checks_out.keys())
    rows: list[list[str | int | float | None]] = [
        [(origin + timedelta(weeks=week)).date().isoformat(), claims_in.get(week, 0),
         checks_out.get(week, 0)]
        for week in weeks
    ]  # fmt: skip
    columns = ["Week of", "Claims in", "Checks out"]
    return Table("weekly", "Claims in and checks out per week", columns, rows, "line", [1, 2])


class EpochSeconds(Func):
    """A timestamp as seconds since 1970, computed by the database: the figures group and
    subtract numbers there, rather than parse a timestamp per row here (on SQLite, Django
    parses every timestamp it reads, and truncates dates in a Python function)."""

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        days = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"  # Julian day of 1970
        return self.as_sql(compiler, connection, template=days, **extra)


def _per_week(
    rows: QuerySet[Claim] | QuerySet[PublishedCheck], field: str, origin: datetime
) -> dict[int, int]:
    """Return how many rows fall in each week counted from `origin`."""
    since = (EpochSeconds(field) - origin.timestamp()) / WEEK_SECONDS
    weeks = rows.annotate(week=Floor(since)).values("week").annotate(n=Count("id"))
    return {int(row["week"]): row["n"] for row in weeks.order_by()}


def stage_times(period: Period) -> Table:
    """Median and 90th percentile of the hours each stage took, for the claims accepted in
    the period; a stage counts the reviews that reached its end.

    Each stage is one grouped count over the period's reviews (their stored durations,
    through a covering index): how many took each tenth of an hour. The percentiles are
    read off those counts, exact at the figure's precision, however many reviews there are.
    """
    reviews = Review.objects.filter(accepted_at__gte=period.start, accepted_at__lt=period.end)
    rows: list[list[str | int | float | None]] = []
    for before, after in pairwise(STAGES):
        took = _tenths_of_an_hour(reviews, f"{after}_seconds")
        count = sum(took.values())
        rows.append(
            [f"{before} → {after}", count, _rank(took, count, 0.5), _rank(took, count, 0.9)]
        )
    columns = ["Stage", "Reviews", "Median (hours)", "90th percentile (hours)"]
    return Table("stages", "Time per stage", columns, rows, "bar", [2, 3])


def _tenths_of_an_hour(reviews: QuerySet[Review], seconds: str) -> dict[int, int]:
    """Return how many reviews took each number of tenths of an hour (rounded to the
    nearest, a half up), among those that reached the stage's end. The stored durations
    are whole seconds, so the database groups integers: no timestamp is read."""
    reached = reviews.filter(**{f"{seconds}__isnull": False})
    half = TENTH_OF_AN_HOUR // 2
    tenths = reached.annotate(tenths=Floor((F(seconds) + half) / float(TENTH_OF_AN_HOUR)))
    counted = tenths.values("tenths").annotate(n=Count("id")).order_by()
    return {int(row["tenths"]): row["n"] for row in counted}


def _rank(counts: dict[int, int], total: int, share: float) -> float | None:
    """Return the nearest-rank percentile, in hours, of the durations counted per tenth of
    an hour. Rounding keeps the order, so this is the rounded percentile of the durations."""
    if not total:
        return None
    rank, seen = max(math.ceil(share * total), 1), 0
    for tenths in sorted(counts):
        seen += counts[tenths]
        if seen >= rank:
            return tenths / 10
    raise AssertionError("the counts add up to the total")


def verdict_mix(period: Period) -> Table:
    """The ratings, as they stand now, of the checks first published in the period and not
    retracted (every version keeps the first publication's time)."""
    checks = PublishedCheck.objects.public().filter(
        published_at__gte=period.start, published_at__lt=period.end
    )
    mix = checks.values("rating_label", "rating_value").annotate(n=Count("id"))
    rows: list[list[str | int | float | None]] = [
        [row["rating_label"], row["n"]] for row in mix.order_by("-rating_value")
    ]
    return Table("verdicts", "Verdict mix", ["Rating", "Checks"], rows, "bar", [1])


def reviewer_load(period: Period) -> Table:
    """Each reviewer's open work now, and the verdicts they sent for approval in the period."""
    open_now = Review.objects.filter(state__in=[State.ASSIGNED, State.DRAFTING])
    writing = dict(_count_by(open_now, "assignee__username"))
    sent = ReviewEvent.objects.filter(
        to_state=State.AWAITING_APPROVAL,
        created_at__gte=period.start,
        created_at__lt=period.end,
    )
    submitted = dict(_count_by(sent, "actor__username"))
    names = sorted(writing.keys() | submitted.keys())
    rows: list[list[str | int | float | None]] = [
        [name, writing.get(name, 0), submitted.get(name, 0)] for name in names
    ]
    columns = ["Reviewer", "Open now", "Sent for approval in the period"]
    return Table("load", "Reviewer load", columns, rows, "stacked", [1, 2])


def _count_by(rows: QuerySet[Review] | QuerySet[ReviewEvent], field: str) -> list[tuple[str, int]]:
    return list(rows.values_list(field).annotate(n=Count("id")).order_by())


def provider_success(period: Period) -> Table:
    """Per provider, the jobs of the gathering runs started in the period: how many finished,
    the share that succeeded, and the share that found evidence."""
    jobs = ProviderJob.objects.filter(
        run__started_at__gte=period.start, run__started_at__lt=period.end
    )
    done, failed = Q(status=ProviderJob.Status.DONE), Q(status=ProviderJob.Status.FAILED)
    counts = jobs.values("provider").annotate(
        done=Count("id", filter=done),
        failed=Count("id", filter=failed),
        found=Count("id", filter=done & Q(evidence_found__gt=0)),
    )
    rows: list[list[str | int | float | None]] = []
    for row in counts.order_by("provider"):
        finished = row["done"] + row["failed"]
        rows.append(
            [
                row["provider"],
                finished,
                _percent(row["done"], finished),
                _percent(row["found"], finished),
            ]
        )
    columns = ["Provider", "Jobs finished", "Succeeded (%)", "Found evidence (%)"]
    return Table("providers", "Provider success rates", columns, rows, "bar", [2, 3])


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def top_claimants(period: Period) -> Table:
    """Who said the most claims accepted for checking in the period."""
    rows = _top(_accepted_in(period).exclude(claimant=""), "claimant")
    return Table("claimants", "Most-checked claimants", ["Claimant", "Claims"], rows, "bar", [1])


def top_sources(period: Period) -> Table:
    """Which publishers carried the most claims accepted for checking in the period."""
    rows = _top(_accepted_in(period).exclude(article__publisher=""), "article__publisher")
    return Table("sources", "Most-checked sources", ["Publisher", "Claims"], rows, "bar", [1])


def _top(claims: QuerySet[Claim], field: str) -> list[list[str | int | float | None]]:
    counted = claims.values_list(field).annotate(n=Count("id")).order_by("-n", field)[:TOP]
    return [[name, n] for name, n in counted]
