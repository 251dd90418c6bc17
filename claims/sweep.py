"""The periodic sweep: whatever a lost message or a dead worker left behind is enqueued again."""

from datetime import timedelta

from django.utils import timezone

from claims import tasks
from claims.evidence.gathering import stuck_jobs_requeue
from claims.ingestion.services import MAX_ATTEMPTS, article_give_up
from claims.matching.services import stuck_matching_requeue
from claims.models import Article
from claims.tips.services import stuck_tips_requeue

# Work whose state has not moved for this long is assumed lost (a killed worker, a
# flushed broker) and is enqueued again.
STUCK_AFTER = timedelta(minutes=10)


def stuck_work_requeue() -> int:
    """Enqueue again the work that a lost message or a dead worker left behind."""
    cutoff = timezone.now() - STUCK_AFTER
    requeued = 0
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
        status=Article.Status.EXTRACTED, candidates_proposed_at=None, status_changed_at__lt=cutoff
    )
    for article_id in unproposed.values_list("id", flat=True):
        tasks.propose_claims.delay_on_commit(article_id)
        requeued += 1
    requeued += stuck_jobs_requeue(STUCK_AFTER) + stuck_matching_requeue(STUCK_AFTER)
    return requeued + stuck_tips_requeue(STUCK_AFTER)
