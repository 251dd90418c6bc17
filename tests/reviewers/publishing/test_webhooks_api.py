"""Webhook subscriptions are managed through the API under the fetching rules; the secret
is shown once, when it is made, and the delivery log can be read."""

import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from reviewers.models import Review, WebhookDelivery, WebhookSubscription
from reviewers.publishing.webhooks import delivery_attempt
from tests.conftest import Receiver
from tests.token_clients import token_client, user_with

Publish = Callable[..., Review]
WEBHOOK_MANAGER = (
    "reviewers.view_webhooksubscription", "reviewers.add_webhooksubscription",
    "reviewers.change_webhooksubscription", "reviewers.delete_webhooksubscription",
    "reviewers.view_webhookdelivery",
)  # fmt: skip


@pytest.fixture
def manager(db: None) -> User:
    return user_with("partnerships", *WEBHOOK_MANAGER)


def test_secret_is_shown_once_at_creation(manager: User) -> None:
    client = token_client(manager)
    created = client.post(
        "/api/v1/webhooks/",
        {"url": "https://partner.example/hook", "events": ["check.published"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    subscription = WebhookSubscription.objects.get()
    assert body["secret"] == subscription.secret and len(body["secret"]) >= 40  # made for us
    assert body["events"] == ["check.published"] and body["active"] is True
    shown = json.dumps(
        [
            client.get(f"/api/v1/webhooks/{subscription.id}/").json(),
            client.get("/api/v1/webhooks/").json(),
        ]
    )
    assert subscription.secret not in shown and "secret" not in shown


def test_a_given_secret_is_kept_and_can_be_replaced_unseen(manager: User) -> None:
    client = token_client(manager)
    created = client.post(
        "/api/v1/webhooks/",
        {"url": "https://partner.example/hook", "events": ["check.corrected"], "secret": "s3"},
        format="json",
    ).json()
    assert created["secret"] == "s3"
    changed = client.patch(
        f"/api/v1/webhooks/{created['id']}/",
        {"secret": "rotated", "events": ["check.corrected", "check.retracted"], "active": False},
        format="json",
    )
    assert changed.status_code == 200 and "secret" not in changed.json()
    subscription = WebhookSubscription.objects.get()
    assert (subscription.secret, subscription.events, subscription.active) == (
        "rotated",
        ["check.corrected", "check.retracted"],
        False,
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("gopher://partner.example/", "Only http and https"),
        ("http://user:pw@partner.example/", "credentials"),
        ("http://partner.example:22/", "Port 22"),
    ],
)
def test_webhook_url_obeys_the_fetching_rules(manager: User, url: str, message: str) -> None:
    client = token_client(manager)
    response = client.post(
        "/api/v1/webhooks/", {"url": url, "events": ["check.published"]}, format="json"
    )
    assert response.status_code == 400 and message in str(response.json()["url"])
    kept = WebhookSubscription.objects.create(
        url="https://partner.example/hook", secret="s", events=["check.published"]
    )
    changed = client.patch(f"/api/v1/webhooks/{kept.id}/", {"url": url}, format="json")
    assert changed.status_code == 400 and message in str(changed.json()["url"])
    kept.refresh_from_db()
    assert kept.url == "https://partner.example/hook"
    assert WebhookSubscription.objects.count() == 1


def test_unknown_or_no_events_are_refused(manager: User) -> None:
    client = token_client(manager)
    for events in [[], ["check.deleted"]]:
        response = client.post(
            "/api/v1/webhooks/",
            {"url": "https://partner.example/hook", "events": events},
            format="json",
        )
        assert response.status_code == 400 and "events" in response.json()
    assert not WebhookSubscription.objects.exists()


def test_delivery_log_lists_what_was_sent(
    manager: User, receiver: Receiver, publish_check: Publish
) -> None:
    client = token_client(manager)
    secret = client.post(
        "/api/v1/webhooks/", {"url": receiver.url, "events": ["check.published"]}, format="json"
    ).json()["secret"]
    review = publish_check()
    delivery = WebhookDelivery.objects.get()
    delivery_attempt(delivery_id=delivery.id)
    [(headers, body)] = receiver.received
    signed = f"{headers['X-Factcheck-Timestamp']}.".encode() + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, "sha256").hexdigest()
    assert headers["X-Factcheck-Signature"] == expected  # the secret shown once is the one used
    [logged] = client.get("/api/v1/webhooks/deliveries/").json()["results"]
    assert (logged["id"], logged["event"], logged["check_id"], logged["version"]) == (
        delivery.id,
        "check.published",
        review.id,
        1,
    )
    assert (logged["status"], logged["attempts"], logged["response_status"]) == (
        "delivered",
        1,
        204,
    )
    assert client.get("/api/v1/webhooks/deliveries/?status=failed").json()["results"] == []
    assert client.get("/api/v1/webhooks/deliveries/?status=lost").status_code == 400


def test_deleting_a_subscription(manager: User) -> None:
    subscription = WebhookSubscription.objects.create(
        url="https://partner.example/hook", secret="s", events=["check.published"]
    )
    client = token_client(manager)
    assert client.delete(f"/api/v1/webhooks/{subscription.id}/").status_code == 204
    assert not WebhookSubscription.objects.exists()


def test_reviewer_cannot_manage_webhooks(reviewer: User, editor: User) -> None:
    subscription = WebhookSubscription.objects.create(
        url="https://partner.example/hook", secret="s", events=["check.published"]
    )
    for user in (reviewer, editor):
        client = token_client(user)
        hook: dict[str, Any] = {"url": "https://mine.example/", "events": ["check.published"]}
        assert client.post("/api/v1/webhooks/", hook, format="json").status_code == 403
        assert client.get("/api/v1/webhooks/").status_code == 403
        assert client.get(f"/api/v1/webhooks/{subscription.id}/").status_code == 403
        assert (
            client.patch(f"/api/v1/webhooks/{subscription.id}/", hook, format="json").status_code
            == 403
        )
        assert client.delete(f"/api/v1/webhooks/{subscription.id}/").status_code == 403
        assert client.get("/api/v1/webhooks/deliveries/").status_code == 403
    subscription.refresh_from_db()
    assert subscription.url == "https://partner.example/hook"


@pytest.mark.parametrize("url", ["http://10.0.0.1/hook", "http://[::ffff:127.0.0.1]/hook"])
def test_a_private_address_is_refused_when_subscribing(manager: User, url: str) -> None:
    answer = token_client(manager).post(
        "/api/v1/webhooks/", {"url": url, "events": ["check.published"]}, format="json"
    )

    assert answer.status_code == 400
    assert "may not be fetched" in answer.json()["url"][0]
    assert not WebhookSubscription.objects.exists()
