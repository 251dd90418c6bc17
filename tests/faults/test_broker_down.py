"""With the broker down, an action that committed is answered as a success: its follow-up
work is visible in the database, and the sweep sends it once the broker is back."""

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError

from claims.extraction.services import claim_accept
from claims.models import Article, Claim, ProviderJob
from claims.sweep import stuck_work_requeue
from factcheck.celery import unsent_messages_send
from factcheck.limits import STUCK_AFTER
from factcheck.models import UnsentMessage
from reviewers.catalog import webhook_subscription_create
from reviewers.models import PublishedCheck, Rating, Review, WebhookDelivery
from reviewers.services import review_approve, review_draft, review_submit

# No transaction around the test: as in production, each service commits, and the message
# is sent right after, inside the request.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_submitting_an_article_answers_202_and_leaves_it_queued(
    editor: User, client_for: Any, broker_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="factcheck.celery"):
        response = client_for(editor).post("/api/v1/articles/", {"url": "https://news.example/a"})
    assert response.status_code == 202
    article = Article.objects.get(url="https://news.example/a")
    assert article.status == Article.Status.QUEUED
    assert "ingest_article not sent" in caplog.text
    kept = UnsentMessage.objects.get()
    assert (kept.task, kept.args) == ("claims.tasks.ingest_article", [article.id])
    again = client_for(editor).post("/api/v1/articles/", {"url": "https://news.example/a"})
    assert again.status_code == 200
    assert again.json()["id"] == article.id


def test_a_message_the_broker_refused_waits_until_it_takes_it(broker_down: None) -> None:
    kept = UnsentMessage.objects.create(task="claims.tasks.poll_due_feeds")
    with pytest.raises(OperationalError):
        unsent_messages_send()
    assert list(UnsentMessage.objects.all()) == [kept]


def test_the_sweep_sends_the_messages_the_broker_refused_first(db: None) -> None:
    UnsentMessage.objects.create(task="claims.tasks.poll_due_feeds")
    assert stuck_work_requeue() == 1
    assert not UnsentMessage.objects.exists()


def test_the_sweep_sends_a_queued_article_again_within_a_minute(
    editor: User, client_for: Any, broker_down: None
) -> None:
    client_for(editor).post("/api/v1/articles/", {"url": "https://news.example/a"})
    UnsentMessage.objects.all().delete()  # as if the web process died before keeping it
    assert timedelta(seconds=60) > STUCK_AFTER
    assert stuck_work_requeue() == 0  # just submitted: its message may still be on its way
    waited = timezone.now() - STUCK_AFTER - timedelta(seconds=1)
    Article.objects.update(status_changed_at=waited)
    assert stuck_work_requeue() == 1
    assert Article.objects.get().status_changed_at > waited  # the next sweep waits again


def test_accepting_a_claim_answers_200_and_its_gathering_waits_queued(
    editor: User, client_for: Any, make_article: Any, broker_down: None
) -> None:
    article = make_article("The bridge cost 400 million dollars, a post claims.")
    candidate = Claim.objects.create(article=article, text=article.text, checkworthiness=0.7)
    response = client_for(editor).post(f"/api/v1/claims/{candidate.id}/accept/")
    assert response.status_code == 200
    candidate.refresh_from_db()
    assert candidate.status == Claim.Status.ACCEPTED
    assert candidate.gathering == Claim.Gathering.PENDING
    assert {job.status for job in ProviderJob.objects.filter(run__claim=candidate)} == {
        ProviderJob.Status.QUEUED
    }


def test_publishing_answers_201_once_and_its_webhook_waits_pending(
    editor: User,
    reviewer: User,
    chief_editor: User,
    site_admin: User,
    client_for: Any,
    make_article: Any,
    make_evidence: Any,
    broker_down: None,
) -> None:
    webhook_subscription_create(
        user=site_admin, url="https://partner.example/hook", events=["check.published"]
    )
    review = _approved_review(make_article, make_evidence, editor, reviewer, chief_editor)
    response = client_for(chief_editor).post(f"/api/v1/reviews/{review.id}/publish/")
    assert response.status_code == 201
    assert PublishedCheck.objects.filter(review=review).count() == 1
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING


def _approved_review(
    make_article: Any, make_evidence: Any, editor: User, reviewer: User, chief_editor: User
) -> Review:
    article = make_article("The bridge cost 400 million dollars, a post claims.")
    claim = Claim.objects.create(article=article, text=article.text, checkworthiness=0.7)
    claim_accept(claim=claim, user=editor)
    review = review_draft(
        claim=claim,
        author=reviewer,
        rating=Rating.objects.get(label="False"),
        headline="The bridge cost 212 million dollars",
        justification="The council's accounts say otherwise.",
        tags=[],
        cited_evidence=[make_evidence(claim)],
    )
    review_submit(review=review, actor=reviewer)
    review_approve(review=review, approver=chief_editor)
    return review


def test_readiness_says_the_broker_is_down_while_liveness_still_answers(
    broker_down: None,
) -> None:
    ready = Client().get("/health/ready")
    assert ready.status_code == 503
    assert "broker" in ready.json()["failed"]
    assert ready.json()["checks"]["database"]["ok"] is True
    assert Client().get("/health/live").status_code == 200
