"""Speed of the public index of checks (/checks/), as a ratio to a bare Django view in the
same run.

Requests per second of the server-rendered index (20 checks a page) over 100,000 published
checks: the first page, a full-text search, a filtered page deep in the list, against a bare
view returning the same fields of the same 20 rows from one `.values()` query through
`JsonResponse`. The same test client, WSGI handler and middleware; a throw-away SQLite
database (or BENCH_DATABASE_URL), built as bench/api.py builds it. Wall-clock and CPU ratios.

    .venv/bin/python bench/public_index.py [--checks 100000] [--requests 100]
"""

import argparse
import statistics
import sys
import time

from api import populate  # starts the throw-away factcheck, as bench/api.py does
from django.core.management import call_command
from django.http import HttpRequest, JsonResponse
from django.test import Client, override_settings
from django.urls import include, path
from throwaway import rate

from reviewers.models import PublishedCheck
from reviewers.publishing.index import PAGE_SIZE, ROW_FIELDS

ROUNDS = 5


def bare_index(request: HttpRequest) -> JsonResponse:
    """The ceiling: the same rows and fields, one `.values()` query, no template."""
    rows = PublishedCheck.objects.public().order_by("-modified_at", "-id")
    return JsonResponse({"results": list(rows.values(*ROW_FIELDS)[:PAGE_SIZE])})


urlpatterns = [path("bare/index/", bare_index), path("", include("factcheck.urls"))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    populate(args.checks)
    print(f"{args.checks} published checks stored in {time.perf_counter() - began:.0f} s")
    urls = {
        "bare": "/bare/index/",
        "index": "/checks/",
        "search": "/checks/?q=bridge+number+4242",
        "filtered": "/checks/?rating=False&tag=bridge&page=50",
    }
    with override_settings(ROOT_URLCONF=sys.modules[__name__]):
        client = Client()
        for url in urls.values():
            assert client.get(url).status_code == 200, url
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in urls}
        for _ in range(ROUNDS):  # interleaved, so that all see the same machine
            for name, url in urls.items():
                results[name].append(rate(client, url, args.requests))
    wall = {name: statistics.median(r[0] for r in rs) for name, rs in results.items()}
    cpu = {name: statistics.median(r[1] for r in rs) for name, rs in results.items()}
    print(f"bare .values() + JsonResponse  : {wall['bare']:8.1f} requests/s")
    for name in ("index", "search", "filtered"):
        print(
            f"{name:<31}: {wall[name]:8.1f} requests/s, ratio {wall[name] / wall['bare']:.2f}"
            f" (CPU {cpu[name] / cpu['bare']:.2f})"
        )


if __name__ == "__main__":
    main()
