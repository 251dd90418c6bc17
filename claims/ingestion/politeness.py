"""Politeness: each host is fetched at most once per FETCH_HOST_INTERVAL_SECONDS, counted
across all workers, so that parallel gathering never hammers one site."""

import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.models import HostSlot


def wait_turn(url: str) -> None:
    """Reserve the next free slot of the URL's host, then sleep until it comes."""
    interval = timedelta(seconds=settings.FETCH_HOST_INTERVAL_SECONDS)
    if not interval:
        return
    host = (urlsplit(url).hostname or "").lower()
    start = _reserve(host, interval)
    time.sleep(max(0.0, (start - timezone.now()).total_seconds()))


def _reserve(host: str, interval: timedelta) -> datetime:
    for _ in range(2):  # a second pass if another worker created the host's row meanwhile
        now = timezone.now()
        try:
            with transaction.atomic():
                slot = HostSlot.objects.select_for_update().filter(host=host).first()
                if slot is None:
                    HostSlot.objects.create(host=host, next_at=now + interval)
                    return now
                start = max(now, slot.next_at)
                slot.next_at = start + interval
                slot.save(update_fields=["next_at"])
                return start
        except IntegrityError:
            continue
    return timezone.now()
