"""Signed webhooks: partners are told when a check is published, corrected or retracted.

Each new version gets one delivery row per interested subscription, in the transaction
that froze the version; the task that sends it is enqueued after commit. A delivery is
claimed with a conditional UPDATE, so two workers never send it at once, and a sweep
re-enqueues whatever is due, so a lost message delays a delivery but never loses it.
Delivery is at least once: receivers tell repeats apart by the X-Factcheck-Delivery id.
"""

import hashlib
import hmac
import json
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from claims.ingestion.fetching import FetchError, check_url, post
from factcheck.limits import STUCK_AFTER
from reviewers.models import PublishedCheck, WebhookDelivery, WebhookSubscription
from reviewers.tasks import deliver_webhook

Event = WebhookSubscription.Event
Status = WebhookDelivery.Status
EVENTS = {
    PublishedCheck.Change.PUBLISHED: Event.PUBLISHED,
    PublishedCheck.Change.CORRECTED: Event.CORRECTED,
    PublishedCheck.Change.RETRACTED: Event.RETRACTED,
}
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30  # then doubling: 30 s, 1 min, 2 min, … about an hour in all
LEASE = STUCK_AFTER  # longer than an attempt may run: past it, the sweep retries it
PAYLOAD_FIELDS = [
    "version", "change", "note", "claim_text", "claimant", "rating_label", "rating_value",
    "headline", "appearance_url", "language", "tags", "published_at", "modified_at",
    "claim_review",
]  # fmt: skip


def webhook_subscribe(
    *, url: str, secret: str, events: Iterable[str], active: bool = True
) -> WebhookSubscription:
    """Subscribe a URL to some events; the URL must be one that fetching may reach."""
    subscription = WebhookSubscription(
        url=deliverable_url(url), secret=secret, events=known_events(events), active=active
    )
    subscription.full_clean()
    subscription.save()
    return subscription


def deliverable_url(url: str) -> str:
    """Return the URL if fetching's address rules allow delivering to it, or refuse it."""
    try:
        check_url(url)
    except FetchError as error:
        raise ValidationError({"url": str(error)}) from None
    return url


def known_events(events: Iterable[str]) -> list[str]:
    """Return the events, sorted and once each, if there are some and all are known."""
    chosen = sorted(set(events))
    if not chosen or not set(chosen) <= set(Event.values):
        raise ValidationError({"events": f"Choose among {', '.join(Event.values)}."})
    return chosen


def deliveries_create(*, check: PublishedCheck) -> list[WebhookDelivery]:
    """Record the deliveries of a new version and send them once the transaction commits."""
    event = EVENTS[PublishedCheck.Change(check.change)]
    body = json.dumps({"event": event, "id": check.review_id, "check": _payload(check)})
    subscriptions = WebhookSubscription.objects.filter(active=True)
    deliveries = [
        WebhookDelivery.objects.create(
            subscription=subscription,
            version=check,
            event=event,
            body=body,
            next_attempt_at=timezone.now(),
        )
        for subscription in subscriptions
        if event in subscription.events
    ]
    for delivery in deliveries:
        deliver_webhook.delay_on_commit(delivery.id)
    return deliveries


def delivery_attempt(*, delivery_id: int) -> int | None:
    """Send a due delivery once; return the seconds until the next try, or None if done."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        id=delivery_id, status=Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return None  # delivered, given up, not due yet, or another worker has it
    delivery = WebhookDelivery.objects.select_related("subscription").get(id=delivery_id)
    body = delivery.body.encode()
    try:
        status = post(delivery.subscription.url, body=body, headers=_headers(delivery, body))
    except FetchError as error:
        return _failed(delivery, str(error), retry=error.transient)
    if 200 <= status < 300:
        WebhookDelivery.objects.filter(id=delivery.id).update(
            status=Status.DELIVERED, delivered_at=timezone.now(), response_status=status
        )
        return None
    return _failed(delivery, f"The receiver answered HTTP {status}.", response_status=status)


def deliveries_requeue() -> int:
    """Enqueue every pending delivery that is due: lost messages, retries, killed workers."""
    due = WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
    ids = list(due.values_list("id", flat=True)[:1000])
    for delivery_id in ids:
        deliver_webhook.delay(delivery_id)
    return len(ids)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the X-Factcheck-Signature of a body: HMAC-SHA256 over "<timestamp>.<body>"."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _headers(delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    timestamp = int(time.time())
    return {
        "Content-Type": "application/json",
        "X-Factcheck-Event": delivery.event,
        "X-Factcheck-Delivery": str(delivery.id),
        "X-Factcheck-Timestamp": str(timestamp),
        "X-Factcheck-Signature": signature(delivery.subscription.secret, timestamp, body),
    }


def _failed(
    delivery: WebhookDelivery, error: str, *, retry: bool = True, response_status: int | None = None
) -> int | None:
    rows = WebhookDelivery.objects.filter(id=delivery.id)
    if retry and delivery.attempts < MAX_ATTEMPTS:
        delay = FIRST_RETRY_SECONDS << (delivery.attempts - 1)
        rows.update(
            last_error=error,
            response_status=response_status,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        )
        return delay
    rows.update(status=Status.FAILED, last_error=error, response_status=response_status)
    return None


def _payload(check: PublishedCheck) -> dict[str, Any]:
    payload = {field: getattr(check, field) for field in PAYLOAD_FIELDS}
    payload["published_at"] = check.published_at.isoformat()
    payload["modified_at"] = check.modified_at.isoformat()
    return payload
