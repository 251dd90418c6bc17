"""Health checks for docker compose, load balancers and orchestrators.

GET /health/live answers 200 as long as the web process does: it asks nothing else, so that a
database or a broker that is down never gets the web process restarted (which would not
bring them back). GET /health/ready says whether requests are served and their background
work done: the database answers a query (within DATABASE_TIMEOUT_SECONDS), the broker a
connection, and a worker has sent its heartbeat lately (factcheck/heartbeat.py). 200 when
all three hold, 503 naming the checks that failed; each check with its latency.

A middleware placed first answers both, before the host is validated and http redirected
to https: a probe sent to the container's own address is answered as it is. They build no
URL from the Host header, are not throttled, need no log-in, and say nothing secret (a
check's state, its latency, the kind of error, a worker's name).
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from psycopg.errors import QueryCanceled

from factcheck.celery import app as celery_app
from factcheck.heartbeat import HEARTBEAT_MAX_AGE, heartbeat_age

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 3
# A database that accepts connections but does not answer (a table locked, a server starved)
# fails readiness in this time, rather than holding the probe until the orchestrator gives up.
DATABASE_TIMEOUT_SECONDS = 3


class NotReady(Exception):
    """A check that ran and found its service not ready: why, and what it found."""

    def __init__(self, reason: str, **found: Any) -> None:
        super().__init__(reason)
        self.reason, self.found = reason, found


def database_check() -> dict[str, Any]:
    # The table of applied migrations: a database not migrated yet is not ready either.
    query = "SELECT 1 FROM django_migrations LIMIT 1"
    if connection.vendor != "postgresql":
        # SQLite in WAL mode: a reader never waits for a writer, so this cannot hang (and
        # no transaction: SQLite's begin IMMEDIATE, settings.py, and would wait for one).
        with connection.cursor() as cursor:
            cursor.execute(query)
        return {}
    try:
        # set_config(…, true) is SET LOCAL: the bound ends with the check's own transaction
        # and never limits the requests that reuse the connection.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                [f"{int(DATABASE_TIMEOUT_SECONDS * 1000)}ms"],
            )
            cursor.execute(query)
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            raise NotReady(f"no answer within {DATABASE_TIMEOUT_SECONDS} s") from error
        raise
    return {}


def broker_check() -> dict[str, Any]:
    # A new connection, not one of the pool: it proves the broker answers now (kombu's Redis
    # transport pings it while connecting).
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
    return {}


def worker_check() -> dict[str, Any]:
    seen = heartbeat_age()
    if seen is None:
        raise NotReady("no worker has sent a heartbeat")
    node, age = seen
    found = {"worker": node, "heartbeat_age_seconds": round(age, 1)}
    if age > HEARTBEAT_MAX_AGE:
        raise NotReady(f"the last heartbeat is older than {HEARTBEAT_MAX_AGE} s", **found)
    return found


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": database_check,
    "broker": broker_check,
    "worker": worker_check,
}


def run_check(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one check: its state, its latency in milliseconds, and what it found."""
    began = time.perf_counter()
    found: dict[str, Any] = {}
    error = ""
    try:
        found = check()
    except NotReady as not_ready:
        error, found = not_ready.reason, not_ready.found
    except Exception as failure:  # whatever stops a check is its answer
        # The kind of error only: the services' messages name hosts and users.
        error = f"{type(failure).__module__}.{type(failure).__name__}"
    result: dict[str, Any] = {"ok": not error}
    result["latency_ms"] = round((time.perf_counter() - began) * 1000, 1)
    if error:
        result["error"] = error
    return {**result, **found}


def readiness() -> tuple[bool, dict[str, Any]]:
    checks = {name: run_check(check) for name, check in CHECKS.items()}
    failed = [name for name, result in checks.items() if not result["ok"]]
    if failed:
        logger.warning("Not ready: %s failed.", ", ".join(failed))
    body = {"status": "unavailable" if failed else "ready", "failed": failed, "checks": checks}
    return not failed, body


def live(request: HttpRequest) -> HttpResponse:
    return _answer(200, {"status": "alive"})


def ready(request: HttpRequest) -> HttpResponse:
    # A connection broken by an outage is closed at the end of the request, as after any
    # request (Django's close_old_connections), and the next check connects again.
    ok, body = readiness()
    return _answer(200 if ok else 503, body)


def _answer(status: int, body: dict[str, Any]) -> HttpResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


PROBES = {"/health/live": live, "/health/ready": ready}


class HealthMiddleware:
    """Answer the probes first, before any other middleware (host, https, sessions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info.rstrip("/"))
        if probe is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        return probe(request)
