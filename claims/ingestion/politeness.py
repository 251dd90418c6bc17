"""Politeness: each host is fetched at most once per FETCH_HOST_INTERVAL_SECONDS, counted
across all workers, so that parallel gathering never hammers one site."""

import time
from collections.abc import Collection
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.models import HostSlot


def wait_turn(url: str) -> None:
    """Reserve the next free slot of the URL's host, then sleep until it comes."""
    wait_until(reserve_turns([url]).get(url))


def reserve_turns(urls: Collection[str]) -> dict[str, datetime]:
    """Reserve the next free slot of each URL's host, in one transaction, and return when
    each URL may be fetched (nothing when there is no interval). Two URLs of one host get
    slots one interval apart.

    A caller fetching many pages at once reserves them all here, on its own connection,
    rather than from each fetching thread: one transaction instead of a connection and
    a transaction per page.
    """
    interval = timedelta(seconds=settings.FETCH_HOST_INTERVAL_SECONDS)
    if not interval or not urls:
        return {}
    hosts = {url: (urlsplit(url).hostname or "").lower() for url in urls}
    now = timezone.now()
    turns = {}
    with transaction.atomic():
        # A host seen for the first time is free now; another worker's new row wins.
        HostSlot.objects.bulk_create(
            [HostSlot(host=host, next_at=now) for host in sorted(set(hosts.values()))],
            ignore_conflicts=True,
        )
        # Locked in the order of their names, so that two workers never wait on each other.
        locked = HostSlot.objects.select_for_update().filter(host__in=set(hosts.values()))
        slots = {slot.host: slot for slot in locked.order_by("host")}
        for url, host in hosts.items():
            slot = slots[host]
            turns[url] = max(now, slot.next_at)
            slot.next_at = turns[url] + interval
        HostSlot.objects.bulk_update(list(slots.values()), ["next_at"])
    return turns


def wait_until(moment: datetime | None) -> None:
    """Sleep until `moment` (a turn from reserve_turns); None means at once."""
    if moment is not None:
        time.sleep(max(0.0, (moment - timezone.now()).total_seconds()))
