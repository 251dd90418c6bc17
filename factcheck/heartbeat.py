"""The workers' heartbeat: each worker says every few seconds that it is taking tasks.

A step of the worker's consumer (started once it consumes from the broker, stopped when it
loses the broker) records the time under the worker's name in the `heartbeats` cache: the
Redis of REDIS_URL, or files beside the filesystem broker's queue in the zero-config set-up,
so that the web process and `manage.py worker_health` read what the worker wrote. A worker
whose heartbeat is older than HEARTBEAT_MAX_AGE (three beats missed) is presumed gone or
cut off. The heartbeat touches neither the database nor any task: a PostgreSQL outage does
not make a worker look dead (restarting it would not help, and it recovers by itself).
"""

import logging
import time
import uuid
from typing import Any

from celery import bootsteps
from django.core.cache import caches

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
HEARTBEAT_MAX_AGE = 3 * HEARTBEAT_SECONDS
_LATEST = "worker:latest"
# Tells this start of a worker from the last one of the same name (a restarted container
# keeps its host name): made once per worker process at import, before the pool forks, so
# its processes share it.
INCARNATION = uuid.uuid4().hex[:12]


def heartbeat_record(node: str) -> None:
    """Record that the worker `node` (its Celery name, e.g. default@host) is alive now."""
    now = time.time()
    # Kept a little longer than they count, so that the health check can say how old they are.
    caches["heartbeats"].set_many(
        {f"worker:{node}": [now, INCARNATION], _LATEST: [node, now]},
        timeout=10 * HEARTBEAT_MAX_AGE,
    )


def heartbeat_age(node: str = "") -> tuple[str, float] | None:
    """Return the worker's name and the seconds since its last heartbeat (of `node`, or of
    whichever worker beat last), or None when none is known."""
    cache = caches["heartbeats"]
    if node:
        seen = cache.get(f"worker:{node}")
        return None if seen is None else (node, time.time() - float(seen[0]))
    latest = cache.get(_LATEST)
    return None if latest is None else (str(latest[0]), time.time() - float(latest[1]))


def worker_holding(node: str) -> str:
    """How work held by a task of this process names its worker: the node and this start."""
    return f"{node} {INCARNATION}"


def holder_alive(holder: str) -> bool:
    """Whether the worker that `worker_holding` named is still beating: the same node, the
    same start, a heartbeat no older than HEARTBEAT_MAX_AGE. A worker killed and started
    again under its old name is not the holder. Raises if the heartbeats cannot be read."""
    node, _, incarnation = holder.rpartition(" ")
    seen = caches["heartbeats"].get(f"worker:{node}") if node else None
    if seen is None:
        return False
    beat_at, beating = seen
    return beating == incarnation and time.time() - float(beat_at) <= HEARTBEAT_MAX_AGE


class Heartbeat(bootsteps.StartStopStep):  # type: ignore[misc]  # celery has no type hints
    """The consumer step that beats: it runs on the consumer's timer, beside Celery's own."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, consumer: Any, **kwargs: Any) -> None:
        super().__init__(consumer, **kwargs)
        self.timer_entry: Any = None

    def start(self, consumer: Any) -> None:
        self.beat(consumer.hostname)
        self.timer_entry = consumer.timer.call_repeatedly(
            HEARTBEAT_SECONDS, self.beat, (consumer.hostname,)
        )

    def stop(self, consumer: Any) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    shutdown = stop

    def beat(self, node: str) -> None:
        try:
            heartbeat_record(node)
        except Exception as error:  # the cache's Redis is down: the health check will tell
            logger.warning("Heartbeat of %s not recorded (%s).", node, error)
