"""Celery tasks: thin wrappers that take ids and call one service each.

Each task imports its service inside its body: the services enqueue these tasks, so a
module-level import either way would make one import cycle of the whole app.

Every task is idempotent (the services claim work with conditional updates and insert
under unique constraints), so a redelivered message changes nothing; each runs under a time
limit, and retries database errors long enough to outlast an outage (factcheck/limits.py).
"""

from celery import Task, shared_task

from factcheck.limits import LONG, QUICK, RETRY


def redelivered(task: Task) -> bool:
    """Whether this message ran before and its run is over: sent back to its queue after its
    worker died (the broker marks it redelivered), or retried after a database error. Only
    then may it take back the work it held; a duplicate of a message still running may not."""
    request = task.request
    return bool(request.retries or (request.delivery_info or {}).get("redelivered"))


@shared_task(bind=True, acks_late=True, **QUICK, **RETRY)
def ingest_article(self: Task, article_id: int) -> None:
    from claims.ingestion.services import article_ingest

    article_ingest(
        article_id=article_id, task_id=self.request.id or "", redelivered=redelivered(self)
    )


@shared_task(bind=True, acks_late=True, **LONG, **RETRY)
def propose_claims(self: Task, article_id: int) -> None:
    from claims.extraction.services import article_proposal_take, claims_propose
    from factcheck.heartbeat import worker_holding

    request = self.request
    if article_proposal_take(
        article_id=article_id,
        task_id=request.id or "",
        worker=worker_holding(request.hostname or ""),
        redelivered=redelivered(self),
    ):
        claims_propose(article_id=article_id)


@shared_task(bind=True, acks_late=True, **QUICK, **RETRY)
def gather_from_provider(self: Task, job_id: int) -> None:
    from claims.evidence.gathering import provider_job_run

    provider_job_run(job_id=job_id, task_id=self.request.id or "", redelivered=redelivered(self))


@shared_task(**QUICK)
def requeue_stuck_work() -> None:
    from claims.sweep import stuck_work_requeue

    stuck_work_requeue()


@shared_task(acks_late=True, **QUICK, **RETRY)
def poll_feed(feed_id: int) -> None:
    from claims.ingestion.feeds import feed_poll

    feed_poll(feed_id=feed_id)


@shared_task(**QUICK)
def poll_due_feeds() -> None:
    from claims.ingestion.feeds import feeds_poll_due

    feeds_poll_due()


@shared_task(acks_late=True, **QUICK, **RETRY)
def match_claim(claim_id: int) -> None:
    from claims.matching.services import claim_match

    claim_match(claim_id=claim_id)


@shared_task(acks_late=True, **QUICK, **RETRY)
def index_external_reviews(review_ids: list[int]) -> None:
    from claims.matching.services import external_reviews_index

    external_reviews_index(review_ids=review_ids)


@shared_task(acks_late=True, **QUICK, **RETRY)
def refresh_match_headline(claim_id: int) -> None:
    from claims.matching.services import claim_headline_index

    claim_headline_index(claim_id=claim_id)


@shared_task(acks_late=True, **QUICK, **RETRY)  # 500 vectors at most: seconds
def refresh_stale_match_entries() -> None:
    from claims.matching.services import stale_entries_refresh

    stale_entries_refresh()


@shared_task(acks_late=True, **QUICK, **RETRY)
def group_tip(tip_id: int) -> None:
    from claims.tips.services import tip_group

    tip_group(tip_id=tip_id)


@shared_task(acks_late=True, **QUICK, **RETRY)
def notify_tip_readers(claim_id: int) -> None:
    from claims.tips.services import tip_readers_notify

    tip_readers_notify(claim_id=claim_id)
