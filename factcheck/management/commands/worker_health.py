"""`manage.py worker_health [NODE]`: exit 0 when the worker has sent its heartbeat lately.

For docker compose and orchestrators (docs/operations.md, "Health checks"): NODE is the
worker's Celery name (`default@$HOSTNAME`); without it, any worker will do. It reads the
heartbeat only (factcheck/heartbeat.py), never the database: a PostgreSQL outage does not
make a worker look dead, and the worker recovers from it without a restart.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.heartbeat import HEARTBEAT_MAX_AGE, heartbeat_age


class Command(BaseCommand):
    help = "Exit 0 if the worker (or any worker) sent a heartbeat lately, 1 if not."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("node", nargs="?", default="", help="e.g. default@$HOSTNAME")

    def handle(self, *args: Any, node: str, **options: Any) -> None:
        who = node or "any worker"
        try:
            seen = heartbeat_age(node)
        except Exception as error:  # the heartbeats' Redis is down
            raise CommandError(f"{who}: heartbeat unreadable ({type(error).__name__}).") from None
        if seen is None:
            raise CommandError(f"{who}: no heartbeat.")
        name, age = seen
        if age > HEARTBEAT_MAX_AGE:
            raise CommandError(f"{name}: last heartbeat {age:.0f} s ago (> {HEARTBEAT_MAX_AGE} s).")
        self.stdout.write(f"{name}: alive, last heartbeat {age:.1f} s ago.")
