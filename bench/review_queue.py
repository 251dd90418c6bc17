"""Speed of the review desk's queue endpoint, as a ratio to a bare Django view in the same run.

Requests per second of `GET /api/v1/reviews/queue/` (50 claims a page: the default view,
a page twenty pages in, and filtered by a claimant) and of the desk's queue page in the
admin, over 20,000 accepted claims, a third of them with a review in some state, against a
bare view that returns the same page's rows from one `.values()` query through
`JsonResponse`. All go through the same WSGI handler and middleware (Django's test client,
logged in as a reviewer), on a throw-away SQLite database (or BENCH_DATABASE_URL's). Each
ratio is printed in wall-clock time and in this process's CPU time (see `rate`).

    .venv/bin/python bench/review_queue.py [--claims 20000] [--requests 200]
    BENCH_DATABASE_URL=postgres://USER@HOST/factcheck_bench \
        .venv/bin/python bench/review_queue.py --claims 1000000 [--reuse]
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from io import StringIO

from throwaway import rate, start_django

start_django()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

from claims.models import Article, Claim  # noqa: E402
from reviewers.models import Rating, Review  # noqa: E402
from reviewers.queue import QueueFilters, review_queue  # noqa: E402
from reviewers.queue_statement import ITEM_COLUMNS  # noqa: E402

ROUNDS = 5
BATCH = 5000
STATES = [Review.State.ASSIGNED, Review.State.DRAFTING, Review.State.AWAITING_APPROVAL]


def bare_queue(request: HttpRequest) -> JsonResponse:
    """The ceiling: the same rows and columns (`review_queue`'s condition, joins and order),
    one `.values()` query, no framework."""
    claims = review_queue(user=request.user, filters=QueueFilters())  # type: ignore[arg-type]
    return JsonResponse({"results": list(claims.values(*ITEM_COLUMNS)[:50])})


urlpatterns = [path("bare/queue/", bare_queue), path("", include("factcheck.urls"))]


def populate(count: int) -> User:
    reviewer = User.objects.create_user("bench-reviewer", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewer"))
    rating = Rating.objects.get(label="False")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for first in range(0, count, BATCH):
        numbers = range(first, min(first + BATCH, count))
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                Article(
                    text=f"Article {n} about the bridge.",
                    title=f"Article {n}",
                    content_hash=f"{n:064d}",
                    status=Article.Status.EXTRACTED,
                )
                for n in numbers
            )
            claims = Claim.objects.bulk_create(
                Claim(
                    article=a,
                    text=f"The bridge number {n} cost {n} million dollars.",
                    claimant="The mayor" if n % 10 == 0 else "A viral post",
                    checkworthiness=(n * 7919 % 1000) / 1000,
                    status=Claim.Status.ACCEPTED,
                    accepted_at=start + timedelta(minutes=n),
                )
                for n, a in zip(numbers, articles, strict=True)
            )
            Review.objects.bulk_create(
                Review(
                    claim=c,
                    state=STATES[n % len(STATES)],
                    assignee=reviewer,
                    author=reviewer,
                    rating=rating,
                    headline=f"Verdict {n}",
                    justification="The accounts.",
                )
                for n, c in zip(numbers, claims, strict=True)
                if n % 3 == 0
            )
    return reviewer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="measure an earlier run's data")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    # --reuse: BENCH_DATABASE_URL's data, stored by a run with the same --claims.
    reused = User.objects.filter(username="bench-reviewer").first() if args.reuse else None
    reviewer = reused or populate(args.claims)
    call_command("rebuild_review_counts", stdout=StringIO())  # bulk_create skips the services
    if connection.vendor == "postgresql":
        # Statistics, as autovacuum keeps them on a live database: without them, straight
        # after the load, PostgreSQL took the million accepted claims for a few hundred
        # and sorted them all for every page (10 s a request).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{args.claims} accepted claims stored in {time.perf_counter() - began:.0f} s")
    with override_settings(ROOT_URLCONF=sys.modules[__name__]):
        client = Client()
        client.force_login(reviewer)
        api = client.get("/api/v1/reviews/queue/").json()["results"]
        bare = client.get("/bare/queue/").json()["results"]
        assert [c["claim"] for c in api] == [c["id"] for c in bare]  # the same rows
        assert len(api[0]) == len(bare[0])  # and as many columns
        deep = client.get("/api/v1/reviews/queue/").json()["next"]
        for _ in range(19):  # twenty pages into the cursor
            deep = client.get(deep).json()["next"]
        urls = {
            "bare": "/bare/queue/",
            "queue": "/api/v1/reviews/queue/",
            "deep": deep.removeprefix("http://testserver"),
            "claimant": "/api/v1/reviews/queue/?claimant=mayor",
            "admin": "/admin/reviewers/review/",
        }
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in urls}
        for _ in range(ROUNDS):  # interleaved, so that all see the same machine
            for name, url in urls.items():
                results[name].append(rate(client, url, args.requests))
    wall = {name: statistics.median(r[0] for r in rs) for name, rs in results.items()}
    cpu = {name: statistics.median(r[1] for r in rs) for name, rs in results.items()}
    labels = {
        "queue": "API queue, default view",
        "deep": "API queue, page 21",
        "claimant": "API queue, by claimant",
        "admin": "admin queue page",
    }
    print(f"bare .values() + JsonResponse : {wall['bare']:8.1f} requests/s (CPU {cpu['bare']:.1f})")
    for name, label in labels.items():
        print(
            f"{label:<30}: {wall[name]:8.1f} requests/s, ratio {wall[name] / wall['bare']:.2f}"
            f" (CPU time: {cpu[name]:.1f} requests/s, ratio {cpu[name] / cpu['bare']:.2f})"
        )
        size = f"{args.claims // 1000}k" if args.claims < 1_000_000 else f"{args.claims // 10**6}M"
        ratio = cpu[name] / cpu["bare"]
        print(f"RATIO\treview_queue: {label} at {size} claims, CPU vs bare\t{ratio:.2f}\t>= 0.5")


if __name__ == "__main__":
    main()
