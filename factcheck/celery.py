"""The Celery application: `celery -A factcheck worker` runs the background work."""

import functools
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import DatabaseError, transaction
from kombu.exceptions import ChannelError, KombuError

from factcheck.heartbeat import Heartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

logger = logging.getLogger(__name__)


class Task(DjangoTask):  # type: ignore[misc]
    """A task sent after commit whose sending never undoes the action that committed.

    The rows are saved when the message is sent: a broker that cannot be reached (Redis
    down, a full disk under the filesystem broker) must not turn a saved submission,
    acceptance or publication into an error. The message refused is kept in the database
    (UnsentMessage) and sent by the sweep (claims/sweep.py) as soon as the broker is back;
    should even that fail, the sweep sends again whatever the database shows as waiting.
    """

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:
        transaction.on_commit(functools.partial(self.delay_or_leave, *args, **kwargs))

    def apply_async_on_commit(self, *args: Any, **kwargs: Any) -> None:
        transaction.on_commit(functools.partial(self.apply_async_or_leave, *args, **kwargs))

    def delay_or_leave(self, *args: Any, **kwargs: Any) -> None:
        self._send_or_leave(functools.partial(self.delay, *args, **kwargs), args, kwargs)

    def apply_async_or_leave(
        self, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None, **options: Any
    ) -> None:
        send = functools.partial(self.apply_async, args, kwargs, **options)
        self._send_or_leave(send, args, kwargs or {})

    def _send_or_leave(
        self, send: Callable[[], object], args: Sequence[Any], kwargs: dict[str, Any]
    ) -> None:
        try:
            send()
        except (KombuError, OSError) as error:  # kombu wraps the broker's own errors
            logger.warning("%s not sent (%s); kept for the sweep to send.", self.name, error)
            _keep_unsent(self.name, args, kwargs)


def _keep_unsent(task: str, args: Sequence[Any], kwargs: dict[str, Any]) -> None:
    from factcheck.models import UnsentMessage  # the app registry is not ready at import

    try:
        UnsentMessage.objects.create(task=task, args=list(args), kwargs=kwargs)
    except DatabaseError as error:  # the sweep still finds the work by its state
        logger.warning("%s%s not kept either (%s).", task, tuple(args), error)


def unsent_messages_send(limit: int = 1000) -> int:
    """Send the messages the broker refused, oldest first; return how many were sent.

    Raises as soon as the broker refuses one again: the rest wait for the next sweep. Each is
    deleted once sent; sent twice (two sweeps at once), its task, idempotent, does it once.
    """
    from factcheck.models import UnsentMessage

    sent = 0
    for message in UnsentMessage.objects.order_by("id")[:limit]:
        app.tasks[message.task].apply_async(message.args, message.kwargs)
        UnsentMessage.objects.filter(id=message.id).delete()
        sent += 1
    return sent


# A queue holding this many messages is working through a backlog (a bulk import, a feed's
# first poll): work that has not started may be waiting in it, not lost (Backlog).
BACKLOG = 100


@dataclass(frozen=True)
class Backlog:
    """The queues that hold a backlog (BACKLOG messages or more), as the broker counts them.

    The sweep sends again work that has not started within STUCK_AFTER. During a backlog
    that is most of the work, waiting in its queue, and sending each item again every
    minute would bury the queue under copies (each ends at once, but is read in its turn).
    So the sweep leaves work that never started alone while its task's queue holds a
    backlog, and sends it again once the queue is below BACKLOG: a lost message's work then
    waits for the backlog to drain, no longer."""

    queues: frozenset[str]

    @classmethod
    def read(cls) -> "Backlog":
        """Ask the broker, once for a whole sweep; no queue counts as backlogged when it
        cannot say (the broker is down): then the sweep sends, as it always did."""
        routed = {route["queue"] for route in _routes().values()} | {app.conf.task_default_queue}
        try:
            with app.connection_for_read(connect_timeout=2) as broker:
                channel = broker.default_channel
                return cls(frozenset(q for q in routed if _waiting(channel, q) >= BACKLOG))
        except Exception:  # the broker is unreachable: nothing is known to wait
            return cls(frozenset())

    def holds(self, task: Any) -> bool:
        """Whether the queue `task` is routed to holds a backlog."""
        return _routes().get(task.name, {}).get("queue", app.conf.task_default_queue) in self.queues


def _routes() -> dict[str, dict[str, str]]:
    return app.conf.task_routes or {}


def _waiting(channel: Any, queue: str) -> int:
    try:
        return int(channel.queue_declare(queue, passive=True).message_count)
    except ChannelError:  # Redis drops an emptied queue's list: nothing waits in it
        return 0


app = Celery("factcheck", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker records a heartbeat while it consumes (factcheck/heartbeat.py).
app.steps["consumer"].add(Heartbeat)


def ensure_broker_folders() -> None:
    """Create the folders of the filesystem broker, which it does not create itself."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _create_broker_folders(**_: object) -> None:
    ensure_broker_folders()
