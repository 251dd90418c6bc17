"""A real Celery worker delivers the signed webhook of a published check once the
publication commits."""

import json
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from claims.models import Claim, Evidence
from reviewers.models import Rating, WebhookDelivery
from reviewers.publishing.webhooks import signature, webhook_subscribe
from reviewers.services import review_approve, review_draft, review_publish, review_submit
from tests.conftest import Receiver, Worker, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_worker_delivers_the_signed_event_after_publication(
    celery_worker: Worker,
    receiver: Receiver,
    accepted_claim: Claim,
    reviewer: User,
    chief_editor: User,
    make_evidence: Callable[..., Evidence],
) -> None:
    webhook_subscribe(url=receiver.url, secret="partner-secret", events=["check.published"])
    review = review_draft(
        claim=accepted_claim,
        author=reviewer,
        rating=Rating.objects.get(label="False"),
        headline="Not 400 million",
        justification="The final accounts say 212 million.",
        cited_evidence=[make_evidence(accepted_claim)],
    )
    review_submit(review=review, actor=reviewer)
    review_approve(review=review, approver=chief_editor)
    review_publish(review=review, publisher=chief_editor)

    wait_until(lambda: bool(receiver.received), what="the webhook", worker=celery_worker)
    [(headers, body)] = receiver.received
    timestamp = int(headers["X-Factcheck-Timestamp"])
    assert headers["X-Factcheck-Signature"] == signature("partner-secret", timestamp, body)
    assert json.loads(body)["check"]["headline"] == "Not 400 million"
    wait_until(
        lambda: WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED,
        what="the delivery to be logged",
        worker=celery_worker,
    )
