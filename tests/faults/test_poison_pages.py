"""Scenario 7: poison pages (one larger than the size cap, one of nested tags past the tag
cap, one from a server that trickles its bytes) are ended by the limits, each with its
reason, and never block other work: articles submitted with them are read meanwhile."""

import time

import pytest
from django.contrib.auth.models import User
from django.db.models import Q

from claims.ingestion.services import MAX_ATTEMPTS, article_submit
from claims.models import Article
from tests.faults import ledger
from tests.faults.scenarios import seconds_until_all_ended
from tests.faults.sites import Site, article_html, site
from tests.faults.workers import Scenario, record_recovery, scenario, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
__all__ = ["scenario", "site"]

HUGE = (
    b"<html><body><p>" + b"The bridge cost 212 million dollars. " * 170_000 + b"</p></body></html>"
)
NESTED = (
    b"<html><body>" + b"<div>" * 60_000 + b"<p>Deep.</p>" + b"</div>" * 60_000 + b"</body></html>"
)
# The worker's fetches time out after 1 s (2 s in all), so that a trickling page's three
# attempts, 15 s and 30 s apart, end within a minute.
FETCH_TIMEOUT_SECONDS = "1"


def test_poison_pages_are_ended_by_the_limits_without_blocking_other_work(
    scenario: Scenario, site: Site, editor: User, request: pytest.FixtureRequest
) -> None:
    site.pages["/poison/huge"] = HUGE
    site.pages["/poison/nested"] = NESTED
    site.slow["/poison/trickle"] = article_html("/poison/trickle")
    worker = scenario.start_worker(2, FETCH_TIMEOUT_SECONDS=FETCH_TIMEOUT_SECONDS)
    began = time.monotonic()
    poison = {
        name: article_submit(url=site.url(f"/poison/{name}"), submitted_by=editor).article
        for name in ("trickle", "huge", "nested")
    }
    good = [
        article_submit(url=site.url(f"/good/article-{n}"), submitted_by=editor).article
        for n in range(3)
    ]
    wait_for(lambda: _all_extracted(good), what="the good articles", timeout=45)
    good_after = time.monotonic() - began
    trickle = Article.objects.get(id=poison["trickle"].id)
    assert trickle.status != Article.Status.FAILED  # still trying: it blocked nothing
    ended_after = seconds_until_all_ended(began, 75, worker)
    ledger.assert_every_job_ended_once()
    reasons = {
        name: Article.objects.values_list("status", "failure_reason").get(id=article.id)
        for name, article in poison.items()
    }
    assert reasons["trickle"] == (Article.Status.FAILED, "The fetch took too long.")
    assert Article.objects.get(id=poison["trickle"].id).attempts == MAX_ATTEMPTS
    assert reasons["huge"][0] == Article.Status.FAILED and "larger than" in reasons["huge"][1]
    assert reasons["nested"][0] == Article.Status.FAILED and "HTML tags" in reasons["nested"][1]
    record_recovery(
        request,
        "7 poison pages",
        {"good articles read after": good_after, "poison ended after": ended_after},
    )


def _all_extracted(articles: list[Article]) -> bool:
    ids = [article.id for article in articles]
    return not Article.objects.filter(Q(id__in=ids), ~Q(status=Article.Status.EXTRACTED)).exists()
