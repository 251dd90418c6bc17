"""The periodic sweep: whatever a lost message or a dead worker left behind is enqueued again."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from claims import tasks
from claims.evidence.gathering import stuck_jobs_requeue
from claims.ingestion.services import MAX_ATTEMPTS, article_give_up
from claims.matching.services import stuck_matching_requeue
from claims.models import Article
from claims.tips.services import stuck_tips_requeue
from factcheck.celery import Backlog, unsent_messages_send
from factcheck.heartbeat import holder_alive
from factcheck.limits import STUCK_AFTER, UNPROPOSED_AFTER


def stuck_work_requeue() -> int:
    """Enqueue again the work that a lost message or a dead worker left behind: work that
    has not moved for longer than its task may run (factcheck/limits.py). First, the
    messages a broker that was down refused: their work need not wait that long."""
    requeued = unsent_messages_send()
    backlog = Backlog.read()
    stalled = stalled_fetches(timezone.now() - STUCK_AFTER)
    if backlog.holds(tasks.ingest_article):  # a queued article's message may wait in it
        stalled = stalled.filter(status=Article.Status.FETCHING)
    for article in stalled:
        if article.attempts >= MAX_ATTEMPTS:
            article_give_up(article)
            continue
        Article.objects.filter(id=article.id, status=article.status).update(
            status=Article.Status.QUEUED, status_changed_at=timezone.now()
        )
        tasks.ingest_article.delay_on_commit(article.id)
        requeued += 1
    requeued += lost_proposals_requeue(backlog)
    requeued += stuck_jobs_requeue(STUCK_AFTER, backlog)
    requeued += stuck_matching_requeue(STUCK_AFTER, backlog)
    return requeued + stuck_tips_requeue(STUCK_AFTER, backlog)


def lost_proposals_requeue(backlog: Backlog) -> int:
    """Send again the proposals of articles extracted but never proposed, whose message was
    lost (not started within STUCK_AFTER, unless the queue is backlogged: then it may be
    waiting there) or whose worker is gone (no heartbeat, and the proposal older than
    STUCK_AFTER), or that outlived the long time limit (UNPROPOSED_AFTER: the run died
    unseen). A proposal on a live worker is left to finish."""
    now = timezone.now()
    never_started = unstarted_proposals(now - STUCK_AFTER).values_list("id", flat=True)
    if backlog.holds(tasks.propose_claims):
        never_started = never_started.none()
    started = unproposed_articles().filter(proposal_started_at__lt=now - STUCK_AFTER)
    lost: list[tuple[int, datetime | None]] = [(article_id, None) for article_id in never_started]
    for article_id, started_at, worker in started.values_list(
        "id", "proposal_started_at", "proposal_worker"
    ):
        overdue = started_at is not None and started_at < now - UNPROPOSED_AFTER
        if overdue or not _worker_alive(worker):
            lost.append((article_id, started_at))
    requeued = 0
    for article_id, started_at in lost:
        # The lease is freed for the message sent now, unless it moved since it was read; the
        # next sweeps wait STUCK_AFTER more.
        freed = Article.objects.filter(
            id=article_id, candidates_proposed_at=None, proposal_started_at=started_at
        ).update(status_changed_at=now, proposal_started_at=None, proposal_task_id="")
        if freed:
            tasks.propose_claims.delay_on_commit(article_id)
            requeued += 1
    return requeued


def stalled_fetches(cutoff: datetime) -> QuerySet[Article]:
    """Articles queued or being fetched that have not moved since `cutoff` (read through
    their partial index, article_in_flight_idx: the sweep never reads the whole archive; in
    no order, which would sort them)."""
    in_flight = Q(status=Article.Status.QUEUED) | Q(status=Article.Status.FETCHING)
    return Article.objects.filter(in_flight, status_changed_at__lt=cutoff).order_by()


def unproposed_articles() -> QuerySet[Article]:
    """Articles extracted whose claims are not proposed yet, never an evidence source (read
    through their partial index, article_unproposed_idx, in no order)."""
    return Article.objects.filter(
        status=Article.Status.EXTRACTED, proposes_claims=True, candidates_proposed_at=None
    ).order_by()


def unstarted_proposals(cutoff: datetime) -> QuerySet[Article]:
    """Proposals not started since their message was sent before `cutoff` (read through
    article_unproposed_idx)."""
    return unproposed_articles().filter(proposal_started_at=None, status_changed_at__lt=cutoff)


def _worker_alive(holder: str) -> bool:
    """Whether the worker holding a proposal still beats (factcheck/heartbeat.py); when the
    heartbeats cannot be read at all (their Redis is down), it counts as alive, so that a
    running proposal is not sent twice."""
    try:
        return holder_alive(holder)
    except Exception:  # the heartbeat cache is unreachable: we cannot tell
        return True
