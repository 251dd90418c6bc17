"""Partners subscribed to webhooks are told, with a signed request, when a check is
published, corrected or retracted; failed deliveries are retried with backoff, and
delivery URLs obey the same address rules as fetching."""

import json
import socket
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from reviewers.models import Review, WebhookDelivery, WebhookSubscription
from reviewers.publishing.webhooks import (
    MAX_ATTEMPTS,
    deliveries_requeue,
    delivery_attempt,
    signature,
    webhook_subscribe,
)
from reviewers.services import review_correct, review_retract
from reviewers.tasks import deliver_webhook
from tests.conftest import Receiver

Publish = Callable[..., Review]
ALL_EVENTS = ["check.published", "check.corrected", "check.retracted"]


@pytest.fixture
def no_connections_beyond_loopback(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    attempts: list[Any] = []
    connect = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> None:
        attempts.append(address)
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1"):
            raise ConnectionRefusedError(f"Test guard: no connecting to {address[0]}.")
        connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return attempts


def send_all() -> None:
    for delivery_id in WebhookDelivery.objects.order_by("id").values_list("id", flat=True):
        delivery_attempt(delivery_id=delivery_id)


def test_publishing_sends_a_signed_event_after_commit(
    publish_check: Publish, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    webhook_subscribe(url=receiver.url, secret="s3cret", events=ALL_EVENTS)
    with django_capture_on_commit_callbacks() as callbacks:
        review = publish_check()
    # The delivery task is enqueued only once the version is committed.
    enqueued = [c for c in callbacks if getattr(c.func, "__self__", None) == deliver_webhook]
    assert len(enqueued) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.status) == ("check.published", "pending")
    assert receiver.received == []

    assert delivery_attempt(delivery_id=delivery.id) is None
    [(headers, body)] = receiver.received
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Factcheck-Event"] == "check.published"
    assert headers["X-Factcheck-Delivery"] == str(delivery.id)
    timestamp = int(headers["X-Factcheck-Timestamp"])
    assert headers["X-Factcheck-Signature"] == signature("s3cret", timestamp, body)
    assert headers["X-Factcheck-Signature"] != signature("other", timestamp, body)
    payload = json.loads(body)
    assert payload["event"] == "check.published" and payload["id"] == review.id
    assert payload["check"]["claim_review"]["@type"] == "ClaimReview"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 204)
    assert delivery.delivered_at is not None
    assert delivery_attempt(delivery_id=delivery.id) is None  # a redelivered task sends nothing
    assert len(receiver.received) == 1


def test_only_subscribed_events_are_sent(
    publish_check: Publish, receiver: Receiver, chief_editor: User
) -> None:
    webhook_subscribe(url=receiver.url, secret="a", events=["check.corrected"])
    webhook_subscribe(url=receiver.url, secret="b", events=["check.retracted"])
    review = publish_check()
    assert not WebhookDelivery.objects.exists()
    review_correct(review=review, corrector=chief_editor, note="Fixed a figure.")
    review_retract(review=review, retractor=chief_editor, reason="Wrong claim.")
    events = WebhookDelivery.objects.order_by("id").values_list("event", "subscription__secret")
    assert list(events) == [("check.corrected", "a"), ("check.retracted", "b")]
    send_all()
    assert [json.loads(body)["event"] for _, body in receiver.received] == [
        "check.corrected",
        "check.retracted",
    ]


def test_failed_delivery_is_retried_with_backoff(
    publish_check: Publish, receiver: Receiver
) -> None:
    webhook_subscribe(url=receiver.url, secret="s", events=ALL_EVENTS)
    publish_check()
    delivery = WebhookDelivery.objects.get()
    receiver.statuses = [500, 503]
    assert delivery_attempt(delivery_id=delivery.id) == 30
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
    assert "HTTP 500" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=25)
    assert delivery_attempt(delivery_id=delivery.id) is None  # not due yet: nothing sent
    assert len(receiver.received) == 1

    def make_due() -> None:
        WebhookDelivery.objects.filter(id=delivery.id).update(next_attempt_at=timezone.now())

    make_due()
    assert delivery_attempt(delivery_id=delivery.id) == 60
    make_due()
    assert delivery_attempt(delivery_id=delivery.id) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)


def test_delivery_gives_up_after_the_last_attempt(
    publish_check: Publish, receiver: Receiver
) -> None:
    webhook_subscribe(url=receiver.url, secret="s", events=ALL_EVENTS)
    publish_check()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(id=delivery.id).update(attempts=MAX_ATTEMPTS - 1)
    receiver.statuses = [500]
    assert delivery_attempt(delivery_id=delivery.id) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)


def test_sweep_requeues_due_deliveries(
    publish_check: Publish, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewers import tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", sent.append)
    webhook_subscribe(url=receiver.url, secret="s", events=ALL_EVENTS)
    publish_check()
    delivery = WebhookDelivery.objects.get()
    assert deliveries_requeue() == 1 and sent == [delivery.id]
    WebhookDelivery.objects.filter(id=delivery.id).update(
        status="delivered", delivered_at=timezone.now()
    )
    assert deliveries_requeue() == 0


def test_private_address_is_refused_without_connecting(
    publish_check: Publish, settings: Any, no_connections_beyond_loopback: list[Any]
) -> None:
    settings.FETCH_ALLOWED_HOSTS = []
    # Stored directly, as if the address had been allowed when it was subscribed.
    WebhookSubscription.objects.create(url="http://10.0.0.1/hook", secret="s", events=ALL_EVENTS)
    publish_check()
    delivery = WebhookDelivery.objects.get()
    assert delivery_attempt(delivery_id=delivery.id) is None
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "may not be fetched" in delivery.last_error
    assert no_connections_beyond_loopback == []


@pytest.mark.parametrize(
    "url",
    ["ftp://partner.example/hook", "http://user:pw@partner.example/", "http://partner.example:22/"],
)
def test_subscribing_applies_the_fetching_rules(url: str, db: None) -> None:
    with pytest.raises(ValidationError):
        webhook_subscribe(url=url, secret="s", events=ALL_EVENTS)


def test_subscribing_needs_known_events(db: None) -> None:
    with pytest.raises(ValidationError, match="events"):
        webhook_subscribe(url="https://partner.example/hook", secret="s", events=["check.deleted"])


def test_delivery_log_in_the_admin(
    publish_check: Publish, receiver: Receiver, admin_user: User
) -> None:
    client = Client()
    client.force_login(admin_user)
    added = client.post(
        "/admin/reviewers/webhooksubscription/add/",
        {"url": receiver.url, "secret": "s", "events": ["check.published"], "active": "on"},
    )
    assert added.status_code == 302, added.content
    refused = client.post(
        "/admin/reviewers/webhooksubscription/add/",
        {"url": "gopher://partner.example/", "secret": "s", "events": ["check.published"]},
    )
    assert refused.status_code == 200 and WebhookSubscription.objects.count() == 1
    publish_check()
    send_all()
    subscription = WebhookSubscription.objects.get()
    delivery = WebhookDelivery.objects.get()
    for path in [
        "/admin/reviewers/webhooksubscription/",
        f"/admin/reviewers/webhooksubscription/{subscription.id}/change/",
        "/admin/reviewers/webhookdelivery/",
        f"/admin/reviewers/webhookdelivery/{delivery.id}/change/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert b"delivered" in client.get("/admin/reviewers/webhookdelivery/").content
