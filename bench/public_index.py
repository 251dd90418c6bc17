"""Speed of the public index of checks (/checks/), as a ratio to a bare Django view in the
same run.

Requests per second of the server-rendered index (20 checks a page) over 100,000 published
checks: the first page, a full-text search, a filtered page deep in the list, against a bare
view returning the same fields of the same 20 rows from one `.values()` query through
`JsonResponse`. The count of matches and the filters' choices are kept in the cache until
the next version is published, so the time of a request right after one (nothing cached)
is printed too. The same test client, WSGI handler and middleware; a throw-away SQLite
database (or BENCH_DATABASE_URL), built as bench/api.py builds it. Wall-clock and CPU ratios.

    .venv/bin/python bench/public_index.py [--checks 100000] [--requests 100]
"""

import argparse
import statistics
import sys
import time

from api import populate  # starts the throw-away factcheck, as bench/api.py does
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpRequest, JsonResponse
from django.test import Client, override_settings
from django.urls import include, path
from throwaway import rate

from reviewers.models import PublishedCheck
from reviewers.publishing.index import PAGE_SIZE, ROW_FIELDS

ROUNDS = 5
COLD_REQUESTS = 20


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
        cold = {name: _cold_ms(client, url) for name, url in urls.items() if name != "bare"}
    wall = {name: statistics.median(r[0] for r in rs) for name, rs in results.items()}
    cpu = {name: statistics.median(r[1] for r in rs) for name, rs in results.items()}
    print(f"bare .values() + JsonResponse  : {wall['bare']:8.1f} requests/s")
    for name in ("index", "search", "filtered"):
        print(
            f"{name:<31}: {wall[name]:8.1f} requests/s, ratio {wall[name] / wall['bare']:.2f}"
            f" (CPU {cpu[name] / cpu['bare']:.2f})"
        )
    print(f"RATIO\tpublic_index: first page, CPU vs bare\t{cpu['index'] / cpu['bare']:.2f}\t-")

    for name, ms in cold.items():
        print(f"{name:<20} after a new version: {ms:6.1f} ms a request (nothing cached)")


def _cold_ms(client: Client, url: str) -> float:
    """Median time of a request right after a change (the index's cache is empty)."""
    times = []
    for _ in range(COLD_REQUESTS):
        cache.clear()
        began = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    main()
