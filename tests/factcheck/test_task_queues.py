"""Tasks go to queues by latency class, so a backlog of matching never delays what an
editor waits for; every queue has a worker (docker compose: test_docker_compose.py)."""

from factcheck.celery import app as celery_app
from factcheck.management.commands.demo import WORKERS, worker_command


def queue_of(task_name: str) -> str:
    return str(celery_app.amqp.router.route({}, task_name)["queue"].name)


def test_what_someone_waits_for_goes_to_the_interactive_queue() -> None:
    for task in (
        "claims.tasks.gather_from_provider",
        "reviewers.tasks.deliver_webhook",
        "claims.tasks.requeue_stuck_work",
        "claims.tasks.notify_tip_readers",
    ):
        assert queue_of(task) == "interactive", task


def test_matching_and_reindexing_go_to_the_bulk_queue() -> None:
    for task in (
        "claims.tasks.match_claim",
        "claims.tasks.index_external_reviews",
        "claims.tasks.refresh_stale_match_entries",
    ):
        assert queue_of(task) == "bulk", task


def test_ingesting_new_articles_goes_to_the_default_queue() -> None:
    assert queue_of("claims.tasks.ingest_article") == "default"
    assert queue_of("claims.tasks.propose_claims") == "default"
    assert queue_of("claims.tasks.group_tip") == "default"


def test_the_demo_runs_a_worker_for_every_queue() -> None:
    consumed: set[str] = set()
    for queues, options in WORKERS:
        command = worker_command(queues, options)
        consumed |= set(command[command.index("-Q") + 1].split(","))
    assert consumed == set(celery_app.amqp.queues)
