"""The Celery application: `celery -A factcheck worker` runs the background work."""

import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import KombuError

from factcheck.heartbeat import Heartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

logger = logging.getLogger(__name__)


class Task(DjangoTask):  # type: ignore[misc]
    """A task sent after commit whose sending never undoes the action that committed.

    The rows are saved when the message is sent: a broker that cannot be reached (Redis
    down, a full disk under the filesystem broker) must not turn a saved submission,
    acceptance or publication into an error. The message is left to the sweep
    (claims/sweep.py), which sends again whatever the database shows as waiting.
    """

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:
        transaction.on_commit(functools.partial(self.delay_or_leave, *args, **kwargs))

    def apply_async_on_commit(self, *args: Any, **kwargs: Any) -> None:
        transaction.on_commit(functools.partial(self.apply_async_or_leave, *args, **kwargs))

    def delay_or_leave(self, *args: Any, **kwargs: Any) -> None:
        self._send_or_leave(self.delay, *args, **kwargs)

    def apply_async_or_leave(self, *args: Any, **kwargs: Any) -> None:
        self._send_or_leave(self.apply_async, *args, **kwargs)

    def _send_or_leave(self, send: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        try:
            send(*args, **kwargs)
        except (KombuError, OSError) as error:  # kombu wraps the broker's own errors
            logger.warning("%s not sent (%s); the sweep will send it.", self.name, error)


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
