"""Scenario 9: load on gunicorn with two workers. 300 requests, 50 in flight, on the public
list and pages, while 50 article submissions arrive at once (25 URLs, each sent twice at
the same moment): no 5xx, each URL stored once, every article ingested; p95 reported."""

import itertools
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from claims.models import Article
from reviewers.models import Review
from tests.conftest import LocalSite
from tests.faults.web import (
    STARTUP_SECONDS,
    RedisServer,
    explained,
    http_status,
    no_duplicates,
    unfinished,
    wait_for,
)
from tests.reviewers.conftest import publish_check  # noqa: F401  (a fixture, used below)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

READS, IN_FLIGHT, SUBMISSIONS = 300, 50, 50
TIMEOUT = 60
PAGE = """<!doctype html><html lang="en"><head><title>Council report {n}</title></head><body>
<article><h1>Council report {n}</h1>
<p>A councillor claimed that {n}0 new homes were built in the city last year.</p>
<p>The housing office said on Friday that {n}5 homes were finished in that period.</p>
</article></body></html>"""


def timed(send: Callable[[], requests.Response]) -> tuple[int, float]:
    began = time.perf_counter()
    try:
        status = send().status_code
    except requests.RequestException:
        status = 0  # refused or timed out: counted as a failure below
    return status, time.perf_counter() - began


def p95(seconds: list[float]) -> float:
    return statistics.quantiles(seconds, n=20)[18]


def test_public_reads_and_simultaneous_submissions_get_no_5xx(
    own_redis: RedisServer,
    make_stack: Any,
    local_site: LocalSite,
    editor: User,
    publish_check: Callable[..., Review],  # noqa: F811
    report_figure: Any,
) -> None:
    check_ids = [publish_check().id for _ in range(3)]  # a check's public id is its review's
    urls = [local_site.add(f"/news/homes-{n}", PAGE.format(n=n)) for n in range(1, 26)]
    token = {"Authorization": f"Token {Token.objects.create(user=editor).key}"}
    stack = make_stack(own_redis.url)
    stack.start("web", "worker")
    base = stack.base_url
    paths = itertools.cycle(
        ["/api/v1/checks/", "/checks/"]
        + [f"/api/v1/checks/{number}/" for number in check_ids]
        + [f"/checks/{number}/" for number in check_ids]
    )
    reads = [f"{base}{next(paths)}" for _ in range(READS)]
    together = threading.Barrier(SUBMISSIONS)

    def read(url: str) -> tuple[int, float]:
        return timed(lambda: requests.get(url, timeout=TIMEOUT))

    def submit(url: str) -> tuple[int, float]:
        together.wait()
        return timed(
            lambda: requests.post(
                f"{base}/api/v1/articles/", {"url": url}, headers=token, timeout=TIMEOUT
            )
        )

    with explained(stack):
        wait_for(
            lambda: http_status(f"{base}/health/live") == 200,
            what="gunicorn",
            timeout=STARTUP_SECONDS,
        )
        began = time.perf_counter()
        with ThreadPoolExecutor(IN_FLIGHT) as readers, ThreadPoolExecutor(SUBMISSIONS) as editors:
            submitted = editors.map(submit, urls * 2)
            answered = list(readers.map(read, reads))
            posted = list(submitted)
        took = time.perf_counter() - began
        ingested = wait_for(
            lambda: (
                Article.objects.filter(url__in=urls).count() == 25
                and not unfinished(Article.objects.filter(url__in=urls))
            ),
            what="every submitted article ingested",
            timeout=120,
        )
        stack.check_running()

    read_statuses = sorted({status for status, _ in answered})
    post_statuses = sorted({status for status, _ in posted})
    assert read_statuses == [200], f"reads answered {read_statuses}"
    assert post_statuses in ([200, 202], [202]), f"submissions answered {post_statuses}"
    assert sum(status == 202 for status, _ in posted) == 25  # one stored per URL
    assert Article.objects.filter(url__in=urls).count() == 25
    no_duplicates()
    report_figure(
        f"{READS} reads ({IN_FLIGHT} in flight) + {SUBMISSIONS} submissions at once",
        f"{took:.1f} s, no 5xx; 25 URLs stored once each",
    )
    report_figure("reads p95", f"{p95([s for _, s in answered]) * 1000:.0f} ms")
    report_figure("submissions p95", f"{p95([s for _, s in posted]) * 1000:.0f} ms")
    report_figure("every article ingested after the load", f"{ingested:.1f} s")
