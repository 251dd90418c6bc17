"""Celery tasks of the reviewers app: thin wrappers that take ids and call one service."""

from celery import shared_task
from django.db import DatabaseError

from . import webhooks

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "max_retries": 5}


@shared_task(acks_late=True, **RETRY)
def deliver_webhook(delivery_id: int) -> None:
    retry_in = webhooks.delivery_attempt(delivery_id=delivery_id)
    if retry_in is not None:
        deliver_webhook.apply_async((delivery_id,), countdown=retry_in)


@shared_task
def requeue_webhook_deliveries() -> None:
    webhooks.deliveries_requeue()
