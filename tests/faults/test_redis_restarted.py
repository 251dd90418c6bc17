"""Scenario 3: Redis restarted empty while work is queued (every message lost, those being
worked on included): the worker and beat reconnect by themselves, and the sweep sends the
work again from what the database shows as waiting."""

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.models import Article
from reviewers.models import Review, WebhookDelivery
from reviewers.publishing.webhooks import webhook_subscribe
from tests.conftest import Receiver
from tests.faults import ledger
from tests.faults.scenarios import fetches_in_hand, seconds_until_all_ended, submit_work
from tests.faults.sites import Site, site
from tests.faults.workers import Scenario, needs_redis, record_recovery, scenario
from tests.reviewers.conftest import publish_check

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
__all__ = ["publish_check", "scenario", "site"]


@pytest.fixture(autouse=True)
def _links_only(settings: Any) -> None:
    needs_redis()
    settings.EVIDENCE_PROVIDERS = ["links"]


def test_work_queued_when_redis_restarts_empty_is_sent_again_and_done_once(
    scenario: Scenario,
    site: Site,
    receiver: Receiver,
    editor: User,
    make_article: Callable[..., Article],
    publish_check: Callable[..., Review],
    settings: Any,
    request: pytest.FixtureRequest,
) -> None:
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1:*"]  # the site and the receiver
    assert scenario.redis is not None
    scenario.start_beat()
    worker = scenario.start_worker(2, EVIDENCE_PROVIDERS="links")
    webhook_subscribe(url=receiver.url, secret="partner-secret", events=["check.published"])
    site.hold()
    submit_work(site, editor, make_article, "redis", articles=3, claims=2)
    fetches_in_hand(site, 2, worker)
    publish_check()  # its webhook waits behind the two fetches in hand
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING
    scenario.redis.stop()
    scenario.redis.start()  # empty: every message is lost
    back_at = time.monotonic()
    site.release()
    recovery = seconds_until_all_ended(back_at, 75, worker)
    received = [headers["X-Factcheck-Delivery"] for headers, _ in receiver.received]
    ledger.assert_every_job_ended_once(received)
    assert len(received) == 1
    record_recovery(request, "3 Redis restarted empty", {"recovered after Redis is back": recovery})
