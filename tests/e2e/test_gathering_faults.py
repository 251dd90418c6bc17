"""Gathering through a real worker survives what the broker does: a message delivered
twice changes nothing, and a message that was lost is sent again by the sweep."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from claims import tasks
from claims.evidence.gathering import gathering_start
from claims.extraction.services import claim_accept
from claims.models import Claim, Evidence, GatheringRun, ProviderJob
from claims.sweep import stuck_work_requeue
from tests.conftest import Worker, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ACCOUNTS = (
    "The City of Riverton has published its accounts. The total cost of the Harbour Street "
    "bridge was 212 million dollars, against a budget of 190 million dollars."
)


@pytest.fixture
def claim(make_article: Any, editor: User) -> Claim:
    """An accepted claim, its jobs already sent to the worker; the archive holds a source."""
    make_article(ACCOUNTS)
    article = make_article("A post claims the Harbour Street bridge cost 400 million dollars.")
    candidate = Claim.objects.create(article=article, text=article.text)
    return claim_accept(claim=candidate, user=editor)


def run_finished(run: GatheringRun) -> bool:
    return GatheringRun.objects.get(id=run.id).state != GatheringRun.State.RUNNING


def test_a_message_delivered_twice_changes_nothing(celery_worker: Worker, claim: Claim) -> None:
    run = claim.gathering_runs.get()
    for job in run.jobs.all():  # the broker delivers every job a second time
        tasks.gather_from_provider.delay(job.id)
    wait_until(lambda: run_finished(run), what="the run", worker=celery_worker)
    assert set(run.jobs.values_list("status", "attempts")) == {("done", 1)}
    assert Evidence.objects.filter(claim=claim).count() == 1
    claim.refresh_from_db()
    assert claim.gathering == Claim.Gathering.DONE


def test_a_lost_message_is_sent_again_by_the_sweep(
    celery_worker: Worker, claim: Claim, editor: User
) -> None:
    wait_until(
        lambda: run_finished(claim.gathering_runs.get()), what="the first run",
        worker=celery_worker,
    )  # fmt: skip
    # A run whose messages never reached the broker: its rows exist, nothing was sent.
    lost = GatheringRun.objects.create(claim=claim, providers_total=1)
    ProviderJob.objects.create(run=lost, provider="archive")
    ProviderJob.objects.filter(run=lost).update(changed_at=timezone.now() - timedelta(hours=1))
    assert stuck_work_requeue() == 1
    wait_until(lambda: run_finished(lost), what="the lost run", worker=celery_worker)
    assert lost.jobs.get().status == ProviderJob.Status.DONE
    assert gathering_start(claim=claim, user=editor) != lost  # nothing left running
