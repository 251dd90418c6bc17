"""The newsroom's figures over a period, for chief editors: claims in and checks out per
week, time per stage, the verdict mix, reviewer load, provider success and the most-checked
claimants and sources.

Each figure is summed from the tallies kept per day and per month (newsroom/rollup.py):
the whole months of the period from their month rows, the days at its ends from their day
rows, so a page costs a few rows per month of the period, not what the tables hold
(bench/analytics.py measures it). Each selector returns a `Table`: the page draws it as a
chart and prints it as a table, the same numbers.
"""

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from django import forms
from django.contrib.auth.models import User
from django.db.models import Count, Q, Sum
from django.utils import timezone

from factcheck.api import midnight
from newsroom.models import Tally
from newsroom.rollup import STAGES
from reviewers.models import Review

ANALYTICS_PERMISSION = "reviewers.publish_review"  # chief editors (and admins)
DEFAULT_WEEKS = 12
MAX_DAYS = 731  # two years: a longer period is an export's job
TOP = 10
State = Review.State
Span = Tally.Span


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


def _days(period: Period) -> tuple[date, date]:
    """The period's first day and the day after its last (periods run midnight to midnight)."""
    return period.start.date(), period.end.date()


def _next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def _covering(period: Period) -> Q:
    """The tallies that add up to the period: its whole months' month rows, and the day
    rows of the days before the first whole month and after the last."""
    first, end = _days(period)
    month = first if first.day == 1 else _next_month(first)
    months = []
    while _next_month(month) <= end:
        months.append(month)
        month = _next_month(month)
    if not months:
        return Q(span=Span.DAY, day__gte=first, day__lt=end)
    return (
        Q(span=Span.MONTH, day__in=months)
        | Q(span=Span.DAY, day__gte=first, day__lt=months[0])
        | Q(span=Span.DAY, day__gte=_next_month(months[-1]), day__lt=end)
    )


def totals(figure: str, period: Period) -> dict[str, int]:
    """Return the figure's count per key over the period."""
    rows = Tally.objects.filter(_covering(period), figure=figure)
    summed = rows.values("key").annotate(total=Sum("n")).values_list("key", "total")
    return dict(summed.order_by())


def _per_day(figure: str, period: Period) -> dict[date, int]:
    first, end = _days(period)
    rows = Tally.objects.filter(figure=figure, span=Span.DAY, day__gte=first, day__lt=end)
    return dict(rows.values_list("day", "n"))  # one key: one row a day


def weekly_flow(period: Period) -> Table:
    """Claims accepted for checking and checks first published, per week (weeks start on
    Monday, in UTC)."""
    origin = period.start.date() - timedelta(days=period.start.weekday())
    claims_in = _per_week(_per_day("claims_in", period), origin)
    checks_out = _per_week(_per_day("checks_out", period), origin)
    weeks = sorted(claims_in.keys() | checks_out.keys())
    rows: list[list[str | int | float | None]] = [
        [(origin + timedelta(weeks=week)).isoformat(), claims_in.get(week, 0),
         checks_out.get(week, 0)]
        for week in weeks
    ]  # fmt: skip
    columns = ["Week of", "Claims in", "Checks out"]
    return Table("weekly", "Claims in and checks out per week", columns, rows, "line", [1, 2])


def _per_week(per_day: dict[date, int], origin: date) -> dict[int, int]:
    """Return the counts per week counted from `origin`."""
    weeks: dict[int, int] = {}
    for day, n in per_day.items():
        week = (day - origin).days // 7
        weeks[week] = weeks.get(week, 0) + n
    return weeks


def stage_times(period: Period) -> Table:
    """Median and 90th percentile of the hours each stage took, for the claims accepted in
    the period; a stage counts the reviews that reached its end.

    Each stage's tally counts the reviews per tenth of an hour they took (from their stored
    durations); the percentiles are read off the period's counts, exact at the figure's
    precision, however many reviews there are.
    """
    rows: list[list[str | int | float | None]] = []
    for before, after in pairwise(STAGES):
        took = {int(tenths): n for tenths, n in totals(f"stage_{after}", period).items()}
        count = sum(took.values())
        rows.append(
            [f"{before} → {after}", count, _rank(took, count, 0.5), _rank(took, count, 0.9)]
        )
    columns = ["Stage", "Reviews", "Median (hours)", "90th percentile (hours)"]
    return Table("stages", "Time per stage", columns, rows, "bar", [2, 3])


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
    ratings = [(*json.loads(key), n) for key, n in totals("verdicts", period).items()]
    rows: list[list[str | int | float | None]] = [
        [label, n] for value, label, n in sorted(ratings, key=lambda r: (-r[0], r[1]))
    ]
    return Table("verdicts", "Verdict mix", ["Rating", "Checks"], rows, "bar", [1])


def reviewer_load(period: Period) -> Table:
    """Each reviewer's open work now, and the verdicts they sent for approval in the period."""
    open_now = Review.objects.filter(state__in=[State.ASSIGNED, State.DRAFTING])
    counted = open_now.values_list("assignee__username").annotate(n=Count("id")).order_by()
    writing: dict[str, int] = dict(counted)
    sent = totals("sent_for_approval", period)
    names = dict(
        User.objects.filter(id__in=[int(key) for key in sent]).values_list("id", "username")
    )
    submitted = {names[int(key)]: n for key, n in sent.items()}
    rows: list[list[str | int | float | None]] = [
        [name, writing.get(name, 0), submitted.get(name, 0)]
        for name in sorted(writing.keys() | submitted.keys())
    ]
    columns = ["Reviewer", "Open now", "Sent for approval in the period"]
    return Table("load", "Reviewer load", columns, rows, "stacked", [1, 2])


def provider_success(period: Period) -> Table:
    """Per provider, the jobs of the gathering runs started in the period: how many finished,
    the share that succeeded, and the share that found evidence."""
    done, failed = totals("jobs_done", period), totals("jobs_failed", period)
    found = totals("jobs_found", period)
    rows: list[list[str | int | float | None]] = []
    for provider in sorted(totals("jobs", period)):  # every provider asked, finished or not
        finished = done.get(provider, 0) + failed.get(provider, 0)
        rows.append(
            [
                provider,
                finished,
                _percent(done.get(provider, 0), finished),
                _percent(found.get(provider, 0), finished),
            ]
        )
    columns = ["Provider", "Jobs finished", "Succeeded (%)", "Found evidence (%)"]
    return Table("providers", "Provider success rates", columns, rows, "bar", [2, 3])


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def top_claimants(period: Period) -> Table:
    """Who said the most claims accepted for checking in the period."""
    rows = _top("claimants", period)
    return Table("claimants", "Most-checked claimants", ["Claimant", "Claims"], rows, "bar", [1])


def top_sources(period: Period) -> Table:
    """Which publishers carried the most claims accepted for checking in the period."""
    rows = _top("sources", period)
    return Table("sources", "Most-checked sources", ["Publisher", "Claims"], rows, "bar", [1])


def _top(figure: str, period: Period) -> list[list[str | int | float | None]]:
    rows = Tally.objects.filter(_covering(period), figure=figure)
    summed = rows.values("key").annotate(total=Sum("n")).order_by("-total", "key")[:TOP]
    return [[row["key"], row["total"]] for row in summed]
