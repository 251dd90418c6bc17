"""The sweep sends again the work a lost message or a dead worker left behind, and only that:
never an evidence source to propose claims from, never a task still within its time limit."""

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from claims.evidence.gathering import forgotten_jobs, lapsed_jobs
from claims.extraction.services import article_proposal_take
from claims.ingestion.services import source_store
from claims.models import Article
from claims.sweep import (
    stalled_fetches,
    stuck_work_requeue,
    unstarted_proposals,
)
from factcheck.celery import BACKLOG
from factcheck.celery import app as celery_app
from factcheck.heartbeat import heartbeat_record, worker_holding
from factcheck.limits import QUICK_HARD_LIMIT, STUCK_AFTER, UNPROPOSED_AFTER


def test_an_article_whose_proposal_never_started_is_proposed_by_the_sweep(
    make_article: Any, django_capture_on_commit_callbacks: Any
) -> None:
    article = make_article("The bridge cost 400 million dollars, a post claims.")
    Article.objects.filter(id=article.id).update(
        status_changed_at=timezone.now() - STUCK_AFTER + timedelta(seconds=5)
    )
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stuck_work_requeue() == 0  # its message may still be waiting in the queue
    Article.objects.filter(id=article.id).update(
        status_changed_at=timezone.now() - STUCK_AFTER - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stuck_work_requeue() == 1
    assert len(sent) == 1


def test_an_article_sent_again_is_not_sent_again_by_the_next_sweeps(
    make_article: Any, django_capture_on_commit_callbacks: Any
) -> None:
    article = make_article("The bridge cost 400 million dollars, a post claims.")
    Article.objects.filter(id=article.id).update(
        status_changed_at=timezone.now() - STUCK_AFTER - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=False):
        assert stuck_work_requeue() == 1
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stuck_work_requeue() == 0  # ten seconds later, under beat: still in its time
    assert sent == []


@pytest.fixture
def backlogged_queue() -> Iterator[str]:
    """A queue of the real broker that no worker reads, holding BACKLOG messages, where the
    sweep looks for ingesting's and proposing's messages during this test. The messages are
    put with kombu, not Celery (which would add the queue to those its workers read), and
    only Celery's routes change, for this test, so nothing but the sweep's question is
    steered."""
    name = f"backlog-{uuid.uuid4().hex[:8]}"
    routes = celery_app.conf.task_routes
    with celery_app.connection_for_write() as broker:
        waiting = broker.SimpleQueue(name)  # a queue and an exchange of its name
        for number in range(BACKLOG):
            waiting.put({"waiting": number})
        celery_app.conf.task_routes = {
            **routes,
            "claims.tasks.ingest_article": {"queue": name},
            "claims.tasks.propose_claims": {"queue": name},
        }
        yield name
        celery_app.conf.task_routes = routes
        waiting.queue.delete()  # with its binding: on the channel that made it
        waiting.close()


def drained(queue: str) -> None:
    with celery_app.connection_for_write() as broker:
        broker.default_channel.queue_purge(queue)


def test_work_that_may_wait_in_a_backlogged_queue_is_sent_again_once_it_drains(
    make_article: Any, django_capture_on_commit_callbacks: Any, backlogged_queue: str
) -> None:
    """During a bulk import most work waits in its queue longer than a minute without being
    lost: the sweep sends none of it again while the queue holds a backlog (each copy would
    add to the queue it waits in), and sends what never started once the queue drains.
    Work that started on a worker since lost is not in the queue: it is sent again at once."""
    proposal = make_article("The bridge cost 400 million dollars, a post claims.")
    queued = Article.objects.create(url="https://news.example/waiting")
    fetching = Article.objects.create(
        url="https://news.example/lost", status=Article.Status.FETCHING, attempts=1
    )
    Article.objects.update(status_changed_at=timezone.now() - STUCK_AFTER - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stuck_work_requeue() == 1
    assert len(sent) == 1 and _sent_again() == {fetching.id}
    drained(backlogged_queue)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stuck_work_requeue() == 2
    assert _sent_again() == {fetching.id, queued.id, proposal.id}


def _sent_again() -> set[int]:
    """The articles whose work was sent again within the last STUCK_AFTER."""
    recent = Article.objects.filter(status_changed_at__gt=timezone.now() - STUCK_AFTER)
    return set(recent.values_list("id", flat=True))


def test_a_proposal_on_a_live_worker_is_left_to_finish_and_one_on_a_gone_worker_is_sent_again(
    make_article: Any, django_capture_on_commit_callbacks: Any
) -> None:
    article = make_article("The bridge cost 400 million dollars, a post claims.")
    alive = worker_holding("w@host")
    assert article_proposal_take(article_id=article.id, task_id="m-1", worker=alive)
    long_ago = timezone.now() - STUCK_AFTER - timedelta(seconds=1)
    Article.objects.filter(id=article.id).update(
        status_changed_at=long_ago, proposal_started_at=long_ago
    )
    heartbeat_record("w@host")
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stuck_work_requeue() == 0  # scoring a long article takes minutes

    # Killed and started again under the same name: the new worker beats, the holder is gone.
    Article.objects.filter(id=article.id).update(proposal_worker="w@host 0123456789ab")
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stuck_work_requeue() == 1
    assert len(sent) == 1
    article.refresh_from_db()
    assert (article.proposal_started_at, article.proposal_task_id) == (None, "")
    # The message sent now takes the lease; the old one, if it ever runs again, does not.
    assert article_proposal_take(article_id=article.id, task_id="m-2", worker=alive)
    assert not article_proposal_take(article_id=article.id, task_id="m-1")


def test_a_proposal_that_outlived_the_long_time_limit_is_sent_again(
    make_article: Any, django_capture_on_commit_callbacks: Any
) -> None:
    article = make_article("The bridge cost 400 million dollars, a post claims.")
    assert article_proposal_take(article_id=article.id, task_id="m-1", worker=worker_holding("w"))
    heartbeat_record("w")
    Article.objects.filter(id=article.id).update(
        proposal_started_at=timezone.now() - UNPROPOSED_AFTER - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stuck_work_requeue() == 1
    assert len(sent) == 1


def test_evidence_sources_are_never_proposed_by_the_sweep(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    source = source_store(
        url="https://encyclopedia.example/bridge", text="The bridge cost 212 million dollars."
    )
    assert source.status == Article.Status.EXTRACTED
    assert source.proposes_claims is False
    assert source.candidates_proposed_at is None
    Article.objects.update(status_changed_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stuck_work_requeue() == 0
    assert sent == []


def test_an_article_being_fetched_within_its_time_limit_is_left_alone(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    started = timezone.now() - timedelta(seconds=QUICK_HARD_LIMIT)
    article = Article.objects.create(
        url="https://news.example/slow", status=Article.Status.FETCHING, attempts=1
    )
    Article.objects.filter(id=article.id).update(status_changed_at=started)
    assert timedelta(seconds=QUICK_HARD_LIMIT) < STUCK_AFTER
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stuck_work_requeue() == 0
    Article.objects.filter(id=article.id).update(status_changed_at=timezone.now() - STUCK_AFTER)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stuck_work_requeue() == 1
    assert len(sent) == 1
    article.refresh_from_db()
    assert article.status == Article.Status.QUEUED


@pytest.mark.parametrize(
    ("waiting_work", "index"),
    [
        (stalled_fetches, "article_in_flight_idx"),
        (unstarted_proposals, "article_unproposed_idx"),
        (lapsed_jobs, "providerjob_running_idx"),
        (forgotten_jobs, "providerjob_queued_idx"),
    ],
    ids=["stalled fetches", "unproposed articles", "lapsed jobs", "forgotten jobs"],
)
def test_the_sweep_reads_only_the_waiting_work_never_the_whole_archive(
    db: None, waiting_work: Callable[[datetime], QuerySet[Any]], index: str
) -> None:
    """The sweep runs every few seconds: each of its questions is answered from a partial
    index holding only the work in question, so its cost follows the backlog, not the
    million articles and jobs done."""
    if connection.vendor == "postgresql":
        # A few rows are cheaper to scan than to read through an index; forbid scanning
        # (for this test's transaction) to see that the index answers.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = waiting_work(timezone.now()).explain()
    assert index in plan, plan
