"""Scenario 8: the same task message delivered twice, for every task, changes nothing: the
work is done once, nothing is stored, fetched, posted or mailed twice.

The broker sends a message twice when a publish is repeated after a lost confirmation, or
when a message held too long is handed out again. Both copies carry the same task id, and
a worker of two processes usually runs them at the same moment, the harder case. Every
task's pair is sent at once, in one test: the sweeps among them send some work a third
time, which must change nothing either.

Every task of our apps must have its case below: a new task without one fails
`test_every_task_has_a_duplicate_delivery_case`.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from claims.matching.services import claim_headline_index
from claims.models import (
    Article,
    Claim,
    ClaimMatch,
    Evidence,
    Feed,
    FeedEntry,
    GatheringRun,
    MatchEntry,
    ProviderJob,
    Snapshot,
    Tip,
)
from claims.tips.services import tip_group_claim, tip_submit
from factcheck.celery import app as celery_app
from reviewers.models import PublishedCheck, Rating, Review, WebhookDelivery
from reviewers.publishing.webhooks import webhook_subscribe
from reviewers.services import review_approve, review_draft, review_publish, review_submit
from tests.claims.matches import another_review
from tests.conftest import Receiver, Worker, _worker_idle, wait_until
from tests.faults import ledger
from tests.faults.sites import Site, site
from tests.faults.workers import record_recovery
from tests.reviewers.conftest import publish_check

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
__all__ = ["publish_check", "site"]

OUR_APPS = ("claims.", "reviewers.", "newsroom.", "factcheck.")


@dataclass
class World:
    """What a case may use: the local site, a webhook receiver, the cast, the worker."""

    site: Site
    receiver: Receiver
    editor: User
    reviewer: User
    chief_editor: User
    make_article: Callable[..., Article]
    make_evidence: Callable[..., Evidence]
    publish_check: Callable[..., Review]
    worker: Worker
    number: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    def settle(self) -> None:
        """Wait until the worker has done what setting the case up sent it."""
        wait_until(_worker_idle, what="the worker to be idle", worker=self.worker)


@dataclass
class Case:
    """The message (its arguments), when its work is done, and what must hold then."""

    args: tuple[Any, ...]
    done: Callable[[], bool]
    check: Callable[[], None]


# The cases: one per task, setting up the state its message finds, without sending it.


def ingest_article(world: World) -> Case:
    path = f"/dup/{world.number}/article"
    article = Article.objects.create(url=world.site.url(path))

    def check() -> None:
        article.refresh_from_db()
        assert (article.status, article.attempts) == (Article.Status.EXTRACTED, 1)
        assert world.site.requests[path] == 1
        assert Snapshot.objects.filter(article=article).count() == 1

    return Case((article.id,), lambda: _article_ended(article), check)


def propose_claims(world: World) -> Case:
    article = world.make_article(
        "The minister said on Monday that unemployment fell to 4 percent last year. "
        "Critics say the hospital treated 12 thousand patients in 2023, twice as many as in 2019."
    )

    def check() -> None:
        spans = list(article.claims.values_list("span_start", "span_end"))
        assert spans and len(spans) == len(set(spans))

    return Case(
        (article.id,),
        lambda: Article.objects.get(id=article.id).candidates_proposed_at is not None,
        check,
    )


def gather_from_provider(world: World) -> Case:
    path = f"/dup/{world.number}/source"
    claim = _accepted_claim_linking(world, path)
    run = GatheringRun.objects.create(claim=claim, providers_total=1)
    job = ProviderJob.objects.create(run=run, provider="links")

    def check() -> None:
        job.refresh_from_db()
        assert (job.status, job.attempts) == (ProviderJob.Status.DONE, 1)
        assert world.site.requests[path] == 1
        assert Evidence.objects.filter(claim=claim).count() == 1

    return Case((job.id,), lambda: _job_ended(job), check)


def requeue_stuck_work(world: World) -> Case:
    path = f"/dup/{world.number}/stuck"
    article = Article.objects.create(url=world.site.url(path))
    Article.objects.filter(id=article.id).update(
        status_changed_at=timezone.now() - timedelta(hours=1)
    )

    def check() -> None:
        article.refresh_from_db()
        assert (article.status, article.attempts) == (Article.Status.EXTRACTED, 1)
        assert world.site.requests[path] == 1

    return Case((), lambda: _article_ended(article), check)


def poll_feed(world: World) -> Case:
    feed, links = _feed(world, "polled")

    def check() -> None:
        assert FeedEntry.objects.filter(feed=feed).count() == len(links)
        assert [world.site.requests[link] for link in links] == [1] * len(links)

    return Case((feed.id,), lambda: _feed_taken_in(feed, links), check)


def poll_due_feeds(world: World) -> Case:
    feed, links = _feed(world, "due")

    def check() -> None:
        assert world.site.requests[f"/dup/{world.number}/due/feed.xml"] == 1  # one poll
        assert FeedEntry.objects.filter(feed=feed).count() == len(links)

    return Case((), lambda: _feed_taken_in(feed, links), check)


def match_claim(world: World) -> Case:
    world.publish_check("The Harbour Street bridge cost 400 million dollars.")
    world.settle()
    article = world.make_article("A post says the Harbour Street bridge cost 400 million dollars.")
    claim = _accepted(world, article, matching=Claim.Matching.PENDING)

    def check() -> None:
        assert MatchEntry.objects.filter(claim=claim).count() == 1
        pairs = list(ClaimMatch.objects.filter(claim=claim).values_list("matched_claim", "rank"))
        assert pairs and len({pair[0] for pair in pairs}) == len(pairs)
        assert sorted(rank for _, rank in pairs) == list(range(1, len(pairs) + 1))

    return Case(
        (claim.id,),
        lambda: Claim.objects.get(id=claim.id).matching != Claim.Matching.PENDING,
        check,
    )


def index_external_reviews(world: World) -> Case:
    reviews = [
        another_review("Checkers", f"https://checkers.example/{world.number}/{n}") for n in range(2)
    ]
    world.settle()  # the sweep may have found them meanwhile
    MatchEntry.objects.filter(external__in=reviews).delete()

    def check() -> None:
        assert MatchEntry.objects.filter(external__in=reviews).count() == len(reviews)

    return Case(
        ([review.id for review in reviews],),
        lambda: MatchEntry.objects.filter(external__in=reviews).count() >= len(reviews),
        check,
    )


def refresh_match_headline(world: World) -> Case:
    claim = _published_and_matched(world)
    MatchEntry.objects.filter(claim=claim).update(headline="")  # its refresh was lost

    def check() -> None:
        assert list(MatchEntry.objects.filter(claim=claim).values_list("headline", flat=True)) == [
            _headline(claim)
        ]

    return Case(
        (claim.id,),
        lambda: MatchEntry.objects.filter(claim=claim, headline=_headline(claim)).exists(),
        check,
    )


def refresh_stale_match_entries(world: World) -> Case:
    claim = _published_and_matched(world)
    MatchEntry.objects.filter(claim=claim).update(model_name="an-earlier-model")

    def check() -> None:
        entries = MatchEntry.objects.filter(claim=claim)
        assert entries.count() == 1
        assert not MatchEntry.objects.filter(model_name="an-earlier-model").exists()

    return Case(
        (),
        lambda: (
            not MatchEntry.objects.filter(claim=claim, model_name="an-earlier-model").exists()
            and MatchEntry.objects.filter(claim=claim).exists()
        ),
        check,
    )


def group_tip(world: World) -> Case:
    tip = Tip.objects.create(text=f"Was the zoo of Riverton shut for 40 days? ({world.number})")

    def check() -> None:
        tip.refresh_from_db()
        assert tip.group is not None and tip.group.count == 1

    return Case(
        (tip.id,),
        lambda: Tip.objects.get(id=tip.id).grouping != Tip.Grouping.PENDING,
        check,
    )


def notify_tip_readers(world: World) -> Case:
    tip, claim = _told_reader(world)
    address = f"reader-{world.number}@example.org"
    Tip.objects.filter(id=tip.id).update(notified_at=None, contact=address)  # news not yet sent

    def check() -> None:
        assert world.worker.log.read_text(errors="replace").count(f"To: {address}") == 1

    return Case(
        (claim.id,),
        lambda: Tip.objects.get(id=tip.id).contact == "",
        check,
    )


def deliver_webhook(world: World) -> Case:
    delivery = _pending_delivery(world)

    def check() -> None:
        assert _received(world, delivery) == 1
        delivery.refresh_from_db()
        assert delivery.status == WebhookDelivery.Status.DELIVERED

    return Case((delivery.id,), lambda: _delivered(delivery), check)


def requeue_webhook_deliveries(world: World) -> Case:
    delivery = _pending_delivery(world)
    return Case((), lambda: _delivered(delivery), lambda: _assert_once(world, delivery))


CASES: dict[str, Callable[[World], Case]] = {
    "claims.tasks.ingest_article": ingest_article,
    "claims.tasks.propose_claims": propose_claims,
    "claims.tasks.gather_from_provider": gather_from_provider,
    "claims.tasks.requeue_stuck_work": requeue_stuck_work,
    "claims.tasks.poll_feed": poll_feed,
    "claims.tasks.poll_due_feeds": poll_due_feeds,
    "claims.tasks.match_claim": match_claim,
    "claims.tasks.index_external_reviews": index_external_reviews,
    "claims.tasks.refresh_match_headline": refresh_match_headline,
    "claims.tasks.refresh_stale_match_entries": refresh_stale_match_entries,
    "claims.tasks.group_tip": group_tip,
    "claims.tasks.notify_tip_readers": notify_tip_readers,
    "reviewers.tasks.deliver_webhook": deliver_webhook,
    "reviewers.tasks.requeue_webhook_deliveries": requeue_webhook_deliveries,
}


def test_every_task_has_a_duplicate_delivery_case() -> None:
    celery_app.loader.import_default_modules()
    ours = {name for name in celery_app.tasks if name.startswith(OUR_APPS)}
    assert ours == set(CASES)


@pytest.fixture
def world(
    celery_worker: Worker,
    site: Site,
    receiver: Receiver,
    editor: User,
    reviewer: User,
    chief_editor: User,
    make_article: Callable[..., Article],
    make_evidence: Callable[..., Evidence],
    publish_check: Callable[..., Review],
    settings: Any,
) -> World:
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1:*"]  # the site and the receiver
    return World(
        site, receiver, editor, reviewer, chief_editor, make_article, make_evidence,
        publish_check, celery_worker,
    )  # fmt: skip


def test_every_task_delivered_twice_does_its_work_once(
    world: World, request: pytest.FixtureRequest
) -> None:
    world.settle()
    cases = {name: make(world) for name, make in CASES.items()}
    world.settle()
    began = time.monotonic()
    for name, case in cases.items():
        message_id = str(uuid.uuid4())
        for _ in range(2):  # the two copies one after the other, as a broker repeats one
            celery_app.tasks[name].apply_async(case.args, task_id=message_id)
    for name, case in cases.items():
        wait_until(case.done, what=f"{name} to do its work", worker=world.worker)
    world.settle()
    took = time.monotonic() - began
    failures = {name: _failure(case.check) for name, case in cases.items()}
    assert {name: failure for name, failure in failures.items() if failure} == {}
    ledger.assert_every_job_ended_once(_receipts(world))
    record_recovery(
        request, "8 every task's message delivered twice",
        {"tasks": len(cases), "all done after": took},
    )  # fmt: skip


def _failure(check: Callable[[], None]) -> str:
    try:
        check()
    except AssertionError as error:
        return str(error) or "assertion failed"
    return ""


# Helpers of the cases.


def _article_ended(article: Article) -> bool:
    return Article.objects.get(id=article.id).status in (
        Article.Status.EXTRACTED,
        Article.Status.FAILED,
    )


def _job_ended(job: ProviderJob) -> bool:
    return ProviderJob.objects.get(id=job.id).status in ProviderJob.TERMINAL


def _accepted_claim_linking(world: World, path: str) -> Claim:
    article = world.make_article(
        f"A post claims the new bridge {world.number} cost 400 million dollars.",
        links=[{"url": world.site.url(path), "text": "the accounts"}],
    )
    return _accepted(world, article)


def _accepted(world: World, article: Article, **fields: Any) -> Claim:
    """An accepted claim, stored as accepting leaves it, but with no message sent."""
    return Claim.objects.create(
        article=article,
        text=article.text,
        status=Claim.Status.ACCEPTED,
        accepted_by=world.editor,
        accepted_at=timezone.now(),
        **fields,
    )


def _feed(world: World, name: str) -> tuple[Feed, list[str]]:
    links = [f"/dup/{world.number}/{name}/item-{n}" for n in range(2)]
    items = "".join(
        f"<item><guid>{link}</guid><link>{world.site.url(link)}</link><title>{link}</title></item>"
        for link in links
    )
    path = f"/dup/{world.number}/{name}/feed.xml"
    world.site.pages[path] = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}'
        "</channel></rss>"
    ).encode()
    world.site.types[path] = "application/rss+xml"
    return Feed.objects.create(url=world.site.url(path)), links


def _feed_taken_in(feed: Feed, links: list[str]) -> bool:
    entries = FeedEntry.objects.filter(feed=feed)
    return entries.count() == len(links) and all(
        _article_ended(entry.article) for entry in entries if entry.article
    )


def _published_and_matched(world: World) -> Claim:
    review = world.publish_check()
    world.settle()  # matched
    claim = review.claim
    # Matched as it was published, its entry may lack the headline (on SQLite, which locks
    # no rows); the sweep gives it then, as here.
    claim_headline_index(claim_id=claim.id)
    assert MatchEntry.objects.filter(claim=claim, headline=_headline(claim)).exists()
    return claim


def _headline(claim: Claim) -> str:
    return PublishedCheck.objects.get(review__claim=claim, is_current=True).headline


def _told_reader(world: World) -> tuple[Tip, Claim]:
    """A tip grouped, its group made a claim, the claim's check published, the reader told."""
    text = f"Riverton's ferry fares doubled in January for everyone over sixty ({world.number})."
    tip = tip_submit(text=text, contact="first@example.org").tip
    world.settle()
    tip.refresh_from_db()
    assert tip.group is not None
    claim = tip_group_claim(group=tip.group, user=world.editor)
    review = review_draft(
        claim=claim,
        author=world.reviewer,
        rating=Rating.objects.get(label="False"),
        headline="No, ferry fares did not double",
        justification="The operator's price list.",
        cited_evidence=[world.make_evidence(claim)],
    )
    review_submit(review=review, actor=world.reviewer)
    review_approve(review=review, approver=world.chief_editor)
    review_publish(review=review, publisher=world.chief_editor)
    world.settle()
    return tip, claim


def _pending_delivery(world: World) -> WebhookDelivery:
    version = PublishedCheck.objects.get(review=world.publish_check(), is_current=True)
    world.settle()
    subscription = webhook_subscribe(
        url=world.receiver.url, secret="partner-secret", events=["check.published"]
    )
    return WebhookDelivery.objects.create(
        subscription=subscription,
        version=version,
        event="check.published",
        body='{"event": "check.published"}',
        next_attempt_at=timezone.now(),
    )


def _delivered(delivery: WebhookDelivery) -> bool:
    return WebhookDelivery.objects.get(id=delivery.id).status != WebhookDelivery.Status.PENDING


def _received(world: World, delivery: WebhookDelivery) -> int:
    return _receipts(world).count(str(delivery.id))


def _receipts(world: World) -> list[str]:
    return [headers["X-Factcheck-Delivery"] for headers, _ in world.receiver.received]


def _assert_once(world: World, delivery: WebhookDelivery) -> None:
    assert _received(world, delivery) == 1
