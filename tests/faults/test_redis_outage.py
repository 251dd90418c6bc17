"""Scenario 4: Redis goes down while an editor submits articles. The web answers 202, stores
them and keeps the messages Redis refused; readiness says the broker is down; once Redis is
back (empty: it kept nothing), the sweep sends each message once and the worker ingests each
article, within seconds."""

import subprocess
import sys
import time
from typing import Any

import pytest
import requests
from django.conf import settings
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from claims.models import Article
from factcheck.limits import STUCK_AFTER
from factcheck.models import UnsentMessage
from tests.conftest import LocalSite
from tests.faults.web import (
    STARTUP_SECONDS,
    RedisServer,
    Stack,
    explained,
    http_status,
    no_duplicates,
    unfinished,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
TIMEOUT = 10  # of each request

PAGE = """<!doctype html><html lang="en"><head><title>Bridge report {n}</title></head><body>
<article><h1>Bridge report {n}</h1>
<p>A post shared on social media claims that bridge number {n} cost {n}00 million dollars.</p>
<p>The council said on Monday that the bridge cost {n}12 million dollars in total.</p>
</article></body></html>"""


def worker_health(stack: Stack, node: str) -> int:
    command = [sys.executable, "manage.py", "worker_health", node]
    done = subprocess.run(command, env=stack.env(), cwd=settings.BASE_DIR, capture_output=True)
    return done.returncode


def test_articles_submitted_while_redis_is_down_are_ingested_once_it_is_back(
    own_redis: RedisServer,
    make_stack: Any,
    local_site: LocalSite,
    editor: User,
    report_figure: Any,
) -> None:
    urls = [local_site.add(f"/news/bridge-{n}", PAGE.format(n=n)) for n in range(1, 4)]
    headers = {"Authorization": f"Token {Token.objects.create(user=editor).key}"}
    stack = make_stack(own_redis.url)

    def fetched() -> list[str]:
        return [path for path in local_site.requests if path.startswith("/news/bridge-")]

    stack.start("web", "worker", "beat")
    ready = f"{stack.base_url}/health/ready"
    with explained(stack):
        wait_for(lambda: http_status(ready) == 200, what="the stack ready", timeout=STARTUP_SECONDS)
        node = _status_body(ready)["checks"]["worker"]["worker"]
        assert worker_health(stack, node) == 0

        own_redis.stop()
        down_at = time.monotonic()
        answered_in = 0.0
        submitted = []
        for url in urls:
            began = time.monotonic()
            submitted.append(
                requests.post(
                    f"{stack.base_url}/api/v1/articles/",
                    {"url": url},
                    headers=headers,
                    timeout=TIMEOUT,
                )
            )
            answered_in = max(answered_in, time.monotonic() - began)
        assert [answer.status_code for answer in submitted] == [202, 202, 202]
        again = requests.post(
            f"{stack.base_url}/api/v1/articles/", {"url": urls[0]}, headers=headers, timeout=TIMEOUT
        )
        assert (again.status_code, again.json()["id"]) == (200, submitted[0].json()["id"])
        assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.QUEUED}
        assert UnsentMessage.objects.count() == 3  # kept, for the sweep to send
        not_ready = _status_body(ready)
        assert "broker" in not_ready["failed"]
        assert worker_health(stack, node) == 1  # its heartbeat cannot be read

        time.sleep(max(0.0, 5 - (time.monotonic() - down_at)))
        own_redis.start()
        back_at = time.monotonic()
        recovered: dict[str, float] = {}

        def recovering() -> bool:
            since = time.monotonic() - back_at
            if "ready" not in recovered and http_status(ready) == 200:
                recovered["ready"] = since
            if "taken up" not in recovered and fetched():
                recovered["taken up"] = since
            if "done" not in recovered and not unfinished(Article.objects.all()):
                recovered["done"] = since
            return len(recovered) == 3

        wait_for(
            recovering,
            what="every article ingested and its candidates proposed, and ready again",
            timeout=STUCK_AFTER.total_seconds() + 30,
        )
        stack.check_running()

    assert Article.objects.filter(status=Article.Status.EXTRACTED).count() == 3
    assert sorted(fetched()) == ["/news/bridge-1", "/news/bridge-2", "/news/bridge-3"]  # once each
    assert not UnsentMessage.objects.exists()
    no_duplicates()
    assert recovered["taken up"] < 60, f"taken up again after {recovered['taken up']:.0f} s"
    report_figure("Redis down for", f"{back_at - down_at:.1f} s; 3 articles submitted, each 202")
    report_figure("slowest submission answered while Redis was down in", f"{answered_in:.1f} s")
    report_figure("first article taken up after Redis came back", f"{recovered['taken up']:.1f} s")
    report_figure("all ingested after Redis came back", f"{recovered['done']:.1f} s (aim < 60 s)")
    report_figure("ready again after Redis came back", f"{recovered['ready']:.1f} s")


def _status_body(url: str) -> dict[str, Any]:
    return dict(requests.get(url, timeout=10).json())
