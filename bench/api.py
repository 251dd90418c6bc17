"""Speed of the public list endpoint, as a ratio to a bare Django view in the same run.

Requests per second of `GET /api/v1/checks/` (50 checks a page, the first page and a
page deep in the cursor) over 100,000 published checks, against a bare view that
returns the same fields of the same 50 rows from one `.values()` query through
`JsonResponse`. Both go through the same WSGI handler and middleware (Django's test
client), on a throw-away SQLite database; nothing leaves the process. The ratios are given
twice: in wall-clock time, and in this process's CPU time, which other processes on a
shared machine do not disturb.

    .venv/bin/python bench/api.py [--checks 100000] [--requests 300]
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from throwaway import rate, start_django

start_django(PUBLIC_API_RATE="100000000/minute")

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

from claims.models import Article, Claim  # noqa: E402
from reviewers.models import PublishedCheck, Rating, Review  # noqa: E402
from reviewers.publishing.api import LIST_FIELDS  # noqa: E402

ROUNDS = 5
BATCH = 5000


def bare_list(request: HttpRequest) -> JsonResponse:
    """The ceiling: the same rows and fields, one `.values()` query, no framework."""
    rows = PublishedCheck.objects.public().order_by("-modified_at", "-id")
    return JsonResponse({"results": list(rows.values(*LIST_FIELDS)[:50])})


urlpatterns = [path("bare/checks/", bare_list), path("", include("factcheck.urls"))]


def populate(count: int) -> None:
    author = User.objects.create_user("bench-author")
    approver = User.objects.create_user("bench-approver")
    rating = Rating.objects.get(label="False")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for first in range(0, count, BATCH):
        numbers = range(first, min(first + BATCH, count))
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                Article(
                    url=f"https://news.example/{n}",
                    text=f"Article {n}.",
                    content_hash=f"{n:064d}",
                    status=Article.Status.EXTRACTED,
                    language="en",
                )
                for n in numbers
            )
            claims = Claim.objects.bulk_create(
                Claim(article=a, text=f"The bridge number {n} cost {n} million dollars.")
                for n, a in zip(numbers, articles, strict=True)
            )
            reviews = Review.objects.bulk_create(
                Review(
                    claim=c,
                    author=author,
                    approved_by=approver,
                    state=Review.State.PUBLISHED,
                    rating=rating,
                    headline=f"Verdict {n}",
                    justification="The council's accounts say otherwise. " * 5,
                )
                for n, c in zip(numbers, claims, strict=True)
            )
            PublishedCheck.objects.bulk_create(
                _check(n, r, start + timedelta(minutes=n))
                for n, r in zip(numbers, reviews, strict=True)
            )


def _check(number: int, review: Review, when: datetime) -> PublishedCheck:
    return PublishedCheck(
        review=review,
        version=1,
        published_at=when,
        modified_at=when,
        claim_text=f"The bridge number {number} cost {number} million dollars.",
        claimant="A viral post",
        appearance_url=f"https://news.example/{number}",
        language="en",
        tags=["bridge", "budget"],
        rating_label="False",
        rating_value=1,
        headline=f"Verdict {number}",
        justification="The council's accounts say otherwise. " * 5,
        claim_review={"@type": "ClaimReview", "claimReviewed": f"Claim {number}"},
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    populate(args.checks)
    print(f"{args.checks} published checks stored in {time.perf_counter() - began:.0f} s")
    with override_settings(ROOT_URLCONF=sys.modules[__name__]):
        client = Client()
        api = client.get("/api/v1/checks/").json()
        bare = client.get("/bare/checks/").json()
        assert len(api["results"]) == len(bare["results"]) == 50
        assert [c["id"] for c in api["results"]] == [c["review_id"] for c in bare["results"]]
        deep = api["next"]
        for _ in range(20):  # twenty pages into the cursor
            deep = client.get(deep).json()["next"]
        deep = deep.removeprefix("http://testserver")
        urls = {"bare": "/bare/checks/", "api": "/api/v1/checks/", "deep": deep}
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in urls}
        for _ in range(ROUNDS):  # interleaved, so that both see the same machine
            for name, url in urls.items():
                results[name].append(rate(client, url, args.requests))
    wall: dict[str, Any] = {
        name: statistics.median(r[0] for r in rs) for name, rs in results.items()
    }
    cpu: dict[str, Any] = {
        name: statistics.median(r[1] for r in rs) for name, rs in results.items()
    }
    print(f"bare .values() + JsonResponse : {wall['bare']:8.1f} requests/s")
    print(f"public list, first page       : {wall['api']:8.1f} requests/s")
    print(f"public list, page 21          : {wall['deep']:8.1f} requests/s")
    print(f"ratio, first page             : {wall['api'] / wall['bare']:.2f}")
    print(f"ratio, page 21                : {wall['deep'] / wall['bare']:.2f}")
    print(f"ratio in CPU time, first page : {cpu['api'] / cpu['bare']:.2f}")
    print(f"ratio in CPU time, page 21    : {cpu['deep'] / cpu['bare']:.2f}")
    size = f"{args.checks:,} checks"
    print(
        f"RATIO\tapi: public list at {size}, CPU vs bare\t{cpu['api'] / cpu['bare']:.2f}\t>= 0.85"
    )


if __name__ == "__main__":
    main()
