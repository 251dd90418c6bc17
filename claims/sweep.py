"""The periodic sweep: whatever a lost message or a dead worker left behind is enqueued again."""

from django.utils import timezone

from claims import tasks
from claims.evidence.gathering import stuck_jobs_requeue
from claims.ingestion.services import MAX_ATTEMPTS, article_give_up
from claims.matching.services import stuck_matching_requeue
from claims.models import Article
from claims.tips.services import stuck_tips_requeue
from factcheck.celery import unsent_messages_send
from factcheck.limits import STUCK_AFTER, UNPROPOSED_AFTER


def stuck_work_requeue() -> int:
    """Enqueue again the work that a lost message or a dead worker left behind: work that
    has not moved for longer than its task may run (factcheck/limits.py). First, the
    messages a broker that was down refused: their work need not wait that long."""
    requeued = unsent_messages_send()
    cutoff = timezone.now() - STUCK_AFTER
    stuck_articles = Article.objects.filter(
        status__in=[Article.Status.QUEUED, Article.Status.FETCHING], status_changed_at__lt=cutoff
    )
    for article in stuck_articles:
        if article.attempts >= MAX_ATTEMPTS:
            article_give_up(article)
            continue
        Article.objects.filter(id=article.id, status=article.status).update(
            status=Article.Status.QUEUED, status_changed_at=timezone.now()
        )
        tasks.ingest_article.delay_on_commit(article.id)
        requeued += 1
    unproposed = Article.objects.filter(
        status=Article.Status.EXTRACTED,
        proposes_claims=True,  # never an evidence source
        candidates_proposed_at=None,
        status_changed_at__lt=timezone.now() - UNPROPOSED_AFTER,
    )
    for article_id in unproposed.values_list("id", flat=True):
        # Sent again now: the next sweeps wait a whole task's time before sending it again.
        Article.objects.filter(id=article_id).update(status_changed_at=timezone.now())
        tasks.propose_claims.delay_on_commit(article_id)
        requeued += 1
    requeued += stuck_jobs_requeue(STUCK_AFTER) + stuck_matching_requeue(STUCK_AFTER)
    return requeued + stuck_tips_requeue(STUCK_AFTER)
