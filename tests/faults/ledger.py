"""What every fault scenario checks when it is over: every job ended (done, or failed with
its reason), and nothing was stored or sent twice."""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet

from claims.models import Article, Evidence, GatheringRun, ProviderJob
from reviewers.models import PublishedCheck, WebhookDelivery


def unproposed(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Of `articles`, those a worker ingested whose claims are not proposed yet (an article
    a test stored directly, as ingestion would have left it, was never sent to propose)."""
    return articles.filter(
        status=Article.Status.EXTRACTED, proposes_claims=True, candidates_proposed_at=None
    ).exclude(ingest_task_id="")


def unfinished() -> list[str]:
    """The work still waiting or running, one line each."""
    articles = Article.objects.filter(status__in=[Article.Status.QUEUED, Article.Status.FETCHING])
    jobs = ProviderJob.objects.exclude(status__in=ProviderJob.TERMINAL)
    runs = GatheringRun.objects.filter(state=GatheringRun.State.RUNNING)
    deliveries = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING)
    return [
        *_named("article", articles),
        *_named("proposal of article", unproposed(Article.objects.all())),
        *_named("provider job", jobs),
        *_named("gathering run", runs),
        *_named("webhook delivery", deliveries),
    ]


def unfinished_of_work(work: Any) -> list[str]:
    """The fetches of `work` (tests/faults/scenarios.py) not yet ended: its articles' ingests
    and its claims' provider jobs (the proposals that follow are counted by `unfinished`)."""
    articles = Article.objects.filter(
        id__in=[article.id for article in work.articles],
        status__in=[Article.Status.QUEUED, Article.Status.FETCHING],
    )
    jobs = ProviderJob.objects.filter(run__claim__in=work.claims).exclude(
        status__in=ProviderJob.TERMINAL
    )
    return [*_named("article", articles), *_named("provider job", jobs)]


def all_ended() -> bool:
    return not unfinished()


def failed_without_reason() -> list[str]:
    """Work that failed without saying why."""
    return [
        *_named("article", Article.objects.filter(status=Article.Status.FAILED, failure_reason="")),
        *_named(
            "provider job",
            ProviderJob.objects.filter(status=ProviderJob.Status.FAILED, last_error=""),
        ),
        *_named(
            "webhook delivery",
            WebhookDelivery.objects.filter(status=WebhookDelivery.Status.FAILED, last_error=""),
        ),
    ]


def _named(kind: str, rows: QuerySet[Any]) -> list[str]:
    return [f"{kind} #{id}" for id in rows.values_list("id", flat=True)]


def duplicates(webhook_deliveries_received: Iterable[str] = ()) -> list[str]:
    """Rows (or webhook calls) there should be one of, found more than once: articles per
    URL, evidence per claim, source and provider, publications per review, webhook
    deliveries per event and subscription, and calls a receiver got per delivery id."""
    found = [
        f"{row['n']} articles for {row['url']}"
        for row in _repeated(Article.objects.exclude(url=""), "url")
    ]
    found += [
        f"{row['n']} articles canonically {row['canonical_url']}"
        for row in _repeated(Article.objects.exclude(canonical_url=""), "canonical_url")
    ]
    found += [
        f"{row['n']} pieces of evidence for claim #{row['claim']} from source #{row['source']}"
        f" by {row['provider']}"
        for row in _repeated(Evidence.objects.all(), "claim", "source", "provider")
    ]
    found += [
        f"{row['n']} publications of review #{row['review']}"
        for row in _repeated(
            PublishedCheck.objects.filter(change=PublishedCheck.Change.PUBLISHED), "review"
        )
    ]
    found += [
        f"{row['n']} deliveries of {row['event']} (version #{row['version']}) to subscription "
        f"#{row['subscription']}"
        for row in _repeated(WebhookDelivery.objects.all(), "subscription", "version", "event")
    ]
    found += [
        f"webhook delivery {delivery} received {times} times"
        for delivery, times in Counter(webhook_deliveries_received).items()
        if times > 1
    ]
    return found


def _repeated(rows: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    return list(rows.values(*fields).annotate(n=Count("id")).filter(n__gt=1))


def assert_every_job_ended_once(webhook_deliveries_received: Iterable[str] = ()) -> None:
    assert unfinished() == []
    assert failed_without_reason() == []
    assert duplicates(webhook_deliveries_received) == []
