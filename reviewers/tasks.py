"""Celery tasks of the reviewers app: thin wrappers that take ids and call one service,
imported inside their bodies (the service enqueues these tasks)."""

from celery import shared_task

from factcheck.limits import QUICK, RETRY


@shared_task(acks_late=True, **QUICK, **RETRY)
def deliver_webhook(delivery_id: int) -> None:
    from reviewers.publishing.webhooks import delivery_attempt

    retry_in = delivery_attempt(delivery_id=delivery_id)
    if retry_in is not None:
        deliver_webhook.apply_async((delivery_id,), countdown=retry_in)


@shared_task(**QUICK)
def requeue_webhook_deliveries() -> None:
    from reviewers.publishing.webhooks import deliveries_requeue

    deliveries_requeue()
