"""Every task runs under a time limit, shorter than the sweep's wait for its work, so the
sweep never sends again a task still running; a task whose process dies goes back to its
queue; a database error is retried for longer than a minute-long outage."""

from datetime import timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from claims import tasks as claims_tasks
from factcheck.limits import RETRY, STUCK_AFTER, UNPROPOSED_AFTER
from reviewers import tasks as reviewers_tasks
from reviewers.publishing.webhooks import FIRST_RETRY_SECONDS
from reviewers.publishing.webhooks import MAX_ATTEMPTS as WEBHOOK_ATTEMPTS

TASKS: list[Task] = [
    task
    for module in (claims_tasks, reviewers_tasks)
    for task in vars(module).values()
    if isinstance(task, Task)
]


def test_every_task_has_a_soft_and_a_hard_time_limit() -> None:
    assert len(TASKS) == 14
    for task in TASKS:
        assert 0 < task.soft_time_limit < task.time_limit, task.name


def test_the_sweep_waits_longer_than_a_task_may_run() -> None:
    for task in TASKS:
        waits = UNPROPOSED_AFTER if task.name.endswith("propose_claims") else STUCK_AFTER
        if task.acks_late:  # the tasks whose work the sweep takes up again
            assert timedelta(seconds=task.time_limit) < waits, task.name
    assert timedelta(seconds=60) > STUCK_AFTER


def test_a_task_whose_worker_died_goes_back_to_its_queue() -> None:
    # Acknowledged late (after it ran), and rejected back to the queue if its process died:
    # the tasks that do the work, all idempotent. The sweeps just run again on schedule.
    late = {task.name for task in TASKS if task.acks_late}
    assert late == {task.name for task in TASKS} - {
        "claims.tasks.requeue_stuck_work",
        "claims.tasks.poll_due_feeds",
        "reviewers.tasks.requeue_webhook_deliveries",
    }
    assert all(task.reject_on_worker_lost for task in TASKS if task.acks_late)


def test_database_errors_are_retried_for_longer_than_a_minute_long_outage() -> None:
    waits = [min(RETRY["retry_backoff"] * 2**n, RETRY["retry_backoff_max"]) for n in range(20)]
    assert sum(waits[: RETRY["max_retries"]]) > 5 * 60
    assert RETRY["retry_backoff_max"] <= 30  # resumes soon once the database is back
    assert RETRY["retry_jitter"] is False


def test_every_way_an_outage_shows_itself_is_retried() -> None:
    # A query cut off (OperationalError) and a connection found closed later on
    # (InterfaceError, which Django does not count as a DatabaseError) are the same outage.
    retried = RETRY["autoretry_for"]
    assert all(issubclass(error, retried) for error in (OperationalError, InterfaceError))


def test_a_periodic_task_left_waiting_past_its_next_due_time_is_dropped() -> None:
    # With the workers down, beat keeps sending: each sending expires when the next is due,
    # so a worker coming back runs one sweep, not one per missed interval.
    schedule: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
    for entry in schedule.values():
        assert entry["options"]["expires"] == entry["schedule"], entry["task"]
    assert settings.CELERY_BEAT_SYNC_EVERY == 1  # a beat started again knows what it sent


def test_redis_hands_a_message_out_again_only_after_its_longest_countdown() -> None:
    longest_webhook_retry = FIRST_RETRY_SECONDS << (WEBHOOK_ATTEMPTS - 2)
    assert longest_webhook_retry < settings.BROKER_VISIBILITY_TIMEOUT
    assert timedelta(seconds=settings.BROKER_VISIBILITY_TIMEOUT) > STUCK_AFTER
