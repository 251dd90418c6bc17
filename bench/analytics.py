"""Speed of the newsroom's analytics and exports over a million audit events, as ratios to
bare queries in the same run.

The history of N claims (default 200,000: a million events) spread over two years: each
accepted (one claim event) and taken through the desk's steps (up to five review events:
assigned, drafting, awaiting approval, approved, published), with its gathering run of two
provider jobs and, when published, its check; the reviews' stage times are then
back-filled from the events by the data migration's own function (reviewers 0011), and
the analytics' tallies counted from the facts (`manage.py analytics_rebuild`'s function),
each timed. Then:

- the analytics page (`GET /admin/analytics/`, seven figures summed from the tallies) and
  the same figures from the API (`GET /api/v1/analytics/`), for the last twelve weeks and
  for the whole two years, against a bare view that counts the same period's review
  events by state in one `.values().annotate()` query through `JsonResponse`;
- what keeping the tallies costs a write: a recount of one day of each kind of fact (what
  a service's transaction does after it changes a fact of that day);
- the export of every review event as CSV (`GET /api/v1/exports/review-events.csv`),
  against iterating the same rows with `.values_list().iterator()` into `csv.writer` with
  no framework; and the memory the export holds at its peak (tracemalloc), against that of
  the same rows read into a list.

Django's test client, logged in as a chief editor, on a throw-away SQLite database (or the
empty one named by BENCH_DATABASE_URL; ANALYZEd after the load, as autovacuum would).
Ratios are printed in wall-clock and CPU time; on PostgreSQL the CPU time leaves out the
server's, so its headline ratios are the wall clock's.

    .venv/bin/python bench/analytics.py [--claims 200000] [--requests 5] [--no-export]
    BENCH_DATABASE_URL=... .venv/bin/python bench/analytics.py --reuse  # the rows stored before
"""

import argparse
import csv
import statistics
import sys
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any

from throwaway import rate, start_django

start_django()

from django.apps import apps  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, DateTimeField  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

from claims.models import Article, Claim, ClaimEvent, GatheringRun, ProviderJob  # noqa: E402
from newsroom.exports import EXPORTS  # noqa: E402
from newsroom.rollup import days_recount, tallies_rebuild  # noqa: E402
from reviewers.models import PublishedCheck, Rating, Review, ReviewEvent  # noqa: E402

ROUNDS = 3
BATCH = 5000
CLAIMS_PER_ARTICLE = 100
State = Review.State
STEPS = [State.ASSIGNED, State.DRAFTING, State.AWAITING_APPROVAL, State.APPROVED, State.PUBLISHED]
TWO_YEARS = timedelta(weeks=104)


def bare_counts(request: HttpRequest) -> JsonResponse:
    """The floor: one grouped query over the period's review events."""
    since = datetime.fromisoformat(request.GET["since"]).replace(tzinfo=UTC)
    events = ReviewEvent.objects.filter(created_at__gte=since)
    counts = events.values("to_state").annotate(n=Count("id")).order_by()
    return JsonResponse({"counts": list(counts)})


urlpatterns = [path("bare/counts/", bare_counts), path("", include("factcheck.urls"))]


def stamped_as_given() -> None:
    """Let the history be written at chosen times: the services stamp rows with `now`."""
    for model, name in [(ClaimEvent, "created_at"), (ReviewEvent, "created_at"),
                        (GatheringRun, "started_at")]:  # fmt: skip
        field = model._meta.get_field(name)
        assert isinstance(field, DateTimeField)
        field.auto_now_add = False


def populate(count: int) -> tuple[User, User]:
    editor = User.objects.create_user("bench-editor", is_staff=True)
    reviewer = User.objects.create_user("bench-reviewer", is_staff=True)
    chief = User.objects.create_user("bench-chief", is_staff=True)
    chief.groups.add(Group.objects.get(name="Chief editor"))
    ratings = list(Rating.objects.all())
    start = timezone.now() - TWO_YEARS
    minutes = TWO_YEARS.total_seconds() / 60 / count
    stamped_as_given()
    for first in range(0, count, BATCH):
        numbers = range(first, min(first + BATCH, count))
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                Article(
                    text=f"Article {n}.",
                    content_hash=f"{n:064d}",
                    publisher=f"Publisher {n % 40}",
                    status=Article.Status.EXTRACTED,
                )
                for n in numbers
                if n % CLAIMS_PER_ARTICLE == 0
            )
            accepted = {n: start + timedelta(minutes=n * minutes) for n in numbers}
            claims = Claim.objects.bulk_create(
                Claim(
                    article=articles[(n - first) // CLAIMS_PER_ARTICLE],
                    text=f"The bridge number {n} cost {n} million dollars.",
                    claimant=f"Claimant {n % 500}",
                    status=Claim.Status.ACCEPTED,
                    accepted_at=accepted[n],
                    accepted_by=editor,
                )
                for n in numbers
            )
            store_history(claims, accepted, numbers, editor, reviewer, chief, ratings)
    return chief, reviewer


def store_history(
    claims: list[Claim],
    accepted: dict[int, datetime],
    numbers: range,
    editor: User,
    reviewer: User,
    chief: User,
    ratings: list[Rating],
) -> None:
    ClaimEvent.objects.bulk_create(
        ClaimEvent(claim=c, actor=editor, action="accept", to_status="accepted",
                   created_at=accepted[n])
        for n, c in zip(numbers, claims, strict=True)
    )  # fmt: skip
    steps_taken = {n: len(STEPS) - n % 3 for n in numbers}  # two thirds stop short
    reviews = Review.objects.bulk_create(
        Review(
            claim=c,
            state=STEPS[steps_taken[n] - 1],
            assignee=reviewer,
            author=reviewer,
            approved_by=chief if steps_taken[n] >= 4 else None,
            rating=ratings[n % len(ratings)],
            headline=f"Verdict {n}",
            justification="The accounts.",
        )
        for n, c in zip(numbers, claims, strict=True)
    )
    ReviewEvent.objects.bulk_create(history(numbers, reviews, accepted, steps_taken, reviewer))
    PublishedCheck.objects.bulk_create(
        PublishedCheck(
            review=r, version=1, published_at=accepted[n] + timedelta(hours=30),
            modified_at=accepted[n] + timedelta(hours=30), claim_text=r.claim.text,
            rating_label=ratings[n % len(ratings)].label,
            rating_value=ratings[n % len(ratings)].value, headline=r.headline,
            justification=r.justification, claim_review={},
        )
        for n, r in zip(numbers, reviews, strict=True)
        if steps_taken[n] == len(STEPS)
    )  # fmt: skip
    runs = GatheringRun.objects.bulk_create(
        GatheringRun(claim=c, state="done", providers_total=2, providers_done=2,
                     started_at=accepted[n], finished_at=accepted[n])
        for n, c in zip(numbers, claims, strict=True)
    )  # fmt: skip
    ProviderJob.objects.bulk_create(
        ProviderJob(run=run, provider=provider, status=status, evidence_found=found,
                    last_error="HTTP 503" if status == "failed" else "")
        for n, run in zip(numbers, runs, strict=True)
        for provider, status, found in outcomes(n)
    )  # fmt: skip


def outcomes(n: int) -> list[tuple[str, str, int]]:
    """Each claim's two provider jobs: the archive always answers, the links half the time."""
    return [("archive", "done", n % 4), ("links", ("done", "failed")[n % 2], 1)]


def history(
    numbers: range,
    reviews: list[Review],
    accepted: dict[int, datetime],
    steps_taken: dict[int, int],
    reviewer: User,
) -> Iterator[ReviewEvent]:
    for n, review in zip(numbers, reviews, strict=True):
        at, before = accepted[n], ""
        for step in STEPS[: steps_taken[n]]:
            at += timedelta(hours=1 + n % 7)
            yield ReviewEvent(
                review=review, actor=reviewer, from_state=before, to_state=step, created_at=at
            )
            before = step


def ratio(measure: str, value: float, target: str) -> None:
    """One headline ratio, in the form `make bench` collects."""
    print(f"RATIO\t{measure}\t{value:.2f}\t{target}")


def recount_costs() -> None:
    """Time a recount of one day of each kind of fact, in the middle of the history (a
    day's rows are what a service's transaction counts again after a change)."""
    middle = timezone.now() - TWO_YEARS / 2
    for model in (Claim, PublishedCheck, ReviewEvent, ProviderJob, Review):
        times = []
        for _ in range(5):
            began = time.perf_counter()
            with transaction.atomic():
                days_recount(model, [middle])
            times.append(time.perf_counter() - began)
        print(
            f"recount of one day of {model.__name__:15}: {statistics.median(times) * 1000:.1f} ms"
        )


def export_rate(client: Client, url: str) -> tuple[float, float, int]:
    """Return rows a second of the streamed export (wall, CPU), then the peak memory of a
    second run (tracing memory slows Python down, so it is not timed)."""
    began, began_cpu = time.perf_counter(), time.process_time()
    lines = _read(client, url)
    wall, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    tracemalloc.start()
    _read(client, url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (lines - 1) / wall, (lines - 1) / cpu, peak


def _read(client: Client, url: str) -> int:
    response: Any = client.get(url)
    return sum(chunk.count(b"\n") for chunk in response.streaming_content)


class Discard:
    def write(self, line: str) -> None:
        pass


def bare_export_rate() -> tuple[float, float, int]:
    """The floor: the same rows and columns, iterated into csv.writer, no framework."""
    export = EXPORTS["review-events"]
    writer = csv.writer(Discard())
    began, began_cpu = time.perf_counter(), time.process_time()
    rows = 0
    for row in ReviewEvent.objects.order_by("id").values_list(*export.columns).iterator(2000):
        writer.writerow(row)
        rows += 1
    wall, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    tracemalloc.start()
    everything = list(ReviewEvent.objects.order_by("id").values(*export.columns))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del everything
    return rows / wall, rows / cpu, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the history a previous run stored in BENCH_DATABASE_URL (no new rows)",
    )
    parser.add_argument("--no-export", action="store_true", help="leave the export out")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    chief = User.objects.get(username="bench-chief") if args.reuse else populate(args.claims)[0]
    events = ClaimEvent.objects.count() + ReviewEvent.objects.count()
    print(f"{Claim.objects.count()} claims, {events} events stored in "
          f"{time.perf_counter() - began:.0f} s")  # fmt: skip
    if connection.vendor == "postgresql":
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a load: the planner's figures
        print(f"ANALYZE in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    back_fill = import_module("reviewers.migrations.0011_review_stage_times")
    with transaction.atomic():
        back_fill.stage_times_from_events(apps, None)
    print(f"stage times back-filled from the events in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    rows = tallies_rebuild()
    print(f"{rows} tally rows counted from the facts in {time.perf_counter() - began:.1f} s")
    recount_costs()
    today = timezone.now().date()
    twelve_weeks = (today - timedelta(weeks=12)).isoformat()
    two_years = (today - TWO_YEARS).isoformat()
    with override_settings(ROOT_URLCONF=sys.modules[__name__]):
        client = Client()
        client.force_login(chief)
        urls = {
            "bare, 12 weeks": f"/bare/counts/?since={twelve_weeks}",
            "analytics, 12 weeks": "/admin/analytics/",
            "API, 12 weeks": "/api/v1/analytics/",
            "bare, 2 years": f"/bare/counts/?since={two_years}",
            "analytics, 2 years": f"/admin/analytics/?since={two_years}",
            "API, 2 years": f"/api/v1/analytics/?since={two_years}",
        }
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in urls}
        for _ in range(ROUNDS):  # interleaved, so that all see the same machine
            for name, url in urls.items():
                results[name].append(rate(client, url, args.requests))
        wall = {name: statistics.median(r[0] for r in rs) for name, rs in results.items()}
        cpu = {name: statistics.median(r[1] for r in rs) for name, rs in results.items()}
        for name in urls:
            print(f"{name:22}: {1000 / wall[name]:8.1f} ms a request (CPU {1000 / cpu[name]:.1f})")
        for period in ("12 weeks", "2 years"):
            for what in ("analytics", "API"):
                ours, bare = f"{what}, {period}", f"bare, {period}"
                print(
                    f"ratio, {what} {period}: {wall[ours] / wall[bare]:.2f} "
                    f"(CPU time {cpu[ours] / cpu[bare]:.2f})"
                )
        database = connection.vendor
        for name, measure in [("analytics", "page"), ("API", "API")]:
            for period, target in [("12 weeks", ">= 0.5"), ("2 years", ">= 0.5")]:
                ours, bare = f"{name}, {period}", f"bare, {period}"
                ratio(f"analytics ({database}): {measure}, {period}, wall clock",
                      wall[ours] / wall[bare], target)  # fmt: skip
                if database == "sqlite":  # elsewhere the queries' CPU is the server's
                    ratio(f"analytics ({database}): {measure}, {period}, CPU time",
                          cpu[ours] / cpu[bare], target)  # fmt: skip
        if args.no_export:
            return
        streamed = export_rate(client, "/api/v1/exports/review-events.csv")
    rows_per_s, cpu_rows_per_s, list_peak = bare_export_rate()
    print(f"export of every review event: {streamed[0]:.0f} rows/s (CPU {streamed[1]:.0f})")
    print(f"bare iteration into csv      : {rows_per_s:.0f} rows/s (CPU {cpu_rows_per_s:.0f})")
    print(
        f"ratio, export: {streamed[0] / rows_per_s:.2f} "
        f"(CPU time {streamed[1] / cpu_rows_per_s:.2f})"
    )
    print(
        f"peak memory: streamed export {streamed[2] / 2**20:.1f} MiB, "
        f"the same rows in a list {list_peak / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()
