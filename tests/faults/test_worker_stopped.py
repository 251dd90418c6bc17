"""Scenario 2: a worker stopped with SIGTERM mid-task (a deploy, a scale-down) finishes the
tasks in hand, hands back the messages it had taken but not started, and exits; the worker
that replaces it does the rest at once, without the sweep."""

import signal
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.models import Article, ProviderJob
from tests.faults import ledger
from tests.faults.scenarios import fetches_in_hand, seconds_until_all_ended, submit_work
from tests.faults.sites import Site, site
from tests.faults.workers import Scenario, record_recovery, scenario, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
__all__ = ["scenario", "site"]


@pytest.fixture(autouse=True)
def _links_only(settings: Any) -> None:
    settings.EVIDENCE_PROVIDERS = ["links"]


def test_a_worker_stopped_mid_task_finishes_what_it_holds_and_loses_nothing(
    scenario: Scenario,
    site: Site,
    editor: User,
    make_article: Callable[..., Article],
    request: pytest.FixtureRequest,
) -> None:
    worker = scenario.start_worker(2, EVIDENCE_PROVIDERS="links")
    site.hold()
    work = submit_work(site, editor, make_article, "warm", articles=3, claims=2)
    fetches_in_hand(site, 2, worker)
    worker.process.send_signal(signal.SIGTERM)
    wait_for(lambda: "Warm shutdown" in worker.log_text(), what="the warm shutdown", timeout=10)
    site.release()  # the tasks in hand may finish now
    worker.process.wait(timeout=45)
    finished_before_exit = 5 - len(ledger.unfinished_of_work(work))
    assert finished_before_exit >= 2  # the two in hand, not abandoned
    # No beat, so no sweep: what was not done must still be in the broker.
    replacement = scenario.start_worker(2, EVIDENCE_PROVIDERS="links")
    back_at = time.monotonic()
    recovery = seconds_until_all_ended(back_at, 60, replacement)
    ledger.assert_every_job_ended_once()
    submitted = Article.objects.filter(id__in=[article.id for article in work.articles])
    attempts = list(submitted.values_list("attempts", flat=True))
    attempts += list(
        ProviderJob.objects.filter(run__claim__in=work.claims).values_list("attempts", flat=True)
    )
    assert attempts == [1] * 5  # nothing run twice
    record_recovery(
        request,
        "2 SIGTERM mid-task",
        {"finished while stopping": finished_before_exit, "recovered after restart": recovery},
    )
